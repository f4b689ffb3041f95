/**
 * `createKmsServer()`: the KMS endpoint on node:http, for anything that speaks HTTP — the AWS CLI,
 * boto3, Terraform, other languages' SDKs, the JS SDK with `endpoint`.
 *
 * Owns: the HTTP transport around the shared door (`handler.ts`): method and path, body size,
 * socket hygiene, response headers, graceful close. Must not: interpret requests (the door and the
 * engine do), or be reachable from the browser-safe entry (it imports `node:http`).
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { FileSystemStorage } from "../storage/fs.js";
import { MemoryStorage } from "../storage/memory.js";
import { CONTENT_TYPE, envelope, kmsDoor, type KmsRequestHandlerOptions } from "./handler.js";
import { adminBacking, answerAdmin, isLoopbackHost } from "./admin.js";
import { applyCors, checkCors, type CorsOption } from "./cors.js";
import { engineFor, seedBytes } from "../engine.js";

/**
 * Options of {@link createKmsServer}.
 *
 * @example
 * ```ts
 * const options: KmsServerOptions = { port: 4599, dataDir: ".kms", accessKeyMap: { AKIDALICE: "111122223333" } };
 * ```
 */
export interface KmsServerOptions extends KmsRequestHandlerOptions {
  /** TCP port; default 0 (any free port — read it from the result). */
  port?: number;
  /** Interface to listen on; default "127.0.0.1" (loopback only: nothing is authenticated). */
  host?: string;
  /** Keep the keys in this directory (a `FileSystemStorage`). Ignored when `storage` is given. */
  dataDir?: string;
  /** Largest accepted request body; larger ones get 413. Default 1 MiB (AWS KMS requests are far smaller). */
  maxBodyBytes?: number;
  /**
   * Serve the admin paths: `GET /_kms-wasm/calls` (the call log as CloudTrail's `{"Records":[…]}`),
   * `DELETE /_kms-wasm/calls`, `POST /_kms-wasm/reset` and moto's `POST /moto-api/reset`, and
   * record every call for the log. Default: on when `host` is loopback by its spelling
   * (`127.x.x.x`, `::1`, `localhost`), off otherwise. Off, they answer 404 like any unknown path.
   */
  admin?: boolean;
  /**
   * Which browser origins may call the server (CORS): `true` any (`*`), `false` none, or an origin
   * or list of origins matched exactly. Default `true`: nothing here is authenticated anyway.
   */
  cors?: CorsOption;
  /**
   * How long a client may take to send a whole request, headers and body; a slower one gets 408
   * and the connection is closed, however it trickles its bytes. Default 30 000 ms.
   */
  requestTimeoutMs?: number;
  /** How long a client may take to send the request headers. Default 10 000 ms (at most `requestTimeoutMs`). */
  headersTimeoutMs?: number;
}

/**
 * A running server from {@link createKmsServer}.
 *
 * @example
 * ```ts
 * const server: KmsServer = await createKmsServer();
 * process.env.AWS_ENDPOINT_URL_KMS = server.url; // for SDKs and tools started after this
 * await server.close();
 * ```
 */
export interface KmsServer {
  /** The endpoint, e.g. "http://127.0.0.1:4599": pass it as the SDK's `endpoint` or `--endpoint-url`. */
  readonly url: string;
  /** The port actually bound. */
  readonly port: number;
  /** Whether the admin paths are served (see {@link KmsServerOptions.admin}). */
  readonly admin: boolean;
  /** Stops accepting connections, lets requests in flight finish, then resolves. Idempotent. */
  close(): Promise<void>;
}

// A body a little over the limit is read and discarded so the client can read our 413 instead of
// seeing a reset; past this much extra, the socket is closed instead of reading further.
const DRAIN_LIMIT = 8 * 1024 * 1024;
// In-flight requests get this long to finish on close() before their sockets are cut.
const CLOSE_GRACE_MS = 10_000;

/**
 * Starts a KMS endpoint speaking AWS JSON 1.1 exactly as AWS does: `POST /` with
 * `X-Amz-Target: TrentService.<Operation>`, base64 blobs, epoch-second timestamps, HTTP 400 with
 * `{"__type","message"}` for client errors, and `x-amzn-RequestId` on every response.
 *
 * - The Region comes from the SigV4 credential scope, the account from the access key
 *   (see `CallerMapping`); signatures are not verified.
 * - Content types `application/x-amz-json-1.1` and `application/json` are accepted; any other gets
 *   400 `UnknownOperationException` (AWS selects the protocol by content type).
 * - Other methods get 405 and other paths 404, each with a JSON error; bodies over `maxBodyBytes` get 413.
 * - On loopback (or with `admin: true`) the admin paths are served too: `GET /_kms-wasm/calls`,
 *   `DELETE /_kms-wasm/calls`, `POST /_kms-wasm/reset`, `POST /moto-api/reset` (docs/http.md).
 * - Browsers on other origins may call it (`cors`): every answer carries
 *   `Access-Control-Allow-Origin` and exposes `x-amzn-RequestId`; preflights get 204.
 * - Concurrent requests are serialised by the engine; with `dataDir`, other processes and
 *   in-process `KMSClient`s on the same directory share the keys safely.
 *
 * @param options - port, host, storage or dataDir, account mapping, body limit; all optional
 * @example
 * ```ts
 * import { createKmsServer } from "kms-wasm";
 * import { KMSClient, ListKeysCommand } from "@aws-sdk/client-kms";
 *
 * const server = await createKmsServer({ port: 4599, dataDir: ".kms" });
 * const kms = new KMSClient({ region: "us-east-1", endpoint: server.url,
 *   credentials: { accessKeyId: "x", secretAccessKey: "y" } });
 * console.log(await kms.send(new ListKeysCommand({})));
 * await server.close();
 * ```
 */
