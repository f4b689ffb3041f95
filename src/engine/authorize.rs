//! Authorization after the fact: once an operation ran (in its transaction, nothing committed), the
//! engine checks the caller against every key the operation touched, and AccessDeniedException
//! replaces whatever the operation produced — so an unauthorized caller learns nothing about the
//! key's state, and the transaction's writes are dropped. Operations on no key are authorized by
//! identity policies alone (the account root always passes).
//!
//! A key of another account (named by its ARN) is usable only by the operations AWS allows
//! cross-account (`operations::Facts::cross_account`), and then only as its key policy (with the
//! caller's identity policies) or a grant allows.
//!
//! Decisions read the committed store (the state before the operation): the key policy that
//! authorizes a PutKeyPolicy is the old one. The policy texts are parsed once and cached.
//! Condition keys, grant tokens and the lockout check read the decoded request, never the body's
//! bytes: a second reader of the bytes would disagree with the decoder on some JSON spelling
//! (`\u` escapes in member names, `\/`), and each disagreement was a way around a check.

use std::cell::OnceCell;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::api::{
    CustomerMasterKeySpec, EncryptionAlgorithmSpec, ErrorCode, GrantOperation, KeyManagerType,
    KeySpec, KeyUsageType, MacAlgorithmSpec, Operation, OriginType, Request, SigningAlgorithmSpec,
};
use crate::context::RequestCtx;
use crate::error::{KmsError, KmsResult};
use crate::model::grant::{self, GrantRecord};
use crate::model::key::KeyRecord;
use crate::model::key_ref::{self, Forms, Target};
use crate::model::operations::{self, Authority};
use crate::model::policy::{self, caller_fact};
use crate::model::policy_eval::{
    self, Caller, Decision, Facts, Policy, PolicyKind, Request as Query,
};
use crate::store::txn::Touch;
use crate::store::{RecordKey, Store, WriteSet};

/// Parsed policies by their text (key policies and identity policies alike).
#[derive(Default)]
pub struct PolicyCache {
    key_policies: HashMap<String, Arc<Policy>>,
    identity_policies: HashMap<String, Arc<Policy>>,
}

/// Cached policies kept before the cache starts over (a bound, not a tuning knob).
const CACHE_LIMIT: usize = 512;

impl PolicyCache {
    /// The parsed policy; a document that does not parse allows nothing.
    fn get(&mut self, text: &str, key_policy: bool) -> Arc<Policy> {
        let map = if key_policy {
            &mut self.key_policies
        } else {
            &mut self.identity_policies
        };
        if let Some(p) = map.get(text) {
            return Arc::clone(p);
        }
        if map.len() >= CACHE_LIMIT {
            map.clear();
        }
        let p = Arc::new(Policy::parse(text, key_policy).unwrap_or_default());
        map.insert(text.to_string(), Arc::clone(&p));
        p
    }
}

/// Checks that must pass whatever the operation did: grant tokens in `GrantTokens` parse.
pub fn check_grant_tokens(request: &Request) -> KmsResult<()> {
    for t in request.grant_tokens().unwrap_or_default() {
        grant::parse_token(t)?;
    }
    Ok(())
}

/// The encryption context that applies to `action`: ReEncrypt's source context for
/// `kms:ReEncryptFrom`, its destination context for `kms:ReEncryptTo`.
fn context_of<'r>(request: &'r Request, action: &str) -> Option<&'r BTreeMap<String, String>> {
    match action {
        "kms:ReEncryptFrom" => request.source_encryption_context(),
        "kms:ReEncryptTo" => request.destination_encryption_context(),
        _ => request.encryption_context(),
    }
}

