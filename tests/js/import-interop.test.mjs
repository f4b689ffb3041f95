// Import interop: key material wrapped outside KMS, the way AWS documents it, imports through the
// package. node:crypto wraps with RSAES-OAEP (publicEncrypt) and with RSA_AES_KEY_WRAP (an
// OAEP-encrypted AES-256 key, then the material under AES-KWP, `id-aes256-wrap-pad`); `openssl
// pkeyutl` and `openssl enc -id-aes256-wrap-pad` do the same from the command line. Because KMS
// ciphertexts are our own format, the end-to-end check uses HMAC: an imported HMAC key's
// GenerateMac equals node:crypto createHmac over the same key, including RFC 4231 test case 6.
import { test } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  KMSClient, MemoryStorage, CreateKeyCommand, GetParametersForImportCommand, ImportKeyMaterialCommand,
  EncryptCommand, DecryptCommand, GenerateMacCommand, DescribeKeyCommand,
} from "kms-wasm";

const kms = new KMSClient({ region: "us-east-1", storage: new MemoryStorage() });
const KWP_IV = Buffer.from("A65959A6", "hex"); // RFC 5649 alternative initial value

async function externalKey(input = {}) {
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({ ...input, Origin: "EXTERNAL" }));
  assert.equal(KeyMetadata.KeyState, "PendingImport");
  return KeyMetadata.KeyId;
}

async function parameters(KeyId, WrappingAlgorithm, WrappingKeySpec = "RSA_2048") {
  const p = await kms.send(new GetParametersForImportCommand({ KeyId, WrappingAlgorithm, WrappingKeySpec }));
  assert.ok(p.ParametersValidTo instanceof Date);
  return { ...p, publicKey: crypto.createPublicKey({ key: Buffer.from(p.PublicKey), format: "der", type: "spki" }) };
}

const oaep = (publicKey, oaepHash, data) =>
  crypto.publicEncrypt({ key: publicKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, data);

function kwp(aesKey, material) {
  const c = crypto.createCipheriv("id-aes256-wrap-pad", aesKey, KWP_IV);
  return Buffer.concat([c.update(material), c.final()]);
}

async function importMaterial(KeyId, p, EncryptedKeyMaterial) {
  return kms.send(new ImportKeyMaterialCommand({
    KeyId, ImportToken: p.ImportToken, EncryptedKeyMaterial, ExpirationModel: "KEY_MATERIAL_DOES_NOT_EXPIRE",
  }));
}

async function mac(KeyId, MacAlgorithm, Message) {
  const { Mac } = await kms.send(new GenerateMacCommand({ KeyId, MacAlgorithm, Message }));
  return Buffer.from(Mac).toString("hex");
}

test("symmetric material wrapped by node:crypto publicEncrypt (RSAES_OAEP_SHA_256) imports and encrypts", async () => {
  const KeyId = await externalKey();
  const p = await parameters(KeyId, "RSAES_OAEP_SHA_256", "RSA_3072");
  const material = crypto.randomBytes(32);
  const out = await importMaterial(KeyId, p, oaep(p.publicKey, "sha256", material));
  assert.match(out.KeyMaterialId, /^[0-9a-f]{64}$/);
  const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId }));
  assert.equal(KeyMetadata.KeyState, "Enabled");
  assert.equal(KeyMetadata.CurrentKeyMaterialId, out.KeyMaterialId);
  const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId, Plaintext: Buffer.from("imported") }));
  const { Plaintext } = await kms.send(new DecryptCommand({ CiphertextBlob }));
  assert.equal(Buffer.from(Plaintext).toString(), "imported");
});

