// FileSystemStorage keeps key material private: directories 0700 and files 0600 whatever the
// umask, in new directories and in ones an older version left readable; `kms-wasm export` makes the
// file it is redirected into 0600.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, openSync, closeSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import { CreateKeyCommand, FileSystemStorage, KMSClient } from "kms-wasm";
import { cliPath, tempDir } from "./helpers/http-helpers.mjs";

const { dir: root, cleanup } = tempDir("kms-modes-");
let savedUmask;
before(() => { savedUmask = process.umask(0); }); // the most permissive umask: nothing is narrowed for us
after(() => { process.umask(savedUmask); cleanup(); });

const mode = (path) => statSync(path).mode & 0o777;
const text = (s) => new TextEncoder().encode(s);

/** Every directory and file under `dir` with its mode, as "relative/path 0700". */
function modesUnder(dir, rel = "") {
  const out = [`${rel || "."} ${mode(join(dir, rel)).toString(8)}`];
  for (const name of readdirSync(join(dir, rel))) {
    const path = join(rel, name);
    if (statSync(join(dir, path)).isDirectory()) out.push(...modesUnder(dir, path));
    else out.push(`${path} ${mode(join(dir, path)).toString(8)}`);
  }
  return out;
}

describe("FileSystemStorage file modes", () => {
  it("creates directories 0700 and files 0600 under umask 000", async () => {
    const dir = join(root, "new", "data");
    const client = new KMSClient({ region: "us-east-1", storage: new FileSystemStorage(dir) });
    await client.send(new CreateKeyCommand({}));
    const storage = new FileSystemStorage(dir);
    await storage.append(2, text("e2"));
    await storage.compact(2, text("state@2"));
    await storage.append(3, text("e3"));
    const modes = modesUnder(dir);
    assert.ok(modes.some((m) => m.startsWith("journal/")), modes.join("\n"));
    assert.ok(modes.some((m) => m.startsWith("snapshots/")), modes.join("\n"));
    for (const line of modes) {
      const [path, m] = line.split(" ");
      const isDir = statSync(join(dir, path)).isDirectory();
      assert.equal(m, isDir ? "700" : "600", `${path} is ${m}`);
    }
  });

  it("tightens an existing directory an older version left world-readable", async () => {
    const dir = join(root, "old");
    for (const sub of ["", "journal", "snapshots", "tmp"]) mkdirSync(join(dir, sub), { recursive: true, mode: 0o777 });
    writeFileSync(join(dir, "journal", "000000000001"), "e1", { mode: 0o666 });
    writeFileSync(join(dir, "snapshots", "README"), "not a snapshot", { mode: 0o644 });
    chmodSync(join(dir, "journal", "000000000001"), 0o666);
    chmodSync(dir, 0o755);
    const storage = new FileSystemStorage(dir);
    assert.equal(await storage.head(), 1);
    for (const sub of ["", "journal", "snapshots", "tmp"]) assert.equal(mode(join(dir, sub)), 0o700, `${sub || "."}`);
    assert.equal(mode(join(dir, "journal", "000000000001")), 0o600);
    assert.equal(mode(join(dir, "snapshots", "README")), 0o600);
  });

  it("kms-wasm export makes the file it is redirected into 0600", () => {
    const dir = join(root, "export-src");
    const out = join(root, "state.json");
    const fd = openSync(out, "w", 0o666); // what a shell's `> state.json` does under umask 000
    try {
      const r = spawnSync(process.execPath, [cliPath, "export", "--data-dir", dir], { stdio: ["ignore", fd, "pipe"] });
      assert.equal(r.status, 0, String(r.stderr));
    } finally {
      closeSync(fd);
    }
    assert.equal(mode(out), 0o600);
    assert.match(String(readdirSync(root)), /state\.json/);
  });
});
