// The benchmark figures of issue 7, each kms-wasm beside the node:crypto (or plain Node) work that
// does the same thing. A figure returns {ours, reference, unit, higherIsBetter, target, note?} or
// {unavailable: "why"} when the feature it measures is not implemented yet (never a made-up number).
import { createCipheriv, createDecipheriv, createSign, generateKeyPairSync, randomBytes, generateKeyPair } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { spawnSync } from "node:child_process";
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
import { serverCpuFigures } from "./server-cpu.mjs";

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

/**
 * Encrypt/Decrypt 4 KiB calls of `WasmEngine.dispatch_with_blobs` directly, with prepared request
 * text in the form KMSClient sends (blobs beside the JSON): the wasm-side cost alone. Its own
 * instance of the package's glue (the Node entry is a bundle), set up as the Node entry sets up its
 * own: the same .wasm, the same AES-GCM host.
 */
async function bareDispatch(root) {
  const dist = (file) => pathToFileURL(join(root, "pkg/dist", file)).href;
  const glue = await import(dist("wasm/kms_wasm.js"));
  const { readOutcome } = await import(dist("engine.js"));
  const { nodeAesGcm } = await import(dist("node-aes-gcm.js"));
  await glue.default({ module_or_path: readFileSync(join(root, "pkg/dist/wasm/kms_wasm_bg.wasm")) });
  const engine = new glue.WasmEngine();
  engine.lend_hosts(nodeAesGcm, undefined);
  engine.restore(new Uint8Array(0));
  const ctx = JSON.stringify({ accountId: "000000000000", region: "us-east-1", requestId: "00000000-0000-4000-8000-000000000000", now: Math.floor(Date.now() / 1000) });
  const enc = new TextEncoder();
  const call = (op, req, blobs = []) => {
    const out = readOutcome(glue.wasm_memory(), engine.dispatch_with_blobs(`TrentService.${op}`, ctx, JSON.stringify(req), blobs));
    if (out.entry) engine.commit();
    if (out.status !== 200) throw new Error(`bare ${op}: ${new TextDecoder().decode(out.body)}`);
    return out.blobs;
  };
  const keyId = JSON.parse(new TextDecoder().decode(readOutcome(glue.wasm_memory(), engine.dispatch("TrentService.CreateKey", ctx, enc.encode("{}"))).body)).KeyMetadata.KeyId;
  engine.commit();
  const encBody = JSON.stringify({ KeyId: keyId, Plaintext: "#0" });
  const [ciphertext] = call("Encrypt", { KeyId: keyId, Plaintext: "#0" }, [data]);
  const decBody = JSON.stringify({ CiphertextBlob: "#0" });
  // Encrypt and Decrypt never write, so there is nothing to commit.
  const bare = (target, body, blobs) => () => engine.dispatch_with_blobs(target, ctx, body, blobs);
  return { encrypt: bare("TrentService.Encrypt", encBody, [data]), decrypt: bare("TrentService.Decrypt", decBody, [ciphertext]) };
}

