// A library with its own nested copy of @aws-sdk/client-kms at another version, loaded through
// Jest's per-file registry: routed by the same one line.
const { emulateKms } = require("kms-wasm");
const kms = emulateKms();

const lib = require("nested-lib");
const { KMSClient, CreateKeyCommand, GenerateDataKeyCommand } = require("@aws-sdk/client-kms");

test("the nested copy's client gets a real data key from the emulated KMS", async () => {
  expect(lib.sdkVersion).not.toBe(require("@aws-sdk/client-kms/package.json").version);
  const { KeyMetadata } = await new KMSClient({ region: "eu-west-1" }).send(new CreateKeyCommand({}));
  const { KeyId, Plaintext } = await lib.dataKey(KeyMetadata.KeyId);
  expect(KeyId).toBe(KeyMetadata.Arn);
  expect(Plaintext).toHaveLength(32);
  expect(kms).toHaveReceivedCommandWith(GenerateDataKeyCommand, { KeySpec: "AES_256" });
});
