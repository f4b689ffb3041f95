#!/usr/bin/env bash
# Installs everything a fresh machine lacks to build and test kms-wasm. Idempotent and quiet when
# all is present, so `npm test` and `npm start` call it every time.
#   - the Rust toolchain of rust-toolchain.toml with the wasm32-unknown-unknown target
#   - wasm-bindgen-cli at exactly the wasm-bindgen version in Cargo.lock (the two must match)
#   - npm dependencies from package-lock.json
#   - Debian's chromium (apt-get), for the browser tests driven by playwright-core
#   - a Python venv in .tools/venv with awscli and boto3 (tests/python/requirements.txt), for the HTTP-door tests
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

# AWS CLI and boto3 for the HTTP-door tests, in a venv of our own (never a global install).
venv=.tools/venv
reqs=tests/python/requirements.txt
if [ ! -x "$venv/bin/aws" ] || ! cmp -s "$reqs" "$venv/.kms-wasm-requirements"; then
  log "installing awscli and boto3 into $venv"
  if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    # Debian splits ensurepip out of python3; install it when we can, then retry.
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      { apt-get update -qq && apt-get install -y -qq python3-venv; } >/dev/null 2>&1 || true
    fi
    rm -rf "$venv"
    python3 -m venv "$venv"
  fi
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$reqs"
  cp "$reqs" "$venv/.kms-wasm-requirements"
fi

# AWS CLI v2 for the README's v2 walk-through (PyPI only has v1): Debian's awscli package.
if ! /usr/bin/aws --version 2>&1 | grep -q '^aws-cli/2\.'; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing Debian's awscli (AWS CLI v2)"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq awscli; } >/dev/null 2>&1; then
      log "apt-get could not install awscli; the AWS CLI v2 test will fail until it is installed"
    fi
  else
    log "AWS CLI v2 is missing and cannot be installed here (needs root and apt-get): sudo apt-get install awscli"
  fi
fi

# Chromium for tests/browser (playwright-core drives /usr/bin/chromium). Only Debian's package:
# `npx playwright install` downloads browsers from outside the package registries and cannot work here.
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing Debian's chromium for the browser tests"
    # Not fatal here: the rest of the suite can still run, and the browser step fails saying why.
    if ! { apt-get update -qq && apt-get install -y -qq chromium; } >/dev/null 2>&1; then
      log "apt-get could not install chromium; the browser tests will fail until it is installed"
    fi
  else
    log "chromium is missing and cannot be installed here (needs root and apt-get); the browser tests will fail until it is: sudo apt-get install chromium"
  fi
fi
