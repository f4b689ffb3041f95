/**
 * The server a test runner's global setup starts once for the whole run, and the environment it
 * hands to the test workers (`jest-global-setup.ts`, `vitest-global-setup.ts`).
 *
 * Owns: starting and stopping that one server, and setting (then restoring) the environment
 * variables every AWS SDK and the AWS CLI read. Must not: know about any test runner.
 *
 * @module
 */
import type { KmsServer, KmsServerOptions } from "./http/server.js";

/**
 * Options of the global setups: those of `createKmsServer` (default: a fresh in-memory store on a
 * free loopback port, admin paths on). `region` is also the `AWS_REGION` handed to workers when
 * the environment has none (default "us-east-1").
 *
 * @example
 * ```ts
 * const options: KmsGlobalSetupOptions = { seed: "snapshots", region: "eu-west-1" };
 * ```
 */
export type KmsGlobalSetupOptions = KmsServerOptions;

/** What the global setup set, so teardown can put the environment back. @internal */
interface Running {
  server: KmsServer;
  previous: Record<string, string | undefined>;
}

// On globalThis, not in a module variable: Jest loads its globalSetup and globalTeardown as two
// separate modules (each bundle with its own copy of this one) that share only the global object.
const KEY = Symbol.for("kms-wasm.global-server");
const slot = globalThis as { [KEY]?: Running };

/**
 * Starts the server (once; a second call returns the first server) and sets, for this process and
 * every worker started after it: `AWS_ENDPOINT_URL_KMS` always; `AWS_REGION` and
 * `AWS_DEFAULT_REGION`, and dummy `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`, only when unset.
 * @internal
 */
export async function startGlobalServer(options: KmsGlobalSetupOptions = {}): Promise<KmsServer> {
  if (slot[KEY]) return slot[KEY].server;
  // The Node entry, for its wasm loader; imported here so that a teardown module never loads it.
  const { createKmsServer, MemoryStorage } = await import("./node.js");
  const fresh = options.storage === undefined && options.dataDir === undefined ? { storage: new MemoryStorage() } : {};
  const server = await createKmsServer({ ...options, ...fresh });
  const env = process.env;
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? options.region ?? "us-east-1";
  const wanted: Record<string, string> = {
    AWS_ENDPOINT_URL_KMS: server.url,
    AWS_REGION: env.AWS_REGION ?? region,
    AWS_DEFAULT_REGION: env.AWS_DEFAULT_REGION ?? region,
    // Only when no credentials are set at all: a half-set pair is the user's to finish.
    ...(env.AWS_ACCESS_KEY_ID === undefined && env.AWS_SECRET_ACCESS_KEY === undefined
      ? { AWS_ACCESS_KEY_ID: "AKIAKMSWASMTESTKEY00", AWS_SECRET_ACCESS_KEY: "kms-wasm-test-secret-not-checked" }
      : {}),
  };
  const previous: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(wanted)) {
    previous[k] = env[k];
    env[k] = v;
  }
  slot[KEY] = { server, previous };
  return server;
}

/** Closes the server started by {@link startGlobalServer} and restores the environment; idempotent. @internal */
export async function stopGlobalServer(): Promise<void> {
  const running = slot[KEY];
  if (!running) return;
  delete slot[KEY];
  for (const [k, v] of Object.entries(running.previous)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await running.server.close();
}
