//! The source chain: one raw JSON-RPC call, `bpci_proveFinality`, over subxt's RPC client.

use bpci_primitives::SetId;
use sp_core::H256;
use subxt::rpcs::client::{rpc_params, RpcClient};

/// What asking the source for a proof gave.
pub enum Proof {
    /// The hex SCALE `ProofBundle`.
    Bundle(String),
    /// The source answered with an error (e.g. its last finalized block has no justification
    /// yet, or it recorded no hand-over from the set asked): worth asking again later.
    NotYet(String),
}

pub struct Source {
    rpc: RpcClient,
}

impl Source {
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let rpc = RpcClient::from_insecure_url(url).await?;
        Ok(Self { rpc })
    }

    /// Proof that the source's last finalized block is final, for a verifier that trusts the set
    /// `from_set_id`: the hand-overs from that set on, the headers, the justification.
    pub async fn prove_finality(&self, from_set_id: SetId) -> anyhow::Result<Proof> {
        let res = self.rpc.request::<String>("bpci_proveFinality", rpc_params![Option::<H256>::None, from_set_id]).await;
        match res {
            Ok(bundle) => Ok(Proof::Bundle(bundle)),
            // A method the source does not serve: it is no BPCI node, asking again will not help.
            Err(subxt::rpcs::Error::User(e)) if e.code == -32601 => {
                Err(crate::Fatal(format!("the source does not serve bpci_proveFinality ({e}): is it a BPCI node?")).into())
            }
            Err(subxt::rpcs::Error::User(e)) => Ok(Proof::NotYet(e.to_string())),
            // Transport errors: the caller reconnects.
            Err(e) => Err(e.into()),
        }
    }
}
