//! The engine's header digests: a `PreRuntime` [`PreDigest`] and a `Seal` with the proposer's BLS
//! signature over the hash of the header without the seal.

use bpci_primitives::{BlsSignature, PreDigest, BPCI_ENGINE_ID};
use codec::{Decode, Encode};
use sp_runtime::{traits::Header as HeaderT, DigestItem};

pub fn pre_digest_item(pre: &PreDigest) -> DigestItem {
    DigestItem::PreRuntime(BPCI_ENGINE_ID, pre.encode())
}

pub fn seal_item(sig: &BlsSignature) -> DigestItem {
    DigestItem::Seal(BPCI_ENGINE_ID, sig.encode())
}

/// The one pre-digest of our engine; more than one, or a malformed one, is an error.
pub fn find_pre_digest<H: HeaderT>(header: &H) -> Result<PreDigest, String> {
    let mut found = None;
    for log in header.digest().logs() {
        if let DigestItem::PreRuntime(id, data) = log {
            if *id == BPCI_ENGINE_ID {
                if found.is_some() {
                    return Err("multiple BPCI pre-digests".into());
                }
                found = Some(PreDigest::decode(&mut &data[..]).map_err(|e| format!("bad pre-digest: {e}"))?);
            }
        }
    }
    found.ok_or_else(|| "no BPCI pre-digest".into())
}

/// Removes and decodes the seal, which must be the header's last digest item.
pub fn take_seal<H: HeaderT>(header: &mut H) -> Result<(DigestItem, BlsSignature), String> {
    let item = header.digest_mut().pop().ok_or("no digest")?;
    match &item {
        DigestItem::Seal(id, data) if *id == BPCI_ENGINE_ID => {
            let sig = BlsSignature::decode(&mut &data[..]).map_err(|e| format!("bad seal: {e}"))?;
            Ok((item, sig))
        }
        _ => Err("last digest item is not a BPCI seal".into()),
    }
}

/// What the proposer signs in the seal: the pre-seal header hash, as a statement of its own kind
/// on the chain of genesis `genesis`.
pub fn seal_message(genesis: &sp_core::H256, pre_hash: &[u8]) -> Vec<u8> {
    bpci_primitives::statement::signing_message(bpci_primitives::statement::StatementKind::Seal, genesis, pre_hash)
}

/// Tags the hand-over digest. A second `PreRuntime` item of its own id, because the block
/// builder keeps only pre-runtime items of the digests it is given, and the seal must cover it.
pub const HANDOFF_ID: sp_runtime::ConsensusEngineId = *b"BPCH";

/// The hand-over proof in the first block of an epoch that the outgoing set ended: its epoch-end
/// certificate, whose `high_qc` certifies the block's parent. In the header, under the seal, so
/// that a light client following the chain finds it there.
pub fn handoff_item(tc: &bpci_consensus_core::TimeoutCertificate) -> DigestItem {
    DigestItem::PreRuntime(HANDOFF_ID, tc.encode())
}

/// The epoch-end certificate a header carries, if any; more than one, or a malformed one, is an error.
pub fn find_handoff<H: HeaderT>(header: &H) -> Result<Option<bpci_consensus_core::TimeoutCertificate>, String> {
    find_certificate(header, HANDOFF_ID, "hand-over")
}

/// Tags the view-change digest, a `PreRuntime` item for the same reasons as [`HANDOFF_ID`].
pub const VIEW_CHANGE_ID: sp_runtime::ConsensusEngineId = *b"BPCV";

/// The timeout certificate of the view before the block's, in a block whose view was entered by
/// timeout (its view is not its parent certificate's plus one): the proof that the view was
/// reached, without which import refuses the block.
pub fn view_change_item(tc: &bpci_consensus_core::TimeoutCertificate) -> DigestItem {
    DigestItem::PreRuntime(VIEW_CHANGE_ID, tc.encode())
}

/// The view-change certificate a header carries, if any; more than one, or a malformed one, is an error.
pub fn find_view_change<H: HeaderT>(header: &H) -> Result<Option<bpci_consensus_core::TimeoutCertificate>, String> {
    find_certificate(header, VIEW_CHANGE_ID, "view-change")
}

fn find_certificate<H: HeaderT>(
    header: &H,
    tag: sp_runtime::ConsensusEngineId,
    what: &str,
) -> Result<Option<bpci_consensus_core::TimeoutCertificate>, String> {
    let mut found = None;
    for log in header.digest().logs() {
        if let DigestItem::PreRuntime(id, data) = log {
            if *id == tag {
                if found.is_some() {
                    return Err(format!("multiple BPCI {what} certificates"));
                }
                let tc = bpci_consensus_core::TimeoutCertificate::decode(&mut &data[..])
                    .map_err(|e| format!("bad {what} certificate: {e}"))?;
                found = Some(tc);
            }
        }
    }
    Ok(found)
}
