// Random call sequences against the built package, in process (KMSClient) and over HTTP
// (createKmsServer, raw JSON bodies): whatever the operation, members and key states, no call may
// end in a server fault. Every rejection is a KMS client error (400 with __type); a 5xx fails.
// The sequences mix state changes (schedule/cancel deletion, enable/disable, imported keys without
// material) so key states combine the way users combine them.
//
// Seeded and reproducible: KMS_WASM_FUZZ_SEED (default 1). `npm run fuzz` sets KMS_WASM_FUZZ_SCALE=10
// (ten times the calls of `npm test`); each test prints one "fuzz ..." line with its counts.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import * as kms from "kms-wasm";
import { kmsHeaders, raw } from "./helpers/http-helpers.mjs";

const SCALE = Number(process.env.KMS_WASM_FUZZ_SCALE ?? 1);
const SEED = Number(process.env.KMS_WASM_FUZZ_SEED ?? 1);
const CALLS = 400 * SCALE;

/** xorshift32: the same sequence for the same seed. */
function rng(seed) {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  return {
    int: (n) => Math.floor(next() * n),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
  };
}

// Every operation the package has a command for (kms-wasm's extensions name a target of their own).
const OPERATIONS = Object.values(kms)
  .filter((v) => typeof v === "function" && typeof v.operation === "string" && v.target === undefined)
  .map((c) => c.operation);
// Weighted in, so states combine: deletion scheduled and cancelled, enabled, disabled, material gone.
const STATEFUL = ["CreateKey", "ScheduleKeyDeletion", "CancelKeyDeletion", "EnableKey", "DisableKey", "DeleteImportedKeyMaterial",
  "Encrypt", "GenerateDataKey", "GenerateDataKeyPair", "Sign", "GenerateMac", "ReEncrypt", "RotateKeyOnDemand", "CreateGrant"];

