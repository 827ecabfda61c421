//! End-to-end tests of a dev chain: the real `bpci-node` binary on loopback ports.

mod common;

use bpci_primitives::{
    qc::{FinalityJustification, JustificationKind},
    ValidatorSet, BPCI_ENGINE_ID,
};
use codec::{Decode, Encode};
use common::{from_hex, tx, Node};
use serde_json::{json, Value};
use sp_core::H256;
use sp_keyring::Sr25519Keyring::{Alice, Bob, Charlie};
use std::time::Duration;

const MINUTE: Duration = Duration::from_secs(60);

fn block_hash(node: &Node, n: u32) -> H256 {
    let v = node.rpc("chain_getBlockHash", json!([n]));
    H256::from_slice(&from_hex(&v))
}

/// A byte array as the RPC renders justifications: a JSON array of numbers.
fn bytes(v: &Value) -> Vec<u8> {
    v.as_array().unwrap().iter().map(|b| b.as_u64().unwrap() as u8).collect()
}

fn genesis(node: &Node) -> H256 {
    block_hash(node, 0)
}

/// The BPCI justification of block `n`, checked against the validator set of its state.
fn verified_justification(node: &Node, n: u32) -> FinalityJustification {
    let hash = block_hash(node, n);
    let at = format!("{hash:?}");
    let block = node.rpc("chain_getBlock", json!([at]));
    let justs = block["justifications"].as_array().unwrap_or_else(|| panic!("#{n} has no justifications: {block}"));
    let (_, raw) = justs
        .iter()
        .map(|j| (bytes(&j[0]), bytes(&j[1])))
        .find(|(id, _)| id[..] == BPCI_ENGINE_ID[..])
        .unwrap_or_else(|| panic!("#{n} has no BPCI justification"));
    let j = FinalityJustification::decode(&mut &raw[..]).unwrap();
    let set: ValidatorSet = node.state_call("BpciConsensusApi_validator_set", &[], Some(&at));
    j.verify::<bpci_primitives::bls::native::Blst>(&set, &genesis(node), hash, n).unwrap_or_else(|e| panic!("justification of #{n} does not verify: {e:?}"));
    assert!(raw.len() < 200, "justification of #{n} is {} bytes", raw.len());
    j
}

fn free_balance(node: &Node, who: sp_keyring::Sr25519Keyring, at: Option<&str>) -> u128 {
    let mut key = sp_io::hashing::twox_128(b"System").to_vec();
    key.extend(sp_io::hashing::twox_128(b"Account"));
    let account = who.to_account_id();
    key.extend(sp_io::hashing::blake2_128(account.as_ref()));
    key.extend_from_slice(account.as_ref());
    let mut params = vec![json!(format!("0x{}", hex::encode(key)))];
    if let Some(at) = at {
        params.push(json!(at));
    }
    let v = node.rpc("state_getStorage", Value::Array(params));
    let info = frame_system::AccountInfo::<u32, pallet_balances::AccountData<u128>>::decode(&mut &from_hex(&v)[..]).unwrap();
    info.data.free
}

#[test]
fn dev_chain_produces_and_finalizes_blocks_with_verifiable_justifications() {
    let dir = common::test_dir();
    let node = Node::dev(dir.path(), "finality");
    node.wait_until("block #6", MINUTE, |n| n.best_number() >= 6);
    for _ in 0..8 {
        let (best, fin) = (node.best_number(), node.finalized_number());
        assert!(best.saturating_sub(fin) <= 2, "finality lags: best {best}, finalized {fin}");
        std::thread::sleep(Duration::from_millis(300));
    }
    let fin = node.finalized_number();
    assert!(fin >= 4);
    for n in 1..=fin {
        let j = verified_justification(&node, n);
        // By its own commit votes (no child), or by its child's certificate when those were late.
        match j.kind {
            JustificationKind::Commit { .. } => {}
            JustificationKind::Child { child_hash, .. } => {
                assert_eq!(child_hash, block_hash(&node, n + 1), "#{n} is justified by commit votes or by its child")
            }
        }
    }
    let status = node.rpc("bpci_consensusStatus", json!([]));
    assert_eq!(status["role"], "validator");
    assert_eq!(status["validators"], 1);
    assert!(status["view"].as_u64().unwrap() > fin as u64);
    assert!(status["lastFinalized"]["number"].as_u64().unwrap() >= fin as u64);
}

