//! The leader's side of a view (what to build on, the signed proposal) and the glue's report that
//! a proposed block is imported and may be voted for.

use super::*;

/// The leader's pending block: what it must extend and carry.
pub(crate) struct Build {
    pub(crate) view: View,
    pub(crate) justify: Option<QuorumCertificate>,
    pub(crate) tc: Option<TimeoutCertificate>,
}

impl<C: Crypto> Engine<C> {
    pub(crate) fn maybe_propose(&mut self, out: &mut Vec<Action>) {
        let view = self.view;
        let Some((me, _)) = self.me.as_ref() else { return };
        if self.leader(view) != *me || self.proposed_view >= view || !self.may_vote_in(view) {
            return;
        }
        let entered_by_qc = self.high_qc_view().checked_add(1) == Some(view);
        let tc = self.last_tc.clone().filter(|tc| tc.view.checked_add(1) == Some(view));
        if !entered_by_qc && tc.is_none() {
            // Restarted in a view we cannot justify: no valid proposal is possible.
            return;
        }
        self.proposed_view = view;
        let justify = self.high_qc.clone();
        let (parent_hash, parent_number) = justify
            .as_ref()
            .map_or((self.genesis.hash, self.genesis.number), |qc| (qc.data.block_hash, qc.data.block_number));
        let tc = if entered_by_qc { None } else { tc };
        self.build = Some(Build { view, justify, tc });
        out.push(Action::Propose { view, parent_hash, parent_number });
    }

    /// The block requested by [`Action::Propose`] for `view` is built and imported.
    pub fn on_block_built(&mut self, view: View, block: BlockInfo, now_ms: u64) -> Vec<Action> {
        let mut out = Vec::new();
        let Some((me, _)) = self.me.as_ref() else { return out };
        let me = *me;
        let Some(build) = self.build.take_if(|b| b.view == view) else { return out };
        if view != self.view || !self.may_vote_in(view) {
            return out;
        }
        let (parent_hash, parent_number) = build
            .justify
            .as_ref()
            .map_or((self.genesis.hash, self.genesis.number), |qc| (qc.data.block_hash, qc.data.block_number));
        if block.parent_hash != parent_hash || Some(block.number) != parent_number.checked_add(1) {
            log::warn!(target: "bpci", "built block {:?} does not extend the requested parent", block.hash);
            return out;
        }
        let proposal = Proposal { set_id: self.set.set_id, view, block: block.clone(), justify: build.justify, tc: build.tc };
        let signature = self.sign_proposal(&proposal);
        let signed = SignedProposal { proposal, proposer: me, signature };
        self.remember_block(block.clone());
        self.proposals.insert(view, signed.clone());
        self.note_ready(view, block.hash);
        // The vote is persisted before the proposal leaves, so that a restarted leader finds
        // `last_voted_view == view` and never proposes a second block in this view.
        let vote = self.prepare_vote(&mut out);
        out.push(Action::Broadcast(Message::Proposal(signed)));
        if let Some(vote) = vote {
            self.send_vote(vote, now_ms, &mut out);
        }
        out
    }

    /// Votes for the current view's proposal if everything allows it.
    pub(crate) fn try_vote(&mut self, now_ms: u64, out: &mut Vec<Action>) {
        let view = self.view;
        let Some(sp) = self.proposals.get(&view) else { return };
        if !self.ready.get(&view).is_some_and(|blocks| blocks.contains(&sp.proposal.block.hash)) {
            return;
        }
        if let Some(vote) = self.prepare_vote(out) {
            self.send_vote(vote, now_ms, out);
        }
    }

    pub(crate) fn send_vote(&mut self, vote: SignedVote, now_ms: u64, out: &mut Vec<Action>) {
        let next_leader = self.leader(vote.data.view.saturating_add(1));
        if Some(next_leader) == self.my_index() {
            self.accept_vote(vote, now_ms, out);
        } else {
            out.push(Action::SendTo(next_leader, Message::Vote(vote)));
        }
    }

    fn note_ready(&mut self, view: View, hash: H256) {
        let blocks = self.ready.entry(view).or_default();
        if blocks.contains(&hash) {
            return;
        }
        if blocks.len() >= MAX_READY_PER_VIEW {
            blocks.pop_front();
        }
        blocks.push_back(hash);
    }

    /// The glue imported and executed block `hash`, proposed in `view`: it may now be voted for.
    pub fn on_proposal_block_ready(&mut self, view: View, hash: H256, now_ms: u64) -> Vec<Action> {
        let mut out = Vec::new();
        if view < self.view || view > self.view.saturating_add(VIEW_WINDOW) {
            return out;
        }
        // Only the view's proposal can get a vote; before it is known, the latest few candidates
        // per view. The bound is per view because only a view's leader can seal its blocks: a
        // byzantine leader flooding the views it leads fills its own views' slots, never another's.
        // The oldest candidate makes way for a newer one, because a leader's real block comes after
        // the stall blocks it may have sealed for the same view while the set was stalled.
        if self.proposals.get(&view).is_some_and(|p| p.proposal.block.hash != hash) {
            return out;
        }
        self.note_ready(view, hash);
        if view == self.view {
            self.try_vote(now_ms, &mut out);
        }
        out
    }

    /// The certificate the block requested by the pending [`Action::Propose`] of `view` must carry
    /// in its pre-digest (`None` when its parent is genesis, or when no such request is pending).
    pub fn proposal_justify(&self, view: View) -> Option<&QuorumCertificate> {
        self.build.as_ref().filter(|b| b.view == view).and_then(|b| b.justify.as_ref())
    }

    /// The timeout certificate through which this node entered `view`, if it is to propose in it
    /// and did not enter it through the certificate it extends: the block's header carries it, so
    /// that import can tell the view was reached.
    pub fn proposal_tc(&self, view: View) -> Option<&TimeoutCertificate> {
        self.build.as_ref().filter(|b| b.view == view).and_then(|b| b.tc.as_ref())
    }
}
