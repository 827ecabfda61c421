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

fn wasm() -> Result<&'static [u8], String> {
    WASM_BINARY.ok_or_else(|| "this bpci-node was built without the WASM runtime (SKIP_WASM_BUILD)".to_string())
}

pub fn development_config() -> Result<ChainSpec, String> {
    Ok(ChainSpec::builder(wasm()?, None)
        .with_name("BPCI Development")
        .with_id("bpci_dev")
        .with_chain_type(ChainType::Development)
        .with_genesis_config_preset_name(sp_genesis_builder::DEV_RUNTIME_PRESET)
        .with_properties(properties())
        .build())
}

pub fn local_config() -> Result<ChainSpec, String> {
    Ok(ChainSpec::builder(wasm()?, None)
        .with_name("BPCI Local Testnet")
        .with_id("bpci_local")
        .with_chain_type(ChainType::Local)
        .with_genesis_config_preset_name(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET)
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
        .with_genesis_config_preset_name(bpci_runtime::genesis_config_presets::BPCI_PRESET)
        .with_properties(properties())
        .build())
}