#[test]
fn signed_transfer_is_finalized_and_bad_input_changes_nothing() {
    let dir = common::test_dir();
    let mut node = Node::dev(dir.path(), "transfer");
    node.wait_until("block #2", MINUTE, |n| n.finalized_number() >= 1);
    let g = genesis(&node);
    let (alice0, bob0) = (free_balance(&node, Alice, None), free_balance(&node, Bob, None));

    let amount = 1_234_567_890_123u128;
    let xt = tx::signed(tx::transfer(Bob, amount), Alice, 0, g);
    let xt_hex = format!("0x{}", hex::encode(codec::Encode::encode(&xt)));
    node.submit(&xt).expect("transfer accepted");

    // Find it in a finalized block.
    let mut found = None;
    node.wait_until("transfer finalized", MINUTE, |n| {
        let fin = n.finalized_number();
        for k in 1..=fin {
            let block = n.rpc("chain_getBlock", json!([format!("{:?}", block_hash(n, k))]));
            if block["block"]["extrinsics"].as_array().unwrap().iter().any(|e| e == &json!(xt_hex)) {
                found = Some(k);
                return true;
            }
        }
        false
    });
    let at = format!("{:?}", block_hash(&node, found.unwrap()));
    assert_eq!(free_balance(&node, Bob, Some(&at)), bob0 + amount);
    let alice1 = free_balance(&node, Alice, Some(&at));
    assert!(alice1 < alice0 - amount, "Alice paid the amount and a fee");

    // Bad input: each rejected with an error, nothing changes, the node keeps going.
    let best_before = node.best_number();
    let replay = node.submit(&xt).expect_err("replayed nonce");
    assert!(replay.to_string().contains("outdated") || replay.to_string().contains("Stale"), "{replay}");
    let forged = tx::signed_by(tx::transfer(Charlie, amount), Alice, Bob, 1, g);
    let e = node.submit(&forged).expect_err("wrong signature");
    assert!(e.to_string().contains("bad signature"), "{e}");
    let e = node.try_rpc("author_submitExtrinsic", json!(["0xdeadbeef"])).expect_err("malformed extrinsic");
    assert!(!e.to_string().is_empty());
    let e = node.try_rpc("bpci_noSuchMethod", json!([])).expect_err("unknown method");
    assert_eq!(e["code"], -32601);
    let v = node.post_raw("{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": ");
    assert_eq!(v["error"]["code"], -32700, "{v}");
    let v = node.post_raw("[1, 2, 3]");
    assert!(v.to_string().contains("error"), "{v}");
    // BPCI's state-reading methods take a block hash (default: the last finalized block): one this
    // node does not know is refused by name, genesis reads genesis.
    let e = node.try_rpc("bpci_partners", json!([format!("{:?}", H256::repeat_byte(7))])).expect_err("unknown block");
    assert!(e["code"] == -32602 && e["message"].as_str().unwrap_or_default().contains("unknown block"), "{e}");
    node.wait_until("the second revenue era", MINUTE, |n| n.rpc("bpci_currentEra", json!([]))["index"].as_u64() > Some(0));
    assert_eq!(node.rpc("bpci_currentEra", json!([format!("{g:?}")]))["index"], 0);

    node.wait_until("more blocks after bad input", MINUTE, |n| n.best_number() >= best_before + 3);
    assert!(node.is_running());
    assert_eq!(free_balance(&node, Charlie, None), free_balance(&node, Charlie, Some(&format!("{g:?}"))));
    assert_eq!(free_balance(&node, Bob, None), bob0 + amount);
}

/// Issue 9, finding 7: with one validator a block is final as soon as it is built, the fastest
/// path there is; a client waiting for `InBlock` and then `Finalized` must still see both, with
/// either transaction pool an operator may choose.
#[test]
fn a_dev_chain_reports_every_transaction_in_block_before_finalized() {
    for pool in ["single-state", "fork-aware"] {
        let dir = common::test_dir();
        let data = dir.path().join("data").display().to_string();
        let node = Node::with_args(dir.path(), pool, &data, &["--dev", "--pool-type", pool]);
        node.wait_until("block #2", MINUTE, |n| n.finalized_number() >= 1);
        for round in 0..3 {
            common::check_transfers_reported_in_block_then_finalized(&node, Alice, 8, &format!("{pool} pool, round {round}"));
        }
    }
}

/// Issue 13: a full pool evicts transactions it had accepted. A sender watching one must be told
/// (`dropped`), not left waiting for a status that never comes; and the eviction must not make the
/// node refuse the next transactions. Three senders' transfers fill a pool of three; three better
/// paying ones follow before the next block and take their places.
#[test]
fn a_transaction_the_full_pool_evicts_is_reported_dropped_to_its_watcher() {
    use sp_keyring::Sr25519Keyring::{Dave, Eve, Ferdie, Two};
    let dir = common::test_dir();
    let data = dir.path().join("data").display().to_string();
    let node = Node::with_args(dir.path(), "pool", &data, &["--dev", "--pool-limit", "3"]);
    node.wait_until("block #1 final", MINUTE, |n| n.finalized_number() >= 1);
    let g = genesis(&node);
    let nonce = |who: sp_keyring::Sr25519Keyring| {
        node.rpc("system_accountNextIndex", json!([who.to_account_id().to_string()])).as_u64().unwrap() as u32
    };
    let mut dropped_seen = false;
    // A block built between the two batches would take the cheap transfers before they can be
    // evicted; that is rare (the batches are milliseconds apart, blocks a second), so try again.
    for round in 0..3 {
        let watch = |who, tip| {
            let xt = tx::signed_with_tip(tx::transfer(Two, 1_000_000_000_000), who, nonce(who), g, tip);
            let w = node.submit_and_watch(&xt);
            (xt, std::thread::spawn(move || w.statuses(MINUTE)))
        };
        let cheap: Vec<_> = [Alice, Charlie, Dave].into_iter().map(|who| watch(who, 0)).collect();
        let dear: Vec<_> = [Eve, Ferdie, Bob].into_iter().map(|who| watch(who, 1_000_000_000)).collect();
        let last = |seen: &[(String, std::time::Instant)]| seen.last().map(|(s, _)| s.clone()).unwrap_or_default();
        for (xt, w) in cheap {
            let seen = w.join().unwrap();
            let status = last(&seen);
            // Every watch ends: in a block and final, or dropped (or refused at once, as the pool was full).
            assert!(
                status == "finalized" || status == "dropped" || status.contains("1016"),
                "round {round}: a cheap transfer ended with {seen:?}; log:\n{}",
                node.log_tail()
            );
            if status == "dropped" {
                dropped_seen = true;
                // The pool bans what it evicted for a while: the sender must sign again.
                let again = node.submit(&xt).expect_err("a transaction just evicted is accepted again");
                assert_eq!(again["code"], 1012, "{again}");
            }
        }
        for (_, w) in dear {
            let seen = w.join().unwrap();
            assert_eq!(last(&seen), "finalized", "round {round}: a better-paying transfer: {seen:?}");
        }
        if dropped_seen {
            break;
        }
    }
    assert!(dropped_seen, "no cheap transfer was evicted in three rounds");
    // The node goes on, and a new transaction from an evicted sender is accepted and final.
    let xt = tx::signed(tx::transfer(Two, 1_000_000_000_000), Alice, nonce(Alice), g);
    let seen = node.submit_and_watch(&xt).statuses(MINUTE);
    assert_eq!(seen.last().map(|(s, _)| s.as_str()), Some("finalized"), "{seen:?}");
}

#[test]
fn restart_after_sigterm_and_sigkill_keeps_finality() {
    let dir = common::test_dir();
    // A cache of compiled runtimes of its own (`--wasm-cache`), so that what other tests compile
    // meanwhile does not count here.
    let cache = dir.path().join("wasm-cache");
    let mut node = Node::dev_with_wasm_cache(dir.path(), "restart", &cache);
    node.wait_until("finalized #5", MINUTE, |n| n.finalized_number() >= 5);
    let compiled = compiled_runtimes(&cache);
    assert_eq!(compiled.len(), 1, "one compiled runtime expected in {}: {compiled:?}", cache.display());
    let mut uses = cache_uses(&compiled);
    for sig in ["-TERM", "-KILL"] {
        let fin = node.finalized_number();
        let fin_hash = block_hash(&node, fin);
        node.signal(sig);
        node.start();
        assert!(node.finalized_number() >= fin, "finality went backwards after {sig}");
        assert_eq!(block_hash(&node, fin), fin_hash, "finalized block changed after {sig}");
        node.wait_until("finality resumes", MINUTE, |n| n.finalized_number() >= fin + 3);
        verified_justification(&node, fin + 1);
        // The restart loaded the runtime from the cache: the entry was not written again, and
        // wasmtime counted one more use of it.
        assert_eq!(compiled_runtimes(&cache), compiled, "the restart after {sig} compiled the runtime again");
        node.wait_until("the cache counts the restart's use", MINUTE, |_| cache_uses(&compiled) > uses);
        uses = cache_uses(&compiled);
    }
}

/// The compiled runtimes in a `--wasm-cache` directory (wasmtime's layout:
/// `compiled-runtimes/modules/<version>/<key>`, beside each a `<key>.stats`) and when each was written.
fn compiled_runtimes(cache: &std::path::Path) -> std::collections::BTreeMap<std::path::PathBuf, std::time::SystemTime> {
    let modules = cache.join("compiled-runtimes").join("modules");
    let mut entries = std::collections::BTreeMap::new();
    for version in std::fs::read_dir(modules).into_iter().flatten().flatten() {
        for file in std::fs::read_dir(version.path()).into_iter().flatten().flatten() {
            let path = file.path();
            if path.extension().is_none() && !path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')) {
                if let Ok(written) = file.metadata().and_then(|m| m.modified()) {
                    entries.insert(path, written);
                }
            }
        }
    }
    entries
}

