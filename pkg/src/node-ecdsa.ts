/**
 * node:crypto's ECDSA, lent to the wasm engine by the Node entry for Sign with a RAW message.
 *
 * Software P-256 in wasm (RustCrypto) takes ~500 µs per signature; OpenSSL behind node:crypto
 * ~25 µs with a key it has already imported. Importing is the expensive part (~350 µs from
 * PKCS#8), so imported keys are kept, a bounded number of them. The engine calls `sign`
 * synchronously from inside a dispatch and checks that what comes back is a DER signature for the
 * key's curve (`src/crypto/ecc.rs`); seeded engines never call it (their signatures must be
 * reproducible). node:crypto hashes the message itself and cannot sign a caller's digest, so
 * MessageType DIGEST stays in wasm. Browsers keep the software signer: WebCrypto is asynchronous.
 *
 * @module
 */
import { createPrivateKey, sign, type KeyObject } from "node:crypto";

/** Imported keys kept; past this the oldest import is dropped. */
const KEEP = 256;

// Keyed by the PKCS#8 bytes themselves (as a latin1 string, ~0.2 µs): two different keys can
// never share an entry, whatever the stored state holds. Insertion-ordered, so the first entry is
// the oldest.
const imported = new Map<string, KeyObject>();

function keyObject(pkcs8: Uint8Array): KeyObject {
  const bytes = Buffer.from(pkcs8.buffer, pkcs8.byteOffset, pkcs8.byteLength);
  const name = bytes.toString("latin1");
  let key = imported.get(name);
  if (key === undefined) {
    key = createPrivateKey({ key: bytes, format: "der", type: "pkcs8" });
    if (imported.size >= KEEP) imported.delete(imported.keys().next().value as string);
    imported.set(name, key);
  }
  return key;
}

/** What `WasmEngine.lend_hosts` expects for ECDSA (`HostEcdsa` in src/wasm.rs). @internal */
export const nodeEcdsa = {
  /** The DER signature of `message` hashed with `hash`, under the PKCS#8 EC private key. */
  sign(hash: "sha256" | "sha384" | "sha512", pkcs8: Uint8Array, message: Uint8Array): Uint8Array {
    return sign(hash, message, keyObject(pkcs8));
  },
};
