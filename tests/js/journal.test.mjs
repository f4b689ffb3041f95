// White-box tests of the durability protocol (pkg/src/journal.ts) with a fake engine whose state is
// the list of entries it applied, over MemoryStorage and instrumented wrappers of it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { FakeEngine, decode, decodeRecord, historyOf, snapshotRecord } from "./helpers/fake-engine.mjs";
import { Journal, MemoryStorage, StorageConflict } from "./helpers/modules.mjs";

/** Wraps an adapter so a test can intercept calls; hooks receive the original arguments. */
function instrumented(inner, hooks = {}) {
  const calls = { load: 0, readSince: 0, append: 0, compact: 0 };
  const wrapper = {
    calls,
    async load() {
      calls.load++;
      return inner.load();
    },
    head: () => inner.head(),
    async readSince(v) {
      calls.readSince++;
      return inner.readSince(v);
    },
    async append(v, entry) {
      calls.append++;
      if (hooks.beforeAppend) await hooks.beforeAppend(v, entry);
      return inner.append(v, entry);
    },
    async compact(v, snapshot) {
      calls.compact++;
      if (hooks.compact) return hooks.compact(v, snapshot);
      return inner.compact(v, snapshot);
    },
  };
  return wrapper;
}

describe("Journal", () => {
  it("opens an empty store and a populated one, replaying snapshot + entries", async () => {
    const storage = new MemoryStorage();
    const first = new FakeEngine();
    const j1 = new Journal(storage, first);
    await j1.open();
    assert.equal(j1.version, 0);
    assert.equal(first.calls.restore, 1);
    for (const t of ["a", "b", "c"]) await j1.run(first.write(t));
    await storage.compact(2, await snapshotRecord(storage, 2, ["a", "b"]));

    const second = new FakeEngine();
    const j2 = new Journal(storage, second);
    await j2.open();
    assert.equal(j2.version, 3);
    assert.deepEqual(second.state, ["a", "b", "c"]);
    assert.equal(second.calls.apply, 1, "only the entry after the snapshot is replayed");
  });

  it("a read does not append; a write appends, commits and resolves with the dispatch result", async () => {
    const storage = instrumented(new MemoryStorage());
    const engine = new FakeEngine();
    const journal = new Journal(storage, engine);
    const read = await journal.run(engine.read());
    assert.equal(read.status, 200);
    assert.equal(storage.calls.append, 0);
    const written = await journal.run(engine.write("k1"));
    assert.equal(decode(written.body), "0");
    assert.equal(storage.calls.append, 1);
    assert.equal(engine.calls.commit, 1);
    assert.equal(journal.version, 1);
    assert.deepEqual(await historyOf(storage), ["k1"]);
  });

  it("serialises concurrent run() calls: one dispatch at a time, each after the previous append", async () => {
    let appending = false;
    let releaseFirst;
    const firstAppendGate = new Promise((resolve) => (releaseFirst = resolve));
    const storage = instrumented(new MemoryStorage(), {
      async beforeAppend(v) {
        appending = true;
        if (v === 1) await firstAppendGate;
        await new Promise((resolve) => setImmediate(resolve));
        appending = false;
      },
    });
    const engine = new FakeEngine();
    const journal = new Journal(storage, engine);
    const order = [];
    const runs = [];
    for (let i = 0; i < 20; i++) {
      const write = engine.write(`w${i}`);
      runs.push(
        journal.run(() => {
          assert.equal(appending, false, "dispatch ran while an append was in flight");
          order.push(i);
          return write();
        }),
      );
    }
    // While the first append is held, nothing else may reach the engine.
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(order, [0]);
    releaseFirst();
    await Promise.all(runs);
    assert.deepEqual(order, [...Array(20).keys()]);
    assert.equal(journal.version, 20);
    assert.deepEqual(await historyOf(storage), order.map((i) => `w${i}`));
  });

  it("the promise resolves only after the append resolved", async () => {
    let finishAppend;
    const storage = instrumented(new MemoryStorage(), {
      beforeAppend: () => new Promise((resolve) => (finishAppend = resolve)),
    });
    const engine = new FakeEngine();
    const journal = new Journal(storage, engine);
    let settled = false;
    const run = journal.run(engine.write("durable")).then(() => (settled = true));
    while (finishAppend === undefined) await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(settled, false);
    assert.equal(engine.calls.commit, 0, "commit must wait for the append");
    finishAppend();
    await run;
    assert.equal(settled, true);
  });

  it("conflict between two journals on one storage: the loser aborts, catches up and re-runs", async () => {
    const shared = new MemoryStorage();
    const a = new FakeEngine();
    const b = new FakeEngine();
    const ja = new Journal(shared, a);
    let interleave = true;
    const jb = new Journal(
      instrumented(shared, {
        async beforeAppend() {
          // Another process commits between b's catch-up and b's append: the race to reproduce.
          if (interleave) {
            interleave = false;
            await ja.run(a.write("from a"));
          }
        },
      }),
      b,
    );
    await jb.open();
    const result = await jb.run(b.write("from b"));
    assert.equal(decode(result.body), "1", "the re-run saw a's write first");
    assert.equal(b.calls.abort, 1);
    assert.equal(b.calls.dispatch, 2);
    assert.equal(jb.version, 2);
    assert.deepEqual(b.state, ["from a", "from b"]);
    await ja.run(a.read());
    assert.deepEqual(a.state, ["from a", "from b"]);
    assert.deepEqual(await historyOf(shared), ["from a", "from b"]);
  });

  it("many journals writing concurrently on one storage lose nothing and converge", async () => {
    const shared = new MemoryStorage();
    const engines = Array.from({ length: 4 }, () => new FakeEngine());
    // Yield inside append so the journals interleave and really race for versions.
    const journals = engines.map(
      (e) => new Journal(instrumented(shared, { beforeAppend: () => new Promise((r) => setImmediate(r)) }), e),
    );
    await Promise.all(
      journals.map(async (j, n) => {
        for (let i = 0; i < 25; i++) await j.run(engines[n].write(`${n}:${i}`));
      }),
    );
    const history = await historyOf(shared);
    assert.equal(history.length, 100);
    assert.equal(new Set(history).size, 100);
    assert.ok(engines.some((e) => e.calls.abort > 0), "the test should have produced conflicts");
    for (const [n, j] of journals.entries()) {
      await j.run(engines[n].read());
      assert.deepEqual(engines[n].state, history);
    }
  });

  it("gives up after maxRetries conflicts with a StorageConflict, nothing committed", async () => {
    const storage = instrumented(new MemoryStorage(), {
      beforeAppend(v) {
        throw new StorageConflict(v);
      },
    });
    const engine = new FakeEngine();
    const journal = new Journal(storage, engine, { maxRetries: 3 });
    await assert.rejects(journal.run(engine.write("never")), { name: "StorageConflict" });
    assert.equal(engine.calls.dispatch, 4);
    assert.equal(engine.calls.abort, 4);
    assert.equal(engine.calls.commit, 0);
    assert.equal(journal.version, 0);
  });

  it("an I/O error aborts the pending entry and rejects with that error; the next call works", async () => {
    let fail = true;
    const storage = instrumented(new MemoryStorage(), {
      beforeAppend() {
        if (fail) throw Object.assign(new Error("EIO: disk on fire"), { code: "EIO" });
      },
    });
    const engine = new FakeEngine();
    const journal = new Journal(storage, engine);
    await assert.rejects(journal.run(engine.write("lost")), { code: "EIO" });
    assert.equal(engine.calls.abort, 1);
    assert.equal(engine.calls.dispatch, 1, "an I/O error is not retried");
    assert.deepEqual(engine.state, []);
    assert.equal(journal.version, 0);
    fail = false;
    await journal.run(engine.write("kept"));
    assert.deepEqual(engine.state, ["kept"]);
    assert.deepEqual(await historyOf(storage), ["kept"]);
  });

  it("a throwing dispatch aborts and rejects without touching storage", async () => {
    const storage = instrumented(new MemoryStorage());
    const engine = new FakeEngine();
    const journal = new Journal(storage, engine);
    await assert.rejects(
      journal.run(() => {
        throw new Error("trap");
      }),
      /trap/,
    );
    assert.equal(engine.calls.abort, 1);
    assert.equal(storage.calls.append, 0);
    await journal.run(engine.write("after"));
    assert.equal(journal.version, 1);
  });

  it("a failed replay marks the engine stale and the next call reloads from storage", async () => {
    const storage = new MemoryStorage();
    const writer = new FakeEngine();
    const wj = new Journal(storage, writer);
    await wj.run(writer.write("one"));
    const reader = new FakeEngine();
    const rj = new Journal(storage, reader);
    await rj.open();
    await wj.run(writer.write("two"));
    const apply = reader.apply;
    reader.apply = () => {
      throw new Error("corrupt entry");
    };
    await assert.rejects(rj.run(reader.read()), /corrupt entry/);
    reader.apply = apply;
    await rj.run(reader.read());
    assert.deepEqual(reader.state, ["one", "two"]);
    assert.equal(reader.calls.restore, 2);
  });

  it("a reader behind a compaction reloads from the snapshot", async () => {
    const storage = new MemoryStorage();
    const writer = new FakeEngine();
    const wj = new Journal(storage, writer, { compactEvery: 0 });
    const reader = new FakeEngine();
    const rj = new Journal(storage, reader);
    await wj.run(writer.write("e1"));
    await rj.run(reader.read());
    for (let i = 2; i <= 10; i++) await wj.run(writer.write(`e${i}`));
    await storage.compact(8, await snapshotRecord(storage, 8, writer.state.slice(0, 8)));
    await rj.run(reader.read());
    assert.deepEqual(reader.state, writer.state);
    assert.equal(rj.version, 10);
    assert.equal(reader.calls.restore, 2);
  });

  it("compacts every compactEvery versions without delaying or failing calls", async () => {
    const inner = new MemoryStorage();
    const storage = instrumented(inner);
    const engine = new FakeEngine();
    const journal = new Journal(storage, engine, { compactEvery: 5 });
    for (let i = 1; i <= 12; i++) await journal.run(engine.write(`e${i}`));
    await journal.run(engine.read()); // queued compactions have run by now
    assert.equal(storage.calls.compact, 2);
    const loaded = await inner.load();
    assert.equal(loaded.snapshotVersion, 10);
    assert.deepEqual(loaded.entries.map(decodeRecord), ["e11", "e12"]);
    const again = new FakeEngine();
    await new Journal(inner, again).open();
    assert.deepEqual(again.state, engine.state);
  });

  it("compaction errors are ignored and lose nothing", async () => {
    const inner = new MemoryStorage();
    const storage = instrumented(inner, {
      compact() {
        throw new Error("ENOSPC");
      },
    });
    const engine = new FakeEngine();
    const journal = new Journal(storage, engine, { compactEvery: 3 });
    for (let i = 1; i <= 10; i++) await journal.run(engine.write(`e${i}`));
    await journal.close();
    assert.equal(storage.calls.compact, 3, "retried once per compactEvery, not on every write");
    assert.deepEqual(await historyOf(inner), engine.state);
    assert.equal(engine.state.length, 10);
  });

  it("rejects bad options", () => {
    assert.throws(() => new Journal(new MemoryStorage(), new FakeEngine(), { compactEvery: -1 }), RangeError);
    assert.throws(() => new Journal(new MemoryStorage(), new FakeEngine(), { maxRetries: 1.5 }), RangeError);
  });
});
