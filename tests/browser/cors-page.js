// The page script of tests/browser/cors.test.mjs, bundled for the browser with esbuild: the real
// @aws-sdk/client-kms (its browser build) calling a kms-wasm server on another origin.
import { KMSClient, CreateKeyCommand, EncryptCommand, DecryptCommand, DescribeKeyCommand } from "@aws-sdk/client-kms";

/** Runs a round trip and an error against `endpoint`; resolves with what the page saw. */
window.runKms = async (endpoint) => {
  const kms = new KMSClient({
    region: "eu-west-1",
    endpoint,
    credentials: { accessKeyId: "AKIDBROWSER", secretAccessKey: "unused" },
    maxAttempts: 1,
  });
  const { KeyMetadata, $metadata } = await kms.send(new CreateKeyCommand({ Description: "from a page" }));
  const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: new TextEncoder().encode("cross-origin") }));
  const { Plaintext } = await kms.send(new DecryptCommand({ CiphertextBlob }));
  const err = await kms.send(new DescribeKeyCommand({ KeyId: "alias/missing" })).catch((e) => e);
  return {
    origin: location.origin,
    arn: KeyMetadata.Arn,
    requestId: $metadata.requestId,
    plaintext: new TextDecoder().decode(Plaintext),
    error: { name: err.name, fault: err.$fault, status: err.$metadata?.httpStatusCode, requestId: err.$metadata?.requestId, message: err.message },
  };
};
