#!/usr/bin/env bash
# Sets up the machine and runs every test: unit, pallet, runtime, consensus simulation, node
# end-to-end (real bpci-node processes on loopback), a forkless upgrade through the roundtable, and
# the polkadot.js scripts (conformance, governance lifecycle, auction and revenue), the monitoring
# rules and the web dashboard in a headless browser.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
# Prints each stage's wall time (the CI figures in docs/performance.md).
timed() { local start=$SECONDS rc=0; "$@" || rc=$?; echo "=== $* -- $((SECONDS - start)) s"; return $rc; }

# Every cargo command here selects the whole workspace with its tests, so cargo resolves features
# once and compiles each crate once: a `cargo build -p ...` or `cargo test -p ...` resolves them
# differently and compiles the Substrate stack again. The build also makes the
# runtime one spec_version higher for the forkless-upgrade tests (see runtime/build.rs).
export BPCI_UPGRADE_WASM_BUILD=1
start=$SECONDS
upgrade_wasm=$(bash scripts/build-upgrade-wasm.sh)
echo "=== build -- $((SECONDS - start)) s"

# The Rust suite under cargo-nextest, one process per test, the node end-to-end tests two at a time
# beside the simulations (.config/nextest.toml). Ignored tests run too: the forkless upgrade (it
# needs BPCI_UPGRADE_WASM) and the validator whose clock runs ahead (Debian's faketime, installed by
# setup.sh); not the one that rewrites the bridge's benchmark fixtures. (The workspace has no
# doctests, which nextest does not run.) A test marked #[ignore] runs here unless this filter names it.
# The suite's nodes share one cache of compiled runtimes (node/tests/common, `--wasm-cache`); it
# starts empty, so that it holds only what this build compiled.
rm -rf "$CARGO_TARGET_DIR/tmp/wasm-cache"

# The polkadot.js scripts (conformance, governance lifecycle, auction and revenue, upgrade), the
# alert rules and the Grafana dashboard (promtool), and the web dashboard in headless Debian Chromium
# against a real dev node. They mostly wait on their dev chain (measured at 5-40% of one core), so
# they run beside the Rust suite, which keeps both cores busy; their output follows the suite's.
# Their nodes take ports from 32000-32767 (scripts/free-ports.py), apart from the suite's.
others_log=$(mktemp -t bpci-test-scripts.XXXXXX.log)
echo "=== the scripts run beside the Rust suite, their output in $others_log"
(
    set -e
    timed bash scripts/conformance.sh
    timed env BPCI_UPGRADE_WASM="$upgrade_wasm" bash scripts/e2e-js.sh
    timed bash scripts/check-monitoring.sh
    timed bash scripts/test-dashboard.sh "$CARGO_TARGET_DIR/debug/bpci-node"
) >"$others_log" 2>&1 &
others=$!
# Interrupted, the scripts stop too, with the nodes, servers and browser they started.
stop_tree() { local child; for child in $(pgrep -P "$1"); do stop_tree "$child"; done; kill "$1" 2>/dev/null || true; }
trap 'stop_tree "$others"; exit 130' INT TERM
rust=0
timed env BPCI_UPGRADE_WASM="$upgrade_wasm" cargo nextest run --workspace --run-ignored all -E 'not (package(pallet-bridge) & test(=tests::write_benchmark_fixtures))' || rust=$?
scripts=0
wait "$others" || scripts=$?
trap - INT TERM
echo "=== the scripts, run beside the Rust suite ==="
cat "$others_log"
rm -f "$others_log"
if [ "$rust" -ne 0 ] || [ "$scripts" -ne 0 ]; then
    echo "FAILED: the Rust suite exited $rust, the scripts $scripts"
    exit 1
fi
