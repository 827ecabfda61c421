//! Checks an audit export: that its rows are every record a range of final blocks committed to, in
//! order, unchanged, trusting only a genesis validator set.
//!
//! The check `bpci-node verify-audit` runs on a file and the dashboard's audit page runs in the
//! browser (through `bpci-verifier-wasm`), so that both give the same verdict on the same trail.
//! In order: the checkpoint's finality (a proof bundle from the trusted set, following the set
//! hand-overs through their certificates: [`crate::bundle`]); the log in the checkpoint's header;
//! that the trail lists exactly the blocks `from..=to`, and that their leaves are the log's leaves
//! at their positions (MMR proofs against that log, so no block is left out or added, and each
//! leaf names its block's number and hash); then, block by block, that the rows are numbered 0, 1,
//! ... in order, as many as the leaf's count, and hash to the leaf's records root (so a changed,
//! missing, reordered or added row fails); and that each row's inclusion proof, where it carries
//! one, holds. The first failure is the error.
//!
//! A row's inclusion proof is what lets one row be shown alone; within a whole block it adds
//! nothing the records root does not prove, which is why a trail read straight from a node may
//! leave it out. A row's readable columns are the file format's, checked by whoever renders them.
//!
//! The log is polkadot-sdk's `pallet-mmr` over [`AuditLeaf`]s with BLAKE2-256: a leaf's node is the
//! hash of its encoding, an inner node the hash of its children's concatenated. Its proofs are
//! checked here with the MMR library pallet-mmr uses, without FRAME.

use crate::audit::{find_digest, leaf_hash, records_root, verify as verify_row, AuditLeaf, LogState};
use crate::bls::Backend;
use crate::bundle::{self, BundleError, ProofBundle};
use crate::trie::Blake2;
use crate::{header, SetId, ValidatorSet};
use alloc::vec::Vec;
use codec::{Decode, DecodeAll, Encode};
use mmr_lib::{leaf_index_to_pos, MerkleProof, Merge};
use sp_core::H256;

/// A block named by number and hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub struct BlockId {
    pub number: u32,
    pub hash: H256,
}

/// One block of the range with its log leaf (SCALE [`AuditLeaf`], as the node served it).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct TrailBlock {
    pub number: u32,
    pub hash: H256,
    pub leaf: Vec<u8>,
}

/// An MMR proof of the leaves of blocks `first..=last` (SCALE `sp_mmr_primitives::LeafProof`).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct TrailLogProof {
    pub first: u32,
    pub last: u32,
    pub proof: Vec<u8>,
}

/// One record of one block.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct TrailRow {
    pub block: u32,
    pub block_hash: H256,
    /// Position of the record in its block.
    pub index: u32,
    /// The record's SCALE bytes (the runtime's `AuditRecord`).
    pub record: Vec<u8>,
    /// Sibling hashes from the bottom up, if the row carries its own inclusion proof.
    pub proof: Option<Vec<H256>>,
}

/// An export's proven part.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Trail {
    pub from: u32,
    pub to: u32,
    /// Rows the export says it holds.
    pub records: u64,
    /// The final block whose header's log proves every block's leaf.
    pub checkpoint: BlockId,
    /// The log as the exporter read it (checked against the checkpoint's header).
    pub log: LogState,
    /// SCALE [`ProofBundle`] of the checkpoint's finality from the trusted set.
    pub finality: Vec<u8>,
    pub blocks: Vec<TrailBlock>,
    pub log_proofs: Vec<TrailLogProof>,
    pub rows: Vec<TrailRow>,
}

/// What a trail proves, once checked.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Verified {
    pub checkpoint: u32,
    /// The set that finalized the checkpoint, reached from the trusted one.
    pub set_id: SetId,
    pub records: u64,
    /// Blocks that refused records past their bound, with how many: the export is complete only
    /// as far as the chain itself recorded, and their headers say so.
    pub incomplete: Vec<(u32, u32)>,
}

/// Why a trail proves nothing. Rows are numbered from 1 in the export's order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TrailError {
    FinalityUndecodable,
    Finality(BundleError),
    OtherCheckpoint,
    CheckpointHeaderUndecodable,
    NoLog,
    OtherLog,
    RangeNotBelowCheckpoint { from: u32, to: u32, checkpoint: u32 },
    BlocksNotListed { from: u32, to: u32 },
    LeafUndecodable { block: u32 },
    LeafOfAnotherBlock { block: u32 },
    LogProofsOutOfOrder,
    LogProofUndecodable { first: u32 },
    OlderThanLog { block: u32 },
    LogProofPositions { first: u32, last: u32 },
    LeavesNotInLog { first: u32, last: u32 },
    LogProofsShort,
    RowIndex { row: usize, block: u32, index: u32, next: usize },
    RowOfAnotherBlock { row: usize, block: u32 },
    RowCount { block: u32, rows: usize, count: u32 },
    RecordsRoot { block: u32 },
    RowProof { row: usize, block: u32 },
    RowOutOfPlace { row: usize, block: u32, from: u32, to: u32 },
    RecordCount,
}

