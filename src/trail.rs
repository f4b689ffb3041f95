//! The call log: the CloudTrail event AWS writes for one call, built from what the call saw — the
//! operation, the caller's context, the request body, the outcome and the keys the call touched.
//! Modelled on AWS's documented examples (developer guide, "AWS KMS log entries": ct-encrypt,
//! ct-createkey, ct-creategrant, ct-reencrypt, ct-enablekey…).
//!
//! Owns: the event's shape and AWS's rules for what is logged. Only model members in the generated
//! allowlist (`members`) are copied, so a blob or a sensitive member (plaintext, ciphertext, key
//! material, signatures, MACs, import tokens, passwords) or a grant token never reaches an event.
//! Must not: change the call or its outcome; cost anything while the log is off (`Engine::
//! record_calls`), which is why it runs after the call, beside it, and only when asked.

#[rustfmt::skip]
mod members;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::api::{member, KeySpec, Operation};
use crate::context::RequestCtx;
use crate::engine::Engine;
use crate::extensions::Extension;
use crate::model::localstack_tags;
use crate::store::txn::Touch;
use crate::store::{RecordKey, Store};
use crate::wire::Outcome;
use members::{Logged, Member};

/// What CloudTrail records beyond an operation's members, per operation.
#[derive(Debug, Clone, Copy)]
struct Rules {
    /// `readOnly`; the `responseElements` of a read-only call are `null`.
    read_only: bool,
    /// Writes AWS logs with the affected key's ARN in `responseElements.keyId` even though the
    /// operation does not return it (entries recorded since December 2022, ct-enablekey).
    key_arn_in_response: bool,
    /// The alias ARN leads `resources` (ct-createalias, ct-updatealias).
    alias_resource: bool,
    /// The response member holding the metadata of the key the call created, whose ARN joins
    /// `resources` (ct-createkey).
    created_key: Option<&'static str>,
    /// A tag (by key) whose value is key material, left out of `requestParameters.tags`:
    /// LocalStack's `_custom_key_material_` (`model::localstack_tags`).
    material_tag: Option<&'static str>,
    /// The order of `resources` when the operation touched its keys in another order: ReEncrypt
    /// resolves its destination before it opens the ciphertext, AWS lists the source first.
    source_first: bool,
    /// `additionalEventData`.
    extra: Extra,
}

