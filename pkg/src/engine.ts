/**
 * The wasm engine, one per storage instance: lazy instantiation, the journal in front of it, and
 * recovery from a wasm trap.
 *
 * Owns: the only import of the wasm-bindgen glue (`./wasm/kms_wasm.js` for the core module and
 * `./wasm/full/kms_wasm.js` for the full one, CONVENTIONS.md boundary rule 7); the per-storage
 * `EngineHandle` table; `dispatchWire()`, the single door every caller uses.
 *
 * Two modules: every engine opens in the core one (symmetric, HMAC, P-256 and the whole API: a
 * small first download). When a call needs a key type the core lacks, Rust stops it with nothing
 * done and says `{"loadModule":"full"}`; the engine then loads the full module, moves its whole
 * session there (`WasmEngine.session` → `from_session`: state, a seeded stream's position, the
 * key-usage log) and runs the call again. Engines opened after that open in the full module.
 * Must not: touch `node:*` (this module is in the browser-safe graph), build exceptions itself
 * (it asks `exceptions.ts`), or know request/response shapes (that is `wire.ts`).
 *
 * @module
 */
import * as coreGlue from "./wasm/kms_wasm.js";
import { Journal } from "./journal.js";
import type { StorageAdapter } from "./storage/adapter.js";
import { engineCrash, storageFailure } from "./exceptions.js";
import type { CloudTrailEvent } from "./cloudtrail-event.js";

/** The two builds of the engine: `core` loads first; `full` (every key type) when Rust asks for it. */
export type WasmModule = "core" | "full";

/** Where the wasm bytes come from: the fs in Node (`node.ts`), a fetch or an embedded base64 module elsewhere (`portable.ts`). */
export type WasmSource = (module: WasmModule) => Promise<BufferSource | WebAssembly.Module>;

/** One module's wasm-bindgen glue (both builds export the same surface). */
type Glue = typeof coreGlue;

/** The result of one call through the AWS JSON 1.1 door. */
export interface WireOutcome {
  /** 200, or the error status (400 client fault, 500 server fault). */
  status: number;
  /** The response body, or the `{"__type","message"}` error envelope. */
  body: Uint8Array;
  /** The response's blob members that the body names as `"#<index>"` (see `dispatchWire`). */
  blobs?: Uint8Array[];
}

/** A synchronous AES-256-GCM the engine may use instead of its own (`node-aes-gcm.ts`). */
export interface AesGcmHost {
  /** Writes ciphertext‖tag into `out` (a view of wasm memory of exactly that size). */
  seal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, out: Uint8Array): void;
  /** Writes the plaintext into `out`; `false` when the data does not authenticate. */
  open(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array, out: Uint8Array): boolean;
}

/** A synchronous base64 for large blob members the engine may use instead of its own (`node-base64.ts`). */
export interface Base64Host {
  /** Decodes `text` into `out` (exactly the decoded size); `false` unless `text` is canonical padded standard base64. */
  decode(text: Uint8Array, out: Uint8Array): boolean;
  /** Writes the padded standard base64 of `bytes` into `out` (exactly its size). */
  encode(bytes: Uint8Array, out: Uint8Array): void;
}

/** A synchronous ECDSA over a whole message the engine may use instead of its own (`node-ecdsa.ts`). */
export interface EcdsaHost {
  sign(hash: "sha256" | "sha384" | "sha512", pkcs8: Uint8Array, message: Uint8Array): Uint8Array;
}

let source: WasmSource | undefined;
let instantiateSync = false;
let aesGcmHost: AesGcmHost | undefined;
let ecdsaHost: EcdsaHost | undefined;
let base64Host: Base64Host | undefined;
const loading = new Map<WasmModule, Promise<Glue>>();
/** The modules instantiated so far; once the full one is, engines open in it. */
const instantiated = new Map<WasmModule, Glue>();
// Bumped whenever the wasm instance is replaced after a trap. Every WasmEngine belongs to one
// generation: its pointer means nothing in the new instance's memory, so it must never be used again.
let generation = 0;

