#!/usr/bin/env node
// Installs the packed package into real consumer projects and runs their tests (automerge's
// packaging_tests idea): tests/consumers/jest (Jest 30, CommonJS require), tests/consumers/jest-esm
// (Jest 30 in ESM mode) and tests/consumers/vitest (Vitest 4, ESM import);
// tests/consumers/{jest,vitest}-global-setup use the package's globalSetup and reach its server
// through the AWS CLI and the real @aws-sdk/client-kms.
//
//   node scripts/test-consumers.mjs [jest|vitest ...]     (needs `npm run build` first)
//
// Each consumer is copied to a temp dir with node_modules/kms-wasm unpacked from `npm pack`, so it
// sees exactly what would be published, not the repo. The test runners themselves are this repo's
// devDependencies, linked in: no registry access at test time.
import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const jest = [join(root, "node_modules/jest/bin/jest.js"), "--ci", "--rootDir", "."];
const consumers = {
  jest: { args: jest, runner: "jest" },
  // Jest's ESM mode: a fresh module registry per test file, modules loaded through vm.
  "jest-esm": { args: jest, runner: "jest", env: { NODE_OPTIONS: "--experimental-vm-modules --no-warnings" } },
  vitest: { args: [join(root, "node_modules/vitest/vitest.mjs"), "run", "--root", "."], runner: "vitest" },
  "jest-global-setup": { args: jest, runner: "jest", awsCli: true },
  "vitest-global-setup": { args: [join(root, "node_modules/vitest/vitest.mjs"), "run", "--root", "."], runner: "vitest", awsCli: true },
};
// The AWS CLI the global-setup consumers shell out to: the venv's (scripts/setup.sh), else v2.
const awsCli = [join(root, ".tools/venv/bin/aws"), "/usr/bin/aws"].find((p) => existsSync(p));
// What the consumers' own code imports besides kms-wasm: the real SDK (their modules under test
// build its clients) and the AWS Encryption SDK, linked from this repo's devDependencies.
const LINKED_SCOPES = ["@aws-sdk", "@aws-crypto", "@smithy"];
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
    const { args, runner, env = {}, awsCli: needsCli } = consumers[name];
    symlinkSync(join(root, "node_modules", runner), join(dir, "node_modules", runner), "dir");
    for (const scope of LINKED_SCOPES) symlinkSync(join(root, "node_modules", scope), join(dir, "node_modules", scope), "dir");
    // A third-party library with its own nested copy of the SDK at another version (the older SDK
    // is a devDependency under an alias): node_modules/nested-lib/node_modules/@aws-sdk/client-kms.
    const lib = join(dir, "node_modules/nested-lib");
    mkdirSync(join(lib, "node_modules/@aws-sdk"), { recursive: true });
    writeFileSync(join(lib, "package.json"), JSON.stringify({ name: "nested-lib", main: "index.cjs" }));
    copyFileSync(join(root, "tests/fixtures/emulate/nested-lib.cjs"), join(lib, "index.cjs"));
    symlinkSync(join(root, "node_modules/sdk-kms-older"), join(lib, "node_modules/@aws-sdk/client-kms"), "dir");

    console.log(`test-consumers: ${name}`);
    // No AWS settings from the machine reach the consumers: their tests must need none.
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_")));
    if (needsCli) {
      if (!awsCli) throw new Error("test-consumers: no AWS CLI (.tools/venv/bin/aws or /usr/bin/aws); run scripts/setup.sh");
      // The globalSetup alone must provide endpoint, Region and credentials; no AWS config files either.
      Object.assign(env, {
        KMS_WASM_AWS_CLI: awsCli,
        AWS_CONFIG_FILE: join(dir, "no-aws-config"),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, "no-aws-credentials"),
        AWS_EC2_METADATA_DISABLED: "true",
      });
    }
    const r = spawnSync(process.execPath, args, { cwd: dir, stdio: "inherit", env: { ...clean, CI: "true", ...env } });
    if (r.status === 0) passed++;
    else { failed++; console.error(`test-consumers: ${name} FAILED (exit ${r.status})`); }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
