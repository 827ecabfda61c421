//! Votes, commit votes and timeouts into certificates; equivocation evidence.
//!
//! Statements reach here only after their signatures were checked (`validation`). Two different
//! statements of one validator for one view are kept as evidence; the first `2f + 1` that agree
//! are aggregated once.

use super::*;

/// Proof that a validator signed two different statements for one view.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub enum Evidence {
    Proposal(SignedProposal, SignedProposal),
    Vote(SignedVote, SignedVote),
    Commit(SignedCommitVote, SignedCommitVote),
    /// The timeouts' certificate attachments are stripped; the signatures cover `data` only.
    Timeout(SignedTimeout, SignedTimeout),
}

impl Evidence {
    /// Index of the equivocating validator and the view.
    pub fn offender(&self) -> (u32, View) {
        match self {
            Evidence::Proposal(a, _) => (a.proposer, a.proposal.view),
            Evidence::Vote(a, _) => (a.voter, a.data.view),
            Evidence::Commit(a, _) => (a.voter, a.data.view),
            Evidence::Timeout(a, _) => (a.voter, a.data.view),
        }
    }

    pub(crate) fn kind(&self) -> u8 {
        match self {
            Evidence::Proposal(..) => 0,
            Evidence::Vote(..) => 1,
            Evidence::Timeout(..) => 2,
            Evidence::Commit(..) => 3,
        }
    }
}

/// A signed statement that `2f + 1` validators aggregate when they agree: votes and commit votes.
pub(crate) trait Aggregatable: Clone + PartialEq {
    type Data: Clone + PartialEq;
    fn data(&self) -> &Self::Data;
    fn voter(&self) -> u32;
    fn signature(&self) -> BlsSignature;
    fn equivocation(first: Self, second: Self) -> Evidence;
}

impl Aggregatable for SignedVote {
    type Data = VoteData;
    fn data(&self) -> &VoteData {
        &self.data
    }
    fn voter(&self) -> u32 {
        self.voter
    }
    fn signature(&self) -> BlsSignature {
        self.signature
    }
    fn equivocation(first: Self, second: Self) -> Evidence {
        Evidence::Vote(first, second)
    }
}

impl Aggregatable for SignedCommitVote {
    type Data = CommitData;
    fn data(&self) -> &CommitData {
        &self.data
    }
    fn voter(&self) -> u32 {
        self.voter
    }
    fn signature(&self) -> BlsSignature {
        self.signature
    }
    fn equivocation(first: Self, second: Self) -> Evidence {
        Evidence::Commit(first, second)
    }
}

/// One view's statements of one kind, by voter.
pub(crate) struct Collector<S> {
    pub(crate) by_voter: BTreeMap<u32, S>,
    pub(crate) certified: bool,
}

impl<S> Default for Collector<S> {
    fn default() -> Self {
        Self { by_voter: BTreeMap::new(), certified: false }
    }
}

impl<S: Aggregatable> Collector<S> {
    /// Counts a statement whose signature is known good. Returns the evidence if its voter signed
    /// something else in this view, and the agreed data, signers and aggregate signature the
    /// first time `quorum` agree.
    pub(crate) fn add<C: Crypto>(&mut self, s: S, quorum: usize, n: usize) -> (Option<Evidence>, Option<(S::Data, Bitfield, BlsSignature)>) {
        if let Some(known) = self.by_voter.get(&s.voter()) {
            let evidence = (known.data() != s.data()).then(|| S::equivocation(known.clone(), s));
            return (evidence, None);
        }
        self.by_voter.insert(s.voter(), s.clone());
        if self.certified {
            return (None, None);
        }
        let agreeing: Vec<&S> = self.by_voter.values().filter(|o| o.data() == s.data()).collect();
        if agreeing.len() < quorum {
            return (None, None);
        }
        let mut signers = Bitfield::new(n);
        let sigs: Vec<BlsSignature> = agreeing
            .iter()
            .map(|o| {
                signers.set(o.voter() as usize);
                o.signature()
            })
            .collect();
        let Some(signature) = C::aggregate(&sigs) else { return (None, None) };
        self.certified = true;
        (None, Some((s.data().clone(), signers, signature)))
    }
}

#[derive(Default)]
pub(crate) struct TimeoutCollector {
    /// Signed parts only: the attachments are not needed once checked.
    pub(crate) by_voter: BTreeMap<u32, (TimeoutData, BlsSignature)>,
    /// Highest certificate reported in this view's timeouts.
    pub(crate) high_qc: Option<QuorumCertificate>,
    pub(crate) certified: bool,
}

