//! Audit exports from a played chain: an honest trail verifies, and every forgery fails with the
//! error of the check that stops it (removing that check makes its test fail: either the forgery
//! then verifies, or a later check reports something else).
//!
//! The chain: blocks 2 to 5 are logged (the log started after block 1), block 6 is the checkpoint,
//! whose header carries the log of their four leaves and is justified by the trusted set.

use super::*;
use crate::audit::{leaf_hash, prove, records_root, AuditDigest, BlockRecords, AUDIT_ENGINE_ID};
use crate::bls::native::Blst;
use crate::bls::pure::Pure;
use crate::bundle::BundleV1;
use crate::qc::QcError;
use crate::testing::Validators;
use alloc::vec;
use mmr_lib::util::MemStore;
use mmr_lib::MMR;
use sp_runtime::generic::{Digest, DigestItem, Header};
use sp_runtime::traits::{BlakeTwo256, Header as _};

const GENESIS: H256 = H256::repeat_byte(0xa7);
/// The first block the log holds: it started after block 1, which has no leaf.
const FIRST_LOGGED: u32 = 2;

/// pallet-mmr's node hashing, written out here again rather than taken from the code under test.
struct Node;
impl Merge for Node {
    type Item = H256;
    fn merge(left: &H256, right: &H256) -> mmr_lib::Result<H256> {
        Ok(H256(sp_crypto_hashing::blake2_256(&[left.0, right.0].concat())))
    }
}

/// A leaf's node in the log: the hash of its encoding.
fn node(leaf: &AuditLeaf) -> H256 {
    H256(sp_crypto_hashing::blake2_256(&leaf.encode()))
}

fn block_hash(number: u32) -> H256 {
    H256(sp_crypto_hashing::blake2_256(&(b"block", number).encode()))
}

fn record(block: u32, index: u32) -> Vec<u8> {
    (b"record", block, index).encode()
}

/// SCALE `sp_mmr_primitives::LeafProof<H256>`.
fn leaf_proof(indices: &[u64], leaf_count: u64, items: &[H256]) -> Vec<u8> {
    (indices.to_vec(), leaf_count, items.to_vec()).encode()
}

/// A block's rows, each with its inclusion proof.
fn rows_of(block: u32, hash: H256, records: &[Vec<u8>]) -> Vec<TrailRow> {
    let hashes: Vec<H256> = records.iter().map(|r| leaf_hash(r)).collect();
    records
        .iter()
        .enumerate()
        .map(|(i, r)| TrailRow { block, block_hash: hash, index: i as u32, record: r.clone(), proof: Some(prove(&hashes, i as u32).unwrap()) })
        .collect()
}

fn commitment(records: &[Vec<u8>], dropped: u32) -> BlockRecords {
    BlockRecords { count: records.len() as u32, dropped, root: records_root(records.iter().map(|r| leaf_hash(r))) }
}

/// Header bytes that encode as themselves (the played validators sign anything `Encode`).
struct Raw(Vec<u8>);
impl Encode for Raw {
    fn encode_to<T: codec::Output + ?Sized>(&self, dest: &mut T) {
        dest.write(&self.0)
    }
}

/// A header of block `number` with digest `logs` (a pre-runtime item first, which is skipped).
fn header_with(number: u32, logs: Vec<DigestItem>) -> Vec<u8> {
    let mut all = vec![DigestItem::PreRuntime(*b"BPCI", vec![1, 2, 3])];
    all.extend(logs);
    Header::<u32, BlakeTwo256>::new(number, H256::repeat_byte(0xe1), H256::repeat_byte(0x5e), block_hash(number - 1), Digest { logs: all })
        .encode()
}

fn audit_item(log: LogState) -> DigestItem {
    DigestItem::Consensus(AUDIT_ENGINE_ID, AuditDigest { records: BlockRecords::default(), log }.encode())
}

