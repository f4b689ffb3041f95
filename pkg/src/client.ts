/**
 * `KMSClient`: the in-process twin of `@aws-sdk/client-kms`'s client.
 *
 * Owns: client configuration and its validation, the request context (account, region, request id,
 * clock), and `send()`: serialize → engine → deserialize or reject.
 * Must not: encode anything itself (`wire.ts`), build exceptions (`exceptions.ts`) or touch wasm
 * (`engine.ts`).
 *
 * @module
 */
import { Command, responseMetadata, type HttpHandlerOptions, type MetadataBearer } from "./command.js";
import { engineFor, seedBytes } from "./engine.js";
import { exceptionFromWire } from "./exceptions.js";
// Loads the generated exception classes, which register themselves for exceptionFromWire.
import "./generated/errors.js";
import { secondsReader, type Clock } from "./clock.js";
import { newRequestId } from "./request-id.js";
import { principalAccount } from "./principal.js";
import { MemoryStorage } from "./storage/memory.js";
import type { StorageAdapter } from "./storage/adapter.js";
import { fromWire, parseJson, toWireText } from "./wire.js";

/** Configuration of {@link KMSClient}. */
export interface KMSClientConfig {
  /**
   * AWS Region the keys live in, e.g. "us-east-1". As in the SDK, it may come from the
   * environment instead: `AWS_REGION` (or, under `emulateKms`, its Region), read at each `send`;
   * with none, `send` rejects with the SDK's `Error: Region is missing`.
   */
  region?: string;
  /** 12-digit AWS account id used in ARNs. Default "000000000000". */
  accountId?: string;
  /**
   * Accepted for SDK compatibility: nothing is signed or checked. A static `{ accessKeyId }` is
   * recorded as the caller's access key in the call log (`userIdentity.accessKeyId`).
   */
  credentials?: unknown;
  /**
   * Where keys are kept. Default: the process-wide shared {@link MemoryStorage}, so every client
   * created without `storage` sees the same keys.
   */
  storage?: StorageAdapter;
  /** Clock for key timestamps and expiry: a `Date` or epoch milliseconds. Default `Date.now`. */
  clock?: Clock;
  /**
   * Who is calling: an IAM principal ARN such as `"arn:aws:iam::111122223333:role/App"`,
   * `"arn:aws:iam::111122223333:user/alice"` or an assumed-role session
   * `"arn:aws:sts::111122223333:assumed-role/App/session"`. Default: the account root
   * (`arn:aws:iam::<accountId>:root`). Its account becomes `accountId` when that is not given.
   *
   * A principal other than the root is authorized like AWS does it: by the key policy, by
   * {@link KMSClientConfig.identityPolicies} when the key policy delegates to the account (the
   * default policy does), and by grants. A denied call rejects with `AccessDeniedException`.
   *
   * @example
   * ```ts
   * const app = new KMSClient({
   *   region: "us-east-1",
   *   principal: "arn:aws:iam::111122223333:role/App",
   *   identityPolicies: [{ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt"], Resource: "*" }] }],
   * });
   * ```
   */
  principal?: string;
  /**
   * IAM identity policies attached to {@link KMSClientConfig.principal} (policy documents, as
   * objects or JSON strings). They are ignored for the account root, which IAM always allows.
   * Default: none.
   */
  identityPolicies?: (string | object)[];
  /**
   * Whether key policies, identity policies and grants are enforced. Default `true`; `false` lets
   * every caller do everything (the pre-policy behaviour of emulators).
   */
  enforcePolicies?: boolean;
  /**
   * Makes the storage's engine deterministic: key IDs, key material, grant tokens and ciphertexts
   * come from this seed, so the same calls on a fresh storage give the same results in every run
   * (use a fixed {@link KMSClientConfig.clock} too: timestamps are part of some outputs). A string
   * is taken as UTF-8. The seed belongs to the storage's engine: every client of one storage must
   * give the same seed or none (a different one throws a TypeError). Not for secrets.
   */
  seed?: string | Uint8Array;
}

/** The configuration a {@link KMSClient} runs with, after defaults. */
export interface KMSClientResolvedConfig {
  /** See {@link KMSClientConfig.region}; `undefined`: from the environment at each call. */
  readonly region: string | undefined;
  /** See {@link KMSClientConfig.accountId}. */
  readonly accountId: string;
  /** See {@link KMSClientConfig.storage}. */
  readonly storage: StorageAdapter;
  /** See {@link KMSClientConfig.clock}. */
  readonly clock: Clock;
  /** See {@link KMSClientConfig.principal}; `undefined` is the account root. */
  readonly principal: string | undefined;
  /** See {@link KMSClientConfig.identityPolicies}, as JSON strings. */
  readonly identityPolicies: readonly string[];
  /** See {@link KMSClientConfig.enforcePolicies}. */
  readonly enforcePolicies: boolean;
}

/** Any command object: ours, or the real SDK's (which carries `input` and is named `XxxCommand`). */
export interface AnyCommand {
  /** The request members. */
  readonly input?: object;
}

