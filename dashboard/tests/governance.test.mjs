// The partners and governance pages show what the node holds, and a vote cast from the page lands.
// The test makes the chain state worth showing first, over RPC with polkadot.js: Charlie applies as
// a partner (an application beside the genesis partners Alice and Bob), a GRANDPA light client is
// initialised for Alice (sudo), an open protocol-track poll (no decision deposit: it stays open) and
// an ordinary-track poll that Alice and Bob pass, whose call is then in the enactment queue for 1000
// blocks. Each page is compared value by value with storage and BPCI's RPC methods read here at the
// block the page says it read, and with what the setup fixed (statuses, bonds, the client's set).
// Alice then votes aye from the page: the vote must be in the block the page reports, with its
// extrinsic signed by Alice, and in the poll's tally at the finalized head; a non-member's vote from
// the page fails with roundtable.NotMember and changes nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { blake2AsHex } from '@polkadot/util-crypto';
import { compactAddLength, stringToU8a, u8aConcat, u8aToHex, u8aToString } from '@polkadot/util';
import { setup, shot, snapshot, submit, txFinal, until, value, values } from './lib.mjs';

let t;
before(async () => { t = await setup(); });
after(async () => {
  await t?.close();
  assert.deepEqual(t?.errors ?? [], [], 'no uncaught error in any page');
});

const YEAR_SECS = 365n * 24n * 3600n;
const TRACK = { ordinary: 0, protocol: 3 };
const ENACT_AFTER = 1000;
/// What the setup made, for the later tests.
const made = {};

const ok = (r, label) => assert.equal(r.error, null, `${label}: ${r.error}`);
const event = (r, section, method) => r.events.find((e) => e.section === section && e.method === method);

/// `pallet_roundtable::Threshold::reached`, written here from the pallet (tracks.rs).
function reached(th, part, whole) {
  if (part === 0n || whole === 0n) return false;
  const num = BigInt(th.share.num.toString());
  const den = BigInt(th.share.den.toString());
  return th.strict.isTrue ? part * den > num * whole : part * den >= num * whole;
}
/// The scheduler name of poll `index`'s enactment: blake2_256(SCALE(("assembly", "enactment", index)))
/// (pallet-referenda `schedule_enactment`).
const enactmentId = (api, index) =>
  blake2AsHex(u8aConcat(stringToU8a('assembly'), compactAddLength(stringToU8a('enactment')), api.createType('u32', index).toU8a()), 256);
const opt = (o) => (o.isSome ? o.unwrap().toString() : '');
const jsonText = (v) => (v === null || v === undefined ? '' : String(v));

/// The page's "read at" block: a block of the canonical chain, `number` its number.
async function readAt(api, page, prefix) {
  const v = await values(page, [`${prefix}-at-number`, `${prefix}-at-hash`]);
  const hash = v[`${prefix}-at-hash`];
  const number = Number(v[`${prefix}-at-number`]);
  assert.equal((await api.rpc.chain.getHeader(hash)).number.toNumber(), number, `the page read #${number} at ${hash}`);
  return { hash, number };
}

/// Waits until the page shows a read at or after block `n` that satisfies `cond(page)`.
const pageAt = (page, prefix, n, what, cond = async () => true) =>
  until(`${what} (read at #${n} or later)`, async () => Number(await value(page, `${prefix}-at-number`)) >= n && await cond(), 90_000);

