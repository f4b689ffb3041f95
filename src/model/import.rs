//! Importing key material (AWS-KMS-BEHAVIOUR.md §2.12, key-state footnotes [8][9]): which wrapping
//! algorithm and wrapping key spec may be asked for, the import token (which names its key and its
//! wrapping key pair, and expires 24 hours after GetParametersForImport), unwrapping, and what
//! material each key spec accepts. The operations (GetParametersForImport, ImportKeyMaterial,
//! DeleteImportedKeyMaterial) hold no rules of their own beyond the order of the checks.
//!
//! The token carries no secret: the wrapping private key stays on the key record, and the token
//! only says which of the record's parameter sets it belongs to.

use serde::{Deserialize, Serialize};

use crate::api::{AlgorithmSpec, Blob, ErrorCode, KeySpec, KeyState, OriginType, WrappingKeySpec};
use crate::crypto::digest::Hash;
use crate::crypto::ecc;
use crate::crypto::extra;
use crate::crypto::rng::RandomSource;
use crate::crypto::{rsa, sm2, wrap};
use crate::error::{KmsError, KmsResult};
use crate::model::asymmetric::{self, Kind};
use crate::model::key::{KeyRecord, DAY};
use crate::model::{key_ref, mac};

/// How long an import token and its public key stay valid: 24 hours [model].
pub const TOKEN_LIFETIME: f64 = DAY;

/// Parameter sets kept per key; the oldest goes first (a bound, not an AWS quota).
const MAX_PARAMETER_SETS: usize = 10;

/// The longest ValidTo AWS accepts: 365 days after the request [model ImportKeyMaterial.ValidTo].
const MAX_VALID_DAYS: f64 = 365.0;

/// One GetParametersForImport answer: the wrapping key pair and what it may unwrap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WrappingParameters {
    /// 32 hex characters; the import token names it.
    pub token_id: String,
    /// The wrapping algorithm asked for.
    pub algorithm: AlgorithmSpec,
    /// The wrapping key spec asked for.
    pub spec: WrappingKeySpec,
    /// The wrapping private key (PKCS#8 DER).
    pub private_key: Blob,
    /// When the token and public key expire (epoch seconds).
    pub valid_to: f64,
}

/// `<ARN> origin is <ORIGIN> which is not valid for this operation.` (footnote [9]): only keys
/// created with Origin EXTERNAL take imported material.
pub fn require_external(key: &KeyRecord) -> KmsResult<()> {
    if key.origin == OriginType::EXTERNAL {
        return Ok(());
    }
    Err(KmsError::new(
        ErrorCode::UnsupportedOperationException,
        format!(
            "{} origin is {} which is not valid for this operation.",
            key.arn,
            key.origin.as_str()
        ),
    ))
}

/// GetParametersForImport and ImportKeyMaterial refuse keys pending deletion (footnote [8]).
pub fn require_not_pending_deletion(key: &KeyRecord) -> KmsResult<()> {
    if matches!(
        key.state,
        KeyState::PendingDeletion | KeyState::PendingReplicaDeletion
    ) {
        return Err(KmsError::invalid_state(&key.arn, "pending deletion"));
    }
    Ok(())
}

