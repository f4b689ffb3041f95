// What node:http rejects before any handler runs (malformed framing, oversized headers, a client
// too slow to send its request) is answered like every other KMS error: JSON with __type and
// x-amzn-RequestId, then the connection is closed. `kms-wasm serve --host` beyond loopback warns
// that nothing is authenticated.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";

import { createKmsServer, MemoryStorage } from "kms-wasm";
import { bounded, cliPath, root } from "./helpers/http-helpers.mjs";

/** Writes `chunks` (strings; a number is a pause in ms) to a raw connection; resolves with the parsed answer once it closes. */
function rawExchange(port, chunks) {
  return bounded(new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let data = "";
    let open = true;
    socket.setEncoding("latin1");
    socket.on("data", (d) => (data += d));
    socket.on("error", (err) => (err.code === "ECONNRESET" || err.code === "EPIPE" ? undefined : reject(err)));
    socket.on("close", () => {
      open = false;
      const [head, ...rest] = data.split("\r\n\r\n");
      const [statusLine, ...headers] = head.split("\r\n");
      const h = Object.fromEntries(headers.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
      let json;
      try { json = JSON.parse(rest.join("\r\n\r\n")); } catch { json = undefined; }
      resolve({ status: Number(statusLine.split(" ")[1]), headers: h, json, raw: data });
    });
    socket.on("connect", async () => {
      for (const c of chunks) {
        if (!open) return;
        if (typeof c === "number") await new Promise((r) => setTimeout(r, c));
        else socket.write(c);
      }
    });
  }), 20_000, "no answer");
}

const assertKmsError = (res, status, type) => {
  assert.equal(res.status, status, res.raw);
  assert.equal(res.json?.__type, type, res.raw);
  assert.equal(typeof res.json.message, "string");
  assert.match(res.headers["x-amzn-requestid"] ?? "", /^[0-9a-f-]{36}$/);
  assert.equal(res.headers["content-type"], "application/x-amz-json-1.1");
};

describe("HTTP framing errors and timeouts", () => {
  let server;
  before(async () => {
    server = await createKmsServer({ storage: new MemoryStorage(), requestTimeoutMs: 400, headersTimeoutMs: 300 });
  });
  after(() => server.close());

  it("a bad Content-Length is a JSON 400 with __type", async () => {
    const res = await rawExchange(server.port, ["POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}"]);
    assertKmsError(res, 400, "BadRequestException");
    assert.match(res.json.message, /Content-Length/);
  });

  it("header junk is a JSON 400 with __type", async () => {
    const res = await rawExchange(server.port, ["POST / HTTP/1.1\r\nHo st: x\r\n\r\n"]);
    assertKmsError(res, 400, "BadRequestException");
  });

  it("oversized headers are a JSON 431 with __type", async () => {
    const res = await rawExchange(server.port, [`POST / HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(64 * 1024)}\r\n\r\n`]);
    assertKmsError(res, 431, "RequestHeaderFieldsTooLargeException");
  });

  it("a client dribbling its body cannot hold the connection: 408 in JSON, then closed", async () => {
    const dribble = Array.from({ length: 400 }, () => ["x", 50]).flat();
    const res = await rawExchange(server.port, [
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: TrentService.ListKeys\r\nContent-Length: 1000\r\n\r\n",
      ...dribble,
    ]);
    assertKmsError(res, 408, "RequestTimeoutException");
  });

  it("a client dribbling its headers cannot hold the connection either", async () => {
    const dribble = Array.from({ length: 400 }, (_, i) => [`X-H${i}: y\r\n`, 50]).flat();
    const res = await rawExchange(server.port, ["POST / HTTP/1.1\r\nHost: x\r\n", ...dribble]);
    assertKmsError(res, 408, "RequestTimeoutException");
  });

  it("a well-formed request on the same server still works", async () => {
    const body = "{}";
    const res = await rawExchange(server.port, [
      `POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: TrentService.ListKeys\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    ]);
    assert.equal(res.status, 200, res.raw);
  });
});

describe("kms-wasm serve --host", () => {
  /** Starts serve with `args`, waits for its endpoint line, stops it; resolves with its stderr. */
  const stderrOf = (args) => bounded(new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, "serve", "--port", "0", ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (c) => (stderr += c));
    child.stdout.on("data", (c) => {
      stdout += c;
      // The warning is written right after the endpoint line; the "try" line comes after both.
      if (/try {2}AWS_ENDPOINT_URL_KMS/.test(stdout)) child.kill("SIGTERM");
    });
    child.on("close", () => resolve(stderr));
  }), 30_000, "kms-wasm serve did not start and stop");

  it("warns that nothing is authenticated when listening beyond loopback, and not on loopback", async () => {
    assert.match(await stderrOf(["--host", "0.0.0.0"]), /WARNING: listening on 0\.0\.0\.0, beyond loopback\. Nothing is authenticated/);
    assert.doesNotMatch(await stderrOf([]), /WARNING/);
    assert.doesNotMatch(await stderrOf(["--host", "127.0.0.1"]), /WARNING/);
  });
});
