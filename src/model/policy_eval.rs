//! IAM policy evaluation for key policies and identity policies: Effect, Principal/NotPrincipal,
//! Action/NotAction, Resource/NotResource and Condition, with AWS's evaluation rules. Pure: the
//! caller supplies the request facts (`Facts`); nothing here reads the store or the clock.
//!
//! Policy documents are JSON by definition, so this file (like `policy.rs`) parses them with
//! serde_json; it never sees the request wire format.
//!
//! Rules (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
//! and https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html):
//! - an explicit Deny wins over every Allow;
//! - a key policy Allow for the caller allows;
//! - a key policy Allow for the caller's *account* delegates to IAM: it allows only together with an
//!   identity-policy Allow (the account root needs none: IAM always allows it);
//! - a caller in another account than the key's needs both: the key policy must reach it (its
//!   account or the caller itself) and, unless it is its account's root, an identity policy must
//!   allow it too (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html);
//! - an unknown condition operator fails closed: an Allow statement with it never applies and a
//!   Deny statement with it always applies (PutKeyPolicy rejects such documents up front).

use serde_json::Value;

/// Allow or Deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// `"Allow"`.
    Allow,
    /// `"Deny"`.
    Deny,
}

/// Why a document is not a valid policy (MalformedPolicyDocumentException at PutKeyPolicy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyError {
    /// Structurally wrong; the text says what.
    Malformed(String),
    /// A Principal/NotPrincipal value that names no valid principal.
    InvalidPrincipal,
}

/// The caller as policies see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The ARN the caller presented.
    pub arn: String,
    /// The caller's partition (`aws`, `aws-cn`…).
    pub partition: String,
    /// The caller's 12-digit account.
    pub account: String,
    /// Whether the caller is its account's root user.
    pub root: bool,
    /// For an assumed-role session, the role name (sessions match policies naming the role).
    pub role_name: Option<String>,
}

impl Caller {
    /// Parses a principal ARN (`arn:aws:iam::111122223333:role/App`, `…:root`,
    /// `arn:aws:sts::111122223333:assumed-role/App/session`). `None` if it is not one.
    pub fn from_arn(arn: &str) -> Option<Self> {
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let [_, partition, service, _, account, resource] = parts.as_slice() else {
            return None;
        };
        let role_name = match *service {
            "sts" => resource
                .strip_prefix("assumed-role/")
                .and_then(|r| r.split('/').next())
                .map(str::to_string),
            _ => None,
        };
        Some(Self {
            arn: arn.to_string(),
            partition: (*partition).to_string(),
            account: (*account).to_string(),
            root: *service == "iam" && *resource == "root",
            role_name,
        })
    }

    /// The ARN `aws:PrincipalArn` reports: an assumed-role session reports its role.
    pub fn principal_arn(&self) -> String {
        match &self.role_name {
            Some(role) => format!("arn:{}:iam::{}:role/{role}", self.partition, self.account),
            None => self.arn.clone(),
        }
    }
}

/// The request facts conditions read. Condition key names arrive exactly as the policy spells
/// them; implementations compare them case-insensitively (except the context key after
/// `kms:EncryptionContext:`, which is case-sensitive like encryption context itself).
pub trait Facts {
    /// The values of a condition key, or `None` when the request does not have it.
    fn values(&self, key: &str) -> Option<Vec<String>>;
}

/// What one policy says about one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Verdict {
    /// Some Deny statement applies.
    pub denied: bool,
    /// Some Allow statement applies to the caller itself (or to everyone).
    pub allowed: bool,
    /// Some Allow statement applies to the caller's account (IAM delegation).
    pub allowed_account: bool,
}

/// One request to evaluate.
pub struct Request<'a> {
    /// Who is calling.
    pub caller: &'a Caller,
    /// `kms:Encrypt` …
    pub action: &'a str,
    /// The resource ARN (`*` for operations on no resource).
    pub resource: &'a str,
    /// The condition keys.
    pub facts: &'a dyn Facts,
}

