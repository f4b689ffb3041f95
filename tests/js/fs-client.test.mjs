// End to end through the real package: KMSClient + FileSystemStorage across processes. Every key a
// process saw acknowledged exists afterwards, and every ciphertext it got decrypts — with several
// writers at once, and with writers killed by SIGKILL at random points.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DecryptCommand, FileSystemStorage, KMSClient, paginateListKeys } from "kms-wasm";

const writer = join(dirname(fileURLToPath(import.meta.url)), "helpers/kms-writer.mjs");

/** Starts a writer; resolves with its acks when it exits (or is killed). */
function startWriter(dir, tag, count) {
  const child = spawn(process.execPath, [writer, dir, tag, String(count)], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  const done = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  const acks = () =>
    out
      .split("\n")
      .filter((l) => l.startsWith("ack "))
      .map((l) => {
        const [, keyId, blob] = l.split(" ");
        return { keyId, blob: Buffer.from(blob, "base64") };
      });
  const ready = new Promise((resolve) => child.stdout.on("data", () => out.includes("ready") && resolve()));
  return { child, done, acks, ready };
}

async function verify(dir, acks) {
  const kms = new KMSClient({ region: "us-east-1", storage: new FileSystemStorage(dir) });
  const listed = new Set();
  for await (const page of paginateListKeys({ client: kms }, { Limit: 100 })) for (const k of page.Keys) listed.add(k.KeyId);
  for (const { keyId, blob } of acks) {
    assert.ok(listed.has(keyId), `acknowledged key ${keyId} is missing`);
    const { KeyId } = await kms.send(new DecryptCommand({ CiphertextBlob: blob }));
    assert.ok(KeyId.endsWith(keyId));
  }
  return listed.size;
}

test("four processes writing to one directory lose nothing", async () => {
  const dir = mkdtempSync(join(tmpdir(), "kms-fs-multi-"));
  try {
    const writers = ["a", "b", "c", "d"].map((tag) => startWriter(dir, tag, 15));
    const results = await Promise.all(writers.map((w) => w.done));
    assert.ok(results.every((r) => r.code === 0));
    const acks = writers.flatMap((w) => w.acks());
    assert.equal(acks.length, 60);
    assert.equal(await verify(dir, acks), 60);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("SIGKILL at random points never loses an acknowledged key", async () => {
  const dir = mkdtempSync(join(tmpdir(), "kms-fs-kill-"));
  try {
    const acks = [];
    for (let round = 0; round < 8; round++) {
      const w = startWriter(dir, `r${round}`, 0);
      await w.ready;
      await new Promise((r) => setTimeout(r, 40 + Math.floor(Math.random() * 160)));
      w.child.kill("SIGKILL");
      const { signal } = await w.done;
      assert.equal(signal, "SIGKILL");
      acks.push(...w.acks());
    }
    assert.ok(acks.length > 0, "the writers acknowledged something before being killed");
    assert.ok((await verify(dir, acks)) >= acks.length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
