//! Helpers for tests that run the real `bpci-node` binary on loopback ports.
#![allow(dead_code)]

use codec::{Decode, Encode};
use serde_json::{json, Value};
use std::{
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// A directory for a test's nodes, removed afterwards unless `BPCI_KEEP_TEST_DIRS` is set (then
/// its path is printed, so the nodes' full logs can be read after a failure).
pub fn test_dir() -> tempfile::TempDir {
    let mut dir = tempfile::tempdir().unwrap();
    if std::env::var_os("BPCI_KEEP_TEST_DIRS").is_some() {
        dir.disable_cleanup(true);
        eprintln!("test directory kept: {}", dir.path().display());
    }
    dir
}

/// A loopback port free now and never handed out before in this process.
///
/// The suite runs under cargo-nextest (scripts/test.sh), one process per test and several at a
/// time, so a list kept in this process cannot keep two tests apart, and a port the kernel hands
/// out for `bind(0)` can be handed to another test, or taken by some process's outgoing connection,
/// before the node asked to serve on it starts (`bpci-node`, like every Substrate node, then serves
/// on a random port, and the test waits on the wrong one: seen in CI). So each running test takes
/// its own block of ports below the kernel's ephemeral range (32768 up on Debian), numbered by
/// nextest's `NEXTEST_TEST_GLOBAL_SLOT` (unique among the tests of a run running at once, 0 under
/// plain `cargo test`, which runs one test binary at a time), and within it the next port that
/// binds. The blocks of a run start at an offset drawn from its run id (the process id under plain
/// `cargo test`), so that two runs on one machine seldom share a block.
pub fn free_port() -> u16 {
    const FIRST: u16 = 20_000;
    const BLOCK: u16 = 250;
    const BLOCKS: u32 = 48; // up to 32_000
    static GIVEN: std::sync::Mutex<Vec<u16>> = std::sync::Mutex::new(Vec::new());
    let slot = std::env::var("NEXTEST_TEST_GLOBAL_SLOT").ok().and_then(|s| s.parse::<u32>().ok()).unwrap_or(0);
    let run = std::env::var("NEXTEST_RUN_ID")
        .map(|id| id.bytes().fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b))))
        .unwrap_or_else(|_| std::process::id());
    let start = FIRST + ((run.wrapping_add(slot) % BLOCKS) as u16) * BLOCK;
    let mut given = GIVEN.lock().unwrap_or_else(|e| e.into_inner());
    let port = (start..start + BLOCK)
        .find(|p| !given.contains(p) && TcpListener::bind(("127.0.0.1", *p)).is_ok())
        .expect("a free loopback port in this test's block");
    given.push(port);
    port
}

/// One cache of compiled runtimes for every node the suite starts (`--wasm-cache`), so the
/// runtime is compiled once rather than at each of the suite's node starts.
pub const WASM_CACHE: &str = concat!(env!("CARGO_TARGET_TMPDIR"), "/wasm-cache");

pub struct Node {
    pub child: Option<Child>,
    pub rpc_port: u16,
    pub p2p_port: u16,
    pub base: PathBuf,
    pub log: PathBuf,
    args: Vec<String>,
    /// A command the node runs under, e.g. `faketime -f +10s` for a clock that runs ahead.
    pub wrapper: Vec<String>,
    /// Where the node serves Prometheus metrics, if it does (most tests run without).
    pub prometheus_port: Option<u16>,
}

impl Node {
    /// Starts `bpci-node --dev` on fresh loopback ports with its data under `base`.
    pub fn dev(base: &Path, name: &str) -> Node {
        Self::dev_at(base, name, &base.join("data").display().to_string())
    }

    /// Like [`Node::dev`], with the chain data in `data` and the log under `base`.
    pub fn dev_at(base: &Path, name: &str, data: &str) -> Node {
        Self::with_args(base, name, data, &["--dev"])
    }

    /// A node with the given role/chain arguments, its data in `data` and its log under `base`.
    pub fn with_args(base: &Path, name: &str, data: &str, role: &[&str]) -> Node {
        Self::wrapped(base, name, data, role, &[])
    }

