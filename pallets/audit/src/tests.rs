//! The audit log against the mock runtime: what a block commits to, what it writes offchain, and
//! what a verifier that trusts only the header can check.
use crate::mock::*;
use crate::{
    leaf_hash, leaves_key, record_key, records_root, AuditDigest, AuditLeaf, AuditLog, BlockRecords, Dropped, LastBlock,
    Leaves, LogState, TotalRecords, AUDIT_ENGINE_ID,
};
use bpci_verifier::audit::{prove, verify};
use codec::{Decode, Encode};
use frame_support::traits::Hooks;
use sp_core::H256;
use sp_runtime::DigestItem;

fn append(r: Record) {
    <Audit as AuditLog<Record>>::append(&r);
}

/// Finishes block `n` as the executive does and returns the commitment its header carries.
fn finish(n: u64) -> BlockRecords {
    finish_digest(n).records
}

fn finish_digest(n: u64) -> AuditDigest {
    Audit::on_finalize(n);
    let found: Vec<AuditDigest> = System::digest()
        .logs
        .iter()
        .filter_map(|l| match l {
            DigestItem::Consensus(id, data) if *id == AUDIT_ENGINE_ID => AuditDigest::decode(&mut &data[..]).ok(),
            _ => None,
        })
        .collect();
    assert_eq!(found.len(), 1, "one commitment a header");
    found[0]
}

fn records() -> Vec<Record> {
    vec![
        Record::Partner { who: 7, step: 1 },
        Record::Payout { era: 3, amount: 1_000_000_000_000_000_000_000 },
        Record::Partner { who: 7, step: 2 },
    ]
}

#[test]
fn a_block_commits_to_its_records_in_order_and_each_proves_against_the_header() {
    new_test_ext().execute_with(|| {
        for r in records() {
            append(r);
        }
        let c = finish(1);
        let encoded: Vec<Vec<u8>> = records().iter().map(|r| r.encode()).collect();
        let leaves: Vec<H256> = encoded.iter().map(|e| leaf_hash(e)).collect();
        assert_eq!(c, BlockRecords { count: 3, dropped: 0, root: records_root(leaves.clone()) });
        assert_eq!(LastBlock::<Test>::get(), Some((1, c)));
        assert_eq!(TotalRecords::<Test>::get(), 3);
        for (i, e) in encoded.iter().enumerate() {
            let proof = prove(&leaves, i as u32).unwrap();
            assert!(verify(&c, i as u32, e, &proof));
            let mut forged = e.clone();
            *forged.last_mut().unwrap() ^= 1;
            assert!(!verify(&c, i as u32, &forged, &proof), "a changed record");
        }
        // Another order is another root: a reordered export fails.
        let mut swapped = leaves.clone();
        swapped.swap(0, 2);
        assert_ne!(records_root(swapped), c.root);
    });
}

#[test]
fn the_next_block_starts_empty_and_an_empty_block_commits_to_nothing() {
    new_test_ext().execute_with(|| {
        append(Record::Partner { who: 1, step: 0 });
        finish(1);
        System::reset_events();
        System::initialize(&2, &System::parent_hash(), &Default::default());
        let c = finish(2);
        assert_eq!(c, BlockRecords { count: 0, dropped: 0, root: H256::zero() });
        assert_eq!(LastBlock::<Test>::get(), Some((2, c)));
        assert_eq!(TotalRecords::<Test>::get(), 1);
    });
}

#[test]
fn records_past_the_bound_are_counted_as_dropped_in_the_header_never_lost_silently() {
    new_test_ext().execute_with(|| {
        for i in 0..MAX + 2 {
            append(Record::Payout { era: i, amount: 1 });
        }
        assert_eq!(Leaves::<Test>::decode_len(), Some(MAX as usize));
        let c = finish(1);
        assert_eq!((c.count, c.dropped), (MAX, 2));
        assert_eq!(Dropped::<Test>::get(), 0, "cleared for the next block");
        assert!(Leaves::<Test>::get().is_empty());
    });
}

#[test]
fn a_record_appended_twice_is_two_rows() {
    new_test_ext().execute_with(|| {
        append(Record::Partner { who: 1, step: 0 });
        append(Record::Partner { who: 1, step: 0 });
        assert_eq!(finish(1).count, 2);
    });
}

#[test]
fn records_and_each_blocks_leaf_list_go_to_the_offchain_database_by_content() {
    let mut ext = new_test_ext();
    let c = ext.execute_with(|| {
        for r in records() {
            append(r);
        }
        finish(1)
    });
    ext.persist_offchain_overlay();
    let db = ext.offchain_db();
    let get = |key: &[u8]| db.get(key);
    let leaves: Vec<H256> = Decode::decode(&mut &get(&leaves_key(1, &c.root)).expect("leaf list")[..]).unwrap();
    assert_eq!(records_root(leaves.clone()), c.root);
    for (leaf, r) in leaves.iter().zip(records()) {
        assert_eq!(get(&record_key(leaf)), Some(r.encode()));
    }
}

#[test]
fn the_events_the_runtime_names_become_records_in_their_order_after_direct_appends() {
    new_test_ext().execute_with(|| {
        append(Record::Payout { era: 1, amount: 5 });
        for who in [3u64, 4] {
            System::deposit_event(frame_system::Event::<Test>::Remarked { sender: who, hash: H256::repeat_byte(1) });
            // An event the runtime leaves out.
            System::deposit_event(frame_system::Event::<Test>::NewAccount { account: who });
        }
        let c = finish(1);
        let expected = [
            Record::Payout { era: 1, amount: 5 },
            Record::Partner { who: 3, step: 9 },
            Record::Partner { who: 4, step: 9 },
        ];
        assert_eq!(c.count, 3);
        assert_eq!(c.root, records_root(expected.iter().map(|r| leaf_hash(&r.encode()))));
    });
}

#[test]
fn the_header_carries_the_log_state_and_the_next_block_leaf_names_this_block() {
    use sp_mmr_primitives::LeafDataProvider;
    new_test_ext().execute_with(|| {
        append(Record::Partner { who: 1, step: 0 });
        let digest = finish_digest(1);
        assert_eq!(digest.log, LogState { leaves: 41, root: H256::repeat_byte(4) });
        let header = System::finalize();
        System::reset_events();
        System::initialize(&2, &header.hash(), &Default::default());
        assert_eq!(Audit::leaf_data(), AuditLeaf { number: 1, hash: header.hash(), records: digest.records });
        // A parent that committed nothing (the log starts late, or genesis): an empty leaf.
        System::set_block_number(3);
        System::initialize(&4, &H256::repeat_byte(9), &Default::default());
        assert_eq!(Audit::leaf_data(), AuditLeaf { number: 3, hash: H256::repeat_byte(9), records: BlockRecords::default() });
    });
}
