//! The only wasm-bindgen file: `WasmEngine` for JS. Twelve methods over `Engine` and `wire::handle`;
//! bytes in, bytes out. A panic hook keeps the panic text so JS can report it after a trap;
//! `WasmEngine.lend_hosts` lends one engine node:crypto's AES-GCM (for `crypto::aes_gcm`) and
//! ECDSA (for `crypto::ecc`), and `set_base64_host` lends the instance `Buffer`'s base64 (for
//! `api::blob_base64`).

use std::sync::Mutex;

use wasm_bindgen::prelude::*;

use crate::api::blob_base64;
use crate::crypto::aes_gcm;
use crate::crypto::digest::Hash;
use crate::crypto::ecc;
use crate::engine::Engine;
use crate::{trail, wire};

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

#[wasm_bindgen]
extern "C" {
    /// A JS object with synchronous AES-256-GCM `seal` and `open` (pkg/src/node-aes-gcm.ts). The
    /// slices arrive in JS as views of wasm memory, `out` included: JS writes the result straight
    /// into it, so the data is copied neither way.
    pub type HostAesGcm;

    /// Writes ciphertext‖tag (`plaintext.len() + 16` bytes) into `out`.
    #[wasm_bindgen(method, catch)]
    fn seal(
        this: &HostAesGcm,
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        plaintext: &[u8],
        out: &mut [u8],
    ) -> Result<(), JsValue>;

    /// Writes the plaintext (`sealed.len() - 16` bytes) into `out`; `false` when the data does not
    /// authenticate.
    #[wasm_bindgen(method, catch)]
    fn open(
        this: &HostAesGcm,
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        sealed: &[u8],
        out: &mut [u8],
    ) -> Result<bool, JsValue>;
}

impl aes_gcm::Accelerator for HostAesGcm {
    fn seal(
        &self,
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        plaintext: &[u8],
        out: &mut [u8],
    ) -> Result<(), aes_gcm::Unavailable> {
        HostAesGcm::seal(self, key, nonce, aad, plaintext, out).map_err(|_| aes_gcm::Unavailable)
    }

    fn open(
        &self,
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        sealed: &[u8],
        out: &mut [u8],
    ) -> Result<bool, aes_gcm::Unavailable> {
        HostAesGcm::open(self, key, nonce, aad, sealed, out).map_err(|_| aes_gcm::Unavailable)
    }
}

#[wasm_bindgen]
extern "C" {
    /// A JS object with a synchronous ECDSA `sign` over a whole message (pkg/src/node-ecdsa.ts):
    /// the DER signature of `message` hashed with `hash` ("sha256", "sha384" or "sha512") under the
    /// PKCS#8 key. The slices arrive as views of wasm memory.
    pub type HostEcdsa;

    #[wasm_bindgen(method, catch)]
    fn sign(this: &HostEcdsa, hash: &str, pkcs8: &[u8], message: &[u8])
        -> Result<Vec<u8>, JsValue>;
}

impl ecc::Accelerator for HostEcdsa {
    fn sign_message(
        &self,
        _curve: ecc::Curve,
        hash: Hash,
        pkcs8: &[u8],
        message: &[u8],
    ) -> Result<Vec<u8>, ecc::Unavailable> {
        // The key carries its curve; `crypto::ecc` checks the signature fits it.
        let hash = match hash {
            Hash::Sha256 => "sha256",
            Hash::Sha384 => "sha384",
            Hash::Sha512 => "sha512",
            Hash::Sha1 | Hash::Sha224 => return Err(ecc::Unavailable),
        };
        HostEcdsa::sign(self, hash, pkcs8, message).map_err(|_| ecc::Unavailable)
    }
}

#[wasm_bindgen]
extern "C" {
    /// A JS object with synchronous base64 `decode` and `encode` (pkg/src/node-base64.ts). The
    /// slices are views of wasm memory, `out` included: JS writes the result straight into it.
    pub type HostBase64;

    /// Decodes `text` into `out`; `false` when `text` is not canonical padded standard base64.
    #[wasm_bindgen(method, catch)]
    fn decode(this: &HostBase64, text: &[u8], out: &mut [u8]) -> Result<bool, JsValue>;

    /// Writes the padded standard base64 of `bytes` into `out`.
    #[wasm_bindgen(method, catch)]
    fn encode(this: &HostBase64, bytes: &[u8], out: &mut [u8]) -> Result<(), JsValue>;
}

impl blob_base64::Accelerator for HostBase64 {
    fn decode(&self, text: &[u8], out: &mut [u8]) -> Result<bool, blob_base64::Unavailable> {
        HostBase64::decode(self, text, out).map_err(|_| blob_base64::Unavailable)
    }

