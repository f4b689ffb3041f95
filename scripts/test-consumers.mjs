#!/usr/bin/env node
// Installs the packed package into real consumer projects and runs their tests (automerge's
// packaging_tests idea): tests/consumers/jest (Jest 30, CommonJS require) and
// tests/consumers/vitest (Vitest 4, ESM import).
//
//   node scripts/test-consumers.mjs [jest|vitest ...]     (needs `npm run build` first)
//
// Each consumer is copied to a temp dir with node_modules/kms-wasm unpacked from `npm pack`, so it
// sees exactly what would be published, not the repo. The test runners themselves are this repo's
// devDependencies, linked in: no registry access at test time.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const consumers = {
  jest: [join(root, "node_modules/jest/bin/jest.js"), "--ci", "--rootDir", "."],
  vitest: [join(root, "node_modules/vitest/vitest.mjs"), "run", "--root", "."],
};
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(consumers);

if (!existsSync(join(root, "pkg/dist/node.cjs"))) {
  console.error("test-consumers: pkg/dist is not built; run `npm run build` first");
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), "kms-wasm-consumers-"));
let passed = 0, failed = 0;
try {
  const pack = spawnSync("npm", ["pack", "--ignore-scripts", "--pack-destination", work], { cwd: root, encoding: "utf8" });
  if (pack.status !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
  const tarball = join(work, pack.stdout.trim().split("\n").pop());

  for (const name of wanted) {
    if (!consumers[name]) throw new Error(`test-consumers: unknown consumer ${name}`);
    const dir = join(work, name);
    cpSync(join(root, "tests/consumers", name), dir, { recursive: true });
    const installed = join(dir, "node_modules/kms-wasm");
    mkdirSync(installed, { recursive: true });
    const untar = spawnSync("tar", ["-xzf", tarball, "-C", installed, "--strip-components=1"], { stdio: "inherit" });
    if (untar.status !== 0) throw new Error("test-consumers: could not unpack the tarball");
    symlinkSync(join(root, "node_modules", name), join(dir, "node_modules", name), "dir");

    console.log(`test-consumers: ${name}`);
    const r = spawnSync(process.execPath, consumers[name], { cwd: dir, stdio: "inherit", env: { ...process.env, CI: "true" } });
    if (r.status === 0) passed++;
    else { failed++; console.error(`test-consumers: ${name} FAILED (exit ${r.status})`); }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
