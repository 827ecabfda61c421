//! Handing finality to the client: what the engine proved final, in order, once imported.

use bpci_consensus_core::{BlockInfo, SafetyData};
use bpci_primitives::{
    qc::{FinalityJustification, FinalityProof},
    BPCI_ENGINE_ID,
};
use codec::Encode;
use sc_client_api::{Backend, Finalizer};
use sp_blockchain::HeaderBackend;
use sp_core::H256;
use sp_runtime::traits::{Block as BlockT, Header as HeaderT};
use std::collections::BTreeMap;

/// A crash between persisting a certificate and finalizing what it proves leaves the block
/// unfinalized; the persisted certificate still proves it, so finalize it now.
pub(crate) fn recover_finality(safety: &SafetyData, pending: &mut BTreeMap<u32, (BlockInfo, FinalityJustification)>) {
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
pub(crate) fn finalize_ready<B, C, BE>(
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
