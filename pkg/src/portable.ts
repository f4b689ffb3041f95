/**
 * The default entry (`exports["."].default`): browsers, bundlers, workers, Deno, jest-jsdom. The
 * wasm module is embedded as base64, so nothing has to be fetched or resolved at run time.
 *
 * Everything exported is documented where it is declared; see `index.ts` for the list.
 *
 * @packageDocumentation
 */
import { setWasmSource } from "./engine.js";
import { base64Decode } from "./wire.js";
// Data, not glue: a module whose default export is the .wasm file as base64, written by scripts/build.mjs.
import wasmBase64 from "./wasm/wasm_base64.js";

setWasmSource(async () => base64Decode(wasmBase64));

export * from "./index.js";
