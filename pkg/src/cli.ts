#!/usr/bin/env node
/**
 * The `kms-wasm` command (package.json "bin"):
 *
 * ```sh
 * npx kms-wasm serve --port 4599 --data-dir .kms   # then: aws --endpoint-url http://127.0.0.1:4599 kms list-keys
 * npx kms-wasm export --data-dir .kms > state.json  # the whole state as one JSON document
 * npx kms-wasm import --data-dir fresh < state.json # into an empty directory
 * npx kms-wasm verify --data-dir .kms [--repair]     # check every record; keep the sound prefix
 * ```
 *
 * Owns: argument parsing, the startup line, and turning SIGINT/SIGTERM into a graceful close.
 * Must not: hold any server logic (that is `http/server.ts`).
 *
 * @packageDocumentation
 */
import { fchmodSync, fstatSync } from "node:fs";
import { parseArgs } from "node:util";
import { createKmsServer, exportState, FileSystemStorage, importState } from "./node.js";
import { engineFor } from "./engine.js";
import { repairDataDir, verifyDataDir } from "./verify.js";
import { isLoopbackHost } from "./http/admin.js";

const USAGE = `Usage: kms-wasm serve [options]
       kms-wasm export --data-dir DIR > state.json
       kms-wasm import --data-dir DIR < state.json
       kms-wasm verify --data-dir DIR [--repair]

Runs an AWS KMS endpoint (AWS JSON 1.1) for the AWS CLI, boto3, Terraform and any SDK.

Options:
  --port N          TCP port (default 4599; 0 picks a free one)
  --host ADDR       interface to listen on (default 127.0.0.1; nothing is authenticated)
  --data-dir DIR    keep keys in DIR, shared safely with other processes using it
                    (default: in memory, lost on exit)
  --account-id ID   account for access keys that are not 12 digits (default 000000000000)
  --region NAME     Region for unsigned requests (default us-east-1)
  --seed TEXT       deterministic key IDs, key material and ciphertexts (tests only)
  --admin           serve the admin paths (call log, reset, moto's reset) even when --host
                    is not loopback; on loopback they are on anyway
  --cors-origin O   let only browser origin O call the endpoint (repeatable; default: any origin)
  -h, --help        this text

export writes the whole state of DIR to stdout (a file it is redirected into is made 0600:
it holds the key material); import loads such a document from stdin into
DIR, which must be empty. verify checks every record of DIR (checksums, versions, gaps) and says
what is damaged and what a repair would discard; --repair keeps the longest sound prefix and moves
the rest into DIR/damaged-<time>/ (stop every process using DIR first). Exit status: 0 sound (or
repaired), 1 damaged.

Point clients at it with --endpoint-url http://HOST:PORT or AWS_ENDPOINT_URL_KMS=http://HOST:PORT.
Signatures are not verified.`;

