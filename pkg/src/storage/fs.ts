/**
 * FileSystemStorage: the durable {@link StorageAdapter} for Node, safe to share between processes.
 *
 * Owns: the on-disk layout below, durability (fsync of files and directories), the compare-and-set
 * of versions via `link()`, and compaction. Must not: interpret the bytes, or list the journal
 * directory on the per-call path (its cost would grow with the number of writes).
 *
 * Layout, under the directory given to the constructor (`<v>` is the version, 12 zero-padded digits):
 * ```
 * journal/<v>     one committed entry per file, published complete by link()
 * snapshots/<v>   the state at version v, published by rename(); the two newest are kept
 * tmp/            files being written, named <host>-<pid>-<random>; never read
 * head            a version known to be committed (12 digits), rewritten (by rename) by each append
 *                 before it resolves; may lag behind, never run ahead: a head below it means lost
 *                 files. Its fingerprint changing is how other instances learn of a write (headNow)
 * ```
 *
 * Everything is private to the owner, whatever the umask: directories 0700, files 0600 (the entries
 * hold key material). Directories and files made by an older version are tightened on first use.
 *
 * @module
 */

import { randomBytes } from "node:crypto";
import { statSync } from "node:fs";
import { chmod, link, mkdir, open, readdir, readFile, rename, stat, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname, join } from "node:path";

import { checkVersion, SnapshotRequired, StorageConflict, StorageDamaged } from "./adapter.js";
import type { StorageAdapter, StorageLoadResult } from "./adapter.js";

const DIGITS = 12;
const NAME = /^\d{12}$/;
/** Bounded retries for readers racing a compaction; each retry means another compaction finished. */
const MAX_RELOADS = 100;
/** How long compaction waits for in-flight writers before leaving the entries to a later compaction. */
const QUIESCE_POLLS = 40;
const QUIESCE_POLL_MS = 5;
/**
 * A temp file from another host cannot be checked for a live writer, so it is presumed abandoned only
 * after this long. Assumption (documented): no writer takes an hour between writing and linking.
 */
const FOREIGN_TMP_MAX_AGE_MS = 60 * 60 * 1000;

/**
 * A head file's fingerprint is trusted only once its last change is this much older than the
 * moment it was taken: file times come from a coarse clock (a few ms), and a rewrite within the
 * same tick, on a reused inode, could otherwise look identical (git's "racy clean" problem).
 */
const RACY_MS = 50;

const HOST = sanitize(hostname());
/** Owner-only: the journal and snapshots hold key material in the clear. */
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

/**
 * A {@link StorageAdapter} that keeps the journal in a directory, durably. Node only.
 *
 * - `append` resolves only after the entry and its directory entry are fsynced.
 * - Several instances, in one or many processes, may share a directory: a version can be taken
 *   only once (`link()` fails with `EEXIST`), so no acknowledged write is ever lost.
 * - `head()`/`readSince()` never list the journal: they probe for the next versions by name, so
 *   their cost depends on how many entries are new, not on how many exist.
 * - Directories are created on first use, and everything in them is owner-only (0700/0600).
 *
 * @example
 * ```ts
 * import { KMSClient, FileSystemStorage } from "kms-wasm";
 * const client = new KMSClient({ region: "us-east-1", storage: new FileSystemStorage(".kms/data") });
 * ```
 *
 * @example Two processes on one directory
 * ```ts
 * // process A and process B both run:
 * const storage = new FileSystemStorage("/var/lib/kms");
 * // writes from either are visible to the other on its next call; none is lost
 * ```
 */
export class FileSystemStorage implements StorageAdapter {
  /** The directory given to the constructor. */
  readonly dir: string;
  readonly #journal: string;
  readonly #snapshots: string;
  readonly #tmp: string;
  readonly #headFile: string;
  #ready: Promise<void> | undefined;
  /** A version known to be committed; probing starts above it so steady-state calls touch one file. */
  #knownHead = 0;
  /**
   * `version` was the head when the head file had `fingerprint` (`headNow`): taken before a probe
   * of the journal that found nothing above `version`.
   */
  #proven: { version: number; fingerprint: string } | undefined;

  /**
   * @param dir - the directory to keep the data in; created (with parents) on first use
   */
  constructor(dir: string) {
    if (typeof dir !== "string" || dir === "") throw new TypeError("FileSystemStorage: dir must be a non-empty string");
    this.dir = dir;
    this.#journal = join(dir, "journal");
    this.#snapshots = join(dir, "snapshots");
    this.#tmp = join(dir, "tmp");
    this.#headFile = join(dir, "head");
  }

