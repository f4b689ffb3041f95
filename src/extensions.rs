//! kms-wasm's own operations, outside the AWS API: `KmsWasm.<Name>` targets on the one wire
//! (`wire::handle`), never in the generated AWS operation table. Each runs like an operation —
//! in a transaction, authorized as the AWS operation it stands for, journaled when it writes.

mod create_fixture_key;

use serde_json::{Map, Value};

use crate::api::{Operation, Request};
use crate::error::KmsResult;
use crate::ops::Env;

pub use create_fixture_key::fixture_material;

/// The target prefix of every extension.
pub const TARGET_PREFIX: &str = "KmsWasm.";

/// A kms-wasm extension operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extension {
    /// `KmsWasm.CreateFixtureKey`: a key with a given ID and given material.
    CreateFixtureKey,
}

impl Extension {
    /// The extension a `KmsWasm.*` target names.
    pub fn from_target(target: &str) -> Option<Self> {
        match target.strip_prefix(TARGET_PREFIX)? {
            "CreateFixtureKey" => Some(Self::CreateFixtureKey),
            _ => None,
        }
    }

    /// The AWS operation whose permission the extension needs (`kms:CreateKey` for fixtures).
    pub fn authorized_as(self) -> Operation {
        match self {
            Self::CreateFixtureKey => Operation::CreateKey,
        }
    }
}

/// A decoded extension call.
pub enum Call {
    /// `KmsWasm.CreateFixtureKey`.
    CreateFixtureKey(create_fixture_key::FixtureRequest),
}

impl Call {
    /// The AWS request whose permission the call needs, as authorization and the engine's other
    /// checks read it (a fixture is authorized, and lockout-checked, as its CreateKey).
    pub fn authorized_as(&self) -> Request {
        match self {
            Self::CreateFixtureKey(r) => Request::CreateKey(r.create_key.clone()),
        }
    }
}

/// Decodes the request of `ext` from its body's JSON object (the body's one parse,
/// `api::parse_body`).
pub fn decode(ext: Extension, object: Map<String, Value>) -> KmsResult<Call> {
    match ext {
        Extension::CreateFixtureKey => {
            create_fixture_key::decode(object).map(Call::CreateFixtureKey)
        }
    }
}

/// Runs a decoded extension call.
pub fn run(call: Call, env: &mut Env<'_, '_>) -> KmsResult<Vec<u8>> {
    match call {
        Call::CreateFixtureKey(r) => create_fixture_key::run(r, env),
    }
}
