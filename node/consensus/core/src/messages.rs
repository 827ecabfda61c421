//! Network messages and the timeout certificate.
//!
//! Everything here is SCALE-encoded and gossiped as bytes; whatever arrives is untrusted until the
//! engine has checked it. Each signed statement has its own kind and names the chain's genesis
//! (`bpci_primitives::statement`), so that a signature over one kind of statement, or on another
//! chain, can never be replayed as another.

use crate::crypto::Crypto;
use crate::BlockInfo;
use bpci_primitives::qc::{CommitCertificate, CommitData, QuorumCertificate, VoteData};
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

/// Timeout certificates are checked by light clients too, so they live in the primitives.
pub use bpci_primitives::timeout::{TimeoutCertificate, TimeoutData, TimeoutGroup};

/// [`TimeoutCertificate`] checks with the engine's [`Crypto`].
pub trait CheckTimeoutCertificate {
    /// Checks the certificate against `set`; the error names what is wrong for the peer report.
    fn verify<C: Crypto>(&self, set: &ValidatorSet, genesis: &H256) -> Result<(), &'static str>;
}

impl CheckTimeoutCertificate for TimeoutCertificate {
    fn verify<C: Crypto>(&self, set: &ValidatorSet, genesis: &H256) -> Result<(), &'static str> {
        self.verify_with(set, genesis, C::verify_aggregate)
    }
}
