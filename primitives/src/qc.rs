//! Votes, quorum certificates and the finality justification.
//!
//! A vote signs a [`VoteData`]: the block, its view and its parent's view. The commit rule is the
//! 2-chain rule of Jolteon / DiemBFT v4: block `B` is final once its child `C`, proposed in the view
//! right after `B`'s, is certified. Honest validators vote for `C` only if `C` carries a valid
//! certificate of `B`, so a quorum of votes on `C` whose `parent_view + 1 == view` proves both links.
//! That makes the justification of `B` a single certificate, checked with one aggregate pairing
//! check and sent without the fields a verifier already knows (`B`'s hash and number).

use crate::bls::BlsSignature;
use crate::{SetId, ValidatorSet, View};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode};
use scale_info::TypeInfo;
use sp_core::H256;

/// Block numbers as the runtime counts them.
pub type BlockNumber = u32;

/// What a validator signs when it votes for a block.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct VoteData {
    pub set_id: SetId,
    pub view: View,
    pub block_hash: H256,
    pub block_number: BlockNumber,
    pub parent_hash: H256,
    pub parent_view: View,
}

impl VoteData {
    /// The exact bytes signed, domain-separated from proposals and timeouts.
    pub fn signing_message(&self) -> Vec<u8> {
        let mut m = b"BPCI-VOTE-V1".to_vec();
        self.encode_to(&mut m);
        m
    }
}

/// Which validators (by index in the [`ValidatorSet`]) signed: bit `i` is bit `i % 8` of byte `i / 8`.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Default)]
pub struct Bitfield(pub Vec<u8>);

impl Bitfield {
    pub fn new(n: usize) -> Self {
        Self(alloc::vec![0u8; n.div_ceil(8)])
    }

    pub fn set(&mut self, i: usize) {
        if let Some(b) = self.0.get_mut(i / 8) {
            *b |= 1 << (i % 8);
        }
    }

    pub fn get(&self, i: usize) -> bool {
        self.0.get(i / 8).is_some_and(|b| b & (1 << (i % 8)) != 0)
    }

    pub fn count(&self) -> usize {
        self.0.iter().map(|b| b.count_ones() as usize).sum()
    }

    pub fn indices(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.0.len() * 8).filter(|i| self.get(*i))
    }

    /// Exactly sized for `n` validators, with no bit set past the last one.
    pub fn fits(&self, n: usize) -> bool {
        self.0.len() == n.div_ceil(8) && self.indices().all(|i| i < n)
    }
}

/// Why a certificate or justification was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QcError {
    WrongSet,
    BadBitfield,
    NoQuorum,
    BadSignature,
    NotConsecutive,
}

/// 2f+1 votes for the same [`VoteData`], aggregated.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct QuorumCertificate {
    pub data: VoteData,
    pub signers: Bitfield,
    pub signature: BlsSignature,
}

/// Checks that `signers` is a quorum of `set` and that `signature` is their aggregate over `msg`.
pub fn verify_quorum(
    set: &ValidatorSet,
    set_id: SetId,
    signers: &Bitfield,
    msg: &[u8],
    signature: &BlsSignature,
) -> Result<(), QcError> {
    verify_quorum_with(set, set_id, signers, msg, signature, |publics, msg, sig| {
        crate::host::bpci_bls::verify_aggregate(publics.to_vec(), msg, *sig)
    })
}

/// [`verify_quorum`] with the aggregate check supplied, for verifiers that are not the host (the
/// consensus simulator's stand-in signatures): the same checks, in the same order, with the same errors.
pub fn verify_quorum_with(
    set: &ValidatorSet,
    set_id: SetId,
    signers: &Bitfield,
    msg: &[u8],
    signature: &BlsSignature,
    verify_aggregate: impl FnOnce(&[crate::BlsPublic], &[u8], &BlsSignature) -> bool,
) -> Result<(), QcError> {
    if set_id != set.set_id {
        return Err(QcError::WrongSet);
    }
    let n = set.validators.len();
    if !signers.fits(n) {
        return Err(QcError::BadBitfield);
    }
    if n == 0 || signers.count() < set.quorum() {
        return Err(QcError::NoQuorum);
    }
    let publics: Vec<_> = signers.indices().map(|i| set.validators[i]).collect();
    if verify_aggregate(&publics, msg, signature) {
        Ok(())
    } else {
        Err(QcError::BadSignature)
    }
}

