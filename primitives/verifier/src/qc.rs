//! Votes, commit votes, certificates and the finality justification.
//!
//! A vote signs a [`VoteData`]: the block, its view and its parent's view; `2f + 1` votes form a
//! [`QuorumCertificate`]. A block `B` of view `v` becomes final in one of two ways:
//!
//! * **Commit votes.** A validator that holds `B`'s certificate before it acted in `v + 1`
//!   promises to vote in `v + 1` only for `B`'s children and signs a [`CommitData`] saying so;
//!   `2f + 1` such promises form a [`CommitCertificate`], which finalizes `B` at once.
//! * **Child certificate** (the 2-chain rule of Jolteon / DiemBFT v4): a certificate of `B`'s child
//!   proposed in view `v + 1`. Honest validators vote for that child only if it carries `B`'s
//!   certificate, so a quorum on it whose `parent_view + 1 == view` proves both links.
//!
//! Votes and commit votes are different statements under different signing domains
//! ([`crate::statement`]), and a commit certificate has its own type: no verifier can take one for
//! the other. The [`FinalityJustification`] of `B` names which of the two it carries and is sent
//! without what a verifier already knows (`B`'s hash and number, the set id), so that either kind
//! is checked with one aggregate pairing check.

use crate::bls::{Backend, BlsSignature};
use crate::statement::{signing_message, StatementKind};
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
    /// The exact bytes signed on the chain of genesis `genesis`.
    pub fn signing_message(&self, genesis: &H256) -> Vec<u8> {
        signing_message(StatementKind::Vote, genesis, self)
    }
}

/// What a validator signs in a commit vote: it holds the certificate of block `block_hash`
/// (proposed in `view`) and, in view `view + 1`, votes only for children of that block.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct CommitData {
    pub set_id: SetId,
    pub view: View,
    pub block_hash: H256,
    pub block_number: BlockNumber,
}

impl CommitData {
    pub fn signing_message(&self, genesis: &H256) -> Vec<u8> {
        signing_message(StatementKind::Commit, genesis, self)
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
    /// A justification of another format version.
    UnknownVersion,
}

/// Checks that `signers` is a quorum of `set` and that `signature` is their aggregate over `msg`,
/// with the aggregate check supplied (a [`Backend`]'s, the runtime's host function, the consensus
/// simulator's stand-in): the same checks, in the same order, with the same errors.
pub fn verify_quorum_with(
    set: &ValidatorSet,
    set_id: SetId,
    signers: &Bitfield,
    msg: &[u8],
    signature: &BlsSignature,
    verify_aggregate: impl FnOnce(&[crate::BlsPublic], &[u8], &BlsSignature) -> bool,
) -> Result<(), QcError> {
    verify_signers(&set.validators, set.set_id, set_id, signers, msg, signature, verify_aggregate)
}

/// The quorum rule over a set's keys in whatever form the verifier keeps them (compressed
/// [`crate::BlsPublic`]s, or a light client's pre-validated [`crate::bls::BlsPreparedPublic`]s):
/// `signers` must fit the `keys` of set `keys_set_id`, be a quorum of them, and their keys'
/// aggregate must verify `signature` over `msg`. The statement's own set id is `set_id`.
pub fn verify_signers<K: Clone>(
    keys: &[K],
    keys_set_id: SetId,
    set_id: SetId,
    signers: &Bitfield,
    msg: &[u8],
    signature: &BlsSignature,
    verify_aggregate: impl FnOnce(&[K], &[u8], &BlsSignature) -> bool,
) -> Result<(), QcError> {
    if set_id != keys_set_id {
        return Err(QcError::WrongSet);
    }
    let n = keys.len();
    if !signers.fits(n) {
        return Err(QcError::BadBitfield);
    }
    if n == 0 || signers.count() < n - crate::max_faulty(n) {
        return Err(QcError::NoQuorum);
    }
    let publics: Vec<K> = signers.indices().map(|i| keys[i].clone()).collect();
    if verify_aggregate(&publics, msg, signature) {
        Ok(())
    } else {
        Err(QcError::BadSignature)
    }
}

/// 2f+1 votes for the same [`VoteData`], aggregated.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct QuorumCertificate {
    pub data: VoteData,
    pub signers: Bitfield,
    pub signature: BlsSignature,
}

impl QuorumCertificate {
    pub fn verify<B: Backend>(&self, set: &ValidatorSet, genesis: &H256) -> Result<(), QcError> {
        let msg = self.data.signing_message(genesis);
        verify_quorum_with(set, self.data.set_id, &self.signers, &msg, &self.signature, B::verify_aggregate)
    }
}

