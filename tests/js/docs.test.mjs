// The user docs run as written: README.md, every docs/*.md and bench/README.md (a page added to
// docs/ is picked up without touching this file). Two rules, both strict.
//
// 1. Every fenced code block has a language and a runner, or says why it has none:
//    - js, mjs, ts: run here as an ES module (ts through esbuild), importing the package by its name
//      ("kms-wasm", "@aws-sdk/client-kms"), in a fresh temporary working directory, so relative
//      paths such as "./.kms" land there. The one edit: port 4599 becomes a free port.
//    - sh, bash: run here with `bash -euo pipefail` in a fresh temporary directory, with
//      `kms-wasm` on PATH (this package's bin) and `npx CMD` running CMD. Same port edit.
//    - text, json: output shown to the reader; never run.
//    - any block may instead be preceded (last non-blank line before the fence) by a marker:
//        <!-- not run: REASON -->           not run; REASON is shown to the reader and must not be empty
//        <!-- run by tests/PATH: ID -->     tests/PATH runs it, finding it with markedBlock("ID")
//                                           (tests/js/helpers/docs.mjs); PATH must exist and name ID
//      A marked block is not run here. Any other language without a marker fails, as does a block
//      without a language.
// 2. Every link (inline, reference, image, <autolink>, or a bare URL) resolves inside the
//    repository: a file that exists, and for `#anchor` a heading (GitHub's slug) or an <a id> in
//    the target page. A URL with a scheme fails, except bare http://127.0.0.1 / localhost addresses
//    of the user's own local server.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { transformSync } from "esbuild";
import { allBlocks, codeBlocks, docFiles, jsBlock, root } from "./helpers/docs.mjs";

const JS = new Set(["js", "mjs", "ts"]);
const SH = new Set(["sh", "bash"]);
const OUTPUT = new Set(["text", "json"]);
const cliPath = join(root, JSON.parse(readFileSync(join(root, "package.json"), "utf8")).bin["kms-wasm"]);

/** A TCP port free on loopback right now. */
function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

/** Runs cmd to completion (killed after `timeoutMs`); resolves {code, stdout, stderr}. */
function run(cmd, args, { cwd, env, timeoutMs = 90_000 }) {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => { stdout += c; });
    child.stderr.on("data", (c) => { stderr += c; });
    const timer = setTimeout(() => { child.kill("SIGKILL"); stderr += `\n(killed after ${timeoutMs} ms)`; }, timeoutMs);
    child.on("error", rej);
    child.on("close", (code) => { clearTimeout(timer); res({ code, stdout, stderr }); });
  });
}

/** The environment a block runs in: the user's, minus anything that would point the SDK at AWS. */
function blockEnv(extraPath) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_")));
  return { ...env, PATH: `${extraPath}:${join(root, "node_modules/.bin")}:${process.env.PATH}` };
}

