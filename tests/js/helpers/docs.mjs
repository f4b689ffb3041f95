// The user docs as data: which Markdown files they are, their fenced code blocks, the marker
// comment before each block, and their links. tests/js/docs.test.mjs holds the rules; other tests
// (cli-tools, http-server, sdk-handler, the browser suite) find the blocks they run through here,
// so a block can move from one page to another without breaking them.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("../../..", import.meta.url));

/** Every user doc, relative to the repo root: README.md, docs/*.md, bench/README.md. */
export function docFiles() {
  const docs = existsSync(join(root, "docs"))
    ? readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`)
    : [];
  return ["README.md", ...docs, "bench/README.md"].filter((f) => existsSync(join(root, f)));
}

/**
 * A marker is the HTML comment on the last non-blank line before a fence:
 *   <!-- not run: REASON -->            the block is not run, for the reason shown
 *   <!-- run by tests/PATH: ID -->      the test file PATH runs it, finding it by ID (markedBlock)
 * Any other comment is no marker.
 */
function parseMarker(line) {
  const notRun = /^<!--\s*not run:\s*(.*?)\s*-->$/.exec(line);
  if (notRun) return { kind: "not-run", reason: notRun[1] };
  const runBy = /^<!--\s*run by\s+(\S+?):\s*([\w-]+)\s*-->$/.exec(line);
  if (runBy) return { kind: "run-by", test: runBy[1], id: runBy[2] };
  return undefined;
}

/**
 * The fenced code blocks of `file` (relative to the repo root), in order:
 * {file, line (1-based, of the opening fence), lang ("" when the fence has none), code, marker?}.
 * An unclosed fence throws.
 */
export function codeBlocks(file) {
  const lines = readFileSync(join(root, file), "utf8").split("\n");
  const blocks = [];
  let lastText = "";
  for (let i = 0; i < lines.length; i += 1) {
    const open = /^( {0,3})(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[i]);
    if (!open) {
      if (lines[i].trim() !== "") lastText = lines[i].trim();
      continue;
    }
    const [, indent, fence, lang] = open;
    const body = [];
    let j = i + 1;
    const close = new RegExp(`^ {0,3}${fence[0] === "`" ? "`" : "~"}{${fence.length},}\\s*$`);
    while (j < lines.length && !close.test(lines[j])) {
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j]);
      j += 1;
    }
    if (j >= lines.length) throw new Error(`${file}:${i + 1}: unclosed code fence`);
    blocks.push({ file, line: i + 1, lang, code: `${body.join("\n")}\n`, marker: parseMarker(lastText) });
    lastText = "";
    i = j;
  }
  return blocks;
}

/** Every block of every doc. */
export function allBlocks() {
  return docFiles().flatMap(codeBlocks);
}

/** The one block marked `<!-- run by …: id -->` in any doc; throws unless there is exactly one. */
export function markedBlock(id) {
  const found = allBlocks().filter((b) => b.marker?.kind === "run-by" && b.marker.id === id);
  if (found.length !== 1) throw new Error(`expected one doc block marked "${id}", found ${found.length}`);
  return found[0].code;
}

/** The one js/ts block of `file` (default: any doc) whose code contains `text`; throws unless there is exactly one. */
export function jsBlock(text, file) {
  const found = (file ? codeBlocks(file) : allBlocks()).filter((b) => ["js", "mjs", "ts"].includes(b.lang) && b.code.includes(text));
  if (found.length !== 1) throw new Error(`expected one js block containing ${JSON.stringify(text)} in ${file ?? "the docs"}, found ${found.length}`);
  return found[0];
}
