// FileSystemStorage + Journal under real processes: concurrent writers on one directory, SIGKILL
// mid-stream, and proof (by counting file-system calls, never by timing) that the per-call cost
// does not depend on the number of entries.
import assert from "node:assert/strict";
import { fork } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire, syncBuiltinESMExports } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

import { decode, historyOf } from "./helpers/fake-engine.mjs";
import { FileSystemStorage } from "./helpers/modules.mjs";

const WRITER = fileURLToPath(new URL("./helpers/journal-writer.mjs", import.meta.url));
const root = mkdtempSync(join(tmpdir(), "kms-wasm-durability-"));
after(() => rmSync(root, { recursive: true, force: true }));

/**
 * Starts a writer process. `acks` collects {version, text} for every complete "ack" line, in order;
 * `whenAcks(n)` resolves once n acks arrived (or the process exited).
 */
function startWriter(dir, tag, count, compactEvery) {
  const child = fork(WRITER, [dir, tag, String(count), String(compactEvery)], {
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  const acks = [];
  const waiters = [];
  let buffered = "";
  let exited = false;
  const wake = () => {
    for (const w of waiters.splice(0)) {
      if (exited || acks.length >= w.n) w.resolve();
      else waiters.push(w);
    }
  };
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk) => {
    buffered += chunk;
    const lines = buffered.split("\n");
    buffered = lines.pop(); // only complete lines count as reported
    for (const line of lines) {
      const [kind, version, text] = line.split(" ");
      if (kind === "ack") acks.push({ version: Number(version), text });
    }
    wake();
  });
  const exit = new Promise((resolveExit) =>
    child.on("exit", (code, signal) => {
      exited = true;
      wake();
      resolveExit({ code, signal });
    }),
  );
  // 'exit' can fire before the last stdout data; 'close' waits for the pipes to drain.
  const closed = new Promise((resolveClose) => child.on("close", resolveClose));
  const whenAcks = (n) => new Promise((resolveWait) => {
    waiters.push({ n, resolve: resolveWait });
    wake();
  });
  return { child, acks, exit, closed, whenAcks };
}

/** Every acknowledged entry must sit at the version that was acknowledged for it. */
function assertAcknowledgedPresent(history, acks) {
  for (const { version, text } of acks) {
    assert.equal(history[version - 1], text, `acknowledged ${text} at version ${version} is missing`);
  }
}

