//! # Audit
//!
//! The append-only log of what an auditor or a partner chain cares about: partner lifecycle,
//! governance decisions and enactments, revenue splits and payouts, auction settlements,
//! validator-set changes, treasury spends, bridge verifications. Other pallets append records
//! through [`AuditLog`]; a record is whatever SCALE-encodable type the runtime names
//! ([`Config::Record`], a versioned enum).
//!
//! ## Where records come from
//!
//! Pallets append through [`AuditLog`]. What pallets announce as events is turned into records by
//! the runtime ([`Config::EventRecords`]): in `on_finalize` the pallet reads the block's events,
//! in order, and appends the record of each one the runtime names, without bound: a block's events
//! are bounded by its weight and length already, and a bound here would let a user who fills the
//! front of a block with cheap recorded events push every later record out. That is how changes made by
//! polkadot-sdk pallets (referenda decisions, scheduler enactments, treasury spends), which have
//! no hook of their own, reach the log, and why the pallet must be the last in the runtime: its
//! `on_finalize` then sees every event of the block. Reading the events costs a decode of each
//! (`scan_events`) and each record a hash and an offchain write (`note_record`): every block reserves
//! that for [`Config::EventsReserved`] events in `on_initialize`, and what a block's events cost
//! beyond it is charged after the fact, since a block's events are known only at its end.
//!
//! ## What a block commits to
//!
//! Two levels. Each block commits to the records appended in it with one [`BlockRecords`] (their
//! count, the number refused past the block's bound, and the binary Merkle root of their hashes
//! in order). The next block appends that, with the block's number and hash ([`AuditLeaf`], this
//! pallet's [`LeafDataProvider`]), as one leaf of a Merkle mountain range over blocks
//! (polkadot-sdk's `pallet-mmr`). Every header carries both in one digest item under
//! [`AUDIT_ENGINE_ID`] ([`AuditDigest`]): the block's own records and the log's leaf count and
//! root ([`Config::Log`]), deposited in `on_finalize`. So one finalized header proves, with an MMR
//! proof, the commitment of every block before it, and each commitment proves any of its records
//! (`bpci_verifier::audit::verify`) and, given all of them, that none is missing, changed,
//! reordered or added (`bpci_verifier::audit::records_root`). Block `N`'s leaf is in the log from
//! block `N + 1` on.
//!
//! ## Where the records live
//!
//! State keeps only the running block's leaf hashes. The records themselves go to the node's
//! offchain database by offchain indexing (bpci-node always enables it, as `--enable-offchain-indexing
//! true`), content-addressed: each record under [`record_key`] of its hash, and each block's leaf
//! hashes in order under [`leaves_key`] of its number and root. Both keys are the same on every
//! fork that holds the same records, so a record written by a block that was later abandoned
//! never stands in for another.
//!
//! ## Bounds
//!
//! Records from events are not bounded (see above). Direct appends ([`AuditLog`]) are, at
//! [`Config::MaxRecordsPerBlock`] a block: any past it is refused and counted in `dropped`, so an
//! incomplete block says so in its own header.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use bpci_verifier::audit::{
    leaf_hash, records_root, AuditDigest, AuditLeaf, BlockRecords, LogState, AUDIT_ENGINE_ID,
};
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

/// Where pallets append auditable records directly. Appending never fails: a record past the
/// block's bound (`MaxRecordsPerBlock`, for direct appends only) is counted as dropped in the
/// block's commitment.
pub trait AuditLog<Record> {
    fn append(record: &Record);
}

/// No audit log (tests of other pallets).
impl<Record> AuditLog<Record> for () {
    fn append(_: &Record) {}
}

/// Which events the runtime records, and as what.
pub trait EventRecords<Event, Record> {
    /// The record of `event`, or `None` for an event the log leaves out.
    fn record(event: &Event) -> Option<Record>;
}

