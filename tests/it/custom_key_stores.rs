//! Custom key stores, simulated: CreateCustomKeyStore, DescribeCustomKeyStores,
//! UpdateCustomKeyStore, DeleteCustomKeyStore, ConnectCustomKeyStore and
//! DisconnectCustomKeyStore for CloudHSM and external key stores; keys in a store, which are
//! Unavailable while it is disconnected (AWS-KMS-BEHAVIOUR.md §2.2 quotas, §2.3 key-state table).
use crate::common;

use common::*;
use kms_wasm::Engine;
use serde_json::{json, Value};

const CERT: &str =
    "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUb2sbYWNob3I=\n-----END CERTIFICATE-----";

fn hsm_body(name: &str, cluster: &str) -> Value {
    json!({
        "CustomKeyStoreName": name,
        "CloudHsmClusterId": cluster,
        "TrustAnchorCertificate": CERT,
        "KeyStorePassword": "kmsPswd1",
    })
}

fn xks_body(name: &str, endpoint: &str) -> Value {
    json!({
        "CustomKeyStoreName": name,
        "CustomKeyStoreType": "EXTERNAL_KEY_STORE",
        "XksProxyUriEndpoint": endpoint,
        "XksProxyUriPath": "/example/prefix/kms/xks/v1",
        "XksProxyConnectivity": "PUBLIC_ENDPOINT",
        "XksProxyAuthenticationCredential": {
            "AccessKeyId": "ABCDE23456723EXAMPLE",
            "RawSecretAccessKey": "DXjSUawnel2fr6SKC7G25CNxTyWKE5PF9XX6H/u9pSo="
        },
    })
}

fn create(e: &mut Engine, body: Value) -> String {
    ok(e, "CreateCustomKeyStore", &ctx(), body)["CustomKeyStoreId"]
        .as_str()
        .unwrap()
        .to_string()
}

fn describe_store(e: &mut Engine, id: &str) -> Value {
    let r = ok(
        e,
        "DescribeCustomKeyStores",
        &ctx(),
        json!({"CustomKeyStoreId": id}),
    );
    r["CustomKeyStores"][0].clone()
}

fn connect(e: &mut Engine, id: &str) {
    ok(
        e,
        "ConnectCustomKeyStore",
        &ctx(),
        json!({"CustomKeyStoreId": id}),
    );
}

fn hsm_key(e: &mut Engine, store: &str) -> Value {
    ok(
        e,
        "CreateKey",
        &ctx(),
        json!({"CustomKeyStoreId": store, "Origin": "AWS_CLOUDHSM"}),
    )["KeyMetadata"]
        .clone()
}

#[test]
fn cloudhsm_key_store_is_created_disconnected() {
    let mut e = engine();
    let id = create(&mut e, hsm_body("ExampleKeyStore", "cluster-234abcdefABC"));
    assert!(id.starts_with("cks-") && id.len() == 21, "{id}");
    let entry = describe_store(&mut e, &id);
    assert_eq!(
        entry,
        json!({
            "CustomKeyStoreId": id,
            "CustomKeyStoreName": "ExampleKeyStore",
            "CloudHsmClusterId": "cluster-234abcdefABC",
            "TrustAnchorCertificate": CERT,
            "ConnectionState": "DISCONNECTED",
            "CreationDate": NOW,
            "CustomKeyStoreType": "AWS_CLOUDHSM",
        })
    );
}