/// The requested wrapping algorithm and key spec, checked against each other, the Region and what
/// `key`'s material needs. RSAES_PKCS1_V1_5 was withdrawn on 2023-10-10; SM2PKE with an SM2
/// wrapping key exists only in the China Regions.
pub fn wrapping_choice(
    key: &KeyRecord,
    region: &str,
    alg: AlgorithmSpec,
    wspec: WrappingKeySpec,
) -> KmsResult<(AlgorithmSpec, WrappingKeySpec)> {
    if alg == AlgorithmSpec::RSAES_PKCS1_V1_5 {
        return Err(KmsError::validation(
            "The RSAES_PKCS1_V1_5 wrapping algorithm is no longer supported. Use RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, RSA_AES_KEY_WRAP_SHA_1 or RSA_AES_KEY_WRAP_SHA_256.",
        ));
    }
    if alg == AlgorithmSpec::SM2PKE || wspec == WrappingKeySpec::SM2 {
        if !region.starts_with("cn-") {
            return Err(KmsError::validation(format!(
                "WrappingAlgorithm {} with WrappingKeySpec {} is available only in the China Regions.",
                alg.as_str(),
                wspec.as_str()
            )));
        }
        if alg != AlgorithmSpec::SM2PKE || wspec != WrappingKeySpec::SM2 {
            return Err(KmsError::validation(
                "The SM2PKE wrapping algorithm requires the SM2 wrapping key spec, and the SM2 wrapping key spec requires SM2PKE.",
            ));
        }
        // SM2PKE carries at most 1024 bytes (§2.2): an RSA private key does not fit.
        if matches!(asymmetric::kind(key.key_spec), Some(Kind::Rsa(_))) {
            return Err(KmsError::validation(format!(
                "WrappingAlgorithm SM2PKE cannot wrap key material of key spec {}.",
                key.key_spec.as_str()
            )));
        }
        return Ok((alg, wspec));
    }
    let key_wrap = matches!(
        alg,
        AlgorithmSpec::RSA_AES_KEY_WRAP_SHA_1 | AlgorithmSpec::RSA_AES_KEY_WRAP_SHA_256
    );
    let too_big = match asymmetric::kind(key.key_spec) {
        // An RSA private key never fits in one RSAES-OAEP block.
        Some(Kind::Rsa(_)) => !key_wrap,
        // A P-521 PKCS#8 key is larger than RSA_2048 OAEP can carry [model].
        _ => {
            key.key_spec == KeySpec::ECC_NIST_P521
                && wspec == WrappingKeySpec::RSA_2048
                && !key_wrap
        }
    };
    if too_big {
        return Err(KmsError::validation(format!(
            "WrappingAlgorithm {} with WrappingKeySpec {} cannot wrap key material of key spec {}. Use RSA_AES_KEY_WRAP_SHA_1 or RSA_AES_KEY_WRAP_SHA_256.",
            alg.as_str(),
            wspec.as_str(),
            key.key_spec.as_str()
        )));
    }
    Ok((alg, wspec))
}

/// The kind of key pair a wrapping key spec is.
pub fn wrapping_kind(spec: WrappingKeySpec) -> Kind {
    match spec {
        WrappingKeySpec::RSA_2048 => Kind::Rsa(2048),
        WrappingKeySpec::RSA_3072 => Kind::Rsa(3072),
        WrappingKeySpec::RSA_4096 => Kind::Rsa(4096),
        WrappingKeySpec::SM2 => Kind::Sm2,
    }
}

/// Adds a parameter set to `key`, dropping expired ones and the oldest beyond the bound.
pub fn remember(key: &mut KeyRecord, params: WrappingParameters, now: f64) {
    key.import_parameters.retain(|p| p.valid_to > now);
    while key.import_parameters.len() >= MAX_PARAMETER_SETS {
        key.import_parameters.remove(0);
    }
    key.import_parameters.push(params);
}

const TOKEN_MAGIC: [u8; 4] = *b"KIT\x01";
const TOKEN_LEN: usize = TOKEN_MAGIC.len() + 1 + 16 + 16 + 8;

/// The import token for parameter set `token_id` (16 bytes) of `key_id`, valid until `valid_to`.
pub fn encode_token(key_id: &str, token_id: &[u8; 16], valid_to: f64) -> KmsResult<Vec<u8>> {
    let (mrk, id) = key_ref::key_id_bytes(key_id)
        .ok_or_else(|| KmsError::internal("key ID does not encode"))?;
    let mut token = Vec::with_capacity(TOKEN_LEN);
    token.extend_from_slice(&TOKEN_MAGIC);
    token.push(u8::from(mrk));
    token.extend_from_slice(&id);
    token.extend_from_slice(token_id);
    token.extend_from_slice(&valid_to.to_bits().to_be_bytes());
    Ok(token)
}

struct Token {
    key_id: String,
    token_id: String,
    valid_to: f64,
}

