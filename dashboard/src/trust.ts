// The validator set the page trusts for a chain: every finality proof the page checks (the chain
// page's, the audit page's, the wallet's partner balances) is followed from it through the set
// hand-overs. It is given with `?trust=`, or proven from the chain's genesis hash on first use and
// pinned in the browser.
import type { ApiPromise } from '@polkadot/api';
import { compactFromU8a, hexToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { blake2AsHex, xxhashAsU8a } from '@polkadot/util-crypto';
import { verifyGenesisSet } from './verifier';
import { h, kv, short, val } from './lib';

/// The validator set the page trusts for this chain: what finality is proven from. `pin` is the
/// browser's storage key when the set is pinned there (the page offers to forget it).
export interface Trust { set: Uint8Array; setId: string; validators: number; fingerprint: string; source: string; genesis: string; pin?: string }

const describe = (set: Uint8Array, source: string, genesis: string, pin?: string): Trust => {
  if (set.length < 9) throw new Error('a validator set is its id (8 bytes) and its keys');
  const setId = new DataView(set.buffer, set.byteOffset, 8).getBigUint64(0, true).toString();
  const [, n] = compactFromU8a(set.subarray(8));
  return { set, setId, validators: n.toNumber(), fingerprint: blake2AsHex(set), source, genesis, pin };
};

/// The set the chain of `genesis` started with, proven in the page (src/verifier.ts): the node
/// gives the genesis header and a read proof of `Validators.Epoch` in its state, and the verifier
/// checks that the header hashes to `genesis` and that its state root proves the set. A node can
/// still name another chain's genesis (which chain is meant is the one thing the user must know:
/// the page shows its hash), but not serve other keys as the genesis set of this one.
async function provenGenesisSet(api: ApiPromise, genesis: string): Promise<Uint8Array> {
  // Hex: polkadot.js reads a Uint8Array StorageKey as length-prefixed SCALE.
  const key = u8aToHex(u8aConcat(xxhashAsU8a('Validators', 128), xxhashAsU8a('Epoch', 128)));
  let header: Uint8Array, nodes: Uint8Array[];
  try {
    header = (await api.rpc.chain.getHeader(genesis)).toU8a();
    nodes = (await api.rpc.state.getReadProof([key], genesis)).proof.map((n) => n.toU8a(true));
  } catch (e) {
    throw new Error(`the node no longer has its genesis state (${e instanceof Error ? e.message : String(e)}): give the genesis set with ?trust=0x…`);
  }
  return verifyGenesisSet(genesis, header, nodes);
}

/// `?trust=0x…` (a SCALE validator set, e.g. the genesis set of a chain spec) if given; else the
/// set pinned in this browser for this genesis; else the genesis set proven from the genesis hash
/// and pinned (so that a later node, or a later lie, cannot change it). A `?trust=` that differs
/// from a pin is refused rather than silently preferred: a link with a set of an attacker's must
/// not override what the browser already proved.
export async function trustedSet(api: ApiPromise): Promise<Trust> {
  const genesis = api.genesisHash.toHex();
  const key = `bpci-trust-${genesis}`;
  const pinned = localStorage.getItem(key);
  const pin = pinned ? (JSON.parse(pinned) as { set: string; at: string }) : null;
  const given = new URLSearchParams(location.search).get('trust');
  if (given) {
    const set = hexToU8a(given);
    if (pin && pin.set !== u8aToHex(set)) {
      throw new Error(`?trust= names set ${short(blake2AsHex(set), 10)}, but this browser pinned set ${short(blake2AsHex(hexToU8a(pin.set)), 10)} for this chain on ${pin.at}, proven from its genesis: refused. To trust another set, open the page without ?trust= and forget the pin first.`);
    }
    return describe(set, 'given by the ?trust= parameter', genesis);
  }
  if (pin) return describe(hexToU8a(pin.set), `pinned in this browser on ${pin.at}, proven from the chain's genesis`, genesis, key);
  const set = await provenGenesisSet(api, genesis);
  const at = new Date().toISOString();
  localStorage.setItem(key, JSON.stringify({ set: u8aToHex(set), at }));
  return describe(set, `proven from the chain's genesis in this page and pinned in this browser on ${at} (first use)`, genesis, key);
}

/// The trusted set as the pages show it.
export function trustTable(t: Trust): HTMLTableElement {
  return kv([
    ['set', h('span', {}, '#', val('trust-set-id', t.setId), ', ', val('trust-validators', t.validators), ' validators')],
    ['fingerprint', val('trust-fingerprint', t.fingerprint, short(t.fingerprint, 10))],
    ['chain (genesis hash)', val('trust-genesis', t.genesis, short(t.genesis, 10))],
    ['source', h('span', {}, val('trust-source', t.source), ...(t.pin ? [' ', h('button', {
      'data-testid': 'trust-forget',
      onclick: () => { localStorage.removeItem(t.pin!); location.reload(); },
    }, 'Forget this pin')] : []))],
  ]);
}
