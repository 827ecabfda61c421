// Balances on partner chains, as proven, never as claimed. The proof bridge records a partner
// chain's storage values only after checking a storage proof against a header its light client
// verified (`bridge.provenValues`, keyed by partner, partner block and storage key). The page looks
// there for each account's `System.Account` entry on each partner chain (the same 32-byte account,
// the standard FRAME key; a partner chain laid out otherwise has no entry to show), and shows one
// only once a proof bundle of our own chain, checked in the page from the trusted set, proves the
// entry and the partner header it was proven at in our finalized state. The node only helps find
// the entries: what it says about them is never shown.
import type { Ctx } from './ctx';
import { hexToU8a } from '@polkadot/util';
import { h, section, short } from './lib';

/* eslint-disable @typescript-eslint/no-explicit-any */
type C = any;

interface Found { partner: string; account: string; block: string; valueKey: string; headerKey: string }

/// The newest recorded `System.Account` entry of each account on each partner chain: where to
/// look, from the node's (unproven) storage.
async function find(ctx: Ctx, accounts: string[]): Promise<Found[]> {
  const { api } = ctx;
  const q = (await api.at(await api.rpc.chain.getFinalizedHead())).query as C;
  const found: Found[] = [];
  for (const [k] of await q.bridge.clients.entries()) {
    const partner = k.args[0].toString();
    const entries: C[] = await q.bridge.provenValues.entries(partner);
    for (const account of accounts) {
      const wanted = api.query.system.account.key(account);
      let best: { number: number; block: string } | null = null;
      for (const [key] of entries) {
        if (key.args[2].toHex() !== wanted) continue;
        const block = key.args[1].toHex();
        const header = await q.bridge.headers(partner, block);
        const number = header.isSome ? header.unwrap().number.toNumber() : -1;
        if (!best || number > best.number) best = { number, block };
      }
      if (best) {
        found.push({
          partner, account, block: best.block,
          valueKey: api.query.bridge.provenValues.key(partner, best.block, wanted),
          headerKey: api.query.bridge.headers.key(partner, best.block),
        });
      }
    }
  }
  return found;
}

/// A section listing `accounts`' proven balances on partner chains, refreshed on demand.
export function partnerBalances(ctx: Ctx, accounts: { name: string; address: string }[]): HTMLElement {
  const { api, tracker } = ctx;
  const box = h('div', { 'data-testid': 'partner-balances' });
  const name = (a: string) => accounts.find((x) => x.address === a)?.name ?? short(a);
  const run = async () => {
    box.replaceChildren(h('p', { class: 'note' }, 'looking for proven entries…'));
    const found = await find(ctx, accounts.map((a) => a.address));
    if (found.length === 0) {
      box.replaceChildren(h('p', { class: 'note', 'data-testid': 'partner-balance-none' }, 'no partner chain has a proven entry of these accounts'));
    } else {
      const v = await tracker.proveState(found.flatMap((f) => [f.valueKey, f.headerKey]));
      const proven = new Map(v.proven?.values ?? []);
      box.replaceChildren(h('table', { class: 'list' },
        h('tr', {}, h('th', {}, 'account'), h('th', {}, 'partner chain of'), h('th', {}, 'free balance'), h('th', {}, 'at partner block'), h('th', {}, 'proof')),
        ...found.map((f) => {
          // ProvenValues holds Option<value>: None is a proven absence on the partner chain.
          const raw = proven.get(f.valueKey);
          const header = proven.get(f.headerKey);
          const shown = v.ok && raw && header;
          const entry = shown ? api.createType('Option<Bytes>', hexToU8a(raw)) : null;
          const free = entry ? (entry.isSome ? (api.createType('AccountInfo', entry.unwrap()) as C).data.free.toString() : '0') : '';
          const number = shown ? api.createType('u32', hexToU8a(header).subarray(0, 4)).toNumber() : -1;
          const why = !v.ok ? `FAILS: ${v.reason}` : !shown ? `no longer recorded at our block #${v.proven!.number}` : 'proven';
          return h('tr', {
            'data-testid': 'partner-balance', 'data-account': f.account, 'data-partner': f.partner, 'data-proven': shown ? 'yes' : 'no',
            'data-free': free, 'data-partner-block': number, 'data-partner-hash': f.block, 'data-at': v.proven?.number ?? '', 'data-reason': why,
          },
          h('td', {}, name(f.account)), h('td', {}, short(f.partner)),
          h('td', {}, shown ? (entry!.isSome ? `${free} (the partner chain's units)` : '0 (no account there)') : '-'),
          h('td', {}, shown ? `#${number} ${short(f.block)}` : '-'),
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
