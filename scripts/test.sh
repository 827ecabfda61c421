#!/usr/bin/env bash
# Sets up the machine and runs every test: unit, pallet, runtime, consensus simulation, node
# end-to-end (real bpci-node processes on loopback), a forkless upgrade through the roundtable, and
# the polkadot.js scripts (conformance, governance lifecycle, auction and revenue), the monitoring
# rules and the web dashboard in a headless browser.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh

# Every cargo command here selects the whole workspace with its tests, so cargo resolves features
# once and compiles each crate once: a `cargo build -p ...` or `cargo test -p ...` resolves them
# differently and compiles the Substrate stack (and binaryen) again. The build also makes the
# runtime one spec_version higher for the forkless-upgrade tests (see runtime/build.rs).
export BPCI_UPGRADE_WASM_BUILD=1
upgrade_wasm=$(bash scripts/build-upgrade-wasm.sh)

# Node end-to-end tests each start a debug node; two at a time fit two cores.
cargo test --workspace -- --test-threads=2
BPCI_UPGRADE_WASM="$upgrade_wasm" cargo test --workspace --test upgrade -- --ignored
# A validator whose clock runs ahead (Debian's faketime, installed by setup.sh).
cargo test --workspace --test testnet -- --ignored a_validator_whose_clock_runs_ahead
bash scripts/conformance.sh
BPCI_UPGRADE_WASM="$upgrade_wasm" bash scripts/e2e-js.sh
# The alert rules and the Grafana dashboard (promtool).
bash scripts/check-monitoring.sh
# The web dashboard in headless Debian Chromium against a real dev node.
bash scripts/test-dashboard.sh "$CARGO_TARGET_DIR/debug/bpci-node"
