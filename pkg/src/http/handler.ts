/**
 * `kmsRequestHandler()`: an SDK v3 `RequestHandler` that answers the real `@aws-sdk/client-kms`
 * in process, plus the door logic the HTTP server shares with it.
 *
 * Owns: turning one AWS JSON 1.1 HTTP request (headers + body bytes) into one `dispatchWire` call
 * and its answer: content type, target, caller scope, request ID, the response headers.
 * Must not: validate request members (that is the engine's job, behind the one wire), encode
 * blobs or timestamps (the SDK's serializers already did), or touch `node:*` (this module is in
 * the browser-safe graph).
 *
 * @module
 */
import { newRequestId } from "../request-id.js";
import { secondsReader, type Clock } from "../clock.js";
import { engineFor, seedBytes } from "../engine.js";
import { MemoryStorage } from "../storage/memory.js";
import type { StorageAdapter } from "../storage/adapter.js";
import { callerOf, checkCallerMapping, type Caller, type CallerMapping, type ResolvedCallerMapping } from "./scope.js";

/**
 * Options of {@link kmsRequestHandler}; also accepted by `createKmsServer`.
 *
 * @example
 * ```ts
 * const options: KmsRequestHandlerOptions = {
 *   storage: new MemoryStorage("tests"),
 *   accessKeyMap: { AKIDALICE: "111122223333" },
 *   clock: () => new Date("2030-01-01T00:00:00Z"),
 * };
 * ```
 */
export interface KmsRequestHandlerOptions extends CallerMapping {
  /**
   * Where keys are kept. Default: the process-wide shared `MemoryStorage` — the same store a
   * `KMSClient` from `kms-wasm` uses when it has no `storage`, so both see the same keys.
   */
  storage?: StorageAdapter;
  /** The request time the engine sees: a `Date` or epoch milliseconds. Default `Date.now`. */
  clock?: Clock;
  /**
   * Makes the storage's engine deterministic (reproducible key IDs, material and ciphertexts), as
   * `KMSClient`'s `seed` does; every user of one storage must give the same seed or none.
   */
  seed?: string | Uint8Array;
}

/**
 * The parts of smithy's `HttpRequest` this handler reads. The SDK passes its own `HttpRequest`;
 * calling `handle` by hand needs only this much.
 *
 * @example
 * ```ts
 * const request: KmsHttpRequest = {
 *   method: "POST", path: "/", body: '{"NumberOfBytes":16}',
 *   headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "TrentService.GenerateRandom" },
 * };
 * ```
 */
export interface KmsHttpRequest {
  /** "POST" for every KMS operation. */
  method?: string;
  /** "/" for KMS. */
  path?: string;
  /** Request headers; names in any case. */
  headers: Record<string, string | undefined>;
  /** The JSON body: a string, bytes, a Blob, a web `ReadableStream` or a Node `Readable`. */
  body?: unknown;
}

/**
 * The response handed back to the SDK: the shape of smithy's `HttpResponse`.
 *
 * @example
 * ```ts
 * const { response } = await kmsRequestHandler().handle(request);
 * JSON.parse(new TextDecoder().decode(response.body)); // { Plaintext: "…" } or { __type, message }
 * ```
 */
export interface KmsHttpResponse {
  /** 200, 400 for client faults, 500 for server faults. */
  statusCode: number;
  /** Lower-case header names, as the SDK's deserializers look them up. */
  headers: Record<string, string>;
  /** The response body bytes. */
  body: Uint8Array;
}

/**
 * What smithy calls a `RequestHandler` (and `HttpHandler`): pass it as the SDK's `requestHandler`.
 *
 * @example
 * ```ts
 * const handler: KmsRequestHandler = kmsRequestHandler();
 * const kms = new KMSClient({ region: "us-east-1", requestHandler: handler }); // from @aws-sdk/client-kms
 * ```
 */
export interface KmsRequestHandler {
  /** Tells smithy which protocol the handler speaks. */
  readonly metadata: { handlerProtocol: string };
  /** Answers one request. Rejects only if the request was aborted first; a storage failure or damage is answered as a 500 `KMSInternalException`. */
  handle(request: KmsHttpRequest, options?: { abortSignal?: { aborted: boolean } }): Promise<{ response: KmsHttpResponse }>;
  /** Accepted and ignored: there is no connection to configure. Present because smithy's `HttpHandler` interface has it. */
  updateHttpClientConfig(key: never, value: never): void;
  /** Always `{}`: there is no connection to configure. Present because smithy's `HttpHandler` interface has it. */
  httpHandlerConfigs(): Record<string, never>;
  /** Releases nothing: the engine and storage outlive the handler, as clients may share them. */
  destroy(): void;
}

