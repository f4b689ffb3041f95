/**
 * `kms-wasm/vitest-global-setup`: a ready Vitest `globalSetup` that starts one kms-wasm server
 * for the whole run and closes it at the end, so code that talks to KMS over HTTP — the AWS CLI,
 * boto3 or another language shelled out to, or a library that builds its own client — reaches the
 * same engine as the tests.
 *
 * Test files see `AWS_ENDPOINT_URL_KMS` (the server), and `AWS_REGION`/`AWS_DEFAULT_REGION` and
 * dummy credentials when unset, in `process.env`; the endpoint is also provided as
 * `inject("kmsWasmEndpoint")`.
 *
 * @example vitest.config.js
 * ```js
 * import { defineConfig } from "vitest/config";
 * export default defineConfig({ test: { globalSetup: ["kms-wasm/vitest-global-setup"] } });
 * ```
 *
 * @packageDocumentation
 */
import { startGlobalServer, stopGlobalServer, type KmsGlobalSetupOptions } from "./global-server.js";

export type { KmsGlobalSetupOptions } from "./global-server.js";

/** The part of Vitest's `TestProject` the setup uses. */
export interface ProvidingProject {
  /** Vitest's `project.provide(key, value)`: read in tests with `inject(key)`. */
  provide(key: string, value: unknown): void;
}

/**
 * A Vitest globalSetup's `setup` and `teardown` with options of their own.
 *
 * @param options - as for `createKmsServer`; default a fresh in-memory store on a free port
 * @example kms-setup.js (then `globalSetup: ["./kms-setup.js"]`)
 * ```js
 * import { kmsGlobalSetup } from "kms-wasm/vitest-global-setup";
 * export const { setup, teardown } = kmsGlobalSetup({ seed: "snapshots" });
 * ```
 */
export function kmsGlobalSetup(options: KmsGlobalSetupOptions = {}): { setup(project?: ProvidingProject): Promise<void>; teardown(): Promise<void> } {
  return {
    async setup(project) {
      const server = await startGlobalServer(options);
      project?.provide("kmsWasmEndpoint", server.url);
    },
    teardown: stopGlobalServer,
  };
}

const standard = kmsGlobalSetup();
/** Vitest's globalSetup `setup`: starts the server, sets the environment, provides `kmsWasmEndpoint`. */
export const setup: (project?: ProvidingProject) => Promise<void> = standard.setup;
/** Vitest's globalSetup `teardown`: closes the server and restores the environment. */
export const teardown: () => Promise<void> = standard.teardown;