test('partners: every record, its weights and health, the light clients, at the block the page read', { timeout: 240_000 }, async () => {
  const { api, keyring, provider } = t;
  const alice = keyring.addFromUri('//Alice');
  const charlie = keyring.addFromUri('//Charlie');
  const minBond = (await api.query.partners.currentRequirements()).minBond.toBigInt();

  // Charlie applies (an application awaiting its assessment), unless he already did on this chain.
  let last = 0;
  if ((await api.query.partners.partners(charlie.address)).isNone) {
    const now = (await api.query.timestamp.now()).toBigInt() / 1000n;
    const r = await submit(api, api.tx.partners.apply('Charlie chain', blake2AsHex('dashboard test: Charlie chain'), 'Bft', now - 2n * YEAR_SECS, charlie.address, minBond), charlie, 'Charlie applies');
    ok(r, 'Charlie applies');
    last = r.number;
  }
  // A GRANDPA light client of Alice's chain (sudo: InitOrigin is Root), checkpoint #41, set 7 of one authority.
  const aliceChain = (await api.query.partners.partners(alice.address)).unwrap().chainId.toHex();
  let clientAt;
  if ((await api.query.bridge.clients(alice.address)).isNone) {
    const grandpa = new Keyring({ type: 'ed25519' }).addFromUri('//Alice');
    const header = { parentHash: `0x${'11'.repeat(32)}`, number: 41, stateRoot: `0x${'22'.repeat(32)}`, extrinsicsRoot: `0x${'33'.repeat(32)}`, digest: { logs: [] } };
    const init = api.tx.bridge.initialize(alice.address, { GrandpaV1: { genesis: aliceChain, header, setId: 7, authorities: [[grandpa.publicKey, 1]] } });
    const r = await submit(api, api.tx.sudo.sudo(init), alice, 'sudo(bridge.initialize(Alice))');
    ok(r, 'sudo(bridge.initialize(Alice))');
    assert.ok(event(r, 'sudo', 'Sudid')?.data[0].isOk, 'bridge.initialize dispatched Ok');
    last = Math.max(last, r.number);
    clientAt = r.number;
  }

  const page = await t.open('partners');
  await pageAt(page, 'partners', last, "Charlie's application and Alice's light client shown",
    async () => (await page.$(`[data-testid="partner-row"][data-account="${charlie.address}"]`)) && (await page.$('[data-testid="client-row"]')));
  const s = await snapshot(page, () => {
    const v = (id) => document.querySelector(`[data-testid="${id}"]`)?.dataset.value ?? null;
    const all = (id) => [...document.querySelectorAll(`[data-testid="${id}"]`)].map((el) => ({ ...el.dataset }));
    return {
      number: v('partners-at-number'), hash: v('partners-at-hash'), count: v('partners-count'), active: v('partners-active'),
      minSecs: v('req-min-operational-secs'), minValidators: v('req-min-validators'), minBond: v('req-min-bond'),
      unhealthyAfter: v('health-unhealthy-after'), withholdAfter: v('health-withhold-after'), policySince: v('health-policy-since'), noPolicy: v('health-policy'),
      rows: all('partner-row'), clients: all('client-row'), installers: all('installer-row'),
    };
  });
  const { hash, number } = await readAt(api, page, 'partners');
  const at = await api.at(hash);

  // Every record in storage at that block, each shown with its values.
  const records = new Map((await at.query.partners.partners.entries()).map(([k, v]) => [k.args[0].toString(), v.unwrap()]));
  assert.equal(Number(s.count), (await at.query.partners.counterForPartners()).toNumber(), 'record count');
  assert.deepEqual(s.rows.map((r) => r.account).sort(), [...records.keys()].sort(), 'one row a record');
  assert.equal(Number(s.active), [...records.values()].filter((p) => p.status.isActive).length, 'active members');
  const summaries = new Map((await provider.send('bpci_partners', [hash])).map((p) => [p.account, p]));
  for (const row of s.rows) {
    const p = records.get(row.account);
    const ag = p.agreement.isSome ? p.agreement.unwrap() : null;
    const want = {
      chainName: u8aToString(p.chainName.toU8a(true)), chainId: p.chainId.toHex(), consensus: p.consensus.type, status: p.status.type,
      bond: p.bond.toString(), reputation: p.reputation.toString(), payout: p.payout.toString(), relayers: String(p.relayers.length),
      validatorCount: p.validatorCount.toString(), agreementVoteWeight: ag ? ag.voteWeight.toString() : '', agreementSignedAt: ag ? opt(ag.signedAt) : '',
      applied: p.timeline.applied.toString(), activated: opt(p.timeline.activated), lastHeader: opt(p.timeline.lastHeader), unhealthySince: opt(p.timeline.unhealthySince),
    };
    const got = Object.fromEntries(Object.keys(want).map((k) => [k, row[k]]));
    assert.deepEqual(got, want, `storage record of ${row.account} at #${number}`);
    // What bpci_partners says of it at the same block: weights in force and health.
    const sum = summaries.get(row.account);
    assert.ok(sum, `${row.account} in bpci_partners`);
    assert.deepEqual(
      { voteWeight: row.voteWeight, revenueWeight: row.revenueWeight, firstProof: row.firstProof, blocksSinceHeader: row.blocksSinceHeader, unhealthy: row.unhealthy, rpc: row.rpc },
      { voteWeight: String(sum.voteWeight), revenueWeight: String(sum.revenueWeight), firstProof: String(sum.firstProof), blocksSinceHeader: jsonText(sum.blocksSinceHeader), unhealthy: String(sum.unhealthy), rpc: 'yes' },
      `bpci_partners of ${row.account} at #${number}`);
  }
  assert.equal(summaries.size, records.size, 'bpci_partners lists every record');
  // What the chain must hold: the genesis partners and Charlie's application.
  const byAccount = new Map(s.rows.map((r) => [r.account, r]));
  for (const who of [alice.address, keyring.addFromUri('//Bob').address]) {
    const r = byAccount.get(who);
    assert.equal(r?.status, 'Active', `${who} Active`);
    assert.equal(r.voteWeight, '1', 'genesis vote weight 1');
    assert.equal(r.blocksSinceHeader, String(number), 'a genesis partner without a verified header: blocks since its activation at #0');
  }
  const c = byAccount.get(charlie.address);
  assert.equal(c?.status, 'AwaitingAssessment', "Charlie's application awaits its assessment");
  assert.equal(c.bond, minBond.toString(), 'with the minimum bond held');
  assert.equal(c.voteWeight, '0', 'no vote before an agreement is signed');
  assert.equal(c.blocksSinceHeader, '', 'no duty to relay before activation');

  // Requirements and health policy in storage.
  const req = await at.query.partners.currentRequirements();
  assert.deepEqual([s.minSecs, s.minValidators, s.minBond], [req.minOperationalSecs.toString(), req.minValidators.toString(), req.minBond.toString()], 'requirements');
  const policy = await at.query.partners.partnerHealthPolicy();
  if (policy.isSome) {
    assert.deepEqual([s.unhealthyAfter, s.withholdAfter, s.policySince],
      [policy.unwrap().unhealthyAfter.toString(), policy.unwrap().withholdAfter.toString(), (await at.query.partners.healthPolicySince()).toString()], 'health policy');
  } else assert.equal(s.noPolicy, 'none');
  assert.equal(s.installers.length, (await at.query.partners.counterForInstallers()).toNumber(), 'installers');

  // Light clients: bpci_partnerHealth at the same block, and Alice's as initialised above.
  const clients = await provider.send('bpci_partnerHealth', [hash]);
  assert.equal(s.clients.length, clients.length, 'one row a light client');
  for (const cl of clients) {
    const row = s.clients.find((r) => r.partner === cl.partner);
    assert.ok(row, `client of ${cl.partner} shown`);
    const fields = ['scheme', 'bestNumber', 'bestHash', 'setId', 'validators', 'initialisedAt', 'lastHeaderAt', 'lastProofAt', 'blocksSinceHeader', 'blocksSinceProof'];
    assert.deepEqual(Object.fromEntries(fields.map((f) => [f, row[f]])), Object.fromEntries(fields.map((f) => [f, jsonText(cl[f])])), `client of ${cl.partner}`);
  }
  const ac = s.clients.find((r) => r.partner === alice.address);
  assert.deepEqual([ac?.scheme, ac?.bestNumber, ac?.setId, ac?.validators, ac?.lastHeaderAt], ['Grandpa', '41', '7', '1', ''], "Alice's client: the checkpoint");
  if (clientAt !== undefined) {
    assert.equal(ac.initialisedAt, String(clientAt), 'initialised in the sudo block');
    assert.equal(ac.blocksSinceHeader, String(number - clientAt), 'blocks since the checkpoint');
  }
  await shot(page, 'partners');
  await page.context().close();
});

