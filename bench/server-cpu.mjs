// Figure l: server CPU per operation over HTTP, read from /proc/<pid>/stat of each server process,
// for `kms-wasm serve` in memory and with --data-dir, beside a bare node:http server that answers
// every request with a body of the same size (the floor any Node HTTP server pays), and beside
// moto_server when it is installed in the tools venv (.tools/venv; see bench/README.md).
//
// One client, one request in flight, keep-alive; the same request bytes go to every server. CPU
// time, not wall time: the machine is shared, and another process's load changes a server's CPU
// per request far less than its latency. Each (server, operation) is measured in several rounds,
// interleaved across servers, and the median round kept.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, openSync, fsyncSync, closeSync, unlinkSync } from "node:fs";
import { Agent, request } from "node:http";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Linux reports utime/stime in clock ticks of 1/100 s (USER_HZ is 100 on every Linux ABI).
const TICK_US = 10_000;
const AUTH = "AWS4-HMAC-SHA256 Credential=AKIDBENCH/20260101/us-east-1/kms/aws4_request, SignedHeaders=host;x-amz-target, Signature=00";

/** utime + stime of process `pid`, all threads, in µs. */
function cpuMicros(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * TICK_US;
}

/** One keep-alive connection; `call(target, body)` resolves with {status, body}. */
function client(url) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const { hostname, port } = new URL(url);
  const call = (target, body) => new Promise((resolve, reject) => {
    const req = request({
      agent, hostname, port, method: "POST", path: "/",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": `TrentService.${target}`, authorization: AUTH, "content-length": body.byteLength },
    }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
  return { call, close: () => agent.destroy() };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Spawns `cmd args` and waits until `ready(url)` answers; returns {pid, url, stop}. */
async function startProcess(cmd, args, port, env = {}) {
  const child = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, ...env } });
  // A bench stopped half-way must not leave its servers running.
  const orphanGuard = () => child.kill("SIGTERM");
  process.once("exit", orphanGuard);
  child.once("exit", () => process.off("exit", orphanGuard));
  let stderr = "";
  child.stderr.on("data", (d) => { stderr += d; });
  const url = `http://127.0.0.1:${port}`;
  const c = client(url);
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`${cmd} exited: ${stderr.slice(0, 400)}`);
    try {
      await c.call("ListKeys", Buffer.from("{}"));
      break;
    } catch {
      if (i > 300) throw new Error(`${cmd} did not start`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  c.close();
  return {
    pid: child.pid, url,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", resolve);
      child.kill("SIGTERM");
    }),
  };
}

// The floor: node:http answering each target with a canned body of the size kms-wasm answered.
const BARE = `
import { createServer } from "node:http";
const bodies = new Map(Object.entries(JSON.parse(process.env.BENCH_BODIES)).map(([t, b]) => [t, Buffer.from(b, "base64")]));
const fallback = Buffer.from('{"Keys":[],"Truncated":false}');
createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    Buffer.concat(chunks);
    const body = bodies.get(req.headers["x-amz-target"]) ?? fallback;
    res.statusCode = 200;
    res.setHeader("x-amzn-RequestId", "00000000-0000-4000-8000-000000000000");
    res.setHeader("Content-Type", "application/x-amz-json-1.1");
    res.setHeader("Content-Length", body.byteLength);
    res.end(body);
  });
}).listen(Number(process.env.BENCH_PORT), "127.0.0.1");`;

/** The requests of the figure, built against a live kms-wasm server (keys, a ciphertext). */
async function buildRequests(c) {
  const json = (o) => Buffer.from(JSON.stringify(o));
  const ok = async (target, body) => {
    const r = await c.call(target, body);
    if (r.status !== 200) throw new Error(`bench setup: ${target} answered ${r.status}: ${r.body}`);
    return JSON.parse(r.body);
  };
  const sym = (await ok("CreateKey", json({}))).KeyMetadata.KeyId;
  const ecc = (await ok("CreateKey", json({ KeySpec: "ECC_NIST_P256", KeyUsage: "SIGN_VERIFY" }))).KeyMetadata.KeyId;
  const plaintext = Buffer.alloc(4096, 7).toString("base64");
  const { CiphertextBlob } = await ok("Encrypt", json({ KeyId: sym, Plaintext: plaintext }));
  return {
    "Encrypt 4 KiB": ["Encrypt", json({ KeyId: sym, Plaintext: plaintext })],
    "Decrypt 4 KiB": ["Decrypt", json({ CiphertextBlob })],
    "CreateKey": ["CreateKey", json({})],
    "Sign P-256": ["Sign", json({ KeyId: ecc, Message: Buffer.alloc(64, 1).toString("base64"), SigningAlgorithm: "ECDSA_SHA_256" })],
  };
}

/** Server CPU (µs) per call of `target body`, over `n` calls after a warm-up. */
async function cpuPerCall(server, c, [target, body], n) {
  for (let i = 0; i < Math.min(200, n); i++) await c.call(target, body);
  const before = cpuMicros(server.pid);
  for (let i = 0; i < n; i++) {
    const r = await c.call(target, body);
    if (r.status !== 200) throw new Error(`bench: ${target} answered ${r.status}: ${r.body}`);
  }
  return (cpuMicros(server.pid) - before) / n;
}

