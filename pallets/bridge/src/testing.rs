//! A BPCI partner chain played in tests: its validators sign what the real ones sign (commit
//! certificates, epoch-end certificates), and its state is a real trie, so that proofs are the
//! bytes a node would serve. Byzantine tests build their forgeries from these honest parts.

use crate::{bpci, PartnerHeader, RawProof};
use alloc::vec::Vec;
use bpci_primitives::bls::native::{aggregate, Keypair};
use bpci_primitives::qc::{Bitfield, CommitData, FinalityJustification, JustificationKind, QuorumCertificate, VoteData, JUSTIFICATION_VERSION};
use bpci_primitives::timeout::{TimeoutCertificate, TimeoutData, TimeoutGroup, EPOCH_END};
use bpci_primitives::{BlsPublic, SetId, View};
use codec::Encode;
use sp_core::H256;
use sp_runtime::traits::{BlakeTwo256, Header as _};
use sp_trie::{recorder_ext::RecorderExt, LayoutV1, MemoryDB, Recorder, Trie, TrieDBBuilder, TrieDBMutBuilder, TrieMut};

type Layout = LayoutV1<BlakeTwo256>;

/// A partner chain's state: a trie and its root.
pub struct State {
    pub root: H256,
    db: MemoryDB<BlakeTwo256>,
}

impl State {
    pub fn new(entries: &[(Vec<u8>, Vec<u8>)]) -> Self {
        let mut db = MemoryDB::<BlakeTwo256>::default();
        let mut root = H256::zero();
        {
            let mut trie = TrieDBMutBuilder::<Layout>::new(&mut db, &mut root).build();
            for (k, v) in entries {
                trie.insert(k, v).expect("in-memory trie");
            }
        }
        Self { root, db }
    }

    /// The nodes a reader of `keys` touches: what a node's `state_getReadProof` returns.
    pub fn prove<K: AsRef<[u8]>>(&self, keys: &[K]) -> RawProof {
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
    entries.push((bpci::validators_key().to_vec(), next.to_vec().encode()));
    entries.push((bpci::set_id_key().to_vec(), next_id.encode()));
    State::new(&entries)
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
        (0..self.keys.len() - bpci_primitives::max_faulty(self.keys.len())).collect()
    }

    fn sign(&self, who: &[usize], msg: &[u8]) -> (Bitfield, bpci_primitives::BlsSignature) {
        let mut signers = Bitfield::new(self.keys.len());
        let sigs: Vec<_> = who.iter().map(|&i| {
            signers.set(i);
            self.keys[i].sign(msg)
        }).collect();
        (signers, aggregate(&sigs).expect("valid signatures"))
    }

    /// The justification `who` give `header` with commit votes of `view`.
    pub fn justify(&self, header: &PartnerHeader, who: &[usize], view: View) -> FinalityJustification {
        let data = CommitData { set_id: self.set_id, view, block_hash: header.hash(), block_number: *header.number() };
        let (signers, signature) = self.sign(who, &data.signing_message(&self.genesis));
        FinalityJustification { version: JUSTIFICATION_VERSION, kind: JustificationKind::Commit { view }, signers, signature }
    }

    /// A certificate of `header`, proposed in `view` on a parent of view `view - 1`.
    pub fn certify(&self, header: &PartnerHeader, who: &[usize], view: View) -> QuorumCertificate {
        let data = VoteData {
            set_id: self.set_id,
            view,
            block_hash: header.hash(),
            block_number: *header.number(),
            parent_hash: *header.parent_hash(),
            parent_view: view - 1,
        };
        let (signers, signature) = self.sign(who, &data.signing_message(&self.genesis));
        QuorumCertificate { data, signers, signature }
    }

    /// The epoch-end certificate `who` sign with `root`'s certificate (of `view`) as their highest.
    pub fn end_epoch(&self, root: &PartnerHeader, who: &[usize], view: View) -> TimeoutCertificate {
        self.timeout(root, who, view, EPOCH_END)
    }

    /// A timeout certificate of `timeout_view` whose highest certificate is `root`'s.
    pub fn timeout(&self, root: &PartnerHeader, who: &[usize], view: View, timeout_view: View) -> TimeoutCertificate {
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

/// A header of number `number` on `parent` with state root `state_root`.
pub fn header(number: u32, parent: H256, state_root: H256) -> PartnerHeader {
    PartnerHeader::new(number, H256::repeat_byte(0xee), state_root, parent, Default::default())
}
