// End-to-end sealed-bid bundle auction and revenue era report against a running dev chain
// (`bpci-node --dev`: auction and revenue in Testnet mode, 10-block revenue eras).
//
// One round with five bidders, all committing in the same block:
//   Charlie  bid 5, light bundle (system.remarkWithEvent)           -> wins, rank 0
//   Dave     bid 4, bundle weighing the whole round budget           -> loses: does not fit beside Charlie
//   Eve      bid 2, light bundle (balances.transferKeepAlive)        -> wins, rank 1 (greedy: lower bids may still fit)
//            (first reveals with a wrong salt: CommitmentMismatch)
//   Ferdie   commits, never reveals                                  -> forfeits its deposit (recorded only)
//   Alice    commits bid 20 above its deposit 10: BidAboveDeposit     -> unrevealed, forfeits
// Every commitment pays the commitment fee. The winning bundles run in the on_initialize of the
// target block (phase Initialization, before any extrinsic); first price: winners' due = their bid
// plus their bundle's weight fee, losers' due = 0, unrevealed due = deposit. Testnet waives the bid
// only: winners are charged the weight fee, the unrevealed forfeit their deposits, all of it in
// History and in the revenue pot. Then the revenue era that holds the reveals closes and
// bpci_eraReport shows the 40/25/15/15/5 split.
//
// Exits 1 on the first failed check.
import { harness } from './harness.mjs';
import { blake2AsHex, blake2AsU8a } from '@polkadot/util-crypto';
import { u8aConcat, u8aToHex, stringToU8a } from '@polkadot/util';

const url = process.argv[2] ?? 'ws://127.0.0.1:9944';
const t0 = Date.now();
const h = await harness(url, 150);
const { api, provider, keyring, fail, check, send, waitHead, errName, ok, failsWith, hasEvent } = h;
const [alice, bob, charlie, dave, eve, ferdie] = h.accounts;
const names = h.names;
const UNIT = 1_000_000_000_000n;

// ---------------------------------------------------------------------------------------------
// Helpers beyond the shared ones in harness.mjs.
// ---------------------------------------------------------------------------------------------
const bidHold = async (who, hash) => {
  const holds = await (await api.at(hash)).query.balances.holds(who);
  return holds.filter((h) => h.id.isAuction).reduce((a, h) => a + h.amount.toBigInt(), 0n);
};
/// What a rejected extrinsic of `who` could have touched in `round`: its commitment, its reveal
/// and its holds. Must be equal before and after the block (other bidders' extrinsics may share
/// the block, so the round-wide commit count is checked separately).
async function untouched(r, who, round) {
  const view = async (hash) => {
    const q = (await api.at(hash)).query;
    return JSON.stringify([
      (await q.auction.commitments(round, who)).toHex(), (await q.auction.reveals(round, who)).toHex(),
      (await q.balances.holds(who)).toHex()]);
  };
  check(await view(r.parent) === await view(r.hash), `${r.label}: ${names.get(who)}'s commitment, reveal and holds unchanged`);
}

// ---------------------------------------------------------------------------------------------
// 0. Constants, mode, the commitment hash as the pallet computes it.
// ---------------------------------------------------------------------------------------------
check(api.runtimeVersion.specName.toString() === 'bpci', 'connected to a bpci node');
const COMMIT = api.consts.auction.commitPeriod.toNumber();
const REVEAL = api.consts.auction.revealPeriod.toNumber();
const budget = api.consts.auction.roundWeightBudget;
const minDeposit = api.consts.auction.minDeposit.toBigInt();
const COMMIT_FEE = api.consts.auction.commitFee.toBigInt();
check(COMMIT_FEE === UNIT / 100n && api.consts.auction.minBid.toBigInt() === UNIT / 100n, 'commitment fee and minimum bid: 0.01 BPCI each');
check(COMMIT === 5 && REVEAL === 3, `rounds of ${COMMIT} commit + ${REVEAL} reveal blocks`);
check((await api.query.auction.mode()).isTestnet, 'auction mode is Testnet');
check((await api.query.revenue.revenueMode()).isTestnet, 'revenue mode is Testnet');

