#!/usr/bin/env node
// Installs the packed package into real consumer projects and runs their tests (automerge's
// packaging_tests idea): tests/consumers/jest (Jest 30, CommonJS require) and
// tests/consumers/vitest (Vitest 4, ESM import); tests/consumers/{jest,vitest}-global-setup use the
// package's globalSetup and reach its server through the AWS CLI and the real @aws-sdk/client-kms.
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
const runners = {
  jest: [join(root, "node_modules/jest/bin/jest.js"), "--ci", "--rootDir", "."],
  vitest: [join(root, "node_modules/vitest/vitest.mjs"), "run", "--root", "."],
};
// Consumer directory → its test runner, and what else it needs linked in or in its environment.
const consumers = {
  jest: { runner: "jest" },
  vitest: { runner: "vitest" },
  "jest-global-setup": { runner: "jest", links: ["@aws-sdk/client-kms"], awsCli: true },
  "vitest-global-setup": { runner: "vitest", links: ["@aws-sdk/client-kms"], awsCli: true },
};
// The AWS CLI the global-setup consumers shell out to: the venv's (scripts/setup.sh), else v2.
const awsCli = [join(root, ".tools/venv/bin/aws"), "/usr/bin/aws"].find((p) => existsSync(p));
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
    const consumer = consumers[name];
    if (!consumer) throw new Error(`test-consumers: unknown consumer ${name}`);
    const dir = join(work, name);
    cpSync(join(root, "tests/consumers", name), dir, { recursive: true });
    const installed = join(dir, "node_modules/kms-wasm");
    mkdirSync(installed, { recursive: true });
    const untar = spawnSync("tar", ["-xzf", tarball, "-C", installed, "--strip-components=1"], { stdio: "inherit" });
    if (untar.status !== 0) throw new Error("test-consumers: could not unpack the tarball");
    for (const link of [consumer.runner, ...(consumer.links ?? [])]) {
      mkdirSync(dirname(join(dir, "node_modules", link)), { recursive: true });
      symlinkSync(join(root, "node_modules", link), join(dir, "node_modules", link), "dir");
    }

    console.log(`test-consumers: ${name}`);
    let env = { ...process.env, CI: "true" };
    if (consumer.awsCli) {
      if (!awsCli) throw new Error("test-consumers: no AWS CLI (.tools/venv/bin/aws or /usr/bin/aws); run scripts/setup.sh");
      // Nothing from the user's AWS setup: the globalSetup alone must provide endpoint, Region and credentials.
      env = Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith("AWS_")));
      Object.assign(env, {
        KMS_WASM_AWS_CLI: awsCli,
        AWS_CONFIG_FILE: join(dir, "no-aws-config"),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, "no-aws-credentials"),
        AWS_EC2_METADATA_DISABLED: "true",
      });
    }
    const r = spawnSync(process.execPath, runners[consumer.runner], { cwd: dir, stdio: "inherit", env });
    if (r.status === 0) passed++;
    else { failed++; console.error(`test-consumers: ${name} FAILED (exit ${r.status})`); }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
