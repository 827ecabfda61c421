// Validators: the epoch's set (pallet-validators storage), the engine's status (bpci_consensusStatus)
// and who proposed the recent blocks (the BPCI pre-digest of each header).
import type { Ctx } from '../ctx';
import { decodePreDigest, errorBox, h, kv, refresher, section, short, val } from '../lib';

interface Status {
  role: string; setId: number; validators: number; view: number; leader: number | null;
  lastQc: { view: number; block: { hash: string; number: number }; signers: number } | null;
  lastFinalized: { hash: string; number: number }; equivocations: number;
}
interface Proposer { number: number; hash: string; view: string; setId: string; index: number | null }

const RECENT = 12;

export function mountValidators(root: HTMLElement, ctx: Ctx): () => void {
  const { api, tracker } = ctx;
  const setBox = h('div');
  const statusBox = h('div');
  const propBox = h('div');
  root.append(section('Validator set', setBox), section('Consensus status (bpci_consensusStatus)', statusBox), section('Recent proposers', propBox));

  let accounts: string[] = [];
  const headers = new Map<string, Proposer & { parent: string }>();

  const readHeader = async (hash: string) => {
    const hit = headers.get(hash);
    if (hit) return hit;
    const hd = await api.rpc.chain.getHeader(hash);
    let pre = null;
    for (const log of hd.digest.logs) {
      if (log.isPreRuntime && log.asPreRuntime[0].toString() === 'BPCI') pre = decodePreDigest(log.asPreRuntime[1].toU8a(true));
    }
    const row = { number: hd.number.toNumber(), hash, parent: hd.parentHash.toHex(), view: pre ? pre.view.toString() : '-', setId: pre ? pre.setId.toString() : '-', index: pre ? pre.proposerIndex : null };
    headers.set(hash, row);
    return row;
  };

  const loadSet = refresher(async () => {
    const hash = tracker.best?.hash ?? (await api.rpc.chain.getBlockHash()).toHex();
    const q = (await api.at(hash)).query;
    const [setId, epoch, epochAccounts, members, sessionLength, sessionStart] = await Promise.all([
      q.validators.currentSetId(), q.validators.epoch(), q.validators.epochAccounts(), q.validators.members(),
      q.validators.sessionLength(), q.validators.sessionStart(),
    ]);
    // `set` is also Map.prototype.set on a Struct: read the field with get().
    const e = epoch as unknown as { get(k: 'set'): { setId: { toString(): string }; validators: { toHex(): string }[] }; rootNumber: { toNumber(): number } };
    const set = e.get('set');
    accounts = (epochAccounts as unknown as { toString(): string }[]).map((a) => a.toString());
    const memberList = (members as unknown as { toString(): string }[]).map((a) => a.toString());
    const keys = set.validators.map((k) => k.toHex());
    // Recent proposers, walking back from the same block.
    const rows: Proposer[] = [];
    let cur = hash;
    for (let i = 0; i < RECENT; i += 1) {
      const r = await readHeader(cur);
      if (r.number === 0) break;
      rows.push(r);
      cur = r.parent;
    }
    const number = (await readHeader(hash)).number;

    setBox.replaceChildren(
      kv([
        ['read at', h('span', {}, '#', val('validators-at-number', number), ' ', val('validators-at-hash', hash, short(hash)))],
        ['current set id', val('set-id', setId.toString())],
        ['epoch set id', val('epoch-set-id', set.setId.toString())],
        ['epoch root', h('span', {}, '#', val('epoch-root-number', e.rootNumber.toNumber()))],
        ['session', h('span', {}, val('session-length', sessionLength.toString()), ' blocks from #', val('session-start', sessionStart.toString()))],
        ['validators', val('validator-count', keys.length)],
      ]),
      h('table', { class: 'list', 'data-testid': 'validator-table' },
        h('tr', {}, h('th', {}, '#'), h('th', {}, 'account'), h('th', {}, 'BLS key'), h('th', {}, 'member')),
        ...keys.map((k, i) => h('tr', { 'data-testid': 'validator-row', 'data-index': i },
          h('td', {}, i),
          h('td', {}, val('validator-account', accounts[i] ?? '', accounts[i] ?? '?')),
          h('td', {}, val('validator-key', k, short(k, 10))),
          h('td', {}, memberList.includes(accounts[i]) ? 'yes' : 'no')))),
    );
    propBox.replaceChildren(h('table', { class: 'list', 'data-testid': 'proposer-table' },
      h('tr', {}, h('th', {}, 'block'), h('th', {}, 'hash'), h('th', {}, 'view'), h('th', {}, 'set'), h('th', {}, 'proposer')),
      ...rows.map((r) => h('tr', { 'data-testid': 'proposer-row', 'data-number': r.number, 'data-hash': r.hash, 'data-view': r.view, 'data-index': r.index ?? '' },
        h('td', {}, `#${r.number}`), h('td', {}, short(r.hash)), h('td', {}, r.view), h('td', {}, r.setId),
        h('td', {}, r.index === null ? 'unknown' : `${r.index} ${accounts[r.index] ?? ''}`)))));
    for (const k of headers.keys()) if (headers.size > 4 * RECENT) headers.delete(k);
    root.dataset.ready = '1';
  }, (e) => setBox.replaceChildren(errorBox(e)));

  const loadStatus = refresher(async () => {
    const s = (await ctx.api.rpc.bpci.consensusStatus()).toJSON() as unknown as Status;
    const leader = s.leader === null ? 'unknown' : `${s.leader} ${accounts[s.leader] ?? ''}`;
    statusBox.replaceChildren(kv([
      ['role', val('cs-role', s.role)],
      ['set id', val('cs-set-id', s.setId)],
      ['validators', val('cs-validators', s.validators)],
      ['view', val('cs-view', s.view)],
      ['leader', val('cs-leader', s.leader ?? '', leader)],
      ['last QC', s.lastQc
        ? h('span', {}, 'view ', val('cs-qc-view', s.lastQc.view), ', block #', val('cs-qc-number', s.lastQc.block.number),
          ', ', val('cs-qc-signers', s.lastQc.signers), ' of ', s.validators, ' signers')
        : val('cs-qc-view', '', 'none yet')],
      ['last finalized', h('span', {}, '#', val('cs-finalized-number', s.lastFinalized.number))],
      ['equivocations', val('cs-equivocations', s.equivocations)],
    ]));
    statusBox.dataset.ready = '1';
  }, (e) => statusBox.replaceChildren(errorBox(e)));

  const timer = setInterval(loadStatus.poke, 1000);
  const off = tracker.onChange(loadSet.poke);
  return () => { off(); clearInterval(timer); loadSet.stop(); loadStatus.stop(); };
}
