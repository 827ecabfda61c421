//! Storage proofs against a stored state root.
//!
//! `bp-runtime`'s `StorageProofChecker` does the trie work: it refuses duplicate nodes and a proof
//! that does not contain the root, and, once every key was read, nodes that no key needed. Keys
//! it cannot answer are refused too: a proof proves every key's value or absence, or nothing.

use crate::{Config, Error, RawProof};
use alloc::collections::BTreeSet;
use alloc::vec::Vec;
use bp_runtime::{StorageProofChecker, StorageProofError};
use codec::Encode;
use frame_support::{ensure, traits::Get};
use sp_core::H256;
use sp_runtime::traits::BlakeTwo256;

/// The proof's encoded size, refused above `MaxProofSize`.
pub fn ensure_size<T: Config>(proof: &RawProof) -> Result<u32, Error<T>> {
    let size = proof.encoded_size();
    ensure!(size <= T::MaxProofSize::get() as usize, Error::<T>::ProofTooLarge);
    Ok(size as u32)
}

/// The values of `keys` (`None`: proven absent) in the state of root `root`.
pub fn read_values(root: H256, keys: &[Vec<u8>], proof: RawProof) -> Result<Vec<Option<Vec<u8>>>, StorageProofError> {
    let mut checker = StorageProofChecker::<BlakeTwo256>::new(root, proof)?;
    let values = keys.iter().map(|k| checker.read_value(k)).collect::<Result<Vec<_>, _>>()?;
    checker.ensure_no_unused_nodes()?;
    Ok(values)
}

/// [`read_values`] for a submission: keys within bounds and distinct, values within `MaxValueLen`.
pub fn read<T: Config>(root: H256, keys: Vec<Vec<u8>>, proof: RawProof) -> Result<Vec<(Vec<u8>, Option<Vec<u8>>)>, Error<T>> {
    let mut seen = BTreeSet::new();
    for k in &keys {
        ensure!(k.len() <= T::MaxKeyLen::get() as usize && seen.insert(k.as_slice()), Error::<T>::BadKey);
    }
    let values = read_values(root, &keys, proof).map_err(|e| match e {
        StorageProofError::UnusedKey => Error::<T>::UnusedProofNodes,
        _ => Error::<T>::InvalidStorageProof,
    })?;
    for v in values.iter().flatten() {
        ensure!(v.len() <= T::MaxValueLen::get() as usize, Error::<T>::ValueTooLarge);
    }
    Ok(keys.into_iter().zip(values).collect())
}
