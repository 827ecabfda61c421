//! Weights for `pallet-audit`.
//!
//! Defaults for mocks and other runtimes, rounded up from bpci-runtime's measured weights
//! (`runtime/src/weights/pallet_audit.rs`, `scripts/bench-weights.sh 50 20 pallet_audit`:
//! append 11.7 µs, commit 22.8 µs + 0.51 µs a record, scan 3.4 µs + 0.48 µs an event, a record
//! written offchain 4.0 µs).
#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::RocksDbWeight, Weight}};

pub trait WeightInfo {
    /// One record appended (what an appending pallet adds to its own weight).
    fn append() -> Weight;
    /// A block's commitment over `n` records.
    fn commit(n: u32) -> Weight;
    /// Reading `e` events of the block for records.
    fn scan_events(e: u32) -> Weight;
    /// One event's record hashed and written offchain (no state).
    fn note_record() -> Weight;
}

pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
    fn append() -> Weight {
        Weight::from_parts(20_000_000, 0).saturating_add(T::DbWeight::get().reads_writes(1, 1))
    }
    fn commit(n: u32) -> Weight {
        Weight::from_parts(30_000_000, 0)
            .saturating_add(Weight::from_parts(3_000_000, 32).saturating_mul(n.into()))
            .saturating_add(T::DbWeight::get().reads_writes(3, 4))
    }
    fn scan_events(e: u32) -> Weight {
        Weight::from_parts(5_000_000, 0)
            .saturating_add(Weight::from_parts(2_000_000, 200).saturating_mul(e.into()))
            .saturating_add(T::DbWeight::get().reads(1))
    }
    fn note_record() -> Weight {
        Weight::from_parts(5_000_000, 0)
    }
}

impl WeightInfo for () {
    fn append() -> Weight {
        Weight::from_parts(20_000_000, 0).saturating_add(RocksDbWeight::get().reads_writes(1, 1))
    }
    fn commit(n: u32) -> Weight {
        Weight::from_parts(30_000_000, 0)
            .saturating_add(Weight::from_parts(3_000_000, 32).saturating_mul(n.into()))
            .saturating_add(RocksDbWeight::get().reads_writes(3, 4))
    }
    fn scan_events(e: u32) -> Weight {
        Weight::from_parts(5_000_000, 0)
            .saturating_add(Weight::from_parts(2_000_000, 200).saturating_mul(e.into()))
            .saturating_add(RocksDbWeight::get().reads(1))
    }
    fn note_record() -> Weight {
        Weight::from_parts(5_000_000, 0)
    }
}
