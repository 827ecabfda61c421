// Governance: the roundtable's polls (pallet-referenda with pallet-roundtable's tally and
// tracks): the tracks' rules, every open poll with its tally against its track's thresholds
// (support: ayes of the whole electorate's weight, the removal poll's accused included; approval:
// ayes of the votes cast) and its votes, the decided polls, and the enactment queue (referenda
// schedules an approved poll's call in pallet-scheduler's agenda under the name
// blake2_256(SCALE(("assembly", "enactment", index)))), all read at one block. An account of the
// wallet's (src/accounts.ts) votes on an open poll (`roundtable.votePoll`).
import type { Ctx } from '../ctx';
import { blake2AsHex } from '@polkadot/util-crypto';
import { compactAddLength, stringToU8a, u8aConcat } from '@polkadot/util';
import { accountSelect, loadAccounts, txPanel, type Account } from '../accounts';
import { big, errorBox, fmtBalance, h, kv, refresher, section, short, val } from '../lib';

/* eslint-disable @typescript-eslint/no-explicit-any */
type C = any;

/// pallet_roundtable::tracks::name.
const TRACK_NAMES = ['ordinary', 'treasurer', 'partner_removal', 'protocol', 'emergency'];
const trackName = (id: number): string => TRACK_NAMES[id] ?? `track ${id}`;

/// A threshold (`pallet_roundtable::Threshold`): `share` of a whole, or more than it if `strict`.
export interface Threshold { num: bigint; den: bigint; strict: boolean }
const threshold = (t: C): Threshold => ({ num: BigInt(t.share.num.toString()), den: BigInt(t.share.den.toString()), strict: t.strict.isTrue });
const thresholdText = (t: Threshold): string => `${t.strict ? 'more than' : 'at least'} ${t.num}/${t.den}`;
/// `Threshold::reached`: never with a zero part or whole; exact.
export function reached(t: Threshold, part: bigint, whole: bigint): boolean {
  if (part === 0n || whole === 0n) return false;
  return t.strict ? part * t.den > t.num * whole : part * t.den >= t.num * whole;
}
const pct = (part: bigint, whole: bigint): string => (whole === 0n ? '-' : `${(Number((part * 100_000n) / whole) / 1000).toLocaleString('en-US', { maximumFractionDigits: 3 })}%`);

/// The scheduler name referenda gives a poll's enactment (pallet-referenda `schedule_enactment`).
export function enactmentId(index: number): string {
  const i = new Uint8Array(4);
  new DataView(i.buffer).setUint32(0, index, true);
  return blake2AsHex(u8aConcat(stringToU8a('assembly'), compactAddLength(stringToU8a('enactment')), i), 256);
}

/// The origin a poll asks for: `Root`, or the roundtable's (`Roundtable`, `Treasurer`,
/// `Emergency`, `PartnerRemoval(who)`), or another pallet's.
function originText(o: C): string {
  if (o.isSystem) return o.asSystem.type;
  const inner = o.value;
  if (inner && inner.type) return `${o.type}.${inner.type}${inner.isPartnerRemoval ? `(${short(inner.asPartnerRemoval.toString())})` : ''}`;
  return o.type;
}

