//! The node's record of its chain's validator-set hand-overs, for proof bundles.
//!
//! A bundle that starts from an old set needs each hand-over since: the epoch-end certificate (in
//! the header of each epoch's first block, kept forever) and a read proof of the next set at the
//! epoch's root, which needs the root's *state*, gone after state pruning (256 blocks by default).
//! So the node records each hand-over when the first block of an epoch is finalized, while the
//! root's state is still there, in its auxiliary database under the new set's id. A node that
//! finalizes an epoch's first block more than the pruning window after its import (a long sync
//! without archive state) cannot record it and logs so; `docs/bridge.md` says what to run.

use bpci_consensus::digests::find_handoff;
use bpci_primitives::bundle::Handover;
use bpci_primitives::handover::{next_set, set_id_key, validators_key};
use bpci_primitives::trie::Blake2;
use bpci_primitives::SetId;
use codec::{Decode, Encode};
use futures::StreamExt;
use sc_client_api::{AuxStore, BlockchainEvents, ProofProvider};
use sp_blockchain::HeaderBackend;
use sp_core::H256;
use sp_runtime::traits::{Block as BlockT, Header as HeaderT};
use std::sync::Arc;

const PREFIX: &[u8] = b"bpci_handover_v1";

fn key(set_id: SetId) -> Vec<u8> {
    (PREFIX, set_id).encode()
}

/// The recorded hand-over into set `set_id`.
pub fn load<C: AuxStore>(client: &C, set_id: SetId) -> Result<Option<Handover>, String> {
    match client.get_aux(&key(set_id)).map_err(|e| e.to_string())? {
        Some(raw) => Handover::decode(&mut &raw[..]).map(Some).map_err(|e| format!("corrupt hand-over record: {e}")),
        None => Ok(None),
    }
}

/// Records the hand-over `header` carries, if it is the first block of an epoch; returns the new
/// set's id.
pub fn record<B, C>(client: &C, header: &B::Header) -> Result<Option<SetId>, String>
where
    B: BlockT<Hash = H256>,
    C: HeaderBackend<B> + ProofProvider<B> + AuxStore,
{
    let Some(certificate) = find_handoff(header)? else { return Ok(None) };
    let root_hash = *header.parent_hash();
    let root = client.header(root_hash).map_err(|e| e.to_string())?.ok_or("the root header is missing")?;
    let keys = [validators_key(), set_id_key()];
    let proof = client
        .read_proof(root_hash, &mut keys.iter().map(|k| &k[..]))
        .map_err(|e| format!("the root's state is gone (pruned?): {e}"))?;
    let set_proof: Vec<Vec<u8>> = proof.into_iter_nodes().collect();
    let (set_id, _) = next_set::<Blake2>(*root.state_root(), certificate.set_id, set_proof.clone())
        .map_err(|e| format!("the root's state does not prove a next set: {e}"))?;
    let handover = Handover { certificate, root: root.encode(), set_proof };
    client.insert_aux(&[(&key(set_id)[..], &handover.encode()[..])], &[]).map_err(|e| e.to_string())?;
    Ok(Some(set_id))
}

/// Records the hand-overs of every block the client finalizes, as it finalizes them.
pub async fn run<B, C>(client: Arc<C>)
where
    B: BlockT<Hash = H256>,
    C: HeaderBackend<B> + ProofProvider<B> + AuxStore + BlockchainEvents<B> + Send + Sync + 'static,
{
    let mut finality = client.finality_notification_stream();
    while let Some(n) = finality.next().await {
        for hash in n.tree_route.iter().copied().chain(std::iter::once(n.hash)) {
            let Ok(Some(header)) = client.header(hash) else { continue };
            match record::<B, C>(&client, &header) {
                Ok(Some(set_id)) => log::info!(target: "bpci", "recorded the hand-over into set {set_id} at {hash:?}"),
                Ok(None) => {}
                Err(e) => log::warn!(
                    target: "bpci",
                    "cannot record the hand-over at {hash:?}: {e}; bundles from earlier sets will not be served"
                ),
            }
        }
    }
}