/** Every figure, in the order. `quick` shortens the runs (CI). */
export async function figures({ quick, root, only }) {
  const want = (id) => !only || only.includes(id);
  const budget = quick ? 250 : 1500;
  const out = [];
  const add = (id, name, fig) => out.push({ id, name, ...fig });

  const nodeEnc = await opsPerSecond(nodeEncrypt, budget);
  const nodeDec = await opsPerSecond(nodeDecrypt, budget);
  const nodeDataKey = await opsPerSecond(() => {
    const c = createCipheriv("aes-256-gcm", nodeKey, randomBytes(12));
    return Buffer.concat([c.update(randomBytes(32)), c.final(), c.getAuthTag()]);
  }, budget);

  if (want("a")) {
    const direct = await throughClient(freshClient(), budget);
    add("a", "Encrypt 4 KiB", { ours: direct.encrypt, reference: nodeEnc, unit: "ops/s", target: 0.25 });
    add("b", "Decrypt 4 KiB", { ours: direct.decrypt, reference: nodeDec, unit: "ops/s", target: 0.25 });
    add("c", "GenerateDataKey AES_256", { ours: direct.dataKey, reference: nodeDataKey, unit: "ops/s", target: 0.5 });

    {
      // The JS side of the in-process path (serialization, base64, journal catch-up, the promise
      // queue) beside the bare wasm dispatch of the same request bytes. Shown as the share of a call's
      // time spent outside the wasm dispatch; the target is ≤ 20%. The ratio column is
      // (1 − share) ÷ 0.8, so ≥ 1 means met.
      // Interleaved rounds, best of each: other load on the machine slows a round down, never up.
      const inside = await bareDispatch(root);
      const kms = freshClient();
      const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
      const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: data }));
      const viaClient = {
        encrypt: () => kms.send(new EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: data })),
        decrypt: () => kms.send(new DecryptCommand({ CiphertextBlob })),
      };
      const best = { encrypt: [0, 0], decrypt: [0, 0] };
      for (let round = 0; round < 5; round++) {
        for (const op of ["encrypt", "decrypt"]) {
          best[op][0] = Math.max(best[op][0], await opsPerSecond(viaClient[op], budget / 5));
          best[op][1] = Math.max(best[op][1], await opsPerSecond(inside[op], budget / 5));
        }
      }
      for (const [id, name, [through, bare]] of [
        ["a", "Encrypt", best.encrypt],
        ["b", "Decrypt", best.decrypt],
      ]) {
        const share = Math.max(0, 1 - through / bare);
        add(id, `${name} 4 KiB: share of time outside the wasm dispatch (%)`, {
          ours: share * 100, reference: 20, unit: "%", target: 1, ratio: (1 - share) / 0.8,
          note: `bare WasmEngine.dispatch ${bare.toFixed(0)} ops/s`,
        });
      }
    }
  }

  if (want("d")) {
    const kms = freshClient();
    const createKey = await opsPerSecond(() => kms.send(new CreateKeyCommand({})), budget);
    // The target is absolute (50,000/s); the reference column shows it so the ratio reads as "of target".
    add("d", "CreateKey SYMMETRIC_DEFAULT (memory)", {
      ours: createKey, reference: 50000, unit: "ops/s", target: 1, note: "reference = the 50,000/s target",
      // The regression check compares against node:crypto's 32-byte AES-GCM (same run), not the target.
      checkRatio: createKey / nodeDataKey,
    });
  }

  for (const spec of want("e") ? ["RSA_2048", "RSA_4096"] : []) {
    const bits = Number(spec.slice(4));
    const k = freshClient();
    if (await isUnsupported(k.send(new CreateKeyCommand({ KeySpec: spec, KeyUsage: "SIGN_VERIFY" })))) {
      add("e", `CreateKey ${spec}`, { unavailable: `${spec} keys are not implemented yet` });
      continue;
    }
    const runs = quick ? (bits === 2048 ? 5 : 3) : bits === 2048 ? 9 : 5;
    const ours = await medianMs(() => k.send(new CreateKeyCommand({ KeySpec: spec, KeyUsage: "SIGN_VERIFY" })), runs);
    const reference = await medianMs(() => promisify(generateKeyPair)("rsa", { modulusLength: bits }), runs);
    add("e", `CreateKey ${spec} (median)`, { ours, reference, unit: "ms", higherIsBetter: false, target: 1 / 1.5 });
  }

  if (want("f")) {
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

  if (want("g")) {
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
      checkRatio: ours / reference,
    });
  }

  if (want("h")) {
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

  if (!want("i")) {
    // skipped
  } else if (typeof pkg.kmsRequestHandler !== "function") {
    add("i", "through the real SDK + kmsRequestHandler", { unavailable: "kmsRequestHandler is not implemented yet" });
  } else {
    const sdk = await import("@aws-sdk/client-kms");
    const credentials = { accessKeyId: "AKIDBENCH", secretAccessKey: "secret" };
    const viaHandler = new sdk.KMSClient({
      region: "us-east-1", credentials,
      requestHandler: pkg.kmsRequestHandler({ storage: new MemoryStorage(`bench-h-${process.pid}`) }),
    });
    const h = await throughClient(viaHandler, budget, sdk);
    let floorOps;
    const inProcess = freshClient();
    const inProcessKey = (await inProcess.send(new CreateKeyCommand({}))).KeyMetadata.KeyId;
    {
      // The SDK's own floor: the same client with a handler that answers at once with a canned
      // response and does no KMS work at all. Whatever kms-wasm does, a call through the SDK cannot
      // be faster than this.
      const { KeyMetadata } = await viaHandler.send(new sdk.CreateKeyCommand({}));
      const { CiphertextBlob, ...rest } = await viaHandler.send(new sdk.EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: data }));
      const canned = new TextEncoder().encode(JSON.stringify({ KeyId: rest.KeyId, EncryptionAlgorithm: rest.EncryptionAlgorithm, CiphertextBlob: Buffer.from(CiphertextBlob).toString("base64") }));
      const instant = {
        handle: async () => ({ response: { statusCode: 200, reason: "OK", headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "00000000-0000-4000-8000-000000000000" }, body: canned } }),
      };
      const floor = new sdk.KMSClient({ region: "us-east-1", credentials, requestHandler: instant });
      floorOps = await opsPerSecond(() => floor.send(new sdk.EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: data })), budget);
      add("i", "Encrypt 4 KiB, real SDK + a handler that does nothing (the SDK's own floor)", {
        ours: floorOps, reference: nodeEnc, unit: "ops/s", target: undefined, note: "informational: the best any handler could reach",
      });
    }
    if (typeof pkg.emulateKms === "function") {
      // What a test suite gets from one `emulateKms()` line: the code's own `new KMSClient({})`
      // (no credentials, no Region, no handler), routed, measured against the SDK's own floor.
      const kms = pkg.emulateKms({ storage: new MemoryStorage(`bench-e-${process.pid}`), lifecycle: false });
      try {
        const routed = new sdk.KMSClient({});
        const { KeyMetadata } = await routed.send(new sdk.CreateKeyCommand({}));
        let n = 0;
        const ops = await opsPerSecond(() => {
          if (++n % 1000 === 0) kms.resetHistory(); // a test's history, not the whole run's
          return routed.send(new sdk.EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: data }));
        }, budget);
        const direct = await opsPerSecond(() => inProcess.send(new EncryptCommand({ KeyId: inProcessKey, Plaintext: data })), budget);
        add("i", "Encrypt 4 KiB, real SDK routed by emulateKms (reference: the SDK's own floor)", {
          ours: ops, reference: floorOps, unit: "ops/s", target: 0.6, note: `kms-wasm's own KMSClient: ${Math.round(direct)} ops/s`,
        });
      } finally {
        kms.restore();
      }
    }
    add("i", "Encrypt 4 KiB, real SDK + kmsRequestHandler (reference: the SDK's own floor)", {
      ours: h.encrypt, reference: floorOps, unit: "ops/s", target: 0.7, note: "issue 15: the handler costs at most 3/7 of the SDK's own work",
    });
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

  if (want("j")) {
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

  // Figure l starts four servers and takes minutes: the quick run (npm test) leaves it out unless
  // asked for by name.
  if (want("l") && (!quick || only?.includes("l"))) await serverCpuFigures({ quick, root, add });

  if (want("k")) {
    // What a browser downloads first: the default entry bundled and minified (without the base64
    // copies, which it loads only when it cannot fetch, and without the full module's glue, which
    // it imports on the first call that needs a key type the core lacks) plus the core .wasm it
    // fetches. Then the full set: that plus the full module's glue and .wasm.
    const gzKiB = (bytes) => gzipSync(bytes, { level: 9 }).length / 1024;
    const wasm = readFileSync(join(root, "pkg/dist/wasm/kms_wasm_bg.wasm"));
    const fullWasm = readFileSync(join(root, "pkg/dist/wasm/full/kms_wasm_bg.wasm"));
    const { build } = await import("esbuild");
    const bundle = async (entry, external) => (await build({
      entryPoints: [join(root, entry)], bundle: true, minify: true, format: "esm", platform: "browser",
      write: false, logLevel: "silent", external,
    })).outputFiles[0].contents;
    const js = await bundle("pkg/dist/portable.js", ["./wasm/wasm_base64.js", "./wasm/full/wasm_base64.js", "./wasm/full/kms_wasm.js"]);
    const fullGlue = await bundle("pkg/dist/wasm/full/kms_wasm.js", []);
    const jsGz = gzKiB(js);
    const embedded = gzKiB(readFileSync(join(root, "pkg/dist/portable.cjs")));
    add("k", "first browser download (default entry + the core .wasm it fetches), gzip", {
      ours: jsGz + gzKiB(wasm), reference: 300, unit: "KiB", higherIsBetter: false, target: 1,
      note: `JS ${jsGz.toFixed(0)} KiB + core wasm ${gzKiB(wasm).toFixed(0)} KiB (raw ${(wasm.length / 1024).toFixed(0)} KiB); reference = the 300 KB target`,
    });
    add("k", "every file a browser may download (+ the full module's glue and .wasm), gzip", {
      ours: jsGz + gzKiB(wasm) + gzKiB(fullGlue) + gzKiB(fullWasm), reference: jsGz + gzKiB(wasm), unit: "KiB", higherIsBetter: false, target: undefined,
      note: `informational: full wasm ${gzKiB(fullWasm).toFixed(0)} KiB (raw ${(fullWasm.length / 1024).toFixed(0)} KiB), loaded on first use of another key type; embedded-base64 fallback bundle (both modules) ${embedded.toFixed(0)} KiB`,
    });
    // Peak memory in a fresh process (this one carries every earlier figure's garbage): RSS after
    // n keys minus RSS once the engine is loaded.
    const n = quick ? 2000 : 10000;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", `
      import { KMSClient, CreateKeyCommand, MemoryStorage } from "kms-wasm";
      const k = new KMSClient({ region: "us-east-1", storage: new MemoryStorage() });
      await k.send(new CreateKeyCommand({}));
      const before = process.memoryUsage().rss;
      let peak = before;
      for (let c = 1; c < ${n}; c += 200) {
        await Promise.all(Array.from({ length: Math.min(200, ${n} - c) }, () => k.send(new CreateKeyCommand({}))));
        peak = Math.max(peak, process.memoryUsage().rss);
      }
      console.log((peak - before) / 1048576);`], { cwd: root, encoding: "utf8" });
    const mb = Number(child.stdout.trim());
    add("k", `peak memory growth with ${n} keys (RSS, fresh process)`, { ours: mb, reference: mb, unit: "MiB", target: undefined, note: "informational" });
  }
  return out;
}
