// White-box: the Node entry lends node:crypto's ECDSA to the engine for Sign with a RAW message on
// the NIST curves (pkg/src/node-ecdsa.ts, src/crypto/ecc.rs). ECDSA is randomized, so the proof is
// that every host-made signature verifies with node:crypto and with the engine's own Verify; that a
// host that throws changes nothing; and that seeded engines never use it (their signatures stay
// reproducible).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createHash, createPublicKey, generateKeyPairSync, randomBytes, verify } from "node:crypto";
import * as glue from "../../pkg/dist/wasm/full/kms_wasm.js";
import { nodeEcdsa } from "../../pkg/dist/node-ecdsa.js";
import { readOutcome } from "../../pkg/dist/engine.js";

await glue.default({ module_or_path: readFileSync(new URL("../../pkg/dist/wasm/full/kms_wasm_bg.wasm", import.meta.url)) });

const ctx = JSON.stringify({ accountId: "111122223333", region: "us-east-1", requestId: "00000000-0000-4000-8000-000000000000", now: 1700000000 });
const enc = new TextEncoder();
const dec = new TextDecoder();

const SPECS = [
  ["ECC_NIST_P256", "ECDSA_SHA_256", "sha256"],
  ["ECC_NIST_P384", "ECDSA_SHA_384", "sha384"],
  ["ECC_NIST_P521", "ECDSA_SHA_512", "sha512"],
  ["ECC_SECG_P256K1", "ECDSA_SHA_256", "sha256"],
];

/** nodeEcdsa, counting its calls. */
function counting(host = nodeEcdsa) {
  const counter = { calls: 0, sign(...args) { counter.calls++; return host.sign(...args); } };
  return counter;
}

/** One call on `engine`, with `host` as the ECDSA host (undefined: RustCrypto only). */
function call(engine, host, op, request) {
  engine.lend_hosts(undefined, host);
  const out = readOutcome(glue.wasm_memory(), engine.dispatch(`TrentService.${op}`, ctx, enc.encode(JSON.stringify(request))));
  if (out.entry) engine.commit();
  const body = JSON.parse(dec.decode(out.body));
  assert.equal(out.status, 200, JSON.stringify(body));
  return body;
}

/** Signs `message` and returns the signature after the engine's own Verify accepted it. */
function signAndVerify(engine, host, KeyId, SigningAlgorithm, message, MessageType = "RAW") {
  const request = { KeyId, Message: message.toString("base64"), MessageType, SigningAlgorithm };
  const { Signature } = call(engine, host, "Sign", request);
  assert.equal(call(engine, host, "Verify", { ...request, Signature }).SignatureValid, true);
  return Buffer.from(Signature, "base64");
}

const signingKey = (engine, host, KeySpec) => call(engine, host, "CreateKey", { KeySpec, KeyUsage: "SIGN_VERIFY" }).KeyMetadata.KeyId;

test("nodeEcdsa signs DER signatures node:crypto verifies, with a key imported once", () => {
  for (const [, , hash, namedCurve] of SPECS.map((s, i) => [...s, ["P-256", "P-384", "P-521", "secp256k1"][i]])) {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve });
    const pkcs8 = privateKey.export({ format: "der", type: "pkcs8" });
    const message = randomBytes(64);
    for (let i = 0; i < 2; i++) {
      const sig = nodeEcdsa.sign(hash, pkcs8, message);
      assert.equal(sig[0], 0x30, "DER SEQUENCE");
      assert.ok(verify(hash, message, publicKey, sig), namedCurve);
    }
  }
  // Keys that differ in any byte are different entries, never each other's.
  const a = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const b = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const message = randomBytes(64);
  for (const k of [a, b, a]) {
    const sig = nodeEcdsa.sign("sha256", k.privateKey.export({ format: "der", type: "pkcs8" }), message);
    assert.ok(verify("sha256", message, k.publicKey, sig));
  }
});

test("host-made signatures verify with node:crypto and with the engine's Verify", () => {
  const engine = new glue.WasmEngine();
  const host = counting();
  try {
    for (const [spec, alg, hash] of SPECS) {
      const keyId = signingKey(engine, host, spec);
      const spki = Buffer.from(call(engine, host, "GetPublicKey", { KeyId: keyId }).PublicKey, "base64");
      const publicKey = createPublicKey({ key: spki, format: "der", type: "spki" });
      const before = host.calls;
      for (const size of [1, 64, 4096]) {
        const message = randomBytes(size);
        const sig = signAndVerify(engine, host, keyId, alg, message);
        assert.ok(verify(hash, message, publicKey, sig), `${spec} ${size}`);
        // The same message as a DIGEST stays in wasm and verifies the same way.
        const digest = createHash(hash).update(message).digest();
        assert.ok(verify(hash, message, publicKey, signAndVerify(engine, host, keyId, alg, digest, "DIGEST")));
      }
      // secp256k1 is faster in wasm than through node:crypto: it never goes out.
      assert.equal(host.calls - before, spec === "ECC_SECG_P256K1" ? 0 : 3, spec);
    }
  } finally {
    engine.free();
  }
});

test("a host that throws or answers garbage falls back to RustCrypto", () => {
  const engine = new glue.WasmEngine();
  const throwing = counting({ sign() { throw new Error("no ECDSA today"); } });
  const garbage = counting({ sign() { return new Uint8Array([0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01]); } });
  try {
    for (const host of [throwing, garbage]) {
      for (const [spec, alg] of SPECS.slice(0, 3)) {
        signAndVerify(engine, host, signingKey(engine, host, spec), alg, randomBytes(64));
      }
      assert.equal(host.calls, 3);
    }
  } finally {
    engine.free();
  }
});

test("seeded engines never use the host: identical signatures run to run", () => {
  const host = counting();
  const run = () => {
    const engine = glue.WasmEngine.with_seed(enc.encode("ecdsa-host"));
    try {
      return SPECS.map(([spec, alg]) => signAndVerify(engine, host, signingKey(engine, host, spec), alg, Buffer.from("hello")).toString("hex"));
    } finally {
      engine.free();
    }
  };
  assert.deepEqual(run(), run());
  assert.equal(host.calls, 0);
});
