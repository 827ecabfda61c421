// End-to-end partner lifecycle through signed extrinsics against a running dev chain
// (`bpci-node --dev`: Alice and Bob are genesis Active partners, sudo key Alice), with governance
// as pallet-referenda polls voted by the roundtable on its tracks (periods of a few blocks from
// the dev chain's genesis): one partner of two fails to pass a protocol-track poll alone; Charlie
// applies with a bond, is assessed (sudo), is voted in by a protocol-track poll (admissions change
// who votes, so they need Root: two thirds of the whole electorate, here both partners; preimage,
// decision deposit, votes), registers relayers, gets its first proof (see below), governance
// proposes the agreement (protocol track too: it sets vote weights), Charlie signs it and is
// Active; a removal poll against Charlie is decided without him (he cannot vote, and Alice alone
// fails), then Alice and Bob suspend him. Bad input is rejected with the named error and changes
// nothing. Storage is read after every step.
//
// First proof: the bridge confirms it when Charlie's light client verifies a first header of
// Charlie's chain, which takes a second chain and a relayer (BLS signatures this script cannot
// make; the bridge's pallet and runtime tests play that chain). Here sudo(system.setStorage)
// writes Charlie's record with `timeline.first_proof` set (the field the bridge's first verified
// header sets), after checking sign_agreement fails with FirstProofMissing without it.
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

// Tracks (pallet_roundtable::tracks) and the origins that pick them.
const TRACK = { ordinary: 0, treasurer: 1, removal: 2, protocol: 3, emergency: 4 };
const ROOT = { system: 'Root' };
const removalOf = (who) => ({ Roundtable: { PartnerRemoval: who } });

/// One extrinsic that notes `call`'s preimage, submits it as a poll to run with `origin` and
/// places its decision deposit; the poll's index is read from `referenda.Submitted`.
const pollTx = (origin, call) => {
  const bytes = call.toU8a();
  return [api.tx.utility.batchAll([
    api.tx.preimage.notePreimage(u8aToHex(bytes)),
    api.tx.referenda.submit(origin, { Lookup: { hash: blake2AsHex(bytes, 256), len: bytes.length } }, { After: 0 }),
  ]), blake2AsHex(bytes, 256)];
};
const submittedIndex = (r) => {
  const e = r.events.find((ev) => ev.section === 'referenda' && ev.method === 'Submitted');
  if (!e) fail(`${r.label}: no referenda.Submitted event`);
  return e.data.index.toNumber();
};
/// Submit a poll and place its decision deposit; returns [submission result, poll index]. A call
/// whose preimage is already noted is submitted inline.
const submitPoll = async (origin, call, signer, label, inline = false) => {
  const [tx] = inline ? [api.tx.referenda.submit(origin, { Inline: call.toHex() }, { After: 0 })] : pollTx(origin, call);
  const r = await send(tx, signer, label);
  ok(r);
  const index = submittedIndex(r);
  ok(await send(api.tx.referenda.placeDecisionDeposit(index), signer, `${label}: decision deposit on poll #${index}`));
  return [r, index];
};
const pollInfo = async (index, hash) => {
  const q = hash ? (await api.at(hash)).query : api.query;
  return (await q.referenda.referendumInfoFor(index)).unwrap();
};
/// Follow new blocks until poll `index` is no longer ongoing; returns [info, block number] of the
/// first block where it is decided.
const decided = async (index) => {
  for (let n = h.head; ; n += 1) {
    await waitHead(n);
    const hash = await api.rpc.chain.getBlockHash(n);
    const info = await pollInfo(index, hash);
    if (!info.isOngoing) return [info, n, hash];
  }
};

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
const applyTx = (name, id, since, b) =>
  api.tx.partners.apply(name, id, 'Bft', since, charlie.address, b);

// ---------------------------------------------------------------------------------------------
// 1. The tracks come from the dev chain's genesis (no sudo, no compile-time feature): five, with
//    a block to prepare, 12 to decide, a block to confirm and to enactment. Charlie applies.
// ---------------------------------------------------------------------------------------------
const DECISION = 12;
const applied = await send(applyTx('Charlie chain', chainId, nowSecs - 2n * YEAR_SECS, bond), charlie, 'Charlie partners.apply');
const tracks = api.consts.referenda.tracks;
check(tracks.length === 5 && tracks.map(([id]) => id.toNumber()).join() === '0,1,2,3,4', 'referenda has the five roundtable tracks');
for (const [id, info] of tracks) {
  check(info.preparePeriod.toNumber() === 1 && info.decisionPeriod.toNumber() === DECISION && info.confirmPeriod.toNumber() === 1 &&
    info.minEnactmentPeriod.toNumber() === 1, `track ${id} (${info.name.toString()}): periods 1/${DECISION}/1/1 from genesis`);
  check((await api.query.roundtable.trackRules(id)).isSome, `track ${id}'s rules stored by genesis`);
}
const protocolRules = (await api.query.roundtable.trackRules(TRACK.protocol)).unwrap();
check(protocolRules.support.share.num.toNumber() === 2 && protocolRules.support.share.den.toNumber() === 3 &&
  protocolRules.approval.share.num.toNumber() === 2 && protocolRules.approval.share.den.toNumber() === 3,
  'protocol track: support and approval two thirds');
