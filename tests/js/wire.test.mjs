// White-box: the base64 codecs on the hot path (native fast paths and the portable table codec) agree
// with each other and reject what is not base64.
import { test } from "node:test";
import assert from "node:assert/strict";
import { base64Decode, base64Encode, tableDecode, tableEncode } from "../../pkg/dist/wire.js";

test("native and table codecs agree on every length 0..300", () => {
  for (let n = 0; n <= 300; n++) {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
    const text = base64Encode(bytes);
    assert.equal(text, tableEncode(bytes));
    assert.equal(text, Buffer.from(bytes).toString("base64"));
    assert.deepEqual(base64Decode(text), bytes);
    assert.deepEqual(tableDecode(text), bytes);
    assert.equal(Object.getPrototypeOf(base64Decode(text)), Uint8Array.prototype);
  }
});

test("decoding accepts missing padding and rejects other characters", () => {
  assert.deepEqual(base64Decode("aGk"), new TextEncoder().encode("hi"));
  for (const bad of ["aGk*", "a b=", "é===", "aGk=x"]) assert.throws(() => base64Decode(bad), TypeError, bad);
});

test("a decoded blob does not expose a shared pool", () => {
  const out = base64Decode("AAEC");
  assert.equal(out.buffer.byteLength, 3);
});

test("in process, blob members travel beside the JSON and come back the same way", async () => {
  const { toWireText, fromWire } = await import("../../pkg/dist/wire.js");
  const blobs = [];
  const body = toWireText("Encrypt", { KeyId: "k", Plaintext: new Uint8Array([1, 2]), EncryptionContext: { a: "b" } }, blobs);
  assert.equal(body, '{"KeyId":"k","Plaintext":"#0","EncryptionContext":{"a":"b"}}');
  assert.deepEqual(blobs, [new Uint8Array([1, 2])]);
  // A string blob input is its UTF-8 bytes, as the SDK sends it.
  const fromString = [];
  toWireText("Encrypt", { KeyId: "k", Plaintext: "hé" }, fromString);
  assert.deepEqual(fromString, [new TextEncoder().encode("hé")]);
  // Responses: markers resolve against the list; base64 still decodes (extensions answer in base64).
  const out = fromWire("Decrypt", new TextEncoder().encode('{"Plaintext":"#0","KeyId":"k"}'), [new Uint8Array([9])]);
  assert.deepEqual(out, { Plaintext: new Uint8Array([9]), KeyId: "k" });
  assert.deepEqual(fromWire("Decrypt", new TextEncoder().encode('{"Plaintext":"CQ=="}'), []).Plaintext, new Uint8Array([9]));
});
