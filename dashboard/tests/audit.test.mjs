// The audit page exports a range and verifies it in the browser, and refuses what is not proven.
// A sudo call makes a known record (Sudo.Sudid) in a known block. The page's export of #1..that
// block must verify and show exactly the records the node's bpci_auditRange holds, in order, with
// the kinds `bpci-node export-audit` gives the same bytes (so the page's decoding and the CLI's
// agree); the CLI's export file, opened in the page, verifies too. Then the attacks: a node that
// alters one record in its answer (a WebSocket proxy), an export file with a changed record byte, a
// relabelled kind or a removed row, and a trusted set that is not the chain's: each must fail with
// its reason, and show no row as proven.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hexToU8a, u8aToHex } from '@polkadot/util';
import { RPC, anotherValidatorSet, lyingNode, rows, setup, shot, submit, until, values } from './lib.mjs';

const NODE_BIN = process.env.BPCI_NODE_BIN;

let t;
/// The block holding the sudo call's record, and the CLI's export of #1..it.
let sudoBlock;
let cliFile;
const dir = mkdtempSync(join(tmpdir(), 'bpci-audit-test-'));

before(async () => {
  t = await setup();
  const { api, keyring } = t;
  const alice = keyring.addFromUri('//Alice');
  const r = await submit(api, api.tx.sudo.sudo(api.tx.system.remark('0x0a0d17')), alice, 'sudo(remark)');
  assert.equal(r.error, null);
  sudoBlock = r.number;
  // Its records are proven from a final block above it.
  await until(`a block above #${sudoBlock} finalized`, async () =>
    (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber() > sudoBlock, 90_000);
  assert.ok(NODE_BIN, 'BPCI_NODE_BIN names the node binary (scripts/test-dashboard.sh sets it)');
  cliFile = join(dir, 'cli.jsonl');
  execFileSync(NODE_BIN, ['export-audit', '--url', RPC, '--from', '1', '--to', String(sudoBlock), '--output', cliFile], { stdio: 'pipe', timeout: 120_000 });
});
after(async () => {
  await t?.close();
  assert.deepEqual(t?.errors ?? [], [], 'no uncaught error in any page');
});

const cliRows = () => readFileSync(cliFile, 'utf8').trim().split('\n').slice(1).map((l) => JSON.parse(l));

/// Runs one check on the page (`act`) and waits for its result.
async function verdict(page, act) {
  const before = await page.$eval('[data-testid="audit-result"]', (el) => Number(el.dataset.done ?? 0));
  await act();
  await until('the audit result', () => page.$eval('[data-testid="audit-result"]', (el, n) => Number(el.dataset.done ?? 0) > n, before), 120_000);
  const err = await page.$('[data-testid="audit-result"] [data-testid="page-error"]');
  if (err) throw new Error(`the page failed: ${await err.textContent()}`);
  return values(page, ['audit-verified', 'audit-verdict', 'audit-records', 'audit-checkpoint', 'audit-range-from', 'audit-range-to']);
}

const exportRange = (page, from, to) => verdict(page, async () => {
  await page.fill('[data-testid="audit-from"]', String(from));
  await page.fill('[data-testid="audit-to"]', String(to));
  await page.click('[data-testid="audit-export"]');
});

const openFile = (page, lines, name) => verdict(page, async () => {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  await page.setInputFiles('[data-testid="audit-file"]', path);
});

test('audit: a range exported in the page verifies, and shows exactly the node\'s records', { timeout: 240_000 }, async () => {
  const { api, provider } = t;
  const page = await t.open('audit');
  const trust = await values(page, ['trust-set-id', 'trust-source']);
  assert.equal(trust['trust-set-id'], '0');
  assert.match(trust['trust-source'], /first use/);

  const v = await exportRange(page, 1, sudoBlock);
  assert.equal(v['audit-verified'], 'yes', v['audit-verdict']);
  assert.equal(v['audit-verdict'], 'verified');
  assert.deepEqual([v['audit-range-from'], v['audit-range-to']], ['1', String(sudoBlock)]);

  // The records, read here from the node at the checkpoint the page used.
  const checkpoint = Number(v['audit-checkpoint']);
  const at = (await api.rpc.chain.getBlockHash(checkpoint)).toHex();
  const range = await provider.send('bpci_auditRange', [1, sudoBlock, at]);
  const expected = range.blocks.flatMap((b) => b.records.map((record, index) => ({ block: String(b.number), index: String(index), record })));
  assert.equal(Number(v['audit-records']), expected.length);
  const shown = await rows(page, 'audit-row');
  assert.deepEqual(shown.map(({ block, index, record }) => ({ block, index, record })), expected);

  // The page's kinds are the CLI's for the same bytes, and the sudo call is there.
  const cli = cliRows();
  assert.deepEqual(shown.map((r) => [r.record, r.kind]), cli.map((r) => [r.record, r.kind]));
  assert.ok(shown.some((r) => r.block === String(sudoBlock) && r.kind === 'Sudo.Sudid'), `a Sudo.Sudid record in #${sudoBlock}`);
  await shot(page, 'audit');

  // A range the node cannot prove yet is refused before anything is shown as proven.
  const head = (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
  const before = await page.$eval('[data-testid="audit-result"]', (el) => Number(el.dataset.done ?? 0));
  await page.fill('[data-testid="audit-from"]', '1');
  await page.fill('[data-testid="audit-to"]', String(head + 1000));
  await page.click('[data-testid="audit-export"]');
  await until('the refusal', () => page.$eval('[data-testid="audit-result"]', (el, n) => Number(el.dataset.done ?? 0) > n, before));
  assert.match(await page.$eval('[data-testid="page-error"]', (el) => el.textContent), /not below the finalized head/);
  assert.equal((await rows(page, 'audit-row')).length, 0);
  await page.context().close();
});

test('audit: the CLI\'s export verifies in the page; a changed byte, kind or row does not', { timeout: 240_000 }, async () => {
  const page = await t.open('audit');
  const lines = readFileSync(cliFile, 'utf8').trim().split('\n');
  const ok = await openFile(page, lines, 'as-exported.jsonl');
  assert.equal(ok['audit-verified'], 'yes', ok['audit-verdict']);
  assert.equal(Number(ok['audit-records']), lines.length - 1);

  // The sudo record's row: change the last byte of its record, relabel its kind, or remove it.
  const at = lines.findIndex((l, i) => i > 0 && JSON.parse(l).kind === 'Sudo.Sudid');
  assert.ok(at > 0, 'the export has the Sudo.Sudid row');
  const edit = (f) => lines.map((l, i) => (i === at ? JSON.stringify(f(JSON.parse(l))) : l));
  const changed = edit((r) => {
    const b = hexToU8a(r.record);
    b[b.length - 1] ^= 1;
    return { ...r, record: u8aToHex(b) };
  });
  const c = await openFile(page, changed, 'changed.jsonl');
  assert.equal(c['audit-verified'], 'no');
  assert.match(c['audit-verdict'], /a row was changed or reordered/);
  assert.equal((await rows(page, 'audit-row')).length, 0, 'no row shown as proven');

  const relabelled = await openFile(page, edit((r) => ({ ...r, kind: 'Treasury.Paid' })), 'relabelled.jsonl');
  assert.equal(relabelled['audit-verified'], 'no');
  assert.match(relabelled['audit-verdict'], new RegExp(`row ${at} .*readable kind "Treasury.Paid" is not what its record says \\(Sudo.Sudid\\)`));

  const removed = await openFile(page, lines.filter((_, i) => i !== at), 'removed.jsonl');
  assert.equal(removed['audit-verified'], 'no');
  assert.match(removed['audit-verdict'], /missing|removed/);
  await shot(page, 'audit-tampered-file');
  await page.context().close();
});

test('audit: a node that alters a record in its answer is caught', { timeout: 240_000 }, async () => {
  const lie = lyingNode('bpci_auditRange', (res) => {
    const block = res.result?.blocks?.find((b) => b.records.length > 0);
    if (!block) return false;
    const b = hexToU8a(block.records[0]);
    b[b.length - 1] ^= 1;
    block.records[0] = u8aToHex(b);
    return true;
  });
  const page = await t.open('audit', { init: lie.init });
  const v = await exportRange(page, 1, sudoBlock);
  assert.ok(lie.altered > 0, 'the proxy altered a record');
  assert.equal(v['audit-verified'], 'no');
  assert.match(v['audit-verdict'], /its rows do not hash to the records root the log holds/);
  assert.equal((await rows(page, 'audit-row')).length, 0, 'no row shown as proven');
  await shot(page, 'audit-lying-node');
  await page.context().close();
});

test('audit: finality from a set that is not the chain\'s does not verify', { timeout: 240_000 }, async () => {
  const other = await anotherValidatorSet(t.api);
  const page = await t.open('audit', { query: `&trust=${u8aToHex(other)}` });
  assert.match(await values(page, ['trust-source']).then((v) => v['trust-source']), /\?trust=/);
  const v = await exportRange(page, 1, sudoBlock);
  assert.equal(v['audit-verified'], 'no');
  assert.match(v['audit-verdict'], /the checkpoint's finality proof does not verify/);
  assert.equal((await rows(page, 'audit-row')).length, 0);
  await page.context().close();
});