const ordinaryRules = (await api.query.roundtable.trackRules(TRACK.ordinary)).unwrap();
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
// 1b. One partner of two passes nothing above ordinary: Alice submits a Root-only call
//     (roundtable.setTrack) on the protocol track and votes aye alone: 1 of 2 weight is below the
//     2/3 support, so it is rejected (whatever the approval of the votes cast).
// ---------------------------------------------------------------------------------------------
{
  const soloCall = api.tx.roundtable.setTrack(TRACK.ordinary, { ...ordinaryRules.toJSON(), decisionPeriod: 99 }).method;
  const [, solo] = await submitPoll(ROOT, soloCall, alice, 'Alice submits roundtable.setTrack (protocol track)');
  const soloVote = await send(api.tx.roundtable.votePoll(solo, true), alice, 'Alice votes aye alone');
  ok(soloVote);
  check(hasEvent(soloVote.events, 'roundtable', 'PollElectorateFrozen', (d) => d.poll.toNumber() === solo && d.electorate.toNumber() === 2),
    'the first vote froze an electorate of weight 2');
  const [info, n, hash] = await decided(solo);
  const rej = (await eventsAt(hash)).find((e) => e.section === 'referenda' && e.method === 'Rejected' && e.data.index.toNumber() === solo);
  check(info.isRejected && rej && rej.data.tally.ayes.toNumber() === 1 && rej.data.tally.nays.toNumber() === 0 &&
    rej.data.tally.electorate.toNumber() === 2, `one partner of two (1 of 2 weight, unanimous) fails a protocol poll (#${n})`);
  const still = (await (await api.at(hash)).query.roundtable.trackRules(TRACK.ordinary)).unwrap();
  check(still.decisionPeriod.toNumber() === DECISION, 'ordinary track rules unchanged');
}

// ---------------------------------------------------------------------------------------------
// 2. Assessment (sudo: AssessorOrigin accepts Root) and, in the same block, Alice's poll of
//    partners.decide(charlie, true) through a preimage (protocol track, dispatched as Root).
// ---------------------------------------------------------------------------------------------
const decideCall = api.tx.partners.decide(charlie.address, true).method;
const [decideTx, decideHash] = pollTx(ROOT, decideCall);
const [assessed, proposed] = await Promise.all([
  send(api.tx.sudo.sudo(api.tx.partners.assess(charlie.address, true, blake2AsHex('assessment report'))), alice, 'sudo(partners.assess(Charlie, pass))'),
  send(decideTx, alice, 'Alice notes the preimage and submits decide(Charlie) on the protocol track'),
]);
sudoOk(assessed);
rec = await partnerAt(charlie.address, assessed.hash);
check(rec.status.isAwaitingVote && rec.assessmentReport.unwrap().toHex() === blake2AsHex('assessment report') &&
  rec.timeline.assessed.unwrap().toNumber() === assessed.number, 'Charlie is AwaitingVote with the report hash');
ok(proposed);
const decideIndex = submittedIndex(proposed);
check(hasEvent(proposed.events, 'preimage', 'Noted', (d) => d.hash_.toHex() === decideHash), 'preimage of decide noted');
{
  const st = (await pollInfo(decideIndex, proposed.hash)).asOngoing;
  check(st.track.toNumber() === TRACK.protocol && st.origin.isSystem && st.origin.asSystem.isRoot &&
    st.proposal.isLookup && st.proposal.asLookup.hash_.toHex() === decideHash && st.submissionDeposit.who.toString() === alice.address &&
    st.decisionDeposit.isNone, `poll #${decideIndex} holds decide(Charlie) by preimage hash, protocol track, Root, no decision deposit yet`);
}
// Anyone may place the decision deposit: Ferdie does.
const deposit = await send(api.tx.referenda.placeDecisionDeposit(decideIndex), ferdie, 'Ferdie places the decision deposit');
ok(deposit);
check((await pollInfo(decideIndex, deposit.hash)).asOngoing.decisionDeposit.unwrap().who.toString() === ferdie.address,
  "Ferdie's decision deposit recorded");

