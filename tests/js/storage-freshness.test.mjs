// FileSystemStorage's cheap freshness check (headNow): one stat of the head file per call tells an
// instance that no other instance acknowledged a write since it last read the journal. Proven by
// counting file-system calls, never by timing; and never at the price of missing another
// instance's or process's acknowledged write.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire, syncBuiltinESMExports } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";

import { FileSystemStorage } from "./helpers/modules.mjs";
import { CreateKeyCommand, DescribeKeyCommand, EncryptCommand, KMSClient } from "kms-wasm";

const root = mkdtempSync(join(tmpdir(), "kms-wasm-freshness-"));
after(() => rmSync(root, { recursive: true, force: true }));
const bytes = (text) => new TextEncoder().encode(text);
// Longer than the window in which a just-rewritten head file is not trusted (RACY_MS in fs.ts).
const settle = () => new Promise((r) => setTimeout(r, 120));
let dirs = 0;
const freshDir = () => join(root, `d${dirs++}`);

describe("FileSystemStorage freshness check", () => {
  it("headNow names the head once a probe found it, and nothing once another instance wrote", async () => {
    const dir = freshDir();
    const a = new FileSystemStorage(dir);
    const b = new FileSystemStorage(dir);
    assert.equal(a.headNow(), undefined, "no probe yet");
    await b.append(1, bytes("one"));
    assert.equal((await a.readSince(0)).length, 1);
    await settle();
    assert.deepEqual(await a.readSince(1), []);
    assert.equal(a.headNow(), 1);
    await b.append(2, bytes("two"));
    assert.equal(a.headNow(), undefined, "another instance's acknowledged write must be noticed");
    assert.equal((await a.readSince(1)).length, 1);
    await settle();
    await a.readSince(2);
    assert.equal(a.headNow(), 2);
    // Its own append moves the head too.
    await a.append(3, bytes("three"));
    assert.equal(a.headNow(), undefined);
  });

  it("never reports a stale head when another instance writes again at once (same clock tick)", async () => {
    const dir = freshDir();
    const a = new FileSystemStorage(dir);
    const b = new FileSystemStorage(dir);
    for (let v = 1; v <= 40; v += 2) {
      await b.append(v, bytes(`e${v}`));
      await a.readSince(v - 1);
      await b.append(v + 1, bytes(`e${v + 1}`));
      assert.notEqual(a.headNow(), v, `version ${v + 1} was acknowledged but headNow still says ${v}`);
      assert.equal((await a.readSince(v)).length, 1);
    }
  });

  it("a read call on a settled store costs one stat and no listing; another process's write is seen next call", async () => {
    const dir = freshDir();
    const client = new KMSClient({ region: "us-east-1", storage: new FileSystemStorage(dir) });
    const { KeyMetadata } = await client.send(new CreateKeyCommand({}));
    await settle();
    await client.send(new DescribeKeyCommand({ KeyId: KeyMetadata.KeyId })); // the probe that proves the head

    const require = createRequire(import.meta.url);
    const fsp = require("node:fs/promises");
    const fs = require("node:fs");
    const asyncNames = ["readdir", "opendir", "stat", "lstat", "open", "readFile", "access"];
    const original = { ...Object.fromEntries(asyncNames.map((n) => [n, fsp[n]])), statSync: fs.statSync };
    const calls = [];
    for (const n of asyncNames) fsp[n] = (...args) => (calls.push(n), original[n](...args));
    fs.statSync = (...args) => (calls.push("statSync"), original.statSync(...args));
    syncBuiltinESMExports();
    try {
      for (let i = 0; i < 5; i++) await client.send(new EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: bytes("x") }));
    } finally {
      Object.assign(fsp, Object.fromEntries(asyncNames.map((n) => [n, original[n]])));
      fs.statSync = original.statSync;
      syncBuiltinESMExports();
    }
    assert.deepEqual(calls, Array(5).fill("statSync"));

    // Another process creates a key in the same directory; this client's next call finds it.
    const made = execFileSync(process.execPath, ["--input-type=module", "-e", `
      import { KMSClient, CreateKeyCommand, FileSystemStorage } from "kms-wasm";
      const k = new KMSClient({ region: "us-east-1", storage: new FileSystemStorage(${JSON.stringify(dir)}) });
      console.log((await k.send(new CreateKeyCommand({}))).KeyMetadata.KeyId);`], { cwd: process.cwd(), encoding: "utf8" }).trim();
    const seen = await client.send(new DescribeKeyCommand({ KeyId: made }));
    assert.equal(seen.KeyMetadata.KeyId, made);
  });
});
