//! The genesis state of a chain spec, built with the node's own WASM executor.
//!
//! sc-chain-spec builds a spec's genesis by running the runtime's `GenesisBuilder` API in a
//! throw-away executor of its own: it compiles the runtime each time it resolves a spec (twice for
//! a built-in one), without the node's `--wasm-cache`, before the node's executor compiles it once
//! more. A debug node spent 10 of its 11 CPU-seconds of start-up there. Here the node's executor
//! runs the same two runtime calls (`GenesisBuilder_get_preset`, `GenesisBuilder_build_state`), so a
//! start compiles the runtime once, and not at all when `--wasm-cache` holds it.
//!
//! A raw spec (or one that gives only a state root) needs no runtime: it is left to sc-chain-spec.

use codec::{Decode, Encode};
use sc_executor::{HostFunctions, WasmExecutor};
use serde_json::Value;
use sp_core::traits::{CallContext, CodeExecutor, RuntimeCode, WrappedRuntimeCode};
use sp_core::storage::Storage;
use sp_state_machine::BasicExternalities;

/// The genesis storage of `spec`, as `spec.as_storage_builder().build_storage()` builds it, with
/// the runtime run by `executor`.
pub fn build<H: HostFunctions>(spec: &dyn sc_service::ChainSpec, executor: &WasmExecutor<H>) -> Result<Storage, String> {
    // The spec's genesis is read back from its JSON (sc-chain-spec has no other accessor); a raw
    // genesis in it is skipped unparsed, however large an exported state is.
    let probe: SpecProbe =
        serde_json::from_str(&spec.as_json(false)?).map_err(|e| format!("the chain spec's JSON does not parse: {e}"))?;
    let Some(runtime_genesis) = probe.genesis.runtime_genesis else {
        return sp_runtime::BuildStorage::build_storage(spec.as_storage_builder());
    };
    let code = hex::decode(runtime_genesis.code.trim_start_matches("0x"))
        .map_err(|e| format!("the chain spec's runtimeGenesis `code` is not hex: {e}"))?;
    let runtime = Runtime::new(&code, executor);
    let config = match (runtime_genesis.config, runtime_genesis.patch) {
        (Some(config), None) => config,
        (None, Some(patch)) => {
            let mut config = runtime.default_config()?;
            sc_chain_spec::json_merge(&mut config, patch);
            config
        }
        _ => return Err("the chain spec's runtimeGenesis needs exactly one of `config` and `patch`".into()),
    };
    let mut storage = runtime.build_state(&config)?;
    storage.top.insert(sp_core::storage::well_known_keys::CODE.to_vec(), code);
    Ok(storage)
}

#[derive(serde::Deserialize)]
struct SpecProbe {
    genesis: GenesisProbe,
}

#[derive(serde::Deserialize)]
struct GenesisProbe {
    #[serde(rename = "runtimeGenesis")]
    runtime_genesis: Option<RuntimeGenesisProbe>,
}

#[derive(serde::Deserialize)]
struct RuntimeGenesisProbe {
    code: String,
    config: Option<Value>,
    patch: Option<Value>,
}

struct Runtime<'a, H: HostFunctions> {
    code: WrappedRuntimeCode<'a>,
    // The client asks the executor for a runtime by the hash of `:code`; the same key here lets
    // the node's first runtime call reuse the instance compiled for the genesis.
    hash: Vec<u8>,
    executor: &'a WasmExecutor<H>,
}

impl<'a, H: HostFunctions> Runtime<'a, H> {
    fn new(code: &'a [u8], executor: &'a WasmExecutor<H>) -> Self {
        Self { code: WrappedRuntimeCode(code.into()), hash: sp_io::hashing::blake2_256(code).to_vec(), executor }
    }

    fn call(&self, ext: &mut BasicExternalities, method: &str, data: &[u8]) -> Result<Vec<u8>, String> {
        let code = RuntimeCode { code_fetcher: &self.code, heap_pages: None, hash: self.hash.clone() };
        self.executor
            .call(ext, &code, method, data, CallContext::Offchain)
            .0
            .map_err(|e| format!("the chain spec's runtime failed in {method}: {e}"))
    }

    /// The runtime's default `RuntimeGenesisConfig`, which a spec's `patch` is merged into.
    fn default_config(&self) -> Result<Value, String> {
        let out = self.call(&mut BasicExternalities::new_empty(), "GenesisBuilder_get_preset", &None::<String>.encode())?;
        let json = Option::<Vec<u8>>::decode(&mut &out[..])
            .map_err(|e| format!("GenesisBuilder_get_preset returned no valid answer: {e}"))?
            .ok_or("the chain spec's runtime has no default genesis config")?;
        serde_json::from_slice(&json).map_err(|e| format!("the runtime's default genesis config is not JSON: {e}"))
    }

