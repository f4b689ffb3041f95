// The sandbox (www/) and IndexedDBStorage in real headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core): the page loads cleanly, every tutorial runs to its end, state
// survives a reload and a browser restart, two tabs and a worker share one database, errors carry
// AWS's names, and the storage contract holds in the page. Screenshots go to tests/browser/artifacts/.
//
// Tests run in order and share one browser profile, as a learner's browser would.
import assert from "node:assert/strict";
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { gzipSync } from "node:zlib";

import { serve } from "../../scripts/serve.mjs";
import { artifacts, launch, openSandbox, ready, root, runOp, WAIT, waitForKey } from "./helpers.mjs";
import { markedBlock } from "../js/helpers/docs.mjs";

const profile = mkdtempSync(join(tmpdir(), "kms-wasm-chromium-"));
const dist = mkdtempSync(join(tmpdir(), "kms-wasm-dist-"));
let server;
let context;
let page;

before(async () => {
  assert.ok(existsSync(join(root, "pkg/dist/portable.js")), "pkg/dist/portable.js is missing: build the package first");
  // Serve a copy of the build: a rebuild in the same tree (rm -rf pkg/dist) must not pull files
  // from under a running test, and the sizes reported are those of one consistent build.
  cpSync(join(root, "pkg/dist"), dist, { recursive: true });
  server = await serve({ port: 0, dist });
  context = await launch(profile);
});

after(async () => {
  await context?.close();
  await server?.close();
  rmSync(profile, { recursive: true, force: true });
  rmSync(dist, { recursive: true, force: true });
});

/** Maps a URL the page loaded to the file serve.mjs sent, to measure what a visitor downloads. */
function fileOf(url) {
  const path = new URL(url).pathname;
  if (path.startsWith("/pkg/dist/")) return join(dist, path.slice("/pkg/dist/".length));
  if (path === "/model/kms-model-summary.json") return join(root, "model/kms-model-summary.json");
  return join(root, "www", path === "/" ? "index.html" : path);
}

const shot = (p, name) => p.screenshot({ path: join(artifacts, `${name}.png`) });

