// The audit trail in the page: read a range's records and proofs from the node (what
// `bpci-node export-audit` reads), or an export file (its JSONL format, docs/audit.md), as one
// `Trail`, which src/verifier.ts checks in WebAssembly with the code `bpci-node verify-audit` runs
// (bpci_verifier::audit_trail). Nothing the node says is shown as proven until that check passed;
// a record's readable kind and fields are decoded here from its proven bytes, never taken from a
// file's columns.
import type { ApiPromise } from '@polkadot/api';
import { TypeRegistry } from '@polkadot/types';
import { hexToU8a } from '@polkadot/util';

export interface TrailRow {
  block: number;
  blockHash: string;
  index: number;
  record: string;
  /// The row's own inclusion proof (an export file's); a trail read from the node has none, its
  /// rows being proven whole by their block's records root.
  proof: string[] | null;
  /// The readable kind column of an export file, compared with what the page decodes.
  fileKind?: string;
}

export interface Trail {
  from: number;
  to: number;
  records: number;
  checkpoint: { number: number; hash: string };
  log: { leaves: number; root: string };
  finality: string;
  blocks: { number: number; hash: string; leaf: string }[];
  logProofs: { first: number; last: number; proof: string }[];
  rows: TrailRow[];
}

/// bpci_verifier::audit_trail::Trail, field for field.
const scale = new TypeRegistry();
scale.register({
  TrailBlockId: { number: 'u32', hash: 'H256' },
  TrailLog: { leaves: 'u64', root: 'H256' },
  TrailBlock: { number: 'u32', hash: 'H256', leaf: 'Bytes' },
  TrailLogProof: { first: 'u32', last: 'u32', proof: 'Bytes' },
  TrailRow: { block: 'u32', blockHash: 'H256', index: 'u32', record: 'Bytes', proof: 'Option<Vec<H256>>' },
  Trail: {
    from: 'u32', to: 'u32', records: 'u64', checkpoint: 'TrailBlockId', log: 'TrailLog', finality: 'Bytes',
    blocks: 'Vec<TrailBlock>', logProofs: 'Vec<TrailLogProof>', rows: 'Vec<TrailRow>',
  },
});

export function encodeTrail(t: Trail): Uint8Array {
  return scale.createType('Trail', { ...t, rows: t.rows.map(({ fileKind: _, ...r }) => r) }).toU8a();
}

/// Most blocks one `bpci_auditRange` call covers (rpc/src/audit.rs MAX_BLOCKS).
const MAX_BLOCKS = 1024;

interface RangeAnswer {
  log: { leaves: number; root: string };
  leaves: string[];
  blocks: { number: number; hash: string; records: string[] }[];
  logProof: string;
}

/// Blocks `from..=to` read from the node, with the finality of its finalized head proven from set
/// `trustedSetId`. `to` must be below the finalized head: a block's leaf is in the log from the
/// next block on.
export async function readTrail(api: ApiPromise, from: number, to: number, trustedSetId: string): Promise<Trail> {
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || from > to) throw new Error(`#${from}..#${to} is not a range of blocks`);
  const headHash = (await api.rpc.chain.getFinalizedHead()).toHex();
  const head = (await api.rpc.chain.getHeader(headHash)).number.toNumber();
  if (to >= head) throw new Error(`#${to} is not below the finalized head #${head}: a block's records are proven from the next block on`);
  const trail: Trail = {
    from, to, records: 0, checkpoint: { number: head, hash: headHash }, log: { leaves: 0, root: '' }, finality: '',
    blocks: [], logProofs: [], rows: [],
  };
  let first = from;
  let span = MAX_BLOCKS;
  for (;;) {
    const last = Math.min(to, first + span - 1);
    let range: RangeAnswer;
    try {
      range = (await api.rpc.bpci.auditRange(first, last, headHash)).toJSON() as unknown as RangeAnswer;
    } catch (e) {
      // Too many records in these blocks for one answer: ask for half as many blocks.
      if (String(e).includes('ask for fewer blocks') && span > 1) { span = Math.floor(span / 2); continue; }
      throw e;
    }
    if (trail.log.root && (trail.log.root !== range.log.root || trail.log.leaves !== range.log.leaves)) throw new Error('the node gave two logs for one checkpoint');
    trail.log = range.log;
    range.blocks.forEach((b, i) => {
      trail.blocks.push({ number: b.number, hash: b.hash, leaf: range.leaves[i] ?? '0x' });
      b.records.forEach((record, index) => trail.rows.push({ block: b.number, blockHash: b.hash, index, record, proof: null }));
    });
    trail.logProofs.push({ first, last, proof: range.logProof });
    if (last === to) break;
    first = last + 1;
  }
  trail.records = trail.rows.length;
  trail.finality = (await api.rpc.bpci.proveFinality(headHash, BigInt(trustedSetId))).toHex();
  return trail;
}

