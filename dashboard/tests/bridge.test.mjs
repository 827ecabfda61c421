// The wallet shows an account's balance on a partner chain from a storage proof the bridge verified,
// as proven in the page. The partner chain here is Alice's, and its light client is reset by Root
// (sudo) to a checkpoint that is a real block of this dev chain: so the partner chain's state at
// that header is this chain's state at that block, and the test can compare with it. A storage
// proof of Dave's `System.Account` at that block (`state_getReadProof`) goes through
// `bridge.submitStorageProof`, which checks it against the header's state root. The wallet must then
// show Dave's free balance of that block, at that partner block, marked proven; behind a node that
// alters the proof bundle it must show no balance and say the proof fails.
//
// Run after governance.test.mjs, which expects Alice's client at its own checkpoint.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { hexToU8a, u8aToHex } from '@polkadot/util';
import { lyingNode, rows, setup, shot, submit, until } from './lib.mjs';

let t;
/// Dave's address, the partner block (number, hash) and Dave's free balance there.
const proven = {};

before(async () => {
  t = await setup();
  const { api, keyring } = t;
  const alice = keyring.addFromUri('//Alice');
  const dave = keyring.addFromUri('//Dave');
  const aliceChain = (await api.query.partners.partners(alice.address)).unwrap().chainId.toHex();
  const hash = (await api.rpc.chain.getFinalizedHead()).toHex();
  const header = await api.rpc.chain.getHeader(hash);
  const grandpa = new Keyring({ type: 'ed25519' }).addFromUri('//Alice');
  const init = api.tx.bridge.initialize(alice.address, { GrandpaV1: { genesis: aliceChain, header, setId: 7, authorities: [[grandpa.publicKey, 1]] } });
  const r1 = await submit(api, api.tx.sudo.sudo(init), alice, 'sudo(bridge.initialize(Alice, a real block))');
  assert.equal(r1.error, null);
  assert.ok(r1.events.find((e) => e.section === 'sudo' && e.method === 'Sudid')?.data[0].isOk, 'initialize dispatched Ok');
  assert.ok((await api.query.bridge.headers(alice.address, hash)).isSome, 'the checkpoint header is stored under its real hash');

  const key = api.query.system.account.key(dave.address);
  const { proof } = await api.rpc.state.getReadProof([key], hash);
  const r2 = await submit(api, api.tx.bridge.submitStorageProof(alice.address, hash, [key], proof), alice, 'submitStorageProof(Dave)');
  assert.equal(r2.error, null, `submitStorageProof: ${r2.error}`);
  assert.ok(r2.events.find((e) => e.section === 'bridge' && e.method === 'ValuesProven'), 'ValuesProven');
  Object.assign(proven, {
    dave: dave.address, partner: alice.address, hash, number: header.number.toNumber(), inBlock: r2.number,
    free: (await (await api.at(hash)).query.system.account(dave.address)).data.free.toString(),
  });
  // The record must be in a finalized block for the page's proof.
  await until(`#${r2.number} finalized`, async () =>
    (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber() >= r2.number, 90_000);
});
after(async () => {
  await t?.close();
  assert.deepEqual(t?.errors ?? [], [], 'no uncaught error in any page');
});

const daveRow = async (page) => {
  await until('the partner balances proven or refused', () => page.$eval('[data-testid="partner-balances"]', (el) => Number(el.dataset.done ?? 0) > 0), 60_000);
  return (await rows(page, 'partner-balance')).find((r) => r.account === proven.dave && r.partner === proven.partner);
};

test('wallet: a balance on a partner chain is shown from the bridge-verified storage proof, proven', { timeout: 180_000 }, async () => {
  const page = await t.open('wallet');
  const row = await daveRow(page);
  assert.ok(row, "Dave's balance on Alice's chain is listed");
  assert.equal(row.proven, 'yes', row.reason);
  assert.equal(row.free, proven.free);
  assert.equal(Number(row.partnerBlock), proven.number);
  assert.equal(row.partnerHash, proven.hash);
  assert.ok(Number(row.at) >= proven.inBlock, 'proven at a block that holds the record');
  await shot(page, 'wallet-partner-balance');
  await page.context().close();
});

test('wallet: a proof bundle a lying node altered shows no partner balance', { timeout: 180_000 }, async () => {
  const lie = lyingNode('bpci_proofBundle', (res) => {
    // A byte of the read proof's last node: the bundle still decodes, the proof does not hold.
    const b = hexToU8a(res.result);
    b[b.length - 3] ^= 1;
    res.result = u8aToHex(b);
    return true;
  });
  const page = await t.open('wallet', { init: lie.init });
  const row = await daveRow(page);
  assert.ok(lie.altered > 0, 'the proxy altered a bundle');
  assert.ok(row, 'the entry is listed');
  assert.equal(row.proven, 'no');
  assert.equal(row.free, '');
  assert.match(row.reason, /^FAILS: the finality proof does not verify/);
  await page.context().close();
});
