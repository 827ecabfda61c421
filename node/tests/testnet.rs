//! Real-process tests of the BFT engine: four `bpci-node` validators (the local chain spec) on
//! loopback, with kills, restarts, a late joiner and a full restart in another order, a 2-2
//! partition, a validator-set change through session keys, and the emergency set change after
//! two of four validators are lost for good.

mod common;

use bpci_primitives::{qc::FinalityJustification, EpochInfo, PreDigest, BPCI_ENGINE_ID};
use bpci_runtime::RuntimeCall;
use codec::{Decode, Encode};
use common::{from_hex, tx, Node};
use sp_keyring::Sr25519Keyring;
use serde_json::{json, Value};
use sp_core::H256;
use std::{path::Path, time::Duration};

const NAMES: [&str; 4] = ["alice", "bob", "charlie", "dave"];
const WAIT: Duration = Duration::from_secs(90);

fn spec() -> String {
    format!("{}/../chain-specs/local.json", env!("CARGO_MANIFEST_DIR"))
}

fn node_key(dir: &Path, i: usize) -> (String, String) {
    let file = dir.join(format!("node{i}.key"));
    let bin = env!("CARGO_BIN_EXE_bpci-node");
    if !file.exists() {
        let ok = std::process::Command::new(bin)
            .args(["key", "generate-node-key", "--file"])
            .arg(&file)
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok);
    }
    let out = std::process::Command::new(bin).args(["key", "inspect-node-key", "--file"]).arg(&file).output().unwrap();
    (file.display().to_string(), String::from_utf8(out.stdout).unwrap().trim().to_string())
}

struct Testnet {
    dir: tempfile::TempDir,
    nodes: Vec<Node>,
    bootnode: String,
}

impl Testnet {
    fn start() -> Self {
        Self::start_with(&[])
    }

    fn start_with(extra: &[&str]) -> Self {
        let dir = common::test_dir();
        let mut net = Testnet { dir, nodes: vec![], bootnode: String::new() };
        for i in 0..4 {
            let mut role = vec![format!("--{}", NAMES[i]), "--validator".to_string()];
            role.extend(extra.iter().map(|s| s.to_string()));
            let role: Vec<&str> = role.iter().map(|s| s.as_str()).collect();
            let node = net.spawn(i, &role);
            if i == 0 {
                let (_, peer) = node_key(net.dir.path(), 0);
                net.bootnode = format!("/ip4/127.0.0.1/tcp/{}/p2p/{peer}", node.p2p_port);
            }
            net.nodes.push(node);
        }
        net
    }

    /// The four validators and Eve's node (`nodes[4]`, not yet a validator of the chain), all
    /// past block 3.
    fn start_with_eve() -> Self {
        let mut net = Self::start();
        let eve = net.spawn(4, &["--eve", "--validator"]);
        net.nodes.push(eve);
        wait_all_finalized(&net.nodes.iter().collect::<Vec<_>>(), 3);
        net
    }

    fn spawn(&self, i: usize, role: &[&str]) -> Node {
        self.spawn_wrapped(i, role, &[])
    }

    fn spawn_wrapped(&self, i: usize, role: &[&str], wrapper: &[&str]) -> Node {
        let (key, _) = node_key(self.dir.path(), i);
        let data = self.dir.path().join(format!("node{i}")).display().to_string();
        let spec = spec();
        let mut args: Vec<&str> = vec!["--chain", &spec, "--node-key-file", &key, "--allow-private-ip"];
        args.extend_from_slice(role);
        if !self.bootnode.is_empty() {
            args.extend_from_slice(&["--bootnodes", &self.bootnode]);
        }
        Node::wrapped(self.dir.path(), &format!("node{i}"), &data, &args, wrapper)
    }
}

fn hash_at(node: &Node, n: u32) -> Option<H256> {
    let v = node.rpc("chain_getBlockHash", json!([n]));
    v.as_str().map(|_| H256::from_slice(&from_hex(&v)))
}

fn wait_all_finalized(nodes: &[&Node], at_least: u32) {
    for n in nodes {
        n.wait_until(&format!("finalized #{at_least}"), WAIT, |n| n.finalized_number() >= at_least);
    }
}

/// All nodes agree on every block up to the lowest finalized height among them.
fn assert_same_finalized_chain(nodes: &[&Node]) {
    let low = nodes.iter().map(|n| n.finalized_number()).min().unwrap();
    for h in [1, low / 2, low] {
        let hashes: Vec<_> = nodes.iter().map(|n| hash_at(n, h)).collect();
        assert!(hashes.windows(2).all(|w| w[0] == w[1]), "nodes disagree at finalized #{h}: {hashes:?}");
    }
}

fn bytes(v: &Value) -> Vec<u8> {
    v.as_array().unwrap().iter().map(|b| b.as_u64().unwrap() as u8).collect()
}

/// Verifies every BPCI justification the node holds for blocks 1..=finalized; returns how many.
fn verify_justifications(node: &Node) -> usize {
    let fin = node.finalized_number();
    let genesis = hash_at(node, 0).unwrap();
    let mut checked = 0;
    for n in 1..=fin {
        let hash = hash_at(node, n).unwrap();
        let at = format!("{hash:?}");
        let block = node.rpc("chain_getBlock", json!([at]));
        let Some(justs) = block["justifications"].as_array() else { continue };
        for j in justs {
            if bytes(&j[0])[..] != BPCI_ENGINE_ID[..] {
                continue;
            }
            let just = FinalityJustification::decode(&mut &bytes(&j[1])[..]).unwrap();
            // The set that validated block n is the epoch in n's own state (a block that starts
            // an epoch records it while it executes).
            let epoch: EpochInfo = node.state_call("BpciConsensusApi_epoch", &[], Some(&at));
            just.verify::<bpci_primitives::bls::native::Blst>(&epoch.set, &genesis, hash, n).unwrap_or_else(|e| panic!("#{n}: {e:?}"));
            checked += 1;
        }
    }
    checked
}

