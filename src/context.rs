//! `RequestCtx`: who is calling, where and when. The front doors build it (the JS client from its
//! config, the HTTP server from the SigV4 scope); the engine never guesses any of it, which keeps
//! time and identity deterministic under test.

use serde::Deserialize;

/// The caller's account and Region, the request ID and the request time.
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
}

impl RequestCtx {
    /// A context for the given account, Region and time.
    pub fn new(account_id: &str, region: &str, now: f64) -> Self {
        Self {
            account_id: account_id.into(),
            region: region.into(),
            request_id: String::new(),
            now,
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
