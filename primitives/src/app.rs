//! The validator's BLS key as a session key (`impl_opaque_keys!`), so that pallet-session
//! registers it with a proof of possession checked on-chain.

use crate::bls::{BlsPublic, BlsSignature};
use crate::host::bpci_bls;
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_application_crypto::RuntimeAppPublic;
use sp_core::crypto::KeyTypeId;

/// A BLS consensus public key in the role of a session key.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Default, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen)]
#[derive(serde::Serialize, serde::Deserialize)]
pub struct BlsSessionKey(pub BlsPublic);

impl AsRef<[u8]> for BlsSessionKey {
    fn as_ref(&self) -> &[u8] {
        self.0.as_ref()
    }
}

impl From<BlsPublic> for BlsSessionKey {
    fn from(p: BlsPublic) -> Self {
        Self(p)
    }
}

impl RuntimeAppPublic for BlsSessionKey {
    const ID: KeyTypeId = crate::BLS_KEY_TYPE;
    type Signature = BlsSignature;
    type ProofOfPossession = BlsSignature;

    fn all() -> Vec<Self> {
        bpci_bls::public_keys(Self::ID).into_iter().map(Self).collect()
    }

    fn generate_pair(seed: Option<Vec<u8>>) -> Self {
        // `RuntimeAppPublic` cannot fail here; an all-zero key is not a valid point, so a session
        // registration carrying it is rejected by `verify_proof_of_possession`.
        Self(bpci_bls::generate(Self::ID, seed).unwrap_or_default())
    }

    fn sign<M: AsRef<[u8]>>(&self, msg: &M) -> Option<Self::Signature> {
        bpci_bls::sign(Self::ID, self.0, msg.as_ref())
    }

    fn verify<M: AsRef<[u8]>>(&self, msg: &M, signature: &Self::Signature) -> bool {
        bpci_bls::verify(self.0, msg.as_ref(), *signature)
    }

    fn generate_proof_of_possession(&mut self, owner: &[u8]) -> Option<Self::ProofOfPossession> {
        bpci_bls::proof_of_possession(Self::ID, self.0, owner)
    }

    fn verify_proof_of_possession(&self, owner: &[u8], pop: &Self::ProofOfPossession) -> bool {
        bpci_bls::verify_pop(self.0, owner, *pop)
    }

    fn to_raw_vec(&self) -> Vec<u8> {
        self.0 .0.to_vec()
    }
}
