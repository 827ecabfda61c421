#!/usr/bin/env bash
# Benchmark (not a test): finality latency p50/p99, blocks/s and finalized transfers/s on a
# 4-validator loopback testnet (scripts/testnet.sh), measured as a client of node 0 sees it.
# Usage: scripts/bench-testnet.sh [seconds=60] [offered transfers/s=100]
# NODE_BIN=path runs that binary instead of building this checkout's (to compare with a baseline).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
[ -n "${NODE_BIN:-}" ] || cargo build -p bpci-node
(cd scripts/js && { [ -d node_modules/@polkadot/api ] || npm ci --no-audit --no-fund --loglevel=error; })
export TESTNET_DIR="$(mktemp -d -t bpci-bench-testnet.XXXXXX)"
export BASE_P2P=31400 BASE_RPC=9850 BASE_PROM=9715
trap 'bash scripts/testnet.sh stop' EXIT
bash scripts/testnet.sh 4 >/dev/null
for _ in $(seq 1 240); do
    fin=$(curl -sf -H 'Content-Type: application/json' \
        -d '{"jsonrpc":"2.0","id":1,"method":"bpci_consensusStatus","params":[]}' "http://127.0.0.1:$BASE_RPC" 2>/dev/null |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["lastFinalized"]["number"])' 2>/dev/null || echo 0)
    [ "$fin" -ge 3 ] && break
    sleep 0.5
done
echo "4-validator loopback testnet, $(nproc) cores, ${NODE_BIN:-debug build of this checkout}"
node scripts/js/bench-dev.mjs "ws://127.0.0.1:$BASE_RPC" "${1:-60}" "${2:-100}"
