// A Jest 30 user in CommonJS: require('kms-wasm') resolves the "node" + "require" condition
// (pkg/dist/node.cjs), which reads the .wasm from disk inside Jest's module registry.
const { KMSClient, CreateKeyCommand, EncryptCommand, DecryptCommand, DescribeKeyCommand, NotFoundException } = require("kms-wasm");

test("CreateKey, Encrypt, Decrypt and a NotFoundException through Jest", async () => {
  const client = new KMSClient({ region: "us-east-1" });
  const { KeyMetadata } = await client.send(new CreateKeyCommand({ Description: "jest" }));
  const { CiphertextBlob } = await client.send(new EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: Buffer.from("hi jest") }));
  const { Plaintext } = await client.send(new DecryptCommand({ CiphertextBlob }));
  expect(Buffer.from(Plaintext).toString()).toBe("hi jest");
  await expect(client.send(new DescribeKeyCommand({ KeyId: "alias/missing" }))).rejects.toBeInstanceOf(NotFoundException);
});
