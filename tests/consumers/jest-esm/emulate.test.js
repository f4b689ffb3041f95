// Jest 30 in ESM mode (a fresh module registry per test file): the module under test was imported
// before the call, and its client is routed all the same.
import { seal, open } from "./src/app.js";
import { emulateKms } from "kms-wasm";
import { KMSClient, CreateKeyCommand, DisableKeyCommand, EncryptCommand, InvalidCiphertextException, DisabledException } from "@aws-sdk/client-kms";

const kms = emulateKms({ seed: "jest-esm" });

test("encrypt, decrypt, and AWS's exceptions for a wrong context and a disabled key", async () => {
  const { KeyMetadata } = await new KMSClient({}).send(new CreateKeyCommand({}));
  const blob = await seal(KeyMetadata.KeyId, "hi", { a: "1" });
  expect(await open(blob, { a: "1" })).toBe("hi");
  await expect(open(blob, { a: "2" })).rejects.toBeInstanceOf(InvalidCiphertextException);
  await new KMSClient({}).send(new DisableKeyCommand({ KeyId: KeyMetadata.KeyId }));
  await expect(seal(KeyMetadata.KeyId, "x")).rejects.toBeInstanceOf(DisabledException);
  expect(kms).toHaveReceivedCommandTimes(EncryptCommand, 2);
});

test("with a seed, every test after a reset sees the same key IDs", async () => {
  const first = (await new KMSClient({}).send(new CreateKeyCommand({}))).KeyMetadata.KeyId;
  await kms.reset();
  const again = (await new KMSClient({}).send(new CreateKeyCommand({}))).KeyMetadata.KeyId;
  expect(again).toBe(first);
  expect(first).toMatchSnapshot();
});
