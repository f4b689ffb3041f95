// Run-time parity with @aws-sdk/client-kms: the same exported commands (with their operation names),
// enums (same objects), paginators and aggregated-client methods. Type parity is tests/types.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as sdk from "@aws-sdk/client-kms";
import * as ours from "kms-wasm";

const pick = (m, re) => Object.keys(m).filter((k) => re.test(k)).sort();
// kms-wasm's own extensions (README "Deterministic keys, fixtures and state"), not AWS operations.
const EXTENSIONS = new Set(["CreateFixtureKeyCommand"]);

test("the same 56 commands, each with its static operation name", () => {
  const aws = (names) => names.filter((n) => !EXTENSIONS.has(n));
  assert.deepEqual(aws(pick(ours, /Command$/)), pick(sdk, /Command$/)); // includes the $Command base class
  assert.equal(ours.CreateFixtureKeyCommand.target, "KmsWasm.CreateFixtureKey");
  const commands = aws(pick(ours, /^[A-Z]\w*Command$/));
  assert.equal(commands.length, 56);
  for (const name of commands) {
    assert.equal(ours[name].operation, name.slice(0, -"Command".length));
    assert.deepEqual(new ours[name]({ KeyId: "k" }).input, { KeyId: "k" });
  }
});

test("enums are the SDK's objects, key for key", () => {
  const model = JSON.parse(JSON.stringify(ours)); // only plain data survives: the enum objects
  for (const name of Object.keys(model)) {
    if (sdk[name] === undefined) continue; // newer in the model than in the SDK (ResourceOwnerType)
    assert.deepEqual(ours[name], sdk[name], name);
  }
  assert.deepEqual(ours.KeySpec, sdk.KeySpec);
});

test("the same paginators", () => {
  assert.deepEqual(pick(ours, /^paginate/), pick(sdk, /^paginate/));
});

test("the aggregated client has exactly the SDK's methods", () => {
  const methods = (C) => Object.getOwnPropertyNames(C.prototype).filter((n) => n !== "constructor").sort();
  assert.deepEqual(methods(ours.KMS), methods(sdk.KMS));
});
