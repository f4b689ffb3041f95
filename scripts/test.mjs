#!/usr/bin/env node
// `npm test`: every test of the project, from a fresh clone. Each step prints its own output; the
// last line is the plain summary CI reads: "N passed, M failed".
//
//   setup → codegen freshness → Rust (fmt, clippy, cargo test) → build the package →
//   JS suite (node --test, importing the package by name) → type parity with @aws-sdk/client-kms →
//   consumer projects (Jest 30 CJS, Vitest 4 ESM) → browser (www/ sandbox in headless Chromium) →
//   bench regression check (ratios vs bench/baseline.json)
//
// Set KMS_WASM_TEST_SKIP=rust,consumers (comma list of step names) to skip steps while iterating.
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const skip = new Set((process.env.KMS_WASM_TEST_SKIP ?? "").split(",").filter(Boolean));
const bin = (name) => join(root, "node_modules/.bin", name);
let passed = 0;
let failed = 0;
const failures = [];

/** Runs a command, streaming its output, and returns {status, output}. */
function run(cmd, args, env = {}) {
  return new Promise((resolve) => {
    console.log(`\n$ ${cmd} ${args.join(" ")}`);
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const tee = (stream, sink) =>
      stream.on("data", (chunk) => {
        output += chunk;
        sink.write(chunk);
      });
    tee(child.stdout, process.stdout);
    tee(child.stderr, process.stderr);
    child.on("close", (status) => resolve({ status: status ?? 1, output }));
  });
}

/** A step that is a single check: one pass or one failure. */
async function check(name, cmd, args) {
  if (skip.has(name)) return;
  const { status } = await run(cmd, args);
  if (status === 0) passed += 1;
  else {
    failed += 1;
    failures.push(name);
  }
}

/** A step that runs a test runner: its own pass/fail counts, read from its summary lines. */
async function suite(name, cmd, args, count, env) {
  if (skip.has(name)) return;
  const { status, output } = await run(cmd, args, env);
  const [p, f] = count(output);
  passed += p;
  failed += f;
  if (status !== 0 && f === 0) failed += 1;
  if (status !== 0) failures.push(name);
}

const cargoCounts = (out) => {
  let p = 0;
  let f = 0;
  for (const m of out.matchAll(/test result: \w+\. (\d+) passed; (\d+) failed/g)) {
    p += Number(m[1]);
    f += Number(m[2]);
  }
  return [p, f];
};
const nodeCounts = (out) => {
  const p = [...out.matchAll(/^# pass (\d+)/gm)].reduce((a, m) => a + Number(m[1]), 0);
  const f = [...out.matchAll(/^# fail (\d+)/gm)].reduce((a, m) => a + Number(m[1]), 0);
  return [p, f];
};

const setup = await run("bash", ["scripts/setup.sh"]);
if (setup.status !== 0) {
  console.log("\n0 passed, 1 failed");
  process.exit(1);
}
await check("codegen", process.execPath, ["scripts/codegen.mjs", "--check"]);
if (!skip.has("rust")) {
  await check("rustfmt", "cargo", ["fmt", "--check"]);
  await check("clippy", "cargo", ["clippy", "--all-targets", "--quiet", "--", "-D", "warnings"]);
  await suite("cargo-test", "cargo", ["test", "--quiet"], cargoCounts);
}
const build = await run(process.execPath, ["scripts/build.mjs"]);
if (build.status !== 0) {
  failed += 1;
  failures.push("build");
} else {
  const jsTests = readdirSync(join(root, "tests/js"))
    .filter((f) => f.endsWith(".test.mjs"))
    .map((f) => join("tests/js", f));
  await suite("js", process.execPath, ["--test", "--test-reporter=tap", ...jsTests], nodeCounts);
  if (existsSync(join(root, "tests/types/tsconfig.json"))) await check("types", bin("tsc"), ["--noEmit", "-p", "tests/types"]);
  if (existsSync(join(root, "scripts/test-consumers.mjs")) && !skip.has("consumers"))
    await check("consumers", process.execPath, ["scripts/test-consumers.mjs"]);
  // The sandbox and IndexedDBStorage in headless Chromium; fails loudly when Chromium is missing.
  await suite("browser", process.execPath, ["scripts/test-browser.mjs"], nodeCounts);
  // Performance regression check (issue 7): a short bench whose ratios (ours ÷ node:crypto, same
  // run) must stay above half of bench/baseline.json. Never an absolute time; ~30 s.
  if (!skip.has("bench")) await check("bench", process.execPath, ["bench/run.mjs", "--quick", "--check", "bench/baseline.json"]);
}

if (failures.length) console.log(`\nfailed steps: ${failures.join(", ")}`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
