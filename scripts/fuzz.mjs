#!/usr/bin/env node
// `npm run fuzz`: the fuzzers of `npm test`, ten times longer (nightly-style, not part of npm test).
//
//   build → tests/it/wire_fuzz.rs with KMS_WASM_FUZZ_CASES=20000 (10× 2,000 per property) →
//   tests/js/fuzz.test.mjs with KMS_WASM_FUZZ_SCALE=10 (in process and over HTTP)
//
// The last lines are the summary: executions and 5xx counts per fuzzer (the target is 0; any 5xx
// also fails its fuzzer). KMS_WASM_FUZZ_SCALE and KMS_WASM_FUZZ_SEED override the defaults.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const scale = Number(process.env.KMS_WASM_FUZZ_SCALE ?? 10);
const env = { KMS_WASM_FUZZ_CASES: String(2_000 * scale), KMS_WASM_FUZZ_SCALE: String(scale) };

function run(cmd, args) {
  return new Promise((resolve) => {
    console.log(`\n$ ${cmd} ${args.join(" ")}`);
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.on("close", (status) => resolve({ status: status ?? 1, output }));
  });
}

const summary = [];
let failed = false;

const build = await run(process.execPath, ["scripts/build.mjs"]);
if (build.status !== 0) process.exit(1);

const rust = await run("cargo", ["test", "--quiet", "--test", "it", "--", "wire_fuzz::", "--nocapture", "--test-threads=1"]);
let executions = 0;
for (const m of rust.output.matchAll(/wire_fuzz outcomes: \{([^}]*)\}/g)) {
  for (const n of m[1].matchAll(/: (\d+)/g)) executions += Number(n[1]);
}
// A 5xx (KMSInternalException or any status other than 200/400) fails a property, so a passing run had none.
summary.push(`wire_fuzz.rs: ${executions} executions over 3 properties, ${rust.status === 0 ? 0 : "some (see above)"} 5xx`);
failed ||= rust.status !== 0;

const js = await run(process.execPath, ["--test", "tests/js/fuzz.test.mjs"]);
for (const m of js.output.matchAll(/fuzz (in-process|http): (\d+) \w+, (\d+) ok, (\d+) client errors, (\d+) 5xx/g)) {
  summary.push(`fuzz.test.mjs ${m[1]}: ${m[2]} calls (${m[3]} ok, ${m[4]} client errors), ${m[5]} 5xx`);
}
failed ||= js.status !== 0;

console.log(`\nfuzz summary (scale ${scale}):\n  ${summary.join("\n  ")}`);
console.log(failed ? "fuzz: FAILED" : "fuzz: passed");
process.exit(failed ? 1 : 0);
