// The connection every page shares, and the finality tracker that runs from the moment the app
// connects (so the latency chart has history whichever page is opened first).
import { ApiPromise, WsProvider } from '@polkadot/api';
import type { Header } from '@polkadot/types/interfaces';
import { rpc as bpciRpc } from '../bpci-api/index.js';
import { compactFromU8a, hexToU8a } from '@polkadot/util';
import { trustedSet, type Trust } from './trust';
import { decodeJustification, type Justification } from './lib';
import { verifyFinality, verifyJustification, type FinalityVerdict, type Verdict } from './verifier';

export interface Head { number: number; hash: string }
/// `verdict`: the page's own check (src/verifier.ts): the block final by a proof followed from the
/// trusted set, and its justification signed by a quorum of set `setId`, the set that proof reached
/// (`n` validators).
export interface LastJustification { number: number; hash: string; j: Justification; n: number; setId: string; verdict: Verdict }

export interface Ctx {
  api: ApiPromise;
  provider: WsProvider;
  url: string;
  tracker: Tracker;
  /// The validator set the page trusts (src/trust.ts); rejects if there is none.
  trust: Promise<Trust>;
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
  /// The newest set proven from the trusted one (hand-overs checked in the page): later proofs
  /// need only the hand-overs after it.
  private followed: { set: Uint8Array; setId: string } | null = null;

  constructor(private api: ApiPromise, private trust: Promise<Trust>) {}

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
      const verdict = await this.verify(number, hash, raw)
        .catch((e: unknown): Verdict => ({ ok: false, reason: `verifier unavailable: ${e instanceof Error ? e.message : String(e)}` }));
      const set = this.followed?.set;
      const n = set ? compactFromU8a(set.subarray(8))[1].toNumber() : 0;
      this.lastJustification = { number, hash, j, n, setId: this.followed?.setId ?? '-', verdict };
      this.emit();
    }
  }

  /// Checks the bundle `get` fetches from the newest set proven so far (at first the trusted
  /// one), and follows the set it reaches.
  private async follow(get: (fromSetId: bigint) => Promise<Uint8Array>): Promise<FinalityVerdict> {
    const trust = await this.trust;
    const from = this.followed ?? { set: trust.set, setId: trust.setId };
    const f = await verifyFinality(this.api.genesisHash.toHex(), from.set, await get(BigInt(from.setId)));
    if (f.ok && f.proven) this.followed = { set: hexToU8a(f.proven.set), setId: String(f.proven.setId) };
    return f;
  }

  /// Storage `keys` (hex) at the finalized head, proven in the page (`bpci_proofBundle`: the head
  /// final from the trusted set, the values by a read proof of its state).
  proveState(keys: string[]): Promise<FinalityVerdict> {
    return this.follow(async (id) => (await this.api.rpc.bpci.proofBundle(keys, null, id)).toU8a(true));
  }

  /// Whether block `hash` is final, proven from the trusted set (following the set hand-overs
  /// from the last set proven, `bpci_proveFinality`), and its own justification `raw` is signed
  /// by a quorum of the set reached. Nothing the node says about validator sets is taken on its word.
  private async verify(number: number, hash: string, raw: Uint8Array): Promise<Verdict> {
    const f = await this.follow(async (id) => (await this.api.rpc.bpci.proveFinality(hash, id)).toU8a(true));
    if (!f.ok || !f.proven) return { ok: false, reason: f.reason };
    if (f.proven.hash !== hash || f.proven.number !== number) return { ok: false, reason: 'the finality proof is of another block' };
    return verifyJustification(this.api.genesisHash.toHex(), hash, number, hexToU8a(f.proven.set), raw);
  }
}

export async function connect(url: string): Promise<Ctx> {
  const provider = new WsProvider(url);
  // BPCI's own methods as `api.rpc.bpci.*` (bpci-api/, the typed definitions dapps use too).
  const api = await ApiPromise.create({ provider, rpc: bpciRpc, noInitWarn: true, throwOnConnect: false });
  const trust = trustedSet(api);
  // A page that never needs it must not report an unhandled rejection; users of it see the error.
  trust.catch(() => undefined);
  const tracker = new Tracker(api, trust);
  await tracker.start();
  return {
    api,
    provider,
    url,
    tracker,
    trust,
  };
}
