/**
 * `emulateKms()`: one call, and every `@aws-sdk/client-kms` client in the process runs on the
 * in-process engine — clients the code under test builds itself (`new KMSClient({})` at module top
 * level, inside the AWS Encryption SDK, an ethers signer…), made before or after the call.
 *
 * Owns: finding the SDK's client classes and routing their `send` through `kmsRequestHandler`
 * (the SDK's own serializers, signing, exceptions and `$metadata` still run); the test lifecycle
 * (reset, checkpoint, restore); the record of the commands sent. Must not: reach `node:*` (it is in
 * the browser-safe graph; the Node entry lends it `nodeClientDiscovery`), or know anything about
 * KMS requests (the engine does).
 *
 * @module
 */
import { kmsRequestHandler, type KmsRequestHandler } from "./http/handler.js";
import { engineFor, seedBytes } from "./engine.js";
import type { Clock } from "./clock.js";
import { MemoryStorage } from "./storage/memory.js";
import type { StorageAdapter } from "./storage/adapter.js";
import type { CallerMapping } from "./http/scope.js";
import { setCommandObserver, setFallbackRegion } from "./client.js";
import { contains } from "./match.js";
import { kmsMatchers } from "./matchers.js";
import type { CloudTrailEvent } from "./cloudtrail-event.js";

/** Options of {@link emulateKms}. */
export interface EmulateKmsOptions extends Pick<CallerMapping, "accountId" | "accessKeyMap"> {
  /**
   * The Region of clients that name none, when neither `AWS_REGION` nor `AWS_DEFAULT_REGION` is
   * set. Default `"us-east-1"`. A client's own `region` always wins.
   */
  region?: string;
  /**
   * Where the keys live. Default: the process-wide `MemoryStorage.shared()`, the store kms-wasm's
   * own `KMSClient` uses too, so fixtures made with either are visible to both. (In Jest every test
   * file, and every worker, has its own.)
   */
  storage?: StorageAdapter;
  /** Key IDs, key material and ciphertexts from this seed: the same in every run and, after `reset()`, in every test. */
  seed?: string | Uint8Array;
  /** The time the engine sees (e.g. a `VirtualClock`). Default `Date.now`. */
  clock?: Clock;
  /**
   * SDK `KMSClient` classes to route besides the ones found by themselves. In Node every copy of
   * `@aws-sdk/client-kms` under `node_modules` is found; in a browser bundle pass the class (or
   * let the `fetch` interception below take the calls).
   */
  clients?: readonly unknown[];
  /**
   * Whether clients configured with their own `endpoint` (or `AWS_ENDPOINT_URL_KMS`) are routed
   * too. Default `true`; `false` leaves them alone, e.g. to reach a `kms-wasm serve` of their own.
   */
  routeEndpoints?: boolean;
  /**
   * Use the test runner's globals when they exist (Jest; Vitest with `globals: true`): register
   * `afterEach(reset)` and `afterAll(restore)`, and install {@link kmsMatchers} with
   * `expect.extend`. Default `true`.
   */
  lifecycle?: boolean;
  /** The runner's `afterEach`, where it has no globals (`import { afterEach } from "vitest"` or `"node:test"`): resets after each test. */
  afterEach?: (fn: () => unknown) => unknown;
  /** The runner's `afterAll` (`after` in node:test): restores after the file. */
  afterAll?: (fn: () => unknown) => unknown;
  /** The runner's `expect`, to install {@link kmsMatchers} on. */
  expect?: { extend(matchers: object): unknown };
}

/** One command an SDK client sent while routed, with what it got back (see {@link KmsEmulation.commandCalls}). */
export interface KmsCommandCall {
  /** The operation, e.g. `"Encrypt"`. */
  readonly commandName: string;
  /** The command object as it was sent. */
  readonly command: { readonly input?: object };
  /** `command.input`. */
  readonly input: object;
  /** The result, once the call succeeded. */
  output?: object;
  /** The exception, once the call failed. */
  error?: unknown;
}

/**
 * The handle {@link emulateKms} returns.
 *
 * @example
 * ```ts
 * const kms = emulateKms();
 * afterEach(() => kms.reset());
 * afterAll(() => kms.restore());
 * ```
 */
