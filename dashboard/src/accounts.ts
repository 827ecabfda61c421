// Accounts and signing, shared by the pages that send transactions (wallet, governance): the
// accounts of a polkadot.js-style extension (`window.injectedWeb3`), else the dev accounts on a
// Development or Local chain; a select of them; and the "last transaction" panel that signs (with
// the dev pair or the extension's signer) and follows the status up to Finalized.
import type { ApiPromise } from '@polkadot/api';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import type { Signer } from '@polkadot/types/types';
import type { KeyringPair } from '@polkadot/keyring/types';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import type { Ctx } from './ctx';
import { h, kv, short, val } from './lib';

export interface Account { name: string; address: string; source: string; pair?: KeyringPair; signer?: Signer }
interface InjectedExtension { accounts: { get(): Promise<{ address: string; name?: string }[]> }; signer: Signer }
declare global {
  interface Window { injectedWeb3?: Record<string, { enable(origin: string): Promise<InjectedExtension>; version?: string }> }
}

const DEV = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'];

/// The extension's accounts (`enable('BPCI dashboard')`), else the dev accounts on a Development
/// or Local chain, else none. `source`: `extension:<names>`, `dev` or `none`.
export async function loadAccounts(ctx: Ctx): Promise<{ source: string; accounts: Account[] }> {
  if (document.readyState !== 'complete') await new Promise((r) => window.addEventListener('load', r, { once: true }));
  const injected = window.injectedWeb3 ?? {};
  const names = Object.keys(injected);
  if (names.length > 0) {
    const accounts: Account[] = [];
    for (const name of names) {
      const ext = await injected[name].enable('BPCI dashboard');
      for (const a of await ext.accounts.get()) accounts.push({ name: a.name ?? short(a.address), address: a.address, source: name, signer: ext.signer });
    }
    return { source: `extension:${names.join(',')}`, accounts };
  }
  const type = await ctx.api.rpc.system.chainType();
  if (type.isDevelopment || type.isLocal) {
    await cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519', ss58Format: ctx.api.registry.chainSS58 ?? 42 });
    return { source: 'dev', accounts: DEV.map((n) => { const pair = keyring.addFromUri(`//${n}`); return { name: n, address: pair.address, source: 'dev', pair }; }) };
  }
  return { source: 'none', accounts: [] };
}

/// A select of `accounts` (value: the address).
export function accountSelect(accounts: Account[], testid: string): HTMLSelectElement {
  return h('select', { 'data-testid': testid }, ...accounts.map((a) => h('option', { value: a.address }, `${a.name} (${short(a.address)})`)));
}

/// The "last transaction" panel (`tx-label`, `tx-status`, `tx-block`, `tx-result`) and `send`,
/// which signs `tx` as `from` and follows its status to Finalized; `onFinal(ok)` runs then. A new
/// `send` takes the panel over: the statuses of the previous one are no longer shown.
export function txPanel(api: ApiPromise): {
  box: HTMLElement;
  send: (label: string, tx: SubmittableExtrinsic<'promise'>, from: Account, onFinal?: (ok: boolean) => void) => void;
} {
  let txCount = 0;
  const box = h('div', { 'data-testid': 'tx' }, kv([
    ['transaction', val('tx-label', '-')], ['status', val('tx-status', '-')], ['block', val('tx-block', '-')], ['result', val('tx-result', '-')],
  ]));
  const setTx = (k: string, v: string) => {
    const el = box.querySelector<HTMLElement>(`[data-testid="tx-${k}"]`)!;
    el.textContent = v;
    el.dataset.value = v;
  };

  /// Sign (with the dev pair or the extension's signer) and follow the status to finalized.
  function send(label: string, tx: SubmittableExtrinsic<'promise'>, from: Account, onFinal?: (ok: boolean) => void): void {
    const id = String(++txCount);
    box.dataset.txId = id;
    setTx('label', label); setTx('status', 'signing'); setTx('block', '-'); setTx('result', '-');
    const mine = () => box.dataset.txId === id;
    let unsub: (() => void) | null = null;
    const options = from.signer ? { signer: from.signer } : {};
    tx.signAndSend(from.pair ?? from.address, options, (r) => {
      if (!mine()) return;
      setTx('status', r.status.type);
      if (r.status.isInBlock) setTx('block', r.status.asInBlock.toHex());
      if (r.dispatchError) {
        const e = r.dispatchError;
        setTx('result', e.isModule ? (({ section: s, name }) => `${s}.${name}`)(api.registry.findMetaError(e.asModule)) : e.type);
      } else if (r.status.isInBlock || r.status.isFinalized) setTx('result', 'ok');
      if (r.status.isFinalized) {
        setTx('block', r.status.asFinalized.toHex());
        onFinal?.(!r.dispatchError);
      }
      if ((r.isFinalized || r.isError) && unsub) unsub();
    }).then((u) => { unsub = u; }).catch((e: Error) => { if (mine()) { setTx('status', 'error'); setTx('result', e.message); } });
  }

  return { box, send };
}
