// Types of `api.rpc.bpci.*` once `rpc` is passed to `ApiPromise.create`. JSON results are
// polkadot.js `Json` codecs: call `.toJSON()` for the plain object (balances are decimal strings).
import type { AugmentedRpc } from '@polkadot/rpc-core/types';
import type { DefinitionsRpc } from '@polkadot/types/types';
import type { Bytes, Json, Option, u32, u64, Vec } from '@polkadot/types-codec';
import type { BlockHash } from '@polkadot/types/interfaces';
import type { Observable } from 'rxjs';

type Hash = BlockHash | string | Uint8Array;

export declare const rpc: Record<'bpci', DefinitionsRpc>;
export default rpc;

declare module '@polkadot/rpc-core/types/jsonrpc' {
  interface RpcInterface {
    bpci: {
      consensusStatus: AugmentedRpc<() => Observable<Json>>;
      partners: AugmentedRpc<(at?: Hash) => Observable<Vec<Json>>>;
      partnerHealth: AugmentedRpc<(at?: Hash) => Observable<Vec<Json>>>;
      currentEra: AugmentedRpc<(at?: Hash) => Observable<Json>>;
      eraReport: AugmentedRpc<(era: u32 | number, at?: Hash) => Observable<Option<Json>>>;
      auditRange: AugmentedRpc<(from: u32 | number, to: u32 | number, at?: Hash) => Observable<Json>>;
      proveFinality: AugmentedRpc<(block: Option<BlockHash> | Hash | null, fromSetId: u64 | number | bigint) => Observable<Bytes>>;
      proofBundle: AugmentedRpc<
        (keys: Vec<Bytes> | (Uint8Array | string)[], block: Option<BlockHash> | Hash | null, fromSetId: u64 | number | bigint) => Observable<Bytes>
      >;
    };
  }
}
