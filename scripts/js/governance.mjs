// End-to-end partner lifecycle through signed extrinsics against a running dev chain
// (`bpci-node --dev`: Alice and Bob are genesis Active partners, sudo key Alice):
// one partner of two fails to pass a protocol-class proposal alone; Charlie applies with a bond,
// is assessed (sudo), is voted in by a protocol-class roundtable proposal (admissions change who
// votes, so they need Root: two thirds of the whole electorate, here both partners; preimage,
// votes, explicit close), registers relayers, gets its first proof (see below), governance
// proposes the agreement (protocol class too: it sets vote weights), Charlie signs it and is
// Active. Bad input is rejected with the named error and changes nothing. Storage is read after
// every step.
//
// First proof: pallet-partners only has the `ProofBridge::confirm_first_proof` trait and the
// runtime has no bridge pallet yet, so no extrinsic can confirm a proof. The script uses what the
// runtime offers: sudo(system.setStorage) writes Charlie's record with `timeline.first_proof` set
// (exactly the one field confirm_first_proof changes), after checking sign_agreement fails with
// FirstProofMissing without it.
//
// Exits 1 on the first failed check.
import { harness } from './harness.mjs';
import { blake2AsHex, xxhashAsHex } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';

const url = process.argv[2] ?? 'ws://127.0.0.1:9944';
const t0 = Date.now();
const h = await harness(url, 200);
const { api, provider, keyring, fail, check, send, waitHead, errName, ok, failsWith, hasEvent } = h;
const [alice, bob, charlie, dave, eve, ferdie] = h.accounts;
const relayers = ['//Charlie//relayer//0', '//Charlie//relayer//1'].map((s) => keyring.addFromUri(s).address);
const UNIT = 1_000_000_000_000n;
const YEAR_SECS = 365n * 24n * 3600n;

// ---------------------------------------------------------------------------------------------
// Helpers beyond the shared ones in harness.mjs: sudo results, storage snapshots.
// ---------------------------------------------------------------------------------------------
/// sudo's own extrinsic succeeds even when the inner call fails: look at Sudid.
const sudoOk = (r) => check(r.error === null && hasEvent(r.events, 'sudo', 'Sudid', (d) => d[0].isOk),
  `${r.label} (sudo) dispatched Ok (block #${r.number})`);

/// Every key and value of the given pallets plus the holds of `accounts`, at block `hash`.
async function snapshot(hash, pallets, accounts) {
  const out = {};
  for (const pallet of pallets) {
    const prefix = xxhashAsHex(pallet, 128);
    let start = prefix;
    for (;;) {
      const keys = await api.rpc.state.getKeysPaged(prefix, 500, start, hash);
      const vals = await Promise.all(keys.map((k) => api.rpc.state.getStorage(k, hash)));
      keys.forEach((k, i) => { out[k.toHex()] = vals[i].toHex(); });
      if (keys.length < 500) break;
      start = keys[keys.length - 1].toHex();
    }
  }
  const at = await api.at(hash);
  for (const a of accounts) out[`holds:${a}`] = (await at.query.balances.holds(a)).toHex();
  return JSON.stringify(out);
}

/// Submit extrinsics that must all fail (each with its named error) and check that in every block
/// they landed in nothing changed in `pallets` nor in the signers' holds. Only call this while no
/// hook is due to change these pallets (no expiring proposal, no pending enactment).
async function expectRejected(items, pallets = ['Partners', 'Roundtable']) {
  const results = await Promise.all(items.map(([tx, signer, label]) => send(tx, signer, label)));
  items.forEach(([, , , name], i) => failsWith(results[i], name));
  const accounts = [...new Set(items.map(([, s]) => s.address))];
  for (const hash of [...new Set(results.map((r) => r.hash.toHex()))]) {
    const header = await api.rpc.chain.getHeader(hash);
    const [before, after] = await Promise.all([snapshot(header.parentHash, pallets, accounts), snapshot(hash, pallets, accounts)]);
    check(before === after, `block #${header.number} with only rejected extrinsics left ${pallets.join(', ')} and holds unchanged`);
  }
  return results;
}

