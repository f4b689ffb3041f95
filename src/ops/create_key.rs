//! CreateKey: validates spec × usage × origin, then creates an Enabled key with fresh material (an AES
//! key, an HMAC key, or an RSA/ECC key pair whose public half is cached), the default (or given)
//! policy and tags.

use crate::api::{
    Blob, CreateKeyRequest, CreateKeyResponse, CustomerMasterKeySpec, ErrorCode, KeyManagerType,
    KeySpec, KeyState, KeyUsageType, OriginType,
};
use crate::error::{KmsError, KmsResult};
use crate::model::key::{KeyMaterial, KeyRecord, Rotation};
use crate::model::{asymmetric, key_ref, mac, policy, specs, tags};

use super::Env;

/// Runs CreateKey.
pub fn run(env: &mut Env<'_, '_>, req: CreateKeyRequest) -> KmsResult<CreateKeyResponse> {
    let spec = key_spec(&req)?;
    let usage = key_usage(spec, req.key_usage.as_deref())?;
    let origin = req
        .origin
        .as_deref()
        .and_then(OriginType::from_str)
        .unwrap_or(OriginType::AWS_KMS);
    if origin != OriginType::AWS_KMS {
        return Err(KmsError::feature_not_implemented(&format!(
            "Origin {}",
            origin.as_str()
        )));
    }
    if req.custom_key_store_id.is_some() {
        return Err(KmsError::new(
            ErrorCode::CustomKeyStoreNotFoundException,
            "",
        ));
    }
    if req.xks_key_id.is_some() {
        return Err(KmsError::validation(
            "XksKeyId is valid only for keys in an external key store.",
        ));
    }
    if req.multi_region == Some(true) {
        return Err(KmsError::feature_not_implemented("MultiRegion keys"));
    }
    if !specs::is_implemented(spec) {
        return Err(KmsError::feature_not_implemented(&format!(
            "KeySpec {}",
            spec.as_str()
        )));
    }
    let policy = match &req.policy {
        Some(p) => {
            policy::check_document(p)?;
            p.clone()
        }
        None => policy::default_policy(env.ctx.partition(), &env.ctx.account_id),
    };
    let tags = tags::merge(
        &[],
        tags::check_new(req.tags.as_deref().unwrap_or_default())?,
    )?;

    let key_id = loop {
        let id = key_ref::new_key_id(env.random_array()?);
        if env.txn.key(env.ctx, &id).is_none() {
            break id;
        }
    };
    let now = env.ctx.now;
    let (secret, public_key) = if let Some(kind) = asymmetric::kind(spec) {
        let pair = asymmetric::generate(kind, env.rng, env.host_keys)?;
        (pair.private_key, Some(Blob(pair.public_key)))
    } else {
        (env.random(mac::key_length(spec).unwrap_or(32))?, None)
    };
    let material = KeyMaterial::new(&key_id, secret, now);
    let key = KeyRecord {
        arn: env.ctx.arn(&format!("key/{key_id}")),
        key_id,
        account_id: env.ctx.account_id.clone(),
        region: env.ctx.region.clone(),
        creation_date: now,
        description: req.description.unwrap_or_default(),
        key_spec: spec,
        key_usage: usage,
        origin,
        key_manager: KeyManagerType::CUSTOMER,
        state: KeyState::Enabled,
        deletion_date: None,
        pending_window_days: None,
        multi_region: false,
        policy,
        tags,
        rotation: Rotation::default(),
        materials: vec![material],
        public_key,
    };
    let metadata = key.metadata();
    env.txn.put_key(key);
    Ok(CreateKeyResponse {
        key_metadata: Some(metadata),
    })
}

/// KeySpec, or the deprecated CustomerMasterKeySpec; never both.
fn key_spec(req: &CreateKeyRequest) -> KmsResult<KeySpec> {
    match (&req.key_spec, &req.customer_master_key_spec) {
        (Some(_), Some(_)) => Err(KmsError::validation(
            "You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec parameter is deprecated. Use KeySpec instead.",
        )),
        (Some(s), None) => KeySpec::from_str(s).ok_or_else(|| KmsError::validation(format!("Unknown KeySpec {s}"))),
        (None, Some(s)) => CustomerMasterKeySpec::from_str(s)
            .and_then(|c| KeySpec::from_str(c.as_str()))
            .ok_or_else(|| KmsError::validation(format!("Unknown CustomerMasterKeySpec {s}"))),
        (None, None) => Ok(KeySpec::SYMMETRIC_DEFAULT),
    }
}

/// The usage: required for every spec but SYMMETRIC_DEFAULT, and it must suit the spec.
fn key_usage(spec: KeySpec, requested: Option<&str>) -> KmsResult<KeyUsageType> {
    let usage = match requested.and_then(KeyUsageType::from_str) {
        Some(u) => u,
        None if spec == KeySpec::SYMMETRIC_DEFAULT => KeyUsageType::ENCRYPT_DECRYPT,
        None => {
            return Err(KmsError::validation(
                "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.",
            ))
        }
    };
    if specs::algorithms(spec, usage).is_none() {
        return Err(KmsError::validation(format!(
            "KeyUsage {} is not compatible with KeySpec {}",
            usage.as_str(),
            spec.as_str()
        )));
    }
    Ok(usage)
}
