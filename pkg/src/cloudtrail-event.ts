/**
 * `CloudTrailEvent`: the type of one call-log entry, the CloudTrail event AWS writes for a KMS call.
 *
 * The engine builds the events (src/trail.rs) from AWS's documented examples ("AWS KMS log entries"
 * in the KMS developer guide) and AWS's rules for what is logged: request and response members
 * under CloudTrail's names (`keyId`, `encryptionContext`; `AWSAccountId` unchanged), encryption
 * context keys verbatim, and never a blob (plaintext, ciphertext, key material, signatures, MACs,
 * import tokens, public keys), a member the KMS model marks sensitive, or a grant token.
 *
 * @module
 */

/**
 * Who made the call (`userIdentity`), by the kind of principal: `Root` (the account root, the
 * default caller), `IAMUser`, `AssumedRole` (an STS session, or an IAM role named directly, which
 * is logged as a session of itself), `FederatedUser`, or `Unknown`.
 *
 * `principalId` is the account ID for the root and, for users and roles, an IAM-style unique ID
 * (`AIDA…`, `AROA…`) derived from the ARN, so the same principal always gets the same ID.
 *
 * @example
 * ```ts
 * const user: CloudTrailUserIdentity = {
 *   type: "IAMUser", principalId: "AIDAEXAMPLEEXAMPLEEX", arn: "arn:aws:iam::111122223333:user/Alice",
 *   accountId: "111122223333", accessKeyId: "AKIAIOSFODNN7EXAMPLE", userName: "Alice",
 * };
 * ```
 */
export interface CloudTrailUserIdentity {
  /** The kind of principal. */
  type: "Root" | "IAMUser" | "AssumedRole" | "FederatedUser" | "Unknown";
  /** The account ID (root), an `AIDA…`/`AROA…` ID (users, roles; `AROA…:session` for sessions). */
  principalId?: string;
  /** The caller's ARN. */
  arn: string;
  /** The caller's account. */
  accountId: string;
  /** The access key the request was signed with, when the door knows it (HTTP doors; `KMSClient` when its `credentials` name one). */
  accessKeyId?: string;
  /** The user name (IAM users). */
  userName?: string;
  /** The role behind an assumed-role session. */
  sessionContext?: {
    sessionIssuer: { type: "Role"; principalId: string; arn: string; accountId: string; userName: string };
    attributes: { creationDate: string; mfaAuthenticated: "false" };
  };
}

/**
 * One resource a call used (`resources`): each KMS key it touched, in order, and for alias
 * operations the alias first.
 */
export interface CloudTrailResource {
  /** The resource's account. */
  accountId: string;
  /** Always `AWS::KMS::Key`, as AWS logs it (aliases included). */
  type: "AWS::KMS::Key";
  /** The key ARN, or the alias ARN. */
  ARN: string;
}

/**
 * One entry of the call log: the CloudTrail event AWS would write for the call, with the engine's
 * clock as `eventTime`. Read them with `EngineHandle.calls()` (the test harness builds on it).
 *
 * Fields that are AWS's and not ours to know get fixed values: `sourceIPAddress` is the door's
 * (the HTTP server's peer address) or `127.0.0.1`, `userAgent` the caller's `User-Agent` or
 * `kms-wasm`; `eventID` is a UUID derived from `requestID`, so a run that reproduces its request
 * IDs reproduces its events.
 *
 * @example
 * ```ts
 * const event: CloudTrailEvent = {
 *   eventVersion: "1.11",
 *   userIdentity: { type: "Root", principalId: "111122223333", arn: "arn:aws:iam::111122223333:root", accountId: "111122223333" },
 *   eventTime: "2025-05-20T20:46:16Z",
 *   eventSource: "kms.amazonaws.com",
 *   eventName: "Encrypt",
 *   awsRegion: "us-east-1",
 *   sourceIPAddress: "127.0.0.1",
 *   userAgent: "kms-wasm",
 *   requestParameters: { keyId: "alias/app", encryptionContext: { Department: "Engineering" } },
 *   responseElements: null,
 *   additionalEventData: { keyMaterialId: "0e5b…" },
 *   requestID: "f3423043-63bc-41e4-bc2b-4198b6150d5c",
 *   eventID: "91235988-eb87-476a-ac2c-0cdc244e6dca",
 *   readOnly: true,
 *   resources: [{ accountId: "111122223333", type: "AWS::KMS::Key", ARN: "arn:aws:kms:us-east-1:111122223333:key/…" }],
 *   eventType: "AwsApiCall",
 *   managementEvent: true,
 *   recipientAccountId: "111122223333",
 *   eventCategory: "Management",
 * };
 * ```
 */
export interface CloudTrailEvent {
  /** `"1.11"`, the version of AWS's current KMS examples. */
  eventVersion: "1.11";
  /** Who called. */
  userIdentity: CloudTrailUserIdentity;
  /** The request time, `2025-05-20T20:46:16Z` (whole seconds, UTC). */
  eventTime: string;
  /** Always `kms.amazonaws.com`. */
  eventSource: "kms.amazonaws.com";
  /** The operation, e.g. `Encrypt` (a `CreateFixtureKeyCommand` is logged as the `CreateKey` it stands for). */
  eventName: string;
  /** The Region the call addressed. */
  awsRegion: string;
  /** The caller's address: the HTTP server's peer, else `127.0.0.1`. */
  sourceIPAddress: string;
  /** The caller's `User-Agent`, else `kms-wasm`. */
  userAgent: string;
  /** The error's name (`NotFoundException`) when the call failed. */
  errorCode?: string;
  /** The error's message, when the call failed with one. */
  errorMessage?: string;
  /** The request's loggable members under CloudTrail's names, or `null` when there are none. */
  requestParameters: Record<string, unknown> | null;
  /**
   * The response's loggable members of a successful write (timestamps as AWS logs them,
   * `"Aug 10, 2022, 10:38:27 PM"`; the affected key's ARN as `keyId` when the response has none),
   * else `null`: read-only calls and failures log no response.
   */
  responseElements: Record<string, unknown> | null;
  /** What AWS logs beside: `keyMaterialId` for Encrypt, Decrypt and GenerateDataKey*; source and destination material for ReEncrypt. */
  additionalEventData?: Record<string, unknown>;
  /** The request ID (`$metadata.requestId`, `x-amzn-RequestId`). */
  requestID: string;
  /** A UUID derived from `requestID`. */
  eventID: string;
  /** Whether the operation only reads (Encrypt and Decrypt count as reads, as in AWS's log). */
  readOnly: boolean;
  /** The keys (and alias) the call used; absent when it used none. */
  resources?: CloudTrailResource[];
  /** Always `AwsApiCall`. */
  eventType: "AwsApiCall";
  /** Always `true`. */
  managementEvent: true;
  /** The account the request addressed. */
  recipientAccountId: string;
  /** Always `Management`. */
  eventCategory: "Management";
}
