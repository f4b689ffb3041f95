// The admin paths of createKmsServer / `kms-wasm serve`: reset (ours and moto's) and the call
// log, on by default on loopback, off beyond it unless asked for. Only loopback addresses are
// ever bound: "beyond loopback" is tested through the host decision itself, a loopback server
// with admin off, and the CLI started with a host *name* that is not loopback by its spelling but
// resolves to 127.0.0.1 here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { lookup } from "node:dns/promises";
import { hostname } from "node:os";
import * as sdk from "@aws-sdk/client-kms";
import { createKmsServer, MemoryStorage, KMSClient, CreateKeyCommand, ListKeysCommand } from "kms-wasm";
import { isLoopbackHost } from "../../pkg/dist/http/admin.js";
import { kmsHeaders, raw, sdkClient, startCli, startServer as start, tempDir } from "./helpers/http-helpers.mjs";

const keyIds = async (url) => (await raw(url, { headers: kmsHeaders("ListKeys"), body: "{}" })).json.Keys.map((k) => k.KeyId);
const createKey = async (url) => (await raw(url, { headers: kmsHeaders("CreateKey"), body: "{}" })).json.KeyMetadata.KeyId;

test("the admin default is decided by the host's spelling: loopback literals only", () => {
  for (const h of ["127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "::1", "[::1]", "::ffff:127.0.0.1"]) assert.equal(isLoopbackHost(h), true, h);
  // Anything else may be reachable from elsewhere, whatever it resolves to today.
  for (const h of ["0.0.0.0", "::", "192.168.1.5", "10.0.0.1", "example.com", "127.1", "localhost.localdomain", "vm", "128.0.0.1", "::2", ""]) {
    assert.equal(isLoopbackHost(h), false, h);
  }
});

test("POST /_kms-wasm/reset and moto's POST /moto-api/reset start over on an empty state", async () => {
  const server = await start();
  assert.equal(server.admin, true);
  for (const path of ["/_kms-wasm/reset", "/moto-api/reset"]) {
    await createKey(server.url);
    assert.equal((await keyIds(server.url)).length, 1);
    const res = await raw(server.url, { path });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json, { status: "ok" }); // moto's own answer
    assert.equal(res.headers["content-type"], "application/json");
    assert.deepEqual(await keyIds(server.url), [], path);
  }
  // The real SDK sees the empty state too, and keeps working after a reset.
  const kms = sdkClient({ endpoint: server.url });
  const { KeyMetadata } = await kms.send(new sdk.CreateKeyCommand({}));
  await raw(server.url, { path: "/_kms-wasm/reset" });
  const err = await kms.send(new sdk.DescribeKeyCommand({ KeyId: KeyMetadata.KeyId })).catch((e) => e);
  assert.ok(err instanceof sdk.NotFoundException, String(err));
});

test("a reset is durable on the server's store: in-process clients sharing it see it too", async () => {
  const name = `admin-shared-${process.pid}`;
  const server = await start({ storage: new MemoryStorage(name) });
  const local = new KMSClient({ region: "us-east-1", storage: new MemoryStorage(name) });
  await local.send(new CreateKeyCommand({}));
  assert.equal((await keyIds(server.url)).length, 1);
  assert.equal((await raw(server.url, { path: "/_kms-wasm/reset" })).status, 200);
  assert.deepEqual((await local.send(new ListKeysCommand({}))).Keys, []);
  await createKey(server.url);
  assert.equal((await local.send(new ListKeysCommand({}))).Keys.length, 1);
});

test("a reset with the wrong method is refused, as moto refuses it", async () => {
  const server = await start();
  const moto = await raw(server.url, { method: "GET", path: "/moto-api/reset" });
  assert.equal(moto.status, 400);
  assert.deepEqual(moto.json, { Error: "Need to POST to reset Moto" });
  const ours = await raw(server.url, { method: "GET", path: "/_kms-wasm/reset" });
  assert.equal(ours.status, 405);
  assert.equal(ours.headers.allow, "POST");
  assert.equal(ours.json.__type, "MethodNotAllowedException");
  const calls = await raw(server.url, { method: "POST", path: "/_kms-wasm/calls" });
  assert.equal(calls.status, 405);
  assert.equal(calls.headers.allow, "GET, DELETE");
  // An unknown path under the prefix is an unknown path like any other.
  assert.equal((await raw(server.url, { path: "/_kms-wasm/nothing" })).status, 404);
});

test("a seeded server is deterministic again after a reset", async () => {
  const server = await start({ seed: "admin-reset" });
  const first = [await createKey(server.url), await createKey(server.url)];
  await raw(server.url, { path: "/_kms-wasm/reset" });
  const again = [await createKey(server.url), await createKey(server.url)];
  assert.deepEqual(again, first);
});

test("with admin off the admin paths answer exactly like any unknown path, and reset nothing", async () => {
  const server = await start({ admin: false });
  assert.equal(server.admin, false);
  await createKey(server.url);
  const unknown = await raw(server.url, { path: "/no-such-path" });
  for (const [method, path] of [["POST", "/_kms-wasm/reset"], ["GET", "/_kms-wasm/calls"], ["DELETE", "/_kms-wasm/calls"], ["POST", "/moto-api/reset"], ["GET", "/moto-api/reset"]]) {
    const res = await raw(server.url, { method, path });
    assert.equal(res.status, unknown.status, `${method} ${path}`);
    assert.deepEqual(Object.keys(res.headers).sort(), Object.keys(unknown.headers).sort(), `${method} ${path}`);
    assert.equal(res.json.__type, unknown.json.__type);
    assert.equal(res.json.message, unknown.json.message.replace("/no-such-path", path));
  }
  assert.equal((await keyIds(server.url)).length, 1);
});

test("a server on a data dir refuses a reset with a JSON error and keeps its keys", async () => {
  const { dir, cleanup } = tempDir("kms-admin-");
  try {
    const server = await start({ storage: undefined, dataDir: dir });
    await createKey(server.url);
    for (const path of ["/_kms-wasm/reset", "/moto-api/reset"]) {
      const res = await raw(server.url, { path });
      assert.equal(res.status, 409, res.text);
      assert.equal(res.json.__type, "ResetNotSupportedException");
      assert.match(res.json.message, /its data directory, which it never deletes/);
      assert.equal(res.text.includes(dir), false, "no local path in the answer");
    }
    assert.equal((await keyIds(server.url)).length, 1);
    await server.close();
  } finally {
    cleanup();
  }
});

test("`kms-wasm serve` on loopback has the admin paths; on another host name only with --admin", async (t) => {
  const local = await startCli();
  try {
    await createKey(local.url);
    assert.equal((await raw(local.url, { path: "/moto-api/reset" })).status, 200);
    assert.deepEqual(await keyIds(local.url), []);
  } finally {
    assert.match((await local.stop()).stdout, /admin paths on: GET http:\/\/127\.0\.0\.1:\d+\/_kms-wasm\/calls/);
  }

  // A name that is not loopback by its spelling: the machine's host name, used only when it
  // resolves to loopback addresses alone here, so nothing but loopback is ever bound.
  const name = hostname();
  const addresses = await lookup(name, { all: true }).catch(() => []);
  if (isLoopbackHost(name) || addresses.length === 0 || !addresses.every((a) => isLoopbackHost(a.address))) {
    t.skip(`host name ${name} does not resolve to loopback only (${JSON.stringify(addresses)})`);
    return;
  }
  const off = await startCli(["--host", name]);
  try {
    const res = await raw(off.url, { path: "/_kms-wasm/reset" });
    assert.equal(res.status, 404);
    assert.equal(res.json.__type, "UnknownOperationException");
  } finally {
    assert.match((await off.stop()).stdout, /admin paths off/);
  }
  const on = await startCli(["--host", name, "--admin"]);
  try {
    assert.equal((await raw(on.url, { path: "/_kms-wasm/reset" })).status, 200);
  } finally {
    await on.stop();
  }
});

test("GET /_kms-wasm/calls is the call log in CloudTrail's file shape; DELETE empties it; a reset starts a new one", async () => {
  const server = await start();
  const kms = sdkClient({ endpoint: server.url, region: "eu-west-2", accessKeyId: "111122223333" });
  const { KeyMetadata, $metadata } = await kms.send(new sdk.CreateKeyCommand({ Description: "logged" }));
  const secret = "never in the log";
  const { CiphertextBlob } = await kms.send(new sdk.EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: new TextEncoder().encode(secret), EncryptionContext: { purpose: "test" } }));
  await kms.send(new sdk.DescribeKeyCommand({ KeyId: "alias/missing" })).catch(() => {});

  const res = await raw(server.url, { method: "GET", path: "/_kms-wasm/calls" });
  assert.equal(res.status, 200);
  assert.equal(res.headers["content-type"], "application/json");
  assert.deepEqual(Object.keys(res.json), ["Records"]);
  const [create, encrypt, failed] = res.json.Records;
  assert.equal(res.json.Records.length, 3);
  assert.equal(create.eventSource, "kms.amazonaws.com");
  assert.equal(create.eventName, "CreateKey");
  assert.equal(create.awsRegion, "eu-west-2");
  assert.equal(create.requestID, $metadata.requestId);
  assert.equal(create.sourceIPAddress, "127.0.0.1");
  assert.equal(create.userIdentity.accountId, "111122223333");
  assert.equal(encrypt.eventName, "Encrypt");
  assert.deepEqual(encrypt.requestParameters.encryptionContext, { purpose: "test" });
  assert.equal(failed.eventName, "DescribeKey");
  assert.equal(failed.errorCode, "NotFoundException");
  // No plaintext and no ciphertext, in any encoding.
  for (const s of [secret, Buffer.from(secret).toString("base64"), Buffer.from(CiphertextBlob).toString("base64")]) assert.ok(!res.text.includes(s), s);

  assert.deepEqual((await raw(server.url, { method: "DELETE", path: "/_kms-wasm/calls" })).json, { status: "ok" });
  assert.deepEqual((await raw(server.url, { method: "GET", path: "/_kms-wasm/calls" })).json, { Records: [] });
  assert.equal((await kms.send(new sdk.ListKeysCommand({}))).Keys.length, 1, "the keys stay");
  await raw(server.url, { method: "DELETE", path: "/_kms-wasm/calls" });

  await kms.send(new sdk.ListKeysCommand({}));
  await raw(server.url, { path: "/_kms-wasm/reset" });
  await kms.send(new sdk.ListAliasesCommand({}));
  const after = (await raw(server.url, { method: "GET", path: "/_kms-wasm/calls" })).json.Records;
  assert.deepEqual(after.map((e) => e.eventName), ["ListAliases"]);
});
