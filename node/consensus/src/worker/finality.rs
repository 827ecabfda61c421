//! Handing finality to the client: what the engine proved final, in order, once imported.

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
    /// Finalizes, in order, what is proven and imported. Clients watching transactions see
    /// `InBlock` before `Finalized` however fast this is: the node's transaction pool paces its
    /// statuses (`node/src/txpool.rs`).
    pub(super) fn finalize_ready(&mut self) {
        finalize_ready(&*self.client, &mut self.pending_final);
    }

    /// Records a proof of `block`'s finality for the client.
    pub(super) fn prove_final(&mut self, block: BlockInfo, justification: FinalityJustification) {
        self.pending_final.insert(block.number, (block, justification));
        while self.pending_final.len() > MAX_PENDING_FINAL {
            self.pending_final.pop_first();
        }
    }

    /// The BPCI justification stored with a block, if any.
    pub(super) fn stored_justification(&self, hash: H256) -> Option<FinalityJustification> {
        let raw = self.client.justifications(hash).ok().flatten()?.get(BPCI_ENGINE_ID)?.clone();
        FinalityJustification::decode(&mut &raw[..]).ok()
    }
}

/// A crash between persisting a certificate and finalizing what it proves leaves the block
/// unfinalized; the persisted certificate still proves it, so finalize it now.
pub(super) fn recover_finality(safety: &SafetyData, pending: &mut BTreeMap<u32, (BlockInfo, FinalityJustification)>) {
    let Some(qc) = &safety.high_qc else { return };
    // The first block of an epoch extends a root, which is final by the previous epoch's rules.
    if qc.data.parent_view == 0 {
        return;
    }
    let Some(justification) = FinalityJustification::from_proof(&FinalityProof::Child(qc.clone())) else { return };
    let number = qc.data.block_number.saturating_sub(1);
    let block = BlockInfo { hash: qc.data.parent_hash, number, parent_hash: H256::zero() };
    pending.insert(number, (block, justification));
}

/// Finalizes, in order, the pending blocks this node has imported; keeps the rest for later.
/// A block that can never be finalized here (it conflicts with what is final) is dropped with
/// an error in the log: the engine's safety makes that impossible unless the database was
/// tampered with, and stopping the node would not mend it.
pub(super) fn finalize_ready<B, C, BE>(
    client: &C,
    pending: &mut BTreeMap<u32, (BlockInfo, FinalityJustification)>,
) where
    B: BlockT<Hash = H256>,
    <B::Header as HeaderT>::Number: Into<u32> + From<u32>,
    BE: Backend<B>,
    C: HeaderBackend<B> + Finalizer<B, BE>,
{
    let finalized: u32 = client.info().finalized_number.into();
    pending.retain(|n, _| *n > finalized);
    // Only the highest importable block needs finalizing: its ancestors follow implicitly.
    let Some((&number, (block, justification))) =
        pending.iter().rev().find(|(_, (b, _))| client.header(b.hash).ok().flatten().is_some())
    else {
        return;
    };
    match client.finalize_block(block.hash, Some((BPCI_ENGINE_ID, justification.encode())), true) {
        Ok(()) => log::debug!(target: "bpci", "finalized #{} {:?}", block.number, block.hash),
        Err(e) => log::error!(target: "bpci", "cannot finalize #{} {:?}: {e}", block.number, block.hash),
    }
    pending.retain(|n, _| *n > number);
}