/// A parsed policy.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Policy {
    statements: Vec<Statement>,
}

#[derive(Debug, Clone, PartialEq)]
struct Statement {
    effect: Effect,
    principal: Option<Principals>,
    not_principal: bool,
    actions: Vec<String>,
    not_action: bool,
    resources: Option<Vec<String>>,
    not_resource: bool,
    conditions: Vec<Condition>,
}

#[derive(Debug, Clone, PartialEq)]
enum Principals {
    Anyone,
    List(Vec<PrincipalId>),
}

#[derive(Debug, Clone, PartialEq)]
enum PrincipalId {
    /// Any AWS principal (`{"AWS": "*"}`).
    AnyAws,
    /// An account: every principal in it, the root directly.
    Account(String),
    /// One IAM ARN.
    Arn(String),
    /// A service principal.
    Service(String),
    /// Federated or canonical-user principals: valid, never a caller here.
    Other,
}

#[derive(Debug, Clone, PartialEq)]
struct Condition {
    op: Option<Op>,
    set: Option<SetOp>,
    if_exists: bool,
    key: String,
    values: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SetOp {
    ForAnyValue,
    ForAllValues,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Bool,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    Null,
}

impl Op {
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "StringEquals" => Self::StringEquals,
            "StringNotEquals" => Self::StringNotEquals,
            "StringEqualsIgnoreCase" => Self::StringEqualsIgnoreCase,
            "StringNotEqualsIgnoreCase" => Self::StringNotEqualsIgnoreCase,
            "StringLike" => Self::StringLike,
            "StringNotLike" => Self::StringNotLike,
            "ArnEquals" => Self::ArnEquals,
            "ArnLike" => Self::ArnLike,
            "ArnNotEquals" => Self::ArnNotEquals,
            "ArnNotLike" => Self::ArnNotLike,
            "Bool" => Self::Bool,
            "NumericEquals" => Self::NumericEquals,
            "NumericNotEquals" => Self::NumericNotEquals,
            "NumericLessThan" => Self::NumericLessThan,
            "NumericLessThanEquals" => Self::NumericLessThanEquals,
            "NumericGreaterThan" => Self::NumericGreaterThan,
            "NumericGreaterThanEquals" => Self::NumericGreaterThanEquals,
            "Null" => Self::Null,
            _ => return None,
        })
    }

    /// Negated operators: "not any policy value matches" (and true when the key is absent).
    fn positive(self) -> (Self, bool) {
        match self {
            Self::StringNotEquals => (Self::StringEquals, true),
            Self::StringNotEqualsIgnoreCase => (Self::StringEqualsIgnoreCase, true),
            Self::StringNotLike => (Self::StringLike, true),
            Self::ArnNotEquals => (Self::ArnEquals, true),
            Self::ArnNotLike => (Self::ArnLike, true),
            Self::NumericNotEquals => (Self::NumericEquals, true),
            other => (other, false),
        }
    }

    /// One request value against one policy value, for a positive operator.
    fn matches(self, request: &str, policy: &str) -> bool {
        match self {
            Self::StringEquals => request == policy,
            Self::StringEqualsIgnoreCase => request.eq_ignore_ascii_case(policy),
            Self::StringLike | Self::ArnEquals | Self::ArnLike => glob(policy, request, false),
            Self::Bool => request.eq_ignore_ascii_case(policy),
            Self::NumericEquals
            | Self::NumericLessThan
            | Self::NumericLessThanEquals
            | Self::NumericGreaterThan
            | Self::NumericGreaterThanEquals => {
                let (Ok(r), Ok(p)) = (request.trim().parse::<f64>(), policy.trim().parse::<f64>())
                else {
                    return false;
                };
                match self {
                    Self::NumericEquals => r == p,
                    Self::NumericLessThan => r < p,
                    Self::NumericLessThanEquals => r <= p,
                    Self::NumericGreaterThan => r > p,
                    _ => r >= p,
                }
            }
            _ => false,
        }
    }
}

