// Who is calling, through the built package: KMSClient's `principal`, `identityPolicies` and
// `enforcePolicies`, key policies and grants deciding, and AccessDeniedException as the SDK shapes it.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  KMSClient, MemoryStorage, CreateKeyCommand, EncryptCommand, DecryptCommand, DescribeKeyCommand, CreateGrantCommand,
  ListGrantsCommand, RetireGrantCommand, PutKeyPolicyCommand, GetKeyPolicyCommand, KMSServiceException,
} from "kms-wasm";

const ACCOUNT = "111122223333";
const USER = `arn:aws:iam::${ACCOUNT}:user/alice`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/App`;
const allow = (...actions) => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }] });

function world() {
  const storage = new MemoryStorage();
  const as = (extra = {}) => new KMSClient({ region: "us-east-1", accountId: ACCOUNT, storage, ...extra });
  return { root: as(), as };
}

test("a principal without identity policies gets AccessDeniedException with AWS's message", async () => {
  const { root, as } = world();
  const { KeyMetadata } = await root.send(new CreateKeyCommand({}));
  const alice = as({ principal: USER });
  await assert.rejects(alice.send(new EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: new Uint8Array([1]) })), (e) => {
    assert.ok(e instanceof KMSServiceException);
    assert.equal(e.name, "AccessDeniedException");
    assert.equal(e.$fault, "client");
    assert.equal(e.$metadata.httpStatusCode, 400);
    assert.equal(
      e.message,
      `User: ${USER} is not authorized to perform: kms:Encrypt on resource: ${KeyMetadata.Arn} because no identity-based policy allows the kms:Encrypt action`,
    );
    return true;
  });
});

test("identity policies (objects or JSON strings) allow exactly their actions", async () => {
  const { root, as } = world();
  const { KeyMetadata } = await root.send(new CreateKeyCommand({}));
  const alice = as({ principal: USER, identityPolicies: [allow("kms:Encrypt"), JSON.stringify(allow("kms:DescribeKey"))] });
  const { CiphertextBlob } = await alice.send(new EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: new Uint8Array([1, 2]) }));
  await alice.send(new DescribeKeyCommand({ KeyId: KeyMetadata.KeyId }));
  await assert.rejects(alice.send(new DecryptCommand({ CiphertextBlob })), { name: "AccessDeniedException" });
  const { Plaintext } = await root.send(new DecryptCommand({ CiphertextBlob }));
  assert.deepEqual([...Plaintext], [1, 2]);
});

test("enforcePolicies: false lets any principal do anything", async () => {
  const { root, as } = world();
  const { KeyMetadata } = await root.send(new CreateKeyCommand({}));
  const anyone = as({ principal: USER, enforcePolicies: false });
  await anyone.send(new EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: new Uint8Array([1]) }));
  await anyone.send(new CreateKeyCommand({}));
});

test("a grant authorizes its grantee; retiring it takes the access away", async () => {
  const { root, as } = world();
  const { KeyMetadata } = await root.send(new CreateKeyCommand({}));
  const KeyId = KeyMetadata.KeyId;
  const app = as({ principal: `arn:aws:sts::${ACCOUNT}:assumed-role/App/worker-1` });
  const input = { KeyId, Plaintext: new Uint8Array([7]), EncryptionContext: { tenant: "a" } };
  await assert.rejects(app.send(new EncryptCommand(input)), { name: "AccessDeniedException" });
  const { GrantId, GrantToken } = await root.send(new CreateGrantCommand({
    KeyId, GranteePrincipal: ROLE, RetiringPrincipal: ROLE, Operations: ["Encrypt"],
    Constraints: { EncryptionContextSubset: { tenant: "a" } },
  }));
  assert.match(GrantId, /^[0-9a-f]{64}$/);
  await app.send(new EncryptCommand({ ...input, GrantTokens: [GrantToken] }));
  await assert.rejects(app.send(new EncryptCommand({ ...input, EncryptionContext: { tenant: "b" } })), { name: "AccessDeniedException" });
  await assert.rejects(app.send(new EncryptCommand({ ...input, GrantTokens: ["nope"] })), { name: "InvalidGrantTokenException" });
  const { Grants } = await root.send(new ListGrantsCommand({ KeyId }));
  assert.equal(Grants.length, 1);
  assert.ok(Grants[0].CreationDate instanceof Date);
  assert.equal(Grants[0].IssuingAccount, `arn:aws:iam::${ACCOUNT}:root`);
  await app.send(new RetireGrantCommand({ GrantToken }));
  await assert.rejects(app.send(new EncryptCommand(input)), { name: "AccessDeniedException" });
});

test("the lockout safety check and a policy naming a role", async () => {
  const { root, as } = world();
  const { KeyMetadata } = await root.send(new CreateKeyCommand({}));
  const KeyId = KeyMetadata.KeyId;
  const roleOnly = JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: ROLE }, Action: "kms:*", Resource: "*" }] });
  await assert.rejects(root.send(new PutKeyPolicyCommand({ KeyId, PolicyName: "default", Policy: roleOnly })), {
    name: "MalformedPolicyDocumentException",
    message: "The new key policy will not allow you to update the key policy in the future.",
  });
  await root.send(new PutKeyPolicyCommand({ KeyId, PolicyName: "default", Policy: roleOnly, BypassPolicyLockoutSafetyCheck: true }));
  await assert.rejects(root.send(new DescribeKeyCommand({ KeyId })), { name: "AccessDeniedException" });
  const role = as({ principal: ROLE });
  const { Policy } = await role.send(new GetKeyPolicyCommand({ KeyId, PolicyName: "default" }));
  assert.equal(Policy, `{\n  "Statement" : [ {\n    "Effect" : "Allow",\n    "Principal" : {\n      "AWS" : "${ROLE}"\n    },\n    "Action" : "kms:*",\n    "Resource" : "*"\n  } ]\n}`);
});

test("config validation: principal form, its account, identity policies", () => {
  const base = { region: "us-east-1", storage: new MemoryStorage() };
  assert.throws(() => new KMSClient({ ...base, principal: "alice" }), TypeError);
  assert.throws(() => new KMSClient({ ...base, principal: USER, accountId: "444455556666" }), TypeError);
  assert.throws(() => new KMSClient({ ...base, identityPolicies: ["not json"] }), TypeError);
  assert.throws(() => new KMSClient({ ...base, identityPolicies: [42] }), TypeError);
  assert.throws(() => new KMSClient({ ...base, enforcePolicies: "no" }), TypeError);
  const c = new KMSClient({ ...base, principal: USER });
  assert.equal(c.config.accountId, ACCOUNT, "the principal's account is the default account");
  assert.equal(c.config.principal, USER);
  assert.equal(c.config.enforcePolicies, true);
});
