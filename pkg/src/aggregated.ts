/**
 * `KMS`: the aggregated client, `kms.encrypt(input)` ≡ `client.send(new EncryptCommand(input))`.
 *
 * Owns: attaching one method per generated command (as the SDK's `createAggregatedClient` does).
 * Must not: add behaviour of its own; everything goes through `KMSClient.send`.
 *
 * @module
 */
import { KMSClient } from "./client.js";
import { commands, type KMSOperations } from "./generated/commands.js";
import * as paginators from "./paginators.js";
import type { KMSPaginationConfiguration } from "./paginators.js";

type PaginatorName = { [K in keyof typeof paginators]: K extends `paginate${string}` ? K : never }[keyof typeof paginators];
/** `kms.paginateListKeys(input, config)` ≡ `paginateListKeys({ ...config, client: kms }, input)`, as in the SDK. */
export type KMSPaginatorMethods = {
  [K in PaginatorName]: (
    args?: Parameters<(typeof paginators)[K]>[1],
    paginationConfig?: Omit<KMSPaginationConfiguration, "client">,
  ) => ReturnType<(typeof paginators)[K]>;
};

/** The aggregated client's methods, one per operation and paginator (declaration merged into the class). */
export interface KMS extends KMSOperations, KMSPaginatorMethods {}

/**
 * The SDK's aggregated client: every operation as a method. A subclass of {@link KMSClient}, so it
 * takes the same configuration and works with the paginators.
 *
 * @example
 * ```ts
 * import { KMS } from "kms-wasm";
 * const kms = new KMS({ region: "us-east-1" });
 * const { KeyMetadata } = await kms.createKey({ Description: "app key" });
 * const { CiphertextBlob } = await kms.encrypt({ KeyId: KeyMetadata!.KeyId, Plaintext: bytes });
 * ```
 */
export class KMS extends KMSClient {}

for (const [className, CommandClass] of Object.entries(commands)) {
  const method = className[0]!.toLowerCase() + className.slice(1, -"Command".length);
  Object.defineProperty(KMS.prototype, method, {
    configurable: true,
    writable: true,
    value(this: KMS, args: object = {}, optionsOrCb?: unknown, cb?: unknown) {
      return (this.send as (...a: unknown[]) => unknown)(new (CommandClass as new (i: object) => object)(args), optionsOrCb, cb);
    },
  });
}

for (const [name, paginate] of Object.entries(paginators)) {
  if (!name.startsWith("paginate")) continue;
  Object.defineProperty(KMS.prototype, name, {
    configurable: true,
    writable: true,
    value(this: KMS, args: object = {}, config?: object, ...rest: unknown[]) {
      return (paginate as (...a: unknown[]) => unknown)({ ...config, client: this }, args, ...rest);
    },
  });
}