export function mountGovernance(root: HTMLElement, ctx: Ctx): () => void {
  const { api, tracker } = ctx;
  let accounts: Account[] = [];
  /// Open polls and their frozen electorates at the last read, for the vote form.
  let open: { index: number; track: number; voters: Map<string, number>; accused: string }[] = [];

  const readBox = h('div');
  const tracksBox = h('div');
  const pollsBox = h('div');
  const decidedBox = h('div');
  const queueBox = h('div');
  const voteBox = h('div', {}, 'loading accounts…');
  const { box: txBox, send } = txPanel(api);
  root.append(
    section('Open polls', readBox, pollsBox),
    section('Vote', voteBox),
    section('Last transaction', txBox),
    section('Enactment queue (scheduler agenda)', queueBox),
    section('Tracks', tracksBox),
    section('Decided polls', decidedBox),
  );

  /// The call a bounded proposal holds: inline, or a preimage noted at the block read.
  async function callText(q: C, bounded: C): Promise<string> {
    try {
      let bytes: Uint8Array | null = null;
      let where = '';
      if (bounded.isInline) bytes = bounded.asInline.toU8a(true);
      else if (bounded.isLookup) {
        const { hash_: hash, len } = bounded.asLookup;
        where = `preimage ${short(hash.toHex())} (${len.toNumber()} bytes)`;
        const pre = await q.preimage.preimageFor([hash, len]);
        if (pre.isSome) bytes = pre.unwrap().toU8a(true);
      } else return `legacy preimage ${short(bounded.asLegacy.hash_.toHex())}`;
      if (!bytes) return `${where}, not stored`;
      const call = api.createType('Call', bytes);
      const args = call.args.map((a) => short(a.toString(), 10)).join(', ');
      return `${call.section}.${call.method}(${args})${where ? ` from ${where}` : ''}`;
    } catch (e) {
      return `undecodable call: ${(e as Error).message}`;
    }
  }

  const load = refresher(async () => {
    const best = tracker.best;
    const hash = best?.hash ?? (await api.rpc.chain.getBlockHash()).toHex();
    const number = best?.number ?? (await api.rpc.chain.getHeader(hash)).number.toNumber();
    const q = (await api.at(hash)).query as C;
    const [count, infos, rules, deciding, electorates, votes, agenda] = await Promise.all([
      q.referenda.referendumCount(), q.referenda.referendumInfoFor.entries(), q.roundtable.trackRules.entries(), q.referenda.decidingCount.entries(),
      q.roundtable.pollElectorate.entries(), q.roundtable.pollVotes.entries(), q.scheduler.agenda.entries(),
    ]) as C[];

    readBox.replaceChildren(kv([
      ['read at', h('span', {}, '#', val('governance-at-number', number), ' ', val('governance-at-hash', hash, short(hash)))],
      ['polls submitted', val('referendum-count', count.toNumber())],
    ]));

    // Tracks: the rules pallet-roundtable keeps (TrackRules; a track not stored has the runtime's
    // default_track, whose periods and thresholds referenda's `tracks` constant shows).
    const stored = new Map<number, C>(rules.map(([key, v]: C) => [key.args[0].toNumber(), v.unwrap()]));
    const decidingNow = new Map<number, number>(deciding.map(([key, v]: C) => [key.args[0].toNumber(), v.toNumber()]));
    const trackIds = (api.consts.referenda.tracks as C).map(([id]: C) => id.toNumber());
    const rulesOf = (id: number): { support: Threshold; approval: Threshold } | null => {
      const r = stored.get(id);
      return r ? { support: threshold(r.support), approval: threshold(r.approval) } : null;
    };
    tracksBox.replaceChildren(h('table', { class: 'list' },
      h('tr', {}, h('th', {}, 'track'), h('th', {}, 'support (of the electorate)'), h('th', {}, 'approval (of votes cast)'),
        h('th', {}, 'prepare / decide / confirm / enact (blocks)'), h('th', {}, 'decision deposit'), h('th', {}, 'deciding')),
      ...trackIds.map((id: number) => {
        const r = stored.get(id);
        const t = rulesOf(id);
        return h('tr', {
          'data-testid': 'track-row', 'data-id': id, 'data-stored': r ? 'yes' : 'no',
          'data-support': t ? `${t.support.num}/${t.support.den}${t.support.strict ? '+' : ''}` : '', 'data-approval': t ? `${t.approval.num}/${t.approval.den}${t.approval.strict ? '+' : ''}` : '',
          'data-periods': r ? [r.preparePeriod, r.decisionPeriod, r.confirmPeriod, r.minEnactmentPeriod].map((x: C) => x.toNumber()).join('/') : '',
          'data-decision-deposit': r ? big(r.decisionDeposit).toString() : '', 'data-max-deciding': r ? r.maxDeciding.toNumber() : '', 'data-deciding': decidingNow.get(id) ?? 0,
        }, h('td', {}, `${id} ${trackName(id)}`),
        h('td', {}, t ? thresholdText(t.support) : 'runtime default'), h('td', {}, t ? thresholdText(t.approval) : 'runtime default'),
        h('td', {}, r ? [r.preparePeriod, r.decisionPeriod, r.confirmPeriod, r.minEnactmentPeriod].map((x: C) => x.toNumber()).join(' / ') : '-'),
        h('td', {}, r ? fmtBalance(big(r.decisionDeposit)) : '-'), h('td', {}, `${decidingNow.get(id) ?? 0}${r ? ` of ${r.maxDeciding.toNumber()}` : ''}`));
      })));

    // Votes and frozen electorates by poll.
    const votesOf = new Map<number, { who: string; aye: boolean }[]>();
    for (const [key, v] of votes) {
      const [poll, who] = key.args;
      const list = votesOf.get(poll.toNumber()) ?? [];
      list.push({ who: who.toString(), aye: v.unwrap().isTrue });
      votesOf.set(poll.toNumber(), list);
    }
    const electorateOf = new Map<number, C>(electorates.map(([key, v]: C) => [key.args[0].toNumber(), v.unwrap()]));

    const all = infos.map(([key, v]: C) => ({ index: key.args[0].toNumber(), info: v.unwrap() })).sort((a: C, b: C) => a.index - b.index);
    const ongoing = all.filter((p: C) => p.info.isOngoing);
    const calls = await Promise.all(ongoing.map((p: C) => callText(q, p.info.asOngoing.proposal)));
    open = ongoing.map((p: C) => {
      const frozen = electorateOf.get(p.index);
      return {
        index: p.index, track: p.info.asOngoing.track.toNumber(),
        voters: new Map<string, number>(frozen ? frozen.voters.map(([who, w]: C) => [who.toString(), w.toNumber()]) : []),
        accused: frozen && frozen.accused.isSome ? frozen.accused.unwrap().toString() : '',
      };
    });
    pollsBox.replaceChildren(ongoing.length === 0 ? h('p', { class: 'note', 'data-testid': 'polls-none' }, 'no open poll') : h('div', {}, ...ongoing.map((p: C, i: number) => {
      const s = p.info.asOngoing;
      const track = s.track.toNumber();
      const t = rulesOf(track);
      const ayes = big(s.tally.ayes);
      const nays = big(s.tally.nays);
      const electorate = big(s.tally.electorate);
      const excluded = big(s.tally.excluded);
      const base = electorate + excluded;
      const supportMet = t ? reached(t.support, ayes, base) : false;
      const approvalMet = t ? reached(t.approval, ayes, ayes + nays) : false;
      const frozen = electorateOf.get(p.index);
      const weights = new Map<string, number>(frozen ? frozen.voters.map(([who, w]: C) => [who.toString(), w.toNumber()]) : []);
      const pv = (votesOf.get(p.index) ?? []).sort((a, b) => (a.who < b.who ? -1 : 1));
      const d = s.deciding.isSome ? s.deciding.unwrap() : null;
      const phase = d ? (d.confirming.isSome ? `confirming until #${d.confirming.unwrap().toNumber()}` : `deciding since #${d.since.toNumber()}`)
        : s.decisionDeposit.isNone ? 'preparing: waits for its decision deposit' : s.inQueue.isTrue ? 'queued for a deciding slot' : 'preparing';
      const r = stored.get(track);
      return h('div', {
        'data-testid': 'poll', 'data-index': p.index, 'data-track': track, 'data-origin': JSON.stringify(s.origin.toJSON()), 'data-proposal': s.proposal.toHex(),
        'data-submitted': s.submitted.toNumber(), 'data-submitter': s.submissionDeposit.who.toString(),
        'data-decision-deposit': s.decisionDeposit.isSome ? s.decisionDeposit.unwrap().who.toString() : '',
        'data-deciding-since': d ? d.since.toNumber() : '', 'data-confirming': d && d.confirming.isSome ? d.confirming.unwrap().toNumber() : '',
        'data-in-queue': s.inQueue.isTrue ? 'yes' : 'no',
        'data-ayes': ayes.toString(), 'data-nays': nays.toString(), 'data-electorate': electorate.toString(), 'data-excluded': excluded.toString(),
        'data-accused': frozen && frozen.accused.isSome ? frozen.accused.unwrap().toString() : '',
        'data-support-met': supportMet ? 'yes' : 'no', 'data-approval-met': approvalMet ? 'yes' : 'no', 'data-passing': supportMet && approvalMet ? 'yes' : 'no',
        'data-votes': pv.length,
      },
      h('h3', {}, `Poll #${p.index}: ${trackName(track)} track, origin ${originText(s.origin)}`),
      kv([
        ['call', calls[i]],
        ['submitted', `#${s.submitted.toNumber()} by ${short(s.submissionDeposit.who.toString())}`],
        ['decision deposit', s.decisionDeposit.isSome ? `${fmtBalance(big(s.decisionDeposit.unwrap().amount))} by ${short(s.decisionDeposit.unwrap().who.toString())}` : 'not placed'],
        ['phase', d && r ? `${phase}; fails at #${d.since.toNumber() + r.decisionPeriod.toNumber()} unless approved` : phase],
        ['tally', h('span', {}, 'ayes ', val(`poll-${p.index}-ayes`, ayes), ', nays ', val(`poll-${p.index}-nays`, nays), ', electorate ',
          val(`poll-${p.index}-electorate`, electorate), excluded > 0n ? h('span', {}, ' + accused ', val(`poll-${p.index}-excluded`, excluded)) : '',
          electorate === 0n ? ' (frozen by the first vote)' : '')],
        ['support', h('span', {}, `${ayes} of ${base} (${pct(ayes, base)}), needs ${t ? thresholdText(t.support) : 'the runtime default'}: `,
          val(`poll-${p.index}-support-met`, supportMet ? 'yes' : 'no', supportMet ? 'met' : 'not met'))],
        ['approval', h('span', {}, `${ayes} of ${ayes + nays} votes cast (${pct(ayes, ayes + nays)}), needs ${t ? thresholdText(t.approval) : 'the runtime default'}: `,
          val(`poll-${p.index}-approval-met`, approvalMet ? 'yes' : 'no', approvalMet ? 'met' : 'not met'))],
      ]),
      pv.length === 0 ? h('p', { class: 'note' }, 'no vote yet') : h('table', { class: 'list' },
        h('tr', {}, h('th', {}, 'voter'), h('th', {}, 'vote'), h('th', {}, 'weight')),
        ...pv.map((v) => h('tr', { 'data-testid': 'poll-vote', 'data-poll': p.index, 'data-account': v.who, 'data-aye': v.aye ? 'yes' : 'no', 'data-weight': weights.get(v.who) ?? '' },
          h('td', {}, short(v.who)), h('td', {}, v.aye ? 'aye' : 'nay'), h('td', {}, weights.get(v.who) ?? '?')))));
    })));

    const done = all.filter((p: C) => !p.info.isOngoing).reverse();
    decidedBox.replaceChildren(done.length === 0 ? h('p', { class: 'note' }, 'no poll decided yet') : h('table', { class: 'list' },
      h('tr', {}, h('th', {}, 'poll'), h('th', {}, 'outcome'), h('th', {}, 'at')),
      ...done.map((p: C) => {
        const at = p.info.isKilled ? p.info.asKilled.toNumber() : p.info.value[0].toNumber();
        return h('tr', { 'data-testid': 'decided-poll', 'data-index': p.index, 'data-outcome': p.info.type, 'data-at': at },
          h('td', {}, `#${p.index}`), h('td', {}, p.info.type), h('td', {}, `#${at}`));
      })));

    // The agenda: enactments (named by referenda), referenda's alarms (anonymous calls of
    // referenda.nudgeReferendum), anything else.
    const ids = new Map<string, number>();
    for (let i = 0; i < count.toNumber(); i += 1) ids.set(enactmentId(i), i);
    const tasks: C[] = [];
    for (const [key, list] of agenda) {
      const when = key.args[0].toNumber();
      list.forEach((s: C, slot: number) => { if (s.isSome) tasks.push({ when, slot, s: s.unwrap() }); });
    }
    tasks.sort((a, b) => a.when - b.when || a.slot - b.slot);
    const rows = await Promise.all(tasks.map(async ({ when, slot, s }: C) => {
      const id = s.maybeId.isSome ? s.maybeId.unwrap().toHex() : '';
      let kind = 'other';
      let poll: number | '' = '';
      if (id && ids.has(id)) { kind = 'enactment'; poll = ids.get(id)!; }
      else if (s.call.isInline) {
        try {
          const c = api.createType('Call', s.call.asInline.toU8a(true));
          if (c.section === 'referenda' && c.method === 'nudgeReferendum') { kind = 'alarm'; poll = Number(c.args[0].toString()); }
        } catch { /* not a call of this runtime: other */ }
      }
      return { when, slot, s, id, kind, poll, call: await callText(q, s.call) };
    }));
    const enactments = rows.filter((r) => r.kind === 'enactment');
    queueBox.replaceChildren(
      h('p', {}, val('enactment-count', enactments.length), ` enactment${enactments.length === 1 ? '' : 's'} scheduled, `,
        val('alarm-count', rows.filter((r) => r.kind === 'alarm').length), ' referenda alarms, ', val('scheduled-count', rows.length), ' scheduled calls in all'),
      rows.length === 0 ? h('p', { class: 'note' }, 'the agenda is empty') : h('table', { class: 'list' },
        h('tr', {}, h('th', {}, 'at block'), h('th', {}, 'what'), h('th', {}, 'origin'), h('th', {}, 'call'), h('th', {}, 'priority')),
        ...[...enactments, ...rows.filter((r) => r.kind !== 'enactment')].map((r) => h('tr', {
          'data-testid': 'scheduled-row', 'data-when': r.when, 'data-slot': r.slot, 'data-kind': r.kind, 'data-poll': r.poll, 'data-id': r.id,
          'data-origin': JSON.stringify(r.s.origin.toJSON()), 'data-call': r.s.call.toHex(), 'data-priority': r.s.priority.toNumber(),
        }, h('td', {}, `#${r.when}${r.when <= number ? ' (overdue)' : ''}`),
        h('td', {}, r.kind === 'enactment' ? `enactment of poll #${r.poll}` : r.kind === 'alarm' ? `alarm of poll #${r.poll}` : 'other'),
        h('td', {}, originText(r.s.origin)), h('td', {}, r.call), h('td', {}, r.s.priority.toNumber())))));

    renderVoteTargets();
    root.dataset.ready = '1';
  }, (e) => readBox.replaceChildren(errorBox(e)));

  // --- vote ---
  let from: HTMLSelectElement | null = null;
  const pollSelect = h('select', { 'data-testid': 'vote-poll' });
  const standing = h('span', { class: 'note' });
  const err = h('span', { class: 'error', 'data-testid': 'vote-error' });
  function renderStanding(): void {
    const poll = open.find((p) => String(p.index) === pollSelect.value);
    const who = from?.value ?? '';
    if (!poll || !who) { standing.replaceChildren(val('vote-standing', '', '')); return; }
    const w = poll.voters.get(who);
    const [v, text] = poll.accused === who ? ['accused', 'the accused of this removal poll: cannot vote']
      : poll.voters.size === 0 ? ['unfrozen', 'the first vote freezes the electorate (the active partners then)']
      : w !== undefined ? [`weight:${w}`, `in the electorate with weight ${w}`] : ['outside', 'not in this poll\'s electorate'];
    standing.replaceChildren(val('vote-standing', v, text));
  }
  function renderVoteTargets(): void {
    const keepValue = pollSelect.value;
    pollSelect.replaceChildren(...open.map((p) => h('option', { value: p.index }, `#${p.index} (${trackName(p.track)})`)));
    if (open.some((p) => String(p.index) === keepValue)) pollSelect.value = keepValue;
    renderStanding();
  }
  pollSelect.addEventListener('change', renderStanding);
  const vote = (aye: boolean) => {
    err.textContent = '';
    const who = accounts.find((a) => a.address === from?.value);
    const poll = pollSelect.value;
    if (!who || poll === '') { err.textContent = 'no account or no open poll'; return; }
    send(`vote ${aye ? 'aye' : 'nay'} on poll #${poll} as ${who.name}`, api.tx.roundtable.votePoll(Number(poll), aye), who);
  };

  loadAccounts(ctx).then(({ source, accounts: list }) => {
    accounts = list;
    if (list.length === 0) {
      voteBox.replaceChildren(val('vote-source', source, 'no extension found and not a development chain: no accounts to vote with'));
      return;
    }
    from = accountSelect(list, 'vote-from');
    from.addEventListener('change', renderStanding);
    voteBox.replaceChildren(
      h('p', {}, 'accounts from ', val('vote-source', source), '; an active partner votes with its weight in the poll\'s frozen electorate'),
      h('p', {}, 'as ', from, ' on poll ', pollSelect, ' ',
        h('button', { 'data-testid': 'vote-aye', onclick: () => vote(true) }, 'Vote aye'), ' ',
        h('button', { 'data-testid': 'vote-nay', onclick: () => vote(false) }, 'Vote nay'), ' ', err),
      h('p', {}, standing));
    renderStanding();
  }).catch((e) => voteBox.replaceChildren(errorBox(e)));

  const off = tracker.onChange(load.poke);
  return () => { off(); load.stop(); };
}
