// The package as consumers load it, through package.json "exports": ESM import (node condition),
// CJS require in a child process, the portable (embedded-wasm) build in Node, a browser bundle of
// the default entry that must not reach any Node built-in, and the files `npm pack` would ship.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("../..", import.meta.url));
const roundTrip = `
  const c = new m.KMSClient({ region: "us-east-1", storage: new m.MemoryStorage() });
  const { KeyMetadata } = await c.send(new m.CreateKeyCommand({}));
  const { CiphertextBlob } = await c.send(new m.EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: new Uint8Array([1, 2, 3]) }));
  const { Plaintext } = await c.send(new m.DecryptCommand({ CiphertextBlob }));
  if (Plaintext.join() !== "1,2,3") throw new Error("round trip failed");`;
const node = (code, type) =>
  execFileSync(process.execPath, [`--input-type=${type}`, "-e", code], { cwd: root, encoding: "utf8" }).trim();

test("ESM import by name resolves the node entry (with FileSystemStorage)", async () => {
  const m = await import("kms-wasm");
  assert.equal(typeof m.KMSClient, "function");
  assert.equal(typeof m.FileSystemStorage, "function");
  // One bundled file: loading the package is one module, not thirty (a fifth of a cold start).
  assert.equal(import.meta.resolve("kms-wasm"), new URL("../../pkg/dist/node.bundle.js", import.meta.url).href);
});

test("CJS require works in a plain Node process (node.cjs)", () => {
  const out = node(`const m = require("kms-wasm"); (async () => { ${roundTrip}
    console.log(require.resolve("kms-wasm").endsWith("pkg/dist/node.cjs"), typeof m.FileSystemStorage); })()
    .catch((e) => { console.error(e); process.exit(1); });`, "commonjs");
  assert.equal(out, "true function");
});

test("the portable build (embedded wasm) works in Node, as ESM and as CJS", () => {
  assert.equal(node(`const m = await import("${root}/pkg/dist/portable.js"); ${roundTrip}
    console.log(typeof m.FileSystemStorage);`, "module"), "undefined");
  assert.equal(node(`const m = require("${root}/pkg/dist/portable.cjs"); (async () => { ${roundTrip} console.log("ok"); })()
    .catch((e) => { console.error(e); process.exit(1); });`, "commonjs"), "ok");
});

test("a browser bundle of the default entry reaches no Node built-in", async () => {
  const result = await build({
    stdin: { contents: `export * from "kms-wasm";`, resolveDir: root, loader: "js" },
    bundle: true, platform: "browser", format: "esm", write: false, metafile: true, logLevel: "silent",
  });
  const inputs = Object.keys(result.metafile.inputs);
  assert.ok(inputs.some((p) => p.endsWith("pkg/dist/portable.js")), `bundled the portable entry: ${inputs.join(", ")}`);
  assert.deepEqual(inputs.filter((p) => p.startsWith("node:") || /(^|\/)(fs|path|url|crypto)$/.test(p)), []);
  for (const out of result.outputFiles) assert.doesNotMatch(out.text, /["']node:[a-z]/);
});

test("npm pack ships the dist (js, cjs, d.ts, wasm) and no sources", () => {
  const [{ files }] = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
  const paths = files.map((f) => f.path);
  for (const p of ["package.json", "pkg/dist/node.js", "pkg/dist/node.cjs", "pkg/dist/portable.js", "pkg/dist/portable.cjs",
    "pkg/dist/portable.d.ts", "pkg/dist/node.d.ts", "pkg/dist/wasm/kms_wasm_bg.wasm", "pkg/dist/wasm/kms_wasm.js", "pkg/dist/wasm/wasm_base64.js",
    "pkg/dist/wasm/full/kms_wasm_bg.wasm", "pkg/dist/wasm/full/kms_wasm.js", "pkg/dist/wasm/full/wasm_base64.js"]) {
    assert.ok(paths.includes(p), `missing ${p}`);
  }
  assert.deepEqual(paths.filter((p) => p.startsWith("src/") || p.startsWith("pkg/src/") || p.startsWith("tests/")), []);
});
