// emulateKms(): every @aws-sdk/client-kms client in the process runs on the engine — clients made
// before or after the call, at module top level, in a library's nested copy at another version —
// with the SDK's own serializers and exceptions, the lifecycle (reset, checkpoint, seed, restore)
// and the record of sent commands with its matchers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, copyFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sdk from "@aws-sdk/client-kms";
import { emulateKms, kmsMatchers, MemoryStorage, KMSClient as WasmClient, VirtualClock } from "kms-wasm";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const fixtures = join(root, "tests/fixtures/emulate");
const { KMSClient, CreateKeyCommand, EncryptCommand, DecryptCommand, DisableKeyCommand, DescribeKeyCommand, ListKeysCommand } = sdk;

/** Runs `fn` with the given environment variables set (undefined: unset), then puts them back. */
async function withEnv(vars, fn) {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars)) if (v === undefined) delete process.env[k];
  else process.env[k] = v;
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}

const NO_AWS_ENV = { AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined, AWS_PROFILE: undefined, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_ENDPOINT_URL_KMS: undefined, AWS_ENDPOINT_URL: undefined, AWS_EC2_METADATA_DISABLED: undefined, HOME: "/nonexistent-kms-wasm" };

test("code under test that builds new KMSClient({}) at top level runs on the engine: real keys, AWS's exceptions", async () => {
  await withEnv(NO_AWS_ENV, async () => {
    const app = await import(join(fixtures, "app.mjs")); // its client exists before the call
    const kms = emulateKms({ storage: new MemoryStorage(), lifecycle: false });
    try {
      const setup = new KMSClient({}); // made after the call, also without Region or credentials
      const { KeyMetadata } = await setup.send(new CreateKeyCommand({ Description: "emulated" }));
      assert.match(KeyMetadata.Arn, /^arn:aws:kms:us-east-1:000000000000:key\//);
      const blob = await app.seal(KeyMetadata.KeyId, "hello", { app: "demo" });
      assert.equal(await app.open(blob, { app: "demo" }), "hello");

      const wrongContext = await app.open(blob, { app: "other" }).catch((e) => e);
      assert.ok(wrongContext instanceof sdk.InvalidCiphertextException, String(wrongContext));
      assert.equal(wrongContext.$metadata.httpStatusCode, 400);
      await setup.send(new DisableKeyCommand({ KeyId: KeyMetadata.KeyId }));
      const disabled = await app.seal(KeyMetadata.KeyId, "x").catch((e) => e);
      assert.ok(disabled instanceof sdk.DisabledException, String(disabled));
      assert.equal(disabled.message, `${KeyMetadata.Arn} is disabled.`);

      const encrypts = kms.commandCalls(EncryptCommand);
      assert.equal(encrypts.length, 2);
      assert.equal(kms.commandCalls(EncryptCommand, { KeyId: KeyMetadata.KeyId, EncryptionContext: { app: "demo" } }).length, 1);
      assert.equal(kms.commandCalls(DecryptCommand, { EncryptionContext: { app: "other" } })[0].error, wrongContext);
      assert.deepEqual(kms.commandCalls().map((c) => c.commandName), ["CreateKey", "Encrypt", "Decrypt", "Decrypt", "DisableKey", "Encrypt"]);
    } finally {
      kms.restore();
    }
  });
});

test("the Region: the client's own, else AWS_REGION, else AWS_DEFAULT_REGION, else the emulation's", async () => {
  await withEnv(NO_AWS_ENV, async () => {
    const kms = emulateKms({ storage: new MemoryStorage(), region: "ap-south-1", lifecycle: false });
    try {
      const arnOf = async (client) => (await client.send(new CreateKeyCommand({}))).KeyMetadata.Arn.split(":")[3];
      assert.equal(await arnOf(new KMSClient({})), "ap-south-1");
      assert.equal(await arnOf(new KMSClient({ region: "eu-north-1" })), "eu-north-1");
      assert.equal(await arnOf(new WasmClient({ storage: kms.storage })), "ap-south-1", "kms-wasm's own client too");
      process.env.AWS_DEFAULT_REGION = "sa-east-1";
      assert.equal(await arnOf(new KMSClient({})), "sa-east-1");
      process.env.AWS_REGION = "ca-central-1";
      assert.equal(await arnOf(new KMSClient({})), "ca-central-1");
      assert.equal(await arnOf(new WasmClient({ storage: kms.storage })), "ca-central-1");
    } finally {
      kms.restore();
    }
  });
});

test("credentials the code gives pick the account through accessKeyMap; clients without any need none", async () => {
  await withEnv(NO_AWS_ENV, async () => {
    const kms = emulateKms({ storage: new MemoryStorage(), accessKeyMap: { AKIDBOB: "444455556666" }, lifecycle: false });
    try {
      const bob = new KMSClient({ region: "us-east-1", credentials: { accessKeyId: "AKIDBOB", secretAccessKey: "x" } });
      const { KeyMetadata } = await bob.send(new CreateKeyCommand({}));
      assert.equal(KeyMetadata.AWSAccountId, "444455556666");
      const anon = await new KMSClient({}).send(new ListKeysCommand({}));
      assert.deepEqual(anon.Keys, [], "the default account sees none of bob's keys");
    } finally {
      kms.restore();
    }
  });
});

test("reset() returns to the checkpoint (or empty), and with a seed every test sees the same key IDs", async () => {
  await withEnv(NO_AWS_ENV, async () => {
    const clock = new VirtualClock("2030-01-01T00:00:00Z");
    const kms = emulateKms({ storage: new MemoryStorage(), seed: "per-test", clock, lifecycle: false });
    try {
      const client = new KMSClient({});
      const fixture = (await client.send(new CreateKeyCommand({ Description: "fixture" }))).KeyMetadata;
      await kms.checkpoint();
      const runTest = async () => {
        const made = (await client.send(new CreateKeyCommand({}))).KeyMetadata.KeyId;
        const blob = (await client.send(new EncryptCommand({ KeyId: fixture.KeyId, Plaintext: Buffer.from("same") }))).CiphertextBlob;
        const keys = (await client.send(new ListKeysCommand({}))).Keys.map((k) => k.KeyId).sort();
        return { made, blob: Buffer.from(blob).toString("hex"), keys };
      };
      const first = await runTest();
      assert.equal(first.keys.length, 2);
      await kms.reset();
      assert.equal(kms.commandCalls().length, 0, "reset forgets the history");
      assert.deepEqual((await client.send(new ListKeysCommand({}))).Keys.map((k) => k.KeyId), [fixture.KeyId]);
      await kms.reset();
      assert.deepEqual(await runTest(), first, "same IDs and ciphertexts after each reset");

      // Without a checkpoint, reset goes back to the empty state; the seed replays from the start.
      const fresh = emulateKms({ storage: new MemoryStorage(), seed: "per-test", clock, lifecycle: false });
      try {
        const id1 = (await client.send(new CreateKeyCommand({}))).KeyMetadata.KeyId;
        await fresh.reset();
        assert.deepEqual((await client.send(new ListKeysCommand({}))).Keys, []);
        assert.equal((await client.send(new CreateKeyCommand({}))).KeyMetadata.KeyId, id1);
        assert.equal(id1, fixture.KeyId, "the seed's first key, as in the first emulation");
      } finally {
        fresh.restore();
      }
    } finally {
      kms.restore();
    }
  });
});

test("restore() leaves the SDK as it was: a client aimed at a closed port gets a connection error", async () => {
  await withEnv(NO_AWS_ENV, async () => {
    assert.equal(Object.hasOwn(KMSClient.prototype, "send"), false);
    const kms = emulateKms({ storage: new MemoryStorage(), lifecycle: false });
    const aimed = new KMSClient({ region: "us-east-1", endpoint: "http://127.0.0.1:9", credentials: { accessKeyId: "a", secretAccessKey: "b" }, maxAttempts: 1 });
    assert.ok((await aimed.send(new ListKeysCommand({}))).Keys, "routed while emulating, despite its endpoint");
    kms.restore();
    kms.restore(); // idempotent
    assert.equal(Object.hasOwn(KMSClient.prototype, "send"), false);
    assert.equal(process.env.AWS_EC2_METADATA_DISABLED, undefined);
    const err = await aimed.send(new ListKeysCommand({})).catch((e) => e);
    assert.equal(err.code, "ECONNREFUSED", String(err));
    const later = new KMSClient({ region: "us-east-1", endpoint: "http://127.0.0.1:9", credentials: { accessKeyId: "a", secretAccessKey: "b" }, maxAttempts: 1 });
    assert.equal((await later.send(new ListKeysCommand({})).catch((e) => e)).code, "ECONNREFUSED");
  });
});

test("routeEndpoints: false leaves clients with their own endpoint alone", async () => {
  await withEnv(NO_AWS_ENV, async () => {
    const kms = emulateKms({ storage: new MemoryStorage(), routeEndpoints: false, lifecycle: false });
    try {
      const own = new KMSClient({ region: "us-east-1", endpoint: "http://127.0.0.1:9", credentials: { accessKeyId: "a", secretAccessKey: "b" }, maxAttempts: 1 });
      assert.equal((await own.send(new ListKeysCommand({})).catch((e) => e)).code, "ECONNREFUSED");
      assert.ok((await new KMSClient({}).send(new ListKeysCommand({}))).Keys);
    } finally {
      kms.restore();
    }
  });
});

test("classes a minifier renamed are still routed and named: the client's serviceId and the command's schema say what they are", async () => {
  await withEnv(NO_AWS_ENV, async () => {
    // Anonymous subclasses have the empty name a minifier's short names stand for.
    const [Client, Encrypt, CreateKey] = [class extends KMSClient {}, class extends EncryptCommand {}, class extends CreateKeyCommand {}];
    assert.deepEqual([Client.name, Encrypt.name, CreateKey.name], ["", "", ""]);
    const kms = emulateKms({ storage: new MemoryStorage(), clients: [Client], lifecycle: false });
    try {
      const client = new Client({ region: "us-east-1" });
      const { KeyMetadata } = await client.send(new CreateKey({}));
      await client.send(new Encrypt({ KeyId: KeyMetadata.KeyId, Plaintext: Buffer.from("x") }));
      assert.deepEqual(kms.commandCalls().map((c) => c.commandName), ["CreateKey", "Encrypt"]);
      assert.equal(kms.commandCalls(Encrypt, { KeyId: KeyMetadata.KeyId }).length, 1);
      // The same class configured for another service is not KMS's to answer.
      const other = new Client({ region: "us-east-1", serviceId: "NotKMS", endpoint: "http://127.0.0.1:9", credentials: { accessKeyId: "a", secretAccessKey: "b" }, maxAttempts: 1 });
      assert.equal((await other.send(new ListKeysCommand({})).catch((e) => e)).code, "ECONNREFUSED");
    } finally {
      kms.restore();
    }
  });
});

test("the matchers read like aws-sdk-client-mock-jest's and fail with the commands received", async () => {
  await withEnv(NO_AWS_ENV, async () => {
    const kms = emulateKms({ storage: new MemoryStorage(), lifecycle: false });
    try {
      const client = new KMSClient({});
      const { KeyMetadata } = await client.send(new CreateKeyCommand({}));
      await client.send(new EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: Buffer.from("a"), EncryptionContext: { n: "1" } }));
      await client.send(new EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: Buffer.from("b"), EncryptionContext: { n: "2" } }));
      const m = (name, ...args) => kmsMatchers[name].call({ isNot: false }, kms, ...args);
      assert.equal(m("toHaveReceivedAnyCommand").pass, true);
      assert.equal(m("toHaveReceivedCommand", EncryptCommand).pass, true);
      assert.equal(m("toHaveReceivedCommand", DescribeKeyCommand).pass, false);
      assert.equal(m("toHaveReceivedCommandTimes", EncryptCommand, 2).pass, true);
      assert.equal(m("toHaveReceivedCommandOnce", CreateKeyCommand).pass, true);
      assert.equal(m("toHaveReceivedCommandWith", EncryptCommand, { EncryptionContext: { n: "2" } }).pass, true);
      assert.equal(m("toHaveReceivedCommandWith", EncryptCommand, { Plaintext: Buffer.from("b") }).pass, true, "bytes compare by content");
      assert.equal(m("toHaveReceivedCommandWith", EncryptCommand, { EncryptionContext: { n: "3" } }).pass, false);
      assert.equal(m("toHaveReceivedNthCommandWith", EncryptCommand, 1, { EncryptionContext: { n: "1" } }).pass, true);
      assert.equal(m("toHaveReceivedNthCommandWith", EncryptCommand, 2, { EncryptionContext: { n: "1" } }).pass, false);
      assert.equal(m("toHaveReceivedLastCommandWith", EncryptCommand, { EncryptionContext: { n: "2" } }).pass, true);
      const failed = m("toHaveReceivedCommandTimes", EncryptCommand, 3);
      assert.match(failed.message(), /EncryptCommand 3 times \(received it 2 times\)/);
      assert.match(failed.message(), /2\. Encrypt /);
      assert.throws(() => kmsMatchers.toHaveReceivedAnyCommand.call({}, {}), TypeError);
      // Asymmetric matchers of the runners work inside the input.
      const any = { asymmetricMatch: (v) => typeof v === "string" };
      assert.equal(m("toHaveReceivedCommandWith", EncryptCommand, { KeyId: any }).pass, true);
    } finally {
      kms.restore();
    }
  });
});

