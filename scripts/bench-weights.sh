#!/usr/bin/env bash
# Regenerates runtime/src/weights/pallet_*.rs by running our pallets' benchmarks on this runtime.
# Builds bpci-node with `--features runtime-benchmarks` (the benchmarking CLI is behind it), runs
# the benchmarks, then rebuilds the ordinary node. Usage: scripts/bench-weights.sh [steps=5] [repeat=3]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
touch runtime/build.rs  # the runtime WASM must be rebuilt with the benchmark feature
cargo build -p bpci-node --features runtime-benchmarks
for pallet in pallet_partners pallet_roundtable pallet_revenue pallet_auction pallet_validators; do
    "$CARGO_TARGET_DIR/debug/bpci-node" benchmark pallet --chain dev --pallet "$pallet" --extrinsic '*' \
        --steps "${1:-5}" --repeat "${2:-3}" --output "runtime/src/weights/$pallet.rs"
done
touch runtime/build.rs  # and back to the ordinary runtime
cargo build -p bpci-node
