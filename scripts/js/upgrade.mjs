// A forkless runtime upgrade through governance, with polkadot.js against a running dev chain:
// Alice notes the preimage of `system.setCode(<runtime one spec_version higher>)` and submits it
// as a poll of the roundtable's protocol track (dispatched as Root); one partner of two voting
// aye does not pass it; Alice and Bob (two thirds of the electorate) do; the chain then runs the
// new runtime, finalizes blocks under it and accepts a transaction signed for it.
//
// Usage: node upgrade.mjs <ws url> <upgrade wasm path> (scripts/build-upgrade-wasm.sh builds it).
// Exits 1 on the first failed check.
import { harness } from './harness.mjs';
import { blake2AsHex } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';
import { readFileSync } from 'node:fs';

const url = process.argv[2] ?? 'ws://127.0.0.1:9944';
const wasmPath = process.argv[3];
if (!wasmPath) { console.error('usage: upgrade.mjs <ws url> <upgrade wasm>'); process.exit(2); }
const t0 = Date.now();
const h = await harness(url, 300);
const { api, check, send, waitHead, ok, hasEvent } = h;
const [alice, bob, , dave] = h.accounts;

const code = readFileSync(wasmPath);
const before = api.runtimeVersion.specVersion.toNumber();
const setCode = api.tx.system.setCode(u8aToHex(code)).method;
const bytes = setCode.toU8a();
const hash = blake2AsHex(bytes, 256);
const lookup = { Lookup: { hash, len: bytes.length } };
const ROOT = { system: 'Root' };

const submitted = async (label) => {
  const r = await send(api.tx.referenda.submit(ROOT, lookup, { After: 0 }), alice, label);
  ok(r);
  const e = r.events.find((ev) => ev.section === 'referenda' && ev.method === 'Submitted');
  const index = e.data.index.toNumber();
  ok(await send(api.tx.referenda.placeDecisionDeposit(index), alice, `decision deposit on poll #${index}`));
  return index;
};
const decided = async (index) => {
  for (let n = h.head; ; n += 1) {
    await waitHead(n);
    const info = (await (await api.at(await api.rpc.chain.getBlockHash(n))).query.referenda.referendumInfoFor(index)).unwrap();
    if (!info.isOngoing) return [info, n];
  }
};

const noted = await send(api.tx.preimage.notePreimage(u8aToHex(bytes)), alice, `Alice notes the preimage of setCode (${code.length} bytes)`);
ok(noted);
check(hasEvent(noted.events, 'preimage', 'Noted', (d) => d.hash_.toHex() === hash), 'preimage noted');

// One partner of two does not upgrade the runtime.
const solo = await submitted('Alice submits setCode on the protocol track');
ok(await send(api.tx.roundtable.votePoll(solo, true), alice, 'Alice votes aye alone'));
const [soloInfo, soloAt] = await decided(solo);
check(soloInfo.isRejected, `one partner of two fails the upgrade poll (#${soloAt})`);
check((await api.rpc.state.getRuntimeVersion()).specVersion.toNumber() === before, `still spec_version ${before}`);

// Both do.
const poll = await submitted('Alice submits setCode again');
const votes = await Promise.all([
  send(api.tx.roundtable.votePoll(poll, true), alice, 'Alice votes aye'),
  send(api.tx.roundtable.votePoll(poll, true), bob, 'Bob votes aye'),
]);
votes.forEach(ok);
const [info, at] = await decided(poll);
check(info.isApproved, `the upgrade poll is approved (#${at})`);

// The first call on the new code waits while the node compiles it.
let version = before;
for (let n = at; version === before && n <= at + 30; n += 1) {
  await waitHead(n);
  version = (await api.rpc.state.getRuntimeVersion()).specVersion.toNumber();
}
check(version === before + 1, `the chain runs spec_version ${version}`);
const fin = (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
for (;;) {
  const now = (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
  if (now >= fin + 3) break;
  await waitHead(h.head + 1);
}
const finHash = await api.rpc.chain.getFinalizedHead();
check((await api.rpc.state.getRuntimeVersion(finHash)).specVersion.toNumber() === before + 1, 'blocks are finalized under the new runtime');
// polkadot.js follows the upgrade: a transfer signed for the new version goes through.
const xfer = await send(api.tx.balances.transferKeepAlive(dave.address, 1_000_000n), bob, 'Bob transfers under the new runtime');
ok(xfer);

const secs = ((Date.now() - t0) / 1000).toFixed(1);
await api.disconnect();
console.log(`upgrade: all ${h.checks} checks passed in ${secs} s`);
process.exit(0);
