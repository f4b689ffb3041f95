#!/usr/bin/env node
// The sandbox's static server (`npm run sandbox`): www/ at "/", the built package at /pkg/dist/, and
// the KMS model at /model/kms-model-summary.json, on 127.0.0.1 only. Node built-ins, no deps.
//
//   node scripts/serve.mjs [--port N]      default 4600 (or $PORT); 0 picks a free port
//
// The page imports the package exactly as a user would ("kms-wasm" through an import map pointing
// at /pkg/dist/portable.js), so what the browser tests exercise is what ships. Everything is sent
// with Cache-Control: no-store so a rebuild is picked up by a plain reload.
import { createReadStream } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import { createServer } from "node:http";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** URL prefix → directory (or single file) it serves; the first matching prefix wins. */
const mounts = (dist) => [
  ["/pkg/dist/", dist],
  ["/model/kms-model-summary.json", join(root, "model/kms-model-summary.json")],
  ["/", join(root, "www")],
];

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
  ".map": "application/json; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
};

/**
 * Maps a request path to a file under one of the mounts, as `{ file, target }`, or undefined
 * (traversal included). The file's real path is checked against the mount's by the caller.
 */
function resolvePath(urlPath, table) {
  let path;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (path.includes("\0")) return undefined;
  for (const [prefix, target] of table) {
    if (!path.startsWith(prefix)) continue;
    if (!prefix.endsWith("/")) return path === prefix ? { file: target, target } : undefined;
    const rest = path.slice(prefix.length) || "index.html";
    const file = normalize(join(target, rest));
    return file === target || file.startsWith(target + sep) ? { file, target } : undefined;
  }
  return undefined;
}

/**
 * Starts the server. Resolves with `{ url, port, close() }` once it listens. `dist` is the
 * directory served as /pkg/dist/ (default: the build in pkg/dist).
 *
 * @example
 * ```js
 * import { serve } from "./scripts/serve.mjs";
 * const server = await serve({ port: 0 });
 * console.log(server.url); // http://127.0.0.1:PORT/
 * await server.close();
 * ```
 */
export async function serve({ port = 4600, host = "127.0.0.1", quiet = true, dist = join(root, "pkg/dist") } = {}) {
  const table = mounts(dist);
  const server = createServer(async (req, res) => {
    const send = (status, body) => {
      res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
      res.end(body);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, "method not allowed\n");
    let pathname;
    try {
      // A path such as "//x" reads as a protocol-relative URL and makes URL throw.
      pathname = new URL(`http://x${req.url ?? "/"}`).pathname;
    } catch {
      return send(400, "bad request\n");
    }
    const found = resolvePath(pathname, table);
    if (found === undefined) return send(404, "not found\n");
    // Only real paths inside the mount: a symlink (of the file or of a directory on the way) that
    // leads out of it is not followed.
    let file;
    let info;
    try {
      file = await realpath(found.file);
      const base = await realpath(found.target);
      if (file !== base && !file.startsWith(base + sep)) return send(404, "not found\n");
      info = await stat(file);
    } catch {
      return send(404, "not found\n");
    }
    if (!info.isFile()) return send(404, "not found\n");
    if (!quiet) console.log(`${req.method} ${req.url}`);
    res.writeHead(200, {
      "content-type": TYPES[extname(found.file)] ?? "application/octet-stream",
      "content-length": info.size,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    });
    if (req.method === "HEAD") return res.end();
    createReadStream(file).on("error", () => res.destroy()).pipe(res);
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const actual = server.address().port;
  return {
    url: `http://${host}:${actual}/`,
    port: actual,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const args = process.argv.slice(2);
  const at = args.indexOf("--port");
  const port = Number(at >= 0 ? args[at + 1] : (process.env.PORT ?? 4600));
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error("usage: node scripts/serve.mjs [--port N]");
    process.exit(2);
  }
  const { existsSync } = await import("node:fs");
  if (!existsSync(join(root, "pkg/dist/portable.js"))) {
    console.error("serve: pkg/dist/portable.js is missing; run `npm run build` (or `npm start`) first");
    process.exit(1);
  }
  const server = await serve({ port, quiet: !args.includes("--verbose") });
  console.log(`kms-wasm sandbox: ${server.url}  (Ctrl-C to stop)`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