test("a library's nested copy of @aws-sdk/client-kms at another version is routed too", () => {
  const project = mkdtempSync(join(tmpdir(), "kms-wasm-nested-"));
  try {
    const nm = join(project, "node_modules");
    mkdirSync(join(nm, "@aws-sdk"), { recursive: true });
    symlinkSync(root, join(nm, "kms-wasm"), "dir");
    symlinkSync(join(root, "node_modules/@aws-sdk/client-kms"), join(nm, "@aws-sdk/client-kms"), "dir");
    const lib = join(nm, "nested-lib");
    mkdirSync(join(lib, "node_modules/@aws-sdk"), { recursive: true });
    writeFileSync(join(lib, "package.json"), JSON.stringify({ name: "nested-lib", main: "index.cjs" }));
    copyFileSync(join(fixtures, "nested-lib.cjs"), join(lib, "index.cjs"));
    // The older SDK, installed under an alias (package.json devDependencies), as the library's own copy.
    symlinkSync(join(root, "node_modules/sdk-kms-older"), join(lib, "node_modules/@aws-sdk/client-kms"), "dir");
    copyFileSync(join(fixtures, "nested-main.mjs"), join(project, "main.mjs"));
    const env = { ...process.env, ...Object.fromEntries(Object.keys(NO_AWS_ENV).map((k) => [k, ""])), HOME: project };
    // After restore the library's client must reach for the network: aim it at a closed port.
    Object.assign(env, { AWS_ENDPOINT_URL_KMS: "http://127.0.0.1:9", AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b", AWS_MAX_ATTEMPTS: "1" });
    const r = spawnSync(process.execPath, ["main.mjs"], { cwd: project, env, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const seen = JSON.parse(r.stdout.trim().split("\n").pop());
    assert.notEqual(seen.nested, seen.top, "two different versions");
    assert.match(seen.keyId, /^arn:aws:kms:eu-west-1:000000000000:key\//);
    assert.equal(seen.plaintext, 32);
    assert.deepEqual(seen.calls, ["CreateKey", "GenerateDataKey"]);
    assert.equal(seen.after, "ECONNREFUSED");
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});

test("docs/testing.md's Jest, Vitest and seed recipes are the consumer projects' own files (run by test-consumers)", async () => {
  const { markedBlock } = await import("./helpers/docs.mjs");
  const { readFileSync } = await import("node:fs");
  const consumer = (path) => readFileSync(join(root, "tests/consumers", path), "utf8");
  const shows = (id, path) => {
    // The doc may show a file in parts; each part is in the file as written, comments aside.
    // Compared line by line without indentation: a doc may show a test's body on its own.
    const lines = (text) => text.split("\n").map((l) => l.trim()).join("\n");
    const code = lines(markedBlock(id).split("\n").filter((l) => !l.startsWith("// src/")).join("\n")).trim();
    assert.ok(lines(consumer(path)).includes(code), `docs/testing.md block ${id} is not in tests/consumers/${path} as written`);
  };
  shows("testing-jest-setup", "jest/emulate.test.js");
  shows("testing-jest-app", "jest/src/app.js");
  shows("testing-jest-file", "jest/emulate.test.js");
  shows("testing-vitest-setup", "vitest/emulate.test.js");
  shows("testing-seed-setup", "jest-esm/emulate.test.js");
  shows("testing-calls", "jest/emulate.test.js");
});

test("calls(): every call on the storage as its CloudTrail event, from any door, cleared by reset", async () => {
  await withEnv(NO_AWS_ENV, async () => {
    const kms = emulateKms({ storage: new MemoryStorage(), lifecycle: false });
    try {
      const client = new KMSClient({});
      const { KeyMetadata } = await client.send(new CreateKeyCommand({ Description: "logged" }));
      const secret = "plaintext that must never be logged";
      const { CiphertextBlob } = await client.send(new EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: Buffer.from(secret), EncryptionContext: { app: "log" } }));
      await client.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { app: "nope" } })).catch(() => {});
      await new WasmClient({ storage: kms.storage }).send(new DescribeKeyCommand({ KeyId: KeyMetadata.KeyId })); // kms-wasm's own client
      const events = kms.calls();
      assert.deepEqual(events.map((e) => e.eventName), ["CreateKey", "Encrypt", "Decrypt", "DescribeKey"]);
      const [create, encrypt, decrypt] = events;
      assert.equal(create.eventSource, "kms.amazonaws.com");
      assert.equal(create.awsRegion, "us-east-1");
      assert.equal(create.readOnly, false);
      assert.equal(encrypt.readOnly, true);
      assert.deepEqual(encrypt.requestParameters.encryptionContext, { app: "log" });
      assert.equal(encrypt.requestParameters.keyId, KeyMetadata.KeyId);
      assert.equal(encrypt.responseElements, null);
      assert.equal(encrypt.resources[0].ARN, KeyMetadata.Arn);
      assert.equal(decrypt.errorCode, "InvalidCiphertextException");
      const routedCall = kms.commandCalls(EncryptCommand)[0];
      assert.equal(encrypt.requestID, routedCall.output.$metadata.requestId, "an event and the SDK's answer share the request ID");
      const all = JSON.stringify(events);
      for (const leak of [secret, Buffer.from(secret).toString("base64"), Buffer.from(CiphertextBlob).toString("base64")]) {
        assert.equal(all.includes(leak), false, "no plaintext or ciphertext in the log");
      }
      await kms.reset();
      assert.deepEqual(kms.calls(), []);
    } finally {
      kms.restore();
    }
  });
});
