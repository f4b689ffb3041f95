//! Key policies: the default document AWS attaches, the checks PutKeyPolicy/CreateKey make on a
//! document (AWS-KMS-BEHAVIOUR.md §2.15), including the lockout safety check, and the Jackson-style
//! pretty printing AWS applies when it returns a policy. Evaluation lives in `policy_eval`.

use crate::api::ErrorCode;
use crate::context::RequestCtx;
use crate::error::{KmsError, KmsResult};
use crate::model::policy_eval::{self, Caller, Facts, Policy, PolicyError, Request};

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

/// The default policy text around the account root ARN (`default_policy` = HEAD + ARN + TAIL).
const DEFAULT_HEAD: &str = "{\n  \"Version\" : \"2012-10-17\",\n  \"Id\" : \"key-default-1\",\n  \"Statement\" : [ {\n    \"Sid\" : \"Enable IAM User Permissions\",\n    \"Effect\" : \"Allow\",\n    \"Principal\" : {\n      \"AWS\" : \"";
const DEFAULT_TAIL: &str =
    "\"\n    },\n    \"Action\" : \"kms:*\",\n    \"Resource\" : \"*\"\n  } ]\n}";

/// Whether `policy` is exactly the default policy of `account_id` (no allocation: this is the
/// authorization fast path of every cryptographic call).
pub fn is_default_policy(policy: &str, partition: &str, account_id: &str) -> bool {
    policy
        .strip_prefix(DEFAULT_HEAD)
        .and_then(|r| r.strip_prefix("arn:"))
        .and_then(|r| r.strip_prefix(partition))
        .and_then(|r| r.strip_prefix(":iam::"))
        .and_then(|r| r.strip_prefix(account_id))
        .and_then(|r| r.strip_prefix(":root"))
        == Some(DEFAULT_TAIL)
}

/// The root ARN in `policy` when it is a default key policy (of any account and partition).
fn default_policy_root(policy: &str) -> Option<&str> {
    policy
        .strip_prefix(DEFAULT_HEAD)
        .and_then(|r| r.strip_suffix(DEFAULT_TAIL))
        .filter(|root| root.starts_with("arn:") && root.ends_with(":root"))
        .filter(|root| !root.contains(['"', '\\', '\n']))
}

/// How `KeyRecord::policy` is stored (`#[serde(with = "policy::stored")]`): a default policy as
/// `{"default_root": "<root ARN>"}`, any other policy as its text. The default text is ~300 bytes
/// full of quotes and newlines, so storing it once per key made it most of the cost of journaling
/// CreateKey and of every snapshot. Plain text (all journals written before) still reads back.
pub mod stored {
    use serde::de::{self, MapAccess, Visitor};
    use serde::ser::SerializeMap;
    use serde::{Deserializer, Serializer};

    const ROOT: &str = "default_root";

    /// Writes the stored form of `policy`.
    pub fn serialize<S: Serializer>(policy: &str, serializer: S) -> Result<S::Ok, S::Error> {
        match super::default_policy_root(policy) {
            Some(root) => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry(ROOT, root)?;
                map.end()
            }
            None => serializer.serialize_str(policy),
        }
    }

    /// Reads either stored form back to the policy text.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(PolicyVisitor)
    }

    struct PolicyVisitor;

    impl<'de> Visitor<'de> for PolicyVisitor {
        type Value = String;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a key policy (text, or {\"default_root\": ARN})")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_owned())
        }

        fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
            Ok(v)
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<String, A::Error> {
            let mut root: Option<String> = None;
            while let Some(key) = map.next_key::<String>()? {
                if key == ROOT {
                    root = Some(map.next_value()?);
                } else {
                    return Err(de::Error::unknown_field(&key, &[ROOT]));
                }
            }
            let root = root.ok_or_else(|| de::Error::missing_field(ROOT))?;
            Ok(format!(
                "{}{root}{}",
                super::DEFAULT_HEAD,
                super::DEFAULT_TAIL
            ))
        }
    }
}

