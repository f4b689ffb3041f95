// Runs the shared storage contract over MemoryStorage and FileSystemStorage, plus the behaviour
// specific to each: named sharing for memory, on-disk layout and crash leftovers for fs.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";

import { FileSystemStorage, MemoryStorage, StorageConflict } from "./helpers/modules.mjs";
import { runStorageContract } from "./storage-contract.mjs";

const root = mkdtempSync(join(tmpdir(), "kms-wasm-storage-"));
after(() => rmSync(root, { recursive: true, force: true }));

runStorageContract("MemoryStorage", (id) => new MemoryStorage(`contract:${id}`));
runStorageContract("FileSystemStorage", (id) => new FileSystemStorage(join(root, id)));

const text = (s) => new TextEncoder().encode(s);

describe("MemoryStorage", () => {
  it("instances without a name are private", async () => {
    const a = new MemoryStorage();
    const b = new MemoryStorage();
    await a.append(1, text("only in a"));
    assert.equal(await a.head(), 1);
    assert.equal(await b.head(), 0);
  });

  it("instances with the same name share one store; shared() defaults to the name 'default'", async () => {
    assert.equal(MemoryStorage.DEFAULT_NAME, "default");
    const a = MemoryStorage.shared();
    const b = new MemoryStorage("default");
    assert.equal(a.name, "default");
    const head = await a.head();
    await a.append(head + 1, text("visible to b"));
    assert.equal(await b.head(), head + 1);
    assert.equal(await new MemoryStorage("some other name").head(), 0);
  });

  it("StorageConflict carries the version and a stable name", async () => {
    const storage = new MemoryStorage();
    await storage.append(1, text("x"));
    const err = await storage.append(1, text("y")).catch((e) => e);
    assert.ok(err instanceof StorageConflict);
    assert.ok(StorageConflict.isInstance(err));
    assert.equal(err.name, "StorageConflict");
    assert.equal(err.version, 1);
  });
});

describe("FileSystemStorage", () => {
  const fresh = (label) => join(root, `${label}-${Math.random().toString(16).slice(2)}`);

  it("creates its directories lazily and uses the documented layout", async () => {
    const dir = fresh("layout");
    const storage = new FileSystemStorage(join(dir, "nested"));
    assert.equal(existsSync(dir), false, "the constructor must not touch the disk");
    await storage.append(1, text("one"));
    await storage.append(2, text("two"));
    await storage.compact(1, text("state@1"));
    const base = join(dir, "nested");
    assert.deepEqual(readdirSync(join(base, "journal")), ["000000000002"]);
    assert.deepEqual(readdirSync(join(base, "snapshots")), ["000000000001"]);
    assert.deepEqual(readdirSync(join(base, "tmp")), []);
  });

  it("ignores stray temp files and removes those of dead writers on compaction", async () => {
    const dir = fresh("stray");
    const storage = new FileSystemStorage(dir);
    await storage.append(1, text("one"));
    // What a writer killed between write and link() leaves behind; pid 2^22+1 cannot exist on Linux.
    const stray = `${hostnameOf()}-4194305-deadbeefdeadbeef`;
    writeFileSync(join(dir, "tmp", stray), "half-written garbage");
    writeFileSync(join(dir, "tmp", "not-ours"), "unparseable name, foreign, recent");
    assert.equal(await storage.head(), 1);
    assert.deepEqual((await storage.load()).entries.map((e) => new TextDecoder().decode(e)), ["one"]);
    await storage.append(2, text("two"));
    await storage.compact(2, text("state@2"));
    const left = readdirSync(join(dir, "tmp"));
    assert.equal(left.includes(stray), false, "dead writer's temp file should be deleted");
    assert.equal(left.includes("not-ours"), true, "a recent foreign temp file must be left alone");
    // A recent foreign temp file might be a live writer on another host: entries stay until it is gone.
    assert.equal(readdirSync(join(dir, "journal")).length, 2);
    rmSync(join(dir, "tmp", "not-ours"));
    await storage.append(3, text("three"));
    await storage.compact(3, text("state@3"));
    assert.deepEqual(readdirSync(join(dir, "journal")), []);
    const loaded = await new FileSystemStorage(dir).load();
    assert.equal(loaded.snapshotVersion, 3);
    assert.equal(loaded.entries.length, 0);
  });

  it("compaction leaves entries in place while a live writer may not have seen the snapshot", async () => {
    // A live writer's temp file (this process's pid) stands for an append that started before the
    // snapshot was published. Freeing journal names under it could let its link() succeed on an
    // already-compacted version, so compaction must defer deleting entries to a later compaction.
    const dir = fresh("inflight");
    const storage = new FileSystemStorage(dir);
    for (let v = 1; v <= 3; v++) await storage.append(v, text(`e${v}`));
    const inflight = join(dir, "tmp", `${hostnameOf()}-${process.pid}-0123456789abcdef`);
    writeFileSync(inflight, "an append in flight");
    await storage.compact(2, text("state@2"));
    assert.deepEqual(readdirSync(join(dir, "journal")).sort(), ["000000000001", "000000000002", "000000000003"]);
    assert.equal((await storage.load()).snapshotVersion, 2, "the snapshot is published regardless");
    await assert.rejects(storage.append(2, text("stale")), { name: "StorageConflict" });
    rmSync(inflight);
    await storage.compact(3, text("state@3"));
    assert.deepEqual(readdirSync(join(dir, "journal")), []);
  });

  it("keeps the two newest snapshots and ignores files that are not versions", async () => {
    const dir = fresh("snapshots");
    const storage = new FileSystemStorage(dir);
    for (let v = 1; v <= 4; v++) {
      await storage.append(v, text(`e${v}`));
      await storage.compact(v, text(`state@${v}`));
    }
    assert.deepEqual(readdirSync(join(dir, "snapshots")).sort(), ["000000000003", "000000000004"]);
    writeFileSync(join(dir, "snapshots", "README"), "not a snapshot");
    writeFileSync(join(dir, "journal", ".DS_Store"), "not an entry");
    const loaded = await new FileSystemStorage(dir).load();
    assert.equal(loaded.snapshotVersion, 4);
    assert.equal(new TextDecoder().decode(loaded.snapshot), "state@4");
  });

  it("a fresh instance finds the head of a long journal with few probes (no listing)", async () => {
    const dir = fresh("gallop");
    const storage = new FileSystemStorage(dir);
    await storage.append(1, text("e1"));
    for (let v = 2; v <= 777; v++) writeFileSync(join(dir, "journal", String(v).padStart(12, "0")), `e${v}`);
    assert.equal(await new FileSystemStorage(dir).head(), 777);
    await new FileSystemStorage(dir).append(778, text("e778"));
    await assert.rejects(new FileSystemStorage(dir).append(500, text("x")), { name: "StorageConflict" });
    assert.equal((await new FileSystemStorage(dir).readSince(770)).length, 8);
  });

  it("rejects an empty dir argument", () => {
    assert.throws(() => new FileSystemStorage(""), TypeError);
  });

  it("surfaces I/O errors (a file where the directory should be)", async () => {
    const dir = fresh("eio");
    mkdirSync(dir);
    writeFileSync(join(dir, "journal"), "I am a file");
    await assert.rejects(new FileSystemStorage(dir).append(1, text("x")), (err) => err.name !== "StorageConflict");
  });
});

/** The host part of temp names, as fs.ts derives it (sanitised hostname). */
function hostnameOf() {
  return hostname().replace(/[^A-Za-z0-9.]/g, "_") || "host";
}
