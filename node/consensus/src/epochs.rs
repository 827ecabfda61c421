//! Which epoch a validator runs when it starts.

use crate::{aux_schema, digests};
use bpci_consensus_core::{BlockInfo, TimeoutCertificate};
use bpci_primitives::{BpciConsensusApi, ValidatorSet};
use sc_client_api::AuxStore;
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::H256;
use sp_runtime::traits::{Block as BlockT, Header as HeaderT};

/// The epoch to run at start: the one the best block's state names, or a later one this node
/// had moved to (its first block not imported yet), as stored in the aux database.
pub(crate) fn initial_epoch<B, C>(client: &C) -> Result<(ValidatorSet, Vec<(BlockInfo, Option<TimeoutCertificate>)>), String>
where
    B: BlockT<Hash = H256>,
    <B::Header as HeaderT>::Number: Into<u32> + From<u32>,
    C: ProvideRuntimeApi<B> + HeaderBackend<B> + AuxStore,
    C::Api: BpciConsensusApi<B>,
{
    let info = client.info();
    let api = client.runtime_api();
    let chain = api.epoch(info.best_hash).map_err(|e| e.to_string())?;
    let stored = aux_schema::load_epoch(client)?;
    if let Some(stored) = stored.clone().filter(|e| e.set_id > chain.set.set_id && !e.roots.is_empty()) {
        let root = &stored.roots[0].0;
        let set = api.validator_set(root.hash).map_err(|e| e.to_string())?;
        if set.set_id == stored.set_id {
            return Ok((set, stored.roots));
        }
    }
    let root = if chain.root_hash.is_zero() {
        BlockInfo { hash: info.genesis_hash, number: 0, parent_hash: H256::zero() }
    } else {
        let parent = client.header(chain.root_hash).ok().flatten().map(|h| *h.parent_hash()).unwrap_or_default();
        BlockInfo { hash: chain.root_hash, number: chain.root_number, parent_hash: parent }
    };
    // The hand-over the epoch's first block carried, in case this node has to build a first
    // block again (no certificate of the epoch yet).
    let handoff = client
        .hash(root.number.saturating_add(1).into())
        .ok()
        .flatten()
        .and_then(|h| client.header(h).ok().flatten())
        .filter(|h| *h.parent_hash() == root.hash)
        .and_then(|h| digests::find_handoff(&h).ok().flatten());
    let mut roots = vec![(root, handoff)];
    if let Some(stored) = stored.filter(|e| e.set_id == chain.set.set_id) {
        for r in stored.roots {
            if !roots.iter().any(|(b, _)| b.hash == r.0.hash) {
                roots.push(r);
            }
        }
    }
    Ok((chain.set, roots))
}