/// Authorizes `op` for the caller on every key in `touched`. `Ok` means allowed.
/// `created` holds the AWS managed keys the operation created on first reference: they are
/// authorized by their (fixed) key policy like keys already in the store.
pub fn authorize(
    cache: &mut PolicyCache,
    store: &Store,
    created: &[KeyRecord],
    ctx: &RequestCtx,
    request: &Request,
    touched: &[Touch],
) -> KmsResult<()> {
    let op = request.operation();
    refuse_administering_aws_managed(store, created, op, ctx, touched)?;
    let facts = operations::facts(op);
    check_cross_account(store, ctx, op, touched)?;
    if !ctx.enforce_policies || facts.authority == Authority::Grant {
        // RetireGrant is authorized by the grant itself, inside the operation.
        return Ok(());
    }
    let root = ctx.is_root();
    if facts.authority == Authority::Identity {
        return if root || !crate::ops::is_implemented(op) {
            Ok(())
        } else {
            authorize_identity(cache, op, ctx, request, "*")
        };
    }
    let destination = match op {
        Operation::ReEncrypt => destination_key_id(store, ctx, request),
        _ => None,
    };
    let op_action = format!("kms:{}", op.name());
    let mut seen: Vec<(&Touch, &str)> = Vec::new();
    for (i, touch) in touched.iter().enumerate() {
        let actions: &[&str] = match (&destination, op) {
            (Some(d), Operation::ReEncrypt) if d == touch => {
                // The destination is touched first; touched again, it is also the source.
                let again = touched.iter().take(i).any(|t| same_key(t, touch));
                if again {
                    &["kms:ReEncryptFrom"]
                } else {
                    &["kms:ReEncryptTo"]
                }
            }
            (_, Operation::ReEncrypt) => &["kms:ReEncryptFrom"],
            _ => &[],
        };
        let actions: Vec<&str> = if actions.is_empty() {
            vec![op_action.as_str()]
        } else {
            actions.to_vec()
        };
        for action in actions {
            if seen.iter().any(|(t, a)| same_key(t, touch) && *a == action) {
                continue;
            }
            seen.push((touch, action));
            let Some(key) = store
                .keys
                .get(&RecordKey::new(
                    &touch.account_id,
                    &ctx.region,
                    &touch.key_id,
                ))
                .or_else(|| created.iter().find(|k| k.key_id == touch.key_id))
            else {
                // Created by this very operation: nothing to authorize against.
                continue;
            };
            authorize_key(cache, store, ctx, request, key, touch, action)?;
        }
    }
    if !root && facts.alias_permission {
        // Alias operations also need IAM permission on the alias itself.
        if let Some(name) = request.alias_name() {
            let arn = ctx.arn(name);
            authorize_identity(cache, op, ctx, request, &arn)?;
        }
    }
    Ok(())
}

/// The destination key of a ReEncrypt, resolved as the operation resolves it.
fn destination_key_id(store: &Store, ctx: &RequestCtx, request: &Request) -> Option<KeyAt> {
    let named = key_ref::parse(ctx, request.destination_key_id()?, Forms::Any).ok()?;
    let key_id = match named.target {
        Target::KeyId(id) => id,
        Target::Alias(name) => store
            .aliases
            .get(&RecordKey::new(&named.account_id, &ctx.region, &name))
            .map(|a| a.target_key_id.clone())?,
    };
    Some(KeyAt {
        account_id: named.account_id,
        key_id,
    })
}

/// A key by account and ID (the Region is the caller's).
struct KeyAt {
    account_id: String,
    key_id: String,
}

impl PartialEq<Touch> for KeyAt {
    fn eq(&self, t: &Touch) -> bool {
        self.account_id == t.account_id && self.key_id == t.key_id
    }
}

/// Whether two touches are of the same key (whatever alias named it).
fn same_key(a: &Touch, b: &Touch) -> bool {
    a.account_id == b.account_id && a.key_id == b.key_id
}