impl QuorumCertificate {
    pub fn verify(&self, set: &ValidatorSet) -> Result<(), QcError> {
        verify_quorum(set, self.data.set_id, &self.signers, &self.data.signing_message(), &self.signature)
    }
}

/// The justification of a finalized block `B`, stored under [`crate::BPCI_ENGINE_ID`]: the
/// certificate of `B`'s child, minus what the verifier knows (`B`'s hash and number, the set id).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct FinalityJustification {
    pub view: View,
    pub child_hash: H256,
    pub signers: Bitfield,
    pub signature: BlsSignature,
}

impl FinalityJustification {
    /// The justification a child's certificate gives its parent; `None` if the two views are not
    /// consecutive, in which case the parent is not (yet) final by the 2-chain rule.
    pub fn from_child_qc(qc: &QuorumCertificate) -> Option<Self> {
        (qc.data.parent_view.checked_add(1) == Some(qc.data.view)).then(|| Self {
            view: qc.data.view,
            child_hash: qc.data.block_hash,
            signers: qc.signers.clone(),
            signature: qc.signature,
        })
    }

    /// The vote data its signers must have signed if it justifies `finalized`.
    pub fn vote_data(&self, set_id: SetId, finalized_hash: H256, finalized_number: BlockNumber) -> Option<VoteData> {
        Some(VoteData {
            set_id,
            view: self.view,
            block_hash: self.child_hash,
            block_number: finalized_number.checked_add(1)?,
            parent_hash: finalized_hash,
            parent_view: self.view.checked_sub(1)?,
        })
    }

