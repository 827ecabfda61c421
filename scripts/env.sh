# Sourced by the scripts: one cargo target directory outside the clone, reused by every checkout.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/bpci/target}"
mkdir -p "$CARGO_TARGET_DIR"
