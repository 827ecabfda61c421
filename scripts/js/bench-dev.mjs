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
import { compactFromU8aLim, hexToU8a } from '@polkadot/util';
import { readFileSync } from 'node:fs';

const [url = 'ws://127.0.0.1:9944', secs = '60', rate = '200', burstCount = '6000', burstSenders = '2'] = process.argv.slice(2);
const burst = rate === 'burst';
const duration = Number(secs) * 1000;
const httpUrl = url.replace(/^ws/, 'http');
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

// CPU spent while a burst is measured, read from /proc: the node processes named in BENCH_PIDS
// (their user + system time), this client, and the whole machine's busy share. It tells whether
// the run was bound by the machine's cores rather than by the chain.
function cpuSample() {
  const benchPids = (process.env.BENCH_PIDS ?? '').split(/\s+/).filter(Boolean);
  const procTicks = (pid) => {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from the 3rd (state) on
    return Number(fields[11]) + Number(fields[12]); // utime, stime (the 14th and 15th)
  };
  const machine = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return { nodes: benchPids.map(procTicks), idle: machine[3] + machine[4], total: machine.reduce((a, b) => a + b, 0), self: process.cpuUsage() };
}
function cpuSpent(a, b, transfers) {
  const ticksPerSecond = 100; // USER_HZ on Linux
  const nodes = b.nodes.map((t, i) => (t - a.nodes[i]) / ticksPerSecond);
  const sum = nodes.reduce((x, y) => x + y, 0);
  const self = { user: b.self.user - a.self.user, system: b.self.system - a.self.system };
  return {
    nodesSeconds: nodes.map((s) => +s.toFixed(2)),
    clientSeconds: +((self.user + self.system) / 1e6).toFixed(2),
    machineBusy: +(1 - (b.idle - a.idle) / (b.total - a.total)).toFixed(3),
    nodesMsPerTransfer: transfers ? +((sum * 1000) / transfers).toFixed(3) : null,
  };
}

async function rpcBatch(calls) {
  const body = calls.map(([method, params], id) => ({ jsonrpc: '2.0', id, method, params }));
  const res = await fetch(httpUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${httpUrl}: HTTP ${res.status}`);
  return res.json();
}
async function rpcCall(method, params) {
  const [answer] = await rpcBatch([[method, params]]);
  if (answer.error) throw new Error(`${method}: ${answer.error.message}`);
  return answer.result;
}

// Signed extrinsics of block `n`: the version byte after each extrinsic's compact length has its
// top bit set when the extrinsic is signed (inherents have it clear).
async function signedExtrinsicsIn(n) {
  const hash = await rpcCall('chain_getBlockHash', [n]);
  const { block } = await rpcCall('chain_getBlock', [hash]);
  return block.extrinsics.filter((hex) => {
    const bytes = hexToU8a(hex);
    const [lengthBytes] = compactFromU8aLim(bytes);
    return (bytes[lengthBytes] & 0x80) !== 0;
  }).length;
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
  // While the burst is measured the client stays light, so that the chain, not this process, has
  // the machine's cores: plain JSON-RPC batches over HTTP to submit, and blocks counted by their
  // signed extrinsics without decoding them. The transfers' events are read after the run.
  const t0 = Date.now();
  const cpu0 = cpuSample();
  let rejected = 0;
  // Batches go one after another, in nonce order: a transfer that arrives before its sender's
  // previous one waits in the pool's small future queue, and overflowing it drops transfers.
  for (let i = 0; i < txs.length; i += 100) {
    const answers = await rpcBatch(txs.slice(i, i + 100).map((x) => ['author_submitExtrinsic', [x]]));
    rejected += answers.filter((a) => a.error).length;
  }
  const tSubmitted = Date.now();
  // Count signed extrinsics block by block as blocks are finalized, until all accepted ones are
  // in or the timeout passes.
  let counted = b0, signedIn = 0;
  const withSigned = [];
  while (Date.now() - t0 < duration && signedIn < count - rejected) {
    while (counted < lastFinal) {
      counted++;
      const n = await signedExtrinsicsIn(counted);
      if (n > 0) { signedIn += n; withSigned.push({ number: counted, at: finalizedAt.get(counted) ?? Date.now() }); }
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const cpu1 = cpuSample();
  let included = 0, tLast = t0;
  const perBlock = [];
  for (const { number, at } of withSigned) {
    const n = await transfersIn(number);
    if (n > 0) { included += n; tLast = at; perBlock.push(n); }
  }
  const cpu = cpuSpent(cpu0, cpu1, included);
  const lags = [];
  for (const [n, ts] of seen) if (n > b0 && n <= counted && finalizedAt.has(n)) lags.push(finalizedAt.get(n) - ts);
  lags.sort((a, b) => a - b);
  const secsRun = (tLast - t0) / 1000;
  console.log(JSON.stringify({
    burst: count, senders: from.length, submitSeconds: (tSubmitted - t0) / 1000, rejected,
    signedIncluded: signedIn, included, notIncluded: count - rejected - included, seconds: secsRun,
    blocksWithTransfers: perBlock.length, maxTransfersInABlock: Math.max(0, ...perBlock),
    finalityLagMs: { p50: percentile(lags, 0.5), p99: percentile(lags, 0.99), samples: lags.length },
    finalizedTransfersPerSecond: +(included / secsRun).toFixed(1),
    cpu,
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