/**
 * A request handler for the real `@aws-sdk/client-kms` that runs KMS in process instead of calling
 * AWS. The SDK still builds, signs and parses everything itself, so its own result types, exception
 * classes (`instanceof NotFoundException`), `$metadata` and paginators all work unchanged.
 *
 * The Region comes from the request's SigV4 credential scope (i.e. the client's `region`), the
 * account from the access key (see {@link CallerMapping}). Signatures are not verified. Works in
 * Node and in browsers.
 *
 * @param options - storage, account mapping and clock; all optional
 * @throws TypeError when an account in the options is not 12 digits.
 * @example
 * ```ts
 * import { KMSClient, CreateKeyCommand, paginateListKeys, NotFoundException } from "@aws-sdk/client-kms";
 * import { kmsRequestHandler, MemoryStorage } from "kms-wasm";
 *
 * const kms = new KMSClient({
 *   region: "eu-west-1",
 *   credentials: { accessKeyId: "111122223333", secretAccessKey: "unused" }, // → account 111122223333
 *   requestHandler: kmsRequestHandler({ storage: new MemoryStorage() }),
 * });
 * const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
 * console.log(KeyMetadata.Arn); // arn:aws:kms:eu-west-1:111122223333:key/…
 * ```
 */
export function kmsRequestHandler(options: KmsRequestHandlerOptions = {}): KmsRequestHandler {
  const door = kmsDoor(options);
  return {
    metadata: { handlerProtocol: "http/1.1" },
    async handle(request, handlerOptions) {
      if (handlerOptions?.abortSignal?.aborted) throw abortError();
      const headers = lowerCaseHeaders(request.headers);
      const body = await bodyBytes(request.body);
      // Checked again after reading a streamed body; once the engine has the request it runs to
      // the end, as a request already on the wire to AWS would.
      if (handlerOptions?.abortSignal?.aborted) throw abortError();
      const out = await door({ header: (name) => headers[name], body });
      return {
        response: {
          statusCode: out.status,
          headers: {
            "x-amzn-requestid": out.requestId,
            "content-type": CONTENT_TYPE,
            "content-length": String(out.body.byteLength),
          },
          body: out.body,
        },
      };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
    destroy() {},
  };
}

/** The content type of every answer, as AWS sends for JSON 1.1 services. @internal */
export const CONTENT_TYPE = "application/x-amz-json-1.1";

/** One request as the doors see it. @internal */
export interface DoorRequest {
  /** Reads a request header by lower-case name. */
  header(name: string): string | undefined;
  /** The whole request body. */
  body: Uint8Array;
  /** The caller's IP address, when the door knows it (the HTTP server's peer; the call log's `sourceIPAddress`). */
  sourceIp?: string;
}

/** One answer: the doors add their own headers around it. @internal */
export interface DoorResponse {
  status: number;
  body: Uint8Array;
  requestId: string;
}

/**
 * The door logic shared by `kmsRequestHandler` and `createKmsServer`: content type, scope, then
 * one `dispatchWire`. Rejects only with a non-AWS error (a storage failure); each door decides how
 * to report that. @internal
 */
export function kmsDoor(options: KmsRequestHandlerOptions = {}): (request: DoorRequest) => Promise<DoorResponse> {
  const mapping: ResolvedCallerMapping = checkCallerMapping(options);
  const storage = options.storage ?? MemoryStorage.shared();
  const seconds = secondsReader(options.clock ?? Date.now, "kms-wasm");
  const engine = engineFor(storage, seedBytes(options.seed, "kms-wasm"));
  return async ({ header, body, sourceIp }) => {
    const requestId = newRequestId();
    const refuse = (code: string, message: string): DoorResponse => ({ status: 400, requestId, body: envelope(code, message) });
    // AWS picks the protocol by content type; a request in none it speaks is an unknown operation.
    // AWS answers that with a bare `<UnknownOperationException/>`; we answer in JSON, which is
    // what every JSON 1.1 client can parse. application/json is accepted too (curl, Postman).
    const given = header("content-type") ?? "";
    const type = given === CONTENT_TYPE ? given : given.split(";")[0]!.trim().toLowerCase();
    if (type !== CONTENT_TYPE && type !== "application/json") {
      return refuse("UnknownOperationException", `Expected Content-Type ${CONTENT_TYPE}, got ${JSON.stringify(header("content-type") ?? "")}.`);
    }
    const caller = callerOf(header, mapping);
    if ("code" in caller) return refuse(caller.code, caller.message);
    const [head, tail] = ctxFrame(caller, sourceIp, header("user-agent"));
    // Only the request ID and the time differ between a client's calls: the rest of the context
    // is the same JSON text every time (ctxFrame), so it is built once per caller, peer and agent.
    const ctx = `${head}${JSON.stringify(requestId)},"now":${JSON.stringify(seconds())}${tail}`;
    // A missing or unknown target is answered by the engine (UnknownOperationException), so the
    // list of operations lives in one place: the generated Rust router.
    const target = (header("x-amz-target") ?? "").trim();
    try {
      const out = await engine.dispatchWire(target, ctx, body, requestId);
      return { status: out.status, body: out.body, requestId };
    } catch (err) {
      // The engine crashed and reloaded (KMSInternalException, already an AWS error): answer it
      // as AWS would answer an internal failure, so the SDK builds its own exception from it.
      const e = err as { name?: unknown; $fault?: unknown; message?: unknown; $metadata?: { httpStatusCode?: number } };
      if (typeof e?.name === "string" && (e.$fault === "server" || e.$fault === "client")) {
        return { status: e.$metadata?.httpStatusCode ?? 500, requestId, body: envelope(e.name, String(e.message ?? "")) };
      }
      throw err;
    }
  };
}

/** How many (peer, user agent) frames {@link ctxFrame} remembers per caller before starting over. */
const REMEMBERED_FRAMES = 64;
const frames = new WeakMap<Caller, Map<string, readonly [string, string]>>();

/**
 * The request context's JSON around its two per-call members, as `[head, tail]`:
 * `head + JSON(requestId) + ',"now":' + JSON(now) + tail` is exactly the text
 * `JSON.stringify({accountId, region, requestId, now, …})` gives, members in the same order.
 * Remembered per caller object: `callerOf` hands out one frozen object per credential scope.
 */
function ctxFrame(caller: Caller, sourceIp: string | undefined, userAgent: string | undefined): readonly [string, string] {
  const remember = Object.isFrozen(caller);
  const key = JSON.stringify([sourceIp ?? null, userAgent ?? null]);
  let known = remember ? frames.get(caller) : undefined;
  const hit = known?.get(key);
  if (hit !== undefined) return hit;
  const rest = JSON.stringify({
    ...(caller.principal ? { principal: caller.principal, identityPolicies: caller.identityPolicies ?? [] } : {}),
    // For the call log only (CloudTrail's sourceIPAddress, userAgent, userIdentity.accessKeyId).
    ...(sourceIp !== undefined && { sourceIpAddress: sourceIp }),
    ...(userAgent !== undefined && { userAgent }),
    ...(caller.accessKeyId && { accessKeyId: caller.accessKeyId }),
  });
  const frame = [
    `${JSON.stringify({ accountId: caller.accountId, region: caller.region }).slice(0, -1)},"requestId":`,
    rest === "{}" ? "}" : `,${rest.slice(1)}`,
  ] as const;
  if (remember) {
    if (known === undefined) frames.set(caller, (known = new Map()));
    if (known.size >= REMEMBERED_FRAMES) known.clear();
    known.set(key, frame);
  }
  return frame;
}

/** `{"__type","message"}` as bytes, the AWS JSON 1.1 error envelope. @internal */
export function envelope(code: string, message: string): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ __type: code, message }));
}

