//! `bpci-node verify-audit`: checks an audit export offline, trusting only the genesis of a chain
//! spec (its genesis hash and validator set).
//!
//! The proven part (finality of the checkpoint from the genesis set, the log, every block's leaf,
//! every row's bytes and inclusion proof) is `bpci_verifier::audit_trail`'s check, the one the
//! dashboard's audit page runs in the browser; this file reads the file's hex into it and then
//! checks what only the node can: that each row's readable columns are what its bytes say (they
//! are rendered by the runtime's types). The first failure is the error.

use crate::audit_format::{self, unhex, Manifest, Row};
use crate::cli::VerifyAuditCmd;
use crate::verify_proof::trusted_genesis;
use bpci_primitives::audit::LogState;
use bpci_primitives::audit_trail::{self, BlockId, Trail, TrailBlock, TrailLogProof, TrailRow, Verified};
use bpci_primitives::bls::native::Blst;
use sc_cli::Error;
use sp_core::H256;

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

/// The proven part of an export, for the shared check; hex and hash fields parsed here.
fn trail(manifest: &Manifest, rows: &[Row]) -> Result<Trail, Error> {
    let blocks = manifest
        .blocks
        .iter()
        .map(|b| Ok(TrailBlock { number: b.number, hash: h256("a block hash", &b.hash)?, leaf: unhex("a leaf", &b.leaf)? }))
        .collect::<Result<_, Error>>()?;
    let log_proofs = manifest
        .log_proofs
        .iter()
        .map(|p| Ok(TrailLogProof { first: p.first, last: p.last, proof: unhex("a log proof", &p.proof)? }))
        .collect::<Result<_, Error>>()?;
    let rows = rows
        .iter()
        .map(|r| {
            let proof = r.proof.iter().map(|h| h256("a proof hash", h)).collect::<Result<_, _>>()?;
            Ok(TrailRow {
                block: r.block,
                block_hash: h256("a block hash", &r.block_hash)?,
                index: r.index,
                record: unhex("a record", &r.record)?,
                proof: Some(proof),
            })
        })
        .collect::<Result<_, Error>>()?;
    Ok(Trail {
        from: manifest.from,
        to: manifest.to,
        records: manifest.records,
        checkpoint: BlockId { number: manifest.checkpoint.number, hash: h256("the checkpoint hash", &manifest.checkpoint.hash)? },
        log: LogState { leaves: manifest.log.leaves, root: h256("the log root", &manifest.log.root)? },
        finality: unhex("the finality proof", &manifest.finality)?,
        blocks,
        log_proofs,
        rows,
    })
}

/// Checks an export: its proven part by `bpci_verifier::audit_trail` (what the dashboard runs
/// too), then that every row's readable columns are what its bytes say.
pub fn check(manifest: &Manifest, rows: &[Row], genesis: H256, trusted: &bpci_primitives::ValidatorSet) -> Result<Verified, Error> {
    if manifest.format != audit_format::FORMAT {
        return Err(fail(format!("export format {} (this verifier reads {})", manifest.format, audit_format::FORMAT)));
    }
    if h256("the manifest's chain", &manifest.chain)? != genesis {
        return Err(fail("the export is of another chain than --chain"));
    }
    let trail = trail(manifest, rows)?;
    let verified = audit_trail::check::<Blst>(&trail, &genesis, trusted).map_err(|e| fail(e.to_string()))?;
    for (i, (row, proven)) in rows.iter().zip(&trail.rows).enumerate() {
        if audit_format::render(&proven.record) != (row.kind.clone(), row.fields.clone()) {
            return Err(fail(format!("row {} (block #{}): its readable columns are not what its record says", i + 1, row.block)));
        }
    }
    Ok(verified)
}

pub fn run(cmd: &VerifyAuditCmd, spec: &dyn sc_service::ChainSpec, wasm_cache: Option<&std::path::Path>) -> Result<(), Error> {
    let (manifest, rows) = audit_format::read(&cmd.export)?;
    let (genesis, trusted) = trusted_genesis(spec, wasm_cache)?;
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
