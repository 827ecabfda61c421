#!/usr/bin/env bash
# The dashboard's browser tests (dashboard/tests/*.test.mjs) against a real dev chain: starts
# `bpci-node --dev` (argument 1, else $CARGO_TARGET_DIR/debug/bpci-node, built if missing) on a
# temporary base path and free loopback ports, builds and serves the dashboard (scripts/dashboard.sh)
# on another free port, and runs the tests in headless Debian Chromium (playwright-core). Both are
# stopped on exit. Screenshots go to dashboard/test-output/. Non-zero exit on any failure, with the
# tail of the node's and the server's logs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
NODE_BIN=${1:-$CARGO_TARGET_DIR/debug/bpci-node}
if [ ! -x "$NODE_BIN" ]; then
    [ $# -eq 0 ] || { echo "no bpci-node at $NODE_BIN"; exit 1; }
    cargo build -p bpci-node
fi
{ command -v chromium && command -v node && command -v npm; } >/dev/null 2>&1 || bash scripts/setup.sh

read -r rpc p2p web < <(python3 scripts/free-ports.py 3)
base=$(mktemp -d -t bpci-dashboard-node.XXXXXX)
node_log=$(mktemp -t bpci-dashboard-node.XXXXXX.log)
web_log=$(mktemp -t bpci-dashboard-web.XXXXXX.log)
node_pid=""
web_pid=""
cleanup() {
    # The dashboard runs in its own process group (setsid): npm ci, the build or the server.
    [ -z "$web_pid" ] || kill -- -"$web_pid" 2>/dev/null || kill "$web_pid" 2>/dev/null || true
    [ -z "$node_pid" ] || kill "$node_pid" 2>/dev/null || true
    for p in $web_pid $node_pid; do wait "$p" 2>/dev/null || true; done
    rm -rf "$base"
}
trap cleanup EXIT
logs() {
    echo "--- node log tail ($node_log) ---"; tail -30 "$node_log"
    echo "--- dashboard server log tail ($web_log) ---"; tail -30 "$web_log"
}

# Archive state: the pages prove the trusted validator set from the genesis state on first use
# (src/trust.ts), which a pruning node discards 256 blocks in; the page then asks for ?trust=. The
# tests run past that when the machine is busy (scripts/test.sh runs them beside the Rust suite).
"$NODE_BIN" --dev --state-pruning archive-canonical --base-path "$base" --rpc-port "$rpc" --port "$p2p" --no-prometheus --no-telemetry --no-mdns >"$node_log" 2>&1 &
node_pid=$!
DASHBOARD_PORT=$web setsid bash scripts/dashboard.sh >"$web_log" 2>&1 &
web_pid=$!

# Bounded waits: the node's RPC (up to 120 s), the dashboard's install, build and server (up to 600 s).
for i in $(seq 1 240); do
    curl -sf -H 'Content-Type: application/json' -d '{"jsonrpc":"2.0","id":1,"method":"system_health","params":[]}' \
        "http://127.0.0.1:$rpc" >/dev/null 2>&1 && break
    kill -0 "$node_pid" 2>/dev/null || { echo "node exited"; logs; exit 1; }
    [ "$i" -lt 240 ] || { echo "node RPC not up after 120 s"; logs; exit 1; }
    sleep 0.5
done
for i in $(seq 1 1200); do
    curl -sf "http://127.0.0.1:$web/" >/dev/null 2>&1 && break
    kill -0 "$web_pid" 2>/dev/null || { echo "dashboard server exited"; logs; exit 1; }
    [ "$i" -lt 1200 ] || { echo "dashboard not served after 600 s"; logs; exit 1; }
    sleep 0.5
done

echo "node ws://127.0.0.1:$rpc, dashboard http://127.0.0.1:$web/"
if ! (cd dashboard && DASHBOARD_URL="http://127.0.0.1:$web" BPCI_RPC="ws://127.0.0.1:$rpc" BPCI_NODE_BIN="$(realpath "$NODE_BIN")" npm test --silent); then
    echo "dashboard tests failed"; logs; exit 1
fi
rm -f "$node_log" "$web_log"
