/**
 * The durability protocol between one engine and one {@link StorageAdapter}: replay on open,
 * catch-up before every call, compare-and-set append after every write, bounded retry on
 * conflict, and periodic compaction.
 *
 * Owns: the engine's committed version and chain value, the order in which calls reach the engine,
 * and the integrity check of every record read (`integrity.ts`): a damaged store is never loaded
 * and never written to, every call rejects with {@link StorageDamaged} instead.
 * Must not: know the entry or snapshot payloads (the engine owns them) or anything about KMS.
 * Internal: `engine.ts` uses it; it is not part of the public API.
 *
 * @module
 */

import { SnapshotRequired, StorageConflict, StorageDamaged } from "./storage/adapter.js";
import type { StorageAdapter } from "./storage/adapter.js";
import { ENTRY, open, seal, SNAPSHOT, type RecordKind } from "./integrity.js";

/** The replay side of an engine: what the journal needs to rebuild state from storage. */
export interface JournalEngine {
  /** Resets the state to `snapshot`, or to the empty state when it is `undefined`. */
  restore(snapshot: Uint8Array | undefined): void;
  /** Applies a committed entry (replay of a write made by this or another engine). */
  apply(entry: Uint8Array): void;
  /** Serialises the current (committed) state. */
  snapshot(): Uint8Array;
}

/**
 * An engine that also holds a pending write between a dispatch and its outcome: the wasm
 * `WasmEngine` wrapper implements it.
 */
export interface TransactionalEngine extends JournalEngine {
  /** Applies the pending entry produced by the last dispatch. */
  commit(): void;
  /** Drops the pending entry produced by the last dispatch (a no-op when there is none). */
  abort(): void;
}

/**
 * The result of one engine dispatch. `entry` is present iff the call wrote something; the engine
 * then holds it pending until the journal calls `commit()` or `abort()`.
 */
export interface Dispatched {
  /** HTTP-like status of the response. */
  status: number;
  /** Response body bytes. */
  body: Uint8Array;
  /** The journal entry to persist, when the call wrote something. */
  entry?: Uint8Array;
  /** The response's blob members, when the request passed its own beside the body (`wire.ts`). */
  blobs?: Uint8Array[];
  /** The call's CloudTrail event, while the engine records calls (`EngineHandle.recordCalls`). */
  event?: Uint8Array;
}

/** Options for {@link Journal}. */
export interface JournalOptions {
  /**
   * Compact after this many versions past the newest snapshot (default 1000; 0 disables). Once the
   * snapshot is large (over 256 KiB), also wait until the entries since it add up to twice its
   * size: a snapshot costs time in proportion to the whole state, so this keeps the persistence
   * cost per write constant however many keys are stored (a snapshot adds half of what the writes
   * cost themselves; at 1× it was a sixth of a CreateKey's time), and replay and storage within
   * three times the state.
   */
  compactEvery?: number;
  /** How many times a call is re-run after losing an append race before giving up (default 1000). */
  maxRetries?: number;
}

/**
 * Runs engine calls one at a time against a storage adapter so that every acknowledged write is
 * durable and every call sees the writes acknowledged before it, by any engine on the same storage.
 *
 * Do not call `run()` from inside a dispatch: the call would wait for itself.
 */
export class Journal {
  /** The storage this journal persists to. */
  readonly storage: StorageAdapter;
  readonly #engine: TransactionalEngine;
  readonly #compactEvery: number;
  readonly #maxRetries: number;
  #version = 0;
  /** The chain value of `#version` (integrity.ts): the next entry is sealed to follow it. */
  #chain = 0;
  /** Whether a record of format 1 was read or written: a legacy (unchecked) record after one is damage. */
  #sealed = false;
  #snapshotVersion = 0;
  /** Size of the newest snapshot, and of the entries after it: the compaction schedule. */
  #snapshotBytes = 0;
  #bytesSinceSnapshot = 0;
  /** True until the engine has been loaded, or after the engine may have diverged from storage. */
  #stale = true;
  #tail: Promise<unknown> = Promise.resolve();
  /** Tasks enqueued and not finished. */
  #queued = 0;

  /**
   * @param storage - where entries are persisted
   * @param engine - the engine whose state the journal keeps in step with storage
   * @param options - compaction and retry policy
   */
  constructor(storage: StorageAdapter, engine: TransactionalEngine, options: JournalOptions = {}) {
    this.storage = storage;
    this.#engine = engine;
    this.#compactEvery = nonNegative(options.compactEvery ?? 1000, "compactEvery");
    this.#maxRetries = nonNegative(options.maxRetries ?? 1000, "maxRetries");
  }

  /** The version of the engine's committed state. */
  get version(): number {
    return this.#version;
  }