/// 2f+1 commit votes for the same [`CommitData`], aggregated: proof that the block is final.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct CommitCertificate {
    pub data: CommitData,
    pub signers: Bitfield,
    pub signature: BlsSignature,
}

impl CommitCertificate {
    pub fn verify<B: Backend>(&self, set: &ValidatorSet, genesis: &H256) -> Result<(), QcError> {
        let msg = self.data.signing_message(genesis);
        verify_quorum_with(set, self.data.set_id, &self.signers, &msg, &self.signature, B::verify_aggregate)
    }
}

/// Either certificate that proves a block final (see the module docs).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub enum FinalityProof {
    Commit(CommitCertificate),
    /// The certificate of the block's child, one view later.
    Child(QuorumCertificate),
}

impl FinalityProof {
    /// Hash and number of the block this proves final.
    pub fn finalized(&self) -> (H256, BlockNumber) {
        match self {
            FinalityProof::Commit(c) => (c.data.block_hash, c.data.block_number),
            FinalityProof::Child(qc) => (qc.data.parent_hash, qc.data.block_number.saturating_sub(1)),
        }
    }

    pub fn set_id(&self) -> SetId {
        match self {
            FinalityProof::Commit(c) => c.data.set_id,
            FinalityProof::Child(qc) => qc.data.set_id,
        }
    }

    /// Checks the signatures and, for a child certificate, that it is one view after its parent's
    /// and one block above it (otherwise it proves nothing final).
    pub fn verify<B: Backend>(&self, set: &ValidatorSet, genesis: &H256) -> Result<(), QcError> {
        self.verify_with(set, genesis, B::verify_aggregate)
    }

    /// [`FinalityProof::verify`] with the aggregate check supplied (see [`verify_quorum_with`]).
    pub fn verify_with(
        &self,
        set: &ValidatorSet,
        genesis: &H256,
        verify_aggregate: impl FnOnce(&[crate::BlsPublic], &[u8], &BlsSignature) -> bool,
    ) -> Result<(), QcError> {
        let (set_id, signers, msg, signature) = self.statement(genesis)?;
        verify_quorum_with(set, set_id, signers, &msg, signature, verify_aggregate)
    }

    /// What the proof's aggregate signature must verify: its set id, signers, signed bytes and
    /// signature; for a child certificate only if it is one view after its parent's and one
    /// block above it (otherwise it proves nothing final). For [`verify_signers`].
    pub fn statement(&self, genesis: &H256) -> Result<(SetId, &Bitfield, Vec<u8>, &BlsSignature), QcError> {
        Ok(match self {
            FinalityProof::Commit(c) => (c.data.set_id, &c.signers, c.data.signing_message(genesis), &c.signature),
            FinalityProof::Child(qc) => {
                if !proves_parent_final(qc) {
                    return Err(QcError::NotConsecutive);
                }
                (qc.data.set_id, &qc.signers, qc.data.signing_message(genesis), &qc.signature)
            }
        })
    }
}

/// Whether a certificate of a child finalizes its parent: one view after the parent's, and the
/// parent not a root (view 0: genesis, or the block an epoch started from). Roots are final by the
/// previous epoch's rules; all of an epoch's roots rank at view 0, so a view-1 certificate on one
/// of them locks nothing against another.
fn proves_parent_final(qc: &QuorumCertificate) -> bool {
    qc.data.parent_view != 0 && qc.data.parent_view.checked_add(1) == Some(qc.data.view) && qc.data.block_number != 0
}

/// Version of the [`FinalityJustification`] encoding. Version 1 had no kind and told a commit
/// certificate from a child certificate by a zero child hash.
pub const JUSTIFICATION_VERSION: u8 = 2;

/// Which certificate a justification carries, and the fields of it a verifier does not know.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub enum JustificationKind {
    /// Commit votes of the finalized block's own view.
    Commit { view: View },
    /// The certificate of the child `child_hash`, proposed in `view` (the block's view plus one).
    Child { view: View, child_hash: H256 },
}

/// The justification of a finalized block `B`, stored under [`crate::BPCI_ENGINE_ID`].
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct FinalityJustification {
    /// [`JUSTIFICATION_VERSION`]; verifiers reject any other.
    pub version: u8,
    pub kind: JustificationKind,
    pub signers: Bitfield,
    pub signature: BlsSignature,
}

impl FinalityJustification {
    /// The justification a proof gives its block; `None` for a child certificate whose views are
    /// not consecutive, which proves nothing final.
    pub fn from_proof(proof: &FinalityProof) -> Option<Self> {
        let (kind, signers, signature) = match proof {
            FinalityProof::Commit(c) => (JustificationKind::Commit { view: c.data.view }, &c.signers, c.signature),
            FinalityProof::Child(qc) => {
                if !proves_parent_final(qc) {
                    return None;
                }
                (JustificationKind::Child { view: qc.data.view, child_hash: qc.data.block_hash }, &qc.signers, qc.signature)
            }
        };
        Some(Self { version: JUSTIFICATION_VERSION, kind, signers: signers.clone(), signature })
    }