/// Compares every open poll, vote, track, decided poll and scheduled call the governance page shows
/// with storage at the block it read. Returns that block and the page's polls by index.
async function checkGovernance(page) {
  const { api } = t;
  const s = await snapshot(page, () => {
    const all = (id) => [...document.querySelectorAll(`[data-testid="${id}"]`)].map((el) => ({ ...el.dataset }));
    const v = (id) => document.querySelector(`[data-testid="${id}"]`)?.dataset.value ?? null;
    return {
      number: v('governance-at-number'), hash: v('governance-at-hash'), count: v('referendum-count'),
      enactments: v('enactment-count'), alarms: v('alarm-count'), scheduled: v('scheduled-count'),
      polls: all('poll'), votes: all('poll-vote'), tracks: all('track-row'), decided: all('decided-poll'), tasks: all('scheduled-row'),
    };
  });
  const { hash, number } = await readAt(api, page, 'governance');
  const at = await api.at(hash);
  assert.equal(Number(s.count), (await at.query.referenda.referendumCount()).toNumber(), 'polls submitted');

  // Tracks: pallet-roundtable's rules at that block.
  const rules = new Map((await at.query.roundtable.trackRules.entries()).map(([k, v]) => [k.args[0].toNumber(), v.unwrap()]));
  const th = (x) => `${x.share.num}/${x.share.den}${x.strict.isTrue ? '+' : ''}`;
  assert.deepEqual(s.tracks.map((r) => Number(r.id)), api.consts.referenda.tracks.map(([id]) => id.toNumber()), 'every track');
  for (const r of s.tracks) {
    const want = rules.get(Number(r.id));
    assert.ok(want, `track ${r.id} stored`);
    assert.deepEqual([r.support, r.approval, r.periods, r.decisionDeposit, r.maxDeciding, r.deciding],
      [th(want.support), th(want.approval), [want.preparePeriod, want.decisionPeriod, want.confirmPeriod, want.minEnactmentPeriod].join('/'),
        want.decisionDeposit.toString(), want.maxDeciding.toString(), (await at.query.referenda.decidingCount(Number(r.id))).toString()], `track ${r.id}`);
  }

  // Open polls: each with its status, tally and the thresholds' verdicts, worked out here.
  const infos = new Map((await at.query.referenda.referendumInfoFor.entries()).map(([k, v]) => [k.args[0].toNumber(), v.unwrap()]));
  const ongoing = [...infos].filter(([, i]) => i.isOngoing).map(([i]) => i).sort((a, b) => a - b);
  assert.deepEqual(s.polls.map((p) => Number(p.index)), ongoing, 'one entry an open poll');
  for (const p of s.polls) {
    const st = infos.get(Number(p.index)).asOngoing;
    const rule = rules.get(st.track.toNumber());
    const [ayes, nays, electorate, excluded] = [st.tally.ayes, st.tally.nays, st.tally.electorate, st.tally.excluded].map((x) => x.toBigInt());
    const frozen = await at.query.roundtable.pollElectorate(Number(p.index));
    const supportMet = reached(rule.support, ayes, electorate + excluded);
    const approvalMet = reached(rule.approval, ayes, ayes + nays);
    const d = st.deciding.isSome ? st.deciding.unwrap() : null;
    const want = {
      track: st.track.toString(), origin: JSON.stringify(st.origin.toJSON()), proposal: st.proposal.toHex(), submitted: st.submitted.toString(),
      submitter: st.submissionDeposit.who.toString(), decisionDeposit: st.decisionDeposit.isSome ? st.decisionDeposit.unwrap().who.toString() : '',
      decidingSince: d ? d.since.toString() : '', confirming: d ? opt(d.confirming) : '', inQueue: st.inQueue.isTrue ? 'yes' : 'no',
      ayes: String(ayes), nays: String(nays), electorate: String(electorate), excluded: String(excluded),
      accused: frozen.isSome ? opt(frozen.unwrap().accused) : '',
      supportMet: supportMet ? 'yes' : 'no', approvalMet: approvalMet ? 'yes' : 'no', passing: supportMet && approvalMet ? 'yes' : 'no',
    };
    assert.deepEqual(Object.fromEntries(Object.keys(want).map((k) => [k, p[k]])), want, `poll #${p.index} at #${number}`);
    // Its votes, with the weights of the frozen electorate.
    const weights = new Map(frozen.isSome ? frozen.unwrap().voters.map(([w, n]) => [w.toString(), n.toString()]) : []);
    const votes = (await at.query.roundtable.pollVotes.entries(Number(p.index)))
      .map(([k, v]) => ({ poll: p.index, account: k.args[1].toString(), aye: v.unwrap().isTrue ? 'yes' : 'no', weight: weights.get(k.args[1].toString()) ?? '' }))
      .sort((a, b) => (a.account < b.account ? -1 : 1));
    assert.deepEqual(s.votes.filter((v) => v.poll === p.index).map(({ poll, account, aye, weight }) => ({ poll, account, aye, weight })), votes, `votes on poll #${p.index}`);
    assert.equal(Number(p.votes), votes.length);
  }

  // Decided polls: outcome and block.
  const decided = [...infos].filter(([, i]) => !i.isOngoing)
    .map(([index, i]) => ({ index: String(index), outcome: i.type, at: String(i.isKilled ? i.asKilled : i.value[0]) }))
    .sort((a, b) => Number(b.index) - Number(a.index));
  assert.deepEqual(s.decided.map((r) => ({ index: r.index, outcome: r.outcome, at: r.at })), decided, 'decided polls');

  // The scheduler's agenda: every task, enactments named by referenda.
  const ids = new Map([...infos.keys()].map((i) => [enactmentId(api, i), i]));
  const tasks = [];
  for (const [k, list] of await at.query.scheduler.agenda.entries()) {
    list.forEach((x, slot) => {
      if (x.isNone) return;
      const task = x.unwrap();
      const id = task.maybeId.isSome ? task.maybeId.unwrap().toHex() : '';
      tasks.push({ when: k.args[0].toString(), slot: String(slot), id, origin: JSON.stringify(task.origin.toJSON()), call: task.call.toHex(), priority: task.priority.toString(), enactmentOf: ids.has(id) ? String(ids.get(id)) : '' });
    });
  }
  const key = (r) => `${r.when}/${r.slot}`;
  assert.deepEqual(s.tasks.map(key).sort(), tasks.map(key).sort(), 'one row a scheduled call');
  for (const want of tasks) {
    const row = s.tasks.find((r) => key(r) === key(want));
    assert.deepEqual([row.id, row.origin, row.call, row.priority], [want.id, want.origin, want.call, want.priority], `scheduled call ${key(want)}`);
    assert.equal(row.kind === 'enactment' ? row.poll : '', want.enactmentOf, `scheduled call ${key(want)} is the enactment of poll ${want.enactmentOf || '(none)'}`);
  }
  assert.equal(Number(s.scheduled), tasks.length);
  assert.equal(Number(s.enactments), tasks.filter((x) => x.enactmentOf !== '').length, 'enactments counted');
  return { hash, number, polls: new Map(s.polls.map((p) => [Number(p.index), p])), tasks: s.tasks };
}

