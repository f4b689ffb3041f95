//! `KmsError`: the one error type every operation returns. Callers branch on `code` (the AWS
//! `__type`); the message is for people. The constructors below hold AWS's exact message texts
//! (AWS-KMS-BEHAVIOUR.md §2.16) so an operation never spells one out itself.
//!
//! AWS either sends a message or omits the member; it never sends `"message": ""`
//! (AWS-KMS-BEHAVIOUR.md §2.21). So a message is optional here, and an empty text given to any
//! constructor becomes "no message": an empty string cannot reach the wire.

use crate::api::ErrorCode;

/// An AWS error: the exception name and, where AWS sends one, its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KmsError {
    /// The exception, e.g. `NotFoundException`.
    pub code: ErrorCode,
    /// The message AWS would send; `None` where AWS's body has no `message` member. Never
    /// `Some("")` (the constructors see to it; read it with [`KmsError::message`]).
    message: Option<String>,
}

/// The result type of every operation.
pub type KmsResult<T> = Result<T, KmsError>;

impl KmsError {
    /// An error with a free-form message; an empty one means no message at all.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        let message: String = message.into();
        Self {
            code,
            message: Some(message).filter(|m| !m.is_empty()),
        }
    }

    /// An error whose body has no `message` member, as AWS sends some exceptions (each caller
    /// says which recording shows it, or that the answer is not pinned down).
    pub fn without_message(code: ErrorCode) -> Self {
        Self {
            code,
            message: None,
        }
    }

    /// The message, if AWS sends one for this error.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
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

    /// Any decryption failure. No message, as AWS answers a wrong encryption context or a
    /// damaged blob [AWS-snap 2023-05, 2023-06 `test_encrypt_decrypt_encryption_context`]; saying
    /// why would leak information.
    pub fn invalid_ciphertext() -> Self {
        Self::without_message(ErrorCode::InvalidCiphertextException)
    }

    /// A signature that does not verify: no message [AWS-snap 2023-04 `test_sign_verify`].
    pub fn invalid_signature() -> Self {
        Self::without_message(ErrorCode::KMSInvalidSignatureException)
    }

    /// A MAC that does not verify: no message [AWS-snap 2023-04 `test_invalid_verify_mac`].
    pub fn invalid_mac() -> Self {
        Self::without_message(ErrorCode::KMSInvalidMacException)
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
        match &self.message {
            Some(message) => write!(f, "{}: {message}", self.code.name()),
            None => f.write_str(self.code.name()),
        }
    }
}

impl std::error::Error for KmsError {}
