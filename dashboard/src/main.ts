// Entry: connect to the node named by `?rpc=` (default ws://127.0.0.1:9944), then route by hash
// (#/chain, #/validators, #/auction, #/revenue, #/wallet, #/partners, #/governance, #/audit). Each page
// mounts into <main> and returns its cleanup (unsubscribe, stop timers), run when another page is
// opened.
import './style.css';
import { connect, type Ctx } from './ctx';
import { errorBox, h, setToken } from './lib';
import { mountChain } from './pages/chain';
import { mountValidators } from './pages/validators';
import { mountAuction } from './pages/auction';
import { mountRevenue } from './pages/revenue';
import { mountWallet } from './pages/wallet';
import { mountPartners } from './pages/partners';
import { mountGovernance } from './pages/governance';
import { mountAudit } from './pages/audit';

export type Page = (root: HTMLElement, ctx: Ctx) => (() => void) | void;

const pages: Record<string, Page> = {
  chain: mountChain,
  validators: mountValidators,
  auction: mountAuction,
  revenue: mountRevenue,
  wallet: mountWallet,
  partners: mountPartners,
  governance: mountGovernance,
  audit: mountAudit,
};

const url = new URLSearchParams(location.search).get('rpc') ?? 'ws://127.0.0.1:9944';
const main = document.getElementById('page') as HTMLElement;
const status = document.querySelector<HTMLElement>('[data-testid="conn-status"]')!;
document.querySelector<HTMLElement>('[data-testid="rpc-url"]')!.textContent = url;

let cleanup: (() => void) | void;

function route(ctx: Ctx): void {
  const name = location.hash.replace(/^#\/?/, '').split(/[/?]/)[0] || 'chain';
  const page = pages[name] ?? pages.chain;
  if (cleanup) cleanup();
  cleanup = undefined;
  main.replaceChildren();
  for (const a of document.querySelectorAll<HTMLAnchorElement>('nav a')) a.classList.toggle('active', a.hash === `#/${name}`);
  const root = h('div', { 'data-testid': `page-${name}`, class: 'page' });
  main.append(root);
  try {
    cleanup = page(root, ctx);
  } catch (e) {
    root.append(errorBox(e));
  }
}

async function start(): Promise<void> {
  try {
    const ctx = await connect(url);
    const { api } = ctx;
    setToken(api.registry.chainDecimals[0] ?? 12, api.registry.chainTokens[0] ?? 'UNIT');
    status.textContent = 'connected';
    status.dataset.value = 'connected';
    api.on('disconnected', () => { status.textContent = 'disconnected'; status.dataset.value = 'disconnected'; });
    api.on('connected', () => { status.textContent = 'connected'; status.dataset.value = 'connected'; });
    window.addEventListener('hashchange', () => route(ctx));
    route(ctx);
  } catch (e) {
    status.textContent = 'failed';
    main.replaceChildren(errorBox(e));
  }
}

void start();
