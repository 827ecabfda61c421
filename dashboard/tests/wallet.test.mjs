// The wallet page sends real transactions: a transfer with a dev account and one signed through
// an injected extension (window.injectedWeb3, whose signer is a keyring pair in this test process
// reached through page.exposeFunction), a sealed bid committed and revealed. Each is checked
// over RPC once finalized.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { blake2AsHex } from '@polkadot/util-crypto';
import { hexToU8a, u8aConcat } from '@polkadot/util';
import { rows, setup, shot, txFinal, UNIT, until, value, values } from './lib.mjs';

let t;
before(async () => { t = await setup(); });
after(async () => {
  await t?.close();
  assert.deepEqual(t?.errors ?? [], [], 'no uncaught error in any page');
});

const finalizedFree = async (api, address) =>
  (await (await api.at(await api.rpc.chain.getFinalizedHead())).query.system.account(address)).data.free.toBigInt();

/// Fills the transfer form and waits for the transaction to be finalized; returns the block.
async function transfer(page, from, to, amount) {
  await page.selectOption('[data-testid="transfer-from"]', from);
  await page.fill('[data-testid="transfer-to"]', to);
  await page.fill('[data-testid="transfer-amount"]', amount);
  await page.click('[data-testid="transfer-submit"]');
  const tx = await txFinal(page, 'transfer');
  assert.equal(tx['tx-result'], 'ok', `transfer result: ${tx['tx-result']}`);
  return tx['tx-block'];
}