/// A played chain: its logged blocks' records and leaves, the log over them, and the checkpoint.
struct Chain {
    vals: Validators,
    /// Each logged block's records, from [`FIRST_LOGGED`] on.
    records: Vec<Vec<Vec<u8>>>,
    leaves: Vec<AuditLeaf>,
    store: MemStore<H256>,
    size: u64,
    log: LogState,
    checkpoint: u32,
    /// The checkpoint's header.
    header: Vec<u8>,
}

impl Chain {
    /// Blocks `FIRST_LOGGED..` with (records, dropped) each; the checkpoint is the block after.
    fn new(blocks: &[(u32, u32)]) -> Self {
        let store = MemStore::default();
        let (mut records, mut leaves) = (Vec::new(), Vec::new());
        let (size, root) = {
            let mut mmr = MMR::<H256, Node, &MemStore<H256>>::new(0, &store);
            for (i, &(count, dropped)) in blocks.iter().enumerate() {
                let number = FIRST_LOGGED + i as u32;
                let recs: Vec<Vec<u8>> = (0..count).map(|j| record(number, j)).collect();
                let leaf = AuditLeaf { number, hash: block_hash(number), records: commitment(&recs, dropped) };
                mmr.push(node(&leaf)).unwrap();
                records.push(recs);
                leaves.push(leaf);
            }
            let root = mmr.get_root().unwrap();
            mmr.commit().unwrap();
            (mmr.mmr_size(), root)
        };
        let log = LogState { leaves: blocks.len() as u64, root };
        let checkpoint = FIRST_LOGGED + blocks.len() as u32;
        let header = header_with(checkpoint, vec![audit_item(log)]);
        Self { vals: Validators::new(GENESIS, 0, 4, 1), records, leaves, store, size, log, checkpoint, header }
    }

    fn trusted(&self) -> ValidatorSet {
        ValidatorSet { set_id: self.vals.set_id, validators: self.vals.publics() }
    }

    /// A proof bundle of `header`'s finality, justified by `vals`' signers `who`.
    fn finality_by(header: &[u8], vals: &Validators, who: &[usize]) -> Vec<u8> {
        ProofBundle::V1(BundleV1 {
            genesis: GENESIS,
            handovers: vec![],
            headers: vec![header.to_vec()],
            justification: vals.justify(&Raw(header.to_vec()), who, 7),
            keys: vec![],
            values: vec![],
            read_proof: vec![],
        })
        .encode()
    }

    /// `header`'s finality from a quorum of the trusted set.
    fn finality(&self, header: &[u8]) -> Vec<u8> {
        Self::finality_by(header, &self.vals, &self.vals.quorum())
    }

    fn at(&self, block: u32) -> usize {
        (block - FIRST_LOGGED) as usize
    }

    /// The MMR proof items of the leaves at `indices`.
    fn items(&self, indices: &[u64]) -> Vec<H256> {
        let mmr = MMR::<H256, Node, &MemStore<H256>>::new(self.size, &self.store);
        mmr.gen_proof(indices.iter().map(|&i| leaf_index_to_pos(i)).collect()).unwrap().proof_items().to_vec()
    }

    fn log_proof(&self, first: u32, last: u32) -> TrailLogProof {
        let indices: Vec<u64> = (first..=last).map(|b| self.at(b) as u64).collect();
        TrailLogProof { first, last, proof: leaf_proof(&indices, self.log.leaves, &self.items(&indices)) }
    }

    fn block(&self, number: u32) -> TrailBlock {
        TrailBlock { number, hash: block_hash(number), leaf: self.leaves[self.at(number)].encode() }
    }

    fn checkpoint_id(&self) -> BlockId {
        BlockId { number: self.checkpoint, hash: header::read(&self.header).unwrap().hash }
    }

