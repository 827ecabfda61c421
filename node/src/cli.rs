use clap::Args;

#[derive(Debug, clap::Parser)]
#[command(
    propagate_version = true,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    // Our defaults for the transaction pool, set on the arguments so that `--help` shows them (see
    // `crate::txpool` for why these values).
    mut_arg("pool_type", |a| a.default_value(crate::txpool::DEFAULT_POOL_TYPE)),
    mut_arg("pool_limit", |a| a.default_value(crate::txpool::DEFAULT_POOL_LIMIT)),
)]
pub struct Cli {
    #[command(subcommand)]
    pub subcommand: Option<Subcommand>,

    #[clap(flatten)]
    pub run: sc_cli::RunCmd,

    #[command(flatten)]
    pub wasm: WasmCacheArg,
}

/// `--wasm-cache`: the node's, and that of each subcommand that runs the runtime (a subcommand that
/// does not refuses the flag rather than ignoring it).
#[derive(Debug, Clone, Args)]
pub struct WasmCacheArg {
    /// Keep compiled runtimes under DIR (wasmtime's cache, in DIR/compiled-runtimes), so that a
    /// restart does not compile the runtime again. Off by default: the cached native code is loaded
    /// without a checksum, so DIR must be as trusted as the node's binary, writable only by the
    /// node's user, and never shared with nodes of another operator.
    #[arg(long, value_name = "DIR", value_parser = absolute_dir)]
    pub wasm_cache: Option<std::path::PathBuf>,
}

/// A Substrate subcommand that runs the runtime, with `--wasm-cache`.
#[derive(Debug, Args)]
pub struct RunsRuntime<C: Args> {
    #[command(flatten)]
    pub cmd: C,

    #[command(flatten)]
    pub wasm: WasmCacheArg,
}

/// wasmtime ignores a relative cache directory (the node would run without a cache and only log a
/// warning), so the flag takes the path as given from the current directory.
fn absolute_dir(dir: &str) -> Result<std::path::PathBuf, String> {
    if dir.is_empty() {
        return Err("an empty path".into());
    }
    std::path::absolute(dir).map_err(|e| format!("{dir}: {e}"))
}

#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
    /// Key management: accounts, node keys, keystore insertion, and the BLS consensus key.
    #[command(subcommand)]
    Key(KeyCmd),

    /// Build a chain specification.
    BuildSpec(sc_cli::BuildSpecCmd),

    /// Export the chain specification.
    ExportChainSpec(sc_cli::ExportChainSpecCmd),

    /// Validate blocks.
    CheckBlock(RunsRuntime<sc_cli::CheckBlockCmd>),

    /// Export blocks.
    ExportBlocks(RunsRuntime<sc_cli::ExportBlocksCmd>),

    /// Export the state of a given block into a chain spec.
    ExportState(RunsRuntime<sc_cli::ExportStateCmd>),

    /// Import blocks.
    ImportBlocks(RunsRuntime<sc_cli::ImportBlocksCmd>),

    /// Remove the whole chain.
    PurgeChain(sc_cli::PurgeChainCmd),

    /// Revert the chain to a previous state.
    Revert(RunsRuntime<sc_cli::RevertCmd>),

    /// Db meta columns information.
    ChainInfo(sc_cli::ChainInfoCmd),

    /// Check a proof bundle (from `bpci_proveFinality` or `bpci_proofBundle`) offline, trusting only
    /// the genesis validator set of `--chain`; prints the proven block and key/value pairs as JSON,
    /// or exits non-zero with the reason it does not verify.
    VerifyProof(VerifyProofCmd),

    /// Export the audit trail of finalized blocks `--from..=--to` from a node (`--url`), each row
    /// with its inclusion proof, and a manifest that proves the rows complete: the log's leaves
    /// of every block in the range, proven by an MMR proof from a finalized checkpoint, and that
    /// checkpoint's finality proof (docs/audit.md).
    ExportAudit(ExportAuditCmd),

    /// Check an export of `export-audit` offline, trusting only the genesis validator set of
    /// `--chain`: prints a summary as JSON, or exits non-zero naming the first row or block that
    /// is changed, missing, reordered or added.
    VerifyAudit(VerifyAuditCmd),

    /// Runtime benchmarks: `pallet` (the pallets' weights), `overhead` (block and extrinsic base
    /// weights), `storage` (the database's read and write weights); built only with `--features
    /// runtime-benchmarks`.
    #[cfg(feature = "runtime-benchmarks")]
    #[command(subcommand)]
    Benchmark(frame_benchmarking_cli::BenchmarkCmd),
}

#[derive(Debug, clap::Subcommand)]
pub enum KeyCmd {
    #[command(flatten)]
    Substrate(sc_cli::KeySubcommand),

    /// Print the BLS consensus key derived from a secret URI, as `--alice` or
    /// `key insert --key-type bpcb --scheme ed25519 --suri <URI>` would store it.
    InspectBls(InspectBlsCmd),
}

#[derive(Debug, Args)]
pub struct InspectBlsCmd {
    /// Secret URI of the key (e.g. `//Alice` or a mnemonic).
    #[arg(long)]
    pub suri: String,

    /// Also print the proof of possession for this SS58 account (what `session.setKeys` checks).
    #[arg(long)]
    pub owner: Option<String>,
}

#[derive(Debug, Args)]
pub struct VerifyProofCmd {
    /// The chain whose genesis is trusted: `dev`, `local`, `bpci` or a chain spec file.
    #[arg(long, default_value = "local")]
    pub chain: String,

    /// A file holding the bundle as the RPC returns it: one hex string.
    pub bundle: std::path::PathBuf,

    #[command(flatten)]
    pub wasm: WasmCacheArg,
}

/// How an audit export is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuditFormat {
    /// One JSON object a line: the manifest first, then the rows.
    Jsonl,
    /// The rows as CSV, the manifest beside them in `<output>.manifest.json`.
    Csv,
}

#[derive(Debug, Args)]
pub struct ExportAuditCmd {
    /// A node's WebSocket RPC endpoint (`ws://`).
    #[arg(long, default_value = "ws://127.0.0.1:9944")]
    pub url: String,

    /// First block exported.
    #[arg(long)]
    pub from: u32,

    /// Last block exported: finalized, and below the finalized head (a block's records enter the
    /// log in the next block); if it is the finalized head, the export waits for the next one.
    #[arg(long)]
    pub to: u32,

    #[arg(long, value_enum, default_value = "jsonl")]
    pub format: AuditFormat,

    /// The file written.
    #[arg(long)]
    pub output: std::path::PathBuf,

    /// The validator set the verifier will trust: the export carries the hand-overs from it.
    /// The genesis set of `dev`, `local` and `bpci` is 0.
    #[arg(long, default_value_t = 0)]
    pub trusted_set_id: u64,
}

#[derive(Debug, Args)]
pub struct VerifyAuditCmd {
    /// The chain whose genesis is trusted: `dev`, `local`, `bpci` or a chain spec file.
    #[arg(long, default_value = "local")]
    pub chain: String,

    /// The export: a `.jsonl` file, or a `.csv` file with its `.manifest.json` beside it.
    pub export: std::path::PathBuf,

    /// Accept blocks whose header says they refused records past their bound (`dropped`): the
    /// export is then complete only as far as the chain recorded.
    #[arg(long)]
    pub allow_incomplete: bool,

    #[command(flatten)]
    pub wasm: WasmCacheArg,
}
