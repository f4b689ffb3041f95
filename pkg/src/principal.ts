/**
 * IAM principal ARNs as callers give them (`KMSClient`'s `principal`, the HTTP doors' access-key map).
 *
 * Owns: the accepted forms, mirroring `RequestCtx::is_valid` in src/context.rs, so a bad principal is
 * a `TypeError` at configuration time rather than a server fault on the first call.
 *
 * @module
 */

const PRINCIPAL =
  /^arn:aws[a-z-]*:(?:iam::(\d{12}):(?:root|(?:user|role|group|federated-user)\/.+)|sts::(\d{12}):(?:assumed-role\/[^/]+\/[^/]+|federated-user\/.+))$/;

/**
 * The account of an IAM principal ARN, or `undefined` when `arn` is not one the engine accepts.
 * @internal
 */
export function principalAccount(arn: unknown): string | undefined {
  if (typeof arn !== "string") return undefined;
  const m = PRINCIPAL.exec(arn);
  return m ? (m[1] ?? m[2]) : undefined;
}
