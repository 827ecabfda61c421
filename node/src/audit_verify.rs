//! `bpci-node verify-audit`: checks an audit export offline, trusting only the genesis of a chain
//! spec (its genesis hash and validator set).
//!
//! In order: the checkpoint's finality (a proof bundle from the genesis set, following the set
//! hand-overs through their certificates: `bpci_verifier::bundle`); the log in the checkpoint's
//! header; that the manifest lists exactly the blocks `from..=to`, and that their leaves are the
//! log's leaves at their positions (MMR proofs against that log, so no block is left out or
//! added, and each leaf names its block's number and hash); then, block by block, that the rows
//! are numbered 0, 1, ... in order, as many as the leaf's count, and hash to the leaf's records
//! root (so a changed, missing, reordered or added row fails); that each row's inclusion proof
//! holds; and that its readable columns are what its bytes say. The first failure is the error.

use crate::audit_format::{self, unhex, Manifest, Row};
use crate::cli::VerifyAuditCmd;
use crate::verify_proof::trusted_genesis;
use bpci_primitives::audit::{find_digest, leaf_hash, records_root, verify, AuditLeaf};
use bpci_primitives::bls::native::Blst;
use bpci_primitives::bundle::{verify as verify_bundle, ProofBundle};
use bpci_primitives::trie::Blake2;
use codec::DecodeAll;
use sc_cli::Error;
use sp_core::H256;
use sp_mmr_primitives::{DataOrHash, LeafProof};
use sp_runtime::traits::BlakeTwo256;

fn fail(msg: impl Into<String>) -> Error {
    Error::Input(msg.into())
}

fn h256(what: &str, s: &str) -> Result<H256, Error> {
    let bytes = unhex(what, s)?;
    if bytes.len() != 32 {
        return Err(fail(format!("{what} is not a 32-byte hash")));
    }
    Ok(H256::from_slice(&bytes))
}

/// What an export proves, once checked.
pub struct Verified {
    pub checkpoint: u32,
    pub set_id: u64,
    pub records: u64,
    /// Blocks that refused records past their bound: their exports are complete as far as the
    /// chain itself recorded.
    pub incomplete: Vec<(u32, u32)>,
}

