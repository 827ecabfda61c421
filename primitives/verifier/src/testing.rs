//! A BPCI chain played in tests and benchmarks (feature `testing`): its state as a real trie with
//! read proofs of it (what a node's `state_getReadProof` returns), and, with `blst`, validators
//! that sign what real ones sign. Byzantine tests build their forgeries from these honest parts.

use crate::{BlsPublic, SetId};
use alloc::vec::Vec;
use codec::Encode;
use sp_core::H256;
use sp_trie::{recorder_ext::RecorderExt, LayoutV1, MemoryDB, Recorder, Trie, TrieDBBuilder, TrieDBMutBuilder, TrieMut};

type Hasher = crate::trie::Blake2;
type Layout = LayoutV1<Hasher>;

/// A partner chain's state: a trie and its root.
pub struct State {
    pub root: H256,
    db: MemoryDB<Hasher>,
}

impl State {
    pub fn new(entries: &[(Vec<u8>, Vec<u8>)]) -> Self {
        // `[0]` is the empty trie's null node (what `Default` uses, which no_std lacks).
        let mut db = MemoryDB::<Hasher>::new(&[0u8]);
        let mut root = H256::zero();
        {
            let mut trie = TrieDBMutBuilder::<Layout>::new(&mut db, &mut root).build();
            for (k, v) in entries {
                trie.insert(k, v).expect("in-memory trie");
            }
        }
        Self { root, db }
    }

    /// [`Self::prove`] in the compact encoding proof bundles carry.
    pub fn prove_compact<K: AsRef<[u8]>>(&self, keys: &[K]) -> Vec<Vec<u8>> {
        let proof = sp_trie::StorageProof::new(self.prove(keys));
        proof.into_compact_proof::<Hasher>(self.root).expect("a proof of this trie").encoded_nodes
    }

    /// The nodes a reader of `keys` touches: what a node's `state_getReadProof` returns.
    pub fn prove<K: AsRef<[u8]>>(&self, keys: &[K]) -> Vec<Vec<u8>> {
        let mut recorder = Recorder::<Layout>::new();
        {
            let trie = TrieDBBuilder::<Layout>::new(&self.db, &self.root).with_recorder(&mut recorder).build();
            for k in keys {
                let _ = trie.get(k.as_ref()).expect("in-memory trie");
            }
        }
        recorder.into_raw_storage_proof()
    }
}

/// The state of a BPCI chain whose session set is `next` (id `next_id`), plus `extra` entries.
pub fn state_with_set(next: &[BlsPublic], next_id: SetId, extra: &[(Vec<u8>, Vec<u8>)]) -> State {
    let mut entries = extra.to_vec();
    entries.push((crate::handover::validators_key().to_vec(), next.to_vec().encode()));
    entries.push((crate::handover::set_id_key().to_vec(), next_id.encode()));
    State::new(&entries)
}

/// The SCALE encoding of a Substrate header with an empty digest.
pub fn header_bytes(number: u32, parent: H256, state_root: H256) -> Vec<u8> {
    (parent, codec::Compact(number), state_root, H256::repeat_byte(0xee), Vec::<u8>::new()).encode()
}

#[cfg(feature = "blst")]
pub use signing::*;

#[cfg(feature = "blst")]
mod signing {
    use super::*;
    use crate::bls::native::{aggregate, Keypair};
    use crate::bls::BlsSignature;
    use crate::header::HeaderFields;
    use crate::qc::{Bitfield, CommitData, FinalityJustification, JustificationKind, QuorumCertificate, VoteData, JUSTIFICATION_VERSION};
    use crate::timeout::{TimeoutCertificate, TimeoutData, TimeoutGroup, EPOCH_END};
    use crate::View;

    fn fields(header: &impl Encode) -> HeaderFields {
        crate::header::read(&header.encode()).expect("a header")
    }

    /// One validator set of a partner chain.
    pub struct Validators {
        pub genesis: H256,
        pub set_id: SetId,
        pub keys: Vec<Keypair>,
    }

    impl Validators {
        /// `n` validators whose keys derive from `seed` (distinct seeds give disjoint sets).
        pub fn new(genesis: H256, set_id: SetId, n: usize, seed: u8) -> Self {
            let keys = (0..n).map(|i| Keypair::from_ikm(&[&[seed][..], &(i as u32).to_le_bytes()[..], &[7u8; 27][..]].concat()).unwrap()).collect();
            Self { genesis, set_id, keys }
        }

        pub fn publics(&self) -> Vec<BlsPublic> {
            self.keys.iter().map(|k| k.public).collect()
        }

        /// The first `n - f` validators: a quorum.
        pub fn quorum(&self) -> Vec<usize> {
            (0..self.keys.len() - crate::max_faulty(self.keys.len())).collect()
        }

        fn sign(&self, who: &[usize], msg: &[u8]) -> (Bitfield, BlsSignature) {
            let mut signers = Bitfield::new(self.keys.len());
            let sigs: Vec<_> = who.iter().map(|&i| {
                signers.set(i);
                self.keys[i].sign(msg)
            }).collect();
            (signers, aggregate(&sigs).expect("valid signatures"))
        }

        /// The justification `who` give `header` with commit votes of `view`.
        pub fn justify(&self, header: &impl Encode, who: &[usize], view: View) -> FinalityJustification {
            let h = fields(header);
            let data = CommitData { set_id: self.set_id, view, block_hash: h.hash, block_number: h.number };
            let (signers, signature) = self.sign(who, &data.signing_message(&self.genesis));
            FinalityJustification { version: JUSTIFICATION_VERSION, kind: JustificationKind::Commit { view }, signers, signature }
        }

        /// A certificate of `header`, proposed in `view` on a parent of view `view - 1`.
        pub fn certify(&self, header: &impl Encode, who: &[usize], view: View) -> QuorumCertificate {
            let h = fields(header);
            let data = VoteData { set_id: self.set_id, view, block_hash: h.hash, block_number: h.number, parent_hash: h.parent_hash, parent_view: view - 1 };
            let (signers, signature) = self.sign(who, &data.signing_message(&self.genesis));
            QuorumCertificate { data, signers, signature }
        }

        /// The epoch-end certificate `who` sign with `root`'s certificate (of `view`) as their highest.
        pub fn end_epoch(&self, root: &impl Encode, who: &[usize], view: View) -> TimeoutCertificate {
            self.timeout(root, who, view, EPOCH_END)
        }

        /// A timeout certificate of `timeout_view` whose highest certificate is `root`'s.
        pub fn timeout(&self, root: &impl Encode, who: &[usize], view: View, timeout_view: View) -> TimeoutCertificate {
            let data = TimeoutData { set_id: self.set_id, view: timeout_view, high_qc_view: view };
            let (signers, signature) = self.sign(who, &data.signing_message(&self.genesis));
            TimeoutCertificate {
                set_id: self.set_id,
                view: timeout_view,
                groups: alloc::vec![TimeoutGroup { high_qc_view: view, signers, signature }],
                high_qc: Some(self.certify(root, who, view)),
            }
        }
    }
}
