// Balances on partner chains, as proven, never as claimed. The proof bridge records a partner
// chain's storage values only after checking a storage proof against a header its light client
// verified (`bridge.provenValues`, keyed by partner, partner block and storage key). The page looks
// there for each account's `System.Account` entry on each partner chain (the same 32-byte account,
// the standard FRAME key and `AccountInfo` layout, built here rather than from the node's
// metadata; a partner chain laid out otherwise has no entry, or one the page will not read), and shows one
// only once a proof bundle of our own chain, checked in the page from the trusted set, proves the
// entry and the partner header it was proven at in our finalized state. The node only helps find
// the entries: what it says about them is never shown.
import type { Ctx } from './ctx';
import { compactAddLength, compactFromU8a, hexToU8a, u8aConcat, u8aToBn, u8aToHex } from '@polkadot/util';
import { blake2AsU8a, decodeAddress, xxhashAsU8a } from '@polkadot/util-crypto';
import { h, section, short } from './lib';

/* eslint-disable @typescript-eslint/no-explicit-any */
type C = any;

interface Candidate { block: string; valueKey: string; headerKey: string }
interface Found { partner: string; account: string; candidates: Candidate[] }

// The keys proven are built here, from the pallets' declared hashers, never from the node's
// metadata: a node that served metadata with another hasher would otherwise have the page prove,
// and show, a record of another key (a proven absence of a key nobody holds, say).
const prefix = (pallet: string, item: string) => u8aConcat(xxhashAsU8a(pallet, 128), xxhashAsU8a(item, 128));
const blake2Concat = (x: Uint8Array) => u8aConcat(blake2AsU8a(x, 128), x);
/// `System.Account` of a 32-byte account (Blake2_128Concat), the standard FRAME key.
const accountKey = (account: Uint8Array) => u8aConcat(prefix('System', 'Account'), blake2Concat(account));
/// `Bridge.ProvenValues`: (Blake2_128Concat partner, Identity block, Blake2_128Concat key as SCALE bytes).
const provenValueKey = (partner: Uint8Array, block: Uint8Array, key: Uint8Array) =>
  u8aConcat(prefix('Bridge', 'ProvenValues'), blake2Concat(partner), block, blake2Concat(compactAddLength(key)));
/// `Bridge.Headers`: (Blake2_128Concat partner, Identity block).
const headerKey = (partner: Uint8Array, block: Uint8Array) => u8aConcat(prefix('Bridge', 'Headers'), blake2Concat(partner), block);

/// A proven `ProvenValues` record (`Option<BoundedVec<u8>>`): the partner chain's value, `null`
/// for a proven absence; throws unless the bytes are exactly that.
function provenValue(raw: Uint8Array): Uint8Array | null {
  if (raw.length === 1 && raw[0] === 0) return null;
  if (raw[0] !== 1) throw new Error('not a proven value');
  const [offset, len] = compactFromU8a(raw.subarray(1));
  if (1 + offset + len.toNumber() !== raw.length) throw new Error('not a proven value');
  return raw.subarray(1 + offset);
}

/// The free balance of a FRAME `AccountInfo<u32, AccountData<u128>>` (nonce, consumers,
/// providers, sufficients, then free, reserved, frozen, flags): exactly 80 bytes, or null for a
/// partner chain whose accounts are laid out otherwise (the value is proven, but the page cannot
/// say what it means).
function freeBalance(value: Uint8Array): string | null {
  return value.length === 80 ? u8aToBn(value.subarray(16, 32), { isLe: true }).toString() : null;
}

/// Every recorded `System.Account` entry of each account on each partner chain: where to look,
/// from the node's (unproven) storage; only the partner and blocks are taken from it, and which
/// is newest is decided from the proven headers.
async function find(ctx: Ctx, accounts: string[]): Promise<Found[]> {
  const { api } = ctx;
  const q = (await api.at(await api.rpc.chain.getFinalizedHead())).query as C;
  const found: Found[] = [];
  for (const [k] of await q.bridge.clients.entries()) {
    const partner = k.args[0].toString();
    const partnerId = decodeAddress(partner);
    const entries: C[] = await q.bridge.provenValues.entries(partner);
    for (const account of accounts) {
      const wanted = accountKey(decodeAddress(account));
      const candidates: Candidate[] = [];
      for (const [key] of entries) {
        const block = hexToU8a(key.args[1].toHex());
        if (key.args[2].toHex() !== u8aToHex(wanted) || block.length !== 32) continue;
        candidates.push({
          block: u8aToHex(block),
          valueKey: u8aToHex(provenValueKey(partnerId, block, wanted)),
          headerKey: u8aToHex(headerKey(partnerId, block)),
        });
      }
      if (candidates.length > 0) found.push({ partner, account, candidates });
    }
  }
  return found;
}