test('governance: open polls and tallies against the tracks, decided polls, the enactment queue', { timeout: 240_000 }, async () => {
  const { api, keyring } = t;
  const alice = keyring.addFromUri('//Alice');
  const bob = keyring.addFromUri('//Bob');
  const submitted = (r, label) => {
    ok(r, label);
    const e = event(r, 'referenda', 'Submitted');
    assert.ok(e, `${label}: referenda.Submitted`);
    return e.data.index.toNumber();
  };
  // An open poll: the protocol track (Root), no decision deposit, so it stays open (preparing)
  // for the whole test; the page votes on it below.
  const remark = api.tx.system.remark(`dashboard governance test ${Date.now()}`).method;
  made.open = submitted(await submit(api, api.tx.referenda.submit({ system: 'Root' }, { Inline: remark.toHex() }, { After: 0 }), alice, 'Alice submits a protocol poll'), 'protocol poll');
  // A poll that passes (ordinary track: Alice and Bob aye), enacted ENACT_AFTER blocks after its approval.
  const enacted = api.tx.system.remark('dashboard enactment test').method;
  const q = submitted(await submit(api, api.tx.referenda.submit({ Roundtable: 'Roundtable' }, { Inline: enacted.toHex() }, { After: ENACT_AFTER }), alice, 'Alice submits an ordinary poll'), 'ordinary poll');
  ok(await submit(api, api.tx.referenda.placeDecisionDeposit(q), alice, 'decision deposit'), 'decision deposit');
  ok(await submit(api, api.tx.roundtable.votePoll(q, true), alice, 'Alice votes aye (RPC)'), 'Alice votes aye');
  ok(await submit(api, api.tx.roundtable.votePoll(q, true), bob, 'Bob votes aye (RPC)'), 'Bob votes aye');
  const approvedAt = await until(`poll #${q} approved`, async () => {
    const i = (await api.query.referenda.referendumInfoFor(q)).unwrap();
    if (i.isOngoing) return null;
    if (!i.isApproved) throw Object.assign(new Error(`poll #${q} ${i.type}`), { fatal: true });
    return i.asApproved[0].toNumber();
  }, 90_000);
  const [when, slot] = (await api.query.scheduler.lookup(enactmentId(api, q))).unwrap().map((x) => x.toNumber());
  assert.equal(when, approvedAt + ENACT_AFTER, `poll #${q}'s call scheduled ${ENACT_AFTER} blocks after its approval`);

  const page = await t.open('governance');
  await pageAt(page, 'governance', approvedAt, `poll #${made.open} open and #${q}'s enactment queued`,
    async () => (await page.$(`[data-testid="poll"][data-index="${made.open}"]`)) && (await page.$(`[data-testid="scheduled-row"][data-kind="enactment"][data-poll="${q}"]`)));
  const g = await checkGovernance(page);
  // What the setup fixed, whatever storage says.
  const p = g.polls.get(made.open);
  assert.deepEqual([p.track, p.origin, p.ayes, p.nays, p.electorate, p.supportMet, p.approvalMet, p.decisionDeposit, p.votes],
    [String(TRACK.protocol), JSON.stringify({ system: { root: null } }), '0', '0', '0', 'no', 'no', '', '0'], `poll #${made.open}: protocol track, no vote yet`);
  const row = g.tasks.find((r) => r.kind === 'enactment' && r.poll === String(q));
  assert.deepEqual([row.when, row.slot, row.call], [String(when), String(slot), u8aToHex(u8aConcat([1], compactAddLength(enacted.toU8a())))],
    `poll #${q}'s call in the enactment queue at #${when}`);
  assert.deepEqual(JSON.parse(row.origin), { roundtable: { roundtable: null } }, 'with the ordinary track\'s origin');
  assert.ok(await page.$(`[data-testid="decided-poll"][data-index="${q}"][data-outcome="Approved"][data-at="${approvedAt}"]`), `poll #${q} shown approved at #${approvedAt}`);
  await shot(page, 'governance');
  await page.context().close();
});

