//! `Engine`: the committed store, the randomness seam and at most one pending write set.
//! `dispatch` runs one operation in a transaction and leaves its writes pending; the caller makes
//! them durable and then `commit`s (or `abort`s). Replay (`restore`, `apply`) never re-runs
//! commands, it applies resulting records, so it needs no randomness and cannot diverge.
//! After each operation, `authorize` checks the caller against every key the operation touched.

mod authorize;
pub mod managed_key_creation;
pub mod session;

use crate::api::{self, blob_channel, Operation, Request};
use sha2::Digest;

use crate::context::RequestCtx;
use crate::crypto::rng::{OsRandom, RandomSource, SeededRandom};
use crate::crypto::rsa::HostKeyPool;
use crate::crypto::{extra, Accelerators};
use crate::error::{KmsError, KmsResult};
use crate::extensions::{self, Extension};
use crate::model::last_usage::{self, LastUsage, LastUsageLog};
use crate::ops::{self, Env};
use crate::store::journal::{self, DecodeError};
use crate::store::txn::Touch;
use crate::store::{RecordKey, Store, Txn, WriteSet};
use crate::trail;

/// The KMS engine for every account and Region.
pub struct Engine {
    store: Store,
    rng: Box<dyn RandomSource>,
    accelerators: Accelerators,
    host_keys: HostKeyPool,
    /// The RSA modulus size the last call stopped for (see `ask_host_for_rsa_keys`).
    wanted_host_key: Option<usize>,
    /// Whether the last call stopped because it needs the full module (`take_wanted_module`).
    wanted_module: bool,
    pending: Option<WriteSet>,
    policies: authorize::PolicyCache,
    last_usage: LastUsageLog,
    /// The seed of a deterministic engine (`with_seed`), and whether state loaded from outside
    /// (restore, apply) since the stream last started: see `reseed`.
    seed: Option<Vec<u8>>,
    reseed: bool,
    /// While the call log is on (`record_calls`): what it reads of the last call (`trail`).
    last_call: Option<LastCall>,
}

/// What the call log (`trail::record`) reads of the last call, kept only while calls are recorded:
/// the request members an event can show, taken from the call's one parse of its body, and the
/// keys the call touched.
#[derive(Debug, Default)]
pub struct LastCall {
    /// The loggable members of the request (`trail::logged_request`); `None` when the body was
    /// not a JSON object.
    pub request: Option<serde_json::Map<String, serde_json::Value>>,
    /// The keys the call touched, in order.
    pub touched: Vec<Touch>,
}

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}

impl Engine {
    /// An empty engine using the OS randomness.
    pub fn new() -> Self {
        Self::with_rng(Box::new(OsRandom::default()))
    }

    /// An empty engine with the given randomness (tests, seeded fixtures).
    pub fn with_rng(rng: Box<dyn RandomSource>) -> Self {
        Self {
            store: Store::default(),
            rng,
            accelerators: Accelerators::default(),
            host_keys: HostKeyPool::default(),
            wanted_host_key: None,
            wanted_module: false,
            pending: None,
            policies: authorize::PolicyCache::default(),
            last_usage: LastUsageLog::default(),
            seed: None,
            reseed: false,
            last_call: None,
        }
    }

    /// A deterministic engine: key IDs, key material, grant tokens, IVs and every other random
    /// byte come from `SeededRandom(seed)`, so the same calls on an empty state give the same
    /// results in every run. State loaded from storage forks the stream by the state's digest
    /// (see `reseed`), so reopening a non-empty store never replays the IDs it already holds.
    /// Not for secrets: anyone with the seed can recompute every key.
    pub fn with_seed(seed: &[u8]) -> Self {
        let mut engine = Self::with_rng(Box::new(SeededRandom::new(seed)));
        engine.seed = Some(seed.to_vec());
        engine
    }

    /// Whether this engine is deterministic (`with_seed`).
    pub fn is_seeded(&self) -> bool {
        self.seed.is_some()
    }

