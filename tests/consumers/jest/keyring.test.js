// A third-party library that builds its own KMS clients inside: the AWS Encryption SDK's KMS
// keyring. One line of setup routes them.
const { emulateKms } = require("kms-wasm");
const kms = emulateKms();

const { KmsKeyringNode, buildClient, CommitmentPolicy } = require("@aws-crypto/client-node");
const { KMSClient, CreateKeyCommand, GenerateDataKeyCommand, DecryptCommand } = require("@aws-sdk/client-kms");
const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);

test("@aws-crypto/client-node's KmsKeyringNode encrypts and decrypts through the emulated KMS", async () => {
  const { KeyMetadata } = await new KMSClient({ region: "eu-west-1" }).send(new CreateKeyCommand({}));
  const keyring = new KmsKeyringNode({ generatorKeyId: KeyMetadata.Arn });
  const { result } = await encrypt(keyring, "top secret", { encryptionContext: { purpose: "test" } });
  const { plaintext, messageHeader } = await decrypt(keyring, result);
  expect(plaintext.toString()).toBe("top secret");
  expect(messageHeader.encryptionContext).toMatchObject({ purpose: "test" });
  expect(kms).toHaveReceivedCommandWith(GenerateDataKeyCommand, { KeyId: KeyMetadata.Arn, EncryptionContext: expect.objectContaining({ purpose: "test" }) });
  expect(kms).toHaveReceivedCommandTimes(DecryptCommand, 1);
});
