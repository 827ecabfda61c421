//! The fields of a Substrate header a verifier needs, read from its SCALE bytes.
//!
//! A header travels as its exact encoding: its hash is BLAKE2-256 of those bytes, which is what
//! certificates sign, so nothing else in it needs to be trusted or even understood. Only the
//! leading fields are read (`parent_hash`, compact `number`, `state_root`); the digest stays bytes.

use codec::{Compact, Decode};
use sp_core::H256;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeaderFields {
    pub hash: H256,
    pub parent_hash: H256,
    pub number: u32,
    pub state_root: H256,
}

/// Reads a `sp_runtime::generic::Header<u32, BlakeTwo256>` encoding.
pub fn read(bytes: &[u8]) -> Result<HeaderFields, codec::Error> {
    let mut input = bytes;
    let parent_hash = H256::decode(&mut input)?;
    let number = Compact::<u32>::decode(&mut input)?.0;
    let state_root = H256::decode(&mut input)?;
    Ok(HeaderFields { hash: H256(sp_crypto_hashing::blake2_256(bytes)), parent_hash, number, state_root })
}

/// The `Consensus` items of a header's digest, as (engine id, data), in order: what a verifier
/// reads a runtime's commitment from (the audit log's, for one). Every other item is skipped by its
/// encoding (`sp_runtime::generic::DigestItem`); an item of unknown kind, or bytes after the
/// digest, fail the read rather than being passed over.
pub fn consensus_logs(bytes: &[u8]) -> Result<alloc::vec::Vec<([u8; 4], alloc::vec::Vec<u8>)>, codec::Error> {
    use alloc::vec::Vec;
    let mut input = bytes;
    let _parent_and_number = (H256::decode(&mut input)?, Compact::<u32>::decode(&mut input)?);
    let _roots = (H256::decode(&mut input)?, H256::decode(&mut input)?);
    let items = Compact::<u32>::decode(&mut input)?.0;
    let mut logs = Vec::new();
    for _ in 0..items {
        match u8::decode(&mut input)? {
            // Other(Vec<u8>)
            0 => drop(Vec::<u8>::decode(&mut input)?),
            // Consensus(id, data)
            4 => logs.push((<[u8; 4]>::decode(&mut input)?, Vec::<u8>::decode(&mut input)?)),
            // Seal(id, data), PreRuntime(id, data)
            5 | 6 => drop((<[u8; 4]>::decode(&mut input)?, Vec::<u8>::decode(&mut input)?)),
            // RuntimeEnvironmentUpdated
            8 => {}
            _ => return Err("a digest item of unknown kind".into()),
        }
    }
    if !input.is_empty() {
        return Err("bytes after the header's digest".into());
    }
    Ok(logs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use codec::Encode;
    use sp_runtime::{generic::{Digest, DigestItem, Header}, traits::{BlakeTwo256, Header as _}};

    #[test]
    fn consensus_items_are_read_as_substrate_encodes_them_and_the_rest_skipped() {
        let digest = Digest {
            logs: vec![
                DigestItem::PreRuntime(*b"BPCI", vec![1, 2]),
                DigestItem::Other(vec![3; 70]),
                DigestItem::Consensus(*b"audt", vec![4, 5, 6]),
                DigestItem::RuntimeEnvironmentUpdated,
                DigestItem::Consensus(*b"BPCI", vec![]),
                DigestItem::Seal(*b"BPCI", vec![7; 3]),
            ],
        };
        let header = Header::<u32, BlakeTwo256>::new(70_000, H256::repeat_byte(1), H256::repeat_byte(2), H256::repeat_byte(3), digest);
        let bytes = header.encode();
        assert_eq!(consensus_logs(&bytes).unwrap(), vec![(*b"audt", vec![4, 5, 6]), (*b"BPCI", vec![])]);
        assert_eq!(read(&bytes).unwrap().number, 70_000);
        // Cut anywhere, or followed by a byte, it is not a header.
        for cut in 0..bytes.len() {
            assert!(consensus_logs(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(consensus_logs(&longer).is_err());
        // An item kind Substrate does not have.
        let mut odd = Header::<u32, BlakeTwo256>::new(1, H256::zero(), H256::zero(), H256::zero(), Digest { logs: vec![DigestItem::Other(vec![])] }).encode();
        let tag = odd.len() - 2;
        assert_eq!(odd[tag], 0);
        odd[tag] = 7;
        assert!(consensus_logs(&odd).is_err());
    }
}
