// createKmsServer() and `kms-wasm serve` on loopback: the real SDK pointed at the endpoint, the
// HTTP error paths (never a hang or a crash), graceful close, and a data dir shared with
// in-process clients and with another process.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { connect } from "node:net";
import * as sdk from "@aws-sdk/client-kms";
import { createKmsServer, MemoryStorage, FileSystemStorage, KMSClient as WasmClient, CreateKeyCommand as WasmCreateKey, DescribeKeyCommand as WasmDescribeKey } from "kms-wasm";
import { bounded, kmsHeaders, raw, sdkClient, startCli, tempDir, run, cliPath, runReadmeBlock } from "./helpers/http-helpers.mjs";

const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);
const server = await createKmsServer({ storage: new MemoryStorage() });
after(() => server.close());

test("the real SDK works against the endpoint: round trip, exceptions, paginators, Region", async () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const kms = sdkClient({ endpoint: server.url, region: "eu-central-1", accessKeyId: "123456789012" });
  const { KeyMetadata, $metadata } = await kms.send(new sdk.CreateKeyCommand({ Description: "over http" }));
  assert.equal($metadata.httpStatusCode, 200);
  assert.match($metadata.requestId, /^[0-9a-f-]{36}$/);
  assert.match(KeyMetadata.Arn, /^arn:aws:kms:eu-central-1:123456789012:key\//);
  const { CiphertextBlob } = await kms.send(new sdk.EncryptCommand({ KeyId: KeyMetadata.Arn, Plaintext: enc("over the wire") }));
  assert.equal(dec((await kms.send(new sdk.DecryptCommand({ CiphertextBlob }))).Plaintext), "over the wire");

  const err = await kms.send(new sdk.DescribeKeyCommand({ KeyId: "00000000-0000-4000-8000-000000000000" })).catch((e) => e);
  assert.ok(err instanceof sdk.NotFoundException, `got ${err?.name}`);
  assert.equal(err.$metadata.httpStatusCode, 400);
  assert.equal(err.message, "Key 'arn:aws:kms:eu-central-1:123456789012:key/00000000-0000-4000-8000-000000000000' does not exist");

  for (let i = 0; i < 3; i++) await kms.send(new sdk.CreateKeyCommand({}));
  let n = 0;
  for await (const page of sdk.paginateListKeys({ client: kms, pageSize: 1 }, {})) n += page.Keys.length;
  assert.equal(n, 4);
});

