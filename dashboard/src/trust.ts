// The validator set the page trusts for a chain: every finality proof the page checks (the chain
// page's, the audit page's) is followed from it through the set hand-overs, so it is the one thing
// taken from outside the page's own checks: given with `?trust=`, or pinned on first use.
import type { ApiPromise } from '@polkadot/api';
import { compactFromU8a, hexToU8a, u8aToHex } from '@polkadot/util';
import { blake2AsHex } from '@polkadot/util-crypto';
import { h, kv, short, val } from './lib';

/// The validator set the page trusts for this chain: what finality is proven from.
export interface Trust { set: Uint8Array; setId: string; validators: number; fingerprint: string; source: string }

const describe = (set: Uint8Array, source: string): Trust => {
  if (set.length < 9) throw new Error('a validator set is its id (8 bytes) and its keys');
  const setId = new DataView(set.buffer, set.byteOffset, 8).getBigUint64(0, true).toString();
  const [, n] = compactFromU8a(set.subarray(8));
  return { set, setId, validators: n.toNumber(), fingerprint: blake2AsHex(set), source };
};

/// `?trust=0x…` (a SCALE validator set, e.g. the genesis set of a chain spec) if given; else the
/// set pinned in this browser for this genesis; else the node's genesis set, read once and pinned
/// (trust on first use: a node that lies then is caught by no later check, which is why the
/// fingerprint is shown and `?trust=` exists).
export async function trustedSet(api: ApiPromise): Promise<Trust> {
  const given = new URLSearchParams(location.search).get('trust');
  if (given) return describe(hexToU8a(given), 'given by the ?trust= parameter');
  const genesis = api.genesisHash.toHex();
  const key = `bpci-trust-${genesis}`;
  const pinned = localStorage.getItem(key);
  if (pinned) {
    const { set, at } = JSON.parse(pinned) as { set: string; at: string };
    return describe(hexToU8a(set), `pinned in this browser on ${at}, from the node's genesis state`);
  }
  let set: Uint8Array;
  try {
    const epoch = (await (await api.at(genesis)).query.validators.epoch()) as unknown as { get(k: 'set'): { toU8a(): Uint8Array } };
    set = epoch.get('set').toU8a();
  } catch (e) {
    throw new Error(`the node no longer has its genesis state (${e instanceof Error ? e.message : String(e)}): give the genesis set with ?trust=0x…`);
  }
  const at = new Date().toISOString();
  localStorage.setItem(key, JSON.stringify({ set: u8aToHex(set), at }));
  return describe(set, `pinned in this browser on ${at}, from the node's genesis state (first use)`);
}

/// The trusted set as the pages show it.
export function trustTable(t: Trust): HTMLTableElement {
  return kv([
    ['set', h('span', {}, '#', val('trust-set-id', t.setId), ', ', val('trust-validators', t.validators), ' validators')],
    ['fingerprint', val('trust-fingerprint', t.fingerprint, short(t.fingerprint, 10))],
    ['source', val('trust-source', t.source)],
  ]);
}