#[test]
fn each_store_type_requires_its_own_members() {
    let mut e = engine();
    for member in [
        "CloudHsmClusterId",
        "TrustAnchorCertificate",
        "KeyStorePassword",
    ] {
        let mut body = hsm_body("s", "cluster-234abcdefABC");
        body.as_object_mut().unwrap().remove(member);
        let (kind, message) = err_untouched(&mut e, "CreateCustomKeyStore", &ctx(), body);
        assert_eq!(kind, "ValidationException");
        assert!(message.starts_with(member), "{message}");
    }
    for member in [
        "XksProxyUriEndpoint",
        "XksProxyUriPath",
        "XksProxyConnectivity",
        "XksProxyAuthenticationCredential",
    ] {
        let mut body = xks_body("x", "https://xks.example.com");
        body.as_object_mut().unwrap().remove(member);
        let (kind, message) = err_untouched(&mut e, "CreateCustomKeyStore", &ctx(), body);
        assert_eq!(kind, "ValidationException");
        assert!(message.starts_with(member), "{message}");
    }
    let mut body = hsm_body("s", "cluster-234abcdefABC");
    body["XksProxyUriPath"] = json!("/kms/xks/v1");
    let (kind, _) = err_untouched(&mut e, "CreateCustomKeyStore", &ctx(), body);
    assert_eq!(kind, "ValidationException");
    let mut body = xks_body("x", "https://xks.example.com");
    body["XksProxyConnectivity"] = json!("VPC_ENDPOINT_SERVICE");
    let (kind, message) = err_untouched(&mut e, "CreateCustomKeyStore", &ctx(), body);
    assert_eq!(kind, "ValidationException");
    assert!(
        message.contains("XksProxyVpcEndpointServiceName"),
        "{message}"
    );
}

#[test]
fn names_clusters_and_proxies_are_not_shared() {
    let mut e = engine();
    create(&mut e, hsm_body("one", "cluster-234abcdefABC"));
    let (kind, _) = err_untouched(
        &mut e,
        "CreateCustomKeyStore",
        &ctx(),
        hsm_body("one", "cluster-234abcdefXYZ"),
    );
    assert_eq!(kind, "CustomKeyStoreNameInUseException");
    let (kind, _) = err_untouched(
        &mut e,
        "CreateCustomKeyStore",
        &ctx(),
        hsm_body("two", "cluster-234abcdefABC"),
    );
    assert_eq!(kind, "CloudHsmClusterInUseException");
    create(&mut e, xks_body("x1", "https://xks.example.com"));
    let (kind, _) = err_untouched(
        &mut e,
        "CreateCustomKeyStore",
        &ctx(),
        xks_body("x2", "https://xks.example.com"),
    );
    assert_eq!(kind, "XksProxyUriInUseException");
    let mut body = hsm_body("three", "cluster-234abcdefQRS");
    body["TrustAnchorCertificate"] = json!("not a certificate");
    let (kind, _) = err_untouched(&mut e, "CreateCustomKeyStore", &ctx(), body);
    assert_eq!(kind, "IncorrectTrustAnchorException");
}

#[test]
fn an_account_has_at_most_10_custom_key_stores_per_region() {
    let mut e = engine();
    for i in 0..10 {
        create(
            &mut e,
            xks_body(&format!("s{i}"), &format!("https://xks{i}.example.com")),
        );
    }
    let (kind, _) = err_untouched(
        &mut e,
        "CreateCustomKeyStore",
        &ctx(),
        xks_body("s10", "https://xks10.example.com"),
    );
    assert_eq!(kind, "LimitExceededException");
    // Another Region has its own quota.
    ok(
        &mut e,
        "CreateCustomKeyStore",
        &ctx_in(ACCOUNT, "eu-west-1"),
        xks_body("s10", "https://xks10.example.com"),
    );
}

