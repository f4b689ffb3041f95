/**
 * The default entry (`exports["."].default`): browsers, bundlers, workers, Deno, jest-jsdom.
 *
 * Where it can, it fetches the `.wasm` file next to this module and compiles it while it streams
 * in (about 30% fewer bytes over the wire than the base64 copy, gzip against gzip). Where it cannot
 * — no `fetch`, no module URL (CommonJS, jest-jsdom), a `file:` URL, a bundler that did not copy the
 * file — it falls back to the module embedded as base64, loaded only then, so nothing has to be
 * resolved at run time.
 *
 * Everything exported is documented where it is declared; see `index.ts` for the list.
 *
 * @packageDocumentation
 */
import { setWasmSource, type WasmModule } from "./engine.js";
import { base64Decode } from "./wire.js";

/** The slice of the WebAssembly namespace used here (typed locally: the package builds without DOM types). */
interface StreamingWasm {
  compileStreaming?: (source: unknown) => Promise<WebAssembly.Module>;
}

/** The compiled `.wasm` next to this module, or `undefined` when it cannot be fetched from here. */
async function fetchWasm(module: WasmModule): Promise<WebAssembly.Module | undefined> {
  try {
    if (typeof fetch !== "function") return undefined;
    // Literal paths, so that bundlers see (and copy) both files.
    const url = module === "full" ? new URL("./wasm/full/kms_wasm_bg.wasm", import.meta.url) : new URL("./wasm/kms_wasm_bg.wasm", import.meta.url);
    if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
    const response = await fetch(url);
    if (!response.ok) return undefined;
    const streaming = (WebAssembly as unknown as StreamingWasm).compileStreaming;
    if (streaming && response.headers.get("content-type")?.split(";")[0]?.trim() === "application/wasm") {
      return await streaming(response);
    }
    return await WebAssembly.compile(await response.arrayBuffer());
  } catch {
    return undefined;
  }
}

setWasmSource(async (module) => {
  const fetched = await fetchWasm(module);
  if (fetched) return fetched;
  // Data, not glue: a module whose default export is the .wasm file as base64 (scripts/build.mjs).
  const { default: wasmBase64 } = module === "full" ? await import("./wasm/full/wasm_base64.js") : await import("./wasm/wasm_base64.js");
  return base64Decode(wasmBase64);
});

export * from "./index.js";