interface Row { block: string; number: number; value: Uint8Array | null; free: string; why: string }

/// What the proof says of one account on one partner chain: its newest proven record, or why none.
function prove(f: Found, proven: Map<string, string | null>, at: number): Row {
  let best: Row | null = null;
  let why = `no longer recorded at our block #${at}`;
  for (const c of f.candidates) {
    const raw = proven.get(c.valueKey);
    const header = proven.get(c.headerKey);
    if (!raw || !header) continue;
    try {
      const headerBytes = hexToU8a(header);
      // StoredHeader: number (u32), state root, values (u32).
      if (headerBytes.length !== 40) throw new Error('the partner header record does not decode');
      const number = new DataView(headerBytes.buffer, headerBytes.byteOffset, 4).getUint32(0, true);
      if (best && best.number >= number) continue;
      const value = provenValue(hexToU8a(raw));
      const free = value ? freeBalance(value) : '0';
      if (free === null) throw new Error(`proven, but ${value!.length} bytes: not a FRAME account with u128 balances, so not shown`);
      best = { block: c.block, number, value, free, why: 'proven' };
    } catch (e) {
      why = e instanceof Error ? e.message : String(e);
    }
  }
  return best ?? { block: f.candidates[0].block, number: -1, value: null, free: '', why };
}

/// A section listing `accounts`' proven balances on partner chains, refreshed on demand.
export function partnerBalances(ctx: Ctx, accounts: { name: string; address: string }[]): HTMLElement {
  const { tracker } = ctx;
  const box = h('div', { 'data-testid': 'partner-balances' });
  const name = (a: string) => accounts.find((x) => x.address === a)?.name ?? short(a);
  const run = async () => {
    box.replaceChildren(h('p', { class: 'note' }, 'looking for proven entries…'));
    const found = await find(ctx, accounts.map((a) => a.address));
    if (found.length === 0) {
      box.replaceChildren(h('p', { class: 'note', 'data-testid': 'partner-balance-none' }, 'no partner chain has a proven entry of these accounts'));
    } else {
      const v = await tracker.proveState(found.flatMap((f) => f.candidates.flatMap((c) => [c.valueKey, c.headerKey])));
      const proven = new Map(v.proven?.values ?? []);
      box.replaceChildren(h('table', { class: 'list' },
        h('tr', {}, h('th', {}, 'account'), h('th', {}, 'partner chain of'), h('th', {}, 'free balance'), h('th', {}, 'at partner block'), h('th', {}, 'proof')),
        ...found.map((f) => {
          const { block, number, value, free, why } = v.ok
            ? prove(f, proven, v.proven!.number)
            : { block: f.candidates[0].block, number: -1, value: null, free: '', why: `FAILS: ${v.reason}` };
          const shown = why === 'proven';
          return h('tr', {
            'data-testid': 'partner-balance', 'data-account': f.account, 'data-partner': f.partner, 'data-proven': shown ? 'yes' : 'no',
            'data-free': free, 'data-partner-block': number, 'data-partner-hash': block, 'data-at': v.proven?.number ?? '', 'data-reason': why,
          },
          h('td', {}, name(f.account)), h('td', {}, short(f.partner)),
          h('td', {}, shown ? (value ? `${free} (the partner chain's units)` : '0 (no account there)') : '-'),
          h('td', {}, shown ? `#${number} ${short(block)}` : '-'),
          h('td', {}, shown
            ? `proven: the bridge checked a storage proof of it against a verified header, and our block #${v.proven!.number} holds that record, proven final in this page from the trusted set`
            : why));
        })));
    }
    box.dataset.done = String(Number(box.dataset.done ?? 0) + 1);
  };
  const go = () => void run().catch((e) => {
    box.replaceChildren(h('p', { class: 'error', 'data-testid': 'page-error' }, e instanceof Error ? e.message : String(e)));
    box.dataset.done = String(Number(box.dataset.done ?? 0) + 1);
  });
  go();
  return section('On partner chains (proven)',
    h('p', { class: 'note' }, 'Balances the proof bridge verified on partner chains, shown only once proven in this page. ',
      h('button', { 'data-testid': 'partner-balances-refresh', onclick: go }, 'Prove again')),
    box);
}
