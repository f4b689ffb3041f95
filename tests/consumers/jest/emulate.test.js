// Jest 30, CommonJS: two lines of setup route every @aws-sdk/client-kms client in this file —
// the module under test's included — to kms-wasm, reset after each test, with the matchers.
const { emulateKms } = require("kms-wasm");
const kms = emulateKms();

const app = require("./src/app");
const { KMSClient, CreateKeyCommand, DisableKeyCommand, EncryptCommand, DecryptCommand, ListKeysCommand, InvalidCiphertextException, DisabledException } = require("@aws-sdk/client-kms");

let keyId;
beforeAll(async () => {
  ({ KeyMetadata: { KeyId: keyId } } = await new KMSClient({}).send(new CreateKeyCommand({ Description: "fixture" })));
  await kms.checkpoint();
});

test("the module under test encrypts and decrypts with a real key", async () => {
  const blob = await app.seal(keyId, "hello", { tenant: "a" });
  await expect(app.open(blob, { tenant: "a" })).resolves.toBe("hello");
  expect(kms).toHaveReceivedCommandWith(EncryptCommand, { KeyId: keyId, EncryptionContext: { tenant: "a" } });
  expect(kms).toHaveReceivedCommandTimes(DecryptCommand, 1);

  const [event] = kms.calls().filter((e) => e.eventName === "Encrypt");
  expect(event.requestParameters).toMatchObject({ keyId, encryptionContext: { tenant: "a" } });
  expect(event.responseElements).toBeNull();
});

test("a wrong encryption context is InvalidCiphertextException", async () => {
  const blob = await app.seal(keyId, "hello", { tenant: "a" });
  await expect(app.open(blob, { tenant: "b" })).rejects.toBeInstanceOf(InvalidCiphertextException);
  expect(kms).toHaveReceivedLastCommandWith(DecryptCommand, { EncryptionContext: { tenant: "b" } });
});

test("a disabled key is DisabledException", async () => {
  await new KMSClient({}).send(new DisableKeyCommand({ KeyId: keyId }));
  await expect(app.seal(keyId, "x")).rejects.toBeInstanceOf(DisabledException);
});

test("each test starts from the checkpoint: the key is enabled again and alone", async () => {
  const { Keys } = await new KMSClient({}).send(new ListKeysCommand({}));
  expect(Keys.map((k) => k.KeyId)).toEqual([keyId]);
  await expect(app.seal(keyId, "again")).resolves.toBeInstanceOf(Uint8Array);
  expect(kms).toHaveReceivedCommandOnce(EncryptCommand);
  expect(kms).not.toHaveReceivedCommand(DisableKeyCommand);
});
