// Small helpers shared by the pages: DOM building, number formatting, and the decoding of the
// engine's header pre-digest and finality justification (formats in primitives/src/lib.rs and
// primitives/verifier/src/qc.rs).
import { compactFromU8a, hexToU8a, stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';

type Child = Node | string | number | bigint | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

/// `h('td', { 'data-testid': 'x' }, 'text')`: attributes starting with `on` are listeners.
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

/// A value cell a test reads: text for people, the exact value in `data-value`.
export function val(testid: string, value: string | number | bigint, text?: string): HTMLElement {
  return h('span', { 'data-testid': testid, 'data-value': String(value) }, text ?? String(value));
}

/// Replaces the content of the element with test id `testid` under `root`.
export function set(root: ParentNode, testid: string, value: string | number | bigint, text?: string): void {
  const el = root.querySelector<HTMLElement>(`[data-testid="${testid}"]`);
  if (!el) return;
  el.dataset.value = String(value);
  el.textContent = text ?? String(value);
}

/// A two-column table of labelled values.
export function kv(rows: [string, Node | string][]): HTMLTableElement {
  return h('table', { class: 'kv' }, ...rows.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v))));
}

export function section(title: string, ...children: Child[]): HTMLElement {
  return h('section', {}, h('h2', {}, title), ...children);
}

/// Balances are u128: everything goes through BigInt.
export const big = (c: { toString(): string } | string | number | bigint): bigint => BigInt(c.toString());

let decimals = 12;
let symbol = 'BPCI';
export function setToken(d: number, s: string): void {
  decimals = d;
  symbol = s;
}
export const tokenDecimals = (): number => decimals;

/// `1234500000000000` → "1,234.5 BPCI".
export function fmtBalance(v: bigint): string {
  const neg = v < 0n;
  const a = neg ? -v : v;
  const unit = 10n ** BigInt(decimals);
  const whole = (a / unit).toLocaleString('en-US');
  const frac = (a % unit).toString().padStart(decimals, '0').replace(/0+$/, '').slice(0, 6);
  return `${neg ? '-' : ''}${whole}${frac ? `.${frac}` : ''} ${symbol}`;
}

/// "1.5" → 1500000000000n (12 decimals); throws on anything else than a plain decimal.
export function parseBalance(s: string): bigint {
  const m = /^\s*(\d+)(?:\.(\d*))?\s*$/.exec(s);
  if (!m) throw new Error(`not an amount: ${s}`);
  const frac = (m[2] ?? '').padEnd(decimals, '0');
  if (frac.length > decimals) throw new Error(`more than ${decimals} decimals: ${s}`);
  return BigInt(m[1]) * 10n ** BigInt(decimals) + BigInt(frac || '0');
}

export const short = (s: string, n = 6): string => (s.length > 2 * n + 3 ? `${s.slice(0, n + 2)}…${s.slice(-n)}` : s);

/// The account of a FRAME `PalletId`: "modl" ++ id ++ zero padding, 32 bytes.
export function palletAccount(id: string): Uint8Array {
  return u8aConcat(stringToU8a('modl'), stringToU8a(id), new Uint8Array(32 - 4 - id.length));
}

const readU64 = (b: Uint8Array, o: number): bigint => new DataView(b.buffer, b.byteOffset + o, 8).getBigUint64(0, true);
const readU32 = (b: Uint8Array, o: number): number => new DataView(b.buffer, b.byteOffset + o, 4).getUint32(0, true);

/// The engine's `PreDigest` starts with `view: u64, set_id: u64, proposer_index: u32`.
export interface PreDigest { view: bigint; setId: bigint; proposerIndex: number }
export function decodePreDigest(data: Uint8Array): PreDigest | null {
  if (data.length < 20) return null;
  return { view: readU64(data, 0), setId: readU64(data, 8), proposerIndex: readU32(data, 16) };
}

/// `FinalityJustification` v2: `version: u8`, `kind: enum { Commit { view: u64 }, Child { view:
/// u64, child_hash: H256 } }`, `signers: Bitfield(Vec<u8>)` (bit i of byte i/8 = validator i),
/// `signature: [u8; 96]`.
export interface Justification {
  version: number;
  kind: 'Commit' | 'Child';
  view: bigint;
  childHash: string | null;
  signers: number[];
  bytes: number;
  signature: string;
}
export function decodeJustification(raw: Uint8Array | string): Justification | null {
  const b = typeof raw === 'string' ? hexToU8a(raw) : raw;
  if (b.length < 2) return null;
  const version = b[0];
  const kindIndex = b[1];
  if (kindIndex > 1) return null;
  let o = 2;
  const view = readU64(b, o);
  o += 8;
  let childHash: string | null = null;
  if (kindIndex === 1) {
    childHash = u8aToHex(b.subarray(o, o + 32));
    o += 32;
  }
  const [off, len] = compactFromU8a(b.subarray(o));
  o += off;
  const field = b.subarray(o, o + len.toNumber());
  o += len.toNumber();
  const signers: number[] = [];
  field.forEach((byte, i) => { for (let bit = 0; bit < 8; bit += 1) if (byte & (1 << bit)) signers.push(i * 8 + bit); });
  const signature = u8aToHex(b.subarray(o, o + 96));
  return { version, kind: kindIndex === 0 ? 'Commit' : 'Child', view, childHash, signers, bytes: b.length, signature };
}

/// Errors of a page, shown in place rather than thrown into the console.
export function errorBox(e: unknown): HTMLElement {
  return h('p', { class: 'error', 'data-testid': 'page-error' }, e instanceof Error ? e.message : String(e));
}

/// Runs `job` now and again on every `poke()`, never two at once (a poke during a run runs it
/// once more afterwards). `stop()` ends it; errors go to `onError`.
export function refresher(job: () => Promise<void>, onError: (e: unknown) => void): { poke: () => void; stop: () => void } {
  let running = false;
  let again = false;
  let stopped = false;
  const run = async (): Promise<void> => {
    if (stopped) return;
    if (running) { again = true; return; }
    running = true;
    try { await job(); } catch (e) { onError(e); }
    running = false;
    if (again) { again = false; void run(); }
  };
  void run();
  return { poke: () => void run(), stop: () => { stopped = true; } };
}