/// Where `additionalEventData` comes from.
#[derive(Debug, Clone, Copy)]
enum Extra {
    None,
    /// `keyMaterialId`: the current material of the symmetric key the call used (Encrypt, whose
    /// response does not carry it).
    CurrentKeyMaterial,
    /// Response members, renamed (they are not in `responseElements`: those calls are read-only).
    FromResponse(&'static [(&'static str, &'static str)]),
}

const READ: Rules = Rules {
    read_only: true,
    key_arn_in_response: false,
    alias_resource: false,
    created_key: None,
    material_tag: None,
    source_first: false,
    extra: Extra::None,
};
const WRITE: Rules = Rules {
    read_only: false,
    ..READ
};
const WRITE_ON_KEY: Rules = Rules {
    key_arn_in_response: true,
    ..WRITE
};
const MATERIAL: Extra = Extra::FromResponse(&[("KeyMaterialId", "keyMaterialId")]);

/// The table: every operation, so a new one in the model must be placed here.
fn rules(op: Operation) -> Rules {
    use Operation as O;
    match op {
        O::Decapsulate
        | O::DeriveSharedSecret
        | O::DescribeCustomKeyStores
        | O::DescribeKey
        | O::Encapsulate
        | O::GenerateMac
        | O::GenerateRandom
        | O::GetKeyLastUsage
        | O::GetKeyPolicy
        | O::GetKeyRotationStatus
        | O::GetParametersForImport
        | O::GetPublicKey
        | O::ListAliases
        | O::ListGrants
        | O::ListKeyPolicies
        | O::ListKeyRotations
        | O::ListKeys
        | O::ListResourceTags
        | O::ListRetirableGrants
        | O::Sign
        | O::Verify
        | O::VerifyMac => READ,
        O::Encrypt => Rules {
            extra: Extra::CurrentKeyMaterial,
            ..READ
        },
        O::Decrypt
        | O::GenerateDataKey
        | O::GenerateDataKeyWithoutPlaintext
        | O::GenerateDataKeyPair
        | O::GenerateDataKeyPairWithoutPlaintext => Rules {
            extra: MATERIAL,
            ..READ
        },
        O::ReEncrypt => Rules {
            source_first: true,
            extra: Extra::FromResponse(&[
                ("DestinationKeyMaterialId", "destinationKeyMaterialId"),
                ("SourceKeyMaterialId", "sourceKeyMaterialId"),
            ]),
            ..READ
        },
        O::CreateKey => Rules {
            created_key: Some("KeyMetadata"),
            material_tag: Some(localstack_tags::CUSTOM_KEY_MATERIAL),
            ..WRITE
        },
        O::ReplicateKey => Rules {
            created_key: Some("ReplicaKeyMetadata"),
            ..WRITE
        },
        O::ConnectCustomKeyStore
        | O::CreateCustomKeyStore
        | O::DeleteCustomKeyStore
        | O::DisconnectCustomKeyStore
        | O::UpdateCustomKeyStore => WRITE,
        O::CreateAlias | O::DeleteAlias | O::UpdateAlias => Rules {
            alias_resource: true,
            ..WRITE_ON_KEY
        },
        O::CancelKeyDeletion
        | O::CreateGrant
        | O::DeleteImportedKeyMaterial
        | O::DisableKey
        | O::DisableKeyRotation
        | O::EnableKey
        | O::EnableKeyRotation
        | O::ImportKeyMaterial
        | O::PutKeyPolicy
        | O::RetireGrant
        | O::RevokeGrant
        | O::RotateKeyOnDemand
        | O::ScheduleKeyDeletion
        | O::TagResource
        | O::UntagResource
        | O::UpdateKeyDescription
        | O::UpdatePrimaryRegion => WRITE_ON_KEY,
    }
}

/// Door-supplied facts CloudTrail records that the engine cannot know, with the defaults used when
/// a door leaves them out.
pub mod defaults {
    /// `sourceIPAddress` when the door gives none: every door of kms-wasm is on this machine (the
    /// in-process client, the SDK request handler), and a loopback address still parses as an IP
    /// for code that reads the field.
    pub const SOURCE_IP: &str = "127.0.0.1";
    /// `userAgent` when the door gives none.
    pub const USER_AGENT: &str = "kms-wasm";
}

/// The members of a request's JSON object that the event of `op` can show (the allowlist, and the
/// alias an alias operation names), copied while the engine decodes the rest: a blob's base64 is
/// never copied.
pub fn logged_request(op: Operation, object: &Map<String, Value>) -> Map<String, Value> {
    let (request_members, _) = members::members(op);
    let alias_resource = rules(op).alias_resource;
    // Inserted one by one: collecting into the map would build it by sorting, and bring a sort
    // into the module for this alone.
    let mut out = Map::new();
    for (k, v) in object {
        let k = k.as_str();
        if request_members.iter().any(|m| m.wire == k)
            || (alias_resource && k == member::ALIAS_NAME)
        {
            out.insert(k.to_string(), v.clone());
        }
    }
    out
}

/// One call, as the log sees it.
#[derive(Debug, Clone, Copy)]
pub struct Call<'a> {
    /// The operation (an extension is logged as the operation it stands for).
    pub op: Operation,
    /// The caller's context.
    pub ctx: &'a RequestCtx,
    /// The request members the event can show (`logged_request`); `None` when the body was not a
    /// JSON object.
    pub request: Option<&'a Map<String, Value>>,
    /// The response, or the error envelope.
    pub outcome: &'a Outcome,
    /// The keys the call touched, in order.
    pub touched: &'a [Touch],
    /// The committed state (for the material an Encrypt used).
    pub store: &'a Store,
}

/// The event for the call `engine` just ran, as JSON bytes, when the engine records calls
/// (`Engine::record_calls`); `None` otherwise, and for targets that name no operation or a context
/// the engine refused (no call ran).
///
/// The request is not read here: the engine kept its loggable members from the call's one parse
/// of the body (`Engine::last_call`, `logged_request`).
pub fn record(
    engine: &Engine,
    target: &str,
    ctx_json: &[u8],
    outcome: &Outcome,
) -> Option<Vec<u8>> {
    let last = engine.last_call()?;
    let op = Operation::from_target(target)
        .or_else(|| Extension::from_target(target).map(Extension::authorized_as))?;
    let ctx = serde_json::from_slice::<RequestCtx>(ctx_json)
        .ok()
        .filter(RequestCtx::is_valid)?;
    Some(event(&Call {
        op,
        ctx: &ctx,
        request: last.request.as_ref(),
        outcome,
        touched: &last.touched,
        store: engine.store(),
    }))
}