/** CPU (µs) the calling process spends on one small write + fsync in `dir` (what a durable write adds at least). */
function fsyncMicros(dir) {
  const path = join(dir, "fsync-probe");
  const runs = 50;
  const start = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const fd = openSync(path, "w");
    writeFileSync(fd, "x".repeat(600));
    fsyncSync(fd);
    closeSync(fd);
  }
  const used = process.cpuUsage(start);
  unlinkSync(path);
  return (used.user + used.system) / runs;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * The rows of figure l. `add(id, name, row)` as in figures.mjs.
 * @param {{quick: boolean, root: string, add: Function}} options
 */
export async function serverCpuFigures({ quick, root, add }) {
  const cli = join(root, "pkg/dist/cli.js");
  const dataDir = mkdtempSync(join(tmpdir(), "kms-bench-serve-"));
  const moto = join(root, ".tools/venv/bin/moto_server");
  const servers = {};
  try {
    const port = async () => freePort();
    let p = await port();
    servers.memory = await startProcess(process.execPath, [cli, "serve", "--port", String(p)], p);
    p = await port();
    servers.dataDir = await startProcess(process.execPath, [cli, "serve", "--port", String(p), "--data-dir", join(dataDir, "kms")], p);
    const clients = { memory: client(servers.memory.url), dataDir: client(servers.dataDir.url) };
    const requests = { memory: await buildRequests(clients.memory), dataDir: await buildRequests(clients.dataDir) };
    // The floor answers each target with a body as large as kms-wasm's answer to it.
    const bodies = {};
    for (const [target, body] of Object.values(requests.memory)) {
      bodies[`TrentService.${target}`] = (await clients.memory.call(target, body)).body.toString("base64");
    }
    p = await port();
    servers.bare = await startProcess(process.execPath, ["--input-type=module", "-e", BARE], p, { BENCH_BODIES: JSON.stringify(bodies), BENCH_PORT: String(p) });
    clients.bare = client(servers.bare.url);
    requests.bare = requests.memory;
    let motoNote;
    if (existsSync(moto)) {
      p = await port();
      servers.moto = await startProcess(moto, ["-H", "127.0.0.1", "-p", String(p)], p);
      clients.moto = client(servers.moto.url);
      requests.moto = await buildRequests(clients.moto);
    } else {
      motoNote = "moto_server is not installed in .tools/venv (see bench/README.md): moto column skipped";
    }
    const n = quick ? 300 : 1500;
    const rounds = quick ? 3 : 5;
    const samples = {};
    for (let round = 0; round < rounds; round++) {
      for (const op of Object.keys(requests.memory)) {
        for (const name of Object.keys(clients)) {
          // moto is ~10x slower per call: fewer calls give it the same CPU time to measure.
          const calls = name === "moto" ? Math.ceil(n / 5) : n;
          ((samples[name] ??= {})[op] ??= []).push(await cpuPerCall(servers[name], clients[name], requests[name][op], calls));
        }
      }
    }
    const us = (name, op) => median(samples[name][op]);
    const fsync = fsyncMicros(dataDir);
    for (const op of Object.keys(requests.memory)) {
      const bare = us("bare", op);
      const motoText = samples.moto ? `, moto_server ${us("moto", op).toFixed(0)} µs (${(us("moto", op) / us("memory", op)).toFixed(1)}× in-memory serve)` : "";
      const target = op === "Encrypt 4 KiB" ? 1 / 1.5 : undefined;
      add("l", `server CPU per ${op}, serve in memory (reference: bare node:http, same-size body)`, {
        ours: us("memory", op), reference: bare, unit: "µs", higherIsBetter: false, target,
        note: `bare node:http ${bare.toFixed(0)} µs${motoText}`,
      });
      if (op === "CreateKey") {
        // Every CreateKey on disk is a durable write: the target allows twice the floor plus one fsync.
        add("l", "server CPU per CreateKey, serve --data-dir (reference: 2 × bare node:http + one fsync)", {
          ours: us("dataDir", op), reference: 2 * bare + fsync, unit: "µs", higherIsBetter: false, target: 1,
          note: `bare ${bare.toFixed(0)} µs, one 600-byte write + fsync ${fsync.toFixed(0)} µs of CPU`,
        });
      } else {
        add("l", `server CPU per ${op}, serve --data-dir (reference: bare node:http, same-size body)`, {
          ours: us("dataDir", op), reference: bare, unit: "µs", higherIsBetter: false, target,
          note: `bare node:http ${bare.toFixed(0)} µs`,
        });
      }
    }
    if (motoNote) add("l", "server CPU, moto_server", { unavailable: motoNote });
    for (const c of Object.values(clients)) c.close();
  } finally {
    await Promise.all(Object.values(servers).map((s) => s.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  }
}
