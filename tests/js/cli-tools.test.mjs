// The AWS CLI and boto3 (from .tools/venv, installed by scripts/setup.sh from PyPI) against a
// kms-wasm server on loopback. The CLI runs the docs' walk-through block (docs/server.md, marked
// "cli-walkthrough") as written, once with --endpoint-url and once with AWS_ENDPOINT_URL_KMS.
// Credentials go in the child env only.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { createKmsServer, MemoryStorage } from "kms-wasm";
import { markedBlock } from "./helpers/docs.mjs";
import { root, run, tempDir, venvBin, venvMissing } from "./helpers/http-helpers.mjs";

let server;
before(async () => { server = await createKmsServer({ storage: new MemoryStorage() }); });
after(() => server?.close());

/** The child's environment: this venv first on PATH, test credentials, and nothing from the user's AWS setup. */
function childEnv(dir, extra = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_")));
  return {
    ...env,
    PATH: `${venvBin}:${process.env.PATH}`,
    AWS_CONFIG_FILE: join(dir, "no-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, "no-credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
    ...extra,
  };
}

/** The docs' AWS CLI walk-through (docs/server.md), as written. */
function walkthrough() {
  return markedBlock("cli-walkthrough");
}

async function runWalkthrough(script) {
  const { dir, cleanup } = tempDir("kms-cli-");
  try {
    // Clear the inherited env: the walk-through's own `export` line provides the credentials.
    const r = await run("bash", ["-euo", "pipefail", "-c", script], { cwd: dir, env: childEnv(dir), timeoutMs: 90_000 });
    assert.equal(r.code, 0, `walk-through failed\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
    return r.stdout;
  } finally {
    cleanup();
  }
}

function checkOutput(out) {
  const lines = out.split("\n");
  assert.ok(lines.includes("hello kms world!"), `decrypt printed the plaintext:\n${out}`);
  assert.ok(lines.some((l) => l.trim() === "32"), `the wrapped data key decrypts to 32 bytes:\n${out}`);
  assert.match(out, /"KeyId": "arn:aws:kms:us-east-1:000000000000:key\/[0-9a-f-]{36}"/, "generate-data-key JSON");
  assert.ok(lines.some((l) => /^arn:aws:kms:us-east-1:000000000000:key\/[0-9a-f-]{36}$/.test(l)), `encrypt via alias/payments:\n${out}`);
  checkSignAndMultiRegion(out, { openssl: true });
}

/** The walk-through's second half: RSA sign/verify (and openssl on GetPublicKey), then a Multi-Region key. */
function checkSignAndMultiRegion(out, { openssl }) {
  const lines = out.split("\n").map((l) => l.trim());
  assert.ok(lines.includes("true"), `verify printed SignatureValid true:\n${out}`);
  if (openssl) assert.ok(lines.includes("Verified OK"), `openssl verified the signature with the public key:\n${out}`);
  assert.match(out, /"Arn": "arn:aws:kms:eu-west-1:000000000000:key\/mrk-[0-9a-f]{32}"/, "replicate-key answered with the replica");
  assert.equal(lines.filter((l) => l === "hello kms world!").length, 2, `both decrypts printed the plaintext:\n${out}`);
}

test("the docs' AWS CLI walk-through works with --endpoint-url", { skip: venvMissing, timeout: 120_000 }, async () => {
  const script = walkthrough().replaceAll("http://127.0.0.1:4599", server.url);
  checkOutput(await runWalkthrough(script));
});

test("the same walk-through works with AWS_ENDPOINT_URL_KMS instead of --endpoint-url", { skip: venvMissing, timeout: 120_000 }, async () => {
  const script = `export AWS_ENDPOINT_URL_KMS=${server.url}\n` +
    walkthrough().replaceAll("--endpoint-url http://127.0.0.1:4599 ", "").replaceAll("alias/payments", "alias/payments-env");
  assert.doesNotMatch(script, /endpoint-url/);
  checkOutput(await runWalkthrough(script));
});

test("AWS CLI errors: a non-zero exit with AWS's error code and message", { skip: venvMissing, timeout: 60_000 }, async () => {
  const { dir, cleanup } = tempDir("kms-cli-");
  try {
    const env = childEnv(dir, { AWS_ACCESS_KEY_ID: "x", AWS_SECRET_ACCESS_KEY: "y", AWS_DEFAULT_REGION: "us-east-1" });
    const r = await run("aws", ["--endpoint-url", server.url, "kms", "describe-key", "--key-id", "alias/nope"], { env, timeoutMs: 60_000 });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /NotFoundException.*alias\/nope is not found/);
  } finally {
    cleanup();
  }
});

test("boto3 works against the server, with endpoint_url and with AWS_ENDPOINT_URL_KMS", { skip: venvMissing, timeout: 120_000 }, async () => {
  for (const how of ["endpoint_url", "AWS_ENDPOINT_URL_KMS"]) {
    const { dir, cleanup } = tempDir("kms-boto3-");
    // A fresh server per run: the script checks its own keys, aliases and account.
    const s = await createKmsServer({ storage: new MemoryStorage() });
    try {
      const env = childEnv(dir, {
        AWS_ACCESS_KEY_ID: "111122223333", // a 12-digit access key is the account
        AWS_SECRET_ACCESS_KEY: "unused",
        AWS_DEFAULT_REGION: "eu-west-2",
        ...(how === "endpoint_url" ? { KMS_ENDPOINT: s.url } : { AWS_ENDPOINT_URL_KMS: s.url }),
      });
      const r = await run(join(venvBin, "python"), [join(root, "tests/python/boto3_walkthrough.py")], { env, cwd: dir, timeoutMs: 90_000 });
      assert.equal(r.code, 0, `${how}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
      assert.match(r.stdout, /boto3 OK/);
    } finally {
      await s.close();
      cleanup();
    }
  }
});

/** Debian's AWS CLI v2, installed by scripts/setup.sh with apt-get (PyPI only has v1). */
const awsV2 = "/usr/bin/aws";

test("the docs' v2 walk-through, exactly as AWS documents it, works with AWS CLI v2", { timeout: 120_000 }, async () => {
  const version = await run(awsV2, ["--version"], { timeoutMs: 60_000 }).catch((e) => ({ code: 1, stdout: "", stderr: String(e) }));
  assert.match(`${version.stdout}${version.stderr}`, /aws-cli\/2\./, `AWS CLI v2 is expected at ${awsV2} (scripts/setup.sh installs Debian's awscli)`);
  const script = `aws() { ${awsV2} "$@"; }\n` + markedBlock("cli-walkthrough-v2").replaceAll("http://127.0.0.1:4599", server.url);
  const out = await runWalkthrough(script);
  assert.ok(out.split("\n").includes("hello kms world!"), out);
  checkSignAndMultiRegion(out, { openssl: false });
});
