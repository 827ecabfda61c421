//! The signature scheme behind the engine, and certificate checks written once against it.
//!
//! The engine is generic over [`Crypto`] only so that the deterministic simulator can run tens of
//! thousands of views in a test process: BLS pairings cost about a millisecond each, a hash costs a
//! microsecond. Production code uses [`Bls`], which is the default type parameter of
//! [`crate::Engine`]; every quorum check below is the same code whichever scheme signs.

use bpci_primitives::bls::native::{self, Keypair};
use bpci_primitives::qc::{Bitfield, FinalityJustification, FinalityProof, QcError, QuorumCertificate};
use bpci_primitives::{BlsPublic, BlsSignature, SetId, ValidatorSet};
use sp_core::H256;

/// A signature scheme with same-message aggregation (BLS-like).
pub trait Crypto {
    /// A secret key that signs for one validator.
    type Key;
    fn public(key: &Self::Key) -> BlsPublic;
    fn sign(key: &Self::Key, msg: &[u8]) -> BlsSignature;
    fn verify(public: &BlsPublic, msg: &[u8], sig: &BlsSignature) -> bool;
    /// Aggregates signatures over one message; `None` if one of them is malformed.
    fn aggregate(sigs: &[BlsSignature]) -> Option<BlsSignature>;
    /// Checks an aggregate of `publics`' signatures over the same `msg`.
    fn verify_aggregate(publics: &[BlsPublic], msg: &[u8], sig: &BlsSignature) -> bool;
}

/// BLS12-381 min-pk on blst: what the node runs.
pub struct Bls;

impl Crypto for Bls {
    type Key = Keypair;
    fn public(key: &Keypair) -> BlsPublic {
        key.public
    }
    fn sign(key: &Keypair, msg: &[u8]) -> BlsSignature {
        key.sign(msg)
    }
    fn verify(public: &BlsPublic, msg: &[u8], sig: &BlsSignature) -> bool {
        native::verify(public, msg, sig)
    }
    fn aggregate(sigs: &[BlsSignature]) -> Option<BlsSignature> {
        native::aggregate(sigs)
    }
    fn verify_aggregate(publics: &[BlsPublic], msg: &[u8], sig: &BlsSignature) -> bool {
        native::verify_aggregate(publics, msg, sig)
    }
}

/// [`verify_quorum`] against any [`Crypto`]: same checks, same order, same errors.
pub fn check_quorum<C: Crypto>(
    set: &ValidatorSet,
    set_id: SetId,
    signers: &Bitfield,
    msg: &[u8],
    signature: &BlsSignature,
) -> Result<(), QcError> {
    bpci_primitives::qc::verify_quorum_with(set, set_id, signers, msg, signature, C::verify_aggregate)
}

/// Verifies a quorum certificate with `C`. For [`Bls`] this is exactly `qc.verify(set, genesis)`.
pub fn verify_qc<C: Crypto>(set: &ValidatorSet, genesis: &H256, qc: &QuorumCertificate) -> Result<(), QcError> {
    check_quorum::<C>(set, qc.data.set_id, &qc.signers, &qc.data.signing_message(genesis), &qc.signature)
}

/// Verifies a finality proof with `C`. For [`Bls`] this is exactly `proof.verify(set, genesis)`.
pub fn verify_proof<C: Crypto>(set: &ValidatorSet, genesis: &H256, proof: &FinalityProof) -> Result<(), QcError> {
    proof.verify_with(set, genesis, C::verify_aggregate)
}

/// Verifies the finality justification of block (`hash`, `number`) with `C`. For [`Bls`] this is
/// exactly `justification.verify(set, genesis, hash, number)`.
pub fn verify_justification<C: Crypto>(
    set: &ValidatorSet,
    genesis: &H256,
    justification: &FinalityJustification,
    hash: H256,
    number: bpci_primitives::qc::BlockNumber,
) -> Result<(), QcError> {
    verify_proof::<C>(set, genesis, &justification.proof(set.set_id, hash, number)?)
}
