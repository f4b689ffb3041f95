// Blob members over the HTTP doors, where the engine lends large blobs' base64 to Node's Buffer
// (pkg/src/node-base64.ts, src/api/blob_base64.rs): byte-exact at every size, including empty and
// the largest KMS takes, and malformed base64 answered exactly as the engine's own decoder answers.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, describe, it } from "node:test";

import { createKmsServer, MemoryStorage } from "kms-wasm";
import { kmsHeaders, raw } from "./helpers/http-helpers.mjs";
// White-box exception (CONVENTIONS.md boundary rule 9): the host codec is internal.
import { nodeBase64 } from "../../pkg/dist/node-base64.js";

const server = await createKmsServer({ storage: new MemoryStorage() });
after(() => server.close());
const call = async (op, body) => {
  const r = await raw(server.url, { headers: kmsHeaders(op), body: typeof body === "string" ? body : JSON.stringify(body) });
  return { status: r.status, json: r.json };
};
const b64 = (bytes) => Buffer.from(bytes).toString("base64");
const keyId = (await call("CreateKey", {})).json.KeyMetadata.KeyId;

describe("blobs over HTTP", () => {
  it("round-trip byte-exact at every size, below and above the host threshold", async () => {
    for (const size of [1, 2, 3, 100, 383, 384, 385, 1000, 4095, 4096]) {
      const plaintext = randomBytes(size);
      const enc = await call("Encrypt", { KeyId: keyId, Plaintext: b64(plaintext) });
      assert.equal(enc.status, 200, JSON.stringify(enc.json));
      const dec = await call("Decrypt", { CiphertextBlob: enc.json.CiphertextBlob });
      assert.equal(dec.status, 200);
      assert.equal(dec.json.Plaintext, b64(plaintext), `size ${size}`);
    }
  });

  it("a response blob (GenerateRandom up to 1024 bytes) is canonical base64 of the right size", async () => {
    for (const n of [1, 383, 384, 1024]) {
      const { status, json } = await call("GenerateRandom", { NumberOfBytes: n });
      assert.equal(status, 200);
      assert.equal(Buffer.from(json.Plaintext, "base64").length, n);
      assert.equal(b64(Buffer.from(json.Plaintext, "base64")), json.Plaintext);
    }
  });

  it("an empty blob is still a ValidationException, an oversized one too", async () => {
    const empty = await call("Encrypt", { KeyId: keyId, Plaintext: "" });
    assert.equal(empty.status, 400);
    assert.equal(empty.json.__type, "ValidationException");
    const big = await call("Encrypt", { KeyId: keyId, Plaintext: b64(randomBytes(4097)) });
    assert.equal(big.status, 400);
    assert.equal(big.json.__type, "ValidationException");
  });

  it("malformed base64, large or small, is a SerializationException with the same message", async () => {
    const good = b64(randomBytes(3000));
    const small = b64(randomBytes(30));
    const spoil = {
      "URL-safe -": (s) => s.slice(0, 10) + "-" + s.slice(11),
      "URL-safe _": (s) => s.slice(0, 10) + "_" + s.slice(11),
      "a space": (s) => s.slice(0, 10) + " " + s.slice(11),
      "a stray =": (s) => s.slice(0, 8) + "=" + s.slice(9),
      "no padding": (s) => b64(Buffer.from(s, "base64").subarray(1)).replace(/=+$/, ""),
      "non-canonical last bits": (s) => { const t = b64(Buffer.from(s, "base64").subarray(2)); return t.slice(0, -3) + "R=="; },
      "non-ASCII": (s) => s.slice(0, 10) + "é" + s.slice(12),
      "three pads": (s) => s.slice(0, -4) + "A===",
    };
    for (const [what, f] of Object.entries(spoil)) {
      const answers = [];
      for (const s of [good, small]) answers.push(await call("Decrypt", { CiphertextBlob: f(s) }));
      for (const a of answers) {
        assert.equal(a.status, 400, what);
        assert.deepEqual(a.json, { __type: "SerializationException", message: "Invalid base64" }, what);
      }
    }
  });
});

describe("the host base64 codec (node-base64.ts)", () => {
  const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  // The engine's rule (base64 crate, STANDARD): padded, standard alphabet, canonical last bits.
  const canonical = (s) => /^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s) && s.length % 4 === 0 &&
    (!s.endsWith("==") || (ALPHABET.indexOf(s[s.length - 3]) & 0xf) === 0) &&
    (!s.endsWith("=") || s.endsWith("==") || (ALPHABET.indexOf(s[s.length - 2]) & 0x3) === 0);
  const decodedLength = (s) => (s.length / 4) * 3 - (s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0);
  const noise = [..."-_ =\n\t.é!A/+0"];

  it("accepts exactly the canonical text and decodes it byte-exact", () => {
    let accepted = 0;
    for (let i = 0; i < 4000; i++) {
      const bytes = randomBytes(i % 40);
      let s = b64(bytes);
      if (i % 2 === 1 && s.length > 0) {
        const at = (i * 7919) % s.length;
        s = s.slice(0, at) + noise[i % noise.length] + s.slice(at + (i % 3 === 0 ? 0 : 1));
      }
      const text = Buffer.from(s, "latin1");
      if (text.length % 4 !== 0 || /={3}$/.test(s)) continue; // never offered to the host (blob_base64.rs)
      const out = new Uint8Array(decodedLength(s));
      const ok = nodeBase64.decode(text, out);
      assert.equal(ok, canonical(s), JSON.stringify(s));
      if (ok) {
        accepted++;
        assert.deepEqual(Buffer.from(out), Buffer.from(s, "base64"));
      }
    }
    assert.ok(accepted > 1000);
  });

  it("encodes byte-exact into the buffer it is given", () => {
    for (const n of [0, 1, 2, 3, 4, 1000]) {
      const bytes = randomBytes(n);
      const out = new Uint8Array(Math.ceil(n / 3) * 4);
      nodeBase64.encode(bytes, out);
      assert.equal(Buffer.from(out).toString("latin1"), b64(bytes));
    }
  });
});