#[test]
fn four_validators_survive_kills_restarts_late_joiners_and_full_restarts() {
    let mut net = Testnet::start();
    wait_all_finalized(&net.nodes.iter().collect::<Vec<_>>(), 5);
    assert_same_finalized_chain(&net.nodes.iter().collect::<Vec<_>>());

    // One of four down: the other three (a quorum) keep finalizing.
    net.nodes[3].signal("-KILL");
    let fin = net.nodes[0].finalized_number();
    wait_all_finalized(&net.nodes[..3].iter().collect::<Vec<_>>(), fin + 4);

    // It comes back, catches up, and votes again: with another validator down, finality now
    // needs its vote.
    net.nodes[3].start();
    let fin = net.nodes[0].finalized_number();
    net.nodes[3].wait_until("catch up", WAIT, |n| n.finalized_number() >= fin);
    net.nodes[2].signal("-TERM");
    let fin = net.nodes[0].finalized_number();
    wait_all_finalized(&[&net.nodes[0], &net.nodes[1], &net.nodes[3]], fin + 3);
    net.nodes[2].start();
    assert_same_finalized_chain(&net.nodes.iter().collect::<Vec<_>>());

    // A fifth node, a full node that knows only the bootnode, syncs and verifies justifications.
    let observer = net.spawn(4, &[]);
    let target = net.nodes[0].finalized_number();
    observer.wait_until("observer syncs and finalizes", WAIT, |n| n.finalized_number() >= target);
    assert!(verify_justifications(&observer) > 0, "the observer holds verified justifications");
    assert_eq!(observer.rpc("bpci_consensusStatus", json!([]))["role"], "observer");
    assert_same_finalized_chain(&[&net.nodes[0], &observer]);

    // All four stop; they start again in another order, with no manual step.
    let fin = net.nodes.iter().map(|n| n.finalized_number()).max().unwrap();
    for n in net.nodes.iter_mut() {
        n.signal("-TERM");
    }
    std::thread::sleep(Duration::from_secs(3));
    for i in [2, 0, 3, 1] {
        net.nodes[i].start();
    }
    wait_all_finalized(&net.nodes.iter().collect::<Vec<_>>(), fin + 3);
    assert_same_finalized_chain(&net.nodes.iter().chain([&observer]).collect::<Vec<_>>());
    assert!(verify_justifications(&net.nodes[1]) > 0);
}

/// A 2-2 split: each half drops the other from its reserved peers. Neither half has a quorum, so
/// finality stops and nothing conflicting is finalized; once the halves reconnect, finality
/// resumes by itself.
#[test]
fn a_two_two_partition_stops_finality_safely_and_healing_resumes_it() {
    // Fixed ports so every node can list all four as reserved peers before any starts. The libp2p
    // backend, because litep2p (sc-network 0.60) keeps connections open when a reserved peer is
    // removed, which would leave nothing to partition.
    let ports: Vec<u16> = (0..4).map(|_| common::free_port()).collect();
    let probe = common::test_dir();
    let peers: Vec<String> = (0..4).map(|i| node_key(probe.path(), i).1).collect();
    let addr = |i: usize| format!("/ip4/127.0.0.1/tcp/{}/p2p/{}", ports[i], peers[i]);
    let dir = common::test_dir();
    for i in 0..4 {
        std::fs::copy(probe.path().join(format!("node{i}.key")), dir.path().join(format!("node{i}.key"))).unwrap();
    }
    let spec = spec();
    let mut nodes = Vec::new();
    for i in 0..4 {
        let (key, _) = node_key(dir.path(), i);
        let data = dir.path().join(format!("node{i}")).display().to_string();
        let listen = format!("/ip4/127.0.0.1/tcp/{}", ports[i]);
        let flag = format!("--{}", NAMES[i]);
        let mut args = vec![
            "--chain", &spec, "--node-key-file", &key, "--allow-private-ip", &flag, "--validator",
            "--reserved-only", "--rpc-methods", "unsafe", "--listen-addr", &listen, "--network-backend", "libp2p",
        ];
        let reserved: Vec<String> = (0..4).filter(|j| *j != i).map(addr).collect();
        for r in &reserved {
            args.extend_from_slice(&["--reserved-nodes", r]);
        }
        nodes.push(Node::with_args(dir.path(), &format!("node{i}"), &data, &args));
    }
    let all: Vec<&Node> = nodes.iter().collect();
    wait_all_finalized(&all, 4);

    let halves = [[0usize, 1], [2, 3]];
    for (side, other) in [(0, 1), (1, 0)] {
        for &i in &halves[side] {
            for &j in &halves[other] {
                nodes[i].rpc("system_removeReservedPeer", json!([peers[j]]));
            }
        }
    }
    // Votes in flight when the cut happened may still finalize a block or two.
    std::thread::sleep(Duration::from_secs(4));
    assert_eq!(nodes[0].rpc("system_peers", json!([])).as_array().unwrap().len(), 1, "node 0 sees only node 1");
    let stalled: Vec<u32> = nodes.iter().map(|n| n.finalized_number()).collect();
    std::thread::sleep(Duration::from_secs(10));
    let later: Vec<u32> = nodes.iter().map(|n| n.finalized_number()).collect();
    assert_eq!(stalled, later, "finality must stop without a quorum");
    assert_same_finalized_chain(&all);

    for (side, other) in [(0, 1), (1, 0)] {
        for &i in &halves[side] {
            for &j in &halves[other] {
                nodes[i].rpc("system_addReservedPeer", json!([addr(j)]));
            }
        }
    }
    let top = later.iter().max().unwrap();
    wait_all_finalized(&all, top + 3);
    assert_same_finalized_chain(&all);
}