    /// The honest trail of `from..=to`, with a log proof of each of `proofs`' ranges.
    fn trail(&self, from: u32, to: u32, proofs: &[(u32, u32)]) -> Trail {
        Trail {
            from,
            to,
            records: (from..=to).map(|b| self.records[self.at(b)].len() as u64).sum(),
            checkpoint: self.checkpoint_id(),
            log: self.log,
            finality: self.finality(&self.header),
            blocks: (from..=to).map(|b| self.block(b)).collect(),
            log_proofs: proofs.iter().map(|&(first, last)| self.log_proof(first, last)).collect(),
            rows: (from..=to).flat_map(|b| rows_of(b, block_hash(b), &self.records[self.at(b)])).collect(),
        }
    }

    /// `trail` checked against the trusted set, with blst.
    fn check(&self, trail: &Trail) -> Result<Verified, TrailError> {
        check::<Blst>(trail, &GENESIS, &self.trusted())
    }

    /// `trail` re-pointed at the checkpoint `header` (finality and id).
    fn recheckpoint(&self, trail: &mut Trail, header: &[u8]) {
        trail.finality = self.finality(header);
        trail.checkpoint = BlockId { number: header::read(header).unwrap().number, hash: header::read(header).unwrap().hash };
    }
}

/// Block 2: three records; block 3: one, and two refused; block 4: none; block 5: two.
fn chain() -> Chain {
    Chain::new(&[(3, 0), (1, 2), (0, 0), (2, 0)])
}

/// The whole range, its log proven in two parts. Rows 1-3 are block 2's, 4 block 3's, 5-6 block 5's.
fn honest(c: &Chain) -> Trail {
    c.trail(2, 5, &[(2, 3), (4, 5)])
}

/// `honest(chain())` after `forge`, checked.
fn forged(forge: impl FnOnce(&Chain, &mut Trail)) -> Result<Verified, TrailError> {
    let c = chain();
    let mut t = honest(&c);
    assert!(c.check(&t).is_ok(), "the honest trail verifies");
    forge(&c, &mut t);
    c.check(&t)
}

// --- What verifies ---

/// The honest export: its finality, log, leaves and rows all hold, with either BLS backend.
#[test]
fn an_honest_trail_verifies_with_both_backends() {
    let c = chain();
    let t = honest(&c);
    let expected = Verified { checkpoint: 6, set_id: 0, records: 6, incomplete: vec![(3, 2)] };
    assert_eq!(c.check(&t), Ok(expected.clone()));
    assert_eq!(check::<Pure>(&t, &GENESIS, &c.trusted()), Ok(expected));
    // The fixture's log is the module's: the test's node hashing is the module's.
    assert_eq!(Node::merge(&H256::repeat_byte(1), &H256::repeat_byte(2)).unwrap(), LogHasher::merge(&H256::repeat_byte(1), &H256::repeat_byte(2)).unwrap());
    // Any split of the range into log proofs, and a part of the range.
    assert_eq!(c.check(&c.trail(2, 5, &[(2, 5)])).map(|v| v.records), Ok(6));
    assert_eq!(c.check(&c.trail(2, 5, &[(2, 2), (3, 3), (4, 4), (5, 5)])).map(|v| v.records), Ok(6));
    assert_eq!(c.check(&c.trail(4, 5, &[(4, 5)])).map(|v| (v.records, v.incomplete)), Ok((2, vec![])));
}

/// A range read straight from a node: no row carries its own proof, the records roots prove them.
#[test]
fn a_trail_without_row_proofs_verifies() {
    let c = chain();
    let mut t = honest(&c);
    t.rows.iter_mut().for_each(|r| r.proof = None);
    assert_eq!(c.check(&t).map(|v| v.records), Ok(6));
}

// --- The checkpoint's finality and log ---

/// A finality proof that is not a proof bundle (garbage, or one with a byte appended).
#[test]
fn attack_undecodable_finality() {
    assert_eq!(forged(|_, t| t.finality = vec![1, 2, 3]), Err(TrailError::FinalityUndecodable));
    assert_eq!(forged(|_, t| t.finality.push(0)), Err(TrailError::FinalityUndecodable));
}