/// `T::Hashing::hash_of(&(bidder, bundle, bid, salt))`: blake2-256 of the SCALE encoding of the
/// tuple, i.e. the bidder's 32-byte account id, the bundle as Vec<Call> (compact length + calls),
/// the bid as u128 LE, the 32-byte salt. The account is bound in: a copied hash is useless to another.
const commitmentOf = (who, bundle, bid, salt) => blake2AsHex(u8aConcat(
  api.createType('AccountId', who.address).toU8a(), api.createType('Vec<Call>', bundle).toU8a(),
  api.createType('u128', bid).toU8a(), salt), 256);
const salt = (s) => blake2AsU8a(stringToU8a(s), 256);
const weightOf = async (call) => (await api.call.transactionPaymentCallApi.queryCallInfo(call.toHex(), 0)).weight;
const bundleWeight = async (bundle) => {
  let ref = 0n; let proof = 0n;
  for (const c of bundle) { const w = await weightOf(c); ref += w.refTime.toBigInt(); proof += w.proofSize.toBigInt(); }
  return { ref, proof };
};

const remarkText = `charlie's bundle ${Date.now()}`;
const transferTo = keyring.addFromUri('//AuctionTransferTarget').address;
const transferAmount = 3n * UNIT;
const bundles = {
  charlie: [api.tx.system.remarkWithEvent(remarkText).method],
  eve: [api.tx.balances.transferKeepAlive(transferTo, transferAmount).method],
};
// Dave's bundle weighs as much of the round budget as it can: kill_prefix (weight linear in the
// subkey limit, ~126 µs per key; Root-only, but a losing bundle never runs) plus a remark whose
// length (~11 ns per byte) fills the rest, so that nothing else fits beside it.
const B = budget.refTime.toBigInt();
const killW = async (n) => (await weightOf(api.tx.system.killPrefix('0xdead', n).method)).refTime.toBigInt();
const remarkW = async (m) => (await weightOf(api.tx.system.remark(u8aToHex(new Uint8Array(m))).method)).refTime.toBigInt();
const r0 = await remarkW(0);
let lo = 0; let hi = 2000;
while (lo < hi) { const mid = Math.ceil((lo + hi) / 2); if (await killW(mid) + r0 <= B) lo = mid; else hi = mid - 1; }
const nKeys = lo; const wk = await killW(nKeys);
lo = 0; hi = 15000;
while (lo < hi) { const mid = Math.ceil((lo + hi) / 2); if (wk + await remarkW(mid) <= B) lo = mid; else hi = mid - 1; }
bundles.dave = [api.tx.system.killPrefix('0xdead', nKeys).method, api.tx.system.remark(u8aToHex(new Uint8Array(lo))).method];
const w = { charlie: await bundleWeight(bundles.charlie), dave: await bundleWeight(bundles.dave), eve: await bundleWeight(bundles.eve) };
check(w.dave.ref <= B && w.dave.ref + w.charlie.ref > B && w.dave.ref + w.eve.ref > B && w.charlie.ref + w.eve.ref <= B,
  `Dave's bundle weighs ${w.dave.ref} of the ${B} budget: fits alone, not beside Charlie's (${w.charlie.ref}) or Eve's (${w.eve.ref})`);
check(api.createType('Vec<Call>', bundles.dave).encodedLength <= api.consts.auction.maxBundleBytes.toNumber(), 'Dave\'s bundle is within MaxBundleBytes');

