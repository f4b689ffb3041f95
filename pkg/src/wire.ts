/**
 * Converts between the SDK's JavaScript values and AWS JSON 1.1 bytes, driven by generated/shapes.ts
 * exactly like the SDK's serializers: blobs are `Uint8Array` <-> base64 (standard, padded),
 * timestamps are `Date` <-> epoch seconds, `undefined`/`null` members are dropped. In process,
 * blobs may instead travel beside the JSON as raw bytes (`toWireText`/`fromWire` with a `blobs` list).
 *
 * Owns: every base64 and epoch encoding in the package (CONVENTIONS.md, boundary rule 7).
 * Must not: know about errors, storage or the engine.
 *
 * @module
 */
import { shapes, type Members, type Shape } from "./generated/shapes.js";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

// Native codecs when the runtime has them (Uint8Array.toBase64 in current browsers, Buffer in Node,
// reached through globalThis so this module stays free of node:* imports), else a table codec that
// works identically everywhere. Base64 sits on every call's hot path: a 4 KiB Encrypt spends more time
// here than in AES when the table codec runs.
type NativeBase64 = { toBase64?: () => string };
type NodeBuffer = { from(data: unknown, offsetOrEncoding?: unknown, length?: number): { toString(enc: string): string } & Uint8Array };
const nodeBuffer = (globalThis as { Buffer?: NodeBuffer }).Buffer;
const hasToBase64 = typeof (Uint8Array.prototype as NativeBase64).toBase64 === "function";
const fromBase64 = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array }).fromBase64;

/** Standard, padded base64 of `bytes`. @internal */
export function base64Encode(bytes: Uint8Array): string {
  if (hasToBase64) return (bytes as unknown as Required<NativeBase64>).toBase64();
  if (nodeBuffer) return nodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  return tableEncode(bytes);
}

/** Decodes standard base64 (padding optional); throws TypeError on any other character. @internal */
export function base64Decode(text: string): Uint8Array {
  if (fromBase64) {
    try {
      return fromBase64(text);
    } catch {
      // Unpadded input that the strict native decoder refuses still decodes below.
    }
  }
  if (nodeBuffer) {
    // Buffer's decoder silently skips invalid characters; a short result gives that away, and then
    // the strict table decoder reports the bad character.
    const pad = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
    const b = nodeBuffer.from(text, "base64");
    if (b.length === Math.floor(((text.length - pad) * 3) / 4)) {
      // A Buffer that owns its memory is re-viewed as a plain Uint8Array without a copy; small
      // Buffers are slices of a shared pool, whose other bytes must not leak, so those are copied.
      if (b.byteOffset === 0 && b.buffer.byteLength === b.length) return new Uint8Array(b.buffer, 0, b.length);
      return new Uint8Array(b);
    }
  }
  return tableDecode(text);
}

/** The portable encoder. @internal */
export function tableEncode(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  if (i < bytes.length) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8);
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + (i + 1 < bytes.length ? ALPHABET[(n >> 6) & 63]! : "=") + "=";
  }
  return out;
}

/** The portable decoder. @internal */
export function tableDecode(text: string): Uint8Array {
  const clean = text.replace(/=+$/, "");
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0, acc = 0, o = 0;
  for (let i = 0; i < clean.length; i++) {
    const c = clean.charCodeAt(i);
    const v = c < 128 ? LOOKUP[c]! : -1;
    if (v < 0) throw new TypeError(`invalid base64 character at ${i}`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) { bits -= 8; out[o++] = (acc >> bits) & 0xff; }
  }
  return out.subarray(0, o);
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

function encodeValue(shape: Shape | undefined, value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  if (shape === "b") {
    const bytes = blobBytes(value);
    return bytes ? base64Encode(bytes) : value;
  }
  if (shape === "t") {
    if (value instanceof Date) return value.getTime() / 1000;
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => encodeValue(typeof shape === "object" && "l" in shape ? shape.l : undefined, v) ?? null);
  if (typeof value === "object" && !(value instanceof Date) && !ArrayBuffer.isView(value)) {
    const members = shape && typeof shape === "object" && "s" in shape ? shape.s : undefined;
    const inner = shape && typeof shape === "object" && "m" in shape ? shape.m : undefined;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const e = encodeValue(members ? members[k] : inner, v);
      if (e !== undefined) out[k] = e;
    }
    return out;
  }
  return value;
}