/// A checkpoint "justified" by a set the verifier does not trust.
#[test]
fn attack_checkpoint_signed_by_strangers() {
    let strangers = Validators::new(GENESIS, 0, 4, 9);
    assert_eq!(
        forged(|c, t| t.finality = Chain::finality_by(&c.header, &strangers, &strangers.quorum())),
        Err(TrailError::Finality(BundleError::Justification(QcError::BadSignature)))
    );
}

/// A checkpoint signed by a byzantine minority of the trusted set (f + 1 of 4, short of a quorum).
#[test]
fn attack_checkpoint_signed_by_a_minority() {
    assert_eq!(
        forged(|c, t| t.finality = Chain::finality_by(&c.header, &c.vals, &[0, 1])),
        Err(TrailError::Finality(BundleError::Justification(QcError::NoQuorum)))
    );
}

/// A genuine finality proof presented as the proof of another checkpoint (same number, other hash).
#[test]
fn attack_finality_of_another_block_than_the_checkpoint() {
    assert_eq!(forged(|_, t| t.checkpoint.hash = block_hash(6)), Err(TrailError::OtherCheckpoint));
}

/// A genuine finality proof of a later block presented for the manifest's checkpoint.
#[test]
fn attack_finality_of_a_later_block_than_the_checkpoint() {
    assert_eq!(
        forged(|c, t| t.finality = c.finality(&header_with(7, vec![audit_item(c.log)]))),
        Err(TrailError::OtherCheckpoint)
    );
}

/// A final checkpoint header whose digest does not parse (bytes after it): no log can be read.
#[test]
fn attack_checkpoint_header_with_an_unreadable_digest() {
    assert_eq!(
        forged(|c, t| {
            let mut h = c.header.clone();
            h.push(0);
            c.recheckpoint(t, &h);
        }),
        Err(TrailError::CheckpointHeaderUndecodable)
    );
}

/// A final checkpoint whose header carries no audit log: nothing to prove the leaves against.
#[test]
fn attack_checkpoint_without_a_log() {
    assert_eq!(forged(|c, t| c.recheckpoint(t, &header_with(6, vec![]))), Err(TrailError::NoLog));
}

/// A checkpoint header with two audit logs, so that an exporter could pick the one it likes.
#[test]
fn attack_checkpoint_with_two_logs() {
    assert_eq!(
        forged(|c, t| {
            let other = LogState { leaves: 4, root: H256::repeat_byte(9) };
            c.recheckpoint(t, &header_with(6, vec![audit_item(c.log), audit_item(other)]));
        }),
        Err(TrailError::NoLog)
    );
}

/// A whole trail from a rewritten log (block 3's refused records hidden), with the genuine finality.
#[test]
fn attack_rewritten_log_under_the_genuine_checkpoint() {
    assert_eq!(
        forged(|c, t| {
            let rewritten = Chain::new(&[(3, 0), (1, 0), (0, 0), (2, 0)]);
            *t = Trail { finality: t.finality.clone(), checkpoint: t.checkpoint, ..honest(&rewritten) };
            assert_ne!(t.log, c.log);
        }),
        Err(TrailError::OtherLog)
    );
}

/// A manifest naming another log than the checkpoint's header holds (its leaf count).
#[test]
fn attack_manifest_log_is_not_the_headers() {
    assert_eq!(forged(|_, t| t.log.leaves += 1), Err(TrailError::OtherLog));
}

// --- The blocks and their leaves ---

/// A range reaching the checkpoint itself, whose leaf no log holds yet.
#[test]
fn attack_range_reaching_the_checkpoint() {
    assert_eq!(
        forged(|c, t| {
            t.to = 6;
            t.blocks.push(TrailBlock { number: 6, hash: c.checkpoint_id().hash, leaf: vec![] });
        }),
        Err(TrailError::RangeNotBelowCheckpoint { from: 2, to: 6, checkpoint: 6 })
    );
}

