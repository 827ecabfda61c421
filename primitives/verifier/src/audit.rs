//! How a block commits to its audit records.
//!
//! Pallets append auditable state changes (partner lifecycle, governance, revenue, auctions,
//! validator sets, treasury spends, bridge verifications) to the audit log as SCALE-encoded
//! records. Each block commits to the records appended in it with one [`BlockRecords`] in its
//! header's digest (engine id [`AUDIT_ENGINE_ID`]): their number and the root of a binary Merkle
//! tree (polkadot-sdk's `binary-merkle-tree`, BLAKE2-256) whose leaves are the records' hashes,
//! in the order they were appended. A finalized header therefore proves any of its records with
//! a proof of about `log2(count)` hashes ([`prove`], [`verify`]), and proves that there are no
//! others: an export recomputes [`records_root`] over all of a block's rows, so a changed,
//! missing, reordered or added row gives another root.
//!
//! The tree hashes an inner node as `BLAKE2(left || right)`, the plain hash a leaf of 64 bytes
//! would have: with leaves hashed plainly, the 64 bytes of two sibling hashes would pass as a
//! record at the position of their parent (the root does not fix how many leaves there are). So
//! a record's leaf is the hash of [`LEAF_DOMAIN`] followed by the record: an inner node passes
//! only if its left child's hash begins with those 16 bytes. The count a proof is checked
//! against is the header's, not the root's.
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use crate::trie::Blake2 as Blake2Hasher;
use sp_core::H256;

/// Engine id of the header digest item ([`AuditDigest`]) a block commits its records and the log with.
pub const AUDIT_ENGINE_ID: [u8; 4] = *b"audt";

/// What one block commits to: the records appended in it.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct BlockRecords {
    /// Records appended in the block, all under `root`.
    pub count: u32,
    /// Records refused because the block held its bound already: none are lost silently, an
    /// auditor sees the block as incomplete.
    pub dropped: u32,
    /// Binary Merkle root of the records' [`leaf_hash`]es in order; zero for none.
    pub root: H256,
}

/// The state of the log over blocks (polkadot-sdk's `pallet-mmr`): its leaf count and root. A
/// block's log holds the [`AuditLeaf`] of every block before it, so block `N`'s leaf is in the
/// log from block `N + 1` on, and a log of `L` leaves (from genesis) ends at block `L - 1`.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct LogState {
    pub leaves: u64,
    pub root: H256,
}

/// The header digest item under [`AUDIT_ENGINE_ID`]: the block's own records, and the log over
/// the blocks before it. One item, so that a header can hold exactly one.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct AuditDigest {
    pub records: BlockRecords,
    pub log: LogState,
}

/// The log's leaf for one block: its number, its hash and what it committed to. Appended in the
/// next block (which is when its hash is known). The number and hash tie a leaf to one block of
/// one chain, so no leaf repeats and an export's rows say which block they are from.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct AuditLeaf {
    pub number: u32,
    pub hash: H256,
    pub records: BlockRecords,
}

/// The [`AuditDigest`] among a header's digest logs (its `Consensus(AUDIT_ENGINE_ID, _)` item),
/// given as (engine id, data) pairs. `None` if there is none, more than one, or it does not decode.
pub fn find_digest<'a>(consensus_logs: impl IntoIterator<Item = ([u8; 4], &'a [u8])>) -> Option<AuditDigest> {
    use codec::DecodeAll;
    let mut found = None;
    for (id, data) in consensus_logs {
        if id == AUDIT_ENGINE_ID {
            if found.is_some() {
                return None;
            }
            found = Some(AuditDigest::decode_all(&mut &data[..]).ok()?);
        }
    }
    found
}

/// What a record's leaf hash begins with, and an inner node's input almost never does.
pub const LEAF_DOMAIN: &[u8; 16] = b"bpci/audit/leaf/";

/// The leaf of an encoded record.
pub fn leaf_hash(record: &[u8]) -> H256 {
    let mut input = alloc::vec::Vec::with_capacity(LEAF_DOMAIN.len() + record.len());
    input.extend_from_slice(LEAF_DOMAIN);
    input.extend_from_slice(record);
    H256(sp_crypto_hashing::blake2_256(&input))
}

/// The root over leaves in order (zero for none).
pub fn records_root(leaves: impl IntoIterator<Item = H256>) -> H256 {
    binary_merkle_tree::merkle_root_raw::<Blake2Hasher, _>(leaves)
}

/// The proof of the leaf at `index` among `leaves`: its siblings from the bottom up. `None` past
/// the end.
pub fn prove(leaves: &[H256], index: u32) -> Option<Vec<H256>> {
    if index as usize >= leaves.len() {
        return None;
    }
    Some(binary_merkle_tree::merkle_proof_raw::<Blake2Hasher, _>(leaves.iter().copied(), index).proof)
}

