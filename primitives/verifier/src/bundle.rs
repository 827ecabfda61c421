//! Proof bundles: a block's finality and state, checkable offline from a trusted validator set.
//!
//! A bundle is one SCALE value, [`ProofBundle`], served by the node's `bpci_proveFinality` and
//! `bpci_proofBundle` RPC methods as one hex string. Format version 1 (`ProofBundle::V1`, variant
//! index 1, so that a version byte leads the encoding):
//!
//! ```text
//! BundleV1 {
//!     genesis: [u8; 32],                 the chain's genesis hash: every statement names it
//!     handovers: Vec<Handover>,          set hand-overs from the verifier's set on, in order
//!     headers: Vec<Vec<u8>>,             SCALE headers: the proven block first, then each child
//!                                        up to the justified block, the last
//!     justification: FinalityJustification,   of the last header, by the set the hand-overs reach
//!     keys: Vec<Vec<u8>>,                storage keys read at the proven block (may be empty)
//!     values: Vec<Option<Vec<u8>>>,      what the bundle claims each key holds (None: absent)
//!     read_proof: Vec<Vec<u8>>,          a compact trie proof of them at its state root
//!                                        (`sp_trie::CompactProof`'s nodes, see `trie::read_compact`)
//! }
//! Handover { certificate: TimeoutCertificate, root: Vec<u8> (SCALE header), set_proof: Vec<Vec<u8>> }
//! ```
//!
//! [`verify`] checks, in order: the chain; each hand-over against the set reached so far
//! ([`crate::handover`]); that each header is its predecessor's child; the justification of the
//! last header against the set reached (not every block has its own justification: the proven
//! block is final because a final block descends from it); the read proof against the proven
//! block's state root, and that it yields exactly the claimed values. A bundle that fails any step
//! proves nothing, and the error says which. The claimed values make every byte count: a changed
//! key would otherwise still prove something true (another key's value or absence).

use crate::bls::Backend;
use crate::handover::{self, HandoverError};
use crate::header::{self, HeaderFields};
use crate::qc::{FinalityJustification, QcError};
use crate::timeout::TimeoutCertificate;
use crate::trie::{self, ReadProofError};
use crate::ValidatorSet;
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode};
use scale_info::TypeInfo;
use sp_core::{Hasher, H256};

/// A proof bundle, versioned by its variant.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub enum ProofBundle {
    #[codec(index = 1)]
    V1(BundleV1),
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct BundleV1 {
    pub genesis: H256,
    pub handovers: Vec<Handover>,
    pub headers: Vec<Vec<u8>>,
    pub justification: FinalityJustification,
    pub keys: Vec<Vec<u8>>,
    pub values: Vec<Option<Vec<u8>>>,
    pub read_proof: Vec<Vec<u8>>,
}

/// One set hand-over: the outgoing set's epoch-end certificate, the root header it certifies, and
/// a read proof of the next set at the root's state root.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct Handover {
    pub certificate: TimeoutCertificate,
    pub root: Vec<u8>,
    pub set_proof: Vec<Vec<u8>>,
}

/// What a verified bundle proves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proven {
    /// The proven block.
    pub block: HeaderFields,
    /// The justified (final) block it descends from.
    pub justified: HeaderFields,
    /// The set that justified it, reached through the hand-overs.
    pub set: ValidatorSet,
    /// Each key with its value, `None` where proven absent.
    pub values: Vec<(Vec<u8>, Option<Vec<u8>>)>,
}

/// Why a bundle proves nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BundleError {
    /// The bundle is of another chain than the verifier's.
    WrongChain,
    /// Hand-over `index` was refused.
    Handover { index: usize, error: HandoverError },
    /// A handed-over set has no keys or a key twice.
    BadNextSet { index: usize },
    /// Header `index` does not decode.
    BadHeader { index: usize },
    NoHeaders,
    /// Header `index` is not the child of header `index - 1`.
    NotAChain { index: usize },
    /// The justification does not prove the last header final under the set reached.
    Justification(QcError),
    ReadProof(ReadProofError),
    /// The state does not hold what the bundle claims for key `index` (or the counts differ).
    ClaimMismatch { index: usize },
}