/// `*` (any run) and `?` (any one character) wildcard matching.
pub fn glob(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let eq = |a: char, b: char| {
        if ignore_case {
            a.to_lowercase().eq(b.to_lowercase())
        } else {
            a == b
        }
    };
    // Iterative matcher with backtracking to the last `*` (linear-ish, no recursion).
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match (p.get(pi), t.get(ti)) {
            (Some('*'), _) => {
                star = Some((pi, ti));
                pi += 1;
            }
            (Some('?'), Some(_)) => {
                pi += 1;
                ti += 1;
            }
            (Some(&pc), Some(&tc)) if eq(pc, tc) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p.get(pi..)
        .is_some_and(|rest| rest.iter().all(|c| *c == '*'))
}

impl Policy {
    /// Parses a policy document. Statements may be one object or a list; every statement needs an
    /// Effect (Allow/Deny) and an Action or NotAction. `key_policy` also requires a Principal or
    /// NotPrincipal, as key policies do; identity policies have none.
    pub fn parse(text: &str, key_policy: bool) -> Result<Self, PolicyError> {
        let doc: Value = serde_json::from_str(text)
            .map_err(|_| PolicyError::Malformed("The policy document is not valid JSON.".into()))?;
        Self::from_value(&doc, key_policy)
    }

    /// `parse` over an already-parsed document.
    pub fn from_value(doc: &Value, key_policy: bool) -> Result<Self, PolicyError> {
        let malformed = |m: &str| PolicyError::Malformed(m.to_string());
        let statements = match doc.get("Statement") {
            Some(Value::Array(items)) => items.iter().collect::<Vec<_>>(),
            Some(one @ Value::Object(_)) => vec![one],
            _ => return Err(malformed("The policy document has no Statement.")),
        };
        if statements.is_empty() {
            return Err(malformed("The policy document has no Statement."));
        }
        let statements = statements
            .into_iter()
            .map(|s| Statement::parse(s, key_policy))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { statements })
    }

    /// Whether a statement uses a condition operator this evaluator does not know.
    pub fn has_unknown_operator(&self) -> bool {
        self.statements
            .iter()
            .any(|s| s.conditions.iter().any(|c| c.op.is_none()))
    }

    /// Evaluates the policy for one request.
    pub fn evaluate(&self, req: &Request<'_>) -> Verdict {
        let mut v = Verdict::default();
        for s in &self.statements {
            let Some(reach) = s.reaches(req) else {
                continue;
            };
            if !s.conditions_hold(req.facts) {
                continue;
            }
            match (s.effect, reach) {
                (Effect::Deny, _) => v.denied = true,
                (Effect::Allow, Reach::Caller) => v.allowed = true,
                (Effect::Allow, Reach::Account) => v.allowed_account = true,
            }
        }
        v
    }
}

/// Which kind of policy an explicit deny came from (it shapes AWS's message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyKind {
    /// The key policy.
    ResourceBased,
    /// An IAM identity policy.
    IdentityBased,
}

/// The outcome of key policy + identity policies (grants are consulted after `ImplicitDeny`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Allowed.
    Allow,
    /// No policy allows it: the key policy does not reach the caller (`ResourceBased`), or it
    /// delegates to IAM and no identity policy allows it (`IdentityBased`).
    ImplicitDeny(PolicyKind),
    /// A Deny statement applies.
    ExplicitDeny(PolicyKind),
}

