// Vitest's globalSetup started one server: test files get its endpoint in process.env (for SDKs
// and tools) and through inject(); the real SDK configured from the environment alone reaches it.
import { execFileSync } from "node:child_process";
import { expect, inject, test } from "vitest";
import { KMSClient, CreateKeyCommand, ListKeysCommand, DisableKeyCommand, EncryptCommand, DisabledException } from "@aws-sdk/client-kms";

test("the endpoint, a Region and credentials are in the environment and provided", () => {
  expect(process.env.AWS_ENDPOINT_URL_KMS).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(inject("kmsWasmEndpoint")).toBe(process.env.AWS_ENDPOINT_URL_KMS);
  expect(process.env.AWS_REGION).toBe("us-east-1");
  expect(process.env.AWS_ACCESS_KEY_ID).toBeTruthy();
});

test("new KMSClient({}) reaches the server; a disabled key is DisabledException", async () => {
  const kms = new KMSClient({});
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: "vitest" }));
  const { Keys } = await kms.send(new ListKeysCommand({}));
  expect(Keys.map((k) => k.KeyId)).toContain(KeyMetadata.KeyId);
  await kms.send(new DisableKeyCommand({ KeyId: KeyMetadata.KeyId }));
  await expect(kms.send(new EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: new Uint8Array(1) }))).rejects.toBeInstanceOf(DisabledException);

  // And the AWS CLI, shelled out to, sees the same key.
  const out = JSON.parse(execFileSync(process.env.KMS_WASM_AWS_CLI || "aws", ["kms", "describe-key", "--key-id", KeyMetadata.KeyId, "--output", "json"], { encoding: "utf8" }));
  expect(out.KeyMetadata.KeyState).toBe("Disabled");
});
