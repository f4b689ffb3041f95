// Runs the shared storage contract over IndexedDBStorage in Node, on fake-indexeddb (an in-memory
// IndexedDB that follows the spec's transaction scheduling), plus what is specific to IndexedDB:
// the object-store layout, importState, deleteDatabase and two engines sharing one database.
// The same adapter runs in real Chromium in tests/browser/.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { IDBFactory, IDBKeyRange } from "fake-indexeddb";

import { CreateKeyCommand, DecryptCommand, EncryptCommand, IndexedDBStorage, KMSClient, ListKeysCommand } from "kms-wasm";
import { runStorageContract } from "./storage-contract.mjs";

// One factory for the whole file: same name ⇒ same database, as in one browser profile.
const indexedDB = new IDBFactory();
const make = (name) => new IndexedDBStorage(name, { indexedDB, IDBKeyRange });
const text = (s) => new TextEncoder().encode(s);

runStorageContract("IndexedDBStorage", (id) => make(`contract:${id}`));

/** The raw object stores, read without the adapter. */
async function rawKeys(name) {
  const db = await new Promise((resolve, reject) => {
    const open = indexedDB.open(name);
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  const keys = async (store) => new Promise((resolve) => {
    const req = db.transaction(store).objectStore(store).getAllKeys();
    req.onsuccess = () => resolve(req.result);
  });
  const out = { entries: await keys("entries"), snapshots: await keys("snapshots") };
  db.close();
  return out;
}

describe("IndexedDBStorage", () => {
  it("keeps entries by version and only the newest snapshot, with entries it covers deleted", async () => {
    const s = make("layout");
    for (let v = 1; v <= 5; v++) await s.append(v, text(`e${v}`));
    await s.compact(2, text("state@2"));
    await s.compact(4, text("state@4"));
    await s.close();
    assert.deepEqual(await rawKeys("layout"), { entries: [5], snapshots: [4] });
  });

  it("rejects an empty name, and says so when there is no IndexedDB at all", () => {
    assert.throws(() => make(""), TypeError);
    assert.throws(() => new IndexedDBStorage("x"), /IndexedDB is not available/);
  });

  it("importState writes an exported state into an empty database, and refuses a non-empty one", async () => {
    const source = make("export-source");
    for (let v = 1; v <= 4; v++) await source.append(v, text(`e${v}`));
    await source.compact(3, text("state@3"));
    const exported = await source.load();
    const target = make("export-target");
    await target.importState(exported);
    const loaded = await make("export-target").load();
    assert.equal(loaded.snapshotVersion, 3);
    assert.deepEqual(new Uint8Array(loaded.snapshot), text("state@3"));
    assert.deepEqual(loaded.entries.map((e) => new Uint8Array(e)), [text("e4")]);
    assert.equal(await target.head(), 4);
    await assert.rejects(target.importState(exported), { name: "StorageConflict" });
    await target.append(5, text("e5"));
  });

  it("deleteDatabase empties the store even while an instance is open; a reader ahead must reload", async () => {
    const a = make("reset");
    await a.append(1, text("e1"));
    await a.append(2, text("e2"));
    await IndexedDBStorage.deleteDatabase("reset", indexedDB);
    assert.equal(await a.head(), 0);
    await assert.rejects(a.readSince(2), { name: "SnapshotRequired" });
    await a.append(1, text("again"));
  });

  it("an instance open while another deletes the database is sent back to load(), even at an equal head", async () => {
    const a = make("recreated");
    await a.append(1, text("old 1"));
    await a.append(2, text("old 2"));
    await IndexedDBStorage.deleteDatabase("recreated", indexedDB);
    const b = make("recreated");
    await b.append(1, text("new 1"));
    await b.append(2, text("new 2"));
    await assert.rejects(a.readSince(2), { name: "SnapshotRequired" });
    assert.deepEqual((await a.load()).entries.map((e) => new TextDecoder().decode(e)), ["new 1", "new 2"]);
    assert.deepEqual(await a.readSince(2), []);
  });

  it("two clients on one database share keys and never lose a write", async () => {
    const a = new KMSClient({ region: "us-east-1", storage: make("kms-shared") });
    const b = new KMSClient({ region: "us-east-1", storage: make("kms-shared") });
    const created = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).send(new CreateKeyCommand({ Description: `k${i}` }))));
    const { Keys } = await a.send(new ListKeysCommand({}));
    assert.equal(Keys.length, 6);
    for (const { KeyMetadata } of created) assert.ok(Keys.some((k) => k.KeyId === KeyMetadata.KeyId));
    const { CiphertextBlob } = await a.send(new EncryptCommand({ KeyId: created[0].KeyMetadata.KeyId, Plaintext: text("hi") }));
    const { Plaintext } = await new KMSClient({ region: "us-east-1", storage: make("kms-shared") }).send(new DecryptCommand({ CiphertextBlob }));
    assert.equal(new TextDecoder().decode(Plaintext), "hi");
  });
});

describe("IndexedDBStorage damage (the same integrity checks as on disk)", () => {
  /** Runs `change(entriesStore)` in a raw readwrite transaction on database `name`. */
  async function tamper(name, change) {
    const db = await new Promise((resolve, reject) => {
      const open = indexedDB.open(name);
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    await new Promise((resolve, reject) => {
      const tx = db.transaction("entries", "readwrite");
      change(tx.objectStore("entries"));
      tx.oncomplete = resolve;
      tx.onabort = () => reject(tx.error);
    });
    db.close();
  }
  const damaged = (record) => (err) => {
    assert.equal(err.name, "KMSInternalException", err.message);
    assert.equal(err.$fault, "server");
    assert.match(err.message, new RegExp(`storage is damaged: ${record}`));
    return true;
  };

  it("a record removed, or one byte of a record changed, rejects every call naming the record", async () => {
    const name = `damage-${Date.now()}`;
    const kms = new KMSClient({ region: "us-east-1", storage: make(name) });
    for (let i = 0; i < 5; i++) await kms.send(new CreateKeyCommand({}));

    await tamper(name, (store) => {
      const get = store.get(4);
      get.onsuccess = () => {
        const bytes = new Uint8Array(get.result);
        bytes[bytes.length - 10] ^= 0x01;
        store.put(bytes, 4);
      };
    });
    await assert.rejects(new KMSClient({ region: "us-east-1", storage: make(name) }).send(new ListKeysCommand({})), damaged("entries/4"));

    await tamper(name, (store) => store.delete(2));
    const client = new KMSClient({ region: "us-east-1", storage: make(name) });
    await assert.rejects(client.send(new ListKeysCommand({})), damaged("entries/2: missing, but later entries exist"));
    await assert.rejects(client.send(new CreateKeyCommand({})), damaged("entries/2"));
    assert.deepEqual((await rawKeys(name)).entries, [1, 3, 4, 5], "the hole was not filled");
  });

  it("the newest entries deleted from outside are damage, not fewer writes, and are never written again", async () => {
    const name = `damage-tail-${Date.now()}`;
    const kms = new KMSClient({ region: "us-east-1", storage: make(name) });
    for (let i = 0; i < 4; i++) await kms.send(new CreateKeyCommand({}));
    await tamper(name, (store) => {
      store.delete(3);
      store.delete(4);
    });
    const client = new KMSClient({ region: "us-east-1", storage: make(name) });
    await assert.rejects(client.send(new ListKeysCommand({})), damaged("entries/3: missing, but version 4 was committed"));
    await assert.rejects(client.send(new CreateKeyCommand({})), damaged("entries/3"));
    assert.deepEqual((await rawKeys(name)).entries, [1, 2], "nothing was written in their place");
  });
});