/// The CloudTrail event of `call`, as JSON bytes with CloudTrail's member order.
pub fn event(call: &Call<'_>) -> Vec<u8> {
    let Call {
        op, ctx, outcome, ..
    } = *call;
    let rules = rules(op);
    let (request_members, response_members) = members::members(op);
    let ok = outcome.status == 200;
    // Only the members the event shows are read: a blob's base64 is skipped, never copied.
    let response = if ok {
        let extra: &[(&str, &str)] = match rules.extra {
            Extra::FromResponse(pairs) => pairs,
            _ => &[],
        };
        parse_members(&outcome.body, &|k| {
            response_members.iter().any(|m| m.wire == k)
                || rules.created_key == Some(k)
                || extra.iter().any(|(wire, _)| *wire == k)
        })
    } else {
        None
    };
    let keys = resources(call, rules, response.as_ref());

    let mut e = Ordered::default();
    e.put("eventVersion", "1.11".into());
    e.put_raw("userIdentity", user_identity(ctx));
    e.put("eventTime", event_time(ctx.now).into());
    e.put("eventSource", "kms.amazonaws.com".into());
    e.put("eventName", op.name().into());
    e.put("awsRegion", ctx.region.as_str().into());
    let ip = ctx.source_ip_address.as_deref();
    e.put("sourceIPAddress", ip.unwrap_or(defaults::SOURCE_IP).into());
    let agent = ctx.user_agent.as_deref();
    e.put("userAgent", agent.unwrap_or(defaults::USER_AGENT).into());
    if !ok {
        let error = parse_object(&outcome.body).unwrap_or_default();
        let text = |k: &str| error.get(k).and_then(Value::as_str).map(str::to_string);
        e.put("errorCode", text("__type").unwrap_or_default().into());
        if let Some(message) = text("message").filter(|m| !m.is_empty()) {
            e.put("errorMessage", message.into());
        }
    }
    let mut request = call.request.map(|r| project(r, request_members));
    if let (Some(r), Some(hidden)) = (request.as_mut(), rules.material_tag) {
        if let Some(Value::Array(tags)) = r.get_mut("tags") {
            tags.retain(|t| t.get("tagKey").and_then(Value::as_str) != Some(hidden));
        }
    }
    e.put("requestParameters", non_empty(request));
    let elements = match &response {
        Some(r) if !rules.read_only => {
            let mut out = project(r, response_members);
            if rules.key_arn_in_response && !out.contains_key("keyId") {
                if let Some(arn) = keys.iter().find(|k| k.contains(":key/")) {
                    out.insert("keyId".into(), arn.as_str().into());
                }
            }
            Some(out)
        }
        _ => None,
    };
    e.put("responseElements", non_empty(elements));
    if let Some(extra) = additional(call, rules.extra, response.as_ref()) {
        e.put("additionalEventData", Value::Object(extra));
    }
    e.put("requestID", ctx.request_id.as_str().into());
    e.put("eventID", event_id(&ctx.request_id).into());
    e.put("readOnly", rules.read_only.into());
    if !keys.is_empty() {
        let list = keys.iter().map(|arn| {
            let mut r = Ordered::default();
            // The key's own account: another account's key when the caller named it by ARN.
            let owner = arn.split(':').nth(4).unwrap_or(&ctx.account_id);
            r.put("accountId", owner.into());
            r.put("type", "AWS::KMS::Key".into());
            r.put("ARN", arn.as_str().into());
            r.finish()
        });
        e.put_raw(
            "resources",
            format!("[{}]", list.collect::<Vec<_>>().join(",")),
        );
    }
    e.put("eventType", "AwsApiCall".into());
    e.put("managementEvent", true.into());
    e.put("recipientAccountId", ctx.account_id.as_str().into());
    e.put("eventCategory", "Management".into());
    e.finish_bytes()
}

/// The ARNs for `resources`: the alias the request named (for alias operations) or the key the call
/// created, then each key the call touched, once, in order.
fn resources(call: &Call<'_>, rules: Rules, response: Option<&Map<String, Value>>) -> Vec<String> {
    let ctx = call.ctx;
    let mut arns: Vec<String> = Vec::new();
    let created = rules
        .created_key
        .and_then(|m| response?.get(m)?.get("Arn")?.as_str());
    arns.extend(created.map(str::to_string));
    if rules.alias_resource {
        let alias = call.request.and_then(|r| {
            r.get(member::ALIAS_NAME)
                .and_then(Value::as_str)
                .map(str::to_string)
        });
        if let Some(name) = alias.filter(|n| n.starts_with("alias/")) {
            arns.push(ctx.arn(&name));
        }
    }
    let mut keys: Vec<&Touch> = call.touched.iter().collect();
    if rules.source_first {
        keys.reverse();
    }
    for t in keys {
        let arn = format!(
            "arn:{}:kms:{}:{}:key/{}",
            ctx.partition(),
            ctx.region,
            t.account_id,
            t.key_id
        );
        if !arns.contains(&arn) {
            arns.push(arn);
        }
    }
    arns
}

