// polkadot.js against a running bpci-node, unchanged: connect, read metadata and constants,
// transfer, follow finality; BPCI's own methods through their typed definitions (@bpci/api), as a
// dapp calls them. Exits non-zero on the first failed check.
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { rpc } from '../../dashboard/bpci-api/index.js';

const url = process.argv[2] ?? 'ws://127.0.0.1:9944';
const fail = (msg) => { console.error(`FAIL: ${msg}`); process.exit(1); };
const check = (cond, msg) => { if (!cond) fail(msg); console.log(`ok - ${msg}`); };
setTimeout(() => fail('timed out after 180 s'), 180_000).unref();

const provider = new WsProvider(url);
const api = await ApiPromise.create({ provider, rpc, noInitWarn: true });
check(api.runtimeVersion.specName.toString() === 'bpci', `spec name is bpci (${api.runtimeVersion.specName})`);
check(api.runtimeMetadata.version >= 14, `metadata v${api.runtimeMetadata.version}`);
const props = await api.rpc.system.properties();
check(props.tokenSymbol.unwrap()[0].toString() === 'BPCI', 'token symbol BPCI');
check(props.tokenDecimals.unwrap()[0].toNumber() === 12, 'token decimals 12');
check(api.consts.system.ss58Prefix.toNumber() === 42, 'ss58 prefix 42');
check(api.consts.balances.existentialDeposit.toBigInt() > 0n, 'existential deposit constant');
check(typeof api.tx.session.setKeys === 'function', 'session.setKeys is callable');

const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
const alice = keyring.addFromUri('//Alice');
const bob = keyring.addFromUri('//Bob');
const before = (await api.query.system.account(bob.address)).data.free.toBigInt();
const amount = 1_000_000_000_000n;

const finalizedIn = await new Promise((resolve, reject) => {
  api.tx.balances.transferKeepAlive(bob.address, amount)
    .signAndSend(alice, ({ status, dispatchError }) => {
      if (dispatchError) reject(new Error(dispatchError.toString()));
      if (status.isFinalized) resolve(status.asFinalized);
    })
    .catch(reject);
}).catch((e) => fail(`transfer: ${e.message}`));
check(true, `transfer finalized in ${finalizedIn.toHex()}`);

const apiAt = await api.at(finalizedIn);
const after = (await apiAt.query.system.account(bob.address)).data.free.toBigInt();
check(after - before === amount, `Bob received ${amount} (${before} -> ${after})`);

const finalizedHead = await api.rpc.chain.getFinalizedHead();
const head = await api.rpc.chain.getHeader();
const finNum = (await api.rpc.chain.getHeader(finalizedHead)).number.toNumber();
check(head.number.toNumber() - finNum <= 2, `finality follows the head (best ${head.number}, finalized ${finNum})`);

const status = (await api.rpc.bpci.consensusStatus()).toJSON();
check(status.role === 'validator' && status.validators === 1, 'api.rpc.bpci.consensusStatus answers');
const raw = await provider.send('bpci_consensusStatus', []);
check(raw.setId === status.setId && raw.role === status.role, 'the same over raw JSON-RPC (bpci_consensusStatus)');

// Partnership pallets: constants, storage and our RPC.
check(api.consts.partners.maxPartners.toNumber() === 64, 'partners.maxPartners constant');
check(api.consts.roundtable.disputeDeposit.toBigInt() > 0n, 'roundtable.disputeDeposit constant');
check(api.consts.referenda.tracks.length === 5, 'referenda.tracks: the five roundtable tracks');
const shares = await api.query.revenue.currentShares();
check(shares.validators.toNumber() === 400_000_000 && shares.partners.toNumber() === 50_000_000,
  'revenue.currentShares is 40/25/15/15/5');
const partners = (await api.rpc.bpci.partners()).toJSON();
check(partners.length === 2 && partners.every((p) => p.status === 'Active' && p.voteWeight === 1),
  `bpci_partners lists two active genesis partners (${partners.map((p) => p.chainName).join(', ')})`);
check(partners.some((p) => p.account === alice.address) && partners.some((p) => p.account === bob.address),
  'bpci_partners: Alice and Bob');
check(partners.every((p) => typeof p.unhealthy === 'boolean' && Number.isInteger(p.blocksSinceHeader)),
  'bpci_partners: each active partner with its health (blocksSinceHeader, unhealthy)');
const era = (await api.rpc.bpci.currentEra()).toJSON();
check(era.length === 10 && era.mode === 'Testnet', `bpci_currentEra (era ${era.index}, length ${era.length})`);
// Read at a given block: genesis is era 0; a report of a later era is null there, present at the head.
const genesis = await api.rpc.chain.getBlockHash(0);
check((await api.rpc.bpci.currentEra(genesis)).toJSON().index === 0, 'bpci_currentEra at genesis: era 0');
if (era.index > 0) {
  const report = (await api.rpc.bpci.eraReport(era.index - 1)).unwrap().toJSON();
  check(BigInt(report.distributed) + BigInt(report.carriedOut) + BigInt(report.withheld) === BigInt(report.pot),
    `bpci_eraReport(${era.index - 1}) accounts for its whole pot`);
  check((await api.rpc.bpci.eraReport(era.index - 1, genesis)).isNone, `bpci_eraReport(${era.index - 1}) at genesis: none`);
}
const unknown = await api.rpc.bpci.partners('0x' + '07'.repeat(32)).then(() => null, (e) => e.message);
check(unknown !== null && unknown.includes('unknown block'), `bpci_partners at an unknown block is refused (${unknown})`);
const proof = await api.rpc.bpci.proveFinality(null, 0);
check(proof.length > 100 && proof[0] === 1, `bpci_proveFinality: a ${proof.length}-byte ProofBundle (V1)`);

// The audit trail: every header carries the log's state, and a finalized range comes with its proof.
const fin = await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead());
const audt = fin.digest.logs.filter((l) => l.isConsensus && l.asConsensus[0].toHex() === '0x61756474');
check(audt.length === 1, `the finalized header #${fin.number} carries one audit digest`);
const range = (await api.rpc.bpci.auditRange(1, 1)).toJSON();
check(range.blocks.length === 1 && range.blocks[0].number === 1 && range.leaves.length === 1 && range.log.leaves >= 2,
  `bpci_auditRange: block #1, its leaf and a log proof at #${range.checkpoint.number}`);

await api.disconnect();
console.log('conformance: all checks passed');
process.exit(0);