/// AWS's decision for one request. `key_policy` is `None` for operations on no key (CreateKey,
/// ListKeys…), which IAM alone authorizes. The account root is never subject to identity policies
/// and IAM always allows it.
pub fn decide<P: std::borrow::Borrow<Policy>>(
    key_policy: Option<&Policy>,
    identity: &[P],
    req: &Request<'_>,
) -> Decision {
    let kp = key_policy.map(|p| p.evaluate(req)).unwrap_or_default();
    if kp.denied {
        return Decision::ExplicitDeny(PolicyKind::ResourceBased);
    }
    let root = req.caller.root;
    let mut id = Verdict::default();
    if !root {
        for p in identity {
            let v = p.borrow().evaluate(req);
            id.denied |= v.denied;
            id.allowed |= v.allowed;
        }
    }
    if id.denied {
        return Decision::ExplicitDeny(PolicyKind::IdentityBased);
    }
    let reached = kp.allowed || kp.allowed_account;
    let allowed = match key_policy {
        None => root || id.allowed,
        Some(_) if is_cross_account(req) => reached && (root || id.allowed),
        Some(_) => kp.allowed || (kp.allowed_account && (root || id.allowed)),
    };
    if allowed {
        Decision::Allow
    } else if key_policy.is_none() || kp.allowed_account || (reached && is_cross_account(req)) {
        Decision::ImplicitDeny(PolicyKind::IdentityBased)
    } else {
        Decision::ImplicitDeny(PolicyKind::ResourceBased)
    }
}

/// Whether the resource (a key ARN, `arn:<partition>:kms:<region>:<account>:key/<id>`) belongs to
/// another account than the caller's.
fn is_cross_account(req: &Request<'_>) -> bool {
    req.resource
        .split(':')
        .nth(4)
        .is_some_and(|account| account != req.caller.account)
}

/// How a statement reaches the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// The caller itself (or everyone).
    Caller,
    /// The caller's account: IAM decides for non-root callers.
    Account,
}

impl Statement {
    fn parse(v: &Value, key_policy: bool) -> Result<Self, PolicyError> {
        let malformed = |m: &str| PolicyError::Malformed(m.to_string());
        let obj = v
            .as_object()
            .ok_or_else(|| malformed("A policy statement is not an object."))?;
        let effect = match obj.get("Effect").and_then(Value::as_str) {
            Some("Allow") => Effect::Allow,
            Some("Deny") => Effect::Deny,
            Some(_) => return Err(malformed("A policy statement has an invalid Effect.")),
            None => return Err(malformed("A policy statement has no Effect.")),
        };
        let (actions, not_action) = match (obj.get("Action"), obj.get("NotAction")) {
            (Some(a), None) => (
                strings(a).ok_or_else(|| malformed("Invalid Action."))?,
                false,
            ),
            (None, Some(a)) => (
                strings(a).ok_or_else(|| malformed("Invalid NotAction."))?,
                true,
            ),
            _ => {
                return Err(malformed(
                    "A policy statement needs exactly one of Action and NotAction.",
                ))
            }
        };
        let (resources, not_resource) = match (obj.get("Resource"), obj.get("NotResource")) {
            (Some(r), None) => (
                Some(strings(r).ok_or_else(|| malformed("Invalid Resource."))?),
                false,
            ),
            (None, Some(r)) => (
                Some(strings(r).ok_or_else(|| malformed("Invalid NotResource."))?),
                true,
            ),
            (None, None) => (None, false),
            _ => return Err(malformed("Resource and NotResource are exclusive.")),
        };
        let (principal, not_principal) = match (obj.get("Principal"), obj.get("NotPrincipal")) {
            (Some(p), None) => (Some(Principals::parse(p)?), false),
            (None, Some(p)) => (Some(Principals::parse(p)?), true),
            (None, None) if key_policy => {
                return Err(malformed("A key policy statement needs a Principal."))
            }
            (None, None) => (None, false),
            _ => return Err(malformed("Principal and NotPrincipal are exclusive.")),
        };
        let conditions = match obj.get("Condition") {
            None => Vec::new(),
            Some(c) => Condition::parse_all(c).ok_or_else(|| malformed("Invalid Condition."))?,
        };
        Ok(Self {
            effect,
            principal,
            not_principal,
            actions,
            not_action,
            resources,
            not_resource,
            conditions,
        })
    }