    /// Before the first call after state was loaded from outside: a seeded engine holding state
    /// restarts its stream at `SeededRandom(seed ‖ SHA-256(snapshot))`. The stream then depends
    /// only on the seed and the state, never on the process history, and differs from the stream
    /// of the empty state, whose IDs the state may already hold.
    fn reseed_if_loaded(&mut self) {
        if !std::mem::take(&mut self.reseed) {
            return;
        }
        let Some(seed) = &self.seed else { return };
        if self.store == Store::default() {
            // The empty state's stream is the seed's own, so a harness reset to empty replays
            // exactly the IDs a fresh engine would give.
            self.rng = Box::new(SeededRandom::new(seed));
            return;
        }
        let digest = sha2::Sha256::digest(self.snapshot());
        let mut material = seed.clone();
        material.extend_from_slice(b"\0kms-wasm-state\0");
        material.extend_from_slice(&digest);
        self.rng = Box::new(SeededRandom::new(&material));
    }

    /// Runs `op` with the request body; returns the response body and, when it wrote anything,
    /// the journal entry. The writes stay pending until `commit`.
    pub fn dispatch(
        &mut self,
        op: Operation,
        ctx: &RequestCtx,
        body: &[u8],
    ) -> KmsResult<(Vec<u8>, Option<Vec<u8>>)> {
        self.begin();
        // The one parse of the body: every step below, and the call log, reads what it gave.
        let request = blob_channel::codec(|| {
            let object = api::parse_body(body)?;
            self.keep_for_log(op, &object);
            api::decode_object(op, object)
        })?;
        self.run_request(ctx, &request)
    }

    /// Runs a decoded request (see `dispatch`).
    pub fn execute(
        &mut self,
        ctx: &RequestCtx,
        request: &Request,
    ) -> KmsResult<(Vec<u8>, Option<Vec<u8>>)> {
        self.begin();
        self.run_request(ctx, request)
    }

    fn run_request(
        &mut self,
        ctx: &RequestCtx,
        request: &Request,
    ) -> KmsResult<(Vec<u8>, Option<Vec<u8>>)> {
        self.run(ctx, request, |env| {
            managed_key_creation::create_referenced(env, request)?;
            ops::dispatch(request, env)
        })
    }

    /// Runs a kms-wasm extension (`KmsWasm.*` targets, see `extensions`) like an operation: in a
    /// transaction, authorized as the AWS operation it stands for, journaled when it writes.
    pub fn dispatch_extension(
        &mut self,
        ext: Extension,
        ctx: &RequestCtx,
        body: &[u8],
    ) -> KmsResult<(Vec<u8>, Option<Vec<u8>>)> {
        self.begin();
        let object = api::parse_body(body)?;
        self.keep_for_log(ext.authorized_as(), &object);
        let call = extensions::decode(ext, object)?;
        let request = call.authorized_as();
        self.run(ctx, &request, |env| extensions::run(call, env))
    }

    /// Before each call: a pending write set left by a caller that never answered is not
    /// acknowledged, so it is dropped; a seeded engine that loaded state reseeds.
    /// The call log's record of the last call starts empty, so a call refused before it ran
    /// never shows another call's keys.
    fn begin(&mut self) {
        self.pending = None;
        if let Some(last) = &mut self.last_call {
            *last = LastCall::default();
        }
        self.reseed_if_loaded();
    }

    /// While calls are recorded: the request members the call's event can show.
    fn keep_for_log(&mut self, op: Operation, object: &serde_json::Map<String, serde_json::Value>) {
        if let Some(last) = &mut self.last_call {
            last.request = Some(trail::logged_request(op, object));
        }
    }

