// Load and timing measurement of a running dev chain, as a client sees it.
// Usage: node bench-dev.mjs <ws-url> <seconds> <transfers-per-second>
// Prints blocks/s, finalized blocks/s, finality lag p50/p99 (time from a block's arrival as new
// head to its finalization) and finalized transfers/s over the run. A rate of 0 measures an idle
// chain.
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';

const [url = 'ws://127.0.0.1:9944', secs = '60', rate = '200'] = process.argv.slice(2);
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

// Pre-sign so that signing speed does not limit the load.
const total = Math.ceil(Number(rate) * Number(secs));
const nonces = await Promise.all(senders.map((s) => api.rpc.system.accountNextIndex(s.address)));
const signed = [];
for (let i = 0; i < total; i++) {
  const k = i % senders.length;
  const nonce = nonces[k].toNumber() + Math.floor(i / senders.length);
  const tx = await api.tx.balances.transferAllowDeath(dest, 1_000_000_000n).signAsync(senders[k], { nonce, era: 0 });
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

let transfers = 0, blocks = 0;
const finalizedBlocks = [...finalizedAt.values()].filter((ts) => ts >= t0 && ts <= t1).length;
const lags = [];
for (const [n, ts] of seen) {
  if (ts < t0 || ts > t1 || n <= startBlock) continue;
  blocks++;
  if (finalizedAt.has(n)) lags.push(finalizedAt.get(n) - ts);
  const hash = await api.rpc.chain.getBlockHash(n);
  const events = await (await api.at(hash)).query.system.events();
  transfers += events.filter(({ event }) => api.events.balances.Transfer.is(event)).length;
}
lags.sort((a, b) => a - b);
const pct = (p) => (lags.length ? lags[Math.min(lags.length - 1, Math.floor(p * lags.length))] : NaN);
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