const partnerAt = async (who, hash) => {
  const q = hash ? (await api.at(hash)).query : api.query;
  const p = await q.partners.partners(who);
  return p.isSome ? p.unwrap() : null;
};
const bondHeld = async (who, hash) => {
  const holds = await (await api.at(hash)).query.balances.holds(who);
  return holds.filter((h) => h.id.isPartners && h.id.asPartners.isPartnerBond).reduce((a, h) => a + h.amount.toBigInt(), 0n);
};
const eventsAt = async (hash) => (await (await api.at(hash)).query.system.events()).map((r) => r.event);

// ---------------------------------------------------------------------------------------------
// 0. Preconditions.
// ---------------------------------------------------------------------------------------------
check(api.runtimeVersion.specName.toString() === 'bpci', 'connected to a bpci node');
const sudoKey = (await api.query.sudo.key()).unwrap().toString();
check(sudoKey === alice.address, 'sudo key is Alice (dev preset)');
for (const [p, name] of [[alice, 'Alice'], [bob, 'Bob']]) {
  const rec = await partnerAt(p.address);
  check(rec && rec.status.isActive, `${name} is a genesis Active partner`);
}
check((await partnerAt(charlie.address)) === null, 'Charlie has no partner record yet');
const req = await api.query.partners.currentRequirements();
const minBond = req.minBond.toBigInt();
check(req.minValidators.toNumber() === 100 && req.minOperationalSecs.toBigInt() === YEAR_SECS,
  `requirements: a year, 100 validators, bond >= ${minBond / UNIT} BPCI`);
const nowSecs = (await api.query.timestamp.now()).toBigInt() / 1000n;
const chainId = blake2AsHex('charlie-chain genesis');
const bond = minBond;
const maxName = api.consts.partners.maxNameLen.toNumber();
const maxRelayers = api.consts.partners.maxRelayers.toNumber();
const maxAutoClose = api.consts.roundtable.maxAutoClosePerBlock.toNumber();
const applyTx = (name, id, since, validators, b) =>
  api.tx.partners.apply(name, id, 'Bft', since, validators, charlie.address, b);

// ---------------------------------------------------------------------------------------------
// 1. Short voting periods and enactment delays for every class, from the dev chain's genesis (no
//    sudo, no compile-time feature); Charlie applies. Support is the share of the whole
//    electorate's weight that must vote aye.
// ---------------------------------------------------------------------------------------------
const VOTING = 8;
check(api.consts.roundtable.votingPeriod.toNumber() === 600 && api.consts.roundtable.enactmentDelay.toNumber() === 60,
  'default voting period 600 blocks and enactment delay 60 blocks (for chains whose genesis sets none)');
const applied = await send(applyTx('Charlie chain', chainId, nowSecs - 2n * YEAR_SECS, 150, bond), charlie, 'Charlie partners.apply');
const params = (await api.query.roundtable.classParamsOf('Ordinary')).unwrap();
check(params.votingPeriod.toNumber() === VOTING && params.enactmentDelay.toNumber() === 1 && params.strict.isTrue &&
  params.support.num.toNumber() === 1 && params.support.den.toNumber() === 2,
  `Ordinary class from genesis: voting period ${VOTING} blocks, enactment delay 1 block, support 1/2, majority`);
for (const cls of ['Protocol', 'PartnerRemoval']) {
  const p = (await api.query.roundtable.classParamsOf(cls)).unwrap();
  check(p.votingPeriod.toNumber() === VOTING && p.enactmentDelay.toNumber() === 1 && p.support.num.toNumber() === 2 &&
    p.support.den.toNumber() === 3 && p.approval.num.toNumber() === 2 && p.approval.den.toNumber() === 3,
    `${cls} class from genesis: voting period ${VOTING} blocks, support and approval 2/3 of the electorate`);
}
const ordinary = params.toJSON();
ok(applied);
check(hasEvent(applied.events, 'partners', 'Applied', (d) => d.who.toString() === charlie.address && d.bond.toBigInt() === bond),
  'Applied event with the bond');
let rec = await partnerAt(charlie.address, applied.hash);
check(rec && rec.status.isAwaitingAssessment && rec.bond.toBigInt() === bond && rec.chainId.toHex() === chainId &&
  rec.timeline.applied.toNumber() === applied.number, 'Charlie is AwaitingAssessment with bond, chain id and applied block');
