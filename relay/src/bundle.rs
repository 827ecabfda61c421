//! A source's proof bundle turned into what the target's client needs, in order: the hand-overs
//! from the set it trusts, then the justified header if it is above the client's best.
//!
//! Pure: nothing here verifies a signature (the target's pallet does, and refuses what does not
//! verify); it only decodes, checks that the bundle is of the client's chain, and orders.

use bpci_primitives::bundle::{BundleV1, ProofBundle};
use bpci_primitives::SetId;
use codec::DecodeAll;
use pallet_bridge::{FinalityProof, PartnerHeader};
use sp_core::H256;

/// One transaction to submit: a proof and what it does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub kind: StepKind,
    pub proof: FinalityProof,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepKind {
    /// A hand-over from set `from_set` to the next one.
    Handover { from_set: SetId },
    /// The finalized header `number` / `hash`.
    Header { number: u32, hash: H256 },
}

/// Why a bundle cannot be relayed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BundleError {
    /// Not hex, or not a SCALE `ProofBundle`.
    Undecodable(String),
    /// The bundle is of another chain than the one the target's client follows.
    WrongChain { bundle: H256, client: H256 },
    /// The bundle carries no header.
    NoHeaders,
    /// The justified (last) header does not decode.
    BadHeader,
    /// The root header of hand-over `index` does not decode.
    BadRoot { index: usize },
}

impl core::fmt::Display for BundleError {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        match self {
            Self::Undecodable(e) => write!(f, "the source's proof bundle does not decode: {e}"),
            Self::WrongChain { bundle, client } => write!(
                f,
                "wrong source chain: its genesis is {bundle:?}, the target's client follows the chain of genesis {client:?}"
            ),
            Self::NoHeaders => f.write_str("the source's proof bundle holds no header"),
            Self::BadHeader => f.write_str("the justified header of the source's proof bundle does not decode"),
            Self::BadRoot { index } => write!(f, "the root header of hand-over {index} of the source's proof bundle does not decode"),
        }
    }
}

impl std::error::Error for BundleError {}

/// Decodes the hex string `bpci_proveFinality` returns (with or without `0x`).
pub fn decode(hex_bundle: &str) -> Result<ProofBundle, BundleError> {
    let raw = hex_bundle.trim();
    let raw = raw.strip_prefix("0x").unwrap_or(raw);
    let bytes = hex::decode(raw).map_err(|e| BundleError::Undecodable(e.to_string()))?;
    ProofBundle::decode_all(&mut &bytes[..]).map_err(|e| BundleError::Undecodable(e.to_string()))
}

