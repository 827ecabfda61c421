//! Who leads the views on a block, read from headers: the engine's leader schedule
//! (`bpci_consensus_core::leaders`) over the proposers of the block and its ancestors of the same
//! set. Import checks a block's proposer against its parent's schedule, and the worker gives the
//! engine every imported block's schedule, so both agree with what every other node computes
//! from the same chain.

use crate::digests::find_pre_digest;
use bpci_consensus_core::leaders::{window, Schedule};
use bpci_primitives::ValidatorSet;
use sp_blockchain::HeaderBackend;
use sp_core::H256;
use sp_runtime::traits::{Block as BlockT, Header as HeaderT, Zero};

/// The schedule of the views extending `block` under `set`. The walk stops at genesis, at a
/// block of another set (an epoch's root) and at a stall block (voted for by nobody, so no
/// record of anyone's turn), and reads at most [`window`] headers.
pub fn schedule_of<B, C>(client: &C, block: H256, set: &ValidatorSet) -> Result<Schedule, String>
where
    B: BlockT<Hash = H256>,
    C: HeaderBackend<B> + ?Sized,
{
    let n = set.validators.len();
    let mut proposers = Vec::with_capacity(window(n));
    let mut hash = block;
    while proposers.len() < window(n) {
        let header = client.header(hash).map_err(|e| e.to_string())?.ok_or_else(|| format!("unknown block {hash:?}"))?;
        if header.number().is_zero() {
            break;
        }
        let pre = find_pre_digest(&header)?;
        if pre.set_id != set.set_id || pre.stall {
            break;
        }
        proposers.push(pre.proposer_index);
        hash = *header.parent_hash();
    }
    Ok(Schedule::from_proposers(n, proposers))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digests::pre_digest_item;
    use bpci_primitives::PreDigest;
    use sp_blockchain::{BlockStatus, Info};
    use sp_runtime::generic::{Digest, Header};
    use sp_runtime::traits::BlakeTwo256;
    use sp_runtime::OpaqueExtrinsic;
    use std::collections::HashMap;

    type H = Header<u32, BlakeTwo256>;
    type Block = sp_runtime::generic::Block<H, OpaqueExtrinsic>;

    /// Headers by hash: all `schedule_of` reads.
    struct Headers(HashMap<H256, H>);

    impl HeaderBackend<Block> for Headers {
        fn header(&self, hash: H256) -> sp_blockchain::Result<Option<H>> {
            Ok(self.0.get(&hash).cloned())
        }
        fn info(&self) -> Info<Block> {
            panic!("schedule_of reads headers only")
        }
        fn status(&self, hash: H256) -> sp_blockchain::Result<BlockStatus> {
            Ok(if self.0.contains_key(&hash) { BlockStatus::InChain } else { BlockStatus::Unknown })
        }
        fn number(&self, hash: H256) -> sp_blockchain::Result<Option<u32>> {
            Ok(self.0.get(&hash).map(|h| h.number))
        }
        fn hash(&self, _: u32) -> sp_blockchain::Result<Option<H256>> {
            Ok(None)
        }
    }

    fn set(n: usize) -> ValidatorSet {
        ValidatorSet { set_id: 2, validators: vec![Default::default(); n] }
    }

    /// A chain on genesis: one header per `(set_id, proposer, stall)`, oldest first; returns the tip.
    fn chain(store: &mut Headers, blocks: &[(u64, u32, bool)]) -> H256 {
        let genesis = H::new(0, Default::default(), Default::default(), Default::default(), Digest::default());
        let mut parent = genesis.hash();
        store.0.insert(parent, genesis);
        for (k, (set_id, proposer, stall)) in blocks.iter().enumerate() {
            let pre = PreDigest { view: k as u64 + 1, set_id: *set_id, proposer_index: *proposer, justify: None, stall: *stall };
            let digest = Digest { logs: vec![pre_digest_item(&pre)] };
            let header = H::new(k as u32 + 1, Default::default(), Default::default(), parent, digest);
            parent = header.hash();
            store.0.insert(parent, header);
        }
        parent
    }

    #[test]
    fn the_record_is_the_last_two_n_proposers_of_the_set() {
        let mut store = Headers(HashMap::new());
        // Validator 3 proposed only before the window of 8.
        let tip = chain(&mut store, &[(2, 3, false), (2, 0, false), (2, 1, false), (2, 2, false), (2, 0, false), (2, 1, false), (2, 2, false), (2, 0, false), (2, 1, false)]);
        assert_eq!(schedule_of(&store, tip, &set(4)).unwrap().excluded(), vec![3]);
    }

    #[test]
    fn the_record_stops_at_another_set_and_at_a_stall_block() {
        let mut store = Headers(HashMap::new());
        // Eight blocks without validator 3, but the first four belong to the previous set: too
        // short a record to judge anybody.
        let tip = chain(&mut store, &[(1, 0, false), (1, 1, false), (1, 2, false), (1, 0, false), (2, 0, false), (2, 1, false), (2, 2, false), (2, 0, false)]);
        assert_eq!(schedule_of(&store, tip, &set(4)).unwrap(), Schedule::everyone(4));
        let tip = chain(&mut store, &[(2, 0, false), (2, 1, false), (2, 2, false), (2, 0, true), (2, 0, false), (2, 1, false), (2, 2, false), (2, 0, false)]);
        assert_eq!(schedule_of(&store, tip, &set(4)).unwrap(), Schedule::everyone(4));
    }

    #[test]
    fn an_unknown_block_is_an_error_not_a_guess() {
        let store = Headers(HashMap::new());
        assert!(schedule_of(&store, H256::repeat_byte(9), &set(4)).unwrap_err().contains("unknown block"));
    }
}