    /// Like [`Node::dev`], serving Prometheus metrics on a free loopback port ([`Node::metrics`]).
    pub fn dev_with_metrics(base: &Path, name: &str) -> Node {
        let mut n = Self::configured(base, name, &base.join("data").display().to_string(), &["--dev"], &[]);
        let port = free_port();
        let at = n.args.iter().position(|a| a == "--no-prometheus").expect("configured without metrics");
        n.args.splice(at..=at, ["--prometheus-port".to_string(), port.to_string()]);
        n.prometheus_port = Some(port);
        n.start();
        n
    }

    /// Like [`Node::dev`], with its own cache of compiled runtimes in `cache` instead of the suite's.
    pub fn dev_with_wasm_cache(base: &Path, name: &str, cache: &Path) -> Node {
        let mut n = Self::configured(base, name, &base.join("data").display().to_string(), &["--dev"], &[]);
        let at = n.args.iter().position(|a| a == WASM_CACHE).expect("configured with the suite's cache");
        n.args[at] = cache.display().to_string();
        n.start();
        n
    }

    /// [`Node::with_args`] run under `wrapper` (a command and its arguments, before the binary).
    pub fn wrapped(base: &Path, name: &str, data: &str, role: &[&str], wrapper: &[&str]) -> Node {
        let mut n = Self::configured(base, name, data, role, wrapper);
        n.start();
        n
    }

    fn configured(base: &Path, name: &str, data: &str, role: &[&str], wrapper: &[&str]) -> Node {
        let mut n = Node {
            child: None,
            rpc_port: free_port(),
            p2p_port: free_port(),
            base: base.to_path_buf(),
            log: base.join(format!("{name}.log")),
            args: vec![],
            wrapper: wrapper.iter().map(|s| s.to_string()).collect(),
            prometheus_port: None,
        };
        n.args = role.iter().map(|s| s.to_string()).collect();
        n.args.extend([
            "--base-path".into(),
            data.to_string(),
            "--rpc-port".into(),
            n.rpc_port.to_string(),
            "--no-prometheus".into(),
            "--no-telemetry".into(),
            "--no-mdns".into(),
            "--wasm-cache".into(),
            WASM_CACHE.into(),
            "--listen-addr".into(),
            format!("/ip4/127.0.0.1/tcp/{}", n.p2p_port),
        ]);
        n
    }

    /// The node's Prometheus exposition (text format); see [`Node::dev_with_metrics`].
    pub fn metrics(&self) -> String {
        let port = self.prometheus_port.expect("a node started with metrics");
        ureq::get(&format!("http://127.0.0.1:{port}/metrics"))
            .timeout(Duration::from_secs(10))
            .call()
            .and_then(|r| Ok(r.into_string()?))
            .unwrap_or_else(|e| panic!("metrics endpoint: {e}"))
    }

