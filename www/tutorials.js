// The guided tutorials: each is a list of steps that make real calls (through the logged session,
// so every request and response appears in the log) and explain what came back. A step returns
// its explanation; `t` carries values from step to step.
//
// Step helpers (see tutorial-runner.js): `await t.ok(op, input)` → output, or the step fails;
// `await t.fails(op, input, "ErrorName")` → the error, or the step fails. A step marked
// `optional` that meets UnsupportedOperationException is skipped with a note; any other step that
// meets it ends the tutorial honestly ("not implemented in this build yet").
import { toHex } from "./codec.js";

const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);
const short = (arn) => arn?.replace(/^arn:aws:kms:[^:]+:\d+:/, "") ?? "(none)";
const suffix = () => Math.random().toString(36).slice(2, 8);

/** ECDSA signature DER `SEQUENCE { INTEGER r, INTEGER s }` → the raw `r || s` WebCrypto verifies. */
export function derToRawEcdsa(der, size = 32) {
  const fail = () => {
    throw new Error("not a DER ECDSA signature");
  };
  let i = 0;
  if (der[i++] !== 0x30) fail();
  let len = der[i++];
  if (len & 0x80) i += len & 0x7f; // long-form length (P-521); we only need to skip it
  const out = new Uint8Array(size * 2);
  for (let part = 0; part < 2; part++) {
    if (der[i++] !== 0x02) fail();
    len = der[i++];
    let int = der.subarray(i, i + len);
    i += len;
    while (int.length > size && int[0] === 0) int = int.subarray(1); // DER's sign-padding zero
    if (int.length > size) fail();
    out.set(int, part * size + (size - int.length));
  }
  return out;
}