function decodeValue(shape: Shape | undefined, value: unknown, blobs?: Uint8Array[]): unknown {
  if (value === null || value === undefined || shape === undefined) return value;
  if (shape === "b") {
    if (typeof value !== "string") return value;
    // "#" is not a base64 character: the marker of an out-of-band blob.
    if (blobs && value.startsWith("#")) return blobs[Number(value.slice(1))];
    return base64Decode(value);
  }
  // Math.round as the SDK's parseEpochTimestamp does, so fractional seconds map to the same Date.
  if (shape === "t") return typeof value === "number" ? new Date(Math.round(value * 1000)) : value;
  if ("l" in shape) return Array.isArray(value) ? value.map((v) => decodeValue(shape.l, v, blobs)) : value;
  if (typeof value !== "object") return value;
  // Fresh from JSON.parse and held by no one else, so decoded in place (no copy per object). Only
  // members with a shape change; anything else, "__proto__" included, stays an own property as parsed.
  const obj = value as Record<string, unknown>;
  for (const k of Object.keys(obj)) {
    const member = "m" in shape ? shape.m : shape.s[k];
    if (member !== undefined) obj[k] = decodeValue(member, obj[k], blobs);
  }
  return obj;
}

/**
 * The bytes of a blob input as the SDK takes them, or `undefined`. The SDK also accepts a string for
 * a blob and sends its UTF-8 bytes.
 */
function blobBytes(value: unknown): Uint8Array | undefined {
  if (typeof value === "string") return utf8.encode(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return undefined;
}

/**
 * The JSON text of `encodeValue(shape, value)`, built directly. Same output as
 * `JSON.stringify(encodeValue(…))`, but a blob's base64 is spliced in without JSON.stringify's
 * escape scan (base64 never needs escaping). With `blobs`, a blob is not encoded at all: its bytes
 * join the list and the text says `"#<index>"` (the in-process door, `api/blob_channel.rs`).
 * `undefined` means "no value" (a dropped member), as with JSON.stringify.
 */
function jsonOf(shape: Shape | undefined, value: unknown, blobs?: Uint8Array[]): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (shape === "b" && blobs) {
    const bytes = blobBytes(value);
    if (bytes) return `"#${blobs.push(bytes) - 1}"`;
  }
  if (shape === "b" || shape === "t") {
    const e = encodeValue(shape, value);
    return typeof e === "string" && shape === "b" ? `"${e}"` : JSON.stringify(e);
  }
  if (Array.isArray(value)) {
    const item = typeof shape === "object" && "l" in shape ? shape.l : undefined;
    return `[${value.map((v) => jsonOf(item, v, blobs) ?? "null").join(",")}]`;
  }
  if (typeof value === "object" && !(value instanceof Date) && !ArrayBuffer.isView(value)) {
    const members = shape && typeof shape === "object" && "s" in shape ? shape.s : undefined;
    const inner = shape && typeof shape === "object" && "m" in shape ? shape.m : undefined;
    let out = "";
    const record = value as Record<string, unknown>;
    for (const k of Object.keys(record)) {
      const e = jsonOf(members ? members[k] : inner, record[k], blobs);
      if (e !== undefined) out += `${out ? "," : ""}${JSON.stringify(k)}:${e}`;
    }
    return `{${out}}`;
  }
  return JSON.stringify(value);
}

/**
 * Serializes an operation's input to AWS JSON 1.1 request text. With `blobs`, blob members go into
 * that list as raw bytes instead of into the text as base64 (the in-process door). @internal
 */
export function toWireText(operation: string, input: object | undefined, blobs?: Uint8Array[]): string {
  const members: Members | undefined = shapes[operation]?.input;
  return jsonOf(members ? { s: members } : undefined, input ?? {}, blobs) ?? "{}";
}

/** Parses AWS JSON 1.1 bytes (empty = `{}`) without applying shapes; used for error envelopes. @internal */
export function parseJson(body: Uint8Array): unknown {
  // Empty or blank text fails JSON.parse too, so no separate (whole-string) trim is needed.
  try { return JSON.parse(utf8Decoder.decode(body)); } catch { return {}; }
}

/**
 * Deserializes an operation's AWS JSON 1.1 response bytes to the SDK's output values; `blobs` are
 * the response's out-of-band blob members, which the body names as `"#<index>"`. @internal
 */
export function fromWire(operation: string, body: Uint8Array, blobs?: Uint8Array[]): Record<string, unknown> {
  const members: Members | undefined = shapes[operation]?.output;
  const parsed = parseJson(body);
  return (members ? decodeValue({ s: members }, parsed, blobs) : parsed) as Record<string, unknown>;
}
