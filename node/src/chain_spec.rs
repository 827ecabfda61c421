//! Built-in chain specifications, made from the runtime's genesis presets.

use bpci_runtime::{TOKEN_DECIMALS, TOKEN_SYMBOL, WASM_BINARY};
use sc_service::ChainType;

pub type ChainSpec = sc_service::GenericChainSpec;

fn properties() -> sc_service::Properties {
    let mut p = sc_service::Properties::new();
    p.insert("tokenSymbol".into(), TOKEN_SYMBOL.into());
    p.insert("tokenDecimals".into(), TOKEN_DECIMALS.into());
    p.insert("ss58Format".into(), 42.into());
    p
}

/// The runtime's genesis preset `id`, as a patch of its default genesis config. Read from the
/// runtime crate the node links, the source its WASM is built from (genesis_state's tests check
/// that the WASM holds the same presets): a spec naming the preset instead makes sc-chain-spec
/// compile the WASM just to ask it, at every start (genesis_state.rs).
fn preset(id: &str) -> Result<serde_json::Value, String> {
    let json = bpci_runtime::genesis_config_presets::get_preset(&id.into()).ok_or_else(|| format!("the runtime has no genesis preset `{id}`"))?;
    serde_json::from_slice(&json).map_err(|e| format!("the runtime's genesis preset `{id}` is not JSON: {e}"))
}

fn wasm() -> Result<&'static [u8], String> {
    WASM_BINARY.ok_or_else(|| "this bpci-node was built without the WASM runtime (SKIP_WASM_BUILD)".to_string())
}

pub fn development_config() -> Result<ChainSpec, String> {
    Ok(ChainSpec::builder(wasm()?, None)
        .with_name("BPCI Development")
        .with_id("bpci_dev")
        .with_chain_type(ChainType::Development)
        .with_genesis_config_patch(preset(sp_genesis_builder::DEV_RUNTIME_PRESET)?)
        .with_properties(properties())
        .build())
}

pub fn local_config() -> Result<ChainSpec, String> {
    Ok(ChainSpec::builder(wasm()?, None)
        .with_name("BPCI Local Testnet")
        .with_id("bpci_local")
        .with_chain_type(ChainType::Local)
        .with_genesis_config_patch(preset(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET)?)
        .with_properties(properties())
        .build())
}

/// Id of the production template: a node refuses to run a chain with it.
pub const BPCI_TEMPLATE_ID: &str = "bpci_template";

/// The production genesis: no sudo, mainnet economics. Its validators and partners are
/// placeholders with well-known development keys, so it is a template: export it, put the
/// network's own keys in and give it an id of its own before launch (docs/operator.md). A node
/// refuses to run it as it is (anyone holding the development seeds would control the chain).
pub fn bpci_config() -> Result<ChainSpec, String> {
    Ok(ChainSpec::builder(wasm()?, None)
        .with_name("BPCI (template: replace its keys)")
        .with_id(BPCI_TEMPLATE_ID)
        .with_chain_type(ChainType::Live)
        .with_genesis_config_patch(preset(bpci_runtime::genesis_config_presets::BPCI_PRESET)?)
        .with_properties(properties())
        .build())
}
