//! Who leads a view: rotation over the validators that recently proposed (leader reputation).
//!
//! A crashed or silent validator's views end by timeout, and with plain rotation every one of its
//! turns costs the whole set a timeout: one validator of four down cut the finalized block rate to
//! 15% of the healthy one. Following DiemBFT/Aptos, leaders are chosen from the record of the
//! chain a block extends, so every node that sees the same parent picks the same leader, and a
//! block's importer checks its proposer with nothing but the parent's ancestry.
//!
//! The record is *who proposed* the last [`window`] blocks of the set ending at the parent: a
//! validator whose block is in that window is *active*. Being a signer of a certificate counts for
//! nothing: the leader that aggregates picks which `2f + 1` signatures go in, so byzantine leaders
//! could starve honest validators of that kind of credit. Views rotate over the active validators,
//! except that every [`PROBATION_EVERY`]-th round of `n` views rotates over the whole set: that is
//! the floor that lets a validator that recovered, or one whose blocks a byzantine successor keeps
//! orphaning, lead again. The window of `2n` blocks holds every active validator about twice, so
//! one missed turn does not exclude anybody; two in a row do.
//!
//! An epoch starts with everyone active (its record is empty), as does any chain shorter than the
//! window, which keeps plain rotation for the first `2n` blocks of every set.

use crate::{Action, Crypto, Engine, Message, SignedProposal, BLOCK_CACHE, MAX_SCHEDULE_REQUESTS, VIEW_WINDOW};
use bpci_primitives::View;
use sp_core::H256;

/// Every `PROBATION_EVERY`-th round of `n` views is led in plain rotation over the whole set.
pub const PROBATION_EVERY: u64 = 5;

/// How many blocks (the parent and its ancestors of the same set) the record reads.
pub fn window(n: usize) -> usize {
    n.saturating_mul(2)
}

/// Leaders of the views that may extend one block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    n: u32,
    /// Sorted validator indices that proposed a block of the window; `None`: everyone (too short
    /// a record, or nobody excluded).
    active: Option<Vec<u32>>,
}

impl Schedule {
    /// Everyone leads in turn: the schedule of an epoch's root.
    pub fn everyone(n: usize) -> Self {
        Self { n: n as u32, active: None }
    }

    /// The schedule of children of a block, from the proposers of that block and its ancestors of
    /// the same set, newest first (the block's own proposer first). Reads at most [`window`] of
    /// them; fewer than that means the set has not been running long enough to judge anybody.
    pub fn from_proposers(n: usize, proposers: impl IntoIterator<Item = u32>) -> Self {
        let mut seen = vec![false; n];
        let mut count = 0;
        for p in proposers.into_iter().take(window(n)) {
            count += 1;
            if let Some(s) = seen.get_mut(p as usize) {
                *s = true;
            }
        }
        if count < window(n) || seen.iter().all(|s| *s) {
            return Self::everyone(n);
        }
        let active: Vec<u32> = (0..n as u32).filter(|i| seen[*i as usize]).collect();
        // Proposers out of range cannot occur in imported blocks; if every one were, fall back.
        if active.is_empty() {
            return Self::everyone(n);
        }
        Self { n: n as u32, active: Some(active) }
    }

    /// The leader of `view`, for a block extending the block this schedule belongs to.
    pub fn leader(&self, view: View) -> Option<u32> {
        let n = u64::from(self.n);
        if n == 0 {
            return None;
        }
        let round = view / n;
        match &self.active {
            Some(active) if round % PROBATION_EVERY != PROBATION_EVERY - 1 => {
                let i = (view % active.len() as u64) as usize;
                Some(active[i])
            }
            _ => Some((view % n) as u32),
        }
    }

    /// Validators excluded outside probation rounds (empty when everyone leads).
    pub fn excluded(&self) -> Vec<u32> {
        match &self.active {
            Some(active) => (0..self.n).filter(|i| !active.contains(i)).collect(),
            None => Vec::new(),
        }
    }
}

impl<C: Crypto> Engine<C> {
    /// The glue imported `block` and computed the schedule of the views that may extend it
    /// ([`Schedule::from_proposers`] over its ancestry). Call it for every imported block of the
    /// epoch before [`Engine::on_proposal_block_ready`] of its children.
    pub fn note_schedule(&mut self, block: H256, schedule: Schedule, now_ms: u64) -> Vec<Action> {
        let mut out = Vec::new();
        if self.schedules.contains_key(&block) {
            return out;
        }
        if self.schedule_order.len() >= BLOCK_CACHE {
            if let Some(old) = self.schedule_order.pop_front() {
                self.schedules.remove(&old);
            }
        }
        self.schedule_order.push_back(block);
        self.schedules.insert(block, schedule);
        self.schedule_requests.retain(|h| *h != block);
        let waiting: Vec<SignedProposal> = self
            .unscheduled
            .values_mut()
            .flat_map(|ps| {
                let (now, later) = ps.drain(..).partition(|p| p.proposal.block.parent_hash == block);
                *ps = later;
                now
            })
            .collect();
        self.unscheduled.retain(|_, ps| !ps.is_empty());
        for p in waiting {
            out.extend(self.on_message(Message::Proposal(p), now_ms));
        }
        self.maybe_propose(&mut out);
        self.try_vote(now_ms, &mut out);
        out
    }

