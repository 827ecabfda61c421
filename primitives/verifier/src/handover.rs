//! Following a BPCI chain's validator sets: the hand-over.
//!
//! When a session changes the set, the outgoing set signs an epoch-end certificate (a timeout
//! certificate of [`EPOCH_END`]) whose highest certificate certifies the block the next epoch
//! starts from (its *root*), and the root's state holds the next set: `pallet-validators`'
//! `Validators` and `CurrentSetId`, under a runtime that names the pallet `Validators`. A verifier
//! that trusts the outgoing set checks the certificate, that the root header is the certified
//! block, and reads the next set from the root's state root with a read proof. The root itself is
//! not proven final: an epoch may have more than one root, and the next set's own certificates
//! decide which stays (`docs/consensus.md`, "Validator-set changes").

use crate::bls::{BlsPublic, BlsSignature};
use crate::header::HeaderFields;
use crate::timeout::{TimeoutCertificate, EPOCH_END};
use crate::{trie, SetId};
use alloc::vec::Vec;
use codec::DecodeAll;
use sp_core::{Hasher, H256};

/// Most signer groups a hand-over certificate may have: each costs a pairing check. An honest
/// epoch-end certificate has one per distinct highest-certificate view among its signers, which
/// at an epoch's end is one or two.
pub const MAX_GROUPS: usize = 8;

/// Storage key of the session validator set in a BPCI chain's state.
pub fn validators_key() -> [u8; 32] {
    storage_key(b"Validators", b"Validators")
}

/// Storage key of that set's id.
pub fn set_id_key() -> [u8; 32] {
    storage_key(b"Validators", b"CurrentSetId")
}

pub(crate) fn storage_key(pallet: &[u8], item: &[u8]) -> [u8; 32] {
    let mut k = [0u8; 32];
    k[..16].copy_from_slice(&sp_crypto_hashing::twox_128(pallet));
    k[16..].copy_from_slice(&sp_crypto_hashing::twox_128(item));
    k
}

/// Whether `validators` can be a set anyone trusts: not empty, and no key twice (which would let
/// one validator count twice towards a quorum). Key validity is the BLS backend's to check.
pub fn distinct_keys(validators: &[BlsPublic]) -> bool {
    let mut sorted = validators.to_vec();
    sorted.sort();
    !sorted.is_empty() && sorted.windows(2).all(|w| w[0] != w[1])
}

/// Why a hand-over was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HandoverError {
    /// Not an epoch-end certificate of the trusted set, too many groups, or it does not verify.
    Certificate(&'static str),
    /// The root header is not the block the certificate certifies.
    RootMismatch,
    /// The next set cannot be read from the root's state.
    NextSetUnproven,
    /// The next set's id is not above the trusted one.
    NotNewer,
}

impl core::fmt::Display for HandoverError {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        match self {
            Self::Certificate(e) => write!(f, "hand-over certificate: {e}"),
            Self::RootMismatch => f.write_str("the root header is not the block the hand-over certifies"),
            Self::NextSetUnproven => f.write_str("the next set is not proven in the root's state"),
            Self::NotNewer => f.write_str("the handed-over set is not newer than the trusted one"),
        }
    }
}

/// Checks `certificate` as the hand-over of the trusted set `set_id` (whose `keys` the verifier
/// keeps in any form, see [`crate::qc::verify_signers`]) on the chain of `genesis`, at `root`.
pub fn check_certificate<K: Clone>(
    certificate: &TimeoutCertificate,
    keys: &[K],
    set_id: SetId,
    genesis: &H256,
    root: &HeaderFields,
    verify_aggregate: impl Fn(&[K], &[u8], &BlsSignature) -> bool,
) -> Result<(), HandoverError> {
    if certificate.view != EPOCH_END {
        return Err(HandoverError::Certificate("not an epoch-end certificate"));
    }
    if certificate.groups.len() > MAX_GROUPS {
        return Err(HandoverError::Certificate("more signer groups than a hand-over may have"));
    }
    certificate.verify_keys(keys, set_id, genesis, verify_aggregate).map_err(HandoverError::Certificate)?;
    // The highest certificate (checked above) certifies the root; an epoch that certified nothing
    // cannot hand over.
    let certified = certificate.high_qc.as_ref().ok_or(HandoverError::RootMismatch)?;
    if certified.data.block_hash != root.hash || certified.data.block_number != root.number {
        return Err(HandoverError::RootMismatch);
    }
    Ok(())
}

/// The next set (its id and keys) in the state of root `state_root`, newer than `set_id`.
pub fn next_set<H: Hasher<Out = H256>>(
    state_root: H256,
    set_id: SetId,
    set_proof: Vec<Vec<u8>>,
) -> Result<(SetId, Vec<BlsPublic>), HandoverError> {
    let values = trie::read::<H>(state_root, &[validators_key().to_vec(), set_id_key().to_vec()], set_proof)
        .map_err(|_| HandoverError::NextSetUnproven)?;
    let (Some(Some(validators)), Some(Some(next_id))) = (values.first(), values.get(1)) else {
        return Err(HandoverError::NextSetUnproven);
    };
    let next_id = SetId::decode_all(&mut &next_id[..]).map_err(|_| HandoverError::NextSetUnproven)?;
    let validators = Vec::<BlsPublic>::decode_all(&mut &validators[..]).map_err(|_| HandoverError::NextSetUnproven)?;
    if next_id <= set_id {
        return Err(HandoverError::NotNewer);
    }
    Ok((next_id, validators))
}
