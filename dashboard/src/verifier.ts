// The finality check done in the page: the offline verifier (dashboard/verifier-wasm, the same
// bpci-verifier code the node and partners run) compiled to WebAssembly. The page gives it the
// block, the justification and the validator set it read over RPC; the node is never asked whether
// its own justification is valid, so a node that lies about one is caught here.
import { bnToU8a, compactAddLength, hexToU8a, u8aConcat } from '@polkadot/util';

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

/// Checks `justification` (the raw bytes stored under the BPCI engine id) of block `hash` number
/// `number` on the chain of `genesis`, against `set`: the SCALE encoding of the validator set
/// (`set_id: u64`, then the BLS keys) the block was validated by.
export async function verifyJustification(genesis: string, hash: string, number: number, set: Uint8Array, justification: Uint8Array): Promise<Verdict> {
  const wasm = await load();
  const request = u8aConcat(hexToU8a(genesis), hexToU8a(hash), bnToU8a(number, { bitLength: 32 }), set, compactAddLength(justification));
  const ptr = wasm.bpci_alloc(request.length);
  // Read the memory after allocating: an allocation may grow it and detach the old buffer.
  new Uint8Array(wasm.memory.buffer, ptr, request.length).set(request);
  const code = wasm.bpci_verify_justification(ptr, request.length);
  return { ok: code === 0, reason: OUTCOMES[code] ?? `unknown outcome ${code}` };
}