fn additional(
    call: &Call<'_>,
    extra: Extra,
    response: Option<&Map<String, Value>>,
) -> Option<Map<String, Value>> {
    let response = response?;
    let mut out = Map::new();
    match extra {
        Extra::None => {}
        Extra::FromResponse(pairs) => {
            for (wire, logged) in pairs {
                if let Some(v) = response.get(*wire).filter(|v| v.is_string()) {
                    out.insert((*logged).into(), v.clone());
                }
            }
        }
        Extra::CurrentKeyMaterial => {
            let ctx = call.ctx;
            let key = call.touched.first().and_then(|t| {
                call.store
                    .keys
                    .get(&RecordKey::new(&t.account_id, &ctx.region, &t.key_id))
            });
            let material = key
                .filter(|k| k.key_spec == KeySpec::SYMMETRIC_DEFAULT)
                .and_then(|k| k.materials.last());
            if let Some(m) = material {
                out.insert("keyMaterialId".into(), m.id.as_str().into());
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The listed members of `object`, renamed, by their rules; everything else is dropped.
fn project(object: &Map<String, Value>, members: &[Member]) -> Map<String, Value> {
    let mut out = Map::new();
    for m in members {
        if let Some(v) = object.get(m.wire).and_then(|v| write(v, m.how)) {
            out.insert(m.logged.into(), v);
        }
    }
    out
}

fn write(value: &Value, how: Logged) -> Option<Value> {
    match how {
        Logged::Plain => Some(value.clone()),
        Logged::Time => Some(match value.as_f64() {
            Some(t) => logged_time(t).into(),
            None => value.clone(),
        }),
        Logged::List(inner) => value
            .as_array()
            .map(|l| Value::Array(l.iter().filter_map(|v| write(v, *inner)).collect())),
        Logged::Struct(members) => value
            .as_object()
            .map(|o| Value::Object(project(o, members))),
    }
}

fn parse_object(bytes: &[u8]) -> Option<Map<String, Value>> {
    match serde_json::from_slice(bytes) {
        Ok(Value::Object(m)) => Some(m),
        _ => None,
    }
}

/// The members of the JSON object `bytes` that `keep` names, the others skipped unread (serde's
/// `IgnoredAny`); `None` when `bytes` is not one JSON object. Duplicate names: the last wins, as
/// in `parse_object`.
fn parse_members(bytes: &[u8], keep: &dyn Fn(&str) -> bool) -> Option<Map<String, Value>> {
    struct Members<'k>(&'k dyn Fn(&str) -> bool);
    impl<'de> serde::de::DeserializeSeed<'de> for Members<'_> {
        type Value = Map<String, Value>;
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_map(self)
        }
    }
    impl<'de> serde::de::Visitor<'de> for Members<'_> {
        type Value = Map<String, Value>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut a: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = Map::new();
            while let Some(key) = a.next_key::<String>()? {
                if (self.0)(&key) {
                    out.insert(key, a.next_value()?);
                } else {
                    a.next_value::<serde::de::IgnoredAny>()?;
                }
            }
            Ok(out)
        }
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let map = serde::de::DeserializeSeed::deserialize(Members(keep), &mut de).ok()?;
    de.end().ok()?;
    Some(map)
}

fn non_empty(map: Option<Map<String, Value>>) -> Value {
    match map {
        Some(m) if !m.is_empty() => Value::Object(m),
        _ => Value::Null,
    }
}

