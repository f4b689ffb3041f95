// A Vitest 4 user in ESM: `import "kms-wasm"` resolves the "node" + "import" condition
// (pkg/dist/node.js).
import { expect, test } from "vitest";
import { KMS, NotFoundException } from "kms-wasm";

test("CreateKey, Encrypt, Decrypt and a NotFoundException through Vitest", async () => {
  const kms = new KMS({ region: "eu-central-1" });
  const { KeyMetadata } = await kms.createKey({ Description: "vitest" });
  const { CiphertextBlob } = await kms.encrypt({ KeyId: KeyMetadata.KeyId, Plaintext: new TextEncoder().encode("hi vitest") });
  const { Plaintext } = await kms.decrypt({ CiphertextBlob });
  expect(new TextDecoder().decode(Plaintext)).toBe("hi vitest");
  await expect(kms.describeKey({ KeyId: "alias/missing" })).rejects.toBeInstanceOf(NotFoundException);
});
