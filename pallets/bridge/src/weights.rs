//! Weights for `pallet-bridge`.
//!
//! HAND-WRITTEN FROM THE BENCHMARKS' STORAGE ACCESSES AND A RELEASE MEASUREMENT ON THIS MACHINE
//! (`scripts/bench-weights.sh 50 20 pallet_bridge`, 2026-12-02, before `proof_nodes` was split
//! out), rounded up: a header 2.62 ms + 4.8 us a validator, a hand-over 6.45 ms + 113 us a
//! validator (the next set's keys are validated), a checkpoint 0.16 ms + 110 us a validator, a
//! storage proof 0.29 ms + 19 us a key. The default for mocks and other runtimes; the BPCI runtime
//! uses its own measurement (`runtime/src/weights/pallet_bridge.rs`), taken without another build
//! competing for the cores, which came out lower.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{
    traits::Get,
    weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions needed by `pallet-bridge`.
pub trait WeightInfo {
    /// A checkpoint with a set of `n` validators: `n` key validations.
    fn initialize(n: u32) -> Weight;
    /// A header finalized by a set of `n`: one aggregate check over up to `n` prepared keys.
    fn submit_finality_proof(n: u32) -> Weight;
    /// A hand-over from a set of `n`, or to one: the certificate's checks, the next set's proof
    /// and `n` key validations.
    fn submit_handover(n: u32) -> Weight;
    /// A GRANDPA header with `p` precommits checked (at most the set's size) and `a` headers
    /// of vote ancestry.
    fn submit_grandpa_header(p: u32, a: u32) -> Weight;
    /// A storage proof of `k` keys of the largest values.
    fn submit_storage_proof(k: u32) -> Weight;
    /// Checking a trie proof of `m` nodes, beyond what the calls above measured: charged on top
    /// of `submit_storage_proof` and `submit_handover` for their proofs' nodes.
    fn proof_nodes(m: u32) -> Weight;
}

/// Weights by storage accesses and BLS costs (see the module docs).
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
    fn initialize(n: u32) -> Weight {
        initialize::<T::DbWeight>(n)
    }
    fn submit_finality_proof(n: u32) -> Weight {
        submit_finality_proof::<T::DbWeight>(n)
    }
    fn submit_handover(n: u32) -> Weight {
        submit_handover::<T::DbWeight>(n)
    }
    fn submit_grandpa_header(p: u32, a: u32) -> Weight {
        submit_grandpa_header::<T::DbWeight>(p, a)
    }
    fn submit_storage_proof(k: u32) -> Weight {
        submit_storage_proof::<T::DbWeight>(k)
    }
    fn proof_nodes(m: u32) -> Weight {
        proof_nodes(m)
    }
}

impl WeightInfo for () {
    fn initialize(n: u32) -> Weight {
        initialize::<RocksDbWeight>(n)
    }
    fn submit_finality_proof(n: u32) -> Weight {
        submit_finality_proof::<RocksDbWeight>(n)
    }
    fn submit_handover(n: u32) -> Weight {
        submit_handover::<RocksDbWeight>(n)
    }
    fn submit_grandpa_header(p: u32, a: u32) -> Weight {
        submit_grandpa_header::<RocksDbWeight>(p, a)
    }
    fn submit_storage_proof(k: u32) -> Weight {
        submit_storage_proof::<RocksDbWeight>(k)
    }
    fn proof_nodes(m: u32) -> Weight {
        proof_nodes(m)
    }
}

type Db = frame_support::weights::RuntimeDbWeight;

/// Reads: partner record, `Clients`, `HeaderRing` slot, `Headers`. Writes: `TrustedSets`,
/// `Clients`, `HeaderRing`, `Headers`; event. Per key: one validation.
fn initialize<D: Get<Db>>(n: u32) -> Weight {
    Weight::from_parts(170_000_000, 8_000)
        .saturating_add(Weight::from_parts(115_000_000, 100).saturating_mul(n as u64))
        .saturating_add(D::get().reads(6))
        .saturating_add(D::get().writes(6))
}

/// Reads: `Clients`, `TrustedSets` (96 bytes a key), relayer, partner record, ring slot,
/// `Headers`. Writes: partner record, ring, `Headers`, `Clients`; event. One pairing check, a
/// point addition per key.
fn submit_finality_proof<D: Get<Db>>(n: u32) -> Weight {
    Weight::from_parts(2_700_000_000, 8_000)
        .saturating_add(Weight::from_parts(5_000_000, 100).saturating_mul(n as u64))
        .saturating_add(D::get().reads(8))
        .saturating_add(D::get().writes(6))
}

/// Reads: `Clients`, `TrustedSets`, relayer. Writes: `TrustedSets`, `Clients`; event. Up to
/// three pairing checks (the certificate's groups and its QC), a validation per next-set key.
fn submit_handover<D: Get<Db>>(n: u32) -> Weight {
    Weight::from_parts(8_000_000_000, 16_000)
        .saturating_add(Weight::from_parts(115_000_000, 200).saturating_mul(n as u64))
        .saturating_add(D::get().reads(4))
        .saturating_add(D::get().writes(4))
}

/// Reads: as `submit_finality_proof` (`TrustedSets` 40 bytes an authority). One ed25519 check
/// per precommit, a header hash per ancestry header.
fn submit_grandpa_header<D: Get<Db>>(p: u32, a: u32) -> Weight {
    Weight::from_parts(500_000_000, 8_000)
        .saturating_add(Weight::from_parts(80_000_000, 200).saturating_mul(p as u64))
        .saturating_add(Weight::from_parts(15_000_000, 300).saturating_mul(a as u64))
        .saturating_add(D::get().reads(8))
        .saturating_add(D::get().writes(7))
}

/// Reads: `Clients`, `Headers`, relayer, one `ProvenValues` per key. Writes: one `ProvenValues`
/// per key, `Headers`, `Clients`; event.
fn submit_storage_proof<D: Get<Db>>(k: u32) -> Weight {
    Weight::from_parts(300_000_000, 6_000)
        .saturating_add(Weight::from_parts(20_000_000, 3_800).saturating_mul(k as u64))
        .saturating_add(D::get().reads(8u64.saturating_add(k as u64)))
        .saturating_add(D::get().writes(5u64.saturating_add(k as u64)))
}

/// Hashing and indexing a node, about 2 us.
fn proof_nodes(m: u32) -> Weight {
    Weight::from_parts(2_000_000, 0).saturating_mul(m as u64)
}