/// `userIdentity`, by the kind of caller the principal ARN names.
fn user_identity(ctx: &RequestCtx) -> String {
    let arn = ctx.principal_arn();
    // arn:<partition>:<iam|sts>::<account>:<resource>; `RequestCtx::is_valid` checked the form.
    let mut parts = arn.splitn(6, ':');
    let partition = parts.nth(1).unwrap_or("aws").to_string();
    let account = parts.nth(2).unwrap_or_default().to_string();
    let resource = parts.next().unwrap_or_default().to_string();
    let mut u = Ordered::default();
    let access_key = |u: &mut Ordered| {
        if let Some(k) = &ctx.access_key_id {
            u.put("accessKeyId", k.as_str().into());
        }
    };
    let name_of = |path: &str| path.rsplit('/').next().unwrap_or(path).to_string();
    if resource == "root" {
        u.put("type", "Root".into());
        u.put("principalId", account.as_str().into());
        u.put("arn", arn.as_str().into());
        u.put("accountId", account.as_str().into());
        access_key(&mut u);
    } else if let Some(path) = resource.strip_prefix("user/") {
        u.put("type", "IAMUser".into());
        u.put("principalId", unique_id("AIDA", &arn).into());
        u.put("arn", arn.as_str().into());
        u.put("accountId", account.as_str().into());
        access_key(&mut u);
        u.put("userName", name_of(path).into());
    } else if let Some((role, session)) = role_and_session(&resource) {
        // A role ARN without a session (a test naming the role itself) is logged as a session of
        // that role whose ARN is the one given: there is no session name to invent.
        let role_arn = match resource.strip_prefix("role/") {
            Some(_) => arn.clone(),
            None => format!("arn:{partition}:iam::{account}:role/{role}"),
        };
        let role_id = unique_id("AROA", &role_arn);
        u.put("type", "AssumedRole".into());
        let principal_id = match session {
            Some(s) => format!("{role_id}:{s}"),
            None => role_id.clone(),
        };
        u.put("principalId", principal_id.into());
        u.put("arn", arn.as_str().into());
        u.put("accountId", account.as_str().into());
        access_key(&mut u);
        let mut issuer = Ordered::default();
        issuer.put("type", "Role".into());
        issuer.put("principalId", role_id.into());
        issuer.put("arn", role_arn.into());
        issuer.put("accountId", account.as_str().into());
        issuer.put("userName", name_of(&role).into());
        let mut attributes = Ordered::default();
        attributes.put("creationDate", event_time(ctx.now).into());
        attributes.put("mfaAuthenticated", "false".into());
        let mut session_context = Ordered::default();
        session_context.put_raw("sessionIssuer", issuer.finish());
        session_context.put_raw("attributes", attributes.finish());
        u.put_raw("sessionContext", session_context.finish());
    } else if let Some(name) = resource.strip_prefix("federated-user/") {
        u.put("type", "FederatedUser".into());
        u.put("principalId", format!("{account}:{name}").into());
        u.put("arn", arn.as_str().into());
        u.put("accountId", account.as_str().into());
        access_key(&mut u);
    } else {
        u.put("type", "Unknown".into());
        u.put("arn", arn.as_str().into());
        u.put("accountId", account.as_str().into());
        access_key(&mut u);
    }
    u.finish()
}

/// `(role name with path, session)` of `role/…` or `assumed-role/<role>/<session>`.
fn role_and_session(resource: &str) -> Option<(String, Option<String>)> {
    if let Some(role) = resource.strip_prefix("role/") {
        return Some((role.to_string(), None));
    }
    let rest = resource.strip_prefix("assumed-role/")?;
    let (role, session) = rest.split_once('/')?;
    Some((role.to_string(), Some(session.to_string())))
}

/// An IAM-style unique ID (`AIDA…` users, `AROA…` roles: 21 characters of `[A-Z2-7]`),
/// derived from the ARN so the same principal always has the same ID.
fn unique_id(prefix: &str, arn: &str) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let digest = Sha256::digest(arn.as_bytes());
    let tail: String = digest
        .iter()
        .take(17)
        .map(|b| char::from(ALPHABET.get(usize::from(b & 31)).copied().unwrap_or(b'A')))
        .collect();
    format!("{prefix}{tail}")
}

/// A UUID derived from the request ID (SHA-256, laid out as a version-4 UUID), so a seeded run
/// that reproduces its request IDs reproduces its event IDs.
fn event_id(request_id: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"kms-wasm eventID\0");
    h.update(request_id.as_bytes());
    let d = h.finalize();
    let mut b = [0u8; 16];
    for (dst, src) in b.iter_mut().zip(d.iter()) {
        *dst = *src;
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex = crate::hex::encode(&b);
    let part = |a: usize, z: usize| hex.get(a..z).unwrap_or_default();
    format!(
        "{}-{}-{}-{}-{}",
        part(0, 8),
        part(8, 12),
        part(12, 16),
        part(16, 20),
        part(20, 32)
    )
}