check(await bondHeld(charlie.address, applied.hash) === bond, `Charlie's bond of ${bond / UNIT} BPCI is held (PartnerBond)`);
check((await (await api.at(applied.hash)).query.partners.partnerOfChain(chainId)).toString() === charlie.address,
  'chain id indexed to Charlie');

// ---------------------------------------------------------------------------------------------
// 1b. One partner of two passes nothing above Ordinary: Alice proposes a Root-only call
//     (roundtable.setClassParams) in the Protocol class and votes aye alone: 1 of 2 weight is
//     below the 2/3 support, so it is rejected (whatever approval of the votes cast).
// ---------------------------------------------------------------------------------------------
{
  const soloIndex = (await api.query.roundtable.proposalCount()).toNumber();
  const soloCall = api.tx.roundtable.setClassParams('Ordinary', { ...ordinary, votingPeriod: 99 }).method;
  const solo = await send(api.tx.roundtable.propose('Protocol', { Inline: soloCall.toHex() }), alice,
    'Alice proposes roundtable.setClassParams (Protocol)');
  ok(solo);
  const soloEnd = (await (await api.at(solo.hash)).query.roundtable.proposals(soloIndex)).unwrap().end.toNumber();
  ok(await send(api.tx.roundtable.vote(soloIndex, true), alice, 'Alice votes aye alone'));
  await waitHead(soloEnd + 1);
  const soloEvents = await eventsAt(await api.rpc.chain.getBlockHash(soloEnd + 1));
  const soloRej = soloEvents.find((e) => e.section === 'roundtable' && e.method === 'Rejected' && e.data.index.toNumber() === soloIndex);
  check(soloRej && soloRej.data.tally.ayes.toNumber() === 1 && soloRej.data.tally.nays.toNumber() === 0 &&
    soloRej.data.tally.electorate.toNumber() === 2, `one partner of two (1 of 2 weight, unanimous) fails a Protocol proposal (#${soloEnd + 1})`);
  const still = (await (await api.at(await api.rpc.chain.getBlockHash(soloEnd + 1))).query.roundtable.classParamsOf('Ordinary')).unwrap();
  check(still.votingPeriod.toNumber() === VOTING, 'Ordinary class parameters unchanged');
}

// ---------------------------------------------------------------------------------------------
// 2. Assessment (sudo: AssessorOrigin accepts Root) and, in the same block, Alice's proposal of
//    partners.decide(charlie, true) through a preimage (Protocol class). Alongside, 2 * MaxAutoClosePerBlock filler
//    proposals (remarks nobody votes on) end in the same block: on_initialize closes at most
//    MaxAutoClosePerBlock expired proposals per block, oldest first, so the decide proposal (last)
//    stays open past its end for a few blocks and can be closed explicitly with `close`.
// ---------------------------------------------------------------------------------------------
const decideCall = api.tx.partners.decide(charlie.address, true).method;
const decideBytes = decideCall.toU8a();
const decideHash = blake2AsHex(decideBytes, 256);
const FILLERS = 4 * maxAutoClose;
const firstIndex = (await api.query.roundtable.proposalCount()).toNumber();
const decideIndex = firstIndex + FILLERS;
const proposeBatch = api.tx.utility.batchAll([
  api.tx.preimage.notePreimage(u8aToHex(decideBytes)),
  ...Array.from({ length: FILLERS }, (_, i) =>
    api.tx.roundtable.propose('Ordinary', { Inline: api.tx.system.remark(`filler ${i}`).method.toHex() })),
  api.tx.roundtable.propose('Protocol', { Lookup: { hash: decideHash, len: decideBytes.length } }),
]);
const [assessed, proposed] = await Promise.all([
  send(api.tx.sudo.sudo(api.tx.partners.assess(charlie.address, true, blake2AsHex('assessment report'))), alice, 'sudo(partners.assess(Charlie, pass))'),
  send(proposeBatch, alice, `Alice notes the preimage and proposes decide(Charlie) + ${FILLERS} fillers`),
]);
sudoOk(assessed);
rec = await partnerAt(charlie.address, assessed.hash);
check(rec.status.isAwaitingVote && rec.assessmentReport.unwrap().toHex() === blake2AsHex('assessment report') &&
  rec.timeline.assessed.unwrap().toNumber() === assessed.number, 'Charlie is AwaitingVote with the report hash');