impl core::fmt::Display for TrailError {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        use TrailError::*;
        match self {
            FinalityUndecodable => f.write_str("the finality proof does not decode"),
            Finality(e) => write!(f, "the checkpoint's finality proof does not verify: {e}"),
            OtherCheckpoint => f.write_str("the finality proof proves another block than the manifest's checkpoint"),
            CheckpointHeaderUndecodable => f.write_str("the checkpoint header does not decode"),
            NoLog => f.write_str("the checkpoint's header carries no audit log"),
            OtherLog => f.write_str("the manifest's log is not the one in the checkpoint's header"),
            RangeNotBelowCheckpoint { from, to, checkpoint } => {
                write!(f, "the range #{from}..#{to} is not below the checkpoint #{checkpoint}")
            }
            BlocksNotListed { from, to } => write!(f, "the manifest does not list every block of #{from}..#{to} once, in order"),
            LeafUndecodable { block } => write!(f, "block #{block}: its leaf does not decode"),
            LeafOfAnotherBlock { block } => write!(f, "block #{block}: its leaf names another block"),
            LogProofsOutOfOrder => f.write_str("the log proofs do not cover the range once, in order"),
            LogProofUndecodable { first } => write!(f, "the log proof from #{first} does not decode"),
            OlderThanLog { block } => write!(f, "block #{block} is older than the log"),
            LogProofPositions { first, last } => write!(f, "the log proof of #{first}..#{last} is for other positions"),
            LeavesNotInLog { first, last } => {
                write!(f, "blocks #{first}..#{last}: their leaves are not the log's (a block's commitment was changed)")
            }
            LogProofsShort => f.write_str("the log proofs do not cover the range"),
            RowIndex { row, block, index, next } => write!(
                f,
                "row {row} (block #{block}): index {index} where {next} is next: a row was removed, added or reordered"
            ),
            RowOfAnotherBlock { row, block } => write!(f, "row {row} (block #{block}): another block's hash"),
            RowCount { block, rows, count } => {
                let what = if (*rows as u64) < *count as u64 { "missing" } else { "added" };
                write!(f, "block #{block}: {rows} rows where the log says {count} records: a row is {what}")
            }
            RecordsRoot { block } => write!(
                f,
                "block #{block}: its rows do not hash to the records root the log holds: a row was changed or reordered"
            ),
            RowProof { row, block } => write!(f, "row {row} (block #{block}): its inclusion proof does not hold"),
            RowOutOfPlace { row, block, from, to } => write!(
                f,
                "row {row} (block #{block}) is out of place: a row was added or reordered (rows must follow blocks #{from}..#{to} in order)"
            ),
            RecordCount => f.write_str("the manifest's record count is not the log's"),
        }
    }
}

/// `sp_mmr_primitives::LeafProof<H256>`, field for field.
#[derive(Decode)]
struct LeafProof {
    leaf_indices: Vec<u64>,
    leaf_count: u64,
    items: Vec<H256>,
}

/// pallet-mmr's node hashing over BLAKE2-256, on node hashes.
struct LogHasher;
impl Merge for LogHasher {
    type Item = H256;
    fn merge(left: &H256, right: &H256) -> mmr_lib::Result<H256> {
        let mut both = [0u8; 64];
        both[..32].copy_from_slice(left.as_bytes());
        both[32..].copy_from_slice(right.as_bytes());
        Ok(H256(sp_crypto_hashing::blake2_256(&both)))
    }
}

/// Whether `leaves` are the log's leaves at the positions `proof` names, under `root`.
fn in_log(root: H256, leaves: &[AuditLeaf], proof: LeafProof) -> bool {
    // An MMR of n leaves has 2n - (its peaks, one per set bit of n) nodes.
    let Some(size) = proof.leaf_count.checked_mul(2).map(|n| n - proof.leaf_count.count_ones() as u64) else { return false };
    if leaves.len() != proof.leaf_indices.len() || proof.leaf_indices.iter().any(|i| *i >= proof.leaf_count) {
        return false;
    }
    let nodes = proof
        .leaf_indices
        .iter()
        .zip(leaves)
        .map(|(i, leaf)| (leaf_index_to_pos(*i), H256(sp_crypto_hashing::blake2_256(&leaf.encode()))))
        .collect();
    MerkleProof::<H256, LogHasher>::new(size, proof.items).verify(root, nodes).unwrap_or(false)
}

