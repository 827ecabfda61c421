//! The chain's time: when a leader builds, what time it stamps, and what time a validator votes for.
//!
//! Block timestamps come from the leader's wall clock, and pallet-timestamp only refuses a block
//! stamped more than 30 s ahead of the importer's clock (checked on import, see `import`). Within
//! those 30 s a byzantine leader could stamp every one of its blocks in the future; once such a
//! block is certified, every honest leader after it must stamp later still (pallet-timestamp
//! requires time to move forward) and cannot build until its clock gets there. So:
//! - a validator votes for a block only if its timestamp is at most one block time ahead of its own
//!   clock ([`may_vote_for`]), so blocks stamped further ahead are never certified;
//! - a leader stamps `max(now, parent + 1 ms)` ([`stamp`]), so a certified parent stamped slightly
//!   ahead (within the bound above, or a clock a little fast) never stops the next block;
//! - a leader builds a block time after its parent's timestamp, or at once if that has passed
//!   ([`build_at`]), so the chain keeps its pace whoever leads.

use sc_client_api::{Backend, StorageProvider};
use sp_core::{storage::StorageKey, H256};
use sp_runtime::traits::Block as BlockT;
use std::time::{SystemTime, UNIX_EPOCH};

/// pallet-timestamp's `MinimumPeriod` in the runtime: the least a child's timestamp exceeds its parent's.
pub const MINIMUM_PERIOD_MS: u64 = 1;

pub fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or_default()
}

/// pallet-timestamp's `Now` in the state of block `hash` (0 for genesis, or if unreadable).
pub fn chain_time<B, C, BE>(client: &C, hash: H256) -> u64
where
    B: BlockT<Hash = H256>,
    BE: Backend<B>,
    C: StorageProvider<B, BE>,
{
    let key = StorageKey([sp_crypto_hashing::twox_128(b"Timestamp"), sp_crypto_hashing::twox_128(b"Now")].concat());
    client
        .storage(hash, &key)
        .ok()
        .flatten()
        .and_then(|v| <u64 as codec::Decode>::decode(&mut &v.0[..]).ok())
        .unwrap_or(0)
}

/// Whether a validator whose clock reads `now` may vote for a block stamped `block_ts`.
pub fn may_vote_for(block_ts: u64, now: u64, block_time: u64) -> bool {
    block_ts <= now.saturating_add(block_time)
}

/// The timestamp a leader whose clock reads `now` gives a child of a block stamped `parent_ts`.
pub fn stamp(parent_ts: u64, now: u64) -> u64 {
    now.max(parent_ts.saturating_add(MINIMUM_PERIOD_MS))
}

/// When (by the local clock `now`) a child of a block stamped `parent_ts` may be built: a block
/// time after the parent, never more than a block time from now (a parent stamped ahead of this
/// clock does not make the leader wait for it).
pub fn build_at(parent_ts: u64, now: u64, block_time: u64) -> u64 {
    now.saturating_add(parent_ts.saturating_add(block_time).saturating_sub(now).min(block_time))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_stamped_more_than_a_block_time_ahead_gets_no_vote() {
        assert!(may_vote_for(10_000, 10_000, 1_000));
        assert!(may_vote_for(11_000, 10_000, 1_000));
        assert!(!may_vote_for(11_001, 10_000, 1_000));
        assert!(!may_vote_for(20_000, 10_000, 1_000));
        assert!(may_vote_for(u64::MAX, u64::MAX, 1_000));
    }

    #[test]
    fn a_leader_stamps_after_its_parent_even_when_its_clock_is_behind() {
        assert_eq!(stamp(5_000, 10_000), 10_000);
        // The parent is stamped 800 ms ahead of this clock: the child is 1 ms after it.
        assert_eq!(stamp(10_800, 10_000), 10_801);
        assert_eq!(stamp(u64::MAX, 0), u64::MAX);
    }

    #[test]
    fn building_waits_for_the_parent_plus_a_block_time_but_never_longer_than_a_block_time() {
        assert_eq!(build_at(10_000, 10_200, 1_000), 11_000);
        assert_eq!(build_at(10_000, 12_000, 1_000), 12_000);
        assert_eq!(build_at(30_000, 10_000, 1_000), 11_000);
    }
}
