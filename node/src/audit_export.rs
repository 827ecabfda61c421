//! `bpci-node export-audit`: the audit trail of a range of finalized blocks, from a node's RPC, as
//! rows with their proofs and a manifest that proves them complete (`audit_format`).
//!
//! The node is not trusted: everything written is what `verify-audit` checks. The exporter only
//! refuses what would make an export that cannot verify: a range past the finalized head.

use crate::audit_format::{self, hex0x, unhex, BlockLeaf, BlockRef, LogProof, LogRef, Manifest, Row, FORMAT};
use crate::cli::{AuditFormat, ExportAuditCmd};
use bpci_primitives::audit::{leaf_hash, prove};
use sc_cli::Error;
use serde_json::{json, Value};
use sp_core::H256;
use std::net::TcpStream;
use std::time::{Duration, Instant};
use tungstenite::{stream::MaybeTlsStream, Message, WebSocket};

/// How long the export waits for the finalized head to pass `--to` when `--to` is the head.
const WAIT_FOR_FINALITY: Duration = Duration::from_secs(60);
/// How long one RPC answer may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(120);

/// A JSON-RPC client over one WebSocket, one call at a time.
pub struct Rpc {
    url: String,
    socket: WebSocket<MaybeTlsStream<TcpStream>>,
    id: u64,
}

impl Rpc {
    pub fn connect(url: &str) -> Result<Self, Error> {
        if !url.starts_with("ws://") {
            return Err(Error::Input(format!("--url {url}: only ws:// endpoints (use a tunnel for a remote node)")));
        }
        let (socket, _) = tungstenite::connect(url).map_err(|e| Error::Input(format!("cannot connect to {url}: {e}")))?;
        if let MaybeTlsStream::Plain(stream) = socket.get_ref() {
            stream.set_read_timeout(Some(CALL_TIMEOUT)).map_err(|e| Error::Input(e.to_string()))?;
        }
        Ok(Self { url: url.into(), socket, id: 0 })
    }

    pub fn call(&mut self, method: &str, params: Value) -> Result<Value, Error> {
        self.id += 1;
        let request = json!({ "jsonrpc": "2.0", "id": self.id, "method": method, "params": params });
        let lost = |e: tungstenite::Error| Error::Input(format!("{}: {method}: {e}", self.url));
        self.socket.send(Message::Text(request.to_string().into())).map_err(lost)?;
        loop {
            let text = match self.socket.read().map_err(|e| Error::Input(format!("{}: {method}: {e}", self.url)))? {
                Message::Text(t) => t,
                Message::Close(_) => return Err(Error::Input(format!("{} closed the connection", self.url))),
                _ => continue,
            };
            let reply: Value = serde_json::from_str(text.as_str()).map_err(|e| Error::Input(format!("{method}: not JSON: {e}")))?;
            if reply.get("id").and_then(Value::as_u64) != Some(self.id) {
                continue;
            }
            if let Some(err) = reply.get("error") {
                let msg = err.get("message").and_then(Value::as_str).unwrap_or("error");
                return Err(Error::Input(format!("{method}: {msg}")));
            }
            return Ok(reply.get("result").cloned().unwrap_or(Value::Null));
        }
    }

    fn string(&mut self, method: &str, params: Value) -> Result<String, Error> {
        self.call(method, params)?.as_str().map(str::to_string).ok_or_else(|| Error::Input(format!("{method}: not a string")))
    }

    /// The finalized head: (number, hash).
    pub fn finalized(&mut self) -> Result<(u32, String), Error> {
        let hash = self.string("chain_getFinalizedHead", json!([]))?;
        let header = self.call("chain_getHeader", json!([hash]))?;
        let number = header
            .get("number")
            .and_then(Value::as_str)
            .and_then(|n| u32::from_str_radix(n.trim_start_matches("0x"), 16).ok())
            .ok_or_else(|| Error::Input("chain_getHeader: no number".into()))?;
        Ok((number, hash))
    }
}

fn field<'a>(v: &'a Value, key: &str) -> Result<&'a Value, Error> {
    v.get(key).ok_or_else(|| Error::Input(format!("bpci_auditRange: no {key}")))
}

fn text(v: &Value, key: &str) -> Result<String, Error> {
    field(v, key)?.as_str().map(str::to_string).ok_or_else(|| Error::Input(format!("bpci_auditRange: {key} is not a string")))
}

