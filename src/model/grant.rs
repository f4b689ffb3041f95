//! Grants (AWS-KMS-BEHAVIOUR.md §2.9): the record, which grant operations suit which key, the
//! encryption-context constraints and how they are enforced, grant IDs and grant tokens.
//!
//! A grant authorizes exactly its operations for its grantee: each `GrantOperation` stands for the
//! KMS action of the same name (ReEncrypt needs ReEncryptFrom on the source key and ReEncryptTo on
//! the destination key). There is no implied coverage: a `GenerateDataKey` grant does not allow
//! `GenerateDataKeyWithoutPlaintext`, which is a grant operation of its own
//! (https://docs.aws.amazon.com/kms/latest/developerguide/grants.html#terms-grant-operations).

use std::collections::BTreeMap;

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::api::{
    EpochSeconds, ErrorCode, GrantConstraints, GrantListEntry, GrantOperation, KeySpec, KeyState,
    KeyUsageType,
};
use crate::error::{KmsError, KmsResult};
use crate::model::key::KeyRecord;

/// Encryption-context pairs a constraint may hold.
pub const MAX_CONSTRAINT_PAIRS: usize = 8;
/// The longest value in a constraint, in characters.
pub const MAX_CONSTRAINT_VALUE_CHARS: usize = 384;

const TOKEN: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;
/// Tokens start with these bytes (`AQpA…` in base64, like the token in AWS's examples).
const TOKEN_HEADER: [u8; 3] = [0x01, 0x0a, 0x40];

/// One grant on one key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GrantRecord {
    /// 64 lower-case hex characters.
    pub grant_id: String,
    /// The key's ID.
    pub key_id: String,
    /// The key's ARN.
    pub key_arn: String,
    /// The friendly name (`""` when none was given).
    #[serde(default)]
    pub name: String,
    /// Creation time.
    pub creation_date: f64,
    /// The grantee.
    #[serde(default)]
    pub grantee_principal: Option<String>,
    /// The grantee, when it is a service principal.
    #[serde(default)]
    pub grantee_service_principal: Option<String>,
    /// Who may retire it besides the account and (with RetireGrant) the grantee.
    #[serde(default)]
    pub retiring_principal: Option<String>,
    /// A service principal that may retire it.
    #[serde(default)]
    pub retiring_service_principal: Option<String>,
    /// The operations it allows.
    pub operations: Vec<GrantOperation>,
    /// Encryption-context constraints.
    #[serde(default)]
    pub constraints: Option<GrantConstraints>,
    /// `arn:<partition>:iam::<account>:root` of the account that created it.
    pub issuing_account: String,
}

impl GrantRecord {
    /// The ListGrants / ListRetirableGrants entry.
    pub fn list_entry(&self) -> GrantListEntry {
        GrantListEntry {
            key_id: Some(self.key_arn.clone()),
            grant_id: Some(self.grant_id.clone()),
            name: Some(self.name.clone()),
            creation_date: Some(EpochSeconds(self.creation_date)),
            grantee_principal: self.grantee_principal.clone(),
            retiring_principal: self.retiring_principal.clone(),
            issuing_account: Some(self.issuing_account.clone()),
            operations: Some(self.operations.clone()),
            constraints: self.constraints.clone(),
            grantee_service_principal: self.grantee_service_principal.clone(),
            retiring_service_principal: self.retiring_service_principal.clone(),
        }
    }

    /// Whether `principal` is this grant's grantee. A grantee role names its sessions too.
    pub fn is_grantee(&self, principal: &str, role_arn: Option<&str>) -> bool {
        let named = |p: &Option<String>| {
            p.as_deref()
                .is_some_and(|g| g == principal || Some(g) == role_arn)
        };
        named(&self.grantee_principal) || named(&self.grantee_service_principal)
    }

    /// Whether `principal` is the retiring principal.
    pub fn is_retiring(&self, principal: &str, role_arn: Option<&str>) -> bool {
        let named = |p: &Option<String>| {
            p.as_deref()
                .is_some_and(|g| g == principal || Some(g) == role_arn)
        };
        named(&self.retiring_principal) || named(&self.retiring_service_principal)
    }

    /// Whether the grant allows `operation` with the request's encryption context.
    pub fn allows(
        &self,
        operation: GrantOperation,
        context: Option<&BTreeMap<String, String>>,
        symmetric: bool,
    ) -> bool {
        self.operations.contains(&operation)
            && (!symmetric
                || !takes_context(operation)
                || constraints_allow(self.constraints.as_ref(), context))
    }

    /// Whether the parameters match an existing grant for `Name` idempotency.
    pub fn same_request(&self, other: &GrantRecord) -> bool {
        let mut a = self.operations.clone();
        let mut b = other.operations.clone();
        a.sort_unstable();
        a.dedup();
        b.sort_unstable();
        b.dedup();
        self.key_id == other.key_id
            && self.name == other.name
            && self.grantee_principal == other.grantee_principal
            && self.grantee_service_principal == other.grantee_service_principal
            && self.retiring_principal == other.retiring_principal
            && self.retiring_service_principal == other.retiring_service_principal
            && a == b
            && self.constraints == other.constraints
    }
}

