/**
 * CORS for `createKmsServer`: lets a page on another origin call the endpoint with the browser
 * build of `@aws-sdk/client-kms`.
 *
 * Owns: the `Access-Control-*` headers on every answer, and the answer to a preflight `OPTIONS`.
 * Must not: look at the request beyond its CORS headers, or decide anything about KMS.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * Which origins may call the server from a browser: `true` any origin (`*`), `false` none (no
 * CORS headers at all), or one origin (`"http://localhost:5173"`) or a list of them, matched
 * exactly against the request's `Origin`.
 */
export type CorsOption = boolean | string | readonly string[];

// The response headers the SDK reads besides the CORS-safelisted ones: the request ID and the
// other `$metadata` members, the error type, and Date (the SDK's clock-skew correction).
const EXPOSED = ["x-amzn-RequestId", "x-amzn-ErrorType", "x-amz-id-2", "x-amz-cf-id", "Date", "Content-Length"].join(", ");
// The methods the endpoint and its admin paths answer. GET and POST need no preflight anyway.
const METHODS = "POST, GET, DELETE, OPTIONS";
// Chromium caps this at two hours; one preflight per origin and header set is then enough.
const MAX_AGE_SECONDS = "7200";

/** Checks a `cors` option; throws a TypeError naming `who` when it is not one of the accepted forms. @internal */
export function checkCors(cors: unknown, who: string): CorsOption {
  if (typeof cors === "boolean" || typeof cors === "string") return cors;
  if (Array.isArray(cors) && cors.every((o) => typeof o === "string")) return cors;
  throw new TypeError(`${who}: cors must be true, false, an origin or a list of origins`);
}

/**
 * Sets the CORS headers of the answer to `req` on `res` (before anything is sent), and answers a
 * preflight itself: returns `true` when it did, and the caller must then do nothing more. @internal
 */
export function applyCors(cors: CorsOption, req: IncomingMessage, res: ServerResponse): boolean {
  const allowed = allowedOrigin(cors, req.headers.origin);
  if (allowed === undefined) return false;
  res.setHeader("Access-Control-Allow-Origin", allowed);
  if (allowed !== "*") res.setHeader("Vary", "Origin");
  res.setHeader("Access-Control-Expose-Headers", EXPOSED);
  const preflight = req.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined;
  if (!preflight) return false;
  res.setHeader("Access-Control-Allow-Methods", METHODS);
  // Whatever the SDK sends (content-type, x-amz-target, x-amz-date, authorization,
  // x-amz-user-agent, amz-sdk-invocation-id, amz-sdk-request, x-amz-security-token, and the next
  // one it adds) is allowed: nothing here is authenticated, so no header needs keeping out.
  const asked = req.headers["access-control-request-headers"];
  if (asked) res.setHeader("Access-Control-Allow-Headers", asked);
  res.setHeader("Access-Control-Max-Age", MAX_AGE_SECONDS);
  res.statusCode = 204;
  req.resume();
  res.end();
  return true;
}

/** The `Access-Control-Allow-Origin` value for `origin`, or `undefined` when it gets none. */
function allowedOrigin(cors: CorsOption, origin: string | undefined): string | undefined {
  if (cors === false) return undefined;
  if (cors === true) return "*";
  const list = typeof cors === "string" ? [cors] : cors;
  return origin !== undefined && list.includes(origin) ? origin : undefined;
}
