//! Call arguments that are already SCALE-encoded (here by the pallet's own types), for subxt's
//! dynamic transactions: `subxt::dynamic::tx(pallet, call, RawArgs(..))`.
//!
//! subxt encodes a dynamic call's arguments through `EncodeAsFields`, against the argument types
//! the target's metadata gives. `RawArgs` writes its bytes unchanged, after checking that each
//! argument's bytes decode as exactly one value of that argument's type in the metadata: a
//! runtime whose call takes other arguments, or a type of another shape, is refused before
//! anything is signed.

use subxt::ext::scale_decode::visitor::{decode_with_visitor, IgnoreVisitor};
use subxt::ext::scale_encode::{EncodeAsFields, Error, FieldIter, TypeResolver};

/// One encoded value per call argument, in the call's order.
pub struct RawArgs(pub Vec<Vec<u8>>);

impl EncodeAsFields for RawArgs {
    fn encode_as_fields_to<R: TypeResolver>(
        &self,
        fields: &mut dyn FieldIter<'_, R::TypeId>,
        types: &R,
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        if fields.len() != self.0.len() {
            return Err(Error::custom_string(format!(
                "the call takes {} arguments in the target's metadata, the relayer has {}",
                fields.len(),
                self.0.len()
            )));
        }
        for (index, (field, bytes)) in fields.zip(&self.0).enumerate() {
            let name = field.name.unwrap_or("?");
            let mut rest = &bytes[..];
            decode_with_visitor(&mut rest, field.id, types, IgnoreVisitor::<R>::new()).map_err(|e| {
                Error::custom_string(format!("argument {index} ({name}) is not of the target's type: {e}"))
            })?;
            if !rest.is_empty() {
                return Err(Error::custom_string(format!(
                    "argument {index} ({name}) has {} bytes more than the target's type",
                    rest.len()
                )));
            }
            out.extend_from_slice(bytes);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bpci_primitives::qc::{Bitfield, FinalityJustification, JustificationKind};
    use bpci_primitives::BlsSignature;
    use codec::Encode;
    use pallet_bridge::{FinalityProof, PartnerHeader};
    use scale_info::{MetaType, PortableRegistry, Registry};
    use sp_core::crypto::AccountId32;
    use sp_core::H256;
    use subxt::ext::scale_encode::Field;

    /// The types of `submit_finality_proof`'s arguments, as a runtime's metadata holds them.
    fn types() -> (PortableRegistry, u32, u32) {
        let mut registry = Registry::new();
        let account = registry.register_type(&MetaType::new::<AccountId32>()).id;
        let proof = registry.register_type(&MetaType::new::<FinalityProof>()).id;
        (registry.into(), account, proof)
    }

    fn proof() -> FinalityProof {
        FinalityProof::BpciV1 {
            header: PartnerHeader {
                parent_hash: H256::repeat_byte(1),
                number: 7,
                state_root: H256::repeat_byte(2),
                extrinsics_root: H256::repeat_byte(3),
                digest: Default::default(),
            },
            justification: FinalityJustification {
                version: 2,
                kind: JustificationKind::Child { view: 4, child_hash: H256::repeat_byte(5) },
                signers: Bitfield(vec![3]),
                signature: BlsSignature([6; 96]),
            },
        }
    }

    fn encode(args: &RawArgs, ids: &[u32]) -> Result<Vec<u8>, Error> {
        let (types, ..) = types();
        let mut fields = ids.iter().map(|id| Field::unnamed(*id));
        args.encode_as_fields(&mut fields, &types)
    }

    #[test]
    fn arguments_of_the_metadata_types_are_written_unchanged() {
        let (_, account, proof_id) = types();
        let partner = [9u8; 32];
        let args = RawArgs(vec![partner.encode(), proof().encode()]);
        assert_eq!(encode(&args, &[account, proof_id]).unwrap(), [partner.encode(), proof().encode()].concat());
    }

    #[test]
    fn arguments_of_other_shapes_are_refused() {
        let (_, account, proof_id) = types();
        let partner = [9u8; 32].encode();
        let proof = proof().encode();
        // Another argument count.
        assert!(encode(&RawArgs(vec![partner.clone()]), &[account, proof_id]).is_err());
        // Too short, too long, or in the wrong place.
        assert!(encode(&RawArgs(vec![partner.clone(), proof[..proof.len() - 1].to_vec()]), &[account, proof_id]).is_err());
        assert!(encode(&RawArgs(vec![partner.clone(), [&proof[..], &[0]].concat()]), &[account, proof_id]).is_err());
        assert!(encode(&RawArgs(vec![proof.clone(), partner.clone()]), &[account, proof_id]).is_err());
        // A variant the type does not have.
        let mut unknown = proof.clone();
        unknown[0] = 9;
        assert!(encode(&RawArgs(vec![partner, unknown]), &[account, proof_id]).is_err());
    }
}
