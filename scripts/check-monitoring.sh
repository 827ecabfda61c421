#!/usr/bin/env bash
# Checks the operator's monitoring files with promtool (Debian's `prometheus` package, installed by
# scripts/setup.sh): the alert rules parse, their unit tests pass (each alert fires on a series that
# should raise it and not on a healthy one), and every query of the Grafana dashboard parses as
# PromQL. That every metric they name is exported by a running node is checked in
# node/tests/testnet.rs (the two-chain test).
set -euo pipefail
cd "$(dirname "$0")/../monitoring"
promtool check rules prometheus/alerts.yml
promtool test rules prometheus/alerts.test.yml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The dashboard's queries as recording rules, Grafana's variables replaced by values, so that
# promtool parses each one.
python3 - grafana/bpci-node.json >"$tmp/dashboard-queries.yml" <<'PY'
import json, sys
dash = json.load(open(sys.argv[1]))
exprs = [t["expr"] for p in dash["panels"] for t in p.get("targets", [])]
assert exprs, "no queries in the dashboard"
print("groups:\n  - name: dashboard\n    rules:")
for i, e in enumerate(exprs):
    e = e.replace("$__rate_interval", "1m").replace("$instance", ".*")
    print(f"      - record: dashboard:query_{i}\n        expr: {json.dumps(e)}")
PY
promtool check rules "$tmp/dashboard-queries.yml"