/**
 * Sets where the wasm module is loaded from; each entry point calls this once. `sync`: compile
 * asynchronously, then instantiate with the glue's `initSync`. The Node entry asks for it because
 * the glue's async `init` tests `typeof Request`, and in Node that first touch of the global loads
 * the whole fetch implementation (undici): ~15 ms of a cold start spent on nothing (bench figure h).
 * Browsers keep the async path (some refuse to instantiate a large module synchronously). @internal
 */
export function setWasmSource(s: WasmSource, options: { sync?: boolean } = {}): void {
  source = s;
  instantiateSync = options.sync ?? false;
}

/** Lends the engine a faster AES-256-GCM (the Node entry's node:crypto). @internal */
export function setAesGcmHost(host: AesGcmHost | undefined): void {
  aesGcmHost = host;
}

/** Lends the engine a faster ECDSA for RAW messages (the Node entry's node:crypto). @internal */
export function setEcdsaHost(host: EcdsaHost | undefined): void {
  ecdsaHost = host;
}

/** Lends the engine a faster base64 for large blobs (the Node entry's `Buffer`). @internal */
export function setBase64Host(host: Base64Host | undefined): void {
  base64Host = host;
}

/** `module`'s glue, instantiated (once per module; a failed load is tried again by the next call). */
function loadWasm(module: WasmModule): Promise<Glue> {
  let loaded = loading.get(module);
  if (loaded) return loaded;
  loaded = (async () => {
    if (!source) throw new Error("kms-wasm: no wasm source configured; import the package through its entry point");
    const [glue, bytesOrModule] = await Promise.all([
      module === "full" ? import("./wasm/full/kms_wasm.js") : coreGlue,
      source(module),
    ]);
    if (instantiateSync) {
      const compiled = bytesOrModule instanceof WebAssembly.Module ? bytesOrModule : await WebAssembly.compile(bytesOrModule);
      glue.initSync({ module: compiled });
    } else {
      await glue.default({ module_or_path: bytesOrModule });
    }
    instantiated.set(module, glue);
    return glue;
  })();
  loading.set(module, loaded);
  loaded.catch(() => loading.delete(module)); // let a later call try again (e.g. a transient fetch failure)
  return loaded;
}

/** Thrown by a generation-guarded engine method when a trap elsewhere replaced the wasm instance. */
class StaleEngine extends Error {
  constructor(readonly beforeDispatch: boolean) {
    super("kms-wasm engine was reloaded after a crash");
  }
}

const isTrap = (err: unknown): boolean => err instanceof WebAssembly.RuntimeError;

/**
 * Replaces the crashed instance and returns the panic text Rust's hook left behind. Every loaded
 * module starts afresh: the generation marks every engine stale, and each reopens from storage.
 */
function resetAfterTrap(err: unknown): string {
  let panic: string | undefined;
  generation++;
  for (const glue of instantiated.values()) {
    try { panic ??= glue.take_panic_message() ?? undefined; } catch { /* the dead instance may not answer */ }
    // Emitted by `wasm-bindgen --experimental-reset-state-function` (scripts/build.mjs): it
    // instantiates the already-compiled module afresh, synchronously.
    (glue as unknown as { __wbg_reset_state?: () => void }).__wbg_reset_state?.();
  }
  return panic ?? String((err as Error)?.message ?? err);
}

/** One dispatch's result, as `journal.ts` expects it; `event` is the call log's (`recordCalls`). */
type Outcome = { status: number; body: Uint8Array; entry?: Uint8Array; blobs?: Uint8Array[]; event?: Uint8Array };