export interface KmsEmulation {
  /** The storage every routed client works on. */
  readonly storage: StorageAdapter;
  /** Remembers the current state: later `reset()`s return to it instead of to the empty state (call it at the end of `beforeAll`). */
  checkpoint(): Promise<void>;
  /** Back to the last checkpoint, or to the empty state, and forgets the commands and events so far. */
  reset(): Promise<void>;
  /** Forgets the commands sent and the events recorded so far; keys stay. */
  resetHistory(): void;
  /**
   * Every call made on this storage since the last reset, through any door — routed SDK clients,
   * kms-wasm's `KMSClient`, `kmsRequestHandler`, `createKmsServer` — as the CloudTrail event AWS
   * writes for it (requestParameters and responseElements with AWS's rules: never a plaintext, a
   * key or a ciphertext), oldest first.
   */
  calls(): readonly CloudTrailEvent[];
  /** Ends the routing: the SDK's classes, the clients and `fetch` are as they were. Idempotent. */
  restore(): void;
  /**
   * The commands routed clients sent since the last reset, oldest first; with `command`, only that
   * command's, and with `input`, only those whose input contains `input` (a deep partial match: the
   * members given must be equal, others are ignored; byte arrays compare by content).
   */
  commandCalls(command?: CommandClass, input?: object): KmsCommandCall[];
}

/** A command class: kms-wasm's or the SDK's (`EncryptCommand`). */
export type CommandClass = abstract new (...args: never[]) => { readonly input?: object };

/** Finds SDK client classes in this runtime and reports later ones; returns a function that stops watching. */
export type ClientDiscovery = (found: (exports: unknown) => void) => () => void;

let discovery: ClientDiscovery | undefined;

/** Lends `emulateKms` a way to find client classes (the Node entry: module cache and node_modules). @internal */
export function setClientDiscovery(d: ClientDiscovery): void {
  discovery = d;
}

/** The subset of a smithy client this module touches. */
interface SdkClient {
  config: Record<string, unknown>;
}
type Send = (this: SdkClient, command: unknown, optionsOrCb?: unknown, cb?: unknown) => unknown;

const env = (name: string): string | undefined =>
  (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name] || undefined;

// Signs requests of clients that have no credentials of their own: the door ignores signatures, and
// the SDK's default chain would read profiles and ask the instance metadata service.
const TEST_CREDENTIALS = Object.freeze({ accessKeyId: "AKIAKMSWASMEMULATED", secretAccessKey: "kms-wasm-emulated" });

let active: Emulation | undefined;

/**
 * Whether `C` is a smithy client class (it inherits `send`). Which service it serves is read off
 * each client's config when it first sends (`isKmsClient`): class names do not survive a minifier,
 * and a copy of the SDK is found under its export name `KMSClient`, never by its class's name.
 */
function isSdkClientClass(C: unknown): C is { prototype: Record<string, unknown> } {
  if (typeof C !== "function") return false;
  const parent = Object.getPrototypeOf((C as { prototype?: object }).prototype ?? null) as { send?: unknown } | null;
  return typeof parent?.send === "function";
}

/** Whether a smithy client serves KMS: its resolved config names the service `KMS`. */
function isKmsClient(client: SdkClient): boolean {
  return client.config?.serviceId === "KMS";
}

/**
 * The operation a command runs (`Encrypt`). SDK versions whose commands carry an operation schema
 * (`[kind, namespace, name, …]`) say it there, which survives minification; older ones only by the
 * class name `EncryptCommand`.
 */
function operationOf(command: unknown): string {
  const c = command as { schema?: unknown; constructor?: { name?: string } } | null;
  const schema = c?.schema;
  if (Array.isArray(schema) && schema[1] === "com.amazonaws.kms" && typeof schema[2] === "string") return schema[2];
  const name = c?.constructor?.name ?? "";
  return name.endsWith("Command") ? name.slice(0, -"Command".length) : name;
}