    fn encode(&self, bytes: &[u8], out: &mut [u8]) -> Result<(), blob_base64::Unavailable> {
        HostBase64::encode(self, bytes, out).map_err(|_| blob_base64::Unavailable)
    }
}

/// Routes the base64 of large blob members through `host` (or back to software, with
/// `undefined`) for every engine of this instance.
#[wasm_bindgen]
pub fn set_base64_host(host: Option<HostBase64>) {
    blob_base64::set_accelerator(host.map(|h| Box::new(h) as Box<dyn blob_base64::Accelerator>));
}

/// The engine, as JS sees it.
#[wasm_bindgen]
pub struct WasmEngine {
    engine: Engine,
    /// The last dispatch's packed outcome, which JS reads in place (`pack_outcome`).
    outcome: Vec<u8>,
}

#[wasm_bindgen]
impl WasmEngine {
    /// An empty engine.
    #[wasm_bindgen(constructor)]
    pub fn new() -> WasmEngine {
        install_panic_hook();
        WasmEngine {
            engine: Engine::new(),
            outcome: Vec::new(),
        }
    }

    /// An empty deterministic engine: every random byte comes from `seed` (see `Engine::with_seed`).
    pub fn with_seed(seed: &[u8]) -> WasmEngine {
        install_panic_hook();
        WasmEngine {
            engine: Engine::with_seed(seed),
            outcome: Vec::new(),
        }
    }

    /// The engine a `session` of another module's engine describes: the hand-over from the core
    /// module to the full one (`Engine::from_session`).
    pub fn from_session(session: &[u8]) -> Result<WasmEngine, JsError> {
        install_panic_hook();
        Ok(WasmEngine {
            engine: Engine::from_session(session).map_err(|e| JsError::new(&e.0))?,
            outcome: Vec::new(),
        })
    }

    /// Lends this engine the host's AES-256-GCM and ECDSA (`undefined`: RustCrypto's in wasm):
    /// the engine passes them to each call that can use them, as it passes randomness. A seeded
    /// engine signs in software all the same (the host's randomness is not the seed's).
    pub fn lend_hosts(&mut self, aes_gcm: Option<HostAesGcm>, ecdsa: Option<HostEcdsa>) {
        let accelerators = self.engine.accelerators_mut();
        accelerators.aes_gcm = aes_gcm.map(|h| Box::new(h) as Box<dyn aes_gcm::Accelerator>);
        accelerators.ecdsa = ecdsa.map(|h| Box::new(h) as Box<dyn ecc::Accelerator>);
    }

    /// Everything this engine holds in memory, for `from_session` in another module (between
    /// calls; see `Engine::session`).
    pub fn session(&self) -> Vec<u8> {
        self.engine.session()
    }

    /// Whether this module carries every key type (`false`: the core module, see `crypto::extra`).
    pub fn is_full_module() -> bool {
        crate::crypto::extra::FULL
    }

    /// The journal entry that writes every record of `snapshot` (importing a whole state).
    pub fn entry_from_snapshot(snapshot: &[u8]) -> Result<Vec<u8>, JsError> {
        crate::store::journal::entry_from_snapshot(snapshot).map_err(|e| JsError::new(&e.0))
    }

