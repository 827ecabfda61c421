fn main() {
    #[cfg(feature = "std")]
    {
        // The target directory lives outside the checkout (see scripts/env.sh); point the WASM
        // builder at this workspace so the WASM build uses the same Cargo.lock as the native one.
        let workspace = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        std::env::set_var("WASM_BUILD_WORKSPACE_HINT", workspace);
        substrate_wasm_builder::WasmBuilder::build_using_defaults();
    }
}
