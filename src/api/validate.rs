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

/// An unchecked (wire) shape's conversion to its checked form, once validation passed: required
/// members become plain values, enum strings become enums (implemented by the generated code).
pub trait Checked {
    /// The checked form.
    type Output;
    /// The checked form; `None` only if validation let through what it cannot hold (a codegen bug).
    fn checked(self) -> Option<Self::Output>;
}

/// The checked form of an optional member: `Some(None)` when absent, `None` when it does not
/// convert.
pub fn optional<T, U>(value: Option<T>, convert: impl FnOnce(T) -> Option<U>) -> Option<Option<U>> {
    match value {
        None => Some(None),
        Some(x) => convert(x).map(Some),
    }
}

/// The checked form of every element of a list, or `None` when one does not convert.
pub fn each<T, U>(items: Vec<T>, convert: impl Fn(T) -> Option<U>) -> Option<Vec<U>> {
    items.into_iter().map(convert).collect()
}

/// Decodes an unchecked shape `U` from `value`, records its violations in `v` and, when there are
/// none, converts it to its checked form. `Err` is a member of the wrong JSON type.
// Inlined into each arm of `Request::decode`: one copy per request type either way, and inline
// it drops a call and a move of the result per type (a smaller wasm, measured).
#[inline(always)]
pub fn check<U>(
    value: serde_json::Value,
    v: &mut Violations,
) -> Result<Option<U::Output>, serde_json::Error>
where
    U: serde::de::DeserializeOwned + Validate + Checked,
{
    let unchecked: U = serde_json::from_value(value)?;
    unchecked.validate(v);
    Ok(if v.messages.is_empty() {
        unchecked.checked()
    } else {
        None
    })
}

/// A member's path as AWS prints it (`keyId`, `tags.1.member.tagKey`): a chain of segments on
/// the stack, rendered only when a violation is reported, so a valid request formats no path.
/// Plain data rather than a closure per member keeps the generated checks small.
#[derive(Debug, Clone, Copy)]
pub struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    segment: Segment,
}

#[derive(Debug, Clone, Copy)]
enum Segment {
    Root,
    Member(&'static str),
    /// A list element by its 0-based index (AWS prints `{index + 1}.member`).
    Item(usize),
}

impl<'a> Path<'a> {
    /// The request itself.
    pub const ROOT: Path<'static> = Path {
        parent: None,
        segment: Segment::Root,
    };

    /// The member `name` (camelCase, as AWS prints it) of the shape at this path.
    pub fn member(&'a self, name: &'static str) -> Path<'a> {
        Path {
            parent: Some(self),
            segment: Segment::Member(name),
        }
    }

    /// The element at 0-based `index` of the list at this path.
    pub fn item(&'a self, index: usize) -> Path<'a> {
        Path {
            parent: Some(self),
            segment: Segment::Item(index),
        }
    }

    fn render(&self) -> String {
        let mut out = match self.parent {
            Some(parent) => parent.render(),
            None => String::new(),
        };
        match self.segment {
            Segment::Root => {}
            Segment::Member(name) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            Segment::Item(index) => {
                out.push_str(&format!(".{}.member", index.saturating_add(1)));
            }
        }
        out
    }
}

/// The model's constraints on one member (generated as constants beside each shape).
#[derive(Debug, Clone, Copy, Default)]
pub struct Rule {
    /// The member must be present.
    pub required: bool,
    /// Least length (strings in UTF-16 units, blobs in bytes, lists in items) or least value.
    pub min: Option<i64>,
    /// Greatest length or value.
    pub max: Option<i64>,
    /// A string's whole-string pattern.
    pub pattern: Option<&'static str>,
    /// The value is never shown in a message.
    pub sensitive: bool,
}

/// A length as compared with a rule's bounds.
fn len_of(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
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

    fn push(&mut self, value: Option<String>, path: &Path<'_>, constraint: &str) {
        let path = path.render();
        let shown = match value {
            Some(v) => format!("Value '{v}' at '{path}'"),
            None => format!("Value at '{path}'"),
        };
        self.messages.push(format!(
            "{shown} failed to satisfy constraint: {constraint}"
        ));
    }

    /// Length bounds, shared by strings, blobs and lists.
    fn length(
        &mut self,
        path: &Path<'_>,
        len: i64,
        rule: &Rule,
        shown: impl Fn() -> Option<String>,
    ) {
        if let Some(min) = rule.min.filter(|m| len < *m) {
            self.push(
                shown(),
                path,
                &format!("Member must have length greater than or equal to {min}"),
            );
        }
        if let Some(max) = rule.max.filter(|m| len > *m) {
            self.push(
                shown(),
                path,
                &format!("Member must have length less than or equal to {max}"),
            );
        }
    }

    /// A member with no constraint beyond presence.
    pub fn required(&mut self, path: &Path<'_>, present: bool, required: bool) {
        if required && !present {
            let path = path.render();
            self.messages.push(format!(
                "Value null at '{path}' failed to satisfy constraint: Member must not be null"
            ));
        }
    }

    /// A string member.
    pub fn string(&mut self, path: &Path<'_>, value: Option<&str>, rule: &Rule) {
        let Some(s) = value else {
            return self.required(path, false, rule.required);
        };
        let shown = || (!rule.sensitive).then(|| s.to_string());
        // Java counts UTF-16 code units.
        if rule.min.is_some() || rule.max.is_some() {
            self.length(path, len_of(s.encode_utf16().count()), rule, shown);
        }
        if let Some(p) = rule.pattern {
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
    pub fn blob(&mut self, path: &Path<'_>, len: Option<usize>, rule: &Rule) {
        let Some(len) = len else {
            return self.required(path, false, rule.required);
        };
        let shown = || {
            (!rule.sensitive).then(|| format!("java.nio.HeapByteBuffer[pos=0 lim={len} cap={len}]"))
        };
        self.length(path, len_of(len), rule, shown);
    }

    /// An integer member.
    pub fn integer(&mut self, path: &Path<'_>, value: Option<i64>, rule: &Rule) {
        let Some(n) = value else {
            return self.required(path, false, rule.required);
        };
        if let Some(min) = rule.min.filter(|m| n < *m) {
            self.push(
                Some(n.to_string()),
                path,
                &format!("Member must have value greater than or equal to {min}"),
            );
        }
        if let Some(max) = rule.max.filter(|m| n > *m) {
            self.push(
                Some(n.to_string()),
                path,
                &format!("Member must have value less than or equal to {max}"),
            );
        }
    }

    /// An enum member, checked against the model's value set.
    pub fn enumeration(
        &mut self,
        path: &Path<'_>,
        value: Option<&str>,
        required: bool,
        all: &[&str],
    ) {
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
    pub fn list(&mut self, path: &Path<'_>, len: Option<usize>, rule: &Rule) {
        let Some(len) = len else {
            return self.required(path, false, rule.required);
        };
        self.length(path, len_of(len), rule, || None);
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
        let rule = |min, max, sensitive| Rule {
            min,
            max,
            sensitive,
            ..Rule::default()
        };
        v.integer(
            &Path::ROOT.member("numberOfBytes"),
            Some(0),
            &rule(Some(1), Some(1024), false),
        );
        assert_eq!(
            v.message().as_deref(),
            Some("1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1")
        );
        let mut v = Violations::default();
        let required = Rule {
            required: true,
            ..rule(Some(1), Some(4096), true)
        };
        v.blob(&Path::ROOT.member("plaintext"), Some(4097), &required);
        v.string(
            &Path::ROOT.member("keyId"),
            None,
            &Rule {
                required: true,
                ..Rule::default()
            },
        );
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
