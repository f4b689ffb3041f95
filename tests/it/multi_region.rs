//! Multi-Region keys: CreateKey MultiRegion, ReplicateKey, UpdatePrimaryRegion, deletion of a
//! primary with replicas, and ciphertexts that decrypt in every Region of the key
//! (AWS-KMS-BEHAVIOUR.md §2.1, §2.10, §2.20).
use crate::common;

use common::*;
use kms_wasm::{Engine, RequestCtx};
use serde_json::{json, Value};

const WEST: &str = "us-west-2";
const EU: &str = "eu-west-1";

fn in_region(region: &str) -> RequestCtx {
    ctx_in(ACCOUNT, region)
}

fn mrk(e: &mut Engine) -> Value {
    ok(e, "CreateKey", &ctx(), json!({"MultiRegion": true}))["KeyMetadata"].clone()
}

fn replicate(e: &mut Engine, key_id: &str, region: &str) -> Value {
    ok(
        e,
        "ReplicateKey",
        &ctx(),
        json!({"KeyId": key_id, "ReplicaRegion": region}),
    )
}

fn entry(region: &str, key_id: &str) -> Value {
    json!({"Arn": key_arn(&in_region(region), key_id), "Region": region})
}

#[test]
fn multi_region_key_has_mrk_id_and_primary_configuration() {
    let mut e = engine();
    let md = mrk(&mut e);
    let id = md["KeyId"].as_str().unwrap();
    assert!(id.starts_with("mrk-") && id.len() == 36, "{id}");
    assert!(id[4..]
        .bytes()
        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    assert_eq!(md["MultiRegion"], true);
    assert_eq!(
        md["MultiRegionConfiguration"],
        json!({"MultiRegionKeyType": "PRIMARY", "PrimaryKey": entry(REGION, id), "ReplicaKeys": []})
    );
    let single = create_key(&mut e, &ctx());
    assert_eq!(single["MultiRegion"], false);
    assert!(single.get("MultiRegionConfiguration").is_none());
}

#[test]
fn replicate_key_answers_creating_and_the_replica_is_enabled_afterwards() {
    let mut e = engine();
    let md = mrk(&mut e);
    let id = md["KeyId"].as_str().unwrap().to_string();
    ok(
        &mut e,
        "UpdateKeyDescription",
        &ctx(),
        json!({"KeyId": id, "Description": "primary"}),
    );
    let r = ok(
        &mut e,
        "ReplicateKey",
        &ctx(),
        json!({"KeyId": id, "ReplicaRegion": WEST, "Tags": [{"TagKey": "k", "TagValue": "v"}]}),
    );
    let replica = &r["ReplicaKeyMetadata"];
    assert_eq!(replica["KeyId"], id.as_str());
    assert_eq!(replica["Arn"], key_arn(&in_region(WEST), &id));
    assert_eq!(replica["KeyState"], "Creating");
    assert_eq!(replica["Enabled"], false);
    assert_eq!(replica["Description"], "");
    assert!(replica.get("CurrentKeyMaterialId").is_none(), "{replica}");
    assert_eq!(
        replica["MultiRegionConfiguration"],
        json!({"MultiRegionKeyType": "REPLICA", "PrimaryKey": entry(REGION, &id), "ReplicaKeys": [entry(WEST, &id)]})
    );
    assert!(r["ReplicaPolicy"]
        .as_str()
        .unwrap()
        .contains("\"Version\" : \"2012-10-17\""));
    assert_eq!(r["ReplicaTags"], json!([{"TagKey": "k", "TagValue": "v"}]));

    let later = describe(&mut e, &in_region(WEST), &id);
    assert_eq!(later["KeyState"], "Enabled");
    assert_eq!(later["Enabled"], true);
    assert_eq!(later["CurrentKeyMaterialId"], md["CurrentKeyMaterialId"]);
    let tags = ok(
        &mut e,
        "ListResourceTags",
        &in_region(WEST),
        json!({"KeyId": id}),
    );
    assert_eq!(tags["Tags"], json!([{"TagKey": "k", "TagValue": "v"}]));
}

#[test]
fn primary_and_replicas_all_list_every_replica() {
    let mut e = engine();
    let id = mrk(&mut e)["KeyId"].as_str().unwrap().to_string();
    replicate(&mut e, &id, WEST);
    replicate(&mut e, &id, EU);
    let replicas = json!([entry(WEST, &id), entry(EU, &id)]);
    for (region, kind) in [(REGION, "PRIMARY"), (WEST, "REPLICA"), (EU, "REPLICA")] {
        let md = describe(&mut e, &in_region(region), &id);
        let config = &md["MultiRegionConfiguration"];
        assert_eq!(config["MultiRegionKeyType"], kind, "{region}");
        assert_eq!(config["PrimaryKey"], entry(REGION, &id));
        assert_eq!(config["ReplicaKeys"], replicas, "{region}");
    }
}

#[test]
fn one_replica_per_region_else_already_exists() {
    let mut e = engine();
    let id = mrk(&mut e)["KeyId"].as_str().unwrap().to_string();
    replicate(&mut e, &id, WEST);
    for region in [WEST, REGION] {
        let (kind, _) = err_untouched(
            &mut e,
            "ReplicateKey",
            &ctx(),
            json!({"KeyId": id, "ReplicaRegion": region}),
        );
        assert_eq!(kind, "AlreadyExistsException", "{region}");
    }
}

#[test]
fn only_a_primary_can_be_replicated() {
    let mut e = engine();
    let id = mrk(&mut e)["KeyId"].as_str().unwrap().to_string();
    replicate(&mut e, &id, WEST);
    let replica_arn = key_arn(&in_region(WEST), &id);
    assert_error(
        err_untouched(
            &mut e,
            "ReplicateKey",
            &in_region(WEST),
            json!({"KeyId": id, "ReplicaRegion": EU}),
        ),
        "UnsupportedOperationException",
        &format!("{replica_arn} is not a multi-region primary key."),
    );
    let (single, single_arn) = new_key(&mut e, &ctx());
    assert_error(
        err_untouched(
            &mut e,
            "ReplicateKey",
            &ctx(),
            json!({"KeyId": single, "ReplicaRegion": EU}),
        ),
        "UnsupportedOperationException",
        &format!("{single_arn} is not a multi-region primary key."),
    );
}

#[test]
fn replica_region_in_another_partition_is_refused() {
    let mut e = engine();
    let id = mrk(&mut e)["KeyId"].as_str().unwrap().to_string();
    let (kind, _) = err_untouched(
        &mut e,
        "ReplicateKey",
        &ctx(),
        json!({"KeyId": id, "ReplicaRegion": "cn-north-1"}),
    );
    assert_eq!(kind, "ValidationException");
}

#[test]
fn ciphertexts_decrypt_in_every_region_of_the_key() {
    let mut e = engine();
    let id = mrk(&mut e)["KeyId"].as_str().unwrap().to_string();
    replicate(&mut e, &id, WEST);
    let east_blob = encrypt(
        &mut e,
        &ctx(),
        &id,
        b"from the east",
        Some(json!({"a": "b"})),
    );
    let out = ok(
        &mut e,
        "Decrypt",
        &in_region(WEST),
        json!({"CiphertextBlob": east_blob, "EncryptionContext": {"a": "b"}}),
    );
    assert_eq!(unb64(&out["Plaintext"]), b"from the east");
    assert_eq!(out["KeyId"], key_arn(&in_region(WEST), &id));
    let west_blob = encrypt(&mut e, &in_region(WEST), &id, b"from the west", None);
    let out = ok(
        &mut e,
        "Decrypt",
        &ctx(),
        json!({"CiphertextBlob": west_blob}),
    );
    assert_eq!(unb64(&out["Plaintext"]), b"from the west");
    // Without a replica there, the key is not found in that Region.
    let (kind, _) = err(
        &mut e,
        "Decrypt",
        &in_region(EU),
        json!({"CiphertextBlob": west_blob}),
    );
    assert_eq!(kind, "NotFoundException");
}

#[test]
fn update_primary_region_swaps_the_roles() {
    let mut e = engine();
    let id = mrk(&mut e)["KeyId"].as_str().unwrap().to_string();
    replicate(&mut e, &id, WEST);
    replicate(&mut e, &id, EU);
    ok(
        &mut e,
        "UpdatePrimaryRegion",
        &ctx(),
        json!({"KeyId": id, "PrimaryRegion": WEST}),
    );
    for region in [REGION, WEST, EU] {
        let config = describe(&mut e, &in_region(region), &id)["MultiRegionConfiguration"].clone();
        assert_eq!(
            config["MultiRegionKeyType"],
            if region == WEST { "PRIMARY" } else { "REPLICA" },
            "{region}"
        );
        assert_eq!(config["PrimaryKey"], entry(WEST, &id));
        assert_eq!(
            config["ReplicaKeys"],
            json!([entry(EU, &id), entry(REGION, &id)])
        );
    }
    // The old primary is now a replica and cannot replicate or move the primary.
    let (kind, _) = err_untouched(
        &mut e,
        "UpdatePrimaryRegion",
        &ctx(),
        json!({"KeyId": id, "PrimaryRegion": EU}),
    );
    assert_eq!(kind, "UnsupportedOperationException");
    ok(
        &mut e,
        "ReplicateKey",
        &in_region(WEST),
        json!({"KeyId": id, "ReplicaRegion": "ap-south-1"}),
    );
    // A Region with no replica.
    let (kind, _) = err_untouched(
        &mut e,
        "UpdatePrimaryRegion",
        &in_region(WEST),
        json!({"KeyId": id, "PrimaryRegion": "sa-east-1"}),
    );
    assert_eq!(kind, "NotFoundException");
}

#[test]
fn scheduling_deletion_of_a_primary_with_replicas_waits_for_the_last_replica() {
    let mut e = engine();
    let id = mrk(&mut e)["KeyId"].as_str().unwrap().to_string();
    replicate(&mut e, &id, WEST);
    replicate(&mut e, &id, EU);
    let r = ok(
        &mut e,
        "ScheduleKeyDeletion",
        &ctx(),
        json!({"KeyId": id, "PendingWindowInDays": 30}),
    );
    assert_eq!(r["KeyState"], "PendingReplicaDeletion");
    assert_eq!(r["PendingWindowInDays"], 30);
    assert!(r.get("DeletionDate").is_none(), "{r}");
    let md = describe(&mut e, &ctx(), &id);
    assert_eq!(md["KeyState"], "PendingReplicaDeletion");
    assert_eq!(md["PendingDeletionWindowInDays"], 30);

    ok(
        &mut e,
        "ScheduleKeyDeletion",
        &in_region(WEST),
        json!({"KeyId": id, "PendingWindowInDays": 7}),
    );
    ok(
        &mut e,
        "ScheduleKeyDeletion",
        &in_region(EU),
        json!({"KeyId": id, "PendingWindowInDays": 10}),
    );
    // One replica gone, one left: still waiting.
    let mid = RequestCtx::new(ACCOUNT, REGION, NOW + 8.0 * DAY);
    assert_eq!(
        describe(&mut e, &mid, &id)["KeyState"],
        "PendingReplicaDeletion"
    );
    // The last replica goes at NOW + 10 days; the primary's 30 days start then.
    let late = RequestCtx::new(ACCOUNT, REGION, NOW + 11.0 * DAY);
    let md = describe(&mut e, &late, &id);
    assert_eq!(md["KeyState"], "PendingDeletion");
    assert_eq!(md["DeletionDate"].as_f64().unwrap(), NOW + 40.0 * DAY);
}

#[test]
fn a_primary_without_replicas_is_pending_deletion_at_once() {
    let mut e = engine();
    let id = mrk(&mut e)["KeyId"].as_str().unwrap().to_string();
    let r = ok(
        &mut e,
        "ScheduleKeyDeletion",
        &ctx(),
        json!({"KeyId": id, "PendingWindowInDays": 7}),
    );
    assert_eq!(r["KeyState"], "PendingDeletion");
    assert_eq!(r["DeletionDate"].as_f64().unwrap(), NOW + 7.0 * DAY);
}

#[test]
fn cancel_key_deletion_of_a_primary_pending_replica_deletion_disables_it() {
    let mut e = engine();
    let id = mrk(&mut e)["KeyId"].as_str().unwrap().to_string();
    replicate(&mut e, &id, WEST);
    ok(&mut e, "ScheduleKeyDeletion", &ctx(), json!({"KeyId": id}));
    ok(&mut e, "CancelKeyDeletion", &ctx(), json!({"KeyId": id}));
    let md = describe(&mut e, &ctx(), &id);
    assert_eq!(md["KeyState"], "Disabled");
    assert!(md.get("PendingDeletionWindowInDays").is_none());
}

#[test]
fn replicating_a_key_pending_deletion_is_invalid_state() {
    let mut e = engine();
    let md = mrk(&mut e);
    let id = md["KeyId"].as_str().unwrap().to_string();
    ok(&mut e, "ScheduleKeyDeletion", &ctx(), json!({"KeyId": id}));
    assert_error(
        err_untouched(
            &mut e,
            "ReplicateKey",
            &ctx(),
            json!({"KeyId": id, "ReplicaRegion": WEST}),
        ),
        "KMSInvalidStateException",
        &format!("{} is pending deletion.", md["Arn"].as_str().unwrap()),
    );
}

#[test]
fn multi_region_state_survives_snapshot_and_replay() {
    let mut e = engine();
    let id = mrk(&mut e)["KeyId"].as_str().unwrap().to_string();
    replicate(&mut e, &id, WEST);
    let mut restored = engine();
    restored.restore(&e.snapshot()).unwrap();
    assert_eq!(
        describe(&mut restored, &in_region(WEST), &id),
        describe(&mut e, &in_region(WEST), &id)
    );
}
