// Wallet: accounts of a polkadot.js-style extension (`window.injectedWeb3`), else the dev
// accounts on a Development or Local chain. Transfer, and sealed bids in the auction: commit
// `blake2_256(SCALE(bidder, bundle, bid, salt))` (pallet-auction's `commitment_of`), keep bid,
// bundle and salt in localStorage, reveal them in the round's reveal phase. The accounts' balances
// on partner chains, as the proof bridge proved them (src/partnerBalances.ts).
import type { Ctx } from '../ctx';
import { blake2AsHex, randomAsU8a } from '@polkadot/util-crypto';
import { u8aConcat, u8aToHex } from '@polkadot/util';
import { accountSelect, loadAccounts, txPanel, type Account } from '../accounts';
import { big, errorBox, fmtBalance, h, parseBalance, section, short, val } from '../lib';
import { roundAt, type RoundInfo } from './auction';
import { partnerBalances } from '../partnerBalances';

/* eslint-disable @typescript-eslint/no-explicit-any */
type C = any;

interface StoredBid { round: number; bid: string; deposit: string; salt: string; bundle: string; hash: string; revealed?: boolean }

export function mountWallet(root: HTMLElement, ctx: Ctx): () => void {
  const { api, tracker } = ctx;
  const genesis = api.genesisHash.toHex();
  const cleanups: (() => void)[] = [];
  let closed = false;
  /// Cleanups registered after the page was left run at once.
  const keep = (f: () => void) => { if (closed) f(); else cleanups.push(f); };
  let accounts: Account[] = [];

  const acctBox = h('div', {}, 'loading accounts…');
  // Signing and the transaction's status: shared with the governance page (src/accounts.ts).
  const { box: txBox, send } = txPanel(api);
  const fromSelect = (testid: string) => accountSelect(accounts, testid);
  const byAddress = (addr: string) => accounts.find((a) => a.address === addr)!;

  // --- transfer ---
  const transferBox = h('div');
  const renderTransfer = () => {
    const from = fromSelect('transfer-from');
    const to = h('input', { 'data-testid': 'transfer-to', placeholder: 'recipient address', size: 52 });
    const amount = h('input', { 'data-testid': 'transfer-amount', placeholder: '1.5', size: 12 });
    const err = h('span', { class: 'error', 'data-testid': 'transfer-error' });
    const go = h('button', {
      'data-testid': 'transfer-submit',
      onclick: () => {
        err.textContent = '';
        try {
          const value = parseBalance(amount.value);
          send(`transfer ${fmtBalance(value)} to ${short(to.value.trim())}`, api.tx.balances.transferKeepAlive(to.value.trim(), value), byAddress(from.value));
        } catch (e) { err.textContent = (e as Error).message; }
      },
    }, 'Transfer (keep alive)');
    transferBox.replaceChildren(h('p', {}, 'from ', from, ' to ', to, ' amount ', amount, ' ', go, ' ', err));
  };

  // --- sealed bid ---
  const bidBox = h('div');
  const phaseBox = h('p');
  const storedBox = h('div');
  const key = (address: string, round: number) => `bpci-bid:${genesis}:${address}:${round}`;
  const storedBids = (address: string): StoredBid[] => {
    const prefix = `bpci-bid:${genesis}:${address}:`;
    const out: StoredBid[] = [];
    for (let i = 0; i < localStorage.length; i += 1) {
      const k = localStorage.key(i)!;
      if (k.startsWith(prefix)) out.push(JSON.parse(localStorage.getItem(k)!));
    }
    return out.sort((a, b) => b.round - a.round);
  };
  let round: RoundInfo = { number: 0, round: -1, start: 0, phase: 'Commit', commitLeft: 0, revealNext: false };
  let bidFrom: HTMLSelectElement;

  const renderStored = () => {
    if (!bidFrom) return;
    const who = byAddress(bidFrom.value);
    const bids = storedBids(who.address);
    storedBox.replaceChildren(bids.length === 0 ? h('p', { class: 'note' }, 'no sealed bid of this account kept in this browser') : h('table', { class: 'list' },
      h('tr', {}, h('th', {}, 'round'), h('th', {}, 'bid'), h('th', {}, 'deposit'), h('th', {}, 'commitment'), h('th', {}, '')),
      ...bids.map((b) => {
        const canReveal = b.round === round.round && round.revealNext && !b.revealed;
        return h('tr', { 'data-testid': 'stored-bid', 'data-round': b.round, 'data-hash': b.hash, 'data-bid': b.bid },
          h('td', {}, b.round), h('td', {}, fmtBalance(BigInt(b.bid))), h('td', {}, fmtBalance(BigInt(b.deposit))), h('td', {}, short(b.hash)),
          h('td', {}, b.revealed ? 'revealed' : canReveal ? h('button', {
            'data-testid': 'bid-reveal', 'data-round': b.round,
            onclick: () => send(`reveal bid of round ${b.round}`, api.tx.auction.reveal(api.createType('Vec<Call>', b.bundle), BigInt(b.bid), b.salt), who, (ok) => {
              if (ok) { localStorage.setItem(key(who.address, b.round), JSON.stringify({ ...b, revealed: true })); renderStored(); }
            }),
          }, 'Reveal') : b.round < round.round ? 'round over' : 'reveal opens after the commit phase'));
      })));
  };

  const renderBid = () => {
    bidFrom = fromSelect('bid-from');
    bidFrom.addEventListener('change', renderStored);
    const amount = h('input', { 'data-testid': 'bid-amount', placeholder: 'bid, e.g. 0.5', size: 12 });
    const deposit = h('input', { 'data-testid': 'bid-deposit', placeholder: 'deposit, e.g. 1', size: 12 });
    const err = h('span', { class: 'error', 'data-testid': 'bid-error' });
    const out = h('span');
    const go = h('button', {
      'data-testid': 'bid-commit',
      onclick: async () => {
        err.textContent = '';
        try {
          const who = byAddress(bidFrom.value);
          const bid = parseBalance(amount.value);
          const dep = parseBalance(deposit.value);
          const r = await roundAt(ctx, tracker.best?.hash ?? (await api.rpc.chain.getBlockHash()).toHex());
          if (r.phase !== 'Commit' || r.commitLeft < 1) throw new Error(`round ${r.round} takes no more commitments; wait for round ${r.round + 1}`);
          // The bundle that runs if the bid wins: a remark with an event, as the bidder.
          const bundle = api.createType('Vec<Call>', [api.tx.system.remarkWithEvent(`BPCI dashboard bid, round ${r.round}`).method]);
          const salt = randomAsU8a(32);
          const hash = blake2AsHex(u8aConcat(api.createType('AccountId', who.address).toU8a(), bundle.toU8a(), api.createType('u128', bid).toU8a(), salt), 256);
          // Kept before sending: without the salt a committed bid cannot be revealed.
          const stored: StoredBid = { round: r.round, bid: bid.toString(), deposit: dep.toString(), salt: u8aToHex(salt), bundle: bundle.toHex(), hash };
          localStorage.setItem(key(who.address, r.round), JSON.stringify(stored));
          out.replaceChildren('commitment ', val('bid-commitment-hash', hash, short(hash)), ' in round ', val('bid-round', r.round));
          renderStored();
          send(`commit sealed bid, round ${r.round}`, api.tx.auction.commit(hash, dep), who);
        } catch (e) { err.textContent = (e as Error).message; }
      },
    }, 'Commit sealed bid');
    bidBox.replaceChildren(phaseBox, h('p', {}, 'from ', bidFrom, ' bid ', amount, ' deposit ', deposit, ' ', go, ' ', err), h('p', {}, out), storedBox);
    renderStored();
  };

  const onHead = async () => {
    if (!tracker.best) return;
    const r = await roundAt(ctx, tracker.best.hash);
    if (r.number < round.number) return;
    round = r;
    phaseBox.replaceChildren('round ', val('wallet-round', r.round), ', phase ', val('wallet-phase', r.phase),
      r.phase === 'Commit' ? h('span', {}, ', ', val('wallet-commit-left', r.commitLeft), ' commit blocks left') : h('span', {}, ' ', val('wallet-commit-left', 0, '')));
    renderStored();
  };

  const partnerBox = h('div');
  root.append(section('Accounts', acctBox), partnerBox, section('Transfer', transferBox), section('Sealed bid (auction)', bidBox), section('Last transaction', txBox));

  loadAccounts(ctx).then(async ({ source, accounts: list }) => {
    accounts = list;
    if (list.length === 0) {
      acctBox.replaceChildren(val('wallet-source', source, 'no extension found and not a development chain: no accounts'));
      return;
    }
    const rows = new Map<string, HTMLElement>();
    acctBox.replaceChildren(
      h('p', {}, 'accounts from ', val('wallet-source', source)),
      h('table', { class: 'list' }, h('tr', {}, h('th', {}, 'name'), h('th', {}, 'address'), h('th', {}, 'free balance')),
        ...list.map((a) => {
          const bal = val('account-free', '', '…');
          rows.set(a.address, bal);
          return h('tr', { 'data-testid': 'account-row', 'data-address': a.address }, h('td', {}, a.name), h('td', {}, a.address), h('td', {}, bal));
        })));
    const unsub = await api.query.system.account.multi(list.map((a) => a.address), (infos: C[]) => {
      infos.forEach((info, i) => {
        const el = rows.get(list[i].address)!;
        const free = big(info.data.free);
        el.dataset.value = free.toString();
        el.textContent = fmtBalance(free);
      });
    });
    keep(unsub as unknown as () => void);
    partnerBox.replaceChildren(partnerBalances(ctx, list));
    renderTransfer();
    renderBid();
    keep(tracker.onChange(() => void onHead().catch(() => {})));
    await onHead();
    root.dataset.ready = '1';
  }).catch((e) => acctBox.replaceChildren(errorBox(e)));

  return () => { closed = true; for (const c of cleanups.splice(0)) c(); };
}
