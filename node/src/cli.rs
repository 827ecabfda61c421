use clap::Args;

#[derive(Debug, clap::Parser)]
#[command(
    propagate_version = true,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_help = "bpci-node runs the single-state transaction pool unless --pool-type is given (see docs/operator.md)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub subcommand: Option<Subcommand>,

    #[clap(flatten)]
    pub run: sc_cli::RunCmd,
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
    CheckBlock(sc_cli::CheckBlockCmd),

    /// Export blocks.
    ExportBlocks(sc_cli::ExportBlocksCmd),

    /// Export the state of a given block into a chain spec.
    ExportState(sc_cli::ExportStateCmd),

    /// Import blocks.
    ImportBlocks(sc_cli::ImportBlocksCmd),

    /// Remove the whole chain.
    PurgeChain(sc_cli::PurgeChainCmd),

    /// Revert the chain to a previous state.
    Revert(sc_cli::RevertCmd),

    /// Db meta columns information.
    ChainInfo(sc_cli::ChainInfoCmd),

    /// Check a proof bundle (from `bpci_proveFinality` or `bpci_proofBundle`) offline, trusting only
    /// the genesis validator set of `--chain`; prints the proven block and key/value pairs as JSON,
    /// or exits non-zero with the reason it does not verify.
    VerifyProof(VerifyProofCmd),

    /// Runtime benchmarks (`benchmark pallet` writes the pallets' weights); built only with
    /// `--features runtime-benchmarks`.
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
}