/// A range given backwards.
#[test]
fn attack_range_backwards() {
    assert_eq!(forged(|_, t| (t.from, t.to) = (5, 2)), Err(TrailError::RangeNotBelowCheckpoint { from: 5, to: 2, checkpoint: 6 }));
}

/// A block left out of the listing (block 3, the incomplete one, with its row).
#[test]
fn attack_block_dropped() {
    assert_eq!(
        forged(|_, t| {
            t.blocks.remove(1);
            t.rows.remove(3);
        }),
        Err(TrailError::BlocksNotListed { from: 2, to: 5 })
    );
}

/// A block listed twice in place of another (block 3 where block 4 belongs): the count is right.
#[test]
fn attack_block_duplicated_in_place_of_another() {
    assert_eq!(forged(|_, t| t.blocks[2] = t.blocks[1].clone()), Err(TrailError::BlocksNotListed { from: 2, to: 5 }));
}

/// A block listed twice (block 5 again at the end).
#[test]
fn attack_block_duplicated() {
    assert_eq!(forged(|_, t| t.blocks.push(t.blocks[3].clone())), Err(TrailError::BlocksNotListed { from: 2, to: 5 }));
}

/// Two blocks listed out of order.
#[test]
fn attack_blocks_reordered() {
    assert_eq!(forged(|_, t| t.blocks.swap(1, 2)), Err(TrailError::BlocksNotListed { from: 2, to: 5 }));
}

/// A leaf cut short.
#[test]
fn attack_undecodable_leaf() {
    assert_eq!(forged(|_, t| { t.blocks[1].leaf.pop(); }), Err(TrailError::LeafUndecodable { block: 3 }));
}

/// Another block's genuine leaf given for block 3 (block 5's, with two records and none refused).
#[test]
fn attack_leaf_of_another_block() {
    assert_eq!(forged(|c, t| t.blocks[1].leaf = c.block(5).leaf), Err(TrailError::LeafOfAnotherBlock { block: 3 }));
}

/// A block listed under another hash (a fork's) than its leaf names.
#[test]
fn attack_block_listed_under_another_hash() {
    assert_eq!(forged(|_, t| t.blocks[1].hash = H256::repeat_byte(3)), Err(TrailError::LeafOfAnotherBlock { block: 3 }));
}

/// A leaf rewritten to hide block 3's refused records: it names its block, but is not the log's.
#[test]
fn attack_leaf_hiding_refused_records() {
    assert_eq!(
        forged(|c, t| {
            let mut leaf = c.leaves[1];
            leaf.records.dropped = 0;
            t.blocks[1].leaf = leaf.encode();
        }),
        Err(TrailError::LeavesNotInLog { first: 2, last: 3 })
    );
}

/// A row changed together with its block's leaf and proofs, consistently: only the log refuses it.
#[test]
fn attack_row_changed_with_its_leaf() {
    assert_eq!(
        forged(|c, t| {
            let mut recs = c.records[c.at(5)].clone();
            recs[1] = b"a payout that never happened".encode();
            let leaf = AuditLeaf { number: 5, hash: block_hash(5), records: commitment(&recs, 0) };
            t.blocks[3].leaf = leaf.encode();
            t.rows.truncate(4);
            t.rows.extend(rows_of(5, block_hash(5), &recs));
        }),
        Err(TrailError::LeavesNotInLog { first: 4, last: 5 })
    );
}

// --- The log proofs ---

/// The log proofs given in the wrong order.
#[test]
fn attack_log_proofs_out_of_order() {
    assert_eq!(forged(|_, t| t.log_proofs.swap(0, 1)), Err(TrailError::LogProofsOutOfOrder));
}

/// Overlapping log proofs (block 3 proven twice), each valid on its own.
#[test]
fn attack_log_proofs_overlapping() {
    assert_eq!(forged(|c, t| t.log_proofs[1] = c.log_proof(3, 5)), Err(TrailError::LogProofsOutOfOrder));
}

