//! The audit export's format, shared by `export-audit` and `verify-audit` (docs/audit.md).
//!
//! A manifest (what proves the rows complete) and rows (a record each). JSONL: the manifest's
//! object first, then a row object a line. CSV: the rows, with a header line, and the manifest
//! in `<file>.manifest.json`. A row's readable columns (`kind`, `fields`) are rendered from its
//! proven bytes (`record`), and `verify-audit` renders them again and compares, so that an edit
//! of a readable column is caught like an edit of the bytes.

use bpci_runtime::audit::AuditRecord;
use codec::DecodeAll;
use sc_cli::Error;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Version of this format.
pub const FORMAT: u32 = 1;

/// The CSV columns, in order.
const COLUMNS: [&str; 7] = ["block", "blockHash", "index", "kind", "fields", "record", "proof"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Manifest {
    #[serde(rename = "type")]
    pub kind: String,
    pub format: u32,
    /// Genesis hash of the exported chain.
    pub chain: String,
    pub from: u32,
    pub to: u32,
    /// Rows in the export.
    pub records: u64,
    /// The finalized block whose header's log proves every block's leaf.
    pub checkpoint: BlockRef,
    /// The log in the checkpoint's header, as the exporter read it (the verifier reads it from
    /// the header the finality proof proves).
    pub log: LogRef,
    /// `bpci_proveFinality` of the checkpoint from the trusted set: a hex SCALE `ProofBundle`.
    pub finality: String,
    /// Every block of the range, in order, with its log leaf (hex SCALE `AuditLeaf`).
    pub blocks: Vec<BlockLeaf>,
    /// MMR proofs of the leaves, a range of blocks each (hex SCALE `LeafProof`).
    pub log_proofs: Vec<LogProof>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockRef {
    pub number: u32,
    pub hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogRef {
    pub leaves: u64,
    pub root: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockLeaf {
    pub number: u32,
    pub hash: String,
    pub leaf: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogProof {
    pub first: u32,
    pub last: u32,
    pub proof: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Row {
    /// `row` (what tells a row line from the manifest's in JSONL).
    #[serde(rename = "type")]
    pub line: String,
    pub block: u32,
    pub block_hash: String,
    /// Position of the record in its block.
    pub index: u32,
    /// Readable: the record's pallet and event, e.g. `Partners.Activated`.
    pub kind: String,
    /// Readable: the record's fields as the runtime names them.
    pub fields: String,
    /// The proven bytes: hex SCALE `AuditRecord`.
    pub record: String,
    /// Inclusion proof of the record in its block's records root: sibling hashes, bottom up.
    pub proof: Vec<String>,
}

pub fn hex0x(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

pub fn unhex(what: &str, s: &str) -> Result<Vec<u8>, Error> {
    hex::decode(s.trim_start_matches("0x")).map_err(|e| Error::Input(format!("{what} is not hex: {e}")))
}

/// The readable columns of an encoded record: (kind, fields). A record this runtime cannot decode
/// (a newer version) reads as `undecodable`, with empty fields.
pub fn render(record: &[u8]) -> (String, String) {
    let Ok(AuditRecord::V1(r)) = AuditRecord::decode_all(&mut &record[..]) else {
        return ("undecodable".into(), String::new());
    };
    let fields = format!("{r:?}");
    let name = |s: &str| s.chars().take_while(|c| c.is_alphanumeric()).collect::<String>();
    let outer = name(&fields);
    // `Partners(Event::Activated { .. })`: the event's variant, after its type's name.
    let kind = match fields[outer.len()..].strip_prefix('(') {
        Some(rest) if !name(rest).is_empty() => {
            let first = name(rest);
            let variant = match rest[first.len()..].strip_prefix("::") {
                Some(after) if !name(after).is_empty() => name(after),
                _ => first,
            };
            format!("{outer}.{variant}")
        }
        _ => outer,
    };
    (kind, fields)
}

/// Where the manifest of a CSV export is.
pub fn manifest_path(csv: &Path) -> PathBuf {
    let mut name = csv.as_os_str().to_owned();
    name.push(".manifest.json");
    PathBuf::from(name)
}

pub fn write(path: &Path, csv: bool, manifest: &Manifest, rows: &[Row]) -> Result<(), Error> {
    let io = |e: std::io::Error| Error::Input(format!("cannot write {}: {e}", path.display()));
    if csv {
        let mut w = csv::Writer::from_path(path).map_err(|e| Error::Input(format!("cannot write {}: {e}", path.display())))?;
        w.write_record(COLUMNS).map_err(|e| Error::Input(e.to_string()))?;
        for r in rows {
            w.write_record([
                r.block.to_string(),
                r.block_hash.clone(),
                r.index.to_string(),
                r.kind.clone(),
                r.fields.clone(),
                r.record.clone(),
                r.proof.join(" "),
            ])
            .map_err(|e| Error::Input(e.to_string()))?;
        }
        w.flush().map_err(io)?;
        let json = serde_json::to_string_pretty(manifest).expect("strings and numbers");
        std::fs::write(manifest_path(path), json).map_err(io)
    } else {
        let mut out = serde_json::to_string(manifest).expect("strings and numbers");
        out.push('\n');
        for r in rows {
            out.push_str(&serde_json::to_string(r).expect("strings and numbers"));
            out.push('\n');
        }
        std::fs::write(path, out).map_err(io)
    }
}

/// Reads an export: JSONL unless the file ends in `.csv`.
pub fn read(path: &Path) -> Result<(Manifest, Vec<Row>), Error> {
    let bad = |line: usize, e: String| Error::Input(format!("{} line {line}: {e}", path.display()));
    if path.extension().is_some_and(|e| e == "csv") {
        let mpath = manifest_path(path);
        let text = std::fs::read_to_string(&mpath).map_err(|e| Error::Input(format!("cannot read {}: {e}", mpath.display())))?;
        let manifest: Manifest =
            serde_json::from_str(&text).map_err(|e| Error::Input(format!("{} is no manifest: {e}", mpath.display())))?;
        if manifest.kind != "manifest" {
            return Err(Error::Input(format!("{} is no manifest", mpath.display())));
        }
        let mut r = csv::Reader::from_path(path).map_err(|e| Error::Input(format!("cannot read {}: {e}", path.display())))?;
        let header = r.headers().map_err(|e| bad(1, e.to_string()))?;
        if header.iter().ne(COLUMNS) {
            return Err(bad(1, format!("the columns are not {}", COLUMNS.join(","))));
        }
        let mut rows = Vec::new();
        for (i, rec) in r.records().enumerate() {
            let line = i + 2;
            let rec = rec.map_err(|e| bad(line, e.to_string()))?;
            if rec.len() != 7 {
                return Err(bad(line, format!("{} columns, not 7", rec.len())));
            }
            let num = |s: &str, what: &str| s.parse::<u32>().map_err(|e| bad(line, format!("{what}: {e}")));
            rows.push(Row {
                line: "row".into(),
                block: num(&rec[0], "block")?,
                block_hash: rec[1].to_string(),
                index: num(&rec[2], "index")?,
                kind: rec[3].to_string(),
                fields: rec[4].to_string(),
                record: rec[5].to_string(),
                proof: rec[6].split_whitespace().map(str::to_string).collect(),
            });
        }
        Ok((manifest, rows))
    } else {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Input(format!("cannot read {}: {e}", path.display())))?;
        let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
        let (_, first) = lines.next().ok_or_else(|| bad(1, "empty export".into()))?;
        let manifest = match serde_json::from_str::<Manifest>(first) {
            Ok(m) if m.kind == "manifest" => m,
            Ok(_) => return Err(bad(1, "the first line is not the manifest".into())),
            Err(e) => return Err(bad(1, format!("the first line is not the manifest: {e}"))),
        };
        let mut rows = Vec::new();
        for (i, l) in lines {
            match serde_json::from_str::<Row>(l) {
                Ok(r) if r.line == "row" => rows.push(r),
                Ok(_) => return Err(bad(i + 1, "not a row".into())),
                Err(e) => return Err(bad(i + 1, format!("not a row: {e}"))),
            }
        }
        Ok((manifest, rows))
    }
}
