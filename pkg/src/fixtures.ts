/**
 * `CreateFixtureKeyCommand`: a kms-wasm extension (not an AWS operation) that creates a key with a
 * key ID and key material you choose, for tests that need known keys — the same key in every run,
 * ciphertexts made by one run decrypting in the next, signatures that verify with the PEM's own
 * public key.
 *
 * Owns: the command class and its wire encoding (target `KmsWasm.CreateFixtureKey`; the same
 * target works over the HTTP server). Must not: validate the material (Rust does, with AWS-style
 * exceptions).
 *
 * @module
 */
import { Command, type MetadataBearer } from "./command.js";
import type { CreateKeyCommandOutput } from "./generated/commands.js";
import type { Tag } from "./generated/models.js";
import { base64Encode } from "./wire.js";

/** Input of {@link CreateFixtureKeyCommand}. */
export interface CreateFixtureKeyCommandInput {
  /**
   * The key ID: a lower-case UUID, or `mrk-` + 32 lower-case hex digits when `MultiRegion` is
   * true. It must not be in use (`AlreadyExistsException`). Default: a new random ID.
   */
  KeyId?: string;
  /** The key spec, as CreateKey takes it (e.g. `SYMMETRIC_DEFAULT`, `RSA_2048`, `ECC_SECG_P256K1`). */
  KeySpec: string;
  /** The key usage; required for every spec but SYMMETRIC_DEFAULT, as in CreateKey. */
  KeyUsage?: string;
  /**
   * The key material: the raw 32 bytes for SYMMETRIC_DEFAULT; the raw HMAC key for HMAC_* (the
   * lengths ImportKeyMaterial accepts: HMAC_224/256 28/32–64 bytes, HMAC_384/512 48/64–128); a
   * PKCS#8 private key for RSA, ECC (incl. secp256k1), Ed25519, SM2 and ML-DSA/ML-KEM — DER bytes,
   * or PEM text (`-----BEGIN PRIVATE KEY-----`) as a string or bytes.
   */
  Material: Uint8Array | string;
  /** As in CreateKey. */
  Description?: string;
  /** As in CreateKey. */
  Tags?: Tag[];
  /** As in CreateKey (default: the default key policy). */
  Policy?: string;
  /** As in CreateKey: bypasses the lockout safety check of `Policy`. */
  BypassPolicyLockoutSafetyCheck?: boolean;
  /** A Multi-Region primary key (its `KeyId` must then start with `mrk-`). */
  MultiRegion?: boolean;
}

/** Output of {@link CreateFixtureKeyCommand}: CreateKey's output (`KeyMetadata`). */
export type CreateFixtureKeyCommandOutput = CreateKeyCommandOutput & MetadataBearer;

/**
 * Creates a KMS key with the given ID and material. The key is an ordinary `AWS_KMS` key: it
 * behaves exactly like one CreateKey made (rotation, grants, policies, aliases, deletion).
 * Authorized as `kms:CreateKey`.
 *
 * @example
 * ```ts
 * const { KeyMetadata } = await client.send(new CreateFixtureKeyCommand({
 *   KeyId: "11111111-2222-4333-8444-555555555555",
 *   KeySpec: "SYMMETRIC_DEFAULT",
 *   Material: new Uint8Array(32).fill(7),
 * }));
 * ```
 */
export class CreateFixtureKeyCommand extends Command<CreateFixtureKeyCommandInput, CreateFixtureKeyCommandOutput> {
  /** The name the client reports in errors. */
  static readonly operation = "CreateFixtureKey";
  /** The wire target (kms-wasm's extension namespace). @internal */
  static readonly target = "KmsWasm.CreateFixtureKey";
  /** The AWS operation whose response shape this command returns. @internal */
  static readonly responseOf = "CreateKey";

  /** @param input - the key's ID, spec, usage and material; see {@link CreateFixtureKeyCommandInput}. */
  constructor(input: CreateFixtureKeyCommandInput) {
    super(input);
  }

  /** The request body. @internal */
  static encode(input: CreateFixtureKeyCommandInput): Uint8Array {
    const { Material, ...rest } = input ?? ({} as CreateFixtureKeyCommandInput);
    const bytes = typeof Material === "string" ? new TextEncoder().encode(Material) : Material;
    if (Material !== undefined && !(bytes instanceof Uint8Array)) {
      throw new TypeError("CreateFixtureKeyCommand: Material must be a Uint8Array or a PEM string");
    }
    return new TextEncoder().encode(JSON.stringify({ ...rest, ...(bytes && { Material: base64Encode(bytes) }) }));
  }
}
