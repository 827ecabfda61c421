// Chain: name, runtime, best and finalized heads, live finality latency, the last justification.
import type { Ctx } from '../ctx';
import { lineChart } from '../chart';
import { trustTable } from '../trust';
import { errorBox, h, kv, section, set, short, val } from '../lib';

export function mountChain(root: HTMLElement, ctx: Ctx): () => void {
  const { api, tracker } = ctx;
  const v = api.runtimeVersion;
  const chart = h('div', { class: 'chart-box' });
  const just = h('div', { 'data-testid': 'justification' });
  const trustBox = h('div', {}, h('p', { class: 'note' }, 'reading…'));

  root.append(
    section('Chain', kv([
      ['chain', val('chain-name', '…')],
      ['chain type', val('chain-type', '…')],
      ['runtime', h('span', {}, val('spec-name', v.specName.toString()), ' v', val('spec-version', v.specVersion.toNumber()))],
      ['genesis', val('genesis-hash', api.genesisHash.toHex(), short(api.genesisHash.toHex()))],
    ])),
    section('Heads', kv([
      ['best', h('span', {}, '#', val('best-number', '…'), ' ', val('best-hash', '', ''))],
      ['finalized', h('span', {}, '#', val('finalized-number', '…'), ' ', val('finalized-hash', '', ''))],
    ])),
    section('Finality latency',
      h('p', { class: 'note' }, 'Time from a block number first seen as best head to it being seen finalized, in this page, last 50 blocks.'),
      kv([
        ['samples', val('latency-count', 0)],
        ['last', val('latency-last-ms', '-')],
        ['mean', val('latency-mean-ms', '-')],
      ]),
      chart),
    section('Last justification', just),
    section('Trusted validator set', trustBox),
  );
  void ctx.trust.then((t) => trustBox.replaceChildren(trustTable(t)), (e) => trustBox.replaceChildren(errorBox(e)));

  void Promise.all([api.rpc.system.chain(), api.rpc.system.chainType()]).then(([name, type]) => {
    set(root, 'chain-name', name.toString());
    set(root, 'chain-type', type.type);
    root.dataset.ready = '1';
  });

  const render = () => {
    const { best, finalized, latencies, lastJustification: lj } = tracker;
    if (best) { set(root, 'best-number', best.number); set(root, 'best-hash', best.hash, short(best.hash)); }
    if (finalized) { set(root, 'finalized-number', finalized.number); set(root, 'finalized-hash', finalized.hash, short(finalized.hash)); }
    set(root, 'latency-count', latencies.length);
    if (latencies.length) {
      const last = latencies[latencies.length - 1].ms;
      const mean = latencies.reduce((a, l) => a + l.ms, 0) / latencies.length;
      set(root, 'latency-last-ms', Math.round(last), `${Math.round(last)} ms (#${latencies[latencies.length - 1].number})`);
      set(root, 'latency-mean-ms', Math.round(mean), `${Math.round(mean)} ms`);
    }
    chart.replaceChildren(lineChart('latency-chart', latencies.map((l) => ({ x: l.number, y: l.ms })), ' ms'));
    if (lj && just.dataset.hash !== lj.hash) {
      just.dataset.hash = lj.hash;
      just.replaceChildren(kv([
        ['block', h('span', {}, '#', val('justification-number', lj.number), ' ', val('justification-hash', lj.hash, short(lj.hash)))],
        ['certificate', val('justification-kind', lj.j.kind)],
        ['view', val('justification-view', lj.j.view)],
        ['signers', h('span', {}, val('justification-signers', lj.j.signers.length), ' of ', val('justification-n', lj.n),
          ` (indices ${lj.j.signers.join(', ')})`)],
        ['size', h('span', {}, val('justification-bytes', lj.j.bytes), ' bytes')],
        ['validator set', h('span', {}, '#', val('justification-set-id', lj.setId), ', reached in this page from the trusted set through the hand-overs')],
        ['verified in page', val('justification-verified', lj.verdict.ok ? 'yes' : 'no',
          lj.verdict.ok ? `yes: final by a proof followed from the trusted set, and one aggregate BLS check of its justification against set #${lj.setId}` : `FAILS: ${lj.verdict.reason}`)],
        ['verdict', val('justification-verdict', lj.verdict.reason)],
      ]));
    } else if (!lj && !just.firstChild) {
      just.append(h('p', { class: 'note', 'data-testid': 'justification-none' }, 'no justification seen yet'));
    }
  };
  render();
  return tracker.onChange(render);
}