/// No event is recorded.
impl<Event, Record> EventRecords<Event, Record> for () {
    fn record(_: &Event) -> Option<Record> {
        None
    }
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
    pub trait Config: frame_system::Config<Hash = H256> {
        /// What is appended: the runtime's versioned record enum.
        type Record: Encode;
        /// Which of the block's events become records.
        type EventRecords: EventRecords<<Self as frame_system::Config>::RuntimeEvent, Self::Record>;
        /// The log over blocks after this block's leaf (`pallet-mmr`'s leaf count and root), for
        /// the header.
        type Log: Get<LogState>;
        /// Most records one block accepts by direct appends ([`AuditLog`]).
        #[pallet::constant]
        type MaxRecordsPerBlock: Get<u32>;
        /// Events (and as many records) whose reading every block reserves in `on_initialize`, so
        /// that a block builder counts them; only what a block's events cost beyond this is charged
        /// after the fact.
        #[pallet::constant]
        type EventsReserved: Get<u32>;
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
        /// Reserves the commitment's worst case for direct appends and the reading of
        /// `EventsReserved` events and their records: the records arrive during the block.
        fn on_initialize(_n: BlockNumberFor<T>) -> Weight {
            T::WeightInfo::commit(T::MaxRecordsPerBlock::get()).saturating_add(Self::events_weight(T::EventsReserved::get(), T::EventsReserved::get()))
        }

        fn on_finalize(n: BlockNumberFor<T>) {
            let (events, from_events) = Self::record_events();
            let reserved = Self::events_weight(T::EventsReserved::get(), T::EventsReserved::get());
            let spent = Self::events_weight(events, from_events.len() as u32);
            if !spent.all_lte(reserved) {
                frame_system::Pallet::<T>::register_extra_weight_unchecked(spent.saturating_sub(reserved), DispatchClass::Mandatory);
            }
            Self::commit(n, from_events);
        }
    }

    impl<T: Config> Pallet<T> {
        /// Reading `events` events, `records` of which are recorded.
        pub fn events_weight(events: u32, records: u32) -> Weight {
            T::WeightInfo::scan_events(events).saturating_add(T::WeightInfo::note_record().saturating_mul(records.into()))
        }

        /// The records of the block's events so far, in order, written offchain; returns how
        /// many events were read and the records' leaf hashes. Never in state, never bounded.
        pub(crate) fn record_events() -> (u32, Vec<H256>) {
            let mut events = 0u32;
            let mut leaves = Vec::new();
            for event in frame_system::Pallet::<T>::read_events_no_consensus() {
                events = events.saturating_add(1);
                if let Some(record) = T::EventRecords::record(&event.event) {
                    leaves.push(Self::note_record(&record.encode()));
                }
            }
            (events, leaves)
        }

        /// An event's record written offchain; its leaf hash. No state.
        pub(crate) fn note_record(record: &[u8]) -> H256 {
            let leaf = leaf_hash(record);
            sp_io::offchain_index::set(&record_key(&leaf), record);
            leaf
        }

        /// Closes block `n`'s records (those appended directly, then `from_events`): the
        /// commitment goes into the header and [`LastBlock`], the leaf list to the offchain
        /// database.
        pub(crate) fn commit(n: BlockNumberFor<T>, from_events: Vec<H256>) -> BlockRecords {
            let mut leaves = Leaves::<T>::take().into_inner();
            leaves.extend(from_events);
            let dropped = Dropped::<T>::take();
            let root = records_root(leaves.iter().copied());
            let records = BlockRecords { count: leaves.len() as u32, dropped, root };
            if !leaves.is_empty() {
                sp_io::offchain_index::set(&leaves_key(n.unique_saturated_into(), &root), &leaves.encode());
            }
            LastBlock::<T>::put((n, records));
            TotalRecords::<T>::mutate(|t| *t = t.saturating_add(records.count as u64));
            let digest = AuditDigest { records, log: T::Log::get() };
            frame_system::Pallet::<T>::deposit_log(DigestItem::Consensus(AUDIT_ENGINE_ID, digest.encode()));
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

/// The log's leaf for the parent block: `pallet-mmr` asks in a block's `on_initialize`, when the
/// parent's hash is known and its commitment is in [`LastBlock`]. A parent without one (genesis,
/// or any block before this pallet ran) commits to nothing.
impl<T: Config> sp_mmr_primitives::LeafDataProvider for Pallet<T> {
    type LeafData = AuditLeaf;

    fn leaf_data() -> AuditLeaf {
        use sp_runtime::traits::{Saturating, UniqueSaturatedInto};
        let parent = frame_system::Pallet::<T>::block_number().saturating_sub(1u32.into());
        let records = match LastBlock::<T>::get() {
            Some((number, records)) if number == parent => records,
            _ => BlockRecords::default(),
        };
        AuditLeaf { number: parent.unique_saturated_into(), hash: frame_system::Pallet::<T>::parent_hash(), records }
    }
}