ok(proposed);
check(hasEvent(proposed.events, 'preimage', 'Noted', (d) => d.hash_.toHex() === decideHash), 'preimage of decide noted');
const atProposed = (await api.at(proposed.hash)).query;
const prop = (await atProposed.roundtable.proposals(decideIndex)).unwrap();
const decideEnd = prop.end.toNumber();
check(prop.call.isLookup && prop.call.asLookup.hash_.toHex() === decideHash && prop.class.isProtocol &&
  prop.proposer.toString() === alice.address && decideEnd === proposed.number + VOTING,
  `proposal #${decideIndex} holds decide(Charlie) by preimage hash, Protocol, ends at #${decideEnd}`);
check((await atProposed.preimage.requestStatusFor(decideHash)).isSome, 'the preimage is held for the proposal');
check((await atProposed.roundtable.active()).length === FILLERS + 1, `${FILLERS + 1} proposals active`);

// ---------------------------------------------------------------------------------------------
// 3. Alice and Bob vote aye; then bad input in its own blocks (nothing may change).
// ---------------------------------------------------------------------------------------------
const votes = await Promise.all([
  send(api.tx.roundtable.vote(decideIndex, true), alice, 'Alice votes aye'),
  send(api.tx.roundtable.vote(decideIndex, true), bob, 'Bob votes aye'),
]);
votes.forEach(ok);
const lastVote = votes.reduce((a, b) => (a.number >= b.number ? a : b));
const atVotes = (await api.at(lastVote.hash)).query;
check((await atVotes.roundtable.votes(decideIndex, alice.address)).unwrap().isTrue &&
  (await atVotes.roundtable.votes(decideIndex, bob.address)).unwrap().isTrue &&
  (await atVotes.roundtable.proposals(decideIndex)).unwrap().voters.toNumber() === 2, 'both ayes stored, 2 voters');

const longName = 'x'.repeat(maxName + 1);
await expectRejected([
  [applyTx(longName, blake2AsHex('dave chain'), nowSecs - 2n * YEAR_SECS, 150, bond), dave, `Dave applies with a ${maxName + 1}-byte name`, 'partners.NameTooLong'],
  [applyTx('Charlie chain', blake2AsHex('other'), nowSecs - 2n * YEAR_SECS, 150, bond), charlie, 'Charlie applies twice', 'partners.AlreadyPartner'],
  [applyTx('Eve chain', chainId, nowSecs - 2n * YEAR_SECS, 150, bond), eve, "Eve applies with Charlie's chain id", 'partners.ChainAlreadyRegistered'],
  [applyTx('Ferdie chain', blake2AsHex('ferdie chain'), nowSecs - 30n * 24n * 3600n, 150, bond), ferdie, 'Ferdie applies with a month-old chain', 'partners.NotOperationalLongEnough'],
  [applyTx('Dave chain', blake2AsHex('dave chain'), nowSecs - 2n * YEAR_SECS, 99, bond), dave, 'Dave applies with 99 validators', 'partners.TooFewValidators'],
  [applyTx('Eve chain', blake2AsHex('eve chain'), nowSecs - 2n * YEAR_SECS, 150, bond - 1n), eve, 'Eve applies with a bond below the minimum', 'partners.BondTooLow'],
  [api.tx.roundtable.vote(decideIndex, true), charlie, 'Charlie (not a member) votes', 'roundtable.NotMember'],
  [api.tx.roundtable.propose('Ordinary', { Inline: api.tx.system.remark('x').method.toHex() }), dave, 'Dave (not a member) proposes', 'roundtable.NotMember'],
  [api.tx.roundtable.close(decideIndex), ferdie, 'Ferdie closes before the end of the voting period', 'roundtable.VotingNotOver'],
  [api.tx.partners.registerRelayers(relayers), charlie, 'Charlie registers relayers before approval', 'partners.NotIntegrating'],
  [api.tx.roundtable.propose('Ordinary', { Inline: api.tx.system.setHeapPages(8).method.toHex() }), bob, 'Bob proposes system.setHeapPages as Ordinary', 'roundtable.ClassTooLow'],
  [api.tx.roundtable.propose('Ordinary', { Inline: api.tx.partners.setWeights(bob.address, 1, 100).method.toHex() }), bob, 'Bob proposes raising his own weight as Ordinary', 'roundtable.ClassTooLow'],
]);