#[test]
fn describe_custom_key_stores_pages_and_filters() {
    let mut e = engine();
    let mut ids: Vec<String> = (0..5)
        .map(|i| {
            create(
                &mut e,
                xks_body(&format!("s{i}"), &format!("https://xks{i}.example.com")),
            )
        })
        .collect();
    ids.sort();
    let mut seen = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let mut body = json!({"Limit": 2});
        if let Some(m) = &marker {
            body["Marker"] = json!(m);
        }
        let r = ok(&mut e, "DescribeCustomKeyStores", &ctx(), body);
        for s in r["CustomKeyStores"].as_array().unwrap() {
            seen.push(s["CustomKeyStoreId"].as_str().unwrap().to_string());
            assert!(s["XksProxyConfiguration"]
                .get("RawSecretAccessKey")
                .is_none());
            assert_eq!(
                s["XksProxyConfiguration"]["AccessKeyId"],
                "ABCDE23456723EXAMPLE"
            );
        }
        if r["Truncated"] == true {
            marker = Some(r["NextMarker"].as_str().unwrap().to_string());
        } else {
            assert!(r.get("NextMarker").is_none());
            break;
        }
    }
    assert_eq!(seen, ids);
    let by_name = ok(
        &mut e,
        "DescribeCustomKeyStores",
        &ctx(),
        json!({"CustomKeyStoreName": "s3"}),
    );
    assert_eq!(by_name["CustomKeyStores"].as_array().unwrap().len(), 1);
    for body in [
        json!({"CustomKeyStoreName": "nope"}),
        json!({"CustomKeyStoreId": "cks-1234567890abcdef0"}),
    ] {
        let (kind, _) = err(&mut e, "DescribeCustomKeyStores", &ctx(), body);
        assert_eq!(kind, "CustomKeyStoreNotFoundException");
    }
}

#[test]
fn connect_leaves_the_store_connecting_and_the_next_request_finds_it_connected() {
    let mut e = engine();
    let id = create(&mut e, hsm_body("s", "cluster-234abcdefABC"));
    let outcome = call_raw(
        &mut e,
        "TrentService.ConnectCustomKeyStore",
        &ctx(),
        json!({"CustomKeyStoreId": id}).to_string().as_bytes(),
    );
    assert_eq!(outcome.status, 200);
    let written = String::from_utf8(outcome.entry.unwrap()).unwrap();
    assert!(written.contains("\"CONNECTING\""), "{written}");
    assert_eq!(describe_store(&mut e, &id)["ConnectionState"], "CONNECTED");
    // Connecting a connected store is fine and changes nothing.
    let outcome = call_raw(
        &mut e,
        "TrentService.ConnectCustomKeyStore",
        &ctx(),
        json!({"CustomKeyStoreId": id}).to_string().as_bytes(),
    );
    assert_eq!(outcome.status, 200);
    assert!(outcome.entry.is_none());
}

#[test]
fn keys_are_created_only_in_a_connected_store() {
    let mut e = engine();
    let id = create(&mut e, hsm_body("s", "cluster-234abcdefABC"));
    let (kind, _) = err_untouched(
        &mut e,
        "CreateKey",
        &ctx(),
        json!({"CustomKeyStoreId": id, "Origin": "AWS_CLOUDHSM"}),
    );
    assert_eq!(kind, "CustomKeyStoreInvalidStateException");
    connect(&mut e, &id);
    let md = hsm_key(&mut e, &id);
    assert_eq!(md["Origin"], "AWS_CLOUDHSM");
    assert_eq!(md["CustomKeyStoreId"], id.as_str());
    assert_eq!(md["CloudHsmClusterId"], "cluster-234abcdefABC");
    assert_eq!(md["KeyState"], "Enabled");
    let key = md["KeyId"].as_str().unwrap();
    let blob = encrypt(&mut e, &ctx(), key, b"in the hsm", None);
    let out = ok(&mut e, "Decrypt", &ctx(), json!({"CiphertextBlob": blob}));
    assert_eq!(unb64(&out["Plaintext"]), b"in the hsm");

    let (kind, _) = err_untouched(
        &mut e,
        "CreateKey",
        &ctx(),
        json!({"CustomKeyStoreId": "cks-1234567890abcdef0", "Origin": "AWS_CLOUDHSM"}),
    );
    assert_eq!(kind, "CustomKeyStoreNotFoundException");
    for body in [
        json!({"CustomKeyStoreId": id}),
        json!({"Origin": "AWS_CLOUDHSM"}),
        json!({"CustomKeyStoreId": id, "Origin": "EXTERNAL_KEY_STORE", "XksKeyId": "k"}),
    ] {
        let (kind, _) = err_untouched(&mut e, "CreateKey", &ctx(), body.clone());
        assert_eq!(kind, "ValidationException", "{body}");
    }
    for body in [
        json!({"CustomKeyStoreId": id, "Origin": "AWS_CLOUDHSM", "MultiRegion": true}),
        json!({"CustomKeyStoreId": id, "Origin": "AWS_CLOUDHSM", "KeySpec": "RSA_2048", "KeyUsage": "SIGN_VERIFY"}),
    ] {
        let (kind, _) = err_untouched(&mut e, "CreateKey", &ctx(), body.clone());
        assert_eq!(kind, "UnsupportedOperationException", "{body}");
    }
}

