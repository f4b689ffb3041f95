/**
 * IndexedDBStorage: the durable {@link StorageAdapter} for browsers and Web Workers, safe to share
 * between tabs.
 *
 * Owns: the database layout below, the compare-and-set of versions inside one readwrite
 * transaction, durability (`{durability: "strict"}`, resolved on `complete`) and compaction.
 * Must not: interpret the bytes, touch `window` or `node:*` (it runs in workers and ships in the
 * browser-safe entry), or scan every entry on the per-call path.
 *
 * Layout of the database named by the constructor (schema version 2):
 * ```
 * entries     out-of-line key = version (number), value = the entry bytes (Uint8Array)
 * snapshots   out-of-line key = version (number), value = the state at that version; only the newest is kept
 * meta        "head" = the highest version ever appended, written in the append's own transaction
 * ```
 * The head is otherwise the last key of `entries`, so deleting the newest entries from outside
 * (developer tools) would look like fewer writes; `meta/head` makes it damage instead. Version 1
 * databases gain the `meta` store on open, and their marker with the next append.
 *
 * Why one transaction per call is enough: IndexedDB runs readwrite transactions whose scopes overlap
 * one at a time, across every connection to the database (all tabs and workers of the origin), and
 * readonly transactions see a consistent state. So "read the head, then add()" inside one readwrite
 * transaction is a true compare-and-set, and compaction can delete entries in the same transaction
 * that publishes the snapshot without ever racing an append.
 *
 * @module
 */

import { checkVersion, SnapshotRequired, StorageConflict, StorageDamaged } from "./adapter.js";
import type { StorageAdapter, StorageLoadResult } from "./adapter.js";

const SCHEMA_VERSION = 2;
const ENTRIES = "entries";
const SNAPSHOTS = "snapshots";
const META = "meta";
const HEAD = "head";
const STORES = [ENTRIES, SNAPSHOTS, META];

/** Options of {@link IndexedDBStorage}, for environments without a global `indexedDB` (tests). */
export interface IndexedDBStorageOptions {
  /** The IndexedDB factory to use. Default `globalThis.indexedDB`. */
  indexedDB?: IDBFactory;
  /** The matching `IDBKeyRange` class. Default `globalThis.IDBKeyRange`. */
  IDBKeyRange?: typeof IDBKeyRange;
}

/**
 * A {@link StorageAdapter} that keeps the journal in an IndexedDB database. Browsers and Web Workers.
 *
 * - `append` resolves only when its readwrite transaction, opened with `{durability: "strict"}`,
 *   has completed: the browser has flushed it to disk.
 * - Several instances (tabs, workers, or several clients in one page) may share a database by
 *   name: a version can be taken only once, so no acknowledged write is ever lost, and each
 *   engine sees the others' writes on its next call.
 * - `head()` reads only the last key of each object store, whatever the number of entries.
 * - The database is opened on first use and closed when another tab deletes or upgrades it
 *   (then reopened on the next call), so {@link IndexedDBStorage.deleteDatabase} is never blocked
 *   by an idle tab.
 *
 * @example
 * ```ts
 * import { KMSClient, CreateKeyCommand, IndexedDBStorage } from "kms-wasm";
 * const kms = new KMSClient({ region: "us-east-1", storage: new IndexedDBStorage("my-app-kms") });
 * await kms.send(new CreateKeyCommand({})); // still there after a reload
 * ```
 *
 * @example Start over
 * ```ts
 * await IndexedDBStorage.deleteDatabase("my-app-kms");
 * ```
 */
export class IndexedDBStorage implements StorageAdapter {
  /** The database name given to the constructor. */
  readonly name: string;
  readonly #factory: IDBFactory;
  readonly #range: typeof IDBKeyRange;
  #db: Promise<IDBDatabase> | undefined;
  /**
   * Set when another connection deleted the database under us. A reader whose version happens to
   * equal the new head after others wrote again would otherwise never notice, so the next
   * readSince() sends it back to load().
   */
  #deleted = false;

  /**
   * @param name - the IndexedDB database name; instances with the same name share one store
   * @param options - an explicit factory, for environments without a global `indexedDB`
   * @throws TypeError when `name` is empty or no IndexedDB implementation is available
   */
  constructor(name: string, options: IndexedDBStorageOptions = {}) {
    if (typeof name !== "string" || name === "") throw new TypeError("IndexedDBStorage: name must be a non-empty string");
    const factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
    const range = options.IDBKeyRange ?? (globalThis as { IDBKeyRange?: typeof IDBKeyRange }).IDBKeyRange;
    if (factory === undefined || range === undefined) throw new TypeError("IndexedDBStorage: IndexedDB is not available in this environment");
    this.name = name;
    this.#factory = factory;
    this.#range = range;
  }

