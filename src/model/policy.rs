//! Key policies: the default document AWS attaches, and the checks PutKeyPolicy/CreateKey make on
//! a document (AWS-KMS-BEHAVIOUR.md §2.15). Evaluation of policies is not modelled yet.

use crate::api::ErrorCode;
use crate::error::{KmsError, KmsResult};

/// The only policy name that can be written.
pub const DEFAULT_POLICY_NAME: &str = "default";
/// The largest policy document, in bytes.
pub const MAX_POLICY_BYTES: usize = 32_768;

/// The default key policy, byte for byte as GetKeyPolicy returns it (Jackson pretty-printing).
pub fn default_policy(partition: &str, account_id: &str) -> String {
    format!(
        "{{\n  \"Version\" : \"2012-10-17\",\n  \"Id\" : \"key-default-1\",\n  \"Statement\" : [ {{\n    \"Sid\" : \"Enable IAM User Permissions\",\n    \"Effect\" : \"Allow\",\n    \"Principal\" : {{\n      \"AWS\" : \"arn:{partition}:iam::{account_id}:root\"\n    }},\n    \"Action\" : \"kms:*\",\n    \"Resource\" : \"*\"\n  }} ]\n}}"
    )
}

/// Checks a caller's policy document: size, then that it is a JSON object with a Statement.
pub fn check_document(policy: &str) -> KmsResult<()> {
    if policy.len() > MAX_POLICY_BYTES {
        return Err(KmsError::new(
            ErrorCode::LimitExceededException,
            format!("Policy document exceeds the maximum size of {MAX_POLICY_BYTES} bytes."),
        ));
    }
    let malformed = || {
        KmsError::new(
            ErrorCode::MalformedPolicyDocumentException,
            "The policy document is malformed.",
        )
    };
    let doc: serde_json::Value = serde_json::from_str(policy).map_err(|_| malformed())?;
    let statements = doc.get("Statement").ok_or_else(malformed)?;
    if !(statements.is_array() || statements.is_object()) {
        return Err(malformed());
    }
    Ok(())
}

/// Checks a policy name for Get/PutKeyPolicy: only `default` exists for a caller.
pub fn check_name(name: Option<&str>, writing: bool) -> KmsResult<()> {
    match name {
        None | Some(DEFAULT_POLICY_NAME) => Ok(()),
        Some("AWS_RAM") if writing => Err(KmsError::validation(
            "The AWS_RAM policy can only be managed by the RAM service.",
        )),
        Some(other) => Err(KmsError::new(
            ErrorCode::NotFoundException,
            format!("No such policy exists: {other}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_policy_matches_aws_example() {
        assert_eq!(
            default_policy("aws", "111122223333"),
            "{\n  \"Version\" : \"2012-10-17\",\n  \"Id\" : \"key-default-1\",\n  \"Statement\" : [ {\n    \"Sid\" : \"Enable IAM User Permissions\",\n    \"Effect\" : \"Allow\",\n    \"Principal\" : {\n      \"AWS\" : \"arn:aws:iam::111122223333:root\"\n    },\n    \"Action\" : \"kms:*\",\n    \"Resource\" : \"*\"\n  } ]\n}"
        );
        assert!(check_document(&default_policy("aws", "111122223333")).is_ok());
    }

    #[test]
    fn rejects_bad_documents() {
        assert_eq!(
            check_document("nope").unwrap_err().code,
            ErrorCode::MalformedPolicyDocumentException
        );
        assert_eq!(
            check_document("{}").unwrap_err().code,
            ErrorCode::MalformedPolicyDocumentException
        );
        let big = format!(
            "{{\"Statement\":[],\"x\":\"{}\"}}",
            "a".repeat(MAX_POLICY_BYTES)
        );
        assert_eq!(
            check_document(&big).unwrap_err().code,
            ErrorCode::LimitExceededException
        );
    }
}