#[test]
fn keys_in_a_disconnected_store_are_unavailable() {
    let mut e = engine();
    let id = create(&mut e, hsm_body("s", "cluster-234abcdefABC"));
    connect(&mut e, &id);
    let md = hsm_key(&mut e, &id);
    let key = md["KeyId"].as_str().unwrap().to_string();
    let arn = md["Arn"].as_str().unwrap().to_string();
    let blob = encrypt(&mut e, &ctx(), &key, b"x", None);
    ok(
        &mut e,
        "DisconnectCustomKeyStore",
        &ctx(),
        json!({"CustomKeyStoreId": id}),
    );
    assert_eq!(
        describe_store(&mut e, &id)["ConnectionState"],
        "DISCONNECTED"
    );
    let md = describe(&mut e, &ctx(), &key);
    assert_eq!(md["KeyState"], "Unavailable");
    assert_eq!(md["Enabled"], false);
    let unavailable = format!("{arn} is unavailable.");
    for (op, body) in [
        ("Encrypt", json!({"KeyId": key, "Plaintext": b64(b"x")})),
        ("Decrypt", json!({"CiphertextBlob": blob})),
        (
            "GenerateDataKey",
            json!({"KeyId": key, "KeySpec": "AES_256"}),
        ),
    ] {
        assert_error(
            err_untouched(&mut e, op, &ctx(), body),
            "KMSInvalidStateException",
            &unavailable,
        );
    }
    // Management operations still work; DisableKey takes effect once the store is back.
    ok(
        &mut e,
        "TagResource",
        &ctx(),
        json!({"KeyId": key, "Tags": [{"TagKey": "a", "TagValue": "b"}]}),
    );
    ok(&mut e, "DisableKey", &ctx(), json!({"KeyId": key}));
    assert_eq!(describe(&mut e, &ctx(), &key)["KeyState"], "Unavailable");
    connect(&mut e, &id);
    assert_eq!(describe(&mut e, &ctx(), &key)["KeyState"], "Disabled");
    ok(&mut e, "EnableKey", &ctx(), json!({"KeyId": key}));
    let out = ok(&mut e, "Decrypt", &ctx(), json!({"CiphertextBlob": blob}));
    assert_eq!(unb64(&out["Plaintext"]), b"x");
}

#[test]
fn rotation_of_a_key_in_a_custom_key_store_is_unsupported() {
    let mut e = engine();
    let id = create(&mut e, hsm_body("s", "cluster-234abcdefABC"));
    connect(&mut e, &id);
    let md = hsm_key(&mut e, &id);
    assert_error(
        err_untouched(
            &mut e,
            "EnableKeyRotation",
            &ctx(),
            json!({"KeyId": md["KeyId"]}),
        ),
        "UnsupportedOperationException",
        &format!(
            "{} origin is AWS_CLOUDHSM which is not valid for this operation.",
            md["Arn"].as_str().unwrap()
        ),
    );
}

