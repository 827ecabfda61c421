//! The calls substrate-wasm-builder makes to the `wasm-opt` crate, served by binaryen's `wasm-opt`
//! program instead of binaryen compiled into the build (README.md says why).

use std::{
    ffi::OsString,
    fmt,
    path::Path,
    process::Command,
};

/// The binaryen passes substrate-wasm-builder asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Pass {
    StripDwarf,
    SignextLowering,
}

/// What to run: binaryen at optimisation level 0 (no optimising passes, only the ones added).
#[derive(Clone, Debug, Default)]
pub struct OptimizationOptions {
    debug_info: bool,
    mvp_features_only: bool,
    passes: Vec<Pass>,
}

#[derive(Debug)]
pub struct OptimizationError(String);

impl fmt::Display for OptimizationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OptimizationError {}

/// The program run: `WASM_OPT` if set, else `wasm-opt` from the PATH.
fn program() -> OsString {
    std::env::var_os("WASM_OPT").unwrap_or_else(|| "wasm-opt".into())
}

impl OptimizationOptions {
    pub fn new_opt_level_0() -> Self {
        Self::default()
    }

    /// Keep the names section (binaryen's `-g`).
    pub fn debug_info(&mut self, value: bool) -> &mut Self {
        self.debug_info = value;
        self
    }

    /// Accept and write WebAssembly 1.0 (MVP) features only.
    pub fn mvp_features_only(&mut self) -> &mut Self {
        self.mvp_features_only = true;
        self
    }

    pub fn add_pass(&mut self, pass: Pass) -> &mut Self {
        self.passes.push(pass);
        self
    }