// ---------------------------------------------------------------------------------------------
// 3. Alice and Bob vote aye; then bad input in its own blocks (nothing may change).
// ---------------------------------------------------------------------------------------------
const votes = await Promise.all([
  send(api.tx.roundtable.votePoll(decideIndex, true), alice, 'Alice votes aye'),
  send(api.tx.roundtable.votePoll(decideIndex, true), bob, 'Bob votes aye'),
]);
votes.forEach(ok);
const lastVote = votes.reduce((a, b) => (a.number >= b.number ? a : b));
const atVotes = (await api.at(lastVote.hash)).query;
check((await atVotes.roundtable.pollVotes(decideIndex, alice.address)).unwrap().isTrue &&
  (await atVotes.roundtable.pollVotes(decideIndex, bob.address)).unwrap().isTrue &&
  (await atVotes.roundtable.pollElectorate(decideIndex)).unwrap().voters.length === 2, 'both ayes stored, electorate of 2 frozen');

const longName = 'x'.repeat(maxName + 1);
const [signedOriginTx] = pollTx({ system: { Signed: bob.address } }, api.tx.system.remark('x').method);
await expectRejected([
  [applyTx(longName, blake2AsHex('dave chain'), nowSecs - 2n * YEAR_SECS, bond), dave, `Dave applies with a ${maxName + 1}-byte name`, 'partners.NameTooLong'],
  [applyTx('Charlie chain', blake2AsHex('other'), nowSecs - 2n * YEAR_SECS, bond), charlie, 'Charlie applies twice', 'partners.AlreadyPartner'],
  [applyTx('Eve chain', chainId, nowSecs - 2n * YEAR_SECS, bond), eve, "Eve applies with Charlie's chain id", 'partners.ChainAlreadyRegistered'],
  [applyTx('Ferdie chain', blake2AsHex('ferdie chain'), nowSecs - 30n * 24n * 3600n, bond), ferdie, 'Ferdie applies with a month-old chain', 'partners.NotOperationalLongEnough'],
  [applyTx('Eve chain', blake2AsHex('eve chain'), nowSecs - 2n * YEAR_SECS, bond - 1n), eve, 'Eve applies with a bond below the minimum', 'partners.BondTooLow'],
  [api.tx.roundtable.votePoll(decideIndex, true), charlie, 'Charlie (not a member) votes', 'roundtable.NotMember'],
  [api.tx.referenda.submit(ROOT, { Inline: api.tx.system.remark('x').method.toHex() }, { After: 0 }), dave, 'Dave (not a member) submits a poll', 'BadOrigin'],
  [api.tx.roundtable.removePollVotes(decideIndex), ferdie, 'Ferdie removes the votes of a poll being decided', 'roundtable.PollStillOngoing'],
  [api.tx.roundtable.votePoll(decideIndex + 1000, true), bob, 'Bob votes on a poll that does not exist', 'roundtable.PollNotOngoing'],
  [api.tx.partners.registerRelayers(relayers), charlie, 'Charlie registers relayers before approval', 'partners.NotIntegrating'],
  [signedOriginTx, bob, "Bob submits a poll to run with his own signed origin (no track)", 'referenda.NoTrack'],
  [api.tx.roundtable.setTrack(TRACK.protocol, { ...protocolRules.toJSON(), support: { share: { num: 1, den: 2 }, strict: false } }), alice,
    'Alice (signed) sets the protocol track', 'BadOrigin'],
]);

// ---------------------------------------------------------------------------------------------
// 4. The poll is approved (2 of 2 weight) after its confirm period and enacted a block later as
//    Root; afterwards votes are refused, anyone removes them, deposits are refunded.
// ---------------------------------------------------------------------------------------------
const [decideInfo, approvedAt, approvedHash] = await decided(decideIndex);
check(decideInfo.isApproved, `poll #${decideIndex} approved at #${approvedAt}`);
check(hasEvent(await eventsAt(approvedHash), 'referenda', 'Confirmed', (d) => d.index.toNumber() === decideIndex &&
  d.tally.ayes.toNumber() === 2 && d.tally.nays.toNumber() === 0 && d.tally.electorate.toNumber() === 2),
  'Confirmed with 2 ayes, 0 nays, electorate 2');
