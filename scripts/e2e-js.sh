#!/usr/bin/env bash
# End-to-end polkadot.js scripts (scripts/js/governance.mjs, scripts/js/auction.mjs, then
# scripts/js/upgrade.mjs: a set_code through the protocol track) against one fresh dev chain on free
# loopback ports, run one after the other. The upgrade needs the runtime one spec_version higher:
# BPCI_UPGRADE_WASM, or scripts/build-upgrade-wasm.sh builds it. Non-zero exit on any failure, with
# the tail of the node log.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
NODE_BIN="$CARGO_TARGET_DIR/debug/bpci-node"
[ -x "$NODE_BIN" ] || cargo build -p bpci-node
upgrade_wasm=${BPCI_UPGRADE_WASM:-$(bash scripts/build-upgrade-wasm.sh)}

(cd scripts/js && { [ -d node_modules/@polkadot/api ] || npm ci --no-audit --no-fund --loglevel=error; })

read -r port p2p < <(python3 scripts/free-ports.py 2)
log=$(mktemp -t bpci-e2e-js.XXXXXX.log)
"$NODE_BIN" --dev --rpc-port "$port" --port "$p2p" --no-prometheus --no-telemetry --no-mdns >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT

node_log_tail() { echo "--- node log tail ($log) ---"; tail -40 "$log"; }

for _ in $(seq 1 240); do
    curl -sf -H 'Content-Type: application/json' -d '{"jsonrpc":"2.0","id":1,"method":"system_health","params":[]}' \
        "http://127.0.0.1:$port" >/dev/null 2>&1 && break
    kill -0 $pid 2>/dev/null || { echo "node exited:"; node_log_tail; exit 1; }
    sleep 0.5
done

for script in governance auction upgrade; do
    echo "=== $script.mjs ==="
    start=$(date +%s)
    if ! node "scripts/js/$script.mjs" "ws://127.0.0.1:$port" "$upgrade_wasm"; then
        echo "$script.mjs failed"; node_log_tail; exit 1
    fi
    echo "=== $script.mjs passed in $(( $(date +%s) - start )) s ==="
done
rm -f "$log"
