// White-box until the test harness exposes it: the call log of an engine (`EngineHandle.recordCalls`,
// `calls`, `clearCalls` in pkg/src/engine.ts; events built by src/trail.rs). Imports the unbundled
// entry so that `engineFor` is the package's own engine table.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as sdk from "@aws-sdk/client-kms";
import {
  KMSClient, MemoryStorage, kmsRequestHandler, CreateKeyCommand, EncryptCommand, DecryptCommand,
  GenerateDataKeyCommand, DisableKeyCommand, CreateGrantCommand, DescribeKeyCommand, DisabledException,
  CreateFixtureKeyCommand,
} from "../../pkg/dist/node.js";
import { engineFor } from "../../pkg/dist/engine.js";

const region = "us-east-1";
const enc = new TextEncoder();
const PLAINTEXT = enc.encode("the quick brown fox jumps over the lazy dog: not for logs");
const b64 = (bytes) => Buffer.from(bytes).toString("base64");
const hex = (bytes) => Buffer.from(bytes).toString("hex");

/** Fails if any event shows one of `secrets` (bytes), as base64 or hex, anywhere. */
function assertNotLogged(events, secrets) {
  const text = JSON.stringify(events);
  for (const s of secrets) {
    assert.ok(!text.includes(b64(s)), `an event shows ${b64(s)}`);
    assert.ok(!text.toLowerCase().includes(hex(s)), `an event shows ${hex(s)}`);
  }
}

test("the log is off by default and records nothing", async () => {
  const storage = new MemoryStorage();
  const client = new KMSClient({ region, storage });
  await client.send(new CreateKeyCommand({}));
  assert.deepEqual(engineFor(storage).calls(), []);
});

test("through KMSClient: one event per call, in order, errors included, never the plaintext", async () => {
  const storage = new MemoryStorage();
  const engine = engineFor(storage);
  engine.recordCalls(true);
  const client = new KMSClient({
    region, storage, accountId: "111122223333",
    credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "unused" },
    clock: () => Date.UTC(2025, 4, 20, 20, 46, 16),
  });
  const { KeyMetadata } = await client.send(new CreateKeyCommand({ Description: "app" }));
  const context = { Department: "Engineering" };
  const sealed = await client.send(new EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: PLAINTEXT, EncryptionContext: context }));
  const opened = await client.send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob, EncryptionContext: context }));
  const dataKey = await client.send(new GenerateDataKeyCommand({ KeyId: KeyMetadata.KeyId, KeySpec: "AES_256" }));
  await client.send(new DisableKeyCommand({ KeyId: KeyMetadata.KeyId }));
  await assert.rejects(client.send(new EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: PLAINTEXT })), DisabledException);

  const events = engine.calls();
  assert.deepEqual(events.map((e) => [e.eventName, e.errorCode]), [
    ["CreateKey", undefined], ["Encrypt", undefined], ["Decrypt", undefined], ["GenerateDataKey", undefined],
    ["DisableKey", undefined], ["Encrypt", "DisabledException"],
  ]);
  const [create, encrypt, decrypt, , disable, failed] = events;
  assert.equal(create.responseElements.keyMetadata.keyId, KeyMetadata.KeyId);
  assert.equal(create.responseElements.keyMetadata.creationDate, "May 20, 2025, 8:46:16 PM");
  assert.deepEqual(create.resources, [{ accountId: "111122223333", type: "AWS::KMS::Key", ARN: KeyMetadata.Arn }]);
  assert.equal(encrypt.eventTime, "2025-05-20T20:46:16Z");
  assert.equal(encrypt.eventSource, "kms.amazonaws.com");
  assert.equal(encrypt.awsRegion, region);
  assert.equal(encrypt.readOnly, true);
  assert.equal(encrypt.responseElements, null);
  assert.deepEqual(encrypt.requestParameters, { keyId: KeyMetadata.KeyId, encryptionContext: context });
  assert.deepEqual(encrypt.additionalEventData, { keyMaterialId: KeyMetadata.CurrentKeyMaterialId });
  assert.equal(encrypt.requestID, sealed.$metadata.requestId);
  assert.match(encrypt.eventID, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual(encrypt.userIdentity, {
    type: "Root", principalId: "111122223333", arn: "arn:aws:iam::111122223333:root", accountId: "111122223333",
    accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  });
  assert.equal(encrypt.userAgent, "kms-wasm KMSClient");
  assert.equal(encrypt.sourceIPAddress, "127.0.0.1");
  assert.equal(decrypt.additionalEventData.keyMaterialId, opened.KeyMaterialId);
  assert.deepEqual(disable.responseElements, { keyId: KeyMetadata.Arn });
  assert.equal(failed.errorMessage, `${KeyMetadata.Arn} is disabled.`);
  assert.equal(failed.responseElements, null);
  assertNotLogged(events, [PLAINTEXT, sealed.CiphertextBlob, dataKey.Plaintext, dataKey.CiphertextBlob]);

  engine.clearCalls();
  assert.deepEqual(engine.calls(), []);
  await client.send(new DescribeKeyCommand({ KeyId: KeyMetadata.KeyId }));
  assert.equal(engine.calls().length, 1);
  engine.recordCalls(false);
  await client.send(new DescribeKeyCommand({ KeyId: KeyMetadata.KeyId }));
  assert.equal(engine.calls().length, 1);
});