    /// Replaces the whole state with `snapshot` as one pending write; returns its journal entry
    /// (make it durable, then `commit`).
    pub fn replace_state(&mut self, snapshot: &[u8]) -> Result<Vec<u8>, JsError> {
        self.engine
            .replace_state(snapshot)
            .map_err(|e| JsError::new(&e.0))
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

    /// Handles one AWS JSON 1.1 request. Returns where in wasm memory its status, body and
    /// journal entry now are, packed (`pack_outcome`); valid until the next dispatch.
    /// With `ask_host_key`, a call that needs an RSA key none is waiting for stops instead with
    /// status 0 and `{"rsaModulusLength":N}` (`Engine::ask_host_for_rsa_keys`).
    pub fn dispatch(
        &mut self,
        target: &str,
        ctx: &str,
        body: &[u8],
        ask_host_key: Option<bool>,
    ) -> Result<*const u8, JsError> {
        self.engine
            .ask_host_for_rsa_keys(ask_host_key == Some(true));
        let outcome = wire::handle(&mut self.engine, target, ctx.as_bytes(), body);
        self.engine.ask_host_for_rsa_keys(false);
        // A call that stopped for a host RSA key (status 0) did not run: it is logged when it does.
        let event = (outcome.status != 0)
            .then(|| trail::record(&self.engine, target, ctx.as_bytes(), &outcome))
            .flatten();
        pack_outcome(&mut self.outcome, outcome, &[], event.as_deref())?;
        Ok(self.outcome.as_ptr())
    }

    /// `dispatch` for the in-process client, whose body is JSON text (no encoding step in JS):
    /// `blobs` are the request's blob members, which the body
    /// names as `"#<index>"` instead of base64, and the response's come back the same way, after
    /// the entry in the packed outcome (`api::blob_channel`).
    pub fn dispatch_with_blobs(
        &mut self,
        target: &str,
        ctx: &str,
        body: &str,
        blobs: Vec<js_sys::Uint8Array>,
        ask_host_key: Option<bool>,
    ) -> Result<*const u8, JsError> {
        let blobs = blobs.iter().map(js_sys::Uint8Array::to_vec).collect();
        self.engine
            .ask_host_for_rsa_keys(ask_host_key == Some(true));
        let (outcome, out_blobs) = wire::handle_with_blobs(
            &mut self.engine,
            target,
            ctx.as_bytes(),
            body.as_bytes(),
            blobs,
        );
        self.engine.ask_host_for_rsa_keys(false);
        let event = (outcome.status != 0)
            .then(|| trail::record(&self.engine, target, ctx.as_bytes(), &outcome))
            .flatten();
        pack_outcome(&mut self.outcome, outcome, &out_blobs, event.as_deref())?;
        Ok(self.outcome.as_ptr())
    }

    /// Starts or stops the call log: while on, each dispatch's packed outcome carries the call's
    /// CloudTrail event (`trail`).
    pub fn record_calls(&mut self, on: bool) {
        self.engine.record_calls(on);
    }

    /// Applies the pending writes of the last dispatch.
    pub fn commit(&mut self) {
        self.engine.commit();
    }

    /// Drops the pending writes of the last dispatch.
    pub fn abort(&mut self) {
        self.engine.abort();
    }

    /// Parks a host-generated RSA private key (PKCS#8 DER), the answer to a dispatch that stopped
    /// for one; Rust validates it first and refuses a key that does not fit.
    pub fn provide_host_key(&mut self, pkcs8_der: &[u8]) -> Result<(), JsError> {
        self.engine
            .provide_rsa_key(pkcs8_der)
            .map_err(|e| JsError::new(e.message().unwrap_or(e.code.name())))
    }

    /// The whole state.
    pub fn snapshot(&self) -> Vec<u8> {
        self.engine.snapshot()
    }
}

/// The wasm instance's memory, where JS reads each dispatch's outcome.
#[wasm_bindgen]
pub fn wasm_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// Writes one dispatch's outcome into `out` as a single byte string, which JS reads in place and
/// copies out of (`readOutcome` in pkg/src/engine.ts): no object built property by property, no
/// intermediate copy. Little-endian: status u16, body length u32, entry length + 1 u32 (0: no
/// entry), event length + 1 u32 (0: no event), blob count u32, each blob's length u32; then body,
/// entry, event and blobs.
fn pack_outcome(
    out: &mut Vec<u8>,
    outcome: wire::Outcome,
    blobs: &[Vec<u8>],
    event: Option<&[u8]>,
) -> Result<(), JsError> {
    let len32 = |n: usize| u32::try_from(n).map_err(|_| JsError::new("response too large"));
    let present = |b: Option<&[u8]>| match b {
        Some(b) => len32(b.len()).map(|n| n.saturating_add(1)),
        None => Ok(0),
    };
    let entry_len = present(outcome.entry.as_deref())?;
    let event_len = present(event)?;
    let total = outcome.body.len()
        + outcome.entry.as_ref().map_or(0, Vec::len)
        + event.map_or(0, <[u8]>::len)
        + blobs.iter().map(|b| b.len() + 4).sum::<usize>();
    out.clear();
    out.reserve(18 + total);
    out.extend_from_slice(&outcome.status.to_le_bytes());
    out.extend_from_slice(&len32(outcome.body.len())?.to_le_bytes());
    out.extend_from_slice(&entry_len.to_le_bytes());
    out.extend_from_slice(&event_len.to_le_bytes());
    out.extend_from_slice(&len32(blobs.len())?.to_le_bytes());
    for blob in blobs {
        out.extend_from_slice(&len32(blob.len())?.to_le_bytes());
    }
    out.extend_from_slice(&outcome.body);
    if let Some(entry) = &outcome.entry {
        out.extend_from_slice(entry);
    }
    if let Some(event) = event {
        out.extend_from_slice(event);
    }
    for blob in blobs {
        out.extend_from_slice(blob);
    }
    Ok(())
}

impl Default for WasmEngine {
    fn default() -> Self {
        Self::new()
    }
}
