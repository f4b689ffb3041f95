// The benchmark figures of issue 7, each kms-wasm beside the node:crypto (or plain Node) work that
// does the same thing. A figure returns {ours, reference, unit, higherIsBetter, target, note?} or
// {unavailable: "why"} when the feature it measures is not implemented yet (never a made-up number).
import { createCipheriv, createDecipheriv, createSign, generateKeyPairSync, randomBytes, generateKeyPair } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  EncryptCommand,
  FileSystemStorage,
  GenerateDataKeyCommand,
  KMSClient,
  MemoryStorage,
  SignCommand,
  TagResourceCommand,
} from "kms-wasm";
import * as pkg from "kms-wasm";
import { medianMs, opsPerSecond, processMs } from "./lib.mjs";

const data = randomBytes(4096);
const nodeKey = randomBytes(32);
let counter = 0;
const freshClient = () => new KMSClient({ region: "us-east-1", storage: new MemoryStorage(`bench-${process.pid}-${counter++}`) });

function nodeEncrypt() {
  const c = createCipheriv("aes-256-gcm", nodeKey, randomBytes(12));
  return Buffer.concat([c.update(data), c.final(), c.getAuthTag()]);
}

const iv = randomBytes(12);
const sealed = (() => {
  const c = createCipheriv("aes-256-gcm", nodeKey, iv);
  return { body: Buffer.concat([c.update(data), c.final()]), tag: c.getAuthTag() };
})();
function nodeDecrypt() {
  const d = createDecipheriv("aes-256-gcm", nodeKey, iv);
  d.setAuthTag(sealed.tag);
  return Buffer.concat([d.update(sealed.body), d.final()]);
}

async function isUnsupported(promise) {
  try {
    await promise;
    return false;
  } catch (e) {
    if (e?.name === "UnsupportedOperationException") return true;
    throw e;
  }
}

/** Figures a, b, c through one client `kms` (KMSClient, or the real SDK over a door). */
async function throughClient(kms, budget, Commands = pkg) {
  const { KeyMetadata } = await kms.send(new Commands.CreateKeyCommand({}));
  const KeyId = KeyMetadata.KeyId;
  const { CiphertextBlob } = await kms.send(new Commands.EncryptCommand({ KeyId, Plaintext: data }));
  return {
    encrypt: await opsPerSecond(() => kms.send(new Commands.EncryptCommand({ KeyId, Plaintext: data })), budget),
    decrypt: await opsPerSecond(() => kms.send(new Commands.DecryptCommand({ CiphertextBlob })), budget),
    dataKey: await opsPerSecond(() => kms.send(new Commands.GenerateDataKeyCommand({ KeyId, KeySpec: "AES_256" })), budget),
  };
}

