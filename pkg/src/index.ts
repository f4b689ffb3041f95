/**
 * kms-wasm's public surface, browser-safe: the `@aws-sdk/client-kms` look-alike (`KMSClient`, `KMS`,
 * every `XxxCommand`, exceptions, enums, model types, paginators) plus the storage adapters that
 * work everywhere.
 *
 * This barrel is not an entry point by itself: `node.ts` and `portable.ts` re-export it after
 * telling the engine where the wasm bytes come from. It must never reach `node:*` (a packaging test
 * bundles it for the browser and fails on any Node built-in).
 *
 * @packageDocumentation
 */
export { KMSClient, type KMSClientConfig, type KMSClientResolvedConfig, type AnyCommand } from "./client.js";
export { KMS, type KMSPaginatorMethods } from "./aggregated.js";
export { Command as $Command, type MetadataBearer, type MetadataBearer as __MetadataBearer, type ResponseMetadata, type HttpHandlerOptions } from "./command.js";
export {
  KMSServiceException, type ServiceExceptionOptions, type ExceptionOptionType, type HttpResponse, type HeaderBag, type RetryableTrait,
} from "./exceptions.js";
export * from "./generated/commands.js";
export * from "./generated/models.js";
export * from "./generated/enums.js";
export * from "./generated/errors.js";
export * from "./paginators.js";
export { VirtualClock, type Clock } from "./clock.js";
export { MemoryStorage } from "./storage/memory.js";
export { CreateFixtureKeyCommand, type CreateFixtureKeyCommandInput, type CreateFixtureKeyCommandOutput } from "./fixtures.js";
export { exportState, importState, STATE_FORMAT, STATE_VERSION } from "./state.js";
export { IndexedDBStorage, type IndexedDBStorageOptions } from "./storage/indexeddb.js";
export { StorageConflict, SnapshotRequired, StorageDamaged, type StorageAdapter, type StorageLoadResult } from "./storage/adapter.js";
export { kmsRequestHandler, type KmsRequestHandler, type KmsRequestHandlerOptions, type KmsHttpRequest, type KmsHttpResponse } from "./http/handler.js";
export { DEFAULT_ACCOUNT_ID, DEFAULT_REGION, type CallerMapping } from "./http/scope.js";
export { emulateKms, type EmulateKmsOptions, type KmsEmulation, type KmsCommandCall, type CommandClass } from "./emulate.js";
export { kmsMatchers, type KmsMatchers } from "./matchers.js";
export type { CloudTrailEvent, CloudTrailUserIdentity, CloudTrailResource } from "./cloudtrail-event.js";
