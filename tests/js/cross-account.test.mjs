// Keys shared across accounts through the built package: over HTTP the access key picks the
// account (real @aws-sdk/client-kms clients against createKmsServer), in process two KMSClients
// of different accountId over one storage. Account A owns the key; account B uses it by ARN as
// A's key policy or a grant allows, and nothing else (the rules: tests/it/cross_account.rs).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as sdk from "@aws-sdk/client-kms";
import {
  KMSClient, MemoryStorage, CreateKeyCommand, EncryptCommand, DecryptCommand, DescribeKeyCommand,
  CreateGrantCommand, DisableKeyCommand, ListKeysCommand,
} from "kms-wasm";
import { sdkClient, startServer } from "./helpers/http-helpers.mjs";

const A = "111122223333";
const B = "444455556666";
const B_ROOT = `arn:aws:iam::${B}:root`;
const B_ROLE = `arn:aws:iam::${B}:role/App`;
const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);

/** A's key policy: A's root administers, B's root may use the key for these actions. */
const sharedPolicy = (actions) => JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${A}:root` }, Action: "kms:*", Resource: "*" },
    { Effect: "Allow", Principal: { AWS: B_ROOT }, Action: actions, Resource: "*" },
  ],
});

const deniedMessage = (principal, action, arn, kind) =>
  `User: ${principal} is not authorized to perform: ${action} on resource: ${arn} because no ${kind} policy allows the ${action} action`;

/** The cross-account behaviour both doors must show, given a client per account (same command classes). */
async function sharesAsAws(a, b, Commands) {
  const { KeyMetadata: shared } = await a.send(new Commands.CreateKeyCommand({
    Policy: sharedPolicy(["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"]),
  }));
  const { KeyMetadata: own } = await a.send(new Commands.CreateKeyCommand({}));

  // Allowed by key policy: B uses A's key by its ARN; the ciphertext decrypts in either account.
  const described = await b.send(new Commands.DescribeKeyCommand({ KeyId: shared.Arn }));
  assert.equal(described.KeyMetadata.AWSAccountId, A);
  const { CiphertextBlob } = await b.send(new Commands.EncryptCommand({ KeyId: shared.Arn, Plaintext: enc("from B") }));
  assert.equal(dec((await a.send(new Commands.DecryptCommand({ CiphertextBlob }))).Plaintext), "from B");
  assert.equal(dec((await b.send(new Commands.DecryptCommand({ CiphertextBlob }))).Plaintext), "from B");

  // Denied by the default policy.
  const denied = await b.send(new Commands.EncryptCommand({ KeyId: own.Arn, Plaintext: enc("x") })).catch((e) => e);
  assert.equal(denied.name, "AccessDeniedException");
  assert.equal(denied.$metadata.httpStatusCode, 400);
  assert.equal(denied.message, deniedMessage(B_ROOT, "kms:Encrypt", own.Arn, "resource-based"));

  // Allowed by a grant to a principal in B (the HTTP door maps that principal's access key).
  await a.send(new Commands.CreateGrantCommand({ KeyId: own.KeyId, GranteePrincipal: B_ROLE, Operations: ["Encrypt"] }));

  // A bare key ID resolves in B's own account.
  const missing = await b.send(new Commands.DescribeKeyCommand({ KeyId: shared.KeyId })).catch((e) => e);
  assert.equal(missing.name, "NotFoundException");
  assert.equal(missing.message, `Key 'arn:aws:kms:us-east-1:${B}:key/${shared.KeyId}' does not exist`);

  // A cross-account-No operation is refused however the key policy reads.
  const disable = await b.send(new Commands.DisableKeyCommand({ KeyId: shared.Arn })).catch((e) => e);
  assert.equal(disable.name, "AccessDeniedException");
  assert.equal(disable.message, deniedMessage(B_ROOT, "kms:DisableKey", shared.Arn, "resource-based"));
  assert.equal((await a.send(new Commands.DescribeKeyCommand({ KeyId: shared.KeyId }))).KeyMetadata.KeyState, "Enabled");

  // ListKeys stays per account.
  const { Keys: bKeys } = await b.send(new Commands.ListKeysCommand({}));
  assert.deepEqual(bKeys, []);
  const { Keys: aKeys } = await a.send(new Commands.ListKeysCommand({}));
  assert.deepEqual(aKeys.map((k) => k.KeyId).sort(), [shared.KeyId, own.KeyId].sort());
  return own;
}

test("over HTTP the access key picks the account, and keys are shared as AWS shares them", async () => {
  const server = await startServer({
    accessKeyMap: { AKIDBAPP: { principal: B_ROLE, identityPolicies: [] } },
  });
  const a = sdkClient({ endpoint: server.url, accessKeyId: A });
  const b = sdkClient({ endpoint: server.url, accessKeyId: B });
  const own = await sharesAsAws(a, b, sdk);
  // The grant's grantee, calling with its own access key, needs no identity policy.
  const role = sdkClient({ endpoint: server.url, accessKeyId: "AKIDBAPP" });
  await role.send(new sdk.EncryptCommand({ KeyId: own.Arn, Plaintext: enc("granted") }));
  const err = await role.send(new sdk.DescribeKeyCommand({ KeyId: own.Arn })).catch((e) => e);
  assert.ok(err instanceof sdk.KMSServiceException, `got ${err}`);
  assert.equal(err.name, "AccessDeniedException");
  assert.equal(err.message, deniedMessage(B_ROLE, "kms:DescribeKey", own.Arn, "resource-based"));
});

test("in process, KMSClients of different accountId over one storage share keys the same way", async () => {
  const storage = new MemoryStorage();
  const a = new KMSClient({ region: "us-east-1", accountId: A, storage });
  const b = new KMSClient({ region: "us-east-1", accountId: B, storage });
  const own = await sharesAsAws(a, b, {
    CreateKeyCommand, EncryptCommand, DecryptCommand, DescribeKeyCommand, CreateGrantCommand, DisableKeyCommand, ListKeysCommand,
  });
  const role = new KMSClient({ region: "us-east-1", principal: B_ROLE, storage });
  assert.equal(role.config.accountId, B);
  await role.send(new EncryptCommand({ KeyId: own.Arn, Plaintext: enc("granted") }));
  // Another storage is another world: the key is not there at all.
  const elsewhere = new KMSClient({ region: "us-east-1", accountId: B, storage: new MemoryStorage() });
  const err = await elsewhere.send(new DescribeKeyCommand({ KeyId: own.Arn })).catch((e) => e);
  assert.equal(err.name, "NotFoundException");
});