/// The block is on the finalized chain.
async function assertFinalized(api, hash) {
  const n = (await api.rpc.chain.getHeader(hash)).number.toNumber();
  const fin = (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
  assert.ok(n <= fin, `#${n} finalized (node at #${fin})`);
  assert.equal((await api.rpc.chain.getBlockHash(n)).toHex(), hash, `#${n} is the canonical block`);
}

test('wallet with dev accounts: balances, transfer finalized', { timeout: 180_000 }, async () => {
  const { api, keyring } = t;
  const page = await t.open('wallet');
  assert.equal(await value(page, 'wallet-source'), 'dev');
  const accounts = await rows(page, 'account-row');
  assert.deepEqual(accounts.map((a) => a.address), ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'].map((n) => keyring.addFromUri(`//${n}`).address));
  // Balances shown equal the node's (subscribed: wait for the page to have caught up).
  const charlie = keyring.addFromUri('//Charlie').address;
  await until("Charlie's balance shown as on chain", async () => {
    const shown = await page.$eval(`[data-testid="account-row"][data-address="${charlie}"] [data-testid="account-free"]`, (el) => el.dataset.value);
    return shown === (await api.query.system.account(charlie)).data.free.toString();
  });

  const alice = keyring.addFromUri('//Alice').address;
  const target = keyring.addFromUri(`//DashboardTarget${Date.now()}`).address;
  const before = await finalizedFree(api, target);
  const block = await transfer(page, alice, target, '1.5');
  await assertFinalized(api, block);
  await until('the target credited 1.5 BPCI at the finalized head', async () => await finalizedFree(api, target) === before + 3n * UNIT / 2n);
  await shot(page, 'wallet');
  await page.context().close();
});

test('wallet: sealed bid committed in the page is in auction storage, then revealed and settled', { timeout: 240_000 }, async () => {
  const { api, keyring } = t;
  const alice = keyring.addFromUri('//Alice').address;
  // The auction page, open beside the wallet, is to show the commitment and the settled bid.
  const auction = await t.open('auction');
  const page = await t.open('wallet');
  await page.selectOption('[data-testid="bid-from"]', alice);
  await page.fill('[data-testid="bid-amount"]', '0.5');
  await page.fill('[data-testid="bid-deposit"]', '2');
  // Commit phases are 5 one-second blocks: start at the beginning of one, and try again in the
  // next round if the transaction still landed too late.
  let round;
  let hash;
  let block;
  for (let attempt = 1; ; attempt += 1) {
    await until('a commit phase with 3 blocks left', async () => {
      const v = await values(page, ['wallet-phase', 'wallet-commit-left']);
      return v['wallet-phase'] === 'Commit' && Number(v['wallet-commit-left']) >= 3;
    }, 60_000);
    await page.click('[data-testid="bid-commit"]');
    const tx = await txFinal(page, 'commit sealed bid');
    round = Number(await value(page, 'bid-round'));
    hash = await value(page, 'bid-commitment-hash');
    block = tx['tx-block'];
    if (tx['tx-result'] === 'ok') break;
    assert.ok(attempt < 3 && tx['tx-result'] === 'auction.NotCommitPhase', `commit failed: ${tx['tx-result']} (attempt ${attempt})`);
  }
  await assertFinalized(api, block);
  const c = (await (await api.at(block)).query.auction.commitments(round, alice)).unwrap();
  assert.equal(c.hash_.toHex(), hash, 'the stored commitment is the hash the page committed');
  assert.equal(c.deposit.toBigInt(), 2n * UNIT, 'deposit 2 BPCI');
  await auction.waitForSelector(`[data-testid="commitment-row"][data-account="${alice}"][data-hash="${hash}"][data-deposit="${2n * UNIT}"]`, { timeout: 30_000 });

  // The page kept bid, bundle and salt; the commitment is blake2_256(SCALE(bidder, bundle, bid, salt)).
  const kept = JSON.parse(await page.evaluate((k) => localStorage.getItem(k), `bpci-bid:${api.genesisHash.toHex()}:${alice}:${round}`));
  assert.equal(kept.hash, hash);
  assert.equal(BigInt(kept.bid), UNIT / 2n);
  const recomputed = blake2AsHex(u8aConcat(api.createType('AccountId', alice).toU8a(), hexToU8a(kept.bundle), api.createType('u128', kept.bid).toU8a(), hexToU8a(kept.salt)), 256);
  assert.equal(recomputed, hash, 'the commitment recomputed here from what the page kept');

  // Reveal when the round reaches its reveal phase; the round then settles with the bid.
  const reveal = `[data-testid="bid-reveal"][data-round="${round}"]`;
  await page.waitForSelector(reveal, { timeout: 60_000 });
  await page.click(reveal);
  const tx = await txFinal(page, `reveal bid of round ${round}`);
  assert.equal(tx['tx-result'], 'ok', `reveal result: ${tx['tx-result']}`);
  const record = await until(`round ${round} settled`, async () => {
    const r = await api.query.auction.history(round);
    return r.isSome ? r.unwrap() : null;
  }, 120_000);
  const line = record.bids.find((b) => b.who.toString() === alice);
  assert.ok(line, 'Alice in the round record');
  assert.equal(line.commitment.toHex(), hash);
  assert.equal(line.bid.unwrap().toBigInt(), UNIT / 2n, 'revealed bid 0.5 BPCI');
  assert.equal(line.outcome.type, 'Won', 'a bid that fits the budget wins');
  await until('the page marks the bid revealed', () => page.$(`[data-testid="stored-bid"][data-round="${round}"] >> text=revealed`));
  await auction.waitForSelector(`[data-testid="history-bid"][data-round="${round}"][data-account="${alice}"][data-bid="${UNIT / 2n}"][data-outcome="Won"]`, { timeout: 30_000 });
  await shot(page, 'wallet-bid');
  await shot(auction, 'auction-bid');
  await page.context().close();
  await auction.context().close();
});

test('wallet with an injected extension: accounts and signer from window.injectedWeb3', { timeout: 180_000 }, async () => {
  const { api, keyring } = t;
  const bob = keyring.addFromUri('//Bob');
  const signed = [];
  const page = await t.open('wallet', {
    init: async (context) => {
      // The extension's signer: signs the payload the page hands over with Bob's key, here.
      await context.exposeFunction('__bpciTestSign', (payload) => {
        signed.push(payload);
        const ext = api.registry.createType('ExtrinsicPayload', payload, { version: payload.version });
        return { id: signed.length, signature: ext.sign(bob).signature };
      });
      await context.addInitScript(({ address }) => {
        window.injectedWeb3 = {
          'bpci-test': {
            version: '0.1.0',
            enable: async (origin) => {
              window.__bpciEnabledBy = origin;
              return {
                accounts: { get: async () => [{ address, name: 'Bob (test extension)' }], subscribe: () => () => {} },
                metadata: { get: async () => [], provide: async () => true },
                signer: { signPayload: (payload) => window.__bpciTestSign(payload) },
              };
            },
          },
        };
      }, { address: bob.address });
    },
  });
  assert.equal(await value(page, 'wallet-source'), 'extension:bpci-test');
  assert.equal(await page.evaluate(() => window.__bpciEnabledBy), 'BPCI dashboard');
  assert.deepEqual((await rows(page, 'account-row')).map((a) => a.address), [bob.address], 'only the extension\'s account');

  const target = keyring.addFromUri(`//DashboardExtTarget${Date.now()}`).address;
  const before = await finalizedFree(api, target);
  const block = await transfer(page, bob.address, target, '1.25');
  assert.equal(signed.length, 1, 'signed once, by the extension');
  assert.equal(signed[0].address, bob.address);
  await assertFinalized(api, block);
  await until('the target credited 1.25 BPCI at the finalized head', async () => await finalizedFree(api, target) === before + 5n * UNIT / 4n);
  await shot(page, 'wallet-extension');
  await page.context().close();
});