/// Whether `record` (encoded) is the record at `index` of a block that committed `commitment`.
pub fn verify(commitment: &BlockRecords, index: u32, record: &[u8], proof: &[H256]) -> bool {
    // Longer than any path in a tree of `count` leaves: refused before any hashing.
    if proof.len() > 32 {
        return false;
    }
    binary_merkle_tree::verify_proof::<Blake2Hasher, _, _>(
        &commitment.root,
        proof.iter().copied(),
        commitment.count,
        index,
        binary_merkle_tree::Leaf::Hash(leaf_hash(record)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn records(n: u32) -> Vec<Vec<u8>> {
        (0..n).map(|i| (i, b"record").encode()).collect()
    }

    fn commit(records: &[Vec<u8>]) -> (BlockRecords, Vec<H256>) {
        let leaves: Vec<H256> = records.iter().map(|r| leaf_hash(r)).collect();
        (BlockRecords { count: records.len() as u32, dropped: 0, root: records_root(leaves.clone()) }, leaves)
    }

    #[test]
    fn every_record_of_blocks_of_every_width_proves_and_a_changed_one_does_not() {
        for n in [1u32, 2, 3, 4, 5, 7, 8, 9, 33] {
            let recs = records(n);
            let (c, leaves) = commit(&recs);
            for i in 0..n {
                let proof = prove(&leaves, i).unwrap();
                assert!(verify(&c, i, &recs[i as usize], &proof), "n {n} leaf {i}");
                let mut changed = recs[i as usize].clone();
                changed[0] ^= 1;
                assert!(!verify(&c, i, &changed, &proof), "n {n} leaf {i} changed");
                if n > 1 {
                    let other = (i + 1) % n;
                    assert!(!verify(&c, other, &recs[i as usize], &proof), "n {n} leaf {i} at {other}");
                }
            }
            assert_eq!(prove(&leaves, n), None);
            assert!(!verify(&c, n, &recs[0], &[]));
        }
    }

    #[test]
    fn the_root_changes_with_any_row_changed_removed_reordered_or_added() {
        let recs = records(5);
        let root = commit(&recs).0.root;
        let mut changed = recs.clone();
        changed[2].push(0);
        let mut removed = recs.clone();
        removed.remove(4);
        let mut reordered = recs.clone();
        reordered.swap(0, 1);
        let mut added = recs.clone();
        added.push(vec![1]);
        for other in [changed, removed, reordered, added] {
            assert_ne!(commit(&other).0.root, root);
        }
        assert_eq!(records_root(core::iter::empty()), H256::zero());
    }

    /// The attack a plain leaf hash allows: the 64 bytes of two sibling hashes offered as one
    /// record where their parent stands, with the rest of the path as proof.
    #[test]
    fn an_inner_node_is_no_record() {
        for n in [3u32, 4, 5, 8] {
            let recs = records(n);
            let (c, leaves) = commit(&recs);
            let inner: Vec<u8> = [leaves[0].0, leaves[1].0].concat();
            let parent = prove(&leaves, 0).unwrap();
            for i in 0..n {
                assert!(!verify(&c, i, &inner, &parent[1..]), "n {n} at {i}");
            }
            // Whereas with plain leaf hashes it would pass: what the domain prevents.
            let plain: Vec<H256> = recs.iter().map(|r| H256(sp_crypto_hashing::blake2_256(r))).collect();
            let plain_root = records_root(plain.iter().copied());
            let plain_inner: Vec<u8> = [plain[0].0, plain[1].0].concat();
            let path = binary_merkle_tree::merkle_proof_raw::<Blake2Hasher, _>(plain.iter().copied(), 0).proof;
            assert!(binary_merkle_tree::verify_proof::<Blake2Hasher, _, _>(
                &plain_root,
                path[1..].iter().copied(),
                n,
                0,
                binary_merkle_tree::Leaf::Hash(H256(sp_crypto_hashing::blake2_256(&plain_inner))),
            ), "n {n}: the attack works on plain leaves");
        }
    }

    #[test]
    fn a_header_has_one_audit_digest_or_none() {
        let d = AuditDigest { records: BlockRecords { count: 2, dropped: 0, root: H256::repeat_byte(1) }, log: LogState { leaves: 9, root: H256::repeat_byte(2) } };
        let enc = d.encode();
        let other = [1u8, 2, 3];
        assert_eq!(find_digest([(*b"BPCI", &other[..]), (AUDIT_ENGINE_ID, &enc[..])]), Some(d));
        // Two, or one that does not decode exactly: none, so a block author cannot pick.
        assert_eq!(find_digest([(AUDIT_ENGINE_ID, &enc[..]), (AUDIT_ENGINE_ID, &enc[..])]), None);
        let mut long = enc.clone();
        long.push(0);
        assert_eq!(find_digest([(AUDIT_ENGINE_ID, &long[..])]), None);
        assert_eq!(find_digest([(*b"BPCI", &other[..])]), None);
    }

    #[test]
    fn an_overlong_proof_is_refused() {
        let recs = records(2);
        let (c, leaves) = commit(&recs);
        let mut proof = prove(&leaves, 0).unwrap();
        proof.extend(core::iter::repeat(H256::zero()).take(40));
        assert!(!verify(&c, 0, &recs[0], &proof));
    }
}
