//! Zero-cost proof retrieval: `bpci_proveFinality` and `bpci_proofBundle`.
//!
//! Both return one hex string: a SCALE [`ProofBundle`] (format in `bpci_verifier::bundle`) that
//! anyone checks offline from a validator set they trust (`bpci-node verify-proof`, or the
//! `bpci-verifier` crate). Not every final block has its own justification, so a bundle carries
//! the headers from the proven block up to the first justified one, and the recorded hand-overs
//! ([`crate::handovers`]) from the caller's set to the set that justified it.
//!
//! Free and unsigned; bounded in what one call may ask (keys, key length, headers, hand-overs).
//! The node's `--rpc-rate-limit` bounds calls per connection.

use crate::handovers;
use bpci_consensus::digests::find_pre_digest;
use bpci_primitives::bundle::{BundleV1, ProofBundle};
use bpci_primitives::qc::FinalityJustification;
use bpci_primitives::trie::Blake2;
use bpci_primitives::{SetId, BPCI_ENGINE_ID};
use codec::{Decode, Encode};
use jsonrpsee::core::RpcResult;
use jsonrpsee::proc_macros::rpc;
use jsonrpsee::types::ErrorObjectOwned;
use sc_client_api::{AuxStore, BlockBackend, ProofProvider};
use sp_blockchain::HeaderBackend;
use sp_core::{Bytes, H256};
use sp_runtime::traits::{Block as BlockT, Header as HeaderT};
use std::marker::PhantomData;
use std::sync::Arc;

/// Most keys one bundle reads.
pub const MAX_KEYS: usize = 64;
/// Longest key.
pub const MAX_KEY_LEN: usize = 1024;
/// Most headers between the proven block and the justified one a bundle carries.
pub const MAX_HEADERS: u32 = 4096;
/// Most hand-overs a bundle carries; a caller that trusts an older set asks in steps.
pub const MAX_HANDOVERS: usize = 256;

#[rpc(server)]
pub trait BpciProofsApi {
    /// Proof that `block` (default: the last finalized) is final, for a verifier that trusts the
    /// set `from_set_id`: a hex SCALE `ProofBundle` without keys.
    #[method(name = "bpci_proveFinality")]
    fn prove_finality(&self, block: Option<H256>, from_set_id: SetId) -> RpcResult<String>;

    /// [`Self::prove_finality`] plus a read proof of `keys` at `block` (whose state the node must
    /// still hold: recent blocks unless it keeps archive state).
    #[method(name = "bpci_proofBundle")]
    fn proof_bundle(&self, keys: Vec<Bytes>, block: Option<H256>, from_set_id: SetId) -> RpcResult<String>;
}

pub struct Proofs<C, B> {
    client: Arc<C>,
    _block: PhantomData<B>,
}

impl<C, B> Proofs<C, B> {
    pub fn new(client: Arc<C>) -> Self {
        Self { client, _block: PhantomData }
    }
}

/// A caller's mistake (JSON-RPC invalid params).
pub(crate) fn invalid(msg: impl Into<String>) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(-32602, msg.into(), None::<()>)
}

/// What this node cannot serve.
pub(crate) fn unavailable(msg: impl Into<String>) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(-32000, msg.into(), None::<()>)
}

