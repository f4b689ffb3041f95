/**
 * Who is calling and where, read from an HTTP request's SigV4 `Authorization` header: the Region
 * from the credential scope, the account from the access key through a documented mapping.
 *
 * Owns: parsing the scope and the access-key → account mapping, for both HTTP doors
 * (`kmsRequestHandler` and `createKmsServer`). Must not: verify signatures (an emulator has no
 * secrets to check them against; the README says so), touch `node:*` (browser-safe graph), or
 * validate anything the engine validates.
 *
 * @module
 */

/**
 * The account used when the access key maps to none: `"000000000000"`.
 *
 * @example
 * ```ts
 * kmsRequestHandler({ accountId: DEFAULT_ACCOUNT_ID }); // the same as kmsRequestHandler()
 * ```
 */
import { principalAccount } from "../principal.js";

export const DEFAULT_ACCOUNT_ID = "000000000000";
/**
 * The Region used when a request carries no SigV4 scope at all (e.g. a hand-written curl): `"us-east-1"`.
 *
 * @example
 * ```ts
 * kmsRequestHandler({ region: DEFAULT_REGION }); // the same as kmsRequestHandler()
 * ```
 */
export const DEFAULT_REGION = "us-east-1";

/**
 * How an HTTP door maps callers to accounts and Regions. The mapping, in order:
 *
 * 1. `accessKeyMap[accessKeyId]`, when present;
 * 2. the access key itself, when it is exactly 12 digits (`AWS_ACCESS_KEY_ID=111122223333` acts as
 *    account 111122223333 — the same convention LocalStack uses);
 * 3. otherwise `accountId` (default {@link DEFAULT_ACCOUNT_ID}).
 *
 * The Region is the one in the credential scope; a request with no scope uses `region`
 * (default {@link DEFAULT_REGION}).
 *
 * @example
 * ```ts
 * const mapping: CallerMapping = { accessKeyMap: { AKIDALICE: "111122223333" }, accountId: "444455556666" };
 * ```
 */
/**
 * Who an access key stands for: an account (the caller is its root), or an IAM principal with the
 * identity policies attached to it, which the engine evaluates together with key policies and grants.
 */
export interface AccessKeyIdentity {
  /** The IAM principal, e.g. "arn:aws:iam::111122223333:role/App"; its account is the caller's account. */
  principal: string;
  /** IAM identity policies of that principal (documents, as objects or JSON strings). */
  identityPolicies?: (string | object)[];
}

export interface CallerMapping {
  /**
   * Access key ID → who is calling: a 12-digit account ID (the account root), or an
   * {@link AccessKeyIdentity}. A `Map` or a plain object.
   */
  accessKeyMap?: Record<string, string | AccessKeyIdentity> | ReadonlyMap<string, string | AccessKeyIdentity>;
  /** The account for access keys the map does not name and that are not 12 digits. Default "000000000000". */
  accountId?: string;
  /** The Region for requests without a SigV4 credential scope. Default "us-east-1". */
  region?: string;
}

/**
 * The caller, as far as the request tells.
 *
 * @example
 * ```ts
 * const caller: Caller = { accountId: "111122223333", region: "eu-west-1" };
 * ```
 */
export interface Caller {
  /** 12-digit account ID. */
  accountId: string;
  /** Region name, e.g. "eu-west-1". */
  region: string;
  /** The IAM principal; absent for the account root. */
  principal?: string;
  /** Identity policies of {@link Caller.principal}, as JSON strings. */
  identityPolicies?: string[];
  /** The access key ID of the request's credential scope, when it has one (the call log records it). */
  accessKeyId?: string;
}

/**
 * A request the door must refuse before it reaches the engine.
 *
 * @example
 * ```ts
 * const refused: ScopeError = { code: "InvalidSignatureException", message: "Credential should be scoped to a valid region, not 'x'." };
 * ```
 */
export interface ScopeError {
  /** The AWS error code for `__type`. */
  code: string;
  /** For people. */
  message: string;
}

const ACCOUNT = /^\d{12}$/;
// Same shape KMSClient accepts; the engine also rejects anything else, but with a 500, and a bad
// scope is the caller's fault.
const REGION = /^[a-z]{2,}(?:-[a-z0-9]+)+-\d+$/;
// SigV4: "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/kms/aws4_request, SignedHeaders=…".
// SigV4a has no Region in the scope ("AKID/20240101/kms/aws4_request") and sends X-Amz-Region-Set.
const CREDENTIAL = /Credential=([^,\s]+)/;

/**
 * A {@link CallerMapping} after {@link checkCallerMapping}: defaults filled in, the map normalised.
 *
 * @example
 * ```ts
 * const resolved: ResolvedCallerMapping = checkCallerMapping({}); // { accountId: "000000000000", region: "us-east-1", accessKeyMap: Map(0) }
 * ```
 */
export interface ResolvedCallerMapping {
  /** See {@link CallerMapping.accountId}. */
  readonly accountId: string;
  /** See {@link CallerMapping.region}. */
  readonly region: string;
  /** See {@link CallerMapping.accessKeyMap}, resolved to callers; a private copy, so later edits to the caller's object do not leak in. */
  readonly accessKeyMap: ReadonlyMap<string, Omit<Caller, "region">>;
}

