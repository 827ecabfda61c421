//! The validator set a BPCI chain started with, proven from the chain's genesis hash alone.
//!
//! Every finality proof is followed from a trusted set, and the one a verifier can tie to the chain
//! itself is the genesis set: the genesis hash names the chain (it is in every certificate's
//! signed statement), the genesis header is the preimage of that hash, and its state root commits
//! to `Validators.Epoch`. So a node asked for the genesis set answers with the header and a read
//! proof of that one key, and a node that lies about either is caught: the set cannot differ from
//! the one the chain really started with unless BLAKE2 breaks. (A node may still name another
//! chain's genesis hash; which chain is meant is the one thing the user must know.)

use crate::{
    handover::storage_key,
    header,
    trie::{self, Blake2, ReadProofError},
    ValidatorSet,
};
use alloc::vec::Vec;
use codec::{Decode, DecodeAll};
use sp_core::H256;

/// Storage key of the current epoch (its set and where it began) in a BPCI chain's state.
pub fn epoch_key() -> [u8; 32] {
    storage_key(b"Validators", b"Epoch")
}

/// `pallet_validators::Epoch`'s value (`bpci_primitives::EpochInfo`), field for field.
#[derive(Decode)]
struct EpochInfo {
    set: ValidatorSet,
    _root_hash: H256,
    _root_number: u32,
}

/// Why no genesis set was proven.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GenesisError {
    /// The header bytes are not a header.
    Header,
    /// The header's hash is not the genesis hash.
    NotTheGenesisHeader,
    /// The header hashes right but is not block 0 (cannot happen for a real genesis hash).
    NotBlockZero,
    /// The read proof does not prove the epoch key against the header's state root.
    ReadProof(ReadProofError),
    /// The genesis state has no epoch: not a BPCI chain.
    NoEpoch,
    /// The epoch's value is not an epoch.
    Epoch,
}

impl core::fmt::Display for GenesisError {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        match self {
            Self::Header => f.write_str("the genesis header does not decode"),
            Self::NotTheGenesisHeader => f.write_str("the header given is not the one the genesis hash names"),
            Self::NotBlockZero => f.write_str("the header given is not block 0"),
            Self::ReadProof(e) => write!(f, "the genesis state proof fails: {e}"),
            Self::NoEpoch => f.write_str("the genesis state holds no validator epoch (not a BPCI chain)"),
            Self::Epoch => f.write_str("the genesis epoch does not decode"),
        }
    }
}

/// The set the chain of `genesis` started with: `header` must be the SCALE header whose BLAKE2-256
/// is `genesis`, and `proof` the nodes of a read proof of [`epoch_key`] in its state (what
/// `state_getReadProof([epoch_key], genesis)` returns).
pub fn genesis_set(genesis: &H256, header_bytes: &[u8], proof: Vec<Vec<u8>>) -> Result<ValidatorSet, GenesisError> {
    let h = header::read(header_bytes).map_err(|_| GenesisError::Header)?;
    if h.hash != *genesis {
        return Err(GenesisError::NotTheGenesisHeader);
    }
    if h.number != 0 {
        return Err(GenesisError::NotBlockZero);
    }
    let values = trie::read::<Blake2>(h.state_root, &[epoch_key().to_vec()], proof).map_err(GenesisError::ReadProof)?;
    let value = values.into_iter().next().flatten().ok_or(GenesisError::NoEpoch)?;
    EpochInfo::decode_all(&mut &value[..]).map(|e| e.set).map_err(|_| GenesisError::Epoch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{bls::BlsPublic, testing::{header_bytes, State}};
    use codec::Encode;

    fn set() -> ValidatorSet {
        ValidatorSet { set_id: 0, validators: alloc::vec![BlsPublic([7u8; 48]), BlsPublic([9u8; 48])] }
    }

    /// A genesis state with the epoch, plus some other entry beside it.
    fn chain() -> (State, Vec<u8>) {
        let epoch = (set(), H256::zero(), 0u32).encode();
        let state = State::new(&[(epoch_key().to_vec(), epoch), (b"other".to_vec(), alloc::vec![1; 40])]);
        let header = header_bytes(0, H256::zero(), state.root);
        (state, header)
    }

    fn hash(bytes: &[u8]) -> H256 {
        H256(sp_crypto_hashing::blake2_256(bytes))
    }

    #[test]
    fn the_genesis_set_is_read_from_the_header_and_its_state_proof() {
        let (state, header) = chain();
        assert_eq!(genesis_set(&hash(&header), &header, state.prove(&[epoch_key()])), Ok(set()));
    }

    /// A node that serves another state (its own keys) under the real genesis hash: the header
    /// with that state's root is not the genesis header, and the real header's root does not
    /// hold the forged proof.
    #[test]
    fn a_set_from_another_state_is_refused() {
        let (_, header) = chain();
        let forged = ValidatorSet { set_id: 0, validators: alloc::vec![BlsPublic([8u8; 48])] };
        let other = State::new(&[(epoch_key().to_vec(), (forged, H256::zero(), 0u32).encode())]);
        let other_header = header_bytes(0, H256::zero(), other.root);
        let genesis = hash(&header);
        assert_eq!(genesis_set(&genesis, &other_header, other.prove(&[epoch_key()])), Err(GenesisError::NotTheGenesisHeader));
        assert_eq!(
            genesis_set(&genesis, &header, other.prove(&[epoch_key()])),
            Err(GenesisError::ReadProof(ReadProofError::RootMissing))
        );
    }

    /// Block 1 of a chain is not its genesis even when the caller is told its hash is.
    #[test]
    fn a_later_header_is_not_a_genesis() {
        let (state, _) = chain();
        let one = header_bytes(1, H256::repeat_byte(1), state.root);
        assert_eq!(genesis_set(&hash(&one), &one, state.prove(&[epoch_key()])), Err(GenesisError::NotBlockZero));
    }

    /// A state without an epoch (another kind of chain) proves no set; an epoch cut short does
    /// not decode; bytes that are no header are refused.
    #[test]
    fn no_epoch_a_short_epoch_or_no_header_prove_nothing() {
        let empty = State::new(&[(b"other".to_vec(), alloc::vec![1; 40])]);
        let header = header_bytes(0, H256::zero(), empty.root);
        assert_eq!(genesis_set(&hash(&header), &header, empty.prove(&[epoch_key()])), Err(GenesisError::NoEpoch));

        let mut epoch = (set(), H256::zero(), 0u32).encode();
        epoch.pop();
        let short = State::new(&[(epoch_key().to_vec(), epoch)]);
        let header = header_bytes(0, H256::zero(), short.root);
        assert_eq!(genesis_set(&hash(&header), &header, short.prove(&[epoch_key()])), Err(GenesisError::Epoch));

        assert_eq!(genesis_set(&hash(&[1, 2]), &[1, 2], Vec::new()), Err(GenesisError::Header));
    }
}
