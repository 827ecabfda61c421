#!/usr/bin/env bash
# Benchmark (not a test): blocks/s, finality lag p50/p99 and finalized transfers/s on a dev chain.
# Usage: scripts/bench-dev.sh [seconds=60] [offered transfers/s=200]
#        scripts/bench-dev.sh [timeout seconds] burst [count=6000] [senders=2]
# (see scripts/js/bench-dev.mjs). Release build; PROFILE=debug for a debug node; NODE_BIN=path runs
# that binary instead of building this checkout's (to compare with a baseline).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
PROFILE="${PROFILE:-release}"
if [ -z "${NODE_BIN:-}" ]; then
    if [ "$PROFILE" = release ]; then cargo build --release -p bpci-node; else cargo build -p bpci-node; fi
    NODE_BIN="$CARGO_TARGET_DIR/$PROFILE/bpci-node"
fi
(cd scripts/js && { [ -d node_modules/@polkadot/api ] || npm ci --no-audit --no-fund --loglevel=error; })

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
log=$(mktemp -t bpci-bench.XXXXXX.log)
"$NODE_BIN" --dev --rpc-port "$port" --port 0 --no-prometheus --no-telemetry --no-mdns \
    --rpc-max-connections 1000 >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do
    curl -sf -H 'Content-Type: application/json' -d '{"jsonrpc":"2.0","id":1,"method":"system_health","params":[]}' \
        "http://127.0.0.1:$port" >/dev/null 2>&1 && break
    sleep 0.5
done
echo "bpci-node dev chain, $(nproc) cores, $NODE_BIN"
BENCH_PIDS=$pid node scripts/js/bench-dev.mjs "ws://127.0.0.1:$port" "${1:-60}" "${2:-200}" "${@:3}"
# The node's resident memory now and at its peak (the kernel's high-water mark), in MiB.
awk '/^VmRSS|^VmHWM/ {printf "node %s %.0f MiB\n", $1, $2 / 1024}' "/proc/$pid/status"