// ---------------------------------------------------------------------------------------------
// 4. After the end: the fillers are closed MaxAutoClosePerBlock per block (no quorum: rejected,
//    deposit slashed); the decide proposal is still open: a vote now fails with VotingClosed, then
//    Bob closes it explicitly; it passes (2 of 2 weight) and is enacted one block later as Root.
// ---------------------------------------------------------------------------------------------
await waitHead(decideEnd);
const late = await send(api.tx.roundtable.vote(decideIndex, false), bob, 'Bob changes his vote after the end');
failsWith(late, 'roundtable.VotingClosed');
check(late.number <= decideEnd + FILLERS / maxAutoClose, `the late vote landed while the proposal was still open (#${late.number})`);
{
  const before = await (await api.at((await api.rpc.chain.getHeader(late.hash)).parentHash)).query.roundtable.votes(decideIndex, bob.address);
  const after = await (await api.at(late.hash)).query.roundtable.votes(decideIndex, bob.address);
  check(before.unwrap().isTrue && after.unwrap().isTrue, "Bob's stored vote is still aye");
}
const closed = await send(api.tx.roundtable.close(decideIndex), bob, `Bob closes proposal #${decideIndex}`);
ok(closed);
const passed = closed.events.find((e) => e.section === 'roundtable' && e.method === 'Passed');
check(passed && passed.data.index.toNumber() === decideIndex && passed.data.tally.ayes.toNumber() === 2 &&
  passed.data.tally.nays.toNumber() === 0 && passed.data.tally.electorate.toNumber() === 2,
  'Passed with 2 ayes, 0 nays, electorate 2');
const enactAt = passed.data.enactAt.toNumber();
check(enactAt === closed.number + 1, `scheduled for #${enactAt} (enactment delay 1)`);
check(hasEvent(closed.events, 'roundtable', 'DepositRefunded', (d) => d.who.toString() === alice.address &&
  d.amount.toBigInt() === api.consts.roundtable.proposalDeposit.toBigInt()), "Alice's proposal deposit refunded");
check((await (await api.at(closed.hash)).query.roundtable.proposals(decideIndex)).isNone, 'proposal removed at close');

// The fillers: all rejected without quorum, MaxAutoClosePerBlock per block, deposits slashed.
await waitHead(Math.max(enactAt, decideEnd + FILLERS / maxAutoClose + 1));
let rejectedFillers = 0; let slashed = 0; const perBlock = [];
for (let n = decideEnd + 1; n <= decideEnd + FILLERS / maxAutoClose + 1; n += 1) {
  const ev = await eventsAt(await api.rpc.chain.getBlockHash(n));
  const rej = ev.filter((e) => e.section === 'roundtable' && e.method === 'Rejected' && !e.data.quorumReached.isTrue);
  perBlock.push(rej.length); rejectedFillers += rej.length;
  slashed += ev.filter((e) => e.section === 'roundtable' && e.method === 'DepositSlashed').length;
}
check(rejectedFillers === FILLERS && slashed === FILLERS && perBlock.every((c) => c <= maxAutoClose),
  `fillers auto-closed at most ${maxAutoClose} per block (${perBlock.join(',')}), rejected without quorum, deposits slashed`);

const enactHash = await api.rpc.chain.getBlockHash(enactAt);
const enactEvents = await eventsAt(enactHash);
check(hasEvent(enactEvents, 'scheduler', 'Dispatched', (d) => d.result.isOk), `scheduler dispatched the call Ok at #${enactAt}`);
check(hasEvent(enactEvents, 'partners', 'Approved', (d) => d.who.toString() === charlie.address), 'Approved event for Charlie');
rec = await partnerAt(charlie.address, enactHash);
check(rec.status.isIntegrating && rec.timeline.decided.unwrap().toNumber() === enactAt, 'Charlie is Integrating (decided by the roundtable)');