class Emulation implements KmsEmulation {
  readonly storage: StorageAdapter;
  readonly #handler: KmsRequestHandler;
  readonly #region: string;
  readonly #routeEndpoints: boolean;
  /** Prototype → its own `send` descriptor before us (undefined: it inherited `send`). */
  readonly #patched = new Map<Record<string, unknown>, PropertyDescriptor | undefined>();
  /** Clients whose config we changed, and what it was. */
  readonly #clients = new Set<WeakRef<SdkClient>>();
  readonly #saved = new WeakMap<SdkClient, Record<string, PropertyDescriptor | undefined> | "not routed">();
  readonly #history: KmsCommandCall[] = [];
  readonly #engine: ReturnType<typeof engineFor>;
  #checkpoint: Uint8Array = new Uint8Array(0);
  #stopDiscovery: (() => void) | undefined;
  #realFetch: typeof fetch | undefined;
  #unsetEnv: (() => void) | undefined;
  #restored = false;

  constructor(options: EmulateKmsOptions) {
    const seed = seedBytes(options.seed, "emulateKms");
    this.storage = options.storage ?? MemoryStorage.shared();
    this.#engine = engineFor(this.storage, seed); // a conflicting seed throws here, before anything is patched
    this.#handler = kmsRequestHandler({
      storage: this.storage,
      seed: options.seed,
      clock: options.clock,
      accountId: options.accountId,
      accessKeyMap: options.accessKeyMap,
    });
    this.#region = options.region ?? "us-east-1";
    this.#routeEndpoints = options.routeEndpoints ?? true;
    for (const C of options.clients ?? []) {
      if (!isSdkClientClass(C)) throw new TypeError("emulateKms: options.clients must hold KMSClient classes of @aws-sdk/client-kms");
    }
  }

  start(options: EmulateKmsOptions): void {
    for (const C of options.clients ?? []) if (isSdkClientClass(C)) this.#patch(C);
    this.#stopDiscovery = discovery?.((exports) => {
      const C = (exports as { KMSClient?: unknown } | null)?.KMSClient;
      if (isSdkClientClass(C)) this.#patch(C);
    });
    this.#interceptFetch();
    this.#engine.recordCalls(true);
    const vars = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
    if (vars && vars.AWS_EC2_METADATA_DISABLED === undefined) {
      // No SDK client asks the instance metadata service for a Region or credentials meanwhile.
      vars.AWS_EC2_METADATA_DISABLED = "true";
      this.#unsetEnv = () => {
        if (vars.AWS_EC2_METADATA_DISABLED === "true") delete vars.AWS_EC2_METADATA_DISABLED;
      };
    }
    setFallbackRegion(() => this.regionFor());
    // kms-wasm's own KMSClient on this storage is recorded too (it needs no routing).
    setCommandObserver((command, storage) => (storage === this.storage ? this.#record(command) : undefined));
  }

  /** The Region of a client that names none. */
  regionFor(): string {
    return env("AWS_REGION") ?? env("AWS_DEFAULT_REGION") ?? this.#region;
  }

  #patch(C: { prototype: Record<string, unknown> }): void {
    const proto = C.prototype;
    if (this.#patched.has(proto)) return;
    const own = Object.getOwnPropertyDescriptor(proto, "send");
    const inherited = (own?.value ?? (Object.getPrototypeOf(proto) as { send: Send }).send) as Send;
    this.#patched.set(proto, own);
    const emulation = this;
    // The SDK's whole send runs (middleware, serializers, signing, retries, exceptions); only its
    // transport, credentials and missing Region are ours, set on the client at its first send.
    function send(this: SdkClient, command: unknown, optionsOrCb?: unknown, cb?: unknown): unknown {
      if (active !== emulation || !emulation.#route(this)) return inherited.call(this, command, optionsOrCb, cb);
      const callback = typeof optionsOrCb === "function" ? (optionsOrCb as (e: unknown, d?: unknown) => void) : (cb as typeof optionsOrCb);
      const options = typeof optionsOrCb === "function" ? undefined : optionsOrCb;
      const record = emulation.#record(command);
      const result = (inherited.call(this, command, options) as Promise<object>).then(
        (output) => ((record.output = output), output),
        (error: unknown) => {
          record.error = error;
          throw error;
        },
      );
      if (typeof callback !== "function") return result;
      result.then((data) => (callback as (e: unknown, d?: unknown) => void)(null, data), (err) => (callback as (e: unknown) => void)(err));
      return undefined;
    }
    Object.defineProperty(proto, "send", { value: send, configurable: true, writable: true, enumerable: false });
  }

  /** Routes `client` (once); false when it keeps its own endpoint. */
  #route(client: SdkClient): boolean {
    const saved = this.#saved.get(client);
    if (saved !== undefined) return saved !== "not routed";
    const cfg = client.config;
    if (!isKmsClient(client)) {
      // A class named in `clients` that serves another service: its calls are not KMS's to answer.
      this.#saved.set(client, "not routed");
      return false;
    }
    const ownEndpoint = cfg.isCustomEndpoint === true || env("AWS_ENDPOINT_URL_KMS") !== undefined || env("AWS_ENDPOINT_URL") !== undefined;
    if (ownEndpoint && !this.#routeEndpoints) {
      this.#saved.set(client, "not routed");
      return false;
    }
    const before: Record<string, PropertyDescriptor | undefined> = {};
    // Replaced as data properties and put back as the descriptors they were: the SDK keeps
    // `credentials` behind a setter that would take anything assigned to it for the user's own.
    const set = (name: string, value: unknown) => {
      before[name] = Object.getOwnPropertyDescriptor(cfg, name);
      Object.defineProperty(cfg, name, { value, writable: true, configurable: true, enumerable: true });
    };
    set("requestHandler", this.#handler);
    // Credentials the code gave are kept (the access key may pick the account, see accessKeyMap):
    // the SDK marks them `attributed`. The default chain would read profiles and SSO caches.
    if ((cfg.credentials as { attributed?: unknown } | undefined)?.attributed !== true) {
      // A fresh object each time: the SDK annotates the credentials it is given.
      set("credentials", async () => ({ ...TEST_CREDENTIALS }));
    }
    // The client's Region (its own, AWS_REGION or its profile's), else ours. The SDK's loader ends
    // by asking the instance metadata service, which `start` turned off; its FIPS check asks the
    // same loader.
    // Once the SDK's own loader has found nothing it is not asked again: it would search the
    // profiles on every call (AWS_REGION set later is still seen: `regionFor` reads it first).
    const region = cfg.region as () => Promise<string>;
    const fips = cfg.useFipsEndpoint as () => Promise<boolean>;
    let own = true;
    set("region", async () => {
      if (own) {
        try {
          return await region();
        } catch {
          own = false;
        }
      }
      return this.regionFor();
    });
    set("useFipsEndpoint", async () => (own ? fips().catch(() => false) : false));
    this.#saved.set(client, before);
    this.#clients.add(new WeakRef(client));
    return true;
  }

  #record(command: unknown): KmsCommandCall {
    const c = command as { input?: object };
    const record: KmsCommandCall = {
      commandName: operationOf(command),
      command: c,
      input: c?.input ?? {},
    };
    this.#history.push(record);
    return record;
  }

  /** Browsers (and SDKs built on `fetch`): KMS calls from any copy of the SDK, found or not. */
  #interceptFetch(): void {
    const g = globalThis as { fetch?: typeof fetch; Request?: typeof Request; Response?: typeof Response };
    const realFetch = g.fetch;
    if (typeof realFetch !== "function" || typeof g.Request !== "function" || typeof g.Response !== "function") return;
    this.#realFetch = realFetch;
    const emulation = this;
    g.fetch = async function (input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
      const request = new g.Request!(input, init);
      const target = request.headers.get("x-amz-target") ?? "";
      if (active !== emulation || !target.startsWith("TrentService.") || (!emulation.#routeEndpoints && !isAwsKmsHost(request.url))) {
        return realFetch.call(globalThis, input, init);
      }
      const headers: Record<string, string> = {};
      request.headers.forEach((value, name) => (headers[name] = value));
      const body = new Uint8Array(await request.arrayBuffer());
      const { response } = await emulation.#handler.handle({ method: request.method, path: new URL(request.url).pathname, headers, body });
      return new g.Response!(response.body as BodyInit, { status: response.statusCode, headers: response.headers });
    } as typeof fetch;
  }

  async checkpoint(): Promise<void> {
    this.#checkpoint = await this.#engine.snapshotAtHead();
    // Resetting to it at once puts the test right after the checkpoint on the same footing as the
    // ones after each reset: with a seed, they all see the same key IDs.
    await this.#engine.replaceState(this.#checkpoint);
  }

  async reset(): Promise<void> {
    await this.#engine.replaceState(this.#checkpoint);
    this.resetHistory();
  }

  resetHistory(): void {
    this.#history.length = 0;
    this.#engine.clearCalls();
  }

  calls(): readonly CloudTrailEvent[] {
    return this.#engine.calls();
  }

  commandCalls(command?: CommandClass, input?: object): KmsCommandCall[] {
    const name = command === undefined ? undefined : commandNameOf(command);
    return this.#history.filter((c) => (name === undefined || c.commandName === name) && (input === undefined || contains(c.input, input)));
  }

  restore(): void {
    if (this.#restored) return;
    this.#restored = true;
    if (active === this) active = undefined;
    setFallbackRegion(undefined);
    setCommandObserver(undefined);
    this.#engine.recordCalls(false);
    this.#stopDiscovery?.();
    for (const [proto, own] of this.#patched) {
      if (own) Object.defineProperty(proto, "send", own);
      else delete proto.send;
    }
    this.#patched.clear();
    for (const ref of this.#clients) {
      const client = ref.deref();
      const saved = client && this.#saved.get(client);
      if (!client || !saved || saved === "not routed") continue;
      for (const [name, descriptor] of Object.entries(saved)) {
        if (descriptor) Object.defineProperty(client.config, name, descriptor);
        else delete client.config[name];
      }
    }
    this.#clients.clear();
    if (this.#realFetch) (globalThis as { fetch?: typeof fetch }).fetch = this.#realFetch;
    this.#unsetEnv?.();
  }
}

function isAwsKmsHost(url: string): boolean {
  try {
    return /^kms(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/.test(new URL(url).hostname);
  } catch {
    return false;
  }
}

function commandNameOf(command: CommandClass): string {
  const own = (command as unknown as { operation?: unknown }).operation;
  if (typeof own === "string") return own;
  // Building a command only stores its input; its schema then names the operation.
  let probe: unknown;
  try {
    probe = new (command as unknown as new (input: object) => unknown)({});
  } catch {
    probe = { constructor: command };
  }
  return operationOf(probe);
}

/**
 * Routes every `@aws-sdk/client-kms` client in the process to the in-process KMS engine, until
 * `restore()`: no dependency injection, no server, no module mock, no credentials, no network.
 * The SDK still serializes, signs and parses everything itself, so the code under test sees
 * exactly what AWS would answer — real keys, real ciphertexts, AWS's exceptions.
 *
 * - Clients made before or after the call, anywhere: the module under test, a library's own nested
 *   copy of the SDK at another version. In Node every copy under `node_modules` is found; in a
 *   browser bundle, calls through `fetch` are taken, and `clients` names classes outright.
 * - A client's own `region` is kept; otherwise `AWS_REGION`, `AWS_DEFAULT_REGION`, then `region`.
 * - With the test runner's globals (Jest), `afterEach` resets, `afterAll` restores and the
 *   matchers are installed by themselves; elsewhere pass `afterEach`, `afterAll` and `expect`.
 * - A second call ends the first one's routing.
 *
 * @example
 * ```ts
 * import { emulateKms } from "kms-wasm";
 * const kms = emulateKms();           // in Jest, this one line is the whole setup
 * // …code that does `new KMSClient({})` from @aws-sdk/client-kms now runs on kms-wasm
 * ```
 */
export function emulateKms(options: EmulateKmsOptions = {}): KmsEmulation {
  const emulation = new Emulation(options);
  active?.restore();
  active = emulation;
  emulation.start(options);
  registerLifecycle(emulation, options);
  return emulation;
}

function registerLifecycle(emulation: KmsEmulation, options: EmulateKmsOptions): void {
  const g = (options.lifecycle ?? true)
    ? (globalThis as Pick<EmulateKmsOptions, "afterEach" | "afterAll" | "expect">)
    : {};
  const afterEach = options.afterEach ?? g.afterEach;
  const afterAll = options.afterAll ?? g.afterAll;
  const expect = options.expect ?? g.expect;
  try {
    if (typeof afterEach === "function") afterEach(() => emulation.reset());
    if (typeof afterAll === "function") afterAll(() => emulation.restore());
  } catch {
    // Called where the runner does not allow hooks (inside a test): the caller resets by hand.
  }
  if (typeof expect?.extend === "function") expect.extend(kmsMatchers);
}