const DEPOSIT = 10n * UNIT;
// WeightToFee is the transaction fee's IdentityFee: one unit per picosecond of ref time.
const wfee = (k) => w[k].ref;
const bids = {
  charlie: { who: charlie, bid: 5n * UNIT, salt: salt('charlie'), bundle: bundles.charlie },
  dave: { who: dave, bid: 4n * UNIT, salt: salt('dave'), bundle: bundles.dave },
  eve: { who: eve, bid: 2n * UNIT, salt: salt('eve'), bundle: bundles.eve },
  ferdie: { who: ferdie, bid: 1n * UNIT, salt: salt('ferdie'), bundle: [api.tx.system.remark('never revealed').method] },
  alice: { who: alice, bid: 20n * UNIT, salt: salt('alice'), bundle: [api.tx.system.remark('bid above deposit').method] },
};
for (const b of Object.values(bids)) b.hash = commitmentOf(b.who, b.bundle, b.bid, b.salt);

// ---------------------------------------------------------------------------------------------
// 1. Commit phase: wait for a round whose commit phase is ahead of us.
// ---------------------------------------------------------------------------------------------
let [round, start] = (await api.query.auction.currentRound()).map((x) => x.toNumber());
if (h.head > start + 1) { round += 1; start += COMMIT + REVEAL; await waitHead(start - 1); }
const target = start + COMMIT + REVEAL;
console.log(`# round ${round}: commit #${start}..#${start + COMMIT - 1}, reveal #${start + COMMIT}..#${target - 1}, target #${target}`);

const commitOrder = ['charlie', 'dave', 'eve', 'ferdie', 'alice'];
const commitRes = await Promise.all([
  ...commitOrder.map((k) => send(api.tx.auction.commit(bids[k].hash, DEPOSIT), bids[k].who, `${names.get(bids[k].who.address)} commits`)),
  send(api.tx.auction.commit(bids.charlie.hash, DEPOSIT), charlie, 'Charlie commits twice'),
  send(api.tx.auction.reveal(bids.dave.bundle, bids.dave.bid, bids.dave.salt), dave, 'Dave reveals in the commit phase'),
  send(api.tx.auction.commit(blake2AsHex('bob'), minDeposit - 1n), bob, 'Bob commits below MinDeposit'),
]);
commitRes.slice(0, 5).forEach(ok);
for (const r of commitRes.slice(0, 5)) check(r.number >= start && r.number < start + COMMIT, `${r.label} in the commit phase of round ${round}`);
for (const r of commitRes.slice(0, 5)) {
  check(r.events.some((e) => e.section === 'auction' && e.method === 'Committed' && e.data.fee.toBigInt() === COMMIT_FEE),
    `${r.label}: paid the commitment fee`);
}
failsWith(commitRes[5], 'auction.AlreadyCommitted');
failsWith(commitRes[6], 'auction.NotRevealPhase');
failsWith(commitRes[7], 'auction.DepositTooLow');
await untouched(commitRes[7], bob.address, round);
await waitHead(Math.max(...commitRes.map((r) => r.number)));
{
  const q = (await api.at(await api.rpc.chain.getBlockHash(h.head))).query;
  for (const k of commitOrder) {
    const c = (await q.auction.commitments(round, bids[k].who.address)).unwrap();
    check(c.hash_.toHex() === bids[k].hash && c.deposit.toBigInt() === DEPOSIT, `${names.get(bids[k].who.address)}'s commitment stored (hash only, deposit 10)`);
    check(await bidHold(bids[k].who.address, await api.rpc.chain.getBlockHash(h.head)) === DEPOSIT, `${names.get(bids[k].who.address)}'s deposit held once (BidDeposit)`);
  }
  check((await q.auction.commitCount(round)).toNumber() === 5, 'five commitments in the round (the second of Charlie rejected)');
  check((await q.auction.reveals(round, dave.address)).isNone, 'no reveal stored for Dave');
}

