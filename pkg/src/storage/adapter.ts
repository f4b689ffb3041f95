/**
 * The storage adapter contract: the one interface every persistence backend implements, and the
 * two errors that cross it.
 *
 * Owns: the shape of {@link StorageAdapter}, {@link StorageConflict} and {@link SnapshotRequired}.
 * Must not: know anything about KMS, the wasm engine or the journal entry format. Adapters are dumb
 * byte stores (automerge-repo style); replay, retries and compaction policy live in `journal.ts`.
 * This is the only module an adapter may import (CONVENTIONS.md, boundary rule 7).
 *
 * @module
 */

/**
 * What {@link StorageAdapter.load} returns: the newest snapshot (if any) and every committed entry
 * after it.
 *
 * The state at version `snapshotVersion + entries.length` is obtained by restoring `snapshot` (or
 * the empty state when it is absent) and applying `entries` in order.
 */
export interface StorageLoadResult {
  /** Snapshot of the state at `snapshotVersion`; absent when the store was never compacted. */
  snapshot?: Uint8Array;
  /** Version the snapshot describes; `0` when there is no snapshot. */
  snapshotVersion: number;
  /** Committed entries for versions `snapshotVersion + 1 .. head`, in version order. */
  entries: Uint8Array[];
}

/**
 * A versioned, append-only store of opaque byte entries, with optional snapshot compaction.
 *
 * Versions start at 1 and are contiguous. Version `v` holds exactly one entry for ever: the first
 * `append(v, …)` wins and every later one rejects with {@link StorageConflict}. That
 * compare-and-set is what lets several engines (in one process, several processes or several
 * browser tabs) share one store without losing an acknowledged write.
 *
 * Implementations in this package: `MemoryStorage`, `FileSystemStorage` (Node only) and, in
 * browsers, `IndexedDBStorage`. Every implementation must pass `tests/js/storage-contract.mjs`.
 *
 * @example A minimal (non-durable) implementation, to show the contract
 * ```ts
 * class ArrayStorage implements StorageAdapter {
 *   #entries: Uint8Array[] = [];
 *   async load() { return { snapshotVersion: 0, entries: [...this.#entries] }; }
 *   async head() { return this.#entries.length; }
 *   async readSince(version: number) { return this.#entries.slice(version); }
 *   async append(version: number, entry: Uint8Array) {
 *     if (version <= this.#entries.length) throw new StorageConflict(version);
 *     this.#entries.push(entry.slice());
 *   }
 * }
 * ```
 */
export interface StorageAdapter {
  /**
   * Reads the newest snapshot and every entry after it.
   * Used to open a store, and again whenever a reader receives {@link SnapshotRequired}.
   */
  load(): Promise<StorageLoadResult>;

  /** Highest committed version, `0` for an empty store. A compacted store reports at least its snapshot's version. */
  head(): Promise<number>;

  /**
   * Entries for versions `version + 1 .. head`, in order (empty when `version` is the head).
   *
   * @throws {@link SnapshotRequired} when a snapshot newer than `version` exists, i.e. the entries the
   *   caller needs may have been compacted away. The caller must {@link load} again.
   */
  readSince(version: number): Promise<Uint8Array[]>;

  /**
   * Optional, synchronous: the head as this adapter knows it cheaply, or `undefined` when it cannot
   * tell. An adapter may implement it if it sees every write to its store (in-process memory), or
   * can tell with one cheap check that no write was acknowledged since it last read the head
   * (`FileSystemStorage`: one `stat`); the journal then skips {@link readSince} when nothing
   * changed since its version. A wrong number here hides other writers' acknowledged writes.
   */
  headNow?(): number | undefined;

  /**
   * Stores `entry` as version `version`, durably: the promise resolves only once the entry would
   * survive a crash of the process (and, where the backend allows, of the machine).
   *
   * `version` must be `head + 1` as seen by the caller. The adapter copies the bytes; the caller may
   * reuse `entry` afterwards.
   *
   * @throws {@link StorageConflict} when `version` already exists (another writer won the race), or
   *   was compacted into a snapshot.
   * @throws RangeError when `version` is not a positive integer or would leave a gap.
   */
  append(version: number, entry: Uint8Array): Promise<void>;

  /**
   * Replaces the entries up to and including `version` with `snapshot`, the state AT `version`.
   * Optional: a store without it simply grows. Calling it with a version at or below the newest
   * snapshot is a no-op. It must never lose a committed entry, even if it fails half-way.
   *
   * @throws RangeError when `version` is above the head.
   */
  compact?(version: number, snapshot: Uint8Array): Promise<void>;