test('governance: Alice votes from the page; the vote is in the finalized tally', { timeout: 240_000 }, async () => {
  const { api, keyring } = t;
  const alice = keyring.addFromUri('//Alice').address;
  const charlie = keyring.addFromUri('//Charlie').address;
  const poll = made.open;
  assert.ok(poll !== undefined, 'the open poll of the previous test');
  const page = await t.open('governance');
  await page.waitForSelector('[data-testid="vote-from"]', { timeout: 30_000 });
  await until(`poll #${poll} offered`, () => page.$(`[data-testid="vote-poll"] option[value="${poll}"]`));
  const before = (await api.query.referenda.referendumInfoFor(poll)).unwrap().asOngoing.tally;
  assert.equal(before.ayes.toNumber(), 0, 'no aye before the vote');

  await page.selectOption('[data-testid="vote-from"]', alice);
  await page.selectOption('[data-testid="vote-poll"]', String(poll));
  assert.equal(await value(page, 'vote-standing'), 'unfrozen', 'no vote yet: the first vote freezes the electorate');
  await page.click('[data-testid="vote-aye"]');
  const tx = await txFinal(page, `vote aye on poll #${poll}`);
  assert.equal(tx['tx-result'], 'ok', `vote result: ${tx['tx-result']}`);
  const block = tx['tx-block'];

  // The block the page reports is final and canonical, and holds Alice's signed roundtable.votePoll(poll, true).
  const header = await api.rpc.chain.getHeader(block);
  const n = header.number.toNumber();
  const finalized = await api.rpc.chain.getFinalizedHead();
  assert.ok(n <= (await api.rpc.chain.getHeader(finalized)).number.toNumber(), `#${n} finalized`);
  assert.equal((await api.rpc.chain.getBlockHash(n)).toHex(), block, `#${n} canonical`);
  const { block: { extrinsics } } = await api.rpc.chain.getBlock(block);
  const mine = extrinsics.filter((x) => x.isSigned && x.signer.toString() === alice && x.method.section === 'roundtable' && x.method.method === 'votePoll');
  assert.equal(mine.length, 1, 'one votePoll by Alice in the block');
  assert.deepEqual([mine[0].method.args[0].toNumber(), mine[0].method.args[1].isTrue], [poll, true], 'on the poll, aye');
  const events = (await (await api.at(block)).query.system.events()).map((r) => r.event);
  const voted = events.find((e) => e.section === 'roundtable' && e.method === 'PollVoted' && e.data.poll.toNumber() === poll);
  assert.ok(voted && voted.data.who.toString() === alice && voted.data.aye.isTrue, 'PollVoted by Alice, aye');
  const weight = voted.data.weight.toBigInt();
  assert.ok(weight > 0n, 'with a weight');

  // The tally: the parent block without the vote, the vote's block and the finalized head with it.
  const tallyAt = async (hash) => (await (await api.at(hash)).query.referenda.referendumInfoFor(poll)).unwrap().asOngoing.tally;
  const votedAt = async (hash) => (await (await api.at(hash)).query.roundtable.pollVotes(poll, alice));
  assert.ok((await votedAt(header.parentHash)).isNone, 'no vote of Alice before its block');
  assert.equal((await tallyAt(header.parentHash)).ayes.toBigInt(), 0n);
  const electorate = (await (await api.at(block)).query.partners.partners.entries()).filter(([, v]) => v.unwrap().status.isActive).length;
  for (const [where, hash] of [[`#${n}`, block], ['the finalized head', finalized]]) {
    const tally = await tallyAt(hash);
    assert.deepEqual([tally.ayes.toBigInt(), tally.nays.toBigInt(), tally.electorate.toNumber()], [weight, 0n, electorate],
      `tally at ${where}: Alice's aye, the active partners' electorate`);
    assert.ok((await votedAt(hash)).unwrap().isTrue, `Alice's aye stored at ${where}`);
  }

  // The page shows the vote: the tally and its votes equal storage at the block it read.
  await pageAt(page, 'governance', n, `poll #${poll} with Alice's aye`,
    async () => (await page.$(`[data-testid="poll"][data-index="${poll}"][data-ayes="${weight}"]`)) !== null);
  const g = await checkGovernance(page);
  const p = g.polls.get(poll);
  assert.deepEqual([p.ayes, p.nays, p.electorate, p.votes], [String(weight), '0', String(electorate), '1']);
  assert.ok(await page.$(`[data-testid="poll-vote"][data-poll="${poll}"][data-account="${alice}"][data-aye="yes"][data-weight="${weight}"]`), "Alice's aye in the page's list");
  assert.equal(await value(page, 'vote-standing'), `weight:${weight}`, "Alice's weight in the frozen electorate");
  await shot(page, 'governance-vote');

  // Charlie is no partner: his vote from the page fails and changes nothing.
  await page.selectOption('[data-testid="vote-from"]', charlie);
  assert.equal(await value(page, 'vote-standing'), 'outside');
  await page.click('[data-testid="vote-nay"]');
  const bad = await txFinal(page, `vote nay on poll #${poll}`);
  assert.equal(bad['tx-result'], 'roundtable.NotMember', `non-member's vote: ${bad['tx-result']}`);
  const badTally = await tallyAt(bad['tx-block']);
  assert.deepEqual([badTally.ayes.toBigInt(), badTally.nays.toBigInt()], [weight, 0n], 'tally unchanged');
  assert.ok((await (await api.at(bad['tx-block'])).query.roundtable.pollVotes(poll, charlie)).isNone, 'no vote of Charlie stored');
  await page.context().close();
});
