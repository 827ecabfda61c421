#!/usr/bin/env bash
# Sets up the machine, builds bpci-node and starts a single-validator development chain (Alice).
# Extra arguments go to the node, e.g. `scripts/dev.sh --rpc-port 9955`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
cargo build -p bpci-node
exec "$CARGO_TARGET_DIR/debug/bpci-node" --dev "$@"
