// Exceptions as the SDK shapes them: name, $fault, $metadata, message; interop with the real SDK's
// classes through their duck-typed instanceof; unknown codes; the error-envelope mapping rules.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as sdk from "@aws-sdk/client-kms";
import * as ours from "kms-wasm";
import { KMSClient, MemoryStorage, DescribeKeyCommand, DecryptCommand, KMSServiceException, NotFoundException, DisabledException, kmsRequestHandler } from "kms-wasm";

const client = new KMSClient({ region: "us-east-1", storage: new MemoryStorage() });
const missing = "1234abcd-12ab-34cd-56ef-1234567890ab";

test("a missing key rejects with NotFoundException carrying name, $fault, $metadata and message", async () => {
  const err = await client.send(new DescribeKeyCommand({ KeyId: missing })).catch((e) => e);
  assert.ok(err instanceof NotFoundException);
  assert.ok(err instanceof KMSServiceException);
  assert.ok(err instanceof Error);
  assert.equal(err.name, "NotFoundException");
  assert.equal(err.$fault, "client");
  assert.equal(typeof err.message, "string");
  assert.ok(err.message.length > 0);
  const { requestId, ...rest } = err.$metadata;
  assert.match(requestId, /^[0-9a-f-]{36}$/);
  assert.deepEqual(rest, { httpStatusCode: 400, extendedRequestId: undefined, cfId: undefined, attempts: 1, totalRetryDelay: 0 });
  assert.ok(!(err instanceof DisabledException));
});

test("our exceptions are instanceof the real SDK's classes, and the SDK's isInstance accepts them", async () => {
  const err = await client.send(new DescribeKeyCommand({ KeyId: missing })).catch((e) => e);
  assert.ok(err instanceof sdk.NotFoundException);
  assert.ok(err instanceof sdk.KMSServiceException);
  assert.ok(!(err instanceof sdk.DisabledException));
  assert.ok(sdk.KMSServiceException.isInstance(err));
  assert.ok(KMSServiceException.isInstance(err));
});

test("the SDK's exceptions are instanceof ours", () => {
  const theirs = new sdk.NotFoundException({ message: "x", $metadata: {} });
  assert.ok(theirs instanceof NotFoundException);
  assert.ok(theirs instanceof KMSServiceException);
  assert.ok(!(theirs instanceof DisabledException));
});

test("every modeled exception class matches the SDK's: same set, name, $fault", () => {
  const names = (m) => Object.keys(m).filter((k) => /Exception$/.test(k) && k !== "KMSServiceException").sort();
  assert.deepEqual(names(ours), names(sdk));
  for (const name of names(ours)) {
    const e = new ours[name]({ message: "m", $metadata: {} });
    const s = new sdk[name]({ message: "m", $metadata: {} });
    assert.equal(e.name, s.name);
    assert.equal(e.$fault, s.$fault, name);
    assert.equal(e.message, "m");
    assert.equal(ours[name].shapeId, sdk[name].shapeId);
    assert.ok(e instanceof sdk[name], name);
  }
});

test("KMSServiceException can be constructed directly for unknown codes", () => {
  const e = new KMSServiceException({ name: "ValidationException", $fault: "client", $metadata: {}, message: "bad" });
  assert.equal(e.name, "ValidationException");
  assert.ok(e instanceof sdk.KMSServiceException);
  assert.ok(!(e instanceof NotFoundException));
});

test("an exception carries the body's members as the real SDK's does: __type as sent, no Message", async () => {
  // The real SDK over our wire (its own error parser) against our in-process client.
  const real = new sdk.KMSClient({
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "unused" },
    maxAttempts: 1,
    requestHandler: kmsRequestHandler({ storage: new MemoryStorage() }),
  });
  const calls = [
    [DescribeKeyCommand, sdk.DescribeKeyCommand, { KeyId: missing }, "NotFoundException"],
    // AWS sends no message here: the SDK's "UnknownError", and still a __type.
    [DecryptCommand, sdk.DecryptCommand, { CiphertextBlob: new Uint8Array(64).fill(7) }, "InvalidCiphertextException"],
  ];
  for (const [Ours, Theirs, input, name] of calls) {
    const mine = await client.send(new Ours(input)).catch((e) => e);
    const theirs = await real.send(new Theirs(input)).catch((e) => e);
    assert.equal(theirs.name, name);
    assert.equal(mine.name, name);
    assert.equal(theirs.__type, name, "the SDK keeps the body's __type");
    assert.equal(mine.__type, theirs.__type);
    assert.equal(mine.message, theirs.message);
    const own = (e) => Object.keys(e).filter((k) => e[k] !== undefined).sort();
    assert.deepEqual(own(mine), own(theirs), name);
  }
});