// ---------------------------------------------------------------------------------------------
// 2. Reveal phase.
// ---------------------------------------------------------------------------------------------
await waitHead(start + COMMIT - 1);
const reveal = (k, s = bids[k].salt) => api.tx.auction.reveal(bids[k].bundle, bids[k].bid, s);
const revealRes = await Promise.all([
  send(reveal('eve', salt('wrong')), eve, 'Eve reveals with a wrong salt'),
  send(reveal('charlie'), charlie, 'Charlie reveals'),
  send(reveal('dave'), dave, 'Dave reveals'),
  send(reveal('eve'), eve, 'Eve reveals'),
  send(reveal('alice'), alice, 'Alice reveals a bid of 20 over a deposit of 10'),
  send(api.tx.auction.commit(blake2AsHex('bob'), DEPOSIT), bob, 'Bob commits in the reveal phase'),
  send(api.tx.auction.reveal(bids.charlie.bundle, bids.charlie.bid, bids.charlie.salt), bob, "Bob reveals Charlie's bid without a commitment"),
]);
failsWith(revealRes[0], 'auction.CommitmentMismatch');
revealRes.slice(1, 4).forEach(ok);
for (const r of revealRes) check(r.number >= start + COMMIT && r.number < target, `${r.label}: in the reveal phase (#${r.number})`);
failsWith(revealRes[4], 'auction.BidAboveDeposit');
await untouched(revealRes[4], alice.address, round);
failsWith(revealRes[5], 'auction.NotCommitPhase');
failsWith(revealRes[6], 'auction.NoCommitment');
await untouched(revealRes[6], bob.address, round);
for (const [r, k] of [[revealRes[1], 'charlie'], [revealRes[2], 'dave'], [revealRes[3], 'eve']]) {
  const ev = r.events.find((e) => e.section === 'auction' && e.method === 'Revealed');
  check(ev && ev.data.bid.toBigInt() === bids[k].bid && ev.data.weight.refTime.toBigInt() === w[k].ref,
    `${names.get(bids[k].who.address)}'s reveal: bid ${bids[k].bid / UNIT}, weight ${w[k].ref} as computed`);
}

// ---------------------------------------------------------------------------------------------
// 3. Settlement in the target block.
// ---------------------------------------------------------------------------------------------
await waitHead(target);
const T = await api.rpc.chain.getBlockHash(target);
const Tparent = await api.rpc.chain.getBlockHash(target - 1);
const atT = (await api.at(T)).query;
const records = await atT.system.events();
const evs = records.map((r, i) => ({ i, phase: r.phase, e: r.event }));
const find = (section, method, pred = () => true) => evs.find((x) => x.e.section === section && x.e.method === method && pred(x.e.data));
const firstExtrinsicEvent = evs.find((x) => x.phase.isApplyExtrinsic);
const settled = find('auction', 'RoundSettled', (d) => d.round.toNumber() === round);
check(settled && settled.phase.isInitialization, `RoundSettled for round ${round} in block #${target}, Initialization phase`);
const settledIn = wfee('charlie') + wfee('eve') + 2n * DEPOSIT;
check(settled.e.data.mode.isTestnet && settled.e.data.bids.toNumber() === 5 && settled.e.data.winners.toNumber() === 2 &&
  settled.e.data.proceeds.toBigInt() === wfee('charlie') + wfee('eve') && settled.e.data.forfeits.toBigInt() === 2n * DEPOSIT,
  '5 bids, 2 winners; proceeds are the winners\' weight fees (Testnet waives bids), forfeits two deposits');
const exC = find('auction', 'BundleExecuted', (d) => d.who.toString() === charlie.address);
const exE = find('auction', 'BundleExecuted', (d) => d.who.toString() === eve.address);
check(exC && exC.e.data.rank.toNumber() === 0 && exC.e.data.ok.isTrue, "Charlie's bundle ran first (rank 0) and succeeded");
check(exE && exE.e.data.rank.toNumber() === 1 && exE.e.data.ok.isTrue, "Eve's bundle ran second (rank 1) and succeeded");
check(!find('auction', 'BundleExecuted', (d) => d.who.toString() === dave.address), "Dave's bundle did not run");
const remarked = find('system', 'Remarked', (d) => d.sender.toString() === charlie.address);
check(remarked && remarked.phase.isInitialization && remarked.e.data.hash_.toHex() === blake2AsHex(remarkText, 256),
  "Charlie's remarkWithEvent ran in the target block's initialization (Remarked with the text's hash)");
