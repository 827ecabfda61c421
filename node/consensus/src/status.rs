//! What the engine reports about itself (`bpci_consensusStatus`, logs).

use bpci_consensus_core::Engine;
use serde::Serialize;
use sp_blockchain::HeaderBackend;
use sp_core::H256;
use sp_runtime::traits::{Block as BlockT, Header as HeaderT};
use std::sync::Arc;

#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct BlockRef {
    pub hash: H256,
    pub number: u32,
}

#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct QcSummary {
    pub view: u64,
    pub block: BlockRef,
    pub signers: u32,
}

#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ConsensusStatus {
    /// "validator" when this node signs, "observer" otherwise.
    pub role: String,
    pub set_id: u64,
    pub validators: u32,
    pub view: u64,
    /// Index in the validator set of the current view's leader on this node's proposal parent;
    /// `None` while that parent's leader schedule is not yet known.
    pub leader: Option<u32>,
    pub last_qc: Option<QcSummary>,
    pub last_finalized: BlockRef,
    /// Equivocations seen so far.
    pub equivocations: u32,
}

pub type SharedStatus = Arc<parking_lot::RwLock<ConsensusStatus>>;

/// Refreshes `status` from the engine and the client.
pub(crate) fn update_status<B: BlockT<Hash = H256>, C: HeaderBackend<B>>(status: &SharedStatus, engine: &Engine, client: &C)
where
    <B::Header as HeaderT>::Number: Into<u32>,
{
    let info = client.info();
    let mut s = status.write();
    s.view = engine.view();
    s.leader = engine.leader(engine.view());
    s.last_qc = engine.high_qc().map(|qc| QcSummary {
        view: qc.data.view,
        block: BlockRef { hash: qc.data.block_hash, number: qc.data.block_number },
        signers: qc.signers.count() as u32,
    });
    s.last_finalized = BlockRef { hash: info.finalized_hash, number: info.finalized_number.into() };
}
