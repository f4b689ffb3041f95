//! Key identifiers: the four forms a caller may give (key ID, key ARN, alias name, alias ARN) and
//! the exact NotFoundException texts AWS answers for each kind of miss (AWS-KMS-BEHAVIOUR.md §2.1).
//! Resolution against the store lives in `store::Txn::resolve_key`; this file only parses.
//!
//! Keys and aliases belong to the account that created them. A bare key ID or alias name names
//! one in the caller's own account; only an ARN names another account's key or alias
//! (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html).
//! Whether the operation may use it there is the authorizer's question, not the parser's.

use crate::context::RequestCtx;
use crate::error::{KmsError, KmsResult};

/// Which identifier forms an operation accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forms {
    /// Key ID, key ARN, alias name or alias ARN (cryptographic operations, DescribeKey).
    Any,
    /// Key ID or key ARN only (management operations).
    KeyOnly,
}

/// A parsed key identifier: what it names, in which account (always the caller's Region).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRef {
    /// The account the key or alias belongs to: the caller's, unless an ARN named another.
    pub account_id: String,
    /// The key or alias it names there.
    pub target: Target,
}

/// What a key identifier names within its account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A key ID.
    KeyId(String),
    /// An alias name (`alias/…`).
    Alias(String),
}

impl KeyRef {
    fn own(ctx: &RequestCtx, target: Target) -> Self {
        Self {
            account_id: ctx.account_id.clone(),
            target,
        }
    }

    /// The ARN of `resource` (`key/<id>`, `alias/<name>`) in this reference's account.
    pub fn arn(&self, ctx: &RequestCtx, resource: &str) -> String {
        format!(
            "arn:{}:kms:{}:{}:{resource}",
            ctx.partition(),
            ctx.region,
            self.account_id
        )
    }
}

/// Parses `input` for the caller in `ctx`.
pub fn parse(ctx: &RequestCtx, input: &str, forms: Forms) -> KmsResult<KeyRef> {
    if let Some(rest) = input.strip_prefix("arn:") {
        return parse_arn(ctx, input, rest, forms);
    }
    if input.starts_with("alias/") {
        return match forms {
            Forms::Any => Ok(KeyRef::own(ctx, Target::Alias(input.to_string()))),
            Forms::KeyOnly => Err(KmsError::invalid_key_id(input)),
        };
    }
    if is_key_id(input) {
        Ok(KeyRef::own(ctx, Target::KeyId(input.to_string())))
    } else {
        Err(KmsError::invalid_key_id(input))
    }
}

fn parse_arn(ctx: &RequestCtx, input: &str, rest: &str, forms: Forms) -> KmsResult<KeyRef> {
    // arn:<partition>:kms:<region>:<account>:<resource>
    let parts: Vec<&str> = rest.splitn(5, ':').collect();
    let [partition, service, region, account, resource] = parts.as_slice() else {
        return Err(KmsError::invalid_arn(input));
    };
    if service != &"kms" || *partition != ctx.partition() || account.len() != 12 {
        return Err(KmsError::invalid_arn(input));
    }
    if *region != ctx.region {
        return Err(KmsError::invalid_arn_region(region));
    }
    let target = if let Some(id) = resource.strip_prefix("key/") {
        if !is_key_id(id) {
            return Err(KmsError::invalid_arn(input));
        }
        Target::KeyId(id.to_string())
    } else if resource.starts_with("alias/") && forms == Forms::Any {
        Target::Alias((*resource).to_string())
    } else {
        return Err(KmsError::invalid_arn(input));
    };
    Ok(KeyRef {
        account_id: (*account).to_string(),
        target,
    })
}

/// A UUID v4-shaped key ID (lower-case hex, 8-4-4-4-12) or a Multi-Region `mrk-` + 32 hex.
pub fn is_key_id(s: &str) -> bool {
    let hex = |c: u8| c.is_ascii_digit() || (b'a'..=b'f').contains(&c);
    if let Some(rest) = s.strip_prefix("mrk-") {
        return rest.len() == 32 && rest.bytes().all(hex);
    }
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups.iter().all(|g| g.bytes().all(hex))
}

/// A new random key ID: a lower-case UUID v4.
pub fn new_key_id(random: [u8; 16]) -> String {
    let mut b = random;
    if let (Some(v), Some(r)) = (b.get(6).copied(), b.get(8).copied()) {
        if let Some(x) = b.get_mut(6) {
            *x = (v & 0x0f) | 0x40;
        }
        if let Some(x) = b.get_mut(8) {
            *x = (r & 0x3f) | 0x80;
        }
    }
    dashed_uuid(&b)
}

/// 16 bytes as a lower-case dashed UUID.
fn dashed_uuid(bytes: &[u8; 16]) -> String {
    let mut out = String::with_capacity(36);
    for (i, group) in [0..4, 4..6, 6..8, 8..10, 10..16].into_iter().enumerate() {
        if i > 0 {
            out.push('-');
        }
        crate::hex::push(&mut out, bytes.get(group).unwrap_or_default());
    }
    out
}