  /** {@inheritDoc StorageAdapter.load} */
  async load(): Promise<StorageLoadResult> {
    await this.#ensureDirs();
    for (let attempt = 0; attempt < MAX_RELOADS; attempt++) {
      // Read before the records: it names only committed versions, and they never disappear.
      const hint = await this.#readHeadHint();
      const snapshotVersion = await this.#newestSnapshot();
      let snapshot: Uint8Array | undefined;
      if (snapshotVersion > 0) {
        snapshot = await readOptional(join(this.#snapshots, nameOf(snapshotVersion)));
        if (snapshot === undefined) continue; // replaced by a newer compaction meanwhile
      }
      const entries = await this.#readRun(snapshotVersion);
      // Entries above a snapshot are deleted only after a newer snapshot is published, so an
      // unchanged newest snapshot proves the run we read was complete.
      if ((await this.#newestSnapshot()) !== snapshotVersion) continue;
      // The run stops at the first missing file. Anything committed above it means files were
      // lost: loading the run would silently drop them, and the next append would fill the hole.
      await this.#checkNoGap(snapshotVersion, entries, hint);
      this.#knownHead = Math.max(this.#knownHead, snapshotVersion + entries.length);
      const result: StorageLoadResult = { snapshotVersion, entries };
      if (snapshot !== undefined) result.snapshot = snapshot;
      return result;
    }
    throw new Error("FileSystemStorage: load() kept racing compactions");
  }

  /** {@inheritDoc StorageAdapter.head} */
  async head(): Promise<number> {
    await this.#ensureDirs();
    for (let attempt = 0; attempt < MAX_RELOADS; attempt++) {
      const snapshotVersion = await this.#newestSnapshot();
      const head = await this.#gallop(Math.max(this.#knownHead, snapshotVersion));
      if ((await this.#newestSnapshot()) !== snapshotVersion) continue;
      this.#knownHead = Math.max(this.#knownHead, head);
      return head;
    }
    throw new Error("FileSystemStorage: head() kept racing compactions");
  }

  /**
   * {@inheritDoc StorageAdapter.headNow}
   *
   * One `stat` of the head file: every append rewrites it (by rename) before it resolves, so while
   * its fingerprint (inode, size, times) is the one it had when a probe last found the journal
   * ending at a version, no write acknowledged since exists and that version is still the head.
   * Any doubt (a changed or racy fingerprint, no probe yet) answers `undefined`, and the journal
   * probes again with {@link readSince}.
   */
  headNow(): number | undefined {
    const proven = this.#proven;
    if (proven === undefined) return undefined;
    return this.#headFingerprint().text === proven.fingerprint ? proven.version : undefined;
  }

  /** {@inheritDoc StorageAdapter.readSince} */
  async readSince(version: number): Promise<Uint8Array[]> {
    checkVersion(version, 0, "readSince");
    await this.#ensureDirs();
    // Taken before the probe: a write that lands after it rewrites the head file after it.
    const fingerprint = this.#headFingerprint();
    const taken = Date.now();
    const entries = await this.#readRun(version);
    // The run stops at the first missing file. That is the head unless a compaction deleted the
    // files under us, which it does only after publishing a snapshot above `version`, and in
    // ascending order: if the run's last version still exists, the missing one after it was never
    // deleted, and one stat answers what a listing of snapshots/ would.
    const last = version + entries.length;
    if (last === 0 || !(await exists(join(this.#journal, nameOf(last))))) {
      const snapshotVersion = await this.#newestSnapshot();
      if (snapshotVersion > version) throw new SnapshotRequired(version, snapshotVersion);
    }
    // Only versions actually seen count as known: `version` itself is the caller's claim.
    if (entries.length > 0) this.#knownHead = Math.max(this.#knownHead, version + entries.length);
    this.#proven = trusted(fingerprint, taken) ? { version: version + entries.length, fingerprint: fingerprint.text } : undefined;
    return entries;
  }

  /** {@inheritDoc StorageAdapter.append} */
  async append(version: number, entry: Uint8Array): Promise<void> {
    checkVersion(version, 1, "append");
    if (!(entry instanceof Uint8Array)) throw new TypeError("append: entry must be a Uint8Array");
    await this.#ensureDirs();
    // Whatever happens below, the head may move: the next headNow() must look again.
    this.#proven = undefined;
    // The temp file exists from before the snapshot check until after link(); compaction waits
    // for such files to disappear before deleting entries (see #quiesce), which is what makes a
    // successful link() mean "this version was never taken" even though compaction frees names.
    const tmp = await this.#writeTmp(entry);
    try {
      const snapshotVersion = await this.#newestSnapshot();
      if (snapshotVersion >= version) throw new StorageConflict(version, `Storage version ${version} was compacted into the snapshot at ${snapshotVersion}`);
      const previous = version - 1;
      if (previous > this.#knownHead && previous > snapshotVersion && !(await exists(join(this.#journal, nameOf(previous))))) {
        throw new RangeError(`append: version ${version} would leave a gap (version ${previous} does not exist)`);
      }
      try {
        await link(tmp, join(this.#journal, nameOf(version)));
      } catch (err) {
        if (codeOf(err) === "EEXIST") throw new StorageConflict(version, undefined, { cause: err });
        throw err;
      }
    } finally {
      await unlink(tmp).catch(ignore);
    }
    // Until the directory is fsynced the new name may not survive a power loss.
    await syncDir(this.#journal);
    this.#knownHead = Math.max(this.#knownHead, version);
    // Other instances learn of this write from the head file changing (headNow), so the write is
    // acknowledged only once it changed. If that fails the entry is durable but unacknowledged,
    // like one whose writer crashed after link(): the next append of that version conflicts and
    // reads it.
    await this.#writeHeadHint(version);
  }

  /** {@inheritDoc StorageAdapter.recordName} */
  recordName(kind: "entry" | "snapshot", version: number): string {
    return `${kind === "entry" ? "journal" : "snapshots"}/${nameOf(version)}`;
  }

  /**
   * Throws {@link StorageDamaged} if a committed version above the run `after + 1 ..` is missing:
   * a later journal file exists, or the head hint names a version past the run. A file that
   * appears just past the run is a concurrent append, not a gap: the run is extended over it.
   */
  async #checkNoGap(after: number, entries: Uint8Array[], hint: number): Promise<void> {
    const above = (await listVersions(this.#journal)).filter((v) => v > after);
    const highest = Math.max(hint, ...above);
    while (after + entries.length < highest) {
      const next = after + entries.length + 1;
      const bytes = await readOptional(join(this.#journal, nameOf(next)));
      if (bytes !== undefined) {
        entries.push(bytes);
        continue;
      }
      // A compaction meanwhile may have covered it: the caller's snapshot check retries then.
      if ((await this.#newestSnapshot()) >= next) return;
      const evidence = above.some((v) => v > next)
        ? `missing, but later entries exist (up to ${this.recordName("entry", Math.max(...above))})`
        : `missing, but version ${hint} was committed (the "head" file says so): entries were deleted`;
      throw new StorageDamaged(this.recordName("entry", next), evidence);
    }
  }

  /** The head file's identity and times as one string ("none" when absent); one `stat`. */
  #headFingerprint(): Fingerprint {
    const info = statSync(this.#headFile, { bigint: true, throwIfNoEntry: false });
    if (info === undefined) return { text: "none", changedMs: 0 };
    return { text: `${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`, changedMs: Number(info.ctimeNs / 1_000_000n) };
  }

  /** The head hint, 0 when there is none; damaged content is {@link StorageDamaged}. */
  async #readHeadHint(): Promise<number> {
    const bytes = await readOptional(this.#headFile);
    if (bytes === undefined) return 0;
    const text = new TextDecoder().decode(bytes).trim();
    if (!NAME.test(text)) throw new StorageDamaged("head", "is not a version number (12 digits)");
    return Number(text);
  }

  /** Replaces the head hint with `version` atomically (temp file + rename), without fsync. */
  async #writeHeadHint(version: number): Promise<void> {
    const path = join(this.#tmp, `${HOST}-${process.pid}-${randomBytes(8).toString("hex")}`);
    try {
      const handle = await open(path, "wx", FILE_MODE);
      try {
        await handle.chmod(FILE_MODE);
        await handle.writeFile(`${nameOf(version)}\n`);
      } finally {
        await handle.close();
      }
      await rename(path, this.#headFile);
    } catch (err) {
      await unlink(path).catch(ignore);
      throw err;
    }
  }

  /** {@inheritDoc StorageAdapter.compact} */
  async compact(version: number, snapshot: Uint8Array): Promise<void> {
    checkVersion(version, 1, "compact");
    const head = await this.head();
    if (version > head) throw new RangeError(`compact: version ${version} is above head ${head}`);
    const previous = await this.#newestSnapshot();
    if (version <= previous) return;

    const tmp = await this.#writeTmp(snapshot);
    try {
      await rename(tmp, join(this.#snapshots, nameOf(version)));
    } catch (err) {
      await unlink(tmp).catch(ignore);
      throw err;
    }
    await syncDir(this.#snapshots);

    // Only the newest snapshot is ever read, but the one before it is kept: readdir may miss a
    // name that is created or deleted while it runs, and a listing can then only come out too low
    // if two compactions complete during it. Readers that were loading a deleted one load again.
    const versions = (await listVersions(this.#snapshots)).sort((a, b) => b - a);
    for (const v of versions.slice(2)) await unlink(join(this.#snapshots, nameOf(v))).catch(ignore);
    // Entries are deleted only once every writer that might not have seen the new snapshot has
    // finished; otherwise they stay, harmlessly, for a later compaction to delete.
    if (!(await this.#quiesce())) return;
    // Ascending, so that a surviving entry proves every later one was never deleted (readSince).
    for (const v of (await listVersions(this.#journal)).sort((a, b) => a - b)) {
      if (v <= version) await unlink(join(this.#journal, nameOf(v))).catch(ignore);
    }
  }

  /** Nothing to release: no handle is kept open between calls. */
  async close(): Promise<void> {}

  #ensureDirs(): Promise<void> {
    this.#ready ??= (async () => {
      await mkdir(this.dir, { recursive: true, mode: DIR_MODE });
      for (const sub of [this.#journal, this.#snapshots, this.#tmp]) await mkdir(sub, { recursive: true, mode: DIR_MODE });
      // mkdir's mode passes through the umask and leaves existing directories alone: set it, and
      // tighten what an older version (which used the umask) left readable by others.
      // Files are listed only in a directory that was not private yet: in one made private by us,
      // every file was created private, and listing a long journal on every open costs.
      // Only when needed: a store on a read-only file system can still be read.
      if (((await stat(this.dir)).mode & 0o777) !== DIR_MODE) await chmod(this.dir, DIR_MODE);
      let loose = false;
      for (const sub of [this.#journal, this.#snapshots, this.#tmp]) {
        if (((await stat(sub)).mode & 0o777) === DIR_MODE) continue;
        loose = true;
        await chmod(sub, DIR_MODE);
        for (const name of await listNames(sub)) await tighten(join(sub, name));
      }
      if (loose) await tighten(this.#headFile);
      // Make the directories themselves durable once, so a later fsynced entry cannot end up in a
      // directory that vanishes with a power loss.
      await syncDir(this.dir);
      await syncDir(dirname(this.dir));
    })().catch((err: unknown) => {
      this.#ready = undefined;
      throw err;
    });
    return this.#ready;
  }

  async #newestSnapshot(): Promise<number> {
    let newest = 0;
    for (const v of await listVersions(this.#snapshots)) newest = Math.max(newest, v);
    return newest;
  }

  /** Entries `after + 1, after + 2, …` up to the first missing one. */
  async #readRun(after: number): Promise<Uint8Array[]> {
    const entries: Uint8Array[] = [];
    for (let v = after + 1; ; v++) {
      const bytes = await readOptional(join(this.#journal, nameOf(v)));
      if (bytes === undefined) return entries;
      entries.push(bytes);
    }
  }

  /**
   * Highest existing version at or above `base` (which is committed, or 0, or a snapshot version).
   * Versions above the newest snapshot are contiguous, so exponential then binary search needs
   * O(log n) probes even for a fresh instance on a long journal, and one probe when nothing changed.
   */
  async #gallop(base: number): Promise<number> {
    const has = (v: number) => exists(join(this.#journal, nameOf(v)));
    if (!(await has(base + 1))) return base;
    let low = base + 1;
    let step = 1;
    let high: number;
    for (;;) {
      if (await has(low + step)) {
        low += step;
        step *= 2;
      } else {
        high = low + step;
        break;
      }
    }
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if (await has(mid)) low = mid;
      else high = mid;
    }
    return low;
  }

  /** Writes `bytes` to a fresh file in tmp/ and fsyncs it; returns its path. */
  async #writeTmp(bytes: Uint8Array): Promise<string> {
    const path = join(this.#tmp, `${HOST}-${process.pid}-${randomBytes(8).toString("hex")}`);
    const handle = await open(path, "wx", FILE_MODE);
    try {
      // The umask may have narrowed the mode; set it exactly (link() and rename() keep it).
      await handle.chmod(FILE_MODE);
      await handle.writeFile(bytes);
      await handle.sync();
    } catch (err) {
      await handle.close().catch(ignore);
      await unlink(path).catch(ignore);
      throw err;
    }
    await handle.close();
    return path;
  }

  /**
   * Waits (briefly) until every temp file that exists now is gone. Called after a snapshot is
   * published: any writer whose snapshot check could have missed it still has its temp file, and
   * until it finishes, freeing journal names could let its link() succeed on an already-compacted
   * version. Temp files of dead writers (crash, SIGKILL) are deleted here instead of waited for.
   * Returns false if live writers are still in flight after the polling budget.
   */
  async #quiesce(): Promise<boolean> {
    let pending = new Set<string>();
    for (const name of await listNames(this.#tmp)) {
      if (await this.#isAbandoned(name)) await unlink(join(this.#tmp, name)).catch(ignore);
      else pending.add(name);
    }
    for (let poll = 0; pending.size > 0; poll++) {
      if (poll >= QUIESCE_POLLS) return false;
      await new Promise((resolve) => setTimeout(resolve, QUIESCE_POLL_MS));
      const still = new Set<string>();
      for (const name of pending) if (await exists(join(this.#tmp, name))) still.add(name);
      pending = still;
    }
    return true;
  }

  async #isAbandoned(name: string): Promise<boolean> {
    const match = /^(.*)-(\d+)-[0-9a-f]+$/.exec(name);
    if (match !== null && match[1] === HOST) return !isAlive(Number(match[2]));
    try {
      const info = await stat(join(this.#tmp, name));
      return Date.now() - info.mtimeMs > FOREIGN_TMP_MAX_AGE_MS;
    } catch {
      return false; // already gone: nothing to wait for or delete
    }
  }
}

/** A head file fingerprint and when (ms since the epoch) the file last changed. */
interface Fingerprint {
  text: string;
  changedMs: number;
}

/** Whether `f`, taken at `takenMs`, is old enough that a later rewrite must change it (see RACY_MS). */
function trusted(f: Fingerprint, takenMs: number): boolean {
  return f.text === "none" || takenMs - f.changedMs > RACY_MS;
}

function nameOf(version: number): string {
  return String(version).padStart(DIGITS, "0");
}

async function listNames(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if (codeOf(err) === "ENOENT") return [];
    throw err;
  }
}

async function listVersions(dir: string): Promise<number[]> {
  return (await listNames(dir)).filter((name) => NAME.test(name)).map(Number);
}

/** The file's bytes as a plain Uint8Array (not a Buffer), or undefined if it does not exist. */
async function readOptional(path: string): Promise<Uint8Array | undefined> {
  try {
    const buf = await readFile(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (err) {
    if (codeOf(err) === "ENOENT") return undefined;
    throw err;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if (codeOf(err) === "ENOENT") return false;
    throw err;
  }
}

/**
 * fsync a directory so that names created in it survive a power loss. Windows cannot open a
 * directory for fsync (and NTFS journals metadata itself), so it is skipped there.
 */
async function syncDir(path: string): Promise<void> {
  if (process.platform === "win32") return;
  const handle = await open(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Drops group and other permission bits from an existing file (gone meanwhile: nothing to do). */
async function tighten(path: string): Promise<void> {
  try {
    const info = await stat(path);
    if ((info.mode & 0o077) !== 0) await chmod(path, info.mode & (info.isDirectory() ? DIR_MODE : FILE_MODE));
  } catch (err) {
    if (codeOf(err) !== "ENOENT") throw err;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return codeOf(err) === "EPERM";
  }
}

function codeOf(err: unknown): unknown {
  return typeof err === "object" && err !== null ? (err as { code?: unknown }).code : undefined;
}

function sanitize(host: string): string {
  return host.replace(/[^A-Za-z0-9.]/g, "_") || "host";
}

function ignore(): void {}
