//! Collects model-constraint violations and renders them the way AWS does:
//! `1 validation error detected: Value 'x' at 'keySpec' failed to satisfy constraint: Member must …`.
//! Member paths are camelCase; sensitive members omit the value; blobs print as Java's
//! `HeapByteBuffer` because that is what AWS's Java front end shows.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// A request shape that knows its model constraints (implemented by the generated code).
pub trait Validate {
    /// Records every violation of the model's constraints.
    fn validate(&self, v: &mut Violations);
}

/// The violations found in one request, in member order.
#[derive(Debug, Default)]
pub struct Violations {
    messages: Vec<String>,
}

impl Violations {
    /// The ValidationException message, or `None` when the request is valid.
    pub fn message(&self) -> Option<String> {
        match self.messages.len() {
            0 => None,
            1 => Some(format!(
                "1 validation error detected: {}",
                self.messages.join("; ")
            )),
            n => Some(format!(
                "{n} validation errors detected: {}",
                self.messages.join("; ")
            )),
        }
    }

    fn push(&mut self, value: Option<String>, path: &str, constraint: &str) {
        let shown = match value {
            Some(v) => format!("Value '{v}' at '{path}'"),
            None => format!("Value at '{path}'"),
        };
        self.messages.push(format!(
            "{shown} failed to satisfy constraint: {constraint}"
        ));
    }

    fn null(&mut self, path: &str) {
        self.messages.push(format!(
            "Value null at '{path}' failed to satisfy constraint: Member must not be null"
        ));
    }

    /// A member with no constraint beyond presence.
    pub fn required(&mut self, path: &str, present: bool, required: bool) {
        if required && !present {
            self.null(path);
        }
    }

    /// A string member.
    #[allow(clippy::too_many_arguments)]
    pub fn string(
        &mut self,
        path: &str,
        value: Option<&str>,
        required: bool,
        min: Option<usize>,
        max: Option<usize>,
        pattern: Option<&str>,
        sensitive: bool,
    ) {
        let Some(s) = value else {
            return self.required(path, false, required);
        };
        let shown = || (!sensitive).then(|| s.to_string());
        // Java counts UTF-16 code units.
        let len = s.encode_utf16().count();
        if let Some(min) = min.filter(|m| len < *m) {
            self.push(
                shown(),
                path,
                &format!("Member must have length greater than or equal to {min}"),
            );
        }
        if let Some(max) = max.filter(|m| len > *m) {
            self.push(
                shown(),
                path,
                &format!("Member must have length less than or equal to {max}"),
            );
        }
        if let Some(p) = pattern {
            if !matches_pattern(p, s) {
                self.push(
                    shown(),
                    path,
                    &format!("Member must satisfy regular expression pattern: {p}"),
                );
            }
        }
    }

    /// A blob member, by its decoded length.
    pub fn blob(
        &mut self,
        path: &str,
        len: Option<usize>,
        required: bool,
        min: Option<usize>,
        max: Option<usize>,
        sensitive: bool,
    ) {
        let Some(len) = len else {
            return self.required(path, false, required);
        };
        let shown =
            (!sensitive).then(|| format!("java.nio.HeapByteBuffer[pos=0 lim={len} cap={len}]"));
        if let Some(min) = min.filter(|m| len < *m) {
            self.push(
                shown.clone(),
                path,
                &format!("Member must have length greater than or equal to {min}"),
            );
        }
        if let Some(max) = max.filter(|m| len > *m) {
            self.push(
                shown,
                path,
                &format!("Member must have length less than or equal to {max}"),
            );
        }
    }

    /// An integer member.
    pub fn integer(
        &mut self,
        path: &str,
        value: Option<i64>,
        required: bool,
        min: Option<i64>,
        max: Option<i64>,
    ) {
        let Some(n) = value else {
            return self.required(path, false, required);
        };
        if let Some(min) = min.filter(|m| n < *m) {
            self.push(
                Some(n.to_string()),
                path,
                &format!("Member must have value greater than or equal to {min}"),
            );
        }
        if let Some(max) = max.filter(|m| n > *m) {
            self.push(
                Some(n.to_string()),
                path,
                &format!("Member must have value less than or equal to {max}"),
            );
        }
    }

    /// An enum member, checked against the model's value set.
    pub fn enumeration(&mut self, path: &str, value: Option<&str>, required: bool, all: &[&str]) {
        let Some(s) = value else {
            return self.required(path, false, required);
        };
        if !all.contains(&s) {
            self.push(
                Some(s.to_string()),
                path,
                &format!("Member must satisfy enum value set: [{}]", all.join(", ")),
            );
        }
    }

    /// A list member, by its length (members are checked by the caller).
    pub fn list(
        &mut self,
        path: &str,
        len: Option<usize>,
        required: bool,
        min: Option<usize>,
        max: Option<usize>,
    ) {
        let Some(len) = len else {
            return self.required(path, false, required);
        };
        if let Some(min) = min.filter(|m| len < *m) {
            self.push(
                None,
                path,
                &format!("Member must have length greater than or equal to {min}"),
            );
        }
        if let Some(max) = max.filter(|m| len > *m) {
            self.push(
                None,
                path,
                &format!("Member must have length less than or equal to {max}"),
            );
        }
    }
}

/// Whole-string match of a model pattern (Java `matches()` semantics). Compiled regexes are cached
/// because the same dozen patterns are checked on every request.
fn matches_pattern(pattern: &str, value: &str) -> bool {
    static CACHE: OnceLock<Mutex<HashMap<String, Option<regex_lite::Regex>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let Ok(mut cache) = cache.lock() else {
        return true;
    };
    // Looked up before inserting: `entry` would allocate the key on every call.
    if !cache.contains_key(pattern) {
        let compiled = regex_lite::Regex::new(&format!("^(?:{pattern})$")).ok();
        cache.insert(pattern.to_string(), compiled);
    }
    let Some(re) = cache.get(pattern) else {
        return true;
    };
    // A pattern the engine cannot compile is a codegen bug, not the caller's fault: accept the value.
    re.as_ref().is_none_or(|re| re.is_match(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_model_pattern_compiles() {
        for p in [
            "^[a-zA-Z0-9:/_-]+$",
            "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+",
            "[\\u0020-\\u00FF]*",
            "^[a-f0-9]+$",
            "[\\w]+",
            "^[\\w+=,.@:/-]+$",
            "^(/[a-zA-Z0-9\\/_-]+/kms/xks/v\\d{1,2})$|^(/kms/xks/v\\d{1,2})$",
        ] {
            assert!(regex_lite::Regex::new(&format!("^(?:{p})$")).is_ok(), "{p}");
        }
    }

    #[test]
    fn messages_follow_aws_format() {
        let mut v = Violations::default();
        v.integer("numberOfBytes", Some(0), false, Some(1), Some(1024));
        assert_eq!(
            v.message().as_deref(),
            Some("1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1")
        );
        let mut v = Violations::default();
        v.blob("plaintext", Some(4097), true, Some(1), Some(4096), true);
        v.string("keyId", None, true, None, None, None, false);
        assert_eq!(
            v.message().as_deref(),
            Some("2 validation errors detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096; Value null at 'keyId' failed to satisfy constraint: Member must not be null")
        );
    }

    #[test]
    fn policy_charset_pattern_rejects_control_characters() {
        assert!(matches_pattern(
            "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+",
            "{\"a\":\n1}"
        ));
        assert!(!matches_pattern(
            "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+",
            "a\u{0001}b"
        ));
    }
}