describe("sandbox in Chromium", () => {
  it("loads with no console errors, imports the package by name, and reports what it downloads", async () => {
    const loaded = new Set();
    context.on("response", (res) => res.url().startsWith(server.url) && loaded.add(res.url()));
    page = await openSandbox(context, server.url);
    assert.match(await page.textContent("#status"), /^Ready: \d+ of \d+ KMS operations implemented/);
    const options = await page.locator("#op option").allTextContents();
    assert.ok(options.includes("CreateKey") && options.includes("Encrypt"), options.join());
    assert.ok(options.length >= 50, `every model operation is listed, got ${options.length}`);
    // Every operation's generated form builds and reads back without an error.
    const broken = await page.evaluate(async (ops) => {
      const bad = [];
      const select = document.getElementById("op");
      for (const op of ops) {
        select.value = op;
        select.dispatchEvent(new Event("change"));
        if (!document.getElementById("op-info").textContent) bad.push(`${op}: no description`);
      }
      return bad;
    }, options);
    assert.deepEqual(broken, []);
    assert.deepEqual(page.problems, []);

    // What a first visit costs: every file the page fetched, raw and gzipped.
    const files = [...loaded].map(fileOf).filter((f) => existsSync(f) && statSync(f).isFile());
    const size = (filter) => {
      const chosen = files.filter(filter);
      const raw = chosen.reduce((n, f) => n + statSync(f).size, 0);
      const gz = chosen.reduce((n, f) => n + gzipSync(readFileSync(f), { level: 9 }).length, 0);
      return { files: chosen.length, raw, gzip: gz };
    };
    // The first visit fetches the core module only; the full one waits for a key type it lacks.
    assert.ok(files.some((f) => f === join(dist, "wasm/kms_wasm_bg.wasm")), "the core module is fetched");
    assert.deepEqual(files.filter((f) => f.startsWith(join(dist, "wasm/full"))), []);
    const report = { page: size(() => true), package: size((f) => f.startsWith(dist)) };
    writeFileSync(join(artifacts, "size.json"), `${JSON.stringify(report, null, 2)}\n`);
    const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
    console.log(`page load: ${report.page.files} files, ${kib(report.page.raw)} raw, ${kib(report.page.gzip)} gzipped ` +
      `(the package: ${report.package.files} files, ${kib(report.package.raw)} raw, ${kib(report.package.gzip)} gzipped)`);
    await shot(page, "01-loaded");
  });

  it("loads the full module on the first key type the core lacks, keeping the keys made before", async () => {
    const fetched = [];
    const listen = (res) => fetched.push(new URL(res.url()).pathname);
    context.on("response", listen);
    try {
      const before = await runOp(page, "CreateKey", {});
      assert.equal(before.result, "ok", before.text);
      const p384 = await runOp(page, "CreateKey", { KeySpec: "ECC_NIST_P384", KeyUsage: "SIGN_VERIFY" });
      assert.equal(p384.result, "ok", p384.text);
      assert.equal(p384.response.KeyMetadata.KeySpec, "ECC_NIST_P384");
      assert.ok(fetched.includes("/pkg/dist/wasm/full/kms_wasm_bg.wasm"), fetched.join());
      const still = await runOp(page, "DescribeKey", { KeyId: before.response.KeyMetadata.KeyId });
      assert.equal(still.result, "ok", still.text);
    } finally {
      context.off("response", listen);
    }
  });

  it("shows errors with the AWS name and message (NotFoundException for a bogus key)", async () => {
    const entry = await runOp(page, "DescribeKey", { KeyId: "00000000-0000-4000-8000-000000000000" });
    assert.equal(entry.result, "NotFoundException");
    assert.equal(entry.response.name, "NotFoundException");
    assert.equal(entry.response.$fault, "client");
    assert.match(entry.response.message, /does not exist/);
    assert.match(entry.text, /HTTP 400/);
    const bad = await runOp(page, "Encrypt", { KeyId: "alias/does-not-exist" });
    assert.equal(bad.result, "NotFoundException");
    await shot(page, "02-error");
  });

  it("runs every tutorial to its end", async () => {
    const ids = await page.locator("#tutorial-list button").evaluateAll((bs) => bs.map((b) => b.dataset.tutorial));
    assert.ok(ids.length >= 7, ids.join());
    for (const id of ids) {
      await page.click(`#tutorial-list button[data-tutorial="${id}"]`);
      await page.waitForFunction((t) => {
        const s = document.getElementById("tutorial");
        return s.dataset.tutorial === t && s.dataset.outcome && s.dataset.outcome !== "running";
      }, id, { timeout: WAIT });
      const outcome = await page.getAttribute("#tutorial", "data-outcome");
      const steps = await page.locator("#tutorial .steps li").evaluateAll((lis) => lis.map((li) => `${li.dataset.status}: ${li.textContent}`));
      // Signing needs asymmetric keys; until this build has them the tutorial must say so honestly.
      const unsupportedOk = id === "sign" && steps.some((s) => s.startsWith("unsupported:") && s.includes("UnsupportedOperationException"));
      assert.ok(outcome === "done" || (outcome === "unsupported" && unsupportedOk), `${id}: ${outcome}\n${steps.join("\n")}`);
      if (outcome === "done") assert.ok(steps.every((s) => /^(done|unsupported):/.test(s)), steps.join("\n"));
      if (id === "context") await shot(page, "03-tutorial-context");
      if (id === "sign") await shot(page, "04-tutorial-sign");
    }
    assert.deepEqual(page.problems, []);
  });

  let keyId;
  let ciphertext;
  it("create a key and encrypt; after a reload the key is listed and the old ciphertext decrypts", async () => {
    const created = await runOp(page, "CreateKey", { Description: "survives reloads" });
    keyId = created.response.KeyMetadata.KeyId;
    await waitForKey(page, keyId);
    const enc = await runOp(page, "Encrypt", { KeyId: keyId, Plaintext: { value: "kept in IndexedDB", encoding: "text" } });
    assert.equal(enc.result, "ok");
    ciphertext = enc.response.CiphertextBlob;
    await page.reload();
    await ready(page);
    await waitForKey(page, keyId);
    const dec = await runOp(page, "Decrypt", { CiphertextBlob: { value: ciphertext, encoding: "base64" } });
    assert.equal(dec.result, "ok");
    assert.equal(Buffer.from(dec.response.Plaintext, "base64").toString(), "kept in IndexedDB");
  });

  it("close and relaunch the browser on the same profile: same keys, the ciphertext still decrypts", async () => {
    await context.close();
    context = await launch(profile);
    page = await openSandbox(context, server.url);
    await waitForKey(page, keyId);
    const dec = await runOp(page, "Decrypt", { CiphertextBlob: { value: ciphertext, encoding: "base64" } });
    assert.equal(dec.result, "ok");
    assert.equal(dec.response.KeyId.endsWith(keyId), true);
    assert.deepEqual(page.problems, []);
  });

  it("two tabs share state: a key created in one is listed in the other after its next call", async () => {
    const other = await openSandbox(context, server.url);
    const created = await runOp(other, "CreateKey", { Description: "made in tab 2" });
    const id = created.response.KeyMetadata.KeyId;
    await page.click("#refresh");
    await waitForKey(page, id);
    // And the first tab can use it at once: its engine caught up from IndexedDB.
    const enc = await runOp(page, "Encrypt", { KeyId: id });
    assert.equal(enc.result, "ok");
    await other.close();
  });

  it("a Web Worker uses IndexedDBStorage on the same database as the page", async () => {
    const id = await page.evaluate(async (base) => {
      const code = `
        const m = await import(${JSON.stringify(`${base}pkg/dist/portable.js`)});
        const kms = new m.KMSClient({ region: "us-east-1", storage: new m.IndexedDBStorage("kms-sandbox") });
        const { KeyMetadata } = await kms.send(new m.CreateKeyCommand({ Description: "made in a worker" }));
        postMessage(KeyMetadata.KeyId);`;
      const url = URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
      const worker = new Worker(url, { type: "module" });
      return new Promise((resolve, reject) => {
        worker.onmessage = (e) => resolve(e.data);
        worker.onerror = (e) => reject(new Error(e.message));
      });
    }, server.url);
    await page.click("#refresh");
    await waitForKey(page, id);
  });

  it("the docs' no-bundler snippet runs as written (import map → the default entry)", async () => {
    const html = markedBlock("no-bundler");
    // The only change: this server mounts the package at /pkg/dist/ instead of /node_modules/kms-wasm/.
    const body = html.replaceAll("/node_modules/kms-wasm/pkg/dist/", "/pkg/dist/");
    const url = `${server.url}readme-example.html`;
    const tab = await context.newPage();
    await tab.route(url, (route) => route.fulfill({ contentType: "text/html", body: `<!doctype html><link rel="icon" href="data:,">${body}` }));
    const logged = tab.waitForEvent("console", { predicate: (m) => m.type() === "log", timeout: WAIT });
    const errors = [];
    tab.on("pageerror", (e) => errors.push(e.message));
    await tab.goto(url);
    assert.match((await logged).text(), /KeyMetadata/);
    assert.deepEqual(errors, []);
    await tab.close();
  });

  it("the IndexedDBStorage contract holds in the page", async () => {
    const failures = await page.evaluate(async () => {
      const { IndexedDBStorage } = await import("kms-wasm");
      const failures = [];
      const t = (s) => new TextEncoder().encode(s);
      const str = (u) => new TextDecoder().decode(u);
      const check = (cond, what) => cond || failures.push(what);
      const rejects = async (p, name, what) => {
        try {
          await p;
          failures.push(`${what}: resolved`);
        } catch (e) {
          check(name === undefined || e.name === name, `${what}: ${e.name} ${e.message}`);
        }
      };
      const name = `contract-${crypto.randomUUID()}`;
      const a = new IndexedDBStorage(name);
      const b = new IndexedDBStorage(name);
      check((await a.load()).entries.length === 0 && (await a.head()) === 0, "empty store");
      for (let v = 1; v <= 3; v++) await a.append(v, t(`e${v}`));
      check((await b.head()) === 3, "head seen by a second instance");
      check((await b.readSince(1)).map(str).join() === "e2,e3", "readSince order");
      await rejects(a.append(3, t("late")), "StorageConflict", "existing version");
      await rejects(a.append(9, t("gap")), "RangeError", "gap");
      const race = await Promise.allSettled([a.append(4, t("a4")), b.append(4, t("b4"))]);
      check(race.filter((r) => r.status === "fulfilled").length === 1, "exactly one racer wins");
      check(race.find((r) => r.status === "rejected")?.reason.name === "StorageConflict", "the loser gets StorageConflict");
      const all = new Uint8Array(256).map((_, i) => i);
      await a.append(5, all);
      const [back] = await b.readSince(4);
      check(back instanceof Uint8Array && back.length === 256 && back.every((x, i) => x === i), "binary safe");
      await a.compact(3, t("state@3"));
      const loaded = await b.load();
      check(loaded.snapshotVersion === 3 && str(loaded.snapshot) === "state@3" && loaded.entries.length === 2, "load after compact");
      await rejects(b.readSince(1), "SnapshotRequired", "readSince behind the snapshot");
      await rejects(a.append(2, t("stale")), "StorageConflict", "compacted version");
      check((await a.head()) === 5, "head after compact");
      await a.close();
      await b.close();
      await IndexedDBStorage.deleteDatabase(name);
      check((await new IndexedDBStorage(name).head()) === 0, "deleteDatabase empties it");
      return failures;
    });
    assert.deepEqual(failures, []);
  });

  it("export, reset and import the whole state through the page's buttons", async () => {
    const before = await page.locator("#keys li.key").count();
    assert.ok(before > 0);
    const [download] = await Promise.all([page.waitForEvent("download", { timeout: WAIT }), page.click("#export")]);
    const file = join(profile, "export.json");
    await download.saveAs(file);
    const state = JSON.parse(readFileSync(file, "utf8"));
    assert.equal(state.format, "kms-wasm-sandbox-state");
    assert.ok(state.entries.length > 0);

    await page.click("#reset");
    await Promise.all([page.waitForEvent("load", { timeout: WAIT }), page.click("#reset")]);
    await ready(page);
    assert.equal(await page.locator("#keys li.key").count(), 0);

    await Promise.all([page.waitForEvent("load", { timeout: WAIT }), page.setInputFiles("#import-file", file)]);
    await ready(page);
    await waitForKey(page, keyId);
    assert.equal(await page.locator("#keys li.key").count(), before);
    const dec = await runOp(page, "Decrypt", { CiphertextBlob: { value: ciphertext, encoding: "base64" } });
    assert.equal(dec.result, "ok");
  });

  it("works at phone width (390 px): nothing overflows sideways", async () => {
    const phone = await openSandbox(context, server.url, { viewport: { width: 390, height: 844 } });
    await runOp(phone, "Encrypt", { KeyId: keyId });
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `page is ${width}px wide`);
    await shot(phone, "05-phone");
    await phone.close();
  });

  it("saves the README screenshot", async () => {
    await page.setViewportSize({ width: 1280, height: 1360 });
    await page.selectOption("#op", "Encrypt");
    await page.click('#tutorial-list button[data-tutorial="context"]');
    await page.waitForSelector('#tutorial[data-outcome="done"]', { timeout: WAIT });
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, "06-readme");
    // docs/sandbox.png is committed: refresh it only when asked, or when it is missing.
    const docs = join(root, "docs/sandbox.png");
    if (process.env.KMS_WASM_UPDATE_SCREENSHOT === "1" || !existsSync(docs)) {
      const { mkdirSync } = await import("node:fs");
      mkdirSync(join(root, "docs"), { recursive: true });
      copyFileSync(join(artifacts, "06-readme.png"), docs);
    }
    assert.deepEqual(page.problems, []);
  });
});

