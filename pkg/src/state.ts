/**
 * `exportState` / `importState`: the whole state of a storage as one versioned JSON document, to
 * move keys between storages (MemoryStorage → FileSystemStorage → IndexedDB), check a known state
 * into a repository, or seed a test run.
 *
 * Owns: the document format `{"format":"kms-wasm-state","version":1,"snapshot":"<base64>"}`, where
 * `snapshot` is the engine's snapshot at the head of the storage (every key with all its material
 * versions, aliases, grants, custom key stores). Must not: know the snapshot's inside (Rust owns it).
 *
 * @module
 */
import { engineFor, entryFromSnapshot } from "./engine.js";
import { StorageConflict, type StorageAdapter } from "./storage/adapter.js";
import { base64Decode, base64Encode } from "./wire.js";
import { ENTRY, seal } from "./integrity.js";

/** The `format` member of an exported state. */
export const STATE_FORMAT = "kms-wasm-state";
/** The `version` member this package writes and reads. */
export const STATE_VERSION = 1;

/**
 * The whole state of `storage` (every write acknowledged so far, by any client or process) as a
 * JSON document (UTF-8 bytes). The same state always exports to the same bytes.
 *
 * @example
 * ```ts
 * import { writeFile } from "node:fs/promises";
 * await writeFile("state.json", await exportState(storage));
 * ```
 */
export async function exportState(storage: StorageAdapter): Promise<Uint8Array> {
  const snapshot = await engineFor(storage).snapshotAtHead();
  const doc = { format: STATE_FORMAT, version: STATE_VERSION, snapshot: base64Encode(snapshot) };
  return new TextEncoder().encode(JSON.stringify(doc, null, 2) + "\n");
}

/**
 * Loads an exported state into `storage`, which must be empty (never written). The state is
 * written as the storage's first journal entry, so it is durable when this resolves and every
 * client of the storage sees it on its next call.
 *
 * @throws Error when `storage` is not empty (nothing is written), or `bytes` is not an exported
 *   state of a version this package reads
 * @example
 * ```ts
 * await importState(new FileSystemStorage("./kms-data"), await readFile("state.json"));
 * ```
 */
export async function importState(storage: StorageAdapter, bytes: Uint8Array | string): Promise<void> {
  const text = typeof bytes === "string" ? bytes : new TextDecoder().decode(bytes);
  let doc: { format?: unknown; version?: unknown; snapshot?: unknown };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch {
    throw new Error("importState: the input is not JSON (expected a document made by exportState)");
  }
  if (doc?.format !== STATE_FORMAT || typeof doc.snapshot !== "string") {
    throw new Error(`importState: the input is not a ${STATE_FORMAT} document made by exportState`);
  }
  if (doc.version !== STATE_VERSION) {
    throw new Error(`importState: unsupported ${STATE_FORMAT} version ${String(doc.version)} (this package reads ${STATE_VERSION})`);
  }
  const entry = await entryFromSnapshot(base64Decode(doc.snapshot)); // validates the snapshot
  const loaded = await storage.load();
  if (loaded.snapshotVersion > 0 || loaded.entries.length > 0) {
    throw new Error("importState: the storage is not empty; import into a new, empty storage");
  }
  try {
    await storage.append(1, seal(ENTRY, 1, 0, entry).bytes);
  } catch (err) {
    if (StorageConflict.isInstance(err)) {
      throw new Error("importState: the storage is not empty (another writer got there first)");
    }
    throw err;
  }
}
