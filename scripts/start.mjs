#!/usr/bin/env node
// `npm start`: installs and builds what is missing, then runs the demo of the main job
// (scripts/demo.mjs) — create a key, envelope-encrypt a file, restart, decrypt — and then, when a
// person is at the terminal, serves the browser sandbox (www/) and prints its URL.
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

// A person at a terminal gets the browser sandbox next; CI and pipes just get the demo and exit.
if (process.stdout.isTTY && !process.env.CI) {
  const { serve } = await import("./serve.mjs");
  const port = Number(process.env.PORT ?? 4600);
  const server = await serve({ port }).catch((err) => {
    if (err?.code !== "EADDRINUSE") throw err;
    return serve({ port: 0 }); // the usual port is taken: any free one will do
  });
  console.log(`\nBrowser sandbox (KMS tutorials, state in IndexedDB): ${server.url}\nCtrl-C to stop.`);
  process.on("SIGINT", () => void server.close().then(() => process.exit(0)));
}