/// MalformedPolicyDocumentException with `message`.
pub fn malformed(message: impl Into<String>) -> KmsError {
    KmsError::new(ErrorCode::MalformedPolicyDocumentException, message)
}

/// The message for a Principal that names no valid principal (LS #7605 quotes AWS).
pub const INVALID_PRINCIPALS: &str =
    "Policy contains a statement with one or more invalid principals.";
/// The lockout safety check's message.
pub const LOCKOUT: &str =
    "The new key policy will not allow you to update the key policy in the future.";

/// Parses a key policy the caller wrote, with AWS's MalformedPolicyDocumentException texts.
pub fn parse_key_policy(policy: &str) -> KmsResult<Policy> {
    let parsed = Policy::parse(policy, true).map_err(|e| match e {
        PolicyError::InvalidPrincipal => malformed(INVALID_PRINCIPALS),
        PolicyError::Malformed(m) => malformed(m),
    })?;
    if parsed.has_unknown_operator() {
        return Err(malformed(
            "Policy contains a statement with an unsupported condition operator.",
        ));
    }
    Ok(parsed)
}

/// The lockout safety check: the new policy (with the caller's identity policies) must allow the
/// caller to call PutKeyPolicy on the key later. Skipped with BypassPolicyLockoutSafetyCheck.
pub fn check_lockout(ctx: &RequestCtx, policy: &str, key_arn: &str) -> KmsResult<()> {
    let parsed = parse_key_policy(policy)?;
    let principal = ctx.principal_arn();
    let Some(caller) = Caller::from_arn(&principal) else {
        return Err(malformed(LOCKOUT));
    };
    let identity: Vec<Policy> = ctx
        .identity_policies
        .iter()
        .filter_map(|p| Policy::parse(p, false).ok())
        .collect();
    let facts = CallerFacts(&caller);
    let req = Request {
        caller: &caller,
        action: "kms:PutKeyPolicy",
        resource: key_arn,
        facts: &facts,
    };
    match policy_eval::decide(Some(&parsed), &identity, &req) {
        policy_eval::Decision::Allow => Ok(()),
        _ => Err(malformed(LOCKOUT)),
    }
}

/// The condition keys every request has: who is calling.
pub struct CallerFacts<'a>(pub &'a Caller);

impl Facts for CallerFacts<'_> {
    fn values(&self, key: &str) -> Option<Vec<String>> {
        caller_fact(self.0, key)
    }
}

/// `aws:PrincipalArn`, `aws:PrincipalAccount`, `kms:CallerAccount`, `kms:ViaService` (never).
pub fn caller_fact(caller: &Caller, key: &str) -> Option<Vec<String>> {
    let k = key.to_ascii_lowercase();
    match k.as_str() {
        "aws:principalarn" => Some(vec![caller.principal_arn()]),
        "aws:principalaccount" | "kms:calleraccount" => Some(vec![caller.account.clone()]),
        "aws:principaltype" => Some(vec![if caller.root {
            "Account".into()
        } else if caller.role_name.is_some() {
            "AssumedRole".into()
        } else {
            "User".into()
        }]),
        _ => None,
    }
}

/// A policy document pretty-printed as AWS (Jackson's default printer) returns it: two-space
/// indentation by object nesting, `"Key" : value`, arrays inline as `[ a, b ]` and `[ {` … `} ]`,
/// member order kept. Text that is not JSON comes back unchanged.
pub fn pretty(text: &str) -> String {
    let mut p = Printer {
        src: text.as_bytes(),
        pos: 0,
        out: String::with_capacity(text.len() + text.len() / 2),
        depth: 0,
    };
    match p.value(0) {
        Some(()) => {
            p.ws();
            if p.pos == p.src.len() {
                p.out
            } else {
                text.to_string()
            }
        }
        None => text.to_string(),
    }
}

struct Printer<'a> {
    src: &'a [u8],
    pos: usize,
    out: String,
    depth: usize,
}

