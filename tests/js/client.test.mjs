// KMSClient end to end through the built package, imported by name: send + $metadata, blob and
// timestamp conversion, a CreateKey → Encrypt → Decrypt round trip, the real SDK's command objects,
// the aggregated client, paginators, config validation, and recovery from an engine crash.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as sdk from "@aws-sdk/client-kms";
import {
  KMSClient, KMS, MemoryStorage, CreateKeyCommand, DescribeKeyCommand, EncryptCommand, DecryptCommand, ListKeysCommand,
  paginateListKeys, KMSServiceException,
} from "kms-wasm";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const fresh = (extra = {}) => new KMSClient({ region: "us-east-1", storage: new MemoryStorage(), ...extra });

test("send resolves with the output and SDK-shaped $metadata", async () => {
  const out = await fresh().send(new CreateKeyCommand({ Description: "meta" }));
  const { requestId, ...rest } = out.$metadata;
  assert.match(requestId, UUID_V4);
  assert.deepEqual(rest, { httpStatusCode: 200, extendedRequestId: undefined, cfId: undefined, attempts: 1, totalRetryDelay: 0 });
  assert.equal(out.KeyMetadata.Description, "meta");
});

test("timestamps become Dates, taken from the configured clock", async () => {
  const at = new Date("2024-02-03T04:05:06.000Z");
  const { KeyMetadata } = await fresh({ clock: () => at }).send(new CreateKeyCommand({}));
  assert.ok(KeyMetadata.CreationDate instanceof Date);
  assert.equal(KeyMetadata.CreationDate.getTime(), at.getTime());
});

test("CreateKey → Encrypt → Decrypt round trip with Uint8Array blobs", async () => {
  const client = fresh();
  const { KeyMetadata } = await client.send(new CreateKeyCommand({}));
  const plaintext = new TextEncoder().encode("hello, kms");
  const enc = await client.send(new EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: plaintext }));
  assert.ok(enc.CiphertextBlob instanceof Uint8Array);
  assert.equal(enc.KeyId, KeyMetadata.Arn);
  const dec = await client.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }));
  assert.ok(dec.Plaintext instanceof Uint8Array);
  assert.deepEqual([...dec.Plaintext], [...plaintext]);
  assert.equal(dec.KeyId, KeyMetadata.Arn);
});

test("the real SDK's command objects work with our send", async () => {
  const client = fresh();
  const created = await client.send(new sdk.CreateKeyCommand({ Description: "from the sdk" }));
  const { KeyMetadata } = await client.send(new sdk.DescribeKeyCommand({ KeyId: created.KeyMetadata.KeyId }));
  assert.equal(KeyMetadata.Description, "from the sdk");
  const enc = await client.send(new sdk.EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: new Uint8Array([7, 8, 9]) }));
  const dec = await client.send(new sdk.DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }));
  assert.deepEqual([...dec.Plaintext], [7, 8, 9]);
});

test("clients without storage share the process-wide default store", async () => {
  const a = new KMSClient({ region: "us-east-1" });
  const b = new KMSClient({ region: "us-east-1" });
  const { KeyMetadata } = await a.send(new CreateKeyCommand({}));
  const seen = await b.send(new DescribeKeyCommand({ KeyId: KeyMetadata.KeyId }));
  assert.equal(seen.KeyMetadata.KeyId, KeyMetadata.KeyId);
});