    fn build_state(&self, config: &Value) -> Result<Storage, String> {
        let mut ext = BasicExternalities::new_empty();
        // Pretty-printed as sc-chain-spec passes it: the runtime sees the same bytes either way.
        let json = serde_json::to_string_pretty(config).map_err(|e| e.to_string())?;
        let out = self.call(&mut ext, "GenesisBuilder_build_state", &json.encode())?;
        sp_genesis_builder::Result::decode(&mut &out[..])
            .map_err(|e| format!("GenesisBuilder_build_state returned no valid answer: {e}"))?
            .map_err(|e| format!("the chain spec's genesis config is invalid: {e}"))?;
        Ok(ext.into_storages())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain_spec::{self, ChainSpec};
    use sp_runtime::BuildStorage;

    fn executor() -> WasmExecutor<crate::service::HostFunctions> {
        WasmExecutor::builder().build()
    }

    fn same(a: Storage, b: Storage) -> bool {
        a.top == b.top && a.children_default == b.children_default
    }

    fn spec_with_genesis(genesis: Value) -> ChainSpec {
        let mut json: Value = serde_json::from_str(&chain_spec::development_config().unwrap().as_json(false).unwrap()).unwrap();
        json["genesis"] = genesis;
        ChainSpec::from_json_bytes(serde_json::to_vec(&json).unwrap()).unwrap()
    }

    fn code_of(spec: &ChainSpec) -> Value {
        serde_json::from_str::<Value>(&spec.as_json(false).unwrap()).unwrap()["genesis"]["runtimeGenesis"]["code"].clone()
    }

    /// Every genesis form a spec can take gives the state sc-chain-spec gives it: a node built
    /// on this and a tool built on sc-chain-spec agree on the genesis hash. (Each call into
    /// sc-chain-spec compiles the runtime, so it is asked once per spec.)
    #[test]
    fn the_genesis_is_the_one_sc_chain_spec_builds() {
        let executor = executor();
        for spec in [chain_spec::development_config(), chain_spec::local_config(), chain_spec::bpci_config()] {
            let spec = spec.unwrap();
            let expected = spec.build_storage().unwrap();
            assert!(same(build(&spec, &executor).unwrap(), expected.clone()), "{}", spec.id());
            let mut raw = spec.clone();
            sc_service::ChainSpec::set_storage(&mut raw, expected.clone());
            assert!(serde_json::from_str::<Value>(&raw.as_json(false).unwrap()).unwrap().pointer("/genesis/raw").is_some());
            assert!(same(build(&raw, &executor).unwrap(), expected), "raw {}", spec.id());
        }
        // A full config rather than a patch: the runtime's default config, as an operator exports it.
        let code = code_of(&chain_spec::development_config().unwrap());
        let wasm = hex::decode(code.as_str().unwrap().trim_start_matches("0x")).unwrap();
        let config = Runtime::new(&wasm, &executor).default_config().unwrap();
        let full = spec_with_genesis(serde_json::json!({ "runtimeGenesis": { "code": code, "config": config } }));
        assert!(same(build(&full, &executor).unwrap(), full.build_storage().unwrap()));
    }

    /// The built-in specs take their presets from the runtime crate the node links
    /// (chain_spec.rs); the WASM they carry must hold the same presets.
    #[test]
    fn the_linked_presets_are_the_wasm_presets() {
        let executor = executor();
        let code = code_of(&chain_spec::development_config().unwrap());
        let wasm = hex::decode(code.as_str().unwrap().trim_start_matches("0x")).unwrap();
        let runtime = Runtime::new(&wasm, &executor);
        for id in bpci_runtime::genesis_config_presets::preset_names() {
            let out = runtime.call(&mut BasicExternalities::new_empty(), "GenesisBuilder_get_preset", &Some(id.clone()).encode()).unwrap();
            let in_wasm = Option::<Vec<u8>>::decode(&mut &out[..]).unwrap().expect("the WASM has the preset");
            assert_eq!(Some(in_wasm), bpci_runtime::genesis_config_presets::get_preset(&id), "{id:?}");
        }
    }

    /// A spec the runtime rejects, or whose code is no runtime, is an error naming the cause, not
    /// a panic (sc-chain-spec panics when a preset is not JSON).
    #[test]
    fn a_bad_genesis_is_an_error() {
        let executor = executor();
        let code = code_of(&chain_spec::development_config().unwrap());
        let cases = [
            (serde_json::json!({ "runtimeGenesis": { "code": code, "patch": { "balances": { "balances": "all of them" } } } }), "genesis config is invalid"),
            (serde_json::json!({ "runtimeGenesis": { "code": code, "patch": { "noSuchPallet": {} } } }), "genesis config is invalid"),
            (serde_json::json!({ "runtimeGenesis": { "code": "0x0061736d", "patch": {} } }), "runtime failed"),
        ];
        for (genesis, expected) in cases {
            let err = build(&spec_with_genesis(genesis), &executor).unwrap_err();
            assert!(err.contains(expected), "expected `{expected}`, got: {err}");
        }
    }
}
