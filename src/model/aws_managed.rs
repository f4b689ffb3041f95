//! AWS managed keys (AWS-KMS-BEHAVIOUR.md §2.4, §2.7): the `alias/aws/<service>` aliases AWS
//! predefines in every account and Region, and the key each one gets on first reference —
//! KeyManager AWS, symmetric, rotated every 365 days, under the fixed policy AWS documents (use
//! through the service by principals of the account, `kms:ViaService`; metadata reads by the
//! account). Creating it is the engine's job (`engine::managed_key_creation`); this file holds the facts.

use serde_json::json;

use crate::api::{KeyManagerType, KeySpec, KeyState, KeyUsageType, OriginType};
use crate::context::RequestCtx;
use crate::model::key::{KeyMaterial, KeyRecord, Rotation};
use crate::model::{policy, rotation};

/// The prefix AWS reserves for its managed keys' aliases.
pub const PREFIX: &str = "alias/aws/";

/// Rotation period of AWS managed keys (fixed; customers cannot change it).
pub const ROTATION_DAYS: i64 = 365;

/// A service with a predefined alias: the alias suffix, the service endpoint prefix that
/// `kms:ViaService` names (`<endpoint>.<region>.amazonaws.com`), and what the key protects, as
/// the key's description names it.
pub struct Service {
    /// `alias/aws/<name>`.
    pub name: &'static str,
    /// The endpoint prefix in `kms:ViaService`.
    pub endpoint: &'static str,
    /// "my <protects>" in the description.
    pub protects: &'static str,
}

/// The predefined aliases ListAliases shows in a new account (without TargetKeyId until their key
/// exists), by name. The common services; `alias/aws/<other>` is not found, as in AWS.
pub const SERVICES: &[Service] = &[
    svc("acm", "acm", "ACM private keys"),
    svc("backup", "backup", "Backup data"),
    svc("codecommit", "codecommit", "CodeCommit repositories"),
    svc("dynamodb", "dynamodb", "DynamoDB tables"),
    svc("ebs", "ec2", "EBS volumes"),
    svc("elasticfilesystem", "elasticfilesystem", "EFS file systems"),
    svc("es", "es", "Elasticsearch data"),
    svc("fsx", "fsx", "FSx data"),
    svc("glue", "glue", "Glue data"),
    svc("kinesis", "kinesis", "Kinesis data"),
    svc("kinesisvideo", "kinesisvideo", "Kinesis Video Streams data"),
    svc("lambda", "lambda", "Lambda functions"),
    svc("rds", "rds", "RDS database volumes"),
    svc("redshift", "redshift", "Redshift data"),
    svc("s3", "s3", "S3 objects"),
    svc("secretsmanager", "secretsmanager", "Secrets Manager data"),
    svc("sns", "sns", "SNS data"),
    svc("sqs", "sqs", "SQS data"),
    svc("ssm", "ssm", "SSM parameters"),
    svc("xray", "xray", "X-Ray data"),
];

const fn svc(name: &'static str, endpoint: &'static str, protects: &'static str) -> Service {
    Service {
        name,
        endpoint,
        protects,
    }
}

/// The service of a predefined alias name (`alias/aws/s3` → s3), if it is one.
pub fn service(alias_name: &str) -> Option<&'static Service> {
    let name = alias_name.strip_prefix(PREFIX)?;
    SERVICES.iter().find(|s| s.name == name)
}

/// The description AWS gives the key.
pub fn description(service: &Service) -> String {
    format!(
        "Default key that protects my {} when no other key is defined",
        service.protects
    )
}

/// The key policy of an AWS managed key, pretty-printed as GetKeyPolicy returns it: principals of
/// the account may use the key through the service; the account may read its metadata and revoke
/// its grants. Nothing else — no one administers an AWS managed key.
pub fn key_policy(ctx: &RequestCtx, service: &Service) -> String {
    let dns = if ctx.partition() == "aws-cn" {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    let doc = json!({
        "Version": "2012-10-17",
        "Id": format!("auto-{}-2", service.name),
        "Statement": [
            {
                "Sid": format!("Allow access through {} for all principals in the account that are authorized to use {}", upper(service), upper(service)),
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": [
                    "kms:Encrypt",
                    "kms:Decrypt",
                    "kms:ReEncrypt*",
                    "kms:GenerateDataKey*",
                    "kms:CreateGrant",
                    "kms:DescribeKey"
                ],
                "Resource": "*",
                "Condition": {
                    "StringEquals": {
                        "kms:ViaService": format!("{}.{}.{dns}", service.endpoint, ctx.region),
                        "kms:CallerAccount": ctx.account_id
                    }
                }
            },
            {
                "Sid": "Allow direct access to key metadata to the account",
                "Effect": "Allow",
                "Principal": {"AWS": ctx.root_arn()},
                "Action": ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"],
                "Resource": "*"
            }
        ]
    });
    policy::pretty(&doc.to_string())
}

/// The service's name as the policy's Sid spells it (`S3`, `EBS`, `Lambda`…).
fn upper(service: &Service) -> String {
    match service.name {
        "s3" | "ebs" | "rds" | "sns" | "sqs" | "ssm" | "acm" | "es" => {
            service.name.to_ascii_uppercase()
        }
        "elasticfilesystem" => "EFS".into(),
        "dynamodb" => "DynamoDB".into(),
        "secretsmanager" => "Secrets Manager".into(),
        "kinesisvideo" => "Kinesis Video Streams".into(),
        "codecommit" => "CodeCommit".into(),
        "fsx" => "FSx".into(),
        "xray" => "X-Ray".into(),
        other => {
            let mut c = other.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        }
    }
}

/// The AWS managed key of `service` with the given ID and 256-bit material, created now.
pub fn new_key(
    ctx: &RequestCtx,
    service: &Service,
    key_id: String,
    material: Vec<u8>,
) -> KeyRecord {
    let now = ctx.now;
    KeyRecord {
        arn: ctx.arn(&format!("key/{key_id}")),
        materials: vec![KeyMaterial::new(&key_id, material, now)],
        key_id,
        account_id: ctx.account_id.clone(),
        region: ctx.region.clone(),
        creation_date: now,
        description: description(service),
        key_spec: KeySpec::SYMMETRIC_DEFAULT,
        key_usage: KeyUsageType::ENCRYPT_DECRYPT,
        origin: OriginType::AWS_KMS,
        key_manager: KeyManagerType::AWS,
        state: KeyState::Enabled,
        deletion_date: None,
        pending_window_days: None,
        multi_region: false,
        policy: key_policy(ctx, service),
        tags: Vec::new(),
        rotation: Rotation {
            enabled: true,
            period_days: Some(ROTATION_DAYS),
            next_rotation: Some(rotation::next_rotation(now, ROTATION_DAYS)),
        },
        public_key: None,
        expiration_model: None,
        valid_to: None,
        import_parameters: Vec::new(),
        pending_rotation_material: None,
        multi_region_links: None,
        custom_key_store_id: None,
        cloud_hsm_cluster_id: None,
        xks_key_id: None,
        state_when_available: None,
    }
}
