//! The committed raw chain-specs must be what the runtime's presets produce.
//!
//! The WASM code itself is compared by its runtime version, not byte for byte: the WASM build
//! embeds the checkout's absolute path in panic locations, so the same source built in another
//! clone differs in a few bytes while being the same runtime.

use serde_json::Value;

const CODE_KEY: &str = "0x3a636f6465";

fn exported(chain: &str) -> Value {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_bpci-node"))
        .args(["export-chain-spec", "--chain", chain, "--raw"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn committed(chain: &str) -> Value {
    let path = format!("{}/../chain-specs/{chain}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn spec_version(code_hex: &Value) -> (String, u32) {
    let code = hex::decode(code_hex.as_str().unwrap().trim_start_matches("0x")).unwrap();
    let blob = sc_executor_common::runtime_blob::RuntimeBlob::uncompress_if_needed(&code).unwrap();
    let v = sc_executor::read_embedded_version(&blob).unwrap().expect("runtime_version section");
    (v.spec_name.to_string(), v.spec_version)
}

#[test]
fn committed_chain_specs_match_the_presets() {
    for chain in ["dev", "local"] {
        let (mut now, mut then) = (exported(chain), committed(chain));
        let top = "/genesis/raw/top";
        let code_now = now.pointer_mut(top).unwrap().as_object_mut().unwrap().remove(CODE_KEY).unwrap();
        let code_then = then.pointer_mut(top).unwrap().as_object_mut().unwrap().remove(CODE_KEY).unwrap();
        assert_eq!(now, then, "chain-specs/{chain}.json drifted from the presets: run scripts/gen-chain-specs.sh");
        assert_eq!(spec_version(&code_now), spec_version(&code_then));
    }
}

/// The production template exports (no sudo key in it) but does not run: its validators and
/// partners hold well-known development keys.
#[test]
fn the_bpci_template_exports_but_does_not_run() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_bpci-node"))
        .args(["export-chain-spec", "--chain", "bpci"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let spec: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(spec["id"], "bpci_template");
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_bpci-node"))
        .args(["--chain", "bpci", "--base-path"])
        .arg(dir.path())
        .args(["--no-prometheus", "--no-telemetry", "--port", "0", "--rpc-port", "0"])
        .output()
        .unwrap();
    assert!(!out.status.success(), "the template ran");
    assert!(String::from_utf8_lossy(&out.stderr).contains("is a template"), "{}", String::from_utf8_lossy(&out.stderr));
}