/// The 16 bytes a key ID stands for (UUID bytes, or the 32 hex digits of an `mrk-` ID), and
/// whether it is Multi-Region. Used by the ciphertext header.
pub fn key_id_bytes(id: &str) -> Option<(bool, [u8; 16])> {
    // Without building intermediate strings: this runs for every ciphertext made or read.
    let (mrk, digits) = match id.strip_prefix("mrk-") {
        Some(rest) => (true, rest),
        None => (false, id),
    };
    let mut digits = digits.bytes().filter(|b| mrk || *b != b'-');
    let mut bytes = [0u8; 16];
    for byte in &mut bytes {
        let high = crate::hex::digit_value(digits.next()?)?;
        let low = crate::hex::digit_value(digits.next()?)?;
        *byte = high << 4 | low;
    }
    digits.next().is_none().then_some((mrk, bytes))
}

/// The inverse of `key_id_bytes`.
pub fn key_id_from_bytes(mrk: bool, bytes: &[u8; 16]) -> String {
    if mrk {
        let mut out = String::from("mrk-");
        crate::hex::push(&mut out, bytes);
        out
    } else {
        dashed_uuid(bytes)
    }
}

/// Hex decoding; `None` on any other character or an odd length.
pub fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    s.as_bytes()
        .chunks(2)
        .map(|pair| match pair {
            [high, low] => {
                Some(crate::hex::digit_value(*high)? << 4 | crate::hex::digit_value(*low)?)
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> RequestCtx {
        RequestCtx::new("111122223333", "us-east-1", 0.0)
    }

    #[test]
    fn recognises_every_form() {
        let id = "1234abcd-12ab-34cd-56ef-1234567890ab";
        let own = |target| KeyRef {
            account_id: "111122223333".into(),
            target,
        };
        assert_eq!(
            parse(&ctx(), id, Forms::Any).unwrap(),
            own(Target::KeyId(id.into()))
        );
        let arn = format!("arn:aws:kms:us-east-1:111122223333:key/{id}");
        assert_eq!(
            parse(&ctx(), &arn, Forms::KeyOnly).unwrap(),
            own(Target::KeyId(id.into()))
        );
        assert_eq!(
            parse(&ctx(), "alias/x", Forms::Any).unwrap(),
            own(Target::Alias("alias/x".into()))
        );
        let alias_arn = "arn:aws:kms:us-east-1:111122223333:alias/x";
        assert_eq!(
            parse(&ctx(), alias_arn, Forms::Any).unwrap(),
            own(Target::Alias("alias/x".into()))
        );
    }

    #[test]
    fn only_an_arn_names_another_account() {
        let id = "1234abcd-12ab-34cd-56ef-1234567890ab";
        let arn = format!("arn:aws:kms:us-east-1:444455556666:key/{id}");
        let parsed = parse(&ctx(), &arn, Forms::KeyOnly).unwrap();
        assert_eq!(parsed.account_id, "444455556666");
        assert_eq!(parsed.target, Target::KeyId(id.into()));
        assert_eq!(
            parsed.arn(&ctx(), &format!("key/{id}")),
            arn,
            "messages name the key in its own account"
        );
        let alias_arn = "arn:aws:kms:us-east-1:444455556666:alias/x";
        assert_eq!(
            parse(&ctx(), alias_arn, Forms::Any).unwrap().account_id,
            "444455556666"
        );
        assert_eq!(
            parse(&ctx(), id, Forms::Any).unwrap().account_id,
            "111122223333"
        );
    }

    #[test]
    fn misses_use_aws_messages() {
        assert_eq!(
            parse(&ctx(), "fake-key-id", Forms::Any)
                .unwrap_err()
                .message()
                .unwrap_or_default(),
            "Invalid keyId 'fake-key-id'"
        );
        let dashless = "134f2428cec14b25a1ae9048164dba47";
        assert_eq!(
            parse(&ctx(), dashless, Forms::Any)
                .unwrap_err()
                .message()
                .unwrap_or_default(),
            format!("Invalid keyId '{dashless}'")
        );
        let other_partition =
            "arn:aws-cn:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        assert!(parse(&ctx(), other_partition, Forms::Any)
            .unwrap_err()
            .message()
            .unwrap_or_default()
            .starts_with("Invalid arn"));
        let other = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        assert_eq!(
            parse(&ctx(), other, Forms::Any)
                .unwrap_err()
                .message()
                .unwrap_or_default(),
            "Invalid arn eu-west-1"
        );
        assert_eq!(
            parse(&ctx(), "alias/x", Forms::KeyOnly)
                .unwrap_err()
                .message()
                .unwrap_or_default(),
            "Invalid keyId 'alias/x'"
        );
    }

    #[test]
    fn key_id_bytes_round_trip() {
        for id in [
            "1234abcd-12ab-44cd-96ef-1234567890ab",
            "mrk-1234abcd12ab34cd56ef1234567890ab",
        ] {
            let (mrk, b) = key_id_bytes(id).unwrap();
            assert_eq!(key_id_from_bytes(mrk, &b), id);
        }
        for bad in [
            "1234abcd",
            "mrk-1234abcd-12ab-34cd-56ef-1234567890ab",
            "1234abcd-12ab-44cd-96ef-1234567890abcd",
            "1234abcd-12ab-44cd-96ef-1234567890ag",
        ] {
            assert_eq!(key_id_bytes(bad), None, "{bad}");
        }
        let id = new_key_id([0xff; 16]);
        assert!(is_key_id(&id), "{id}");
        assert_eq!(&id[14..15], "4");
    }
}