    /// The leader of `view` for a block extending `parent`: `None` while `parent`'s schedule is
    /// unknown here. An epoch's roots start with everyone.
    pub fn leader_on(&self, view: View, parent: &H256) -> Option<u32> {
        if self.roots.contains_key(parent) || *parent == self.genesis.hash {
            return Schedule::everyone(self.n()).leader(view);
        }
        self.schedules.get(parent)?.leader(view)
    }

    /// Asks the glue for `block`'s schedule, once until it is noted.
    pub(crate) fn request_schedule(&mut self, block: H256, out: &mut Vec<Action>) {
        if self.schedule_requests.contains(&block) {
            return;
        }
        if self.schedule_requests.len() >= MAX_SCHEDULE_REQUESTS {
            self.schedule_requests.pop_front();
        }
        self.schedule_requests.push_back(block);
        out.push(Action::NeedSchedule(block));
    }

    /// Keeps a proposal whose parent's schedule is unknown until it is: one per view and
    /// proposer, views as for votes, signature checked (a bad one is the sender's misbehaviour,
    /// so that junk costs its sender and not only this node's CPU), so that nobody can take the
    /// real leader's place.
    pub(crate) fn hold_unscheduled(&mut self, sp: SignedProposal, out: &mut Vec<Action>) {
        let view = sp.proposal.view;
        if view.saturating_add(1) < self.view || view > self.view.saturating_add(VIEW_WINDOW) {
            return;
        }
        let Some(public) = self.set.validators.get(sp.proposer as usize) else { return };
        if self.unscheduled.get(&view).is_some_and(|held| held.iter().any(|h| h.proposer == sp.proposer)) {
            return;
        }
        if !C::verify(public, &sp.proposal.signing_message(&self.chain), &sp.signature) {
            out.push(Action::Misbehaviour { reason: "bad proposal signature" });
            return;
        }
        self.request_schedule(sp.proposal.block.parent_hash, out);
        self.unscheduled.entry(view).or_default().push(sp);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_record_keeps_plain_rotation() {
        let s = Schedule::from_proposers(4, [3, 2, 1, 0, 3, 2, 1, 0]);
        assert_eq!(s, Schedule::everyone(4));
        assert_eq!((0..8).map(|v| s.leader(v).unwrap()).collect::<Vec<_>>(), vec![0, 1, 2, 3, 0, 1, 2, 3]);
    }

    #[test]
    fn a_short_record_judges_nobody() {
        // Validator 3 is missing, but only 7 blocks of a window of 8 exist.
        let s = Schedule::from_proposers(4, [2, 1, 0, 2, 1, 0, 2]);
        assert!(s.excluded().is_empty());
    }

    #[test]
    fn a_validator_absent_from_the_window_is_skipped_except_in_probation_rounds() {
        let s = Schedule::from_proposers(4, [2, 1, 0, 2, 1, 0, 2, 1, 3]);
        assert_eq!(s.excluded(), vec![3], "the 9th block is outside the window");
        for view in 0..4 * PROBATION_EVERY * 3 {
            let leader = s.leader(view).unwrap();
            if (view / 4) % PROBATION_EVERY == PROBATION_EVERY - 1 {
                assert_eq!(leader, (view % 4) as u32, "probation rounds rotate over everyone");
            } else {
                assert_ne!(leader, 3, "view {view}");
            }
        }
        // Each active validator leads equally often outside probation.
        let mut counts = [0; 4];
        for view in 0..60 {
            if (view / 4) % PROBATION_EVERY != PROBATION_EVERY - 1 {
                counts[s.leader(view).unwrap() as usize] += 1;
            }
        }
        assert_eq!(counts[3], 0);
        assert!(counts[..3].iter().all(|c| *c >= 15), "{counts:?}");
    }

    #[test]
    fn one_missed_turn_excludes_nobody() {
        // Validator 3 missed its turn once: its other block is still in the window.
        let s = Schedule::from_proposers(4, [2, 1, 0, 2, 1, 0, 3, 2]);
        assert!(s.excluded().is_empty());
    }

    #[test]
    fn out_of_range_proposers_and_empty_sets_do_not_panic() {
        assert_eq!(Schedule::from_proposers(0, [1, 2]).leader(5), None);
        let s = Schedule::from_proposers(2, [7, 7, 7, 7]);
        assert_eq!(s.leader(3), Some(1));
    }
}