fn status(node: &Node) -> Value {
    node.rpc("bpci_consensusStatus", json!([]))
}

fn genesis_hash(node: &Node) -> H256 {
    H256::from_slice(&from_hex(&node.rpc("chain_getBlockHash", json!([0]))))
}

fn nonce(node: &Node, who: Sr25519Keyring) -> u32 {
    node.rpc("system_accountNextIndex", json!([who.to_account_id().to_string()])).as_u64().unwrap() as u32
}

fn sudo(node: &Node, call: RuntimeCall) {
    let call = RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(call) });
    let xt = tx::signed(call, Sr25519Keyring::Alice, nonce(node, Sr25519Keyring::Alice), genesis_hash(node));
    node.submit(&xt).expect("sudo call accepted by the pool");
}

/// The pre-digest of block `n` on `node`'s chain.
fn pre_digest(node: &Node, n: u32) -> PreDigest {
    let header = node.rpc("chain_getHeader", json!([format!("{:?}", hash_at(node, n).unwrap())]));
    for log in header["digest"]["logs"].as_array().unwrap() {
        let item = sp_runtime::DigestItem::decode(&mut &from_hex(log)[..]).unwrap();
        if let Some(pre) = item.pre_runtime_try_to::<PreDigest>(&BPCI_ENGINE_ID) {
            return pre;
        }
    }
    panic!("block #{n} has no BPCI pre-digest");
}

/// Eve's node (`net.nodes[4]`, already running) makes a BLS key with its proof of possession and
/// Eve registers it; governance (sudo) adds her and shortens sessions. Returns once every node is
/// in set 1 of five validators.
fn eve_joins(net: &Testnet) {
    let all: Vec<&Node> = net.nodes.iter().collect();
    let owner = Sr25519Keyring::Eve.to_account_id().encode();
    let generated = net.nodes[4].rpc("author_rotateKeysWithOwner", json!([format!("0x{}", hex::encode(&owner))]));
    let keys = bpci_runtime::SessionKeys::decode(&mut &from_hex(&generated["keys"])[..]).unwrap();
    let proof = from_hex(&generated["proof"]);
    let set_keys = RuntimeCall::Session(pallet_session::Call::set_keys { keys, proof });
    let xt = tx::signed(set_keys, Sr25519Keyring::Eve, nonce(&net.nodes[0], Sr25519Keyring::Eve), genesis_hash(&net.nodes[0]));
    net.nodes[0].submit(&xt).expect("set_keys accepted");
    // The nonce in the state, not the pool's: the keys must be registered before root adds Eve.
    net.nodes[0].wait_until("Eve's keys on chain", WAIT, |n| {
        n.state_call::<u32>("AccountNonceApi_account_nonce", &Sr25519Keyring::Eve.to_account_id().encode(), None) == 1
    });
    let eve_account = Sr25519Keyring::Eve.to_account_id();
    sudo(
        &net.nodes[0],
        RuntimeCall::Utility(pallet_utility::Call::batch_all {
            calls: vec![
                RuntimeCall::Validators(pallet_validators::Call::set_session_length { blocks: 10 }),
                RuntimeCall::Validators(pallet_validators::Call::add_validator { who: eve_account }),
            ],
        }),
    );

    // The switch: every node moves to set 1 of five validators, Eve validating.
    for n in &all {
        n.wait_until("set 1 of five validators", Duration::from_secs(150), |n| {
            let s = status(n);
            s["setId"].as_u64().unwrap_or(0) >= 1 && s["validators"] == 5
        });
    }
}

/// A fifth validator registers its session key; governance adds it and shortens sessions. After
/// two session rotations the state holds the five-validator set; the four hand over with an
/// epoch-end certificate, and the five finalize from then on, the newcomer proposing and signing.
#[test]
fn a_fifth_validator_joins_through_session_keys_and_the_new_set_finalizes() {
    let net = Testnet::start_with_eve();
    let all: Vec<&Node> = net.nodes.iter().collect();

    eve_joins(&net);
    assert_eq!(status(&net.nodes[4])["role"], "validator");
    let start = net.nodes[0].best_number();
    wait_all_finalized(&all, start + 8);
    assert_same_finalized_chain(&all);

    // The first block of the new epoch carries the hand-over; the new set proposes every block
    // after it, Eve (index 4) among the proposers, and signs the certificates.
    let fin = net.nodes[0].finalized_number();
    let mut proposers = std::collections::BTreeSet::new();
    let mut first_new = None;
    for n in 1..=fin {
        let pre = pre_digest(&net.nodes[0], n);
        if pre.set_id >= 1 {
            first_new.get_or_insert(n);
            proposers.insert(pre.proposer_index);
        } else {
            assert!(first_new.is_none(), "set 0 proposed #{n} after the hand-over");
        }
    }
    let first_new = first_new.expect("new-set blocks are finalized");
    assert!(pre_digest(&net.nodes[0], first_new).justify.is_none(), "the first block of an epoch extends its root");
    assert!(proposers.contains(&4), "Eve proposed in the new set: {proposers:?}");
    assert!(status(&net.nodes[0])["lastQc"]["signers"].as_u64().unwrap() >= 4, "quorum of five is four");
    // Every justification verifies against the set of its epoch, before and after the switch.
    assert!(verify_justifications(&net.nodes[4]) > 0);

    // A light client that trusts only the chain spec's genesis set follows the hand-over: the
    // node recorded it when the epoch's first block was finalized, and serves it in the bundle.
    let bundle = net.nodes[0].rpc("bpci_proveFinality", json!([null, 0]));
    let file = net.dir.path().join("bundle.hex");
    std::fs::write(&file, bundle.as_str().unwrap()).unwrap();
    let verify = |file: &Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_bpci-node")).args(["verify-proof", "--chain", &spec(), "--wasm-cache", common::WASM_CACHE]).arg(file).output().unwrap()
    };
    let out = verify(&file);
    assert!(out.status.success(), "verify-proof: {}", String::from_utf8_lossy(&out.stderr));
    let proven: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(proven["finalizedBy"]["setId"].as_u64().unwrap() >= 1, "{proven}");
    assert_eq!(proven["finalizedBy"]["validators"], 5);
    // Without the hand-over, the genesis set cannot vouch for the new set's justification.
    let set_id = proven["finalizedBy"]["setId"].as_u64().unwrap();
    let direct = net.nodes[0].rpc("bpci_proveFinality", json!([null, set_id]));
    std::fs::write(&file, direct.as_str().unwrap()).unwrap();
    let out = verify(&file);
    assert!(!out.status.success(), "a bundle without the hand-over verified from the genesis set");
}

