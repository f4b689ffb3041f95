//! AWS managed keys inside the engine: a cryptographic operation or DescribeKey that names a
//! predefined `alias/aws/<service>` whose key does not exist yet creates it first, in the same
//! transaction (so it is journaled with the call, and dropped with it if the call fails or is
//! denied); and customers may not administer such a key whatever the policy switch says.

use crate::api::{KeyManagerType, Operation, Request};
use crate::context::RequestCtx;
use crate::error::{KmsError, KmsResult};
use crate::model::alias::AliasRecord;
use crate::model::aws_managed;
use crate::model::key::KeyRecord;
use crate::model::key_ref::{self, Forms, KeyRef, Target};
use crate::model::operations;
use crate::ops::Env;
use crate::store::txn::Touch;
use crate::store::{RecordKey, Store, WriteSet};

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

/// AccessDeniedException (AWS's implicit-deny text) when a customer administers an AWS managed
/// key.
pub fn check_customer_action(
    store: &Store,
    created: &[KeyRecord],
    op: Operation,
    ctx: &RequestCtx,
    touched: &[Touch],
) -> KmsResult<()> {
    if !operations::facts(op).administers {
        return Ok(());
    }
    for t in touched {
        let key = store
            .keys
            .get(&RecordKey::new(&ctx.account_id, &ctx.region, &t.key_id))
            .or_else(|| created.iter().find(|k| k.key_id == t.key_id));
        if let Some(key) = key.filter(|k| k.key_manager == KeyManagerType::AWS) {
            return Err(KmsError::access_denied(
                &ctx.principal_arn(),
                &format!("kms:{}", op.name()),
                &key.arn,
                "resource-based",
            ));
        }
    }
    Ok(())
}
