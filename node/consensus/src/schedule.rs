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
