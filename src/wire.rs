//! The one door: AWS JSON 1.1. Every caller — the JS client, the SDK request handler, the HTTP
//! server — arrives here with `(target, ctx, body)` and leaves with `(status, body, entry)`. Errors
//! become the `{"__type","message"}` envelope with AWS's status codes.

use crate::api::{blob_channel, ErrorCode, Operation};
use crate::context::RequestCtx;
use crate::engine::Engine;
use crate::error::KmsError;
use crate::extensions::Extension;

/// What a request produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// HTTP status: 200, 400 for client errors, 5xx for server faults. 0 when the call stopped
    /// for a host RSA key (`Engine::ask_host_for_rsa_keys`): nothing ran, and the body is
    /// `{"rsaModulusLength":N}`, the key to generate before sending the call again.
    pub status: u16,
    /// The response body or the error envelope.
    pub body: Vec<u8>,
    /// The journal entry to make durable before acknowledging, when the call wrote anything.
    pub entry: Option<Vec<u8>>,
}

/// Handles one request. `ctx_json` is the context the door built (see `RequestCtx`).
/// `KmsWasm.*` targets are kms-wasm's extensions (`extensions`), answered on the same terms.
pub fn handle(engine: &mut Engine, target: &str, ctx_json: &[u8], body: &[u8]) -> Outcome {
    let extension = Extension::from_target(target);
    let op = Operation::from_target(target);
    if op.is_none() && extension.is_none() {
        return error(&unknown_operation());
    }
    let ctx = match serde_json::from_slice::<RequestCtx>(ctx_json) {
        Ok(ctx) if ctx.is_valid() => ctx,
        _ => {
            return error(&KmsError::internal(
                "The request context from the client is invalid.",
            ))
        }
    };
    match (op, extension) {
        (Some(op), _) => handle_op(engine, op, &ctx, body),
        (None, Some(ext)) => {
            let result = engine.dispatch_extension(ext, &ctx, body);
            stopped(engine).unwrap_or_else(|| outcome(result))
        }
        (None, None) => error(&unknown_operation()),
    }
}

/// [`handle`], with the request's blob members passed as raw bytes beside the body and the
/// response's returned the same way (`api::blob_channel`): the in-process door. The blobs of an
/// error response are dropped.
pub fn handle_with_blobs(
    engine: &mut Engine,
    target: &str,
    ctx_json: &[u8],
    body: &[u8],
    blobs: Vec<Vec<u8>>,
) -> (Outcome, Vec<Vec<u8>>) {
    blob_channel::begin(blobs);
    let outcome = handle(engine, target, ctx_json, body);
    let blobs = blob_channel::end();
    let blobs = if outcome.status == 200 {
        blobs
    } else {
        Vec::new()
    };
    (outcome, blobs)
}

/// Handles one request whose operation and context are already known.
pub fn handle_op(engine: &mut Engine, op: Operation, ctx: &RequestCtx, body: &[u8]) -> Outcome {
    let result = engine.dispatch(op, ctx, body);
    stopped(engine).unwrap_or_else(|| outcome(result))
}

/// A call that stopped with nothing done, for the host to prepare something and run it again:
/// status 0 and a body that says what. `{"rsaModulusLength":N}`: an RSA key of N bits
/// (`Engine::take_wanted_host_key`); `{"loadModule":"full"}`: the full module, because this one
/// lacks a key type the call needs (`Engine::take_wanted_module`).
fn stopped(engine: &mut Engine) -> Option<Outcome> {
    let body = if engine.take_wanted_module() {
        b"{\"loadModule\":\"full\"}".to_vec()
    } else {
        let bits = engine.take_wanted_host_key()?;
        format!("{{\"rsaModulusLength\":{bits}}}").into_bytes()
    };
    Some(Outcome {
        status: 0,
        body,
        entry: None,
    })
}

fn outcome(result: crate::error::KmsResult<(Vec<u8>, Option<Vec<u8>>)>) -> Outcome {
    match result {
        Ok((body, entry)) => Outcome {
            status: 200,
            body,
            entry,
        },
        Err(e) => error(&e),
    }
}

/// A target that names no operation. Whether AWS's body carries a message is not pinned down
/// (no recording), so it carries none.
fn unknown_operation() -> KmsError {
    KmsError::without_message(ErrorCode::UnknownOperationException)
}

/// The error envelope for `e`: `{"__type"}` plus `"message"` only when AWS sends one.
pub fn error(e: &KmsError) -> Outcome {
    let mut body = serde_json::Map::new();
    body.insert("__type".into(), e.code.name().into());
    if let Some(message) = e.message() {
        body.insert("message".into(), message.into());
    }
    let body = serde_json::Value::Object(body);
    Outcome {
        status: e.code.http_status(),
        body: body.to_string().into_bytes(),
        entry: None,
    }
}
