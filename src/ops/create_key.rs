//! CreateKey: validates spec × usage × origin, then creates an Enabled key with fresh material (an AES
//! key, an HMAC key, or an RSA/ECC key pair whose public half is cached), the default (or given)
//! policy and tags.
//! Origin, custom key store and MultiRegion are checked in `key_placement`; EXTERNAL keys start
//! PendingImport with no material, Multi-Region keys get an `mrk-` ID.

use crate::api::{
    Blob, CreateKeyRequest, CreateKeyResponse, KeyManagerType, KeySpec, KeyState, KeyUsageType,
    OriginType,
};
use crate::error::{KmsError, KmsResult};
use crate::model::key::{KeyMaterial, KeyRecord, Rotation};
use crate::model::multi_region::{self, MultiRegionLinks};
use crate::model::{asymmetric, key_ref, localstack_tags, mac, policy, specs, tags};

use super::Env;

/// A key ID and material the caller decided (fixtures: `extensions::create_fixture_key`).
pub struct Given {
    /// The key ID to use (checked for form already), or `None` to draw one.
    pub key_id: Option<String>,
    /// The raw material as given (raw bytes, PKCS#8 DER), or `None` to draw it; checked against
    /// the spec here.
    pub material: Option<Vec<u8>>,
}

/// Runs CreateKey; LocalStack's fixture tags choose the key ID and material (`localstack_tags`).
pub fn run(env: &mut Env<'_, '_>, mut req: CreateKeyRequest) -> KmsResult<CreateKeyResponse> {
    let given = localstack_tags::take(&mut req)?.map(|t| Given {
        key_id: t.key_id,
        material: t.material,
    });
    create(env, req, given)
}

/// CreateKey, with the key ID and material drawn, or `given`.
pub fn create(
    env: &mut Env<'_, '_>,
    req: CreateKeyRequest,
    given: Option<Given>,
) -> KmsResult<CreateKeyResponse> {
    let spec = key_spec(&req)?;
    let usage = key_usage(spec, req.key_usage)?;
    let placement = super::key_placement::placement(env, &req, spec, usage)?;
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

    let given_material = match given {
        Some(g) => {
            let material = g
                .material
                .map(|m| crate::extensions::fixture_material(spec, m))
                .transpose()?;
            Some((g.key_id, material))
        }
        None => None,
    };
    let given_id = given_material.as_ref().and_then(|(id, _)| id.clone());
    if let Some(id) = &given_id {
        if env.txn.key_exists(env.ctx, id) {
            return Err(KmsError::new(
                crate::api::ErrorCode::AlreadyExistsException,
                format!("Key '{}' already exists", env.ctx.arn(&format!("key/{id}"))),
            ));
        }
    }
    let key_id = match given_id {
        Some(id) => id,
        None => loop {
            let id = if placement.multi_region {
                multi_region::new_key_id(env.random_array()?)
            } else {
                key_ref::new_key_id(env.random_array()?)
            };
            if env.txn.key(env.ctx, &id).is_none() {
                break id;
            }
        },
    };
    let now = env.ctx.now;
    let external = placement.origin == OriginType::EXTERNAL;
    let (secret, public_key) = if let Some((_, Some((secret, public)))) = given_material {
        (secret, public.map(Blob))
    } else if external {
        (Vec::new(), None)
    } else if let Some(kind) = asymmetric::kind(spec) {
        let pair = asymmetric::generate(kind, env.rng, env.host_keys)?;
        (pair.private_key, Some(Blob(pair.public_key)))
    } else {
        (env.random(mac::key_length(spec).unwrap_or(32))?, None)
    };
    // EXTERNAL keys have no material until ImportKeyMaterial (§2.3).
    let materials = if external {
        Vec::new()
    } else {
        vec![KeyMaterial::new(&key_id, secret, now)]
    };
    let key = KeyRecord {
        arn: env.ctx.arn(&format!("key/{key_id}")),
        key_id,
        account_id: env.ctx.account_id.clone(),
        region: env.ctx.region.clone(),
        creation_date: now,
        description: req.description.unwrap_or_default(),
        key_spec: spec,
        key_usage: usage,
        origin: placement.origin,
        key_manager: KeyManagerType::CUSTOMER,
        state: if external {
            KeyState::PendingImport
        } else {
            KeyState::Enabled
        },
        deletion_date: None,
        pending_window_days: None,
        multi_region: placement.multi_region,
        policy,
        tags,
        rotation: Rotation::default(),
        materials,
        public_key,
        expiration_model: None,
        valid_to: None,
        import_parameters: Vec::new(),
        pending_rotation_material: None,
        multi_region_links: placement
            .multi_region
            .then(|| MultiRegionLinks::primary(&env.ctx.region)),
        custom_key_store_id: placement.custom_key_store_id,
        cloud_hsm_cluster_id: placement.cloud_hsm_cluster_id,
        xks_key_id: placement.xks_key_id,
        state_when_available: None,
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
        (Some(s), None) => Ok(*s),
        // Every CustomerMasterKeySpec value is a KeySpec value.
        (None, Some(s)) => KeySpec::from_str(s.as_str()).ok_or_else(|| {
            KmsError::validation(format!("Unknown CustomerMasterKeySpec {}", s.as_str()))
        }),
        (None, None) => Ok(KeySpec::SYMMETRIC_DEFAULT),
    }
}

/// The usage: required for every spec but SYMMETRIC_DEFAULT, and it must suit the spec.
fn key_usage(spec: KeySpec, requested: Option<KeyUsageType>) -> KmsResult<KeyUsageType> {
    let usage = match requested {
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
