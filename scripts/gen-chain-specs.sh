#!/usr/bin/env bash
# Regenerates chain-specs/{dev,local}.json (raw) from the runtime's genesis presets.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
cargo build -p bpci-node
for chain in dev local; do
    # Written beside and moved into place, so a reader never sees a half-written spec.
    "$CARGO_TARGET_DIR/debug/bpci-node" export-chain-spec --chain "$chain" --raw > "chain-specs/$chain.json.tmp"
    mv "chain-specs/$chain.json.tmp" "chain-specs/$chain.json"
    echo "wrote chain-specs/$chain.json"
done