test("the aggregated KMS client has a method per command and supports callbacks", async () => {
  const kms = new KMS({ region: "eu-west-1", storage: new MemoryStorage() });
  assert.ok(kms instanceof KMSClient);
  const { KeyMetadata } = await kms.createKey({});
  assert.match(KeyMetadata.Arn, /^arn:aws:kms:eu-west-1:000000000000:key\//);
  const viaCallback = await new Promise((resolve, reject) =>
    kms.describeKey({ KeyId: KeyMetadata.KeyId }, (err, data) => (err ? reject(err) : resolve(data))));
  assert.equal(viaCallback.KeyMetadata.KeyId, KeyMetadata.KeyId);
  for (const name of Object.getOwnPropertyNames(sdk.KMS.prototype).filter((n) => n !== "constructor")) {
    assert.equal(typeof kms[name], "function", `KMS.${name}`);
  }
});

test("paginateListKeys follows NextMarker with pageSize as Limit", async () => {
  const client = fresh({ accountId: "111122223333" });
  const ids = [];
  for (let i = 0; i < 5; i++) ids.push((await client.send(new CreateKeyCommand({}))).KeyMetadata.KeyId);
  const pages = [];
  for await (const page of paginateListKeys({ client, pageSize: 2 }, {})) pages.push(page);
  assert.deepEqual(pages.map((p) => p.Keys.length), [2, 2, 1]);
  assert.deepEqual(pages.flatMap((p) => p.Keys.map((k) => k.KeyId)).sort(), ids.sort());
  const all = await client.send(new ListKeysCommand({}));
  assert.equal(all.Truncated, false);
});

test("config: the Region comes from the environment as in the SDK; a missing one is the SDK's error at send", async () => {
  const saved = process.env.AWS_REGION;
  try {
    delete process.env.AWS_REGION;
    const client = new KMSClient({});
    assert.equal(client.config.region, undefined);
    const err = await client.send(new CreateKeyCommand({})).catch((e) => e);
    assert.equal(err.constructor, Error);
    assert.equal(err.message, "Region is missing");
    await assert.rejects(new KMSClient().send(new ListKeysCommand({})), { message: "Region is missing" });
    process.env.AWS_REGION = "eu-central-1";
    const { KeyMetadata } = await client.send(new CreateKeyCommand({}));
    assert.match(KeyMetadata.Arn, /^arn:aws:kms:eu-central-1:/);
    process.env.AWS_REGION = "not a region";
    await assert.rejects(client.send(new ListKeysCommand({})), { message: 'Region not accepted: region="not a region" is not a valid hostname component.' });
  } finally {
    if (saved === undefined) delete process.env.AWS_REGION;
    else process.env.AWS_REGION = saved;
  }
});

test("config: a given region is validated; accountId must be 12 digits", () => {
  assert.throws(() => new KMSClient({ region: "not a region" }), TypeError);
  assert.throws(() => new KMSClient({ region: "us-east-1", accountId: "123" }), TypeError);
  assert.equal(new KMSClient({ region: "ap-southeast-2" }).config.accountId, "000000000000");
  new KMSClient({ region: "us-gov-west-1", credentials: { accessKeyId: "x", secretAccessKey: "y" } }).destroy();
});

test("an operation the engine does not implement rejects with a KMSServiceException, not a crash", async () => {
  const err = await fresh().send(new sdk.GetKeyLastUsageCommand({ KeyId: "alias/x" })).catch((e) => e);
  assert.ok(KMSServiceException.isInstance(err), String(err));
  assert.ok(["UnsupportedOperationException", "NotFoundException"].includes(err.name), err.name);
});

// White-box: a copy of the built package whose wasm glue can be made to trap on demand (the engine
// offers no way to panic on purpose). "fake" swaps in the JS fake glue, which reports a panic
// message; "real" wraps the real glue and makes the wasm instance itself trap (an out-of-bounds
// access), which exercises wasm-bindgen's __wbg_reset_state.
const CRASHING_REAL_GLUE = `export * from "./kms_wasm_real.js";
export { default } from "./kms_wasm_real.js";
import { WasmEngine } from "./kms_wasm_real.js";
const dispatch = WasmEngine.prototype.dispatch_with_blobs;
WasmEngine.prototype.dispatch_with_blobs = function (target, ctx, body, blobs) {
  if (target === "TrentService.CrashForTest") {
    const bogus = Object.create(WasmEngine.prototype);
    bogus.__wbg_ptr = 0x7ffffff0;
    bogus.snapshot();
  }
  return dispatch.call(this, target, ctx, body, blobs);
};
`;

for (const glue of ["fake", "real"]) {
  test(`a wasm trap rejects with KMSInternalException and the engine reloads from storage (${glue} glue)`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "kms-wasm-trap-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    cpSync(fileURLToPath(new URL("../../pkg/dist/", import.meta.url)), dir, { recursive: true });
    if (glue === "fake") {
      cpSync(fileURLToPath(new URL("./helpers/fake-glue.js", import.meta.url)), join(dir, "wasm/kms_wasm.js"));
    } else {
      renameSync(join(dir, "wasm/kms_wasm.js"), join(dir, "wasm/kms_wasm_real.js"));
      writeFileSync(join(dir, "wasm/kms_wasm.js"), CRASHING_REAL_GLUE);
    }
    const m = await import(pathToFileURL(join(dir, "node.js")).href);
    const client = new m.KMSClient({ region: "us-east-1", storage: new m.MemoryStorage() });
    const { KeyMetadata } = await client.send(new m.CreateKeyCommand({}));
    class CrashForTestCommand { input = {}; }
    const err = await client.send(new CrashForTestCommand()).catch((e) => e);
    assert.equal(err.name, "KMSInternalException", String(err?.stack ?? err));
    assert.ok(err instanceof m.KMSInternalException);
    assert.equal(err.$fault, "server");
    assert.equal(err.$metadata.httpStatusCode, 500);
    assert.match(err.message, glue === "fake" ? /crash requested/ : /out of bounds|unreachable/);
    const again = await client.send(new m.DescribeKeyCommand({ KeyId: KeyMetadata.KeyId }));
    assert.equal(again.KeyMetadata.KeyId, KeyMetadata.KeyId, "state was replayed from storage");
  });
}
