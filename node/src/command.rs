use crate::{
    chain_spec,
    cli::{Cli, InspectBlsCmd, KeyCmd, RunsRuntime, Subcommand},
    service,
};
use bpci_runtime::opaque::Block;
use sc_cli::SubstrateCli;
use sc_service::PartialComponents;

impl SubstrateCli for Cli {
    fn impl_name() -> String {
        "BPCI Node".into()
    }

    fn impl_version() -> String {
        env!("SUBSTRATE_CLI_IMPL_VERSION").into()
    }

    fn description() -> String {
        env!("CARGO_PKG_DESCRIPTION").into()
    }

    fn author() -> String {
        env!("CARGO_PKG_AUTHORS").into()
    }

    fn support_url() -> String {
        "https://example.invalid/bpci-chain/issues".into()
    }

    fn copyright_start_year() -> i32 {
        2026
    }

    fn load_spec(&self, id: &str) -> Result<Box<dyn sc_service::ChainSpec>, String> {
        Ok(match id {
            "dev" => Box::new(chain_spec::development_config()?),
            "" | "local" => Box::new(chain_spec::local_config()?),
            "bpci" => Box::new(chain_spec::bpci_config()?),
            path => {
                let path = std::path::PathBuf::from(path);
                if !path.exists() {
                    return Err(format!(
                        "chain spec `{}` is neither a built-in chain (dev, local, bpci) nor an existing file",
                        path.display()
                    ));
                }
                Box::new(
                    chain_spec::ChainSpec::from_json_file(path.clone())
                        .map_err(|e| format!("invalid chain spec {}: {e}", path.display()))?,
                )
            }
        })
    }
}

fn inspect_bls(cmd: &InspectBlsCmd) -> sc_cli::Result<()> {
    use sp_core::crypto::{AccountId32, Ss58Codec};
    let pair = bpci_primitives::host::keystore::try_dev_keypair(&cmd.suri)
        .ok_or_else(|| sc_cli::Error::Input(format!("invalid secret URI `{}`", cmd.suri)))?;
    println!("BLS public key (bpcb): {:?}", pair.public);
    if let Some(owner) = &cmd.owner {
        let account = AccountId32::from_ss58check(owner)
            .map_err(|e| sc_cli::Error::Input(format!("invalid SS58 account `{owner}`: {e:?}")))?;
        let pop = pair.proof_of_possession(&codec::Encode::encode(&account));
        println!("Proof of possession for {owner}: {pop:?}");
    }
    Ok(())
}

