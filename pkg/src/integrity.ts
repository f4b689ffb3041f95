/**
 * The integrity envelope around every record the journal stores: a checksum and the record's place
 * in the version chain, so that loading detects a changed byte, a truncated or emptied record, a
 * record copied from another version, and a gap.
 *
 * Owns: the record format below and its checks. Must not: know what is inside a payload (the
 * engine's entries and snapshots), or anything about a particular adapter.
 *
 * Record format 1 (little-endian):
 * ```
 * 0   "KMSJ"          magic
 * 4   kind    u8      1 entry, 2 snapshot
 * 5   format  u8      1
 * 6   0       u16     reserved
 * 8   version u64     the version the entry makes, or the snapshot describes
 * 16  chain   u32     entry: the chain value of version - 1; snapshot: the chain value of version
 * 20  length  u32     payload length
 * 24  payload
 * 24+length   crc     u32: CRC-32C of every byte before it; it is also this entry's chain value
 * ```
 * The chain value of version 0 (the empty store) is 0. Records written before format 1 are the
 * engine's JSON (first byte `{`) and are read as "legacy" (see `journal.ts`, which migrates them).
 *
 * Browser-safe (no `node:*`). Internal: `journal.ts` and `state.ts` use it.
 *
 * @module
 */

/** The kinds of record. */
export const ENTRY = 1;
export const SNAPSHOT = 2;
export type RecordKind = typeof ENTRY | typeof SNAPSHOT;

const MAGIC = [0x4b, 0x4d, 0x53, 0x4a]; // "KMSJ"
const FORMAT = 1;
const HEADER = 24;
const TRAILER = 4;
const TWO_32 = 2 ** 32;

// Slicing-by-8 tables: TABLES[k][b] is the CRC of byte b followed by k zero bytes, so eight input
// bytes cost eight lookups and no shifts between them (about 4x the byte-at-a-time speed; every
// write and every load checks a whole record, on the in-process hot path too).
const TABLES = (() => {
  const t = Array.from({ length: 8 }, () => new Uint32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[0]![n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 8; k++) t[k]![n] = (t[0]![t[k - 1]![n]! & 0xff]! ^ (t[k - 1]![n]! >>> 8)) >>> 0;
  }
  return t;
})();

/** CRC-32C (Castagnoli) of `bytes[0 .. end)`: detects every change of up to 32 adjacent bits. */
export function crc32c(bytes: Uint8Array, end = bytes.length): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = TABLES as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];
  let c = 0xffffffff;
  let i = 0;
  for (; i + 8 <= end; i += 8) {
    const lo = (c ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24))) >>> 0;
    c =
      t7[lo & 0xff]! ^ t6[(lo >>> 8) & 0xff]! ^ t5[(lo >>> 16) & 0xff]! ^ t4[lo >>> 24]! ^
      t3[bytes[i + 4]!]! ^ t2[bytes[i + 5]!]! ^ t1[bytes[i + 6]!]! ^ t0[bytes[i + 7]!]!;
  }
  for (; i < end; i++) c = t0[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Wraps `payload` as a record; returns the bytes to store and their chain value. */
export function seal(kind: RecordKind, version: number, chain: number, payload: Uint8Array): { bytes: Uint8Array; chain: number } {
  const bytes = new Uint8Array(HEADER + payload.length + TRAILER);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, 0);
  bytes[4] = kind;
  bytes[5] = FORMAT;
  view.setUint32(8, version % TWO_32, true);
  view.setUint32(12, Math.floor(version / TWO_32), true);
  view.setUint32(16, chain >>> 0, true);
  view.setUint32(20, payload.length, true);
  bytes.set(payload, HEADER);
  const crc = crc32c(bytes, HEADER + payload.length);
  view.setUint32(HEADER + payload.length, crc, true);
  return { bytes, chain: crc };
}

/** A record that passed every check: its payload and chain value. */
export interface Opened {
  payload: Uint8Array;
  chain: number;
  /** True for a record written before format 1: unchecked, to be migrated. */
  legacy: boolean;
}

/**
 * Checks `bytes` as the record of `kind` at `version`; an entry must follow `chain` (the chain value
 * of `version - 1`; ignored for a snapshot). Returns the payload and the chain value after the
 * record, or a sentence saying what is wrong (for `StorageDamaged`'s message).
 */
export function open(bytes: Uint8Array, kind: RecordKind, version: number, chain: number): Opened | string {
  if (bytes.length === 0) return "the file is empty";
  if (bytes[0] === 0x7b) return { payload: bytes, chain: 0, legacy: true }; // "{": the JSON of before format 1
  if (bytes.length < HEADER + TRAILER) return `truncated: ${bytes.length} bytes, shorter than any record`;
  if (!MAGIC.every((b, i) => bytes[i] === b)) return "not a kms-wasm record (bad magic number)";
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(20, true);
  if (bytes.length !== HEADER + length + TRAILER) {
    return `truncated or extended: ${bytes.length} bytes where the header announces ${HEADER + length + TRAILER}`;
  }
  const crc = crc32c(bytes, HEADER + length);
  if (view.getUint32(HEADER + length, true) !== crc) return "checksum mismatch: the content changed after it was written";
  if (bytes[5] !== FORMAT) return `record format ${bytes[5]} is not one this version reads (${FORMAT})`;
  if (bytes[4] !== kind) return kind === ENTRY ? "holds a snapshot where an entry belongs" : "holds an entry where a snapshot belongs";
  const stored = view.getUint32(8, true) + view.getUint32(12, true) * TWO_32;
  if (stored !== version) return `holds version ${stored} where version ${version} belongs (copied or renamed)`;
  const payload = bytes.subarray(HEADER, HEADER + length);
  // A snapshot states the chain value of its version; the entry after it is checked against that.
  if (kind === SNAPSHOT) return { payload, chain: view.getUint32(16, true), legacy: false };
  if (view.getUint32(16, true) !== chain >>> 0) {
    return `does not follow version ${version - 1} (chain mismatch: an earlier record is missing, replaced or from another store)`;
  }
  return { payload, chain: crc, legacy: false };
}
