#!/usr/bin/env bash
# Benchmark (not a test): BLS quorum-certificate verification and justification size for
# n = 4, 16, 64, 100 validators, against verifying the quorum's ed25519 signatures one by one.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
cargo bench -p bpci-primitives --bench qc 2>&1 | grep -E "^n = |certificate_verification/|time:"
