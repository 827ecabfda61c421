//! `bpci_auditRange`: the audit records of a range of finalized blocks, with what proves them.
//!
//! For blocks `from..=to` below a finalized checkpoint (default: the finalized head) it returns
//! each block's records, in order, as the node's offchain database holds them (written by
//! offchain indexing when the block was imported: `pallet-audit`), and one MMR proof
//! (`MmrApi::generate_proof` at the checkpoint) of the blocks' leaves in the log whose root the
//! checkpoint's header carries. Nothing here is to be trusted: `bpci-node verify-audit` checks
//! the leaves against the checkpoint's header and each block's records against its leaf. A block's
//! leaf is in the log from the next block on, so `to` must be below the checkpoint.
//!
//! Free and unsigned; at most [`MAX_BLOCKS`] blocks a call.

use crate::proofs::{invalid, unavailable};
use bpci_primitives::audit::{find_digest, AuditDigest};
use codec::{Decode, Encode};
use jsonrpsee::core::RpcResult;
use jsonrpsee::proc_macros::rpc;
use jsonrpsee::types::ErrorObjectOwned;
use sp_api::{ApiExt, ProvideRuntimeApi};
use sp_blockchain::HeaderBackend;
use sp_core::offchain::{storage::OffchainDb, DbExternalities, OffchainDbExt, OffchainStorage, StorageKind};
use sp_core::H256;
use sp_mmr_primitives::MmrApi;
use sp_runtime::traits::{Block as BlockT, Header as HeaderT};
use std::marker::PhantomData;
use std::sync::Arc;

/// Most blocks one call covers; an export asks in steps.
pub const MAX_BLOCKS: u32 = 1024;
/// Most records one call returns: a caller whose range holds more asks for fewer blocks.
pub const MAX_RECORDS: usize = 16_384;

#[rpc(server)]
pub trait BpciAuditApi {
    /// The records of blocks `from..=to` and an MMR proof of their leaves at `at` (default: the
    /// finalized head), a finalized block above `to`.
    #[method(name = "bpci_auditRange")]
    fn audit_range(&self, from: u32, to: u32, at: Option<H256>) -> RpcResult<serde_json::Value>;
}

pub struct Audit<C, B, S> {
    client: Arc<C>,
    offchain: OffchainDb<S>,
    _block: PhantomData<B>,
}

impl<C, B, S: OffchainStorage> Audit<C, B, S> {
    pub fn new(client: Arc<C>, offchain: S) -> Self {
        Self { client, offchain: OffchainDb::new(offchain), _block: PhantomData }
    }
}

