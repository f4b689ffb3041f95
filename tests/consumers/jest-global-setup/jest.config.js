// The whole setup: two lines. Every worker then has AWS_ENDPOINT_URL_KMS, a Region and dummy
// credentials, so the AWS CLI, boto3 or `new KMSClient({})` all reach one kms-wasm server.
module.exports = {
  testEnvironment: "node",
  transform: {},
  maxWorkers: 2,
  globalSetup: "kms-wasm/jest-global-setup",
  globalTeardown: "kms-wasm/jest-global-teardown",
};
