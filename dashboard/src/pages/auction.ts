// Auction: the running round (phase, commitments, reveals) and the settled rounds' records
// (winners, prices, refunds) from pallet-auction's storage, all read at one block.
import type { Ctx } from '../ctx';
import { big, errorBox, fmtBalance, h, kv, refresher, section, short, val } from '../lib';

/* eslint-disable @typescript-eslint/no-explicit-any */
type C = any;

/// Index, start and phase (`Pallet::phase`: commit while `n < start + CommitPeriod`) of the
/// running round at block `number`; how many of the next blocks still take commitments, and
/// whether the next block takes reveals (it is past the commit phase; the reveal phase lasts at
/// least `RevealPeriod` blocks).
export interface RoundInfo { number: number; round: number; start: number; phase: 'Commit' | 'Reveal'; commitLeft: number; revealNext: boolean }
export async function roundAt(ctx: Ctx, hash: string): Promise<RoundInfo> {
  const { api } = ctx;
  const [hd, cur] = await Promise.all([api.rpc.chain.getHeader(hash), (await api.at(hash)).query.auction.currentRound()]);
  const [round, start] = (cur as C).map((x: C) => x.toNumber());
  const number = hd.number.toNumber();
  const commit = (api.consts.auction.commitPeriod as C).toNumber();
  return {
    number, round, start, phase: number < start + commit ? 'Commit' : 'Reveal',
    commitLeft: Math.max(0, start + commit - (number + 1)), revealNext: number + 1 >= start + commit,
  };
}

function outcome(o: C): string {
  return o.isWon ? `Won (rank ${o.asWon.rank.toNumber()}${o.asWon.executed.isTrue ? ', executed' : ', rolled back'})` : o.type;
}

export function mountAuction(root: HTMLElement, ctx: Ctx): () => void {
  const { api, tracker } = ctx;
  const k = api.consts.auction as C;
  const roundBox = h('div');
  const commitBox = h('div');
  const historyBox = h('div');
  root.append(
    section('Rules', kv([
      ['rounds', `${k.commitPeriod.toNumber()} commit blocks, then at least ${k.revealPeriod.toNumber()} (at most ${k.maxRevealPeriod.toNumber()}) reveal blocks`],
      ['commitment fee', val('auction-commit-fee', big(k.commitFee), fmtBalance(big(k.commitFee)))],
      ['minimum deposit / bid', h('span', {}, val('auction-min-deposit', big(k.minDeposit), fmtBalance(big(k.minDeposit))), ' / ', val('auction-min-bid', big(k.minBid), fmtBalance(big(k.minBid))))],
      ['bidders a round', val('auction-max-bidders', k.maxBidders.toNumber())],
    ])),
    section('Running round', roundBox),
    section('Sealed bids', commitBox),
    section('Settled rounds', historyBox),
  );

  const load = refresher(async () => {
    const hash = tracker.best?.hash ?? (await api.rpc.chain.getBlockHash()).toHex();
    const q = (await api.at(hash)).query.auction;
    const r = await roundAt(ctx, hash);
    const [mode, count, commitments, reveals, history, authors] = await Promise.all([
      q.mode(), q.commitCount(r.round), q.commitments.entries(r.round), q.reveals.entries(r.round), q.history.entries(), q.revealBlockAuthors(),
    ]);
    roundBox.replaceChildren(kv([
      ['read at', h('span', {}, '#', val('auction-at-number', r.number), ' ', val('auction-at-hash', hash, short(hash)))],
      ['round', h('span', {}, val('auction-round', r.round), ' from #', val('auction-round-start', r.start))],
      ['phase', h('span', {}, val('auction-phase', r.phase), r.phase === 'Commit' ? ` (${r.commitLeft} more commit blocks)` : '')],
      ['mode', val('auction-mode', mode.toString())],
      ['commitments', val('auction-commit-count', count.toString())],
      ['reveal-window authors', val('auction-reveal-authors', (authors as C).length)],
    ]));
    const revealed = new Map<string, C>(reveals.map(([key, v]: C) => [key.args[1].toString(), v.unwrap()]));
    const rows = commitments.map(([key, v]: C) => ({ who: key.args[1].toString(), c: v.unwrap() }))
      .sort((a: C, b: C) => a.c.seq.toNumber() - b.c.seq.toNumber());
    commitBox.replaceChildren(rows.length === 0 ? h('p', { class: 'note' }, 'no commitment in this round yet') : h('table', { class: 'list' },
      h('tr', {}, h('th', {}, 'seq'), h('th', {}, 'bidder'), h('th', {}, 'commitment'), h('th', {}, 'deposit'), h('th', {}, 'revealed bid')),
      ...rows.map(({ who, c }: C) => {
        const rv = revealed.get(who);
        return h('tr', { 'data-testid': 'commitment-row', 'data-account': who, 'data-hash': c.hash_.toHex(), 'data-deposit': big(c.deposit).toString(), 'data-seq': c.seq.toNumber(), 'data-bid': rv ? big(rv.bid).toString() : '' },
          h('td', {}, c.seq.toNumber()), h('td', {}, short(who)), h('td', {}, short(c.hash_.toHex())), h('td', {}, fmtBalance(big(c.deposit))),
          h('td', {}, rv ? `${fmtBalance(big(rv.bid))} (${rv.calls.toNumber()} calls)` : 'sealed'));
      })));

    const records = history.map(([, v]: C) => v.unwrap()).sort((a: C, b: C) => b.round.toNumber() - a.round.toNumber());
    historyBox.replaceChildren(records.length === 0 ? h('p', { class: 'note' }, 'no round settled yet') : h('div', {},
      ...records.map((rec: C) => h('div', { 'data-testid': 'history-round', 'data-round': rec.round.toNumber(), 'data-settled-at': rec.settledAt.toNumber(), 'data-bids': rec.bids.length },
        h('h3', {}, `Round ${rec.round.toNumber()}, settled at #${rec.settledAt.toNumber()} (${rec.mode.toString()}), ${rec.bids.length} bid${rec.bids.length === 1 ? '' : 's'}`),
        rec.bids.length === 0 ? null : h('table', { class: 'list' },
          h('tr', {}, h('th', {}, 'bidder'), h('th', {}, 'deposit'), h('th', {}, 'bid'), h('th', {}, 'outcome'), h('th', {}, 'charged'), h('th', {}, 'refunded'), h('th', {}, 'price due')),
          ...rec.bids.map((b: C) => h('tr', {
            'data-testid': 'history-bid', 'data-round': rec.round.toNumber(), 'data-account': b.who.toString(), 'data-outcome': b.outcome.type,
            'data-bid': b.bid.isSome ? big(b.bid.unwrap()).toString() : '', 'data-charged': big(b.charged).toString(),
            'data-refunded': big(b.refunded).toString(), 'data-due': big(b.due).toString(),
          }, h('td', {}, short(b.who.toString())), h('td', {}, fmtBalance(big(b.deposit))), h('td', {}, b.bid.isSome ? fmtBalance(big(b.bid.unwrap())) : 'unrevealed'),
          h('td', {}, outcome(b.outcome)), h('td', {}, fmtBalance(big(b.charged))), h('td', {}, fmtBalance(big(b.refunded))), h('td', {}, fmtBalance(big(b.due))))))))));
    root.dataset.ready = '1';
  }, (e) => roundBox.replaceChildren(errorBox(e)));

  const off = tracker.onChange(load.poke);
  return () => { off(); load.stop(); };
}
