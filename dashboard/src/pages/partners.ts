// Partners: pallet-partners' registry (every partner and application with its lifecycle state,
// bond, reputation, agreement and timeline), the requirements and health policy in force, the
// community installers, what the node's `bpci_partners` says of each (effective weights, blocks
// without a verified header, unhealthy) and every partner light client (`bpci_partnerHealth`),
// all read at one block.
import type { Ctx } from '../ctx';
import { big, errorBox, fmtBalance, h, kv, refresher, section, short, val } from '../lib';

/* eslint-disable @typescript-eslint/no-explicit-any */
type C = any;

/// `PartnerStatus` in lifecycle order, for sorting.
const LIFECYCLE = ['AwaitingAssessment', 'AwaitingVote', 'Integrating', 'Active', 'Suspended', 'Exiting', 'Removed'];
const opt = (o: C): string => (o.isSome ? o.unwrap().toString() : '');
const at = (o: C): string => (o.isSome ? `#${o.unwrap().toString()}` : '-');
const utf8 = (b: C): string => new TextDecoder().decode(b.toU8a(true));
const json = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

export function mountPartners(root: HTMLElement, ctx: Ctx): () => void {
  const { api, tracker } = ctx;
  const k = api.consts.partners as C;
  const maxReputation = k.maxReputation.toNumber();
  const readBox = h('div');
  const rulesBox = h('div');
  const registryBox = h('div');
  const clientsBox = h('div');
  const installersBox = h('div');
  root.append(
    section('Registry', readBox, registryBox),
    section('Light clients (bpci_partnerHealth)', clientsBox),
    section('Requirements and health policy', rulesBox),
    section('Community installers', installersBox),
  );
  let shownAt = -1;

  const load = refresher(async () => {
    const best = tracker.best;
    const hash = best?.hash ?? (await api.rpc.chain.getBlockHash()).toHex();
    const number = best?.number ?? (await api.rpc.chain.getHeader(hash)).number.toNumber();
    if (number === shownAt) return;
    const q = (await api.at(hash)).query.partners;
    const [records, count, req, policy, policySince, installers, summaries, clients] = await Promise.all([
      q.partners.entries(), q.counterForPartners(), q.currentRequirements(), q.partnerHealthPolicy(), q.healthPolicySince(), q.installers.entries(),
      api.rpc.bpci.partners(hash), api.rpc.bpci.partnerHealth(hash),
    ]) as C[];

    readBox.replaceChildren(kv([
      ['read at', h('span', {}, '#', val('partners-at-number', number), ' ', val('partners-at-hash', hash, short(hash)))],
      ['records', h('span', {}, val('partners-count', count.toString()), ` of at most ${k.maxPartners.toNumber()}`)],
      ['active members', val('partners-active', records.filter(([, v]: C) => v.unwrap().status.isActive).length)],
    ]));

    // The node's summary of each partner (bpci_partners at the same block), by account.
    const summary = new Map<string, C>((summaries.toJSON() as C[]).map((s: C) => [s.account, s]));
    const rows = records.map(([key, v]: C) => ({ who: key.args[0].toString(), p: v.unwrap() }))
      .sort((a: C, b: C) => LIFECYCLE.indexOf(a.p.status.type) - LIFECYCLE.indexOf(b.p.status.type) || (a.who < b.who ? -1 : 1));
    registryBox.replaceChildren(rows.length === 0 ? h('p', { class: 'note', 'data-testid': 'partners-none' }, 'no partner and no application') : h('table', { class: 'list' },
      h('tr', {}, h('th', {}, 'partner'), h('th', {}, 'chain'), h('th', {}, 'status'), h('th', {}, 'bond'), h('th', {}, 'reputation'),
        h('th', {}, 'vote / revenue weight'), h('th', {}, 'relayers'), h('th', {}, 'validators'), h('th', {}, 'timeline'), h('th', {}, 'health')),
      ...rows.map(({ who, p }: C) => {
        const s = summary.get(who);
        const ag = p.agreement.isSome ? p.agreement.unwrap() : null;
        const t = p.timeline;
        const since = s?.blocksSinceHeader;
        const steps = [['applied', t.applied.toString()], ['assessed', opt(t.assessed)], ['decided', opt(t.decided)], ['first proof', opt(t.firstProof)],
          ['activated', opt(t.activated)], ['suspended', opt(t.suspended)], ['exit', opt(t.exitRequested)], ['unbond at', opt(t.unbondAt)]]
          .filter(([, n]) => n !== '').map(([label, n]) => `${label} #${n}`).join(', ');
        return h('tr', {
          'data-testid': 'partner-row', 'data-account': who, 'data-chain-name': utf8(p.chainName), 'data-chain-id': p.chainId.toHex(),
          'data-consensus': p.consensus.type, 'data-status': p.status.type, 'data-bond': big(p.bond).toString(), 'data-reputation': p.reputation.toNumber(),
          'data-payout': p.payout.toString(), 'data-relayers': p.relayers.length, 'data-validator-count': p.validatorCount.toNumber(),
          'data-agreement-vote-weight': ag ? ag.voteWeight.toNumber() : '', 'data-agreement-signed-at': ag ? opt(ag.signedAt) : '',
          'data-applied': t.applied.toNumber(), 'data-activated': opt(t.activated), 'data-last-header': opt(t.lastHeader), 'data-unhealthy-since': opt(t.unhealthySince),
          // From bpci_partners: the weights in force (0 until an agreement is signed) and health.
          'data-vote-weight': json(s?.voteWeight), 'data-revenue-weight': json(s?.revenueWeight), 'data-first-proof': json(s?.firstProof),
          'data-blocks-since-header': json(since), 'data-unhealthy': json(s?.unhealthy), 'data-rpc': s ? 'yes' : 'no',
        },
        h('td', {}, short(who)),
        h('td', {}, `${utf8(p.chainName)} (${p.consensus.type}, ${short(p.chainId.toHex())})`),
        h('td', {}, p.status.type),
        h('td', {}, fmtBalance(big(p.bond))),
        h('td', {}, `${p.reputation.toNumber()} / ${maxReputation}`),
        h('td', {}, s ? `${s.voteWeight} / ${s.revenueWeight}` : 'not in bpci_partners',
          ag && ag.signedAt.isNone ? ` (proposed ${ag.voteWeight.toNumber()} / ${ag.revenueWeight.toNumber()}, unsigned)` : ''),
        h('td', {}, p.relayers.length),
        h('td', {}, p.validatorCount.toNumber() === 0 ? 'none verified' : p.validatorCount.toNumber()),
        h('td', { class: 'note' }, steps),
        h('td', {}, !s ? '-' : s.unhealthy ? `unhealthy since ${at(t.unhealthySince)}` : since === null || since === undefined ? 'no duty yet'
          : `${since} blocks without a verified header${t.lastHeader.isSome ? ` (last #${t.lastHeader.unwrap().toString()})` : ''}`));
      })));

    const list = clients.toJSON() as C[];
    clientsBox.replaceChildren(list.length === 0 ? h('p', { class: 'note', 'data-testid': 'clients-none' }, 'no partner light client initialised') : h('table', { class: 'list' },
      h('tr', {}, h('th', {}, 'partner'), h('th', {}, 'scheme'), h('th', {}, 'best verified header'), h('th', {}, 'trusted set'),
        h('th', {}, 'initialised'), h('th', {}, 'last header / proof'), h('th', {}, 'blocks since header / proof')),
      ...list.map((c: C) => h('tr', {
        'data-testid': 'client-row', 'data-partner': c.partner, 'data-scheme': c.scheme, 'data-best-number': c.bestNumber, 'data-best-hash': c.bestHash,
        'data-set-id': c.setId, 'data-validators': c.validators, 'data-initialised-at': c.initialisedAt, 'data-last-header-at': json(c.lastHeaderAt),
        'data-last-proof-at': json(c.lastProofAt), 'data-blocks-since-header': c.blocksSinceHeader, 'data-blocks-since-proof': json(c.blocksSinceProof),
      }, h('td', {}, short(c.partner)), h('td', {}, c.scheme), h('td', {}, `#${c.bestNumber} ${short(c.bestHash)}`),
      h('td', {}, `set ${c.setId}, ${c.validators} validators`), h('td', {}, `#${c.initialisedAt}`),
      h('td', {}, `${c.lastHeaderAt === null ? 'never' : `#${c.lastHeaderAt}`} / ${c.lastProofAt === null ? 'never' : `#${c.lastProofAt}`}`),
      h('td', {}, `${c.blocksSinceHeader} / ${c.blocksSinceProof === null ? '-' : c.blocksSinceProof}`)))));

    const days = (secs: bigint) => `${(Number(secs) / 86_400).toLocaleString('en-US', { maximumFractionDigits: 2 })} days`;
    rulesBox.replaceChildren(kv([
      ['operational for', val('req-min-operational-secs', req.minOperationalSecs.toString(), `${days(req.minOperationalSecs.toBigInt())} (${req.minOperationalSecs.toString()} s)`)],
      ['validators', val('req-min-validators', req.minValidators.toNumber())],
      ['bond', val('req-min-bond', big(req.minBond), fmtBalance(big(req.minBond)))],
      ['health policy', policy.isNone ? val('health-policy', 'none', 'none: nobody is checked') : h('span', {},
        'unhealthy after ', val('health-unhealthy-after', policy.unwrap().unhealthyAfter.toNumber()), ' blocks, revenue withheld after ',
        val('health-withhold-after', policy.unwrap().withholdAfter.toNumber()), ' blocks, in force since #', val('health-policy-since', policySince.toNumber()))],
      ['health check', `every ${k.healthCheckInterval.toNumber()} blocks`],
      ['reputation', `starts at ${k.initialReputation.toNumber()} of ${maxReputation}; +${k.proofReward.toNumber()} a proof, -${k.missedDutyPenalty.toNumber()} a missed duty, -${k.disputePenalty.toNumber()} a lost dispute`],
    ]));

    const inst = installers.map(([key, v]: C) => ({ who: key.args[0].toString(), i: v.unwrap() }));
    installersBox.replaceChildren(inst.length === 0 ? h('p', { class: 'note', 'data-testid': 'installers-none' }, 'no community installer registered') : h('table', { class: 'list' },
      h('tr', {}, h('th', {}, 'installer'), h('th', {}, 'name'), h('th', {}, 'bond'), h('th', {}, 'registered')),
      ...inst.map(({ who, i }: C) => h('tr', { 'data-testid': 'installer-row', 'data-account': who, 'data-bond': big(i.bond).toString(), 'data-registered-at': i.registeredAt.toNumber() },
        h('td', {}, short(who)), h('td', {}, utf8(i.name)), h('td', {}, fmtBalance(big(i.bond))), h('td', {}, `#${i.registeredAt.toNumber()}`)))));
    shownAt = number;
    root.dataset.ready = '1';
  }, (e) => readBox.replaceChildren(errorBox(e)));

  const off = tracker.onChange(load.poke);
  return () => { off(); load.stop(); };
}