  /** Releases resources (handles, connections). The adapter is not used afterwards. */
  close?(): Promise<void>;

  /**
   * Optional: how this adapter names the record of an entry or snapshot in messages, relative to
   * the store (`"journal/000000000003"`), never an absolute path. Default `"entry 3"`.
   */
  recordName?(kind: "entry" | "snapshot", version: number): string;
}

/**
 * Rejection of {@link StorageAdapter.append} when the version is already taken: another writer
 * committed it first. Nothing was written. The journal reacts by aborting the pending write,
 * catching up and running the call again.
 *
 * Branch on `err.name === "StorageConflict"` (or {@link StorageConflict.isInstance}) rather than
 * `instanceof`, so that errors from a second copy of this package (ESM and CJS builds loaded side by
 * side) are recognised too.
 */
export class StorageConflict extends Error {
  /** Stable identifier to branch on. */
  override readonly name = "StorageConflict";
  /** The version that was already taken. */
  readonly version: number;

  /**
   * @param version - the version that was already taken
   * @param message - optional human-readable detail
   * @param options - standard `Error` options (`cause`)
   */
  constructor(version: number, message?: string, options?: { cause?: unknown }) {
    super(message ?? `Storage version ${version} already exists`, options);
    this.version = version;
  }

  /** True for any `StorageConflict`, including one created by another copy of this package. */
  static isInstance(err: unknown): err is StorageConflict {
    return err instanceof Error && err.name === "StorageConflict";
  }
}

/**
 * Rejection of {@link StorageAdapter.readSince} when the reader has fallen behind a compaction:
 * the entries it asked for may no longer exist individually. The caller must call
 * {@link StorageAdapter.load} and rebuild its state from the snapshot.
 *
 * Like {@link StorageConflict}, branch on `err.name === "SnapshotRequired"`.
 */
export class SnapshotRequired extends Error {
  /** Stable identifier to branch on. */
  override readonly name = "SnapshotRequired";
  /** The version the reader asked to read from. */
  readonly version: number;
  /** The newest snapshot's version, which is above `version`. */
  readonly snapshotVersion: number;

  /**
   * @param version - the version the reader asked to read from
   * @param snapshotVersion - the newest snapshot's version
   */
  constructor(version: number, snapshotVersion: number) {
    super(`Entries after version ${version} were compacted into the snapshot at version ${snapshotVersion}; load() again`);
    this.version = version;
    this.snapshotVersion = snapshotVersion;
  }

  /** True for any `SnapshotRequired`, including one created by another copy of this package. */
  static isInstance(err: unknown): err is SnapshotRequired {
    return err instanceof Error && err.name === "SnapshotRequired";
  }
}

/**
 * The store holds damaged data: a record that fails its checksum, is truncated or empty, sits at
 * the wrong version, or a gap where committed versions are missing. Nothing is loaded from a damaged
 * store and nothing is written to it; every call rejects (as `KMSInternalException`) until it is
 * repaired (`kms-wasm verify --data-dir DIR [--repair]`).
 *
 * Thrown by adapters for damage to their own layout (a missing file) and by the journal for damage
 * inside a record. Branch on `err.name === "StorageDamaged"`.
 */
export class StorageDamaged extends Error {
  /** Stable identifier to branch on. */
  override readonly name = "StorageDamaged";
  /** The damaged record, named relative to the store (`"journal/000000000003"`); never an absolute path. */
  readonly record: string;
  /** What is wrong with it, in a sentence. */
  readonly reason: string;

  /**
   * @param record - the damaged record, relative to the store
   * @param reason - what is wrong with it
   */
  constructor(record: string, reason: string) {
    super(`storage is damaged: ${record}: ${reason}`);
    this.record = record;
    this.reason = reason;
  }

  /** True for any `StorageDamaged`, including one created by another copy of this package. */
  static isInstance(err: unknown): err is StorageDamaged {
    return err instanceof Error && err.name === "StorageDamaged";
  }
}

/**
 * Throws a `RangeError` unless `version` is a safe integer `>= min`.
 * Shared by the adapters so they reject bad versions identically.
 *
 * @internal
 */
export function checkVersion(version: number, min: number, what: string): void {
  if (!Number.isSafeInteger(version) || version < min) {
    throw new RangeError(`${what}: version must be an integer >= ${min}, got ${String(version)}`);
  }
}
