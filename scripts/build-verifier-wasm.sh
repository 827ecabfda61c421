#!/usr/bin/env bash
# Builds the offline finality verifier for the browser (dashboard/verifier-wasm: bpci-verifier with
# its pure-Rust BLS backend, wasm32-unknown-unknown, release) and puts the module where Vite serves
# it from: dashboard/public/bpci_verifier.wasm. scripts/dashboard.sh runs it before every build.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
cargo build --release --target wasm32-unknown-unknown -p bpci-verifier-wasm >&2
mkdir -p dashboard/public
cp "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/bpci_verifier_wasm.wasm" dashboard/public/bpci_verifier.wasm