impl<C: Crypto> Engine<C> {
    /// Counts a vote whose signature is known good.
    pub(crate) fn accept_vote(&mut self, v: SignedVote, now_ms: u64, out: &mut Vec<Action>) {
        let (quorum, n) = (self.set.quorum(), self.n());
        let (evidence, certified) = self.votes.entry(v.data.view).or_default().add::<C>(v, quorum, n);
        if let Some(evidence) = evidence {
            self.record_evidence(evidence, out);
        }
        let Some((data, signers, signature)) = certified else { return };
        let qc = QuorumCertificate { data, signers, signature };
        self.mark_verified(Self::digest(&qc));
        out.push(Action::Broadcast(Message::Certificate(qc.clone())));
        self.process_qc(&qc, now_ms, out);
    }

    pub(crate) fn accept_commit_vote(&mut self, v: SignedCommitVote, out: &mut Vec<Action>) {
        let (quorum, n) = (self.set.quorum(), self.n());
        let (evidence, certified) = self.commits.entry(v.data.view).or_default().add::<C>(v, quorum, n);
        if let Some(evidence) = evidence {
            self.record_evidence(evidence, out);
        }
        if let Some((data, signers, signature)) = certified {
            self.finalize_by(&FinalityProof::Commit(CommitCertificate { data, signers, signature }), out);
        }
    }

    /// Counts a timeout whose signature (and attached certificate) is known good.
    pub(crate) fn accept_timeout(&mut self, t: SignedTimeout, now_ms: u64, out: &mut Vec<Action>) {
        let view = t.data.view;
        let epoch_end = view == EPOCH_END;
        if !epoch_end && (view < self.view || view > self.view.saturating_add(VIEW_WINDOW)) {
            return;
        }
        let quorum = self.set.quorum();
        let amplify = self.set.max_faulty() + 1;
        let n = self.n();
        let collector = self.timeouts.entry(view).or_default();
        if let Some((data, sig)) = collector.by_voter.get(&t.voter) {
            if *data != t.data {
                let strip = |data: TimeoutData, signature: BlsSignature| SignedTimeout {
                    data,
                    voter: t.voter,
                    signature,
                    high_qc: None,
                    last_tc: None,
                };
                let evidence = Evidence::Timeout(strip(data.clone(), *sig), strip(t.data.clone(), t.signature));
                self.record_evidence(evidence, out);
            }
            return;
        }
        collector.by_voter.insert(t.voter, (t.data.clone(), t.signature));
        if t.data.high_qc_view > collector.high_qc.as_ref().map_or(0, |qc| qc.data.view) {
            collector.high_qc = t.high_qc;
        }
        let count = collector.by_voter.len();
        if collector.certified {
            return;
        }
        if count >= quorum {
            let mut groups: BTreeMap<View, (Bitfield, Vec<BlsSignature>)> = BTreeMap::new();
            for (voter, (data, sig)) in &collector.by_voter {
                let g = groups.entry(data.high_qc_view).or_insert_with(|| (Bitfield::new(n), Vec::new()));
                g.0.set(*voter as usize);
                g.1.push(*sig);
            }
            let mut tc_groups = Vec::with_capacity(groups.len());
            for (high_qc_view, (signers, sigs)) in groups {
                let Some(signature) = C::aggregate(&sigs) else { return };
                tc_groups.push(TimeoutGroup { high_qc_view, signers, signature });
            }
            collector.certified = true;
            let tc = TimeoutCertificate {
                set_id: self.set.set_id,
                view,
                groups: tc_groups,
                high_qc: collector.high_qc.clone(),
            };
            self.mark_verified(Self::digest(&tc));
            if epoch_end {
                if let Some(qc) = &tc.high_qc {
                    self.process_qc(qc, now_ms, out);
                }
                self.epoch_end = Some(tc.clone());
                out.push(Action::EpochEnded(tc));
            } else {
                self.process_tc(&tc, now_ms, out);
            }
        } else if epoch_end {
            // `f + 1` statements include an honest validator that saw the next set's block final:
            // the epoch is over, and joining at once is what lets the certificate form.
            if count >= amplify && self.my_epoch_end.is_none() {
                self.sign_epoch_end(now_ms, out);
            }
        } else if count >= amplify && view == self.view && self.my_timeout.is_none() {
            // At least one honest validator gave up on this view: it cannot certify anymore
            // without it, so join at once instead of waiting for the local deadline.
            self.local_timeout(now_ms, out);
        }
    }

    pub(crate) fn record_evidence(&mut self, evidence: Evidence, out: &mut Vec<Action>) {
        let (who, view) = evidence.offender();
        if !self.evidence_seen.insert((evidence.kind(), who, view)) {
            return;
        }
        log::warn!(target: "bpci", "validator {who} equivocated in view {view}");
        if self.evidence.len() < MAX_EVIDENCE {
            self.evidence.push(evidence.clone());
        }
        // The dedup set is bounded together with the list: once full, only the emitted action
        // reports newer offences.
        if self.evidence_seen.len() > 4 * MAX_EVIDENCE {
            self.evidence_seen.pop_first();
        }
        out.push(Action::Equivocation(evidence));
    }
}
