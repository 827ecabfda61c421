#!/usr/bin/env bash
# Installs what building and testing the chain needs. Idempotent: installs only what is missing.
# A bare Debian machine with rustup lacks more than these build machines do: protoc (sc-network
# compiles .proto files), a C/C++ toolchain (blst, zstd), binaryen's wasm-opt program (the runtime's
# WASM build runs it: tools/wasm-opt-cli), OpenSSL's headers and pkg-config (litep2p links the
# system's OpenSSL: .cargo/config.toml), curl and python3 (the test scripts),
# Node.js and npm (the polkadot.js scripts and the dashboard), faketime (the clock-skew test),
# Chromium (the dashboard's browser tests; playwright-core drives Debian's, none is downloaded) and
# promtool (checks the alert rules in monitoring/; Debian ships it in `prometheus`, whose server is
# installed but not started).
set -euo pipefail

need=()
command -v protoc >/dev/null 2>&1 || need+=(protobuf-compiler)
command -v cc >/dev/null 2>&1 || need+=(gcc)
command -v c++ >/dev/null 2>&1 || need+=(g++)
command -v make >/dev/null 2>&1 || need+=(make)
command -v wasm-opt >/dev/null 2>&1 || need+=(binaryen)
pkg-config --exists openssl >/dev/null 2>&1 || need+=(pkg-config libssl-dev)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v python3 >/dev/null 2>&1 || need+=(python3)
# The py-substrate-interface conformance script runs in a virtualenv (Debian splits venv out).
python3 -c 'import ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
command -v faketime >/dev/null 2>&1 || need+=(faketime)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
if [ ${#need[@]} -gt 0 ]; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
fi

installed_targets=$(rustup target list --installed)
for t in wasm32-unknown-unknown wasm32v1-none; do
    grep -qx "$t" <<<"$installed_targets" || rustup target add "$t"
done
rustup component list --installed | grep -q '^rust-src' || rustup component add rust-src

# cargo-nextest runs the Rust suite (scripts/test.sh, .config/nextest.toml). These build machines
# carry it; a bare machine compiles it once (a few minutes) into ~/.cargo/bin.
command -v cargo-nextest >/dev/null 2>&1 || cargo install --locked cargo-nextest@0.9.143
