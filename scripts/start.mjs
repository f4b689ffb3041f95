#!/usr/bin/env node
// `npm start`: installs and builds what is missing, then runs the demo of the main job
// (scripts/demo.mjs) — create a key, envelope-encrypt a file, restart, decrypt.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const step = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
step("bash", ["scripts/setup.sh"]);
if (!existsSync(join(root, "pkg/dist/node.js")) || process.argv.includes("--rebuild")) {
  step(process.execPath, ["scripts/build.mjs"]);
}
step(process.execPath, ["scripts/demo.mjs"]);