/// Epoch seconds to (year, month 1-12, day, hour, minute, second), UTC (Howard Hinnant's
/// `civil_from_days`).
fn civil(epoch_seconds: f64) -> (i64, usize, i64, i64, i64, i64) {
    // `RequestCtx::is_valid` and the wire keep times finite and non-negative; saturating casts
    // keep anything else in range.
    #[allow(clippy::cast_possible_truncation)]
    let secs = epoch_seconds.floor() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let month = usize::try_from(month).unwrap_or(1);
    (year, month, day, rem / 3600, rem % 3600 / 60, rem % 60)
}

/// `eventTime`: `2025-05-20T20:46:16Z`.
fn event_time(epoch_seconds: f64) -> String {
    let (y, mo, d, h, mi, s) = civil(epoch_seconds);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// A timestamp member as CloudTrail prints it (Java's US medium format, UTC):
/// `Aug 10, 2022, 10:38:27 PM`.
fn logged_time(epoch_seconds: f64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, mo, d, h, mi, s) = civil(epoch_seconds);
    let month = MONTHS.get(mo.wrapping_sub(1)).copied().unwrap_or("Jan");
    let (h12, half) = match h {
        0 => (12, "AM"),
        1..=11 => (h, "AM"),
        12 => (12, "PM"),
        _ => (h - 12, "PM"),
    };
    format!("{month} {d}, {y}, {h12}:{mi:02}:{s:02} {half}")
}

/// A JSON object written member by member, in CloudTrail's order (serde_json's maps sort).
///
/// Bytes, written with serde_json's writer: a `Value`'s `Display` (`to_string`) goes through
/// `fmt::Formatter` a fragment at a time, which made this most of the call log's cost per call.
/// The text is the same: `Display` is serde_json's compact form.
#[derive(Default)]
struct Ordered(Vec<u8>);

impl Ordered {
    fn put(&mut self, key: &str, value: Value) {
        self.open(key);
        write_json(&mut self.0, &value);
    }

    fn put_raw(&mut self, key: &str, json: String) {
        self.open(key);
        self.0.extend_from_slice(json.as_bytes());
    }

    fn open(&mut self, key: &str) {
        self.0.push(if self.0.is_empty() { b'{' } else { b',' });
        write_json(&mut self.0, key);
        self.0.push(b':');
    }

    fn finish_bytes(mut self) -> Vec<u8> {
        if self.0.is_empty() {
            self.0.push(b'{');
        }
        self.0.push(b'}');
        self.0
    }

    fn finish(self) -> String {
        // Only serde_json's output and `String`s were written: always UTF-8.
        String::from_utf8(self.finish_bytes()).unwrap_or_default()
    }
}

/// Appends `value` as compact JSON. Writing a string or a `Value` into a `Vec` cannot fail
/// (no I/O; a `Value`'s map keys are strings).
fn write_json<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    if serde_json::to_writer(&mut *out, value).is_err() {
        out.extend_from_slice(b"null");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_printed_as_cloudtrail_prints_them() {
        // 2022-08-10T22:38:27Z, the ct-createkey example.
        assert_eq!(event_time(1_660_171_107.0), "2022-08-10T22:38:27Z");
        assert_eq!(logged_time(1_660_171_107.0), "Aug 10, 2022, 10:38:27 PM");
        // 2025-05-21T05:47:45Z, the ct-importkeymaterial example.
        assert_eq!(logged_time(1_747_806_465.0), "May 21, 2025, 5:47:45 AM");
        assert_eq!(logged_time(0.0), "Jan 1, 1970, 12:00:00 AM");
        assert_eq!(event_time(951_782_400.5), "2000-02-29T00:00:00Z");
        assert_eq!(logged_time(43_200.0), "Jan 1, 1970, 12:00:00 PM");
    }

    #[test]
    fn event_ids_are_uuids_fixed_by_the_request_id() {
        let a = event_id("f3423043-63bc-11e4-bc2b-4198b6150d5c");
        assert_eq!(a, event_id("f3423043-63bc-11e4-bc2b-4198b6150d5c"));
        assert_ne!(a, event_id("another"));
        assert_eq!(a.len(), 36);
        assert_eq!(a.get(14..15), Some("4"));
    }

    #[test]
    fn unique_ids_look_like_iam_ids() {
        let id = unique_id("AIDA", "arn:aws:iam::111122223333:user/Alice");
        assert_eq!(id.len(), 21);
        assert!(id.starts_with("AIDA"));
        assert!(id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)));
    }
}