    pub fn start(&mut self) {
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&self.log).unwrap();
        let bin = env!("CARGO_BIN_EXE_bpci-node");
        let mut command = match self.wrapper.split_first() {
            Some((program, args)) => {
                let mut c = Command::new(program);
                c.args(args).arg(bin);
                c
            }
            None => Command::new(bin),
        };
        // Its own process group, so that signals reach the node under a wrapper too (faketime
        // runs it as a child: killing only the wrapper left the node running).
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let child = command
            .args(&self.args)
            .stdout(Stdio::from(log.try_clone().unwrap()))
            .stderr(Stdio::from(log))
            .spawn()
            .expect("start bpci-node");
        self.child = Some(child);
        self.wait_rpc(Duration::from_secs(120));
    }

    fn wait_rpc(&mut self, timeout: Duration) {
        let start = Instant::now();
        while start.elapsed() < timeout {
            if !self.is_running() {
                panic!("node exited; log:\n{}", self.log_tail());
            }
            if self.try_rpc("system_health", json!([])).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!("node RPC did not come up; log:\n{}", self.log_tail());
    }

    pub fn log_tail(&self) -> String {
        let s = std::fs::read_to_string(&self.log).unwrap_or_default();
        s.lines().rev().take(40).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join("\n")
    }

    pub fn signal(&mut self, sig: &str) {
        if let Some(mut child) = self.child.take() {
            Command::new("kill").args([sig, "--", &format!("-{}", child.id())]).status().unwrap();
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(30) {
                if child.try_wait().unwrap().is_some() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", child.id())]).status();
            child.wait().unwrap();
        }
    }

    pub fn is_running(&mut self) -> bool {
        self.child.as_mut().is_some_and(|c| c.try_wait().unwrap().is_none())
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.rpc_port)
    }

    /// Posts a raw body; returns the parsed JSON answer.
    pub fn post_raw(&self, body: &str) -> Value {
        match ureq::post(&self.url()).set("Content-Type", "application/json").send_string(body) {
            Ok(r) => r.into_json().unwrap(),
            Err(ureq::Error::Status(_, r)) => r.into_json().unwrap_or(Value::Null),
            Err(e) => panic!("transport error: {e}"),
        }
    }

    pub fn try_rpc(&self, method: &str, params: Value) -> Result<Value, Value> {
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let resp = ureq::post(&self.url())
            .timeout(Duration::from_secs(10))
            .send_json(body)
            .map_err(|e| json!(e.to_string()))?;
        let v: Value = resp.into_json().map_err(|e| json!(e.to_string()))?;
        match v.get("error") {
            Some(e) => Err(e.clone()),
            None => Ok(v["result"].clone()),
        }
    }

    pub fn rpc(&self, method: &str, params: Value) -> Value {
        self.try_rpc(method, params).unwrap_or_else(|e| panic!("{method} failed: {e}"))
    }

    pub fn best_number(&self) -> u32 {
        hex_u32(&self.rpc("chain_getHeader", json!([]))["number"])
    }

    pub fn finalized_number(&self) -> u32 {
        let hash = self.rpc("chain_getFinalizedHead", json!([]));
        hex_u32(&self.rpc("chain_getHeader", json!([hash]))["number"])
    }

    pub fn wait_until(&self, what: &str, timeout: Duration, mut f: impl FnMut(&Node) -> bool) {
        let start = Instant::now();
        while start.elapsed() < timeout {
            if f(self) {
                return;
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        panic!("timed out waiting for {what}; log:\n{}", self.log_tail());
    }

    /// SCALE-decodes the result of a runtime API call at `at` (or best).
    pub fn state_call<T: Decode>(&self, method: &str, args: &[u8], at: Option<&str>) -> T {
        let mut params = vec![json!(method), json!(format!("0x{}", hex::encode(args)))];
        if let Some(at) = at {
            params.push(json!(at));
        }
        let out = self.rpc("state_call", Value::Array(params));
        T::decode(&mut &from_hex(&out)[..]).unwrap()
    }

    pub fn submit(&self, xt: &impl Encode) -> Result<Value, Value> {
        self.try_rpc("author_submitExtrinsic", json!([format!("0x{}", hex::encode(xt.encode()))]))
    }

    /// Submits over WebSocket with `author_submitAndWatchExtrinsic`, as polkadot.js and subxt do;
    /// the returned watch yields the transaction's statuses.
    pub fn submit_and_watch(&self, xt: &impl Encode) -> Watch {
        let stream = std::net::TcpStream::connect(("127.0.0.1", self.rpc_port)).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let url = format!("ws://127.0.0.1:{}", self.rpc_port);
        let (mut socket, _) = tungstenite::client(url.as_str(), stream).expect("websocket handshake");
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": "author_submitAndWatchExtrinsic",
            "params": [format!("0x{}", hex::encode(xt.encode()))]});
        socket.send(tungstenite::Message::text(body.to_string())).unwrap();
        Watch { socket }
    }
}

