/**
 * Node's native base64 (`Buffer`), lent to the wasm engine by the Node entry for large blob
 * members (`src/api/blob_base64.rs`).
 *
 * Over the HTTP doors every blob is base64 inside the JSON; in wasm, software base64 of a 4 KiB
 * blob costs several times what Node's native codec does. The engine calls these synchronously
 * from inside a dispatch with views of its own memory, and the result is written straight back.
 * `decode` must never accept text the engine's own decoder would refuse: it accepts only canonical
 * padded standard base64 and declines anything else, which the engine then judges itself (so a
 * malformed blob gets exactly the error it always got).
 *
 * @module
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

const view = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** What `set_base64_host` expects (`HostBase64` in src/wasm.rs). @internal */
export const nodeBase64 = {
  /** Decodes `text` into `out` (exactly the decoded size); `false` unless `text` is canonical. */
  decode(text: Uint8Array, out: Uint8Array): boolean {
    const n = text.length;
    if (n % 4 !== 0) return false;
    const s = view(text).toString("latin1");
    // Buffer also reads the URL-safe alphabet; the length check below cannot see those.
    if (s.includes("-") || s.includes("_")) return false;
    const pad = s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0;
    // Buffer skips characters outside the alphabet (and stops or skips at a stray "="): any of
    // them makes the result shorter than the text's length promises.
    if (view(out).write(s, "base64") !== out.length || out.length !== (n / 4) * 3 - pad) return false;
    // Canonical: the bits past the data in the last character before the padding are zero.
    if (pad === 2) return (ALPHABET.indexOf(s[n - 3]!) & 0xf) === 0;
    if (pad === 1) return (ALPHABET.indexOf(s[n - 2]!) & 0x3) === 0;
    return true;
  },

  /** Writes the padded standard base64 of `bytes` into `out` (exactly its size). */
  encode(bytes: Uint8Array, out: Uint8Array): void {
    view(out).write(view(bytes).toString("base64"), "latin1");
  },
};