describe("durability (FileSystemStorage + Journal, real processes)", () => {
  it("4 processes x 50 writes on one directory: exactly 200 entries, none lost", async () => {
    const dir = join(root, "concurrent");
    const writers = ["p0", "p1", "p2", "p3"].map((tag) => startWriter(dir, tag, 50, 16));
    const results = await Promise.all(writers.map((w) => w.exit));
    await Promise.all(writers.map((w) => w.closed));
    for (const r of results) assert.deepEqual(r, { code: 0, signal: null });

    const history = await historyOf(new FileSystemStorage(dir));
    assert.equal(history.length, 200);
    assert.equal(new Set(history).size, 200, "an entry was duplicated");
    for (const w of writers) {
      assert.equal(w.acks.length, 50);
      assertAcknowledgedPresent(history, w.acks);
    }
    // Each process's own writes appear in the order it made them.
    for (const tag of ["p0", "p1", "p2", "p3"]) {
      const mine = history.filter((t) => t.startsWith(`${tag}:`));
      assert.deepEqual(mine, Array.from({ length: 50 }, (_, i) => `${tag}:${i}`));
    }
  });

  it("SIGKILL mid-stream, 20 times: every acknowledged entry survives and the directory loads", async () => {
    const dir = join(root, "killed");
    const acknowledged = [];
    for (let round = 0; round < 10; round++) {
      // Two writers race each other (and compaction, every 7 versions); both are killed at
      // different points: after a random number of acks, plus a random number of event-loop turns.
      const writers = [startWriter(dir, `r${round}a`, 0, 7), startWriter(dir, `r${round}b`, 0, 7)];
      await Promise.all(
        writers.map(async (w) => {
          await w.whenAcks(1 + Math.floor(Math.random() * 8));
          for (let spin = Math.floor(Math.random() * 20); spin > 0; spin--) await new Promise((r) => setImmediate(r));
          w.child.kill("SIGKILL");
          const { signal } = await w.exit;
          await w.closed;
          assert.equal(signal, "SIGKILL");
          acknowledged.push(...w.acks);
        }),
      );
      const history = await historyOf(new FileSystemStorage(dir));
      assertAcknowledgedPresent(history, acknowledged);
      assert.equal(new Set(history).size, history.length, "an entry was duplicated");
    }
    assert.ok(acknowledged.length >= 20);

    // After all that the directory still accepts writes and a fresh reader sees a consistent log.
    const survivor = startWriter(dir, "after", 5, 7);
    assert.deepEqual(await survivor.exit, { code: 0, signal: null });
    await survivor.closed;
    const history = await historyOf(new FileSystemStorage(dir));
    assertAcknowledgedPresent(history, [...acknowledged, ...survivor.acks]);
    assert.equal(history.at(-1), "after:4");
  });

  it("append/head/readSince cost does not grow with the number of entries and never lists the journal", async () => {
    const require = createRequire(import.meta.url);
    const fsp = require("node:fs/promises");
    const names = ["readdir", "opendir", "stat", "lstat", "open", "readFile", "access", "link", "rename", "unlink"];
    const original = Object.fromEntries(names.map((n) => [n, fsp[n]]));
    let log = [];
    const listed = [];
    for (const n of names) {
      fsp[n] = (...args) => {
        log.push({ call: n, path: String(args[0]) });
        if (n === "readdir" || n === "opendir") listed.push(resolve(String(args[0])));
        return original[n](...args);
      };
    }
    // Re-point the named ESM exports that fs.ts imported at the counting wrappers.
    syncBuiltinESMExports();
    try {
      const measure = async (count) => {
        const dir = join(root, `cost-${count}`);
        const journalDir = join(dir, "journal");
        // Private, as FileSystemStorage makes it (an older, looser directory is tightened once, by listing it).
        mkdirSync(journalDir, { recursive: true, mode: 0o700 });
        // Written directly (no fsync) to keep the test fast: the layout is the contract here.
        for (let v = 1; v <= count; v++) writeFileSync(join(journalDir, String(v).padStart(12, "0")), `e${v}`);
        const listsJournal = () => listed.filter((path) => path === resolve(journalDir)).length;

        listed.length = 0;
        const warm = new FileSystemStorage(dir);
        assert.equal(await warm.head(), count);
        log = [];
        await warm.append(count + 1, new TextEncoder().encode("new"));
        const appendCalls = log.length;
        log = [];
        assert.equal(await warm.head(), count + 1);
        const headCalls = log.length;
        log = [];
        assert.deepEqual((await warm.readSince(count)).map(decode), ["new"]);
        const readCalls = log.length;
        const warmListings = listsJournal();

        log = [];
        listed.length = 0;
        const fresh = new FileSystemStorage(dir);
        assert.equal(await fresh.head(), count + 1);
        const freshProbes = log.filter((e) => e.path.startsWith(journalDir)).length;
        assert.equal((await fresh.load()).entries.length, count + 1);
        await fresh.append(count + 2, new TextEncoder().encode("newer"));
        const freshListings = listsJournal();
        return { appendCalls, headCalls, readCalls, warmListings, freshProbes, freshListings };
      };

      const small = await measure(10);
      const large = await measure(10_000);
      assert.equal(small.warmListings + large.warmListings, 0, "the journal directory was listed on the per-call path");
      // load() lists it once, to find entries beyond a missing file (a gap); it reads every entry anyway.
      assert.equal(small.freshListings + large.freshListings, 2, "a fresh instance lists the journal once, in load()");
      assert.equal(large.appendCalls, small.appendCalls, `append: ${small.appendCalls} calls with 10 entries, ${large.appendCalls} with 10,000`);
      assert.equal(large.headCalls, small.headCalls);
      assert.equal(large.readCalls, small.readCalls);
      // A fresh instance gallops: O(log n) probes, about 2 * log2(10,000) = 27 here.
      assert.ok(large.freshProbes <= 2 * Math.ceil(Math.log2(10_001)) + 4, `fresh head() took ${large.freshProbes} probes`);
    } finally {
      for (const n of names) fsp[n] = original[n];
      syncBuiltinESMExports();
    }
  });
});
