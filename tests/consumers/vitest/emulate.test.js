// Vitest 4 without globals: the runner's hooks and expect are passed in; that is the whole setup.
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { emulateKms } from "kms-wasm";
const kms = emulateKms({ afterEach, afterAll, expect });

import { seal, open } from "./src/app.js";
import { KMSClient, CreateKeyCommand, DisableKeyCommand, EncryptCommand, ListKeysCommand, InvalidCiphertextException, DisabledException } from "@aws-sdk/client-kms";

let keyId;
beforeAll(async () => {
  keyId = (await new KMSClient({}).send(new CreateKeyCommand({}))).KeyMetadata.KeyId;
  await kms.checkpoint();
});

test("the module under test round-trips; a wrong context is InvalidCiphertextException", async () => {
  const blob = await seal(keyId, "hello", { a: "1" });
  expect(await open(blob, { a: "1" })).toBe("hello");
  await expect(open(blob, { a: "2" })).rejects.toBeInstanceOf(InvalidCiphertextException);
  expect(kms).toHaveReceivedCommandWith(EncryptCommand, { KeyId: keyId, EncryptionContext: { a: "1" } });
});

test("a disabled key is DisabledException", async () => {
  await new KMSClient({}).send(new DisableKeyCommand({ KeyId: keyId }));
  await expect(seal(keyId, "x")).rejects.toBeInstanceOf(DisabledException);
});

test("reset after each test: back to the checkpoint", async () => {
  expect((await new KMSClient({}).send(new ListKeysCommand({}))).Keys).toHaveLength(1);
  await expect(seal(keyId, "y")).resolves.toBeInstanceOf(Uint8Array);
  expect(kms).toHaveReceivedCommandOnce(EncryptCommand);
});
