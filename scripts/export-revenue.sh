#!/usr/bin/env bash
# Dumps revenue era reports of a running bpci-node as JSON and CSV, through the node's RPC
# (`bpci_currentEra`, `bpci_eraReport`). Needs only python3's standard library.
#
#   scripts/export-revenue.sh [--url http://127.0.0.1:9944] [--from ERA] [--to ERA] [--out DIR]
#
# Without --from/--to every closed era still in the node's history is exported. Writes
#   DIR/revenue-eras.json     the reports as the RPC returns them (balances are decimal strings)
#   DIR/revenue-eras.csv      one row per era: sources, carried in, pot, allocation by class, distributed, carried out
#   DIR/revenue-payouts.csv   one row per payout: era, class, account, amount, status
set -euo pipefail
exec python3 - "$@" <<'PY'
import argparse, csv, json, os, sys, urllib.request

ap = argparse.ArgumentParser(prog="export-revenue.sh")
ap.add_argument("--url", default="http://127.0.0.1:9944")
ap.add_argument("--from", dest="first", type=int)
ap.add_argument("--to", dest="last", type=int, help="last era, inclusive")
ap.add_argument("--out", default=".")
args = ap.parse_args()

def rpc(method, params):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    req = urllib.request.Request(args.url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        answer = json.load(r)
    if "error" in answer:
        sys.exit(f"{method}: {answer['error']}")
    return answer["result"]

current = rpc("bpci_currentEra", [])["index"]
last = current - 1 if args.last is None else min(args.last, current - 1)
if args.first is None:
    # Walk back from the last closed era until the history ring ends.
    reports, era = [], last
    while era >= 0:
        r = rpc("bpci_eraReport", [era])
        if r is None:
            break
        reports.append(r)
        era -= 1
    reports.reverse()
else:
    reports = [r for r in (rpc("bpci_eraReport", [e]) for e in range(args.first, last + 1)) if r is not None]

os.makedirs(args.out, exist_ok=True)
with open(os.path.join(args.out, "revenue-eras.json"), "w") as f:
    json.dump(reports, f, indent=2)

classes = ["validators", "development", "infrastructure", "treasury", "partners"]
with open(os.path.join(args.out, "revenue-eras.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["era", "mode", "start", "end", "block_rewards", "auction", "rent", "other", "carried_in", "pot"]
               + [f"share_{c}_ppb" for c in classes] + [f"allocated_{c}" for c in classes]
               + ["distributed", "carried_out"])
    for r in reports:
        s = r["sources"]
        w.writerow([r["era"], r["mode"], r["start"], r["end"], s["blockRewards"], s["auction"], s["rent"], s["other"],
                    r["carriedIn"], r["pot"]] + [r["shares"][c] for c in classes]
                   + [r["allocated"][c] for c in classes] + [r["distributed"], r["carriedOut"]])

with open(os.path.join(args.out, "revenue-payouts.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["era", "class", "account", "amount", "status"])
    for r in reports:
        for p in r["payouts"]:
            w.writerow([r["era"], p["class"], p["account"], p["amount"], p["status"]])

print(f"exported {len(reports)} era(s) (current era {current}) to {os.path.abspath(args.out)}")
PY
