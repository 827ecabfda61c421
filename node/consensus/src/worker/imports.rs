//! What an imported block changes: epoch starts, forced changes, stall runs, and the engine's
//! view of proposals (with the clock rule for blocks stamped ahead).

use super::*;

impl<B, C, BE, PF, BI> Worker<B, C, BE, PF, BI>
where
    B: BlockT<Hash = H256>,
    <B::Header as HeaderT>::Number: Into<u32> + From<u32>,
    BE: Backend<B>,
    C: ChainClient<B, BE>,
    PF: Environment<B>,
    PF::Proposer: Proposer<B>,
    BI: BlockImport<B>,
{
    /// Epoch changes a new block shows, then the engine's view of it.
    pub(super) fn on_import(&mut self, hash: H256, header: &B::Header) -> Result<(), String> {
        self.latencies.imported((*header.number()).into());
        let number: u32 = (*header.number()).into();
        let pre = digests::find_pre_digest(header).ok();
        if let Some(pre) = &pre {
            // The verifier accepted it, so a block of a later set starts that set's epoch on its
            // parent, and one of this set on a root we did not know adds that root.
            let parent = BlockInfo {
                hash: *header.parent_hash(),
                number: number.saturating_sub(1),
                parent_hash: self.client.header(*header.parent_hash()).ok().flatten().map(|h| *h.parent_hash()).unwrap_or_default(),
            };
            let handoff = digests::find_handoff(header).ok().flatten();
            let starts_epoch = !pre.stall && pre.justify.is_none() && number > 1;
            if pre.set_id > self.set.set_id && starts_epoch {
                let set = self.client.runtime_api().validator_set(parent.hash).map_err(|e| e.to_string())?;
                if set.set_id == pre.set_id {
                    self.enter_epoch(set, vec![(parent, handoff)])?;
                }
            } else if pre.set_id == self.set.set_id && starts_epoch && !self.roots.iter().any(|(r, _)| r.hash == parent.hash) {
                self.roots.push((parent.clone(), handoff));
                self.engine().add_root(parent);
            }
        }
        // Only a stall block can enact a forced change (the runtime's rule, checked on chain data
        // that every node has): one runtime call per stall block, none for ordinary ones.
        if let Some(pre) = pre.as_ref().filter(|p| p.stall && p.set_id == self.set.set_id) {
            let tip = StallTip { hash, number, view: pre.view, sealer: pre.proposer_index, base: pre.justify.clone() };
            if self.stall_tip.as_ref().is_none_or(|t| t.rank() < tip.rank()) {
                self.stall_tip = Some(tip);
            }
            if let Some((set_id, at)) = self.client.runtime_api().forced_change(hash).ok().flatten() {
                if at == number && set_id > self.set.set_id {
                    log::warn!(target: "bpci", "forced change to set {set_id} enacted in #{number} {hash:?}");
                    let set = self.client.runtime_api().validator_set(hash).map_err(|e| e.to_string())?;
                    self.enter_epoch(set, vec![(BlockInfo { hash, number, parent_hash: *header.parent_hash() }, None)])?;
                }
            }
        }
        self.try_pending_root()?;
        // Nobody votes for a stall block, or extends one in this epoch.
        if let Some(pre) = pre.filter(|p| p.set_id == self.set.set_id && !p.stall) {
            self.note_schedule(hash);
            let stamped = clock::chain_time(&*self.client, hash);
            if clock::may_vote_for(stamped, now_ms(), self.block_time) {
                let out = self.engine().on_proposal_block_ready(pre.view, hash, now_ms());
                self.queue.extend(out);
            } else {
                // Not yet: a validator whose clock is a little slow votes once it catches up,
                // if the view is still on; a block stamped far ahead times its view out.
                log::warn!(target: "bpci", "#{number} {hash:?} of view {} is stamped {} ms ahead: no vote yet", pre.view, stamped.saturating_sub(now_ms()));
                if self.early.len() >= MAX_EARLY {
                    self.early.pop_front();
                }
                self.early.push_back((pre.view, hash, stamped));
            }
        }
        if let Some((view, parent_hash, parent_number)) = self.deferred_propose {
            if parent_hash == hash && self.engine().view() == view {
                self.deferred_propose = None;
                self.queue.push_back(Action::Propose { view, parent_hash, parent_number });
            }
        }
        self.finalize_ready();
        Ok(())
    }

    /// Tells the engine who leads the views extending `block` (a block of this epoch's set), on
    /// its import or when the engine asks (`Action::NeedSchedule`); a block not imported yet gets
    /// its schedule when it is.
    pub(super) fn note_schedule(&mut self, block: H256) {
        match crate::schedule::schedule_of(&*self.client, block, &self.set) {
            Ok(schedule) => {
                let out = self.engine().note_schedule(block, schedule, now_ms());
                self.queue.extend(out);
            }
            Err(e) => log::debug!(target: "bpci", "no leader schedule for {block:?} yet: {e}"),
        }
    }

    /// Reports the blocks stamped ahead of this clock once it has caught up with them.
    pub(super) fn release_early(&mut self) {
        let view = self.engine().view();
        let now = now_ms();
        let block_time = self.block_time;
        self.early.retain(|(v, _, _)| *v >= view);
        let due: Vec<_> = self.early.iter().filter(|(_, _, t)| clock::may_vote_for(*t, now, block_time)).copied().collect();
        self.early.retain(|(_, _, t)| !clock::may_vote_for(*t, now, block_time));
        for (v, hash, _) in due {
            let out = self.engine().on_proposal_block_ready(v, hash, now);
            self.queue.extend(out);
        }
    }

    /// When the next block stamped ahead becomes acceptable to this clock.
    pub(super) fn early_due(&self) -> u64 {
        self.early.iter().map(|(_, _, t)| t.saturating_sub(self.block_time)).min().unwrap_or(u64::MAX)
    }
}