/**
 * Copies out the outcome a `WasmEngine.dispatch*` call left at `at` in the wasm memory
 * (`pack_outcome` in src/wasm.rs): status u16, body length u32, entry length + 1 u32 (0: none),
 * event length + 1 u32 (0: none; the call log's CloudTrail event, while `record_calls` is on),
 * blob count u32, the blobs' lengths (u32 each), then body, entry, event and blobs; little-endian.
 * Read in place, straight after the call: the next dispatch overwrites it. @internal
 */
export function readOutcome(memory: WebAssembly.Memory, at: number): Outcome {
  const view = new DataView(memory.buffer);
  const status = view.getUint16(at, true);
  const bodyLen = view.getUint32(at + 2, true);
  const entryLen = view.getUint32(at + 6, true);
  const eventLen = view.getUint32(at + 10, true);
  const blobCount = view.getUint32(at + 14, true);
  const bytes = new Uint8Array(memory.buffer);
  let next = at + 18 + 4 * blobCount;
  const out: Outcome = { status, body: bytes.slice(next, (next += bodyLen)) };
  if (entryLen > 0) out.entry = bytes.slice(next, (next += entryLen - 1));
  if (eventLen > 0) out.event = bytes.slice(next, (next += eventLen - 1));
  if (blobCount > 0) {
    out.blobs = [];
    for (let i = 0; i < blobCount; i++) {
      out.blobs.push(bytes.slice(next, (next += view.getUint32(at + 18 + 4 * i, true))));
    }
  }
  return out;
}

interface OpenEngine {
  journal: Journal;
  /**
   * `body` is text exactly when `blobs` is given (the in-process door). With `askHostKey`, a call
   * that needs an RSA key stops with status 0 instead of generating it in wasm (`provideRsaKey`).
   * `record`: build the call's event for the call log.
   */
  dispatch(target: string, ctx: string, body: Uint8Array | string, blobs: Uint8Array[] | undefined, askHostKey: boolean, record: boolean): Outcome;
  /** Parks a host-generated RSA key (PKCS#8) in the engine; Rust validates it. */
  provideHostKey(pkcs8: Uint8Array): void;
  /** The committed state (call inside `journal.run` to get the state at the head). */
  snapshot(): Uint8Array;
  /** The pending entry that replaces the whole state with `snapshot` (`Engine::replace_state`). */
  replaceState(snapshot: Uint8Array): Uint8Array;
  /** Moves the engine's whole session into `module` (loading it first), between two calls. */
  moveTo(module: WasmModule): Promise<void>;
}

/** What a call that stopped with status 0 needs before it runs again; Rust says which (src/wire.rs `stopped`). */
interface Wanted {
  /** Load this module and move the engine into it. */
  loadModule?: WasmModule;
  /** Generate an RSA key of this many bits on the host. */
  rsaModulusLength?: number;
}

/** The slice of WebCrypto's SubtleCrypto used here (typed locally: the package builds without DOM types). */
interface HostSubtle {
  generateKey(algorithm: object, extractable: boolean, usages: string[]): Promise<{ privateKey: unknown }>;
  exportKey(format: "pkcs8", key: unknown): Promise<ArrayBuffer>;
}

/** The host's WebCrypto, if it has one. */
const hostSubtle = (): HostSubtle | undefined => (globalThis as { crypto?: { subtle?: HostSubtle } }).crypto?.subtle;

/**
 * RSA key generation in wasm takes seconds (RSA_4096: often 10 s or more), so a dispatch that may
 * ask the host stops, when it needs an RSA key none is waiting for, with status 0 and the body
 * `{"rsaModulusLength":N}` (src/wire.rs `Outcome`): Rust says which key. This generates it with
 * the host's WebCrypto and hands the PKCS#8 bytes to Rust, which checks them before use. Any
 * failure (no WebCrypto, a refused key) is silent: the call then runs again without asking, and
 * Rust generates the key itself.
 */