/// The uses wasmtime has counted of these entries (`usages = N` in their `.stats` files, written
/// by its background worker).
fn cache_uses(entries: &std::collections::BTreeMap<std::path::PathBuf, std::time::SystemTime>) -> u64 {
    entries
        .keys()
        .filter_map(|entry| std::fs::read_to_string(entry.with_extension("stats")).ok())
        .filter_map(|stats| stats.lines().find_map(|l| l.strip_prefix("usages = ")?.trim().parse::<u64>().ok()))
        .sum()
}

#[test]
fn cli_and_chain_spec_errors_are_clear() {
    let bin = env!("CARGO_BIN_EXE_bpci-node");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(bin).args(args).output().unwrap();
        (out.status.success(), String::from_utf8_lossy(&out.stderr).to_string())
    };
    let (ok, err) = run(&["--no-such-flag"]);
    assert!(!ok && err.contains("--no-such-flag"), "{err}");
    // `--wasm-cache` where nothing would read it is refused, not ignored.
    for args in [&["build-spec", "--dev", "--wasm-cache", "/tmp"][..], &["--wasm-cache", "/tmp", "import-blocks", "--dev"]] {
        let (ok, err) = run(args);
        assert!(!ok && err.contains("--wasm-cache"), "{args:?}: {err}");
    }

    let dir = common::test_dir();
    let (ok, err) = run(&["build-spec", "--chain", "/nonexistent/spec.json"]);
    assert!(!ok && err.contains("/nonexistent/spec.json"), "{err}");
    let corrupt = dir.path().join("corrupt.json");
    std::fs::write(&corrupt, "{ \"name\": \"x\", ").unwrap();
    let (ok, err) = run(&["build-spec", "--chain", corrupt.to_str().unwrap()]);
    assert!(!ok && err.contains("invalid chain spec"), "{err}");

    let (ok, _) = run(&["build-spec", "--chain", "dev", "--raw"]);
    assert!(ok);
    let (ok, err) = run(&["key", "inspect-bls", "--suri", "//Alice"]);
    assert!(ok, "{err}");
}


