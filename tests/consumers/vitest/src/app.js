// The module under test: its own SDK client at top level, no Region, no credentials.
import { KMSClient, EncryptCommand, DecryptCommand } from "@aws-sdk/client-kms";

const kms = new KMSClient({});

export async function seal(keyId, text, context) {
  return (await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: new TextEncoder().encode(text), EncryptionContext: context }))).CiphertextBlob;
}

export async function open(blob, context) {
  return new TextDecoder().decode((await kms.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: context }))).Plaintext);
}
