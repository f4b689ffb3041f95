// The corruption suite: a FileSystemStorage directory damaged in every way the integrity checks
// claim to catch. Every case must end in a correct load (the whole acknowledged history) or a
// StorageDamaged naming the damaged file; never a silent partial load, and never a write that
// fills a hole. The journal runs with the fake engine (its state is the list of entries applied,
// so any loss shows); tests/js/storage-damage-kms.test.mjs repeats the main cases with the real
// engine, in process and through `kms-wasm serve`.
import assert from "node:assert/strict";
import { fork } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

import { FakeEngine } from "./helpers/fake-engine.mjs";
import { FileSystemStorage, integrity, Journal } from "./helpers/modules.mjs";

const WRITER = fileURLToPath(new URL("./helpers/journal-writer.mjs", import.meta.url));
const root = mkdtempSync(join(tmpdir(), "kms-wasm-corruption-"));
after(() => rmSync(root, { recursive: true, force: true }));

const name = (v) => String(v).padStart(12, "0");
let cases = 0;
const fresh = (label) => join(root, `${label}-${++cases}`);

/** Writes `count` entries "e1".."e<count>" through a journal compacting every `compactEvery`. */
async function build(dir, count, compactEvery) {
  const engine = new FakeEngine();
  const journal = new Journal(new FileSystemStorage(dir), engine, { compactEvery });
  for (let i = 1; i <= count; i++) await journal.run(engine.write(`e${i}`));
  await journal.run(engine.read()); // queued compactions have run
  await journal.close();
  return engine.state;
}

/** Every file under `dir` with its bytes, to prove a failed open or write changed nothing. */
function contents(dir) {
  const out = {};
  const walk = (rel) => {
    for (const entry of readdirSync(join(dir, rel))) {
      const path = join(rel, entry);
      if (statSync(join(dir, path)).isDirectory()) walk(path);
      else out[path] = readFileSync(join(dir, path)).toString("base64");
    }
  };
  walk("");
  return out;
}

/**
 * Opens `dir` and tries a write. Returns "loaded" when the state is exactly `history` (plus the
 * write), or the damaged record's name; fails the test on anything else: a silent partial load, a
 * damage error without a record, or a failed open that changed the directory.
 */
async function outcome(dir, history) {
  const before = contents(dir);
  const engine = new FakeEngine();
  const journal = new Journal(new FileSystemStorage(dir), engine, { compactEvery: 0 });
  try {
    await journal.run(engine.write("after"));
  } catch (err) {
    assert.equal(err.name, "StorageDamaged", `expected StorageDamaged, got ${err.name}: ${err.message}`);
    assert.match(err.record, /^(journal\/\d{12}|snapshots\/\d{12}|head)$/, err.message);
    assert.ok(!err.message.includes(root), `the message names an absolute path: ${err.message}`);
    assert.deepEqual(contents(dir), before, "a damaged store must not be written to");
    // Every later call fails the same way: the damage is not forgotten after the first report.
    await assert.rejects(journal.run(engine.read()), { name: "StorageDamaged", record: err.record });
    return err.record;
  }
  assert.deepEqual(engine.state, [...history, "after"], "a load that does not throw must hold every acknowledged entry");
  return "loaded";
}

describe("record format", () => {
  it("the checksum is CRC-32C: the standard check value, and byte-at-a-time agrees at every length", () => {
    assert.equal(integrity.crc32c(new TextEncoder().encode("123456789")), 0xe3069283);
    for (let n = 0; n <= 40; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
      let c = 0xffffffff;
      for (const b of bytes) {
        c ^= b;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
      }
      assert.equal(integrity.crc32c(bytes), (c ^ 0xffffffff) >>> 0, `length ${n}`);
    }
  });
});