// After close: the proposal is gone.
await expectRejected([
  [api.tx.roundtable.vote(decideIndex, true), alice, 'Alice votes after close', 'roundtable.ProposalNotFound'],
  [api.tx.roundtable.close(decideIndex), dave, 'Dave closes the closed proposal again', 'roundtable.ProposalNotFound'],
  [api.tx.partners.signAgreement(blake2AsHex('terms')), charlie, 'Charlie signs before any agreement or proof', 'partners.FirstProofMissing'],
]);

// ---------------------------------------------------------------------------------------------
// 5. Integration: relayers, and governance proposes the agreement (same block).
// ---------------------------------------------------------------------------------------------
const terms = blake2AsHex('BPCI partnership agreement v1: Charlie chain');
const obligations = ['ZeroCostProofRetrieval', 'ConsensusValidation', 'GovernanceParticipation', 'RunBridgeNodes'];
const agreementCall = api.tx.partners.proposeAgreement(charlie.address, terms, 2, 1, obligations).method;
const agreementBytes = agreementCall.toU8a();
const agreementHash = blake2AsHex(agreementBytes, 256);
const agreementIndex = (await api.query.roundtable.proposalCount()).toNumber();
const [registered, proposed2] = await Promise.all([
  send(api.tx.partners.registerRelayers(relayers), charlie, 'Charlie registers 2 relayer accounts'),
  send(api.tx.utility.batchAll([
    api.tx.preimage.notePreimage(u8aToHex(agreementBytes)),
    api.tx.roundtable.propose('Protocol', { Lookup: { hash: agreementHash, len: agreementBytes.length } }),
  ]), alice, 'Alice proposes partners.proposeAgreement(Charlie) through a preimage (Protocol)'),
]);
ok(registered);
rec = await partnerAt(charlie.address, registered.hash);
check(rec.relayers.map((r) => r.toString()).join() === relayers.join() &&
  rec.timeline.relayersRegistered.unwrap().toNumber() === registered.number, 'relayers stored in the record');
for (const r of relayers) {
  check((await (await api.at(registered.hash)).query.partners.relayerOf(r)).toString() === charlie.address, `relayerOf(${r.slice(0, 8)}…) = Charlie`);
}
ok(proposed2);
const agreementEnd = (await (await api.at(proposed2.hash)).query.roundtable.proposals(agreementIndex)).unwrap().end.toNumber();

const tooMany = Array.from({ length: maxRelayers + 1 }, (_, i) => keyring.addFromUri(`//Charlie//relayer//x${i}`).address);
const rejected2 = expectRejected([
  [api.tx.partners.registerRelayers(tooMany), charlie, `Charlie registers ${maxRelayers + 1} relayers`, 'partners.TooManyRelayers'],
  [api.tx.partners.registerRelayers([relayers[0], relayers[0]]), charlie, 'Charlie registers a duplicate relayer', 'partners.DuplicateRelayer'],
  [api.tx.partners.registerRelayers([]), charlie, 'Charlie registers no relayer', 'partners.NoRelayers'],
  [api.tx.partners.signAgreement(terms), charlie, 'Charlie signs without a first proof', 'partners.FirstProofMissing'],
  [api.tx.roundtable.vote(agreementIndex + 1, true), bob, 'Bob votes on a proposal that does not exist', 'roundtable.ProposalNotFound'],
  [api.tx.partners.assess(charlie.address, true, terms), dave, 'Dave (signed, not Root) assesses', 'BadOrigin'],
]);
await rejected2;

