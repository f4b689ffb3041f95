//! `KmsError`: the one error type every operation returns. Callers branch on `code` (the AWS
//! `__type`); the message is for people. The constructors below hold AWS's exact message texts
//! (AWS-KMS-BEHAVIOUR.md §2.16) so an operation never spells one out itself.

use crate::api::ErrorCode;

/// An AWS error: the exception name and its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KmsError {
    /// The exception, e.g. `NotFoundException`.
    pub code: ErrorCode,
    /// The message AWS would send (possibly empty).
    pub message: String,
}

/// The result type of every operation.
pub type KmsResult<T> = Result<T, KmsError>;

impl KmsError {
    /// An error with a free-form message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// `ValidationException` with the given text.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ValidationException, message)
    }

    /// `SerializationException`: the body is not JSON of the right shape.
    pub fn serialization(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::SerializationException, message)
    }

    /// A key identifier that is not a key ID, key ARN, alias name or alias ARN.
    pub fn invalid_key_id(id: &str) -> Self {
        Self::new(
            ErrorCode::NotFoundException,
            format!("Invalid keyId '{id}'"),
        )
    }

    /// A well-formed key ID that names no key. AWS always names the ARN.
    pub fn key_not_found(arn: &str) -> Self {
        Self::new(
            ErrorCode::NotFoundException,
            format!("Key '{arn}' does not exist"),
        )
    }

    /// A key ARN of another Region.
    pub fn invalid_arn_region(region: &str) -> Self {
        Self::new(
            ErrorCode::NotFoundException,
            format!("Invalid arn {region}"),
        )
    }

    /// An ARN that does not parse.
    pub fn invalid_arn(arn: &str) -> Self {
        Self::new(ErrorCode::NotFoundException, format!("Invalid arn {arn}"))
    }

    /// An alias that does not exist.
    pub fn alias_not_found(alias_arn: &str) -> Self {
        Self::new(
            ErrorCode::NotFoundException,
            format!("Alias {alias_arn} is not found."),
        )
    }

    /// An alias name already taken in this account and Region.
    pub fn alias_exists(alias_arn: &str) -> Self {
        Self::new(
            ErrorCode::AlreadyExistsException,
            format!("An alias with the name {alias_arn} already exists"),
        )
    }

    /// The key is Disabled.
    pub fn disabled(arn: &str) -> Self {
        Self::new(ErrorCode::DisabledException, format!("{arn} is disabled."))
    }

    /// The key is in a state that forbids the operation (`pending deletion`, `pending import` …).
    pub fn invalid_state(arn: &str, what: &str) -> Self {
        Self::new(
            ErrorCode::KMSInvalidStateException,
            format!("{arn} is {what}."),
        )
    }

    /// The key's usage does not allow the operation.
    pub fn invalid_key_usage(arn: &str, usage: &str, operation: &str) -> Self {
        Self::new(
            ErrorCode::InvalidKeyUsageException,
            format!("{arn} key usage is {usage} which is not valid for {operation}."),
        )
    }

    /// The algorithm does not fit the key spec.
    pub fn incompatible_algorithm(algorithm: &str, key_spec: &str) -> Self {
        Self::new(
            ErrorCode::InvalidKeyUsageException,
            format!("Algorithm {algorithm} is incompatible with key spec {key_spec}."),
        )
    }

    /// Decrypt/ReEncrypt named a key other than the one that made the ciphertext.
    pub fn incorrect_key() -> Self {
        Self::new(
            ErrorCode::IncorrectKeyException,
            "The key ID in the request does not identify a CMK that can perform this operation.",
        )
    }

    /// Any decryption failure. Deliberately empty: saying why would leak information.
    pub fn invalid_ciphertext() -> Self {
        Self::new(ErrorCode::InvalidCiphertextException, "")
    }

    /// No policy allows the caller the action on the resource (IAM's implicit deny). `kind` is
    /// `resource-based` for a key, `identity-based` for operations on no key.
    pub fn access_denied(principal: &str, action: &str, resource: &str, kind: &str) -> Self {
        Self::new(
            ErrorCode::AccessDeniedException,
            format!(
                "User: {principal} is not authorized to perform: {action} on resource: {resource} because no {kind} policy allows the {action} action"
            ),
        )
    }

    /// A Deny statement applies (`kind` as for `access_denied`).
    pub fn access_denied_explicitly(
        principal: &str,
        action: &str,
        resource: &str,
        kind: &str,
    ) -> Self {
        Self::new(
            ErrorCode::AccessDeniedException,
            format!(
                "User: {principal} is not authorized to perform: {action} on resource: {resource} with an explicit deny in a{} {kind} policy",
                if kind.starts_with('i') { "n" } else { "" }
            ),
        )
    }

    /// DryRun was set and every check passed.
    pub fn dry_run() -> Self {
        Self::new(
            ErrorCode::DryRunOperationException,
            "The request would have succeeded, but the DryRun option is set.",
        )
    }

    /// A feature of an operation this emulator does not implement yet (named in the message).
    pub fn feature_not_implemented(feature: &str) -> Self {
        Self::new(
            ErrorCode::UnsupportedOperationException,
            format!("{feature} is not supported by kms-wasm yet."),
        )
    }

    /// An operation this emulator does not implement yet.
    pub fn not_implemented(operation: &str) -> Self {
        Self::new(
            ErrorCode::UnsupportedOperationException,
            format!("{operation} is not supported by kms-wasm yet."),
        )
    }

    /// An invariant of the emulator itself broke; never the caller's fault.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::KMSInternalException, message)
    }
}

impl std::fmt::Display for KmsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.name(), self.message)
    }
}

impl std::error::Error for KmsError {}
