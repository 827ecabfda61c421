//! A BPCI partner chain played in tests: the verifier's played chain (real BLS keys, a real
//! trie), with typed headers. Std only: the validators sign with blst.

use alloc::vec::Vec;
use bpci_primitives::bls::native::aggregate;
use bpci_primitives::qc::{CommitData, VoteData};
use bpci_primitives::timeout::{TimeoutData, EPOCH_END};
use sp_core::H256;

pub use crate::partner_chain::{header, state_with_set, State};
pub use bpci_verifier::testing::Validators;

/// The benchmark fixtures (see [`crate::fixtures`]).
pub fn benchmark_fixtures() -> crate::fixtures::Fixtures {
    use crate::fixtures::*;
    let set = Validators::new(GENESIS, 0, MAX as usize, 1);
    let next = Validators::new(GENESIS, 1, MAX as usize, 2);
    let next_keys = next.publics();
    let (mut commits, mut epoch_ends, mut roots) = (Vec::new(), Vec::new(), Vec::new());
    let commit_msg = CommitData { set_id: 0, view: VIEW, block_hash: final_header().hash(), block_number: 1000 }.signing_message(&GENESIS);
    let end_msg = TimeoutData { set_id: 0, view: EPOCH_END, high_qc_view: VIEW }.signing_message(&GENESIS);
    let commit_sigs: Vec<_> = set.keys.iter().map(|k| k.sign(&commit_msg)).collect();
    let end_sigs: Vec<_> = set.keys.iter().map(|k| k.sign(&end_msg)).collect();
    for n in 1..=MAX as usize {
        let q = n - bpci_primitives::max_faulty(n);
        commits.push(aggregate(&commit_sigs[..q]).expect("valid"));
        epoch_ends.push(aggregate(&end_sigs[..q]).expect("valid"));
        let root = root_header(&next_keys[..n]);
        let qc_msg = VoteData { set_id: 0, view: VIEW, block_hash: root.hash(), block_number: 998, parent_hash: H256::zero(), parent_view: VIEW - 1 }
            .signing_message(&GENESIS);
        let sigs: Vec<_> = set.keys[..q].iter().map(|k| k.sign(&qc_msg)).collect();
        roots.push(aggregate(&sigs).expect("valid"));
    }
    Fixtures { keys: set.publics(), next_keys, commits, epoch_ends, roots }
}
