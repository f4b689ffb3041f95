// Hand-written (not generated): how a TypeScript user calls kms-wasm must type-check — output
// inference from send(), the real SDK's commands accepted by send(), aggregated and paginator methods.
// Checked with `tsc --noEmit -p tests/types`; never run.
import { FileSystemStorage, KMSClient, EncryptCommand, KMS, paginateListKeys } from "kms-wasm";
import * as sdk from "@aws-sdk/client-kms";
const c = new KMSClient({ region: "us-east-1", storage: new FileSystemStorage("/tmp/x") });
async function f() {
  const out = await c.send(new EncryptCommand({ KeyId: "k", Plaintext: new Uint8Array(1) }));
  const b: Uint8Array | undefined = out.CiphertextBlob; out.$metadata.requestId;
  const any = await c.send(new sdk.DecryptCommand({ CiphertextBlob: b }));
  const kms = new KMS({ region: "us-east-1" });
  for await (const p of kms.paginateListKeys({}, { pageSize: 2 })) p.Keys?.[0]?.KeyId;
  for await (const p of paginateListKeys({ client: kms }, {})) p.Keys;
  const d = await kms.describeKey({ KeyId: "x" }); d.KeyMetadata?.CreationDate?.getTime();
  return any;
}
f();
