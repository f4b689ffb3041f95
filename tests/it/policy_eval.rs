//! The policy evaluator on its own (`kms_wasm::model::policy_eval`): principals, actions,
//! resources, every condition operator family with IfExists and the set qualifiers, and the
//! decision rules (explicit deny wins, IAM delegation through the account principal).
use std::collections::HashMap;

use kms_wasm::model::policy_eval::{
    decide, Caller, Decision, Facts, Policy, PolicyError, PolicyKind, Request, Verdict,
};
use serde_json::{json, Value};

const ROOT: &str = "arn:aws:iam::111122223333:root";
const ROLE: &str = "arn:aws:iam::111122223333:role/App";
const SESSION: &str = "arn:aws:sts::111122223333:assumed-role/App/session-1";
const USER: &str = "arn:aws:iam::111122223333:user/alice";
const OTHER: &str = "arn:aws:iam::444455556666:user/mallory";
const KEY: &str = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

#[derive(Default)]
struct Map(HashMap<String, Vec<String>>);

impl Map {
    fn with(mut self, k: &str, v: &[&str]) -> Self {
        self.0.insert(
            k.to_ascii_lowercase(),
            v.iter().map(|s| s.to_string()).collect(),
        );
        self
    }
}

impl Facts for Map {
    fn values(&self, key: &str) -> Option<Vec<String>> {
        self.0.get(&key.to_ascii_lowercase()).cloned()
    }
}

fn caller(arn: &str) -> Caller {
    Caller::from_arn(arn).unwrap()
}

fn key_policy(statements: Value) -> Policy {
    Policy::parse(
        &json!({"Version": "2012-10-17", "Statement": statements}).to_string(),
        true,
    )
    .unwrap()
}

fn eval(p: &Policy, who: &str, action: &str, facts: &Map) -> Verdict {
    let c = caller(who);
    p.evaluate(&Request {
        caller: &c,
        action,
        resource: KEY,
        facts,
    })
}

fn allow(principal: Value, action: Value, condition: Option<Value>) -> Value {
    let mut s =
        json!({"Effect": "Allow", "Principal": principal, "Action": action, "Resource": "*"});
    if let Some(c) = condition {
        s["Condition"] = c;
    }
    s
}

/// Whether a single Allow statement with this condition applies to USER for kms:Decrypt.
fn condition_holds(condition: Value, facts: &Map) -> bool {
    let p = key_policy(json!([allow(
        json!({"AWS": USER}),
        json!("kms:Decrypt"),
        Some(condition)
    )]));
    eval(&p, USER, "kms:Decrypt", facts).allowed
}

#[test]
fn principal_forms_reach_the_right_callers() {
    let none = Map::default();
    let by_account = key_policy(json!([allow(json!({"AWS": ROOT}), json!("kms:*"), None)]));
    let v = eval(&by_account, ROOT, "kms:Encrypt", &none);
    assert!(v.allowed && !v.allowed_account, "root is reached directly");
    let v = eval(&by_account, USER, "kms:Encrypt", &none);
    assert!(
        !v.allowed && v.allowed_account,
        "others in the account are delegated to IAM"
    );
    assert_eq!(
        eval(&by_account, OTHER, "kms:Encrypt", &none),
        Verdict::default()
    );

    let by_id = key_policy(json!([allow(
        json!({"AWS": "111122223333"}),
        json!("kms:*"),
        None
    )]));
    assert!(eval(&by_id, USER, "kms:Encrypt", &none).allowed_account);

    let by_role = key_policy(json!([allow(json!({"AWS": [ROLE]}), json!("kms:*"), None)]));
    assert!(eval(&by_role, ROLE, "kms:Encrypt", &none).allowed);
    assert!(
        eval(&by_role, SESSION, "kms:Encrypt", &none).allowed,
        "sessions of the role"
    );
    assert!(!eval(&by_role, USER, "kms:Encrypt", &none).allowed);

    let anyone = key_policy(json!([allow(json!("*"), json!("kms:*"), None)]));
    assert!(eval(&anyone, OTHER, "kms:Encrypt", &none).allowed);
    let any_aws = key_policy(json!([allow(json!({"AWS": "*"}), json!("kms:*"), None)]));
    assert!(eval(&any_aws, OTHER, "kms:Encrypt", &none).allowed);

    let service = key_policy(json!([allow(
        json!({"Service": "logs.amazonaws.com"}),
        json!("kms:*"),
        None
    )]));
    assert!(!eval(&service, USER, "kms:Encrypt", &none).allowed);
}

#[test]
fn not_principal_applies_to_everyone_else() {
    let p = key_policy(
        json!([{"Effect": "Deny", "NotPrincipal": {"AWS": [USER]}, "Action": "kms:*", "Resource": "*"}]),
    );
    assert!(!eval(&p, USER, "kms:Encrypt", &Map::default()).denied);
    assert!(eval(&p, ROLE, "kms:Encrypt", &Map::default()).denied);
}

