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

    /// Never signs: the consensus key signs consensus statements in the node only (see the
    /// host functions). Returning `None` is what `RuntimeAppPublic` allows for a key it lacks.
    fn sign<M: AsRef<[u8]>>(&self, _msg: &M) -> Option<Self::Signature> {
        None
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

#[cfg(test)]
mod tests {
    use super::*;
    use sp_keystore::{testing::MemoryKeystore, KeystoreExt};

    /// Runtime code (an offchain worker, a session-key hook) runs with the validator's keystore.
    /// It can make a proof of possession (its own domain) but never a consensus signature.
    #[test]
    fn runtime_code_cannot_make_the_consensus_key_sign() {
        let mut ext = sp_io::TestExternalities::new_empty();
        ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
        ext.execute_with(|| {
            let mut key = BlsSessionKey::generate_pair(Some(b"//Alice".to_vec()));
            assert_eq!(BlsSessionKey::all(), alloc::vec![key.clone()]);
            assert_eq!(key.sign(&b"BPCI\x02\x03 any statement"), None);
            let pop = key.generate_proof_of_possession(b"alice").expect("the keystore holds the key");
            assert!(key.verify_proof_of_possession(b"alice", &pop));
            // A proof of possession is no signature of the same bytes.
            assert!(!key.verify(&crate::bls::pop_statement(&key.0, b"alice"), &pop));
        });
    }
}
