/**
 * The Node entry (`exports["."].node`): everything in `index.ts`, plus `FileSystemStorage`, with the
 * wasm read from the `.wasm` file next to this module instead of a base64 copy, and AES-256-GCM
 * and ECDSA signing done by node:crypto (`node-aes-gcm.ts`, `node-ecdsa.ts`) and large blobs'
 * base64 by `Buffer` (`node-base64.ts`).
 *
 * @packageDocumentation
 */
import { readFile } from "node:fs/promises";
import { setAesGcmHost, setBase64Host, setEcdsaHost, setWasmSource, type WasmModule } from "./engine.js";
import { nodeAesGcm } from "./node-aes-gcm.js";
import { nodeBase64 } from "./node-base64.js";
import { nodeEcdsa } from "./node-ecdsa.js";
import { setClientDiscovery } from "./emulate.js";
import { nodeClientDiscovery } from "./emulate-node.js";

// Resolved against this module: pkg/dist/node.js (ESM) and pkg/dist/node.cjs (the build rewrites
// import.meta.url from __filename) both sit next to pkg/dist/wasm/.
const wasmFile = (module: WasmModule): URL =>
  module === "full" ? new URL("./wasm/full/kms_wasm_bg.wasm", import.meta.url) : new URL("./wasm/kms_wasm_bg.wasm", import.meta.url);
// The core module is read and compiled from the moment this entry is imported, so V8's background
// compile overlaps the rest of the program's start-up instead of delaying the first call. The full
// one is read when the core one first asks for it.
const compiled = new Map<WasmModule, Promise<WebAssembly.Module>>();
const compile = (module: WasmModule): Promise<WebAssembly.Module> => {
  let c = compiled.get(module);
  if (!c) {
    compiled.set(module, (c = readFile(wasmFile(module)).then((bytes) => WebAssembly.compile(bytes))));
    c.catch(() => compiled.delete(module)); // reported, and retried, by the call that needs it
  }
  return c;
};
compile("core").catch(() => undefined);
setWasmSource(compile, { sync: true });
setAesGcmHost(nodeAesGcm);
setEcdsaHost(nodeEcdsa);
setBase64Host(nodeBase64);
setClientDiscovery(nodeClientDiscovery);

export * from "./index.js";
export { FileSystemStorage } from "./storage/fs.js";
export { createKmsServer, type KmsServer, type KmsServerOptions } from "./http/server.js";