    /// Runs binaryen on `infile`, writing `outfile` (which may be `infile`).
    pub fn run(&self, infile: impl AsRef<Path>, outfile: impl AsRef<Path>) -> Result<(), OptimizationError> {
        let program = program();
        let lowers = self.passes.contains(&Pass::SignextLowering) && has_signext_lowering(&program)?;
        let out = Command::new(&program)
            .args(self.arguments(lowers))
            .arg(infile.as_ref())
            .arg("-o")
            .arg(outfile.as_ref())
            .output()
            .map_err(|e| not_found(&program, e))?;
        if !out.status.success() {
            return Err(OptimizationError(format!(
                "{} {} failed: {}",
                program.to_string_lossy(),
                infile.as_ref().display(),
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        Ok(())
    }

    /// The program's flags. `lowers`: the program has `--signext-lowering`; without it, a module
    /// asked to be lowered is held to MVP features, which refuse sign-extension operators, so that
    /// it is never written unlowered.
    fn arguments(&self, lowers: bool) -> Vec<&'static str> {
        let mut args = vec!["-O0"];
        if self.debug_info {
            args.push("-g");
        }
        let needs_mvp = !lowers && self.passes.contains(&Pass::SignextLowering);
        if self.mvp_features_only || needs_mvp {
            args.push("--mvp-features");
        }
        for pass in &self.passes {
            match pass {
                Pass::StripDwarf => args.push("--strip-dwarf"),
                Pass::SignextLowering if lowers => args.push("--signext-lowering"),
                Pass::SignextLowering => {}
            }
        }
        args
    }
}

fn not_found(program: &OsString, e: std::io::Error) -> OptimizationError {
    OptimizationError(format!(
        "cannot run {} ({e}): the runtime's build needs binaryen's wasm-opt program \
         (Debian: apt-get install binaryen; scripts/setup.sh installs it; WASM_OPT names another)",
        program.to_string_lossy()
    ))
}

fn has_signext_lowering(program: &OsString) -> Result<bool, OptimizationError> {
    let out = Command::new(program).arg("--help").output().map_err(|e| not_found(program, e))?;
    Ok(String::from_utf8_lossy(&out.stdout).contains("--signext-lowering"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flags_are_the_options() {
        let mut compact = OptimizationOptions::new_opt_level_0();
        compact.mvp_features_only().debug_info(true).add_pass(Pass::StripDwarf).add_pass(Pass::SignextLowering);
        assert_eq!(compact.arguments(true), ["-O0", "-g", "--mvp-features", "--strip-dwarf", "--signext-lowering"]);
        assert_eq!(compact.arguments(false), ["-O0", "-g", "--mvp-features", "--strip-dwarf"]);
        let mut lower = OptimizationOptions::new_opt_level_0();
        lower.add_pass(Pass::SignextLowering).debug_info(true);
        assert_eq!(lower.arguments(true), ["-O0", "-g", "--signext-lowering"]);
        // Without the pass, MVP validation stands in: it refuses what the pass would lower.
        assert_eq!(lower.arguments(false), ["-O0", "-g", "--mvp-features"]);
    }

    /// (module (func (export "f") (param i32) (result i32) local.get 0 i32.extend8_s))
    const SIGN_EXTENDING: &[u8] = &[
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
        0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f, // type: (i32) -> i32
        0x03, 0x02, 0x01, 0x00, // function 0 of type 0
        0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00, // export "f"
        0x0a, 0x07, 0x01, 0x05, 0x00, 0x20, 0x00, 0xc0, 0x0b, // local.get 0, i32.extend8_s, end
    ];

    /// The attack on the stand-in: a module that needs lowering must come out lowered or not at
    /// all, whichever binaryen is installed (a stand-in that copied the file, or ran binaryen with
    /// sign extension enabled, fails here).
    #[test]
    fn a_sign_extending_module_is_lowered_or_refused() {
        let dir = std::env::temp_dir().join(format!("wasm-opt-cli-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (input, output) = (dir.join("in.wasm"), dir.join("out.wasm"));
        std::fs::write(&input, SIGN_EXTENDING).unwrap();
        let result = OptimizationOptions::new_opt_level_0().add_pass(Pass::SignextLowering).debug_info(true).run(&input, &output);
        if has_signext_lowering(&program()).unwrap() {
            result.unwrap();
            let mvp = Command::new(program()).args(["--mvp-features"]).arg(&output).arg("-o").arg(dir.join("check.wasm")).status();
            assert!(mvp.unwrap().success(), "the output still extends signs");
        } else {
            // Refused by binaryen's validation, not some other failure of the stand-in.
            let err = result.unwrap_err().to_string();
            assert!(err.contains("validating") && !output.exists(), "{err}");
        }
        // A module without sign extension goes through either way, written in place as
        // substrate-wasm-builder's debug build asks.
        std::fs::write(&input, plain()).unwrap();
        OptimizationOptions::new_opt_level_0().add_pass(Pass::SignextLowering).debug_info(true).run(&input, &input).unwrap();
        assert!(contains(&std::fs::read(&input).unwrap(), b"runtime_version"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// The module without its sign extension, with the custom section substrate-wasm-builder
    /// checks after binaryen ran (the runtime's version).
    fn plain() -> Vec<u8> {
        let mut plain = SIGN_EXTENDING.to_vec();
        plain.retain(|b| *b != 0xc0);
        plain[28] -= 1; // code section size
        plain[30] -= 1; // body size
        plain.extend([0x00, 0x13, 0x0f]); // custom section: size, name length
        plain.extend(b"runtime_version");
        plain.extend(b"abc");
        plain
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    /// A release build's compaction: MVP features only, DWARF stripped, the version section kept.
    #[test]
    fn a_compacted_module_keeps_its_version_section() {
        let dir = std::env::temp_dir().join(format!("wasm-opt-cli-compact-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (input, output) = (dir.join("in.wasm"), dir.join("out.wasm"));
        std::fs::write(&input, plain()).unwrap();
        OptimizationOptions::new_opt_level_0()
            .mvp_features_only()
            .debug_info(true)
            .add_pass(Pass::StripDwarf)
            .add_pass(Pass::SignextLowering)
            .run(&input, &output)
            .unwrap();
        let out = std::fs::read(&output).unwrap();
        assert!(out.starts_with(b"\0asm") && contains(&out, b"runtime_version"));
        // The same options refuse what MVP does not allow.
        std::fs::write(&input, SIGN_EXTENDING).unwrap();
        let refused = OptimizationOptions::new_opt_level_0().mvp_features_only().run(&input, dir.join("no.wasm"));
        assert!(refused.unwrap_err().to_string().contains("validating"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
