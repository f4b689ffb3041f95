// CORS on createKmsServer at the HTTP level: the preflight the browser SDK triggers, and the
// headers on every answer, errors included. tests/browser/cors.test.mjs runs the real browser SDK.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createKmsServer, MemoryStorage } from "kms-wasm";
import { kmsHeaders, raw, startServer as start } from "./helpers/http-helpers.mjs";


// What @aws-sdk/client-kms sends from a browser (lower-cased, as Chromium lists them).
const SDK_HEADERS = "amz-sdk-invocation-id,amz-sdk-request,authorization,content-type,x-amz-content-sha256,x-amz-date,x-amz-security-token,x-amz-target,x-amz-user-agent";
const ORIGIN = "http://127.0.0.1:5173";

test("a preflight is answered 204 with the SDK's headers reflected and POST allowed", async () => {
  const server = await start();
  const res = await raw(server.url, {
    method: "OPTIONS",
    headers: { Origin: ORIGIN, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": SDK_HEADERS },
  });
  assert.equal(res.status, 204);
  assert.equal(res.text, "");
  assert.equal(res.headers["access-control-allow-origin"], "*");
  assert.equal(res.headers["access-control-allow-headers"], SDK_HEADERS);
  assert.match(res.headers["access-control-allow-methods"], /\bPOST\b/);
  assert.ok(Number(res.headers["access-control-max-age"]) > 0);
  // No Private Network Access grant: a public web page cannot reach a server on loopback in
  // browsers that enforce it; pages served locally can.
  assert.equal(res.headers["access-control-allow-private-network"], undefined);
});

test("every answer carries Access-Control-Allow-Origin and exposes x-amzn-RequestId, errors included", async () => {
  const server = await start({ maxBodyBytes: 64 });
  const cases = [
    ["success", { headers: kmsHeaders("ListKeys"), body: "{}" }, 200],
    ["AWS error", { headers: kmsHeaders("DescribeKey"), body: '{"KeyId":"alias/missing"}' }, 400],
    ["unknown path", { path: "/nope", headers: kmsHeaders("ListKeys"), body: "{}" }, 404],
    ["wrong method", { method: "GET" }, 405],
    ["too large", { headers: kmsHeaders("ListKeys"), body: JSON.stringify({ Limit: 1, pad: "x".repeat(100) }) }, 413],
    ["admin path", { path: "/_kms-wasm/reset" }, 200],
    ["plain OPTIONS (no preflight)", { method: "OPTIONS" }, 405],
  ];
  for (const [name, req, status] of cases) {
    const res = await raw(server.url, { ...req, headers: { ...req.headers, Origin: ORIGIN } });
    assert.equal(res.status, status, `${name}: ${res.text}`);
    assert.equal(res.headers["access-control-allow-origin"], "*", name);
    const exposed = res.headers["access-control-expose-headers"].toLowerCase().split(/,\s*/);
    for (const h of ["x-amzn-requestid", "x-amzn-errortype", "x-amz-id-2", "x-amz-cf-id", "date"]) assert.ok(exposed.includes(h), `${name}: ${h}`);
  }
});

test("cors: an origin or a list allows only those origins; false sends no CORS headers", async () => {
  const one = await start({ cors: ORIGIN });
  const ok = await raw(one.url, { headers: { ...kmsHeaders("ListKeys"), Origin: ORIGIN }, body: "{}" });
  assert.equal(ok.headers["access-control-allow-origin"], ORIGIN);
  assert.equal(ok.headers.vary, "Origin");
  const other = await raw(one.url, { headers: { ...kmsHeaders("ListKeys"), Origin: "http://evil.example" }, body: "{}" });
  assert.equal(other.status, 200); // the server answers; the browser withholds it from the page
  assert.equal(other.headers["access-control-allow-origin"], undefined);
  const pre = await raw(one.url, { method: "OPTIONS", headers: { Origin: "http://evil.example", "Access-Control-Request-Method": "POST" } });
  assert.equal(pre.headers["access-control-allow-origin"], undefined);

  const list = await start({ cors: ["http://a.test", ORIGIN] });
  assert.equal((await raw(list.url, { method: "OPTIONS", headers: { Origin: ORIGIN, "Access-Control-Request-Method": "POST" } })).status, 204);

  const none = await start({ cors: false });
  const res = await raw(none.url, { headers: { ...kmsHeaders("ListKeys"), Origin: ORIGIN }, body: "{}" });
  assert.equal(res.headers["access-control-allow-origin"], undefined);
  assert.equal(res.headers["access-control-expose-headers"], undefined);
  await assert.rejects(createKmsServer({ cors: 1 }), TypeError);
});
