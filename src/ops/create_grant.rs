//! CreateGrant: adds a grant to a key (AWS-KMS-BEHAVIOUR.md §2.9). Operations must suit the key
//! type, constraints are checked, `Name` makes retries idempotent (same GrantId), and every call
//! returns a fresh grant token.

use crate::api::{CreateGrantRequest, CreateGrantResponse, GrantOperation};
use crate::context::is_principal_arn;
use crate::error::{KmsError, KmsResult};
use crate::model::grant::{self, GrantRecord};
use crate::model::key_ref::Forms;

use super::Env;

/// Runs CreateGrant.
pub fn run(env: &mut Env<'_, '_>, req: CreateGrantRequest) -> KmsResult<CreateGrantResponse> {
    let key = env
        .txn
        .resolve_key(env.ctx, req.key_id.as_str(), Forms::KeyOnly)?;
    // Existence, then key state, before anything about the request (AWS's order, §2.21).
    grant::check_key_state(&key)?;
    let grantee = match (&req.grantee_principal, &req.grantee_service_principal) {
        (Some(_), Some(_)) => {
            return Err(KmsError::validation(
                "You cannot specify both GranteePrincipal and GranteeServicePrincipal.",
            ))
        }
        (None, None) => {
            return Err(KmsError::validation(
                "Either GranteePrincipal or GranteeServicePrincipal must be specified.",
            ))
        }
        (Some(p), None) => Some(p),
        (None, Some(_)) => None,
    };
    for principal in [grantee, req.retiring_principal.as_ref()]
        .into_iter()
        .flatten()
    {
        if !is_principal_arn(principal) {
            return Err(KmsError::validation(format!(
                "Invalid principal: {principal}"
            )));
        }
    }
    let mut operations: Vec<GrantOperation> = Vec::new();
    for &op in &req.operations {
        if !operations.contains(&op) {
            operations.push(op);
        }
    }
    grant::check_operations(&key, &operations)?;
    grant::check_constraints(&key, req.constraints.as_ref())?;
    if req.dry_run == Some(true) {
        return Err(KmsError::dry_run());
    }

    let mut record = GrantRecord {
        grant_id: String::new(),
        key_id: key.key_id.clone(),
        key_arn: key.arn.clone(),
        name: req.name.clone().unwrap_or_default(),
        creation_date: env.ctx.now,
        grantee_principal: req.grantee_principal.clone(),
        grantee_service_principal: req.grantee_service_principal.clone(),
        retiring_principal: req.retiring_principal.clone(),
        retiring_service_principal: req.retiring_service_principal.clone(),
        operations,
        constraints: req.constraints.clone().filter(|c| {
            c.encryption_context_equals.is_some() || c.encryption_context_subset.is_some()
        }),
        issuing_account: env.ctx.root_arn(),
    };
    // With a Name, a retry with identical parameters returns the grant it already made.
    let existing = req.name.as_ref().and_then(|_| {
        env.txn
            .grants_of(&key)
            .into_iter()
            .find(|g| g.same_request(&record))
    });
    let grant_id = match existing {
        Some(g) => g.grant_id,
        None => {
            record.grant_id = grant::new_grant_id(env.random_array()?);
            let id = record.grant_id.clone();
            env.txn.put_grant(&key, record);
            id
        }
    };
    let token = grant::new_token(&key.key_id, &grant_id, env.random_array()?);
    Ok(CreateGrantResponse {
        grant_token: Some(token),
        grant_id: Some(grant_id),
    })
}
