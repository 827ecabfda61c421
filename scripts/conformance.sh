#!/usr/bin/env bash
# Runs the polkadot.js and py-substrate-interface conformance scripts against a fresh dev chain on
# loopback ports. The Python client lives in a virtualenv beside the cargo target directory.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
NODE_BIN="$CARGO_TARGET_DIR/debug/bpci-node"
[ -x "$NODE_BIN" ] || cargo build -p bpci-node

(cd scripts/js && { [ -d node_modules/@polkadot/api ] || npm ci --no-audit --no-fund --loglevel=error; })
venv="$(dirname "$CARGO_TARGET_DIR")/py"
"$venv/bin/python" -c 'import substrateinterface' 2>/dev/null || {
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r scripts/py/requirements.txt
}

read -r port p2p < <(python3 scripts/free-ports.py 2)
log=$(mktemp -t bpci-conformance.XXXXXX.log)
"$NODE_BIN" --dev --rpc-port "$port" --port "$p2p" --no-prometheus --no-telemetry --no-mdns >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT

for _ in $(seq 1 240); do
    curl -sf -H 'Content-Type: application/json' -d '{"jsonrpc":"2.0","id":1,"method":"system_health","params":[]}' \
        "http://127.0.0.1:$port" >/dev/null 2>&1 && break
    kill -0 $pid 2>/dev/null || { echo "node exited:"; tail -30 "$log"; exit 1; }
    sleep 0.5
done

if ! node scripts/js/conformance.mjs "ws://127.0.0.1:$port" || ! "$venv/bin/python" scripts/py/conformance.py "ws://127.0.0.1:$port"; then
    echo "--- node log tail ---"; tail -40 "$log"; exit 1
fi