function lowerCaseHeaders(headers: Record<string, string | undefined> | undefined): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = v;
  return out;
}

/** Every body type smithy's serializers or a caller may hand a request handler, as bytes. */
async function bodyBytes(body: unknown): Promise<Uint8Array> {
  if (body === undefined || body === null) return new Uint8Array(0);
  if (typeof body === "string") return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  const b = body as { arrayBuffer?: () => Promise<ArrayBuffer>; getReader?: () => ReadableStreamDefaultReader<unknown> };
  if (typeof b.getReader === "function") return concat(readerChunks(b.getReader()));
  if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function") return concat(body as AsyncIterable<unknown>);
  if (typeof b.arrayBuffer === "function") return new Uint8Array(await b.arrayBuffer()); // Blob
  throw new TypeError(`kmsRequestHandler: unsupported request body type ${Object.prototype.toString.call(body)}`);
}

async function* readerChunks(reader: ReadableStreamDefaultReader<unknown>): AsyncIterable<unknown> {
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

async function concat(chunks: AsyncIterable<unknown>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    const bytes = typeof chunk === "string" ? new TextEncoder().encode(chunk) : await bodyBytes(chunk);
    parts.push(bytes);
    size += bytes.byteLength;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

// What smithy's own handlers throw, so retry and abort handling treat it the same way.
function abortError(): Error {
  return Object.assign(new Error("Request aborted"), { name: "AbortError" });
}
