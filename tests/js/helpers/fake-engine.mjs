// A stand-in for the wasm engine: its state is the list of entries applied, in order, so any
// lost, duplicated or reordered write shows up as a difference between two lists.
import { integrity } from "./modules.mjs";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const encode = (text) => encoder.encode(text);
export const decode = (bytes) => decoder.decode(bytes);

export class FakeEngine {
  state = [];
  pending = undefined;
  calls = { restore: 0, apply: 0, commit: 0, abort: 0, dispatch: 0 };

  restore(snapshot) {
    this.calls.restore++;
    this.state = snapshot === undefined ? [] : JSON.parse(decode(snapshot));
  }
  apply(entry) {
    this.calls.apply++;
    this.state.push(decode(entry));
  }
  snapshot() {
    return encode(JSON.stringify(this.state));
  }
  commit() {
    this.calls.commit++;
    if (this.pending === undefined) throw new Error("commit without a pending entry");
    this.state.push(this.pending);
    this.pending = undefined;
  }
  abort() {
    this.calls.abort++;
    this.pending = undefined;
  }

  /** A dispatch that writes `text` (held pending until commit/abort). */
  write(text) {
    return () => {
      this.calls.dispatch++;
      if (this.pending !== undefined) throw new Error("dispatch while an entry is pending");
      this.pending = text;
      return { status: 200, body: encode(String(this.state.length)), entry: encode(text) };
    };
  }

  /** A dispatch that only reads. */
  read() {
    return () => {
      this.calls.dispatch++;
      return { status: 200, body: encode(JSON.stringify(this.state)) };
    };
  }
}

/** The payload of a record the journal stored (its integrity envelope stripped, unchecked). */
export const payloadOf = (record) => record.subarray(24, record.length - 4);
/** The text of an entry record the journal stored. */
export const decodeRecord = (record) => decode(payloadOf(record));

/** A snapshot record of `state` at `version` of `storage`, chained to the entry it replaces, for `compact`. */
export async function snapshotRecord(storage, version, state) {
  const { entries, snapshotVersion } = await storage.load();
  const record = entries[version - snapshotVersion - 1];
  const chain = new DataView(record.buffer, record.byteOffset, record.byteLength).getUint32(record.length - 4, true);
  return integrity.seal(integrity.SNAPSHOT, version, chain, encode(JSON.stringify(state))).bytes;
}

/** The full history a storage holds, as the fake engine sees it (snapshot list + entries). */
export async function historyOf(storage) {
  const { snapshot, snapshotVersion, entries } = await storage.load();
  const base = snapshot === undefined ? [] : JSON.parse(decode(payloadOf(snapshot)));
  if (base.length !== snapshotVersion) throw new Error(`snapshot at ${snapshotVersion} holds ${base.length} entries`);
  return [...base, ...entries.map(decodeRecord)];
}