/**
 * Checks a {@link CallerMapping} once, at construction, so a typo fails loudly instead of every
 * request later.
 *
 * @throws TypeError when an account is not 12 digits or the default Region is malformed.
 * @example
 * ```ts
 * const mapping = checkCallerMapping({ accessKeyMap: { AKIDALICE: "111122223333" } });
 * ```
 */
export function checkCallerMapping(mapping: CallerMapping = {}): ResolvedCallerMapping {
  const { accountId = DEFAULT_ACCOUNT_ID, region = DEFAULT_REGION, accessKeyMap } = mapping;
  if (typeof accountId !== "string" || !ACCOUNT.test(accountId)) {
    throw new TypeError(`kms-wasm: accountId must be 12 digits, got ${JSON.stringify(accountId)}`);
  }
  if (typeof region !== "string" || !REGION.test(region)) {
    throw new TypeError(`kms-wasm: region must be an AWS region such as "us-east-1", got ${JSON.stringify(region)}`);
  }
  const entries = accessKeyMap instanceof Map ? [...accessKeyMap] : Object.entries(accessKeyMap ?? {});
  const map = new Map<string, Omit<Caller, "region">>();
  for (const [key, who] of entries) {
    const where = `kms-wasm: accessKeyMap[${JSON.stringify(key)}]`;
    if (typeof who === "string") {
      if (!ACCOUNT.test(who)) throw new TypeError(`${where} must be a 12-digit account ID or {principal}, got ${JSON.stringify(who)}`);
      map.set(key, { accountId: who });
      continue;
    }
    const principal = (who as AccessKeyIdentity | null)?.principal;
    const account = principalAccount(principal);
    if (account === undefined) {
      throw new TypeError(`${where}.principal must be an IAM principal ARN such as "arn:aws:iam::111122223333:role/App", got ${JSON.stringify(principal)}`);
    }
    const policies = (who as AccessKeyIdentity).identityPolicies ?? [];
    if (!Array.isArray(policies)) throw new TypeError(`${where}.identityPolicies must be an array of policy documents`);
    const identityPolicies = policies.map((p, i) => {
      if (typeof p === "string") return p;
      if (p !== null && typeof p === "object") return JSON.stringify(p);
      throw new TypeError(`${where}.identityPolicies[${i}] must be a policy document (object or JSON string)`);
    });
    map.set(key, { accountId: account, principal: principal as string, identityPolicies });
  }
  return { accountId, region, accessKeyMap: map };
}

/**
 * The account and Region of a request, from its `Authorization` header (and `X-Amz-Region-Set` for
 * SigV4a). The signature is never checked.
 *
 * @param header - reads one request header by lower-case name
 * @returns the caller, or the error to answer with (400) when the scope names a malformed Region
 * @example
 * ```ts
 * const caller = callerOf((name) => headers[name], checkCallerMapping());
 * // Authorization: AWS4-HMAC-SHA256 Credential=111122223333/20240101/eu-west-1/kms/aws4_request, …
 * // → { accountId: "111122223333", region: "eu-west-1" }
 * ```
 */
export function callerOf(header: (name: string) => string | undefined, mapping: ResolvedCallerMapping): Caller | ScopeError {
  const credential = CREDENTIAL.exec(header("authorization") ?? "")?.[1];
  if (credential === undefined) return { accountId: mapping.accountId, region: mapping.region };
  // A client sends the same scope on every call: remember the answer (per mapping, bounded).
  const regionSet = header("x-amz-region-set");
  const key = regionSet === undefined ? credential : `${credential}\n${regionSet}`;
  let known = remembered.get(mapping);
  if (known === undefined) remembered.set(mapping, (known = new Map()));
  let answer = known.get(key);
  if (answer === undefined) {
    if (known.size >= REMEMBERED_SCOPES) known.clear();
    known.set(key, (answer = Object.freeze(scopeCaller(credential, regionSet, mapping))));
  }
  return answer;
}

/** How many distinct scopes `callerOf` remembers per mapping before starting over. */
const REMEMBERED_SCOPES = 256;
const remembered = new WeakMap<ResolvedCallerMapping, Map<string, Caller | ScopeError>>();

function scopeCaller(credential: string, regionSet: string | undefined, mapping: ResolvedCallerMapping): Caller | ScopeError {
  const parts = credential.split("/");
  const accessKeyId = parts[0] ?? "";
  const who = mapping.accessKeyMap.get(accessKeyId) ?? { accountId: ACCOUNT.test(accessKeyId) ? accessKeyId : mapping.accountId };
  // SigV4 has 5 parts (key/date/region/service/aws4_request); SigV4a has 4 and a Region-set header
  // that may list several Regions or "*": the first concrete one is the best answer we have.
  const region = parts.length >= 5 ? parts[2] : regionSet?.split(",")[0]?.trim();
  if (region === undefined || region === "" || region === "*") return { ...who, accessKeyId, region: mapping.region };
  if (!REGION.test(region)) {
    // AWS's text when a scope names no real Region.
    return { code: "InvalidSignatureException", message: `Credential should be scoped to a valid region, not '${region}'.` };
  }
  return { ...who, accessKeyId, region };
}