/// Issue 9, finding 7: clients that wait for `InBlock` and then `Finalized` (polkadot.js scripts,
/// subxt) must see both for every transaction, whichever way finality reaches the node: on a
/// validator, on an RPC node that follows the chain (it may import blocks that already carry their
/// justification), and on both right after a restart, while they catch up.
#[test]
fn every_transaction_is_reported_in_block_before_finalized_on_validators_and_rpc_nodes() {
    let mut net = Testnet::start();
    let mut rpc = net.spawn(4, &[]);
    wait_all_finalized(&net.nodes.iter().chain([&rpc]).collect::<Vec<_>>(), 3);
    common::check_transfers_reported_in_block_then_finalized(&net.nodes[0], Sr25519Keyring::Alice, 6, "validator");
    common::check_transfers_reported_in_block_then_finalized(&rpc, Sr25519Keyring::Bob, 6, "rpc node");

    net.nodes[1].signal("-KILL");
    rpc.signal("-KILL");
    std::thread::sleep(Duration::from_secs(3));
    net.nodes[1].start();
    rpc.start();
    common::check_transfers_reported_in_block_then_finalized(&net.nodes[1], Sr25519Keyring::Charlie, 6, "restarted validator");
    common::check_transfers_reported_in_block_then_finalized(&rpc, Sr25519Keyring::Dave, 6, "restarted rpc node");
}

/// Two of four validators are lost for good: no quorum, no certificate, no view change. Root
/// schedules `force_set([Alice, Bob])`; after the stall a survivor carries it in a stall block,
/// the two survivors consent (`f + 1` of four) by sealing stall blocks on it, and the block of the
/// second consent roots a new epoch of the two, who finalize again.
#[test]
fn the_emergency_set_change_restores_finality_after_two_of_four_are_lost() {
    let mut net = Testnet::start();
    let all: Vec<&Node> = net.nodes.iter().collect();
    wait_all_finalized(&all, 3);
    net.nodes[2].signal("-KILL");
    net.nodes[3].signal("-KILL");
    std::thread::sleep(Duration::from_secs(4));
    let stalled = net.nodes[0].finalized_number();
    std::thread::sleep(Duration::from_secs(6));
    assert!(net.nodes[0].finalized_number() <= stalled + 1, "two of four cannot finalize");
    let final_before: Vec<_> = (1..=stalled).map(|n| hash_at(&net.nodes[0], n)).collect();

    let members = vec![Sr25519Keyring::Alice.to_account_id(), Sr25519Keyring::Bob.to_account_id()];
    sudo(
        &net.nodes[0],
        RuntimeCall::Validators(pallet_validators::Call::force_set { members: members.try_into().unwrap() }),
    );
    for n in &net.nodes[..2] {
        n.wait_until("forced set of two", Duration::from_secs(180), |n| {
            let s = status(n);
            s["setId"].as_u64().unwrap_or(0) >= 1 && s["validators"] == 2
        });
    }
    let fin = net.nodes[0].finalized_number();
    wait_all_finalized(&[&net.nodes[0], &net.nodes[1]], fin + 5);
    assert_same_finalized_chain(&[&net.nodes[0], &net.nodes[1]]);
    assert!(verify_justifications(&net.nodes[1]) > 0);
    // Everything final before the stall is still final: the forced root extends it.
    for n in &net.nodes[..2] {
        let now: Vec<_> = (1..=stalled).map(|k| hash_at(n, k)).collect();
        assert_eq!(now, final_before, "a block final before the stall changed");
    }
}

/// Whether a forced change is scheduled and not enacted, in `node`'s best state.
fn force_pending(node: &Node) -> bool {
    let key = [sp_io::hashing::twox_128(b"Validators"), sp_io::hashing::twox_128(b"PendingForce")].concat();
    !node.rpc("state_getStorage", json!([format!("0x{}", hex::encode(key))])).is_null()
}

