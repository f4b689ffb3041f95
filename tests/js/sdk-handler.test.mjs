// The real @aws-sdk/client-kms with `requestHandler: kmsRequestHandler(...)`: the SDK serialises,
// signs and parses; kms-wasm answers in process. Proves the SDK's own result types, exception
// classes, $metadata and paginators work unchanged for every implemented operation.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import * as sdk from "@aws-sdk/client-kms";
import { kmsRequestHandler, MemoryStorage, KMSClient as WasmClient, CreateKeyCommand as WasmCreateKey } from "kms-wasm";
import { root, runReadmeBlock, sdkClient, tempDir } from "./helpers/http-helpers.mjs";

const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);
const fresh = () => sdkClient({ requestHandler: kmsRequestHandler({ storage: new MemoryStorage() }) });

test("every implemented operation round-trips through the real SDK", async () => {
  const kms = fresh();
  const send = (Cmd, input) => kms.send(new sdk[`${Cmd}Command`](input));

  const { KeyMetadata: md } = await send("CreateKey", { Description: "sdk door", Tags: [{ TagKey: "team", TagValue: "a" }] });
  assert.equal(md.KeySpec, "SYMMETRIC_DEFAULT");
  assert.ok(md.CreationDate instanceof Date, "timestamps are Dates");
  assert.match(md.Arn, /^arn:aws:kms:us-east-1:000000000000:key\//);
  const KeyId = md.KeyId;

  assert.equal((await send("DescribeKey", { KeyId })).KeyMetadata.Description, "sdk door");
  assert.ok((await send("ListKeys", {})).Keys.some((k) => k.KeyId === KeyId));

  const ctx = { purpose: "test" };
  const { CiphertextBlob } = await send("Encrypt", { KeyId, Plaintext: enc("hello"), EncryptionContext: ctx });
  assert.ok(CiphertextBlob instanceof Uint8Array);
  const d = await send("Decrypt", { CiphertextBlob, EncryptionContext: ctx });
  assert.equal(dec(d.Plaintext), "hello");
  assert.equal(d.KeyId, md.Arn);
  const re = await send("ReEncrypt", { CiphertextBlob, SourceEncryptionContext: ctx, DestinationKeyId: KeyId });
  assert.equal(dec((await send("Decrypt", { CiphertextBlob: re.CiphertextBlob })).Plaintext), "hello");

  const dk = await send("GenerateDataKey", { KeyId, KeySpec: "AES_256" });
  assert.equal(dk.Plaintext.length, 32);
  assert.deepEqual((await send("Decrypt", { CiphertextBlob: dk.CiphertextBlob })).Plaintext, dk.Plaintext);
  const wrapped = await send("GenerateDataKeyWithoutPlaintext", { KeyId, NumberOfBytes: 24 });
  assert.equal((await send("Decrypt", { CiphertextBlob: wrapped.CiphertextBlob })).Plaintext.length, 24);
  assert.equal((await send("GenerateRandom", { NumberOfBytes: 17 })).Plaintext.length, 17);

  await send("CreateAlias", { AliasName: "alias/sdk-door", TargetKeyId: KeyId });
  const viaAlias = await send("Encrypt", { KeyId: "alias/sdk-door", Plaintext: enc("x") });
  assert.equal(viaAlias.KeyId, md.Arn);
  const { KeyMetadata: other } = await send("CreateKey", {});
  await send("UpdateAlias", { AliasName: "alias/sdk-door", TargetKeyId: other.KeyId });
  const aliases = (await send("ListAliases", { KeyId: other.KeyId })).Aliases;
  assert.deepEqual(aliases.map((a) => a.AliasName), ["alias/sdk-door"]);
  await send("DeleteAlias", { AliasName: "alias/sdk-door" });

  await send("TagResource", { KeyId, Tags: [{ TagKey: "env", TagValue: "ci" }] });
  await send("UntagResource", { KeyId, TagKeys: ["team"] });
  assert.deepEqual((await send("ListResourceTags", { KeyId })).Tags, [{ TagKey: "env", TagValue: "ci" }]);

  assert.deepEqual((await send("ListKeyPolicies", { KeyId })).PolicyNames, ["default"]);
  const { Policy } = await send("GetKeyPolicy", { KeyId, PolicyName: "default" });
  await send("PutKeyPolicy", { KeyId, PolicyName: "default", Policy });

  await send("EnableKeyRotation", { KeyId, RotationPeriodInDays: 180 });
  const rot = await send("GetKeyRotationStatus", { KeyId });
  assert.equal(rot.KeyRotationEnabled, true);
  assert.equal(rot.RotationPeriodInDays, 180);
  await send("DisableKeyRotation", { KeyId });

  await send("UpdateKeyDescription", { KeyId, Description: "renamed" });
  await send("DisableKey", { KeyId });
  await assert.rejects(send("Encrypt", { KeyId, Plaintext: enc("x") }), sdk.DisabledException);
  await send("EnableKey", { KeyId });
  const del = await send("ScheduleKeyDeletion", { KeyId, PendingWindowInDays: 7 });
  assert.ok(del.DeletionDate instanceof Date);
  await send("CancelKeyDeletion", { KeyId });
  assert.equal((await send("DescribeKey", { KeyId })).KeyMetadata.KeyState, "Disabled");
});

test("errors are the real SDK's exception classes with $metadata", async () => {
  const kms = fresh();
  const err = await kms.send(new sdk.DescribeKeyCommand({ KeyId: "alias/missing" })).catch((e) => e);
  assert.ok(err instanceof sdk.NotFoundException, `got ${err?.name}`);
  assert.ok(err instanceof sdk.KMSServiceException);
  assert.equal(err.name, "NotFoundException");
  assert.equal(err.$fault, "client");
  assert.equal(err.$metadata.httpStatusCode, 400);
  assert.match(err.$metadata.requestId, /^[0-9a-f-]{36}$/);
  assert.equal(err.message, "Alias arn:aws:kms:us-east-1:000000000000:alias/missing is not found.");

  // ValidationException is not modeled by KMS: the SDK makes a KMSServiceException of that name.
  const v = await kms.send(new sdk.GenerateRandomCommand({ NumberOfBytes: 0 })).catch((e) => e);
  assert.equal(v.name, "ValidationException");
  assert.ok(v instanceof sdk.KMSServiceException);
  assert.equal(v.$metadata.httpStatusCode, 400);
});

test("DryRun answers DryRunOperationException", async () => {
  const kms = fresh();
  const { KeyMetadata } = await kms.send(new sdk.CreateKeyCommand({}));
  const err = await kms.send(new sdk.EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: enc("x"), DryRun: true })).catch((e) => e);
  assert.ok(err instanceof sdk.DryRunOperationException, `got ${err?.name}`);
  assert.equal(err.$metadata.httpStatusCode, 400);
});

