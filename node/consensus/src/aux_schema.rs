//! Consensus state in the client's aux database (ParityDB).
//!
//! Safety data is written, and committed, before any vote or timeout that depends on it leaves
//! the node, so that a restarted validator never signs two different things for one view. It is
//! stored with the id of the set it belongs to: a new epoch starts from fresh safety data (its
//! votes name another set id, so they can never conflict with the old ones).
//!
//! The epoch this node moved to is stored too, with its roots and their hand-over proofs: after
//! a restart between forming an epoch-end certificate and importing the next epoch's first block,
//! the chain alone does not tell yet that the epoch changed.

use bpci_consensus_core::{BlockInfo, SafetyData, TimeoutCertificate};
use bpci_primitives::SetId;
use codec::{Decode, Encode};
use sc_client_api::AuxStore;

const SAFETY_KEY: &[u8] = b"bpci_consensus_safety_v2";
const EPOCH_KEY: &[u8] = b"bpci_consensus_epoch_v1";

/// Roots of an epoch and how each was handed over (`None`: a forced change, or genesis).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, Default)]
pub struct EpochAux {
    pub set_id: SetId,
    pub roots: Vec<(BlockInfo, Option<TimeoutCertificate>)>,
}

fn get<C: AuxStore, T: Decode>(client: &C, key: &[u8], what: &str) -> Result<Option<T>, String> {
    match client.get_aux(key).map_err(|e| e.to_string())? {
        None => Ok(None),
        Some(bytes) => T::decode(&mut &bytes[..]).map(Some).map_err(|e| format!("corrupt consensus {what}: {e}")),
    }
}

/// The safety data of set `set_id`, if this node stored any for it.
pub fn load<C: AuxStore>(client: &C, set_id: SetId) -> Result<Option<SafetyData>, String> {
    Ok(get::<C, (SetId, SafetyData)>(client, SAFETY_KEY, "safety data")?.filter(|(s, _)| *s == set_id).map(|(_, d)| d))
}

pub fn store<C: AuxStore>(client: &C, set_id: SetId, safety: &SafetyData) -> Result<(), String> {
    let bytes = (set_id, safety).encode();
    client.insert_aux(&[(SAFETY_KEY, &bytes[..])], &[]).map_err(|e| e.to_string())
}

pub fn load_epoch<C: AuxStore>(client: &C) -> Result<Option<EpochAux>, String> {
    get(client, EPOCH_KEY, "epoch")
}

pub fn store_epoch<C: AuxStore>(client: &C, epoch: &EpochAux) -> Result<(), String> {
    let bytes = epoch.encode();
    client.insert_aux(&[(EPOCH_KEY, &bytes[..])], &[]).map_err(|e| e.to_string())
}