let enactAt = approvedAt;
let enactEvents = [];
for (; enactAt <= approvedAt + 3; enactAt += 1) {
  await waitHead(enactAt);
  enactEvents = await eventsAt(await api.rpc.chain.getBlockHash(enactAt));
  if (hasEvent(enactEvents, 'partners', 'Approved')) break;
}
const enactHash = await api.rpc.chain.getBlockHash(enactAt);
check(hasEvent(enactEvents, 'scheduler', 'Dispatched', (d) => d.result.isOk), `scheduler dispatched the call Ok at #${enactAt}`);
check(hasEvent(enactEvents, 'partners', 'Approved', (d) => d.who.toString() === charlie.address), 'Approved event for Charlie');
rec = await partnerAt(charlie.address, enactHash);
check(rec.status.isIntegrating && rec.timeline.decided.unwrap().toNumber() === enactAt, 'Charlie is Integrating (decided by the roundtable)');

await expectRejected([
  [api.tx.roundtable.votePoll(decideIndex, true), alice, 'Alice votes after the poll is decided', 'roundtable.PollNotOngoing'],
  [api.tx.partners.signAgreement(blake2AsHex('terms')), charlie, 'Charlie signs before any agreement or proof', 'partners.FirstProofMissing'],
]);
const [removed, refunded] = await Promise.all([
  send(api.tx.roundtable.removePollVotes(decideIndex), dave, `Dave removes the votes of decided poll #${decideIndex}`),
  send(api.tx.referenda.refundDecisionDeposit(decideIndex), ferdie, "Ferdie's decision deposit is refunded"),
]);
ok(removed); ok(refunded);
check(hasEvent(removed.events, 'roundtable', 'PollVotesRemoved', (d) => d.poll.toNumber() === decideIndex) &&
  (await (await api.at(removed.hash)).query.roundtable.pollElectorate(decideIndex)).isNone &&
  (await (await api.at(removed.hash)).query.roundtable.pollVotes(decideIndex, alice.address)).isNone, 'votes and electorate removed');
check(hasEvent(refunded.events, 'referenda', 'DecisionDepositRefunded', (d) => d.who.toString() === ferdie.address), 'DecisionDepositRefunded to Ferdie');
await expectRejected([
  [api.tx.roundtable.removePollVotes(decideIndex), dave, 'Dave removes them again', 'roundtable.NoPollVotes'],
]);

// ---------------------------------------------------------------------------------------------
// 5. Integration: relayers, and governance proposes the agreement (same block).
// ---------------------------------------------------------------------------------------------
const terms = blake2AsHex('BPCI partnership agreement v1: Charlie chain');
const obligations = ['ZeroCostProofRetrieval', 'ConsensusValidation', 'GovernanceParticipation', 'RunBridgeNodes'];
const agreementCall = api.tx.partners.proposeAgreement(charlie.address, terms, 2, 1, obligations).method;
const [agreementTx] = pollTx(ROOT, agreementCall);
const [registered, proposed2] = await Promise.all([
  send(api.tx.partners.registerRelayers(relayers), charlie, 'Charlie registers 2 relayer accounts'),
  send(agreementTx, alice, 'Alice submits partners.proposeAgreement(Charlie) through a preimage (protocol track)'),
]);
ok(registered);
rec = await partnerAt(charlie.address, registered.hash);
check(rec.relayers.map((r) => r.toString()).join() === relayers.join() &&
  rec.timeline.relayersRegistered.unwrap().toNumber() === registered.number, 'relayers stored in the record');
for (const r of relayers) {
  check((await (await api.at(registered.hash)).query.partners.relayerOf(r)).toString() === charlie.address, `relayerOf(${r.slice(0, 8)}…) = Charlie`);
}
ok(proposed2);
const agreementIndex = submittedIndex(proposed2);

const tooMany = Array.from({ length: maxRelayers + 1 }, (_, i) => keyring.addFromUri(`//Charlie//relayer//x${i}`).address);
await expectRejected([
  [api.tx.partners.registerRelayers(tooMany), charlie, `Charlie registers ${maxRelayers + 1} relayers`, 'partners.TooManyRelayers'],
  [api.tx.partners.registerRelayers([relayers[0], relayers[0]]), charlie, 'Charlie registers a duplicate relayer', 'partners.DuplicateRelayer'],
  [api.tx.partners.registerRelayers([]), charlie, 'Charlie registers no relayer', 'partners.NoRelayers'],
  [api.tx.partners.signAgreement(terms), charlie, 'Charlie signs without a first proof', 'partners.FirstProofMissing'],
  [api.tx.partners.assess(charlie.address, true, terms), dave, 'Dave (signed, not Root) assesses', 'BadOrigin'],
]);