export async function createKmsServer(options: KmsServerOptions = {}): Promise<KmsServer> {
  const { port = 0, host = "127.0.0.1", dataDir, maxBodyBytes = 1024 * 1024, requestTimeoutMs = 30_000 } = options;
  const headersTimeoutMs = Math.min(options.headersTimeoutMs ?? 10_000, requestTimeoutMs);
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1) throw new TypeError("createKmsServer: maxBodyBytes must be a positive integer");
  for (const [what, ms] of [["requestTimeoutMs", requestTimeoutMs], ["headersTimeoutMs", headersTimeoutMs]] as const) {
    if (!Number.isInteger(ms) || ms < 1) throw new TypeError(`createKmsServer: ${what} must be a positive integer`);
  }
  // Resolved here rather than in the door, so the admin paths act on the door's own engine.
  const storage = options.storage ?? (dataDir !== undefined ? new FileSystemStorage(dataDir) : MemoryStorage.shared());
  const door = kmsDoor({ ...options, storage });
  const admin = options.admin ?? isLoopbackHost(host);
  const cors = checkCors(options.cors ?? true, "createKmsServer");
  const backing = adminBacking(storage, admin, resetRefusal(dataDir, options.storage));
  // The store is loaded and checked before listening: a damaged one is refused here, loudly,
  // instead of answering every call with a 500.
  await engineFor(storage, seedBytes(options.seed, "kms-wasm")).ready();
  let inFlight = 0;
  let closing: Promise<void> | undefined;

  // Loaded here, not at import: the package's cold start should not pay for node:http (bench h).
  const { createServer } = await import("node:http");
  const server = createServer({
    requestTimeout: requestTimeoutMs,
    headersTimeout: headersTimeoutMs,
    // Node checks those timeouts on this interval (default 30 s, which would stretch them).
    connectionsCheckingInterval: Math.min(1000, headersTimeoutMs),
  }, (req, res) => {
    inFlight++;
    res.on("close", () => {
      inFlight--;
      // A keep-alive socket that just finished its last request would otherwise hold close() open.
      if (closing) server.closeIdleConnections();
    });
    serve(req, res).catch((err: unknown) => {
      // Nothing acknowledged: the storage failed or a bug slipped through. Answer, never crash.
      send(res, 500, randomUUID(), envelope("KMSInternalException", `kms-wasm: ${String((err as Error)?.message ?? err)}`));
    });
  });
  // Malformed framing (a bad Content-Length, header junk, oversized headers) and timeouts never reach
  // a request handler: answer them in JSON with __type, as every other error, then close.
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    if (err.code === "ECONNRESET" || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, reason, code, message] = framingError(err, headersTimeoutMs, requestTimeoutMs);
    const body = envelope(code, message);
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nx-amzn-RequestId: ${randomUUID()}\r\nContent-Type: ${CONTENT_TYPE}\r\n` +
        `Content-Length: ${body.byteLength}\r\nConnection: close\r\n\r\n${new TextDecoder().decode(body)}`,
    );
  });
  // A client that asks before sending a large body learns of the limit before sending it.
  server.on("checkContinue", (req: IncomingMessage, res: ServerResponse) => {
    if (Number(req.headers["content-length"]) > maxBodyBytes) {
      if (applyCors(cors, req, res)) return;
      res.setHeader("Connection", "close");
      send(res, 413, randomUUID(), tooLarge(maxBodyBytes));
      return;
    }
    res.writeContinue();
    server.emit("request", req, res);
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (applyCors(cors, req, res)) return;
    const url = req.url ?? "/";
    const query = url.indexOf("?");
    const path = query === -1 ? url : url.slice(0, query);
    // The KMS path "/" is never an admin path: it skips the admin router's await (a microtask
    // hop and a promise per request).
    if (admin && path !== "/" && (await answerAdmin(req, res, path, backing))) return;
    if (path !== "/") {
      req.resume();
      return send(res, 404, randomUUID(), envelope("UnknownOperationException", `No such resource ${JSON.stringify(path)}: KMS answers POST / only.`));
    }
    if (req.method !== "POST") {
      req.resume();
      res.setHeader("Allow", "POST");
      return send(res, 405, randomUUID(), envelope("MethodNotAllowedException", `Method ${req.method} is not allowed: KMS answers POST / only.`));
    }
    const body = await readBody(req, maxBodyBytes);
    if (body === "too-large") {
      if (!req.complete) res.setHeader("Connection", "close"); // we stopped reading: the socket cannot be reused
      return send(res, 413, randomUUID(), tooLarge(maxBodyBytes));
    }
    if (body === "aborted") return; // the client went away; nobody to answer
    const out = await door({ header: (name) => headerValue(req, name), body, sourceIp: req.socket.remoteAddress });
    send(res, out.status, out.requestId, out.body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${bound}`,
    port: bound,
    admin,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Every in-flight request is a few milliseconds of engine time; this only bounds a client
        // that stalls while sending its body.
        const timer = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        timer.unref();
        if (inFlight === 0) server.closeIdleConnections();
      });
      return closing;
    },
  };
}

