#!/usr/bin/env node
// CreateKey RSA_2048 / RSA_4096 through KMSClient beside node:crypto's generateKeyPair, same
// process, same run: medians and ratios (ours ÷ node:crypto; 1.0 means as fast as node).
//
//   node bench/keygen.mjs [--runs N] [--wasm-only]
//
// By default the package's engine generates RSA keys with the host's WebCrypto and hands them to
// Rust (which checks them). --wasm-only also times the Rust-in-wasm fallback, with WebCrypto hidden;
// that is slow (RSA_4096 often takes 10 s or more), so it runs fewer times.
import { generateKeyPair } from "node:crypto";
import { promisify } from "node:util";
import { KMSClient, MemoryStorage, CreateKeyCommand } from "kms-wasm";

const args = process.argv.slice(2);
const runs = Number(args.includes("--runs") ? args[args.indexOf("--runs") + 1] : 15);
const wasmOnly = args.includes("--wasm-only");
const gen = promisify(generateKeyPair);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function time(n, fn) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return median(out);
}

const kms = new KMSClient({ region: "us-east-1", storage: new MemoryStorage() });
await kms.send(new CreateKeyCommand({})); // instantiate the wasm before timing

const rows = [];
for (const [spec, bits] of [["RSA_2048", 2048], ["RSA_4096", 4096]]) {
  const ours = await time(runs, () => kms.send(new CreateKeyCommand({ KeySpec: spec, KeyUsage: "SIGN_VERIFY" })));
  const node = await time(runs, () => gen("rsa", { modulusLength: bits }));
  rows.push({ what: `CreateKey ${spec} (WebCrypto keygen, Rust-checked)`, ours, node });
}

if (wasmOnly) {
  // Hide only SubtleCrypto: the client still needs getRandomValues/randomUUID.
  const saved = Object.getOwnPropertyDescriptor(globalThis, "crypto");
  const real = globalThis.crypto;
  const noSubtle = {
    getRandomValues: (a) => real.getRandomValues(a),
    randomUUID: () => real.randomUUID(),
  };
  Object.defineProperty(globalThis, "crypto", { value: noSubtle, configurable: true, writable: true });
  try {
    for (const [spec, bits, n] of [["RSA_2048", 2048, 5], ["RSA_4096", 4096, 3]]) {
      const ours = await time(n, () => kms.send(new CreateKeyCommand({ KeySpec: spec, KeyUsage: "SIGN_VERIFY" })));
      if (saved) Object.defineProperty(globalThis, "crypto", saved);
      const node = await time(n, () => gen("rsa", { modulusLength: bits }));
      Object.defineProperty(globalThis, "crypto", { value: noSubtle, configurable: true, writable: true });
      rows.push({ what: `CreateKey ${spec} (Rust keygen in wasm, fallback)`, ours, node });
    }
  } finally {
    if (saved) Object.defineProperty(globalThis, "crypto", saved);
  }
}

console.log(`Node ${process.version}, ${runs} runs per WebCrypto row (medians)\n`);
console.log("| operation | kms-wasm ms | node:crypto generateKeyPair ms | ratio (ours ÷ node) |");
console.log("|---|---:|---:|---:|");
for (const r of rows) console.log(`| ${r.what} | ${r.ours.toFixed(0)} | ${r.node.toFixed(0)} | ${(r.ours / r.node).toFixed(2)} |`);
