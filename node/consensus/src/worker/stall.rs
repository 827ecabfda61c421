//! The emergency path: stall blocks, runs, and the consent to a forced change.

use super::*;

/// A stall block, as a place to extend a run.
#[derive(Clone)]
pub(super) struct StallTip {
    pub(super) hash: H256,
    pub(super) number: u32,
    pub(super) view: u64,
    pub(super) sealer: u32,
    /// The certificate of the run's base.
    pub(super) base: Option<QuorumCertificate>,
}

impl StallTip {
    /// Runs on a higher base win (every validator whose certificate is at most that high may
    /// join them), then longer ones.
    pub(super) fn rank(&self) -> (u64, u32) {
        (self.base.as_ref().map_or(0, |qc| qc.data.view), self.number)
    }
}

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
    /// With more than `f` validators gone for good, no certificate forms, no view changes and no
    /// block can carry the root call that replaces them. After [`STALL_MS`] without progress a
    /// validator therefore seals a *stall block* in its turn (see [`STALL_SLOT_MS`]): never
    /// proposed or voted for, nothing is finalized through it, but it carries the transaction
    /// pool, so governance's `force_set` lands.
    ///
    /// Stall blocks form runs on a certified base: this node extends the highest run it knows
    /// whose base is certified at least as high as its own highest certificate, or else starts
    /// one on the block of that certificate. If a forced change is pending in the parent's state,
    /// the stall block is this validator's consent to it, and it first resigns from the epoch
    /// (persisted): it signs nothing more in it. A set in which `2f + 1` still talk never gets
    /// here (a view ends within the back-off cap), so root alone cannot replace a working set.
    ///
    /// Why the base must be that high: a block final in this epoch had commit votes from `2f + 1`
    /// validators that saw its certificate, so of the `f + 1` that consent, one (if the faults are
    /// crashes) had a certificate at least that high, and a base certified at least as high extends
    /// the final block. `docs/consensus.md` says what byzantine consenters can still do.
    pub(super) async fn maybe_stall_block(&mut self) -> Result<(), String> {
        let Some(index) = self.me else { return Ok(()) };
        let now = now_ms();
        let (view, qc_view, finalized) = {
            let e = self.engine.as_ref().expect("running");
            (e.view(), e.high_qc().map_or(0, |qc| qc.data.view), self.client.info().finalized_number.into())
        };
        if (view, qc_view, finalized) != self.progress {
            self.progress = (view, qc_view, finalized);
            self.progress_at = now;
            return Ok(());
        }
        let n = self.set.validators.len() as u64;
        let slot = now / STALL_SLOT_MS;
        if now.saturating_sub(self.progress_at) < STALL_MS || slot == self.last_stall_slot || n == 0 || slot % n != index as u64 {
            return Ok(());
        }
        self.last_stall_slot = slot;
        let high_qc = self.engine.as_ref().expect("running").high_qc().cloned();
        // A run whose base is below this node's certificate is not one it may join: forget it,
        // and start one on that certificate (which then outranks it for everyone).
        if self.stall_tip.as_ref().is_some_and(|t| t.rank().0 < qc_view || self.client.header(t.hash).ok().flatten().is_none()) {
            self.stall_tip = None;
        }
        let (parent_hash, parent_view, parent_sealer, justify) = match (self.stall_tip.clone(), high_qc) {
            (Some(t), _) => (t.hash, t.view, Some(t.sealer), t.base),
            (None, Some(qc)) => (qc.data.block_hash, qc.data.view, None, Some(qc)),
            (None, None) => {
                log::warn!(target: "bpci", "no progress and no certificate in set {}: no stall block can be sealed", self.set.set_id);
                return Ok(());
            }
        };
        // Views of a run rise by at most `n` a block (import's bound), whatever view the engine
        // timed out to.
        let from = parent_view.saturating_add(1);
        let Some(view) = (from..from.saturating_add(n)).find(|v| self.set.leader(*v).map(|(i, _)| i as u32) == Some(index)) else {
            return Ok(());
        };
        let consents = bpci_primitives::stall_block_consents(self.set.validators.len(), parent_sealer, index);
        if consents && self.engine().my_index().is_some() && self.client.runtime_api().force_pending(parent_hash).unwrap_or(false) {
            let data = self.engine().resign();
            aux_schema::store(&*self.client, self.set.set_id, &data)?;
            log::warn!(target: "bpci", "consenting to the pending forced change: this validator signs nothing more in set {}", self.set.set_id);
        }
        let pre = PreDigest { view, set_id: self.set.set_id, proposer_index: index, justify, stall: true };
        match self.build(parent_hash, pre, Vec::new()).await {
            Ok(b) => log::warn!(target: "bpci", "no progress for {} s: sealed stall block #{} {:?} (view {view})", STALL_MS / 1000, b.number, b.hash),
            Err(e) => log::warn!(target: "bpci", "could not build a stall block: {e}"),
        }
        Ok(())
    }
}
