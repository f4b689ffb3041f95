// A second test file (another worker when Jest uses two): the same server, through the real SDK
// configured from the environment alone.
const { KMSClient, CreateKeyCommand, EncryptCommand, DecryptCommand, DescribeKeyCommand, NotFoundException } = require("@aws-sdk/client-kms");

test("new KMSClient({}) from @aws-sdk/client-kms round-trips through the global server", async () => {
  const kms = new KMSClient({});
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
  const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: Buffer.from("hi") }));
  const { Plaintext } = await kms.send(new DecryptCommand({ CiphertextBlob }));
  expect(Buffer.from(Plaintext).toString()).toBe("hi");
  await expect(kms.send(new DescribeKeyCommand({ KeyId: "alias/missing" }))).rejects.toBeInstanceOf(NotFoundException);
});