#[test]
fn external_key_store_keys_need_a_unique_xks_key_id() {
    let mut e = engine();
    let id = create(&mut e, xks_body("x", "https://xks.example.com"));
    connect(&mut e, &id);
    let (kind, _) = err_untouched(
        &mut e,
        "CreateKey",
        &ctx(),
        json!({"CustomKeyStoreId": id, "Origin": "EXTERNAL_KEY_STORE"}),
    );
    assert_eq!(kind, "ValidationException");
    let md = ok(
        &mut e,
        "CreateKey",
        &ctx(),
        json!({"CustomKeyStoreId": id, "Origin": "EXTERNAL_KEY_STORE", "XksKeyId": "ext-key-1"}),
    )["KeyMetadata"]
        .clone();
    assert_eq!(md["Origin"], "EXTERNAL_KEY_STORE");
    assert_eq!(md["XksKeyConfiguration"], json!({"Id": "ext-key-1"}));
    assert!(md.get("CloudHsmClusterId").is_none());
    let (kind, _) = err_untouched(
        &mut e,
        "CreateKey",
        &ctx(),
        json!({"CustomKeyStoreId": id, "Origin": "EXTERNAL_KEY_STORE", "XksKeyId": "ext-key-1"}),
    );
    assert_eq!(kind, "XksKeyAlreadyInUseException");
}

#[test]
fn an_unreachable_proxy_fails_to_connect_with_an_error_code() {
    let mut e = engine();
    let id = create(&mut e, xks_body("x", "https://xks.example.invalid"));
    connect(&mut e, &id);
    let entry = describe_store(&mut e, &id);
    assert_eq!(entry["ConnectionState"], "FAILED");
    assert_eq!(entry["ConnectionErrorCode"], "XKS_PROXY_NOT_REACHABLE");
    let (kind, _) = err_untouched(
        &mut e,
        "ConnectCustomKeyStore",
        &ctx(),
        json!({"CustomKeyStoreId": id}),
    );
    assert_eq!(kind, "CustomKeyStoreInvalidStateException");
    // Disconnect, fix the endpoint, connect again.
    ok(
        &mut e,
        "DisconnectCustomKeyStore",
        &ctx(),
        json!({"CustomKeyStoreId": id}),
    );
    assert!(describe_store(&mut e, &id)
        .get("ConnectionErrorCode")
        .is_none());
    ok(
        &mut e,
        "UpdateCustomKeyStore",
        &ctx(),
        json!({"CustomKeyStoreId": id, "XksProxyUriEndpoint": "https://xks.example.com"}),
    );
    connect(&mut e, &id);
    assert_eq!(describe_store(&mut e, &id)["ConnectionState"], "CONNECTED");
}

#[test]
fn disconnecting_a_disconnected_store_is_invalid_state() {
    let mut e = engine();
    let id = create(&mut e, hsm_body("s", "cluster-234abcdefABC"));
    let (kind, _) = err_untouched(
        &mut e,
        "DisconnectCustomKeyStore",
        &ctx(),
        json!({"CustomKeyStoreId": id}),
    );
    assert_eq!(kind, "CustomKeyStoreInvalidStateException");
    let (kind, _) = err_untouched(
        &mut e,
        "ConnectCustomKeyStore",
        &ctx(),
        json!({"CustomKeyStoreId": "cks-1234567890abcdef0"}),
    );
    assert_eq!(kind, "CustomKeyStoreNotFoundException");
}

