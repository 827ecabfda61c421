//! The light client of a BPCI chain.
//!
//! A BPCI block is final when its justification verifies: one aggregate BLS signature of a quorum
//! (`n - f`) of the set that was current for it, over a statement that names the chain's genesis
//! hash, the set id and the block (`bpci_primitives::qc`). The client stores the set's keys
//! validated and uncompressed ([`BlsPreparedPublic`]), so the check is one pairing plus point
//! additions whatever the set's size, and its cost does not depend on any cache of the node.
//!
//! Sets change by **hand-over** (`docs/consensus.md`, "Validator-set changes"): the outgoing set
//! signs an epoch-end certificate whose highest certificate certifies the block the next epoch
//! starts from (its root), and the root's state holds the next set (`Validators::Validators`,
//! `Validators::CurrentSetId` of `pallet-validators`). The client checks the certificate against
//! the set it trusts, that the root header is the certified block, and reads the next set from
//! the root's state root with a storage proof. It does not store the root as a header: an epoch
//! may have more than one root, and only the next set's own certificates say which one stays.
//! A *forced* change (governance on the partner, after more than `f` of its validators were lost)
//! has no hand-over; the protocol track resets the client from a new checkpoint.

use crate::{proofs, Config, Error, PartnerHeader, RawProof, TrustedSet, TrustedSetOf};
use alloc::vec::Vec;
use bpci_primitives::bls::BlsPreparedPublic;
use bpci_primitives::host::bpci_bls;
use bpci_primitives::qc::{verify_signers, FinalityJustification, QcError};
use bpci_primitives::timeout::TimeoutCertificate;
use bpci_primitives::{BlsPublic, SetId};
use codec::Decode;
use frame_support::{ensure, traits::Get};
use sp_core::H256;
use sp_runtime::traits::Header as _;
use sp_runtime::DispatchError;

/// Storage key of a BPCI chain's session validator set (`pallet-validators`' `Validators`, in a
/// runtime that names the pallet `Validators`, as BPCI's does; a runtime test checks it).
pub fn validators_key() -> [u8; 32] {
    frame_support::storage::storage_prefix(b"Validators", b"Validators")
}

/// Storage key of the id of that set (`pallet-validators`' `CurrentSetId`).
pub fn set_id_key() -> [u8; 32] {
    frame_support::storage::storage_prefix(b"Validators", b"CurrentSetId")
}

/// A set the client may trust: not empty, within `MaxSetSize`, no key twice, every key valid.
pub fn trusted_set<T: Config>(set_id: SetId, validators: &[BlsPublic]) -> Result<TrustedSetOf<T>, Error<T>> {
    ensure!(!validators.is_empty(), Error::<T>::EmptySet);
    ensure!(validators.len() <= T::MaxSetSize::get() as usize, Error::<T>::SetTooLarge);
    let mut sorted = validators.to_vec();
    sorted.sort();
    // The same key twice would let one validator count twice towards a quorum.
    ensure!(sorted.windows(2).all(|w| w[0] != w[1]), Error::<T>::InvalidKey);
    let prepared = bpci_bls::prepare_keys(validators.to_vec()).ok_or(Error::<T>::InvalidKey)?;
    let keys = prepared.try_into().map_err(|_| Error::<T>::SetTooLarge)?;
    Ok(TrustedSet::Bpci { set_id, keys })
}

fn aggregate_check(keys: &[BlsPreparedPublic], msg: &[u8], sig: &bpci_primitives::BlsSignature) -> bool {
    bpci_bls::verify_aggregate_prepared(keys.to_vec(), msg, *sig)
}

/// Checks that `justification` proves `header` final under the trusted set `set_id` (`keys`) of
/// the chain of genesis `genesis`.
pub fn verify_header<T: Config>(
    genesis: &H256,
    set_id: SetId,
    keys: &[BlsPreparedPublic],
    header: &PartnerHeader,
    justification: &FinalityJustification,
) -> Result<(), Error<T>> {
    let proof = justification.proof(set_id, header.hash(), *header.number()).map_err(qc_error::<T>)?;
    let (statement_set, signers, msg, signature) = proof.statement(genesis).map_err(qc_error::<T>)?;
    verify_signers(keys, set_id, statement_set, signers, &msg, signature, aggregate_check).map_err(qc_error::<T>)
}

fn qc_error<T: Config>(e: QcError) -> Error<T> {
    match e {
        QcError::WrongSet => Error::<T>::WrongSet,
        QcError::BadBitfield => Error::<T>::BadSigners,
        QcError::NoQuorum => Error::<T>::NoQuorum,
        QcError::BadSignature => Error::<T>::BadSignature,
        QcError::NotConsecutive | QcError::UnknownVersion => Error::<T>::NotAFinalityProof,
    }
}

/// Checks a hand-over of the trusted set `set_id` (`keys`) and returns the next set.
pub fn verify_handover<T: Config>(
    genesis: &H256,
    set_id: SetId,
    keys: &[BlsPreparedPublic],
    certificate: &TimeoutCertificate,
    root: &PartnerHeader,
    set_proof: RawProof,
) -> Result<TrustedSetOf<T>, DispatchError> {
    ensure!(certificate.ends_epoch(), Error::<T>::InvalidHandover);
    certificate.verify_keys(keys, set_id, genesis, aggregate_check).map_err(|e| {
        log::debug!(target: "bridge", "hand-over certificate refused: {e}");
        Error::<T>::InvalidHandover
    })?;
    // The certificate's highest QC (checked above) certifies the root; an epoch that certified
    // nothing cannot hand over.
    let certified = certificate.high_qc.as_ref().ok_or(Error::<T>::RootMismatch)?;
    ensure!(
        certified.data.block_hash == root.hash() && certified.data.block_number == *root.number(),
        Error::<T>::RootMismatch
    );
    let values = proofs::read_values(*root.state_root(), &[validators_key().to_vec(), set_id_key().to_vec()], set_proof)
        .map_err(|_| Error::<T>::NextSetUnproven)?;
    let (Some(Some(validators)), Some(Some(next_id))) = (values.first(), values.get(1)) else {
        return Err(Error::<T>::NextSetUnproven.into());
    };
    let next_id = SetId::decode(&mut &next_id[..]).map_err(|_| Error::<T>::NextSetUnproven)?;
    let validators = Vec::<BlsPublic>::decode(&mut &validators[..]).map_err(|_| Error::<T>::NextSetUnproven)?;
    ensure!(next_id > set_id, Error::<T>::NextSetNotNewer);
    Ok(trusted_set::<T>(next_id, &validators)?)
}
