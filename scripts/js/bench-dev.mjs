// Load and timing measurement of a running dev chain, as a client sees it.
// Usage: node bench-dev.mjs <ws-url> <seconds> <transfers-per-second>
//        node bench-dev.mjs <ws-url> <timeout-seconds> burst <count> <senders>
// Prints blocks/s, finalized blocks/s, finality lag p50/p99 (time from a block's arrival as new
// head to its finalization) and finalized transfers/s over the run. A rate of 0 measures an idle
// chain. A burst pre-signs <count> keep-alive transfers from the first <senders> dev accounts,
// submits them all at once, and measures until the last one is finalized (or the timeout):
// finalized transfers/s from the first submission to the finality of the block with the last one.
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';

const [url = 'ws://127.0.0.1:9944', secs = '60', rate = '200', burstCount = '6000', burstSenders = '2'] = process.argv.slice(2);
const burst = rate === 'burst';
const duration = Number(secs) * 1000;
const api = await ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true });
const keyring = new Keyring({ type: 'sr25519' });
const senders = ['//Alice', '//Bob', '//Charlie', '//Dave', '//Eve', '//Ferdie'].map((u) => keyring.addFromUri(u));
const dest = keyring.addFromUri('//Bench//sink').address;

const seen = new Map();       // block number -> ms first seen as best head
const finalizedAt = new Map(); // block number -> ms first known final
let lastFinal = (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
const startBlock = (await api.rpc.chain.getHeader()).number.toNumber();
await api.rpc.chain.subscribeNewHeads((h) => { const n = h.number.toNumber(); if (!seen.has(n)) seen.set(n, Date.now()); });
await api.rpc.chain.subscribeFinalizedHeads((h) => {
  const n = h.number.toNumber(); const now = Date.now();
  for (let k = lastFinal + 1; k <= n; k++) finalizedAt.set(k, now);
  lastFinal = Math.max(lastFinal, n);
});

if (burst) await runBurst();

// Pre-sign so that signing speed does not limit the load.
const total = Math.ceil(Number(rate) * Number(secs));
const nonces = await Promise.all(senders.map((s) => api.rpc.system.accountNextIndex(s.address)));
const signed = [];
for (let i = 0; i < total; i++) {
  const k = i % senders.length;
  const nonce = nonces[k].toNumber() + Math.floor(i / senders.length);
  const tx = await api.tx.balances.transferKeepAlive(dest, 1_000_000_000n).signAsync(senders[k], { nonce, era: 0 });
  signed.push(tx.toHex());
}

const t0 = Date.now();
let sent = 0, rejected = 0;
const interval = 1000 / Number(rate);
while (Date.now() - t0 < duration) {
  const due = Math.floor((Date.now() - t0) / interval);
  while (sent < Math.min(due, signed.length)) {
    api.rpc.author.submitExtrinsic(signed[sent++]).catch(() => { rejected++; });
  }
  await new Promise((r) => setTimeout(r, 5));
}
const t1 = Date.now();
await new Promise((r) => setTimeout(r, 3000)); // let the tail finalize

async function transfersIn(n) {
  const hash = await api.rpc.chain.getBlockHash(n);
  const events = await (await api.at(hash)).query.system.events();
  return events.filter(({ event }) => api.events.balances.Transfer.is(event)).length;
}

function percentile(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN;
}

async function runBurst() {
  const count = Number(burstCount);
  const from = senders.slice(0, Number(burstSenders));
  const first = await Promise.all(from.map((s) => api.rpc.system.accountNextIndex(s.address)));
  const txs = [];
  for (let i = 0; i < count; i++) {
    const k = i % from.length;
    const tx = await api.tx.balances.transferKeepAlive(dest, 1_000_000_000n)
      .signAsync(from[k], { nonce: first[k].toNumber() + Math.floor(i / from.length), era: 0 });
    txs.push(tx.toHex());
  }
  const b0 = (await api.rpc.chain.getHeader()).number.toNumber();
  const t0 = Date.now();
  let rejected = 0;
  await Promise.all(txs.map((x) => api.rpc.author.submitExtrinsic(x).catch(() => { rejected++; })));
  const tSubmitted = Date.now();
  // Count transfers block by block as blocks are finalized, until all accepted ones are in or the
  // timeout passes.
  let counted = b0, included = 0, tLast = t0, perBlock = [];
  while (Date.now() - t0 < duration && included < count - rejected) {
    while (counted < lastFinal) {
      counted++;
      const n = await transfersIn(counted);
      if (n > 0) { included += n; tLast = finalizedAt.get(counted) ?? Date.now(); perBlock.push(n); }
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const lags = [];
  for (const [n, ts] of seen) if (n > b0 && n <= counted && finalizedAt.has(n)) lags.push(finalizedAt.get(n) - ts);
  lags.sort((a, b) => a - b);
  const secsRun = (tLast - t0) / 1000;
  console.log(JSON.stringify({
    burst: count, senders: from.length, submitSeconds: (tSubmitted - t0) / 1000, rejected,
    included, notIncluded: count - rejected - included, seconds: secsRun,
    blocksWithTransfers: perBlock.length, maxTransfersInABlock: Math.max(0, ...perBlock),
    finalityLagMs: { p50: percentile(lags, 0.5), p99: percentile(lags, 0.99), samples: lags.length },
    finalizedTransfersPerSecond: +(included / secsRun).toFixed(1),
  }, null, 2));
  await api.disconnect();
  process.exit(0);
}

let transfers = 0, blocks = 0;
const finalizedBlocks = [...finalizedAt.values()].filter((ts) => ts >= t0 && ts <= t1).length;
const lags = [];
for (const [n, ts] of seen) {
  if (ts < t0 || ts > t1 || n <= startBlock) continue;
  blocks++;
  if (finalizedAt.has(n)) lags.push(finalizedAt.get(n) - ts);
  transfers += await transfersIn(n);
}
lags.sort((a, b) => a - b);
const pct = (p) => percentile(lags, p);
const secsRun = (t1 - t0) / 1000;
console.log(JSON.stringify({
  seconds: secsRun, offeredTps: Number(rate), submitted: sent, rejected,
  blocks, blocksPerSecond: +(blocks / secsRun).toFixed(3),
  finalizedBlocksPerSecond: +(finalizedBlocks / secsRun).toFixed(3),
  finalityLagMs: { p50: pct(0.5), p99: pct(0.99), samples: lags.length },
  finalizedTransfersPerSecond: +(transfers / secsRun).toFixed(1),
}, null, 2));
await api.disconnect();
process.exit(0);
