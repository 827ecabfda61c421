// polkadot.js definitions of BPCI's own JSON-RPC methods (the node's `rpc/` crate). Pass them to
// `ApiPromise.create({ provider, rpc })` and call `api.rpc.bpci.*` instead of `provider.send`.
// Methods that read state take an optional block hash as their last argument and read the last
// finalized block without one. JSON results are polkadot.js `Json` codecs (a list is a `Vec<Json>`,
// a result that may be null an `Option<Json>`): `.toJSON()` gives the node's plain JSON.

const at = { name: 'at', type: 'BlockHash', isOptional: true };

export const rpc = {
  bpci: {
    consensusStatus: {
      description: "The consensus engine's view of itself: role, set, view and leader, highest quorum certificate, last finalized block",
      params: [],
      type: 'Json',
    },
    partners: {
      description: 'Every partner in any status: account, chain, status, revenue and vote weight, reputation, bond (decimal string), payout, relayers, health',
      params: [at],
      type: 'Vec<Json>',
    },
    partnerHealth: {
      description: "Every partner's light client: best verified header, trusted set, blocks since its last header and storage proof",
      params: [at],
      type: 'Vec<Json>',
    },
    currentEra: {
      description: 'The running revenue era: index, start, length, pot by source, mode, shares (parts per billion)',
      params: [at],
      type: 'Json',
    },
    eraReport: {
      description: 'The report of a closed revenue era by source and recipient class, or null if it is not in the history',
      params: [{ name: 'era', type: 'u32' }, at],
      type: 'Option<Json>',
    },
    auditRange: {
      description: "The audit trail's records of blocks from..=to with an MMR proof at `at` (a finalized block above `to`)",
      params: [{ name: 'from', type: 'u32' }, { name: 'to', type: 'u32' }, at],
      type: 'Json',
    },
    proveFinality: {
      description: "A SCALE ProofBundle proving `block` (None: the last finalized) final for a verifier trusting set `fromSetId`",
      params: [{ name: 'block', type: 'Option<BlockHash>' }, { name: 'fromSetId', type: 'u64' }],
      type: 'Bytes',
    },
    proofBundle: {
      description: 'proveFinality plus a read proof of `keys` at `block`',
      params: [{ name: 'keys', type: 'Vec<Bytes>' }, { name: 'block', type: 'Option<BlockHash>' }, { name: 'fromSetId', type: 'u64' }],
      type: 'Bytes',
    },
  },
};

export default rpc;