/// A log proof reaching past the range (a range cut short at block 4, its proofs left as they were).
#[test]
fn attack_log_proof_past_the_range() {
    assert_eq!(
        forged(|_, t| {
            t.to = 4;
            t.blocks.pop();
            t.rows.truncate(4);
            t.records = 4;
        }),
        Err(TrailError::LogProofsOutOfOrder)
    );
}

/// A log proof of an empty range (last before first), to move the coverage without proving.
#[test]
fn attack_log_proof_of_no_blocks() {
    assert_eq!(
        forged(|c, t| t.log_proofs.insert(0, TrailLogProof { first: 2, last: 1, proof: c.log_proof(2, 2).proof })),
        Err(TrailError::LogProofsOutOfOrder)
    );
}

/// A log proof that does not decode.
#[test]
fn attack_undecodable_log_proof() {
    assert_eq!(forged(|_, t| t.log_proofs[1].proof.push(0)), Err(TrailError::LogProofUndecodable { first: 4 }));
}

/// The last log proof left out: blocks 4 and 5 listed but never proven in the log.
#[test]
fn attack_log_proofs_short() {
    assert_eq!(forged(|_, t| { t.log_proofs.pop(); }), Err(TrailError::LogProofsShort));
}

/// No log proof at all.
#[test]
fn attack_no_log_proofs() {
    assert_eq!(forged(|_, t| t.log_proofs.clear()), Err(TrailError::LogProofsShort));
}

/// Block 1, from before the log started, claimed with a leaf of its own: the log cannot hold it.
#[test]
fn attack_block_older_than_the_log() {
    assert_eq!(
        forged(|c, t| {
            t.from = 1;
            let leaf = AuditLeaf { number: 1, hash: block_hash(1), records: BlockRecords::default() };
            t.blocks.insert(0, TrailBlock { number: 1, hash: block_hash(1), leaf: leaf.encode() });
            t.log_proofs.insert(0, TrailLogProof { first: 1, last: 1, proof: c.log_proof(2, 2).proof });
        }),
        Err(TrailError::OlderThanLog { block: 1 })
    );
}

/// docs/audit.md: with three leaves, a proof claiming two leaves passes the MMR check for leaf 2's
/// data at index 0 (the peaks are bagged right to left); only pinning count and positions stops it.
#[test]
fn attack_three_leaf_log_proven_as_two_leaves() {
    let c = Chain::new(&[(1, 0), (2, 0), (1, 0)]);
    let mut t = c.trail(4, 4, &[(4, 4)]);
    assert_eq!(c.check(&t).map(|v| v.records), Ok(1));
    assert_eq!(c.log.leaves, 3);
    let peak = Node::merge(&node(&c.leaves[0]), &node(&c.leaves[1])).unwrap();
    t.log_proofs[0].proof = leaf_proof(&[0], 2, &[peak]);
    // The hashes alone hold: this is what the check refuses on positions.
    let proof = LeafProof::decode(&mut &t.log_proofs[0].proof[..]).unwrap();
    assert!(in_log(c.log.root, &[c.leaves[2]], proof));
    assert_eq!(c.check(&t), Err(TrailError::LogProofPositions { first: 4, last: 4 }));
}

/// A log proof of the right leaf count but other positions (blocks 3 and 4's, given for 2 and 3).
#[test]
fn attack_log_proof_at_other_positions() {
    assert_eq!(
        forged(|c, t| t.log_proofs[0].proof = leaf_proof(&[1, 2], 4, &c.items(&[1, 2]))),
        Err(TrailError::LogProofPositions { first: 2, last: 3 })
    );
}

/// A log proof naming the right positions in a log of another size.
#[test]
fn attack_log_proof_of_another_leaf_count() {
    assert_eq!(
        forged(|c, t| t.log_proofs[0].proof = leaf_proof(&[0, 1], 5, &c.items(&[0, 1]))),
        Err(TrailError::LogProofPositions { first: 2, last: 3 })
    );
}

