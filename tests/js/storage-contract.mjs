// The storage adapter contract, as one suite run over every adapter (memory, fs, IndexedDB), in the
// manner of automerge-repo's runStorageAdapterTests. An adapter that passes it can back the journal.
//
// makeAdapter(id) must return (or resolve to) an adapter on the store identified by `id`: a new id
// gives an empty store, and the same id again gives a second instance on the same store.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";

const bytes = (...values) => new Uint8Array(values);
const text = (s) => new TextEncoder().encode(s);
const plain = (u8) => new Uint8Array(u8); // compare contents, not Buffer vs Uint8Array prototypes

let counter = 0;
const freshId = (label) => `${label}-${process.pid}-${++counter}-${randomBytes(4).toString("hex")}`;

async function rejectsWithName(promise, name) {
  await assert.rejects(promise, (err) => {
    assert.equal(err?.name, name, `expected ${name}, got ${err?.name}: ${err?.message}`);
    assert.ok(err instanceof Error);
    return true;
  });
}

/**
 * @param {string} name - adapter name for the test titles
 * @param {(id: string) => import("kms-wasm").StorageAdapter | Promise<import("kms-wasm").StorageAdapter>} makeAdapter
 */
export function runStorageContract(name, makeAdapter) {
  const open = async (id = freshId(name)) => ({ id, storage: await makeAdapter(id) });

  describe(`storage contract: ${name}`, () => {
    it("an empty store loads as no snapshot, version 0, no entries", async () => {
      const { storage } = await open();
      const loaded = await storage.load();
      assert.equal(loaded.snapshot, undefined);
      assert.equal(loaded.snapshotVersion, 0);
      assert.deepEqual(loaded.entries, []);
      assert.equal(await storage.head(), 0);
      assert.deepEqual(await storage.readSince(0), []);
    });

    it("append then head and readSince return the entries after a version, in order", async () => {
      const { storage } = await open();
      for (let v = 1; v <= 3; v++) await storage.append(v, text(`e${v}`));
      assert.equal(await storage.head(), 3);
      assert.deepEqual((await storage.readSince(0)).map(plain), [text("e1"), text("e2"), text("e3")]);
      assert.deepEqual((await storage.readSince(2)).map(plain), [text("e3")]);
      assert.deepEqual(await storage.readSince(3), []);
      const loaded = await storage.load();
      assert.equal(loaded.snapshotVersion, 0);
      assert.deepEqual(loaded.entries.map(plain), [text("e1"), text("e2"), text("e3")]);
    });

    it("appending an existing version is a StorageConflict and keeps the first entry", async () => {
      const { storage } = await open();
      await storage.append(1, text("first"));
      await assert.rejects(storage.append(1, text("second")), (err) => {
        assert.equal(err.name, "StorageConflict");
        assert.equal(err.version, 1);
        return true;
      });
      assert.deepEqual((await storage.readSince(0)).map(plain), [text("first")]);
      assert.equal(await storage.head(), 1);
    });

    it("concurrent appends of one version from two instances: exactly one wins", async () => {
      const { id, storage: a } = await open();
      const b = await makeAdapter(id);
      for (let v = 1; v <= 10; v++) {
        const results = await Promise.allSettled([a.append(v, text(`a${v}`)), b.append(v, text(`b${v}`))]);
        const won = results.filter((r) => r.status === "fulfilled");
        assert.equal(won.length, 1, `version ${v}: ${JSON.stringify(results.map((r) => r.status))}`);
        const lost = results.find((r) => r.status === "rejected");
        assert.equal(lost.reason.name, "StorageConflict");
      }
      assert.equal((await a.readSince(0)).length, 10);
      assert.equal(await b.head(), 10);
    });

    it("preserves the order of many entries", async () => {
      const { storage } = await open();
      const expected = [];
      for (let v = 1; v <= 60; v++) {
        const entry = text(`entry number ${v}`);
        expected.push(entry);
        await storage.append(v, entry);
      }
      assert.deepEqual((await storage.readSince(0)).map(plain), expected);
      assert.deepEqual((await storage.load()).entries.map(plain), expected);
      assert.deepEqual((await storage.readSince(45)).map(plain), expected.slice(45));
    });

    it("is binary safe: every byte value, an empty entry and a 1 MiB entry round-trip", async () => {
      const { id, storage } = await open();
      const all = new Uint8Array(256).map((_, i) => i);
      const big = new Uint8Array(randomBytes(1024 * 1024));
      await storage.append(1, all);
      await storage.append(2, new Uint8Array(0));
      await storage.append(3, big);
      await storage.append(4, bytes(0, 0, 0));
      const check = (entries) => {
        assert.equal(entries.length, 4);
        for (const e of entries) assert.ok(e instanceof Uint8Array);
        assert.deepEqual(plain(entries[0]), all);
        assert.equal(entries[1].length, 0);
        assert.equal(entries[2].length, big.length);
        assert.ok(Buffer.from(entries[2]).equals(Buffer.from(big)), "1 MiB entry differs");
        assert.deepEqual(plain(entries[3]), bytes(0, 0, 0));
      };
      check(await storage.readSince(0));
      check((await storage.load()).entries);
      check(await (await makeAdapter(id)).readSince(0));
    });

    it("copies bytes: mutating an appended or returned array does not change the store", async () => {
      const { storage } = await open();
      const entry = bytes(1, 2, 3);
      await storage.append(1, entry);
      entry[0] = 99;
      const [read] = await storage.readSince(0);
      assert.deepEqual(plain(read), bytes(1, 2, 3));
      read[1] = 99;
      assert.deepEqual(plain((await storage.readSince(0))[0]), bytes(1, 2, 3));
    });

    it("rejects bad versions: not a positive integer, or a gap after the head", async () => {
      const { storage } = await open();
      await assert.rejects(storage.append(0, bytes(1)));
      await assert.rejects(storage.append(1.5, bytes(1)));
      await assert.rejects(storage.append(-1, bytes(1)));
      await assert.rejects(storage.append(3, bytes(1)));
      assert.equal(await storage.head(), 0);
      await storage.append(1, bytes(1));
      assert.equal(await storage.head(), 1);
    });

    it("a second instance on the same store sees the first one's appends, and vice versa", async () => {
      const { id, storage: a } = await open();
      const b = await makeAdapter(id);
      await a.append(1, text("from a"));
      await a.append(2, text("from a again"));
      assert.equal(await b.head(), 2);
      assert.deepEqual((await b.readSince(0)).map(plain), [text("from a"), text("from a again")]);
      await b.append(3, text("from b"));
      assert.deepEqual((await a.readSince(2)).map(plain), [text("from b")]);
      assert.equal(await a.head(), 3);
      await rejectsWithName(a.append(3, text("late")), "StorageConflict");
      const fresh = await makeAdapter(id);
      assert.equal(await fresh.head(), 3);
      assert.equal((await fresh.load()).entries.length, 3);
    });

    describe("compaction", () => {
      const skipUnlessCompact = async (t, storage) => {
        if (typeof storage.compact !== "function") {
          t.skip(`${name} does not implement compact()`);
          return true;
        }
        return false;
      };

      it("load after compaction gives the snapshot and only the later entries", async (t) => {
        const { storage } = await open();
        if (await skipUnlessCompact(t, storage)) return;
        for (let v = 1; v <= 5; v++) await storage.append(v, text(`e${v}`));
        await storage.compact(3, text("state@3"));
        const loaded = await storage.load();
        assert.deepEqual(plain(loaded.snapshot), text("state@3"));
        assert.equal(loaded.snapshotVersion, 3);
        assert.deepEqual(loaded.entries.map(plain), [text("e4"), text("e5")]);
        assert.equal(await storage.head(), 5);
        assert.deepEqual((await storage.readSince(3)).map(plain), [text("e4"), text("e5")]);
        assert.deepEqual(await storage.readSince(5), []);
      });

      it("readSince behind the snapshot is SnapshotRequired", async (t) => {
        const { storage } = await open();
        if (await skipUnlessCompact(t, storage)) return;
        for (let v = 1; v <= 5; v++) await storage.append(v, text(`e${v}`));
        await storage.compact(3, text("state@3"));
        await rejectsWithName(storage.readSince(0), "SnapshotRequired");
        await rejectsWithName(storage.readSince(2), "SnapshotRequired");
      });

      it("compacting at the head: head stays, later appends continue, compacted versions conflict", async (t) => {
        const { id, storage } = await open();
        if (await skipUnlessCompact(t, storage)) return;
        for (let v = 1; v <= 4; v++) await storage.append(v, text(`e${v}`));
        await storage.compact(4, text("state@4"));
        assert.equal(await storage.head(), 4);
        assert.deepEqual((await storage.load()).entries, []);
        // A writer that still believes the head is 1 must lose, even though entry 2 is gone.
        await rejectsWithName(storage.append(2, text("stale")), "StorageConflict");
        await rejectsWithName((await makeAdapter(id)).append(4, text("stale")), "StorageConflict");
        await storage.append(5, text("e5"));
        const loaded = await (await makeAdapter(id)).load();
        assert.equal(loaded.snapshotVersion, 4);
        assert.deepEqual(loaded.entries.map(plain), [text("e5")]);
        assert.equal(await (await makeAdapter(id)).head(), 5);
      });

      it("a newer compaction supersedes an older one; an older one after it is a no-op", async (t) => {
        const { storage } = await open();
        if (await skipUnlessCompact(t, storage)) return;
        for (let v = 1; v <= 6; v++) await storage.append(v, text(`e${v}`));
        await storage.compact(2, text("state@2"));
        await storage.compact(5, text("state@5"));
        await storage.compact(3, text("state@3"));
        const loaded = await storage.load();
        assert.equal(loaded.snapshotVersion, 5);
        assert.deepEqual(plain(loaded.snapshot), text("state@5"));
        assert.deepEqual(loaded.entries.map(plain), [text("e6")]);
      });

      it("compacting above the head is rejected and changes nothing", async (t) => {
        const { storage } = await open();
        if (await skipUnlessCompact(t, storage)) return;
        await storage.append(1, text("e1"));
        await assert.rejects(storage.compact(2, text("future")));
        const loaded = await storage.load();
        assert.equal(loaded.snapshotVersion, 0);
        assert.deepEqual(loaded.entries.map(plain), [text("e1")]);
      });

      it("another instance behind the compaction gets SnapshotRequired, then load() recovers", async (t) => {
        const { id, storage: a } = await open();
        if (await skipUnlessCompact(t, a)) return;
        const b = await makeAdapter(id);
        await a.append(1, text("e1"));
        assert.equal((await b.readSince(0)).length, 1);
        for (let v = 2; v <= 6; v++) await a.append(v, text(`e${v}`));
        await a.compact(5, text("state@5"));
        await rejectsWithName(b.readSince(1), "SnapshotRequired");
        const loaded = await b.load();
        assert.equal(loaded.snapshotVersion, 5);
        assert.deepEqual(plain(loaded.snapshot), text("state@5"));
        assert.deepEqual(loaded.entries.map(plain), [text("e6")]);
        assert.deepEqual(await b.readSince(6), []);
      });
    });

    it("close() (if any) resolves", async () => {
      const { storage } = await open();
      await storage.append(1, bytes(1));
      await storage.close?.();
    });
  });
}
