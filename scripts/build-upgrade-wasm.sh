#!/usr/bin/env bash
# Builds the runtime one spec_version higher (cargo feature `upgrade-test`) and prints the path of
# its WASM, which the forkless-upgrade tests enact through a protocol-track poll. The runtime's
# build script makes it beside the ordinary WASM when BPCI_UPGRADE_WASM_BUILD=1; the build is the
# test suite's own (`cargo test --workspace --no-run`), so after scripts/test.sh it is a no-op.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
export BPCI_UPGRADE_WASM_BUILD=1
cargo test --workspace --no-run >&2
dir="$CARGO_TARGET_DIR/debug/wbuild/bpci-runtime"
wasm="$dir/bpci_runtime.wasm"
out="$dir/bpci_runtime_upgrade.wasm"
old=$(python3 scripts/wasm-spec-version.py "$wasm")
new=$(python3 scripts/wasm-spec-version.py "$out")
[ "$new" -eq $((old + 1)) ] || { echo "upgrade WASM has spec_version $new, ordinary $old" >&2; exit 1; }
echo "$out"