/// Submits `count` transfers of `from` through `node`, each watched on its own connection, and
/// checks what a polkadot.js or subxt client waiting for `InBlock` and then `Finalized` relies on:
/// every transaction reports `inBlock`, then `finalized`, nothing after, and the two at least
/// [`MIN_STATUS_GAP`] apart (polkadot.js drops an `InBlock` whose block events it has not fetched
/// when `Finalized` arrives). A block that loses its view is `retracted`, which polkadot.js and
/// subxt handle; the transaction must then be reported `inBlock` again, in the block that is finalized.
pub fn check_transfers_reported_in_block_then_finalized(node: &Node, from: sp_keyring::Sr25519Keyring, count: u32, what: &str) {
    let genesis = sp_core::H256::from_slice(&from_hex(&node.rpc("chain_getBlockHash", json!([0]))));
    // The first runtime call of a node just restarted waits for the runtime to be compiled, which
    // on a loaded machine outlasts one RPC timeout.
    let mut first = None;
    node.wait_until("the account's next nonce", Duration::from_secs(120), |n| {
        first = n.try_rpc("system_accountNextIndex", json!([from.to_account_id().to_string()])).ok().and_then(|v| v.as_u64());
        first.is_some()
    });
    let first = first.expect("checked") as u32;
    // Each subscription is read from the moment it exists: statuses that wait in a socket until
    // the others are submitted would arrive "together" however far apart the node sent them.
    let threads: Vec<_> = (first..first + count)
        .map(|nonce| {
            let w = node.submit_and_watch(&tx::signed(tx::transfer(sp_keyring::Sr25519Keyring::Ferdie, 1_000_000_000_000), from, nonce, genesis));
            std::thread::spawn(move || w.statuses(Duration::from_secs(90)))
        })
        .collect();
    for (i, t) in threads.into_iter().enumerate() {
        let seen = t.join().unwrap();
        let names: Vec<&str> = seen.iter().map(|(s, _)| s.as_str()).collect();
        let last = |name: &str| seen.iter().rposition(|(s, _)| s == name);
        let in_block = last("inBlock");
        let re_included = last("retracted").is_none_or(|r| in_block.is_some_and(|b| b > r));
        let ordered = re_included && matches!((in_block, last("finalized")), (Some(b), Some(f)) if b < f && f + 1 == seen.len());
        assert!(ordered, "{what}: transfer {i} of {count} reported {names:?}, not inBlock then finalized; log:\n{}", node.log_tail());
        let gap = seen[last("finalized").unwrap()].1 - seen[in_block.unwrap()].1;
        assert!(gap >= MIN_STATUS_GAP, "{what}: transfer {i} of {count}: finalized only {gap:?} after inBlock");
    }
}

/// Least time a client must see between `InBlock` and `Finalized` (the node's gap is 250 ms; this
/// leaves room for delivery jitter on a loaded machine).
pub const MIN_STATUS_GAP: Duration = Duration::from_millis(100);

/// One transaction's status subscription.
pub struct Watch {
    socket: tungstenite::WebSocket<std::net::TcpStream>,
}

impl Watch {
    /// The status names in the order the node reported them (`ready`, `broadcast`, `inBlock`,
    /// `finalized`, ...) with when each arrived, until a final one or `timeout`; an RPC error is
    /// reported as `error: ...`.
    pub fn statuses(mut self, timeout: Duration) -> Vec<(String, Instant)> {
        let start = Instant::now();
        let mut seen = Vec::new();
        while start.elapsed() < timeout {
            let text = match self.socket.read() {
                Ok(tungstenite::Message::Text(t)) => t.as_str().to_string(),
                Ok(_) => continue,
                Err(tungstenite::Error::Io(e)) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => continue,
                Err(e) => {
                    seen.push((format!("closed: {e}"), Instant::now()));
                    break;
                }
            };
            let v: Value = serde_json::from_str(&text).unwrap();
            if let Some(e) = v.get("error") {
                seen.push((format!("error: {e}"), Instant::now()));
                break;
            }
            let result = &v["params"]["result"];
            let name = match result {
                Value::String(s) => s.clone(),
                Value::Object(o) => o.keys().next().cloned().unwrap_or_default(),
                _ => continue,
            };
            let done = matches!(name.as_str(), "finalized" | "usurped" | "finalityTimeout" | "invalid" | "dropped");
            seen.push((name, Instant::now()));
            if done {
                break;
            }
        }
        seen
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", c.id())]).status();
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Every metric the operator's monitoring files (`monitoring/`: the Prometheus alert rules and the
/// Grafana dashboard) query: lower-case names starting `bpci_` or `substrate_`, as written
/// (a histogram's `_bucket` series included).
pub fn monitored_metric_names() -> std::collections::BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../monitoring");
    let mut names = std::collections::BTreeSet::new();
    for file in ["prometheus/alerts.yml", "grafana/bpci-node.json"] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
            let metric = word.starts_with("bpci_") || word.starts_with("substrate_");
            if metric && !word.chars().any(|c| c.is_ascii_uppercase()) {
                names.insert(word.to_string());
            }
        }
    }
    names
}

