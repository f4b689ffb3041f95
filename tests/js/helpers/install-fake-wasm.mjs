// Installs tests/js/helpers/fake-glue.js as pkg/src/wasm/ (the wasm-bindgen output), for developing
// the TypeScript side before the Rust engine builds. `node scripts/build.mjs --step wasm` replaces it.
import { mkdirSync, copyFileSync, writeFileSync } from "node:fs";
const dir = new URL("../../../pkg/src/wasm/", import.meta.url);
mkdirSync(dir, { recursive: true });
copyFileSync(new URL("./fake-glue.js", import.meta.url), new URL("kms_wasm.js", dir));
writeFileSync(new URL("kms_wasm_bg.wasm", dir), "");
writeFileSync(new URL("wasm_base64.js", dir), 'export default "";\n');
writeFileSync(new URL("wasm_base64.d.ts", dir), "declare const wasmBase64: string;\nexport default wasmBase64;\n");
writeFileSync(new URL("kms_wasm.d.ts", dir), `export default function __wbg_init(opts: { module_or_path: BufferSource | WebAssembly.Module }): Promise<any>;
export function initSync(opts: { module: BufferSource | WebAssembly.Module }): any;
export function take_panic_message(): string | undefined;
export class WasmEngine {
constructor();
restore(snapshot: Uint8Array): void;
apply(entry: Uint8Array): void;
dispatch(target: string, ctx: string, body: Uint8Array): any;
commit(): void;
abort(): void;
snapshot(): Uint8Array;
}
`);
console.log("fake wasm glue installed in pkg/src/wasm/");
