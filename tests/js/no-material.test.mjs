// A key with imported material that has none (Origin EXTERNAL, never imported) whose deletion is
// scheduled and cancelled is PendingImport, never Disabled: EnableKey and every cryptographic
// operation answer KMSInvalidStateException (400), in process and over HTTP, never a 5xx. (It was
// the only 5xx found by fuzzing: Disabled, enabled, then 500 "key has no material".)
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import * as sdk from "@aws-sdk/client-kms";
import * as ours from "kms-wasm";
import { sdkClient } from "./helpers/http-helpers.mjs";

const SEQUENCE = [
  ["EnableKey", (id) => ({ KeyId: id })],
  ["DisableKey", (id) => ({ KeyId: id })],
  ["Encrypt", (id) => ({ KeyId: id, Plaintext: new Uint8Array([1]) })],
  ["GenerateDataKey", (id) => ({ KeyId: id, KeySpec: "AES_256" })],
  ["GenerateDataKeyWithoutPlaintext", (id) => ({ KeyId: id, NumberOfBytes: 32 })],
  ["GenerateDataKeyPair", (id) => ({ KeyId: id, KeyPairSpec: "ECC_NIST_P256" })],
  ["GenerateDataKeyPairWithoutPlaintext", (id) => ({ KeyId: id, KeyPairSpec: "ECC_NIST_P256" })],
  ["RotateKeyOnDemand", (id) => ({ KeyId: id })],
];

/** Runs the sequence through `send` with the command classes of `lib`; returns the failures seen. */
async function runSequence(send, lib) {
  const cmd = (op, input) => new lib[`${op}Command`](input);
  const { KeyMetadata } = await send(cmd("CreateKey", { Origin: "EXTERNAL" }));
  const id = KeyMetadata.KeyId;
  assert.equal(KeyMetadata.KeyState, "PendingImport");
  await send(cmd("ScheduleKeyDeletion", { KeyId: id, PendingWindowInDays: 7 }));
  await send(cmd("CancelKeyDeletion", { KeyId: id }));
  assert.equal((await send(cmd("DescribeKey", { KeyId: id }))).KeyMetadata.KeyState, "PendingImport");
  for (const [op, input] of SEQUENCE) {
    await assert.rejects(send(cmd(op, input(id))), (err) => {
      assert.equal(err.name, "KMSInvalidStateException", `${op}: ${err.name}: ${err.message}`);
      assert.equal(err.$fault, "client");
      assert.equal(err.$metadata.httpStatusCode, 400, op);
      assert.match(err.message, /is pending import\.$/);
      return true;
    });
  }
  assert.equal((await send(cmd("DescribeKey", { KeyId: id }))).KeyMetadata.KeyState, "PendingImport");
}

describe("a key without material, deletion scheduled and cancelled", () => {
  let server;
  before(async () => { server = await ours.createKmsServer({ storage: new ours.MemoryStorage() }); });
  after(() => server.close());

  it("in process: PendingImport, and every use is KMSInvalidStateException", async () => {
    const client = new ours.KMSClient({ region: "us-east-1", storage: new ours.MemoryStorage() });
    await runSequence((c) => client.send(c), ours);
  });

  it("over HTTP with the real SDK: the same, and no 5xx", async () => {
    const client = sdkClient({ endpoint: server.url });
    await runSequence((c) => client.send(c), sdk);
  });
});