impl Printer<'_> {
    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn indent(&mut self, level: usize) {
        for _ in 0..level {
            self.out.push_str("  ");
        }
    }

    fn value(&mut self, nesting: usize) -> Option<()> {
        self.depth += 1;
        if self.depth > 128 {
            return None;
        }
        self.ws();
        match self.peek()? {
            b'{' => {
                self.pos += 1;
                self.ws();
                if self.peek()? == b'}' {
                    self.pos += 1;
                    self.out.push_str("{ }");
                } else {
                    self.out.push('{');
                    loop {
                        self.out.push('\n');
                        self.indent(nesting + 1);
                        self.ws();
                        self.string()?;
                        self.ws();
                        if self.peek()? != b':' {
                            return None;
                        }
                        self.pos += 1;
                        self.out.push_str(" : ");
                        self.value(nesting + 1)?;
                        self.ws();
                        match self.peek()? {
                            b',' => {
                                self.pos += 1;
                                self.out.push(',');
                            }
                            b'}' => {
                                self.pos += 1;
                                break;
                            }
                            _ => return None,
                        }
                    }
                    self.out.push('\n');
                    self.indent(nesting);
                    self.out.push('}');
                }
            }
            b'[' => {
                self.pos += 1;
                self.ws();
                if self.peek()? == b']' {
                    self.pos += 1;
                    self.out.push_str("[ ]");
                } else {
                    self.out.push_str("[ ");
                    loop {
                        self.value(nesting)?;
                        self.ws();
                        match self.peek()? {
                            b',' => {
                                self.pos += 1;
                                self.out.push_str(", ");
                            }
                            b']' => {
                                self.pos += 1;
                                break;
                            }
                            _ => return None,
                        }
                    }
                    self.out.push_str(" ]");
                }
            }
            b'"' => self.string()?,
            _ => {
                let start = self.pos;
                while !matches!(
                    self.peek(),
                    None | Some(b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r')
                ) {
                    self.pos += 1;
                }
                let literal = std::str::from_utf8(self.src.get(start..self.pos)?).ok()?;
                serde_json::from_str::<serde_json::Value>(literal).ok()?;
                self.out.push_str(literal);
            }
        }
        self.depth -= 1;
        Some(())
    }

    /// A string token, re-escaped the way Jackson writes strings.
    fn string(&mut self) -> Option<()> {
        if self.peek()? != b'"' {
            return None;
        }
        let start = self.pos;
        self.pos += 1;
        loop {
            match self.peek()? {
                b'\\' => self.pos += 2,
                b'"' => {
                    self.pos += 1;
                    break;
                }
                _ => self.pos += 1,
            }
        }
        let token = std::str::from_utf8(self.src.get(start..self.pos)?).ok()?;
        let decoded: String = serde_json::from_str(token).ok()?;
        self.out.push_str(&serde_json::to_string(&decoded).ok()?);
        Some(())
    }
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
    parse_key_policy(policy).map(|_| ())
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
    fn stored_form_round_trips() {
        #[derive(serde::Serialize, serde::Deserialize)]
        struct R {
            #[serde(with = "stored")]
            p: String,
        }
        let default = default_policy("aws-cn", "111122223333");
        let custom = default.replace("kms:*", "kms:Encrypt");
        for (policy, stored_as) in [
            (
                default.clone(),
                r#"{"p":{"default_root":"arn:aws-cn:iam::111122223333:root"}}"#.to_string(),
            ),
            (
                custom.clone(),
                serde_json::to_string(&serde_json::json!({ "p": custom })).unwrap(),
            ),
        ] {
            let text = serde_json::to_string(&R { p: policy.clone() }).unwrap();
            assert_eq!(text, stored_as);
            assert_eq!(serde_json::from_str::<R>(&text).unwrap().p, policy);
        }
        // Journals written before the stored form hold the text.
        let old = serde_json::json!({ "p": default }).to_string();
        assert_eq!(serde_json::from_str::<R>(&old).unwrap().p, default);
    }

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
