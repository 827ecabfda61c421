//! The node's RPC: Substrate's standard set (added by sc-service) plus these.

use bpci_runtime::{opaque::Block, AccountId, Balance, BlockNumber, Nonce};
use jsonrpsee::RpcModule;
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};
use std::sync::Arc;

pub struct FullDeps<C, P, S> {
    pub client: Arc<C>,
    pub pool: Arc<P>,
    pub consensus_status: bpci_consensus::SharedStatus,
    /// The offchain database, where the audit trail's records and log nodes are.
    pub offchain: Option<S>,
}

pub fn create_full<C, P, S>(deps: FullDeps<C, P, S>) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
    C: ProvideRuntimeApi<Block>
        + HeaderBackend<Block>
        + HeaderMetadata<Block, Error = BlockChainError>
        + sc_client_api::BlockBackend<Block>
        + sc_client_api::ProofProvider<Block>
        + sc_client_api::AuxStore
        + Send
        + Sync
        + 'static,
    C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>
        + pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>
        + BlockBuilder<Block>
        + pallet_partners::PartnersApi<Block, AccountId, Balance>
        + pallet_revenue::RevenueApi<Block, AccountId, Balance, BlockNumber>
        + bpci_rpc::health::BridgeApi<Block, AccountId, BlockNumber>
        + sp_mmr_primitives::MmrApi<Block, sp_core::H256, BlockNumber>,
    P: TransactionPool + 'static,
    S: sp_core::offchain::OffchainStorage + 'static,
{
    use bpci_rpc::{Bpci, BpciApiServer, BpciRegistryApiServer, Registry};
    use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
    use substrate_frame_rpc_system::{System, SystemApiServer};

    let mut module = RpcModule::new(());
    let FullDeps { client, pool, consensus_status, offchain } = deps;
    module.merge(System::new(client.clone(), pool).into_rpc())?;
    module.merge(TransactionPayment::new(client.clone()).into_rpc())?;
    module.merge(Registry::<_, Block, AccountId, Balance, BlockNumber>::new(client.clone()).into_rpc())?;
    module.merge(bpci_rpc::health::BpciHealthApiServer::into_rpc(bpci_rpc::health::Health::<_, Block, AccountId, BlockNumber>::new(client.clone())))?;
    module.merge(bpci_rpc::proofs::BpciProofsApiServer::into_rpc(bpci_rpc::proofs::Proofs::<_, Block>::new(client.clone())))?;
    if let Some(offchain) = offchain {
        module.merge(bpci_rpc::audit::BpciAuditApiServer::into_rpc(bpci_rpc::audit::Audit::<_, Block, _>::new(client, offchain)))?;
    }
    module.merge(Bpci::new(consensus_status).into_rpc())?;
    Ok(module)
}
