/// Set to build, beside the runtime's WASM, the same runtime one `spec_version` higher (feature
/// `upgrade-test`) as `bpci_runtime_upgrade.wasm` next to it: what the forkless-upgrade tests enact.
/// Building it here rather than with `cargo build --features upgrade-test` keeps the test suite to
/// one cargo feature resolution, so nothing in the client stack is compiled twice.
const UPGRADE_WASM_ENV: &str = "BPCI_UPGRADE_WASM_BUILD";

fn main() {
    #[cfg(feature = "std")]
    {
        // The target directory lives outside the checkout (see scripts/env.sh); point the WASM
        // builder at this workspace so the WASM build uses the same Cargo.lock as the native one.
        // Read when the script runs, not when it was compiled: cargo shares one compiled build
        // script between checkouts of the same workspace, and the one that compiled it may be gone.
        let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR for build scripts");
        let workspace = std::path::Path::new(&manifest_dir).join("..");
        std::env::set_var("WASM_BUILD_WORKSPACE_HINT", workspace);
        println!("cargo:rerun-if-env-changed={UPGRADE_WASM_ENV}");
        // The upgrade variant first: both variants share the WASM builder's project, and the
        // ordinary one built last leaves it as an ordinary build would.
        if std::env::var_os(UPGRADE_WASM_ENV).is_some_and(|v| v == "1") {
            substrate_wasm_builder::WasmBuilder::init_with_defaults()
                .enable_feature("upgrade-test")
                .set_file_name("bpci_runtime_upgrade")
                .build();
        }
        substrate_wasm_builder::WasmBuilder::build_using_defaults();
    }
}
