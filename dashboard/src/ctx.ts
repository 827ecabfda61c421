// The connection every page shares, and the finality tracker that runs from the moment the app
// connects (so the latency chart has history whichever page is opened first).
import { ApiPromise, WsProvider } from '@polkadot/api';
import type { Header } from '@polkadot/types/interfaces';
import { rpc as bpciRpc } from '../bpci-api/index.js';
import { decodeJustification, type Justification } from './lib';
import { verifyJustification, type Verdict } from './verifier';

export interface Head { number: number; hash: string }
/// `verdict`: the page's own check of the justification (src/verifier.ts) against set `setId`.
export interface LastJustification { number: number; hash: string; j: Justification; n: number; setId: string; verdict: Verdict }

export interface Ctx {
  api: ApiPromise;
  provider: WsProvider;
  url: string;
  tracker: Tracker;
}

const KEEP = 50;

export class Tracker {
  best: Head | null = null;
  finalized: Head | null = null;
  /// Finality latency of the last `KEEP` blocks: first seen as best head → seen finalized.
  latencies: { number: number; ms: number }[] = [];
  lastJustification: LastJustification | null = null;
  private seen = new Map<number, number>();
  private firstBest: number | null = null;
  private listeners = new Set<() => void>();
  private justQueue: Promise<void> = Promise.resolve();

  constructor(private api: ApiPromise) {}

  onChange(f: () => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  private emit(): void {
    for (const f of this.listeners) f();
  }

  async start(): Promise<void> {
    await this.api.rpc.chain.subscribeNewHeads((hd: Header) => {
      const n = hd.number.toNumber();
      // The head current at subscription time was seen earlier by nobody here: its latency
      // would be understated, so only blocks that appear after subscribing are timed.
      if (this.firstBest === null) this.firstBest = n;
      else if (n > this.firstBest && !this.seen.has(n) && (!this.finalized || n > this.finalized.number)) this.seen.set(n, performance.now());
      if (!this.best || n >= this.best.number) this.best = { number: n, hash: hd.hash.toHex() };
      this.emit();
    });
    await this.api.rpc.chain.subscribeFinalizedHeads((hd: Header) => {
      const n = hd.number.toNumber();
      const hash = hd.hash.toHex();
      const now = performance.now();
      for (const [k, t] of [...this.seen].sort((a, b) => a[0] - b[0])) {
        if (k > n) break;
        this.latencies.push({ number: k, ms: now - t });
        this.seen.delete(k);
      }
      this.latencies.splice(0, Math.max(0, this.latencies.length - KEEP));
      this.finalized = { number: n, hash };
      this.emit();
      this.justQueue = this.justQueue.then(() => this.readJustification(n, hash)).catch((e) => console.warn('justification', e));
    });
  }

  /// The engine's justification of a finalized block, if the node has one for it.
  private async readJustification(number: number, hash: string): Promise<void> {
    const block = await this.api.rpc.chain.getBlock(hash);
    const js = block.justifications;
    if (js.isNone) return;
    for (const [engine, data] of js.unwrap()) {
      if (engine.toString() !== 'BPCI') continue;
      const raw = data.toU8a(true);
      const j = decodeJustification(raw);
      if (!j) continue;
      const at = await this.api.at(hash);
      // The epoch in a block's state is the one that validated it (pallet-validators `Epoch`).
      // `set` is also Map.prototype.set on a Struct: read the field with get().
      const epoch = (await at.query.validators.epoch()) as unknown as { get(k: 'set'): { validators: unknown[]; setId: { toString(): string }; toU8a(): Uint8Array } };
      const set = epoch.get('set');
      const verdict = await verifyJustification(this.api.genesisHash.toHex(), hash, number, set.toU8a(), raw)
        .catch((e: unknown): Verdict => ({ ok: false, reason: `verifier unavailable: ${e instanceof Error ? e.message : String(e)}` }));
      this.lastJustification = { number, hash, j, n: set.validators.length, setId: set.setId.toString(), verdict };
      this.emit();
    }
  }
}

export async function connect(url: string): Promise<Ctx> {
  const provider = new WsProvider(url);
  // BPCI's own methods as `api.rpc.bpci.*` (bpci-api/, the typed definitions dapps use too).
  const api = await ApiPromise.create({ provider, rpc: bpciRpc, noInitWarn: true, throwOnConnect: false });
  const tracker = new Tracker(api);
  await tracker.start();
  return {
    api,
    provider,
    url,
    tracker,
  };
}