/// `export-blocks` then `import-blocks` into an empty node: every block goes through the import
/// verifier (seal, parent certificate, justification), and the justified blocks arrive finalized.
/// A tampered file is refused.
#[test]
fn exported_chain_imports_verified_and_tampering_is_refused() {
    let bin = env!("CARGO_BIN_EXE_bpci-node");
    let dir = common::test_dir();
    let mut node = Node::dev(dir.path(), "export");
    node.wait_until("finalized #6", MINUTE, |n| n.finalized_number() >= 6);
    node.signal("-TERM");

    let src = dir.path().join("data").display().to_string();
    let file = dir.path().join("chain.bin");
    let out = std::process::Command::new(bin)
        .args(["export-blocks", "--dev", "--base-path", &src, "--binary", "--from", "1", "--wasm-cache", common::WASM_CACHE])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let import = |base: &str, path: &std::path::Path| {
        let out = std::process::Command::new(bin)
            .args(["import-blocks", "--dev", "--base-path", base, "--binary", "--wasm-cache", common::WASM_CACHE])
            .arg(path)
            .output()
            .unwrap();
        (out.status.success(), String::from_utf8_lossy(&out.stderr).to_string())
    };

    // Tampering with a block's body or seal makes it fail verification.
    let mut bytes = std::fs::read(&file).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    let tampered = dir.path().join("tampered.bin");
    std::fs::write(&tampered, &bytes).unwrap();
    let bad = dir.path().join("bad").display().to_string();
    let (_, err) = import(&bad, &tampered);
    assert!(err.contains("Error") || err.contains("error") || err.contains("invalid"), "{err}");

    let dst = dir.path().join("copy").display().to_string();
    let (ok, err) = import(&dst, &file);
    assert!(ok, "{err}");

    // Read the imported chain back through the original node's view of it.
    node.start();
    let original: Vec<H256> = (1..=6).map(|n| block_hash(&node, n)).collect();
    node.signal("-TERM");
    // A full node (not a validator), so nothing but the imported blocks is in its chain.
    let mut copy = Node::with_args(dir.path(), "copy", &dst, &["--chain", "dev"]);
    let imported: Vec<H256> = (1..=6).map(|n| block_hash(&copy, n)).collect();
    assert_eq!(imported, original);
    let (best, fin) = (copy.best_number(), copy.finalized_number());
    assert!(best >= 6 && fin + 1 >= best, "imported best #{best}, finalized #{fin}: justified blocks arrive final");
    copy.signal("-TERM");
}