test("paginateListKeys and paginateListAliases walk every page", async () => {
  const kms = fresh();
  const ids = [];
  for (let i = 0; i < 5; i++) {
    const { KeyMetadata } = await kms.send(new sdk.CreateKeyCommand({}));
    ids.push(KeyMetadata.KeyId);
    await kms.send(new sdk.CreateAliasCommand({ AliasName: `alias/page-${i}`, TargetKeyId: KeyMetadata.KeyId }));
  }
  const seen = [];
  let pages = 0;
  for await (const page of sdk.paginateListKeys({ client: kms, pageSize: 2 }, {})) {
    pages++;
    seen.push(...page.Keys.map((k) => k.KeyId));
  }
  assert.equal(pages, 3);
  assert.deepEqual(seen.sort(), ids.sort());

  const names = [];
  for await (const page of sdk.paginateListAliases({ client: kms, pageSize: 2 }, {})) names.push(...page.Aliases.map((a) => a.AliasName));
  for (let i = 0; i < 5; i++) assert.ok(names.includes(`alias/page-${i}`), `alias/page-${i} listed`);
});

test("the Region comes from the SigV4 scope and the account from the access key", async () => {
  const storage = new MemoryStorage();
  const handler = kmsRequestHandler({ storage, accessKeyMap: { AKIDALICE: "444455556666" } });
  const arnOf = async (region, accessKeyId) =>
    (await sdkClient({ requestHandler: handler, region, accessKeyId }).send(new sdk.CreateKeyCommand({}))).KeyMetadata.Arn;

  assert.match(await arnOf("ap-southeast-2", "AKIDEXAMPLE"), /^arn:aws:kms:ap-southeast-2:000000000000:key\//);
  assert.match(await arnOf("eu-west-1", "111122223333"), /^arn:aws:kms:eu-west-1:111122223333:key\//);
  assert.match(await arnOf("us-east-1", "AKIDALICE"), /^arn:aws:kms:us-east-1:444455556666:key\//);
  assert.match(await arnOf("cn-north-1", "AKIDEXAMPLE"), /^arn:aws-cn:kms:cn-north-1:/);

  // A key of one Region is not visible from another, as in AWS.
  const arn = await arnOf("eu-west-1", "AKIDEXAMPLE");
  const west = sdkClient({ requestHandler: handler, region: "eu-west-1" });
  const east = sdkClient({ requestHandler: handler, region: "us-east-1" });
  const id = arn.split("/")[1];
  assert.equal((await west.send(new sdk.DescribeKeyCommand({ KeyId: id }))).KeyMetadata.Arn, arn);
  await assert.rejects(east.send(new sdk.DescribeKeyCommand({ KeyId: id })), sdk.NotFoundException);

  assert.throws(() => kmsRequestHandler({ accessKeyMap: { AKIDBAD: "123" } }), TypeError);
  assert.throws(() => kmsRequestHandler({ accountId: "nope" }), TypeError);
});

test("without storage it shares the process-wide default with kms-wasm's own KMSClient", async () => {
  const ours = new WasmClient({ region: "us-east-1" });
  const { KeyMetadata } = await ours.send(new WasmCreateKey({ Description: "made by kms-wasm" }));
  const real = sdkClient({ requestHandler: kmsRequestHandler() });
  const got = await real.send(new sdk.DescribeKeyCommand({ KeyId: KeyMetadata.KeyId }));
  assert.equal(got.KeyMetadata.Description, "made by kms-wasm");
});

test("handle() accepts string, bytes, Blob, web ReadableStream and Node Readable bodies", async () => {
  const handler = kmsRequestHandler({ storage: new MemoryStorage() });
  const json = JSON.stringify({ NumberOfBytes: 8 });
  const bodies = {
    string: json,
    Uint8Array: enc(json),
    Buffer: Buffer.from(json),
    ArrayBuffer: enc(json).buffer,
    Blob: new Blob([json]),
    ReadableStream: new Blob([json.slice(0, 5), json.slice(5)]).stream(),
    Readable: Readable.from([Buffer.from(json.slice(0, 3)), Buffer.from(json.slice(3))]),
  };
  for (const [kind, body] of Object.entries(bodies)) {
    const { response } = await handler.handle({
      method: "POST", path: "/", body,
      headers: { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService.GenerateRandom" },
    });
    assert.equal(response.statusCode, 200, `${kind}: ${dec(response.body)}`);
    assert.equal(response.headers["content-type"], "application/x-amz-json-1.1");
    assert.match(response.headers["x-amzn-requestid"], /^[0-9a-f-]{36}$/);
    assert.equal(Buffer.from(JSON.parse(dec(response.body)).Plaintext, "base64").length, 8, kind);
  }
});

test("handle() refuses a wrong content type and an unknown target, and honours an aborted signal", async () => {
  const handler = kmsRequestHandler({ storage: new MemoryStorage() });
  const call = (headers, body = "{}") => handler.handle({ method: "POST", path: "/", headers, body }).then(({ response }) => ({
    status: response.statusCode, json: JSON.parse(dec(response.body)),
  }));
  const wrongType = await call({ "content-type": "text/plain", "x-amz-target": "TrentService.ListKeys" });
  assert.deepEqual([wrongType.status, wrongType.json.__type], [400, "UnknownOperationException"]);
  const unknown = await call({ "content-type": "application/x-amz-json-1.1", "x-amz-target": "TrentService.Nope" });
  assert.deepEqual([unknown.status, unknown.json.__type], [400, "UnknownOperationException"]);
  const bad = await call({ "content-type": "application/x-amz-json-1.1", "x-amz-target": "TrentService.ListKeys" }, "{nope");
  assert.deepEqual([bad.status, bad.json.__type], [400, "SerializationException"]);

  const controller = new AbortController();
  controller.abort();
  await assert.rejects(
    handler.handle({ method: "POST", path: "/", headers: {}, body: "{}" }, { abortSignal: controller.signal }),
    { name: "AbortError" },
  );
  // smithy's HttpHandler surface
  assert.deepEqual(handler.httpHandlerConfigs(), {});
  handler.updateHttpClientConfig("requestTimeout", 1);
  handler.destroy();
});

test("the README's kmsRequestHandler example runs as written", async () => {
  const r = await runReadmeBlock("requestHandler: kmsRequestHandler");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /KeyArn: 'arn:aws:kms:eu-west-1:000000000000:key\//);
});

test("browser bundle: the real SDK's browser build plus kmsRequestHandler reach no Node built-in, and run", async () => {
  const result = await build({
    stdin: {
      contents: `
        import { KMSClient, CreateKeyCommand, EncryptCommand, DecryptCommand, NotFoundException, DescribeKeyCommand } from "@aws-sdk/client-kms";
        import { kmsRequestHandler, MemoryStorage } from "kms-wasm";
        export async function roundTrip() {
          const kms = new KMSClient({ region: "us-west-2", credentials: { accessKeyId: "x", secretAccessKey: "y" },
            requestHandler: kmsRequestHandler({ storage: new MemoryStorage() }) });
          const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
          const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: new TextEncoder().encode("browser") }));
          const { Plaintext } = await kms.send(new DecryptCommand({ CiphertextBlob }));
          const err = await kms.send(new DescribeKeyCommand({ KeyId: "alias/none" })).catch((e) => e);
          return [KeyMetadata.Arn, new TextDecoder().decode(Plaintext), err instanceof NotFoundException];
        }`,
      resolveDir: root, loader: "js",
    },
    bundle: true, platform: "browser", format: "esm", write: false, metafile: true, logLevel: "silent",
  });
  const inputs = Object.keys(result.metafile.inputs);
  assert.ok(inputs.some((p) => p.endsWith("pkg/dist/portable.js")), "bundled kms-wasm's portable entry");
  assert.deepEqual(inputs.filter((p) => p.startsWith("node:") || /(^|\/)(fs|http|path|url|crypto|stream)$/.test(p)), []);
  const { dir, cleanup } = tempDir("kms-browser-");
  try {
    const file = join(dir, "bundle.mjs");
    writeFileSync(file, result.outputFiles[0].text);
    const [arn, text, isNotFound] = await (await import(pathToFileURL(file).href)).roundTrip();
    assert.match(arn, /^arn:aws:kms:us-west-2:000000000000:key\//);
    assert.equal(text, "browser");
    assert.equal(isNotFound, true);
  } finally {
    cleanup();
  }
});

test("an access key mapped to an IAM principal is authorized by key policy and identity policies", async () => {
  const storage = new MemoryStorage();
  const accessKeyMap = {
    AKIDADMIN: "111122223333",
    AKIDAPP: {
      principal: "arn:aws:iam::111122223333:role/App",
      identityPolicies: [{ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "kms:Encrypt", Resource: "*" }] }],
    },
    AKIDNOBODY: { principal: "arn:aws:iam::111122223333:role/Nobody" },
  };
  const client = (accessKeyId) =>
    new sdk.KMSClient({
      region: "us-east-1",
      credentials: { accessKeyId, secretAccessKey: "x" },
      requestHandler: kmsRequestHandler({ storage, accessKeyMap }),
    });
  const { KeyMetadata } = await client("AKIDADMIN").send(new sdk.CreateKeyCommand({}));
  assert.equal(KeyMetadata.AWSAccountId, "111122223333");
  const input = { KeyId: KeyMetadata.KeyId, Plaintext: new TextEncoder().encode("hi") };
  const { CiphertextBlob } = await client("AKIDAPP").send(new sdk.EncryptCommand(input));
  await assert.rejects(client("AKIDAPP").send(new sdk.DecryptCommand({ CiphertextBlob })), (e) => {
    assert.equal(e.name, "AccessDeniedException");
    assert.match(e.message, /role\/App is not authorized to perform: kms:Decrypt/);
    return true;
  });
  await assert.rejects(client("AKIDNOBODY").send(new sdk.EncryptCommand(input)), { name: "AccessDeniedException" });
  assert.throws(() => kmsRequestHandler({ accessKeyMap: { X: { principal: "not-an-arn" } } }), TypeError);
});
