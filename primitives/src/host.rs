//! BLS host functions: the runtime (WASM) calls these, the node runs them natively with blst.
//!
//! Key storage. Substrate's keystore only knows its own schemes, so a validator's BLS key is
//! *derived* from an ed25519 key stored under [`crate::BLS_KEY_TYPE`]: the BLS input keying
//! material is the ed25519 signature of [`KEYGEN_MESSAGE`], which is deterministic (RFC 8032).
//! Operators therefore manage the key with the standard tooling (`key insert --key-type bpcb
//! --scheme ed25519`, `author_insertKey`, `--alice`), and the BLS secret never exists on disk
//! apart from the keystore's own entry. The derived BLS public key is also recorded in the
//! keystore so that `author_hasSessionKeys` finds it.

use crate::bls::{Backend, BlsPreparedPublic, BlsPublic, BlsSignature};
use alloc::vec::Vec;
use sp_core::crypto::KeyTypeId;
use sp_runtime_interface::{
    pass_by::{AllocateAndReturnByCodec, PassFatPointerAndDecode, PassFatPointerAndRead, PassPointerAndReadCopy},
    runtime_interface,
};

/// The BLS backend of runtime code: the node's blst through the host functions below. Natively
/// (tests, the node) the same calls run directly.
pub struct Host;

impl Backend for Host {
    fn verify_aggregate(publics: &[BlsPublic], msg: &[u8], sig: &BlsSignature) -> bool {
        bpci_bls::verify_aggregate(publics.to_vec(), msg, *sig)
    }
}

/// What the ed25519 seed key signs to produce the BLS input keying material.
pub const KEYGEN_MESSAGE: &[u8] = b"BPCI-BLS-KEYGEN-V1";

#[cfg(feature = "std")]
pub mod keystore {
    //! Node-side access to BLS keys held (as ed25519 seed keys) in a Substrate keystore.
    use super::*;
    use crate::bls::native::Keypair;
    use sp_core::ed25519;
    use sp_keystore::Keystore;

    /// The BLS key derived from the ed25519 seed key `seed_key`.
    pub fn derive(keystore: &dyn Keystore, key_type: KeyTypeId, seed_key: &ed25519::Public) -> Option<Keypair> {
        let sig = keystore.ed25519_sign(key_type, seed_key, KEYGEN_MESSAGE).ok()??;
        Keypair::from_ikm(&sig.0)
    }

    /// The BLS key with public key `public`, if the keystore holds its seed key.
    pub fn find(keystore: &dyn Keystore, key_type: KeyTypeId, public: &BlsPublic) -> Option<Keypair> {
        keystore
            .ed25519_public_keys(key_type)
            .iter()
            .filter_map(|seed| derive(keystore, key_type, seed))
            .find(|k| &k.public == public)
    }

    /// All BLS public keys the keystore can sign for.
    pub fn public_keys(keystore: &dyn Keystore, key_type: KeyTypeId) -> Vec<BlsPublic> {
        keystore
            .ed25519_public_keys(key_type)
            .iter()
            .filter_map(|seed| derive(keystore, key_type, seed).map(|k| k.public))
            .collect()
    }

    /// Creates (or, for a known `seed` suri, re-creates) a key and returns its public key.
    pub fn generate(keystore: &dyn Keystore, key_type: KeyTypeId, seed: Option<&str>) -> Option<BlsPublic> {
        let seed_key = keystore.ed25519_generate_new(key_type, seed).ok()?;
        let pair = derive(keystore, key_type, &seed_key)?;
        // Recorded only so that `has_keys` answers for the BLS public key; the entry holds no secret.
        let _ = keystore.insert(key_type, "", &pair.public.0);
        Some(pair.public)
    }

    /// The BLS key a secret URI (such as `//Alice`) yields once inserted in a keystore.
    pub fn try_dev_keypair(suri: &str) -> Option<Keypair> {
        use sp_core::Pair;
        let seed = ed25519::Pair::from_string(suri, None).ok()?;
        Keypair::from_ikm(&seed.sign(KEYGEN_MESSAGE).0)
    }

    /// [`try_dev_keypair`] for the well-known development seeds.
    pub fn dev_keypair(suri: &str) -> Keypair {
        try_dev_keypair(suri).expect("development suris are valid; qed")
    }
}

#[runtime_interface]
pub trait BpciBls {
    /// Checks a single signature made with the consensus domain.
    fn verify(
        public: PassFatPointerAndDecode<BlsPublic>,
        msg: PassFatPointerAndRead<&[u8]>,
        sig: PassFatPointerAndDecode<BlsSignature>,
    ) -> bool {
        crate::bls::native::verify(&public, msg, &sig)
    }