impl<C, B> Proofs<C, B>
where
    B: BlockT<Hash = H256>,
    <B::Header as HeaderT>::Number: Into<u32> + From<u32>,
    C: HeaderBackend<B> + BlockBackend<B> + ProofProvider<B> + AuxStore + Send + Sync + 'static,
{
    fn header(&self, hash: H256) -> Result<B::Header, ErrorObjectOwned> {
        self.client.header(hash).map_err(|e| unavailable(e.to_string()))?.ok_or_else(|| invalid(format!("unknown block {hash:?}")))
    }

    fn canonical(&self, number: u32) -> Result<H256, ErrorObjectOwned> {
        self.client.hash(number.into()).map_err(|e| unavailable(e.to_string()))?.ok_or_else(|| unavailable(format!("no block #{number}")))
    }

    fn bundle(&self, keys: Vec<Vec<u8>>, block: Option<H256>, from_set_id: SetId) -> Result<String, ErrorObjectOwned> {
        if keys.len() > MAX_KEYS || keys.iter().any(|k| k.len() > MAX_KEY_LEN) {
            return Err(invalid(format!("at most {MAX_KEYS} keys of at most {MAX_KEY_LEN} bytes")));
        }
        let info = self.client.info();
        let finalized: u32 = info.finalized_number.into();
        let hash = block.unwrap_or(info.finalized_hash);
        let header = self.header(hash)?;
        let number: u32 = (*header.number()).into();
        if number > finalized || self.canonical(number)? != hash {
            return Err(invalid(format!("block {hash:?} is not finalized")));
        }
        // The first justified block from the proven one up: it is final, so its ancestors are.
        let mut headers = vec![header.encode()];
        let mut justified = None;
        let mut current = header.clone();
        for n in number..=finalized.min(number.saturating_add(MAX_HEADERS)) {
            if n > number {
                current = self.header(self.canonical(n)?)?;
                headers.push(current.encode());
            }
            let raw = self.client.justifications(current.hash()).map_err(|e| unavailable(e.to_string()))?;
            if let Some(raw) = raw.as_ref().and_then(|j| j.get(BPCI_ENGINE_ID)) {
                justified = Some(FinalityJustification::decode(&mut &raw[..]).map_err(|e| unavailable(e.to_string()))?);
                break;
            }
        }
        let Some(justification) = justified else {
            return Err(unavailable(format!("no justified block within {MAX_HEADERS} blocks of #{number}")));
        };
        // The justification is by the set of the justified block's epoch, which its pre-digest names.
        let set_id = find_pre_digest(&current).map_err(unavailable)?.set_id;
        let handovers = self.handovers(from_set_id, set_id)?;
        let (read_proof, values) = if keys.is_empty() {
            (Vec::new(), Vec::new())
        } else {
            let proof = self
                .client
                .read_proof(hash, &mut keys.iter().map(|k| &k[..]))
                .map_err(|e| unavailable(format!("the state of {hash:?} is gone (pruned?): {e}")))?;
            let nodes = proof
                .into_compact_proof::<Blake2>(*header.state_root())
                .map_err(|e| unavailable(format!("cannot compact the read proof: {e:?}")))?
                .encoded_nodes;
            let values = bpci_primitives::trie::read_compact::<Blake2>(*header.state_root(), &keys, nodes.clone())
                .map_err(|e| unavailable(format!("the node's own read proof does not verify: {e}")))?;
            (nodes, values)
        };
        let genesis = info.genesis_hash;
        let bundle = ProofBundle::V1(BundleV1 { genesis, handovers, headers, justification, keys, values, read_proof });
        Ok(format!("0x{}", hex::encode(bundle.encode())))
    }

    /// The recorded hand-overs from set `from` to set `to`, in order.
    fn handovers(&self, from: SetId, to: SetId) -> Result<Vec<bpci_primitives::bundle::Handover>, ErrorObjectOwned> {
        let mut chain = Vec::new();
        let mut current = to;
        while current != from {
            if current < from {
                return Err(invalid(format!("set {from} is not an ancestor of set {to}")));
            }
            if chain.len() >= MAX_HANDOVERS {
                return Err(invalid(format!("more than {MAX_HANDOVERS} hand-overs from set {from}: ask from a later set")));
            }
            let handover = handovers::load(&*self.client, current)
                .map_err(unavailable)?
                .ok_or_else(|| unavailable(format!("no hand-over into set {current} is recorded (set {from} is older than this node's record)")))?;
            current = handover.certificate.set_id;
            chain.push(handover);
        }
        chain.reverse();
        Ok(chain)
    }
}

impl<C, B> BpciProofsApiServer for Proofs<C, B>
where
    B: BlockT<Hash = H256>,
    <B::Header as HeaderT>::Number: Into<u32> + From<u32>,
    C: HeaderBackend<B> + BlockBackend<B> + ProofProvider<B> + AuxStore + Send + Sync + 'static,
{
    fn prove_finality(&self, block: Option<H256>, from_set_id: SetId) -> RpcResult<String> {
        self.bundle(Vec::new(), block, from_set_id)
    }

    fn proof_bundle(&self, keys: Vec<Bytes>, block: Option<H256>, from_set_id: SetId) -> RpcResult<String> {
        self.bundle(keys.into_iter().map(|k| k.0).collect(), block, from_set_id)
    }
}
