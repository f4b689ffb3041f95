// LocalStack's fixture tags on CreateKey, through the real SDK as a suite migrated from LocalStack
// sends them: `_custom_id_` fixes the key ID, `_custom_key_material_` the material, so a ciphertext
// made by one run decrypts in another; the material tag is never stored.
import { test } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import * as sdk from "@aws-sdk/client-kms";
import { kmsRequestHandler, MemoryStorage } from "kms-wasm";

const ID = "00000000-0000-4000-8000-000000000001";
const MATERIAL = Buffer.alloc(32, 7).toString("base64");
const client = (storage = new MemoryStorage()) =>
  new sdk.KMSClient({ region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, requestHandler: kmsRequestHandler({ storage }) });
const fixtureTags = [{ TagKey: "_custom_id_", TagValue: ID }, { TagKey: "_custom_key_material_", TagValue: MATERIAL }];

test("a fixed ID and material make the same key in two separate stores", async () => {
  const a = client();
  const { KeyMetadata } = await a.send(new sdk.CreateKeyCommand({ Tags: fixtureTags }));
  assert.equal(KeyMetadata.KeyId, ID);
  const { CiphertextBlob } = await a.send(new sdk.EncryptCommand({ KeyId: ID, Plaintext: new TextEncoder().encode("fixed") }));
  const b = client();
  await b.send(new sdk.CreateKeyCommand({ Tags: fixtureTags }));
  const { Plaintext } = await b.send(new sdk.DecryptCommand({ CiphertextBlob }));
  assert.equal(new TextDecoder().decode(Plaintext), "fixed");
  const { Tags } = await b.send(new sdk.ListResourceTagsCommand({ KeyId: ID }));
  assert.deepEqual(Tags, [{ TagKey: "_custom_id_", TagValue: ID }]);
});

test("an ECC key takes a SEC1 private key, as LocalStack's examples give it", async () => {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const sec1 = privateKey.export({ format: "der", type: "sec1" }).toString("base64");
  const kms = client();
  await kms.send(new sdk.CreateKeyCommand({
    KeySpec: "ECC_NIST_P256", KeyUsage: "SIGN_VERIFY",
    Tags: [{ TagKey: "_custom_id_", TagValue: ID }, { TagKey: "_custom_key_material_", TagValue: sec1 }],
  }));
  const got = await kms.send(new sdk.GetPublicKeyCommand({ KeyId: ID }));
  assert.deepEqual(Buffer.from(got.PublicKey), publicKey.export({ format: "der", type: "spki" }));
});

test("bad fixture tags are ValidationException", async () => {
  const kms = client();
  for (const Tags of [
    [{ TagKey: "_custom_id_", TagValue: "my-key" }],
    [{ TagKey: "_custom_key_material_", TagValue: "not base64!" }],
    [{ TagKey: "_custom_key_material_", TagValue: Buffer.alloc(16).toString("base64") }],
  ]) {
    await assert.rejects(kms.send(new sdk.CreateKeyCommand({ Tags })), (e) => e.name === "ValidationException", JSON.stringify(Tags));
  }
  const { Keys } = await kms.send(new sdk.ListKeysCommand({}));
  assert.deepEqual(Keys, []);
});
