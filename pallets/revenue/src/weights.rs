//! Weights for `pallet-revenue`.
//!
//! FIRST-CUT NUMBERS, not measured on reference hardware: they follow the storage accesses of each
//! call and hook with round per-item costs. Regenerate with
//! `frame-omni-bencher v1 benchmark pallet --pallet pallet_revenue --extrinsic '*'` (or the node's
//! `benchmark pallet` subcommand from frame-benchmarking-cli) once the runtime is wired.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{
    traits::Get,
    weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions needed by `pallet-revenue`.
pub trait WeightInfo {
    fn set_shares() -> Weight;
    fn set_block_reward() -> Weight;
    fn set_era_length() -> Weight;
    fn set_mode() -> Weight;
    /// Per-block work: read era info, mint the block reward into the pot.
    fn on_initialize_block_reward() -> Weight;
    /// Era end with `v` validator payees and `p` partner payees.
    fn on_initialize_era_end(v: u32, p: u32) -> Weight;
}

/// Weights for `pallet-revenue` using the Substrate node and recommended hardware.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
    fn set_shares() -> Weight {
        Weight::from_parts(10_000_000, 1_500).saturating_add(T::DbWeight::get().writes(1))
    }
    fn set_block_reward() -> Weight {
        Weight::from_parts(9_000_000, 1_500).saturating_add(T::DbWeight::get().writes(1))
    }
    fn set_era_length() -> Weight {
        Weight::from_parts(9_000_000, 1_500).saturating_add(T::DbWeight::get().writes(1))
    }
    fn set_mode() -> Weight {
        Weight::from_parts(14_000_000, 1_600)
            .saturating_add(T::DbWeight::get().reads(2))
            .saturating_add(T::DbWeight::get().writes(3))
    }
    fn on_initialize_block_reward() -> Weight {
        Weight::from_parts(30_000_000, 3_600)
            .saturating_add(T::DbWeight::get().reads(5))
            .saturating_add(T::DbWeight::get().writes(3))
    }
    fn on_initialize_era_end(v: u32, p: u32) -> Weight {
        Weight::from_parts(120_000_000, 10_000)
            .saturating_add(Weight::from_parts(45_000_000, 2_600).saturating_mul((v as u64).saturating_add(p as u64)))
            .saturating_add(T::DbWeight::get().reads(12))
            .saturating_add(T::DbWeight::get().writes(12))
            .saturating_add(T::DbWeight::get().reads_writes(1, 1).saturating_mul((v as u64).saturating_add(p as u64)))
    }
}

// For backwards compatibility and tests.
impl WeightInfo for () {
    fn set_shares() -> Weight {
        Weight::from_parts(10_000_000, 1_500).saturating_add(RocksDbWeight::get().writes(1))
    }
    fn set_block_reward() -> Weight {
        Weight::from_parts(9_000_000, 1_500).saturating_add(RocksDbWeight::get().writes(1))
    }
    fn set_era_length() -> Weight {
        Weight::from_parts(9_000_000, 1_500).saturating_add(RocksDbWeight::get().writes(1))
    }
    fn set_mode() -> Weight {
        Weight::from_parts(14_000_000, 1_600)
            .saturating_add(RocksDbWeight::get().reads(2))
            .saturating_add(RocksDbWeight::get().writes(3))
    }
    fn on_initialize_block_reward() -> Weight {
        Weight::from_parts(30_000_000, 3_600)
            .saturating_add(RocksDbWeight::get().reads(5))
            .saturating_add(RocksDbWeight::get().writes(3))
    }
    fn on_initialize_era_end(v: u32, p: u32) -> Weight {
        Weight::from_parts(120_000_000, 10_000)
            .saturating_add(Weight::from_parts(45_000_000, 2_600).saturating_mul((v as u64).saturating_add(p as u64)))
            .saturating_add(RocksDbWeight::get().reads(12))
            .saturating_add(RocksDbWeight::get().writes(12))
            .saturating_add(RocksDbWeight::get().reads_writes(1, 1).saturating_mul((v as u64).saturating_add(p as u64)))
    }
}