test("x-amzn-RequestId and the JSON content type are on every response, errors included", async () => {
  const ok = await raw(server.url, { headers: kmsHeaders("ListKeys"), body: "{}" });
  assert.equal(ok.status, 200);
  assert.equal(ok.headers["content-type"], "application/x-amz-json-1.1");
  assert.match(ok.headers["x-amzn-requestid"], /^[0-9a-f-]{36}$/);
  assert.ok(Array.isArray(ok.json.Keys));
  // application/json is accepted too (curl, Postman)
  const json = await raw(server.url, { headers: kmsHeaders("ListKeys", { contentType: "application/json; charset=utf-8" }), body: "{}" });
  assert.equal(json.status, 200);
  // No Authorization at all: the default account and Region
  const unsigned = await raw(server.url, { headers: { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService.CreateKey" }, body: "{}" });
  assert.match(unsigned.json.KeyMetadata.Arn, /^arn:aws:kms:us-east-1:000000000000:key\//);
});

test("error paths answer AWS-like JSON errors and never hang", async () => {
  const cases = [
    ["unknown target", { headers: kmsHeaders("NoSuchOperation"), body: "{}" }, 400, "UnknownOperationException"],
    ["missing target", { headers: { "Content-Type": "application/x-amz-json-1.1" }, body: "{}" }, 400, "UnknownOperationException"],
    ["foreign service target", { headers: { ...kmsHeaders("ListKeys"), "X-Amz-Target": "DynamoDB_20120810.ListTables" }, body: "{}" }, 400, "UnknownOperationException"],
    ["malformed JSON", { headers: kmsHeaders("ListKeys"), body: "{not json" }, 400, "SerializationException"],
    ["wrong member type", { headers: kmsHeaders("GenerateRandom"), body: '{"NumberOfBytes":"ten"}' }, 400, "SerializationException"],
    ["wrong content type", { headers: kmsHeaders("ListKeys", { contentType: "text/plain" }), body: "{}" }, 400, "UnknownOperationException"],
    ["missing content type", { headers: { "X-Amz-Target": "TrentService.ListKeys" }, body: "{}" }, 400, "UnknownOperationException"],
    ["malformed Region in scope", { headers: kmsHeaders("ListKeys", { region: "Not_A_Region" }), body: "{}" }, 400, "InvalidSignatureException"],
    ["GET /", { method: "GET" }, 405, "MethodNotAllowedException"],
    ["PUT /", { method: "PUT", headers: kmsHeaders("ListKeys"), body: "{}" }, 405, "MethodNotAllowedException"],
    ["another path", { path: "/v1/keys", headers: kmsHeaders("ListKeys"), body: "{}" }, 404, "UnknownOperationException"],
  ];
  for (const [name, req, status, type] of cases) {
    const res = await raw(server.url, req);
    assert.equal(res.status, status, `${name}: ${res.text}`);
    assert.equal(res.json?.__type, type, `${name}: ${res.text}`);
    // AWS sends text or no message member at all, never an empty string.
    assert.ok(res.json.message === undefined || (typeof res.json.message === "string" && res.json.message !== ""), name);
    assert.match(res.headers["x-amzn-requestid"] ?? "", /^[0-9a-f-]{36}$/, name);
    assert.equal(res.headers["content-type"], "application/x-amz-json-1.1", name);
  }
  assert.equal((await raw(server.url, { method: "GET" })).headers.allow, "POST");
});

test("an oversized body gets 413 with a JSON error, and the server stays up", async () => {
  const small = await createKmsServer({ storage: new MemoryStorage(), maxBodyBytes: 1024 });
  try {
    // Read and discarded (within the drain allowance): the client reads the 413 cleanly.
    const big = JSON.stringify({ NumberOfBytes: 1, Pad: "x".repeat(4096) });
    const res = await raw(small.url, { headers: kmsHeaders("GenerateRandom"), body: big });
    assert.equal(res.status, 413);
    assert.equal(res.json.__type, "RequestEntityTooLargeException");
    assert.match(res.headers["x-amzn-requestid"], /^[0-9a-f-]{36}$/);

    // Declared far past the limit: refused without reading the body, and the socket is closed
    // rather than left hanging.
    const answer = await bounded(new Promise((resolve, reject) => {
      const req = request(new URL(small.url), { method: "POST", agent: false, headers: { ...kmsHeaders("GenerateRandom"), "Content-Length": 512 * 1024 * 1024 } }, (r) => {
        const chunks = [];
        r.on("data", (c) => chunks.push(c));
        r.on("end", () => resolve({ status: r.statusCode, connection: r.headers.connection, json: JSON.parse(Buffer.concat(chunks)) }));
      });
      req.on("error", reject);
      req.write("x".repeat(1000)); // and never the rest
    }), 5000, "no 413 for a huge declared body");
    assert.equal(answer.status, 413);
    assert.equal(answer.connection, "close");
    assert.equal(answer.json.__type, "RequestEntityTooLargeException");

    // Expect: 100-continue with a large declared length is refused before the body is sent.
    const early = await bounded(new Promise((resolve, reject) => {
      const req = request(new URL(small.url), { method: "POST", agent: false, headers: { ...kmsHeaders("GenerateRandom"), "Content-Length": 4096, Expect: "100-continue" } }, (r) => {
        r.resume();
        r.on("end", () => resolve(r.statusCode));
      });
      req.on("continue", () => reject(new Error("server asked for the oversized body")));
      req.on("error", reject);
    }), 5000, "no early 413");
    assert.equal(early, 413);

    const ok = await raw(small.url, { headers: kmsHeaders("GenerateRandom"), body: '{"NumberOfBytes":4}' });
    assert.equal(ok.status, 200);
  } finally {
    await small.close();
  }
});

test("a client that disconnects mid-body or sends garbage does not crash the server", async () => {
  await new Promise((resolve) => {
    const socket = connect(server.port, "127.0.0.1", () => {
      socket.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: 100\r\n\r\n{\"Num");
      setTimeout(() => { socket.destroy(); resolve(); }, 50);
    });
  });
  await new Promise((resolve) => {
    const socket = connect(server.port, "127.0.0.1", () => socket.end("NOT HTTP AT ALL\r\n\r\n"));
    socket.on("close", resolve);
    socket.on("error", resolve);
    socket.resume();
  });
  assert.equal((await raw(server.url, { headers: kmsHeaders("ListKeys"), body: "{}" })).status, 200);
});

test("close() lets a request in flight finish, then refuses new connections", async () => {
  const s = await createKmsServer({ storage: new MemoryStorage() });
  const body = '{"NumberOfBytes":16}';
  let sendRest;
  const inflight = new Promise((resolve, reject) => {
    const req = request(new URL(s.url), { method: "POST", agent: false, headers: { ...kmsHeaders("GenerateRandom"), "Content-Length": body.length } }, (r) => {
      const chunks = [];
      r.on("data", (c) => chunks.push(c));
      r.on("end", () => resolve({ status: r.statusCode, json: JSON.parse(Buffer.concat(chunks)) }));
    });
    req.on("error", reject);
    req.write(body.slice(0, 5));
    sendRest = () => req.end(body.slice(5));
  });
  await new Promise((r) => setTimeout(r, 50)); // the server has the headers and part of the body
  const closed = s.close();
  sendRest();
  const res = await bounded(inflight, 5000, "in-flight request not answered");
  assert.equal(res.status, 200);
  assert.equal(Buffer.from(res.json.Plaintext, "base64").length, 16);
  await bounded(closed, 5000, "close() did not resolve");
  await assert.rejects(raw(s.url, { headers: kmsHeaders("ListKeys"), body: "{}", timeoutMs: 2000 }), { code: "ECONNREFUSED" });
  await s.close(); // idempotent
});

test("a server and in-process clients share one data dir", async () => {
  const { dir, cleanup } = tempDir();
  const s = await createKmsServer({ dataDir: dir });
  try {
    const remote = sdkClient({ endpoint: s.url });
    const local = new WasmClient({ region: "us-east-1", storage: new FileSystemStorage(dir) });
    const { KeyMetadata: viaServer } = await remote.send(new sdk.CreateKeyCommand({ Description: "via server" }));
    assert.equal((await local.send(new WasmDescribeKey({ KeyId: viaServer.KeyId }))).KeyMetadata.Description, "via server");
    const { KeyMetadata: viaLocal } = await local.send(new WasmCreateKey({ Description: "in process" }));
    assert.equal((await remote.send(new sdk.DescribeKeyCommand({ KeyId: viaLocal.KeyId }))).KeyMetadata.Description, "in process");
    const { CiphertextBlob } = await remote.send(new sdk.EncryptCommand({ KeyId: viaLocal.KeyId, Plaintext: enc("shared") }));
    const { Plaintext } = await local.send(new (await import("kms-wasm")).DecryptCommand({ CiphertextBlob }));
    assert.equal(dec(Plaintext), "shared");
  } finally {
    await s.close();
    cleanup();
  }
});

test("`kms-wasm serve` (the package bin) serves a data dir shared with this process, stops on SIGTERM, and restarts with the keys", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const cli = await startCli(["--data-dir", dir]);
    let keyId;
    try {
      assert.match(cli.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const remote = sdkClient({ endpoint: cli.url });
      const local = new WasmClient({ region: "us-east-1", storage: new FileSystemStorage(dir) });
      const { KeyMetadata } = await remote.send(new sdk.CreateKeyCommand({ Description: "other process" }));
      keyId = KeyMetadata.KeyId;
      assert.equal((await local.send(new WasmDescribeKey({ KeyId: keyId }))).KeyMetadata.Description, "other process");
      const { KeyMetadata: mine } = await local.send(new WasmCreateKey({ Description: "this process" }));
      assert.equal((await remote.send(new sdk.DescribeKeyCommand({ KeyId: mine.KeyId }))).KeyMetadata.Description, "this process");
    } finally {
      const exit = await cli.stop("SIGTERM");
      assert.equal(exit.code, 0, exit.stdout + exit.stderr);
      assert.match(exit.stdout, /SIGTERM, finishing requests in flight[\s\S]*stopped/);
    }
    const again = await startCli(["--data-dir", dir]);
    try {
      const remote = sdkClient({ endpoint: again.url });
      assert.equal((await remote.send(new sdk.DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata.Description, "other process");
    } finally {
      assert.equal((await again.stop("SIGINT")).code, 0);
    }
  } finally {
    cleanup();
  }
});

test("`kms-wasm` prints usage for --help and rejects bad arguments", async () => {
  const help = await run(process.execPath, [cliPath, "--help"], { timeoutMs: 10_000 });
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: kms-wasm serve/);
  const bad = await run(process.execPath, [cliPath, "serve", "--port", "nope"], { timeoutMs: 10_000 });
  assert.equal(bad.code, 2);
  const unknown = await run(process.execPath, [cliPath, "launch"], { timeoutMs: 10_000 });
  assert.equal(unknown.code, 2);
});

test("the README's createKmsServer example runs as written (on a free port and a temp dir)", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const r = await runReadmeBlock("createKmsServer({", (code) => code.replace("port: 4599", "port: 0").replace('dataDir: ".kms"', `dataDir: ${JSON.stringify(dir)}`));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Keys: \[\]/);
  } finally {
    cleanup();
  }
});
