// The README's JavaScript examples run as written (only the storage directory is moved to a temp dir),
// so the first thing a user copies cannot rot.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const readme = readFileSync(join(root, "README.md"), "utf8");
const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);

test("the README has JavaScript examples", () => {
  assert.ok(blocks.length >= 1);
});

test("the README quick-start example runs and decrypts what it encrypted", () => {
  const dir = mkdtempSync(join(tmpdir(), "kms-readme-"));
  try {
    const code = blocks[0].replaceAll("./.kms", join(dir, "state")) +
      '\nif (new TextDecoder().decode(Plaintext) !== "hello") throw new Error("round trip failed");\nconsole.log("README OK");\n';
    // Inside the repo so that `import "kms-wasm"` resolves to this package by its name.
    const file = join(root, "tests/js", `.readme-${process.pid}.mjs`);
    writeFileSync(file, code);
    try {
      const r = spawnSync(process.execPath, [file], { cwd: root, encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /README OK/);
    } finally {
      rmSync(file, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the README's VirtualClock example shows a rotation after 91 days", () => {
  const block = blocks.find((b) => b.includes("new VirtualClock("));
  assert.ok(block, "README has the VirtualClock example");
  const file = join(root, "tests/js", `.readme-clock-${process.pid}.mjs`);
  writeFileSync(file, block);
  try {
    const r = spawnSync(process.execPath, [file], { cwd: root, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), "true");
  } finally {
    rmSync(file, { force: true });
  }
});