  /**
   * Deletes the database `name` and everything in it. Open instances in other tabs close their
   * connection when asked, so this does not wait for them.
   *
   * @example
   * ```ts
   * await IndexedDBStorage.deleteDatabase("kms-sandbox");
   * ```
   */
  static deleteDatabase(name: string, factory: IDBFactory = (globalThis as { indexedDB: IDBFactory }).indexedDB): Promise<void> {
    return new Promise((resolve, reject) => {
      const request = factory.deleteDatabase(name);
      request.onsuccess = () => resolve();
      request.onerror = () => reject(request.error);
    });
  }

  /** {@inheritDoc StorageAdapter.load} */
  async load(): Promise<StorageLoadResult> {
    this.#deleted = false;
    return this.#transaction("readonly", async (tx) => {
      await this.#checkedHead(tx);
      const snapshotVersion = await lastKey(tx.objectStore(SNAPSHOTS));
      const entries = await this.#run(tx, snapshotVersion);
      const result: StorageLoadResult = { snapshotVersion, entries };
      if (snapshotVersion > 0) result.snapshot = toBytes(await request(tx.objectStore(SNAPSHOTS).get(snapshotVersion)));
      return result;
    });
  }

  /** {@inheritDoc StorageAdapter.head} */
  async head(): Promise<number> {
    return this.#transaction("readonly", (tx) => this.#checkedHead(tx));
  }

  /** {@inheritDoc StorageAdapter.readSince} */
  async readSince(version: number): Promise<Uint8Array[]> {
    checkVersion(version, 0, "readSince");
    if (this.#deleted) throw new SnapshotRequired(version, 0);
    return this.#transaction("readonly", async (tx) => {
      const snapshotVersion = await lastKey(tx.objectStore(SNAPSHOTS));
      // A reader ahead of the head can only mean the database was deleted and recreated under it:
      // only load() brings it back to a consistent state.
      if (version < snapshotVersion || version > (await this.#checkedHead(tx))) throw new SnapshotRequired(version, snapshotVersion);
      return this.#run(tx, version);
    });
  }

  /** {@inheritDoc StorageAdapter.recordName} */
  recordName(kind: "entry" | "snapshot", version: number): string {
    return `${kind === "entry" ? ENTRIES : SNAPSHOTS}/${version}`;
  }

  /**
   * The head, checked against `meta/head`: a head below the highest version ever appended means
   * the newest entries were deleted, which is {@link StorageDamaged}, never a place to write again.
   */
  async #checkedHead(tx: IDBTransaction): Promise<number> {
    const head = await headOf(tx);
    const committed = Number((await request<unknown>(tx.objectStore(META).get(HEAD))) ?? 0);
    if (committed > head) {
      throw new StorageDamaged(this.recordName("entry", head + 1), `missing, but version ${committed} was committed (meta/head says so): the newest entries were deleted`);
    }
    return head;
  }

  /**
   * The entries after `after`, which must be contiguous: a missing record with later ones present
   * (deleted from outside, e.g. with the browser's developer tools) is {@link StorageDamaged}.
   */
  async #run(tx: IDBTransaction, after: number): Promise<Uint8Array[]> {
    const range = this.#range.lowerBound(after, true);
    const keys = await request<IDBValidKey[]>(tx.objectStore(ENTRIES).getAllKeys(range));
    for (const [i, key] of keys.entries()) {
      if (key !== after + i + 1) {
        throw new StorageDamaged(this.recordName("entry", after + i + 1), `missing, but later entries exist (up to ${this.recordName("entry", Number(keys[keys.length - 1]))})`);
      }
    }
    const entries = await request<unknown[]>(tx.objectStore(ENTRIES).getAll(range));
    return entries.map(toBytes);
  }

  /** {@inheritDoc StorageAdapter.append} */
  async append(version: number, entry: Uint8Array): Promise<void> {
    checkVersion(version, 1, "append");
    if (!(entry instanceof Uint8Array)) throw new TypeError("append: entry must be a Uint8Array");
    const copy = new Uint8Array(entry); // the caller may reuse its array as soon as we return
    try {
      await this.#transaction("readwrite", async (tx) => {
        const head = await this.#checkedHead(tx);
        if (version <= head) throw new StorageConflict(version);
        if (version !== head + 1) throw new RangeError(`append: version ${version} would leave a gap after head ${head}`);
        await request(tx.objectStore(ENTRIES).add(copy, version));
        await request(tx.objectStore(META).put(version, HEAD));
      });
    } catch (err) {
      // add() is the CAS of last resort: if the check above ever raced, the key still cannot be taken twice.
      if (err instanceof Error && err.name === "ConstraintError") throw new StorageConflict(version, undefined, { cause: err });
      throw err;
    }
  }

  /** {@inheritDoc StorageAdapter.compact} */
  async compact(version: number, snapshot: Uint8Array): Promise<void> {
    checkVersion(version, 1, "compact");
    const copy = new Uint8Array(snapshot);
    await this.#transaction("readwrite", async (tx) => {
      const head = await headOf(tx);
      if (version > head) throw new RangeError(`compact: version ${version} is above head ${head}`);
      const snapshots = tx.objectStore(SNAPSHOTS);
      if (version <= (await lastKey(snapshots))) return;
      // All in one transaction: either the snapshot is published and the entries it covers are
      // gone, or nothing changed. An append racing us runs entirely before or after.
      await request(snapshots.put(copy, version));
      await request(snapshots.delete(this.#range.upperBound(version, true)));
      await request(tx.objectStore(ENTRIES).delete(this.#range.upperBound(version)));
    });
  }

  /**
   * Writes a whole state, as returned by {@link IndexedDBStorage.load} (of this or any adapter),
   * into this store, which must be empty. Used to import an exported state.
   *
   * @throws {@link StorageConflict} when the store is not empty (nothing is written)
   * @example
   * ```ts
   * const state = await new MemoryStorage("source").load();
   * await new IndexedDBStorage("copy").importState(state);
   * ```
   */
  async importState(state: StorageLoadResult): Promise<void> {
    checkVersion(state.snapshotVersion, 0, "importState");
    if ((state.snapshotVersion > 0) !== (state.snapshot !== undefined)) {
      throw new RangeError("importState: a snapshot needs a snapshotVersion above 0, and only then");
    }
    await this.#transaction("readwrite", async (tx) => {
      const head = await headOf(tx);
      if (head !== 0) throw new StorageConflict(1, `importState: database ${this.name} is not empty (head ${head})`);
      if (state.snapshot !== undefined) await request(tx.objectStore(SNAPSHOTS).add(new Uint8Array(state.snapshot), state.snapshotVersion));
      let v = state.snapshotVersion;
      for (const entry of state.entries) await request(tx.objectStore(ENTRIES).add(new Uint8Array(entry), ++v));
      if (v > 0) await request(tx.objectStore(META).put(v, HEAD));
    });
  }

  /** Closes the connection; a later call would open it again. */
  async close(): Promise<void> {
    const db = this.#db;
    this.#db = undefined;
    if (db !== undefined) (await db.catch(() => undefined))?.close();
  }

  #open(): Promise<IDBDatabase> {
    this.#db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const open = this.#factory.open(this.name, SCHEMA_VERSION);
      open.onupgradeneeded = () => {
        const db = open.result;
        for (const store of STORES) if (!db.objectStoreNames.contains(store)) db.createObjectStore(store);
      };
      open.onsuccess = () => {
        const db = open.result;
        // Another tab wants to delete (Reset) or upgrade the database: step aside, reopen on the next call.
        const forget = () => {
          db.close();
          if (this.#db === opened) this.#db = undefined;
        };
        db.onversionchange = (event) => {
          if (event.newVersion === null) this.#deleted = true; // deleteDatabase(), e.g. Reset in another tab
          forget();
        };
        db.onclose = forget; // the browser closed it (e.g. storage cleared): reopen on the next call
        resolve(db);
      };
      open.onerror = () => reject(open.error);
      // Blocked: an older connection (another tab) has not closed yet. It will on versionchange;
      // the open request then proceeds by itself.
      open.onblocked = () => {};
    });
    const opened = this.#db;
    opened.catch(() => {
      if (this.#db === opened) this.#db = undefined;
    });
    return opened;
  }

  /**
   * Runs `body` in one transaction over both stores and resolves with its result once the
   * transaction has completed (for readwrite: is durable). A throw inside `body` aborts it.
   *
   * `body` may await only IndexedDB requests of `tx`: any other await would let the transaction
   * commit early.
   */
  async #transaction<T>(mode: IDBTransactionMode, body: (tx: IDBTransaction) => Promise<T>): Promise<T> {
    const db = await this.#open();
    const tx = mode === "readwrite" ? db.transaction(STORES, mode, { durability: "strict" }) : db.transaction(STORES, mode);
    const done = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onabort = () => reject(tx.error ?? new DOMException("IndexedDB transaction aborted", "AbortError"));
      tx.onerror = (event) => event.preventDefault(); // reported once, through onabort
    });
    let result: T;
    try {
      result = await body(tx);
    } catch (err) {
      try {
        tx.abort();
      } catch {
        // Already finished or aborting (e.g. the failed request aborted it): nothing to undo.
      }
      await done.catch(() => undefined);
      throw err;
    }
    await done;
    return result;
  }
}

/** Resolves with a request's result, or rejects with its error. */
function request<T = unknown>(req: IDBRequest): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result as T);
    req.onerror = () => reject(req.error);
  });
}

/** The highest key of `store`, or 0 when it is empty: one step of a reverse key cursor. */
async function lastKey(store: IDBObjectStore): Promise<number> {
  const cursor = await request<IDBCursor | null>(store.openKeyCursor(null, "prev"));
  return cursor === null ? 0 : Number(cursor.key);
}

/** Highest committed version: the last entry, or the snapshot when everything was compacted. */
async function headOf(tx: IDBTransaction): Promise<number> {
  return Math.max(await lastKey(tx.objectStore(ENTRIES)), await lastKey(tx.objectStore(SNAPSHOTS)));
}

/** Stored values come back as Uint8Array (or ArrayBuffer from older writers); always return a plain Uint8Array. */
function toBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
  throw new TypeError("IndexedDBStorage: stored value is not bytes");
}
