//! `KmsWasm.CreateFixtureKey`: CreateKey with a caller-chosen key ID and key material, for tests
//! that need known keys. The request is CreateKey's (KeySpec, KeyUsage, Description, Tags, Policy,
//! MultiRegion, BypassPolicyLockoutSafetyCheck) plus `KeyId` (a key ID not in use: a UUID, or
//! `mrk-` + 32 hex for MultiRegion) and `Material` (base64): 32 raw bytes for SYMMETRIC_DEFAULT,
//! raw HMAC key bytes (the ImportKeyMaterial lengths), a PKCS#8 private key (DER or PEM text) for
//! every asymmetric spec. The key is an ordinary AWS_KMS key; nothing marks it as a fixture.

use serde_json::{Map, Value};

use crate::api::{self, member, Blob, CreateKeyRequest, KeySpec};
use crate::crypto::extra;
use crate::crypto::{ecc, rsa};
use crate::error::{KmsError, KmsResult};
use crate::model::asymmetric::{self, Kind};
use crate::model::{key_ref, mac};
use crate::ops::create_key::{self, Given};
use crate::ops::Env;

/// Members CreateKey has that a fixture may not set: a fixture is always AWS_KMS, in AWS KMS.
const NOT_ALLOWED: &[&str] = &[
    member::ORIGIN,
    member::CUSTOM_KEY_STORE_ID,
    member::XKS_KEY_ID,
];

/// A decoded CreateFixtureKey request: the CreateKey request and the fixture's ID and material.
pub struct FixtureRequest {
    /// The CreateKey members.
    pub create_key: CreateKeyRequest,
    /// The key ID and material the caller chose.
    pub given: Given,
}

/// Decodes a CreateFixtureKey body's JSON object: the fixture's own members, then the CreateKey
/// request from what remains.
pub fn decode(mut doc: Map<String, Value>) -> KmsResult<FixtureRequest> {
    for member in NOT_ALLOWED {
        if doc.contains_key(*member) {
            return Err(KmsError::validation(format!(
                "CreateFixtureKey does not accept {member}: fixture keys are AWS_KMS keys in AWS KMS."
            )));
        }
    }
    let key_id = match doc.remove(member::KEY_ID) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(_) => return Err(KmsError::serialization("KeyId must be a string.")),
    };
    let material = match doc.remove("Material") {
        Some(v @ Value::String(_)) => serde_json::from_value::<Blob>(v)
            .map_err(|_| KmsError::serialization("Material must be base64."))?
            .0,
        Some(Value::Null) | None => {
            return Err(KmsError::validation(
                "1 validation error detected: Value null at 'material' failed to satisfy constraint: Member must not be null",
            ))
        }
        Some(_) => return Err(KmsError::serialization("Material must be base64.")),
    };
    let multi_region = doc.get(member::MULTI_REGION).and_then(Value::as_bool) == Some(true);
    if let Some(id) = &key_id {
        let mrk = id.starts_with("mrk-");
        if !key_ref::is_key_id(id) || mrk != multi_region {
            return Err(KmsError::validation(format!(
                "KeyId '{id}' is not a valid key ID: use a lower-case UUID, or mrk- and 32 lower-case hex digits with MultiRegion true."
            )));
        }
    }
    let create_key: CreateKeyRequest = api::from_object::<api::unchecked::CreateKeyRequest>(doc)?;
    Ok(FixtureRequest {
        create_key,
        given: Given {
            key_id,
            material: Some(material),
        },
    })
}

/// Runs CreateFixtureKey.
pub fn run(req: FixtureRequest, env: &mut Env<'_, '_>) -> KmsResult<Vec<u8>> {
    let response = create_key::create(env, req.create_key, Some(req.given))?;
    serde_json::to_vec(&response)
        .map_err(|e| KmsError::internal(format!("response encoding failed: {e}")))
}

/// Fixture material as stored, and the public key of an asymmetric spec. PEM text
/// (`-----BEGIN PRIVATE KEY-----`) is accepted wherever PKCS#8 DER is.
pub fn fixture_material(spec: KeySpec, given: Vec<u8>) -> KmsResult<(Vec<u8>, Option<Vec<u8>>)> {
    let name = spec.as_str();
    let wrong = |why: &str| {
        KmsError::validation(format!("Material is not valid for KeySpec {name}: {why}"))
    };
    if spec == KeySpec::SYMMETRIC_DEFAULT {
        return if given.len() == 32 {
            Ok((given, None))
        } else {
            Err(wrong("a symmetric key is 32 raw bytes."))
        };
    }
    if let Some(min) = mac::key_length(spec) {
        let max = if min <= 32 { 64 } else { 128 };
        return if (min..=max).contains(&given.len()) {
            Ok((given, None))
        } else {
            Err(wrong(&format!(
                "an {name} key is {min} to {max} raw bytes."
            )))
        };
    }
    let Some(kind) = asymmetric::kind(spec) else {
        return Err(KmsError::feature_not_implemented(&format!(
            "KeySpec {name}"
        )));
    };
    let der = pkcs8_der(given).map_err(&wrong)?;
    let pkcs8 = "a PKCS#8 private key of the spec (DER, or PEM \"PRIVATE KEY\").";
    let private = match kind {
        Kind::Rsa(bits) => {
            if !extra::FULL {
                extra::mark_missing();
                return Err(wrong(pkcs8));
            }
            let parsed = rsa::private_key(&der).map_err(|_| wrong(pkcs8))?;
            if rsa::modulus_bits(&parsed) != bits || parsed.validate().is_err() {
                return Err(wrong(&format!("the RSA modulus must have {bits} bits.")));
            }
            rsa::encode_private(&parsed).map_err(|_| wrong(pkcs8))?
        }
        // SEC1 (`BEGIN EC PRIVATE KEY`'s DER) too: LocalStack's fixture tags carry that form.
        Kind::Ecc(curve) if ecc::is_private_key(curve, &der) => der,
        Kind::Ecc(curve) => ecc::pkcs8_from_sec1(curve, &der).map_err(|_| wrong(pkcs8))?,
        _ => der,
    };
    let public = asymmetric::public_key_of(kind, &private).map_err(|_| wrong(pkcs8))?;
    Ok((private, Some(public)))
}

/// PKCS#8 DER from DER or PEM bytes.
fn pkcs8_der(given: Vec<u8>) -> Result<Vec<u8>, &'static str> {
    let Ok(text) = std::str::from_utf8(&given) else {
        return Ok(given);
    };
    let text = text.trim();
    if !text.starts_with("-----BEGIN") {
        return Ok(given);
    }
    let body = text
        .strip_prefix("-----BEGIN PRIVATE KEY-----")
        .and_then(|r| r.strip_suffix("-----END PRIVATE KEY-----"))
        .ok_or("only PEM \"PRIVATE KEY\" (PKCS#8) is accepted; convert with `openssl pkcs8 -topk8 -nocrypt`.")?;
    let compact: String = body.split_ascii_whitespace().collect();
    serde_json::from_value::<Blob>(Value::String(compact))
        .map(|b| b.0)
        .map_err(|_| "the PEM body is not base64.")
}