/// Issue 9, finding 3: root schedules a forced change on a healthy chain. Nothing changes: no
/// validator stalls, so none consents; the set stays, every node (validators and an observer, which
/// used to judge "stalled" by its own clock) keeps one finalized chain, and nothing final reverts.
#[test]
fn force_set_on_a_healthy_chain_neither_forks_nor_reverts_anything_final() {
    let net = Testnet::start();
    let rpc = net.spawn(4, &[]);
    let all: Vec<&Node> = net.nodes.iter().chain([&rpc]).collect();
    wait_all_finalized(&all, 3);
    let members = vec![Sr25519Keyring::Alice.to_account_id(), Sr25519Keyring::Bob.to_account_id()];
    sudo(
        &net.nodes[0],
        RuntimeCall::Validators(pallet_validators::Call::force_set { members: members.try_into().unwrap() }),
    );
    net.nodes[0].wait_until("the forced change scheduled", WAIT, force_pending);
    let before = net.nodes[0].finalized_number();
    let final_before: Vec<_> = (1..=before).map(|n| hash_at(&net.nodes[0], n)).collect();
    // Long enough for an observer's old wall-clock rule (15 s) to have fired several times.
    wait_all_finalized(&all, before + 15);
    for n in &all {
        let s = status(n);
        assert_eq!((s["setId"].as_u64(), s["validators"].as_u64()), (Some(0), Some(4)), "the set changed on a healthy chain");
        assert!(force_pending(n), "the forced change was enacted on a healthy chain");
    }
    assert_same_finalized_chain(&all);
    for n in &all {
        let now: Vec<_> = (1..=before).map(|k| hash_at(n, k)).collect();
        assert_eq!(now, final_before, "a finalized block changed");
    }
    assert!(verify_justifications(&rpc) > 0);
}

/// The chain's time (pallet-timestamp's `Now`) at block `n`, in ms.
fn chain_time(node: &Node, n: u32) -> u64 {
    let key = [sp_io::hashing::twox_128(b"Timestamp"), sp_io::hashing::twox_128(b"Now")].concat();
    let at = format!("{:?}", hash_at(node, n).unwrap());
    let v = node.rpc("state_getStorage", json!([format!("0x{}", hex::encode(key)), at]));
    u64::decode(&mut &from_hex(&v)[..]).unwrap()
}

fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64
}

/// Issue 9, finding 2: a validator whose clock runs ahead (Debian's `faketime`) proposes blocks
/// stamped in its future. 10 s ahead is within pallet-timestamp's 30 s drift, so the others import
/// its blocks but refuse to vote for them; 5 minutes ahead fails the inherent check on import.
/// Either way the chain's time never runs ahead of the honest clocks and the chain keeps
/// finalizing. Before the fix the skewed leader's block was certified, and honest leaders, whose
/// clocks had not reached its timestamp, could build no block on it.
#[test]
#[ignore = "needs faketime; run by scripts/test.sh"]
fn a_validator_whose_clock_runs_ahead_cannot_move_the_chain_time() {
    for skew in ["+10s", "+300s"] {
        let dir = common::test_dir();
        let mut net = Testnet { dir, nodes: vec![], bootnode: String::new() };
        for i in 0..4 {
            let role = [format!("--{}", NAMES[i]), "--validator".to_string()];
            let role: Vec<&str> = role.iter().map(|s| s.as_str()).collect();
            // Dave (3) leads every fourth view with his clock ahead; monotonic clocks stay true so
            // that only wall-clock time (what timestamps come from) is off.
            let wrapper: &[&str] = if i == 3 { &["env", "FAKETIME_DONT_FAKE_MONOTONIC=1", "faketime", "-f", skew] } else { &[] };
            let node = net.spawn_wrapped(i, &role, wrapper);
            if i == 0 {
                let (_, peer) = node_key(net.dir.path(), 0);
                net.bootnode = format!("/ip4/127.0.0.1/tcp/{}/p2p/{peer}", node.p2p_port);
            }
            net.nodes.push(node);
        }
        let honest: Vec<&Node> = net.nodes[..3].iter().collect();
        wait_all_finalized(&honest, 3);
        let from = honest[0].finalized_number();
        let started = std::time::Instant::now();
        // The rule: no finalized block is stamped more than a block time ahead of the honest
        // clocks when it is final. (A block of Dave's may still be finalized once the honest clocks
        // have caught up with its stamp, if its view lasts that long: that is the same rule.)
        let mut ahead_max = 0i64;
        while started.elapsed() < Duration::from_secs(30) {
            let fin = honest[0].finalized_number();
            let ahead = chain_time(honest[0], fin) as i64 - now_ms() as i64;
            ahead_max = ahead_max.max(ahead);
            assert!(ahead <= 1_000, "clock {skew}: final #{fin} is stamped {ahead} ms ahead of this clock");
            std::thread::sleep(Duration::from_millis(200));
        }
        let to = honest[0].finalized_number();
        let rate = (to - from) as f64 / started.elapsed().as_secs_f64();
        let dave_blocks = (from + 1..=to).filter(|n| pre_digest(honest[0], *n).proposer_index == 3).count();
        eprintln!(
            "clock {skew}: {} blocks finalized in {:?} ({rate:.2}/s), {dave_blocks} of them Dave's, final head at most {ahead_max} ms ahead",
            to - from,
            started.elapsed()
        );
        // Three of four leaders are honest; Dave's views end by timeout (4 block times), and at
        // +300 s his peers drop him for his invalid blocks, so the other three need each other.
        // Measured before leader reputation: 0.43-0.47 blocks/s at +10 s, 0.17 at +300 s (1.07 with
        // no skew); with it (Dave's blocks never make the record, so he leads only in probation
        // rounds) 0.66-0.70 at both. Before the clock fix a certified block stamped 300 s ahead
        // stopped every honest leader for 300 s.
        assert!(rate >= 0.1, "clock {skew}: finality slowed to {rate:.2} blocks/s");
        assert_same_finalized_chain(&honest);
        if skew == "+300s" {
            // Beyond pallet-timestamp's drift: not even imported.
            assert_eq!(dave_blocks, 0, "clock {skew}: a block stamped 300 s ahead was finalized");
        }
        assert!(net.nodes[3].is_running());
    }
}

