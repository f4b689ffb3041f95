/**
 * `kms-wasm/jest-global-teardown`: the Jest `globalTeardown` that closes the server
 * `kms-wasm/jest-global-setup` started and restores the environment variables it set.
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
import { stopGlobalServer } from "./global-server.js";

/** Closes the global server (requests in flight finish first); does nothing if none is running. */
export default async function globalTeardown(): Promise<void> {
  await stopGlobalServer();
}
