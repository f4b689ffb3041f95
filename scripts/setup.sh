#!/usr/bin/env bash
# Installs everything a fresh machine lacks to build and test kms-wasm. Idempotent and quiet when
# all is present, so `npm test` and `npm start` call it every time.
#   - the Rust toolchain of rust-toolchain.toml with the wasm32-unknown-unknown target
#   - wasm-bindgen-cli at exactly the wasm-bindgen version in Cargo.lock (the two must match)
#   - npm dependencies from package-lock.json
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "setup: $*" >&2; }

if ! command -v cargo >/dev/null 2>&1; then
  log "cargo is missing: install Rust with rustup first (https://rustup.rs)"; exit 1
fi
# rust-toolchain.toml pins the toolchain and lists the wasm target; `rustup show` installs both.
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  log "installing the wasm32-unknown-unknown target"
  rustup show active-toolchain >/dev/null 2>&1 || rustup show >/dev/null
  rustup target add wasm32-unknown-unknown
fi

want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  # No --locked: the CLI's own lockfile pins a crate version the registry lacks (CONVENTIONS.md).
  log "installing wasm-bindgen-cli $want (found: ${have:-none}); this takes about 3 minutes"
  cargo install wasm-bindgen-cli --version "$want" --quiet
fi

stamp=node_modules/.kms-wasm-lock
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  log "installing npm dependencies"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