/** Runs one js/ts/sh block as the reader would; `append` is extra code checked after it (js only). */
async function runBlock(block, append = "") {
  const port = await freePort();
  const code = block.code.replace(/\b4599\b/g, String(port));
  const cwd = mkdtempSync(join(tmpdir(), "kms-docs-"));
  const bin = join(cwd, ".bin");
  mkdirSync(bin);
  const shim = join(bin, "kms-wasm");
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${cliPath}" "$@"\n`);
  chmodSync(shim, 0o755);
  try {
    if (SH.has(block.lang)) {
      return await run("bash", ["-euo", "pipefail", "-c", `npx() { "$@"; }\n${code}`], { cwd, env: blockEnv(bin) });
    }
    const js = block.lang === "ts" ? transformSync(code, { loader: "ts", format: "esm" }).code : code;
    // Inside the repo so that `import "kms-wasm"` resolves to this package by its name.
    const file = join(root, "tests/js", `.docs-${process.pid}-${port}.mjs`);
    writeFileSync(file, js + append);
    try {
      return await run(process.execPath, [file], { cwd, env: blockEnv(bin) });
    } finally {
      rmSync(file, { force: true });
    }
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

const where = (b) => `${b.file}:${b.line}`;

test("the docs are README.md, docs/README.md (the index), the other docs/*.md and bench/README.md", () => {
  const files = docFiles();
  for (const f of ["README.md", "docs/README.md", "bench/README.md"]) assert.ok(files.includes(f), `${f} exists`);
  assert.ok(files.length > 3);
});

for (const file of docFiles()) {
  test(`${file}: every code block has a language and a runner or a marker`, () => {
    const problems = [];
    for (const b of codeBlocks(file)) {
      if (!b.lang) problems.push(`${where(b)}: a block without a language (use js, ts, sh, text, json, …)`);
      else if (b.marker?.kind === "not-run") {
        if (!b.marker.reason) problems.push(`${where(b)}: "not run" needs a reason`);
      } else if (b.marker?.kind === "run-by") {
        const path = join(root, b.marker.test);
        if (!existsSync(path)) problems.push(`${where(b)}: ${b.marker.test} does not exist`);
        else if (!new RegExp(`["'\`]${b.marker.id}["'\`]`).test(readFileSync(path, "utf8")))
          problems.push(`${where(b)}: ${b.marker.test} never names "${b.marker.id}"`);
      } else if (!JS.has(b.lang) && !SH.has(b.lang) && !OUTPUT.has(b.lang)) {
        problems.push(`${where(b)}: no runner for "${b.lang}" blocks; add <!-- not run: REASON --> or <!-- run by tests/…: ID -->`);
      }
    }
    assert.deepEqual(problems, []);
  });
}

for (const b of allBlocks().filter((x) => !x.marker && (JS.has(x.lang) || SH.has(x.lang)))) {
  test(`${where(b)}: the ${b.lang} block runs as written`, { timeout: 120_000 }, async () => {
    const r = await runBlock(b);
    assert.equal(r.code, 0, `--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  });
}

test("the README's quick start decrypts what it encrypted", async () => {
  const block = jsBlock('new FileSystemStorage("./.kms")', "README.md");
  const r = await runBlock(block,
    '\nif (new TextDecoder().decode(Plaintext) !== "hello") throw new Error("round trip failed");\nconsole.log("README OK");\n');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /README OK/);
});

test("the VirtualClock example shows a rotation after 91 days", async () => {
  const r = await runBlock(jsBlock("new VirtualClock(", "docs/time.md"));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), "true");
});

// ---- links ------------------------------------------------------------------------------------

/** GitHub's anchor for a heading text. */
function slug(heading) {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/[`*]/g, "")
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** The anchors of a Markdown file: heading slugs (duplicates numbered as GitHub does) and <a id/name>. */
function anchors(file) {
  const text = stripFences(readFileSync(file, "utf8"));
  const seen = new Map();
  const out = new Set();
  for (const m of text.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const m of text.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) out.add(m[1]);
  return out;
}

/** The text without fenced blocks, where a `#` line is no heading. */
function stripFences(text) {
  return text.replace(/^ {0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?^ {0,3}\1[`~]*\s*$/gm, "");
}

/** The text without fenced blocks and inline code, where link syntax means nothing. */
function stripCode(text) {
  return stripFences(text).replace(/`[^`\n]*`/g, "");
}

/** Every link target in `text`: [x](t), ![x](t), [x]: t, <scheme:…>, and bare URLs. */
function linkTargets(text) {
  const prose = stripCode(text);
  const targets = [];
  for (const m of prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) targets.push(m[1]);
  for (const m of prose.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)) targets.push(m[1]);
  for (const m of prose.matchAll(/<([a-z][a-z0-9+.-]*:[^>\s]+)>/gi)) targets.push(m[1]);
  const withoutLinks = prose.replace(/\]\([^)]*\)/g, "]").replace(/<[a-z][a-z0-9+.-]*:[^>\s]+>/gi, "");
  for (const m of withoutLinks.matchAll(/\b(?:https?|ftp):\/\/[^\s)>\]]+/g)) {
    if (!/^https?:\/\/(127\.0\.0\.1|localhost)([:/]|$)/.test(m[0])) targets.push(m[0]);
  }
  return targets;
}

for (const file of docFiles()) {
  test(`${file}: every link resolves inside the repository`, () => {
    const abs = join(root, file);
    const problems = [];
    for (const target of linkTargets(readFileSync(abs, "utf8"))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
        problems.push(`${target}: points outside the repository`);
        continue;
      }
      const [path, anchor] = target.split("#");
      const dest = path ? resolve(dirname(abs), decodeURIComponent(path)) : abs;
      if (relative(root, dest).startsWith("..")) problems.push(`${target}: points outside the repository`);
      else if (!existsSync(dest)) problems.push(`${target}: no such file`);
      else if (anchor !== undefined) {
        if (!dest.endsWith(".md") || statSync(dest).isDirectory()) problems.push(`${target}: an anchor into a non-Markdown file`);
        else if (!anchors(dest).has(anchor)) problems.push(`${target}: no heading or <a id> "${anchor}" in ${relative(root, dest)}`);
      }
    }
    assert.deepEqual(problems, []);
  });
}
