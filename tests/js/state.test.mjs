// exportState / importState: MemoryStorage → FileSystemStorage → IndexedDB (fake-indexeddb) with
// keys, aliases, grants and rotated materials intact, and old ciphertexts decrypting; the CLI.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { IDBFactory, IDBKeyRange } from "fake-indexeddb";

import {
  CreateAliasCommand, CreateGrantCommand, CreateKeyCommand, DecryptCommand, EncryptCommand, FileSystemStorage,
  IndexedDBStorage, KMSClient, ListAliasesCommand, ListGrantsCommand, ListKeyRotationsCommand, MemoryStorage,
  RotateKeyOnDemandCommand, exportState, importState,
} from "kms-wasm";

const text = (s) => new TextEncoder().encode(s);
const made = [];
const tmp = () => {
  const dir = mkdtempSync(join(tmpdir(), "kms-state-"));
  made.push(dir);
  return dir;
};
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});
const client = (storage) => new KMSClient({ region: "us-east-1", accountId: "111122223333", storage });

async function populate(kms) {
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: "exported" }));
  const KeyId = KeyMetadata.KeyId;
  const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId, Plaintext: text("before rotation") }));
  await kms.send(new RotateKeyOnDemandCommand({ KeyId }));
  await kms.send(new CreateAliasCommand({ AliasName: "alias/exported", TargetKeyId: KeyId }));
  await kms.send(new CreateGrantCommand({ KeyId, GranteePrincipal: "arn:aws:iam::111122223333:role/App", Operations: ["Decrypt"] }));
  return { KeyId, CiphertextBlob };
}

async function check(kms, { KeyId, CiphertextBlob }) {
  const out = await kms.send(new DecryptCommand({ CiphertextBlob }));
  assert.equal(new TextDecoder().decode(out.Plaintext), "before rotation");
  const aliases = (await kms.send(new ListAliasesCommand({ KeyId }))).Aliases;
  assert.deepEqual(aliases.map((a) => a.AliasName), ["alias/exported"]);
  assert.equal((await kms.send(new ListGrantsCommand({ KeyId }))).Grants.length, 1);
  assert.equal((await kms.send(new ListKeyRotationsCommand({ KeyId }))).Rotations.length, 1);
}

test("a state moves MemoryStorage → FileSystemStorage → IndexedDB intact", async () => {
  const memory = new MemoryStorage();
  const made = await populate(client(memory));
  const exported = await exportState(memory);
  const doc = JSON.parse(new TextDecoder().decode(exported));
  assert.equal(doc.format, "kms-wasm-state");
  assert.equal(doc.version, 1);
  assert.deepEqual(await exportState(memory), exported); // same state, same bytes

  const fs = new FileSystemStorage(tmp());
  await importState(fs, exported);
  await check(client(fs), made);

  const idb = new IndexedDBStorage("state-test", { indexedDB: new IDBFactory(), IDBKeyRange });
  await importState(idb, await exportState(fs));
  await check(client(idb), made);
  assert.deepEqual(await exportState(idb), exported);
});

test("importState refuses a storage that is not empty, and documents that are not states", async () => {
  const used = new MemoryStorage();
  await client(used).send(new CreateKeyCommand({}));
  const state = await exportState(used);
  await assert.rejects(importState(used, state), /not empty/);
  await assert.rejects(importState(new MemoryStorage(), text("{}")), /not a kms-wasm-state document/);
  await assert.rejects(importState(new MemoryStorage(), text("nope")), /not JSON/);
  const future = JSON.stringify({ ...JSON.parse(new TextDecoder().decode(state)), version: 99 });
  await assert.rejects(importState(new MemoryStorage(), future), /unsupported/);
});

test("kms-wasm export / import on the command line", async () => {
  const cli = new URL("../../pkg/dist/cli.js", import.meta.url).pathname;
  const source = tmp();
  const made = await populate(client(new FileSystemStorage(source)));
  const state = execFileSync(process.execPath, [cli, "export", "--data-dir", source]);
  const target = tmp();
  execFileSync(process.execPath, [cli, "import", "--data-dir", target], { input: state, stdio: ["pipe", "pipe", "pipe"] });
  await check(client(new FileSystemStorage(target)), made);
  assert.throws(() => execFileSync(process.execPath, [cli, "import", "--data-dir", target], { input: state, stdio: ["pipe", "pipe", "pipe"] }));
});