// ---------- issue 11: a partner chain followed through the relayer ----------

mod two_chains {
    use super::*;
    use bpci_primitives::bundle::ProofBundle;
    use bpci_primitives::BlsPublic;
    use bpci_runtime::{AccountId, Runtime};
    use pallet_bridge::{Checkpoint, FinalityProof, PartnerHeader};
    use sp_runtime::traits::Header as _;
    use std::process::{Command, Output};

    fn storage<T: Decode>(node: &Node, key: &[u8], at: Option<H256>) -> Option<T> {
        let mut params = vec![json!(format!("0x{}", hex::encode(key)))];
        if let Some(at) = at {
            params.push(json!(format!("{at:?}")));
        }
        let v = node.rpc("state_getStorage", Value::Array(params));
        v.as_str().map(|_| T::decode(&mut &from_hex(&v)[..]).unwrap())
    }

    fn client(a: &Node, partner: &AccountId) -> Option<pallet_bridge::ClientOf<Runtime>> {
        storage(a, &pallet_bridge::Clients::<Runtime>::hashed_key_for(partner), None)
    }

    fn trusted_set(a: &Node, partner: &AccountId) -> (u64, u32) {
        let set: pallet_bridge::TrustedSetOf<Runtime> =
            storage(a, &pallet_bridge::TrustedSets::<Runtime>::hashed_key_for(partner), None).expect("a trusted set");
        (set.set_id(), set.len())
    }

    /// `who` in A's registry at A's best block (the RPC reads the finalized block by default).
    fn partner(a: &Node, who: &AccountId) -> Value {
        let best = a.rpc("chain_getBlockHash", json!([]));
        let all = a.rpc("bpci_partners", json!([best]));
        all.as_array().unwrap().iter().find(|p| p["account"] == who.to_string()).cloned().expect("registered")
    }

    /// B's proof that `block` (default: its last finalized) is final, for a client of set `from`.
    fn bundle(b: &Node, block: Option<H256>, from: u64) -> bpci_primitives::bundle::BundleV1 {
        let at = block.map(|h| json!(format!("{h:?}"))).unwrap_or(Value::Null);
        let ProofBundle::V1(v1) = ProofBundle::decode(&mut &from_hex(&b.rpc("bpci_proveFinality", json!([at, from])))[..]).unwrap();
        v1
    }

    fn last_header(bundle: &bpci_primitives::bundle::BundleV1) -> PartnerHeader {
        PartnerHeader::decode(&mut &bundle.headers.last().unwrap()[..]).unwrap()
    }

    /// Sudo on the dev chain `a`, waiting for the call to be in a block.
    fn sudo_in_block(a: &Node, call: RuntimeCall) {
        let before = nonce(a, Sr25519Keyring::Alice);
        sudo(a, call);
        a.wait_until("the sudo call in a block", WAIT, |a| {
            a.state_call::<u32>("AccountNonceApi_account_nonce", &Sr25519Keyring::Alice.to_account_id().encode(), None) > before
        });
    }

    fn signed_in_block(a: &Node, call: RuntimeCall, who: Sr25519Keyring) {
        let before = a.state_call::<u32>("AccountNonceApi_account_nonce", &who.to_account_id().encode(), None);
        let xt = tx::signed(call, who, nonce(a, who), genesis_hash(a));
        a.submit(&xt).unwrap_or_else(|e| panic!("refused by the pool: {e}"));
        a.wait_until("the call in a block", WAIT, |a| {
            a.state_call::<u32>("AccountNonceApi_account_nonce", &who.to_account_id().encode(), None) > before
        });
    }

    fn relay_once(b: &Node, a: &Node, partner: &AccountId, signer: &str) -> Output {
        let bin = Path::new(env!("CARGO_BIN_EXE_bpci-node")).with_file_name("bpci-relay");
        assert!(bin.exists(), "build the relayer first: cargo build -p bpci-relay");
        let ws = |n: &Node| format!("ws://127.0.0.1:{}", n.rpc_port);
        Command::new(bin)
            .args(["--source", &ws(b), "--target", &ws(a), "--partner", &partner.to_string(), "--signer", signer, "--once"])
            .output()
            .unwrap()
    }

    fn text(out: &Output) -> String {
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    }

