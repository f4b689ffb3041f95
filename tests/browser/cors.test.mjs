// CORS on `kms-wasm serve` in headless Chromium: a page on one origin (a static server on
// 127.0.0.1:A) runs the real browser build of @aws-sdk/client-kms, bundled here with esbuild,
// against `kms-wasm serve` on another origin (127.0.0.1:B): a key, a round trip, and an error
// whose name and request ID the page can read. Then a server that allows only another origin:
// the browser refuses the page the answer. And docs/http.md's browser example, bundled as written.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { build } from "esbuild";

import { markedBlock } from "../js/helpers/docs.mjs";
import { startCli } from "../js/helpers/http-helpers.mjs";
import { launch, root, WAIT } from "./helpers.mjs";

const profile = mkdtempSync(join(tmpdir(), "kms-wasm-chromium-cors-"));
let pageServer;
let pageOrigin;
let context;
const clis = [];
const pages = new Map(); // path → [content type, body]

/** Bundles `contents` (resolved from tests/browser) for the browser and serves it at /NAME.html. */
async function addPage(name, contents) {
  const bundle = await build({
    stdin: { contents, resolveDir: join(root, "tests/browser"), sourcefile: `${name}.js` },
    bundle: true,
    platform: "browser",
    format: "esm",
    write: false,
    logLevel: "warning",
  });
  pages.set(`/${name}.js`, ["text/javascript", bundle.outputFiles[0].contents]);
  pages.set(`/${name}.html`, ["text/html; charset=utf-8", `<!doctype html><meta charset="utf-8"><title>${name}</title><script type="module" src="/${name}.js"></script>`]);
}

before(async () => {
  await addPage("page", readFileSync(join(root, "tests/browser/cors-page.js"), "utf8"));
  pageServer = createServer((req, res) => {
    const page = pages.get(req.url);
    if (!page) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "Content-Type": page[0], "Cache-Control": "no-store" });
    res.end(page[1]);
  });
  await new Promise((resolve) => pageServer.listen(0, "127.0.0.1", resolve));
  pageOrigin = `http://127.0.0.1:${pageServer.address().port}`;
  context = await launch(profile);
});

after(async () => {
  await context?.close();
  await Promise.all(clis.map((c) => c.stop()));
  await new Promise((resolve) => (pageServer ? pageServer.close(resolve) : resolve()));
  rmSync(profile, { recursive: true, force: true });
});

async function openPage() {
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  await page.goto(`${pageOrigin}/page.html`);
  await page.waitForFunction(() => typeof window.runKms === "function");
  return page;
}

describe("kms-wasm serve from a page on another origin", () => {
  it("the browser SDK creates a key, encrypts, decrypts and reads an error's name and request ID", async () => {
    const cli = await startCli();
    clis.push(cli);
    assert.notEqual(new URL(cli.url).origin, pageOrigin);
    const page = await openPage();
    const out = await page.evaluate((endpoint) => window.runKms(endpoint), cli.url);
    assert.equal(out.origin, pageOrigin);
    assert.match(out.arn, /^arn:aws:kms:eu-west-1:\d{12}:key\/[0-9a-f-]{36}$/);
    assert.match(out.requestId, /^[0-9a-f-]{36}$/, "x-amzn-RequestId is exposed to the page");
    assert.equal(out.plaintext, "cross-origin");
    assert.equal(out.error.name, "NotFoundException");
    assert.equal(out.error.fault, "client");
    assert.equal(out.error.status, 400);
    assert.match(out.error.requestId, /^[0-9a-f-]{36}$/);
    assert.match(out.error.message, /alias\/missing/);
    await page.close();
  });

  it("docs/http.md's browser example runs as written in a page on another origin", async () => {
    const cli = await startCli();
    clis.push(cli);
    await addPage("doc", markedBlock("browser-sdk").replace(/\b4599\b/g, new URL(cli.url).port));
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT);
    const problems = [];
    page.on("pageerror", (err) => problems.push(err.message));
    const logged = page.waitForEvent("console", { predicate: (m) => m.type() === "log", timeout: WAIT });
    await page.goto(`${pageOrigin}/doc.html`);
    const line = await logged.catch((err) => { throw new Error(`no output; page errors: ${problems.join("; ")}`, { cause: err }); });
    assert.match(line.text(), /^arn:aws:kms:us-east-1:\d{12}:key\/[0-9a-f-]{36}$/);
    await page.close();
  });

  it("a server that allows only another origin is refused to the page by the browser", async () => {
    const cli = await startCli(["--cors-origin", "http://127.0.0.1:1"]);
    clis.push(cli);
    const page = await openPage();
    const failure = await page.evaluate((endpoint) => window.runKms(endpoint).then(() => "answered", (e) => `${e.name}: ${e.message}`), cli.url);
    assert.match(failure, /TypeError: Failed to fetch/);
    await page.close();
  });
});
