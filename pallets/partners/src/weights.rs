//! Weights for `pallet_partners`.
//!
//! First cut: the storage read/write counts follow each extrinsic's code path and the execution
//! times are conservative estimates for a reference machine, checked against the benchmarks in
//! `benchmarking.rs` (which run in `cargo test --features runtime-benchmarks`). Regenerate with
//! `frame-benchmarking-cli` (`bpci-node benchmark pallet --pallet pallet_partners`) once the node
//! has the benchmark command.
#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::RocksDbWeight, Weight}};

/// Weight functions needed for `pallet_partners`.
pub trait WeightInfo {
    fn apply() -> Weight;
    fn assess() -> Weight;
    fn decide() -> Weight;
    fn register_relayers(n: u32) -> Weight;
    fn propose_agreement() -> Weight;
    fn sign_agreement() -> Weight;
    fn set_weights() -> Weight;
    fn suspend() -> Weight;
    fn resume() -> Weight;
    fn request_exit() -> Weight;
    fn remove() -> Weight;
    fn withdraw_bond() -> Weight;
    fn set_requirements() -> Weight;
    fn set_payout() -> Weight;
    fn register_installer() -> Weight;
    fn remove_installer() -> Weight;
    fn leave_installer() -> Weight;
    fn set_health_policy() -> Weight;
    /// The health check over `p` partner records, every one of them marked unhealthy.
    fn check_health(p: u32) -> Weight;
}

/// Weights for `pallet_partners` using the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
    fn apply() -> Weight {
        Weight::from_parts(60_000_000, 4000)
            .saturating_add(T::DbWeight::get().reads(5_u64))
            .saturating_add(T::DbWeight::get().writes(4_u64))
    }
    fn assess() -> Weight {
        Weight::from_parts(45_000_000, 4000)
            .saturating_add(T::DbWeight::get().reads(3_u64))
            .saturating_add(T::DbWeight::get().writes(4_u64))
    }
    fn decide() -> Weight {
        Weight::from_parts(45_000_000, 4000)
            .saturating_add(T::DbWeight::get().reads(3_u64))
            .saturating_add(T::DbWeight::get().writes(4_u64))
    }
    fn register_relayers(n: u32) -> Weight {
        Weight::from_parts(30_000_000, 4000)
            .saturating_add(Weight::from_parts(8_000_000, 0).saturating_mul(n.into()))
            .saturating_add(T::DbWeight::get().reads(1_u64))
            .saturating_add(T::DbWeight::get().writes(1_u64))
            .saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(n.into())))
            .saturating_add(T::DbWeight::get().writes((2_u64).saturating_mul(n.into())))
    }
    fn propose_agreement() -> Weight {
        Weight::from_parts(25_000_000, 4000)
            .saturating_add(T::DbWeight::get().reads(1_u64))
            .saturating_add(T::DbWeight::get().writes(1_u64))
    }
    fn sign_agreement() -> Weight {
        Weight::from_parts(25_000_000, 4000)
            .saturating_add(T::DbWeight::get().reads(1_u64))
            .saturating_add(T::DbWeight::get().writes(1_u64))
    }
    fn set_weights() -> Weight {
        Weight::from_parts(22_000_000, 4000)
            .saturating_add(T::DbWeight::get().reads(1_u64))
            .saturating_add(T::DbWeight::get().writes(1_u64))
    }
    fn suspend() -> Weight {
        Weight::from_parts(22_000_000, 4000)
            .saturating_add(T::DbWeight::get().reads(1_u64))
            .saturating_add(T::DbWeight::get().writes(1_u64))
    }
    fn resume() -> Weight {
        Weight::from_parts(22_000_000, 4000)
            .saturating_add(T::DbWeight::get().reads(1_u64))
            .saturating_add(T::DbWeight::get().writes(1_u64))
    }
    fn request_exit() -> Weight {
        Weight::from_parts(40_000_000, 4000)
            .saturating_add(T::DbWeight::get().reads(1_u64))
            .saturating_add(T::DbWeight::get().writes(9_u64))
    }
    fn remove() -> Weight {
        Weight::from_parts(40_000_000, 4000)
            .saturating_add(T::DbWeight::get().reads(1_u64))
            .saturating_add(T::DbWeight::get().writes(9_u64))
    }
    fn withdraw_bond() -> Weight {
        Weight::from_parts(60_000_000, 4000)
            .saturating_add(T::DbWeight::get().reads(4_u64))
            .saturating_add(T::DbWeight::get().writes(6_u64))
    }
    fn set_requirements() -> Weight {
        Weight::from_parts(10_000_000, 0)
            .saturating_add(T::DbWeight::get().writes(1_u64))
    }
    fn set_payout() -> Weight {
        Weight::from_parts(20_000_000, 4000)
            .saturating_add(T::DbWeight::get().reads(1_u64))
            .saturating_add(T::DbWeight::get().writes(1_u64))
    }
    fn register_installer() -> Weight {
        Weight::from_parts(50_000_000, 4000)
            .saturating_add(T::DbWeight::get().reads(4_u64))
            .saturating_add(T::DbWeight::get().writes(4_u64))
    }
    fn remove_installer() -> Weight {
        Weight::from_parts(45_000_000, 4000)
            .saturating_add(T::DbWeight::get().reads(4_u64))
            .saturating_add(T::DbWeight::get().writes(4_u64))
    }
    fn leave_installer() -> Weight {
        Weight::from_parts(45_000_000, 4000)
            .saturating_add(T::DbWeight::get().reads(4_u64))
            .saturating_add(T::DbWeight::get().writes(4_u64))
    }
    fn set_health_policy() -> Weight {
        Weight::from_parts(10_000_000, 0)
            .saturating_add(T::DbWeight::get().writes(1_u64))
    }
    fn check_health(p: u32) -> Weight {
        Weight::from_parts(10_000_000, 1500)
            .saturating_add(Weight::from_parts(30_000_000, 3600).saturating_mul(p.into()))
            .saturating_add(T::DbWeight::get().reads(1_u64))
            .saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(p.into())))
            .saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(p.into())))
    }
}