fn decode_token(bytes: &[u8]) -> Option<Token> {
    if bytes.len() != TOKEN_LEN || !bytes.starts_with(&TOKEN_MAGIC) {
        return None;
    }
    let rest = bytes.get(TOKEN_MAGIC.len()..)?;
    let (flag, rest) = rest.split_first()?;
    let (id, rest) = rest.split_at_checked(16)?;
    let (token_id, time) = rest.split_at_checked(16)?;
    let id: [u8; 16] = id.try_into().ok()?;
    let time: [u8; 8] = time.try_into().ok()?;
    if *flag > 1 {
        return None;
    }
    Some(Token {
        key_id: key_ref::key_id_from_bytes(*flag == 1, &id),
        token_id: hex(token_id),
        valid_to: f64::from_bits(u64::from_be_bytes(time)),
    })
}

fn invalid_token() -> KmsError {
    KmsError::new(
        ErrorCode::InvalidImportTokenException,
        "Import token is not valid for this key.",
    )
}

/// The parameter set an import token names: InvalidImportTokenException unless the token was
/// issued for this very key (the same key ID in the same Region), ExpiredImportTokenException once
/// 24 hours have passed.
pub fn find_parameters<'k>(
    key: &'k KeyRecord,
    token: &[u8],
    now: f64,
) -> KmsResult<&'k WrappingParameters> {
    let token = decode_token(token).ok_or_else(invalid_token)?;
    if token.key_id != key.key_id {
        return Err(invalid_token());
    }
    if token.valid_to <= now {
        return Err(KmsError::new(
            ErrorCode::ExpiredImportTokenException,
            "The import token has expired. Call GetParametersForImport for a new one.",
        ));
    }
    key.import_parameters
        .iter()
        .find(|p| p.token_id == token.token_id)
        .ok_or_else(invalid_token)
}

/// Unwraps `encrypted` with a parameter set; any failure is InvalidCiphertextException with no
/// detail. RSAES_OAEP_*: one OAEP block. RSA_AES_KEY_WRAP_*: an OAEP-encrypted AES-256 key (one
/// modulus long) followed by the material wrapped with it by AES-KWP (RFC 5649).
pub fn unwrap(
    params: &WrappingParameters,
    encrypted: &[u8],
    rng: &mut dyn RandomSource,
) -> KmsResult<Vec<u8>> {
    if !extra::FULL {
        // Every wrapping key is RSA or SM2, which only the full module carries.
        extra::mark_missing();
        return Err(KmsError::invalid_ciphertext());
    }
    let bad = |_| KmsError::invalid_ciphertext();
    let pkcs8 = &params.private_key.0;
    if params.algorithm == AlgorithmSpec::SM2PKE {
        return sm2::decrypt(pkcs8, encrypted).map_err(|_| KmsError::invalid_ciphertext());
    }
    let hash = match params.algorithm {
        AlgorithmSpec::RSAES_OAEP_SHA_1 | AlgorithmSpec::RSA_AES_KEY_WRAP_SHA_1 => Hash::Sha1,
        AlgorithmSpec::RSAES_OAEP_SHA_256 | AlgorithmSpec::RSA_AES_KEY_WRAP_SHA_256 => Hash::Sha256,
        _ => return Err(KmsError::invalid_ciphertext()),
    };
    match params.algorithm {
        AlgorithmSpec::RSAES_OAEP_SHA_1 | AlgorithmSpec::RSAES_OAEP_SHA_256 => {
            rsa::decrypt(pkcs8, hash, encrypted, rng).map_err(bad)
        }
        _ => {
            let bits = rsa::private_key(pkcs8)
                .map(|k| rsa::modulus_bits(&k))
                .map_err(bad)?;
            let (head, wrapped) = encrypted
                .split_at_checked(bits / 8)
                .ok_or_else(KmsError::invalid_ciphertext)?;
            let aes_key = rsa::decrypt(pkcs8, hash, head, rng).map_err(bad)?;
            wrap::unwrap_with_padding(&aes_key, wrapped).map_err(|_| KmsError::invalid_ciphertext())
        }
    }
}

fn incorrect_material(message: impl Into<String>) -> KmsError {
    KmsError::new(ErrorCode::IncorrectKeyMaterialException, message)
}

