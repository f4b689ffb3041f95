// Resolves the modules under test. Normally the built package by its public name ('kms-wasm'),
// plus the white-box journal from pkg/dist. KMS_WASM_STORAGE_DIST points both at a scratch tsc
// output instead (storage/*.js + journal.js), so these tests can run before the package build exists.
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const dist = process.env.KMS_WASM_STORAGE_DIST;
const from = (rel) => import(pathToFileURL(join(dist, rel)).href);

const api = dist
  ? { ...(await from("storage/adapter.js")), ...(await from("storage/memory.js")), ...(await from("storage/fs.js")) }
  : await import("kms-wasm");

export const { MemoryStorage, FileSystemStorage, StorageConflict } = api;

// White-box exception (CONVENTIONS.md boundary rule 9): the journal is internal.
export const { Journal } = dist ? await from("journal.js") : await import("../../../pkg/dist/journal.js");

/** Resolves to the module path of the journal, for child processes that must load the same build. */
export const journalUrl = dist ? pathToFileURL(join(dist, "journal.js")).href : new URL("../../../pkg/dist/journal.js", import.meta.url).href;

// White-box too: the integrity envelope the journal wraps every stored record in.
export const integrity = dist ? await from("integrity.js") : await import("../../../pkg/dist/integrity.js");