impl core::fmt::Display for BundleError {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        match self {
            Self::WrongChain => f.write_str("the bundle is of another chain (genesis hash)"),
            Self::Handover { index, error } => write!(f, "hand-over {index}: {error}"),
            Self::BadNextSet { index } => write!(f, "hand-over {index}: the next set is empty or names a key twice"),
            Self::BadHeader { index } => write!(f, "header {index} does not decode"),
            Self::NoHeaders => f.write_str("the bundle holds no header"),
            Self::NotAChain { index } => write!(f, "header {index} is not the child of header {}", index.saturating_sub(1)),
            Self::Justification(e) => write!(f, "the justification does not prove the last header final: {e:?}"),
            Self::ReadProof(e) => write!(f, "{e}"),
            Self::ClaimMismatch { index } => write!(f, "key {index} does not hold the value the bundle claims"),
        }
    }
}

/// Checks `bundle` for the chain of `genesis`, trusting only `trusted` (see the module docs), with
/// BLS backend `B` and BLAKE2-256 hasher `H` (see [`trie::read`]).
pub fn verify<B: Backend, H: Hasher<Out = H256>>(bundle: &ProofBundle, genesis: &H256, trusted: &ValidatorSet) -> Result<Proven, BundleError> {
    let ProofBundle::V1(b) = bundle;
    if b.genesis != *genesis {
        return Err(BundleError::WrongChain);
    }
    let set = follow::<B, H>(genesis, trusted.clone(), &b.handovers)?;
    let headers = b
        .headers
        .iter()
        .enumerate()
        .map(|(index, bytes)| header::read(bytes).map_err(|_| BundleError::BadHeader { index }))
        .collect::<Result<Vec<_>, _>>()?;
    let (first, last) = match (headers.first(), headers.last()) {
        (Some(first), Some(last)) => (*first, *last),
        _ => return Err(BundleError::NoHeaders),
    };
    for (index, pair) in headers.windows(2).enumerate() {
        if pair[1].parent_hash != pair[0].hash || Some(pair[1].number) != pair[0].number.checked_add(1) {
            return Err(BundleError::NotAChain { index: index + 1 });
        }
    }
    b.justification.verify::<B>(&set, genesis, last.hash, last.number).map_err(BundleError::Justification)?;
    // A finality proof alone reads nothing and carries no proof nodes.
    let values = if b.keys.is_empty() && b.read_proof.is_empty() {
        Vec::new()
    } else {
        trie::read_compact::<H>(first.state_root, &b.keys, b.read_proof.clone()).map_err(BundleError::ReadProof)?
    };
    if values.len() != b.values.len() {
        return Err(BundleError::ClaimMismatch { index: values.len().min(b.values.len()) });
    }
    if let Some(index) = values.iter().zip(&b.values).position(|(proven, claimed)| proven != claimed) {
        return Err(BundleError::ClaimMismatch { index });
    }
    Ok(Proven { block: first, justified: last, set, values: b.keys.iter().cloned().zip(values).collect() })
}

/// The set `handovers` lead to from `set`.
pub fn follow<B: Backend, H: Hasher<Out = H256>>(genesis: &H256, mut set: ValidatorSet, handovers: &[Handover]) -> Result<ValidatorSet, BundleError> {
    for (index, h) in handovers.iter().enumerate() {
        let refused = |error| BundleError::Handover { index, error };
        let root = header::read(&h.root).map_err(|_| refused(HandoverError::RootMismatch))?;
        handover::check_certificate(&h.certificate, &set.validators, set.set_id, genesis, &root, B::verify_aggregate)
            .map_err(refused)?;
        let (set_id, validators) = handover::next_set::<H>(root.state_root, set.set_id, h.set_proof.clone()).map_err(refused)?;
        if !handover::distinct_keys(&validators) {
            return Err(BundleError::BadNextSet { index });
        }
        set = ValidatorSet { set_id, validators };
    }
    Ok(set)
}