/// An export file of `bpci-node export-audit --format jsonl`: the manifest's line, then a row a line.
export function parseExport(text: string, genesis: string): Trail {
  const lines = text.split('\n').filter((l) => l.trim());
  const parse = (l: string, i: number) => {
    try { return JSON.parse(l); } catch { throw new Error(`line ${i + 1} is not JSON (the page reads the JSONL format)`); }
  };
  const m = parse(lines[0] ?? '', 0);
  if (m?.type !== 'manifest') throw new Error('the first line is not an export manifest (the page reads the JSONL format)');
  if (m.format !== 1) throw new Error(`export format ${m.format} (this page reads 1)`);
  if (m.chain !== genesis) throw new Error("the export is of another chain than this node's");
  const rows = lines.slice(1).map((l, i) => {
    const r = parse(l, i + 1);
    if (r?.type !== 'row') throw new Error(`line ${i + 2} is not a row`);
    return { block: r.block, blockHash: r.blockHash, index: r.index, record: r.record, proof: r.proof, fileKind: r.kind } as TrailRow;
  });
  return {
    from: m.from, to: m.to, records: m.records, checkpoint: m.checkpoint, log: m.log, finality: m.finality,
    blocks: m.blocks, logProofs: m.logProofs, rows,
  };
}

/// RecordV1's variants (runtime/src/audit.rs; a version is never edited): a pallet's events by the
/// pallet's name in the metadata, or a record of the runtime's own.
const V1: (string | { kind: string; type: string })[] = [
  'Partners', 'Roundtable', 'Referenda',
  { kind: 'Enacted', type: '{"task":"(u32,u32)","id":"Option<[u8;32]>","result":"Result<(), SpRuntimeDispatchError>"}' },
  'Revenue', 'Auction', 'Validators', 'Treasury', 'DevelopmentTreasury', 'InfrastructureTreasury', 'Bridge', 'Sudo',
  { kind: 'RuntimeUpgraded', type: '{"codeHash":"H256"}' },
  { kind: 'UpgradeAuthorized', type: '{"codeHash":"H256","checkVersion":"bool"}' },
];

/// A record's kind (`Pallet.Event`, as `export-audit` names it) and fields, decoded from its bytes
/// with the chain's metadata; `undecodable` for a version or variant this page does not know.
export function decodeRecord(api: ApiPromise, record: string): { kind: string; fields: string } {
  const bytes = hexToU8a(record);
  const undecodable = { kind: 'undecodable', fields: '' };
  if (bytes[0] !== 1) return undecodable;
  const variant = V1[bytes[1]];
  const rest = bytes.subarray(2);
  if (variant === undefined) return undecodable;
  try {
    if (typeof variant === 'string') {
      const pallet = api.runtimeMetadata.asLatest.pallets.find((p) => p.name.toString() === variant);
      if (!pallet || pallet.events.isNone) return undecodable;
      const ev = api.registry.createType(api.registry.createLookupType(pallet.events.unwrap().type), rest) as unknown as { type: string; encodedLength: number; toHuman(): unknown };
      if (ev.encodedLength !== rest.length) return undecodable;
      // `{ Paid: { .. } }`: the kind names the variant already.
      const human = ev.toHuman() as Record<string, unknown>;
      return { kind: `${variant}.${ev.type}`, fields: JSON.stringify(human?.[ev.type] ?? null) };
    }
    const v = api.registry.createType(variant.type, rest);
    if (v.encodedLength !== rest.length) return undecodable;
    return { kind: variant.kind, fields: JSON.stringify(v.toHuman()) };
  } catch {
    return undecodable;
  }
}