pub fn check(manifest: &Manifest, rows: &[Row], genesis: H256, trusted: &bpci_primitives::ValidatorSet) -> Result<Verified, Error> {
    if manifest.format != audit_format::FORMAT {
        return Err(fail(format!("export format {} (this verifier reads {})", manifest.format, audit_format::FORMAT)));
    }
    if h256("the manifest's chain", &manifest.chain)? != genesis {
        return Err(fail("the export is of another chain than --chain"));
    }
    // 1. The checkpoint is final, by the trusted set or its proven successors.
    let raw = unhex("the finality proof", &manifest.finality)?;
    let bundle = ProofBundle::decode_all(&mut &raw[..]).map_err(|e| fail(format!("the finality proof does not decode: {e}")))?;
    let proven = verify_bundle::<Blst, Blake2>(&bundle, &genesis, trusted).map_err(|e| fail(format!("the checkpoint's finality proof does not verify: {e}")))?;
    let checkpoint = proven.block;
    if checkpoint.number != manifest.checkpoint.number || checkpoint.hash != h256("the checkpoint hash", &manifest.checkpoint.hash)? {
        return Err(fail("the finality proof proves another block than the manifest's checkpoint"));
    }
    let ProofBundle::V1(b) = &bundle;
    let header = bpci_runtime::Header::decode_all(&mut &b.headers[0][..]).map_err(|e| fail(format!("the checkpoint header does not decode: {e}")))?;
    let log = find_digest(header.digest.logs.iter().filter_map(|l| l.as_consensus()))
        .ok_or_else(|| fail("the checkpoint's header carries no audit log"))?
        .log;
    if log.leaves != manifest.log.leaves || log.root != h256("the log root", &manifest.log.root)? {
        return Err(fail("the manifest's log is not the one in the checkpoint's header"));
    }

    // 2. The blocks listed are exactly from..=to, and their leaves are in the log.
    if manifest.from > manifest.to || manifest.to >= checkpoint.number {
        return Err(fail(format!(
            "the range #{}..#{} is not below the checkpoint #{}",
            manifest.from, manifest.to, checkpoint.number
        )));
    }
    let expected = (manifest.to - manifest.from + 1) as usize;
    if manifest.blocks.len() != expected || manifest.blocks.iter().zip(manifest.from..).any(|(b, n)| b.number != n) {
        return Err(fail(format!("the manifest does not list every block of #{}..#{} once, in order", manifest.from, manifest.to)));
    }
    // The log holds a leaf for every block from the one the log started after up to the
    // checkpoint's parent: block b's leaf is at `leaves - (checkpoint - b)`.
    let index_of = |b: u32| log.leaves.checked_sub((checkpoint.number - b) as u64);
    let mut leaves = Vec::with_capacity(expected);
    for entry in &manifest.blocks {
        let raw = unhex("a leaf", &entry.leaf)?;
        let leaf = AuditLeaf::decode_all(&mut &raw[..]).map_err(|_| fail(format!("block #{}: its leaf does not decode", entry.number)))?;
        if leaf.number != entry.number || leaf.hash != h256("a block hash", &entry.hash)? {
            return Err(fail(format!("block #{}: its leaf names another block", entry.number)));
        }
        leaves.push(leaf);
    }
    let mut covered = manifest.from;
    for p in &manifest.log_proofs {
        if p.first != covered || p.last < p.first || p.last > manifest.to {
            return Err(fail("the log proofs do not cover the range once, in order"));
        }
        let raw = unhex("a log proof", &p.proof)?;
        let proof = LeafProof::<H256>::decode_all(&mut &raw[..]).map_err(|e| fail(format!("a log proof does not decode: {e}")))?;
        let indices: Option<Vec<u64>> = (p.first..=p.last).map(index_of).collect();
        let indices = indices.ok_or_else(|| fail(format!("block #{} is older than the log", p.first)))?;
        if proof.leaf_indices != indices || proof.leaf_count != log.leaves {
            return Err(fail(format!("the log proof of #{}..#{} is for other positions", p.first, p.last)));
        }
        let part = &leaves[(p.first - manifest.from) as usize..=(p.last - manifest.from) as usize];
        pallet_mmr::verify_leaves_proof::<BlakeTwo256, AuditLeaf>(log.root, part.iter().map(|l| DataOrHash::Data(*l)).collect(), proof)
            .map_err(|_| fail(format!("blocks #{}..#{}: their leaves are not the log's (a block's commitment was changed)", p.first, p.last)))?;
        covered = p.last + 1;
    }
    if covered != manifest.to + 1 {
        return Err(fail("the log proofs do not cover the range"));
    }

    // 3. Rows, block by block.
    let mut rows = rows.iter().enumerate().peekable();
    let mut incomplete = Vec::new();
    for leaf in &leaves {
        let block = leaf.number;
        let mut hashes = Vec::new();
        let mut records: Vec<(usize, &Row, Vec<u8>)> = Vec::new();
        while let Some((i, row)) = rows.next_if(|(_, r)| r.block == block) {
            let at = i + 1;
            if row.index as usize != records.len() {
                return Err(fail(format!(
                    "row {at} (block #{block}): index {} where {} is next: a row was removed, added or reordered",
                    row.index,
                    records.len()
                )));
            }
            if h256("a block hash", &row.block_hash)? != leaf.hash {
                return Err(fail(format!("row {at} (block #{block}): another block's hash")));
            }
            let bytes = unhex("a record", &row.record)?;
            hashes.push(leaf_hash(&bytes));
            records.push((at, row, bytes));
        }
        if records.len() as u32 != leaf.records.count {
            let what = if (records.len() as u32) < leaf.records.count { "missing" } else { "added" };
            return Err(fail(format!(
                "block #{block}: {} rows where the log says {} records: a row is {what}",
                records.len(),
                leaf.records.count
            )));
        }
        if records_root(hashes.iter().copied()) != leaf.records.root {
            return Err(fail(format!(
                "block #{block}: its rows do not hash to the records root the log holds: a row was changed or reordered"
            )));
        }
        for (at, row, bytes) in &records {
            let proof: Vec<H256> = row.proof.iter().map(|h| h256("a proof hash", h)).collect::<Result<_, _>>()?;
            if !verify(&leaf.records, row.index, bytes, &proof) {
                return Err(fail(format!("row {at} (block #{block}): its inclusion proof does not hold")));
            }
            if audit_format::render(bytes) != (row.kind.clone(), row.fields.clone()) {
                return Err(fail(format!("row {at} (block #{block}): its readable columns are not what its record says")));
            }
        }
        if leaf.records.dropped > 0 {
            incomplete.push((block, leaf.records.dropped));
        }
    }
    if let Some((i, row)) = rows.next() {
        return Err(fail(format!(
            "row {} (block #{}) is out of place: a row was added or reordered (rows must follow blocks #{}..#{} in order)",
            i + 1,
            row.block,
            manifest.from,
            manifest.to
        )));
    }
    if manifest.records != rows_len(&leaves) {
        return Err(fail("the manifest's record count is not the log's"));
    }
    Ok(Verified { checkpoint: checkpoint.number, set_id: proven.set.set_id, records: manifest.records, incomplete })
}

fn rows_len(leaves: &[AuditLeaf]) -> u64 {
    leaves.iter().map(|l| l.records.count as u64).sum()
}

pub fn run(cmd: &VerifyAuditCmd, spec: &dyn sc_service::ChainSpec) -> Result<(), Error> {
    let (manifest, rows) = audit_format::read(&cmd.export)?;
    let (genesis, trusted) = trusted_genesis(spec)?;
    let v = check(&manifest, &rows, genesis, &trusted).map_err(|e| fail(format!("{}: {e}", cmd.export.display())))?;
    if let Some((block, dropped)) = v.incomplete.first() {
        if !cmd.allow_incomplete {
            return Err(fail(format!(
                "{}: block #{block} refused {dropped} records past its bound (its header says so): the export is complete \
                 only as far as the chain recorded; --allow-incomplete accepts that",
                cmd.export.display()
            )));
        }
    }
    let out = serde_json::json!({
        "chain": format!("{genesis:?}"),
        "from": manifest.from,
        "to": manifest.to,
        "records": v.records,
        "checkpoint": { "number": v.checkpoint, "hash": manifest.checkpoint.hash, "setId": v.set_id },
        "incompleteBlocks": v.incomplete.iter().map(|(b, d)| serde_json::json!({ "block": b, "dropped": d })).collect::<Vec<_>>(),
    });
    println!("{}", serde_json::to_string_pretty(&out).expect("strings and numbers"));
    Ok(())
}