/** Why a reset is refused for storage that is not in memory (the server never wipes it). */
function resetRefusal(dataDir: string | undefined, storage: unknown): string {
  // No path in the message: answers carry no local paths.
  const what = storage === undefined && dataDir !== undefined ? "its data directory" : "storage that is not a MemoryStorage";
  return `kms-wasm: this server keeps its keys in ${what}, which it never deletes (other processes may share it). ` +
    "Stop the server and start it on an empty directory instead, or run it in memory to reset between tests.";
}

/** Status, reason phrase, `__type` and message for an error node:http raised before any handler ran. */
function framingError(err: NodeJS.ErrnoException, headersMs: number, requestMs: number): [number, string, string, string] {
  if (err.code === "ERR_HTTP_REQUEST_TIMEOUT") {
    return [408, "Request Timeout", "RequestTimeoutException", `The request was not received completely within ${requestMs} ms (headers within ${headersMs} ms).`];
  }
  if (err.code === "HPE_HEADER_OVERFLOW") {
    return [431, "Request Header Fields Too Large", "RequestHeaderFieldsTooLargeException", "The request headers are too large."];
  }
  const what: Record<string, string> = {
    HPE_INVALID_CONTENT_LENGTH: "an invalid Content-Length header",
    HPE_UNEXPECTED_CONTENT_LENGTH: "both Content-Length and Transfer-Encoding",
    HPE_INVALID_TRANSFER_ENCODING: "an invalid Transfer-Encoding header",
    HPE_INVALID_HEADER_TOKEN: "an invalid header",
    HPE_INVALID_METHOD: "an invalid method",
    HPE_INVALID_URL: "an invalid request target",
    HPE_INVALID_VERSION: "an invalid HTTP version",
    HPE_INVALID_CHUNK_SIZE: "an invalid chunk size",
    HPE_LF_EXPECTED: "a line not ended by CRLF",
    HPE_CR_EXPECTED: "a line not ended by CRLF",
  };
  return [400, "Bad Request", "BadRequestException", `Malformed HTTP request: ${what[err.code ?? ""] ?? "it could not be parsed"}.`];
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(", ") : v;
}

function tooLarge(limit: number): Uint8Array {
  return envelope("RequestEntityTooLargeException", `Request body exceeds the limit of ${limit} bytes.`);
}

function send(res: ServerResponse, status: number, requestId: string, body: Uint8Array): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.statusCode = status;
  res.setHeader("x-amzn-RequestId", requestId);
  res.setHeader("Content-Type", CONTENT_TYPE);
  res.setHeader("Content-Length", body.byteLength);
  res.end(body);
}

/** The whole body, or why not: over the limit (after draining a bounded amount), or the client left. */
function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array | "too-large" | "aborted"> {
  return new Promise((resolve) => {
    const declared = Number(req.headers["content-length"]);
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    const finish = (v: Uint8Array | "too-large" | "aborted") => {
      req.off("data", onData);
      resolve(v);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit && !over) {
        chunks.push(chunk);
        return;
      }
      over = true;
      chunks.length = 0;
      if (size > limit + DRAIN_LIMIT) {
        // Stop reading; the 413 goes out with Connection: close and node closes the socket after it.
        req.pause();
        finish("too-large");
      }
    };
    req.on("data", onData);
    req.on("end", () => finish(over ? "too-large" : Buffer.concat(chunks, size)));
    req.on("error", () => finish("aborted"));
    req.on("close", () => { if (!req.complete) finish(over ? "too-large" : "aborted"); });
    // A declared length past both limits is refused without reading it at all.
    if (declared > limit + DRAIN_LIMIT) {
      over = true;
      req.pause();
      finish("too-large");
    }
  });
}
