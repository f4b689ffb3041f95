// Shared by the HTTP-door tests: raw loopback requests, the real SDK client, the CLI as a child
// process, and the Python venv that scripts/setup.sh creates. Loopback only; every wait is bounded.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { KMSClient } from "@aws-sdk/client-kms";
import { after } from "node:test";
import { createKmsServer, MemoryStorage } from "kms-wasm";
import { jsBlock } from "./docs.mjs";

export const root = fileURLToPath(new URL("../../..", import.meta.url));

const started = [];
/** `createKmsServer` on a private MemoryStorage (unless `options` say otherwise), closed after the test file. */
export async function startServer(options = {}) {
  if (started.length === 0) after(() => Promise.all(started.splice(0).map((s) => s.close())));
  const server = await createKmsServer({ storage: new MemoryStorage(), ...options });
  started.push(server);
  return server;
}

/** The package's own "bin" entry, resolved the way npm links it (so a wrong path in package.json fails here). */
export const cliPath = join(root, JSON.parse(readFileSync(join(root, "package.json"), "utf8")).bin["kms-wasm"]);

/** The venv scripts/setup.sh creates; never a global aws/python. */
export const venvBin = join(root, ".tools/venv/bin");
export const venvMissing = existsSync(join(venvBin, "aws")) && existsSync(join(venvBin, "python"))
  ? undefined
  : ".tools/venv is missing: run scripts/setup.sh (it installs awscli and boto3 from PyPI)";

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = "kms-http-") {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The real @aws-sdk/client-kms, pointed at `endpoint` or given a `requestHandler`. */
export function sdkClient({ endpoint, requestHandler, region = "us-east-1", accessKeyId = "AKIDEXAMPLE", maxAttempts = 1 } = {}) {
  return new KMSClient({
    region,
    credentials: { accessKeyId, secretAccessKey: "unused-secret" },
    maxAttempts,
    ...(endpoint ? { endpoint } : {}),
    ...(requestHandler ? { requestHandler } : {}),
  });
}

/** One raw HTTP request on loopback. Resolves {status, headers, text, json}; rejects after `timeoutMs`. */
export function raw(url, { method = "POST", path = "/", headers = {}, body, timeoutMs = 10_000 } = {}) {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, url), { method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
      res.on("error", reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}

/** Headers of a well-formed KMS call, with a SigV4-shaped Authorization (never verified). */
export function kmsHeaders(operation, { region = "us-east-1", accessKeyId = "AKIDEXAMPLE", contentType = "application/x-amz-json-1.1" } = {}) {
  return {
    "Content-Type": contentType,
    "X-Amz-Target": `TrentService.${operation}`,
    Authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20240101/${region}/kms/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=00`,
  };
}

/**
 * Starts `kms-wasm serve` (the package "bin") as a child process and resolves once it printed its
 * endpoint. `stop(signal)` resolves with {code, signal, stdout} when it exits.
 */
export function startCli(args = [], { timeoutMs = 20_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, "serve", "--port", "0", ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const exited = new Promise((res) => child.on("exit", (code, signal) => res({ code, signal, stdout, stderr })));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`kms-wasm serve printed no endpoint within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.stderr.on("data", (c) => { stderr += c; });
    child.stdout.on("data", (c) => {
      stdout += c;
      const m = /listening on (http:\/\/\S+)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1],
          child,
          stop: (signal = "SIGTERM") => {
            child.kill(signal);
            return bounded(exited, timeoutMs, "kms-wasm serve did not exit");
          },
        });
      }
    });
    exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`kms-wasm serve exited early (${code})\n${stdout}\n${stderr}`));
    });
  });
}

/** Runs a command to completion with a time bound. Resolves {code, stdout, stderr}. */
export function run(cmd, args, { env = {}, cwd = root, timeoutMs = 60_000, input } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => { stdout += c; });
    child.stderr.on("data", (c) => { stderr += c; });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${cmd} ${args.join(" ")} timed out after ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on("error", (err) => { clearTimeout(timer); reject(err); });
    child.on("close", (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
    child.stdin.end(input);
  });
}

/** `promise`, or a rejection after `ms`. */
export function bounded(promise, ms, what = "timed out") {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms); }),
  ]);
}

/**
 * Runs the README's ```js block that contains `marker` (parsed as ./docs.mjs parses every doc),
 * after `edit(code)`, as an ES module inside tests/js (so "kms-wasm" resolves by name). Resolves
 * {code, stdout, stderr}.
 */
export async function runReadmeBlock(marker, edit = (c) => c) {
  const { code } = jsBlock(marker, "README.md");
  const file = join(root, "tests/js", `.readme-http-${process.pid}-${Date.now()}.mjs`);
  writeFileSync(file, edit(code));
  try {
    return await run(process.execPath, [file], { timeoutMs: 30_000 });
  } finally {
    rmSync(file, { force: true });
  }
}