#[test]
fn actions_match_with_wildcards_case_insensitively() {
    let none = Map::default();
    let p = key_policy(json!([allow(
        json!({"AWS": USER}),
        json!(["KMS:encrypt", "kms:GenerateDataKey*", "kms:?ecrypt"]),
        None
    )]));
    for (action, expected) in [
        ("kms:Encrypt", true),
        ("kms:GenerateDataKeyWithoutPlaintext", true),
        ("kms:Decrypt", true),
        ("kms:ReEncryptFrom", false),
        ("kms:PutKeyPolicy", false),
    ] {
        assert_eq!(eval(&p, USER, action, &none).allowed, expected, "{action}");
    }
    let not = key_policy(
        json!([{"Effect": "Allow", "Principal": {"AWS": USER}, "NotAction": "kms:Decrypt", "Resource": "*"}]),
    );
    assert!(eval(&not, USER, "kms:Encrypt", &none).allowed);
    assert!(!eval(&not, USER, "kms:Decrypt", &none).allowed);
}

#[test]
fn resources_match_case_sensitively() {
    let none = Map::default();
    let p = key_policy(
        json!([{"Effect": "Allow", "Principal": {"AWS": USER}, "Action": "kms:*", "Resource": "arn:aws:kms:us-east-1:111122223333:key/*"}]),
    );
    assert!(eval(&p, USER, "kms:Encrypt", &none).allowed);
    let other = key_policy(
        json!([{"Effect": "Allow", "Principal": {"AWS": USER}, "Action": "kms:*", "Resource": "arn:aws:kms:eu-west-1:*"}]),
    );
    assert!(!eval(&other, USER, "kms:Encrypt", &none).allowed);
    let not = key_policy(
        json!([{"Effect": "Allow", "Principal": {"AWS": USER}, "Action": "kms:*", "NotResource": KEY}]),
    );
    assert!(!eval(&not, USER, "kms:Encrypt", &none).allowed);
}

#[test]
fn string_operators() {
    let f = Map::default().with("kms:EncryptionContext:Dept", &["IT"]);
    assert!(condition_holds(
        json!({"StringEquals": {"kms:EncryptionContext:Dept": "IT"}}),
        &f
    ));
    assert!(!condition_holds(
        json!({"StringEquals": {"kms:EncryptionContext:Dept": "it"}}),
        &f
    ));
    assert!(
        condition_holds(
            json!({"StringEquals": {"kms:EncryptionContext:Dept": ["HR", "IT"]}}),
            &f
        ),
        "values OR"
    );
    assert!(condition_holds(
        json!({"StringEqualsIgnoreCase": {"kms:EncryptionContext:Dept": "it"}}),
        &f
    ));
    assert!(!condition_holds(
        json!({"StringNotEqualsIgnoreCase": {"kms:EncryptionContext:Dept": "it"}}),
        &f
    ));
    assert!(condition_holds(
        json!({"StringNotEquals": {"kms:EncryptionContext:Dept": ["HR", "Ops"]}}),
        &f
    ));
    assert!(!condition_holds(
        json!({"StringNotEquals": {"kms:EncryptionContext:Dept": ["HR", "IT"]}}),
        &f
    ));
    assert!(condition_holds(
        json!({"StringLike": {"kms:EncryptionContext:Dept": "I?"}}),
        &f
    ));
    assert!(!condition_holds(
        json!({"StringNotLike": {"kms:EncryptionContext:Dept": "*T"}}),
        &f
    ));
}

#[test]
fn absent_keys_fail_positive_operators_and_pass_negated_ones() {
    let none = Map::default();
    assert!(!condition_holds(
        json!({"StringEquals": {"kms:EncryptionContext:Dept": "IT"}}),
        &none
    ));
    assert!(condition_holds(
        json!({"StringNotEquals": {"kms:EncryptionContext:Dept": "IT"}}),
        &none
    ));
    assert!(condition_holds(
        json!({"StringEqualsIfExists": {"kms:EncryptionContext:Dept": "IT"}}),
        &none
    ));
    let f = Map::default().with("kms:EncryptionContext:Dept", &["HR"]);
    assert!(!condition_holds(
        json!({"StringEqualsIfExists": {"kms:EncryptionContext:Dept": "IT"}}),
        &f
    ));
}

