// The checks done in the page (finality, justifications, audit trails): the offline verifier (dashboard/verifier-wasm, the same
// bpci-verifier code the node and partners run) compiled to WebAssembly. The page gives it the
// block, the justification and the validator set it read over RPC; the node is never asked whether
// its own justification is valid, so a node that lies about one is caught here.
import { bnToU8a, compactAddLength, compactToU8a, hexToU8a, u8aConcat } from '@polkadot/util';

/// What `bpci_verify_justification` returns, by code (dashboard/verifier-wasm/src/lib.rs `Outcome`).
const OUTCOMES = [
  'verified',
  'malformed request',
  'not a justification',
  'signed for another validator set',
  'signer bitfield does not fit the set',
  'fewer signers than a quorum',
  'aggregate signature does not verify',
  'child certificate not one view after the block',
  'unknown justification version',
];

export interface Verdict { ok: boolean; reason: string }

interface Exports {
  memory: WebAssembly.Memory;
  bpci_alloc(len: number): number;
  bpci_verify_justification(ptr: number, len: number): number;
  bpci_verify_audit(ptr: number, len: number): number;
  bpci_verify_finality(ptr: number, len: number): number;
  bpci_genesis_set(ptr: number, len: number): number;
  bpci_message_ptr(): number;
  bpci_message_len(): number;
}

let loading: Promise<Exports> | null = null;

/// The module, fetched once from beside the page (Vite serves dashboard/public/).
function load(): Promise<Exports> {
  loading ??= (async () => {
    const res = await fetch(new URL('bpci_verifier.wasm', document.baseURI));
    if (!res.ok) throw new Error(`verifier module: HTTP ${res.status}`);
    const { instance } = await WebAssembly.instantiate(await res.arrayBuffer(), {});
    return instance.exports as unknown as Exports;
  })();
  return loading;
}

/// Copies `request` into a buffer of the module's: its pointer and length, for one call that frees it.
function pass(wasm: Exports, request: Uint8Array): [number, number] {
  const ptr = wasm.bpci_alloc(request.length);
  // Read the memory after allocating: an allocation may grow it and detach the old buffer.
  new Uint8Array(wasm.memory.buffer, ptr, request.length).set(request);
  return [ptr, request.length];
}

/// Checks `justification` (the raw bytes stored under the BPCI engine id) of block `hash` number
/// `number` on the chain of `genesis`, against `set`: the SCALE encoding of the validator set
/// (`set_id: u64`, then the BLS keys) the block was validated by.
export async function verifyJustification(genesis: string, hash: string, number: number, set: Uint8Array, justification: Uint8Array): Promise<Verdict> {
  const wasm = await load();
  const request = u8aConcat(hexToU8a(genesis), hexToU8a(hash), bnToU8a(number, { bitLength: 32 }), set, compactAddLength(justification));
  const code = wasm.bpci_verify_justification(...pass(wasm, request));
  return { ok: code === 0, reason: OUTCOMES[code] ?? `unknown outcome ${code}` };
}

/// A check with a text verdict: its code (0 verified, 1 malformed request, 2 fails) and the text
/// (JSON of what was proven, or why not).
async function textCheck(call: (wasm: Exports, ptr: number, len: number) => number, request: Uint8Array): Promise<[number, string]> {
  const wasm = await load();
  const code = call(wasm, ...pass(wasm, request));
  return [code, new TextDecoder().decode(new Uint8Array(wasm.memory.buffer, wasm.bpci_message_ptr(), wasm.bpci_message_len()))];
}

/// What an audit trail proves (bpci_verifier::audit_trail::Verified), when it verifies.
export interface AuditProven { checkpoint: number; setId: number; records: number; incompleteBlocks: { block: number; dropped: number }[] }
export interface AuditVerdict { ok: boolean; reason: string; proven: AuditProven | null }

/// Checks an audit trail (the SCALE `Trail` of src/audit.ts) of the chain of `genesis`, trusting
/// only `trustedSet` (SCALE `ValidatorSet`): the same check as `bpci-node verify-audit`.
export async function verifyAudit(genesis: string, trustedSet: Uint8Array, trail: Uint8Array): Promise<AuditVerdict> {
  const [code, text] = await textCheck((w, p, l) => w.bpci_verify_audit(p, l), u8aConcat(hexToU8a(genesis), trustedSet, trail));
  if (code === 0) return { ok: true, reason: 'verified', proven: JSON.parse(text) as AuditProven };
  return { ok: false, reason: code === 1 ? `malformed request: ${text}` : text, proven: null };
}

/// A block proven final, the validator set reached (hex SCALE) that finalized it, and the storage
/// values proven in its state (hex key, hex value or null for a proven absence).
export interface FinalityProven { number: number; hash: string; setId: number; set: string; values: [string, string | null][] }
export interface FinalityVerdict { ok: boolean; reason: string; proven: FinalityProven | null }

/// Checks a proof bundle (`bpci_proveFinality`) of the chain of `genesis` from `trustedSet`
/// (SCALE `ValidatorSet`), following its set hand-overs (bpci_verifier::bundle::verify).
export async function verifyFinality(genesis: string, trustedSet: Uint8Array, bundle: Uint8Array): Promise<FinalityVerdict> {
  const [code, text] = await textCheck((w, p, l) => w.bpci_verify_finality(p, l), u8aConcat(hexToU8a(genesis), trustedSet, compactAddLength(bundle)));
  if (code === 0) return { ok: true, reason: 'verified', proven: JSON.parse(text) as FinalityProven };
  return { ok: false, reason: code === 1 ? `malformed request: ${text}` : text, proven: null };
}

/// The validator set the chain of `genesis` started with, proven in the page: `header` must be the
/// SCALE header whose hash is `genesis`, and `proof` a read proof of `Validators.Epoch` in its
/// state (bpci_verifier::genesis). Throws why not: a node that lies about either is caught.
export async function verifyGenesisSet(genesis: string, header: Uint8Array, proof: Uint8Array[]): Promise<Uint8Array> {
  const nodes = u8aConcat(compactToU8a(proof.length), ...proof.map((n) => compactAddLength(n)));
  const [code, text] = await textCheck((w, p, l) => w.bpci_genesis_set(p, l), u8aConcat(hexToU8a(genesis), compactAddLength(header), nodes));
  if (code !== 0) throw new Error(`the node's genesis set is not proven: ${code === 1 ? `malformed request: ${text}` : text}`);
  return hexToU8a((JSON.parse(text) as { set: string }).set);
}