pub fn run(cmd: &ExportAuditCmd) -> Result<(), Error> {
    if cmd.from > cmd.to {
        return Err(Error::Input(format!("--from {} is after --to {}", cmd.from, cmd.to)));
    }
    let mut rpc = Rpc::connect(&cmd.url)?;
    let chain = rpc.string("chain_getBlockHash", json!([0]))?;
    let (mut head, mut head_hash) = rpc.finalized()?;
    if cmd.to > head {
        return Err(Error::Input(format!(
            "--to {} is past the finalized head #{head}: exports read finalized blocks only",
            cmd.to
        )));
    }
    // Block `to`'s leaf enters the log in the next block: wait for one above it to be final.
    let started = Instant::now();
    while head <= cmd.to {
        if started.elapsed() > WAIT_FOR_FINALITY {
            return Err(Error::Input(format!("no block above #{} was finalized within {WAIT_FOR_FINALITY:?}", cmd.to)));
        }
        std::thread::sleep(Duration::from_millis(500));
        (head, head_hash) = rpc.finalized()?;
    }

    let mut blocks = Vec::new();
    let mut rows = Vec::new();
    let mut log_proofs = Vec::new();
    let mut log = None;
    let mut first = cmd.from;
    let mut span = bpci_rpc::audit::MAX_BLOCKS;
    loop {
        let last = cmd.to.min(first.saturating_add(span - 1));
        let range = match rpc.call("bpci_auditRange", json!([first, last, head_hash])) {
            // Too many records in these blocks for one answer: ask for half as many blocks.
            Err(Error::Input(e)) if e.contains("ask for fewer blocks") && span > 1 => {
                span /= 2;
                continue;
            }
            other => other?,
        };
        let range_log = field(&range, "log")?.clone();
        let this = LogRef {
            leaves: field(&range_log, "leaves")?.as_u64().ok_or_else(|| Error::Input("bpci_auditRange: bad log".into()))?,
            root: text(&range_log, "root")?,
        };
        if log.as_ref().is_some_and(|l| l != &this) {
            return Err(Error::Input("bpci_auditRange gave two logs for one checkpoint".into()));
        }
        log = Some(this);
        let leaves = field(&range, "leaves")?.as_array().cloned().unwrap_or_default();
        let listed = field(&range, "blocks")?.as_array().cloned().unwrap_or_default();
        if leaves.len() != listed.len() || listed.len() != (last - first + 1) as usize {
            return Err(Error::Input(format!("bpci_auditRange gave {} blocks and {} leaves for #{first}..#{last}", listed.len(), leaves.len())));
        }
        for (block, leaf) in listed.iter().zip(leaves) {
            let number = field(block, "number")?.as_u64().ok_or_else(|| Error::Input("bpci_auditRange: bad number".into()))? as u32;
            let hash = text(block, "hash")?;
            let records: Vec<Vec<u8>> = field(block, "records")?
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .map(|r| unhex("a record", r.as_str().unwrap_or_default()))
                .collect::<Result<_, _>>()?;
            let hashes: Vec<H256> = records.iter().map(|r| leaf_hash(r)).collect();
            for (index, record) in records.iter().enumerate() {
                let (kind, fields) = audit_format::render(record);
                let proof = prove(&hashes, index as u32).expect("index within the block's records");
                rows.push(Row {
                    line: "row".into(),
                    block: number,
                    block_hash: hash.clone(),
                    index: index as u32,
                    kind,
                    fields,
                    record: hex0x(record),
                    proof: proof.iter().map(|h| format!("{h:?}")).collect(),
                });
            }
            blocks.push(BlockLeaf { number, hash, leaf: leaf.as_str().unwrap_or_default().to_string() });
        }
        log_proofs.push(LogProof { first, last, proof: text(&range, "logProof")? });
        if last == cmd.to {
            break;
        }
        first = last + 1;
    }
    let finality = rpc.string("bpci_proveFinality", json!([head_hash, cmd.trusted_set_id]))?;
    let manifest = Manifest {
        kind: "manifest".into(),
        format: FORMAT,
        chain,
        from: cmd.from,
        to: cmd.to,
        records: rows.len() as u64,
        checkpoint: BlockRef { number: head, hash: head_hash },
        log: log.expect("at least one range"),
        finality,
        blocks,
        log_proofs,
    };
    audit_format::write(&cmd.output, cmd.format == AuditFormat::Csv, &manifest, &rows)?;
    eprintln!(
        "exported {} records of blocks #{}..#{} (checkpoint #{}) to {}",
        rows.len(),
        cmd.from,
        cmd.to,
        head,
        cmd.output.display()
    );
    Ok(())
}