/// A log proof whose sibling hash was changed.
#[test]
fn attack_log_proof_with_a_changed_item() {
    assert_eq!(
        forged(|c, t| {
            let mut items = c.items(&[0, 1]);
            items[0].0[0] ^= 1;
            t.log_proofs[0].proof = leaf_proof(&[0, 1], 4, &items);
        }),
        Err(TrailError::LeavesNotInLog { first: 2, last: 3 })
    );
}

// --- The rows ---

/// A row removed and the rest left as numbered (block 2's second row).
#[test]
fn attack_row_removed() {
    assert_eq!(forged(|_, t| { t.rows.remove(1); }), Err(TrailError::RowIndex { row: 2, block: 2, index: 2, next: 1 }));
}

/// Two rows swapped with their numbers.
#[test]
fn attack_rows_swapped() {
    assert_eq!(forged(|_, t| t.rows.swap(0, 1)), Err(TrailError::RowIndex { row: 1, block: 2, index: 1, next: 0 }));
}

/// A row claimed from a fork: right number, another block hash.
#[test]
fn attack_row_of_another_block() {
    assert_eq!(forged(|_, t| t.rows[3].block_hash = H256::repeat_byte(3)), Err(TrailError::RowOfAnotherBlock { row: 4, block: 3 }));
}

/// A block's last row removed (so that the numbering still holds).
#[test]
fn attack_last_row_of_a_block_removed() {
    assert_eq!(forged(|_, t| { t.rows.pop(); }), Err(TrailError::RowCount { block: 5, rows: 1, count: 2 }));
}

/// A row added at the end of a block, numbered next.
#[test]
fn attack_row_added() {
    assert_eq!(
        forged(|_, t| {
            let mut extra = t.rows[3].clone();
            extra.index = 1;
            extra.record = record(3, 1);
            t.rows.insert(4, extra);
        }),
        Err(TrailError::RowCount { block: 3, rows: 2, count: 1 })
    );
}

/// A row's record changed (one bit).
#[test]
fn attack_row_changed() {
    assert_eq!(forged(|_, t| t.rows[1].record[0] ^= 1), Err(TrailError::RecordsRoot { block: 2 }));
}

/// Two rows reordered and renumbered, each with its own proof.
#[test]
fn attack_rows_reordered_and_renumbered() {
    assert_eq!(
        forged(|_, t| {
            t.rows.swap(0, 1);
            (t.rows[0].index, t.rows[1].index) = (0, 1);
        }),
        Err(TrailError::RecordsRoot { block: 2 })
    );
}

/// A row carrying another row's inclusion proof: its record is the block's, its proof is not its.
#[test]
fn attack_row_with_another_rows_proof() {
    assert_eq!(
        forged(|_, t| {
            let first = t.rows[0].proof.take();
            t.rows[0].proof = t.rows[1].proof.replace(first.unwrap());
        }),
        Err(TrailError::RowProof { row: 1, block: 2 })
    );
}

/// A row's inclusion proof with a changed sibling hash (the records root still holds).
#[test]
fn attack_row_proof_with_a_changed_sibling() {
    assert_eq!(forged(|_, t| t.rows[2].proof.as_mut().unwrap()[0].0[0] ^= 1), Err(TrailError::RowProof { row: 3, block: 2 }));
}

/// A lone row's inclusion proof padded with a hash (its block holds one record: its proof is empty).
#[test]
fn attack_row_proof_padded() {
    assert_eq!(forged(|_, t| t.rows[3].proof.as_mut().unwrap().push(H256::zero())), Err(TrailError::RowProof { row: 4, block: 3 }));
}

/// A row of block 2 replayed after the last block's rows.
#[test]
fn attack_row_replayed_after_the_range() {
    assert_eq!(
        forged(|_, t| t.rows.push(t.rows[0].clone())),
        Err(TrailError::RowOutOfPlace { row: 7, block: 2, from: 2, to: 5 })
    );
}

