#!/usr/bin/env node
// `npm run test:browser`: the browser suite alone (tests/browser/*.test.mjs) in Debian's headless
// Chromium driven by playwright-core. `npm test` runs it as its "browser" step.
//
// Chromium comes from scripts/setup.sh (apt-get install chromium); nothing here downloads a
// browser. If it is missing this FAILS with a message saying so: a browser suite that silently
// passes without a browser would hide exactly the regressions it exists to catch.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const chromium = process.env.KMS_WASM_CHROMIUM ?? "/usr/bin/chromium";
/** The whole suite must finish well within this; a hung browser must not hang `npm test`. */
const HARD_LIMIT_MS = 120_000;

function fail(message) {
  console.error(`test-browser: FAIL — ${message}`);
  // The summary lines `npm test` counts (node --test's TAP format).
  console.log("# pass 0\n# fail 1");
  process.exit(1);
}

if (!existsSync(chromium)) {
  fail(`Chromium not found at ${chromium}. Run \`bash scripts/setup.sh\` (installs Debian's chromium with apt-get; needs root), or set KMS_WASM_CHROMIUM to a Chromium binary.`);
}
if (!existsSync(join(root, "node_modules/playwright-core/package.json"))) {
  fail("npm package playwright-core is not installed. Run `bash scripts/setup.sh` (npm ci).");
}
if (!existsSync(join(root, "pkg/dist/portable.js"))) {
  console.log("test-browser: building the package first");
  const build = spawnSync(process.execPath, [join(root, "scripts/build.mjs")], { cwd: root, stdio: "inherit" });
  if (build.status !== 0) fail("the package build failed");
}

const files = readdirSync(join(root, "tests/browser")).filter((f) => f.endsWith(".test.mjs")).map((f) => join("tests/browser", f));
const reporter = process.stdout.isTTY ? "spec" : "tap";
const child = spawn(process.execPath, ["--test", `--test-reporter=${reporter}`, "--test-concurrency=1", ...files], { cwd: root, stdio: "inherit" });
const timer = setTimeout(() => {
  console.error(`test-browser: FAIL — the suite exceeded ${HARD_LIMIT_MS / 1000} s; stopping it`);
  child.kill("SIGKILL");
}, HARD_LIMIT_MS);
child.on("close", (status, signal) => {
  clearTimeout(timer);
  if (signal) console.log("# pass 0\n# fail 1");
  console.log(`test-browser: screenshots and size.json in tests/browser/artifacts/`);
  process.exit(status ?? 1);
});