    /// Checks an aggregate signature of `publics` over one message (one pairing check).
    fn verify_aggregate(
        publics: PassFatPointerAndDecode<Vec<BlsPublic>>,
        msg: PassFatPointerAndRead<&[u8]>,
        sig: PassFatPointerAndDecode<BlsSignature>,
    ) -> bool {
        crate::bls::native::verify_aggregate(&publics, msg, &sig)
    }

    /// Validates keys once so that [`verify_aggregate_prepared`](bpci_bls::verify_aggregate_prepared)
    /// need not: `None` if any of them is no valid key. What a light client stores for a set.
    fn prepare_keys(publics: PassFatPointerAndDecode<Vec<BlsPublic>>) -> AllocateAndReturnByCodec<Option<Vec<BlsPreparedPublic>>> {
        publics.iter().map(crate::bls::native::prepare).collect()
    }

    /// Checks an aggregate signature over one message of keys that `prepare_keys` returned: no
    /// decompression or subgroup check per signer, so its cost does not depend on a key cache.
    fn verify_aggregate_prepared(
        publics: PassFatPointerAndDecode<Vec<BlsPreparedPublic>>,
        msg: PassFatPointerAndRead<&[u8]>,
        sig: PassFatPointerAndDecode<BlsSignature>,
    ) -> bool {
        crate::bls::native::verify_aggregate_prepared(&publics, msg, &sig)
    }

    /// Checks a proof of possession of `public` bound to `owner`.
    fn verify_pop(
        public: PassFatPointerAndDecode<BlsPublic>,
        owner: PassFatPointerAndRead<&[u8]>,
        pop: PassFatPointerAndDecode<BlsSignature>,
    ) -> bool {
        crate::bls::native::verify_pop(&public, owner, &pop)
    }

    /// Generates a key in the keystore (see the module docs); `None` without a keystore.
    fn generate(
        &mut self,
        key_type: PassPointerAndReadCopy<KeyTypeId, 4>,
        seed: PassFatPointerAndDecode<Option<Vec<u8>>>,
    ) -> AllocateAndReturnByCodec<Option<BlsPublic>> {
        use sp_externalities::ExternalitiesExt;
        let keystore = self.extension::<sp_keystore::KeystoreExt>()?;
        let seed = match seed.as_deref().map(core::str::from_utf8) {
            Some(Ok(s)) => Some(s),
            Some(Err(_)) => return None,
            None => None,
        };
        keystore::generate(&***keystore, key_type, seed)
    }

    /// Proof of possession of `public` for `owner`, if the keystore holds the key.
    fn proof_of_possession(
        &mut self,
        key_type: PassPointerAndReadCopy<KeyTypeId, 4>,
        public: PassFatPointerAndDecode<BlsPublic>,
        owner: PassFatPointerAndRead<&[u8]>,
    ) -> AllocateAndReturnByCodec<Option<BlsSignature>> {
        use sp_externalities::ExternalitiesExt;
        let keystore = self.extension::<sp_keystore::KeystoreExt>()?;
        keystore::find(&***keystore, key_type, &public).map(|k| k.proof_of_possession(owner))
    }

    // No `sign`: the runtime must never be able to make a validator sign bytes of its choosing
    // with its consensus key (an offchain worker or session-key hook under a malicious
    // `set_code` would otherwise obtain commit votes for any block from every validator). The
    // node signs consensus statements natively; the runtime only verifies, and makes proofs of
    // possession, which live under their own hash-to-curve domain.

    /// The BLS keys the keystore holds for `key_type`.
    fn public_keys(&mut self, key_type: PassPointerAndReadCopy<KeyTypeId, 4>) -> AllocateAndReturnByCodec<Vec<BlsPublic>> {
        use sp_externalities::ExternalitiesExt;
        match self.extension::<sp_keystore::KeystoreExt>() {
            Some(keystore) => keystore::public_keys(&***keystore, key_type),
            None => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn keystore_derived_key_is_stable_and_matches_dev_derivation() {
        use sp_keystore::{testing::MemoryKeystore, Keystore};
        let ks = MemoryKeystore::new();
        let public = super::keystore::generate(&ks, crate::BLS_KEY_TYPE, Some("//Alice")).unwrap();
        assert_eq!(public, super::keystore::dev_keypair("//Alice").public);
        assert_eq!(super::keystore::public_keys(&ks, crate::BLS_KEY_TYPE), alloc::vec![public]);
        let kp = super::keystore::find(&ks, crate::BLS_KEY_TYPE, &public).unwrap();
        assert!(crate::bls::native::verify(&public, b"m", &kp.sign(b"m")));
        assert!(ks.has_keys(&[(public.0.to_vec(), crate::BLS_KEY_TYPE)]));
        assert_ne!(public, super::keystore::dev_keypair("//Bob").public);
    }
}
