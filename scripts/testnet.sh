#!/usr/bin/env bash
# A local testnet of N validators on loopback, with the local chain spec (Alice, Bob, Charlie, Dave).
#   scripts/testnet.sh [N=4]      start N validators (N <= 4), logs in $TESTNET_DIR/nodeI.log
#   scripts/testnet.sh stop       stop them
# NODE_BIN picks another bpci-node binary (e.g. a baseline for a benchmark); NODE_ARGS adds flags.
# Node I listens on p2p port $BASE_P2P+I and RPC port $BASE_RPC+I; node 0 is every other's bootnode.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
DIR="${TESTNET_DIR:-/tmp/bpci-testnet}"
BASE_P2P="${BASE_P2P:-30400}"
BASE_RPC="${BASE_RPC:-9950}"
BASE_PROM="${BASE_PROM:-9615}"
NODE_BIN="${NODE_BIN:-$CARGO_TARGET_DIR/debug/bpci-node}"
NAMES=(alice bob charlie dave)

stop() {
    for f in "$DIR"/node*.pid; do
        [ -e "$f" ] || continue
        kill "$(cat "$f")" 2>/dev/null || true
        rm -f "$f"
    done
}

if [ "${1:-}" = stop ]; then stop; exit 0; fi
N="${1:-4}"
if ! [[ "$N" =~ ^[1-4]$ ]]; then
    echo "N must be 1..4: the local chain spec has four validators" >&2
    exit 2
fi
[ -x "$NODE_BIN" ] || cargo build -p bpci-node
stop
mkdir -p "$DIR"
boot=""
for i in $(seq 0 $((N - 1))); do
    base="$DIR/node$i"
    mkdir -p "$base"
    [ -f "$base/node-key" ] || "$NODE_BIN" key generate-node-key --file "$base/node-key" 2>/dev/null
    peer=$("$NODE_BIN" key inspect-node-key --file "$base/node-key")
    args=(--chain chain-specs/local.json --validator "--${NAMES[$i]}" --name "${NAMES[$i]}"
          --base-path "$base" --node-key-file "$base/node-key"
          --listen-addr "/ip4/127.0.0.1/tcp/$((BASE_P2P + i))" --rpc-port "$((BASE_RPC + i))"
          --prometheus-port "$((BASE_PROM + i))" --no-mdns --no-telemetry --allow-private-ip)
    [ -n "$boot" ] && args+=(--bootnodes "$boot")
    # shellcheck disable=SC2086 # NODE_ARGS is a list of extra flags
    "$NODE_BIN" "${args[@]}" ${NODE_ARGS:-} >"$DIR/node$i.log" 2>&1 &
    echo $! >"$DIR/node$i.pid"
    [ -z "$boot" ] && boot="/ip4/127.0.0.1/tcp/$BASE_P2P/p2p/$peer"
    echo "node$i (${NAMES[$i]}): rpc 127.0.0.1:$((BASE_RPC + i)), log $DIR/node$i.log"
done
