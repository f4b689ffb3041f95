/**
 * node:crypto's AES-256-GCM, lent to the wasm engine by the Node entry.
 *
 * Wasm has no AES instructions, so the engine's software AES-GCM (RustCrypto) runs at ~45 MB/s;
 * OpenSSL behind node:crypto uses AES-NI and is an order of magnitude faster. The engine calls
 * these synchronously from inside a dispatch, with views of its own memory as arguments, and
 * checks what comes back (`src/crypto/aes_gcm.rs`). The key material never leaves the process.
 * Browsers keep the software cipher: WebCrypto is asynchronous and cannot answer inside a call.
 *
 * @module
 */
import { createCipheriv, createDecipheriv } from "node:crypto";

const TAG_LEN = 16;

/**
 * What `WasmEngine.lend_hosts` expects for AES-GCM (`HostAesGcm` in src/wasm.rs). `out` is a view of wasm memory of
 * exactly the result's size; the result is written there rather than returned. @internal
 */
export const nodeAesGcm = {
  /** Writes ciphertext‖tag into `out`. */
  seal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, out: Uint8Array): void {
    const cipher = createCipheriv("aes-256-gcm", key, nonce);
    cipher.setAAD(aad);
    const head = cipher.update(plaintext);
    const tail = cipher.final();
    out.set(head);
    out.set(tail, head.length);
    out.set(cipher.getAuthTag(), head.length + tail.length);
  },

  /** Writes the plaintext into `out`; `false` when ciphertext‖tag does not authenticate. */
  open(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array, out: Uint8Array): boolean {
    if (sealed.length < TAG_LEN) return false;
    const decipher = createDecipheriv("aes-256-gcm", key, nonce);
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_LEN));
    const head = decipher.update(sealed.subarray(0, sealed.length - TAG_LEN));
    try {
      out.set(decipher.final(), head.length);
    } catch {
      return false; // "Unsupported state or unable to authenticate data"
    }
    out.set(head);
    return true;
  },
};