#[test]
fn update_custom_key_store_follows_the_connection_rules() {
    let mut e = engine();
    let hsm = create(&mut e, hsm_body("hsm", "cluster-234abcdefABC"));
    let xks = create(&mut e, xks_body("xks", "https://xks.example.com"));
    connect(&mut e, &hsm);
    connect(&mut e, &xks);
    let (kind, _) = err_untouched(
        &mut e,
        "UpdateCustomKeyStore",
        &ctx(),
        json!({"CustomKeyStoreId": hsm, "KeyStorePassword": "newPassword"}),
    );
    assert_eq!(kind, "CustomKeyStoreInvalidStateException");
    // An external key store may change its name, path and credential while connected.
    ok(
        &mut e,
        "UpdateCustomKeyStore",
        &ctx(),
        json!({"CustomKeyStoreId": xks, "NewCustomKeyStoreName": "renamed", "XksProxyUriPath": "/kms/xks/v2"}),
    );
    let entry = describe_store(&mut e, &xks);
    assert_eq!(entry["CustomKeyStoreName"], "renamed");
    assert_eq!(entry["XksProxyConfiguration"]["UriPath"], "/kms/xks/v2");
    let (kind, _) = err_untouched(
        &mut e,
        "UpdateCustomKeyStore",
        &ctx(),
        json!({"CustomKeyStoreId": xks, "XksProxyUriEndpoint": "https://other.example.com"}),
    );
    assert_eq!(kind, "CustomKeyStoreInvalidStateException");
    let (kind, _) = err_untouched(
        &mut e,
        "UpdateCustomKeyStore",
        &ctx(),
        json!({"CustomKeyStoreId": xks, "NewCustomKeyStoreName": "hsm"}),
    );
    assert_eq!(kind, "CustomKeyStoreNameInUseException");
    let (kind, _) = err_untouched(
        &mut e,
        "UpdateCustomKeyStore",
        &ctx(),
        json!({"CustomKeyStoreId": xks, "KeyStorePassword": "newPassword"}),
    );
    assert_eq!(kind, "ValidationException");
    ok(
        &mut e,
        "DisconnectCustomKeyStore",
        &ctx(),
        json!({"CustomKeyStoreId": hsm}),
    );
    ok(
        &mut e,
        "UpdateCustomKeyStore",
        &ctx(),
        json!({"CustomKeyStoreId": hsm, "KeyStorePassword": "newPassword"}),
    );
}

#[test]
fn delete_custom_key_store_refuses_while_it_has_keys_or_is_connected() {
    let mut e = engine();
    let id = create(&mut e, hsm_body("s", "cluster-234abcdefABC"));
    connect(&mut e, &id);
    let key = hsm_key(&mut e, &id)["KeyId"].as_str().unwrap().to_string();
    let (kind, _) = err_untouched(
        &mut e,
        "DeleteCustomKeyStore",
        &ctx(),
        json!({"CustomKeyStoreId": id}),
    );
    assert_eq!(kind, "CustomKeyStoreHasCMKsException");
    // A key pending deletion still counts.
    ok(
        &mut e,
        "ScheduleKeyDeletion",
        &ctx(),
        json!({"KeyId": key, "PendingWindowInDays": 7}),
    );
    let (kind, _) = err_untouched(
        &mut e,
        "DeleteCustomKeyStore",
        &ctx(),
        json!({"CustomKeyStoreId": id}),
    );
    assert_eq!(kind, "CustomKeyStoreHasCMKsException");

    let empty = create(&mut e, hsm_body("empty", "cluster-234abcdefXYZ"));
    connect(&mut e, &empty);
    let (kind, _) = err_untouched(
        &mut e,
        "DeleteCustomKeyStore",
        &ctx(),
        json!({"CustomKeyStoreId": empty}),
    );
    assert_eq!(kind, "CustomKeyStoreInvalidStateException");
    ok(
        &mut e,
        "DisconnectCustomKeyStore",
        &ctx(),
        json!({"CustomKeyStoreId": empty}),
    );
    ok(
        &mut e,
        "DeleteCustomKeyStore",
        &ctx(),
        json!({"CustomKeyStoreId": empty}),
    );
    let (kind, _) = err(
        &mut e,
        "DescribeCustomKeyStores",
        &ctx(),
        json!({"CustomKeyStoreId": empty}),
    );
    assert_eq!(kind, "CustomKeyStoreNotFoundException");
}

#[test]
fn custom_key_stores_survive_snapshot_and_replay() {
    let mut e = engine();
    let id = create(&mut e, hsm_body("s", "cluster-234abcdefABC"));
    connect(&mut e, &id);
    let mut restored = engine();
    restored.restore(&e.snapshot()).unwrap();
    assert_eq!(
        describe_store(&mut restored, &id),
        describe_store(&mut e, &id)
    );
}