type Callback<T> = (err: any, data?: T) => void;

const REGION = /^[a-z]{2,}(?:-[a-z0-9]+)+-\d+$/;
/** The `userAgent` the call log shows for in-process calls. */
const USER_AGENT = "kms-wasm KMSClient";

function identityPolicy(p: unknown, i: number): string {
  const text = typeof p === "string" ? p : JSON.stringify(p);
  let doc: unknown;
  try {
    doc = typeof p === "string" ? JSON.parse(p) : p;
  } catch {
    doc = undefined;
  }
  if (typeof text !== "string" || doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new TypeError(`KMSClient: config.identityPolicies[${i}] must be a policy document (object or JSON string)`);
  }
  return text;
}
let defaultStorage: StorageAdapter | undefined;
let fallbackRegion: (() => string) | undefined;
let commandObserver: ((command: AnyCommand, storage: StorageAdapter) => { output?: object; error?: unknown } | undefined) | undefined;

/** Where `emulateKms` records the commands sent (its `commandCalls`); `undefined` stops it. @internal */
export function setCommandObserver(observer: typeof commandObserver): void {
  commandObserver = observer;
}

/** The Region `emulateKms` gives clients that name none (after `AWS_REGION`). @internal */
export function setFallbackRegion(source: (() => string) | undefined): void {
  fallbackRegion = source;
}

function environmentRegion(): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.AWS_REGION || fallbackRegion?.() || undefined;
}

/** The static side of a kms-wasm extension command (`fixtures.ts`). */
interface ExtensionCommandClass {
  target?: string;
  responseOf?: string;
  encode?: (input: object) => Uint8Array;
}

function operationOf(command: AnyCommand): string {
  const ctor = (command as { constructor?: { operation?: unknown; name?: unknown } } | null)?.constructor;
  if (typeof ctor?.operation === "string") return ctor.operation;
  // The real SDK's commands have no static operation; their class name is the operation + "Command".
  if (typeof ctor?.name === "string" && /^[A-Z]\w*Command$/.test(ctor.name)) return ctor.name.slice(0, -"Command".length);
  throw new TypeError("KMSClient.send: expected a command object such as new EncryptCommand(input)");
}

/**
 * An AWS KMS client that runs KMS in process (Rust compiled to WebAssembly) instead of calling AWS.
 * It has the same commands, results and exceptions as `@aws-sdk/client-kms`, and also accepts that
 * package's command objects.
 *
 * @example
 * ```ts
 * import { KMSClient, CreateKeyCommand, EncryptCommand, DecryptCommand } from "kms-wasm";
 *
 * const client = new KMSClient({ region: "us-east-1" });
 * const { KeyMetadata } = await client.send(new CreateKeyCommand({}));
 * const { CiphertextBlob } = await client.send(
 *   new EncryptCommand({ KeyId: KeyMetadata!.KeyId, Plaintext: new TextEncoder().encode("hi") }),
 * );
 * const { Plaintext } = await client.send(new DecryptCommand({ CiphertextBlob }));
 * ```
 */
export class KMSClient {
  /** The resolved configuration. */
  readonly config: KMSClientResolvedConfig;
  readonly #seconds: () => number;
  /** The request context's members that never change for this client, as JSON without its `}`. */
  readonly #ctxHead: string;
  /** The configured Region as JSON, or `undefined` to read it from the environment at each call. */
  readonly #region: string | undefined;

