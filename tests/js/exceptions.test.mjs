// Exceptions as the SDK shapes them: name, $fault, $metadata, message; interop with the real SDK's
// classes through their duck-typed instanceof; unknown codes; the error-envelope mapping rules.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as sdk from "@aws-sdk/client-kms";
import * as ours from "kms-wasm";
import { KMSClient, MemoryStorage, DescribeKeyCommand, KMSServiceException, NotFoundException, DisabledException } from "kms-wasm";

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
