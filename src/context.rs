//! `RequestCtx`: who is calling, where and when. The front doors build it (the JS client from its
//! config, the HTTP server from the SigV4 scope); the engine never guesses any of it, which keeps
//! time and identity deterministic under test.

use serde::Deserialize;

/// The caller's account and Region, the request ID and the request time, and who the caller is
/// (an IAM principal, the identity policies that apply to it, and whether policies are enforced).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestCtx {
    /// 12-digit AWS account ID.
    pub account_id: String,
    /// Region name, e.g. `us-east-1`.
    pub region: String,
    /// The request ID echoed in `x-amzn-RequestId`.
    #[serde(default)]
    pub request_id: String,
    /// The request time in epoch seconds (fractional, millisecond precision).
    pub now: f64,
    /// The caller's IAM ARN (`arn:aws:iam::111122223333:role/App`, an assumed-role session ARN…).
    /// `None` is the account root, `arn:<partition>:iam::<account>:root`.
    #[serde(default)]
    pub principal: Option<String>,
    /// IAM identity policies (JSON documents) attached to the caller. The account root ignores
    /// them: IAM always allows the root user.
    #[serde(default)]
    pub identity_policies: Vec<String>,
    /// Whether key policies, identity policies and grants are enforced (default true).
    #[serde(default = "enforce_by_default")]
    pub enforce_policies: bool,
    /// The caller's IP address, when the door knows it (the call log's `sourceIPAddress`).
    #[serde(default)]
    pub source_ip_address: Option<String>,
    /// The caller's `User-Agent`, when the door knows it (the call log's `userAgent`).
    #[serde(default)]
    pub user_agent: Option<String>,
    /// The caller's access key ID, when the door knows it (the call log's
    /// `userIdentity.accessKeyId`).
    #[serde(default)]
    pub access_key_id: Option<String>,
}

fn enforce_by_default() -> bool {
    true
}

impl RequestCtx {
    /// A context for the given account, Region and time.
    pub fn new(account_id: &str, region: &str, now: f64) -> Self {
        Self {
            account_id: account_id.into(),
            region: region.into(),
            request_id: String::new(),
            now,
            principal: None,
            identity_policies: Vec::new(),
            enforce_policies: true,
            source_ip_address: None,
            user_agent: None,
            access_key_id: None,
        }
    }

    /// The same context for another caller (`None`: the account root).
    pub fn with_principal(mut self, principal: Option<&str>) -> Self {
        self.principal = principal.map(str::to_string);
        self
    }

    /// The account root's ARN, `arn:<partition>:iam::<account>:root`.
    pub fn root_arn(&self) -> String {
        format!("arn:{}:iam::{}:root", self.partition(), self.account_id)
    }

    /// The caller's ARN (the account root unless a principal was given).
    pub fn principal_arn(&self) -> String {
        self.principal.clone().unwrap_or_else(|| self.root_arn())
    }

    /// Whether the caller is the root user of the account the request addresses.
    pub fn is_root(&self) -> bool {
        match &self.principal {
            None => true,
            Some(p) => {
                p.strip_prefix("arn:")
                    .and_then(|r| r.strip_prefix(self.partition()))
                    .and_then(|r| r.strip_prefix(":iam::"))
                    .and_then(|r| r.strip_prefix(self.account_id.as_str()))
                    == Some(":root")
            }
        }
    }

    /// The ARN partition of the Region (`aws`, `aws-cn`, `aws-us-gov`).
    pub fn partition(&self) -> &'static str {
        partition_of(&self.region)
    }

    /// `arn:<partition>:kms:<region>:<account>:<resource>`.
    pub fn arn(&self, resource: &str) -> String {
        format!(
            "arn:{}:kms:{}:{}:{}",
            self.partition(),
            self.region,
            self.account_id,
            resource
        )
    }

    /// Whether the account and Region are well-formed (the doors reject the rest).
    pub fn is_valid(&self) -> bool {
        self.account_id.len() == 12
            && self.account_id.bytes().all(|b| b.is_ascii_digit())
            && !self.region.is_empty()
            && self
                .region
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && self.now.is_finite()
            && self.now >= 0.0
            && self.principal.as_deref().is_none_or(is_principal_arn)
    }
}

/// The partition a Region belongs to.
pub fn partition_of(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// Whether `arn` names an IAM principal: `arn:<partition>:iam::<12 digits>:<root|user/…|role/…>`
/// or an STS session `arn:<partition>:sts::<12 digits>:assumed-role/<role>/<session>`.
pub fn is_principal_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [prefix, partition, service, region, account, resource] = parts.as_slice() else {
        return false;
    };
    let iam_resource = resource == &"root"
        || ["user/", "role/", "federated-user/", "group/"]
            .iter()
            .any(|p| resource.len() > p.len() && resource.starts_with(p));
    let sts_resource = resource
        .strip_prefix("assumed-role/")
        .is_some_and(|r| r.split('/').count() == 2 && r.split('/').all(|x| !x.is_empty()))
        || resource.starts_with("federated-user/");
    *prefix == "arn"
        && partition.starts_with("aws")
        && region.is_empty()
        && account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && match *service {
            "iam" => iam_resource,
            "sts" => sts_resource,
            _ => false,
        }
}
