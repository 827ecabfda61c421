//! Forkless upgrade: on a running dev chain, a roundtable proposal calling `system.set_code` with a
//! runtime one `spec_version` higher passes, is enacted through the scheduler, and the chain keeps
//! producing and finalizing blocks under the new runtime.
//!
//! Needs the upgraded runtime: `BPCI_UPGRADE_WASM=$(scripts/build-upgrade-wasm.sh) cargo test -p
//! bpci-node --test upgrade -- --ignored` (scripts/test.sh does this).

mod common;

use bpci_runtime::{RuntimeCall, VERSION};
use codec::Encode;
use common::{from_hex, tx, Node};
use pallet_roundtable::{ClassParams, Fraction, ProposalClass};
use serde_json::json;
use sp_core::H256;
use sp_keyring::Sr25519Keyring::{Alice, Bob};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(120);

fn spec_version(node: &Node) -> u32 {
    node.rpc("state_getRuntimeVersion", json!([]))["specVersion"].as_u64().unwrap() as u32
}

#[test]
#[ignore = "needs BPCI_UPGRADE_WASM from scripts/build-upgrade-wasm.sh; run by scripts/test.sh"]
fn roundtable_enacts_a_runtime_upgrade_without_a_fork() {
    let path = std::env::var("BPCI_UPGRADE_WASM").expect("BPCI_UPGRADE_WASM: run scripts/build-upgrade-wasm.sh");
    let code = std::fs::read(&path).unwrap();

    let dir = common::test_dir();
    let node = Node::dev(dir.path(), "upgrade");
    node.wait_until("finalized #2", WAIT, |n| n.finalized_number() >= 2);
    assert_eq!(spec_version(&node), VERSION.spec_version);
    let genesis = H256::from_slice(&from_hex(&node.rpc("chain_getBlockHash", json!([0]))));
    let send = |call: RuntimeCall, who, nonce| {
        node.submit(&tx::signed(call, who, nonce, genesis)).unwrap_or_else(|e| panic!("rejected: {e}"));
    };

    // Dev chains only: shorten the protocol class's periods so the test does not wait ten minutes.
    let params = ClassParams {
        voting_period: 3,
        enactment_delay: 2,
        support: Fraction::new(2, 3),
        approval: Fraction::new(2, 3),
        strict: false,
    };
    let set_params = RuntimeCall::Roundtable(pallet_roundtable::Call::set_class_params { class: ProposalClass::Protocol, params });
    send(RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(set_params) }), Alice, 0);

    let upgrade = RuntimeCall::System(frame_system::Call::set_code { code });
    let encoded = upgrade.encode();
    let hash = sp_core::H256(sp_io::hashing::blake2_256(&encoded));
    send(RuntimeCall::Preimage(pallet_preimage::Call::note_preimage { bytes: encoded.clone() }), Alice, 1);
    let bounded = frame_support::traits::Bounded::Lookup { hash, len: encoded.len() as u32 };
    send(
        RuntimeCall::Roundtable(pallet_roundtable::Call::propose { class: ProposalClass::Protocol, call: Box::new(bounded) }),
        Alice,
        2,
    );
    send(RuntimeCall::Roundtable(pallet_roundtable::Call::vote { index: 0, aye: true }), Alice, 3);
    // Bob votes once the proposal is on chain (the pool may order his transaction before Alice's).
    let proposals_key = {
        let mut k = sp_io::hashing::twox_128(b"Roundtable").to_vec();
        k.extend(sp_io::hashing::twox_128(b"Proposals"));
        k.extend(sp_io::hashing::twox_64(&0u32.encode()));
        k.extend(0u32.encode());
        format!("0x{}", hex::encode(k))
    };
    node.wait_until("proposal on chain", WAIT, |n| !n.rpc("state_getStorage", json!([proposals_key])).is_null());
    send(RuntimeCall::Roundtable(pallet_roundtable::Call::vote { index: 0, aye: true }), Bob, 0);

    // The pallet closes it after the voting period, then the scheduler enacts it.
    // The first call on the new code waits while the node compiles it, which on a loaded machine can
    // outlast one RPC timeout: a timeout here means "not yet".
    node.wait_until("the new runtime", WAIT, |n| {
        n.try_rpc("state_getRuntimeVersion", json!([])).is_ok_and(|v| v["specVersion"] == VERSION.spec_version + 1)
    });

    // Blocks are still produced and finalized, under the new runtime.
    let fin = node.finalized_number();
    node.wait_until("finality after the upgrade", WAIT, |n| n.finalized_number() >= fin + 3);
    let at = format!("{:?}", H256::from_slice(&from_hex(&node.rpc("chain_getFinalizedHead", json!([])))));
    assert_eq!(node.rpc("state_getRuntimeVersion", json!([at]))["specVersion"], VERSION.spec_version + 1);

    // And transactions signed for the new version go through.
    let bob_nonce = 1;
    node.wait_until("Bob's vote included", WAIT, |n| {
        n.rpc("system_accountNextIndex", json!([Bob.to_account_id().to_string()])) == json!(bob_nonce)
    });
    let xt = tx::signed_for(tx::transfer(Alice, 1_000_000), Bob, Bob, bob_nonce, genesis, VERSION.spec_version + 1);
    node.submit(&xt).expect("a transfer signed for the new runtime is accepted");
}