    fn run(
        &mut self,
        ctx: &RequestCtx,
        request: &Request,
        f: impl FnOnce(&mut Env<'_, '_>) -> KmsResult<Vec<u8>>,
    ) -> KmsResult<(Vec<u8>, Option<Vec<u8>>)> {
        let op = request.operation();
        // A seeded stream's place before the call: if the call turns out to need the full module,
        // the stream goes back here, so the full module draws the same bytes (same key IDs).
        let rewind = self.rng.position();
        extra::take_missing();
        let mut txn = Txn::new(&self.store);
        let mut env = Env {
            txn: &mut txn,
            ctx,
            rng: self.rng.as_mut(),
            accelerators: &self.accelerators,
            host_keys: &mut self.host_keys,
            last_usage: &self.last_usage,
        };
        let result = f(&mut env);
        if let Some(bits) = self.host_keys.take_wanted() {
            // Nothing ran to the end and nothing is kept: the call runs again with the key.
            self.wanted_host_key = Some(bits);
            return Err(KmsError::internal("The call waits for a host RSA key."));
        }
        if extra::take_missing() {
            // This build lacks an algorithm the call needs: nothing is kept, and the host runs
            // the call again in the full module (`take_wanted_module`).
            if let Some(rng) = rewind.as_deref().and_then(SeededRandom::resume) {
                self.rng = Box::new(rng);
            }
            self.wanted_module = true;
            return Err(KmsError::internal("The call needs the full module."));
        }
        let touched = txn.take_touched();
        if let Some(last) = &mut self.last_call {
            last.touched.clone_from(&touched);
        }
        if let Err(e) = &result {
            if authorize::precedes_authorization(e, &touched) {
                return result.map(|r| (r, None));
            }
        }
        // Invalid grant tokens, then authorization, override the operation's own outcome, and
        // either drops the transaction's writes.
        authorize::check_grant_tokens(request)?;
        let writes = txn.into_write_set();
        let created = managed_key_creation::created_keys(&writes);
        authorize::authorize(
            &mut self.policies,
            &self.store,
            &created,
            ctx,
            request,
            &touched,
        )?;
        let response = result?;
        record_usage(&mut self.last_usage, op, ctx, &touched);
        authorize::check_create_key_lockout(ctx, request, &writes)?;
        if writes.is_empty() {
            return Ok((response, None));
        }
        let entry = journal::encode_entry(&writes);
        self.pending = Some(writes);
        Ok((response, Some(entry)))
    }

    /// Applies the pending writes (after the caller made the entry durable).
    pub fn commit(&mut self) {
        if let Some(writes) = self.pending.take() {
            self.store.apply(writes);
        }
    }

    /// Drops the pending writes.
    pub fn abort(&mut self) {
        self.pending = None;
    }

    /// Replaces the whole state with `snapshot` (empty bytes: the empty state) as one write, left
    /// pending like an operation's: returns its journal entry, which the caller makes durable
    /// before `commit`, so every process sharing the storage sees the same reset. A seeded engine
    /// then restarts its stream from the new state alone (`reseed_if_loaded`): every test that
    /// resets to the same state sees the same key IDs and ciphertexts.
    pub fn replace_state(&mut self, snapshot: &[u8]) -> Result<Vec<u8>, DecodeError> {
        let target = journal::decode_snapshot(snapshot)?;
        let writes = journal::replacing(&self.store, target);
        let entry = journal::encode_entry(&writes);
        self.pending = Some(writes);
        self.reseed = true;
        Ok(entry)
    }

    /// Replaces all state with a snapshot (empty bytes: empty state).
    pub fn restore(&mut self, snapshot: &[u8]) -> Result<(), DecodeError> {
        self.store = journal::decode_snapshot(snapshot)?;
        self.pending = None;
        self.reseed = true;
        Ok(())
    }

    /// Applies a committed journal entry (replay, or another process's write).
    pub fn apply(&mut self, entry: &[u8]) -> Result<(), DecodeError> {
        let writes = journal::decode_entry(entry)?;
        self.store.apply(writes);
        self.reseed = true;
        Ok(())
    }

    /// The whole state, for compaction.
    pub fn snapshot(&self) -> Vec<u8> {
        journal::encode_snapshot(&self.store)
    }

    /// The crypto the host does for this engine (none by default: all in software). A seeded
    /// engine still uses them where the result does not depend on randomness (AES-GCM).
    pub fn accelerators_mut(&mut self) -> &mut Accelerators {
        &mut self.accelerators
    }

    /// Parks an RSA private key the host generated (PKCS#8 DER) for the next CreateKey or
    /// GenerateDataKeyPair of `spec` (`RSA_2048`, `RSA_3072` or `RSA_4096`). The key is checked
    /// here (it parses, its modulus has exactly the spec's size, exponent 65537) and kept in memory
    /// only; a key that fails the checks is refused and never used.
    /// A seeded engine refuses host keys: they would not be reproducible.
    pub fn provide_host_key(&mut self, spec: &str, pkcs8_der: &[u8]) -> Result<(), KmsError> {
        if self.is_seeded() {
            return Err(KmsError::validation(
                "A seeded engine generates its own keys.",
            ));
        }
        let bits = match spec {
            "RSA_2048" => 2048,
            "RSA_3072" => 3072,
            "RSA_4096" => 4096,
            _ => return Err(KmsError::validation(format!("No host keys for {spec}."))),
        };
        self.host_keys
            .offer(bits, pkcs8_der)
            .map_err(|_| KmsError::validation(format!("The host key is not a valid {spec} key.")))
    }