/// The grant operation that stands for a KMS action (`kms:Encrypt` → Encrypt).
pub fn operation_for_action(action: &str) -> Option<GrantOperation> {
    GrantOperation::from_str(action.strip_prefix("kms:")?)
}

/// Operations whose grants carry encryption-context constraints (the others are exempt:
/// DescribeKey, RetireGrant, CreateGrant, and everything on non-symmetric keys).
fn takes_context(op: GrantOperation) -> bool {
    use GrantOperation as G;
    matches!(
        op,
        G::Encrypt
            | G::Decrypt
            | G::ReEncryptFrom
            | G::ReEncryptTo
            | G::GenerateDataKey
            | G::GenerateDataKeyWithoutPlaintext
            | G::GenerateDataKeyPair
            | G::GenerateDataKeyPairWithoutPlaintext
    )
}

/// CreateGrant's key-state check, made before anything about the request: Disabled →
/// DisabledException; PendingImport, PendingDeletion and the transient states →
/// KMSInvalidStateException; an Unavailable key (disconnected custom key store) still takes
/// grants (https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html).
pub fn check_key_state(key: &KeyRecord) -> KmsResult<()> {
    match key.state {
        KeyState::Unavailable => Ok(()),
        _ => key.require_usable(),
    }
}

/// The grant operations a key supports, by key usage.
pub fn operations_for(key: &KeyRecord) -> Vec<GrantOperation> {
    use GrantOperation as G;
    let mut ops = vec![G::CreateGrant, G::RetireGrant, G::DescribeKey];
    ops.extend_from_slice(match key.key_usage {
        KeyUsageType::ENCRYPT_DECRYPT if key.key_spec == KeySpec::SYMMETRIC_DEFAULT => &[
            G::Encrypt,
            G::Decrypt,
            G::ReEncryptFrom,
            G::ReEncryptTo,
            G::GenerateDataKey,
            G::GenerateDataKeyWithoutPlaintext,
            G::GenerateDataKeyPair,
            G::GenerateDataKeyPairWithoutPlaintext,
        ],
        KeyUsageType::ENCRYPT_DECRYPT => &[
            G::Encrypt,
            G::Decrypt,
            G::ReEncryptFrom,
            G::ReEncryptTo,
            G::GetPublicKey,
        ],
        KeyUsageType::SIGN_VERIFY => &[G::Sign, G::Verify, G::GetPublicKey],
        KeyUsageType::GENERATE_VERIFY_MAC => &[G::GenerateMac, G::VerifyMac],
        KeyUsageType::KEY_AGREEMENT => &[G::DeriveSharedSecret, G::GetPublicKey],
        KeyUsageType::ENCAPSULATE_DECAPSULATE => &[G::Encapsulate, G::Decapsulate, G::GetPublicKey],
    });
    ops
}

/// CreateGrant's checks of Operations against the key: every operation must suit the key type.
pub fn check_operations(key: &KeyRecord, requested: &[GrantOperation]) -> KmsResult<()> {
    // AWS refuses a grant of no operations with ValidationException (§2.21); its text is not
    // pinned down (no recording), so this one is ours.
    if requested.is_empty() {
        return Err(KmsError::validation(
            "A grant must allow at least one grant operation (Operations).",
        ));
    }
    let valid = operations_for(key);
    let bad: Vec<&str> = requested
        .iter()
        .filter(|op| !valid.contains(op))
        .map(|op| op.as_str())
        .collect();
    if bad.is_empty() {
        return Ok(());
    }
    Err(KmsError::validation(format!(
        "Grant operations [{}] are not valid for key usage {} and key spec {}.",
        bad.join(", "),
        key.key_usage.as_str(),
        key.key_spec.as_str()
    )))
}

/// CreateGrant's checks of Constraints: ≤ 8 pairs, values ≤ 384 characters, and only on symmetric
/// encryption keys (the only keys whose operations take an encryption context).
pub fn check_constraints(key: &KeyRecord, c: Option<&GrantConstraints>) -> KmsResult<()> {
    let Some(c) = c else { return Ok(()) };
    let maps = [&c.encryption_context_subset, &c.encryption_context_equals];
    if maps.iter().all(|m| m.is_none()) {
        return Ok(());
    }
    if key.key_spec != KeySpec::SYMMETRIC_DEFAULT {
        return Err(KmsError::validation(format!(
            "Encryption context grant constraints are not supported for KMS keys with key spec {}.",
            key.key_spec.as_str()
        )));
    }
    for map in maps.into_iter().flatten() {
        if map.len() > MAX_CONSTRAINT_PAIRS {
            return Err(KmsError::validation(format!(
                "A grant constraint can have at most {MAX_CONSTRAINT_PAIRS} encryption context pairs."
            )));
        }
        if map
            .values()
            .any(|v| v.chars().count() > MAX_CONSTRAINT_VALUE_CHARS)
        {
            return Err(KmsError::validation(format!(
                "Encryption context values in a grant constraint can be at most {MAX_CONSTRAINT_VALUE_CHARS} characters."
            )));
        }
    }
    Ok(())
}