/** Every figure, in the order. `quick` shortens the runs (CI). */
export async function figures({ quick, root }) {
  const budget = quick ? 250 : 1500;
  const out = [];
  const add = (id, name, fig) => out.push({ id, name, ...fig });

  const nodeEnc = await opsPerSecond(nodeEncrypt, budget);
  const nodeDec = await opsPerSecond(nodeDecrypt, budget);
  const nodeDataKey = await opsPerSecond(() => {
    const c = createCipheriv("aes-256-gcm", nodeKey, randomBytes(12));
    return Buffer.concat([c.update(randomBytes(32)), c.final(), c.getAuthTag()]);
  }, budget);

  const direct = await throughClient(freshClient(), budget);
  add("a", "Encrypt 4 KiB", { ours: direct.encrypt, reference: nodeEnc, unit: "ops/s", target: 0.25 });
  add("b", "Decrypt 4 KiB", { ours: direct.decrypt, reference: nodeDec, unit: "ops/s", target: 0.25 });
  add("c", "GenerateDataKey AES_256", { ours: direct.dataKey, reference: nodeDataKey, unit: "ops/s", target: 0.5 });

  const kms = freshClient();
  const createKey = await opsPerSecond(() => kms.send(new CreateKeyCommand({})), budget);
  // The target is absolute (50,000/s); the reference column shows it so the ratio reads as "of target".
  add("d", "CreateKey SYMMETRIC_DEFAULT (memory)", { ours: createKey, reference: 50000, unit: "ops/s", target: 1, note: "reference = the 50,000/s target" });

  for (const spec of ["RSA_2048", "RSA_4096"]) {
    const bits = Number(spec.slice(4));
    const k = freshClient();
    if (await isUnsupported(k.send(new CreateKeyCommand({ KeySpec: spec, KeyUsage: "SIGN_VERIFY" })))) {
      add("e", `CreateKey ${spec}`, { unavailable: `${spec} keys are not implemented yet` });
      continue;
    }
    const runs = quick ? 3 : bits === 2048 ? 9 : 5;
    const ours = await medianMs(() => k.send(new CreateKeyCommand({ KeySpec: spec, KeyUsage: "SIGN_VERIFY" })), runs);
    const reference = await medianMs(() => promisify(generateKeyPair)("rsa", { modulusLength: bits }), runs);
    add("e", `CreateKey ${spec} (median)`, { ours, reference, unit: "ms", higherIsBetter: false, target: 1 / 1.5 });
  }

  {
    const k = freshClient();
    let keyId;
    if (await isUnsupported(k.send(new CreateKeyCommand({ KeySpec: "ECC_NIST_P256", KeyUsage: "SIGN_VERIFY" })).then((r) => (keyId = r.KeyMetadata.KeyId)))) {
      add("f", "Sign ECC_NIST_P256 ECDSA_SHA_256", { unavailable: "ECC keys are not implemented yet" });
    } else {
      const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
      const msg = randomBytes(64);
      const ours = await opsPerSecond(() => k.send(new SignCommand({ KeyId: keyId, Message: msg, SigningAlgorithm: "ECDSA_SHA_256" })), budget);
      const reference = await opsPerSecond(() => createSign("sha256").update(msg).sign(privateKey), budget);
      add("f", "Sign ECC_NIST_P256 ECDSA_SHA_256", { ours, reference, unit: "ops/s", target: 0.25 });
    }
  }

  {
    // A CI-like workload: one test file's worth of KMS use.
    const workload = async () => {
      const k = freshClient();
      const { KeyMetadata } = await k.send(new CreateKeyCommand({}));
      await k.send(new CreateAliasCommand({ AliasName: "alias/ci", TargetKeyId: KeyMetadata.KeyId }));
      for (let i = 0; i < 100; i++) {
        const { CiphertextBlob } = await k.send(new EncryptCommand({ KeyId: "alias/ci", Plaintext: data }));
        await k.send(new DecryptCommand({ CiphertextBlob }));
      }
    };
    const ours = await opsPerSecond(workload, budget * 2);
    const reference = await opsPerSecond(() => {
      for (let i = 0; i < 100; i++) {
        nodeEncrypt();
        nodeDecrypt();
      }
    }, budget);
    add("g", "CI workload: CreateKey + CreateAlias + 100 × (Encrypt 4 KiB + Decrypt)", {
      ours, reference: 100, unit: "workloads/s", target: 1, note: `reference = the 100/s target; node:crypto alone does ${reference.toFixed(0)}/s`,
    });
  }

  {
    const runs = quick ? 3 : 7;
    const ours = processMs(
      `import { KMSClient, CreateKeyCommand, EncryptCommand } from "kms-wasm";
       const kms = new KMSClient({ region: "us-east-1" });
       const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
       await kms.send(new EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: new Uint8Array(16) }));`,
      runs, root,
    );
    const bare = processMs(
      `import { createCipheriv, randomBytes } from "node:crypto";
       const c = createCipheriv("aes-256-gcm", randomBytes(32), randomBytes(12));
       c.update(new Uint8Array(16)); c.final();`,
      runs, root,
    );
    add("h", "cold start: new process to first Encrypt", { ours, reference: bare, unit: "ms", higherIsBetter: false, target: 1 / 1.5 });
  }

  if (typeof pkg.kmsRequestHandler !== "function") {
    add("i", "through the real SDK + kmsRequestHandler", { unavailable: "kmsRequestHandler is not implemented yet" });
  } else {
    const sdk = await import("@aws-sdk/client-kms");
    const credentials = { accessKeyId: "AKIDBENCH", secretAccessKey: "secret" };
    const viaHandler = new sdk.KMSClient({
      region: "us-east-1", credentials,
      requestHandler: pkg.kmsRequestHandler({ storage: new MemoryStorage(`bench-h-${process.pid}`) }),
    });
    const h = await throughClient(viaHandler, budget, sdk);
    add("i", "Encrypt 4 KiB, real SDK + kmsRequestHandler", { ours: h.encrypt, reference: nodeEnc, unit: "ops/s", target: 0.25 });
    add("i", "Decrypt 4 KiB, real SDK + kmsRequestHandler", { ours: h.decrypt, reference: nodeDec, unit: "ops/s", target: 0.25 });
    if (typeof pkg.createKmsServer === "function") {
      const server = await pkg.createKmsServer({ storage: new MemoryStorage(`bench-s-${process.pid}`) });
      try {
        const viaHttp = new sdk.KMSClient({ region: "us-east-1", credentials, endpoint: server.url });
        const s = await throughClient(viaHttp, budget, sdk);
        add("i", "Encrypt 4 KiB, real SDK + HTTP server", { ours: s.encrypt, reference: nodeEnc, unit: "ops/s", target: 0.25 });
        add("i", "Decrypt 4 KiB, real SDK + HTTP server", { ours: s.decrypt, reference: nodeDec, unit: "ops/s", target: 0.25 });
        viaHttp.destroy();
      } finally {
        await server.close();
      }
    }
  }

  {
    // Mutating ops/s on FileSystemStorage with few and with many keys: persisting one call must not
    // cost more with more keys. The many-key state is built through the same public path.
    const many = quick ? 1000 : 10000;
    const dir = mkdtempSync(join(tmpdir(), "kms-bench-fs-"));
    try {
      const k = new KMSClient({ region: "us-east-1", storage: new FileSystemStorage(dir) });
      const ids = [];
      for (let i = 0; i < 10; i++) ids.push((await k.send(new CreateKeyCommand({}))).KeyMetadata.KeyId);
      const tag = (i) => k.send(new TagResourceCommand({ KeyId: ids[i % ids.length], Tags: [{ TagKey: "n", TagValue: String(i) }] }));
      let i = 0;
      const few = await opsPerSecond(() => tag(i++), budget);
      for (let n = 10; n < many; n += 100) {
        await Promise.all(Array.from({ length: 100 }, () => k.send(new CreateKeyCommand({}))));
      }
      const lots = await opsPerSecond(() => tag(i++), budget);
      add("j", `FileSystemStorage TagResource, ${many} keys vs 10 keys`, { ours: lots, reference: few, unit: "ops/s", target: 1 / 1.5 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  {
    const wasm = readFileSync(join(root, "pkg/dist/wasm/kms_wasm_bg.wasm"));
    const portable = readFileSync(join(root, "pkg/dist/portable.cjs"));
    const gz = gzipSync(portable, { level: 9 }).length / 1024;
    add("k", "browser bundle (portable, wasm embedded), gzip", { ours: gz, reference: 300, unit: "KiB", higherIsBetter: false, target: 1, note: `raw wasm ${(wasm.length / 1024).toFixed(0)} KiB, ${(gzipSync(wasm, { level: 9 }).length / 1024).toFixed(0)} KiB gzip; reference = the 300 KB target` });
    const k = freshClient();
    const before = process.memoryUsage().rss;
    const n = quick ? 2000 : 10000;
    for (let c = 0; c < n; c += 200) await Promise.all(Array.from({ length: 200 }, () => k.send(new CreateKeyCommand({}))));
    const mb = (process.memoryUsage().rss - before) / 1048576;
    add("k", `memory growth with ${n} keys (RSS)`, { ours: mb, reference: mb, unit: "MiB", target: undefined, note: "informational" });
  }
  return out;
}
