//! Weights for `pallet-auction`.
//!
//! FIRST-CUT NUMBERS, not measured on reference hardware: they follow each call's and the
//! settlement hook's storage accesses with round per-item costs. Regenerate with
//! frame-benchmarking-cli (`benchmark pallet --pallet pallet_auction --extrinsic '*'`) once the runtime is wired.
//! The settlement weight excludes the winning bundles' own dispatch weight, which the hook adds.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{
    traits::Get,
    weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions needed by `pallet-auction`.
pub trait WeightInfo {
    fn commit() -> Weight;
    /// Reveal of a bundle of `b` encoded bytes.
    fn reveal(b: u32) -> Weight;
    fn set_mode() -> Weight;
    /// Settlement of a round with `n` commitments and `w` winners (bundle weight excluded).
    fn settle_round(n: u32, w: u32) -> Weight;
    /// A reveal block's hook that counts its author (the authors needed and the author read).
    fn on_initialize_reveal_block() -> Weight;
}

pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
    fn commit() -> Weight {
        // A full round: every commitment read (32 in the runtime) and the lowest outbid.
        Weight::from_parts(60_000_000, 4_000)
            .saturating_add(T::DbWeight::get().reads(5 + 32 + 2))
            .saturating_add(T::DbWeight::get().writes(4 + 3))
    }
    fn reveal(b: u32) -> Weight {
        Weight::from_parts(40_000_000, 4_000)
            .saturating_add(Weight::from_parts(3_000, 1).saturating_mul(b as u64))
            .saturating_add(T::DbWeight::get().reads(4))
            .saturating_add(T::DbWeight::get().writes(1))
    }
    fn set_mode() -> Weight {
        Weight::from_parts(10_000_000, 1_500)
            .saturating_add(T::DbWeight::get().reads(1))
            .saturating_add(T::DbWeight::get().writes(1))
    }
    fn settle_round(n: u32, w: u32) -> Weight {
        Weight::from_parts(50_000_000, 5_000)
            .saturating_add(Weight::from_parts(80_000_000, 8_000).saturating_mul(n as u64))
            .saturating_add(Weight::from_parts(30_000_000, 0).saturating_mul(w as u64))
            .saturating_add(T::DbWeight::get().reads_writes(4, 4))
            .saturating_add(T::DbWeight::get().reads_writes(4, 5).saturating_mul(n as u64))
    }
    fn on_initialize_reveal_block() -> Weight {
        Weight::from_parts(20_000_000, 8_000).saturating_add(T::DbWeight::get().reads_writes(6, 1))
    }
}

impl WeightInfo for () {
    fn commit() -> Weight {
        // A full round: every commitment read (32 in the runtime) and the lowest outbid.
        Weight::from_parts(60_000_000, 4_000)
            .saturating_add(RocksDbWeight::get().reads(5 + 32 + 2))
            .saturating_add(RocksDbWeight::get().writes(4 + 3))
    }
    fn reveal(b: u32) -> Weight {
        Weight::from_parts(40_000_000, 4_000)
            .saturating_add(Weight::from_parts(3_000, 1).saturating_mul(b as u64))
            .saturating_add(RocksDbWeight::get().reads(4))
            .saturating_add(RocksDbWeight::get().writes(1))
    }
    fn set_mode() -> Weight {
        Weight::from_parts(10_000_000, 1_500)
            .saturating_add(RocksDbWeight::get().reads(1))
            .saturating_add(RocksDbWeight::get().writes(1))
    }
    fn settle_round(n: u32, w: u32) -> Weight {
        Weight::from_parts(50_000_000, 5_000)
            .saturating_add(Weight::from_parts(80_000_000, 8_000).saturating_mul(n as u64))
            .saturating_add(Weight::from_parts(30_000_000, 0).saturating_mul(w as u64))
            .saturating_add(RocksDbWeight::get().reads_writes(4, 4))
            .saturating_add(RocksDbWeight::get().reads_writes(4, 5).saturating_mul(n as u64))
    }
    fn on_initialize_reveal_block() -> Weight {
        Weight::from_parts(20_000_000, 8_000).saturating_add(RocksDbWeight::get().reads_writes(6, 1))
    }
}
