//! Safety data in the client's aux database (ParityDB): written, and committed, before any vote
//! or timeout that depends on it leaves the node, so that a restarted validator never signs two
//! different things for one view.

use bpci_consensus_core::SafetyData;
use codec::{Decode, Encode};
use sc_client_api::AuxStore;

const SAFETY_KEY: &[u8] = b"bpci_consensus_safety_v1";

pub fn load<C: AuxStore>(client: &C) -> Result<Option<SafetyData>, String> {
    match client.get_aux(SAFETY_KEY).map_err(|e| e.to_string())? {
        None => Ok(None),
        Some(bytes) => SafetyData::decode(&mut &bytes[..])
            .map(Some)
            .map_err(|e| format!("corrupt consensus safety data: {e}")),
    }
}

pub fn store<C: AuxStore>(client: &C, safety: &SafetyData) -> Result<(), String> {
    let bytes = safety.encode();
    client.insert_aux(&[(SAFETY_KEY, &bytes[..])], &[]).map_err(|e| e.to_string())
}
