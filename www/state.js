// Reset, export and import of the whole sandbox state: the IndexedDB journal's snapshot and entries,
// as base64 in a JSON file. Importing writes them into a fresh database and reloads the page.
import { fromBase64, toBase64 } from "./codec.js";
import { DATABASE, kms, storage } from "./session.js";

const FORMAT = "kms-wasm-sandbox-state";

/** The whole state as a JSON-able object. */
export async function exportState() {
  const { snapshot, snapshotVersion, entries } = await storage.load();
  return {
    format: FORMAT,
    formatVersion: 1,
    database: DATABASE,
    exportedAt: new Date().toISOString(),
    snapshotVersion,
    snapshot: snapshot ? toBase64(snapshot) : null,
    entries: entries.map(toBase64),
  };
}

/** Offers the state as a download named kms-sandbox-<date>.json. */
export async function downloadState() {
  const state = await exportState();
  const url = URL.createObjectURL(new Blob([JSON.stringify(state, null, 1)], { type: "application/json" }));
  const a = Object.assign(document.createElement("a"), { href: url, download: `kms-sandbox-${state.exportedAt.slice(0, 19).replace(/:/g, "-")}.json` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return state;
}

/** Replaces the database with the state in `text` (an exported file's contents). Throws on a bad file. */
export async function importState(text) {
  let state;
  try {
    state = JSON.parse(text);
  } catch {
    throw new Error("the file is not JSON");
  }
  if (state?.format !== FORMAT || state.formatVersion !== 1 || !Array.isArray(state.entries)) {
    throw new Error(`the file is not a ${FORMAT} export (format version 1)`);
  }
  const loaded = {
    snapshotVersion: state.snapshotVersion ?? 0,
    entries: state.entries.map((e) => fromBase64(e)),
    ...(state.snapshot ? { snapshot: fromBase64(state.snapshot) } : {}),
  };
  await storage.close();
  await kms.IndexedDBStorage.deleteDatabase(DATABASE);
  await new kms.IndexedDBStorage(DATABASE).importState(loaded);
}

/** Deletes the database: every key, alias and ciphertext's key is gone. */
export async function resetState() {
  await storage.close();
  await kms.IndexedDBStorage.deleteDatabase(DATABASE);
}