/// Accepted imported material of `key`'s spec, as stored: 256-bit AES keys for SYMMETRIC_DEFAULT;
/// HMAC keys from the digest length up to the block size (HMAC_224/256: 28/32–64 bytes,
/// HMAC_384/512: 48/64–128 bytes); PKCS#8 DER private keys for RSA (re-encoded canonically, with
/// exactly the spec's modulus) and ECC. Returns the material and, for asymmetric keys, the public
/// key.
pub fn check_material(key: &KeyRecord, bytes: Vec<u8>) -> KmsResult<(Vec<u8>, Option<Vec<u8>>)> {
    let spec = key.key_spec.as_str();
    let wrong = || {
        incorrect_material(format!(
            "The key material is not valid for key spec {spec}."
        ))
    };
    if key.key_spec == KeySpec::SYMMETRIC_DEFAULT {
        return if bytes.len() == 32 {
            Ok((bytes, None))
        } else {
            Err(wrong())
        };
    }
    if let Some(min) = mac::key_length(key.key_spec) {
        let max = if min <= 32 { 64 } else { 128 };
        return if (min..=max).contains(&bytes.len()) {
            Ok((bytes, None))
        } else {
            Err(wrong())
        };
    }
    match asymmetric::kind(key.key_spec) {
        Some(Kind::Rsa(bits)) => {
            if !extra::FULL {
                extra::mark_missing();
                return Err(wrong());
            }
            let parsed = rsa::private_key(&bytes).map_err(|_| wrong())?;
            if rsa::modulus_bits(&parsed) != bits || parsed.validate().is_err() {
                return Err(wrong());
            }
            let canonical = rsa::encode_private(&parsed).map_err(|_| wrong())?;
            let public = rsa::public_spki(&canonical).map_err(|_| wrong())?;
            Ok((canonical, Some(public)))
        }
        Some(Kind::Ecc(curve)) => {
            if !ecc::is_private_key(curve, &bytes) {
                return Err(wrong());
            }
            let public = ecc::public_spki(curve, &bytes).map_err(|_| wrong())?;
            Ok((bytes, Some(public)))
        }
        _ => Err(KmsError::feature_not_implemented(&format!(
            "Importing key material for KeySpec {spec}"
        ))),
    }
}

/// ValidTo and ExpirationModel of an import: KEY_MATERIAL_EXPIRES (the default) needs a ValidTo in
/// the next 365 days; KEY_MATERIAL_DOES_NOT_EXPIRE must not have one.
pub fn expiration(
    model: Option<crate::api::ExpirationModelType>,
    valid_to: Option<f64>,
    now: f64,
) -> KmsResult<(crate::api::ExpirationModelType, Option<f64>)> {
    use crate::api::ExpirationModelType as M;
    let model = model.unwrap_or(M::KEY_MATERIAL_EXPIRES);
    match (model, valid_to) {
        (M::KEY_MATERIAL_EXPIRES, None) => Err(KmsError::validation(
            "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES",
        )),
        (M::KEY_MATERIAL_EXPIRES, Some(t)) if t <= now => Err(KmsError::validation(
            "The validTo date must be in the future.",
        )),
        (M::KEY_MATERIAL_EXPIRES, Some(t)) if t > now + MAX_VALID_DAYS * DAY => Err(
            KmsError::validation("The validTo date must be no more than 365 days in the future."),
        ),
        (M::KEY_MATERIAL_DOES_NOT_EXPIRE, Some(_)) => Err(KmsError::validation(
            "A validTo date must not be set if the ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE",
        )),
        (m, t) => Ok((m, t)),
    }
}

/// Whether the key holds usable imported material (not deleted, not expired).
pub fn has_material(key: &KeyRecord) -> bool {
    key.materials.last().is_some_and(|m| !m.bytes.0.is_empty())
}

fn hex(bytes: &[u8]) -> String {
    crate::hex::encode(bytes)
}

/// The token ID (hex) of 16 random bytes.
pub fn token_id_hex(bytes: &[u8; 16]) -> String {
    hex(bytes)
}
