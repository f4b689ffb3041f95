// A stand-in for the wasm-bindgen glue (pkg/src/wasm/kms_wasm.js) with the same exports, written in
// JS, so the TypeScript side can be developed and tested while the Rust engine is not built.
// Implements CreateKey, DescribeKey, Encrypt, Decrypt and ListKeys crudely; everything else answers
// UnsupportedOperationException. Target "TrentService.CrashForTest" simulates a Rust panic (a trap).
// Install it with `node tests/js/helpers/install-fake-wasm.mjs` (writes pkg/src/wasm/).
let instance = 0;
let panicMessage;
const enc = new TextEncoder();
const dec = new TextDecoder();
const json = (v) => enc.encode(JSON.stringify(v));
const b64 = (u8) => Buffer.from(u8).toString("base64");

export default async function init() { instance++; }
export function initSync() { instance++; }
export function take_panic_message() { const m = panicMessage; panicMessage = undefined; return m; }
export function __wbg_reset_state() { instance++; }
const fakeMemory = { buffer: new ArrayBuffer(0) };
export function wasm_memory() { return fakeMemory; }
export function set_base64_host() {}

// Out-of-band blobs ("#<index>" in the body) become base64 again; the response keeps base64, which
// the client reads as well.
const inline = (v, blobs) =>
  typeof v === "string" && /^#\d+$/.test(v) ? b64(blobs[Number(v.slice(1))])
    : Array.isArray(v) ? v.map((x) => inline(x, blobs))
    : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, inline(x, blobs)]))
    : v;

export class WasmEngine {
  #keys = new Map();
  #pending;
  restore(snapshot) { this.#keys = new Map(snapshot.length ? JSON.parse(dec.decode(snapshot)) : []); }
  apply(entry) { for (const [id, k] of JSON.parse(dec.decode(entry))) this.#keys.set(id, k); }
  snapshot() { return json([...this.#keys]); }
  commit() { if (this.#pending) this.apply(this.#pending); this.#pending = undefined; }
  abort() { this.#pending = undefined; }
  record_calls() {}
  lend_hosts() {}
  dispatch_with_blobs(target, ctxText, body, blobs) {
    return this.dispatch(target, ctxText, json(inline(JSON.parse(body), blobs)));
  }
  // Packed like src/wasm.rs pack_outcome (no blobs: the fake answers in base64), in a fresh
  // "memory" at offset 0.
  dispatch(target, ctxText, body) {
    const { status, body: out, entry } = this.#dispatch(target, ctxText, body);
    // No call-log event (offset 10) and no blobs (offset 14): the fake records no calls.
    const packed = new Uint8Array(18 + out.length + (entry?.length ?? 0));
    fakeMemory.buffer = packed.buffer;
    const view = new DataView(packed.buffer);
    view.setUint16(0, status, true);
    view.setUint32(2, out.length, true);
    view.setUint32(6, entry ? entry.length + 1 : 0, true);
    packed.set(out, 18);
    if (entry) packed.set(entry, 18 + out.length);
    return 0;
  }
  #dispatch(target, ctxText, body) {
    const ctx = JSON.parse(ctxText);
    const req = JSON.parse(dec.decode(body));
    const op = target.replace(/^TrentService\./, "");
    const err = (status, type, message) => ({ status, body: json({ __type: type, message }) });
    const find = (keyId) => this.#keys.get(String(keyId).split("/").pop());
    switch (op) {
      case "CrashForTest":
        panicMessage = "panicked at src/fake.rs:1:1: crash requested";
        throw new WebAssembly.RuntimeError("unreachable");
      case "CreateKey": {
        const id = crypto.randomUUID();
        const meta = { AWSAccountId: ctx.accountId, KeyId: id, Arn: `arn:aws:kms:${ctx.region}:${ctx.accountId}:key/${id}`, CreationDate: ctx.now, Enabled: true, Description: req.Description ?? "", KeyState: "Enabled", KeySpec: "SYMMETRIC_DEFAULT" };
        const entry = json([[id, meta]]);
        this.#pending = entry;
        return { status: 200, body: json({ KeyMetadata: meta }), entry };
      }
      case "DescribeKey": {
        const k = find(req.KeyId);
        return k ? { status: 200, body: json({ KeyMetadata: k }) } : err(400, "NotFoundException", `Key '${req.KeyId}' does not exist`);
      }
      case "Encrypt": {
        const k = find(req.KeyId);
        if (!k) return err(400, "NotFoundException", `Key '${req.KeyId}' does not exist`);
        const blob = new Uint8Array([...enc.encode(k.KeyId), 0, ...Buffer.from(req.Plaintext, "base64")]);
        return { status: 200, body: json({ CiphertextBlob: b64(blob), KeyId: k.Arn, EncryptionAlgorithm: "SYMMETRIC_DEFAULT" }) };
      }
      case "Decrypt": {
        const blob = Buffer.from(req.CiphertextBlob, "base64");
        const k = find(dec.decode(blob.subarray(0, blob.indexOf(0))));
        if (!k) return err(400, "InvalidCiphertextException", "");
        return { status: 200, body: json({ Plaintext: b64(blob.subarray(blob.indexOf(0) + 1)), KeyId: k.Arn, EncryptionAlgorithm: "SYMMETRIC_DEFAULT" }) };
      }
      case "ListKeys": {
        const all = [...this.#keys.values()];
        const start = Number(req.Marker ?? 0), limit = req.Limit ?? 100;
        const page = all.slice(start, start + limit).map((k) => ({ KeyId: k.KeyId, KeyArn: k.Arn }));
        const more = start + limit < all.length;
        return { status: 200, body: json({ Keys: page, Truncated: more, ...(more ? { NextMarker: String(start + limit) } : {}) }) };
      }
      default:
        return err(400, "UnsupportedOperationException", `${op} is not implemented in this fake engine`);
    }
  }
}

