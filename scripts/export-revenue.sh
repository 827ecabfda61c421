#!/usr/bin/env bash
# Revenue eras and payouts of finalized blocks, proven: exports the audit trail of a running
# bpci-node (`bpci-node export-audit`), verifies it offline from the chain spec's genesis
# (`bpci-node verify-audit`), and writes the revenue records of the verified export as CSV.
#
#   scripts/export-revenue.sh [--url ws://127.0.0.1:9944] [--chain dev] [--from BLOCK] [--to BLOCK] [--out DIR]
#
# --from defaults to block 1, --to to the block below the finalized head. Writes
#   DIR/audit.jsonl           the verified export: every record of the range with its proofs (the evidence)
#   DIR/revenue-eras.csv      one row per era closed: era, mode, pot, distributed, carried, withheld, block
#   DIR/revenue-payouts.csv   one row per payout: era, class, account, amount, status, block, index
# and exits non-zero, writing no CSV, if the export does not verify. Uses $BPCI_NODE, or the
# debug build in the cargo target directory.
set -euo pipefail
source "$(dirname "$0")/env.sh"
BPCI_NODE="${BPCI_NODE:-$CARGO_TARGET_DIR/debug/bpci-node}"
exec python3 - "$BPCI_NODE" "$@" <<'PY'
import argparse, csv, json, os, re, subprocess, sys, urllib.request

node = sys.argv.pop(1)
ap = argparse.ArgumentParser(prog="export-revenue.sh")
ap.add_argument("--url", default="ws://127.0.0.1:9944")
ap.add_argument("--chain", default="dev", help="the chain spec whose genesis validator set is trusted")
ap.add_argument("--from", dest="first", type=int, default=1)
ap.add_argument("--to", dest="last", type=int)
ap.add_argument("--out", default=".")
args = ap.parse_args()

def rpc(method, params):
    http = args.url.replace("ws://", "http://", 1)
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    req = urllib.request.Request(http, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        answer = json.load(r)
    if "error" in answer:
        sys.exit(f"{method}: {answer['error']}")
    return answer["result"]

if args.last is None:
    head = rpc("chain_getHeader", [rpc("chain_getFinalizedHead", [])])
    args.last = int(head["number"], 16) - 1
os.makedirs(args.out, exist_ok=True)
export = os.path.join(args.out, "audit.jsonl")
for cmd in ([node, "export-audit", "--url", args.url, "--from", str(args.first), "--to", str(args.last),
             "--format", "jsonl", "--output", export],
            [node, "verify-audit", "--chain", args.chain, export]):
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{cmd[1]}: {done.stderr.strip()}")

def fields(text):
    # A record's readable fields, `Revenue(Paid { era: 3, class: Validators, ... })`: flat values.
    return dict(re.findall(r"(\w+): ([^,{}]+?)(?=, |\s*\})", text))

eras, payouts = [], []
with open(export) as f:
    next(f)  # the manifest
    for line in f:
        row = json.loads(line)
        f_ = fields(row["fields"])
        if row["kind"] == "Revenue.EraClosed":
            eras.append([f_["era"], f_["mode"], f_["pot"], f_["distributed"], f_["carried"], f_["withheld"], row["block"]])
        elif row["kind"] == "Revenue.Paid":
            payouts.append([f_["era"], f_["class"], f_["account"], f_["amount"], f_["status"], row["block"], row["index"]])

with open(os.path.join(args.out, "revenue-eras.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["era", "mode", "pot", "distributed", "carried", "withheld", "block"])
    w.writerows(eras)
with open(os.path.join(args.out, "revenue-payouts.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["era", "class", "account", "amount", "status", "block", "index"])
    w.writerows(payouts)
print(f"{len(eras)} era(s) and {len(payouts)} payout(s) of finalized blocks #{args.first}..#{args.last}, verified, in {os.path.abspath(args.out)}")
PY
