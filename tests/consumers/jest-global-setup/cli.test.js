// The AWS CLI, shelled out to from inside a Jest test, reaches the server the globalSetup started:
// no --endpoint-url, no Region, no credentials in the test. scripts/test-consumers.mjs names the
// CLI to use in KMS_WASM_AWS_CLI (the venv's v1, or /usr/bin/aws v2).
const { execFileSync } = require("node:child_process");
const { KMSClient, DescribeKeyCommand } = require("@aws-sdk/client-kms");

const aws = (...args) => JSON.parse(execFileSync(process.env.KMS_WASM_AWS_CLI || "aws", ["kms", ...args, "--output", "json"], { encoding: "utf8" }));

test("the globalSetup handed this worker an endpoint, a Region and credentials", () => {
  expect(process.env.AWS_ENDPOINT_URL_KMS).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(process.env.AWS_REGION).toBe("us-east-1");
  expect(process.env.AWS_DEFAULT_REGION).toBe("us-east-1");
  expect(process.env.AWS_ACCESS_KEY_ID).toBeTruthy();
});

test("aws kms create-key and list-keys, then the SDK sees the same key", async () => {
  const { KeyMetadata } = aws("create-key", "--description", "made by the AWS CLI");
  expect(KeyMetadata.Arn).toMatch(/^arn:aws:kms:us-east-1:\d{12}:key\/[0-9a-f-]{36}$/);
  expect(KeyMetadata.Description).toBe("made by the AWS CLI");
  const { Keys } = aws("list-keys");
  expect(Keys.map((k) => k.KeyId)).toContain(KeyMetadata.KeyId);

  const kms = new KMSClient({}); // everything from the environment, as code under test does
  const described = await kms.send(new DescribeKeyCommand({ KeyId: KeyMetadata.KeyId }));
  expect(described.KeyMetadata.Arn).toBe(KeyMetadata.Arn);
});
