//! Which algorithms this build carries. The full build (Cargo feature `full`, the default) has
//! every one; the core build, the module a browser downloads first, has AES-GCM, HMAC, SHA-2 and
//! P-256 only. Code that would reach an algorithm the core build leaves out calls
//! [`mark_missing`] and fails instead; the engine reads the mark after the call, drops the call's
//! effects and tells the host to load the full module (`Engine::take_wanted_module`). Nothing here
//! knows about KMS: callers mark, the engine decides.

use std::cell::Cell;

thread_local! {
    // The engine is single-threaded (one wasm instance, or one test thread natively).
    static MISSING: Cell<bool> = const { Cell::new(false) };
}

/// Whether this build carries every algorithm (Cargo feature `full`).
pub const FULL: bool = cfg!(feature = "full");

/// Records that the running call needed an algorithm this build leaves out.
pub fn mark_missing() {
    MISSING.with(|m| m.set(true));
}

/// Whether a call needed an algorithm this build leaves out since the last read (clears it).
pub fn take_missing() -> bool {
    MISSING.with(|m| m.replace(false))
}