const transfer = find('balances', 'Transfer', (d) => d.from.toString() === eve.address && d.to.toString() === transferTo);
check(transfer && transfer.phase.isInitialization && transfer.e.data.amount.toBigInt() === transferAmount,
  "Eve's transfer ran in the target block's initialization, signed by Eve");
check(remarked.i < exC.i && exC.i < transfer.i && transfer.i < exE.i, 'bundles ran in rank order, each before its BundleExecuted event');
check(!firstExtrinsicEvent || firstExtrinsicEvent.i > settled.i, 'all of it before the first extrinsic of the block');
{
  const before = (await (await api.at(Tparent)).query.system.account(transferTo)).data.free.toBigInt();
  const after = (await atT.system.account(transferTo)).data.free.toBigInt();
  check(after - before === transferAmount, `the transfer target received ${transferAmount / UNIT} BPCI in block #${target}`);
}

// Prices and refunds: first price, Testnet records only.
const hist = (await atT.auction.history(round)).unwrap();
check(hist.settledAt.toNumber() === target && hist.mode.isTestnet && hist.bids.length === 5, `History(${round}): settled at #${target}, Testnet, 5 bids`);
check(hist.weightUsed.refTime.toBigInt() === w.charlie.ref + w.eve.ref, 'weight used = Charlie\'s + Eve\'s bundles');
const line = (who) => hist.bids.find((b) => b.who.toString() === who.address);
const expect = {
  charlie: { outcome: 'Won', rank: 0, due: bids.charlie.bid + wfee('charlie'), charged: wfee('charlie') },
  dave: { outcome: 'Lost', due: 0n, charged: 0n },
  eve: { outcome: 'Won', rank: 1, due: bids.eve.bid + wfee('eve'), charged: wfee('eve') },
  ferdie: { outcome: 'Unrevealed', due: DEPOSIT, charged: DEPOSIT },
  alice: { outcome: 'Unrevealed', due: DEPOSIT, charged: DEPOSIT },
};
for (const [k, x] of Object.entries(expect)) {
  const l = line(bids[k].who);
  const n = names.get(bids[k].who.address);
  const outcomeOk = l && l.outcome.type === x.outcome &&
    (x.outcome !== 'Won' || (l.outcome.asWon.rank.toNumber() === x.rank && l.outcome.asWon.executed.isTrue));
  check(outcomeOk && l.commitment.toHex() === bids[k].hash && l.deposit.toBigInt() === DEPOSIT,
    `${n}: ${x.outcome}${x.outcome === 'Won' ? ` rank ${x.rank}, executed` : ''}, commitment and deposit recorded`);
  check(l.due.toBigInt() === x.due && l.charged.toBigInt() === x.charged && l.refunded.toBigInt() === DEPOSIT - x.charged &&
    l.charged.toBigInt() + l.refunded.toBigInt() === l.deposit.toBigInt(),
    `${n}: due ${x.due} (${x.outcome === 'Won' ? 'its bid and weight fee' : x.outcome === 'Lost' ? 'loser pays nothing' : 'forfeits the deposit'}), charged ${x.charged}, the rest refunded (Testnet)`);
  check((x.outcome === 'Unrevealed') === l.bid.isNone, `${n}: revealed bid ${l.bid.isSome ? `${l.bid.unwrap().toBigInt() / UNIT}` : 'none'} recorded`);
  check(await bidHold(bids[k].who.address, T) === 0n, `${n}: deposit released`);
}
for (const k of ['charlie', 'eve']) {
  check(!!find('auction', 'Won', (d) => d.who.toString() === bids[k].who.address && d.price.toBigInt() === wfee(k) &&
    d.due.toBigInt() === bids[k].bid + wfee(k)),
    `Won event for ${names.get(bids[k].who.address)}: price ${wfee(k)} (the weight fee), due ${bids[k].bid + wfee(k)}`);
}
for (const k of ['ferdie', 'alice']) {
  check(!!find('auction', 'Forfeited', (d) => d.who.toString() === bids[k].who.address && d.amount.toBigInt() === DEPOSIT),
    `Forfeited event for ${names.get(bids[k].who.address)}: the whole deposit, Testnet too`);
}
check((await atT.auction.commitments.entries(round)).length === 0 && (await atT.auction.reveals.entries(round)).length === 0,
  `round ${round}'s commitments and reveals cleared`);