/// For tests and mocks: RocksDB weights.
impl WeightInfo for () {
    fn apply() -> Weight {
        Weight::from_parts(60_000_000, 4000)
            .saturating_add(RocksDbWeight::get().reads(5_u64))
            .saturating_add(RocksDbWeight::get().writes(4_u64))
    }
    fn assess() -> Weight {
        Weight::from_parts(45_000_000, 4000)
            .saturating_add(RocksDbWeight::get().reads(3_u64))
            .saturating_add(RocksDbWeight::get().writes(4_u64))
    }
    fn decide() -> Weight {
        Weight::from_parts(45_000_000, 4000)
            .saturating_add(RocksDbWeight::get().reads(3_u64))
            .saturating_add(RocksDbWeight::get().writes(4_u64))
    }
    fn register_relayers(n: u32) -> Weight {
        Weight::from_parts(30_000_000, 4000)
            .saturating_add(Weight::from_parts(8_000_000, 0).saturating_mul(n.into()))
            .saturating_add(RocksDbWeight::get().reads(1_u64))
            .saturating_add(RocksDbWeight::get().writes(1_u64))
            .saturating_add(RocksDbWeight::get().reads((2_u64).saturating_mul(n.into())))
            .saturating_add(RocksDbWeight::get().writes((2_u64).saturating_mul(n.into())))
    }
    fn propose_agreement() -> Weight {
        Weight::from_parts(25_000_000, 4000)
            .saturating_add(RocksDbWeight::get().reads(1_u64))
            .saturating_add(RocksDbWeight::get().writes(1_u64))
    }
    fn sign_agreement() -> Weight {
        Weight::from_parts(25_000_000, 4000)
            .saturating_add(RocksDbWeight::get().reads(1_u64))
            .saturating_add(RocksDbWeight::get().writes(1_u64))
    }
    fn set_weights() -> Weight {
        Weight::from_parts(22_000_000, 4000)
            .saturating_add(RocksDbWeight::get().reads(1_u64))
            .saturating_add(RocksDbWeight::get().writes(1_u64))
    }
    fn suspend() -> Weight {
        Weight::from_parts(22_000_000, 4000)
            .saturating_add(RocksDbWeight::get().reads(1_u64))
            .saturating_add(RocksDbWeight::get().writes(1_u64))
    }
    fn resume() -> Weight {
        Weight::from_parts(22_000_000, 4000)
            .saturating_add(RocksDbWeight::get().reads(1_u64))
            .saturating_add(RocksDbWeight::get().writes(1_u64))
    }
    fn request_exit() -> Weight {
        Weight::from_parts(40_000_000, 4000)
            .saturating_add(RocksDbWeight::get().reads(1_u64))
            .saturating_add(RocksDbWeight::get().writes(9_u64))
    }
    fn remove() -> Weight {
        Weight::from_parts(40_000_000, 4000)
            .saturating_add(RocksDbWeight::get().reads(1_u64))
            .saturating_add(RocksDbWeight::get().writes(9_u64))
    }
    fn withdraw_bond() -> Weight {
        Weight::from_parts(60_000_000, 4000)
            .saturating_add(RocksDbWeight::get().reads(4_u64))
            .saturating_add(RocksDbWeight::get().writes(6_u64))
    }
    fn set_requirements() -> Weight {
        Weight::from_parts(10_000_000, 0)
            .saturating_add(RocksDbWeight::get().writes(1_u64))
    }
    fn set_payout() -> Weight {
        Weight::from_parts(20_000_000, 4000)
            .saturating_add(RocksDbWeight::get().reads(1_u64))
            .saturating_add(RocksDbWeight::get().writes(1_u64))
    }
    fn register_installer() -> Weight {
        Weight::from_parts(50_000_000, 4000)
            .saturating_add(RocksDbWeight::get().reads(4_u64))
            .saturating_add(RocksDbWeight::get().writes(4_u64))
    }
    fn remove_installer() -> Weight {
        Weight::from_parts(45_000_000, 4000)
            .saturating_add(RocksDbWeight::get().reads(4_u64))
            .saturating_add(RocksDbWeight::get().writes(4_u64))
    }
    fn leave_installer() -> Weight {
        Weight::from_parts(45_000_000, 4000)
            .saturating_add(RocksDbWeight::get().reads(4_u64))
            .saturating_add(RocksDbWeight::get().writes(4_u64))
    }
    fn set_health_policy() -> Weight {
        Weight::from_parts(10_000_000, 0)
            .saturating_add(RocksDbWeight::get().writes(1_u64))
    }
    fn check_health(p: u32) -> Weight {
        Weight::from_parts(10_000_000, 1500)
            .saturating_add(Weight::from_parts(30_000_000, 3600).saturating_mul(p.into()))
            .saturating_add(RocksDbWeight::get().reads(1_u64))
            .saturating_add(RocksDbWeight::get().reads((2_u64).saturating_mul(p.into())))
            .saturating_add(RocksDbWeight::get().writes((1_u64).saturating_mul(p.into())))
    }
}