    /// Parks an RSA private key the host generated (PKCS#8 DER) of any size a KMS key can have
    /// (2048, 3072 or 4096 bits), checked as `provide_host_key` checks it: the answer to a call that
    /// stopped for one (`take_wanted_host_key`).
    pub fn provide_rsa_key(&mut self, pkcs8_der: &[u8]) -> Result<(), KmsError> {
        if !extra::FULL {
            // The core build never asks for one: RSA keys need the full module first.
            return Err(KmsError::validation("The core module takes no RSA keys."));
        }
        let bits = crate::crypto::rsa::private_key(pkcs8_der)
            .map(|k| crate::crypto::rsa::modulus_bits(&k))
            .map_err(|_| KmsError::validation("The host key is not a valid RSA key."))?;
        let spec = match bits {
            2048 => "RSA_2048",
            3072 => "RSA_3072",
            4096 => "RSA_4096",
            _ => return Err(KmsError::validation("The host key is not a valid RSA key.")),
        };
        self.provide_host_key(spec, pkcs8_der)
    }

    /// Whether the calls from now on, instead of generating an RSA key in wasm (seconds for 4096
    /// bits) when no host key is waiting, stop with nothing done and report the modulus size
    /// wanted (`take_wanted_host_key`), so the host can generate the key (`provide_rsa_key`) and
    /// run the call again without asking. Every operation that makes an RSA key asks: CreateKey,
    /// GenerateDataKeyPair*, GetParametersForImport. A seeded engine never asks.
    pub fn ask_host_for_rsa_keys(&mut self, ask: bool) {
        self.host_keys.set_ask_host(ask && !self.is_seeded());
        self.wanted_host_key = None;
    }

    /// The RSA modulus size the last call stopped for, if it did (cleared by the read).
    pub fn take_wanted_host_key(&mut self) -> Option<usize> {
        self.wanted_host_key.take()
    }

    /// Whether the last call stopped, with nothing done, because this build (the core module, see
    /// `crypto::extra`) lacks an algorithm it needs (cleared by the read). The host then moves the
    /// engine into the full module (`session`) and runs the call there.
    pub fn take_wanted_module(&mut self) -> bool {
        std::mem::take(&mut self.wanted_module)
    }

    /// How many host-supplied keys of `spec` are waiting.
    pub fn host_keys_available(&self, spec: &str) -> usize {
        match spec {
            "RSA_2048" => self.host_keys.available(2048),
            "RSA_3072" => self.host_keys.available(3072),
            "RSA_4096" => self.host_keys.available(4096),
            _ => 0,
        }
    }

    /// Starts or stops keeping what the call log (`trail::record`) needs about each call.
    pub fn record_calls(&mut self, on: bool) {
        self.last_call = on.then(LastCall::default);
    }

    /// What the call log reads of the last call, while calls are recorded (`record_calls`).
    pub fn last_call(&self) -> Option<&LastCall> {
        self.last_call.as_ref()
    }

    /// Read access for tests and tools.
    pub fn store(&self) -> &Store {
        &self.store
    }
}

/// Remembers a successful cryptographic use of the keys a call touched (GetKeyLastUsage).
fn record_usage(log: &mut LastUsageLog, op: Operation, ctx: &RequestCtx, touched: &[Touch]) {
    log.tracking_since.get_or_insert(ctx.now);
    let Some(operation) = last_usage::tracked(op) else {
        return;
    };
    for t in touched {
        let use_ = LastUsage {
            operation,
            timestamp: ctx.now,
            request_id: ctx.request_id.clone(),
        };
        log.uses.insert(
            RecordKey::new(&ctx.account_id, &ctx.region, &t.key_id),
            use_,
        );
    }
}

impl From<DecodeError> for KmsError {
    fn from(e: DecodeError) -> Self {
        KmsError::internal(e.0)
    }
}
