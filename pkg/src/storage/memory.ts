/**
 * MemoryStorage: the in-process {@link StorageAdapter}, and the process-wide default store.
 *
 * Owns: keeping versioned entries and one snapshot in memory, and sharing them by name across every
 * instance in the process. Must not: touch any platform API (it ships in the browser-safe entry) or
 * interpret the bytes.
 *
 * @module
 */

import { checkVersion, SnapshotRequired, StorageConflict } from "./adapter.js";
import type { StorageAdapter, StorageLoadResult } from "./adapter.js";

/** The backing state. Several `MemoryStorage` instances may point at one `Store`. */
interface Store {
  snapshot: Uint8Array | undefined;
  snapshotVersion: number;
  /** `entries[i]` is version `snapshotVersion + 1 + i`; so head is O(1) arithmetic. */
  entries: Uint8Array[];
}

/**
 * Named stores live for the life of the process (module instance, strictly): that is what lets a
 * `KMSClient` in the code under test and one in the test file see the same keys without passing a
 * storage around. Jest's per-file module registry still gives each test file its own map.
 */
const named = new Map<string, Store>();

function emptyStore(): Store {
  return { snapshot: undefined, snapshotVersion: 0, entries: [] };
}

/**
 * A {@link StorageAdapter} that keeps everything in memory. Nothing survives the process.
 *
 * - `new MemoryStorage()` has a private store of its own: isolated, e.g. one per test.
 * - `new MemoryStorage(name)` shares one store with every other instance created with the same
 *   `name` in this process, so several engines or clients can work on the same data and exercise
 *   the same conflict/refresh protocol as the durable adapters.
 * - The default storage of `KMSClient` is {@link MemoryStorage.shared}() — the store named
 *   {@link MemoryStorage.DEFAULT_NAME} (`"default"`).
 *
 * Appends are a Map-like check, so every operation is O(1) apart from copying the bytes. Bytes are
 * copied in and out, so callers can never alias (and corrupt) stored data, as with a real store.
 *
 * @example Isolated storage for one test
 * ```ts
 * import { KMSClient, MemoryStorage } from "kms-wasm";
 * const client = new KMSClient({ region: "us-east-1", storage: new MemoryStorage() });
 * ```
 *
 * @example Two clients sharing one named store
 * ```ts
 * const a = new KMSClient({ region: "us-east-1", storage: new MemoryStorage("shared") });
 * const b = new KMSClient({ region: "us-east-1", storage: new MemoryStorage("shared") });
 * // keys created through `a` are visible through `b`
 * ```
 */
export class MemoryStorage implements StorageAdapter {
  /** Name of the store used when no storage is configured: `"default"`. */
  static readonly DEFAULT_NAME = "default";

  /** The store's name, or `undefined` for a private store. */
  readonly name: string | undefined;
  readonly #store: Store;

  /**
   * @param name - share the store with every instance created with this name; omit for a private store
   */
  constructor(name?: string) {
    this.name = name;
    if (name === undefined) {
      this.#store = emptyStore();
    } else {
      let store = named.get(name);
      if (store === undefined) {
        store = emptyStore();
        named.set(name, store);
      }
      this.#store = store;
    }
  }

  /**
   * An instance on the process-wide store called `name` (default {@link MemoryStorage.DEFAULT_NAME}).
   * Equivalent to `new MemoryStorage(name)`.
   *
   * @example
   * ```ts
   * const storage = MemoryStorage.shared(); // what KMSClient uses when `storage` is omitted
   * ```
   */
  static shared(name: string = MemoryStorage.DEFAULT_NAME): MemoryStorage {
    return new MemoryStorage(name);
  }

  /** {@inheritDoc StorageAdapter.load} */
  async load(): Promise<StorageLoadResult> {
    const s = this.#store;
    const result: StorageLoadResult = { snapshotVersion: s.snapshotVersion, entries: s.entries.map(copy) };
    if (s.snapshot !== undefined) result.snapshot = copy(s.snapshot);
    return result;
  }

  /** {@inheritDoc StorageAdapter.head} */
  async head(): Promise<number> {
    return headOf(this.#store);
  }

  /** {@inheritDoc StorageAdapter.headNow} */
  headNow(): number {
    return headOf(this.#store);
  }

  /** {@inheritDoc StorageAdapter.readSince} */
  async readSince(version: number): Promise<Uint8Array[]> {
    checkVersion(version, 0, "readSince");
    const s = this.#store;
    // A reader ahead of the store can only mean the store was replaced under it; rebuilding from
    // load() is the only way back to a consistent state.
    if (version < s.snapshotVersion || version > headOf(s)) throw new SnapshotRequired(version, s.snapshotVersion);
    return s.entries.slice(version - s.snapshotVersion).map(copy);
  }

  /** {@inheritDoc StorageAdapter.append} */
  async append(version: number, entry: Uint8Array): Promise<void> {
    checkVersion(version, 1, "append");
    const s = this.#store;
    const head = headOf(s);
    if (version <= head) throw new StorageConflict(version);
    if (version !== head + 1) throw new RangeError(`append: version ${version} would leave a gap after head ${head}`);
    s.entries.push(copy(entry));
  }

  /** {@inheritDoc StorageAdapter.compact} */
  async compact(version: number, snapshot: Uint8Array): Promise<void> {
    checkVersion(version, 1, "compact");
    const s = this.#store;
    const head = headOf(s);
    if (version > head) throw new RangeError(`compact: version ${version} is above head ${head}`);
    if (version <= s.snapshotVersion) return;
    s.entries = s.entries.slice(version - s.snapshotVersion);
    s.snapshot = copy(snapshot);
    s.snapshotVersion = version;
  }

  /** Nothing to release: the store outlives the instance (it may be shared). */
  async close(): Promise<void> {}
}

function headOf(s: Store): number {
  return s.snapshotVersion + s.entries.length;
}

function copy(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}
