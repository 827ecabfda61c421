//! Real-process tests of the BFT engine: four `bpci-node` validators (the local chain spec) on
//! loopback, with kills, restarts, a late joiner and a full restart in another order.

mod common;

use bpci_primitives::{qc::FinalityJustification, ValidatorSet, BPCI_ENGINE_ID};
use codec::Decode;
use common::{from_hex, Node};
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
        let dir = tempfile::tempdir().unwrap();
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

    fn spawn(&self, i: usize, role: &[&str]) -> Node {
        let (key, _) = node_key(self.dir.path(), i);
        let data = self.dir.path().join(format!("node{i}")).display().to_string();
        let spec = spec();
        let mut args: Vec<&str> = vec!["--chain", &spec, "--node-key-file", &key, "--allow-private-ip"];
        args.extend_from_slice(role);
        if !self.bootnode.is_empty() {
            args.extend_from_slice(&["--bootnodes", &self.bootnode]);
        }
        Node::with_args(self.dir.path(), &format!("node{i}"), &data, &args)
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
            let set: ValidatorSet = node.state_call("BpciConsensusApi_validator_set", &[], Some(&at));
            just.verify(&set, hash, n).unwrap_or_else(|e| panic!("#{n}: {e:?}"));
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
    let probe = tempfile::tempdir().unwrap();
    let peers: Vec<String> = (0..4).map(|i| node_key(probe.path(), i).1).collect();
    let addr = |i: usize| format!("/ip4/127.0.0.1/tcp/{}/p2p/{}", ports[i], peers[i]);
    let dir = tempfile::tempdir().unwrap();
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