/// AccessDeniedException (AWS's implicit-deny text) when a customer administers an AWS managed
/// key, whatever its policy says (and with policies unenforced too): only AWS administers them.
fn refuse_administering_aws_managed(
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

/// AccessDeniedException for an operation AWS does not allow across accounts on a key of another
/// account, whatever the key policy says: the developer guide says such permissions "have no
/// effect" and the call fails. AWS's exact answer is not recorded; the key exists and the caller
/// named it by ARN, so this emulator answers as for a key policy that does not allow it. It is
/// not a policy decision, so it holds with policies unenforced too.
fn check_cross_account(
    store: &Store,
    ctx: &RequestCtx,
    op: Operation,
    touched: &[Touch],
) -> KmsResult<()> {
    if operations::facts(op).cross_account {
        return Ok(());
    }
    let Some(foreign) = touched.iter().find(|t| t.account_id != ctx.account_id) else {
        return Ok(());
    };
    let arn = store
        .keys
        .get(&RecordKey::new(
            &foreign.account_id,
            &ctx.region,
            &foreign.key_id,
        ))
        .map_or_else(
            || ctx.arn(&format!("key/{}", foreign.key_id)),
            |k| k.arn.clone(),
        );
    Err(KmsError::access_denied(
        &ctx.principal_arn(),
        &format!("kms:{}", op.name()),
        &arn,
        "resource-based",
    ))
}

fn caller_of(ctx: &RequestCtx) -> KmsResult<Caller> {
    Caller::from_arn(&ctx.principal_arn())
        .ok_or_else(|| KmsError::internal("The request context from the client is invalid."))
}

fn identity_policies(cache: &mut PolicyCache, ctx: &RequestCtx) -> Vec<Arc<Policy>> {
    ctx.identity_policies
        .iter()
        .map(|p| cache.get(p, false))
        .collect()
}

fn authorize_identity(
    cache: &mut PolicyCache,
    op: Operation,
    ctx: &RequestCtx,
    request: &Request,
    resource: &str,
) -> KmsResult<()> {
    let caller = caller_of(ctx)?;
    let action = format!("kms:{}", op.name());
    let identity = identity_policies(cache, ctx);
    let facts = RequestFacts {
        caller: &caller,
        ctx,
        request,
        key: None,
        store: None,
        alias: None,
        action: &action,
        aliases: OnceCell::new(),
    };
    let req = Query {
        caller: &caller,
        action: &action,
        resource,
        facts: &facts,
    };
    match policy_eval::decide(None, &identity, &req) {
        Decision::Allow => Ok(()),
        Decision::ExplicitDeny(_) => Err(KmsError::access_denied_explicitly(
            &caller.arn,
            &action,
            resource,
            "identity-based",
        )),
        Decision::ImplicitDeny(_) => Err(KmsError::access_denied(
            &caller.arn,
            &action,
            resource,
            "identity-based",
        )),
    }
}

fn authorize_key(
    cache: &mut PolicyCache,
    store: &Store,
    ctx: &RequestCtx,
    request: &Request,
    key: &KeyRecord,
    touch: &Touch,
    action: &str,
) -> KmsResult<()> {
    let root = ctx.is_root();
    // Fast path: the key's own account root and the default policy (it allows that root kms:*).
    if root
        && key.account_id == ctx.account_id
        && policy::is_default_policy(&key.policy, ctx.partition(), &key.account_id)
    {
        return Ok(());
    }
    let caller = caller_of(ctx)?;
    let key_policy = cache.get(&key.policy, true);
    let identity = if root {
        Vec::new()
    } else {
        identity_policies(cache, ctx)
    };
    let facts = RequestFacts {
        caller: &caller,
        ctx,
        request,
        key: Some(key),
        store: Some(store),
        alias: touch.alias.as_deref(),
        action,
        aliases: OnceCell::new(),
    };
    let req = Query {
        caller: &caller,
        action,
        resource: &key.arn,
        facts: &facts,
    };
    let kind = match policy_eval::decide(Some(&key_policy), &identity, &req) {
        Decision::Allow => return Ok(()),
        Decision::ExplicitDeny(kind) => {
            return Err(KmsError::access_denied_explicitly(
                &caller.arn,
                action,
                &key.arn,
                kind_text(kind),
            ))
        }
        Decision::ImplicitDeny(kind) => kind,
    };
    // A grant allows its grantee in any account, with no identity policy needed.
    let grants = store.grants_of(&key.account_id, &key.region, &key.key_id);
    if grants_allow(grants, &caller, key, request, action) {
        return Ok(());
    }
    Err(KmsError::access_denied(
        &caller.arn,
        action,
        &key.arn,
        kind_text(kind),
    ))
}

fn kind_text(kind: PolicyKind) -> &'static str {
    match kind {
        PolicyKind::ResourceBased => "resource-based",
        PolicyKind::IdentityBased => "identity-based",
    }
}

/// Whether a grant on the key allows the caller the action with this request's context.
fn grants_allow<'a>(
    grants: impl Iterator<Item = &'a GrantRecord>,
    caller: &Caller,
    key: &KeyRecord,
    request: &Request,
    action: &str,
) -> bool {
    let Some(operation) = grant::operation_for_action(action) else {
        return false;
    };
    let role_arn = caller.role_name.as_ref().map(|_| caller.principal_arn());
    let context = context_of(request, action);
    let symmetric = key.key_spec == KeySpec::SYMMETRIC_DEFAULT;
    let requested: Option<&[GrantOperation]> =
        (action == "kms:CreateGrant").then(|| request.operations().unwrap_or_default());
    grants.into_iter().any(|g| {
        g.is_grantee(&caller.arn, role_arn.as_deref())
            && g.allows(operation, context, symmetric)
            // A grantee may create grants only for operations its own grant has.
            && requested.as_ref().is_none_or(|ops| {
                ops.iter().all(|o| g.operations.contains(o))
            })
    })
}

/// The condition keys of one request.
struct RequestFacts<'a> {
    caller: &'a Caller,
    ctx: &'a RequestCtx,
    request: &'a Request,
    key: Option<&'a KeyRecord>,
    store: Option<&'a Store>,
    alias: Option<&'a str>,
    action: &'a str,
    aliases: OnceCell<Vec<String>>,
}