test("RFC 4231 test case 6 end to end: HMAC key wrapped with node:crypto AES-KWP (RSA_AES_KEY_WRAP_SHA_256)", async () => {
  // A key longer than the block is hashed first, so HMAC(SHA-256(K)) = HMAC(K) (RFC 2104 §2).
  const longKey = Buffer.alloc(131, 0xaa);
  const message = Buffer.from("Test Using Larger Than Block-Size Key - Hash Key First");
  const material = crypto.createHash("sha256").update(longKey).digest();
  const KeyId = await externalKey({ KeySpec: "HMAC_256", KeyUsage: "GENERATE_VERIFY_MAC" });
  const p = await parameters(KeyId, "RSA_AES_KEY_WRAP_SHA_256");
  const aesKey = crypto.randomBytes(32);
  await importMaterial(KeyId, p, Buffer.concat([oaep(p.publicKey, "sha256", aesKey), kwp(aesKey, material)]));
  const got = await mac(KeyId, "HMAC_SHA_256", message);
  assert.equal(got, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  assert.equal(got, crypto.createHmac("sha256", longKey).update(message).digest("hex"));
});

test("HMAC_512 material wrapped with RSA_AES_KEY_WRAP_SHA_1 matches node:crypto createHmac", async () => {
  const material = crypto.randomBytes(100);
  const KeyId = await externalKey({ KeySpec: "HMAC_512", KeyUsage: "GENERATE_VERIFY_MAC" });
  const p = await parameters(KeyId, "RSA_AES_KEY_WRAP_SHA_1");
  const aesKey = crypto.randomBytes(32);
  await importMaterial(KeyId, p, Buffer.concat([oaep(p.publicKey, "sha1", aesKey), kwp(aesKey, material)]));
  const message = Buffer.from("kms-wasm import interop");
  assert.equal(await mac(KeyId, "HMAC_SHA_512", message), crypto.createHmac("sha512", material).update(message).digest("hex"));
});

const openssl = ["/usr/bin/openssl", "openssl"].find((p) => {
  try { execFileSync(p, ["version"], { stdio: "ignore" }); return true; } catch { return false; }
});

test("material wrapped by openssl pkeyutl and openssl enc -id-aes256-wrap-pad imports", { skip: openssl ? false : "openssl is not installed on this machine (apt install openssl)" }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "kms-import-"));
  try {
    const message = Buffer.from("wrapped by openssl");
    for (const [alg, md, keyWrap] of [
      ["RSAES_OAEP_SHA_1", "sha1", false],
      ["RSAES_OAEP_SHA_256", "sha256", false],
      ["RSA_AES_KEY_WRAP_SHA_256", "sha256", true],
    ]) {
      const material = crypto.randomBytes(48);
      const KeyId = await externalKey({ KeySpec: "HMAC_384", KeyUsage: "GENERATE_VERIFY_MAC" });
      const p = await parameters(KeyId, alg);
      writeFileSync(join(dir, "pub.der"), p.PublicKey);
      const aesKey = crypto.randomBytes(32);
      writeFileSync(join(dir, "material.bin"), material);
      writeFileSync(join(dir, "aes.bin"), aesKey);
      const rsaIn = keyWrap ? "aes.bin" : "material.bin";
      execFileSync(openssl, [
        "pkeyutl", "-encrypt", "-pubin", "-keyform", "DER", "-inkey", join(dir, "pub.der"),
        "-in", join(dir, rsaIn), "-out", join(dir, "rsa.bin"),
        "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", `rsa_oaep_md:${md}`, "-pkeyopt", `rsa_mgf1_md:${md}`,
      ]);
      let wrapped = readFileSync(join(dir, "rsa.bin"));
      if (keyWrap) {
        execFileSync(openssl, [
          "enc", "-id-aes256-wrap-pad", "-K", aesKey.toString("hex"), "-iv", "A65959A6",
          "-in", join(dir, "material.bin"), "-out", join(dir, "kwp.bin"),
        ]);
        wrapped = Buffer.concat([wrapped, readFileSync(join(dir, "kwp.bin"))]);
      }
      await importMaterial(KeyId, p, wrapped);
      assert.equal(await mac(KeyId, "HMAC_SHA_384", message), crypto.createHmac("sha384", material).update(message).digest("hex"), alg);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a corrupted wrap is InvalidCiphertextException with no message", async () => {
  const KeyId = await externalKey();
  const p = await parameters(KeyId, "RSAES_OAEP_SHA_256");
  const wrapped = oaep(p.publicKey, "sha256", crypto.randomBytes(32));
  wrapped[10] ^= 1;
  await assert.rejects(importMaterial(KeyId, p, wrapped), (e) => e.name === "InvalidCiphertextException" && e.message === "UnknownError");
});
