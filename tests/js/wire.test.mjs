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