/// A row of a block outside the range appended.
#[test]
fn attack_row_of_a_block_outside_the_range() {
    assert_eq!(
        forged(|_, t| t.rows.push(TrailRow { block: 9, block_hash: block_hash(9), index: 0, record: record(9, 0), proof: None })),
        Err(TrailError::RowOutOfPlace { row: 7, block: 9, from: 2, to: 5 })
    );
}

/// A manifest overstating its record count.
#[test]
fn attack_record_count_overstated() {
    assert_eq!(forged(|_, t| t.records += 1), Err(TrailError::RecordCount));
}

/// A manifest understating its record count.
#[test]
fn attack_record_count_understated() {
    assert_eq!(forged(|_, t| t.records -= 1), Err(TrailError::RecordCount));
}

// --- Garbled encodings ---

/// Decodes `bytes` as a trail and checks it as the dashboard does: `None` if it does not decode,
/// and a panic turned into a test failure naming `what`.
fn decode_and_check(c: &Chain, bytes: &[u8], what: &str) -> Option<Result<Verified, TrailError>> {
    let trusted = c.trusted();
    std::panic::catch_unwind(|| {
        let t = Trail::decode_all(&mut &bytes[..]).ok()?;
        Some(check::<Blst>(&t, &GENESIS, &trusted))
    })
    .unwrap_or_else(|_| panic!("{what}: the check panicked"))
}

/// Every truncation of a trail's encoding, and of each byte field inside it, fails without panicking.
#[test]
fn truncated_trails_fail_without_panicking() {
    let c = chain();
    let t = honest(&c);
    let bytes = t.encode();
    assert_eq!(decode_and_check(&c, &bytes, "honest"), Some(c.check(&t)));
    for cut in 0..bytes.len() {
        assert!(!matches!(decode_and_check(&c, &bytes[..cut], "cut"), Some(Ok(_))), "cut at {cut} verifies");
    }
    // Inside a well-formed trail, each byte field cut short, through the check itself.
    let cuts: Vec<(String, Trail)> = {
        let mut all = Vec::new();
        for n in 0..t.finality.len() {
            let mut f = t.clone();
            f.finality.truncate(n);
            all.push((format!("finality cut at {n}"), f));
        }
        for (i, b) in t.blocks.iter().enumerate() {
            for n in 0..b.leaf.len() {
                let mut f = t.clone();
                f.blocks[i].leaf.truncate(n);
                all.push((format!("leaf {i} cut at {n}"), f));
            }
        }
        for (i, p) in t.log_proofs.iter().enumerate() {
            for n in 0..p.proof.len() {
                let mut f = t.clone();
                f.log_proofs[i].proof.truncate(n);
                all.push((format!("log proof {i} cut at {n}"), f));
            }
        }
        for (i, r) in t.rows.iter().enumerate() {
            for n in 0..r.record.len() {
                let mut f = t.clone();
                f.rows[i].record.truncate(n);
                all.push((format!("row {i} cut at {n}"), f));
            }
            for n in 0..r.proof.as_ref().unwrap().len() {
                let mut f = t.clone();
                f.rows[i].proof.as_mut().unwrap().truncate(n);
                all.push((format!("row {i}'s proof cut at {n}"), f));
            }
        }
        all
    };
    for (what, f) in cuts {
        match decode_and_check(&c, &f.encode(), &what) {
            Some(Err(_)) => {}
            other => panic!("{what}: {other:?}"),
        }
    }
}

/// Every single-bit change anywhere in a trail's encoding fails (to decode or to check), never panics.
#[test]
fn bit_flipped_trails_fail_without_panicking() {
    let c = chain();
    let bytes = honest(&c).encode();
    for i in 0..bytes.len() {
        for bit in 0..8 {
            let mut bad = bytes.clone();
            bad[i] ^= 1 << bit;
            let what = format!("byte {i} bit {bit}");
            if let Some(Ok(v)) = decode_and_check(&c, &bad, &what) {
                panic!("{what} flipped and the trail still verifies: {v:?}");
            }
        }
    }
}
