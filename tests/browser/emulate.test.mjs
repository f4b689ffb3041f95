// emulateKms() in a browser bundle: the page bundles the real @aws-sdk/client-kms (its browser
// build, which calls KMS through fetch) and kms-wasm's default entry; after one call, the SDK's
// requests are answered in the page, with real keys and the SDK's own exceptions.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { launch, root, WAIT } from "./helpers.mjs";

const PAGE_SCRIPT = `
import { emulateKms } from "kms-wasm";
import { KMSClient, CreateKeyCommand, EncryptCommand, DecryptCommand, InvalidCiphertextException } from "@aws-sdk/client-kms";

window.run = async () => {
  const kms = emulateKms({ lifecycle: false });
  // As browser code builds it: a Region and (in a browser, always explicit) credentials.
  const client = new KMSClient({ region: "eu-west-1", credentials: { accessKeyId: "AKIDPAGE", secretAccessKey: "x" } });
  const { KeyMetadata } = await client.send(new CreateKeyCommand({ Description: "from the page" }));
  const { CiphertextBlob } = await client.send(new EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: new TextEncoder().encode("hi"), EncryptionContext: { page: "1" } }));
  const { Plaintext } = await client.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { page: "1" } }));
  const wrong = await client.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { page: "2" } })).catch((e) => e);
  kms.restore();
  const after = await client.send(new CreateKeyCommand({})).then(() => "answered", (e) => e.name);
  return {
    arn: KeyMetadata.Arn,
    plaintext: new TextDecoder().decode(Plaintext),
    wrong: wrong.name,
    isSdkClass: wrong instanceof InvalidCiphertextException,
    status: wrong.$metadata.httpStatusCode,
    after,
  };
};
`;

describe("emulateKms in a browser bundle", () => {
  let dir, server, url, context;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "kms-wasm-emulate-page-"));
    writeFileSync(join(dir, "page.mjs"), PAGE_SCRIPT);
    // Bundled for the browser exactly as an app would be: the SDK's browser build, kms-wasm's default entry.
    const r = spawnSync(join(root, "node_modules/.bin/esbuild"), [
      join(dir, "page.mjs"), "--bundle", "--format=esm", "--platform=browser", `--outfile=${join(dir, "bundle.js")}`,
      "--log-level=warning", `--alias:kms-wasm=${join(root, "pkg/dist/portable.js")}`,
    ], { cwd: root, encoding: "utf8", env: { ...process.env, NODE_PATH: join(root, "node_modules") } });
    assert.equal(r.status, 0, r.stderr);
    const files = {
      "/": ["text/html", `<!doctype html><meta charset="utf-8"><script type="module">import "./bundle.js"; document.body.dataset.ready = "true";</script><body></body>`],
      "/bundle.js": ["text/javascript", readFileSync(join(dir, "bundle.js"))],
    };
    server = createServer((req, res) => {
      const file = files[req.url];
      if (!file) return res.writeHead(404).end();
      res.writeHead(200, { "content-type": file[0] }).end(file[1]);
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${server.address().port}/`;
    context = await launch(join(dir, "profile"));
  });
  after(async () => {
    await context?.close();
    await new Promise((resolve) => server?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  test("the SDK's fetch-based calls run on the engine in the page, and restore() ends it", async () => {
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT);
    const problems = [];
    page.on("pageerror", (err) => problems.push(err.message));
    await page.goto(url);
    await page.waitForSelector("body[data-ready]", { state: "attached" });
    // No network: the only other request the page could make is to AWS itself, which cannot be reached.
    await page.route(/amazonaws\.com/, (route) => route.abort("connectionrefused"));
    const seen = await page.evaluate(() => window.run());
    assert.deepEqual(problems, []);
    assert.match(seen.arn, /^arn:aws:kms:eu-west-1:000000000000:key\//);
    assert.equal(seen.plaintext, "hi");
    assert.equal(seen.wrong, "InvalidCiphertextException");
    assert.equal(seen.isSdkClass, true);
    assert.equal(seen.status, 400);
    assert.notEqual(seen.after, "answered", "after restore() the request goes to the network again");
  });
});
