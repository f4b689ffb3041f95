// The module under test, as people write it: its own SDK client at top level, no Region, no
// credentials, nothing about kms-wasm.
const { KMSClient, EncryptCommand, DecryptCommand } = require("@aws-sdk/client-kms");

const kms = new KMSClient({});

exports.seal = async (keyId, text, context) =>
  (await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from(text), EncryptionContext: context }))).CiphertextBlob;

exports.open = async (blob, context) =>
  Buffer.from((await kms.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: context }))).Plaintext).toString();
