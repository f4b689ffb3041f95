//! AWS managed keys (AWS-KMS-BEHAVIOUR.md §2.4, §2.7): `alias/aws/<service>` creates its key on
//! first reference, with KeyManager AWS, the fixed policy and yearly rotation; customers cannot
//! administer it; ListAliases shows the predefined aliases before their keys exist.

use crate::common;

use common::*;
use serde_json::json;

#[test]
fn describe_key_creates_the_aws_managed_key_once() {
    let mut e = engine();
    let meta = describe(&mut e, &ctx(), "alias/aws/s3");
    assert_eq!(meta["KeyManager"], "AWS");
    assert_eq!(meta["Origin"], "AWS_KMS");
    assert_eq!(meta["KeySpec"], "SYMMETRIC_DEFAULT");
    assert_eq!(meta["KeyState"], "Enabled");
    assert_eq!(
        meta["Description"],
        "Default key that protects my S3 objects when no other key is defined"
    );
    let id = meta["KeyId"].as_str().unwrap().to_string();
    // The same key on every later reference, by alias name or alias ARN.
    assert_eq!(describe(&mut e, &ctx(), "alias/aws/s3")["KeyId"], id);
    let arn = ctx().arn("alias/aws/s3");
    assert_eq!(describe(&mut e, &ctx(), &arn)["KeyId"], id);
    assert_eq!(e.store().keys.len(), 1);

    let rotation = ok(&mut e, "GetKeyRotationStatus", &ctx(), json!({"KeyId": id}));
    assert_eq!(rotation["KeyRotationEnabled"], true);
    assert_eq!(rotation["RotationPeriodInDays"], 365);

    let policy = ok(&mut e, "GetKeyPolicy", &ctx(), json!({"KeyId": id}))["Policy"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        policy.contains("\"kms:ViaService\" : \"s3.us-east-1.amazonaws.com\""),
        "{policy}"
    );
    assert!(
        policy.contains("\"kms:CallerAccount\" : \"111122223333\""),
        "{policy}"
    );
    assert!(policy.contains("Allow direct access to key metadata to the account"));

    let aliases = ok(&mut e, "ListAliases", &ctx(), json!({"KeyId": id}))["Aliases"].clone();
    assert_eq!(aliases[0]["AliasName"], "alias/aws/s3");
    assert_eq!(aliases[0]["TargetKeyId"], id.as_str());
}

#[test]
fn unknown_services_are_not_found() {
    let mut e = engine();
    let (kind, _) = err_untouched(
        &mut e,
        "DescribeKey",
        &ctx(),
        json!({"KeyId": "alias/aws/not-a-service"}),
    );
    assert_eq!(kind, "NotFoundException");
}

#[test]
fn direct_cryptographic_use_is_denied_as_in_aws_unless_enforcement_is_off() {
    let mut e = engine();
    // The policy allows use only through the service (kms:ViaService): a direct call is denied,
    // and the denied call creates nothing.
    let (kind, message) = err(
        &mut e,
        "Encrypt",
        &ctx(),
        json!({"KeyId": "alias/aws/ebs", "Plaintext": b64(b"x")}),
    );
    assert_eq!(kind, "AccessDeniedException");
    assert!(message.contains("kms:Encrypt"), "{message}");
    assert!(e.store().keys.is_empty());

    let mut open = ctx();
    open.enforce_policies = false;
    let out = ok(
        &mut e,
        "Encrypt",
        &open,
        json!({"KeyId": "alias/aws/ebs", "Plaintext": b64(b"x")}),
    );
    let meta = describe(&mut e, &ctx(), "alias/aws/ebs");
    assert_eq!(out["KeyId"], meta["Arn"]);
    assert_eq!(
        meta["Description"],
        "Default key that protects my EBS volumes when no other key is defined"
    );
    let back = ok(
        &mut e,
        "Decrypt",
        &open,
        json!({"CiphertextBlob": out["CiphertextBlob"]}),
    );
    assert_eq!(unb64(&back["Plaintext"]), b"x");
}

#[test]
fn customers_cannot_administer_aws_managed_keys() {
    let mut e = engine();
    let id = describe(&mut e, &ctx(), "alias/aws/lambda")["KeyId"]
        .as_str()
        .unwrap()
        .to_string();
    let mut open = ctx();
    open.enforce_policies = false;
    for c in [ctx(), open] {
        for (op, body) in [
            ("ScheduleKeyDeletion", json!({"KeyId": id})),
            ("DisableKey", json!({"KeyId": id})),
            ("EnableKeyRotation", json!({"KeyId": id})),
            ("DisableKeyRotation", json!({"KeyId": id})),
            (
                "PutKeyPolicy",
                json!({"KeyId": id, "Policy": "{\"Version\":\"2012-10-17\",\"Statement\":[]}"}),
            ),
            (
                "UpdateKeyDescription",
                json!({"KeyId": id, "Description": "mine"}),
            ),
            (
                "CreateAlias",
                json!({"AliasName": "alias/mine", "TargetKeyId": id}),
            ),
        ] {
            let (kind, message) = err_untouched(&mut e, op, &c, body);
            assert_eq!(kind, "AccessDeniedException", "{op}: {message}");
        }
    }
    for (op, body) in [
        (
            "CreateAlias",
            json!({"AliasName": "alias/aws/lambda", "TargetKeyId": id}),
        ),
        ("DeleteAlias", json!({"AliasName": "alias/aws/lambda"})),
    ] {
        assert_eq!(
            err_untouched(&mut e, op, &ctx(), body).0,
            "NotAuthorizedException"
        );
    }
    assert_eq!(describe(&mut e, &ctx(), &id)["KeyState"], "Enabled");
}

#[test]
fn list_aliases_shows_predefined_aliases_without_targets() {
    let mut e = engine();
    let all = ok(&mut e, "ListAliases", &ctx(), json!({"Limit": 100}))["Aliases"].clone();
    let s3 = all
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["AliasName"] == "alias/aws/s3")
        .unwrap()
        .clone();
    assert_eq!(s3["AliasArn"], ctx().arn("alias/aws/s3"));
    assert!(s3.get("TargetKeyId").is_none());
    assert!(s3.get("CreationDate").is_none());
    assert!(all.as_array().unwrap().len() >= 14);

    let id = describe(&mut e, &ctx(), "alias/aws/s3")["KeyId"].clone();
    let all = ok(&mut e, "ListAliases", &ctx(), json!({"Limit": 100}))["Aliases"].clone();
    let s3: Vec<_> = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["AliasName"] == "alias/aws/s3")
        .collect();
    assert_eq!(s3.len(), 1);
    assert_eq!(s3[0]["TargetKeyId"], id);
}

#[test]
fn the_creation_is_journaled_with_the_call() {
    let mut e = engine();
    let out = call_raw(
        &mut e,
        "TrentService.DescribeKey",
        &ctx(),
        json!({"KeyId": "alias/aws/rds"}).to_string().as_bytes(),
    );
    assert!(out.entry.is_some());
    let mut replica = engine();
    replica.apply(&out.entry.unwrap()).unwrap();
    assert_eq!(replica.store(), e.store());
}
