// docs/http.md's blocks marked "run by tests/js/http-docs.test.mjs: ID" (tests/js/docs.test.mjs
// runs the unmarked ones): the admin-path examples run as a reader would run them (port 4599
// becomes a free port) and print what the page says; the Jest and Vitest configs are the consumer
// projects' own (tests/consumers/*-global-setup, run by scripts/test-consumers.mjs); the setup
// files with options are loaded and run in a child process with no AWS_* variables of the user's.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cliPath, root, run } from "./helpers/http-helpers.mjs";
import { markedBlock } from "./helpers/docs.mjs";

const DOC = "docs/http.md";

const marked = (id) => ({ code: markedBlock(id) });
const codeLines = (text) => text.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("//"));

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** The environment without the user's AWS setup, and with the package's bin on PATH. */
function cleanEnv(bin) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_")));
  return { ...env, AWS_CONFIG_FILE: "/nonexistent", AWS_SHARED_CREDENTIALS_FILE: "/nonexistent", PATH: `${bin}:${process.env.PATH}` };
}

/** Runs `code` as a module of `ext` (".mjs" or ".cjs") inside tests/js, so "kms-wasm" resolves by name. */
async function runModule(code, ext, env = {}) {
  const file = join(root, "tests/js", `.http-docs-${process.pid}-${Math.random().toString(36).slice(2)}${ext}`);
  writeFileSync(file, code);
  try {
    return await run(process.execPath, [file], { env: { ...cleanEnv(""), ...env }, timeoutMs: 60_000 });
  } finally {
    rmSync(file, { force: true });
  }
}

/** A module that loads `setupFile` and checks what its setup did, then tears it down. */
const checkSetup = (load) => `
${load}
const before = JSON.stringify(Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith("AWS_"))));
await start();
const url = process.env.AWS_ENDPOINT_URL_KMS;
if (!/^http:\\/\\/127\\.0\\.0\\.1:\\d+$/.test(url)) throw new Error("no endpoint: " + url);
if (process.env.AWS_REGION !== "eu-west-1" || process.env.AWS_DEFAULT_REGION !== "eu-west-1") throw new Error("Region not from the options");
if (!process.env.AWS_ACCESS_KEY_ID || !process.env.AWS_SECRET_ACCESS_KEY) throw new Error("no credentials");
const call = async (target, body) => (await fetch(url + (target.startsWith("/") ? target : "/"), {
  method: "POST", body,
  headers: target.startsWith("/") ? {} : { "content-type": "application/x-amz-json-1.1", "x-amz-target": "TrentService." + target },
})).json();
const first = (await call("CreateKey", "{}")).KeyMetadata.KeyId;
await call("/_kms-wasm/reset");
const again = (await call("CreateKey", "{}")).KeyMetadata.KeyId;
if (first !== again) throw new Error("the seed did not make key IDs repeat after a reset: " + first + " " + again);
await stop();
const after = JSON.stringify(Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith("AWS_"))));
if (after !== before) throw new Error("the environment was not restored: " + after);
console.log("SETUP OK");
`;

test(`${DOC}: the Jest config is the one tests/consumers/jest-global-setup runs`, () => {
  const consumer = codeLines(readFileSync(join(root, "tests/consumers/jest-global-setup/jest.config.js"), "utf8"));
  for (const line of codeLines(marked("jest-config").code)) assert.ok(consumer.includes(line), `jest.config.js has ${line}`);
});

test(`${DOC}: the Vitest config is the one tests/consumers/vitest-global-setup runs`, () => {
  const consumer = codeLines(readFileSync(join(root, "tests/consumers/vitest-global-setup/vitest.config.js"), "utf8"));
  assert.deepEqual(codeLines(marked("vitest-config").code), consumer);
});

test(`${DOC}: the Jest setup file with options starts a seeded server and hands over the Region`, async () => {
  const setupFile = join(root, "tests/js", `.http-docs-jest-setup-${process.pid}.cjs`);
  writeFileSync(setupFile, marked("jest-options").code);
  try {
    const load = `import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const start = require(${JSON.stringify(setupFile)});
const stop = require("kms-wasm/jest-global-teardown").default;`;
    const r = await runModule(checkSetup(load), ".mjs");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /SETUP OK/);
  } finally {
    rmSync(setupFile, { force: true });
  }
});

test(`${DOC}: the Vitest setup file with options starts a seeded server and provides the endpoint`, async () => {
  const setupFile = join(root, "tests/js", `.http-docs-vitest-setup-${process.pid}.mjs`);
  writeFileSync(setupFile, marked("vitest-options").code);
  try {
    const load = `const { setup, teardown } = await import(${JSON.stringify(setupFile)});
const provided = {};
const start = () => setup({ provide: (k, v) => { provided[k] = v; } }).then(() => {
  if (provided.kmsWasmEndpoint !== process.env.AWS_ENDPOINT_URL_KMS) throw new Error("kmsWasmEndpoint not provided");
});
const stop = teardown;`;
    const r = await runModule(checkSetup(load), ".mjs");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /SETUP OK/);
  } finally {
    rmSync(setupFile, { force: true });
  }
});

for (const [id, lang, expected] of [["admin-fetch", "js", /\[ 'CreateKey' \]/], ["moto-reset", "sh", /\{"status":"ok"\}/]]) {
  test(`${DOC}: the ${id} block runs as written and prints what the page says`, async () => {
    const b = { ...marked(id), lang };
    const port = await freePort();
    const code = b.code.replace(/\b4599\b/g, String(port));
    const cwd = mkdtempSync(join(tmpdir(), "kms-http-docs-"));
    const bin = join(cwd, ".bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "kms-wasm"), `#!/bin/sh\nexec "${process.execPath}" "${cliPath}" "$@"\n`);
    chmodSync(join(bin, "kms-wasm"), 0o755);
    try {
      const r = b.lang === "sh"
        ? await run("bash", ["-euo", "pipefail", "-c", code], { cwd, env: cleanEnv(bin), timeoutMs: 60_000 })
        : await runModule(code, ".mjs");
      assert.equal(r.code, 0, `--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
      assert.match(r.stdout, expected);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
}
