//! # Audit
//!
//! The append-only log of what an auditor or a partner chain cares about: partner lifecycle,
//! governance decisions and enactments, revenue splits and payouts, auction settlements,
//! validator-set changes, treasury spends, bridge verifications. Other pallets append records
//! through [`AuditLog`]; a record is whatever SCALE-encodable type the runtime names
//! ([`Config::Record`], a versioned enum).
//!
//! ## What a block commits to
//!
//! Each block commits to the records appended in it with one [`BlockRecords`] (their count, the
//! number refused past the block's bound, and the binary Merkle root of their hashes in order) in
//! its header's digest under [`AUDIT_ENGINE_ID`], deposited in `on_finalize`. A finalized header
//! thus proves any of its records (`bpci_verifier::audit::verify`) and, with all of them, that
//! none is missing, changed, reordered or added (`bpci_verifier::audit::records_root`). The last
//! block's commitment stays in [`LastBlock`], for a log over blocks (an MMR leaf per block) to
//! read in the next one.
//!
//! ## Where the records live
//!
//! State keeps only the running block's leaf hashes. The records themselves go to the node's
//! offchain database by offchain indexing (the node must run with `--enable-offchain-indexing
//! true`), content-addressed: each record under [`record_key`] of its hash, and each block's leaf
//! hashes in order under [`leaves_key`] of its number and root. Both keys are the same on every
//! fork that holds the same records, so a record written by a block that was later abandoned
//! never stands in for another.
//!
//! ## Bounds
//!
//! At most [`Config::MaxRecordsPerBlock`] records a block; any past it is refused and counted in
//! `dropped`, so an incomplete block says so in its own header.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use bpci_verifier::audit::{leaf_hash, records_root, BlockRecords, AUDIT_ENGINE_ID};
pub use pallet::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod weights;

use alloc::vec::Vec;
use codec::Encode;
use sp_core::H256;

/// Where pallets append auditable records. Appending never fails: a record past the block's
/// bound is counted as dropped in the block's commitment.
pub trait AuditLog<Record> {
    fn append(record: &Record);
}

/// No audit log (tests of other pallets).
impl<Record> AuditLog<Record> for () {
    fn append(_: &Record) {}
}

/// Prefix of every offchain key the pallet writes.
pub const OFFCHAIN_PREFIX: &[u8] = b"bpci/audit/";

/// Offchain key of a record's encoding, by its [`leaf_hash`].
pub fn record_key(leaf: &H256) -> Vec<u8> {
    (OFFCHAIN_PREFIX, b"record", leaf).encode()
}

/// Offchain key of the leaf hashes (in order) of block `number` whose records' root is `root`.
pub fn leaves_key(number: u64, root: &H256) -> Vec<u8> {
    (OFFCHAIN_PREFIX, b"leaves", number, root).encode()
}

#[frame_support::pallet]
pub mod pallet {
    use super::*;
    use frame_support::pallet_prelude::*;
    use frame_system::pallet_prelude::*;
    use sp_runtime::{traits::UniqueSaturatedInto, DigestItem};

    #[pallet::pallet]
    pub struct Pallet<T>(_);

    #[pallet::config]
    pub trait Config: frame_system::Config {
        /// What is appended: the runtime's versioned record enum.
        type Record: Encode;
        /// Most records one block commits to.
        #[pallet::constant]
        type MaxRecordsPerBlock: Get<u32>;
        type WeightInfo: WeightInfo;
    }

    /// Leaf hashes of the records appended in the running block, in order.
    #[pallet::storage]
    pub type Leaves<T: Config> = StorageValue<_, BoundedVec<H256, T::MaxRecordsPerBlock>, ValueQuery>;

    /// Records refused in the running block because it held `MaxRecordsPerBlock` already.
    #[pallet::storage]
    pub type Dropped<T: Config> = StorageValue<_, u32, ValueQuery>;

    /// The last finished block and what it committed to.
    #[pallet::storage]
    pub type LastBlock<T: Config> = StorageValue<_, (BlockNumberFor<T>, BlockRecords), OptionQuery>;

    /// Records committed since genesis.
    #[pallet::storage]
    pub type TotalRecords<T: Config> = StorageValue<_, u64, ValueQuery>;

    #[pallet::hooks]
    impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
        /// Reserves the commitment's worst case: the records arrive during the block.
        fn on_initialize(_n: BlockNumberFor<T>) -> Weight {
            T::WeightInfo::commit(T::MaxRecordsPerBlock::get())
        }

        fn on_finalize(n: BlockNumberFor<T>) {
            Self::commit(n);
        }
    }

    impl<T: Config> Pallet<T> {
        /// Closes block `n`'s records: the commitment goes into the header and [`LastBlock`], the
        /// leaf list to the offchain database.
        pub(crate) fn commit(n: BlockNumberFor<T>) -> BlockRecords {
            let leaves = Leaves::<T>::take().into_inner();
            let dropped = Dropped::<T>::take();
            let root = records_root(leaves.iter().copied());
            let records = BlockRecords { count: leaves.len() as u32, dropped, root };
            if !leaves.is_empty() {
                sp_io::offchain_index::set(&leaves_key(n.unique_saturated_into(), &root), &leaves.encode());
            }
            LastBlock::<T>::put((n, records));
            TotalRecords::<T>::mutate(|t| *t = t.saturating_add(records.count as u64));
            frame_system::Pallet::<T>::deposit_log(DigestItem::Consensus(AUDIT_ENGINE_ID, records.encode()));
            records
        }

        /// The encoded record appended, or counted as dropped past the bound.
        pub fn append_encoded(record: &[u8]) {
            let leaf = leaf_hash(record);
            if Leaves::<T>::try_append(leaf).is_ok() {
                sp_io::offchain_index::set(&record_key(&leaf), record);
            } else {
                Dropped::<T>::mutate(|d| *d = d.saturating_add(1));
            }
        }
    }

    impl<T: Config> AuditLog<T::Record> for Pallet<T> {
        fn append(record: &T::Record) {
            Self::append_encoded(&record.encode());
        }
    }
}
