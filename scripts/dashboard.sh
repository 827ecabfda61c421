#!/usr/bin/env bash
# Installs the web dashboard's dependencies (npm ci, from dashboard/package-lock.json), builds it
# (tsc + vite build into dashboard/dist) and serves the build on 127.0.0.1:${DASHBOARD_PORT:-8080}
# until stopped. Open http://127.0.0.1:8080/ for a node on ws://127.0.0.1:9944 (scripts/dev.sh),
# or http://127.0.0.1:8080/?rpc=ws://HOST:PORT for another. See dashboard/README.md.
set -euo pipefail
cd "$(dirname "$0")/../dashboard"
command -v npm >/dev/null 2>&1 || bash ../scripts/setup.sh
# npm writes node_modules/.package-lock.json on install: reinstall when the lockfile is newer.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
fi
# The page checks justifications with the offline verifier compiled to WASM (dashboard/verifier-wasm).
bash ../scripts/build-verifier-wasm.sh
npm run --silent build
port=${DASHBOARD_PORT:-8080}
echo "dashboard: http://127.0.0.1:$port/ (node: ?rpc=ws://127.0.0.1:9944 by default)"
# vite itself, not through npx/npm, so that this process is the server (a kill of its pid stops it).
exec node node_modules/vite/bin/vite.js preview --host 127.0.0.1 --port "$port" --strictPort
