/**
 * The admin paths of `createKmsServer`: the call log as CloudTrail writes it, a reset to an empty
 * state, and moto's reset path, for test suites that drive the server from outside its process.
 *
 * Owns: which paths and methods exist, when they are on (loopback, or asked for), what a reset
 * means for each kind of storage, and the JSON they answer. Must not: answer KMS calls (AWS JSON
 * 1.1 is `POST /` only, so none of these paths can collide with it) or hold transport logic.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { isIPv4 } from "node:net";
import { engineFor } from "../engine.js";
import type { CloudTrailEvent } from "../cloudtrail-event.js";
import { MemoryStorage } from "../storage/memory.js";
import type { StorageAdapter } from "../storage/adapter.js";

/** The kms-wasm admin paths live under this prefix. */
export const ADMIN_PREFIX = "/_kms-wasm/";
/** Where moto's server mode resets its state; suites written for moto POST here between tests. */
export const MOTO_RESET_PATH = "/moto-api/reset";

/**
 * Whether `host` is a loopback address by its spelling alone: `localhost`, an IPv4 address in
 * 127.0.0.0/8 (dotted quad), `::1` (also bracketed), or 127.0.0.0/8 mapped into IPv6. Any other
 * name is taken as reachable from elsewhere, whatever it resolves to today: the admin paths are
 * then off unless asked for. @internal
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, "$1");
  if (h === "localhost" || h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
  const v4 = h.startsWith("::ffff:") ? h.slice("::ffff:".length) : h;
  return isIPv4(v4) && v4.startsWith("127.");
}

/** What the admin paths act on: the server's engine and its call log. @internal */
export interface AdminBacking {
  /** Starts over on an empty state, or says why it cannot. */
  reset(): Promise<{ refused: string } | undefined>;
  /** The call log of the server's engine, oldest first. */
  calls(): readonly CloudTrailEvent[];
  /** Empties the call log. */
  clearCalls(): void;
}

/**
 * The admin side of the server's `storage`, whose engine the server's door already made (with its
 * seed). A reset replaces the whole state with the empty one, durably, as one journal entry (the
 * engine's `replaceState`, as `emulateKms().reset()` does): every client on the same store sees
 * it, and a seeded engine's key IDs start over. Only a `MemoryStorage` is reset: storage that
 * outlives the process (a data dir) is never wiped over HTTP, and the refusal says why. `record`
 * turns the engine's call log on. @internal
 */
export function adminBacking(storage: StorageAdapter, record: boolean, refusal: string): AdminBacking {
  const engine = engineFor(storage);
  if (record) engine.recordCalls(true);
  return {
    async reset() {
      if (!(storage instanceof MemoryStorage)) return { refused: refusal };
      await engine.replaceState(new Uint8Array(0));
      engine.clearCalls();
      return undefined;
    },
    calls: () => engine.calls(),
    clearCalls: () => engine.clearCalls(),
  };
}

/** An admin answer: status, JSON body and, for a wrong method, the methods the path takes. */
interface AdminAnswer {
  status: number;
  body: unknown;
  allow?: string;
}

const OK = { status: "ok" };
const envelope = (code: string, message: string) => ({ __type: code, message });

/**
 * Answers `req` if its path is an admin path and returns `true`; returns `false` (having touched
 * nothing) for any other path, which the server then answers as usual. @internal
 */
export async function answerAdmin(req: IncomingMessage, res: ServerResponse, path: string, backing: AdminBacking): Promise<boolean> {
  const answer = await route(req.method ?? "GET", path, backing);
  if (!answer) return false;
  req.resume();
  const bytes = new TextEncoder().encode(JSON.stringify(answer.body));
  res.statusCode = answer.status;
  if (answer.allow) res.setHeader("Allow", answer.allow);
  res.setHeader("Content-Type", "application/json");
  res.setHeader("Content-Length", bytes.byteLength);
  res.end(bytes);
  return true;
}

async function route(method: string, path: string, backing: AdminBacking): Promise<AdminAnswer | undefined> {
  const only = (allow: string): AdminAnswer => ({
    status: 405,
    allow,
    body: envelope("MethodNotAllowedException", `Method ${method} is not allowed on ${path}: use ${allow}.`),
  });
  const reset = async (): Promise<AdminAnswer> => {
    const r = await backing.reset();
    return r ? { status: 409, body: envelope("ResetNotSupportedException", r.refused) } : { status: 200, body: OK };
  };
  switch (path) {
    case MOTO_RESET_PATH:
      // moto answers a GET here with 400 and this body; suites written for it may check either.
      return method === "POST" ? reset() : { status: 400, body: { Error: "Need to POST to reset Moto" } };
    case `${ADMIN_PREFIX}reset`:
      return method === "POST" ? reset() : only("POST");
    case `${ADMIN_PREFIX}calls`:
      if (method === "GET") return { status: 200, body: { Records: backing.calls() } };
      if (method === "DELETE") {
        backing.clearCalls();
        return { status: 200, body: OK };
      }
      return only("GET, DELETE");
    default:
      return undefined;
  }
}
