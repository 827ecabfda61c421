//! Forkless upgrade: on a running dev chain, a poll of the roundtable's protocol track calling
//! `system.set_code` with a runtime one `spec_version` higher passes (pallet-referenda), is enacted
//! through the scheduler, and the chain keeps producing and finalizing blocks under the new runtime.
//!
//! Needs the upgraded runtime: `BPCI_UPGRADE_WASM=$(scripts/build-upgrade-wasm.sh) cargo test -p
//! bpci-node --test upgrade -- --ignored` (scripts/test.sh does this).

mod common;

use bpci_runtime::{RuntimeCall, VERSION};
use codec::Encode;
use common::{from_hex, tx, Node};
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

    // The dev chain's genesis gives every track periods of a few blocks.
    let upgrade = RuntimeCall::System(frame_system::Call::set_code { code });
    let encoded = upgrade.encode();
    let hash = sp_core::H256(sp_io::hashing::blake2_256(&encoded));
    send(RuntimeCall::Preimage(pallet_preimage::Call::note_preimage { bytes: encoded.clone() }), Alice, 0);
    let bounded = frame_support::traits::Bounded::Lookup { hash, len: encoded.len() as u32 };
    let root: bpci_runtime::OriginCaller = frame_system::RawOrigin::Root.into();
    send(
        RuntimeCall::Referenda(pallet_referenda::Call::submit {
            proposal_origin: Box::new(root),
            proposal: bounded,
            enactment_moment: frame_support::traits::schedule::DispatchTime::After(0),
        }),
        Alice,
        1,
    );
    send(RuntimeCall::Referenda(pallet_referenda::Call::place_decision_deposit { index: 0 }), Alice, 2);
    send(RuntimeCall::Roundtable(pallet_roundtable::Call::vote_poll { poll: 0, aye: true }), Alice, 3);
    // Bob votes once the poll is on chain (the pool may order his transaction before Alice's).
    let poll_key = {
        let mut k = sp_io::hashing::twox_128(b"Referenda").to_vec();
        k.extend(sp_io::hashing::twox_128(b"ReferendumInfoFor"));
        k.extend(sp_io::hashing::blake2_128(&0u32.encode()));
        k.extend(0u32.encode());
        format!("0x{}", hex::encode(k))
    };
    node.wait_until("poll on chain", WAIT, |n| !n.rpc("state_getStorage", json!([poll_key])).is_null());
    send(RuntimeCall::Roundtable(pallet_roundtable::Call::vote_poll { poll: 0, aye: true }), Bob, 0);

    // Referenda decides it after its confirm period, then the scheduler enacts it.
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
