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

use crate::{Config, Error, PartnerHeader, RawProof, TrustedSet, TrustedSetOf};
use bpci_primitives::bls::BlsPreparedPublic;
use bpci_primitives::host::bpci_bls;
use bpci_primitives::qc::{verify_signers, FinalityJustification, QcError};
use bpci_primitives::timeout::TimeoutCertificate;
use bpci_primitives::{BlsPublic, SetId};
use bpci_primitives::handover::{self, HandoverError};
use bpci_primitives::header::HeaderFields;
use frame_support::{ensure, traits::Get};
use sp_core::H256;
use sp_runtime::traits::Header as _;
use sp_runtime::DispatchError;

pub use bpci_primitives::handover::{set_id_key, validators_key, MAX_GROUPS as MAX_HANDOVER_GROUPS};

/// A set the client may trust: not empty, within `MaxSetSize`, no key twice, every key valid.
pub fn trusted_set<T: Config>(set_id: SetId, validators: &[BlsPublic]) -> Result<TrustedSetOf<T>, Error<T>> {
    ensure!(!validators.is_empty(), Error::<T>::EmptySet);
    ensure!(validators.len() <= T::MaxSetSize::get() as usize, Error::<T>::SetTooLarge);
    ensure!(handover::distinct_keys(validators), Error::<T>::InvalidKey);
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

/// Checks a hand-over of the trusted set `set_id` (`keys`) and returns the next set: the
/// verifier's rules ([`bpci_primitives::handover`]) over the client's prepared keys.
pub fn verify_handover<T: Config>(
    genesis: &H256,
    set_id: SetId,
    keys: &[BlsPreparedPublic],
    certificate: &TimeoutCertificate,
    root: &PartnerHeader,
    set_proof: RawProof,
) -> Result<TrustedSetOf<T>, DispatchError> {
    let fields = HeaderFields { hash: root.hash(), parent_hash: *root.parent_hash(), number: *root.number(), state_root: *root.state_root() };
    let refused = |e: HandoverError| -> DispatchError {
        log::debug!(target: "bridge", "hand-over refused: {e}");
        match e {
            HandoverError::Certificate(_) => Error::<T>::InvalidHandover,
            HandoverError::RootMismatch => Error::<T>::RootMismatch,
            HandoverError::NextSetUnproven => Error::<T>::NextSetUnproven,
            HandoverError::NotNewer => Error::<T>::NextSetNotNewer,
        }
        .into()
    };
    handover::check_certificate(certificate, keys, set_id, genesis, &fields, aggregate_check).map_err(refused)?;
    let (next_id, validators) = handover::next_set::<sp_runtime::traits::BlakeTwo256>(fields.state_root, set_id, set_proof).map_err(refused)?;
    Ok(trusted_set::<T>(next_id, &validators)?)
}