    fn reaches(&self, req: &Request<'_>) -> Option<Reach> {
        let action_hit = self.actions.iter().any(|a| glob(a, req.action, true));
        if action_hit == self.not_action {
            return None;
        }
        if let Some(resources) = &self.resources {
            let hit = resources.iter().any(|r| glob(r, req.resource, false));
            if hit == self.not_resource {
                return None;
            }
        }
        match &self.principal {
            // Identity policies: attached to the caller.
            None => Some(Reach::Caller),
            Some(p) => {
                let reach = p.reach(req.caller);
                if self.not_principal {
                    match reach {
                        Some(_) => None,
                        None => Some(Reach::Caller),
                    }
                } else {
                    reach
                }
            }
        }
    }

    fn conditions_hold(&self, facts: &dyn Facts) -> bool {
        self.conditions.iter().all(|c| match c.op {
            Some(_) => c.holds(facts),
            // Fail closed: an Allow never applies, a Deny always does.
            None => self.effect == Effect::Deny,
        })
    }
}

impl Principals {
    fn parse(v: &Value) -> Result<Self, PolicyError> {
        if v.as_str() == Some("*") {
            return Ok(Self::Anyone);
        }
        let obj = v.as_object().ok_or(PolicyError::InvalidPrincipal)?;
        if obj.is_empty() {
            return Err(PolicyError::InvalidPrincipal);
        }
        let mut ids = Vec::new();
        for (kind, value) in obj {
            let values = strings(value).ok_or(PolicyError::InvalidPrincipal)?;
            for value in values {
                ids.push(match kind.as_str() {
                    "AWS" => aws_principal(&value).ok_or(PolicyError::InvalidPrincipal)?,
                    "Service" if is_service_principal(&value) => PrincipalId::Service(value),
                    "Federated" | "CanonicalUser" if !value.is_empty() => PrincipalId::Other,
                    _ => return Err(PolicyError::InvalidPrincipal),
                });
            }
        }
        Ok(Self::List(ids))
    }

    fn reach(&self, caller: &Caller) -> Option<Reach> {
        let ids = match self {
            Self::Anyone => return Some(Reach::Caller),
            Self::List(ids) => ids,
        };
        let mut best = None;
        for id in ids {
            let r = match id {
                PrincipalId::AnyAws => Some(Reach::Caller),
                PrincipalId::Account(acct) if *acct == caller.account => Some(if caller.root {
                    Reach::Caller
                } else {
                    Reach::Account
                }),
                PrincipalId::Arn(arn) if arn_names_caller(arn, caller) => Some(Reach::Caller),
                PrincipalId::Service(s) if *s == caller.arn => Some(Reach::Caller),
                _ => None,
            };
            match r {
                Some(Reach::Caller) => return Some(Reach::Caller),
                Some(Reach::Account) => best = Some(Reach::Account),
                None => {}
            }
        }
        best
    }
}

/// An AWS principal value: `*`, an account ID, an account root ARN, or an IAM/STS ARN.
fn aws_principal(v: &str) -> Option<PrincipalId> {
    if v == "*" {
        return Some(PrincipalId::AnyAws);
    }
    if v.len() == 12 && v.bytes().all(|b| b.is_ascii_digit()) {
        return Some(PrincipalId::Account(v.to_string()));
    }
    if !crate::context::is_principal_arn(v) {
        return None;
    }
    let parts: Vec<&str> = v.splitn(6, ':').collect();
    match parts.as_slice() {
        [_, _, "iam", _, account, "root"] => Some(PrincipalId::Account((*account).to_string())),
        _ => Some(PrincipalId::Arn(v.to_string())),
    }
}

/// `service.amazonaws.com`-shaped names.
fn is_service_principal(v: &str) -> bool {
    v.split('.').count() >= 2
        && v.split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
}