#[test]
fn arn_bool_numeric_and_null_operators() {
    let f = Map::default()
        .with("aws:PrincipalArn", &[ROLE])
        .with("kms:MultiRegion", &["false"])
        .with("kms:ScheduleKeyDeletionPendingWindowInDays", &["10"]);
    assert!(condition_holds(
        json!({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}),
        &f
    ));
    assert!(condition_holds(
        json!({"ArnEquals": {"aws:PrincipalArn": ROLE}}),
        &f
    ));
    assert!(!condition_holds(
        json!({"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}),
        &f
    ));
    assert!(condition_holds(
        json!({"ArnNotEquals": {"aws:PrincipalArn": USER}}),
        &f
    ));
    assert!(condition_holds(
        json!({"Bool": {"kms:MultiRegion": "false"}}),
        &f
    ));
    assert!(condition_holds(
        json!({"Bool": {"kms:MultiRegion": false}}),
        &f
    ));
    assert!(!condition_holds(
        json!({"Bool": {"kms:MultiRegion": "true"}}),
        &f
    ));
    let n = "kms:ScheduleKeyDeletionPendingWindowInDays";
    for (op, v, expected) in [
        ("NumericEquals", "10", true),
        ("NumericNotEquals", "10", false),
        ("NumericLessThan", "11", true),
        ("NumericLessThanEquals", "10", true),
        ("NumericGreaterThan", "10", false),
        ("NumericGreaterThanEquals", "10", true),
        ("NumericEquals", "ten", false),
    ] {
        assert_eq!(
            condition_holds(json!({op: {n: v}}), &f),
            expected,
            "{op} {v}"
        );
    }
    assert!(condition_holds(
        json!({"Null": {"kms:EncryptionContextKeys": "true"}}),
        &f
    ));
    assert!(!condition_holds(
        json!({"Null": {"kms:EncryptionContextKeys": "false"}}),
        &f
    ));
    assert!(condition_holds(
        json!({"Null": {"aws:PrincipalArn": "false"}}),
        &f
    ));
}

#[test]
fn set_operators_over_multivalued_keys() {
    let f = Map::default().with("kms:EncryptionContextKeys", &["Dept", "Project"]);
    let k = "kms:EncryptionContextKeys";
    assert!(condition_holds(
        json!({"ForAnyValue:StringEquals": {k: "Dept"}}),
        &f
    ));
    assert!(!condition_holds(
        json!({"ForAnyValue:StringEquals": {k: "Owner"}}),
        &f
    ));
    assert!(condition_holds(
        json!({"ForAllValues:StringEquals": {k: ["Dept", "Project", "Owner"]}}),
        &f
    ));
    assert!(!condition_holds(
        json!({"ForAllValues:StringEquals": {k: ["Dept"]}}),
        &f
    ));
    assert!(condition_holds(
        json!({"ForAllValues:StringLike": {k: ["D*", "P*"]}}),
        &f
    ));
    let none = Map::default();
    assert!(
        condition_holds(json!({"ForAllValues:StringEquals": {k: "Dept"}}), &none),
        "vacuous"
    );
    assert!(!condition_holds(
        json!({"ForAnyValue:StringEquals": {k: "Dept"}}),
        &none
    ));
}

#[test]
fn several_keys_and_operators_all_must_hold() {
    let f = Map::default()
        .with("kms:EncryptionContext:Dept", &["IT"])
        .with("kms:CallerAccount", &["111122223333"]);
    assert!(condition_holds(
        json!({"StringEquals": {"kms:EncryptionContext:Dept": "IT", "kms:CallerAccount": "111122223333"}}),
        &f
    ));
    assert!(!condition_holds(
        json!({"StringEquals": {"kms:EncryptionContext:Dept": "IT"}, "StringNotEquals": {"kms:CallerAccount": "111122223333"}}),
        &f
    ));
}

#[test]
fn unknown_operators_fail_closed() {
    let f = Map::default().with("aws:SourceIp", &["10.0.0.1"]);
    let allow_stmt = key_policy(json!([allow(
        json!({"AWS": USER}),
        json!("kms:*"),
        Some(json!({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))
    )]));
    assert!(allow_stmt.has_unknown_operator());
    assert!(!eval(&allow_stmt, USER, "kms:Encrypt", &f).allowed);
    let deny_stmt = key_policy(
        json!([{"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*", "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}}]),
    );
    assert!(eval(&deny_stmt, USER, "kms:Encrypt", &f).denied);
}

#[test]
fn malformed_documents_are_rejected() {
    let bad = |doc: Value| Policy::parse(&doc.to_string(), true).unwrap_err();
    assert!(matches!(
        bad(json!({"Statement": [{"Principal": "*", "Action": "kms:*"}]})),
        PolicyError::Malformed(_)
    ));
    assert!(matches!(
        bad(json!({"Statement": [{"Effect": "Maybe", "Principal": "*", "Action": "kms:*"}]})),
        PolicyError::Malformed(_)
    ));
    assert!(matches!(
        bad(json!({"Statement": [{"Effect": "Allow", "Principal": "*"}]})),
        PolicyError::Malformed(_)
    ));
    assert!(
        matches!(
            bad(json!({"Statement": [{"Effect": "Allow", "Action": "kms:*"}]})),
            PolicyError::Malformed(_)
        ),
        "key policies need a principal"
    );
    assert!(matches!(
        bad(json!({"Statement": []})),
        PolicyError::Malformed(_)
    ));
    for principal in [
        json!({"AWS": "bob"}),
        json!({"AWS": "arn:aws:s3:::bucket"}),
        json!({"Nobody": "x"}),
        json!({}),
        json!("nobody"),
    ] {
        assert_eq!(
            bad(
                json!({"Statement": [{"Effect": "Allow", "Principal": principal, "Action": "kms:*"}]})
            ),
            PolicyError::InvalidPrincipal,
            "{principal}"
        );
    }
    // Identity policies have no principal.
    assert!(Policy::parse(
        &json!({"Statement": {"Effect": "Allow", "Action": "kms:*", "Resource": "*"}}).to_string(),
        false
    )
    .is_ok());
}

fn decide_for(kp: &Policy, identity: &[Policy], who: &str) -> Decision {
    let c = caller(who);
    let facts = Map::default();
    decide(
        Some(kp),
        identity,
        &Request {
            caller: &c,
            action: "kms:Encrypt",
            resource: KEY,
            facts: &facts,
        },
    )
}

fn identity(effect: &str, action: &str) -> Policy {
    Policy::parse(
        &json!({"Statement": [{"Effect": effect, "Action": action, "Resource": "*"}]}).to_string(),
        false,
    )
    .unwrap()
}

#[test]
fn decisions_follow_iam_rules() {
    let default = key_policy(json!([allow(json!({"AWS": ROOT}), json!("kms:*"), None)]));
    assert_eq!(decide_for(&default, &[], ROOT), Decision::Allow);
    assert_eq!(
        decide_for(&default, &[], USER),
        Decision::ImplicitDeny(PolicyKind::IdentityBased)
    );
    assert_eq!(
        decide_for(&default, &[identity("Allow", "kms:Encrypt")], USER),
        Decision::Allow
    );
    assert_eq!(
        decide_for(&default, &[identity("Allow", "kms:Decrypt")], USER),
        Decision::ImplicitDeny(PolicyKind::IdentityBased)
    );
    assert_eq!(
        decide_for(
            &default,
            &[identity("Allow", "kms:*"), identity("Deny", "kms:Encrypt")],
            USER
        ),
        Decision::ExplicitDeny(PolicyKind::IdentityBased)
    );
    // Identity policies never apply to the root user.
    assert_eq!(
        decide_for(&default, &[identity("Deny", "kms:*")], ROOT),
        Decision::Allow
    );

    let role_only = key_policy(json!([allow(json!({"AWS": ROLE}), json!("kms:*"), None)]));
    assert_eq!(
        decide_for(&role_only, &[], SESSION),
        Decision::Allow,
        "direct grant needs no IAM"
    );
    assert_eq!(
        decide_for(&role_only, &[identity("Allow", "kms:*")], USER),
        Decision::ImplicitDeny(PolicyKind::ResourceBased)
    );
    assert_eq!(
        decide_for(&role_only, &[], ROOT),
        Decision::ImplicitDeny(PolicyKind::ResourceBased),
        "root needs the key policy too"
    );

    let with_deny = key_policy(json!([
        allow(json!({"AWS": ROOT}), json!("kms:*"), None),
        {"Effect": "Deny", "Principal": {"AWS": USER}, "Action": "kms:Encrypt", "Resource": "*"}
    ]));
    assert_eq!(
        decide_for(&with_deny, &[identity("Allow", "kms:*")], USER),
        Decision::ExplicitDeny(PolicyKind::ResourceBased)
    );
}

#[test]
fn operations_on_no_key_need_identity_policies_unless_root() {
    let c = caller(USER);
    let facts = Map::default().with("kms:KeySpec", &["RSA_4096"]);
    let req = Request {
        caller: &c,
        action: "kms:CreateKey",
        resource: "*",
        facts: &facts,
    };
    assert_eq!(
        decide::<Policy>(None, &[], &req),
        Decision::ImplicitDeny(PolicyKind::IdentityBased)
    );
    let only_rsa = Policy::parse(&json!({"Statement": [{"Effect": "Allow", "Action": "kms:CreateKey", "Resource": "*", "Condition": {"StringEquals": {"kms:KeySpec": "RSA_4096"}}}]}).to_string(), false).unwrap();
    assert_eq!(decide(None, &[only_rsa], &req), Decision::Allow);
    let root = caller(ROOT);
    let req = Request {
        caller: &root,
        ..req
    };
    assert_eq!(decide::<Policy>(None, &[], &req), Decision::Allow);
}
