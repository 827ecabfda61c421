//! Network messages and the timeout certificate.
//!
//! Everything here is SCALE-encoded and gossiped as bytes; whatever arrives is untrusted until the
//! engine has checked it. Each signed statement has its own kind and names the chain's genesis
//! (`bpci_primitives::statement`), so that a signature over one kind of statement, or on another
//! chain, can never be replayed as another.

use crate::crypto::{verify_qc, Crypto};
use crate::BlockInfo;
use bpci_primitives::qc::{Bitfield, CommitCertificate, CommitData, QuorumCertificate, VoteData};
use bpci_primitives::statement::{signing_message, StatementKind};
use bpci_primitives::{BlsSignature, SetId, ValidatorSet, View};
use sp_core::H256;
use codec::{Decode, DecodeWithMemTracking, Encode};
use scale_info::TypeInfo;

/// What travels between validators.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub enum Message {
    Proposal(SignedProposal),
    Vote(SignedVote),
    /// Broadcast by every validator that enters view `v + 1` through the certificate of a block
    /// of view `v` (see "Commit votes" in the crate docs).
    Commit(SignedCommitVote),
    Timeout(SignedTimeout),
    /// A quorum certificate the next leader just formed, broadcast at once rather than only
    /// inside its next proposal: the block it certifies finalizes its parent everywhere a block
    /// time earlier than the pipelined proposal would tell.
    Certificate(QuorumCertificate),
    /// `2f + 1` commit votes: the proof that ended an epoch travels as one when it was made of
    /// commit votes.
    CommitCertificate(CommitCertificate),
}

/// The leader's proposal of `block` in `view`.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct Proposal {
    pub set_id: SetId,
    pub view: View,
    pub block: BlockInfo,
    /// Certificate of `block`'s parent; `None` only when the parent is genesis.
    pub justify: Option<QuorumCertificate>,
    /// Present when `view - 1` ended without a certificate: proves the leader may skip ahead and
    /// bounds which parents it may extend (see [`crate`] docs, the voting rule).
    pub tc: Option<TimeoutCertificate>,
}

impl Proposal {
    /// View of the certificate this proposal extends (0 for genesis).
    pub fn justify_view(&self) -> View {
        self.justify.as_ref().map_or(0, |qc| qc.data.view)
    }

    /// The signed bytes. Certificates are not signed (they prove themselves), except for the view
    /// of `justify`, which fixes the vote a validator derives from this proposal.
    pub fn signing_message(&self, genesis: &H256) -> Vec<u8> {
        signing_message(StatementKind::Proposal, genesis, &(self.set_id, self.view, &self.block, self.justify_view()))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct SignedProposal {
    pub proposal: Proposal,
    pub proposer: u32,
    pub signature: BlsSignature,
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct SignedVote {
    pub data: VoteData,
    pub voter: u32,
    pub signature: BlsSignature,
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct SignedCommitVote {
    pub data: CommitData,
    pub voter: u32,
    pub signature: BlsSignature,
}

/// What a validator signs when it gives up on a view: which view, and how high a certificate it
/// holds. The second part is what lets the next leader prove it extends the highest certificate a
/// quorum knows of, which is what keeps a committed block on every later branch.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct TimeoutData {
    pub set_id: SetId,
    pub view: View,
    pub high_qc_view: View,
}

impl TimeoutData {
    pub fn signing_message(&self, genesis: &H256) -> Vec<u8> {
        signing_message(StatementKind::Timeout, genesis, self)
    }
}

/// A signed timeout plus the certificates that let a lagging receiver catch up.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct SignedTimeout {
    pub data: TimeoutData,
    pub voter: u32,
    pub signature: BlsSignature,
    /// The certificate of view `data.high_qc_view` (`None` when that is genesis' view 0).
    pub high_qc: Option<QuorumCertificate>,
    /// The timeout certificate of `data.view - 1`, when that is how the sender entered `data.view`.
    pub last_tc: Option<TimeoutCertificate>,
}

/// Timeouts of one view whose signers reported the same `high_qc_view`, aggregated.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct TimeoutGroup {
    pub high_qc_view: View,
    pub signers: Bitfield,
    pub signature: BlsSignature,
}

/// 2f+1 timeouts of `view`.
///
/// Signers sign different messages (their own `high_qc_view`), and the primitives only offer
/// same-message aggregation, so signers are grouped by `high_qc_view`: one aggregate check per
/// distinct value, which in practice is one or two. `high_qc` is the certificate of the highest
/// reported view, so the next leader's proposal can be checked against it.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct TimeoutCertificate {
    pub set_id: SetId,
    pub view: View,
    pub groups: Vec<TimeoutGroup>,
    pub high_qc: Option<QuorumCertificate>,
}

impl TimeoutCertificate {
    /// Highest certificate view any signer reported.
    pub fn max_high_qc_view(&self) -> View {
        self.groups.iter().map(|g| g.high_qc_view).max().unwrap_or(0)
    }

    /// Checks the certificate against `set`; the error names what is wrong for the peer report.
    pub fn verify<C: Crypto>(&self, set: &ValidatorSet, genesis: &H256) -> Result<(), &'static str> {
        if self.set_id != set.set_id {
            return Err("timeout certificate of another validator set");
        }
        let n = set.validators.len();
        if n == 0 || self.groups.is_empty() || self.groups.len() > n || self.view == 0 {
            return Err("malformed timeout certificate");
        }
        let mut all = Bitfield::new(n);
        for g in &self.groups {
            if !g.signers.fits(n) || g.signers.count() == 0 || g.high_qc_view >= self.view {
                return Err("malformed timeout certificate");
            }
            for i in g.signers.indices() {
                if all.get(i) {
                    return Err("timeout certificate counts a signer twice");
                }
                all.set(i);
            }
        }
        if all.count() < set.quorum() {
            return Err("timeout certificate without quorum");
        }
        let max = self.max_high_qc_view();
        match &self.high_qc {
            None if max == 0 => {}
            Some(qc) if qc.data.view == max => {
                verify_qc::<C>(set, genesis, qc).map_err(|_| "timeout certificate carries an invalid certificate")?
            }
            _ => return Err("timeout certificate carries the wrong certificate"),
        }
        for g in &self.groups {
            let data = TimeoutData { set_id: self.set_id, view: self.view, high_qc_view: g.high_qc_view };
            // The quorum was counted above on the union of the groups; a group alone is no quorum.
            let publics: Vec<_> = g.signers.indices().map(|i| set.validators[i]).collect();
            if !C::verify_aggregate(&publics, &data.signing_message(genesis), &g.signature) {
                return Err("timeout certificate with a bad signature");
            }
        }
        Ok(())
    }
}