// Decision deposit, votes on the agreement and the first proof (sudo) in the next blocks.
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
ok(await send(api.tx.referenda.placeDecisionDeposit(agreementIndex), bob, 'Bob places the decision deposit of the agreement poll'));
const [v1, v2] = await Promise.all([
  send(api.tx.roundtable.votePoll(agreementIndex, true), alice, 'Alice votes aye on the agreement'),
  send(api.tx.roundtable.votePoll(agreementIndex, true), bob, 'Bob votes aye on the agreement'),
]);
ok(v1); ok(v2);
const proofSet = await send(patchTx, alice, 'sudo(system.setStorage): first proof recorded in Charlie\'s timeline');
sudoOk(proofSet);
rec = await partnerAt(charlie.address, proofSet.hash);
check(rec.timeline.firstProof.isSome && rec.status.isIntegrating && rec.relayers.length === 2 && rec.bond.toBigInt() === bond,
  'first proof recorded; status, relayers and bond unchanged');

const [agreementInfo, agreementAt] = await decided(agreementIndex);
check(agreementInfo.isApproved, `agreement poll #${agreementIndex} approved at #${agreementAt}`);
let enact2 = agreementAt;
for (; enact2 <= agreementAt + 3; enact2 += 1) {
  await waitHead(enact2);
  if (hasEvent(await eventsAt(await api.rpc.chain.getBlockHash(enact2)), 'partners', 'AgreementProposed')) break;
}
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
// At the block that holds the signature (without a hash the RPC reads the last finalized block).
const list = await provider.send('bpci_partners', [signed.hash.toString()]);
const c = list.find((p) => p.account === charlie.address);
check(list.filter((p) => p.status === 'Active').length === 3 && c && c.voteWeight === 1 && c.revenueWeight === 2,
  'bpci_partners: three Active partners, Charlie with vote weight 1 and revenue weight 2');
await expectRejected([
  [api.tx.partners.signAgreement(terms), charlie, 'Charlie signs again', 'partners.NotIntegrating'],
]);

// ---------------------------------------------------------------------------------------------
// 7. A removal poll against Charlie (partner-removal track, origin PartnerRemoval(Charlie)) is
//    decided without him: he cannot vote (the voters are Alice and Bob) but his weight counts as
//    not-aye, so Alice alone (1 of 3) fails and Alice and Bob (2 of 3) suspend him.
// ---------------------------------------------------------------------------------------------
{
  const suspendCall = api.tx.partners.suspend(charlie.address).method;
  const [, alone] = await submitPoll(removalOf(charlie.address), suspendCall, alice, 'Alice submits suspend(Charlie) on the removal track');
  check((await pollInfo(alone)).asOngoing.track.toNumber() === TRACK.removal, 'the removal origin picked the partner-removal track');
  const first = await send(api.tx.roundtable.votePoll(alone, true), alice, 'Alice votes aye alone');
  ok(first);
  check(hasEvent(first.events, 'roundtable', 'PollElectorateFrozen', (d) => d.electorate.toNumber() === 2 &&
    d.accused.unwrap().toString() === charlie.address), 'electorate frozen without Charlie (weight 2)');
  failsWith(await send(api.tx.roundtable.votePoll(alone, false), charlie, 'Charlie votes on his own removal'), 'roundtable.AccusedCannotVote');
  const [info] = await decided(alone);
  check(info.isRejected, 'Alice alone does not suspend Charlie');
  check((await partnerAt(charlie.address)).status.isActive, 'Charlie is still Active');

  const [, both] = await submitPoll(removalOf(charlie.address), suspendCall, alice, 'Alice submits suspend(Charlie) again (inline)', true);
  const [va, vb] = await Promise.all([
    send(api.tx.roundtable.votePoll(both, true), alice, 'Alice votes aye'),
    send(api.tx.roundtable.votePoll(both, true), bob, 'Bob votes aye'),
  ]);
  ok(va); ok(vb);
  const [info2, at2] = await decided(both);
  check(info2.isApproved, `Alice and Bob pass the removal poll (#${at2})`);
  let n = at2;
  for (; n <= at2 + 3; n += 1) {
    await waitHead(n);
    if (hasEvent(await eventsAt(await api.rpc.chain.getBlockHash(n)), 'partners', 'Suspended')) break;
  }
  check((await partnerAt(charlie.address, await api.rpc.chain.getBlockHash(n))).status.isSuspended, `Charlie is Suspended (#${n})`);
}

const secs = ((Date.now() - t0) / 1000).toFixed(1);
await api.disconnect();
console.log(`governance: all ${h.checks} checks passed in ${secs} s`);
process.exit(0);