    /// One aggregate check against the validator set that was current for the finalized block.
    pub fn verify(&self, set: &ValidatorSet, finalized_hash: H256, finalized_number: BlockNumber) -> Result<(), QcError> {
        let data = self.vote_data(set.set_id, finalized_hash, finalized_number).ok_or(QcError::NotConsecutive)?;
        verify_quorum(set, set.set_id, &self.signers, &data.signing_message(), &self.signature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bls::native::{aggregate, Keypair};

    fn keys(n: usize) -> Vec<Keypair> {
        (0..n).map(|i| Keypair::from_ikm(&[i as u8 + 1; 32]).unwrap()).collect()
    }

    fn set(keys: &[Keypair]) -> ValidatorSet {
        ValidatorSet { set_id: 7, validators: keys.iter().map(|k| k.public).collect() }
    }

    fn certify(keys: &[Keypair], who: &[usize], data: VoteData) -> QuorumCertificate {
        let msg = data.signing_message();
        let mut signers = Bitfield::new(keys.len());
        let sigs: Vec<_> = who.iter().map(|&i| { signers.set(i); keys[i].sign(&msg) }).collect();
        QuorumCertificate { data, signers, signature: aggregate(&sigs).unwrap() }
    }

    fn child_of(parent: H256, number: BlockNumber, view: View) -> VoteData {
        VoteData { set_id: 7, view, block_hash: H256::repeat_byte(9), block_number: number + 1, parent_hash: parent, parent_view: view - 1 }
    }

    #[test]
    fn quorum_sizes_follow_3f_plus_1() {
        for (n, q) in [(1, 1), (2, 2), (3, 3), (4, 3), (7, 5), (100, 67)] {
            let s = ValidatorSet { set_id: 0, validators: alloc::vec![Default::default(); n] };
            assert_eq!(s.quorum(), q, "n = {n}");
        }
    }

    #[test]
    fn quorum_certificate_verifies_and_rejects_tampering() {
        let k = keys(4);
        let s = set(&k);
        let qc = certify(&k, &[0, 2, 3], child_of(H256::repeat_byte(1), 10, 5));
        assert_eq!(qc.verify(&s), Ok(()));

        let mut other_block = qc.clone();
        other_block.data.block_hash = H256::repeat_byte(8);
        assert_eq!(other_block.verify(&s), Err(QcError::BadSignature));

        let mut wrong_signers = qc.clone();
        wrong_signers.signers = Bitfield::new(4);
        for i in [0, 1, 3] { wrong_signers.signers.set(i) }
        assert_eq!(wrong_signers.verify(&s), Err(QcError::BadSignature));

        let small = certify(&k, &[0, 1], child_of(H256::repeat_byte(1), 10, 5));
        assert_eq!(small.verify(&s), Err(QcError::NoQuorum));

        let mut other_set = s.clone();
        other_set.set_id = 8;
        assert_eq!(qc.verify(&other_set), Err(QcError::WrongSet));

        let mut oversized = qc.clone();
        oversized.signers.0.push(0);
        assert_eq!(oversized.verify(&s), Err(QcError::BadBitfield));
        let mut stray_bit = qc;
        stray_bit.signers.0[0] |= 0x80;
        assert_eq!(stray_bit.verify(&s), Err(QcError::BadBitfield));
    }

    #[test]
    fn justification_is_one_child_certificate_under_200_bytes_at_100_validators() {
        let k = keys(100);
        let s = set(&k);
        let parent = H256::repeat_byte(1);
        let who: Vec<usize> = (0..67).collect();
        let qc = certify(&k, &who, child_of(parent, 41, 12));
        let j = FinalityJustification::from_child_qc(&qc).unwrap();
        assert!(j.encode().len() < 200, "{} bytes", j.encode().len());
        assert_eq!(j.verify(&s, parent, 41), Ok(()));
        assert_eq!(j.verify(&s, H256::repeat_byte(2), 41), Err(QcError::BadSignature));
        assert_eq!(j.verify(&s, parent, 42), Err(QcError::BadSignature));
    }

    #[test]
    fn non_consecutive_views_do_not_justify() {
        let k = keys(1);
        let mut data = child_of(H256::repeat_byte(1), 3, 9);
        data.parent_view = 7;
        assert!(FinalityJustification::from_child_qc(&certify(&k, &[0], data)).is_none());
    }

    #[test]
    fn pop_binds_key_and_owner() {
        let k = keys(2);
        let pop = k[0].proof_of_possession(b"alice");
        assert!(crate::bls::native::verify_pop(&k[0].public, b"alice", &pop));
        assert!(!crate::bls::native::verify_pop(&k[0].public, b"bob", &pop));
        assert!(!crate::bls::native::verify_pop(&k[1].public, b"alice", &pop));
        // A proof of possession is not a vote signature over the same bytes.
        let statement = crate::bls::pop_statement(&k[0].public, b"alice");
        assert!(!crate::bls::native::verify(&k[0].public, &statement, &pop));
    }

    #[test]
    fn keystore_derived_key_is_stable_and_matches_dev_derivation() {
        use sp_keystore::{testing::MemoryKeystore, Keystore};
        let ks = MemoryKeystore::new();
        let public = crate::host::keystore::generate(&ks, crate::BLS_KEY_TYPE, Some("//Alice")).unwrap();
        assert_eq!(public, crate::host::keystore::dev_keypair("//Alice").public);
        assert_eq!(crate::host::keystore::public_keys(&ks, crate::BLS_KEY_TYPE), alloc::vec![public]);
        let kp = crate::host::keystore::find(&ks, crate::BLS_KEY_TYPE, &public).unwrap();
        assert!(crate::bls::native::verify(&public, b"m", &kp.sign(b"m")));
        assert!(ks.has_keys(&[(public.0.to_vec(), crate::BLS_KEY_TYPE)]));
        assert_ne!(public, crate::host::keystore::dev_keypair("//Bob").public);
    }
}
