// White-box: the Node entry lends node:crypto's AES-256-GCM to the engine (pkg/src/node-aes-gcm.ts,
// src/crypto/aes_gcm.rs). It must be a faster way to the same bytes, never a different result:
// two seeded engines, one on RustCrypto and one on node:crypto, produce identical ciphertexts and
// read each other's.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createCipheriv, randomBytes } from "node:crypto";
import * as glue from "../../pkg/dist/wasm/kms_wasm.js";
import { nodeAesGcm } from "../../pkg/dist/node-aes-gcm.js";
import { readOutcome } from "../../pkg/dist/engine.js";

await glue.default({ module_or_path: readFileSync(new URL("../../pkg/dist/wasm/kms_wasm_bg.wasm", import.meta.url)) });

const ctx = JSON.stringify({ accountId: "111122223333", region: "us-east-1", requestId: "00000000-0000-4000-8000-000000000000", now: 1700000000 });
const enc = new TextEncoder();
const dec = new TextDecoder();

/** One call on `engine` with AES-GCM from `host` (undefined: RustCrypto). */
function call(engine, host, op, request) {
  engine.lend_hosts(host, undefined);
  const out = readOutcome(glue.wasm_memory(), engine.dispatch(`TrentService.${op}`, ctx, enc.encode(JSON.stringify(request))));
  if (out.entry) engine.commit();
  return { status: out.status, ...JSON.parse(dec.decode(out.body)) };
}

test("seal and open agree with node:crypto's own AES-GCM and reject tampering", () => {
  const [key, iv, aad, data] = [randomBytes(32), randomBytes(12), randomBytes(20), randomBytes(1000)];
  const c = createCipheriv("aes-256-gcm", key, iv).setAAD(aad);
  const expected = Buffer.concat([c.update(data), c.final(), c.getAuthTag()]);
  const sealed = new Uint8Array(data.length + 16);
  nodeAesGcm.seal(key, iv, aad, data, sealed);
  assert.deepEqual(Buffer.from(sealed), expected);
  const opened = new Uint8Array(data.length);
  assert.equal(nodeAesGcm.open(key, iv, aad, expected, opened), true);
  assert.deepEqual(Buffer.from(opened), data);
  const tampered = Buffer.from(expected);
  tampered[5] ^= 1;
  assert.equal(nodeAesGcm.open(key, iv, aad, tampered, new Uint8Array(data.length)), false);
  assert.equal(nodeAesGcm.open(key, iv, aad, expected.subarray(0, 15), new Uint8Array(0)), false);
});

test("the engine makes identical ciphertexts with node:crypto and with RustCrypto, and reads both", () => {
  const soft = glue.WasmEngine.with_seed(enc.encode("aes-host"));
  const host = glue.WasmEngine.with_seed(enc.encode("aes-host"));
  try {
    const keyId = call(soft, undefined, "CreateKey", {}).KeyMetadata.KeyId;
    assert.equal(call(host, nodeAesGcm, "CreateKey", {}).KeyMetadata.KeyId, keyId);
    // Below 160 bytes the engine keeps to RustCrypto (a host call costs more than it saves).
    for (const size of [1, 100, 160, 161, 4096]) {
      const request = { KeyId: keyId, Plaintext: randomBytes(size).toString("base64"), EncryptionContext: { purpose: "test" } };
      const a = call(soft, undefined, "Encrypt", request);
      const b = call(host, nodeAesGcm, "Encrypt", request);
      assert.equal(b.CiphertextBlob, a.CiphertextBlob, `size ${size}`);
      assert.equal(call(host, nodeAesGcm, "Decrypt", { CiphertextBlob: a.CiphertextBlob, EncryptionContext: { purpose: "test" } }).Plaintext, request.Plaintext);
      assert.equal(call(soft, undefined, "Decrypt", { CiphertextBlob: b.CiphertextBlob, EncryptionContext: { purpose: "test" } }).Plaintext, request.Plaintext);
      // The wrong context fails authentication on either path.
      for (const [engine, aes] of [[soft, undefined], [host, nodeAesGcm]]) {
        const wrong = call(engine, aes, "Decrypt", { CiphertextBlob: b.CiphertextBlob, EncryptionContext: { purpose: "other" } });
        assert.equal(wrong.__type, "InvalidCiphertextException");
      }
    }
    const gdkSoft = call(soft, undefined, "GenerateDataKey", { KeyId: keyId, KeySpec: "AES_256" });
    const gdkHost = call(host, nodeAesGcm, "GenerateDataKey", { KeyId: keyId, KeySpec: "AES_256" });
    assert.deepEqual(gdkHost, gdkSoft);
  } finally {
    soft.free();
    host.free();
  }
});

test("a host that throws falls back to RustCrypto", () => {
  const engine = glue.WasmEngine.with_seed(enc.encode("broken-host"));
  const broken = { seal() { throw new Error("no AES today"); }, open() { throw new Error("no AES today"); } };
  try {
    const keyId = call(engine, broken, "CreateKey", {}).KeyMetadata.KeyId;
    const Plaintext = randomBytes(1000).toString("base64");
    const { CiphertextBlob } = call(engine, broken, "Encrypt", { KeyId: keyId, Plaintext });
    assert.equal(call(engine, undefined, "Decrypt", { CiphertextBlob }).Plaintext, Plaintext);
    assert.equal(call(engine, broken, "Decrypt", { CiphertextBlob }).Plaintext, Plaintext);
  } finally {
    engine.free();
  }
});

test("hosts are lent per engine: another engine of the same instance keeps to RustCrypto", () => {
  const calls = { n: 0 };
  const counting = { seal(...a) { calls.n++; return nodeAesGcm.seal(...a); }, open(...a) { calls.n++; return nodeAesGcm.open(...a); } };
  const lent = new glue.WasmEngine();
  const other = new glue.WasmEngine();
  try {
    const Plaintext = randomBytes(4096).toString("base64");
    lent.lend_hosts(counting, undefined);
    const mine = call(lent, counting, "CreateKey", {}).KeyMetadata.KeyId;
    call(lent, counting, "Encrypt", { KeyId: mine, Plaintext });
    assert.equal(calls.n, 1);
    // `other` was never lent a host; dispatching on it without call()'s lend_hosts shows that.
    const run = (op, request) => JSON.parse(dec.decode(readOutcome(glue.wasm_memory(), other.dispatch(`TrentService.${op}`, ctx, enc.encode(JSON.stringify(request)))).body));
    const theirs = run("CreateKey", {}).KeyMetadata.KeyId;
    other.commit();
    const { CiphertextBlob } = run("Encrypt", { KeyId: theirs, Plaintext });
    assert.equal(run("Decrypt", { CiphertextBlob }).Plaintext, Plaintext);
    assert.equal(calls.n, 1);
  } finally {
    lent.free();
    other.free();
  }
});
