//! Weights for `pallet_roundtable`.
//!
//! First cut: the storage read/write counts follow each extrinsic's code path (including the
//! scheduler, preimage and partner-registry calls it makes) and the execution times are
//! conservative estimates for a reference machine, checked against the benchmarks in
//! `benchmarking.rs` (which run in `cargo test --features runtime-benchmarks`). Regenerate with
//! `frame-benchmarking-cli` (`bpci-node benchmark pallet --pallet pallet_roundtable`) once the node
//! has the benchmark command.
#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::RocksDbWeight, Weight}};

/// Weight functions needed for `pallet_roundtable`.
pub trait WeightInfo {
    fn raise_dispute() -> Weight;
    fn answer() -> Weight;
    fn resolve_dispute() -> Weight;
    fn expire_dispute() -> Weight;
    fn vote_poll() -> Weight;
    fn remove_poll_votes(v: u32) -> Weight;
    fn set_track() -> Weight;
}

/// Weights for `pallet_roundtable` using the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
    fn raise_dispute() -> Weight {
        Weight::from_parts(60_000_000, 4000)
            .saturating_add(T::DbWeight::get().reads(9_u64))
            .saturating_add(T::DbWeight::get().writes(7_u64))
    }
    fn answer() -> Weight {
        Weight::from_parts(20_000_000, 4000)
            .saturating_add(T::DbWeight::get().reads(1_u64))
            .saturating_add(T::DbWeight::get().writes(1_u64))
    }
    fn resolve_dispute() -> Weight {
        Weight::from_parts(90_000_000, 4000)
            .saturating_add(T::DbWeight::get().reads(9_u64))
            .saturating_add(T::DbWeight::get().writes(9_u64))
    }
    fn expire_dispute() -> Weight {
        Weight::from_parts(60_000_000, 4000)
            .saturating_add(T::DbWeight::get().reads(6_u64))
            .saturating_add(T::DbWeight::get().writes(6_u64))
    }
    // The first vote of a poll freezes its electorate: up to 64 partner records read.
    fn vote_poll() -> Weight {
        Weight::from_parts(60_000_000, 8000)
            .saturating_add(T::DbWeight::get().reads(70_u64))
            .saturating_add(T::DbWeight::get().writes(4_u64))
    }
    fn remove_poll_votes(v: u32) -> Weight {
        Weight::from_parts(30_000_000, 4000)
            .saturating_add(Weight::from_parts(3_000_000, 0).saturating_mul(v.into()))
            .saturating_add(T::DbWeight::get().reads(3_u64))
            .saturating_add(T::DbWeight::get().writes((1_u64).saturating_add(v.into())))
    }
    fn set_track() -> Weight {
        Weight::from_parts(12_000_000, 0)
            .saturating_add(T::DbWeight::get().writes(1_u64))
    }
}

/// For tests and mocks: RocksDB weights.
impl WeightInfo for () {
    fn raise_dispute() -> Weight {
        Weight::from_parts(60_000_000, 4000)
            .saturating_add(RocksDbWeight::get().reads(9_u64))
            .saturating_add(RocksDbWeight::get().writes(7_u64))
    }
    fn answer() -> Weight {
        Weight::from_parts(20_000_000, 4000)
            .saturating_add(RocksDbWeight::get().reads(1_u64))
            .saturating_add(RocksDbWeight::get().writes(1_u64))
    }
    fn resolve_dispute() -> Weight {
        Weight::from_parts(90_000_000, 4000)
            .saturating_add(RocksDbWeight::get().reads(9_u64))
            .saturating_add(RocksDbWeight::get().writes(9_u64))
    }
    fn expire_dispute() -> Weight {
        Weight::from_parts(60_000_000, 4000)
            .saturating_add(RocksDbWeight::get().reads(6_u64))
            .saturating_add(RocksDbWeight::get().writes(6_u64))
    }
    // The first vote of a poll freezes its electorate: up to 64 partner records read.
    fn vote_poll() -> Weight {
        Weight::from_parts(60_000_000, 8000)
            .saturating_add(RocksDbWeight::get().reads(70_u64))
            .saturating_add(RocksDbWeight::get().writes(4_u64))
    }
    fn remove_poll_votes(v: u32) -> Weight {
        Weight::from_parts(30_000_000, 4000)
            .saturating_add(Weight::from_parts(3_000_000, 0).saturating_mul(v.into()))
            .saturating_add(RocksDbWeight::get().reads(3_u64))
            .saturating_add(RocksDbWeight::get().writes((1_u64).saturating_add(v.into())))
    }
    fn set_track() -> Weight {
        Weight::from_parts(12_000_000, 0)
            .saturating_add(RocksDbWeight::get().writes(1_u64))
    }
}
