//! BPCI's own JSON-RPC methods, beside the standard Substrate set.

use bpci_consensus::{ConsensusStatus, SharedStatus};
use jsonrpsee::{core::RpcResult, proc_macros::rpc};

#[rpc(server)]
pub trait BpciApi {
    /// The consensus engine's view of itself: role, set, current view and leader, the highest
    /// quorum certificate and the last finalized block.
    #[method(name = "bpci_consensusStatus")]
    fn consensus_status(&self) -> RpcResult<ConsensusStatus>;
}

pub struct Bpci {
    status: SharedStatus,
}

impl Bpci {
    pub fn new(status: SharedStatus) -> Self {
        Self { status }
    }
}

impl BpciApiServer for Bpci {
    fn consensus_status(&self) -> RpcResult<ConsensusStatus> {
        Ok(self.status.read().clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn status_is_served_as_camel_case_json() {
        let status = SharedStatus::default();
        status.write().view = 42;
        status.write().role = "validator".into();
        let module = Bpci::new(status).into_rpc();
        let value: serde_json::Value = module.call("bpci_consensusStatus", jsonrpsee::rpc_params![]).await.unwrap();
        assert_eq!(value["view"], 42);
        assert_eq!(value["role"], "validator");
        assert!(value.get("lastFinalized").is_some());
    }
}