/// The proofs that bring a client of the chain of `genesis`, at best header `best_number`, to
/// what `bundle` proves: every hand-over in order, then the justified header if it is above
/// `best_number`. Empty when there is nothing to do.
pub fn plan(bundle: ProofBundle, genesis: &H256, best_number: u32) -> Result<Vec<Step>, BundleError> {
    let ProofBundle::V1(BundleV1 { genesis: bundle_genesis, handovers, mut headers, justification, .. }) = bundle;
    if bundle_genesis != *genesis {
        return Err(BundleError::WrongChain { bundle: bundle_genesis, client: *genesis });
    }
    let justified = headers.pop().ok_or(BundleError::NoHeaders)?;
    let header = PartnerHeader::decode_all(&mut &justified[..]).map_err(|_| BundleError::BadHeader)?;
    let mut steps = Vec::with_capacity(handovers.len() + 1);
    for (index, handover) in handovers.into_iter().enumerate() {
        let root = PartnerHeader::decode_all(&mut &handover.root[..]).map_err(|_| BundleError::BadRoot { index })?;
        steps.push(Step {
            kind: StepKind::Handover { from_set: handover.certificate.set_id },
            proof: FinalityProof::BpciHandoverV1 { certificate: handover.certificate, root, set_proof: handover.set_proof },
        });
    }
    if header.number > best_number {
        steps.push(Step {
            kind: StepKind::Header { number: header.number, hash: header.hash() },
            proof: FinalityProof::BpciV1 { header, justification },
        });
    }
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bpci_primitives::bundle::Handover;
    use bpci_primitives::qc::{Bitfield, FinalityJustification, JustificationKind};
    use bpci_primitives::timeout::{TimeoutCertificate, EPOCH_END};
    use bpci_primitives::BlsSignature;
    use codec::Encode;

    const GENESIS: H256 = H256::repeat_byte(0xb5);

    fn header(number: u32) -> PartnerHeader {
        PartnerHeader {
            parent_hash: H256::repeat_byte(number as u8),
            number,
            state_root: H256::repeat_byte(0xa0 ^ number as u8),
            extrinsics_root: H256::repeat_byte(0xee),
            digest: Default::default(),
        }
    }

    fn justification() -> FinalityJustification {
        FinalityJustification {
            version: 2,
            kind: JustificationKind::Commit { view: 9 },
            signers: Bitfield(vec![0b0000_0111]),
            signature: BlsSignature([7; 96]),
        }
    }

    fn handover(from_set: SetId, root: u32) -> Handover {
        Handover {
            certificate: TimeoutCertificate { set_id: from_set, view: EPOCH_END, groups: vec![], high_qc: None },
            root: header(root).encode(),
            set_proof: vec![vec![1, 2, 3], vec![from_set as u8]],
        }
    }

    fn bundle(handovers: Vec<Handover>, headers: &[u32]) -> ProofBundle {
        ProofBundle::V1(BundleV1 {
            genesis: GENESIS,
            handovers,
            headers: headers.iter().map(|n| header(*n).encode()).collect(),
            justification: justification(),
            keys: vec![],
            values: vec![],
            read_proof: vec![],
        })
    }

    #[test]
    fn hand_overs_come_first_in_order_then_the_header_above_best() {
        let steps = plan(bundle(vec![handover(3, 40), handover(4, 80)], &[100]), &GENESIS, 50).unwrap();
        assert_eq!(steps.len(), 3);
        assert_eq!(steps[0].kind, StepKind::Handover { from_set: 3 });
        assert_eq!(
            steps[0].proof,
            FinalityProof::BpciHandoverV1 {
                certificate: TimeoutCertificate { set_id: 3, view: EPOCH_END, groups: vec![], high_qc: None },
                root: header(40),
                set_proof: vec![vec![1, 2, 3], vec![3]],
            }
        );
        assert_eq!(steps[1].kind, StepKind::Handover { from_set: 4 });
        assert!(matches!(&steps[1].proof, FinalityProof::BpciHandoverV1 { root, .. } if *root == header(80)));
        assert_eq!(steps[2].kind, StepKind::Header { number: 100, hash: header(100).hash() });
        assert_eq!(steps[2].proof, FinalityProof::BpciV1 { header: header(100), justification: justification() });
    }

    #[test]
    fn the_justified_header_is_the_last_of_the_bundle() {
        let steps = plan(bundle(vec![], &[98, 99, 100]), &GENESIS, 97).unwrap();
        assert_eq!(steps, vec![Step {
            kind: StepKind::Header { number: 100, hash: header(100).hash() },
            proof: FinalityProof::BpciV1 { header: header(100), justification: justification() },
        }]);
    }

    #[test]
    fn a_header_at_or_below_best_is_left_out() {
        for best in [100, 101] {
            assert_eq!(plan(bundle(vec![], &[100]), &GENESIS, best).unwrap(), vec![]);
            let steps = plan(bundle(vec![handover(0, 10)], &[100]), &GENESIS, best).unwrap();
            assert_eq!(steps.iter().map(|s| s.kind.clone()).collect::<Vec<_>>(), vec![StepKind::Handover { from_set: 0 }]);
        }
        assert_eq!(plan(bundle(vec![], &[100]), &GENESIS, 99).unwrap().len(), 1);
    }

    #[test]
    fn a_bundle_of_another_chain_is_refused() {
        let other = H256::repeat_byte(1);
        assert_eq!(
            plan(bundle(vec![handover(0, 10)], &[100]), &other, 0),
            Err(BundleError::WrongChain { bundle: GENESIS, client: other })
        );
    }

    #[test]
    fn malformed_bundles_are_refused() {
        assert_eq!(plan(bundle(vec![], &[]), &GENESIS, 0), Err(BundleError::NoHeaders));
        let mut bad_root = handover(0, 10);
        bad_root.root = vec![1, 2, 3];
        assert_eq!(plan(bundle(vec![handover(0, 5), bad_root], &[100]), &GENESIS, 0), Err(BundleError::BadRoot { index: 1 }));
        let ProofBundle::V1(mut b) = bundle(vec![], &[100]);
        b.headers.push(vec![0xff]);
        assert_eq!(plan(ProofBundle::V1(b), &GENESIS, 0), Err(BundleError::BadHeader));
    }

    #[test]
    fn the_rpc_hex_string_decodes() {
        let b = bundle(vec![handover(2, 10)], &[100]);
        let hex_string = format!("0x{}", hex::encode(b.encode()));
        assert_eq!(decode(&hex_string), Ok(b.clone()));
        assert_eq!(decode(&hex_string[2..]), Ok(b.clone()));
        assert!(matches!(decode("0xzz"), Err(BundleError::Undecodable(_))));
        let mut trailing = b.encode();
        trailing.push(0);
        assert!(matches!(decode(&hex::encode(trailing)), Err(BundleError::Undecodable(_))));
    }
}