/// The proof RPC serves a bundle of Alice's account at a final block that `verify-proof` accepts
/// trusting only the dev chain spec's genesis, and that refuses every one-byte change.
#[test]
fn a_proof_bundle_fetched_over_rpc_verifies_offline_and_no_changed_byte_does() {
    use bpci_primitives::bls::native::Blst;
    use bpci_primitives::bundle::{verify, ProofBundle};
    use bpci_primitives::trie::Blake2;
    let dir = common::test_dir();
    let node = Node::dev(dir.path(), "proofs");
    node.wait_until("block #4 final", MINUTE, |n| n.finalized_number() >= 4);
    let mut key = sp_io::hashing::twox_128(b"System").to_vec();
    key.extend(sp_io::hashing::twox_128(b"Account"));
    let alice = Alice.to_account_id();
    key.extend(sp_io::hashing::blake2_128(alice.as_ref()));
    key.extend_from_slice(alice.as_ref());
    let at = format!("{:?}", block_hash(&node, 3));
    let key_hex = format!("0x{}", hex::encode(&key));
    let hex_bundle = node.rpc("bpci_proofBundle", json!([[key_hex], at, 0])).as_str().unwrap().to_string();
    let bytes = from_hex(&json!(hex_bundle));
    // At a justified block (the last finalized always is) the bundle holds one header.
    let head = from_hex(&node.rpc("bpci_proofBundle", json!([[key_hex], null, 0])));
    let ProofBundle::V1(b) = ProofBundle::decode(&mut &head[..]).unwrap();
    eprintln!("a bundle of one key at a justified block: {} bytes", head.len());
    // The header carries the audit trail's digest (84 bytes: the block's records and the log) since
    // issue 12.
    assert!(
        head.len() < 2048 + 128,
        "a bundle of one key with no set change is {} bytes: {} headers of {:?} bytes, justification {}, read proof {} nodes of {:?} bytes",
        head.len(),
        b.headers.len(),
        b.headers.iter().map(|h| h.len()).collect::<Vec<_>>(),
        b.justification.encode().len(),
        b.read_proof.len(),
        b.read_proof.iter().map(|n| n.len()).collect::<Vec<_>>()
    );
    let stored = node.rpc("state_getStorage", json!([key_hex, at]));

    // The CLI, trusting only the chain spec.
    let file = dir.path().join("bundle.hex");
    std::fs::write(&file, &hex_bundle).unwrap();
    let run = |path: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_bpci-node"))
            .args(["verify-proof", "--chain", "dev", "--wasm-cache", common::WASM_CACHE])
            .arg(path)
            .output()
            .unwrap()
    };
    let out = run(&file);
    assert!(out.status.success(), "verify-proof refused the bundle: {}", String::from_utf8_lossy(&out.stderr));
    let proven: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(proven["block"]["number"], 3);
    assert_eq!(proven["chain"], json!(format!("{:?}", genesis(&node))));
    assert_eq!(proven["values"][0]["key"], json!(key_hex));
    assert_eq!(proven["values"][0]["value"], stored);
    // A changed byte makes it exit non-zero with the reason, a file of garbage too.
    let mut flipped = bytes.clone();
    let i = flipped.len() / 2;
    flipped[i] ^= 1;
    std::fs::write(&file, format!("0x{}", hex::encode(&flipped))).unwrap();
    let out = run(&file);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("bundle"), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::write(&file, "not hex").unwrap();
    assert!(!run(&file).status.success());

    // Every one-byte change, checked by the same verifier in process (a CLI run per byte would
    // build the genesis block a thousand times): each is refused.
    let trusted = ValidatorSet { set_id: 0, validators: vec![bpci_primitives::host::keystore::dev_keypair("//Alice").public] };
    let chain = genesis(&node);
    assert!(verify::<Blst, Blake2>(&ProofBundle::decode(&mut &bytes[..]).unwrap(), &chain, &trusted).is_ok());
    for i in 0..bytes.len() {
        let mut b = bytes.clone();
        b[i] ^= 0x01;
        let accepted = ProofBundle::decode(&mut &b[..]).ok().is_some_and(|b| verify::<Blst, Blake2>(&b, &chain, &trusted).is_ok());
        assert!(!accepted, "byte {i} of {} changed and the bundle still verifies", bytes.len());
    }

    // Bad requests: an unknown block, too many keys, a set the chain never had.
    assert!(node.try_rpc("bpci_proveFinality", json!([format!("{:?}", H256::repeat_byte(7)), 0])).is_err());
    let many: Vec<String> = (0..65).map(|i| format!("0x{:02x}", i)).collect();
    assert!(node.try_rpc("bpci_proofBundle", json!([many, at, 0])).is_err());
    assert!(node.try_rpc("bpci_proveFinality", json!([at, 5])).is_err());
    // The node keeps serving.
    assert!(node.try_rpc("bpci_proveFinality", json!([null, 0])).is_ok());
}
