//! Issue 12 end to end: a dev chain's audit trail exported over RPC, verified offline from the dev
//! spec's genesis, and every kind of tampering with the export detected with a clear message.

mod common;

use common::{tx, Node};
use serde_json::{json, Value};
use sp_keyring::Sr25519Keyring::Alice;
use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_bpci-node");

fn export(node: &Node, from: u32, to: u32, format: &str, out: &Path) -> Output {
    Command::new(BIN)
        .args(["export-audit", "--url", &format!("ws://127.0.0.1:{}", node.rpc_port)])
        .args(["--from", &from.to_string(), "--to", &to.to_string(), "--format", format, "--output"])
        .arg(out)
        .output()
        .unwrap()
}

fn verify(file: &Path) -> Output {
    Command::new(BIN).args(["verify-audit", "--chain", "dev", "--wasm-cache", common::WASM_CACHE]).arg(file).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Writes `lines` as a JSONL export and checks that `verify-audit` refuses it with `expected` in
/// its message.
fn refused(file: &Path, lines: &[String], what: &str, expected: &str) {
    std::fs::write(file, lines.join("\n") + "\n").unwrap();
    let out = verify(file);
    assert!(!out.status.success(), "{what}: accepted");
    assert!(stderr(&out).contains(expected), "{what}: the message does not say {expected:?}: {}", stderr(&out));
}

#[test]
fn an_export_verifies_offline_and_every_change_to_it_is_detected() {
    let dir = common::test_dir();
    let node = Node::dev(dir.path(), "audit");
    let genesis = sp_core::H256::from_slice(&common::from_hex(&node.rpc("chain_getBlockHash", json!([0]))));
    // A use of the root key, besides what a dev chain records by itself (revenue eras every ten
    // blocks, auction rounds).
    let remark = bpci_runtime::RuntimeCall::System(frame_system::Call::remark { remark: b"audited".to_vec() });
    let sudo = bpci_runtime::RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(remark) });
    node.submit(&tx::signed(sudo, Alice, 0, genesis)).expect("sudo submitted");
    let to = 22;
    node.wait_until("block #23 final", Duration::from_secs(180), |n| n.finalized_number() > to);

    // Bad requests get clear errors and change nothing.
    let head = node.finalized_number();
    for (params, says) in [
        (json!([5, 4, null]), "after"),
        (json!([1, head, null]), "in the log from block"),
        (json!([1, 2000, null]), "in the log from block"),
        (json!([1, 1, format!("{:?}", sp_core::H256::repeat_byte(7))]), "unknown block"),
    ] {
        let err = node.try_rpc("bpci_auditRange", params.clone()).expect_err("a bad range answered");
        assert!(err.to_string().contains(says), "{params}: {err}");
    }
    assert!(node.try_rpc("bpci_auditRange", json!([1, 2, null])).is_ok());

    // An export past the finalized head is refused.
    let jsonl = dir.path().join("audit.jsonl");
    let out = export(&node, 1, 100_000, "jsonl", &jsonl);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("past the finalized head"), "{}", stderr(&out));

    // JSONL and CSV exports verify.
    let out = export(&node, 1, to, "jsonl", &jsonl);
    assert!(out.status.success(), "export failed: {}", stderr(&out));
    let out = verify(&jsonl);
    assert!(out.status.success(), "verify-audit refused the export: {}", stderr(&out));
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["from"], 1);
    assert_eq!(summary["to"], to);
    let csv = dir.path().join("audit.csv");
    let out = export(&node, 1, to, "csv", &csv);
    assert!(out.status.success(), "csv export failed: {}", stderr(&out));
    let out = verify(&csv);
    assert!(out.status.success(), "verify-audit refused the csv export: {}", stderr(&out));

    let text = std::fs::read_to_string(&jsonl).unwrap();
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    let rows: Vec<Value> = lines[1..].iter().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(summary["records"], rows.len());
    let kinds: Vec<&str> = rows.iter().map(|r| r["kind"].as_str().unwrap()).collect();
    for kind in ["Sudo.Sudid", "Revenue.EraClosed", "Revenue.Paid", "Auction.RoundSettled"] {
        assert!(kinds.contains(&kind), "no {kind} row among {kinds:?}");
    }
    // A block of several rows, for reordering within a block.
    let (first, _) = rows
        .iter()
        .enumerate()
        .find(|(i, r)| rows.get(i + 1).is_some_and(|n| n["block"] == r["block"]))
        .expect("a block with two rows");
    let line = first + 1;
    let edit = |i: usize, f: &dyn Fn(&mut Value)| {
        let mut l = lines.clone();
        let mut row: Value = serde_json::from_str(&l[i]).unwrap();
        f(&mut row);
        l[i] = row.to_string();
        l
    };
    let file = dir.path().join("tampered.jsonl");

    // A changed record byte.
    let changed = edit(line, &|r| {
        let rec = r["record"].as_str().unwrap();
        let last = u8::from_str_radix(&rec[rec.len() - 2..], 16).unwrap() ^ 1;
        r["record"] = json!(format!("{}{last:02x}", &rec[..rec.len() - 2]));
    });
    refused(&file, &changed, "a changed record", "a row was changed");
    // A changed readable column, the bytes intact.
    let relabelled = edit(line, &|r| r["fields"] = json!("Revenue(Paid { amount: 1 })"));
    refused(&file, &relabelled, "a changed readable column", "readable columns");
    // A removed row.
    let mut removed = lines.clone();
    removed.remove(line);
    refused(&file, &removed, "a removed row", "removed");
    // Two rows of a block swapped, as they were, and renumbered.
    let mut swapped = lines.clone();
    swapped.swap(line, line + 1);
    refused(&file, &swapped, "two rows swapped", "reordered");
    let renumbered: Vec<String> = {
        let mut l = swapped.clone();
        for (i, at) in [(line, 0), (line + 1, 1)] {
            let mut row: Value = serde_json::from_str(&l[i]).unwrap();
            row["index"] = json!(rows[first]["index"].as_u64().unwrap() + at);
            l[i] = row.to_string();
        }
        l
    };
    refused(&file, &renumbered, "two rows swapped and renumbered", "changed or reordered");
    // A row appended to the last block, and one after it.
    let last: Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    let mut appended = lines.clone();
    let mut extra = last.clone();
    extra["index"] = json!(last["index"].as_u64().unwrap() + 1);
    appended.push(extra.to_string());
    refused(&file, &appended, "a row appended to a block", "added");
    let mut after = lines.clone();
    let mut extra = last.clone();
    extra["block"] = json!(to + 1);
    extra["index"] = json!(0);
    after.push(extra.to_string());
    refused(&file, &after, "a row after the last block", "added");
    // A block's leaf changed in the manifest, its number and hash kept: the block claims one
    // record fewer, and its rows are cut to match. The log refuses the leaf.
    let block = rows[first]["block"].as_u64().unwrap() as u32;
    let mut manifest: Value = serde_json::from_str(&lines[0]).unwrap();
    let entry = &mut manifest["blocks"][(block - 1) as usize];
    let raw = common::from_hex(&entry["leaf"]);
    let mut leaf = <bpci_primitives::audit::AuditLeaf as codec::Decode>::decode(&mut &raw[..]).unwrap();
    let kept: Vec<Vec<u8>> = rows
        .iter()
        .filter(|r| r["block"] == json!(block))
        .take(leaf.records.count as usize - 1)
        .map(|r| common::from_hex(&r["record"]))
        .collect();
    leaf.records.count -= 1;
    leaf.records.root = bpci_primitives::audit::records_root(kept.iter().map(|r| bpci_primitives::audit::leaf_hash(r)));
    entry["leaf"] = json!(format!("0x{}", hex::encode(codec::Encode::encode(&leaf))));
    manifest["records"] = json!(rows.len() - 1);
    let mut forged = lines.clone();
    forged[0] = manifest.to_string();
    let dropped_line = (first + leaf.records.count as usize) + 1;
    forged.remove(dropped_line);
    refused(&file, &forged, "a forged leaf", "are not the log's");
    // The revenue export reads the same verified trail.
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/export-revenue.sh");
    let out_dir = dir.path().join("revenue");
    let out = Command::new("bash")
        .arg(&script)
        .args(["--url", &format!("ws://127.0.0.1:{}", node.rpc_port), "--from", "1", "--to", &to.to_string(), "--out"])
        .arg(&out_dir)
        .env("BPCI_NODE", BIN)
        .output()
        .unwrap();
    assert!(out.status.success(), "export-revenue.sh failed: {}", stderr(&out));
    let eras = std::fs::read_to_string(out_dir.join("revenue-eras.csv")).unwrap();
    assert!(eras.lines().count() >= 3, "two eras closed by block {to}: {eras}");
    let payouts = std::fs::read_to_string(out_dir.join("revenue-payouts.csv")).unwrap();
    assert!(payouts.lines().count() >= 2, "{payouts}");

    // Another chain's spec does not trust this export.
    let out = Command::new(BIN).args(["verify-audit", "--chain", "local", "--wasm-cache", common::WASM_CACHE]).arg(&jsonl).output().unwrap();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("another chain"), "{}", stderr(&out));
}