/** Runs the CLI with `argv` (without node and the script); resolves with the exit code once a signal closed the server. */
async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        port: { type: "string" },
        host: { type: "string" },
        "data-dir": { type: "string" },
        "account-id": { type: "string" },
        region: { type: "string" },
        seed: { type: "string" },
        admin: { type: "boolean" },
        "cors-origin": { type: "string", multiple: true },
        repair: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    console.error(`kms-wasm: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if ((positionals[0] === "export" || positionals[0] === "import") && positionals.length === 1) {
    return transferState(positionals[0], values["data-dir"]);
  }
  if (positionals[0] === "verify" && positionals.length === 1) {
    return verify(values["data-dir"], values.repair ?? false);
  }
  if (positionals[0] !== "serve" || positionals.length > 1) {
    console.error(USAGE);
    return 2;
  }
  const port = Number(values.port ?? 4599);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`kms-wasm: --port must be 0–65535, got ${values.port}`);
    return 2;
  }
  const server = await createKmsServer({
    port,
    host: values.host ?? "127.0.0.1",
    dataDir: values["data-dir"],
    accountId: values["account-id"],
    region: values.region,
    seed: values.seed,
    // Not given: the server decides from the host (on for loopback only).
    ...(values.admin ? { admin: true } : {}),
    ...(values["cors-origin"]?.length ? { cors: values["cors-origin"] } : {}),
  });
  // The first line is the contract scripts and tests read: the endpoint URL is its last word.
  console.log(`kms-wasm: KMS endpoint listening on ${server.url}`);
  const host = values.host ?? "127.0.0.1";
  if (!isLoopbackHost(host)) {
    console.error(
      `kms-wasm: WARNING: listening on ${host}, beyond loopback. Nothing is authenticated (signatures are ` +
        "not verified): anyone who can reach this port can use, export and delete every key.",
    );
  }
  console.log(`kms-wasm: data ${values["data-dir"] ? `in ${values["data-dir"]}` : "in memory (lost on exit; use --data-dir to keep it)"}`);
  console.log(`kms-wasm: try  AWS_ENDPOINT_URL_KMS=${server.url} aws kms list-keys`);
  console.log(server.admin
    ? `kms-wasm: admin paths on: GET ${server.url}/_kms-wasm/calls, POST ${server.url}/_kms-wasm/reset, POST ${server.url}/moto-api/reset`
    : "kms-wasm: admin paths off (the host is not loopback; --admin turns them on)");

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      console.log(`kms-wasm: ${signal}, finishing requests in flight`);
      // A second signal means "now": in-flight writes are durable or not acknowledged either way.
      process.once("SIGINT", () => process.exit(130));
      process.once("SIGTERM", () => process.exit(143));
      void server.close().then(resolve);
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
  console.log("kms-wasm: stopped");
  return 0;
}

/** `verify [--repair]`: the report on stdout; 0 when sound (or repaired), 1 when damaged. */
async function verify(dataDir: string | undefined, repair: boolean): Promise<number> {
  if (dataDir === undefined) {
    console.error(`kms-wasm: verify needs --data-dir DIR\n\n${USAGE}`);
    return 2;
  }
  const report = await verifyDataDir(dataDir);
  const prefix = report.soundThrough === 0
    ? "nothing (an empty store)"
    : `version ${report.soundThrough}${report.base > 0 ? ` (snapshot ${report.base} and ${report.soundThrough - report.base} entries after it)` : ""}`;
  if (report.sound) {
    // Every record passed its checks; loading proves the engine reads them too. A store that still
    // has records from before integrity checks is left as it is (loading it would migrate it).
    if (report.legacy === 0) await engineFor(new FileSystemStorage(dataDir)).ready();
    console.log(`kms-wasm verify: ${dataDir} is sound, through ${prefix}`);
    if (report.legacy > 0) console.log(`kms-wasm verify: ${report.legacy} records predate integrity checks; the next open migrates them into a checked snapshot`);
    return 0;
  }
  console.log(`kms-wasm verify: ${dataDir} is damaged`);
  for (const p of report.problems) console.log(`  ${p.record}: ${p.reason}`);
  console.log(`kms-wasm verify: the longest sound prefix ends at ${prefix}`);
  console.log(`kms-wasm verify: a repair keeps it and discards ${report.discard.length} files: ${report.discard.join(", ")}`);
  if (!repair) {
    console.log("kms-wasm verify: run again with --repair to do it (stop every process using the directory first)");
    return 1;
  }
  const folder = await repairDataDir(dataDir, report);
  console.log(`kms-wasm verify: repaired; the discarded files are in ${folder}/ inside the directory`);
  const after = await verifyDataDir(dataDir);
  if (!after.sound) {
    console.log("kms-wasm verify: still damaged after the repair:");
    for (const p of after.problems) console.log(`  ${p.record}: ${p.reason}`);
    return 1;
  }
  return 0;
}

/** `export` / `import`: the whole state of --data-dir to stdout, or from stdin into it. */
async function transferState(command: "export" | "import", dataDir: string | undefined): Promise<number> {
  if (dataDir === undefined) {
    console.error(`kms-wasm: ${command} needs --data-dir DIR\n\n${USAGE}`);
    return 2;
  }
  const storage = new FileSystemStorage(dataDir);
  try {
    if (command === "export") {
      const bytes = await exportState(storage);
      // The document holds every key's material: a file it is redirected into (`> state.json`,
      // created with the umask) is made owner-only before a byte is written. Pipes and terminals
      // are left alone.
      if (fstatSync(1).isFile()) fchmodSync(1, 0o600);
      await new Promise<void>((resolve, reject) => process.stdout.write(bytes, (err) => (err ? reject(err) : resolve())));
    } else {
      const chunks: Uint8Array[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Uint8Array);
      await importState(storage, Buffer.concat(chunks));
      console.error(`kms-wasm: state imported into ${dataDir}`);
    }
  } finally {
    await storage.close?.();
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    const message = String((err as Error)?.message ?? err);
    console.error(message.startsWith("kms-wasm") ? message : `kms-wasm: ${message}`);
    process.exitCode = 1;
  },
);
