//! Weights for `pallet-validators`.
//!
//! HAND-WRITTEN FROM THE BENCHMARKS' STORAGE ACCESSES, not measured: each function counts the
//! database reads and writes of its benchmark (`benchmarking.rs`) and adds a round execution
//! cost. The default for mocks and other runtimes; the BPCI runtime uses the weights
//! `scripts/bench-weights.sh` measures on it (`runtime/src/weights/pallet_validators.rs`).

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{
    traits::Get,
    weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions needed by `pallet-validators`.
pub trait WeightInfo {
    fn add_validator() -> Weight;
    fn remove_validator() -> Weight;
    fn set_session_length() -> Weight;
    /// Scheduling a forced set of `n` members.
    fn force_set(n: u32) -> Weight;
    /// Withdrawing the scheduled forced set.
    fn cancel_force() -> Weight;
    /// `on_initialize` of a stall block that consents to a forced set of `n` members and
    /// enacts it: two session rotations.
    fn on_initialize_force(n: u32) -> Weight;
    /// `on_initialize` without a new epoch, plus pallet-session's `should_end_session` check of
    /// the same block (which pallet-session itself charges nothing for).
    fn on_initialize_same_epoch() -> Weight;
    /// `on_initialize` recording a new epoch of a full set.
    fn on_initialize_new_epoch() -> Weight;
}

/// Weights for `pallet-validators` by storage accesses (see the module docs).
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
    /// Reads: `Members`, `Session::NextKeys`; event (`EventCount`, `Events`).
    /// Writes: `Members`; event.
    fn add_validator() -> Weight {
        Weight::from_parts(20_000_000, 6_000)
            .saturating_add(T::DbWeight::get().reads(4))
            .saturating_add(T::DbWeight::get().writes(3))
    }
    /// Reads: `Members`; event. Writes: `Members`; event.
    fn remove_validator() -> Weight {
        Weight::from_parts(18_000_000, 6_000)
            .saturating_add(T::DbWeight::get().reads(3))
            .saturating_add(T::DbWeight::get().writes(3))
    }
    /// Writes: `SessionLength`; event.
    fn set_session_length() -> Weight {
        Weight::from_parts(10_000_000, 1_500)
            .saturating_add(T::DbWeight::get().reads(2))
            .saturating_add(T::DbWeight::get().writes(3))
    }
    /// Per member: `Session::NextKeys`. Writes: `PendingForce`; event.
    fn force_set(n: u32) -> Weight {
        Weight::from_parts(15_000_000, 3_000)
            .saturating_add(Weight::from_parts(2_000_000, 2_700).saturating_mul(n as u64))
            .saturating_add(T::DbWeight::get().reads(2))
            .saturating_add(T::DbWeight::get().writes(3))
            .saturating_add(T::DbWeight::get().reads(1).saturating_mul(n as u64))
    }
    /// Writes: `PendingForce`, `ForceConsents`; event.
    fn cancel_force() -> Weight {
        Weight::from_parts(10_000_000, 3_000)
            .saturating_add(T::DbWeight::get().reads(3))
            .saturating_add(T::DbWeight::get().writes(4))
    }
    /// `System::Digest`, `Epoch`, `LastStall` (also written), `PendingForce`, `ForceConsents`; then per member
    /// `Session::NextKeys` read three times (check, two rotations). Fixed, per rotation:
    /// `Session::{CurrentIndex, QueuedChanged, QueuedKeys, Validators}`, `Members`, `Validators`,
    /// `CurrentSetId`, `DisabledValidators`, `System::Number` read;
    /// `Session::{Validators, CurrentIndex, QueuedKeys, QueuedChanged, DisabledValidators}`,
    /// `SessionStart`, `Validators`, `CurrentSetId` and events written. Then `ForcedChange`.
    fn on_initialize_force(n: u32) -> Weight {
        Weight::from_parts(70_000_000, 12_000)
            .saturating_add(Weight::from_parts(8_000_000, 2_700).saturating_mul(n as u64))
            .saturating_add(T::DbWeight::get().reads(27))
            .saturating_add(T::DbWeight::get().writes(26))
            .saturating_add(T::DbWeight::get().reads(3).saturating_mul(n as u64))
    }
    /// Reads: `System::Digest`, `Epoch`, and pallet-session's `SessionStart`, `SessionLength`.
    fn on_initialize_same_epoch() -> Weight {
        Weight::from_parts(5_000_000, 1_500).saturating_add(T::DbWeight::get().reads(4))
    }
    /// Reads: `System::Digest`, `Epoch`, `Validators`, `CurrentSetId`, `System::ParentHash`,
    /// `SessionStart`, `SessionLength`, `Session::Validators`; event. Writes: `Epoch`,
    /// `EpochAccounts`; event.
    fn on_initialize_new_epoch() -> Weight {
        Weight::from_parts(25_000_000, 14_000)
            .saturating_add(T::DbWeight::get().reads(10))
            .saturating_add(T::DbWeight::get().writes(4))
    }
}

// For tests.
impl WeightInfo for () {
    fn add_validator() -> Weight {
        Weight::from_parts(20_000_000, 6_000)
            .saturating_add(RocksDbWeight::get().reads(4))
            .saturating_add(RocksDbWeight::get().writes(3))
    }
    fn remove_validator() -> Weight {
        Weight::from_parts(18_000_000, 6_000)
            .saturating_add(RocksDbWeight::get().reads(3))
            .saturating_add(RocksDbWeight::get().writes(3))
    }
    fn set_session_length() -> Weight {
        Weight::from_parts(10_000_000, 1_500)
            .saturating_add(RocksDbWeight::get().reads(2))
            .saturating_add(RocksDbWeight::get().writes(3))
    }
    fn force_set(n: u32) -> Weight {
        Weight::from_parts(15_000_000, 3_000)
            .saturating_add(Weight::from_parts(2_000_000, 2_700).saturating_mul(n as u64))
            .saturating_add(RocksDbWeight::get().reads(2))
            .saturating_add(RocksDbWeight::get().writes(3))
            .saturating_add(RocksDbWeight::get().reads(1).saturating_mul(n as u64))
    }
    fn cancel_force() -> Weight {
        Weight::from_parts(10_000_000, 3_000)
            .saturating_add(RocksDbWeight::get().reads(3))
            .saturating_add(RocksDbWeight::get().writes(4))
    }
    fn on_initialize_force(n: u32) -> Weight {
        Weight::from_parts(70_000_000, 12_000)
            .saturating_add(Weight::from_parts(8_000_000, 2_700).saturating_mul(n as u64))
            .saturating_add(RocksDbWeight::get().reads(27))
            .saturating_add(RocksDbWeight::get().writes(26))
            .saturating_add(RocksDbWeight::get().reads(3).saturating_mul(n as u64))
    }
    fn on_initialize_same_epoch() -> Weight {
        Weight::from_parts(5_000_000, 1_500).saturating_add(RocksDbWeight::get().reads(4))
    }
    fn on_initialize_new_epoch() -> Weight {
        Weight::from_parts(25_000_000, 14_000)
            .saturating_add(RocksDbWeight::get().reads(10))
            .saturating_add(RocksDbWeight::get().writes(4))
    }
}
