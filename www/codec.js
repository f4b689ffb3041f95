// Bytes <-> text, base64 and hex, and how the log prints values. No dependencies.

/** Standard, padded base64 of `bytes` (what AWS puts on the wire for blobs). */
export function toBase64(bytes) {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Bytes of a base64 (standard or URL-safe, padding optional) string; throws on anything else. */
export function fromBase64(text) {
  const clean = text.replace(/\s+/g, "").replace(/-/g, "+").replace(/_/g, "/");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) throw new Error("not valid base64");
  const bin = atob(clean.padEnd(Math.ceil(clean.length / 4) * 4, "="));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** Lower-case hex of `bytes`. */
export function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Bytes of a hex string (whitespace and an 0x prefix allowed). */
export function fromHex(text) {
  const clean = text.replace(/\s+/g, "").replace(/^0x/i, "");
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) throw new Error("not valid hex");
  return Uint8Array.from(clean.match(/../g) ?? [], (h) => parseInt(h, 16));
}

/** Bytes of `text` in `encoding` ("text" = UTF-8, "base64" or "hex"). */
export function decodeBlob(text, encoding) {
  if (encoding === "base64") return fromBase64(text);
  if (encoding === "hex") return fromHex(text);
  return new TextEncoder().encode(text);
}

/** `bytes` as `encoding`; "text" falls back to undefined when the bytes are not valid UTF-8. */
export function encodeBlob(bytes, encoding) {
  if (encoding === "base64") return toBase64(bytes);
  if (encoding === "hex") return toHex(bytes);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Pretty JSON of a request or response as the log shows it: blobs as base64 strings (as on the
 * wire and in the AWS CLI), dates as ISO 8601.
 */
export function show(value) {
  // Date#toJSON already yields ISO 8601 before the replacer runs; only bytes need help.
  return JSON.stringify(value, (_key, v) => (v instanceof Uint8Array ? toBase64(v) : v), 2);
}
