#!/usr/bin/env node
// The main job, end to end, as a user would write it: envelope encryption with a KMS key.
//   1. create a KMS key and an alias;
//   2. GenerateDataKey, encrypt a file locally with node:crypto AES-256-GCM, keep only the wrapped key;
//   3. "restart": a new Node process with a new KMSClient over the same storage directory;
//   4. Decrypt the wrapped data key there and decrypt the file.
// State lives in FileSystemStorage (./.kms/demo), so step 3 really starts from disk.
import { spawnSync } from "node:child_process";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  FileSystemStorage,
  GenerateDataKeyCommand,
  KMSClient,
} from "kms-wasm";

const dir = join(process.cwd(), ".kms", "demo");
const context = { purpose: "demo", file: "secret.txt" };

if (process.argv[2] === "--decrypt") {
  // Step 3–4: a fresh process; nothing in memory.
  const kms = new KMSClient({ region: "us-east-1", storage: new FileSystemStorage(join(dir, "state")) });
  const envelope = JSON.parse(readFileSync(join(dir, "secret.txt.envelope.json"), "utf8"));
  const { Plaintext: dataKey, KeyId } = await kms.send(
    new DecryptCommand({ CiphertextBlob: Buffer.from(envelope.wrappedKey, "base64"), EncryptionContext: context }),
  );
  const decipher = createDecipheriv("aes-256-gcm", dataKey, Buffer.from(envelope.iv, "base64"));
  decipher.setAuthTag(Buffer.from(envelope.tag, "base64"));
  const text = Buffer.concat([decipher.update(Buffer.from(envelope.data, "base64")), decipher.final()]);
  console.log(`[process ${process.pid}] Decrypt with ${KeyId}`);
  console.log(`[process ${process.pid}] decrypted file: ${JSON.stringify(text.toString("utf8"))}`);
  process.exit(0);
}

rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const kms = new KMSClient({ region: "us-east-1", storage: new FileSystemStorage(join(dir, "state")) });

const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: "kms-wasm demo key" }));
await kms.send(new CreateAliasCommand({ AliasName: "alias/demo", TargetKeyId: KeyMetadata.KeyId }));
console.log(`[process ${process.pid}] CreateKey ${KeyMetadata.Arn} (${KeyMetadata.KeySpec}, ${KeyMetadata.KeyState})`);

const secret = "The launch code is 0000. Do not tell anyone.";
const { Plaintext, CiphertextBlob } = await kms.send(
  new GenerateDataKeyCommand({ KeyId: "alias/demo", KeySpec: "AES_256", EncryptionContext: context }),
);
const iv = randomBytes(12);
const cipher = createCipheriv("aes-256-gcm", Plaintext, iv);
const data = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
writeFileSync(
  join(dir, "secret.txt.envelope.json"),
  JSON.stringify({
    wrappedKey: Buffer.from(CiphertextBlob).toString("base64"),
    iv: iv.toString("base64"),
    tag: cipher.getAuthTag().toString("base64"),
    data: data.toString("base64"),
  }),
);
Plaintext.fill(0);
console.log(`[process ${process.pid}] encrypted ${secret.length} bytes with a data key; wrapped key is ${CiphertextBlob.length} bytes`);

console.log(`[process ${process.pid}] restarting…`);
const child = spawnSync(process.execPath, [process.argv[1], "--decrypt"], { stdio: "inherit" });
process.exit(child.status ?? 1);
