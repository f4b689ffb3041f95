/**
 * The Node entry (`exports["."].node`): everything in `index.ts`, plus `FileSystemStorage`, with the
 * wasm read from the `.wasm` file next to this module instead of a base64 copy, and AES-256-GCM
 * and ECDSA signing done by node:crypto (`node-aes-gcm.ts`, `node-ecdsa.ts`) and large blobs'
 * base64 by `Buffer` (`node-base64.ts`).
 *
 * @packageDocumentation
 */
import { readFile } from "node:fs/promises";
import { setAesGcmHost, setBase64Host, setEcdsaHost, setWasmSource } from "./engine.js";
import { nodeAesGcm } from "./node-aes-gcm.js";
import { nodeBase64 } from "./node-base64.js";
import { nodeEcdsa } from "./node-ecdsa.js";
import { setClientDiscovery } from "./emulate.js";
import { nodeClientDiscovery } from "./emulate-node.js";

// Resolved against this module: pkg/dist/node.js (ESM) and pkg/dist/node.cjs (the build rewrites
// import.meta.url from __filename) both sit next to pkg/dist/wasm/.
// The module is read and compiled from the moment this entry is imported, so V8's background
// compile overlaps the rest of the program's start-up instead of delaying the first call.
let compiled: Promise<WebAssembly.Module> | undefined;
const compile = (): Promise<WebAssembly.Module> =>
  (compiled ??= readFile(new URL("./wasm/kms_wasm_bg.wasm", import.meta.url)).then((bytes) => WebAssembly.compile(bytes)));
compile().catch(() => {
  compiled = undefined; // reported, and retried, by the first call
});
setWasmSource(compile, { sync: true });
setAesGcmHost(nodeAesGcm);
setEcdsaHost(nodeEcdsa);
setBase64Host(nodeBase64);
setClientDiscovery(nodeClientDiscovery);

export * from "./index.js";
export { FileSystemStorage } from "./storage/fs.js";
export { createKmsServer, type KmsServer, type KmsServerOptions } from "./http/server.js";