test("through kmsRequestHandler with the real SDK: the same events, with the door's user agent and access key", async () => {
  const storage = new MemoryStorage();
  const engine = engineFor(storage);
  engine.recordCalls(true);
  const kms = new sdk.KMSClient({
    region: "eu-west-1",
    credentials: { accessKeyId: "AKIDALICE", secretAccessKey: "unused" },
    requestHandler: kmsRequestHandler({
      storage,
      accessKeyMap: { AKIDALICE: { accountId: "111122223333", principal: "arn:aws:iam::111122223333:user/Alice", identityPolicies: [{ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "kms:*", Resource: "*" }] }] } },
    }),
  });
  const { KeyMetadata } = await kms.send(new sdk.CreateKeyCommand({}));
  const sealed = await kms.send(new sdk.EncryptCommand({ KeyId: KeyMetadata.Arn, Plaintext: PLAINTEXT }));
  const grant = await kms.send(new sdk.CreateGrantCommand({
    KeyId: KeyMetadata.KeyId, GranteePrincipal: "arn:aws:iam::111122223333:role/Worker", Operations: ["Decrypt"],
    Constraints: { EncryptionContextSubset: { Tenant: "a" } },
  }));
  await kms.send(new sdk.DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob, GrantTokens: [grant.GrantToken] }));
  await assert.rejects(kms.send(new sdk.DescribeKeyCommand({ KeyId: "alias/missing" })), sdk.NotFoundException);

  const events = engine.calls();
  assert.deepEqual(events.map((e) => e.eventName), ["CreateKey", "Encrypt", "CreateGrant", "Decrypt", "DescribeKey"]);
  for (const e of events) {
    assert.equal(e.userIdentity.type, "IAMUser");
    assert.equal(e.userIdentity.userName, "Alice");
    assert.equal(e.userIdentity.accessKeyId, "AKIDALICE");
    assert.equal(e.awsRegion, "eu-west-1");
    assert.match(e.userAgent, /aws-sdk-js/);
  }
  const createGrant = events[2];
  assert.deepEqual(createGrant.requestParameters, {
    keyId: KeyMetadata.KeyId, granteePrincipal: "arn:aws:iam::111122223333:role/Worker", operations: ["Decrypt"],
    constraints: { encryptionContextSubset: { Tenant: "a" } },
  });
  assert.deepEqual(createGrant.responseElements, { grantId: grant.GrantId, keyId: KeyMetadata.Arn });
  assert.ok(!JSON.stringify(events).includes(grant.GrantToken), "a grant token was logged");
  assert.equal(events[4].errorCode, "NotFoundException");
  assert.equal(events[4].errorMessage, "Alias arn:aws:kms:eu-west-1:111122223333:alias/missing is not found.");
  assertNotLogged(events, [PLAINTEXT, sealed.CiphertextBlob]);
});

test("every door of one storage writes to the same log", async () => {
  const storage = new MemoryStorage();
  const engine = engineFor(storage);
  engine.recordCalls(true);
  const ours = new KMSClient({ region, storage });
  const theirs = new sdk.KMSClient({ region, credentials: { accessKeyId: "x", secretAccessKey: "y" }, requestHandler: kmsRequestHandler({ storage }) });
  const { KeyMetadata } = await ours.send(new CreateKeyCommand({}));
  await theirs.send(new sdk.DescribeKeyCommand({ KeyId: KeyMetadata.KeyId }));
  await ours.send(new CreateGrantCommand({ KeyId: KeyMetadata.KeyId, GranteePrincipal: "arn:aws:iam::000000000000:role/R", Operations: ["Encrypt"] }));
  assert.deepEqual(engine.calls().map((e) => e.eventName), ["CreateKey", "DescribeKey", "CreateGrant"]);
});

test("a fixture key is logged as CreateKey, without its material", async () => {
  const storage = new MemoryStorage();
  const engine = engineFor(storage);
  engine.recordCalls(true);
  const client = new KMSClient({ region, storage });
  const material = new Uint8Array(32).map((_, i) => i + 100);
  await client.send(new CreateFixtureKeyCommand({ KeyId: "11111111-2222-3333-4444-555555555555", Material: material }));
  const [event] = engine.calls();
  assert.equal(event.eventName, "CreateKey");
  assertNotLogged([event], [material]);
});

test("the log keeps the newest events, so a long-running server does not grow without end", async () => {
  const { MAX_RECORDED_CALLS } = await import("../../pkg/dist/engine.js");
  const storage = new MemoryStorage();
  const engine = engineFor(storage);
  engine.recordCalls(true);
  const client = new KMSClient({ region, storage });
  const extra = Math.ceil(MAX_RECORDED_CALLS * 0.15);
  for (let i = 0; i < MAX_RECORDED_CALLS + extra; i++) await client.send(new sdk.GenerateRandomCommand({ NumberOfBytes: 1 }));
  await client.send(new DescribeKeyCommand({ KeyId: "alias/last" })).catch(() => {});
  const events = engine.calls();
  assert.equal(events.length, MAX_RECORDED_CALLS);
  assert.equal(events.at(-1).eventName, "DescribeKey", "the newest event is kept");
  assert.equal(events[0].eventName, "GenerateRandom");
});
