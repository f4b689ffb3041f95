// The sandbox's static server (scripts/serve.mjs) serves only real paths inside its roots: a
// symlink, of a file or of a directory, that leads outside is not followed. White-box: the script
// is not part of the package.
import assert from "node:assert/strict";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import { serve } from "../../scripts/serve.mjs";
import { raw, tempDir } from "./helpers/http-helpers.mjs";

describe("sandbox static server", () => {
  const { dir, cleanup } = tempDir("kms-sandbox-");
  let server;
  before(async () => {
    const dist = join(dir, "dist");
    const outside = join(dir, "outside");
    mkdirSync(dist);
    mkdirSync(outside);
    writeFileSync(join(dist, "real.js"), "export {};\n");
    writeFileSync(join(outside, "secret.txt"), "not for the browser\n");
    symlinkSync(join(outside, "secret.txt"), join(dist, "file-out.js"));
    symlinkSync(outside, join(dist, "dir-out"));
    symlinkSync(join(dist, "real.js"), join(dist, "link-in.js"));
    server = await serve({ port: 0, dist });
  });
  after(async () => {
    await server.close();
    cleanup();
  });
  const get = (path) => raw(server.url, { method: "GET", path });

  it("serves real files and symlinks that stay inside the root", async () => {
    assert.equal((await get("/pkg/dist/real.js")).status, 200);
    const inside = await get("/pkg/dist/link-in.js");
    assert.equal(inside.status, 200);
    assert.match(inside.headers["content-type"], /javascript/);
  });

  it("does not follow a symlinked file or directory out of the root", async () => {
    for (const path of ["/pkg/dist/file-out.js", "/pkg/dist/dir-out/secret.txt", "/pkg/dist/../outside/secret.txt", "/pkg/dist/%2e%2e/outside/secret.txt"]) {
      const res = await get(path);
      assert.equal(res.status, 404, path);
      assert.doesNotMatch(res.text, /not for the browser/);
    }
  });
});
