#!/usr/bin/env node
// `npm run bench`: kms-wasm beside node:crypto doing the same primitive work, in the same process and
// run, reported as ratios (kms-wasm ÷ node:crypto throughput; for times, node ÷ kms-wasm, so higher is
// better either way). Absolute numbers depend on the machine; the ratios are what we track.
//
//   --quick   fewer iterations (CI smoke run)
import { spawnSync } from "node:child_process";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { CreateKeyCommand, DecryptCommand, EncryptCommand, GenerateDataKeyCommand, KMSClient, MemoryStorage } from "kms-wasm";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const quick = process.argv.includes("--quick");
const budgetMs = quick ? 300 : 2000;

/** Operations per second of an async or sync function, run for about `budgetMs`. */
async function opsPerSecond(fn) {
  for (let i = 0; i < 50; i++) await fn(); // warm-up (JIT, wasm tier-up)
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < budgetMs) {
    for (let i = 0; i < 20; i++) await fn();
    n += 20;
  }
  return n / ((performance.now() - start) / 1000);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Wall time of a new node process running `code`, median of `runs`. */
function processMs(code, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", code], { cwd: root, stdio: "inherit" });
    if (r.status !== 0) throw new Error("cold-start child failed");
    times.push(performance.now() - t);
  }
  return median(times);
}

const rows = [];
const row = (figure, ours, reference, unit, higherIsBetter = true) =>
  rows.push({ figure, ours, reference, unit, ratio: higherIsBetter ? ours / reference : reference / ours });

const kms = new KMSClient({ region: "us-east-1", storage: new MemoryStorage(`bench-${process.pid}`) });
const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
const KeyId = KeyMetadata.KeyId;
const data = randomBytes(4096);
const nodeKey = randomBytes(32);

const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId, Plaintext: data }));
row(
  "Encrypt 4 KiB",
  await opsPerSecond(() => kms.send(new EncryptCommand({ KeyId, Plaintext: data }))),
  await opsPerSecond(() => {
    const c = createCipheriv("aes-256-gcm", nodeKey, randomBytes(12));
    Buffer.concat([c.update(data), c.final(), c.getAuthTag()]);
  }),
  "ops/s",
);
const iv = randomBytes(12);
const c = createCipheriv("aes-256-gcm", nodeKey, iv);
const sealed = Buffer.concat([c.update(data), c.final()]);
const tag = c.getAuthTag();
row(
  "Decrypt 4 KiB",
  await opsPerSecond(() => kms.send(new DecryptCommand({ CiphertextBlob }))),
  await opsPerSecond(() => {
    const d = createDecipheriv("aes-256-gcm", nodeKey, iv);
    d.setAuthTag(tag);
    Buffer.concat([d.update(sealed), d.final()]);
  }),
  "ops/s",
);
row(
  "GenerateDataKey AES_256",
  await opsPerSecond(() => kms.send(new GenerateDataKeyCommand({ KeyId, KeySpec: "AES_256" }))),
  await opsPerSecond(() => {
    const dk = randomBytes(32);
    const e = createCipheriv("aes-256-gcm", nodeKey, randomBytes(12));
    Buffer.concat([e.update(dk), e.final(), e.getAuthTag()]);
  }),
  "ops/s",
);
row(
  "CreateKey SYMMETRIC_DEFAULT (memory)",
  await opsPerSecond(() => kms.send(new CreateKeyCommand({}))),
  await opsPerSecond(() => randomBytes(32)),
  "ops/s",
);

const runs = quick ? 3 : 7;
const ours = processMs(
  `import { KMSClient, CreateKeyCommand, EncryptCommand } from "kms-wasm";
   const kms = new KMSClient({ region: "us-east-1" });
   const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
   await kms.send(new EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: new Uint8Array(16) }));`,
  runs,
);
const bare = processMs(
  `import { createCipheriv, randomBytes } from "node:crypto";
   const c = createCipheriv("aes-256-gcm", randomBytes(32), randomBytes(12));
   c.update(new Uint8Array(16)); c.final();`,
  runs,
);
row("cold start to first Encrypt", ours, bare, "ms", false);

const wasm = readFileSync(join(root, "pkg/src/wasm/kms_wasm_bg.wasm"));
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, node ${process.version}`);
console.log(`wasm: ${(wasm.length / 1024).toFixed(0)} KiB raw, ${(gzipSync(wasm, { level: 9 }).length / 1024).toFixed(0)} KiB gzip\n`);
console.log("| figure | kms-wasm | node:crypto | unit | ratio (1 = parity) |");
console.log("|---|---:|---:|---|---:|");
for (const r of rows) {
  const f = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
  console.log(`| ${r.figure} | ${f(r.ours)} | ${f(r.reference)} | ${r.unit} | ${r.ratio.toFixed(3)} |`);
}
process.exit(0);