    /// The certificate this justification stands for if it justifies (`hash`, `number`) in set `set_id`.
    pub fn proof(&self, set_id: SetId, hash: H256, number: BlockNumber) -> Result<FinalityProof, QcError> {
        if self.version != JUSTIFICATION_VERSION {
            return Err(QcError::UnknownVersion);
        }
        let (signers, signature) = (self.signers.clone(), self.signature);
        Ok(match self.kind {
            JustificationKind::Commit { view } => FinalityProof::Commit(CommitCertificate {
                data: CommitData { set_id, view, block_hash: hash, block_number: number },
                signers,
                signature,
            }),
            JustificationKind::Child { view, child_hash } => FinalityProof::Child(QuorumCertificate {
                data: VoteData {
                    set_id,
                    view,
                    block_hash: child_hash,
                    block_number: number.checked_add(1).ok_or(QcError::NotConsecutive)?,
                    parent_hash: hash,
                    parent_view: view.checked_sub(1).ok_or(QcError::NotConsecutive)?,
                },
                signers,
                signature,
            }),
        })
    }

    /// One aggregate check against the validator set that was current for the finalized block,
    /// on the chain of genesis `genesis`.
    pub fn verify<B: Backend>(&self, set: &ValidatorSet, genesis: &H256, hash: H256, number: BlockNumber) -> Result<(), QcError> {
        self.proof(set.set_id, hash, number)?.verify::<B>(set, genesis)
    }
}

#[cfg(all(test, feature = "blst"))]
mod tests {
    use super::*;
    use crate::bls::native::{aggregate, Keypair, Blst};

    fn keys(n: usize) -> Vec<Keypair> {
        (0..n).map(|i| Keypair::from_ikm(&[i as u8 + 1; 32]).unwrap()).collect()
    }

    fn set(keys: &[Keypair]) -> ValidatorSet {
        ValidatorSet { set_id: 7, validators: keys.iter().map(|k| k.public).collect() }
    }

    const CHAIN: H256 = H256::repeat_byte(0xcc);

    fn certify(keys: &[Keypair], who: &[usize], data: VoteData) -> QuorumCertificate {
        let msg = data.signing_message(&CHAIN);
        let mut signers = Bitfield::new(keys.len());
        let sigs: Vec<_> = who.iter().map(|&i| { signers.set(i); keys[i].sign(&msg) }).collect();
        QuorumCertificate { data, signers, signature: aggregate(&sigs).unwrap() }
    }

    fn commit(keys: &[Keypair], who: &[usize], data: CommitData) -> CommitCertificate {
        let msg = data.signing_message(&CHAIN);
        let mut signers = Bitfield::new(keys.len());
        let sigs: Vec<_> = who.iter().map(|&i| { signers.set(i); keys[i].sign(&msg) }).collect();
        CommitCertificate { data, signers, signature: aggregate(&sigs).unwrap() }
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
        assert_eq!(qc.verify::<Blst>(&s, &CHAIN), Ok(()));

        let mut other_block = qc.clone();
        other_block.data.block_hash = H256::repeat_byte(8);
        assert_eq!(other_block.verify::<Blst>(&s, &CHAIN), Err(QcError::BadSignature));

        let mut wrong_signers = qc.clone();
        wrong_signers.signers = Bitfield::new(4);
        for i in [0, 1, 3] { wrong_signers.signers.set(i) }
        assert_eq!(wrong_signers.verify::<Blst>(&s, &CHAIN), Err(QcError::BadSignature));

        let small = certify(&k, &[0, 1], child_of(H256::repeat_byte(1), 10, 5));
        assert_eq!(small.verify::<Blst>(&s, &CHAIN), Err(QcError::NoQuorum));

        let mut other_set = s.clone();
        other_set.set_id = 8;
        assert_eq!(qc.verify::<Blst>(&other_set, &CHAIN), Err(QcError::WrongSet));

        let mut oversized = qc.clone();
        oversized.signers.0.push(0);
        assert_eq!(oversized.verify::<Blst>(&s, &CHAIN), Err(QcError::BadBitfield));
        let mut stray_bit = qc.clone();
        stray_bit.signers.0[0] |= 0x80;
        assert_eq!(stray_bit.verify::<Blst>(&s, &CHAIN), Err(QcError::BadBitfield));

        // The same keys and set id on another chain (a relaunch, a testnet beside a mainnet).
        assert_eq!(qc.verify::<Blst>(&s, &H256::repeat_byte(0xcd)), Err(QcError::BadSignature));
    }

