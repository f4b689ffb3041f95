// Load on loopback: 8 real-SDK clients × 50 requests each, concurrently, against one server over a
// FileSystemStorage directory. Nothing may fail, be lost or be corrupted: every key created is
// listed afterwards (also by a fresh server on the same directory), and every ciphertext decrypts
// to what was encrypted. Bounded: 400 requests, well under 30 s.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import * as sdk from "@aws-sdk/client-kms";
import { createKmsServer, FileSystemStorage, KMSClient as WasmClient, ListKeysCommand as WasmListKeys } from "kms-wasm";
import { sdkClient, tempDir } from "./helpers/http-helpers.mjs";

const CLIENTS = 8;
const REQUESTS = 50;

async function listAll(send) {
  const ids = [];
  let Marker;
  do {
    const page = await send({ Limit: 100, Marker });
    ids.push(...page.Keys.map((k) => k.KeyId));
    Marker = page.Truncated ? page.NextMarker : undefined;
  } while (Marker);
  return ids;
}

test(`${CLIENTS} concurrent SDK clients × ${REQUESTS} requests: nothing lost or corrupted`, { timeout: 30_000 }, async () => {
  const { dir, cleanup } = tempDir("kms-load-");
  const started = Date.now();
  const server = await createKmsServer({ dataDir: dir });
  try {
    const created = [];
    const sealed = []; // {CiphertextBlob, plaintext}
    const worker = async (w) => {
      // maxAttempts 1: a retry must not hide a failure.
      const kms = sdkClient({ endpoint: server.url, maxAttempts: 1 });
      const mine = [];
      for (let j = 0; j < REQUESTS; j++) {
        if (j % 5 === 0) {
          const { KeyMetadata } = await kms.send(new sdk.CreateKeyCommand({ Description: `load ${w}/${j}` }));
          mine.push(KeyMetadata.KeyId);
          created.push(KeyMetadata.KeyId);
        } else if (j % 2 === 1) {
          const plaintext = randomBytes(1 + ((w * 131 + j * 17) % 512));
          const KeyId = mine[j % mine.length];
          const { CiphertextBlob } = await kms.send(new sdk.EncryptCommand({ KeyId, Plaintext: plaintext, EncryptionContext: { w: String(w), j: String(j) } }));
          sealed.push({ CiphertextBlob, plaintext, ctx: { w: String(w), j: String(j) } });
        } else {
          const last = sealed.filter((s) => s.ctx.w === String(w)).at(-1);
          if (!last) continue;
          const { Plaintext } = await kms.send(new sdk.DecryptCommand({ CiphertextBlob: last.CiphertextBlob, EncryptionContext: last.ctx }));
          assert.deepEqual(Buffer.from(Plaintext), last.plaintext);
        }
      }
      kms.destroy();
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, w) => worker(w)));
    assert.equal(created.length, CLIENTS * (REQUESTS / 5));
    assert.equal(new Set(created).size, created.length, "key IDs are unique");

    // Every key is listed through the server…
    const reader = sdkClient({ endpoint: server.url });
    const listed = new Set(await listAll((input) => reader.send(new sdk.ListKeysCommand(input))));
    for (const id of created) assert.ok(listed.has(id), `key ${id} listed`);
    // …every ciphertext decrypts to its plaintext…
    for (const s of sealed) {
      const { Plaintext } = await reader.send(new sdk.DecryptCommand({ CiphertextBlob: s.CiphertextBlob, EncryptionContext: s.ctx }));
      assert.deepEqual(Buffer.from(Plaintext), s.plaintext);
    }
    // …and the directory replays to the same state in a fresh in-process client.
    const fresh = new WasmClient({ region: "us-east-1", storage: new FileSystemStorage(dir) });
    const replayed = new Set(await listAll((input) => fresh.send(new WasmListKeys(input))));
    assert.deepEqual([...replayed].sort(), [...listed].sort());
  } finally {
    await server.close();
    cleanup();
  }
  assert.ok(Date.now() - started < 30_000, `took ${Date.now() - started} ms`);
});

test("a restarted server on the same directory still decrypts what the first one encrypted", { timeout: 30_000 }, async () => {
  const { dir, cleanup } = tempDir("kms-load-");
  try {
    const first = await createKmsServer({ dataDir: dir });
    const a = sdkClient({ endpoint: first.url });
    const { KeyMetadata } = await a.send(new sdk.CreateKeyCommand({}));
    // Concurrent writes on one key's neighbours while encrypting: the queue keeps them apart.
    const blobs = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      i % 4 === 0
        ? a.send(new sdk.CreateKeyCommand({})).then(() => undefined)
        : a.send(new sdk.EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: Buffer.from(`msg ${i}`) })).then((r) => [i, r.CiphertextBlob])));
    await first.close();

    const second = await createKmsServer({ dataDir: dir });
    try {
      const b = sdkClient({ endpoint: second.url });
      for (const entry of blobs.filter(Boolean)) {
        const [i, CiphertextBlob] = entry;
        assert.equal(Buffer.from((await b.send(new sdk.DecryptCommand({ CiphertextBlob }))).Plaintext).toString(), `msg ${i}`);
      }
      assert.equal((await b.send(new sdk.ListKeysCommand({}))).Keys.length, 6);
    } finally {
      await second.close();
    }
  } finally {
    cleanup();
  }
});
