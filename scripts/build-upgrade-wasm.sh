#!/usr/bin/env bash
# Builds the runtime one spec_version higher (cargo feature `upgrade-test`) and prints the path of
# its WASM, which the forkless-upgrade tests enact through a protocol-track poll. Both runtime
# variants write the same wbuild file, so the ordinary one is rebuilt afterwards and checked.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
wasm="$CARGO_TARGET_DIR/debug/wbuild/bpci-runtime/bpci_runtime.wasm"
out="$CARGO_TARGET_DIR/upgrade/bpci_runtime_upgrade.wasm"
mkdir -p "$(dirname "$out")"

# The build script only reruns when its inputs change; make sure each variant rewrites the file.
touch runtime/build.rs
cargo build -p bpci-runtime --features upgrade-test >&2
cp "$wasm" "$out"
touch runtime/build.rs
cargo build -p bpci-runtime >&2

old=$(python3 scripts/wasm-spec-version.py "$wasm")
new=$(python3 scripts/wasm-spec-version.py "$out")
[ "$new" -eq $((old + 1)) ] || { echo "upgrade WASM has spec_version $new, ordinary $old" >&2; exit 1; }
echo "$out"
