/**
 * `kms-wasm/jest-global-setup`: a ready Jest `globalSetup` that starts one kms-wasm server for
 * the whole run, so code that talks to KMS over HTTP — the AWS CLI, boto3 or another language
 * shelled out to, or a library that builds its own client — reaches the same engine as the tests.
 *
 * Workers inherit `AWS_ENDPOINT_URL_KMS` (the server), and `AWS_REGION`/`AWS_DEFAULT_REGION` and
 * dummy credentials when unset. Pair it with `kms-wasm/jest-global-teardown`.
 *
 * @example jest.config.js
 * ```js
 * module.exports = {
 *   globalSetup: "kms-wasm/jest-global-setup",
 *   globalTeardown: "kms-wasm/jest-global-teardown",
 * };
 * ```
 *
 * @packageDocumentation
 */
import { startGlobalServer, type KmsGlobalSetupOptions } from "./global-server.js";

export type { KmsGlobalSetupOptions } from "./global-server.js";

/**
 * A Jest `globalSetup` function with options of its own (a seed, a Region, a data dir).
 *
 * @param options - as for `createKmsServer`; default a fresh in-memory store on a free port
 * @example jest-kms-setup.js (then `globalSetup: "./jest-kms-setup.js"`)
 * ```js
 * module.exports = require("kms-wasm/jest-global-setup").kmsGlobalSetup({ seed: "snapshots" });
 * ```
 */
export function kmsGlobalSetup(options: KmsGlobalSetupOptions = {}): () => Promise<void> {
  return async () => {
    await startGlobalServer(options);
  };
}

/** The default Jest `globalSetup`: a fresh in-memory server on a free loopback port. */
const globalSetup: () => Promise<void> = kmsGlobalSetup();
export default globalSetup;