async function provideRsaKey(open: OpenEngine, rsaModulusLength: number | undefined): Promise<void> {
  const subtle = hostSubtle();
  if (!subtle) return;
  try {
    const pair = await subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", modulusLength: rsaModulusLength, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
      true,
      ["sign", "verify"],
    );
    const pkcs8 = new Uint8Array(await subtle.exportKey("pkcs8", pair.privateKey));
    open.provideHostKey(pkcs8);
  } catch (err) {
    if (isTrap(err) || err instanceof StaleEngine) throw err;
    // Fall back to Rust keygen.
  }
}

/** How many call-log events an engine keeps (the newest); a test rarely makes more between resets. */
export const MAX_RECORDED_CALLS = 10_000;

/** One wasm engine and its journal over one storage instance. Several clients may share it. @internal */
export class EngineHandle {
  #open: Promise<OpenEngine> | undefined;
  #generation = -1;
  #recording = false;
  /** The call log, newest last; an event stays the bytes Rust wrote until someone reads it (`calls`). */
  #calls: (CloudTrailEvent | Uint8Array)[] = [];

  /**
   * @param storage - the storage this engine keeps in step with
   * @param seed - makes the engine deterministic (`WasmEngine.with_seed`): no host RSA keys, every
   *   random byte from the seed
   */
  constructor(readonly storage: StorageAdapter, readonly seed?: Uint8Array) {}

