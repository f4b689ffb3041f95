// Seeded engines and fixture keys through the package: reproducible key IDs, ciphertexts and
// public keys; CreateFixtureKeyCommand keys that node:crypto agrees with; the HTTP door.
import assert from "node:assert/strict";
import { createPublicKey, verify } from "node:crypto";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import {
  CreateFixtureKeyCommand, CreateKeyCommand, DecryptCommand, EncryptCommand, GetPublicKeyCommand, KMSClient,
  MemoryStorage, SignCommand, createKmsServer,
} from "kms-wasm";

const clock = () => new Date("2030-01-01T00:00:00Z");
const pem = (name) => readFileSync(new URL(`../vectors/fixture-keys/${name}`, import.meta.url), "utf8");

async function session(seed) {
  const kms = new KMSClient({ region: "us-east-1", storage: new MemoryStorage(), seed, clock });
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
  const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: new TextEncoder().encode("hi") }));
  const ecc = await kms.send(new CreateKeyCommand({ KeySpec: "ECC_NIST_P256", KeyUsage: "SIGN_VERIFY" }));
  const { PublicKey } = await kms.send(new GetPublicKeyCommand({ KeyId: ecc.KeyMetadata.KeyId }));
  return { keyId: KeyMetadata.KeyId, blob: Buffer.from(CiphertextBlob).toString("hex"), publicKey: Buffer.from(PublicKey).toString("hex") };
}

test("the same seed gives the same KeyIds, ciphertexts and public keys; another seed differs", async () => {
  const a = await session("seed-1");
  const b = await session(new TextEncoder().encode("seed-1"));
  assert.deepEqual(a, b);
  const c = await session("seed-2");
  assert.notEqual(c.keyId, a.keyId);
  assert.notEqual(c.blob, a.blob);
  assert.notEqual(c.publicKey, a.publicKey);
});

test("a seeded RSA key is reproducible too (no host keygen)", async () => {
  const rsa = async () => {
    const kms = new KMSClient({ region: "us-east-1", storage: new MemoryStorage(), seed: "rsa", clock });
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({ KeySpec: "RSA_2048", KeyUsage: "SIGN_VERIFY" }));
    return Buffer.from((await kms.send(new GetPublicKeyCommand({ KeyId: KeyMetadata.KeyId }))).PublicKey).toString("hex");
  };
  assert.equal(await rsa(), await rsa());
});

test("one storage, one seed: a different seed is a TypeError", () => {
  const storage = new MemoryStorage();
  new KMSClient({ region: "us-east-1", storage, seed: "a" });
  new KMSClient({ region: "us-east-1", storage, seed: "a" });
  new KMSClient({ region: "us-east-1", storage }); // no seed: takes the engine as it is
  assert.throws(() => new KMSClient({ region: "us-east-1", storage, seed: "b" }), TypeError);
  const unseeded = new MemoryStorage();
  new KMSClient({ region: "us-east-1", storage: unseeded });
  assert.throws(() => new KMSClient({ region: "us-east-1", storage: unseeded, seed: "a" }), TypeError);
});

test("a fixture RSA key signs what node:crypto verifies with the PEM's own public key", async () => {
  const kms = new KMSClient({ region: "us-east-1", storage: new MemoryStorage() });
  const { KeyMetadata } = await kms.send(new CreateFixtureKeyCommand({ KeySpec: "RSA_2048", KeyUsage: "SIGN_VERIFY", Material: pem("rsa2048.pem") }));
  assert.equal(KeyMetadata.Origin, "AWS_KMS");
  const message = new TextEncoder().encode("fixture");
  const { Signature } = await kms.send(new SignCommand({ KeyId: KeyMetadata.KeyId, Message: message, SigningAlgorithm: "RSASSA_PKCS1_V1_5_SHA_256" }));
  assert.ok(verify("sha256", message, createPublicKey(pem("rsa2048.pub.pem")), Signature));
});

test("a symmetric fixture decrypts a ciphertext another engine made with the same fixture", async () => {
  const KeyId = "0d7e1c3a-9b2f-4c55-8a61-3f2b9c0e7d11";
  const Material = new Uint8Array(32).fill(42);
  const one = new KMSClient({ region: "us-east-1", storage: new MemoryStorage() });
  const two = new KMSClient({ region: "us-east-1", storage: new MemoryStorage(), seed: "other run" });
  for (const kms of [one, two]) await kms.send(new CreateFixtureKeyCommand({ KeyId, KeySpec: "SYMMETRIC_DEFAULT", Material }));
  const { CiphertextBlob } = await one.send(new EncryptCommand({ KeyId, Plaintext: new TextEncoder().encode("portable") }));
  const out = await two.send(new DecryptCommand({ CiphertextBlob }));
  assert.equal(new TextDecoder().decode(out.Plaintext), "portable");
  await assert.rejects(one.send(new CreateFixtureKeyCommand({ KeyId, KeySpec: "SYMMETRIC_DEFAULT", Material })), { name: "AlreadyExistsException" });
  await assert.rejects(one.send(new CreateFixtureKeyCommand({ KeySpec: "SYMMETRIC_DEFAULT", Material: new Uint8Array(3) })), { name: "ValidationException" });
});

test("CreateFixtureKey and --seed work through the HTTP server", async () => {
  const server = await createKmsServer({ port: 0, storage: new MemoryStorage(), seed: "http" });
  try {
    const post = (target, body) => fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": target },
      body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: await r.json() }));
    const created = await post("KmsWasm.CreateFixtureKey", { KeySpec: "SYMMETRIC_DEFAULT", Material: Buffer.alloc(32, 1).toString("base64") });
    assert.equal(created.status, 200);
    assert.equal(created.body.KeyMetadata.KeyManager, "CUSTOMER");
    const fresh = await post("TrentService.CreateKey", {});
    assert.equal(fresh.status, 200);
  } finally {
    await server.close();
  }
});