fn hex0x(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// The audit digest of a header, if it has one.
pub fn header_digest<H: HeaderT>(header: &H) -> Option<AuditDigest> {
    find_digest(header.digest().logs().iter().filter_map(|l| l.as_consensus()))
}

impl<C, B, S> Audit<C, B, S>
where
    B: BlockT<Hash = H256>,
    <B::Header as HeaderT>::Number: Into<u32> + From<u32>,
    C: HeaderBackend<B> + ProvideRuntimeApi<B> + Send + Sync + 'static,
    C::Api: MmrApi<B, H256, <B::Header as HeaderT>::Number>,
    S: OffchainStorage + 'static,
{
    fn header(&self, hash: H256) -> Result<B::Header, ErrorObjectOwned> {
        self.client.header(hash).map_err(|e| unavailable(e.to_string()))?.ok_or_else(|| invalid(format!("unknown block {hash:?}")))
    }

    fn canonical(&self, number: u32) -> Result<H256, ErrorObjectOwned> {
        self.client.hash(number.into()).map_err(|e| unavailable(e.to_string()))?.ok_or_else(|| unavailable(format!("no block #{number}")))
    }

    fn offchain_get(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.offchain.clone().local_storage_get(StorageKind::PERSISTENT, key)
    }

    /// Block `number`'s records, in order, from the offchain database.
    fn records(&self, number: u32, digest: &AuditDigest) -> Result<Vec<Vec<u8>>, ErrorObjectOwned> {
        if digest.records.count == 0 {
            return Ok(Vec::new());
        }
        let missing = || {
            unavailable(format!(
                "the records of #{number} are not in this node's offchain database (it must import blocks with offchain \
                 indexing, which bpci-node always enables; a node synced by another client, or by warp sync, lacks them)"
            ))
        };
        let raw = self.offchain_get(&pallet_audit::leaves_key(number as u64, &digest.records.root)).ok_or_else(missing)?;
        let leaves = Vec::<H256>::decode(&mut &raw[..]).map_err(|_| missing())?;
        leaves.iter().map(|leaf| self.offchain_get(&pallet_audit::record_key(leaf)).ok_or_else(missing)).collect()
    }

    fn range(&self, from: u32, to: u32, at: Option<H256>) -> Result<serde_json::Value, ErrorObjectOwned> {
        let info = self.client.info();
        let finalized: u32 = info.finalized_number.into();
        let at = at.unwrap_or(info.finalized_hash);
        let checkpoint = self.header(at)?;
        let at_number: u32 = (*checkpoint.number()).into();
        if at_number > finalized || self.canonical(at_number)? != at {
            return Err(invalid(format!("the checkpoint {at:?} is not finalized")));
        }
        if from > to {
            return Err(invalid(format!("from #{from} is after to #{to}")));
        }
        if to >= at_number {
            return Err(invalid(format!(
                "block #{to}'s records are in the log from block #{} on; the checkpoint is #{at_number}",
                to.saturating_add(1)
            )));
        }
        if to - from >= MAX_BLOCKS {
            return Err(invalid(format!("at most {MAX_BLOCKS} blocks a call")));
        }
        let log = header_digest(&checkpoint).ok_or_else(|| invalid(format!("the checkpoint #{at_number} carries no audit log")))?.log;
        let mut blocks = Vec::new();
        let mut total = 0usize;
        for number in from..=to {
            let hash = self.canonical(number)?;
            let header = self.header(hash)?;
            let digest = header_digest(&header).unwrap_or_default();
            total = total.saturating_add(digest.records.count as usize);
            if total > MAX_RECORDS {
                return Err(invalid(format!("more than {MAX_RECORDS} records in #{from}..#{number}: ask for fewer blocks")));
            }
            let records = self.records(number, &digest)?;
            blocks.push(serde_json::json!({
                "number": number,
                "hash": format!("{hash:?}"),
                "records": records.iter().map(|r| hex0x(r)).collect::<Vec<_>>(),
            }));
        }
        let mut api = self.client.runtime_api();
        api.register_extension(OffchainDbExt::new(self.offchain.clone()));
        // pallet-mmr names a leaf by the block that appended it, the one after the leaf's own.
        let appended_in: Vec<_> = (from..=to).map(|n| (n + 1).into()).collect();
        let (leaves, proof) = api
            .generate_proof(at, appended_in, Some(at_number.into()))
            .map_err(|e| unavailable(e.to_string()))?
            .map_err(|e| unavailable(format!("the log cannot prove #{from}..#{to} at #{at_number}: {e:?}")))?;
        Ok(serde_json::json!({
            "checkpoint": { "number": at_number, "hash": format!("{at:?}") },
            "log": { "leaves": log.leaves, "root": format!("{:?}", log.root) },
            "blocks": blocks,
            "leaves": leaves.into_iter().map(|l| hex0x(&l.into_opaque_leaf().0)).collect::<Vec<_>>(),
            "logProof": hex0x(&proof.encode()),
        }))
    }
}

impl<C, B, S> BpciAuditApiServer for Audit<C, B, S>
where
    B: BlockT<Hash = H256>,
    <B::Header as HeaderT>::Number: Into<u32> + From<u32>,
    C: HeaderBackend<B> + ProvideRuntimeApi<B> + Send + Sync + 'static,
    C::Api: MmrApi<B, H256, <B::Header as HeaderT>::Number>,
    S: OffchainStorage + 'static,
{
    fn audit_range(&self, from: u32, to: u32, at: Option<H256>) -> RpcResult<serde_json::Value> {
        self.range(from, to, at)
    }
}