  /**
   * Runs one AWS JSON 1.1 call: `target` "TrentService.Encrypt", `ctx` the JSON request context,
   * `body` the request bytes. Resolves once any write it made is durable in storage.
   *
   * `blobs` carries the request's blob members as raw bytes, named `"#<index>"` in the body where
   * base64 would be; the response's then come back the same way. In process this skips four base64
   * passes per call (`toWireText(…, blobs)`), and the body is passed as the JSON text it was built
   * as. The HTTP doors pass plain AWS JSON bytes and no list.
   */
  async dispatchWire(target: string, ctx: string, body: Uint8Array, requestId: string): Promise<WireOutcome>;
  async dispatchWire(target: string, ctx: string, body: string, requestId: string, blobs: Uint8Array[]): Promise<WireOutcome>;
  async dispatchWire(target: string, ctx: string, body: Uint8Array | string, requestId: string, blobs?: Uint8Array[]): Promise<WireOutcome> {
    for (let attempt = 0; ; attempt++) {
      let open: OpenEngine;
      try {
        open = await this.#ensureOpen();
      } catch (err) {
        if (isTrap(err)) throw engineCrash(resetAfterTrap(err), requestId);
        // Storage unreadable or damaged: every call rejects, as an AWS error, until it is fixed.
        throw storageFailure(err, requestId);
      }
      try {
        // Host (WebCrypto) keys are not reproducible: a seeded engine makes its own.
        let ask = !this.seed && hostSubtle() !== undefined;
        let out = await open.journal.run(() => open.dispatch(target, ctx, body, blobs, ask, this.#recording));
        // Nothing ran (status 0): the call needs the full module, or an RSA key (at most both, in
        // that order). Prepare what Rust names and run it again.
        for (let stops = 0; out.status === 0 && stops < 2; stops++) {
          const wanted = JSON.parse(new TextDecoder().decode(out.body)) as Wanted;
          if (wanted.loadModule) {
            await open.moveTo(wanted.loadModule);
          } else {
            await provideRsaKey(open, wanted.rsaModulusLength);
            ask = false; // a refused host key: Rust generates it
          }
          out = await open.journal.run(() => open.dispatch(target, ctx, body, blobs, ask, this.#recording));
        }
        if (out.event) {
          // Parsed when read: a server records every call and is asked for few of them.
          this.#calls.push(out.event);
          // A server that records for days must not grow without end: keep the newest events.
          // (Trimmed a tenth at a time, so a full log costs no shift per call.)
          if (this.#calls.length > MAX_RECORDED_CALLS * 1.1) this.#calls.splice(0, this.#calls.length - MAX_RECORDED_CALLS);
        }
        return { status: out.status, body: out.body, blobs: out.blobs };
      } catch (err) {
        // Nothing ran yet: another call's crash replaced the instance while this one was queued.
        if (err instanceof StaleEngine && err.beforeDispatch && attempt < 3) continue;
        if (err instanceof StaleEngine) throw engineCrash(err.message, requestId);
        if (!isTrap(err)) throw storageFailure(err, requestId);
        const panic = resetAfterTrap(err);
        // Reload from storage now, so the next call finds a replayed engine; a failure here is
        // reported by that next call.
        await this.#ensureOpen().catch(() => undefined);
        throw engineCrash(panic, requestId);
      }
    }
  }

  /**
   * Starts (`true`) or stops the call log: while it is on, every call through any door of this
   * engine (`KMSClient`, `kmsRequestHandler`, `createKmsServer`) appends the CloudTrail event AWS
   * would write for it, once the call is answered. Off by default; while off, calls build no events.
   * The newest {@link MAX_RECORDED_CALLS} events are kept.
   */
  recordCalls(on: boolean): void {
    this.#recording = on === true;
  }

  /** The recorded events, oldest first (a copy: later calls do not change the returned array). */
  calls(): readonly CloudTrailEvent[] {
    const start = Math.max(0, this.#calls.length - MAX_RECORDED_CALLS);
    for (let i = start; i < this.#calls.length; i++) {
      const e = this.#calls[i]!;
      if (e instanceof Uint8Array) this.#calls[i] = JSON.parse(new TextDecoder().decode(e)) as CloudTrailEvent;
    }
    return this.#calls.slice(start) as CloudTrailEvent[];
  }

  /** Forgets the recorded events (recording stays as it was). */
  clearCalls(): void {
    this.#calls = [];
  }

  /**
   * Opens the engine now: loads and checks the whole storage. Rejects as a call would
   * (`KMSInternalException`) when the storage is damaged or unreadable; `kms-wasm serve` uses it
   * to refuse to start rather than answer every call with a 500.
   */
  async ready(): Promise<void> {
    const requestId = "00000000-0000-0000-0000-000000000000";
    try {
      await this.#ensureOpen();
    } catch (err) {
      if (isTrap(err)) throw engineCrash(resetAfterTrap(err), requestId);
      throw storageFailure(err, requestId);
    }
  }

  #ensureOpen(): Promise<OpenEngine> {
    if (!this.#open || this.#generation !== generation) {
      this.#open = this.#create();
      this.#open.catch(() => { this.#open = undefined; });
    }
    return this.#open;
  }

  async #create(): Promise<OpenEngine> {
    let glue = await loadWasm(instantiated.has("full") ? "full" : "core");
    const gen = (this.#generation = generation);
    let memory = attach(glue);
    let engine = this.seed ? glue.WasmEngine.with_seed(this.seed) : new glue.WasmEngine();
    engine.lend_hosts(aesGcmHost, ecdsaHost);
    const live = (beforeDispatch = false) => {
      if (gen !== generation) throw new StaleEngine(beforeDispatch);
    };
    const journal = new Journal(this.storage, {
      restore: (s?: Uint8Array) => { live(); engine.restore(s ?? new Uint8Array(0)); },
      apply: (e: Uint8Array) => { live(); engine.apply(e); },
      snapshot: () => { live(); return engine.snapshot(); },
      commit: () => { live(); engine.commit(); },
      abort: () => { live(); engine.abort(); },
    });
    await journal.open();
    let recording = false;
    return {
      journal,
      dispatch: (target, ctx, body, blobs, askHostKey, record) => {
        live(true);
        if (record !== recording) engine.record_calls((recording = record));
        const at = typeof body === "string" ? engine.dispatch_with_blobs(target, ctx, body, blobs ?? [], askHostKey) : engine.dispatch(target, ctx, body, askHostKey);
        return readOutcome(memory, at);
      },
      provideHostKey: (pkcs8) => {
        live(true);
        engine.provide_host_key(pkcs8);
      },
      snapshot: () => {
        live(true);
        return engine.snapshot();
      },
      replaceState: (snapshot) => {
        live(true);
        return engine.replace_state(snapshot);
      },
      moveTo: async (module) => {
        const next = await loadWasm(module);
        // In the journal's queue, so that no call of this engine sits between dispatch and commit.
        await journal.run(() => {
          live(true);
          if (next !== glue) {
            // The session carries the call-log switch too, so `recording` stays true to it.
            const moved = next.WasmEngine.from_session(engine.session());
            moved.lend_hosts(aesGcmHost, ecdsaHost);
            engine.free();
            [glue, memory, engine] = [next, attach(next), moved];
          }
          return { status: 200, body: new Uint8Array(0) };
        });
      },
    };
  }

  /**
   * Replaces the whole state with `snapshot` (empty: the empty state), durably, as one journal
   * entry: every client and process on this storage sees the reset on its next call, and a seeded
   * engine's key IDs start over as on that state (`reset()` of `emulateKms`).
   */
  async replaceState(snapshot: Uint8Array): Promise<void> {
    const open = await this.#ensureOpen();
    await open.journal.run(() => ({ status: 200, body: new Uint8Array(0), entry: open.replaceState(snapshot) }));
  }

  /** The whole state at the head of the storage (every acknowledged write, by any engine). */
  async snapshotAtHead(): Promise<Uint8Array> {
    const open = await this.#ensureOpen();
    let state: Uint8Array | undefined;
    await open.journal.run(() => {
      state = open.snapshot();
      return { status: 200, body: new Uint8Array(0) };
    });
    return state ?? new Uint8Array(0);
  }
}

/** The journal entry that writes every record of `snapshot` (`importState`). @internal */
export async function entryFromSnapshot(snapshot: Uint8Array): Promise<Uint8Array> {
  const glue = await loadWasm("core");
  return glue.WasmEngine.entry_from_snapshot(snapshot);
}

/**
 * Lends `glue`'s instance the base64 host (the wire layer's, shared by its engines; each engine
 * gets its AES-GCM and ECDSA hosts itself, `lend_hosts`) and returns its memory. Per engine rather
 * than once: a trap's reset starts the instance afresh, without the host and with a new memory.
 */
function attach(glue: Glue): WebAssembly.Memory {
  glue.set_base64_host(base64Host);
  return glue.wasm_memory() as WebAssembly.Memory;
}

/** The bytes of a `seed` option (a string is taken as UTF-8), or `undefined`. @internal */
export function seedBytes(seed: string | Uint8Array | undefined, who: string): Uint8Array | undefined {
  if (seed === undefined) return undefined;
  if (typeof seed === "string") return new TextEncoder().encode(seed);
  if (seed instanceof Uint8Array) return new Uint8Array(seed);
  throw new TypeError(`${who}: seed must be a string or a Uint8Array`);
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

const handles = new WeakMap<StorageAdapter, EngineHandle>();

/**
 * The engine for `storage`, created on first use: one per storage instance. The seed belongs to
 * that engine, so the first user decides it: a later `seed` that differs from the engine's (or a
 * seed for a storage whose engine is already unseeded) is a TypeError; no seed takes the engine as
 * it is. @internal
 */
export function engineFor(storage: StorageAdapter, seed?: Uint8Array): EngineHandle {
  let h = handles.get(storage);
  if (!h) {
    handles.set(storage, (h = new EngineHandle(storage, seed)));
  } else if (seed !== undefined && (h.seed === undefined || !sameBytes(h.seed, seed))) {
    throw new TypeError(
      "kms-wasm: this storage already has an engine with " +
        (h.seed === undefined ? "no seed" : "a different seed") +
        "; every client of one storage must give the same seed (or none)",
    );
  }
  return h;
}