/// Whether a request's context satisfies the constraints: keys compare case-insensitively,
/// values case-sensitively (API_GrantConstraints). Subset: every pair present; Equals: the same
/// pairs and no others.
pub fn constraints_allow(
    c: Option<&GrantConstraints>,
    context: Option<&BTreeMap<String, String>>,
) -> bool {
    let Some(c) = c else { return true };
    let lower = |m: &BTreeMap<String, String>| -> BTreeMap<String, String> {
        m.iter()
            .map(|(k, v)| (k.to_lowercase(), v.clone()))
            .collect()
    };
    let request = context.map(lower).unwrap_or_default();
    if let Some(subset) = &c.encryption_context_subset {
        if !lower(subset).iter().all(|(k, v)| request.get(k) == Some(v)) {
            return false;
        }
    }
    if let Some(equals) = &c.encryption_context_equals {
        if lower(equals) != request {
            return false;
        }
    }
    true
}

/// A grant ID: 64 lower-case hex characters.
pub fn new_grant_id(random: [u8; 32]) -> String {
    crate::hex::encode(&random)
}

/// A fresh grant token for a grant: opaque base64url, different on every call (a random nonce),
/// and it names the key and the grant.
pub fn new_token(key_id: &str, grant_id: &str, nonce: [u8; 16]) -> String {
    let mut bytes = TOKEN_HEADER.to_vec();
    bytes.extend_from_slice(&nonce);
    bytes.extend_from_slice(key_id.as_bytes());
    bytes.push(0);
    bytes.extend_from_slice(grant_id.as_bytes());
    TOKEN.encode(bytes)
}

/// The (key ID, grant ID) a token names; InvalidGrantTokenException for anything we did not issue.
pub fn parse_token(token: &str) -> KmsResult<(String, String)> {
    let invalid = || {
        KmsError::new(
            ErrorCode::InvalidGrantTokenException,
            "Invalid grant token.",
        )
    };
    let bytes = TOKEN
        .decode(token.trim_end_matches('='))
        .map_err(|_| invalid())?;
    let rest = bytes.strip_prefix(&TOKEN_HEADER).ok_or_else(invalid)?;
    let body = rest.get(16..).ok_or_else(invalid)?;
    let text = std::str::from_utf8(body).map_err(|_| invalid())?;
    let (key_id, grant_id) = text.split_once('\0').ok_or_else(invalid)?;
    if !crate::model::key_ref::is_key_id(key_id) || !is_grant_id(grant_id) {
        return Err(invalid());
    }
    Ok((key_id.to_string(), grant_id.to_string()))
}

/// 64 lower-case hex characters.
pub fn is_grant_id(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// InvalidGrantIdException.
pub fn invalid_grant_id() -> KmsError {
    KmsError::new(ErrorCode::InvalidGrantIdException, "Invalid grant ID.")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect()
    }

    #[test]
    fn tokens_round_trip_and_differ() {
        let key = "1234abcd-12ab-34cd-56ef-1234567890ab";
        let id = new_grant_id([7; 32]);
        let a = new_token(key, &id, [1; 16]);
        let b = new_token(key, &id, [2; 16]);
        assert_ne!(a, b);
        assert!(a.starts_with("AQpA"), "{a}");
        assert_eq!(parse_token(&a).unwrap(), (key.to_string(), id.clone()));
        assert_eq!(
            parse_token("nope").unwrap_err().code,
            ErrorCode::InvalidGrantTokenException
        );
    }

    #[test]
    fn constraints_compare_keys_case_insensitively() {
        let c = GrantConstraints {
            encryption_context_subset: Some(map(&[("Dept", "IT")])),
            ..Default::default()
        };
        assert!(constraints_allow(
            Some(&c),
            Some(&map(&[("dept", "IT"), ("x", "y")]))
        ));
        assert!(!constraints_allow(Some(&c), Some(&map(&[("dept", "it")]))));
        assert!(!constraints_allow(Some(&c), None));
        let e = GrantConstraints {
            encryption_context_equals: Some(map(&[("Dept", "IT")])),
            ..Default::default()
        };
        assert!(constraints_allow(Some(&e), Some(&map(&[("DEPT", "IT")]))));
        assert!(!constraints_allow(
            Some(&e),
            Some(&map(&[("dept", "IT"), ("x", "y")]))
        ));
    }
}
