// Child process for the end-to-end durability tests: a real KMSClient over FileSystemStorage(dir)
// that creates keys and encrypts, printing "ack <keyId> <ciphertext b64>" only after each promise
// resolved (i.e. after the write is durable). argv: dir tag count(0 = until killed)
import { CreateKeyCommand, EncryptCommand, FileSystemStorage, KMSClient } from "kms-wasm";

const [dir, tag, count] = process.argv.slice(2);
const kms = new KMSClient({ region: "us-east-1", storage: new FileSystemStorage(dir) });
const limit = Number(count) || Infinity;
process.stdout.write("ready\n");
for (let i = 0; i < limit; i++) {
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: `${tag}:${i}` }));
  const { CiphertextBlob } = await kms.send(
    new EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: new TextEncoder().encode(`${tag}:${i}`) }),
  );
  // stdout on a pipe is synchronous on Linux, so a printed ack is never lost to a later SIGKILL.
  process.stdout.write(`ack ${KeyMetadata.KeyId} ${Buffer.from(CiphertextBlob).toString("base64")}\n`);
}