// Votes on the agreement and the first proof (sudo) in the next block.
const firstProofPatch = async () => {
  const cur = await partnerAt(charlie.address);
  const typeId = api.query.partners.partners.creator.meta.type.asMap.value;
  const type = api.registry.createLookupType(typeId);
  const json = cur.toJSON();
  check(api.createType(type, json).toHex() === cur.toHex(), 'partner record re-encodes byte for byte');
  json.timeline.firstProof = h.head;
  const value = api.createType(type, json);
  return api.tx.sudo.sudo(api.tx.system.setStorage([[api.query.partners.partners.key(charlie.address), value.toHex()]]));
};
const patchTx = await firstProofPatch();
const [v1, v2] = await Promise.all([
  send(api.tx.roundtable.vote(agreementIndex, true), alice, 'Alice votes aye on the agreement'),
  send(api.tx.roundtable.vote(agreementIndex, true), bob, 'Bob votes aye on the agreement'),
]);
ok(v1); ok(v2);
const proofSet = await send(patchTx, alice, 'sudo(system.setStorage): first proof recorded in Charlie\'s timeline');
sudoOk(proofSet);
rec = await partnerAt(charlie.address, proofSet.hash);
check(rec.timeline.firstProof.isSome && rec.status.isIntegrating && rec.relayers.length === 2 && rec.bond.toBigInt() === bond,
  'first proof recorded; status, relayers and bond unchanged');

// The agreement proposal is closed by on_initialize at end + 1 and enacted one block later.
await waitHead(agreementEnd + 2);
const autoCloseEvents = await eventsAt(await api.rpc.chain.getBlockHash(agreementEnd + 1));
const passed2 = autoCloseEvents.find((e) => e.section === 'roundtable' && e.method === 'Passed' && e.data.index.toNumber() === agreementIndex);
check(passed2 && passed2.data.tally.ayes.toNumber() === 2, `agreement proposal #${agreementIndex} auto-closed at #${agreementEnd + 1} and passed`);
const enact2 = passed2.data.enactAt.toNumber();
await waitHead(enact2);
const enact2Hash = await api.rpc.chain.getBlockHash(enact2);
check(hasEvent(await eventsAt(enact2Hash), 'partners', 'AgreementProposed', (d) => d.who.toString() === charlie.address && d.termsHash.toHex() === terms),
  `AgreementProposed at #${enact2}`);
rec = await partnerAt(charlie.address, enact2Hash);
const ag = rec.agreement.unwrap();
check(ag.termsHash.toHex() === terms && ag.revenueWeight.toNumber() === 2 && ag.voteWeight.toNumber() === 1 &&
  ag.obligations.length === 4 && ag.signedAt.isNone, 'agreement proposed: terms hash, revenue weight 2, vote weight 1, 4 obligations, unsigned');

// ---------------------------------------------------------------------------------------------
// 6. Charlie signs (a wrong hash first) and is Active.
// ---------------------------------------------------------------------------------------------
await expectRejected([
  [api.tx.partners.signAgreement(blake2AsHex('other terms')), charlie, 'Charlie signs other terms', 'partners.TermsMismatch'],
  [api.tx.partners.proposeAgreement(charlie.address, terms, 1, 1, []), charlie, 'Charlie proposes his own agreement', 'BadOrigin'],
]);
const signed = await send(api.tx.partners.signAgreement(terms), charlie, 'Charlie signs the agreement');
ok(signed);
check(hasEvent(signed.events, 'partners', 'Activated', (d) => d.who.toString() === charlie.address), 'Activated event');
rec = await partnerAt(charlie.address, signed.hash);
check(rec.status.isActive && rec.agreement.unwrap().signedAt.unwrap().toNumber() === signed.number &&
  rec.timeline.activated.unwrap().toNumber() === signed.number, 'Charlie is Active, agreement signed at its block');
check(await bondHeld(charlie.address, signed.hash) === bond, 'bond still held');
const list = await provider.send('bpci_partners', []);
const c = list.find((p) => p.account === charlie.address);
check(list.filter((p) => p.status === 'Active').length === 3 && c && c.voteWeight === 1 && c.revenueWeight === 2,
  'bpci_partners: three Active partners, Charlie with vote weight 1 and revenue weight 2');
await expectRejected([
  [api.tx.partners.signAgreement(terms), charlie, 'Charlie signs again', 'partners.NotIntegrating'],
]);

const secs = ((Date.now() - t0) / 1000).toFixed(1);
await api.disconnect();
console.log(`governance: all ${h.checks} checks passed in ${secs} s`);
process.exit(0);