describe("corruption suite (FileSystemStorage + Journal)", () => {
  // Two shapes: a journal only (no snapshot), and snapshots at 3 and 6 with entries 7 and 8 after.
  let plainDir;
  let plainHistory;
  let compactedDir;
  let compactedHistory;
  before(async () => {
    plainDir = join(root, "base-plain");
    plainHistory = await build(plainDir, 6, 0);
    compactedDir = join(root, "base-compacted");
    compactedHistory = await build(compactedDir, 8, 3);
    assert.deepEqual(readdirSync(join(compactedDir, "snapshots")), [name(3), name(6)]);
    assert.deepEqual(readdirSync(join(compactedDir, "journal")), [name(7), name(8)]);
  });
  const copy = (base, label) => {
    const dir = fresh(label);
    cpSync(base, dir, { recursive: true });
    return dir;
  };

  it("an undamaged directory loads completely (the baseline of every case)", async () => {
    assert.equal(await outcome(copy(plainDir, "ok"), plainHistory), "loaded");
    assert.equal(await outcome(copy(compactedDir, "ok"), compactedHistory), "loaded");
  });

  it("each journal file removed in turn is a named error, and the hole is never filled", async () => {
    for (const [base, history, versions] of [[plainDir, plainHistory, [1, 2, 3, 4, 5, 6]], [compactedDir, compactedHistory, [7, 8]]]) {
      for (const v of versions) {
        const dir = copy(base, `rm-${v}`);
        unlinkSync(join(dir, "journal", name(v)));
        assert.equal(await outcome(dir, history), `journal/${name(v)}`, `journal/${name(v)} removed`);
      }
    }
  });

  it("each file truncated at every length class is a named error", async () => {
    const files = [...[1, 3, 6].map((v) => [plainDir, plainHistory, `journal/${name(v)}`]),
      [compactedDir, compactedHistory, `journal/${name(7)}`], [compactedDir, compactedHistory, `snapshots/${name(6)}`]];
    for (const [base, history, file] of files) {
      const size = statSync(join(base, file)).size;
      // empty, inside the magic, inside the header, header only, inside the payload, without the
      // checksum, one byte short
      for (const length of [0, 2, 13, 24, Math.floor((24 + size - 4) / 2), size - 4, size - 1]) {
        const dir = copy(base, "truncate");
        truncateSync(join(dir, file), length);
        assert.equal(await outcome(dir, history), file, `${file} truncated to ${length} of ${size} bytes`);
      }
    }
  });

  it("any one byte changed in an entry or a snapshot is a named error", async () => {
    for (const [base, history, file] of [[plainDir, plainHistory, `journal/${name(2)}`], [compactedDir, compactedHistory, `snapshots/${name(6)}`], [compactedDir, compactedHistory, `journal/${name(8)}`]]) {
      const original = readFileSync(join(base, file));
      for (let at = 0; at < original.length; at++) {
        const dir = copy(base, "byte");
        const damaged = Buffer.from(original);
        damaged[at] ^= 0x20; // e.g. one base64 letter of key material changing case
        writeFileSync(join(dir, file), damaged);
        const got = await outcome(dir, history);
        // A flipped first byte of a record can make it look like the JSON of before format 1,
        // which the engine then fails to read: damage all the same, reported by the journal.
        assert.equal(got, file, `${file}: byte ${at} of ${original.length} changed`);
      }
    }
  });

  it("a changed head file is a correct load or a named error", async () => {
    const original = readFileSync(join(plainDir, "head"), "utf8");
    for (let at = 0; at < original.length; at++) {
      for (const ch of ["0", "9", "x"]) {
        if (original[at] === ch) continue;
        const dir = copy(plainDir, "head");
        writeFileSync(join(dir, "head"), original.slice(0, at) + ch + original.slice(at + 1));
        const got = await outcome(dir, plainHistory);
        assert.ok(got === "loaded" || got === "head" || /^journal\//.test(got), `head byte ${at} -> ${ch}: ${got}`);
      }
    }
  });

  it("a snapshot emptied, deleted, or replaced by an older one is a named error", async () => {
    let dir = copy(compactedDir, "snap-empty");
    writeFileSync(join(dir, "snapshots", name(6)), "");
    assert.equal(await outcome(dir, compactedHistory), `snapshots/${name(6)}`);

    // The older snapshot (3) is still there: loading it would silently drop versions 4..6.
    dir = copy(compactedDir, "snap-deleted");
    unlinkSync(join(dir, "snapshots", name(6)));
    assert.equal(await outcome(dir, compactedHistory), `journal/${name(4)}`);

    dir = copy(compactedDir, "snap-all-deleted");
    for (const v of [3, 6]) unlinkSync(join(dir, "snapshots", name(v)));
    assert.equal(await outcome(dir, compactedHistory), `journal/${name(1)}`);

    dir = copy(compactedDir, "snap-older");
    cpSync(join(dir, "snapshots", name(3)), join(dir, "snapshots", name(6)));
    assert.equal(await outcome(dir, compactedHistory), `snapshots/${name(6)}`);
  });

  it("a snapshot deleted after every entry was compacted is a named error (the head file remembers)", async () => {
    const base = fresh("all-compacted");
    const history = await build(base, 6, 3);
    assert.deepEqual(readdirSync(join(base, "journal")), []);
    const dir = copy(base, "all-compacted-rm");
    unlinkSync(join(dir, "snapshots", name(6)));
    assert.equal(await outcome(dir, history), `journal/${name(4)}`);
  });

  it("an entry replaced by another one, or by a snapshot, is a named error", async () => {
    let dir = copy(plainDir, "swap");
    cpSync(join(dir, "journal", name(2)), join(dir, "journal", name(5)));
    assert.equal(await outcome(dir, plainHistory), `journal/${name(5)}`);
    dir = copy(compactedDir, "kind");
    cpSync(join(dir, "snapshots", name(6)), join(dir, "journal", name(7)));
    assert.equal(await outcome(dir, compactedHistory), `journal/${name(7)}`);
    // The same entry from another store (same version, other history) breaks the chain.
    dir = copy(plainDir, "foreign");
    const foreign = fresh("foreign-src");
    const engine = new FakeEngine();
    const j = new Journal(new FileSystemStorage(foreign), engine, { compactEvery: 0 });
    for (const t of ["x1", "e2", "e3", "e4"]) await j.run(engine.write(t));
    cpSync(join(foreign, "journal", name(4)), join(dir, "journal", name(4)));
    assert.equal(await outcome(dir, plainHistory), `journal/${name(4)}`);
  });

  it("two processes opening a damaged directory at once both fail and write nothing", async () => {
    const dir = copy(plainDir, "race-open");
    unlinkSync(join(dir, "journal", name(3)));
    const before = contents(dir);
    const runs = await Promise.all([0, 1].map((n) => runWriter(dir, `p${n}`, 5)));
    for (const r of runs) {
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /StorageDamaged|storage is damaged: journal\/000000000003/);
      assert.equal(r.acks, 0);
    }
    assert.deepEqual(contents(dir), before);
  });

  it("damage while two processes are writing: their acknowledged writes stay, the next open names the file", async () => {
    const dir = fresh("race-write");
    await build(dir, 3, 0);
    // The damage happens once both writers have loaded the directory (printed "ready"): each has
    // journal/2 in memory already and keeps writing; a process that opens it later must refuse it.
    const ready = [];
    let damaged = false;
    let release;
    const bothReady = new Promise((resolve) => (release = resolve));
    const onReady = (n) => {
      ready.push(n);
      if (ready.length === 2) {
        const file = join(dir, "journal", name(2));
        const bytes = readFileSync(file);
        bytes[bytes.length - 6] ^= 0x20;
        writeFileSync(file, bytes);
        damaged = true;
        release();
      }
    };
    const runs = await Promise.all([0, 1].map((n) => runWriter(dir, `w${n}`, 40, { onReady: () => onReady(n) })));
    await bothReady;
    assert.ok(damaged);
    for (const r of runs) assert.equal(r.code, 0, r.stderr);
    assert.equal(runs[0].acks + runs[1].acks, 80);
    // The damaged entry is reported; nothing after it was lost (every one of the 83 files is there).
    assert.equal(readdirSync(join(dir, "journal")).length, 83);
    const engine = new FakeEngine();
    await assert.rejects(new Journal(new FileSystemStorage(dir), engine).open(), { name: "StorageDamaged", record: `journal/${name(2)}` });
  });
});

/** Runs helpers/journal-writer.mjs; `onReady` is called when it has loaded the directory. */
function runWriter(dir, tag, count, { onReady } = {}) {
  return new Promise((resolve) => {
    const child = fork(WRITER, [dir, tag, String(count), "0"], { stdio: ["ignore", "pipe", "pipe", "ipc"] });
    let stdout = "";
    let stderr = "";
    let seenReady = false;
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      if (!seenReady && /^ready$/m.test(stdout)) {
        seenReady = true;
        onReady?.();
      }
    });
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("close", (code) => resolve({ code, stderr, acks: (stdout.match(/^ack /gm) ?? []).length }));
  });
}
