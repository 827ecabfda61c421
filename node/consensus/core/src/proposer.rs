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
        let me = *me;
        if self.proposed_view >= view || !self.may_vote_in(view) {
            return;
        }
        let parent = self.proposal_parent().0;
        match self.leader_on(view, &parent) {
            Some(leader) if leader == me => {}
            Some(_) => return,
            None => return self.request_schedule(parent, out),
        }
        let entered_by_qc = self.high_qc_view().checked_add(1) == Some(view);
        let tc = self.last_tc.clone().filter(|tc| tc.view.checked_add(1) == Some(view));
        if !entered_by_qc && tc.is_none() {
            // Restarted in a view we cannot justify: no valid proposal is possible.
            return;
        }
        self.proposed_view = view;
        let justify = self.high_qc.clone();
        let (parent_hash, parent_number) = self.proposal_parent();
        let tc = if entered_by_qc { None } else { tc };
        self.build = Some(Build { view, justify, tc });
        out.push(Action::Propose { view, parent_hash, parent_number });
    }

    /// Hash and number of the block this node's proposal would extend: its highest certified
    /// block, or the epoch's root.
    pub(crate) fn proposal_parent(&self) -> (H256, BlockNumber) {
        self.high_qc
            .as_ref()
            .map_or((self.genesis.hash, self.genesis.number), |qc| (qc.data.block_hash, qc.data.block_number))
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
        self.proposals.entry(view).or_default().push(signed.clone());
        self.note_ready(view, block.hash);
        // The vote is persisted before the proposal leaves, so that a restarted leader finds
        // `last_voted_view == view` and never proposes a second block in this view.
        let vote = self.prepare_vote(&signed.proposal, &mut out);
        out.push(Action::Broadcast(Message::Proposal(signed)));
        if let Some(vote) = vote {
            self.send_vote(vote, now_ms, &mut out);
        }
        out
    }

    /// Votes for the current view's proposal if everything allows it.
    pub(crate) fn try_vote(&mut self, now_ms: u64, out: &mut Vec<Action>) {
        let view = self.view;
        let Some(ready) = self.ready.get(&view) else { return };
        // Of the view's imported proposals (one, unless the view's leaders differ across forks),
        // the one extending the highest certificate.
        let Some(p) = self
            .proposals
            .get(&view)
            .into_iter()
            .flatten()
            .filter(|sp| ready.contains(&sp.proposal.block.hash))
            .max_by_key(|sp| sp.proposal.justify_view())
            .map(|sp| sp.proposal.clone())
        else {
            return;
        };
        if let Some(vote) = self.prepare_vote(&p, out) {
            self.send_vote(vote, now_ms, out);
        }
    }

    /// The vote goes to the next leader and to the leaders of the views after it on the same
    /// block, `f + 1` validators in all, who aggregate too: when the next leaders are down, their
    /// views time out but the voted block is still certified (the certificate is broadcast at
    /// once), so the first live leader extends it instead of orphaning it.
    pub(crate) fn send_vote(&mut self, vote: SignedVote, now_ms: u64, out: &mut Vec<Action>) {
        let aggregators = self.aggregators(vote.data.view, &vote.data.block_hash);
        if aggregators.is_empty() {
            // The glue notes a block's schedule when it imports it, before it is voted for; if
            // it did not, everyone may aggregate.
            out.push(Action::Broadcast(Message::Vote(vote.clone())));
            self.accept_vote(vote, now_ms, out);
            return;
        }
        for to in aggregators {
            if Some(to) == self.my_index() {
                self.accept_vote(vote.clone(), now_ms, out);
            } else {
                out.push(Action::SendTo(to, Message::Vote(vote.clone())));
            }
        }
    }

    /// Who aggregates the votes for `block` of `view`: the first `f + 1` distinct leaders of the
    /// views after it on that block, so that at least one is correct (empty while its schedule is
    /// unknown here). The next leader comes first.
    pub(crate) fn aggregators(&self, view: View, block: &H256) -> Vec<u32> {
        let want = self.set.max_faulty() + 1;
        let mut who = Vec::with_capacity(want);
        for d in 1..=self.n() as u64 {
            let Some(leader) = self.leader_on(view.saturating_add(d), block) else { return Vec::new() };
            if !who.contains(&leader) {
                who.push(leader);
                if who.len() >= want {
                    break;
                }
            }
        }
        who
    }

    /// Keeps the latest [`MAX_READY_PER_VIEW`] imported blocks of `view`, and always those of its
    /// known proposals.
    fn note_ready(&mut self, view: View, hash: H256) {
        let proposed: Vec<H256> = self.proposals.get(&view).into_iter().flatten().map(|sp| sp.proposal.block.hash).collect();
        let blocks = self.ready.entry(view).or_default();
        if blocks.contains(&hash) {
            return;
        }
        if blocks.len() >= MAX_READY_PER_VIEW {
            match blocks.iter().position(|b| !proposed.contains(b)) {
                Some(i) => {
                    blocks.remove(i);
                }
                None if !proposed.contains(&hash) => return,
                None => {}
            }
        }
        blocks.push_back(hash);
    }

    /// The glue imported and executed block `hash`, proposed in `view`: it may now be voted for.
    pub fn on_proposal_block_ready(&mut self, view: View, hash: H256, now_ms: u64) -> Vec<Action> {
        let mut out = Vec::new();
        if view < self.view || view > self.view.saturating_add(VIEW_WINDOW) {
            return out;
        }
        // Only a proposal's block can get a vote: the latest few candidates per view, and every
        // known proposal's block. The bound is per view because only a view's leaders can seal
        // its blocks: a byzantine leader flooding the views it leads fills its own views' slots,
        // never another's, and never evicts a proposed block. The oldest candidate makes way for a
        // newer one, because a leader's real block comes after the stall blocks it may have sealed
        // for the same view while the set was stalled.
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
