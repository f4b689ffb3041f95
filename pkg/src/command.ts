/**
 * The command base class every generated `XxxCommand` extends, and the response-metadata types that
 * results and exceptions share.
 *
 * Owns: `Command`, `MetadataBearer`, `ResponseMetadata`, `HttpHandlerOptions`, `responseMetadata()`.
 * Must not: know operations (they are generated) or talk to the engine (that is `client.ts`).
 *
 * @module
 */

/**
 * Metadata the SDK attaches to every result and exception as `$metadata`.
 * Identical in shape to `@smithy/types`' `ResponseMetadata`.
 */
export interface ResponseMetadata {
  /** HTTP status the operation would have answered with (200, 400, 500). */
  httpStatusCode?: number;
  /** The request id (a UUID v4), as AWS returns in `x-amzn-RequestId`. */
  requestId?: string;
  /** Always `undefined`: KMS does not send one. */
  extendedRequestId?: string;
  /** Always `undefined`: no CloudFront in front of an emulator. */
  cfId?: string;
  /** Always 1: nothing is retried. */
  attempts?: number;
  /** Always 0: nothing is retried. */
  totalRetryDelay?: number;
}

/** Anything carrying `$metadata`: every command output and every exception. */
export interface MetadataBearer {
  /** Metadata about the request that produced this value. */
  $metadata: ResponseMetadata;
}

/**
 * Per-call options, as the SDK's `send(command, options)` takes them. Only `abortSignal` has an
 * effect: a signal already aborted when the call starts rejects it with an `AbortError`.
 */
export interface HttpHandlerOptions {
  /** Aborts the call if already aborted when the call starts. */
  abortSignal?: AbortSignal;
  /** Accepted for SDK compatibility; ignored (calls never touch the network). */
  requestTimeout?: number;
}

/**
 * Base class of every `XxxCommand`: it holds the request `input`; the operation name is the
 * subclass's static `operation`.
 *
 * @typeParam Input - the command's input type (`EncryptCommandInput`)
 * @typeParam Output - the command's output type (`EncryptCommandOutput`)
 *
 * @example
 * ```ts
 * const command = new EncryptCommand({ KeyId: "alias/app", Plaintext: bytes });
 * command.input.KeyId; // "alias/app"
 * ```
 */
export abstract class Command<Input extends object, Output extends MetadataBearer> {
  /** Carries the output type for `send`'s inference; never set at run time. */
  declare protected readonly __outputType?: Output;

  /** @param input - the request members, passed to the operation unchanged. */
  constructor(readonly input: Input) {}
}

/** Builds the `$metadata` the SDK attaches to results and exceptions alike. @internal */
export function responseMetadata(httpStatusCode: number, requestId: string): ResponseMetadata {
  return { httpStatusCode, requestId, extendedRequestId: undefined, cfId: undefined, attempts: 1, totalRetryDelay: 0 };
}