/// Names in `names` with no sample in the exposition `metrics`.
pub fn missing_metrics<'a>(names: &'a std::collections::BTreeSet<String>, metrics: &str) -> Vec<&'a str> {
    let exported: std::collections::BTreeSet<&str> = metrics
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split(|c| c == '{' || c == ' ').next())
        .collect();
    names.iter().map(String::as_str).filter(|n| !exported.contains(n)).collect()
}

pub fn hex_u32(v: &Value) -> u32 {
    u32::from_str_radix(v.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

pub fn from_hex(v: &Value) -> Vec<u8> {
    hex::decode(v.as_str().unwrap().trim_start_matches("0x")).unwrap()
}

pub mod tx {
    //! Signed extrinsics built the way a wallet builds them.
    use bpci_runtime::{Runtime, RuntimeCall, SignedPayload, TxExtension, UncheckedExtrinsic, VERSION};
    use codec::Encode;
    use sp_core::{Pair, H256};
    use sp_keyring::Sr25519Keyring;
    use sp_runtime::generic::Era;

    pub fn extension(nonce: u32) -> TxExtension {
        extension_with_tip(nonce, 0)
    }

    /// A tip raises the transaction's priority in the pool (and its fee).
    pub fn extension_with_tip(nonce: u32, tip: u128) -> TxExtension {
        (
            frame_system::AuthorizeCall::<Runtime>::new(),
            frame_system::CheckNonZeroSender::<Runtime>::new(),
            frame_system::CheckSpecVersion::<Runtime>::new(),
            frame_system::CheckTxVersion::<Runtime>::new(),
            frame_system::CheckGenesis::<Runtime>::new(),
            frame_system::CheckEra::<Runtime>::from(Era::Immortal),
            frame_system::CheckNonce::<Runtime>::from(nonce),
            frame_system::CheckWeight::<Runtime>::new(),
            pallet_bridge::RejectObsoleteBridgeProofs::<Runtime>::new(),
            pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(tip),
            frame_system::WeightReclaim::<Runtime>::new(),
        )
    }

    pub fn signed(call: RuntimeCall, from: Sr25519Keyring, nonce: u32, genesis: H256) -> UncheckedExtrinsic {
        signed_by(call, from, from, nonce, genesis)
    }

    /// Signed by `signer` but claiming to come from `from` (for bad-signature tests when they differ).
    pub fn signed_by(call: RuntimeCall, from: Sr25519Keyring, signer: Sr25519Keyring, nonce: u32, genesis: H256) -> UncheckedExtrinsic {
        signed_for(call, from, signer, nonce, genesis, VERSION.spec_version)
    }

    /// Signed for a given runtime `spec_version` (which the signature commits to).
    pub fn signed_for(
        call: RuntimeCall,
        from: Sr25519Keyring,
        signer: Sr25519Keyring,
        nonce: u32,
        genesis: H256,
        spec_version: u32,
    ) -> UncheckedExtrinsic {
        sign(call, from, signer, extension(nonce), genesis, spec_version)
    }

    /// Signed with a tip of `tip`.
    pub fn signed_with_tip(call: RuntimeCall, from: Sr25519Keyring, nonce: u32, genesis: H256, tip: u128) -> UncheckedExtrinsic {
        sign(call, from, from, extension_with_tip(nonce, tip), genesis, VERSION.spec_version)
    }

    fn sign(call: RuntimeCall, from: Sr25519Keyring, signer: Sr25519Keyring, ext: TxExtension, genesis: H256, spec_version: u32) -> UncheckedExtrinsic {
        let implicit = ((), (), spec_version, VERSION.transaction_version, genesis, genesis, (), (), (), (), ());
        let payload = SignedPayload::from_raw(call.clone(), ext.clone(), implicit);
        let sig = payload.using_encoded(|p| signer.pair().sign(p));
        UncheckedExtrinsic::new_signed(call, from.to_account_id().into(), sig.into(), ext)
    }

    pub fn transfer(to: Sr25519Keyring, amount: u128) -> RuntimeCall {
        RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive { dest: to.to_account_id().into(), value: amount })
    }
}
