// The two wasm modules: the core one every entry loads first (symmetric, HMAC, P-256, the whole
// API) and the full one, loaded on the first call that needs another key type. White-box at the
// start (the built glue, to show what each module holds); through the package by name after.
// Each "first use" runs in a new process, since a process moves to the full module only once.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const dist = new URL("../../pkg/dist/", import.meta.url);
const ctx = JSON.stringify({ accountId: "111122223333", region: "us-east-1", requestId: "r-1", now: 1893456000 });

/** A fresh engine of the module whose glue and .wasm sit in `dir` (relative to pkg/dist). */
async function engineOf(dir) {
  const glue = await import(new URL(`${dir}kms_wasm.js`, dist));
  glue.initSync({ module: new WebAssembly.Module(readFileSync(new URL(`${dir}kms_wasm_bg.wasm`, dist))) });
  const memory = glue.wasm_memory();
  const engine = new glue.WasmEngine();
  const call = (op, body) => {
    const at = engine.dispatch(`TrentService.${op}`, ctx, new TextEncoder().encode(JSON.stringify(body)), false);
    const view = new DataView(memory.buffer);
    const status = view.getUint16(at, true);
    const len = view.getUint32(at + 2, true);
    const blobs = view.getUint32(at + 14, true);
    const start = at + 18 + 4 * blobs;
    const text = new TextDecoder().decode(new Uint8Array(memory.buffer, start, len));
    engine.commit();
    return { status, body: JSON.parse(text) };
  };
  return { glue, call };
}

// Every KeySpec beyond the core's, with a usage it allows.
const LAZY_SPECS = [
  ["RSA_2048", "SIGN_VERIFY"], ["RSA_3072", "ENCRYPT_DECRYPT"], ["RSA_4096", "SIGN_VERIFY"],
  ["ECC_NIST_P384", "SIGN_VERIFY"], ["ECC_NIST_P521", "KEY_AGREEMENT"], ["ECC_SECG_P256K1", "SIGN_VERIFY"],
  ["ECC_NIST_EDWARDS25519", "SIGN_VERIFY"], ["SM2", "SIGN_VERIFY"],
  ["ML_DSA_44", "SIGN_VERIFY"], ["ML_DSA_65", "SIGN_VERIFY"], ["ML_DSA_87", "SIGN_VERIFY"],
  ["ML_KEM_512", "ENCAPSULATE_DECAPSULATE"], ["ML_KEM_768", "ENCAPSULATE_DECAPSULATE"], ["ML_KEM_1024", "ENCAPSULATE_DECAPSULATE"],
];
const CORE_SPECS = [["SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT"], ["HMAC_256", "GENERATE_VERIFY_MAC"], ["ECC_NIST_P256", "SIGN_VERIFY"]];

test("the core module answers symmetric, HMAC and P-256 calls, and stops for every other key type naming the full module", async () => {
  const { glue, call } = await engineOf("wasm/");
  assert.equal(glue.WasmEngine.is_full_module(), false);
  for (const [KeySpec, KeyUsage] of CORE_SPECS) {
    assert.equal(call("CreateKey", { KeySpec, KeyUsage }).status, 200, KeySpec);
  }
  for (const [KeySpec, KeyUsage] of LAZY_SPECS) {
    const out = call("CreateKey", { KeySpec, KeyUsage });
    assert.deepEqual(out, { status: 0, body: { loadModule: "full" } }, KeySpec);
  }
  // The stopped calls left nothing behind; validation needs no key type's code.
  assert.equal(call("ListKeys", {}).body.Keys.length, CORE_SPECS.length);
  assert.equal(call("CreateKey", { KeySpec: "RSA_2048", KeyUsage: "GENERATE_VERIFY_MAC" }).status, 400);
  assert.equal(call("GetParametersForImport", { KeyId: call("CreateKey", { Origin: "EXTERNAL" }).body.KeyMetadata.KeyId, WrappingAlgorithm: "RSAES_OAEP_SHA_256", WrappingKeySpec: "RSA_2048" }).status, 0);
  // The core module is the small one.
  const size = (dir) => readFileSync(new URL(`${dir}kms_wasm_bg.wasm`, dist)).length;
  assert.ok(size("wasm/") < 0.8 * size("wasm/full/"), `core ${size("wasm/")} B, full ${size("wasm/full/")} B`);
});