export const tutorials = [
  {
    id: "create-key",
    title: "Create a key",
    intro: "Make a KMS key, look at what KMS says about it, and use it once.",
    steps: [
      {
        title: "CreateKey",
        async run(t) {
          const { KeyMetadata: k } = await t.ok("CreateKey", { Description: "Tutorial: my first key" });
          t.keyId = k.KeyId;
          t.select(k.KeyId);
          return `KMS created key ${k.KeyId}. With no options it is a ${k.KeySpec} key for ${k.KeyUsage}: a 256-bit AES key that never leaves KMS. Its state is ${k.KeyState}, and its ARN (${k.Arn}) is how other accounts and IAM policies refer to it.`;
        },
      },
      {
        title: "DescribeKey",
        async run(t) {
          const { KeyMetadata: k } = await t.ok("DescribeKey", { KeyId: t.keyId });
          return `DescribeKey returns the same metadata at any time: created ${k.CreationDate.toISOString()}, origin ${k.Origin}, manager ${k.KeyManager}. KeyId accepts the key ID, the key ARN, an alias name or an alias ARN.`;
        },
      },
      {
        title: "Encrypt a short message",
        async run(t) {
          const out = await t.ok("Encrypt", { KeyId: t.keyId, Plaintext: enc("my first secret") });
          t.blob = out.CiphertextBlob;
          return `15 bytes of plaintext became a ${out.CiphertextBlob.length}-byte CiphertextBlob (${out.EncryptionAlgorithm}). The blob records which key made it, so decrypting it does not need the KeyId. Encrypt takes at most 4096 bytes: for more, see envelope encryption.`;
        },
      },
      {
        title: "Decrypt it",
        async run(t) {
          const out = await t.ok("Decrypt", { CiphertextBlob: t.blob });
          return `Decrypt gave back "${dec(out.Plaintext)}" and named the key it used (${short(out.KeyId)}). Only a caller allowed to use that key could do this.`;
        },
      },
    ],
  },
  {
    id: "envelope",
    title: "Envelope encryption with data keys",
    intro: "Encrypt data of any size in the browser with AES-GCM (WebCrypto), keeping only a KMS-wrapped copy of the data key.",
    steps: [
      {
        title: "CreateKey (the key-encryption key)",
        async run(t) {
          const { KeyMetadata: k } = await t.ok("CreateKey", { Description: "Tutorial: envelope encryption" });
          t.keyId = k.KeyId;
          t.select(k.KeyId);
          return `Key ${k.KeyId} will wrap data keys; it never encrypts the data itself.`;
        },
      },
      {
        title: "GenerateDataKey AES_256",
        async run(t) {
          const out = await t.ok("GenerateDataKey", { KeyId: t.keyId, KeySpec: "AES_256" });
          t.dataKey = out.Plaintext;
          t.wrapped = out.CiphertextBlob;
          return `KMS returned the same fresh 256-bit data key twice: in plaintext (${out.Plaintext.length} bytes, to use now and then forget) and encrypted under your KMS key (${out.CiphertextBlob.length} bytes, to store next to the data).`;
        },
      },
      {
        title: "Encrypt locally with WebCrypto AES-GCM, then forget the plaintext key",
        async run(t) {
          const message = "A message of any size: ".padEnd(2000, "lorem ipsum ");
          const key = await crypto.subtle.importKey("raw", t.dataKey, "AES-GCM", false, ["encrypt"]);
          t.iv = crypto.getRandomValues(new Uint8Array(12));
          t.sealed = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv: t.iv }, key, enc(message)));
          t.message = message;
          t.dataKey.fill(0);
          delete t.dataKey;
          return `The browser encrypted ${message.length} characters into ${t.sealed.length} bytes (IV ${toHex(t.iv)}). No data went to KMS. What you store is the envelope: {wrapped data key, IV, ciphertext}. The plaintext data key was zeroed.`;
        },
      },
      {
        title: "Decrypt the wrapped data key",
        async run(t) {
          const out = await t.ok("Decrypt", { CiphertextBlob: t.wrapped });
          t.dataKey = out.Plaintext;
          return `To read the data later, only the ${t.wrapped.length}-byte wrapped key goes to KMS. Decrypt returned the ${out.Plaintext.length}-byte data key.`;
        },
      },
      {
        title: "Decrypt the data locally",
        async run(t) {
          const key = await crypto.subtle.importKey("raw", t.dataKey, "AES-GCM", false, ["decrypt"]);
          const plain = dec(await crypto.subtle.decrypt({ name: "AES-GCM", iv: t.iv }, key, t.sealed));
          if (plain !== t.message) throw new Error("the decrypted data differs from the original");
          return "WebCrypto decrypted the data with the recovered key: identical to the original. This is how the AWS Encryption SDK, S3 and EBS use KMS: one KMS call per data key, any amount of data.";
        },
      },
    ],
  },
  {
    id: "context",
    title: "Encryption context",
    intro: "Bind a ciphertext to who it belongs to, and see why a different context fails.",
    steps: [
      {
        title: "CreateKey",
        async run(t) {
          const { KeyMetadata: k } = await t.ok("CreateKey", { Description: "Tutorial: encryption context" });
          t.keyId = k.KeyId;
          t.select(k.KeyId);
          return `Key ${k.KeyId} created.`;
        },
      },
      {
        title: 'Encrypt with EncryptionContext {"tenant": "alice"}',
        async run(t) {
          const out = await t.ok("Encrypt", { KeyId: t.keyId, Plaintext: enc("alice's invoice"), EncryptionContext: { tenant: "alice" } });
          t.blob = out.CiphertextBlob;
          return "The context is not secret and not stored in the clear: it is bound into the ciphertext as additional authenticated data (AAD). It also appears in CloudTrail logs on real AWS.";
        },
      },
      {
        title: "Decrypt with the same context",
        async run(t) {
          const out = await t.ok("Decrypt", { CiphertextBlob: t.blob, EncryptionContext: { tenant: "alice" } });
          return `With exactly the same context, Decrypt returns "${dec(out.Plaintext)}".`;
        },
      },
      {
        title: 'Decrypt with a wrong context {"tenant": "mallory"}',
        async run(t) {
          const err = await t.fails("Decrypt", { CiphertextBlob: t.blob, EncryptionContext: { tenant: "mallory" } }, "InvalidCiphertextException");
          return `${err.name}, with no detail${err.message ? ` ("${err.message}")` : ""}. KMS never says why decryption failed — that would help an attacker. A ciphertext stolen from alice cannot be decrypted in mallory's name.`;
        },
      },
      {
        title: "Decrypt with no context at all",
        async run(t) {
          const err = await t.fails("Decrypt", { CiphertextBlob: t.blob }, "InvalidCiphertextException");
          return `Also ${err.name}: the context must match exactly, key for key and value for value (order does not matter).`;
        },
      },
    ],
  },
  {
    id: "sign",
    title: "Sign with an ECC key, verify with WebCrypto",
    intro: "An asymmetric key signs inside KMS; anyone with the public key can verify, here with the browser's WebCrypto.",
    steps: [
      {
        title: "CreateKey ECC_NIST_P256 for SIGN_VERIFY",
        async run(t) {
          const { KeyMetadata: k } = await t.ok("CreateKey", { KeySpec: "ECC_NIST_P256", KeyUsage: "SIGN_VERIFY", Description: "Tutorial: signing" });
          t.keyId = k.KeyId;
          t.select(k.KeyId);
          return `Key ${k.KeyId}: an ECDSA key on NIST P-256. Signing algorithms: ${(k.SigningAlgorithms ?? []).join(", ")}. The private key never leaves KMS.`;
        },
      },
      {
        title: "GetPublicKey and import it into WebCrypto",
        async run(t) {
          const out = await t.ok("GetPublicKey", { KeyId: t.keyId });
          t.publicKey = await crypto.subtle.importKey("spki", out.PublicKey, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
          return `The public key comes as DER SubjectPublicKeyInfo (${out.PublicKey.length} bytes), which WebCrypto imports directly ("spki").`;
        },
      },
      {
        title: "Sign a message (ECDSA_SHA_256)",
        async run(t) {
          t.message = enc("pay 100 EUR to bob");
          const out = await t.ok("Sign", { KeyId: t.keyId, Message: t.message, MessageType: "RAW", SigningAlgorithm: "ECDSA_SHA_256" });
          t.signature = out.Signature;
          return `KMS hashed the message with SHA-256 and signed it. The ${out.Signature.length}-byte signature is DER-encoded: SEQUENCE { INTEGER r, INTEGER s }.`;
        },
      },
      {
        title: "Verify with WebCrypto (DER → raw r‖s)",
        async run(t) {
          const raw = derToRawEcdsa(t.signature);
          const ok = await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, t.publicKey, raw, t.message);
          if (!ok) throw new Error("WebCrypto rejected the signature");
          const tampered = await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, t.publicKey, raw, enc("pay 900 EUR to bob"));
          if (tampered) throw new Error("WebCrypto accepted a tampered message");
          return "WebCrypto wants the raw 64-byte r‖s form, so the DER is unpacked first. The signature verifies offline, with no call to KMS; the same signature over a changed message does not.";
        },
      },
      {
        title: "Verify with KMS, then with a tampered message",
        async run(t) {
          const out = await t.ok("Verify", { KeyId: t.keyId, Message: t.message, MessageType: "RAW", Signature: t.signature, SigningAlgorithm: "ECDSA_SHA_256" });
          const err = await t.fails("Verify", { KeyId: t.keyId, Message: enc("pay 900 EUR to bob"), MessageType: "RAW", Signature: t.signature, SigningAlgorithm: "ECDSA_SHA_256" }, "KMSInvalidSignatureException");
          return `KMS Verify said SignatureValid: ${out.SignatureValid}. For the tampered message it does not answer false: it throws ${err.name}.`;
        },
      },
    ],
  },
  {
    id: "rotation",
    title: "Key rotation",
    intro: "Turn on automatic rotation, and see that old ciphertexts still decrypt after the key material changes.",
    steps: [
      {
        title: "CreateKey and encrypt something",
        async run(t) {
          const { KeyMetadata: k } = await t.ok("CreateKey", { Description: "Tutorial: rotation" });
          t.keyId = k.KeyId;
          t.select(k.KeyId);
          t.blob = (await t.ok("Encrypt", { KeyId: t.keyId, Plaintext: enc("written before rotation") })).CiphertextBlob;
          return `Key ${k.KeyId} created, and a ciphertext made with its first key material.`;
        },
      },
      {
        title: "GetKeyRotationStatus (off by default)",
        async run(t) {
          const out = await t.ok("GetKeyRotationStatus", { KeyId: t.keyId });
          return `KeyRotationEnabled: ${out.KeyRotationEnabled}. New symmetric keys do not rotate unless you ask.`;
        },
      },
      {
        title: "EnableKeyRotation every 90 days",
        async run(t) {
          await t.ok("EnableKeyRotation", { KeyId: t.keyId, RotationPeriodInDays: 90 });
          const out = await t.ok("GetKeyRotationStatus", { KeyId: t.keyId });
          return `Now KeyRotationEnabled: ${out.KeyRotationEnabled}, RotationPeriodInDays: ${out.RotationPeriodInDays}${out.NextRotationDate ? `, next rotation ${out.NextRotationDate.toISOString()}` : ""}. The period can be 90 to 2560 days (365 by default). The key ID and ARN never change.`;
        },
      },
      {
        title: "RotateKeyOnDemand",
        optional: true,
        async run(t) {
          await t.ok("RotateKeyOnDemand", { KeyId: t.keyId });
          return "KMS added new key material at once. New encryptions use it; the old material is kept for ever to decrypt old ciphertexts.";
        },
      },
      {
        title: "The old ciphertext still decrypts",
        async run(t) {
          const out = await t.ok("Decrypt", { CiphertextBlob: t.blob });
          return `"${dec(out.Plaintext)}" — rotation never breaks existing ciphertexts: each one records which key material made it.`;
        },
      },
      {
        title: "DisableKeyRotation",
        async run(t) {
          await t.ok("DisableKeyRotation", { KeyId: t.keyId });
          const out = await t.ok("GetKeyRotationStatus", { KeyId: t.keyId });
          return `KeyRotationEnabled: ${out.KeyRotationEnabled}. Turning rotation off keeps every key material made so far.`;
        },
      },
    ],
  },
  {
    id: "alias",
    title: "Alias swap",
    intro: "Point an alias at a new key without changing the code that uses the alias.",
    steps: [
      {
        title: "Create two keys",
        async run(t) {
          t.a = (await t.ok("CreateKey", { Description: "Tutorial: alias — old key" })).KeyMetadata;
          t.b = (await t.ok("CreateKey", { Description: "Tutorial: alias — new key" })).KeyMetadata;
          t.select(t.a.KeyId);
          return `Old key ${t.a.KeyId}, new key ${t.b.KeyId}.`;
        },
      },
      {
        title: "CreateAlias → old key",
        async run(t) {
          t.alias = `alias/tutorial-app-${suffix()}`;
          await t.ok("CreateAlias", { AliasName: t.alias, TargetKeyId: t.a.KeyId });
          return `${t.alias} now names the old key. Applications use the alias, never the key ID.`;
        },
      },
      {
        title: "Encrypt through the alias",
        async run(t) {
          const out = await t.ok("Encrypt", { KeyId: t.alias, Plaintext: enc("encrypted via the alias") });
          t.blob = out.CiphertextBlob;
          return `Encrypt answered with KeyId ${short(out.KeyId)}: the old key did the work.`;
        },
      },
      {
        title: "UpdateAlias → new key",
        async run(t) {
          await t.ok("UpdateAlias", { AliasName: t.alias, TargetKeyId: t.b.KeyId });
          const out = await t.ok("Encrypt", { KeyId: t.alias, Plaintext: enc("after the swap") });
          t.select(t.b.KeyId);
          return `Same alias, and Encrypt now answers KeyId ${short(out.KeyId)}: the new key. Both keys must have the same type and usage, or UpdateAlias refuses.`;
        },
      },
      {
        title: "Ciphertexts from before the swap",
        async run(t) {
          const out = await t.ok("Decrypt", { CiphertextBlob: t.blob });
          return `Decrypt used ${short(out.KeyId)} — the old key, recorded in the ciphertext — not whatever the alias points at now. Keep the old key enabled while such ciphertexts exist.`;
        },
      },
    ],
  },
  {
    id: "deletion",
    title: "Scheduled deletion and cancel",
    intro: "KMS never deletes a key at once: it waits 7 to 30 days, during which you can change your mind.",
    steps: [
      {
        title: "CreateKey",
        async run(t) {
          const { KeyMetadata: k } = await t.ok("CreateKey", { Description: "Tutorial: deletion" });
          t.keyId = k.KeyId;
          t.select(k.KeyId);
          return `Key ${k.KeyId} created.`;
        },
      },
      {
        title: "ScheduleKeyDeletion in 7 days",
        async run(t) {
          const out = await t.ok("ScheduleKeyDeletion", { KeyId: t.keyId, PendingWindowInDays: 7 });
          return `KeyState: ${out.KeyState}, DeletionDate: ${out.DeletionDate.toISOString()}. 7 days is the minimum, 30 the default and maximum.`;
        },
      },
      {
        title: "Try to use it",
        async run(t) {
          const err = await t.fails("Encrypt", { KeyId: t.keyId, Plaintext: enc("too late?") }, "KMSInvalidStateException");
          return `${err.name}: "${err.message}". A key pending deletion cannot be used — a safe way to find out who still needs it before it is gone.`;
        },
      },
      {
        title: "CancelKeyDeletion",
        async run(t) {
          await t.ok("CancelKeyDeletion", { KeyId: t.keyId });
          const { KeyMetadata: k } = await t.ok("DescribeKey", { KeyId: t.keyId });
          return `Cancelled. The key is now ${k.KeyState}, not Enabled: KMS makes you re-enable it on purpose.`;
        },
      },
      {
        title: "EnableKey and use it again",
        async run(t) {
          await t.ok("EnableKey", { KeyId: t.keyId });
          await t.ok("Encrypt", { KeyId: t.keyId, Plaintext: enc("saved") });
          return "Enabled again, and Encrypt works. Had the window passed, the key and everything encrypted under it would be gone for good.";
        },
      },
    ],
  },
];
