/**
 * The exception base class and the mapping from a wire error envelope to an exception instance.
 *
 * Owns: `KMSServiceException` (name, `$fault`, `$metadata`, message), the duck-typed `instanceof`
 * that makes our exceptions and the real SDK's recognise each other, and `exceptionFromWire()`.
 * Must not: decide error codes or messages (Rust does) or know about storage.
 * This is the only module that constructs exceptions (CONVENTIONS.md, boundary rule 7).
 *
 * @module
 */
import { responseMetadata, type ResponseMetadata } from "./command.js";

/** Header bag of an HTTP message (`@smithy/types` HeaderBag). */
export type HeaderBag = Record<string, string>;

/** The raw HTTP response of a failed call (`@smithy/types` HttpResponse). Never set by kms-wasm. */
export interface HttpResponse {
  /** HTTP status code. */
  statusCode: number;
  /** HTTP reason phrase. */
  reason?: string;
  /** Response headers. */
  headers: HeaderBag;
  /** Response body. */
  body?: any;
}

/** Whether an error may be retried (`@smithy/types` RetryableTrait). */
export interface RetryableTrait {
  /** True for throttling errors. */
  readonly throttling?: boolean;
}

/** Constructor options of {@link KMSServiceException} (`@smithy` ServiceExceptionOptions). */
export interface ServiceExceptionOptions {
  /** The error code, e.g. "NotFoundException". */
  readonly name: string;
  /** Who is at fault. */
  readonly $fault: "client" | "server";
  /** The service name; unused. */
  readonly $service?: string;
  /** Retry hint; unused. */
  readonly $retryable?: RetryableTrait;
  /** The raw HTTP response; unused. */
  readonly $response?: HttpResponse;
  /** Response metadata. */
  $metadata: ResponseMetadata;
  /** Human-readable text. */
  message?: string;
}

/** Constructor options of a modeled exception: its own members, `message` and `$metadata` (the SDK's `ExceptionOptionType`). */
export type ExceptionOptionType<E extends Error, Base extends Error> = Omit<E, Exclude<keyof Base, "$metadata" | "message">>;

/**
 * Base class of every exception a kms-wasm call rejects with. Branch on `name` (the AWS error code)
 * or on the generated subclasses.
 *
 * `instanceof` is duck-typed like the SDK's (`@smithy` ServiceException): an exception from
 * `@aws-sdk/client-kms` is `instanceof` our `NotFoundException`, and ours is `instanceof` the SDK's.
 *
 * @example
 * ```ts
 * try {
 *   await client.send(new DescribeKeyCommand({ KeyId: "alias/missing" }));
 * } catch (err) {
 *   if (err instanceof NotFoundException) console.log(err.$metadata.requestId, err.message);
 *   else if (KMSServiceException.isInstance(err)) console.log(err.name, err.$fault);
 * }
 * ```
 */
export class KMSServiceException extends Error {
  /** Smithy shape id, the same as the SDK's, so the SDK's `instanceof` matches ours. */
  static readonly shapeId: string = "smithy.ts.sdk.synthetic.com.amazonaws.kms#KMSServiceException";
  /** "client" when the request was at fault, "server" otherwise. */
  readonly $fault: "client" | "server";
  /** Always undefined: there is no HTTP response in process. */
  $response?: HttpResponse;
  /** Always undefined. */
  $retryable?: RetryableTrait;
  /** Request metadata (status, request id). */
  $metadata: ResponseMetadata;

  /** @param options - name, `$fault`, `$metadata` and message. */
  constructor(options: ServiceExceptionOptions) {
    super(options.message);
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = options.name;
    this.$fault = options.$fault;
    this.$metadata = options.$metadata;
  }

  /** True for any KMS/Smithy service exception, ours or the SDK's (duck-typed on `$fault` and `$metadata`). */
  static isInstance(value: unknown): value is KMSServiceException {
    if (!value) return false;
    const v = value as { $fault?: unknown; $metadata?: unknown };
    return KMSServiceException.prototype.isPrototypeOf(v) || (Boolean(v.$metadata) && (v.$fault === "client" || v.$fault === "server"));
  }

  // Mirrors @smithy/core's ServiceException[Symbol.hasInstance] so that exceptions from another copy
  // of this package, or from the real SDK, satisfy `instanceof` when shape id or name matches.
  static override [Symbol.hasInstance](instance: unknown): boolean {
    if (!instance || !KMSServiceException.isInstance(instance)) return false;
    if (this === KMSServiceException || this.prototype.isPrototypeOf(instance)) return true;
    const targetId = Object.prototype.hasOwnProperty.call(this, "shapeId") ? (this as { shapeId?: string }).shapeId : undefined;
    let candidateHasId = false;
    for (let p = Object.getPrototypeOf(instance); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
      const ctor = p.constructor as { shapeId?: string } | undefined;
      if (ctor && Object.prototype.hasOwnProperty.call(ctor, "shapeId") && ctor.shapeId && !ctor.shapeId.includes("nonamespace.client#ServiceException")) {
        candidateHasId = true;
        if (ctor.shapeId === targetId) return true;
      }
    }
    if (targetId && candidateHasId) return false;
    return this.name.length >= 6 && (instance as { name?: unknown }).name === this.name;
  }
}

