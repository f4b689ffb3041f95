//! Creating AWS managed keys on first reference: a cryptographic operation or DescribeKey that
//! names a predefined `alias/aws/<service>` whose key does not exist yet creates it first, in the
//! same transaction (so it is journaled with the call, and dropped with it if the call fails or is
//! denied). That customers may not administer such a key is authorization's (`authorize.rs`).

use crate::api::{KeyManagerType, Request};
use crate::error::KmsResult;
use crate::model::alias::AliasRecord;
use crate::model::aws_managed;
use crate::model::key::KeyRecord;
use crate::model::key_ref::{self, Forms, KeyRef, Target};
use crate::model::operations;
use crate::ops::Env;
use crate::store::WriteSet;

/// Creates the AWS managed key (and points its alias at it) for every predefined alias the
/// request names whose key does not exist yet.
pub fn create_referenced(env: &mut Env<'_, '_>, request: &Request) -> KmsResult<()> {
    if !operations::facts(request.operation()).creates_aws_managed_keys {
        return Ok(());
    }
    let named = [
        request.key_id(),
        request.source_key_id(),
        request.destination_key_id(),
    ];
    for input in named.into_iter().flatten() {
        let Ok(KeyRef {
            account_id,
            target: Target::Alias(name),
        }) = key_ref::parse(env.ctx, input, Forms::Any)
        else {
            continue;
        };
        if account_id != env.ctx.account_id {
            // Only the caller's own account gets AWS managed keys on first reference.
            continue;
        }
        let Some(service) = aws_managed::service(&name) else {
            continue;
        };
        if env.txn.alias(env.ctx, &name).is_some() {
            continue;
        }
        let key_id = loop {
            let id = key_ref::new_key_id(env.random_array()?);
            if !env.txn.key_exists(env.ctx, &id) {
                break id;
            }
        };
        let material = env.random(32)?;
        let key = aws_managed::new_key(env.ctx, service, key_id.clone(), material);
        env.txn.put_key(key);
        env.txn.put_alias(
            env.ctx,
            AliasRecord {
                name,
                target_key_id: key_id,
                creation_date: env.ctx.now,
                last_updated_date: env.ctx.now,
            },
        );
    }
    Ok(())
}

/// The AWS managed keys a write set creates (the keys `create_referenced` added).
pub fn created_keys(writes: &WriteSet) -> Vec<KeyRecord> {
    writes
        .keys
        .iter()
        .filter_map(|(_, k)| k.as_ref())
        .filter(|k| k.key_manager == KeyManagerType::AWS)
        .cloned()
        .collect()
}
