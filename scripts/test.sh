#!/usr/bin/env bash
# Sets up the machine and runs every test: unit, pallet, runtime, consensus simulation, node
# end-to-end (real bpci-node processes on loopback) and the polkadot.js conformance script.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh

cargo build -p bpci-node
# Node end-to-end tests each start a debug node; two at a time fit two cores.
cargo test --workspace -- --test-threads=2
bash scripts/conformance.sh
bash scripts/e2e-js.sh