type ExceptionClass = new (opts: ExceptionOptionType<KMSServiceException, KMSServiceException>) => KMSServiceException;
// Filled by generated/errors.ts when it loads. A registry rather than an import, because errors.ts
// extends KMSServiceException: importing it from here would make an evaluation-order cycle.
const modeled = new Map<string, ExceptionClass>();

/** Registers the generated exception classes by wire name. @internal */
export function registerExceptions(classes: Readonly<Record<string, ExceptionClass>>): void {
  for (const [name, cls] of Object.entries(classes)) modeled.set(name, cls);
}

/**
 * Turns an AWS JSON 1.1 error envelope into the matching exception, as the SDK's error parser does:
 * the code comes from `__type` (else `code`), cut at "," and ":" and taken after "#"; the message from
 * `message` or `Message`, and "UnknownError" when the body has neither (AWS omits the message of
 * e.g. `KMSInvalidSignatureException` and `InvalidCiphertextException`; smithy's
 * `decorateServiceException` then sets "UnknownError", and so do we); every other body member,
 * `__type` (as sent) and `code` included, is copied on as the SDK copies it; an unknown code becomes
 * a `KMSServiceException` with that name and `$fault: "client"`.
 *
 * @internal
 */
export function exceptionFromWire(status: number, body: unknown, requestId: string): KMSServiceException {
  const b = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  const raw = typeof b.__type === "string" ? b.__type : typeof b.code === "string" ? b.code : "";
  const code = raw.split(/[,:]/)[0]!.split("#").pop()! || "UnknownError";
  // `||`, not `??`: smithy treats an empty message as absent too.
  const message = String(b.message || b.Message || "UnknownError");
  const $metadata = responseMetadata(status, requestId);
  const Modeled = modeled.get(code);
  const err = Modeled ? new Modeled({ message, $metadata }) : new KMSServiceException({ name: code, $fault: "client", message, $metadata });
  // The SDK's error parser assigns `message` onto an exception built without one, so there it is an
  // enumerable own member (seen by Object.keys, JSON.stringify, spreading); Error's own is not.
  Object.defineProperty(err, "message", { value: message, enumerable: true, writable: true, configurable: true });
  for (const [k, v] of Object.entries(b)) {
    if (k === "message" || k === "Message" || v === undefined) continue;
    const e = err as unknown as Record<string, unknown>;
    if (e[k] === undefined || e[k] === "") e[k] = v;
  }
  return err;
}

/** The exception a call rejects with when the wasm engine crashed (a Rust panic). @internal */
export function engineCrash(panic: string, requestId: string): KMSServiceException {
  const message = `kms-wasm engine crashed and was reloaded from storage: ${panic}`;
  const Internal = modeled.get("KMSInternalException");
  const $metadata = responseMetadata(500, requestId);
  return Internal ? new Internal({ message, $metadata }) : new KMSServiceException({ name: "KMSInternalException", $fault: "server", message, $metadata });
}

/**
 * The exception a call rejects with when the storage failed or is damaged: `KMSInternalException`
 * (server fault, 500), with a message that says what happened and carries the cause's code
 * (`ENOSPC`, `EACCES`, `EIO`, `QuotaExceededError`…) but never a local path, since it reaches HTTP
 * clients. Nothing was acknowledged. The original error stays available as `cause`, in process
 * only. @internal
 */
export function storageFailure(err: unknown, requestId: string): KMSServiceException {
  const e = (err ?? {}) as { name?: unknown; code?: unknown; message?: unknown; syscall?: unknown; record?: unknown; reason?: unknown };
  let message: string;
  if (e.name === "StorageDamaged" && typeof e.record === "string") {
    message =
      `kms-wasm storage is damaged: ${e.record}: ${String(e.reason)}. Nothing was loaded or written; ` +
      "every call fails until it is repaired. Inspect it with `kms-wasm verify --data-dir DIR` (see docs/storage.md in the kms-wasm package).";
  } else {
    const code = typeof e.code === "string" && /^[A-Z][A-Z0-9_]*$/.test(e.code) ? e.code : undefined;
    const text = String(e.message ?? err);
    // Node's "ENOSPC: no space left on device, write '/path'": keep the description, drop the path.
    const described = code ? new RegExp(`^${code}: ([^,']+)`).exec(text)?.[1]?.trim() : undefined;
    const cause = code
      ? `${code}${described ? ` (${described})` : ""}${typeof e.syscall === "string" ? ` in ${e.syscall}` : ""}`
      : e.name === "StorageConflict"
        ? "StorageConflict (too many writers raced for the same versions)"
        : `${typeof e.name === "string" && e.name !== "Error" ? `${e.name}: ` : ""}${withoutPaths(text)}`;
    message = `kms-wasm storage failed: ${cause}. Nothing was acknowledged; the call can be retried once the cause is gone.`;
  }
  const Internal = modeled.get("KMSInternalException");
  const $metadata = responseMetadata(500, requestId);
  const out = Internal ? new Internal({ message, $metadata }) : new KMSServiceException({ name: "KMSInternalException", $fault: "server", message, $metadata });
  Object.defineProperty(out, "cause", { value: err, enumerable: false, configurable: true, writable: true });
  return out;
}

/** `text` with anything that looks like an absolute file path or file URL replaced by `<path>`. */
function withoutPaths(text: string): string {
  return text.replace(/(?:file:\/\/)?(?:[A-Za-z]:)?[\\/](?:[^\s'",;)\\/]+[\\/])+[^\s'",;)]*/g, "<path>");
}
