// The sandbox's connection to KMS: one KMSClient over IndexedDBStorage("kms-sandbox"), the model,
// and which operations this build implements — all found at run time, so operations that land in
// the package later show up here without touching the page.
import * as kms from "kms-wasm";

/** The IndexedDB database the sandbox keeps its state in. */
export const DATABASE = "kms-sandbox";
export const REGION = "us-east-1";

export const storage = new kms.IndexedDBStorage(DATABASE);
export const client = new kms.KMSClient({ region: REGION, storage });

/** Loads the model summary served next to the page (scripts/serve.mjs). */
export async function loadModel() {
  const res = await fetch("/model/kms-model-summary.json");
  if (!res.ok) throw new Error(`could not load the KMS model: HTTP ${res.status}`);
  return res.json();
}

/**
 * Operation name → implemented? Every operation of the model that the package exports a command
 * for is probed once through the public request handler, with a private MemoryStorage and a body
 * that is not a JSON object: an implemented operation rejects the body (SerializationException)
 * before doing anything, an unimplemented one answers UnsupportedOperationException first.
 */
export async function probeOperations(model) {
  const handler = kms.kmsRequestHandler({ storage: new kms.MemoryStorage() });
  const result = new Map();
  for (const op of Object.keys(model.operations)) {
    if (typeof kms[`${op}Command`] !== "function") continue;
    const { response } = await handler.handle({
      method: "POST",
      path: "/",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": model.operations[op].target },
      body: "[]",
    });
    const body = JSON.parse(new TextDecoder().decode(response.body));
    result.set(op, !(response.statusCode !== 200 && body.__type === "UnsupportedOperationException"));
  }
  return result;
}

/** Listeners told about every logged call: (entry) => void. */
const listeners = new Set();
export const onCall = (fn) => listeners.add(fn);
let sequence = 0;

/**
 * Sends `op` with `input` through the client and reports it to the log.
 * Resolves with `{ ok: true, output }` or `{ ok: false, error }`; never rejects for an AWS error.
 * A non-AWS failure (storage, a bug) is reported as an error entry too, with its own name.
 */
export async function call(op, input = {}, { silent = false } = {}) {
  const Command = kms[`${op}Command`];
  if (typeof Command !== "function") throw new Error(`kms-wasm exports no ${op}Command`);
  const started = performance.now();
  const entry = { n: silent ? 0 : ++sequence, op, input, at: new Date() };
  try {
    const output = await client.send(new Command(input));
    Object.assign(entry, { ok: true, output, ms: performance.now() - started });
  } catch (error) {
    Object.assign(entry, { ok: false, error, ms: performance.now() - started });
  }
  if (!silent) for (const fn of listeners) fn(entry);
  return entry;
}

/** The package namespace, for the pieces that need a command class or an exception by name. */
export { kms };