  /**
   * @param config - see {@link KMSClientConfig}; every member is optional.
   * @throws TypeError when `region` is malformed, `accountId` is not 12 digits,
   *   `principal` is not an IAM principal ARN of that account, or an identity policy is not a
   *   policy document.
   */
  constructor(config: KMSClientConfig = {}) {
    const { region, storage, clock = Date.now, principal, identityPolicies = [], enforcePolicies = true } =
      config ?? ({} as KMSClientConfig);
    if (principal !== undefined && principalAccount(principal) === undefined) {
      throw new TypeError(`KMSClient: config.principal must be an IAM principal ARN, got ${JSON.stringify(principal)}`);
    }
    const callerAccount = principal === undefined ? undefined : principalAccount(principal);
    const accountId = config?.accountId ?? callerAccount ?? "000000000000";
    if (region !== undefined && (typeof region !== "string" || !REGION.test(region))) {
      throw new TypeError(`KMSClient: config.region must be an AWS region such as "us-east-1", got ${JSON.stringify(region)}`);
    }
    if (typeof accountId !== "string" || !/^\d{12}$/.test(accountId)) {
      throw new TypeError(`KMSClient: config.accountId must be 12 digits, got ${JSON.stringify(accountId)}`);
    }
    this.#seconds = secondsReader(clock, "KMSClient");
    if (callerAccount !== undefined && callerAccount !== accountId) {
      throw new TypeError(`KMSClient: config.principal ${principal} is not in account ${accountId}`);
    }
    if (!Array.isArray(identityPolicies)) throw new TypeError("KMSClient: config.identityPolicies must be an array");
    if (typeof enforcePolicies !== "boolean") throw new TypeError("KMSClient: config.enforcePolicies must be a boolean");
    const resolvedStorage = storage ?? (defaultStorage ??= MemoryStorage.shared());
    // Binds the seed to the storage's engine now, so a conflicting seed throws here.
    engineFor(resolvedStorage, seedBytes(config?.seed, "KMSClient"));
    this.config = Object.freeze({
      region,
      accountId,
      clock,
      storage: resolvedStorage,
      principal,
      identityPolicies: Object.freeze(identityPolicies.map(identityPolicy)),
      enforcePolicies,
    });
    const { identityPolicies: policies } = this.config;
    const accessKeyId = (config?.credentials as { accessKeyId?: unknown } | undefined)?.accessKeyId;
    this.#ctxHead = JSON.stringify({
      accountId,
      ...(principal !== undefined && { principal }),
      ...(policies.length > 0 && { identityPolicies: policies }),
      ...(!enforcePolicies && { enforcePolicies }),
      // The call log's userAgent and userIdentity.accessKeyId (there is no network: no source IP).
      userAgent: USER_AGENT,
      ...(typeof accessKeyId === "string" && accessKeyId !== "" && { accessKeyId }),
    }).slice(0, -1);
    this.#region = region === undefined ? undefined : JSON.stringify(region);
  }

  /** The Region of this call, as JSON: the configured one, else the environment's (as the SDK reads it at send). */
  #regionJson(): string {
    if (this.#region !== undefined) return this.#region;
    const region = environmentRegion();
    // The SDK's own error and text (smithy's resolveRegionConfig), raised at send as the SDK does.
    if (region === undefined) throw new Error("Region is missing");
    if (!REGION.test(region)) throw new Error(`Region not accepted: region="${region}" is not a valid hostname component.`);
    return JSON.stringify(region);
  }

  /**
   * Runs a command. Resolves with the operation's output plus `$metadata`, or rejects with a
   * {@link KMSServiceException} subclass, exactly as the SDK does. An acknowledged write is already
   * durable in the configured storage.
   */
  send<I extends object, O extends MetadataBearer>(command: Command<I, O>, options?: HttpHandlerOptions): Promise<O>;
  send<I extends object, O extends MetadataBearer>(command: Command<I, O>, cb: Callback<O>): void;
  send<I extends object, O extends MetadataBearer>(command: Command<I, O>, options: HttpHandlerOptions, cb: Callback<O>): void;
  send(command: AnyCommand, options?: HttpHandlerOptions): Promise<any>;
  send(command: AnyCommand, optionsOrCb?: HttpHandlerOptions | Callback<any>, cb?: Callback<any>): Promise<any> | void {
    const callback = typeof optionsOrCb === "function" ? optionsOrCb : cb;
    const options = typeof optionsOrCb === "function" ? undefined : optionsOrCb;
    let result = this.#send(command, options);
    const record = commandObserver?.(command, this.config.storage);
    if (record) {
      result = result.then(
        (output) => ((record.output = output), output),
        (error: unknown) => {
          record.error = error;
          throw error;
        },
      );
    }
    if (!callback) return result;
    result.then((data) => callback(null, data), (err) => callback(err));
  }

  async #send(command: AnyCommand, options: HttpHandlerOptions | undefined): Promise<MetadataBearer> {
    const operation = operationOf(command);
    if (options?.abortSignal?.aborted) {
      throw Object.assign(new Error("Request aborted"), { name: "AbortError" });
    }
    const requestId = newRequestId();
    const ctx = `${this.#ctxHead},"region":${this.#regionJson()},"requestId":"${requestId}","now":${JSON.stringify(this.#seconds())}}`;
    // kms-wasm extensions (CreateFixtureKeyCommand) name their own target and encoding.
    const ext = (command as { constructor?: ExtensionCommandClass }).constructor;
    const isExtension = typeof ext?.target === "string" && typeof ext.encode === "function";
    // In process, blobs travel beside the JSON as raw bytes rather than inside it as base64.
    const engine = engineFor(this.config.storage);
    const blobs: Uint8Array[] = [];
    const out = isExtension
      ? await engine.dispatchWire(ext.target!, ctx, ext.encode!(command.input ?? {}), requestId)
      : await engine.dispatchWire(`TrentService.${operation}`, ctx, toWireText(operation, command.input, blobs), requestId, blobs);
    const shape = isExtension ? (ext.responseOf ?? operation) : operation;
    if (out.status === 200) return { $metadata: responseMetadata(200, requestId), ...fromWire(shape, out.body, out.blobs) };
    throw exceptionFromWire(out.status, parseJson(out.body), requestId);
  }

  /** Releases nothing and returns: the engine and storage outlive the client, as other clients may share them. Present for SDK compatibility. */
  destroy(): void {}
}
