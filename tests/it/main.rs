//! The Rust integration tests, one binary: each module is one area of the engine (its file says
//! which), all sharing `common`'s helpers. One binary links once, where 29 linked 29 times.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation
)]

mod common;

mod aliases;
mod asymmetric;
mod authorization;
mod aws_managed;
mod call_log;
mod cross_account;
mod custom_key_stores;
mod determinism;
mod ecdsa_host;
mod fidelity;
mod fixtures;
mod governance;
mod grants;
mod import;
mod isolation;
mod journal;
mod json_spellings;
mod keys;
mod localstack_tags;
mod mac;
mod multi_region;
mod out_of_band;
mod policy_eval;
mod pq_and_edwards;
mod readme;
mod symmetric;
mod time;
mod wire_fuzz;
mod wire_golden;
