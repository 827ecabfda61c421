//! Storage proofs against a stored state root.
//!
//! The offline verifier's checker does the trie work (`bpci_primitives::trie`, the rules of
//! `bp-runtime`'s `StorageProofChecker` on `sp-trie`, one implementation for the runtime, the node
//! and partners): duplicate nodes, a proof that does not contain the root, keys it cannot answer
//! and nodes no key needed are refused. A proof proves every key's value or absence, or nothing.

use crate::{Config, Error, RawProof};
use alloc::collections::BTreeSet;
use alloc::vec::Vec;
use bpci_primitives::trie::{self, ReadProofError};
use codec::Encode;
use frame_support::{ensure, traits::Get};
use sp_core::H256;

/// What a proof costs to check, in bytes: its encoded size plus [`NODE_COST`] per node, refused
/// above `MaxProofSize`. Checking hashes and indexes every node whatever its length, so a proof of
/// many tiny nodes must not pass for a small one.
pub fn ensure_size<T: Config>(proof: &RawProof) -> Result<u32, Error<T>> {
    let size = proof.encoded_size().saturating_add(proof.len().saturating_mul(NODE_COST));
    ensure!(size <= T::MaxProofSize::get() as usize, Error::<T>::ProofTooLarge);
    Ok(size as u32)
}

/// Most nodes a proof within `MaxProofSize` can have.
pub fn max_nodes<T: Config>() -> u32 {
    T::MaxProofSize::get() / NODE_COST as u32
}

/// The per-node part of a proof's cost (see [`ensure_size`]): about what hashing and indexing a
/// node costs beyond its bytes.
pub const NODE_COST: usize = 64;

/// The values of `keys` (`None`: proven absent) at `root`, for a submission: keys within bounds and distinct, values within `MaxValueLen`.
pub fn read<T: Config>(root: H256, keys: Vec<Vec<u8>>, proof: RawProof) -> Result<Vec<(Vec<u8>, Option<Vec<u8>>)>, Error<T>> {
    let mut seen = BTreeSet::new();
    for k in &keys {
        ensure!(k.len() <= T::MaxKeyLen::get() as usize && seen.insert(k.as_slice()), Error::<T>::BadKey);
    }
    let values = trie::read::<sp_runtime::traits::BlakeTwo256>(root, &keys, proof).map_err(|e| match e {
        ReadProofError::UnusedNodes => Error::<T>::UnusedProofNodes,
        _ => Error::<T>::InvalidStorageProof,
    })?;
    for v in values.iter().flatten() {
        ensure!(v.len() <= T::MaxValueLen::get() as usize, Error::<T>::ValueTooLarge);
    }
    Ok(keys.into_iter().zip(values).collect())
}
