// What the end-to-end scripts share: checks that exit on the first failure, a global timeout,
// the dev accounts with explicit nonces (several extrinsics of one account in one block, in
// order), following new heads, and sending an extrinsic until it is in a block.
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';

export async function harness(url, timeoutS) {
  const t = { checks: 0, head: 0 };
  t.fail = (msg) => { console.error(`FAIL: ${msg}`); process.exit(1); };
  t.check = (cond, msg) => { if (!cond) t.fail(msg); t.checks += 1; console.log(`ok - ${msg}`); };
  setTimeout(() => t.fail(`timed out after ${timeoutS} s`), timeoutS * 1000).unref();

  t.provider = new WsProvider(url);
  const api = t.api = await ApiPromise.create({ provider: t.provider, noInitWarn: true });
  t.keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const names = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'];
  t.accounts = names.map((n) => t.keyring.addFromUri(`//${n}`));
  t.names = new Map(t.accounts.map((a, i) => [a.address, names[i]]));

  const nonces = new Map();
  for (const p of t.accounts) nonces.set(p.address, (await api.rpc.system.accountNextIndex(p.address)).toNumber());
  const takeNonce = (p) => { const n = nonces.get(p.address); nonces.set(p.address, n + 1); return n; };

  t.head = (await api.rpc.chain.getHeader()).number.toNumber();
  const waiters = [];
  await api.rpc.chain.subscribeNewHeads((h) => {
    t.head = Math.max(t.head, h.number.toNumber());
    for (const w of waiters.splice(0)) if (t.head >= w.n) w.resolve(t.head); else waiters.push(w);
  });
  t.waitHead = (n) => (t.head >= n ? Promise.resolve(t.head) : new Promise((resolve) => waiters.push({ n, resolve })));

  t.errName = (e) => {
    if (!e) return null;
    if (e.isModule) { const m = api.registry.findMetaError(e.asModule); return `${m.section}.${m.name}`; }
    return e.type;
  };

  /// Sign and send; resolves once in a block with the block hash, its parent, number, this
  /// extrinsic's events and the named dispatch error (null on success).
  t.send = (tx, signer, label) => {
    const nonce = takeNonce(signer);
    return new Promise((resolve, reject) => {
      let unsub = null; let done = false;
      tx.signAndSend(signer, { nonce }, async (r) => {
        if (done) return;
        // A status stream may go from Ready straight to Finalized (seen with a 2.8 MB extrinsic):
        // finalized means included too.
        if (r.status.isInBlock || r.status.isFinalized) {
          done = true; if (unsub) unsub();
          const hash = r.status.isInBlock ? r.status.asInBlock : r.status.asFinalized;
          const header = await api.rpc.chain.getHeader(hash);
          resolve({ label, hash, parent: header.parentHash, number: header.number.toNumber(),
            events: r.events.map((e) => e.event), error: t.errName(r.dispatchError) });
        } else if (r.status.isInvalid || r.status.isDropped || r.status.isUsurped) {
          done = true; if (unsub) unsub();
          reject(new Error(`${label}: ${r.status.type}`));
        }
      }).then((u) => { unsub = u; if (done) u(); }).catch((e) => reject(new Error(`${label}: ${e.message}`)));
    }).catch((e) => t.fail(e.message));
  };

  t.ok = (r) => t.check(r.error === null, `${r.label} succeeds (block #${r.number})`);
  t.failsWith = (r, name) => t.check(r.error === name, `${r.label} fails with ${name} (got ${r.error}, block #${r.number})`);
  t.hasEvent = (events, section, method, pred = () => true) =>
    events.some((e) => e.section === section && e.method === method && pred(e.data));
  return t;
}
