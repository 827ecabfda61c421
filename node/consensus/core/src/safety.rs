//! Safety rules: the data a validator persists, the voting rule, and every signature it makes.
//!
//! This is the only code that signs. Each signing function first checks the rule that makes the
//! statement safe (never two votes in a view, never a vote below a view voted or timed out in,
//! the commit-vote promise, the same timeout again after a restart) and persists the safety data
//! before the statement can leave the node (the glue executes `PersistSafety` before later sends).

use super::*;

/// What a validator must remember across restarts so that it never signs conflicting messages.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Default)]
pub struct SafetyData {
    /// Highest view voted in.
    pub last_voted_view: View,
    /// Highest view timed out in.
    pub last_timeout_view: View,
    /// View of `high_qc` when last persisted: the lowest certificate this node may ever report.
    pub locked_qc_view: View,
    /// Highest certificate known when last persisted. A timeout re-signed after a restart in
    /// `last_timeout_view` reports this one, which makes it identical to the one signed before.
    pub high_qc: Option<QuorumCertificate>,
    /// Highest timeout certificate known when last persisted (an addition to the original shape).
    /// A restarted node resumes in the view after its highest certificate, QC or TC, and must be
    /// able to show that certificate: a node sitting in a view it cannot justify sends timeouts
    /// that let nobody catch up, and with enough such nodes the views never meet again.
    pub high_tc: Option<TimeoutCertificate>,
    /// The view of this validator's last commit vote, and the block it promised to extend in
    /// that view (see "Commit votes" in the crate docs).
    pub commit_view: View,
    pub commit_parent: H256,
    /// This validator consented to a forced change by sealing a stall block on a state in which
    /// one was pending: it signs nothing more in this epoch. That is what makes `f + 1` consents
    /// mean the set can no longer certify anything (see `pallet-validators`).
    pub resigned: bool,
}

impl<C: Crypto> Engine<C> {
    /// Stops signing for good in this epoch; returns the safety data to persist *before* the
    /// consent (the stall block) leaves the node.
    pub fn resign(&mut self) -> SafetyData {
        self.safety.resigned = true;
        self.me = None;
        self.build = None;
        self.safety.clone()
    }

    fn sign(&self, msg: &[u8]) -> BlsSignature {
        self.me.as_ref().map(|(_, k)| C::sign(k, msg)).unwrap_or_default()
    }

    /// The leader's signature of its proposal. Safe because the caller (`on_block_built`) checked
    /// `may_vote_in(view)` and persists the leader's own vote for the block (`prepare_vote`) before
    /// the proposal leaves: a restarted leader then finds the view voted and proposes nothing else.
    pub(crate) fn sign_proposal(&self, proposal: &Proposal) -> BlsSignature {
        self.sign(&proposal.signing_message(&self.chain))
    }

    pub(crate) fn may_vote_in(&self, view: View) -> bool {
        view > self.safety.last_voted_view && view > self.safety.last_timeout_view
    }

    /// Applies the safety rule to `p`, a proposal of the current view; on success persists and
    /// signs.
    pub(crate) fn prepare_vote(&mut self, p: &Proposal, out: &mut Vec<Action>) -> Option<SignedVote> {
        let view = self.view;
        let me = self.me.as_ref()?.0;
        if p.view != view || !self.may_vote_in(view) {
            return None;
        }
        // The 2-chain voting rule (Jolteon): extend the previous view's certificate, or after a
        // timeout extend a certificate at least as high as any the timeout quorum reported.
        let justify_view = self.justify_view(p);
        let safe = justify_view.checked_add(1) == Some(view)
            || p.tc.as_ref().is_some_and(|tc| tc.view.checked_add(1) == Some(view) && justify_view >= tc.max_high_qc_view());
        if !safe {
            return None;
        }
        // The promise of this view's commit vote: only a child of the block it named.
        if self.safety.commit_view == view
            && (justify_view.checked_add(1) != Some(view) || p.block.parent_hash != self.safety.commit_parent)
        {
            return None;
        }
        let data = VoteData {
            set_id: self.set.set_id,
            view,
            block_hash: p.block.hash,
            block_number: p.block.number,
            parent_hash: p.block.parent_hash,
            parent_view: justify_view,
        };
        self.safety.last_voted_view = view;
        self.persist(out);
        let signature = self.sign(&data.signing_message(&self.chain));
        Some(SignedVote { data, voter: me, signature })
    }

