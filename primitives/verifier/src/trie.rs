//! Read proofs of a Substrate state trie.
//!
//! The rules of `bp-runtime`'s `StorageProofChecker`, which cannot be a dependency here (it needs
//! FRAME): a proof is refused if a node appears twice, if it does not contain the root, if a key's
//! value cannot be read from it, or if a node remains that no key needed. A proof proves every
//! key's value (or absence), or nothing.

use alloc::vec::Vec;
use sp_core::{Hasher, H256};
use sp_trie::accessed_nodes_tracker::AccessedNodesTracker;
use sp_trie::{CompactProof, HashDBT, LayoutV1, StorageProof, EMPTY_PREFIX};

/// BLAKE2-256 for `sp-trie`, computed in place, in any build (`sp_core::Blake2Hasher` does not
/// exist in a runtime): the offline verifier's. Runtime code may pass its host-accelerated
/// `BlakeTwo256` instead; both hash the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Blake2;

impl Hasher for Blake2 {
    type Out = H256;
    type StdHasher = hash256_std_hasher::Hash256StdHasher;
    const LENGTH: usize = 32;
    fn hash(x: &[u8]) -> H256 {
        H256(sp_crypto_hashing::blake2_256(x))
    }
}

/// Why a read proof was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadProofError {
    DuplicateNodes,
    /// The proof does not contain the state root.
    RootMissing,
    /// A key's value cannot be read from the proof.
    Incomplete,
    /// A node no key needed.
    UnusedNodes,
}

impl core::fmt::Display for ReadProofError {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        f.write_str(match self {
            Self::DuplicateNodes => "the read proof holds a node twice",
            Self::RootMissing => "the read proof does not start at the state root (or is no proof)",
            Self::Incomplete => "the read proof cannot answer a key",
            Self::UnusedNodes => "the read proof holds nodes no key needs",
        })
    }
}

/// [`read`] for a *compact* proof (`sp_trie::CompactProof`'s nodes: each child a proof holds is
/// referenced without its hash, which the verifier recomputes), about a tenth smaller: what proof
/// bundles carry. Nodes after the root's traversal ends, and nodes no key needs, are refused.
pub fn read_compact<H: Hasher<Out = H256>>(
    root: H256,
    keys: &[Vec<u8>],
    nodes: Vec<Vec<u8>>,
) -> Result<Vec<Option<Vec<u8>>>, ReadProofError> {
    let (db, _) = CompactProof { encoded_nodes: nodes }.to_memory_db::<H>(&root).map_err(|_| ReadProofError::RootMissing)?;
    let nodes = db.keys().len();
    read_all::<H>(&db, root, keys, nodes)
}

/// The values of `keys` (`None`: proven absent) in the state of root `root`, hashing with `H`
/// (BLAKE2-256: `sp_core::Blake2Hasher` natively, `sp_runtime::traits::BlakeTwo256` in a runtime,
/// where it runs on the host).
pub fn read<H: Hasher<Out = H256>>(root: H256, keys: &[Vec<u8>], nodes: Vec<Vec<u8>>) -> Result<Vec<Option<Vec<u8>>>, ReadProofError> {
    let proof = StorageProof::new_with_duplicate_nodes_check(nodes).map_err(|_| ReadProofError::DuplicateNodes)?;
    let nodes = proof.len();
    let db = proof.into_memory_db::<H>();
    if !db.contains(&root, EMPTY_PREFIX) {
        return Err(ReadProofError::RootMissing);
    }
    read_all::<H>(&db, root, keys, nodes)
}

/// Every key's value from the proof's `nodes` nodes in `db`, each of which some key must need.
fn read_all<H: Hasher<Out = H256>>(
    db: &sp_trie::MemoryDB<H>,
    root: H256,
    keys: &[Vec<u8>],
    nodes: usize,
) -> Result<Vec<Option<Vec<u8>>>, ReadProofError> {
    let mut tracker = AccessedNodesTracker::new(nodes);
    let values = keys
        .iter()
        .map(|key| {
            sp_trie::read_trie_value::<LayoutV1<H>, _>(db, &root, key, Some(&mut tracker), None)
                .map_err(|_| ReadProofError::Incomplete)
        })
        .collect::<Result<Vec<_>, _>>()?;
    tracker.ensure_no_unused_nodes().map_err(|_| ReadProofError::UnusedNodes)?;
    Ok(values)
}