impl Facts for RequestFacts<'_> {
    fn values(&self, key: &str) -> Option<Vec<String>> {
        if let Some(v) = caller_fact(self.caller, key) {
            return Some(v);
        }
        const EC: &str = "kms:encryptioncontext:";
        if key.len() > EC.len() && key.get(..EC.len())?.eq_ignore_ascii_case(EC) {
            let name = key.get(EC.len()..)?;
            let ctx = context_of(self.request, self.action)?;
            return ctx.get(name).map(|v| vec![v.clone()]);
        }
        let lower = key.to_ascii_lowercase();
        let one = |s: &str| Some(vec![s.to_string()]);
        let some = |s: Option<&str>| s.map(|s| vec![s.to_string()]);
        // The key a CreateKey is about to create (`kms:CreateKey` is authorized on no key).
        let creating = match self.request {
            Request::CreateKey(r) if self.action == "kms:CreateKey" => Some(r),
            _ => None,
        };
        match lower.as_str() {
            "kms:encryptioncontextkeys" => {
                let ctx = context_of(self.request, self.action)?;
                (!ctx.is_empty()).then(|| ctx.keys().cloned().collect())
            }
            "kms:viaservice" => None,
            "aws:requestedregion" => one(&self.ctx.region),
            "kms:keyspec" => match (self.key, creating) {
                (Some(k), _) => one(k.key_spec.as_str()),
                (None, Some(r)) => some(r.key_spec.map(KeySpec::as_str))
                    .or_else(|| {
                        some(
                            r.customer_master_key_spec
                                .map(CustomerMasterKeySpec::as_str),
                        )
                    })
                    .or_else(|| one("SYMMETRIC_DEFAULT")),
                _ => None,
            },
            "kms:keyusage" => match (self.key, creating) {
                (Some(k), _) => one(k.key_usage.as_str()),
                (None, Some(r)) => {
                    some(r.key_usage.map(KeyUsageType::as_str)).or_else(|| one("ENCRYPT_DECRYPT"))
                }
                _ => None,
            },
            "kms:keyorigin" => match (self.key, creating) {
                (Some(k), _) => one(k.origin.as_str()),
                (None, Some(r)) => {
                    some(r.origin.map(OriginType::as_str)).or_else(|| one("AWS_KMS"))
                }
                _ => None,
            },
            "kms:multiregion" => match (self.key, creating) {
                (Some(k), _) => one(if k.multi_region { "true" } else { "false" }),
                (None, Some(r)) => one(if r.multi_region == Some(true) {
                    "true"
                } else {
                    "false"
                }),
                _ => None,
            },
            "kms:bypasspolicylockoutsafetycheck" => self
                .request
                .bypass_policy_lockout_safety_check()
                .map(|b| vec![b.to_string()]),
            "kms:requestalias" => self.alias.map(|a| vec![a.to_string()]),
            "kms:resourcealiases" => {
                let aliases = self.aliases.get_or_init(|| match (self.store, self.key) {
                    (Some(store), Some(key)) => {
                        crate::store::scan(&store.aliases, &key.account_id, &key.region)
                            .filter(|(_, a)| a.target_key_id == key.key_id)
                            .map(|(_, a)| a.name.clone())
                            .collect()
                    }
                    _ => Vec::new(),
                });
                (!aliases.is_empty()).then(|| aliases.clone())
            }
            "kms:grantoperations" => self
                .request
                .operations()
                .map(|ops| ops.iter().map(|o| o.as_str().to_string()).collect()),
            "kms:granteeprincipal" => some(self.request.grantee_principal()),
            "kms:retiringprincipal" => some(self.request.retiring_principal()),
            "kms:grantisforawsresource" => matches!(
                self.action,
                "kms:CreateGrant" | "kms:ListGrants" | "kms:RevokeGrant"
            )
            .then(|| vec!["false".to_string()]),
            "kms:encryptionalgorithm" => some(
                self.request
                    .encryption_algorithm()
                    .map(EncryptionAlgorithmSpec::as_str),
            ),
            "kms:signingalgorithm" => some(
                self.request
                    .signing_algorithm()
                    .map(SigningAlgorithmSpec::as_str),
            ),
            "kms:macalgorithm" => some(self.request.mac_algorithm().map(MacAlgorithmSpec::as_str)),
            _ => None,
        }
    }
}

/// The lockout safety check of CreateKey, which runs once the new key exists in the write set.
pub fn check_create_key_lockout(
    ctx: &RequestCtx,
    request: &Request,
    writes: &WriteSet,
) -> KmsResult<()> {
    let Request::CreateKey(r) = request else {
        return Ok(());
    };
    if r.bypass_policy_lockout_safety_check == Some(true) {
        return Ok(());
    }
    let Some(text) = r.policy.as_deref() else {
        return Ok(());
    };
    for (_, key) in &writes.keys {
        if let Some(key) = key {
            policy::check_lockout(ctx, text, &key.arn)?;
        }
    }
    Ok(())
}

/// Whether an error is one AWS reports before it authorizes anything: the request is malformed, or
/// it failed validation before the operation used any key.
pub fn precedes_authorization(e: &KmsError, touched: &[Touch]) -> bool {
    match e.code {
        ErrorCode::SerializationException | ErrorCode::UnknownOperationException => true,
        ErrorCode::ValidationException => touched.is_empty(),
        _ => false,
    }
}