const next = await atT.auction.currentRound();
check(next[0].toNumber() === round + 1 && next[1].toNumber() === target, `round ${round + 1} opened at #${target}`);

// ---------------------------------------------------------------------------------------------
// 4. Revenue. Settlement put the weight fees and forfeits in the pot; then the report of the era
//    holding the reveals (their transaction fees are rent).
// ---------------------------------------------------------------------------------------------
{
  const credited = evs.filter((x) => x.e.section === 'revenue' && x.e.method === 'Credited' && x.e.data.source.isAuction)
    .reduce((a, x) => a + x.e.data.amount.toBigInt(), 0n);
  check(credited === settledIn, `settlement credited ${settledIn} to the revenue pot as Auction (weight fees and forfeits)`);
}
const atReveal = (await api.at(revealRes[1].hash)).query;
const [era, eraStart] = (await atReveal.revenue.currentEra()).map((x) => x.toNumber());
const eraLen = (await atReveal.revenue.eraLength()).toNumber();
const blockReward = (await atReveal.revenue.blockReward()).toBigInt();
const closeAt = eraStart + eraLen;
await waitHead(closeAt);
const closeHash = await api.rpc.chain.getBlockHash(closeAt);
const report = await provider.send('bpci_eraReport', [era, closeHash.toHex()]);
check(report && report.era === era && report.mode === 'Testnet' && report.start === eraStart && report.end === closeAt - 1,
  `bpci_eraReport(${era}): blocks #${eraStart}..#${closeAt - 1}, Testnet`);
const stored = (await (await api.at(closeHash)).query.revenue.reports(era)).unwrap();
check(stored.pot.toBigInt() === BigInt(report.pot) && stored.distributed.toBigInt() === BigInt(report.distributed) &&
  stored.carriedOut.toBigInt() === BigInt(report.carriedOut), 'RPC report equals revenue.reports storage');
const S = report.shares;
check(S.validators === 400_000_000 && S.development === 250_000_000 && S.infrastructure === 150_000_000 &&
  S.treasury === 150_000_000 && S.partners === 50_000_000, 'shares 40/25/15/15/5');
const src = Object.fromEntries(Object.entries(report.sources).map(([k, v]) => [k, BigInt(v)]));
const pot = BigInt(report.pot);
check(src.blockRewards === BigInt(eraLen) * blockReward, `block rewards: ${eraLen} blocks x ${blockReward / UNIT} BPCI`);
{
  let auction = 0n;
  for (let n = eraStart; n < closeAt; n += 1) {
    for (const r of await (await api.at(await api.rpc.chain.getBlockHash(n))).query.system.events()) {
      if (r.event.section === 'revenue' && r.event.method === 'Credited' && r.event.data.source.isAuction) auction += r.event.data.amount.toBigInt();
    }
  }
  check(src.auction === auction, `auction source ${src.auction} = the auction credits (commitment fees, weight fees, forfeits) of the era's blocks`);
}
{
  let fees = 0n;
  for (let n = eraStart; n < closeAt; n += 1) {
    for (const r of await (await api.at(await api.rpc.chain.getBlockHash(n))).query.system.events()) {
      if (r.event.section === 'transactionPayment' && r.event.method === 'TransactionFeePaid') {
        fees += r.event.data.actualFee.toBigInt() + r.event.data.tip.toBigInt();
      }
    }
  }
  check(src.rent === fees && fees > 0n, `rent ${src.rent} = the fees paid in the era's blocks (the reveals among them)`);
}
// Partners' shares withheld the era before go to this era's partners on top of their share.
const partnerCarry = BigInt(report.partnerCarriedIn);
const shared = pot - partnerCarry;
check(pot === src.blockRewards + src.auction + src.rent + src.other + BigInt(report.carriedIn) + partnerCarry,
  'pot = sources + carried in + partners\' carry in');
