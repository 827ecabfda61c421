#!/usr/bin/env bash
# The audit trail's proofs: for logs of 10^3 and 10^6 records (1, 10 and 100 records a block), the
# size of one record's proof (its path in its block, its block's leaf, the MMR proof of the leaf in
# the log) and the median time to check it, with pallet-mmr's own verifier, in a release build.
# The per-block cost of appending is the pallet's measured weights: scripts/bench-weights.sh 50 20 pallet_audit.
# Usage: scripts/bench-audit.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
export CARGO_TARGET_DIR="${BENCH_TARGET_DIR:-$HOME/.cache/bpci/target-release}"
cargo bench -p pallet-audit --bench log_proofs
