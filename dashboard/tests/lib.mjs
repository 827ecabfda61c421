// What the dashboard tests share: a headless Debian Chromium (playwright-core, no browser
// download), a polkadot.js connection to the same node the page uses, bounded waits on
// conditions (never on time), and reading the values a page shows through its data-testid
// attributes (exact value in data-value, else the text).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { compactToU8a, hexToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { cryptoWaitReady } from '@polkadot/util-crypto';

export const DASHBOARD_URL = process.env.DASHBOARD_URL ?? 'http://127.0.0.1:8080';
export const RPC = process.env.BPCI_RPC ?? 'ws://127.0.0.1:9944';
export const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-output');
export const UNIT = 1_000_000_000_000n;

/// Polls `cond` until it returns something truthy, at most `timeoutMs` in all; throws with `what`
/// (and the last value or error) otherwise; an error marked `fatal` ends the wait at once. No
/// assertion depends on how long anything takes.
export async function until(what, cond, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await cond();
      if (v) return v;
      last = v;
    } catch (e) {
      if (e.fatal) throw e;
      last = e.message;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function setup() {
  mkdirSync(OUT, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const provider = new WsProvider(RPC);
  const api = await ApiPromise.create({ provider, noInitWarn: true });
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const errors = [];
  /// A fresh page (own context: own localStorage) on `route`, with its uncaught errors recorded.
  const open = async (route, { init, query = "" } = {}) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    if (init) await init(context);
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(`${route}: ${e.message}`));
    await page.goto(`${DASHBOARD_URL}/?rpc=${encodeURIComponent(RPC)}${query}#/${route}`);
    await page.waitForSelector(`[data-testid="page-${route}"][data-ready="1"]`, { timeout: 60_000 });
    return page;
  };
  const close = async () => {
    await browser.close();
    await api.disconnect();
  };
  return { browser, api, provider, keyring, open, close, errors };
}

/// The value of one test id: `data-value` if set, else the text.
export const value = (page, testid) =>
  page.$eval(`[data-testid="${testid}"]`, (el) => el.dataset.value ?? el.textContent);

/// Several values read in one go, so they belong to the same render.
export const values = (page, testids) =>
  page.evaluate((ids) => Object.fromEntries(ids.map((id) => {
    const el = document.querySelector(`[data-testid="${id}"]`);
    return [id, el ? (el.dataset.value ?? el.textContent) : null];
  })), testids);

/// The data-* attributes of every element with test id `testid`.
export const rows = (page, testid) =>
  page.$$eval(`[data-testid="${testid}"]`, (els) => els.map((el) => ({ ...el.dataset })));

/// A snapshot read in one go from the page, for fields that must belong to one render.
export const snapshot = (page, fn, arg) => page.evaluate(fn, arg);

export const shot = (page, name) => page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });

/// Waits for the wallet's last transaction `labelPrefix` to reach Finalized; returns its status,
/// block and result (a dispatch error is a result, not a throw). Invalid, dropped or failed to
/// sign ends the wait at once.
export async function txFinal(page, labelPrefix, timeoutMs = 90_000) {
  let seen = null;
  try {
    return await until(`transaction "${labelPrefix}" finalized`, async () => {
      const v = seen = await values(page, ['tx-label', 'tx-status', 'tx-block', 'tx-result']);
      if (!v['tx-label']?.startsWith(labelPrefix)) return null;
      if (['Invalid', 'Dropped', 'Usurped', 'FinalityTimeout', 'error'].includes(v['tx-status'])) {
        throw Object.assign(new Error(`${labelPrefix}: ${v['tx-status']} ${v['tx-result']}`), { fatal: true });
      }
      return v['tx-status'] === 'Finalized' ? v : null;
    }, timeoutMs);
  } catch (e) {
    throw new Error(`${e.message}; page showed ${JSON.stringify(seen)}`);
  }
}

/// Signs and sends; resolves once the extrinsic is in a block (at most `timeoutMs`) with the block's
/// hash and number, the extrinsic's events and its named dispatch error (null on success).
export function submit(api, tx, signer, label, timeoutMs = 60_000) {
  return new Promise((resolve, reject) => {
    let unsub = null;
    let done = false;
    const finish = (f) => { if (done) return; done = true; clearTimeout(timer); if (unsub) unsub(); f(); };
    const timer = setTimeout(() => finish(() => reject(new Error(`${label}: not in a block after ${timeoutMs} ms`))), timeoutMs);
    tx.signAndSend(signer, async (r) => {
      if (r.status.isInBlock || r.status.isFinalized) {
        const hash = (r.status.isInBlock ? r.status.asInBlock : r.status.asFinalized).toHex();
        let error = null;
        if (r.dispatchError) {
          const e = r.dispatchError;
          error = e.isModule ? (({ section, name }) => `${section}.${name}`)(api.registry.findMetaError(e.asModule)) : e.type;
        }
        const number = (await api.rpc.chain.getHeader(hash)).number.toNumber();
        finish(() => resolve({ hash, number, events: r.events.map((e) => e.event), error }));
      } else if (r.status.isInvalid || r.status.isDropped || r.status.isUsurped) {
        finish(() => reject(new Error(`${label}: ${r.status.type}`)));
      }
    }).then((u) => { unsub = u; if (done) u(); }).catch((e) => finish(() => reject(new Error(`${label}: ${e.message}`))));
  });
}

/// A node that lies: a WebSocket proxy (Playwright's `routeWebSocket`) between the page and the
/// real node that passes everything on, except that each answer to `method` goes through
/// `alter(result)` first, which changes it in place and returns whether it did. `lie.init` is the
/// context setup for `open`; `lie.altered` counts the answers changed.
export function lyingNode(method, alter) {
  const lie = {
    altered: 0,
    init: async (context) => {
      await context.routeWebSocket((url) => url.host === new URL(RPC).host, (ws) => {
        const server = ws.connectToServer();
        const asked = new Set();
        ws.onMessage((m) => {
          try { const req = JSON.parse(m); if (req.method === method) asked.add(req.id); } catch { /* not JSON: pass on */ }
          server.send(m);
        });
        server.onMessage((m) => {
          let res;
          try { res = JSON.parse(m); } catch { ws.send(m); return; }
          if (asked.delete(res.id) && res.result !== undefined && alter(res)) lie.altered += 1;
          ws.send(JSON.stringify(res));
        });
      });
    },
  };
  return lie;
}

/// A validator set with the genesis set's id whose one key is a real one the chain never had
/// (Bob's, from `bpci-node key inspect-bls`): a valid set, just not this chain's.
export async function anotherValidatorSet(api) {
  const set = (await (await api.at(api.genesisHash)).query.validators.epoch()).get('set').toU8a();
  const bin = process.env.BPCI_NODE_BIN;
  assert.ok(bin, 'BPCI_NODE_BIN names the node binary (scripts/test-dashboard.sh sets it)');
  const bob = execFileSync(bin, ['key', 'inspect-bls', '--suri', '//Bob'], { encoding: 'utf8' }).match(/0x[0-9a-f]{96}/)?.[0];
  assert.ok(bob, 'inspect-bls printed a BLS key');
  const other = u8aConcat(set.subarray(0, 8), compactToU8a(1), hexToU8a(bob));
  assert.notEqual(u8aToHex(other), u8aToHex(set));
  return other;
}