const alloc = Object.fromEntries(Object.entries(report.allocated).map(([k, v]) => [k, BigInt(v)]));
for (const k of ['validators', 'development', 'infrastructure', 'treasury', 'partners']) {
  const carry = k === 'partners' ? partnerCarry : 0n;
  check(alloc[k] === shared * BigInt(S[k]) / 1_000_000_000n + carry, `allocated.${k} = floor(shared pot x ${S[k] / 10_000_000}%) + ${carry} = ${alloc[k]}`);
}
const palletAccount = (id) => api.createType('AccountId', u8aConcat(stringToU8a('modl'), stringToU8a(id), new Uint8Array(20))).toString();
const payouts = report.payouts.map((p) => ({ ...p, amount: BigInt(p.amount) }));
check(payouts.every((p) => p.status === 'Recorded'), 'every payout Recorded (Testnet)');
const one = (cls, acct) => payouts.filter((p) => p.class === cls && p.account === acct);
check(one('Development', palletAccount('bpci/dev')).reduce((a, p) => a + p.amount, 0n) === alloc.development, 'development share to bpci/dev');
check(one('Infrastructure', palletAccount('bpci/inf')).reduce((a, p) => a + p.amount, 0n) === alloc.infrastructure, 'infrastructure share to bpci/inf');
check(one('Treasury', palletAccount('py/trsry')).reduce((a, p) => a + p.amount, 0n) === alloc.treasury, 'treasury share to the treasury account');
const vals = payouts.filter((p) => p.class === 'Validators');
check(vals.length === 1 && vals[0].account === alice.address && vals[0].amount === alloc.validators, 'validator share to Alice (the only block author)');
const partners = (await provider.send('bpci_partners', [closeHash.toHex()])).filter((p) => p.status === 'Active');
const sumW = partners.reduce((a, p) => a + BigInt(p.revenueWeight), 0n);
const pPay = payouts.filter((p) => p.class === 'Partners');
check(pPay.length === partners.length && partners.every((p) =>
  pPay.some((x) => x.account === p.payout && x.amount === alloc.partners * BigInt(p.revenueWeight) / sumW)),
  `partner share split by revenue weight among ${partners.length} Active partners (${partners.map((p) => `${p.chainName}:${p.revenueWeight}`).join(', ')})`);
const distributed = payouts.reduce((a, p) => a + p.amount, 0n);
check(distributed === BigInt(report.distributed) && distributed + BigInt(report.carriedOut) + BigInt(report.withheld) === pot,
  `distributed ${distributed} + carried out ${report.carriedOut} + withheld ${report.withheld} = pot ${pot}`);
const retained = async (h) => (await (await api.at(h)).query.revenue.retained()).toBigInt();
check(await retained(closeHash) - await retained(await api.rpc.chain.getBlockHash(closeAt - 1)) === distributed,
  'the recorded amounts stay in the pot as Retained');
const eraClosed = (await (await api.at(closeHash)).query.system.events()).find((r) => r.event.section === 'revenue' && r.event.method === 'EraClosed');
check(eraClosed && eraClosed.event.data.era.toNumber() === era && eraClosed.event.data.pot.toBigInt() === pot, `EraClosed(${era}) at #${closeAt}`);

const secs = ((Date.now() - t0) / 1000).toFixed(1);
await api.disconnect();
console.log(`auction: all ${h.checks} checks passed in ${secs} s`);
process.exit(0);