  /** Loads the snapshot and replays the entries into the engine. Optional: `run()` opens lazily. */
  open(): Promise<void> {
    return this.#enqueue(async () => {
      if (this.#stale) await this.#reload();
    });
  }

  /**
   * Brings the engine up to date with storage, then calls `dispatch` and, if it produced an entry,
   * appends it and commits it. Resolves with the dispatch result once the entry (if any) is
   * durable; rejects, with nothing acknowledged, if storage fails.
   *
   * @param dispatch - runs one call against the engine; may be called several times if other
   *   writers win the race for the next version
   * @throws {@link StorageConflict} after `maxRetries` lost races
   * @throws whatever the storage or `dispatch` throws; the pending entry is aborted first
   */
  run(dispatch: () => Dispatched): Promise<Dispatched> {
    // Hot path: nothing queued ahead and, as in-process storage can tell for free, nothing to read.
    // The call runs now; one that wrote nothing resolves without a trip through the queue, one
    // that wrote goes first in it to be persisted.
    if (this.#queued === 0 && !this.#stale && this.storage.headNow?.() === this.#version) {
      let out: Dispatched;
      try {
        out = dispatch();
      } catch (err) {
        this.#abort();
        return Promise.reject(err);
      }
      if (out.entry === undefined) return Promise.resolve(out);
      const first = out;
      return this.#enqueue(() => this.#run(dispatch, first));
    }
    return this.#enqueue(() => this.#run(dispatch));
  }

  /** Waits for queued calls to finish, then closes the storage. */
  close(): Promise<void> {
    return this.#enqueue(async () => {
      await this.storage.close?.();
    });
  }

  /** Chains `task` after every earlier task; a failed task does not block the ones after it. */
  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    this.#queued++;
    const result = this.#tail.then(task);
    const done = (): void => {
      this.#queued--;
    };
    this.#tail = result.then(done, done);
    return result;
  }

  /** `first`: the result of a dispatch `run()` already made against the current version. */
  async #run(dispatch: () => Dispatched, first?: Dispatched): Promise<Dispatched> {
    for (let attempt = 0; ; attempt++) {
      let out: Dispatched;
      if (first && attempt === 0) {
        out = first;
      } else {
        // Awaited only when there may be something to read (hot path: in-process storage, no change).
        if (this.#stale || this.storage.headNow?.() !== this.#version) await this.#catchUp();
        try {
          out = dispatch();
        } catch (err) {
          this.#abort();
          throw err;
        }
      }
      if (out.entry === undefined) return out;
      const record = seal(ENTRY, this.#version + 1, this.#chain, out.entry);
      try {
        await this.storage.append(this.#version + 1, record.bytes);
      } catch (err) {
        this.#abort();
        if (StorageConflict.isInstance(err) && attempt < this.#maxRetries) continue;
        throw err;
      }
      try {
        this.#engine.commit();
      } catch (err) {
        // The entry is durable but the engine did not take it: reload from storage next time.
        this.#stale = true;
        throw err;
      }
      this.#version++;
      this.#chain = record.chain;
      this.#sealed = true;
      this.#bytesSinceSnapshot += record.bytes.byteLength;
      if (this.#compactEvery > 0 && this.#version - this.#snapshotVersion >= this.#compactEvery && this.#snapshotIsCheap()) {
        // Queued rather than awaited: the caller's write is already durable and need not wait.
        void this.#enqueue(() => this.#compact());
      }
      return out;
    }
  }

  /** Applies what other writers committed since our version. */
  async #catchUp(): Promise<void> {
    if (this.#stale) return this.#reload();
    // In-process storage can say for free that nothing changed: skip the read (hot path).
    if (this.storage.headNow?.() === this.#version) return;
    let entries: Uint8Array[];
    try {
      entries = await this.storage.readSince(this.#version);
    } catch (err) {
      if (SnapshotRequired.isInstance(err)) return this.#reload();
      throw err;
    }
    this.#applyAll(entries);
  }

  async #reload(): Promise<void> {
    const loaded = await this.storage.load();
    this.#stale = true;
    let legacy = false;
    let chain = 0;
    let sealed = false;
    let snapshot: Uint8Array | undefined;
    if (loaded.snapshot !== undefined || loaded.snapshotVersion > 0) {
      // A store that says it was compacted but has no snapshot bytes lost its snapshot.
      const opened = this.#open(loaded.snapshot ?? new Uint8Array(0), SNAPSHOT, loaded.snapshotVersion, 0, true);
      ({ chain, legacy } = opened);
      sealed = !opened.legacy;
      snapshot = opened.payload;
    }
    // Every record is checked before the engine sees any of them: a damaged store loads nothing.
    const payloads: Uint8Array[] = [];
    for (const [i, bytes] of loaded.entries.entries()) {
      const opened = this.#open(bytes, ENTRY, loaded.snapshotVersion + i + 1, chain, !sealed);
      chain = opened.chain;
      if (opened.legacy) legacy = true;
      else sealed = true;
      payloads.push(opened.payload);
    }
    this.#engine.restore(snapshot);
    this.#version = loaded.snapshotVersion;
    this.#chain = 0;
    this.#snapshotVersion = loaded.snapshotVersion;
    this.#snapshotBytes = loaded.snapshot?.byteLength ?? 0;
    this.#bytesSinceSnapshot = 0;
    this.#applyChecked(payloads, loaded.entries);
    this.#chain = chain;
    this.#sealed = sealed;
    this.#stale = false;
    // Records from before format 1 cannot be checked: take a checked snapshot of them at once, so
    // the store is migrated by its first open (documented in docs/storage.md). A failure leaves the
    // store as it was, to be migrated by the next open.
    if (legacy) await this.#compact();
  }

  /** Checks the entries after our version, then applies them. */
  #applyAll(entries: Uint8Array[]): void {
    const payloads: Uint8Array[] = [];
    let chain = this.#chain;
    let sealed = this.#sealed;
    for (const [i, bytes] of entries.entries()) {
      const opened = this.#open(bytes, ENTRY, this.#version + i + 1, chain, !sealed);
      chain = opened.chain;
      sealed ||= !opened.legacy;
      payloads.push(opened.payload);
    }
    this.#applyChecked(payloads, entries);
    this.#chain = chain;
    this.#sealed = sealed;
  }

  #applyChecked(payloads: Uint8Array[], records: Uint8Array[]): void {
    for (const [i, payload] of payloads.entries()) {
      try {
        this.#engine.apply(payload);
      } catch (err) {
        // A half-applied batch leaves state we cannot describe by a version: rebuild next time.
        this.#stale = true;
        throw err;
      }
      this.#version++;
      this.#bytesSinceSnapshot += records[i]!.byteLength;
    }
  }

  /** `integrity.open`, with damage thrown as {@link StorageDamaged} naming the record. */
  #open(bytes: Uint8Array, kind: RecordKind, version: number, chain: number, legacyAllowed: boolean): ReturnType<typeof openChecked> {
    return openChecked(this.storage, bytes, kind, version, chain, legacyAllowed);
  }

  async #compact(): Promise<void> {
    const compact = this.storage.compact;
    if (compact === undefined || this.#stale) return;
    // Move the mark even if compaction fails, so a failing store is retried every `compactEvery`
    // writes instead of on every write. A failed compaction loses nothing: entries stay.
    this.#snapshotVersion = this.#version;
    this.#bytesSinceSnapshot = 0;
    try {
      const snapshot = seal(SNAPSHOT, this.#version, this.#chain, this.#engine.snapshot()).bytes;
      this.#snapshotBytes = snapshot.byteLength;
      await compact.call(this.storage, this.#version, snapshot);
      this.#sealed = true;
    } catch {
      // Ignored by design (see above); the next compaction tries again.
    }
  }

  /** Whether a snapshot now costs little next to the writes since the last one (see compactEvery). */
  #snapshotIsCheap(): boolean {
    return this.#snapshotBytes <= LARGE_SNAPSHOT || this.#bytesSinceSnapshot >= 2 * this.#snapshotBytes;
  }

  #abort(): void {
    try {
      this.#engine.abort();
    } catch {
      // The engine may be dead (wasm trap); its owner reloads it. The original error matters more.
      this.#stale = true;
    }
  }
}

/**
 * Checks one stored record (see `integrity.ts`) and returns its payload and chain value; throws
 * {@link StorageDamaged} naming the record as the adapter names it. A record from before format 1
 * is accepted only while no record of format 1 precedes it (a store not yet migrated). @internal
 */
export function openChecked(storage: StorageAdapter, bytes: Uint8Array, kind: RecordKind, version: number, chain: number, legacyAllowed: boolean): { payload: Uint8Array; chain: number; legacy: boolean } {
  const opened = open(bytes, kind, version, chain);
  const what = kind === ENTRY ? "entry" : "snapshot";
  const name = (): string => storage.recordName?.(what, version) ?? `${what} ${version}`;
  if (typeof opened === "string") throw new StorageDamaged(name(), opened);
  if (opened.legacy && !legacyAllowed) {
    throw new StorageDamaged(name(), "is in the format of before integrity checks, after checked records (written by an older kms-wasm?)");
  }
  return opened;
}

/** Below this size a snapshot is cheap enough to take every `compactEvery` versions regardless. */
const LARGE_SNAPSHOT = 256 * 1024;

function nonNegative(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`Journal: ${what} must be a non-negative integer`);
  return value;
}