function generator(r, world) {
  const bytes = (max = 48) => {
    const out = new Uint8Array(r.int(max));
    for (let i = 0; i < out.length; i++) out[i] = r.int(256);
    return out;
  };
  // Half the time the key of the previous call, so sequences (schedule, cancel, enable, use) hit one key.
  let last;
  const keyRef = () => {
    if (r.chance(0.05)) return r.pick(["", "alias/missing", "not-a-key", "arn:aws:kms:us-east-1:000000000000:key/00000000-0000-0000-0000-000000000000"]);
    if (last === undefined || r.chance(0.5)) last = r.pick(world.keys);
    return last;
  };
  const members = {
    KeyId: keyRef,
    Plaintext: () => bytes(64),
    CiphertextBlob: () => (r.chance(0.7) && world.blobs.length ? r.pick(world.blobs) : bytes(200)),
    EncryptionContext: () => r.pick([{}, { k: "v" }, { a: "" }]),
    NumberOfBytes: () => r.pick([-1, 0, 1, 32, 1024, 1025]),
    KeySpec: () => r.pick(["SYMMETRIC_DEFAULT", "AES_256", "AES_128", "ECC_NIST_P256", "ECC_SECG_P256K1", "HMAC_256", "RSA_2048", "BAD"]),
    KeyUsage: () => r.pick(["ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"]),
    Origin: () => r.pick(["AWS_KMS", "EXTERNAL", "EXTERNAL", "AWS_CLOUDHSM"]),
    KeyPairSpec: () => r.pick(["ECC_NIST_P256", "RSA_2048", "BAD"]),
    Message: () => bytes(80),
    MessageType: () => r.pick(["RAW", "DIGEST"]),
    SigningAlgorithm: () => r.pick(["ECDSA_SHA_256", "RSASSA_PSS_SHA_256", "ECDSA_SHA_384"]),
    Signature: () => bytes(72),
    MacAlgorithm: () => r.pick(["HMAC_SHA_256", "HMAC_SHA_512"]),
    Mac: () => bytes(32),
    Description: () => r.pick(["", "d", "x".repeat(8193)]),
    AliasName: () => r.pick(["alias/fuzz", `alias/f${r.int(5)}`, "alias/aws/x", "bad"]),
    TargetKeyId: keyRef,
    DestinationKeyId: keyRef,
    PendingWindowInDays: () => r.pick([6, 7, 30, 31]),
    RotationPeriodInDays: () => r.pick([89, 90, 365]),
    DryRun: () => r.chance(0.5),
    GrantTokens: () => r.pick([[], ["token"]]),
    EncryptionAlgorithm: () => r.pick(["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_256"]),
    Tags: () => r.pick([[{ TagKey: "a", TagValue: "b" }], [], [{ TagKey: "aws:x", TagValue: "" }]]),
    TagKeys: () => r.pick([["a"], []]),
    Policy: () => r.pick(['{"Version":"2012-10-17","Statement":[]}', "not json"]),
    GranteePrincipal: () => "arn:aws:iam::000000000000:role/R",
    Operations: () => r.pick([["Encrypt"], ["Decrypt", "Sign"], []]),
    WrappingAlgorithm: () => r.pick(["RSAES_OAEP_SHA_256", "RSA_AES_KEY_WRAP_SHA_256"]),
    WrappingKeySpec: () => r.pick(["RSA_2048", "RSA_4096"]),
    ImportToken: () => bytes(64),
    EncryptedKeyMaterial: () => bytes(256),
    ExpirationModel: () => r.pick(["KEY_MATERIAL_DOES_NOT_EXPIRE", "KEY_MATERIAL_EXPIRES"]),
    MultiRegion: () => r.chance(0.2),
    Limit: () => r.pick([0, 1, 1000, 1001]),
  };
  const names = Object.keys(members);
  // Mostly valid starting points for the operations of STATEFUL, so calls get past validation.
  const base = {
    CreateKey: () => (r.chance(0.4) ? { Origin: "EXTERNAL" } : {}),
    ScheduleKeyDeletion: () => ({ PendingWindowInDays: 7 }),
    Encrypt: () => ({ Plaintext: members.Plaintext() }),
    GenerateDataKey: () => ({ KeySpec: "AES_256" }),
    GenerateDataKeyPair: () => ({ KeyPairSpec: "ECC_NIST_P256" }),
    Sign: () => ({ Message: members.Message(), SigningAlgorithm: "ECDSA_SHA_256" }),
    GenerateMac: () => ({ Message: members.Message(), MacAlgorithm: "HMAC_SHA_256" }),
    ReEncrypt: () => ({ CiphertextBlob: members.CiphertextBlob(), DestinationKeyId: keyRef() }),
    CreateGrant: () => ({ GranteePrincipal: members.GranteePrincipal(), Operations: ["Encrypt"] }),
  };
  return () => {
    const op = r.chance(0.6) ? r.pick(STATEFUL) : r.pick(OPERATIONS);
    const input = base[op] && r.chance(0.8) ? base[op]() : {};
    if (r.chance(0.9)) input.KeyId = keyRef();
    for (let i = r.int(4); i > 0; i--) {
      const m = r.pick(names);
      input[m] = members[m]();
    }
    if (op === "CreateKey") {
      delete input.KeyId;
      if (input.KeySpec === "RSA_2048" && r.chance(0.8)) delete input.KeySpec; // keygen is slow
    }
    return { op, input };
  };
}

/** A few keys in different states, an alias and ciphertexts, for the calls to hit real records. */
async function world(send) {
  const w = { keys: [], blobs: [] };
  const add = async (input) => w.keys.push((await send("CreateKey", input)).KeyMetadata.Arn);
  await add({});
  await add({});
  await add({ Origin: "EXTERNAL" });
  await add({ KeySpec: "ECC_NIST_P256", KeyUsage: "SIGN_VERIFY" });
  await add({ KeySpec: "HMAC_256", KeyUsage: "GENERATE_VERIFY_MAC" });
  await send("CreateAlias", { AliasName: "alias/fuzz", TargetKeyId: w.keys[0] });
  w.keys.push("alias/fuzz");
  w.blobs.push((await send("Encrypt", { KeyId: w.keys[0], Plaintext: new Uint8Array([1, 2, 3]) })).CiphertextBlob);
  return w;
}