    pub(crate) fn persist(&mut self, out: &mut Vec<Action>) {
        if self.high_qc_view() > self.safety.high_qc.as_ref().map_or(0, |qc| qc.data.view) {
            self.safety.high_qc = self.high_qc.clone();
        }
        self.safety.locked_qc_view = self.safety.high_qc.as_ref().map_or(0, |qc| qc.data.view);
        if self.high_tc.as_ref().map_or(0, |t| t.view) > self.safety.high_tc.as_ref().map_or(0, |t| t.view) {
            self.safety.high_tc = self.high_tc.clone();
        }
        out.push(Action::PersistSafety(self.safety.clone()));
    }

    /// Promises to extend `qc`'s block in the next view and says so (see "Commit votes").
    pub(crate) fn maybe_commit_vote(&mut self, qc: &QuorumCertificate, out: &mut Vec<Action>) {
        let Some(me) = self.my_index() else { return };
        let view = qc.data.view;
        let next = view.saturating_add(1);
        if self.roots.contains_key(&qc.data.block_hash)
            || self.safety.commit_view >= next
            || self.safety.last_voted_view > view
            || self.safety.last_timeout_view > view
        {
            return;
        }
        self.safety.commit_view = next;
        self.safety.commit_parent = qc.data.block_hash;
        // Persists `high_qc` (at least this QC) with the promise, before the vote leaves.
        self.persist(out);
        let data = CommitData {
            set_id: self.set.set_id,
            view,
            block_hash: qc.data.block_hash,
            block_number: qc.data.block_number,
        };
        let signature = self.sign(&data.signing_message(&self.chain));
        let vote = SignedCommitVote { data, voter: me, signature };
        out.push(Action::Broadcast(Message::Commit(vote.clone())));
        self.accept_commit_vote(vote, out);
    }

    /// The current view failed locally: sign (once) and (re-)broadcast a timeout.
    pub(crate) fn local_timeout(&mut self, now_ms: u64, out: &mut Vec<Action>) {
        let Some(me) = self.my_index() else { return };
        if let Some(t) = &self.my_timeout {
            out.push(Action::Broadcast(Message::Timeout(t.clone())));
            return;
        }
        let view = self.view;
        if view < self.safety.last_timeout_view {
            return;
        }
        let last_tc = self.last_tc.clone().filter(|tc| tc.view.checked_add(1) == Some(view));
        let t = self.sign_timeout(me, view, view == self.safety.last_timeout_view, last_tc, out);
        self.my_timeout = Some(t.clone());
        self.deadline = now_ms.saturating_add(self.current_timeout());
        out.push(Action::Broadcast(Message::Timeout(t.clone())));
        self.accept_timeout(t, now_ms, out);
    }

    pub(crate) fn sign_epoch_end(&mut self, now_ms: u64, out: &mut Vec<Action>) {
        let Some(me) = self.my_index() else { return };
        if let Some(t) = &self.my_epoch_end {
            out.push(Action::Broadcast(Message::Timeout(t.clone())));
            return;
        }
        let t = self.sign_timeout(me, EPOCH_END, self.has_ended(), None, out);
        self.my_epoch_end = Some(t.clone());
        self.build = None;
        self.deadline = now_ms.saturating_add(self.current_timeout());
        out.push(Action::Broadcast(Message::Timeout(t.clone())));
        self.accept_timeout(t, now_ms, out);
    }

    /// Signs the timeout (or, for [`EPOCH_END`], epoch-end) statement of `view`, persisting first
    /// that it was signed. `again`: this node signed it before a restart; it reports the high QC it
    /// persisted then, so the statement is the same one and not an equivocation.
    fn sign_timeout(&mut self, me: u32, view: View, again: bool, last_tc: Option<TimeoutCertificate>, out: &mut Vec<Action>) -> SignedTimeout {
        let high_qc = if again {
            self.safety.high_qc.clone()
        } else {
            self.safety.last_timeout_view = view;
            self.persist(out);
            self.high_qc.clone()
        };
        let data = TimeoutData { set_id: self.set.set_id, view, high_qc_view: high_qc.as_ref().map_or(0, |qc| qc.data.view) };
        let signature = self.sign(&data.signing_message(&self.chain));
        SignedTimeout { data, voter: me, signature, high_qc, last_tc }
    }
}
