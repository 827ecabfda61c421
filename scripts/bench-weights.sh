#!/usr/bin/env bash
# Regenerates runtime/src/weights/pallet_*.rs by running our pallets' benchmarks on this runtime,
# on a release build of bpci-node (`--features runtime-benchmarks`: the benchmarking CLI is behind
# it). Weights measured on a debug node overstate the native host functions (storage, hashing) many
# times over. The release build lives in its own target directory (BENCH_TARGET_DIR, default
# $HOME/.cache/bpci/target-release), so the test suite's debug build is left alone.
# Usage: scripts/bench-weights.sh [steps=50] [repeat=20] [pallet ...]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
export CARGO_TARGET_DIR="${BENCH_TARGET_DIR:-$HOME/.cache/bpci/target-release}"
steps="${1:-50}"
repeat="${2:-20}"
shift $(( $# > 2 ? 2 : $# ))
pallets=("$@")
[ ${#pallets[@]} -gt 0 ] || pallets=(pallet_partners pallet_roundtable pallet_revenue pallet_auction pallet_validators pallet_bridge pallet_audit)
cargo build --release -p bpci-node --features runtime-benchmarks
for pallet in "${pallets[@]}"; do
    "$CARGO_TARGET_DIR/release/bpci-node" benchmark pallet --chain dev --pallet "$pallet" --extrinsic '*' \
        --steps "$steps" --repeat "$repeat" --output "runtime/src/weights/$pallet.rs"
done