/// Checks `trail` of the chain of `genesis`, trusting only `trusted`, with BLS backend `B`.
pub fn check<B: Backend>(trail: &Trail, genesis: &H256, trusted: &ValidatorSet) -> Result<Verified, TrailError> {
    use TrailError::*;
    // 1. The checkpoint is final, by the trusted set or its proven successors.
    let bundle = ProofBundle::decode_all(&mut &trail.finality[..]).map_err(|_| FinalityUndecodable)?;
    let proven = bundle::verify::<B, Blake2>(&bundle, genesis, trusted).map_err(Finality)?;
    let checkpoint = proven.block;
    if checkpoint.number != trail.checkpoint.number || checkpoint.hash != trail.checkpoint.hash {
        return Err(OtherCheckpoint);
    }
    let ProofBundle::V1(b) = &bundle;
    let logs = header::consensus_logs(&b.headers[0]).map_err(|_| CheckpointHeaderUndecodable)?;
    let log = find_digest(logs.iter().map(|(id, data)| (*id, &data[..]))).ok_or(NoLog)?.log;
    if log != trail.log {
        return Err(OtherLog);
    }

    // 2. The blocks listed are exactly from..=to, and their leaves are in the log.
    let (from, to) = (trail.from, trail.to);
    if from > to || to >= checkpoint.number {
        return Err(RangeNotBelowCheckpoint { from, to, checkpoint: checkpoint.number });
    }
    let expected = (to - from) as usize + 1;
    if trail.blocks.len() != expected || trail.blocks.iter().zip(from..).any(|(b, n)| b.number != n) {
        return Err(BlocksNotListed { from, to });
    }
    // The log holds a leaf for every block from the one the log started after up to the
    // checkpoint's parent: block b's leaf is at `leaves - (checkpoint - b)`.
    let index_of = |b: u32| log.leaves.checked_sub((checkpoint.number - b) as u64);
    let mut leaves = Vec::with_capacity(expected);
    for entry in &trail.blocks {
        let leaf = AuditLeaf::decode_all(&mut &entry.leaf[..]).map_err(|_| LeafUndecodable { block: entry.number })?;
        if leaf.number != entry.number || leaf.hash != entry.hash {
            return Err(LeafOfAnotherBlock { block: entry.number });
        }
        leaves.push(leaf);
    }
    let mut covered = from;
    for p in &trail.log_proofs {
        if p.first != covered || p.last < p.first || p.last > to {
            return Err(LogProofsOutOfOrder);
        }
        let proof = LeafProof::decode_all(&mut &p.proof[..]).map_err(|_| LogProofUndecodable { first: p.first })?;
        let indices = (p.first..=p.last).map(|b| index_of(b).ok_or(OlderThanLog { block: b })).collect::<Result<Vec<_>, _>>()?;
        if proof.leaf_indices != indices || proof.leaf_count != log.leaves {
            return Err(LogProofPositions { first: p.first, last: p.last });
        }
        let part = &leaves[(p.first - from) as usize..=(p.last - from) as usize];
        if !in_log(log.root, part, proof) {
            return Err(LeavesNotInLog { first: p.first, last: p.last });
        }
        covered = p.last + 1;
    }
    if covered != to + 1 {
        return Err(LogProofsShort);
    }

    // 3. Rows, block by block.
    let mut rows = trail.rows.iter().enumerate().peekable();
    let mut incomplete = Vec::new();
    for leaf in &leaves {
        let block = leaf.number;
        let mut hashes = Vec::new();
        let mut records: Vec<(usize, &TrailRow)> = Vec::new();
        while let Some((i, row)) = rows.next_if(|(_, r)| r.block == block) {
            let at = i + 1;
            if row.index as usize != records.len() {
                return Err(RowIndex { row: at, block, index: row.index, next: records.len() });
            }
            if row.block_hash != leaf.hash {
                return Err(RowOfAnotherBlock { row: at, block });
            }
            hashes.push(leaf_hash(&row.record));
            records.push((at, row));
        }
        if records.len() as u64 != leaf.records.count as u64 {
            return Err(RowCount { block, rows: records.len(), count: leaf.records.count });
        }
        if records_root(hashes.iter().copied()) != leaf.records.root {
            return Err(RecordsRoot { block });
        }
        for (at, row) in &records {
            if let Some(proof) = &row.proof {
                if !verify_row(&leaf.records, row.index, &row.record, proof) {
                    return Err(RowProof { row: *at, block });
                }
            }
        }
        if leaf.records.dropped > 0 {
            incomplete.push((block, leaf.records.dropped));
        }
    }
    if let Some((i, row)) = rows.next() {
        return Err(RowOutOfPlace { row: i + 1, block: row.block, from, to });
    }
    let total: u64 = leaves.iter().map(|l| l.records.count as u64).sum();
    if trail.records != total {
        return Err(RecordCount);
    }
    Ok(Verified { checkpoint: checkpoint.number, set_id: proven.set.set_id, records: total, incomplete })
}

#[cfg(test)]
mod tests;