/** Adds what a successful call created to the world, so later calls use it. */
function learn(w, op, out) {
  if (op === "CreateKey" && out?.KeyMetadata?.Arn && w.keys.length < 40) w.keys.push(out.KeyMetadata.Arn);
  if (out?.CiphertextBlob instanceof Uint8Array && w.blobs.length < 20) w.blobs.push(out.CiphertextBlob);
  if (typeof out?.CiphertextBlob === "string" && w.blobs.length < 20) w.blobs.push(Buffer.from(out.CiphertextBlob, "base64"));
}

const toJson = (input) => JSON.stringify(input, (_, v) => (v instanceof Uint8Array ? Buffer.from(v).toString("base64") : v));

describe("fuzz", () => {
  let server;
  before(async () => { server = await kms.createKmsServer({ storage: new kms.MemoryStorage() }); });
  after(() => server.close());

  it(`in process: ${CALLS} random calls, no server fault`, async () => {
    const client = new kms.KMSClient({ region: "us-east-1", storage: new kms.MemoryStorage() });
    const send = (op, input) => client.send(new kms[`${op}Command`](input));
    const w = await world(send);
    const next = generator(rng(SEED), w);
    const counts = { ok: 0, clientErrors: 0, serverFaults: 0 };
    const faults = [];
    for (let i = 0; i < CALLS; i++) {
      const { op, input } = next();
      try {
        learn(w, op, await send(op, input));
        counts.ok++;
      } catch (err) {
        // A body without a message shows "UnknownError", as the SDK shows it; never "".
        if (kms.KMSServiceException.isInstance(err) && err.$fault === "client" && err.$metadata.httpStatusCode === 400 && err.message !== "") counts.clientErrors++;
        else {
          counts.serverFaults++;
          if (faults.length < 5) faults.push(`${op} ${toJson(input).slice(0, 300)} -> ${err.name}: ${err.message}`);
        }
      }
    }
    console.log(`fuzz in-process: ${CALLS} calls, ${counts.ok} ok, ${counts.clientErrors} client errors, ${counts.serverFaults} 5xx (seed ${SEED})`);
    assert.deepEqual(faults, []);
    assert.ok(counts.ok > CALLS / 20, `too few calls succeeded to mean anything: ${counts.ok}`);
  });

  it(`over HTTP: ${CALLS} random requests, no 5xx, every error a JSON envelope`, async () => {
    const send = async (op, input, body = toJson(input)) => {
      const res = await raw(server.url, { headers: kmsHeaders(op), body });
      if (res.status === 200) return res.json;
      throw Object.assign(new Error(res.text), { status: res.status, json: res.json });
    };
    const w = await world(send);
    const r = rng(SEED + 1);
    const next = generator(r, w);
    const counts = { ok: 0, clientErrors: 0, serverFaults: 0 };
    const faults = [];
    for (let i = 0; i < CALLS; i++) {
      const { op, input } = next();
      // Now and then a body that is not the JSON it claims to be.
      let body = toJson(input);
      if (r.chance(0.05)) body = body.slice(0, r.int(body.length));
      else if (r.chance(0.03)) body = Buffer.from(Array.from({ length: r.int(40) }, () => r.int(256))).toString("latin1");
      try {
        learn(w, op, await send(op, input, body));
        counts.ok++;
      } catch (err) {
        // AWS sends a message or omits the member, never "message": "" (AWS-KMS-BEHAVIOUR.md §2.21).
        const message = err.json?.message;
        if (err.status === 400 && typeof err.json?.__type === "string" && (message === undefined || (typeof message === "string" && message !== ""))) counts.clientErrors++;
        else {
          counts.serverFaults++;
          if (faults.length < 5) faults.push(`${op} ${body.slice(0, 300)} -> ${err.status} ${err.message.slice(0, 300)}`);
        }
      }
    }
    console.log(`fuzz http: ${CALLS} requests, ${counts.ok} ok, ${counts.clientErrors} client errors, ${counts.serverFaults} 5xx (seed ${SEED})`);
    assert.deepEqual(faults, []);
    assert.ok(counts.ok > CALLS / 20, `too few requests succeeded to mean anything: ${counts.ok}`);
  });
});