test("the full module carries every key type", async () => {
  const { glue, call } = await engineOf("wasm/full/");
  assert.equal(glue.WasmEngine.is_full_module(), true);
  for (const [KeySpec, KeyUsage] of [...CORE_SPECS, ...LAZY_SPECS.filter(([s]) => !s.startsWith("RSA"))]) {
    assert.equal(call("CreateKey", { KeySpec, KeyUsage }).status, 200, KeySpec);
  }
});

/** Runs `body` (an async function's text, given `kms` and the package) in a new Node process; returns what it returns. */
function inNewProcess(body, storageDir) {
  const script = `
    import * as pkg from "kms-wasm";
    const { KMSClient, MemoryStorage, FileSystemStorage } = pkg;
    const storage = ${storageDir ? `new FileSystemStorage(${JSON.stringify(storageDir)})` : "new MemoryStorage()"};
    const kms = new KMSClient({ region: "us-east-1", storage });
    const result = await (${body})(kms, pkg);
    process.stdout.write(JSON.stringify(result));`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: fileURLToPath(new URL(".", import.meta.url)), encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test("the first use of each lazily loaded key spec works, and keys made before the switch still do", () => {
  for (const [KeySpec, KeyUsage] of LAZY_SPECS.filter(([s]) => s !== "RSA_3072" && s !== "RSA_4096")) {
    const out = inNewProcess(`async (kms, { CreateKeyCommand, EncryptCommand, DecryptCommand, GetPublicKeyCommand, SignCommand, VerifyCommand, ListKeysCommand }) => {
      const sym = await kms.send(new CreateKeyCommand({}));
      const before = await kms.send(new EncryptCommand({ KeyId: sym.KeyMetadata.KeyId, Plaintext: new Uint8Array([7]) }));
      const { KeyMetadata } = await kms.send(new CreateKeyCommand({ KeySpec: ${JSON.stringify(KeySpec)}, KeyUsage: ${JSON.stringify(KeyUsage)} }));
      const { PublicKey } = await kms.send(new GetPublicKeyCommand({ KeyId: KeyMetadata.KeyId }));
      let verified = null;
      if (KeyMetadata.SigningAlgorithms) {
        const SigningAlgorithm = KeyMetadata.SigningAlgorithms[0], Message = new Uint8Array([1, 2, 3]);
        const { Signature } = await kms.send(new SignCommand({ KeyId: KeyMetadata.KeyId, Message, SigningAlgorithm }));
        verified = (await kms.send(new VerifyCommand({ KeyId: KeyMetadata.KeyId, Message, Signature, SigningAlgorithm }))).SignatureValid;
      }
      const after = await kms.send(new DecryptCommand({ CiphertextBlob: before.CiphertextBlob }));
      const keys = (await kms.send(new ListKeysCommand({}))).Keys.length;
      return { spec: KeyMetadata.KeySpec, publicKey: PublicKey.length > 0, verified, plaintext: [...after.Plaintext], keys };
    }`);
    assert.deepEqual(out, {
      spec: KeySpec, publicKey: true, verified: KeyUsage === "SIGN_VERIFY" ? true : null, plaintext: [7], keys: 2,
    }, KeySpec);
  }
});

test("a new process's first call on a stored P-384 key (Sign) loads the full module; storage is intact across it", () => {
  const dir = mkdtempSync(join(tmpdir(), "kms-lazy-"));
  try {
    const made = inNewProcess(`async (kms, { CreateKeyCommand, EncryptCommand }) => {
      const sym = await kms.send(new CreateKeyCommand({}));
      const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: sym.KeyMetadata.KeyId, Plaintext: new Uint8Array([9]) }));
      const p384 = await kms.send(new CreateKeyCommand({ KeySpec: "ECC_NIST_P384", KeyUsage: "SIGN_VERIFY" }));
      return { p384: p384.KeyMetadata.KeyId, blob: [...CiphertextBlob] };
    }`, dir);
    const used = inNewProcess(`async (kms, { SignCommand, VerifyCommand, DecryptCommand, CreateKeyCommand, ListKeysCommand }) => {
      const Message = new Uint8Array([5]), SigningAlgorithm = "ECDSA_SHA_384", KeyId = ${JSON.stringify(made.p384)};
      const { Signature } = await kms.send(new SignCommand({ KeyId, Message, SigningAlgorithm }));
      const { SignatureValid } = await kms.send(new VerifyCommand({ KeyId, Message, Signature, SigningAlgorithm }));
      const { Plaintext } = await kms.send(new DecryptCommand({ CiphertextBlob: new Uint8Array(${JSON.stringify(made.blob)}) }));
      await kms.send(new CreateKeyCommand({ KeySpec: "HMAC_256", KeyUsage: "GENERATE_VERIFY_MAC" }));
      return { SignatureValid, plaintext: [...Plaintext], keys: (await kms.send(new ListKeysCommand({}))).Keys.length };
    }`, dir);
    assert.deepEqual(used, { SignatureValid: true, plaintext: [9], keys: 3 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a seeded engine gives the same IDs, ciphertexts and clock whether it switched modules mid-way or ran in the full module throughout", () => {
  const out = inNewProcess(`async (_kms, { KMSClient, MemoryStorage, CreateKeyCommand, EncryptCommand, GenerateMacCommand, GetPublicKeyCommand, DescribeKeyCommand }) => {
    const clock = () => new Date("2030-01-01T00:00:00Z");
    const run = async () => {
      const kms = new KMSClient({ region: "us-east-1", storage: new MemoryStorage(), seed: "lazy", clock });
      const hex = (b) => Buffer.from(b).toString("hex");
      const sym = (await kms.send(new CreateKeyCommand({}))).KeyMetadata.KeyId;
      const mac = (await kms.send(new CreateKeyCommand({ KeySpec: "HMAC_256", KeyUsage: "GENERATE_VERIFY_MAC" }))).KeyMetadata.KeyId;
      const c1 = hex((await kms.send(new EncryptCommand({ KeyId: sym, Plaintext: new Uint8Array([1]) }))).CiphertextBlob);
      // The first run's engine switches here, at the first key type the core module lacks.
      const p384 = (await kms.send(new CreateKeyCommand({ KeySpec: "ECC_NIST_P384", KeyUsage: "SIGN_VERIFY" }))).KeyMetadata.KeyId;
      const pub = hex((await kms.send(new GetPublicKeyCommand({ KeyId: p384 }))).PublicKey);
      const c2 = hex((await kms.send(new EncryptCommand({ KeyId: sym, Plaintext: new Uint8Array([2]) }))).CiphertextBlob);
      const m = hex((await kms.send(new GenerateMacCommand({ KeyId: mac, Message: new Uint8Array([3]), MacAlgorithm: "HMAC_SHA_256" }))).Mac);
      const later = (await kms.send(new CreateKeyCommand({}))).KeyMetadata;
      return { sym, mac, c1, p384, pub, c2, m, later: later.KeyId, created: later.CreationDate.toISOString() };
    };
    // The process starts in the core module, so the first run switches; the second opens in the full one.
    return [await run(), await run()];
  }`);
  assert.deepEqual(out[0], out[1]);
  assert.equal(out[0].created, "2030-01-01T00:00:00.000Z");
});
