//! The only wasm-bindgen file: `WasmEngine` for JS. Eleven methods over `Engine` and `wire::handle`;
//! bytes in, bytes out. A panic hook keeps the panic text so JS can report it after a trap.

use std::sync::Mutex;

use wasm_bindgen::prelude::*;

use crate::engine::Engine;
use crate::wire;

static PANIC_MESSAGE: Mutex<Option<String>> = Mutex::new(None);

fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        if let Ok(mut slot) = PANIC_MESSAGE.lock() {
            *slot = Some(info.to_string());
        }
    }));
}

/// The text of the last panic, if any (read by JS after a `RuntimeError: unreachable`).
#[wasm_bindgen]
pub fn take_panic_message() -> Option<String> {
    PANIC_MESSAGE.lock().ok().and_then(|mut slot| slot.take())
}

/// The engine, as JS sees it.
#[wasm_bindgen]
pub struct WasmEngine {
    engine: Engine,
}

#[wasm_bindgen]
impl WasmEngine {
    /// An empty engine.
    #[wasm_bindgen(constructor)]
    pub fn new() -> WasmEngine {
        install_panic_hook();
        WasmEngine {
            engine: Engine::new(),
        }
    }

    /// An empty deterministic engine: every random byte comes from `seed` (see `Engine::with_seed`).
    pub fn with_seed(seed: &[u8]) -> WasmEngine {
        install_panic_hook();
        WasmEngine {
            engine: Engine::with_seed(seed),
        }
    }

    /// The journal entry that writes every record of `snapshot` (importing a whole state).
    pub fn entry_from_snapshot(snapshot: &[u8]) -> Result<Vec<u8>, JsError> {
        crate::store::journal::entry_from_snapshot(snapshot).map_err(|e| JsError::new(&e.0))
    }

    /// Replaces the state with a snapshot (empty: empty state).
    pub fn restore(&mut self, snapshot: &[u8]) -> Result<(), JsError> {
        self.engine
            .restore(snapshot)
            .map_err(|e| JsError::new(&e.0))
    }

    /// Applies a committed journal entry.
    pub fn apply(&mut self, entry: &[u8]) -> Result<(), JsError> {
        self.engine.apply(entry).map_err(|e| JsError::new(&e.0))
    }

    /// Handles one AWS JSON 1.1 request: `{status, body, entry?}`.
    pub fn dispatch(&mut self, target: &str, ctx: &str, body: &[u8]) -> Result<JsValue, JsError> {
        let outcome = wire::handle(&mut self.engine, target, ctx.as_bytes(), body);
        let result = js_sys::Object::new();
        let set = |k: &str, v: &JsValue| js_sys::Reflect::set(&result, &JsValue::from_str(k), v);
        set("status", &JsValue::from(outcome.status))
            .map_err(|_| JsError::new("cannot build result"))?;
        set(
            "body",
            &js_sys::Uint8Array::from(outcome.body.as_slice()).into(),
        )
        .map_err(|_| JsError::new("cannot build result"))?;
        if let Some(entry) = outcome.entry {
            set("entry", &js_sys::Uint8Array::from(entry.as_slice()).into())
                .map_err(|_| JsError::new("cannot build result"))?;
        }
        Ok(result.into())
    }

    /// Applies the pending writes of the last dispatch.
    pub fn commit(&mut self) {
        self.engine.commit();
    }

    /// Drops the pending writes of the last dispatch.
    pub fn abort(&mut self) {
        self.engine.abort();
    }

    /// Parks a host-generated RSA private key (PKCS#8 DER) for the next key of `spec`; Rust
    /// validates it first and refuses a key that does not fit.
    pub fn provide_host_key(&mut self, spec: &str, pkcs8_der: &[u8]) -> Result<(), JsError> {
        self.engine
            .provide_host_key(spec, pkcs8_der)
            .map_err(|e| JsError::new(&e.message))
    }

    /// How many host-generated keys of `spec` are waiting.
    pub fn host_keys_available(&self, spec: &str) -> usize {
        self.engine.host_keys_available(spec)
    }

    /// The whole state.
    pub fn snapshot(&self) -> Vec<u8> {
        self.engine.snapshot()
    }
}

impl Default for WasmEngine {
    fn default() -> Self {
        Self::new()
    }
}
