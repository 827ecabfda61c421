#!/usr/bin/env bash
# Header import on the bridge: our BPCI light client (one aggregate BLS check over stored,
# pre-validated keys) beside GRANDPA's (polkadot-sdk's bp-header-chain check, one ed25519 check per
# precommit of a quorum), for sets of n = 4, 16, 64 and 100, in one run of the pallet's benchmarks
# on a release node. For each n both imports are measured in the same invocation, interleaved by
# the benchmark CLI, and the table gives their medians, the weight the runtime charges for them
# (the median plus the benchmark's storage accesses at ParityDB's weights) and the ratio.
# Both are the worst case of a header import (the partner's relayer, the partner's first proof,
# a full ring slot to prune); GRANDPA's justification has no vote ancestry, as a node's usually
# has none or little.
# Each n runs in `rounds` separate processes (the CLI repeats each case until its minimum duration),
# and the medians are over every sample of every round: one process's warm-up or a burst of other
# load on the machine moves them less.
# Usage: scripts/bench-bridge.sh [repeat=20] [rounds=3]   (BENCH_SKIP_BUILD=1: use the release node as built)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
export CARGO_TARGET_DIR="${BENCH_TARGET_DIR:-$HOME/.cache/bpci/target-release}"
repeat="${1:-20}"
rounds="${2:-3}"
[ -n "${BENCH_SKIP_BUILD:-}" ] || cargo build --release -p bpci-node --features runtime-benchmarks
node="$CARGO_TARGET_DIR/release/bpci-node"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
for round in $(seq "$rounds"); do
    for n in 4 16 64 100; do
        # `--low`/`--high` fix the components in order: n for both, no ancestry (a) for GRANDPA.
        "$node" benchmark pallet --chain dev --pallet pallet_bridge \
            --extrinsic submit_finality_proof,submit_grandpa_header \
            --steps 2 --repeat "$repeat" --low "$n,0" --high "$n,0" --json-file "$out/$n.$round.json" >/dev/null 2>&1
    done
done
python3 - "$out" "$rounds" <<'PY'
import json, statistics, sys, os
# ParityDbWeight (frame-support): a read 8 us, a write 50 us, in ns.
READ_NS, WRITE_NS = 8_000, 50_000
rows = []
for n in (4, 16, 64, 100):
    times, db = {}, {}
    for r in range(1, int(sys.argv[2]) + 1):
        for b in json.load(open(os.path.join(sys.argv[1], f"{n}.{r}.json"))):
            name = b["benchmark"] if isinstance(b["benchmark"], str) else bytes(b["benchmark"]).decode()
            times.setdefault(name, []).extend(x["extrinsic_time"] for x in b["time_results"])
            db[name] = b["db_results"][0]
    got = {}
    for name, t in times.items():
        median_ns = statistics.median(t)
        weight_ns = median_ns + db[name]["reads"] * READ_NS + db[name]["writes"] * WRITE_NS
        got[name] = (median_ns, weight_ns, len(t), min(t))
    rows.append((n, got["submit_finality_proof"], got["submit_grandpa_header"]))
print("header import, median of the repeats (release node, wasm, this machine)")
print(f"{'n':>4} | {'BPCI us':>9} {'min':>6} {'weight us':>9} | {'GRANDPA us':>10} {'min':>6} {'weight us':>9} | {'time ratio':>10} {'min ratio':>9} {'weight ratio':>12} | samples")
for n, (bt, bw, bs, bm), (gt, gw, gs, gm) in rows:
    print(f"{n:>4} | {bt/1000:>9.0f} {bm/1000:>6.0f} {bw/1000:>9.0f} | {gt/1000:>10.0f} {gm/1000:>6.0f} {gw/1000:>9.0f} | {gt/bt:>9.2f}x {gm/bm:>8.2f}x {gw/bw:>11.2f}x | {bs}/{gs}")
PY
