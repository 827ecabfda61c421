//! `bpci-node verify-proof`: checks a proof bundle (`bpci_proveFinality`, `bpci_proofBundle`)
//! offline, trusting only the genesis of a chain spec: its genesis hash and its genesis validator
//! set. Everything else (later sets, headers, the justification, the state read) must be proven by
//! the bundle; `bpci_verifier::bundle` says how.

use crate::cli::VerifyProofCmd;
use bpci_primitives::bls::native::Blst;
use bpci_primitives::bundle::{verify, ProofBundle};
use bpci_primitives::handover::{set_id_key, validators_key};
use bpci_primitives::trie::Blake2;
use bpci_primitives::{BlsPublic, SetId, ValidatorSet};
use bpci_runtime::opaque::Block;
use codec::{Decode, DecodeAll};
use sc_chain_spec::{BuildGenesisBlock, GenesisBlockBuilder};
use sc_cli::Error;
use sp_core::H256;
use sp_runtime::traits::Block as BlockT;
use std::{path::Path, sync::Arc};

/// The genesis hash and genesis validator set of `spec`.
pub fn trusted_genesis(spec: &dyn sc_service::ChainSpec, wasm_cache: Option<&Path>) -> Result<(H256, ValidatorSet), Error> {
    let executor = crate::service::wasm_executor(&Default::default(), wasm_cache);
    let storage = crate::genesis_state::build(spec, &executor).map_err(|e| Error::Input(format!("invalid chain spec: {e}")))?;
    let validators = storage
        .top
        .get(&validators_key()[..])
        .ok_or_else(|| Error::Input("the chain spec's genesis holds no validator set".into()))?;
    let validators = Vec::<BlsPublic>::decode(&mut &validators[..])
        .map_err(|e| Error::Input(format!("the chain spec's genesis validator set does not decode: {e}")))?;
    let set_id = match storage.top.get(&set_id_key()[..]) {
        Some(raw) => SetId::decode(&mut &raw[..]).map_err(|e| Error::Input(format!("bad genesis set id: {e}")))?,
        None => 0,
    };
    // The genesis block exactly as a node builds it (state version from the spec's runtime).
    let backend = Arc::new(sc_client_api::in_mem::Backend::<Block>::new());
    let (genesis, _) = GenesisBlockBuilder::<Block, _, _>::new_with_storage(storage, false, backend, executor)
        .and_then(|b| b.build_genesis_block())
        .map_err(|e| Error::Input(format!("cannot build the chain spec's genesis block: {e}")))?;
    Ok((genesis.header().hash(), ValidatorSet { set_id, validators }))
}

pub fn run(cmd: &VerifyProofCmd, spec: &dyn sc_service::ChainSpec, wasm_cache: Option<&Path>) -> Result<(), Error> {
    let text = std::fs::read_to_string(&cmd.bundle)
        .map_err(|e| Error::Input(format!("cannot read {}: {e}", cmd.bundle.display())))?;
    let bytes = hex::decode(text.trim().trim_start_matches("0x"))
        .map_err(|e| Error::Input(format!("{} is not a hex string: {e}", cmd.bundle.display())))?;
    let bundle = ProofBundle::decode_all(&mut &bytes[..])
        .map_err(|e| Error::Input(format!("{} is not a proof bundle: {e}", cmd.bundle.display())))?;
    let (genesis, trusted) = trusted_genesis(spec, wasm_cache)?;
    let proven = verify::<Blst, Blake2>(&bundle, &genesis, &trusted)
        .map_err(|e| Error::Input(format!("the bundle does not verify: {e}")))?;
    let hex0x = |b: &[u8]| format!("0x{}", hex::encode(b));
    let out = serde_json::json!({
        "chain": format!("{genesis:?}"),
        "block": { "number": proven.block.number, "hash": format!("{:?}", proven.block.hash), "stateRoot": format!("{:?}", proven.block.state_root) },
        "finalizedBy": { "number": proven.justified.number, "hash": format!("{:?}", proven.justified.hash), "setId": proven.set.set_id, "validators": proven.set.validators.len() },
        "values": proven.values.iter().map(|(k, v)| serde_json::json!({ "key": hex0x(k), "value": v.as_deref().map(hex0x) })).collect::<Vec<_>>(),
    });
    println!("{}", serde_json::to_string_pretty(&out).expect("JSON of strings and numbers"));
    Ok(())
}
