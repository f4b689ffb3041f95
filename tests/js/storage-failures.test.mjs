// Storage failures are KMS errors: a full disk (a small tmpfs), a read-only file system and
// injected I/O errors reject with KMSInternalException carrying the cause's code and no local
// path, acknowledge nothing, lose nothing acknowledged, and the next call works once the cause is
// gone. The tmpfs cases need root (mount); elsewhere they are skipped and the injected ones remain.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import { CreateKeyCommand, FileSystemStorage, KMSClient, ListKeysCommand, MemoryStorage, createKmsServer } from "kms-wasm";
import { cliPath, kmsHeaders, raw, run, tempDir } from "./helpers/http-helpers.mjs";

const { dir: root, cleanup } = tempDir("kms-failures-");

/** Mounts a tmpfs of `size` at a fresh directory; undefined when this machine does not allow it. */
function tmpfs(label, size) {
  const at = join(root, label);
  mkdirSync(at);
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size},mode=0700`, "tmpfs", at], { stdio: "ignore" });
    return at;
  } catch {
    return undefined;
  }
}
const mounted = [];
after(() => {
  for (const at of mounted) execFileSync("umount", [at], { stdio: "ignore" });
  cleanup();
});

function storageError(code, dir) {
  return (err) => {
    assert.equal(err.name, "KMSInternalException", `${err.name}: ${err.message}`);
    assert.equal(err.$fault, "server");
    assert.equal(err.$metadata.httpStatusCode, 500);
    assert.match(err.message, new RegExp(`storage failed: ${code}`));
    assert.match(err.message, /Nothing was acknowledged/);
    if (dir) assert.ok(!err.message.includes(dir), `path in: ${err.message}`);
    assert.equal(err.cause?.code, code, "the original error is kept as cause");
    return true;
  };
}

const keyIdsOf = async (client) => (await client.send(new ListKeysCommand({ Limit: 1000 }))).Keys.map((k) => k.KeyId).sort();

describe("storage failures", () => {
  it("a full disk (ENOSPC on a small tmpfs): KMSInternalException, nothing acknowledged lost, recovery once space is freed", async (t) => {
    const at = tmpfs("full", "512k");
    if (!at) return t.skip("cannot mount a tmpfs here (not root); the injected-failure test covers the mapping");
    mounted.push(at);
    const dir = join(at, "data");
    const client = new KMSClient({ region: "us-east-1", storage: new FileSystemStorage(dir) });
    const acked = [(await client.send(new CreateKeyCommand({}))).KeyMetadata.KeyId];
    // Leave room for only a few more entries.
    const filler = join(at, "filler");
    for (let size = 512 * 1024; size >= 1024; size = Math.floor(size / 2)) {
      try { writeFileSync(`${filler}-${size}`, Buffer.alloc(size)); } catch { /* full enough at this size */ }
    }
    let failure;
    for (let i = 0; i < 200 && !failure; i++) {
      try {
        acked.push((await client.send(new CreateKeyCommand({}))).KeyMetadata.KeyId);
      } catch (err) {
        failure = err;
      }
    }
    assert.ok(failure, "the disk never filled up");
    storageError("ENOSPC", at)(failure);
    assert.match(failure.message, /no space left on device/);
    // Over HTTP: the same error as JSON, no path.
    const server = await createKmsServer({ dataDir: dir });
    try {
      const res = await raw(server.url, { headers: kmsHeaders("CreateKey"), body: "{}" });
      assert.equal(res.status, 500);
      assert.equal(res.json.__type, "KMSInternalException");
      assert.match(res.json.message, /ENOSPC/);
      assert.ok(!res.text.includes(at), res.text);
    } finally {
      await server.close();
    }
    // Reads still work and show exactly the acknowledged keys.
    assert.deepEqual(await keyIdsOf(client), [...acked].sort());
    // Free the space: the same client writes again, without a restart.
    execFileSync("sh", ["-c", `rm -f ${filler}-*`]);
    acked.push((await client.send(new CreateKeyCommand({}))).KeyMetadata.KeyId);
    const fresh = new KMSClient({ region: "us-east-1", storage: new FileSystemStorage(dir) });
    assert.deepEqual(await keyIdsOf(fresh), [...acked].sort());
    const verify = await run(process.execPath, [cliPath, "verify", "--data-dir", dir]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  });

  it("a read-only file system (EROFS): writes fail as KMS errors, reads work, writes work again once it is writable", async (t) => {
    const at = tmpfs("ro", "4m");
    if (!at) return t.skip("cannot mount a tmpfs here (not root)");
    mounted.push(at);
    const dir = join(at, "data");
    const writer = new KMSClient({ region: "us-east-1", storage: new FileSystemStorage(dir) });
    const acked = [(await writer.send(new CreateKeyCommand({}))).KeyMetadata.KeyId];
    execFileSync("mount", ["-o", "remount,ro", at]);
    try {
      await assert.rejects(writer.send(new CreateKeyCommand({})), storageError("EROFS", at));
      // A fresh reader on the read-only directory loads it.
      const reader = new KMSClient({ region: "us-east-1", storage: new FileSystemStorage(dir) });
      assert.deepEqual(await keyIdsOf(reader), acked);
    } finally {
      execFileSync("mount", ["-o", "remount,rw", at]);
    }
    acked.push((await writer.send(new CreateKeyCommand({}))).KeyMetadata.KeyId);
    assert.deepEqual(await keyIdsOf(new KMSClient({ region: "us-east-1", storage: new FileSystemStorage(dir) })), [...acked].sort());
  });

  it("an injected EIO / EACCES from the adapter: KMSInternalException with the code and no path; the next call works", async () => {
    const inner = new MemoryStorage();
    let fail;
    const storage = {
      load: () => inner.load(),
      head: () => inner.head(),
      readSince: (v) => inner.readSince(v),
      async append(v, entry) {
        if (fail) throw Object.assign(new Error(`${fail}: injected failure, write '/srv/secret/kms/journal/${v}'`), { code: fail, syscall: "write", path: "/srv/secret" });
        return inner.append(v, entry);
      },
    };
    const client = new KMSClient({ region: "us-east-1", storage });
    const first = (await client.send(new CreateKeyCommand({}))).KeyMetadata.KeyId;
    for (const code of ["EIO", "EACCES"]) {
      fail = code;
      await assert.rejects(client.send(new CreateKeyCommand({})), (err) => {
        storageError(code, "/srv/secret")(err);
        assert.match(err.message, new RegExp(`${code} \\(injected failure\\) in write`));
        return true;
      });
    }
    fail = undefined;
    const second = (await client.send(new CreateKeyCommand({}))).KeyMetadata.KeyId;
    assert.deepEqual(await keyIdsOf(client), [first, second].sort());
    assert.equal(await inner.head(), 2, "the failed calls acknowledged nothing");
  });
});
