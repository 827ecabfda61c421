#!/usr/bin/env bash
# Installs what building and testing the chain needs. Idempotent: installs only what is missing.
set -euo pipefail

if ! command -v protoc >/dev/null 2>&1; then
    # sc-network and litep2p compile .proto files at build time.
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq protobuf-compiler
fi

installed_targets=$(rustup target list --installed)
for t in wasm32-unknown-unknown wasm32v1-none; do
    grep -qx "$t" <<<"$installed_targets" || rustup target add "$t"
done
rustup component list --installed | grep -q '^rust-src' || rustup component add rust-src
