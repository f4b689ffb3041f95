//! kms_wasm: a faithful AWS KMS emulator. The engine is pure Rust (no JS types), so `cargo test`
//! exercises it natively; `wasm` is the thin binding the npm package loads.
//!
//! Layers point inward only: `crypto ← model ← store ← ops ← engine ← wire ← wasm`, and `api`
//! (generated from the AWS model) is data any layer may use.

pub mod api;
pub mod context;
pub mod crypto;
pub mod engine;
pub mod error;
pub mod extensions;
pub mod hex;
pub mod model;
pub mod ops;
pub mod store;
pub mod trail;
pub mod wire;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use context::RequestCtx;
pub use engine::Engine;
pub use error::{KmsError, KmsResult};
pub use wire::{handle, Outcome};