    /// Chain A (a dev chain: Alice validates alone) follows chain B (the four-validator local
    /// testnet, another genesis) for its partner Charlie, through `bpci-relay`: B's genesis set
    /// is too small for A's requirements, so the first proof waits for B to hand over to five
    /// validators, which A's client follows by the epoch-end certificate; Charlie then becomes
    /// Active. A storage proof of Ferdie's balance on B is accepted; a forged proof, a proof at a
    /// block A never verified, a header with an old set's certificate and a replayed header are
    /// refused.
    #[test]
    fn a_chain_follows_its_partner_chain_through_the_relayer_across_a_hand_over() {
        let net = Testnet::start_with_eve();
        let a_dir = common::test_dir();
        let a = Node::dev_with_metrics(a_dir.path(), "chain-a");
        a.wait_until("A finalizes", WAIT, |a| a.finalized_number() >= 1);
        let b = &net.nodes[0];
        let b_genesis = genesis_hash(b);
        assert_ne!(genesis_hash(&a), b_genesis, "two chains");

        // Charlie applies on A as the partner running chain B; governance (sudo on A) assesses,
        // admits, asks for five validators, and trusts B's genesis set from a checkpoint.
        let charlie = Sr25519Keyring::Charlie.to_account_id();
        let now_secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
        sudo_in_block(
            &a,
            RuntimeCall::Partners(pallet_partners::Call::set_requirements {
                requirements: pallet_partners::Requirements { min_operational_secs: 0, min_validators: 5, min_bond: 0 },
            }),
        );
        signed_in_block(
            &a,
            RuntimeCall::Partners(pallet_partners::Call::apply {
                chain_name: b"chain B".to_vec(),
                chain_id: b_genesis,
                consensus: pallet_partners::ConsensusKind::ProofOfStake,
                operational_since: now_secs - 3600,
                payout: charlie.clone(),
                bond: 0,
            }),
            Sr25519Keyring::Charlie,
        );
        sudo_in_block(
            &a,
            RuntimeCall::Utility(pallet_utility::Call::batch_all {
                calls: vec![
                    RuntimeCall::Partners(pallet_partners::Call::assess { who: charlie.clone(), passed: true, report: H256::repeat_byte(1) }),
                    RuntimeCall::Partners(pallet_partners::Call::decide { who: charlie.clone(), approve: true }),
                ],
            }),
        );
        signed_in_block(
            &a,
            RuntimeCall::Partners(pallet_partners::Call::register_relayers { relayers: vec![Sr25519Keyring::Dave.to_account_id()] }),
            Sr25519Keyring::Charlie,
        );
        let at = bundle(b, None, 0);
        let checkpoint_header = last_header(&at);
        let genesis_set: Vec<BlsPublic> =
            storage(b, &pallet_bridge::bpci::validators_key(), Some(checkpoint_header.hash())).expect("B's set");
        assert_eq!(genesis_set.len(), 4);
        sudo_in_block(
            &a,
            RuntimeCall::Bridge(pallet_bridge::Call::initialize {
                partner: charlie.clone(),
                checkpoint: Checkpoint::BpciV1 { genesis: b_genesis, header: checkpoint_header.clone(), set_id: 0, validators: genesis_set },
            }),
        );
        assert_eq!(client(&a, &charlie).expect("a client").best_number, *checkpoint_header.number());

        // The relayer brings B's headers; four validators are below A's requirement, so the
        // import (the first proof) is refused and nothing moves.
        b.wait_until("B finalizes past the checkpoint", WAIT, |b| b.finalized_number() > *checkpoint_header.number() + 1);
        let out = relay_once(b, &a, &charlie, "//Dave");
        assert!(!out.status.success() && text(&out).contains("TooFewValidators"), "{}", text(&out));
        assert_eq!(client(&a, &charlie).unwrap().best_number, *checkpoint_header.number());
        assert_eq!(partner(&a, &charlie)["firstProof"], false);
        let old_set_bundle = bundle(b, None, 0);

        // B hands over to five validators; the relayer brings the hand-over and a header of the
        // new set: A's client trusts set 1 of five, and the header is Charlie's first proof.
        eve_joins(&net);
        // The nodes run set 1 before B finalizes a block of it: until then a round would relay a
        // header of set 0 again (seen under load, refused as TooFewValidators).
        // A node records a hand-over when its worker processes the block that carries it, which
        // may come just after the block is final (finalized on import, with its justification):
        // until then the proof RPC says the hand-over is not recorded yet.
        b.wait_until("B finalizes a block of set 1 and records its hand-over", WAIT, |b| {
            b.try_rpc("bpci_proveFinality", json!([Value::Null, 0])).is_ok_and(|raw| {
                let ProofBundle::V1(v1) = ProofBundle::decode(&mut &from_hex(&raw)[..]).unwrap();
                !v1.handovers.is_empty()
            })
        });
        let out = relay_once(b, &a, &charlie, "//Dave");
        let log = text(&out);
        assert!(out.status.success(), "{log}");
        assert!(log.contains("relayed hand-over to set 1"), "{log}");
        assert!(log.contains("relayed header #"), "{log}");
        let (set_id, validators) = trusted_set(&a, &charlie);
        assert!(set_id >= 1 && validators == 5, "A trusts set {set_id} of {validators}");
        let p = partner(&a, &charlie);
        assert_eq!((p["firstProof"].clone(), p["validatorCount"].clone()), (json!(true), json!(5)));
        let relayed = client(&a, &charlie).unwrap();

        // A restarted relayer resumes from A's client: only headers above it, no hand-over again.
        b.wait_until("B finalizes a newer block", WAIT, |b| b.finalized_number() > relayed.best_number + 1);
        let out = relay_once(b, &a, &charlie, "//Dave");
        let log = text(&out);
        assert!(out.status.success() && !log.contains("hand-over") && log.contains("relayed header #"), "{log}");
        let best = client(&a, &charlie).unwrap();
        assert!(best.best_number > relayed.best_number);

        // A storage proof of Ferdie's balance at A's best header of B.
        let ferdie_key = frame_system::Account::<Runtime>::hashed_key_for(Sr25519Keyring::Ferdie.to_account_id());
        let read = b.rpc("state_getReadProof", json!([[format!("0x{}", hex::encode(&ferdie_key))], format!("{:?}", best.best_hash)]));
        let proof: Vec<Vec<u8>> = read["proof"].as_array().unwrap().iter().map(from_hex).collect();
        let submit_proof = |block: H256, proof: Vec<Vec<u8>>| {
            let call = RuntimeCall::Bridge(pallet_bridge::Call::submit_storage_proof {
                partner: charlie.clone(),
                block,
                keys: vec![ferdie_key.clone()],
                proof,
            });
            signed_in_block(&a, call, Sr25519Keyring::Ferdie);
        };
        let proven = |block: H256| -> Option<Option<Vec<u8>>> {
            let key: pallet_bridge::KeyOf<Runtime> = ferdie_key.clone().try_into().unwrap();
            storage::<Option<Vec<u8>>>(&a, &pallet_bridge::ProvenValues::<Runtime>::hashed_key_for((&charlie, block, key)), None)
        };
        // Forged (one byte of one node changed) and at a block A never verified: refused.
        let mut forged = proof.clone();
        let last = forged.len() - 1;
        let mid = forged[last].len() / 2;
        forged[last][mid] ^= 1;
        submit_proof(best.best_hash, forged);
        assert_eq!(proven(best.best_hash), None, "a forged proof was accepted");
        let unverified = hash_at(b, best.best_number - 1).unwrap();
        let read_old = b.rpc("state_getReadProof", json!([[format!("0x{}", hex::encode(&ferdie_key))], format!("{unverified:?}")]));
        submit_proof(unverified, read_old["proof"].as_array().unwrap().iter().map(from_hex).collect());
        assert_eq!(proven(unverified), None, "a proof at a block A never verified was accepted");
        submit_proof(best.best_hash, proof);
        let on_b = from_hex(&b.rpc("state_getStorage", json!([format!("0x{}", hex::encode(&ferdie_key)), format!("{:?}", best.best_hash)])));
        let value = proven(best.best_hash).expect("recorded").expect("Ferdie's account exists on B");
        assert_eq!(value, on_b);
        let info = frame_system::AccountInfo::<u32, pallet_balances::AccountData<u128>>::decode(&mut &value[..]).unwrap();
        assert!(info.data.free > 0);
        // Partner health on A: Charlie's client, its set, and how long since its last header and proof.
        let health = a.rpc("bpci_partnerHealth", json!([a.rpc("chain_getBlockHash", json!([]))]));
        let charlie_health = health.as_array().unwrap().iter().find(|h| h["partner"] == charlie.to_string()).expect("Charlie's client");
        assert_eq!((charlie_health["setId"].clone(), charlie_health["validators"].clone()), (json!(set_id), json!(5)));
        assert_eq!(charlie_health["bestNumber"], best.best_number);
        assert!(charlie_health["lastHeaderAt"].is_u64() && charlie_health["lastProofAt"].is_u64(), "{charlie_health}");
        assert!(charlie_health["blocksSinceProof"].as_u64().unwrap() < 30, "{charlie_health}");

        // Every metric the operator's alert rules and Grafana dashboard (monitoring/) query is
        // exported by A, the partner gauges included now that Charlie's client has a header and a
        // proof (they are set on the next best block).
        let wanted = common::monitored_metric_names();
        assert!(wanted.contains("bpci_partner_blocks_since_proof") && wanted.len() >= 10, "{wanted:?}");
        let deadline = std::time::Instant::now() + WAIT;
        let mut missing = common::missing_metrics(&wanted, &a.metrics());
        while !missing.is_empty() && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_secs(1));
            missing = common::missing_metrics(&wanted, &a.metrics());
        }
        assert!(missing.is_empty(), "monitored but not exported: {missing:?}");

        // A header of B's new set carrying set 0's certificate is refused; so is the header A
        // holds, replayed: the pool refuses it before it can be charged.
        b.wait_until("B finalizes a newer block", WAIT, |b| b.finalized_number() > best.best_number + 1);
        let newer = bundle(b, None, set_id);
        let newer_header = last_header(&newer);
        let wrong_set = FinalityProof::BpciV1 { header: newer_header.clone(), justification: old_set_bundle.justification.clone() };
        signed_in_block(&a, RuntimeCall::Bridge(pallet_bridge::Call::submit_finality_proof { partner: charlie.clone(), proof: wrong_set }), Sr25519Keyring::Ferdie);
        assert_eq!(client(&a, &charlie).unwrap().best_number, best.best_number, "a header with the old set's certificate was imported");
        let replay = bundle(b, Some(best.best_hash), set_id);
        assert_eq!(replay.headers.len(), 1, "A's best header of B carries its own justification");
        let replayed = FinalityProof::BpciV1 { header: last_header(&replay), justification: replay.justification };
        let xt = tx::signed(
            RuntimeCall::Bridge(pallet_bridge::Call::submit_finality_proof { partner: charlie.clone(), proof: replayed }),
            Sr25519Keyring::Ferdie,
            nonce(&a, Sr25519Keyring::Ferdie),
            genesis_hash(&a),
        );
        let refused = a.submit(&xt).expect_err("a replayed header entered the pool");
        assert!(refused.to_string().to_lowercase().contains("outdated"), "{refused}");

        // Charlie signs the agreement governance proposes: Active on its relayed proof.
        let terms = H256::repeat_byte(9);
        sudo_in_block(
            &a,
            RuntimeCall::Partners(pallet_partners::Call::propose_agreement {
                who: charlie.clone(),
                terms_hash: terms,
                revenue_weight: 1,
                vote_weight: 1,
                obligations: vec![],
            }),
        );
        signed_in_block(&a, RuntimeCall::Partners(pallet_partners::Call::sign_agreement { terms_hash: terms }), Sr25519Keyring::Charlie);
        assert_eq!(partner(&a, &charlie)["status"], "Active");
    }
}
