// A damaged data directory with the real engine: every in-process call rejects with
// KMSInternalException naming the damaged file (never an absolute path), the SDK through
// kmsRequestHandler gets the same as a 500, `kms-wasm serve` refuses to start, and a directory
// written before integrity checks (format 0) is migrated by its first open.
import assert from "node:assert/strict";
import { cpSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import { CreateKeyCommand as SdkCreateKey } from "@aws-sdk/client-kms";
import { CreateKeyCommand, DecryptCommand, EncryptCommand, FileSystemStorage, KMSClient, ListKeysCommand, createKmsServer, kmsRequestHandler } from "kms-wasm";
import { payloadOf } from "./helpers/fake-engine.mjs";
import { cliPath, run, sdkClient, tempDir } from "./helpers/http-helpers.mjs";

const { dir: root, cleanup } = tempDir("kms-damage-");
after(cleanup);
const name = (v) => String(v).padStart(12, "0");
let n = 0;
const copy = (base) => {
  const dir = join(root, `case-${++n}`);
  cpSync(base, dir, { recursive: true });
  return dir;
};

/** Asserts `promise` rejects as a damaged store does, naming `record`, and returns the error. */
async function rejectsDamaged(promise, record) {
  let caught;
  await assert.rejects(promise, (err) => {
    caught = err;
    assert.equal(err.name, "KMSInternalException", err.message);
    assert.equal(err.$fault, "server");
    assert.equal(err.$metadata.httpStatusCode, 500);
    assert.match(err.message, /storage is damaged/);
    assert.ok(err.message.includes(record), `${err.message} should name ${record}`);
    assert.ok(!err.message.includes(root), `absolute path in: ${err.message}`);
    return true;
  });
  return caught;
}

describe("a damaged data directory, with the real engine", () => {
  let base;
  let keyIds;
  before(async () => {
    base = join(root, "base");
    const client = new KMSClient({ region: "us-east-1", storage: new FileSystemStorage(base) });
    keyIds = [];
    for (let i = 0; i < 10; i++) keyIds.push((await client.send(new CreateKeyCommand({}))).KeyMetadata.KeyId);
    assert.deepEqual(readdirSync(join(base, "journal")).length, 10);
  });

  it("journal/1 removed: every call rejects with KMSInternalException naming it (was: 0 of 10 keys, silently)", async () => {
    const dir = copy(base);
    unlinkSync(join(dir, "journal", name(1)));
    const client = new KMSClient({ region: "us-east-1", storage: new FileSystemStorage(dir) });
    await rejectsDamaged(client.send(new ListKeysCommand({})), `journal/${name(1)}`);
    await rejectsDamaged(client.send(new CreateKeyCommand({})), `journal/${name(1)}`);
    assert.equal(readdirSync(join(dir, "journal")).length, 9, "the hole was not filled");
  });

  it("one base64 character of key material changed in an entry: a named error, not a different key", async () => {
    const dir = copy(base);
    const file = join(dir, "journal", name(4));
    const bytes = readFileSync(file);
    const text = bytes.toString("latin1");
    const at = text.indexOf('"materials":[{"id":');
    assert.ok(at > 0, "the entry holds the key's material");
    // Change the case of one letter of the secret bytes: still valid base64, another key.
    let i = text.indexOf('"bytes":"', at) + '"bytes":"'.length + 5;
    while (!/[A-Za-z]/.test(text[i])) i++;
    bytes[i] ^= 0x20;
    writeFileSync(file, bytes);
    const client = new KMSClient({ region: "us-east-1", storage: new FileSystemStorage(dir) });
    await rejectsDamaged(client.send(new EncryptCommand({ KeyId: keyIds[3], Plaintext: new Uint8Array([1]) })), `journal/${name(4)}`);
  });

  it("the real SDK through kmsRequestHandler gets a KMSInternalException (500), never a raw error", async () => {
    const dir = copy(base);
    unlinkSync(join(dir, "journal", name(10)));
    const sdk = sdkClient({ requestHandler: kmsRequestHandler({ storage: new FileSystemStorage(dir) }) });
    await assert.rejects(sdk.send(new SdkCreateKey({})), (err) => {
      assert.equal(err.name, "KMSInternalException");
      assert.equal(err.$metadata.httpStatusCode, 500);
      assert.match(err.message, /journal\/000000000010/);
      assert.ok(!err.message.includes(root));
      return true;
    });
  });

  it("createKmsServer and `kms-wasm serve` refuse to start on a damaged directory", async () => {
    const dir = copy(base);
    unlinkSync(join(dir, "journal", name(5)));
    await rejectsDamaged(createKmsServer({ dataDir: dir }), `journal/${name(5)}`);
    const r = await run(process.execPath, [cliPath, "serve", "--port", "0", "--data-dir", dir], { timeoutMs: 30_000 });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout, /listening/);
    assert.match(r.stderr, /storage is damaged: journal\/000000000005: missing, but later entries exist/);
    assert.match(r.stderr, /kms-wasm verify --data-dir/);
  });

  it("a directory from before integrity checks is migrated by its first open: same keys, now checked", async () => {
    const dir = copy(base);
    for (const file of readdirSync(join(dir, "journal"))) {
      const path = join(dir, "journal", file);
      writeFileSync(path, payloadOf(readFileSync(path))); // the engine's JSON, as format 0 stored it
    }
    unlinkSync(join(dir, "head"));
    const client = new KMSClient({ region: "us-east-1", storage: new FileSystemStorage(dir) });
    const { Keys } = await client.send(new ListKeysCommand({}));
    assert.deepEqual(Keys.map((k) => k.KeyId).sort(), [...keyIds].sort());
    assert.deepEqual(readdirSync(join(dir, "snapshots")), [name(10)], "migrated into a checked snapshot");
    assert.deepEqual(readdirSync(join(dir, "journal")), [], "the unchecked entries are gone");
    const { CiphertextBlob } = await client.send(new EncryptCommand({ KeyId: keyIds[0], Plaintext: new Uint8Array([7]) }));
    // A fresh process-like open reads the migrated directory with every check on.
    const again = new KMSClient({ region: "us-east-1", storage: new FileSystemStorage(dir) });
    assert.deepEqual((await again.send(new DecryptCommand({ CiphertextBlob }))).Plaintext, new Uint8Array([7]));
  });

  it("kms-wasm verify reports a sound directory, and a damaged one with what a repair drops; --repair keeps the sound prefix", async () => {
    const ok = await run(process.execPath, [cliPath, "verify", "--data-dir", copy(base)]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /is sound, through version 10/);

    const dir = copy(base);
    unlinkSync(join(dir, "journal", name(5)));
    const bytes = readFileSync(join(dir, "journal", name(8)));
    bytes[40] ^= 1;
    writeFileSync(join(dir, "journal", name(8)), bytes);
    const report = await run(process.execPath, [cliPath, "verify", "--data-dir", dir]);
    assert.equal(report.code, 1, report.stdout + report.stderr);
    assert.match(report.stdout, /is damaged\n  journal\/000000000005: missing, but later entries exist\n/);
    assert.match(report.stdout, /the longest sound prefix ends at version 4\n/);
    assert.match(report.stdout, /discards 6 files: journal\/000000000006, journal\/000000000007, journal\/000000000008, journal\/000000000009, journal\/000000000010, head/);
    assert.match(report.stdout, /--repair/);
    assert.equal(readdirSync(join(dir, "journal")).length, 9, "verify alone changes nothing");

    const repaired = await run(process.execPath, [cliPath, "verify", "--data-dir", dir, "--repair"]);
    assert.equal(repaired.code, 0, repaired.stdout + repaired.stderr);
    const folder = /discarded files are in (damaged-[^/]+)\//.exec(repaired.stdout)?.[1];
    assert.ok(folder, repaired.stdout);
    assert.equal(readdirSync(join(dir, folder, "journal")).length, 5, "moved aside, not deleted");
    const client = new KMSClient({ region: "us-east-1", storage: new FileSystemStorage(dir) });
    const { Keys } = await client.send(new ListKeysCommand({}));
    assert.deepEqual(Keys.map((k) => k.KeyId).sort(), keyIds.slice(0, 4).sort());
    await client.send(new CreateKeyCommand({})); // writable again, from version 5
    assert.equal((await run(process.execPath, [cliPath, "verify", "--data-dir", dir])).code, 0);
  });

  it("kms-wasm serve refuses every kind of damage, naming the file (snapshot and entries)", async () => {
    // A directory with a snapshot at 10 (made by migrating a copy of base) and entries 11 and 12.
    const shaped = copy(base);
    for (const file of readdirSync(join(shaped, "journal"))) {
      const path = join(shaped, "journal", file);
      writeFileSync(path, payloadOf(readFileSync(path)));
    }
    const client = new KMSClient({ region: "us-east-1", storage: new FileSystemStorage(shaped) });
    await client.send(new CreateKeyCommand({}));
    await client.send(new CreateKeyCommand({}));
    assert.deepEqual(readdirSync(join(shaped, "snapshots")), [name(10)]);
    assert.deepEqual(readdirSync(join(shaped, "journal")), [name(11), name(12)]);
    const snap = `snapshots/${name(10)}`;
    const cases = [
      ["entry removed", (d) => unlinkSync(join(d, "journal", name(11))), `journal/${name(11)}`],
      ["last entry removed", (d) => unlinkSync(join(d, "journal", name(12))), `journal/${name(12)}`],
      ["entry truncated", (d) => writeFileSync(join(d, "journal", name(12)), readFileSync(join(d, "journal", name(12))).subarray(0, 30)), `journal/${name(12)}`],
      ["entry byte changed", (d) => { const p = join(d, "journal", name(11)); const b = readFileSync(p); b[b.length - 20] ^= 4; writeFileSync(p, b); }, `journal/${name(11)}`],
      ["snapshot byte changed", (d) => { const p = join(d, snap); const b = readFileSync(p); b[100] ^= 0x20; writeFileSync(p, b); }, snap],
      ["snapshot emptied", (d) => writeFileSync(join(d, snap), ""), snap],
      ["snapshot deleted", (d) => unlinkSync(join(d, snap)), `journal/${name(1)}`],
      ["entry replaced by another", (d) => writeFileSync(join(d, "journal", name(12)), readFileSync(join(d, "journal", name(11)))), `journal/${name(12)}`],
    ];
    for (const [label, damage, record] of cases) {
      const dir = copy(shaped);
      damage(dir);
      const r = await run(process.execPath, [cliPath, "serve", "--port", "0", "--data-dir", dir], { timeoutMs: 30_000 });
      assert.equal(r.code, 1, `${label}: ${r.stdout}${r.stderr}`);
      assert.doesNotMatch(r.stdout, /listening/, label);
      assert.ok(r.stderr.includes(`storage is damaged: ${record}:`), `${label}: ${r.stderr}`);
      const v = await run(process.execPath, [cliPath, "verify", "--data-dir", dir]);
      assert.equal(v.code, 1, `${label}: verify says ${v.stdout}`);
      assert.ok(v.stdout.includes(`  ${record}:`), `${label}: verify names ${record}: ${v.stdout}`);
    }
  });
});