/// Whether a policy's principal ARN names the caller. A role ARN (with any path) names every
/// session of that role.
fn arn_names_caller(arn: &str, caller: &Caller) -> bool {
    if arn == caller.arn {
        return true;
    }
    let Some(role) = &caller.role_name else {
        return false;
    };
    let prefix = format!("arn:{}:iam::{}:role/", caller.partition, caller.account);
    arn.strip_prefix(&prefix)
        .is_some_and(|path| path.rsplit('/').next() == Some(role.as_str()))
}

/// A string or a list of strings (other scalars as their JSON text, as IAM accepts `true`, `1`).
fn strings(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::Array(items) => items.iter().map(scalar).collect(),
        other => scalar(other).map(|s| vec![s]),
    }
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl Condition {
    /// `{"<Operator>": {"<key>": value(s)}, …}`.
    fn parse_all(v: &Value) -> Option<Vec<Self>> {
        let mut out = Vec::new();
        for (operator, block) in v.as_object()? {
            let (set, rest) = if let Some(r) = operator.strip_prefix("ForAnyValue:") {
                (Some(SetOp::ForAnyValue), r)
            } else if let Some(r) = operator.strip_prefix("ForAllValues:") {
                (Some(SetOp::ForAllValues), r)
            } else {
                (None, operator.as_str())
            };
            let (name, if_exists) = match rest.strip_suffix("IfExists") {
                Some(n) if n != "Null" => (n, true),
                _ => (rest, false),
            };
            let op = Op::parse(name);
            for (key, values) in block.as_object()? {
                out.push(Self {
                    op,
                    set,
                    if_exists,
                    key: key.clone(),
                    values: strings(values)?,
                });
            }
        }
        Some(out)
    }

    fn holds(&self, facts: &dyn Facts) -> bool {
        let Some(op) = self.op else { return false };
        let present = facts.values(&self.key);
        if op == Op::Null {
            let absent = present.as_ref().is_none_or(Vec::is_empty);
            return self
                .values
                .iter()
                .any(|v| v.eq_ignore_ascii_case("true") == absent);
        }
        let (positive, negated) = op.positive();
        let one = |r: &str| {
            let any = self.values.iter().any(|p| positive.matches(r, p));
            any != negated
        };
        match (self.set, present) {
            (Some(SetOp::ForAllValues), None) => true,
            (Some(SetOp::ForAllValues), Some(vals)) => vals.iter().all(|r| one(r)),
            (Some(SetOp::ForAnyValue), None) => false,
            (Some(SetOp::ForAnyValue), Some(vals)) => vals.iter().any(|r| one(r)),
            (None, None) => self.if_exists || negated,
            (None, Some(vals)) if vals.is_empty() => self.if_exists || negated,
            // A single-valued operator over several request values: positive operators need one
            // match, negated ones need no value to match.
            (None, Some(vals)) if negated => vals.iter().all(|r| one(r)),
            (None, Some(vals)) => vals.iter().any(|r| one(r)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_matches_like_iam() {
        assert!(glob("kms:*", "kms:Encrypt", true));
        assert!(glob("KMS:encrypt", "kms:Encrypt", true));
        assert!(!glob("KMS:encrypt", "kms:Encrypt", false));
        assert!(glob(
            "kms:Generate*Key*",
            "kms:GenerateDataKeyWithoutPlaintext",
            true
        ));
        assert!(glob("a?c", "abc", false));
        assert!(!glob("a?c", "ac", false));
        assert!(glob("*", "", false));
        assert!(!glob("", "x", false));
        assert!(glob("a*b*c", "aXbYbZc", false));
    }

    #[test]
    fn callers_parse() {
        let c = Caller::from_arn("arn:aws:sts::111122223333:assumed-role/App/s1").unwrap();
        assert_eq!(c.role_name.as_deref(), Some("App"));
        assert_eq!(c.principal_arn(), "arn:aws:iam::111122223333:role/App");
        assert!(
            Caller::from_arn("arn:aws:iam::111122223333:root")
                .unwrap()
                .root
        );
    }
}