    #[test]
    fn commit_votes_and_votes_never_stand_for_each_other() {
        let k = keys(4);
        let s = set(&k);
        let b = H256::repeat_byte(1);
        let cc = commit(&k, &[0, 1, 2], CommitData { set_id: 7, view: 5, block_hash: b, block_number: 10 });
        assert_eq!(cc.verify::<Blst>(&s, &CHAIN), Ok(()));
        // Whatever vote data an attacker pairs with the commit signatures, it is no certificate.
        for data in [
            VoteData { set_id: 7, view: 5, block_hash: b, block_number: 10, parent_hash: H256::zero(), parent_view: 4 },
            VoteData { set_id: 7, view: 6, block_hash: H256::zero(), block_number: 11, parent_hash: b, parent_view: 5 },
        ] {
            let forged = QuorumCertificate { data, signers: cc.signers.clone(), signature: cc.signature };
            assert_eq!(forged.verify::<Blst>(&s, &CHAIN), Err(QcError::BadSignature));
        }
        // And a certificate's signatures are no commit certificate.
        let qc = certify(&k, &[0, 1, 2], child_of(b, 10, 6));
        let forged = CommitCertificate {
            data: CommitData { set_id: 7, view: 6, block_hash: qc.data.block_hash, block_number: 11 },
            signers: qc.signers.clone(),
            signature: qc.signature,
        };
        assert_eq!(forged.verify::<Blst>(&s, &CHAIN), Err(QcError::BadSignature));
        // The justification says which it carries: a child justification built from commit
        // signatures fails, and so does one of an unknown version.
        let j = FinalityJustification::from_proof(&FinalityProof::Commit(cc)).unwrap();
        assert_eq!(j.verify::<Blst>(&s, &CHAIN, b, 10), Ok(()));
        let as_child = FinalityJustification {
            kind: JustificationKind::Child { view: 6, child_hash: H256::zero() },
            ..j.clone()
        };
        assert_eq!(as_child.verify::<Blst>(&s, &CHAIN, b, 10), Err(QcError::BadSignature));
        let v1 = FinalityJustification { version: 1, ..j };
        assert_eq!(v1.verify::<Blst>(&s, &CHAIN, b, 10), Err(QcError::UnknownVersion));
    }

    #[test]
    fn justification_is_one_certificate_under_200_bytes_at_100_validators() {
        let k = keys(100);
        let s = set(&k);
        let parent = H256::repeat_byte(1);
        let who: Vec<usize> = (0..67).collect();
        let qc = certify(&k, &who, child_of(parent, 41, 12));
        let j = FinalityJustification::from_proof(&FinalityProof::Child(qc)).unwrap();
        assert!(j.encode().len() < 200, "{} bytes", j.encode().len());
        assert_eq!(j.verify::<Blst>(&s, &CHAIN, parent, 41), Ok(()));
        assert_eq!(j.verify::<Blst>(&s, &CHAIN, H256::repeat_byte(2), 41), Err(QcError::BadSignature));
        assert_eq!(j.verify::<Blst>(&s, &CHAIN, parent, 42), Err(QcError::BadSignature));
        assert_eq!(j.verify::<Blst>(&s, &H256::repeat_byte(0xcd), parent, 41), Err(QcError::BadSignature));
        let cc = commit(&k, &who, CommitData { set_id: 7, view: 11, block_hash: parent, block_number: 41 });
        let j = FinalityJustification::from_proof(&FinalityProof::Commit(cc)).unwrap();
        assert!(j.encode().len() < 200, "{} bytes", j.encode().len());
        assert_eq!(j.verify::<Blst>(&s, &CHAIN, parent, 41), Ok(()));
    }

    #[test]
    fn non_consecutive_views_do_not_justify() {
        let k = keys(1);
        let mut data = child_of(H256::repeat_byte(1), 3, 9);
        data.parent_view = 7;
        let proof = FinalityProof::Child(certify(&k, &[0], data));
        assert!(FinalityJustification::from_proof(&proof).is_none());
        assert_eq!(proof.verify::<Blst>(&set(&k), &CHAIN), Err(QcError::NotConsecutive));
        // A view-1 certificate on a root (parent view 0) proves nothing about the root.
        let on_root = FinalityProof::Child(certify(&k, &[0], child_of(H256::repeat_byte(1), 3, 1)));
        assert!(FinalityJustification::from_proof(&on_root).is_none());
        assert_eq!(on_root.verify::<Blst>(&set(&k), &CHAIN), Err(QcError::NotConsecutive));
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
}
