// Each read-only page shows what the node holds: the test reads the same values over RPC with
// polkadot.js, at the block the page says it read (storage), or within a few blocks (heads).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { hexToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { xxhashAsU8a } from '@polkadot/util-crypto';
import { DASHBOARD_URL, RPC, anotherValidatorSet, lyingNode, setup, shot, snapshot, until, value, values } from './lib.mjs';

let t;
before(async () => { t = await setup(); });
after(async () => {
  await t?.close();
  assert.deepEqual(t?.errors ?? [], [], 'no uncaught error in any page');
});

/// The engine's justification, decoded here independently of the page (SCALE types registered
/// from primitives/verifier/src/qc.rs).
const JUSTIFICATION_TYPES = {
  BpciJustificationKind: { _enum: { Commit: { view: 'u64' }, Child: { view: 'u64', childHash: 'H256' } } },
  BpciJustification: { version: 'u8', kind: 'BpciJustificationKind', signers: 'Bytes', signature: '[u8; 96]' },
  BpciPreDigestHead: { view: 'u64', setId: 'u64', proposerIndex: 'u32' },
};
const popcount = (u8a) => [...u8a].reduce((n, b) => n + b.toString(2).split('').filter((c) => c === '1').length, 0);

test('chain: name, runtime, heads, finality latency, last justification', { timeout: 180_000 }, async () => {
  const { api } = t;
  api.registry.register(JUSTIFICATION_TYPES);
  const page = await t.open('chain');
  const v = await values(page, ['chain-name', 'chain-type', 'spec-name', 'spec-version', 'genesis-hash']);
  const rv = await api.rpc.state.getRuntimeVersion();
  assert.equal(v['chain-name'], (await api.rpc.system.chain()).toString());
  assert.equal(v['chain-type'], (await api.rpc.system.chainType()).type);
  assert.equal(v['spec-name'], rv.specName.toString());
  assert.equal(Number(v['spec-version']), rv.specVersion.toNumber());
  assert.equal(v['genesis-hash'], api.genesisHash.toHex());

  // Heads: the finalized number the page shows is within a few blocks of the node's.
  await until('finalized head shown', async () => Number(await value(page, 'finalized-number')) > 0);
  const shown = await values(page, ['best-number', 'finalized-number', 'finalized-hash']);
  const fin = (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
  assert.ok(Math.abs(Number(shown['finalized-number']) - fin) <= 3, `finalized #${shown['finalized-number']} shown, node at #${fin}`);
  assert.ok(Number(shown['best-number']) >= Number(shown['finalized-number']), 'best >= finalized');
  assert.equal((await api.rpc.chain.getBlockHash(Number(shown['finalized-number']))).toHex(), shown['finalized-hash'], 'finalized hash is the canonical block');

  // Finality latency: samples appear, one chart point each.
  await until('3 latency samples', async () => Number(await value(page, 'latency-count')) >= 3);
  const pts = await page.$eval('[data-testid="latency-chart"]', (el) => ({ points: Number(el.dataset.points), count: Number(document.querySelector('[data-testid="latency-count"]').dataset.value), circles: el.querySelectorAll('circle').length }));
  assert.equal(pts.points, pts.count, 'one chart point a sample');
  assert.equal(pts.circles, pts.count);
  assert.ok(Number(await value(page, 'latency-last-ms')) >= 0);

  // Last justification: the page's decoding equals ours of the block's BPCI justification.
  await until('a justification shown', () => page.$('[data-testid="justification-number"]'));
  const j = await values(page, ['justification-number', 'justification-hash', 'justification-kind', 'justification-view', 'justification-signers', 'justification-n', 'justification-bytes', 'justification-verified', 'justification-set-id', 'justification-verdict']);
  const block = await api.rpc.chain.getBlock(j['justification-hash']);
  assert.equal(block.block.header.number.toNumber(), Number(j['justification-number']));
  const raw = block.justifications.unwrap().find(([e]) => e.toString() === 'BPCI')[1];
  const ours = api.createType('BpciJustification', raw.toU8a(true));
  assert.equal(ours.version.toNumber(), 2);
  assert.equal(j['justification-kind'], ours.kind.type);
  assert.equal(j['justification-view'], (ours.kind.isCommit ? ours.kind.asCommit.view : ours.kind.asChild.view).toString());
  assert.equal(Number(j['justification-signers']), popcount(ours.signers.toU8a(true)));
  assert.equal(Number(j['justification-bytes']), raw.toU8a(true).length);
  const epoch = await (await api.at(j['justification-hash'])).query.validators.epoch();
  assert.equal(Number(j['justification-n']), epoch.get('set').validators.length);
  assert.equal(j['justification-set-id'], epoch.get('set').setId.toString());
  assert.equal(j['justification-verified'], 'yes', `verified in the page (${j['justification-verdict']})`);
  assert.equal(j['justification-verdict'], 'verified');
  await shot(page, 'chain');
  await page.context().close();
});

/// The page checks justifications itself: behind a proxy that changes one byte of every BPCI
/// justification the node returns in `chain_getBlock` (a lying node), it must say the signature
/// fails, not "verified".
test('chain: a justification a lying node altered fails the in-page check', { timeout: 180_000 }, async () => {
  const lie = lyingNode('chain_getBlock', (res) => {
    let changed = false;
    for (const [engine, data] of res.result?.justifications ?? []) {
      const name = Array.isArray(engine) ? String.fromCharCode(...engine) : engine;
      if (name !== 'BPCI') continue;
      // The last byte of the aggregate signature: the justification still decodes.
      if (Array.isArray(data)) data[data.length - 1] ^= 1;
      else throw new Error(`unexpected justification encoding ${JSON.stringify(data).slice(0, 40)}`);
      changed = true;
    }
    return changed;
  });
  const page = await t.open('chain', { init: lie.init });
  await until('a justification shown', () => page.$('[data-testid="justification-number"]'));
  const j = await values(page, ['justification-verified', 'justification-verdict']);
  assert.ok(lie.altered > 0, 'the proxy altered a justification');
  assert.equal(j['justification-verified'], 'no');
  assert.equal(j['justification-verdict'], 'aggregate signature does not verify');
  await shot(page, 'chain-lying-node');
  await page.context().close();
});

/// The page proves each finalized block final from its trusted set, following the hand-overs
/// with `bpci_proveFinality`: a node that alters that proof, or a trusted set that is not the
/// chain's, must make it say "no", whatever the node reports as the block's validator set.
test('chain: a finality proof a lying node altered, or one from a set not the chain\'s, fails', { timeout: 180_000 }, async () => {
  const lie = lyingNode('bpci_proveFinality', (res) => {
    // A byte inside the justification's aggregate signature (the bundle still decodes).
    const b = hexToU8a(res.result);
    b[b.length - 20] ^= 1;
    res.result = u8aToHex(b);
    return true;
  });
  const page = await t.open('chain', { init: lie.init });
  await until('a justification shown', () => page.$('[data-testid="justification-number"]'));
  const j = await values(page, ['justification-verified', 'justification-verdict']);
  assert.ok(lie.altered > 0, 'the proxy altered a finality proof');
  assert.equal(j['justification-verified'], 'no');
  assert.match(j['justification-verdict'], /^the finality proof does not (verify|decode)/);
  await page.context().close();

  const wrong = await t.open('chain', { query: `&trust=${u8aToHex(await anotherValidatorSet(t.api))}` });
  await until('a justification shown', () => wrong.$('[data-testid="justification-number"]'));
  const w = await values(wrong, ['justification-verified', 'justification-verdict', 'trust-source']);
  assert.equal(w['justification-verified'], 'no');
  assert.match(w['justification-verdict'], /^the finality proof does not verify/);
  assert.match(w['trust-source'], /\?trust=/);
  await wrong.context().close();
});

/// The page pins the genesis set only once it has proven it from the genesis hash: a node that
/// serves another state's proof, or a header of another state as the genesis one (each a real,
/// self-consistent answer of this chain at its best block), gets no pin and no finality verdict.
test('trust: a lie about the genesis set is refused and nothing is pinned', { timeout: 180_000 }, async () => {
  const { api } = t;
  const key = u8aToHex(u8aConcat(xxhashAsU8a('Validators', 128), xxhashAsU8a('Epoch', 128)));
  const best = await api.rpc.chain.getBlockHash();
  const bestProof = (await api.rpc.state.getReadProof([key], best)).toJSON();
  const bestRoot = (await api.rpc.chain.getHeader(best)).stateRoot.toHex();
  const genesis = api.genesisHash.toHex();
  const lies = [
    ['state_getReadProof', (res) => { res.result = bestProof; return true; }, /state proof fails/],
    ['chain_getHeader', (res) => {
      if (res.result?.number !== '0x0') return false;
      res.result.stateRoot = bestRoot;
      return true;
    }, /not the one the genesis hash names/],
  ];
  for (const [method, alter, why] of lies) {
    const lie = lyingNode(method, alter);
    const page = await t.open('chain', { init: lie.init });
    const error = await until(`the trust refused (${method})`, () => page.$('[data-testid="page-error"]'));
    assert.ok(lie.altered > 0, `the proxy altered ${method}`);
    assert.match(await error.textContent(), /genesis set is not proven/);
    assert.match(await error.textContent(), why);
    assert.equal(await page.evaluate((k) => localStorage.getItem(k), `bpci-trust-${genesis}`), null, 'nothing pinned');
    await page.context().close();
  }
});

/// Once a browser proved and pinned a chain's genesis set, a link whose `?trust=` names another
/// set (an attacker's, or a stale one) is refused instead of quietly replacing it; forgetting the
/// pin proves the genesis set again.
test('trust: a ?trust= that differs from the pinned set is refused; forgetting the pin proves it again', { timeout: 180_000 }, async () => {
  const page = await t.open('chain');
  await until('the genesis set proven and pinned', () => page.$('[data-testid="trust-fingerprint"]'));
  const pinned = await values(page, ['trust-fingerprint', 'trust-source']);
  assert.match(pinned['trust-source'], /proven from the chain's genesis/);
  await page.goto(`${DASHBOARD_URL}/?rpc=${encodeURIComponent(RPC)}&trust=${u8aToHex(await anotherValidatorSet(t.api))}#/chain`);
  const error = await until('the ?trust= refused', () => page.$('[data-testid="page-error"]'));
  assert.match(await error.textContent(), /refused/);
  await page.goto(`${DASHBOARD_URL}/?rpc=${encodeURIComponent(RPC)}#/chain`);
  await until('the pinned set shown', () => page.$('[data-testid="trust-forget"]'));
  assert.equal((await values(page, ['trust-fingerprint']))['trust-fingerprint'], pinned['trust-fingerprint']);
  await page.click('[data-testid="trust-forget"]');
  await until('the set proven again on first use', async () => /first use/.test((await values(page, ['trust-source']))['trust-source'] ?? ''));
  assert.equal((await values(page, ['trust-fingerprint']))['trust-fingerprint'], pinned['trust-fingerprint']);
  await page.context().close();
});

test('validators: set, consensus status, recent proposers', { timeout: 120_000 }, async () => {
  const { api, keyring } = t;
  const page = await t.open('validators');
  await until('consensus status shown', () => page.$('[data-testid="cs-view"]'));
  const s = await snapshot(page, () => {
    const v = (id) => document.querySelector(`[data-testid="${id}"]`)?.dataset.value;
    return {
      hash: v('validators-at-hash'), setId: v('set-id'), epochSetId: v('epoch-set-id'), rootNumber: v('epoch-root-number'), count: v('validator-count'),
      sessionLength: v('session-length'), sessionStart: v('session-start'),
      validators: [...document.querySelectorAll('[data-testid="validator-row"]')].map((r) => ({
        account: r.querySelector('[data-testid="validator-account"]').dataset.value, key: r.querySelector('[data-testid="validator-key"]').dataset.value,
      })),
      proposers: [...document.querySelectorAll('[data-testid="proposer-row"]')].map((r) => ({ ...r.dataset })),
    };
  });
  const q = (await api.at(s.hash)).query.validators;
  const epoch = await q.epoch();
  const set = epoch.get('set');
  assert.equal(s.setId, (await q.currentSetId()).toString());
  assert.equal(s.epochSetId, set.setId.toString());
  assert.equal(Number(s.rootNumber), epoch.rootNumber.toNumber());
  assert.equal(s.sessionLength, (await q.sessionLength()).toString());
  assert.equal(s.sessionStart, (await q.sessionStart()).toString());
  const accounts = (await q.epochAccounts()).map((a) => a.toString());
  assert.deepEqual(s.validators, set.validators.map((k, i) => ({ account: accounts[i], key: k.toHex() })));
  assert.equal(Number(s.count), set.validators.length);
  // A dev chain: Alice alone.
  assert.deepEqual(accounts, [keyring.addFromUri('//Alice').address]);

  // bpci_consensusStatus: the page's values against a call made after reading them.
  const c = await values(page, ['cs-role', 'cs-set-id', 'cs-validators', 'cs-view', 'cs-qc-signers', 'cs-finalized-number']);
  const rpc = await t.provider.send('bpci_consensusStatus', []);
  assert.equal(c['cs-role'], rpc.role);
  assert.equal(Number(c['cs-set-id']), rpc.setId);
  assert.equal(Number(c['cs-validators']), rpc.validators);
  assert.ok(Number(c['cs-view']) > 0 && Number(c['cs-view']) <= rpc.view, `view ${c['cs-view']} shown, node at ${rpc.view}`);
  assert.ok(Number(c['cs-finalized-number']) <= rpc.lastFinalized.number);
  assert.equal(Number(c['cs-qc-signers']), rpc.lastQc.signers);

  // Proposers: each row's view and proposer index are those of its header's pre-digest.
  assert.ok(s.proposers.length >= 5, `${s.proposers.length} recent blocks listed`);
  for (const p of s.proposers) {
    const hd = await api.rpc.chain.getHeader(p.hash);
    assert.equal(hd.number.toNumber(), Number(p.number));
    const log = hd.digest.logs.find((l) => l.isPreRuntime && l.asPreRuntime[0].toString() === 'BPCI');
    const pre = api.createType('BpciPreDigestHead', log.asPreRuntime[1].toU8a(true).subarray(0, 20));
    assert.equal(p.view, pre.view.toString(), `view of #${p.number}`);
    assert.equal(Number(p.index), pre.proposerIndex.toNumber(), `proposer of #${p.number}`);
  }
  await shot(page, 'validators');
  await page.context().close();
});

test('auction: round, commitments, reveals, settled rounds equal pallet-auction storage', { timeout: 120_000 }, async () => {
  const { api } = t;
  const page = await t.open('auction');
  // Wait for a settled round so the history has something to compare.
  await until('a settled round shown', () => page.$('[data-testid="history-round"]'));
  const s = await snapshot(page, () => {
    const v = (id) => document.querySelector(`[data-testid="${id}"]`)?.dataset.value;
    const all = (id) => [...document.querySelectorAll(`[data-testid="${id}"]`)].map((r) => ({ ...r.dataset }));
    return {
      hash: v('auction-at-hash'), number: v('auction-at-number'), round: v('auction-round'), start: v('auction-round-start'), phase: v('auction-phase'),
      mode: v('auction-mode'), count: v('auction-commit-count'), fee: v('auction-commit-fee'), minDeposit: v('auction-min-deposit'), minBid: v('auction-min-bid'),
      commitments: all('commitment-row'), history: all('history-round'), bids: all('history-bid'),
    };
  });
  const at = await api.at(s.hash);
  const q = at.query.auction;
  const [round, start] = (await q.currentRound()).map((x) => x.toNumber());
  assert.equal(Number(s.round), round);
  assert.equal(Number(s.start), start);
  assert.equal(s.phase, Number(s.number) < start + api.consts.auction.commitPeriod.toNumber() ? 'Commit' : 'Reveal');
  assert.equal(s.mode, (await q.mode()).toString());
  assert.equal(Number(s.count), (await q.commitCount(round)).toNumber());
  assert.equal(s.fee, api.consts.auction.commitFee.toString());
  assert.equal(s.minDeposit, api.consts.auction.minDeposit.toString());
  assert.equal(s.minBid, api.consts.auction.minBid.toString());
  const commitments = (await q.commitments.entries(round)).map(([k, v]) => ({ account: k.args[1].toString(), hash: v.unwrap().hash_.toHex(), deposit: v.unwrap().deposit.toString() }));
  assert.deepEqual(s.commitments.map(({ account, hash, deposit }) => ({ account, hash, deposit })).sort((a, b) => a.account.localeCompare(b.account)),
    commitments.sort((a, b) => a.account.localeCompare(b.account)));
  const history = (await q.history.entries()).map(([, v]) => v.unwrap()).sort((a, b) => b.round.toNumber() - a.round.toNumber());
  assert.deepEqual(s.history.map((h) => [Number(h.round), Number(h.settledAt), Number(h.bids)]),
    history.map((h) => [h.round.toNumber(), h.settledAt.toNumber(), h.bids.length]));
  const bids = history.flatMap((h) => h.bids.map((b) => ({
    round: String(h.round.toNumber()), account: b.who.toString(), outcome: b.outcome.type, bid: b.bid.isSome ? b.bid.unwrap().toString() : '',
    charged: b.charged.toString(), refunded: b.refunded.toString(), due: b.due.toString(),
  })));
  assert.deepEqual(s.bids.map(({ testid, ...b }) => b), bids);
  await shot(page, 'auction');
  await page.context().close();
});

test('revenue: running era, era reports and balances equal pallet-revenue storage', { timeout: 120_000 }, async () => {
  const { api } = t;
  const page = await t.open('revenue');
  // Wait for a closed era (dev eras are 10 blocks) so there is a report to compare.
  await until('an era report shown', () => page.$('[data-testid="report-era"]'));
  const s = await snapshot(page, () => {
    const v = (id) => document.querySelector(`[data-testid="${id}"]`)?.dataset.value;
    const bars = (id) => Object.fromEntries([...document.querySelectorAll(`[data-testid^="${id}-"]`)].map((b) => [b.dataset.testid.slice(id.length + 1), b.dataset.value]));
    return {
      hash: v('revenue-at-hash'), era: v('era-index'), start: v('era-start'), length: v('era-length'), mode: v('revenue-mode'), reward: v('block-reward'),
      shares: v('revenue-shares'), carried: v('carried-in'), retained: v('retained'), potSources: bars('pot-sources'),
      reportEra: v('report-era'), reportPot: v('report-pot'), reportSources: bars('report-sources'), reportClasses: bars('report-classes'),
      reports: [...document.querySelectorAll('[data-testid="report-row"]')].map((r) => ({ ...r.dataset })),
      balances: Object.fromEntries(['pot', 'treasury', 'development', 'infrastructure'].map((k) => [k, [v(`balance-${k}-address`), v(`balance-${k}`)]])),
    };
  });
  const q = (await api.at(s.hash)).query;
  const [era, start] = (await q.revenue.currentEra()).map((x) => x.toNumber());
  assert.equal(Number(s.era), era);
  assert.equal(Number(s.start), start);
  assert.equal(Number(s.length), (await q.revenue.eraLength()).toNumber());
  assert.equal(s.mode, (await q.revenue.revenueMode()).toString());
  assert.equal(s.reward, (await q.revenue.blockReward()).toString());
  const shares = await q.revenue.currentShares();
  assert.equal(s.shares, ['validators', 'development', 'infrastructure', 'treasury', 'partners'].map((k) => shares[k].toNumber()).join(','));
  assert.equal(s.carried, (await q.revenue.carriedIn()).toString());
  assert.equal(s.retained, (await q.revenue.retained()).toString());
  const src = await q.revenue.potSources();
  assert.deepEqual(s.potSources, { blockRewards: src.blockRewards.toString(), auction: src.auction.toString(), rent: src.rent.toString(), other: src.other.toString() });

  const reports = (await q.revenue.reports.entries()).map(([, v]) => v.unwrap()).sort((a, b) => b.era.toNumber() - a.era.toNumber());
  assert.deepEqual(s.reports.map(({ testid, ...r }) => r), reports.map((r) => ({
    era: String(r.era.toNumber()), pot: r.pot.toString(), distributed: r.distributed.toString(), carriedOut: r.carriedOut.toString(), withheld: r.withheld.toString(),
  })));
  const latest = reports[0];
  assert.equal(Number(s.reportEra), latest.era.toNumber());
  assert.equal(s.reportPot, latest.pot.toString());
  for (const k of ['blockRewards', 'auction', 'rent', 'other']) assert.equal(s.reportSources[k], latest.sources[k].toString(), `report source ${k}`);
  for (const k of ['validators', 'development', 'infrastructure', 'treasury', 'partners']) assert.equal(s.reportClasses[k], latest.allocated[k].toString(), `report class ${k}`);
  // The same report through the node's own RPC (balances as decimal strings), at the block the page read.
  const rpc = await t.provider.send('bpci_eraReport', [latest.era.toNumber(), s.hash]);
  assert.equal(rpc.pot, s.reportPot);
  assert.deepEqual(rpc.allocated, s.reportClasses);

  for (const [k, id] of [['pot', 'bpci/rev'], ['treasury', 'py/trsry'], ['development', 'bpci/dev'], ['infrastructure', 'bpci/inf']]) {
    const address = api.createType('AccountId', new Uint8Array([...Buffer.from(`modl${id}`), ...new Uint8Array(32 - 4 - id.length)])).toString();
    assert.equal(s.balances[k][0], address, `${k} account`);
    assert.equal(s.balances[k][1], (await q.system.account(address)).data.free.toString(), `${k} balance`);
  }
  await shot(page, 'revenue');
  await page.context().close();
});

