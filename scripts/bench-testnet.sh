#!/usr/bin/env bash
# Benchmark (not a test): finality latency p50/p99, blocks/s, finalized blocks/s and finalized
# transfers/s on a 4-validator loopback testnet (scripts/testnet.sh), as a client of node 0 sees it.
# Usage: scripts/bench-testnet.sh [seconds=60] [offered transfers/s=100] [--kill K]
#        scripts/bench-testnet.sh [timeout seconds] burst [count=6000] [senders=2]
#   --kill K  measures the healthy testnet, then kills K validators (never node 0, the one
#             measured) and measures again; prints the degraded/healthy finalized-block ratio.
# Release build by default; PROFILE=debug for a debug node. NODE_BIN=path runs that binary instead
# of building this checkout's (to compare with a baseline).
set -euo pipefail
cd "$(dirname "$0")/.."
kill_count=0
args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --kill) kill_count="${2:?--kill needs a count}"; shift 2 ;;
        *) args+=("$1"); shift ;;
    esac
done
secs="${args[0]:-60}"
rate="${args[1]:-100}"
if ! [[ "$kill_count" =~ ^[01]$ ]]; then
    echo "--kill takes 0 or 1: two of four down leave no quorum" >&2
    exit 2
fi
bash scripts/setup.sh
source scripts/env.sh
PROFILE="${PROFILE:-release}"
if [ -z "${NODE_BIN:-}" ]; then
    if [ "$PROFILE" = release ]; then cargo build --release -p bpci-node; else cargo build -p bpci-node; fi
    export NODE_BIN="$CARGO_TARGET_DIR/$PROFILE/bpci-node"
fi
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
echo "4-validator loopback testnet, $(nproc) cores, $NODE_BIN"
healthy=$(BENCH_PIDS="$(cat "$TESTNET_DIR"/node[0-3].pid)" node scripts/js/bench-dev.mjs "ws://127.0.0.1:$BASE_RPC" "$secs" "$rate" "${args[@]:2}")
echo "healthy: $healthy"
# Node 0's resident memory now and at its peak (the kernel's high-water mark), in MiB.
awk '/^VmRSS|^VmHWM/ {printf "node 0 %s %.0f MiB\n", $1, $2 / 1024}' "/proc/$(cat "$TESTNET_DIR/node0.pid")/status"
# What each validator spent building its blocks and importing the others' (with a full block
# this is what must fit in the 1 s slot beside gossip and two voting steps).
for i in 0 1 2 3; do
    echo "node $i: $(python3 scripts/prom-histogram.py "http://127.0.0.1:$((BASE_PROM + i))/metrics" \
        substrate_proposer_block_constructed substrate_block_verification_and_import_time | paste -sd ';')"
    # Every runtime validation the pool ran (on submission, gossip and revalidation), since start.
    curl -sf "http://127.0.0.1:$((BASE_PROM + i))/metrics" |
        awk -v i="$i" '/^substrate_sub_txpool_validations_finished/ {print "node " i ": pool validations " $2}'
done
[ "$kill_count" -gt 0 ] || exit 0
for i in $(seq 3 -1 $((4 - kill_count))); do
    kill "$(cat "$TESTNET_DIR/node$i.pid")"
    rm -f "$TESTNET_DIR/node$i.pid"
done
echo "killed $kill_count validator(s) (the highest-numbered)"
degraded=$(node scripts/js/bench-dev.mjs "ws://127.0.0.1:$BASE_RPC" "$secs" "$rate" "${args[@]:2}")
echo "degraded: $degraded"
python3 - "$healthy" "$degraded" <<'PY'
import json, sys
h, d = (json.loads(a)["finalizedBlocksPerSecond"] for a in sys.argv[1:3])
print(f"finalized blocks/s: healthy {h}, degraded {d}, ratio {d / h:.3f}" if h else "no finalized blocks in the healthy run")
PY