pub fn run() -> sc_cli::Result<()> {
    let cli = Cli::from_args();

    match &cli.subcommand {
        Some(Subcommand::Key(KeyCmd::Substrate(cmd))) => cmd.run(&cli),
        Some(Subcommand::Key(KeyCmd::InspectBls(cmd))) => inspect_bls(cmd),
        Some(Subcommand::VerifyProof(cmd)) => {
            let spec = cli.load_spec(&cmd.chain).map_err(sc_cli::Error::Input)?;
            crate::verify_proof::run(cmd, &*spec, cmd.wasm.wasm_cache.as_deref())
        }
        Some(Subcommand::ExportAudit(cmd)) => crate::audit_export::run(cmd),
        Some(Subcommand::VerifyAudit(cmd)) => {
            let spec = cli.load_spec(&cmd.chain).map_err(sc_cli::Error::Input)?;
            crate::audit_verify::run(cmd, &*spec, cmd.wasm.wasm_cache.as_deref())
        }
        Some(Subcommand::BuildSpec(cmd)) => {
            let runner = cli.create_runner(cmd)?;
            runner.sync_run(|config| cmd.run(config.chain_spec, config.network))
        }
        Some(Subcommand::ExportChainSpec(cmd)) => {
            let spec = cli.load_spec(&cmd.chain)?;
            cmd.run(spec)
        }
        Some(Subcommand::CheckBlock(RunsRuntime { cmd, wasm })) => {
            let runner = cli.create_runner(cmd)?;
            runner.async_run(|config| {
                let PartialComponents { client, task_manager, import_queue, .. } = service::new_partial(&config, wasm.wasm_cache.as_deref())?;
                Ok((cmd.run(client, import_queue), task_manager))
            })
        }
        Some(Subcommand::ExportBlocks(RunsRuntime { cmd, wasm })) => {
            let runner = cli.create_runner(cmd)?;
            runner.async_run(|config| {
                let PartialComponents { client, task_manager, .. } = service::new_partial(&config, wasm.wasm_cache.as_deref())?;
                Ok((cmd.run(client, config.database), task_manager))
            })
        }
        Some(Subcommand::ExportState(RunsRuntime { cmd, wasm })) => {
            let runner = cli.create_runner(cmd)?;
            runner.async_run(|config| {
                let PartialComponents { client, task_manager, .. } = service::new_partial(&config, wasm.wasm_cache.as_deref())?;
                Ok((cmd.run(client, config.chain_spec), task_manager))
            })
        }
        Some(Subcommand::ImportBlocks(RunsRuntime { cmd, wasm })) => {
            let runner = cli.create_runner(cmd)?;
            runner.async_run(|config| {
                let PartialComponents { client, task_manager, import_queue, .. } = service::new_partial(&config, wasm.wasm_cache.as_deref())?;
                Ok((cmd.run(client, import_queue), task_manager))
            })
        }
        Some(Subcommand::PurgeChain(cmd)) => {
            let runner = cli.create_runner(cmd)?;
            runner.sync_run(|config| cmd.run(config.database))
        }
        Some(Subcommand::Revert(RunsRuntime { cmd, wasm })) => {
            let runner = cli.create_runner(cmd)?;
            runner.async_run(|config| {
                let PartialComponents { client, task_manager, backend, .. } = service::new_partial(&config, wasm.wasm_cache.as_deref())?;
                Ok((cmd.run(client, backend, None), task_manager))
            })
        }
        #[cfg(feature = "runtime-benchmarks")]
        Some(Subcommand::Benchmark(cmd)) => {
            use frame_benchmarking_cli::BenchmarkCmd;
            let runner = cli.create_runner(cmd)?;
            runner.sync_run(|config| match cmd {
                BenchmarkCmd::Pallet(cmd) => cmd
                    .run_with_spec::<sp_runtime::traits::HashingFor<Block>, bpci_primitives::host::bpci_bls::HostFunctions>(
                        Some(config.chain_spec),
                    ),
                // The per-block and per-extrinsic base weights (`ExtrinsicBaseWeight`,
                // `BlockExecutionWeight`) on this machine, from blocks of remarks.
                BenchmarkCmd::Overhead(cmd) => cmd
                    .run_with_default_builder_and_spec::<Block, bpci_primitives::host::bpci_bls::HostFunctions>(Some(config.chain_spec)),
                // ParityDB's read and write cost on this machine (the runtime's `DbWeight`), on the
                // state of the chain at `--base-path`.
                BenchmarkCmd::Storage(cmd) => {
                    let PartialComponents { client, backend, .. } = service::new_partial(&config, None)?;
                    let (db, storage, cache) = (backend.expose_db(), backend.expose_storage(), backend.expose_shared_trie_cache());
                    cmd.run(config, client, db, storage, cache)
                }
                _ => Err("this node runs `benchmark pallet`, `overhead` and `storage`".into()),
            })
        }
        Some(Subcommand::ChainInfo(cmd)) => {
            let runner = cli.create_runner(cmd)?;
            runner.sync_run(|config| cmd.run::<Block>(&config))
        }
        None => {
            let runner = cli.create_runner(&cli.run)?;
            if runner.config().chain_spec.id() == chain_spec::BPCI_TEMPLATE_ID {
                return Err(sc_cli::Error::Input(
                    "the bpci chain spec is a template: its validators and partners hold well-known development keys. \
                     Export it (bpci-node export-chain-spec --chain bpci > bpci.json), put your network's own keys \
                     in, give it its own id, and start with --chain bpci.json (docs/operator.md)"
                        .into(),
                ));
            }
            let wasm_cache = cli.wasm.wasm_cache.clone();
            runner.run_node_until_exit(|mut config| async move {
                // The audit trail's records and log live in the offchain database, written by
                // offchain indexing as blocks are imported: always on (docs/audit.md).
                config.offchain_worker.indexing_enabled = true;
                match config.network.network_backend {
                    sc_network::config::NetworkBackendType::Libp2p => {
                        service::new_full::<sc_network::NetworkWorker<Block, <Block as sp_runtime::traits::Block>::Hash>>(config, wasm_cache.as_deref())
                            .map_err(sc_cli::Error::Service)
                    }
                    sc_network::config::NetworkBackendType::Litep2p => {
                        service::new_full::<sc_network::Litep2pNetworkBackend>(config, wasm_cache.as_deref()).map_err(sc_cli::Error::Service)
                    }
                }
            })
        }
    }
}
