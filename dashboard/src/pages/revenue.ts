// Revenue: the running era's pot by source, the closed eras' reports by source and recipient
// class (pallet-revenue storage), and the balances of the pot and the treasuries.
import type { Ctx } from '../ctx';
import { barChart } from '../chart';
import { big, errorBox, fmtBalance, h, kv, palletAccount, refresher, section, short, val } from '../lib';

/* eslint-disable @typescript-eslint/no-explicit-any */
type C = any;

const SOURCES = ['blockRewards', 'auction', 'rent', 'other'] as const;
const CLASSES = ['validators', 'development', 'infrastructure', 'treasury', 'partners'] as const;
/// Pallet ids of runtime/src/configs.rs.
export const ACCOUNTS = [
  ['pot', 'revenue pot', 'bpci/rev'],
  ['treasury', 'community treasury', 'py/trsry'],
  ['development', 'development share', 'bpci/dev'],
  ['infrastructure', 'infrastructure share', 'bpci/inf'],
] as const;

const bars = (testid: string, obj: C, keys: readonly string[]) =>
  barChart(testid, keys.map((k) => ({ key: k, label: k, value: big(obj[k]), text: fmtBalance(big(obj[k])) })));

export function mountRevenue(root: HTMLElement, ctx: Ctx): () => void {
  const { api, tracker } = ctx;
  const eraBox = h('div');
  const reportBox = h('div');
  const balanceBox = h('div');
  root.append(section('Running era', eraBox), section('Era reports', reportBox), section('Pot and treasuries', balanceBox));
  let shownAt = -1;

  const load = refresher(async () => {
    const hash = tracker.best?.hash ?? (await api.rpc.chain.getBlockHash()).toHex();
    const number = tracker.best?.number ?? 0;
    // Once a block is enough: the pot changes every block, the reports once an era.
    if (number === shownAt) return;
    const q = (await api.at(hash)).query;
    const accounts = ACCOUNTS.map(([key, label, id]) => ({ key, label, address: api.createType('AccountId', palletAccount(id)).toString() }));
    const [era, eraLength, mode, reward, shares, sources, carried, retained, reports, ...balances] = await Promise.all([
      q.revenue.currentEra(), q.revenue.eraLength(), q.revenue.revenueMode(), q.revenue.blockReward(), q.revenue.currentShares(),
      q.revenue.potSources(), q.revenue.carriedIn(), q.revenue.retained(), q.revenue.reports.entries(),
      ...accounts.map((a) => q.system.account(a.address)),
    ]) as C[];
    const [index, start] = era.map((x: C) => x.toNumber());
    const sh = CLASSES.map((c) => `${c} ${shares[c].toNumber() / 10_000_000}%`).join(', ');
    eraBox.replaceChildren(
      kv([
        ['read at', h('span', {}, '#', val('revenue-at-number', number), ' ', val('revenue-at-hash', hash, short(hash)))],
        ['era', h('span', {}, val('era-index', index), ' from #', val('era-start', start), ', ', val('era-length', eraLength.toNumber()), ' blocks')],
        ['mode', val('revenue-mode', mode.toString())],
        ['block reward', val('block-reward', big(reward), fmtBalance(big(reward)))],
        ['shares', val('revenue-shares', CLASSES.map((c) => shares[c].toNumber()).join(','), sh)],
        ['carried in', val('carried-in', big(carried), fmtBalance(big(carried)))],
        ['retained (recorded, not paid)', val('retained', big(retained), fmtBalance(big(retained)))],
      ]),
      h('h3', {}, 'Pot so far by source'),
      bars('pot-sources', sources, SOURCES),
    );

    const list = reports.map(([, v]: C) => v.unwrap()).sort((a: C, b: C) => b.era.toNumber() - a.era.toNumber());
    const latest = list[0];
    reportBox.replaceChildren(...(latest ? [
      h('h3', {}, 'Latest report: era ', val('report-era', latest.era.toNumber()), ` (#${latest.start.toNumber()}..#${latest.end.toNumber()}), pot `,
        val('report-pot', big(latest.pot), fmtBalance(big(latest.pot)))),
      h('div', { class: 'two' },
        h('div', {}, h('h4', {}, 'by source'), bars('report-sources', latest.sources, SOURCES)),
        h('div', {}, h('h4', {}, 'by recipient class'), bars('report-classes', latest.allocated, CLASSES))),
      h('h3', {}, 'All stored reports'),
      h('table', { class: 'list' },
        h('tr', {}, h('th', {}, 'era'), h('th', {}, 'blocks'), h('th', {}, 'pot'), h('th', {}, 'distributed'), h('th', {}, 'carried out'), h('th', {}, 'withheld'), h('th', {}, 'payouts')),
        ...list.map((r: C) => h('tr', {
          'data-testid': 'report-row', 'data-era': r.era.toNumber(), 'data-pot': big(r.pot).toString(), 'data-distributed': big(r.distributed).toString(),
          'data-carried-out': big(r.carriedOut).toString(), 'data-withheld': big(r.withheld).toString(),
        }, h('td', {}, r.era.toNumber()), h('td', {}, `#${r.start.toNumber()}..#${r.end.toNumber()}`), h('td', {}, fmtBalance(big(r.pot))),
        h('td', {}, fmtBalance(big(r.distributed))), h('td', {}, fmtBalance(big(r.carriedOut))), h('td', {}, fmtBalance(big(r.withheld))),
        h('td', {}, r.payouts.length)))),
    ] : [h('p', { class: 'note', 'data-testid': 'report-none' }, 'no era closed yet')]));

    balanceBox.replaceChildren(h('table', { class: 'list' },
      h('tr', {}, h('th', {}, 'account'), h('th', {}, 'address'), h('th', {}, 'free balance')),
      ...accounts.map((a, i) => {
        const free = big(balances[i].data.free);
        return h('tr', {}, h('td', {}, a.label), h('td', {}, val(`balance-${a.key}-address`, a.address, short(a.address))),
          h('td', {}, val(`balance-${a.key}`, free, fmtBalance(free))));
      })));
    shownAt = number;
    root.dataset.ready = '1';
  }, (e) => eraBox.replaceChildren(errorBox(e)));

  const off = tracker.onChange(load.poke);
  return () => { off(); load.stop(); };
}
