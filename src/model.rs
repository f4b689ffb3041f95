//! The KMS domain: key records and their state machine, identifiers, spec tables, the ciphertext
//! format, aliases, tags and policies. Pure data and rules: no store, no JSON wire, no clock.

pub mod alias;
pub mod asymmetric;
pub mod aws_managed;
pub mod ciphertext;
pub mod custom_key_store;
pub mod data_key;
pub mod encryption_context;
pub mod grant;
pub mod import;
pub mod key;
pub mod key_ref;
pub mod last_usage;
pub mod localstack_tags;
pub mod mac;
pub mod multi_region;
pub mod operations;
pub mod paging;
pub mod policy;
pub mod policy_eval;
pub mod rotation;
pub mod specs;
pub mod symmetric;
pub mod tags;
