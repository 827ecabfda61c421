//! What the engine reports about itself (`bpci_consensusStatus`, logs).

use serde::Serialize;
use sp_core::H256;
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
    /// Index in the validator set of the current view's leader.
    pub leader: u32,
    pub last_qc: Option<QcSummary>,
    pub last_finalized: BlockRef,
    /// Equivocations seen so far.
    pub equivocations: u32,
}

pub type SharedStatus = Arc<parking_lot::RwLock<ConsensusStatus>>;
