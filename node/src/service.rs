//! Service wiring: the Substrate client with the BPCI engine in place of Aura and GRANDPA.

use bpci_runtime::{apis::RuntimeApi, opaque::Block};
use futures::FutureExt;
use sc_client_api::Backend;
use sc_service::{error::Error as ServiceError, Configuration, TaskManager};
use sc_telemetry::{Telemetry, TelemetryWorker};
use sc_transaction_pool_api::OffchainTransactionPoolFactory;
use std::{path::Path, sync::Arc};

/// Substrate's host functions plus our BLS verification, so the runtime can check BLS signatures.
#[cfg(not(feature = "runtime-benchmarks"))]
pub type HostFunctions = (sp_io::SubstrateHostFunctions, bpci_primitives::host::bpci_bls::HostFunctions);
/// A runtime built for benchmarks imports the benchmarking host functions too, also when a node of
/// that build runs a chain (`benchmark storage` reads one).
#[cfg(feature = "runtime-benchmarks")]
pub type HostFunctions = (
    sp_io::SubstrateHostFunctions,
    bpci_primitives::host::bpci_bls::HostFunctions,
    frame_benchmarking::benchmarking::HostFunctions,
);

pub type FullClient = sc_service::TFullClient<Block, RuntimeApi, sc_executor::WasmExecutor<HostFunctions>>;
type FullBackend = sc_service::TFullBackend<Block>;
type FullSelectChain = sc_consensus::LongestChain<FullBackend, Block>;

pub type Service = sc_service::PartialComponents<
    FullClient,
    FullBackend,
    FullSelectChain,
    sc_consensus::DefaultImportQueue<Block>,
    crate::txpool::PacedPool<sc_transaction_pool::TransactionPoolHandle<Block, FullClient>>,
    Option<Telemetry>,
>;

/// The executor, as `sc_service::new_wasm_executor` builds it, with wasmtime's on-disk cache of
/// compiled runtimes under `wasm_cache` when the operator gives one (`--wasm-cache`). A node
/// otherwise compiles its runtime at every start (about 6 CPU-seconds in a debug build; the test
/// suite starts dozens of nodes and shares one cache). The cache is keyed by the code and
/// wasmtime's version and settings, so an upgraded runtime gets its own entry.
///
/// Off by default, as `sc_service::new_wasm_executor` leaves it: wasmtime loads a cached entry as
/// native code after checking only its engine settings, no checksum, so whoever can write the
/// directory can run code in the node (docs/operator.md). wasmtime's cleanup deletes whatever it
/// does not recognise in its directory, so it gets a subdirectory of its own, never DIR itself.
pub fn wasm_executor(
    settings: &sc_service::config::ExecutorConfiguration,
    wasm_cache: Option<&Path>,
) -> sc_executor::WasmExecutor<HostFunctions> {
    let strategy = settings
        .default_heap_pages
        .map_or(sc_executor::DEFAULT_HEAP_ALLOC_STRATEGY, |p| sc_executor::HeapAllocStrategy::Static { extra_pages: p as _ });
    let builder = sc_executor::WasmExecutor::<HostFunctions>::builder()
        .with_execution_method(settings.wasm_method)
        .with_onchain_heap_alloc_strategy(strategy)
        .with_offchain_heap_alloc_strategy(strategy)
        .with_max_runtime_instances(settings.max_runtime_instances)
        .with_runtime_cache_size(settings.runtime_cache_size);
    match wasm_cache {
        Some(dir) => builder.with_cache_path(dir.join("compiled-runtimes")).build(),
        None => builder.build(),
    }
}

pub fn new_partial(config: &Configuration, wasm_cache: Option<&Path>) -> Result<Service, ServiceError> {
    let telemetry = config
        .telemetry_endpoints
        .clone()
        .filter(|x| !x.is_empty())
        .map(|endpoints| -> Result<_, sc_telemetry::Error> {
            let worker = TelemetryWorker::new(16)?;
            let telemetry = worker.handle().new_telemetry(endpoints);
            Ok((worker, telemetry))
        })
        .transpose()?;

    let executor = wasm_executor(&config.executor, wasm_cache);
    // `sc_service::new_full_parts`, with the genesis state built by this executor (genesis_state.rs).
    let backend = sc_service::new_db_backend(config.db_config())?;
    let genesis = crate::genesis_state::build(&*config.chain_spec, &executor).map_err(ServiceError::Other)?;
    let genesis = sc_chain_spec::GenesisBlockBuilder::new_with_storage(genesis, !config.no_genesis(), backend.clone(), executor.clone())?;
    let (client, backend, keystore_container, task_manager) = sc_service::new_full_parts_with_genesis_builder::<Block, RuntimeApi, _, _>(
        config,
        telemetry.as_ref().map(|(_, telemetry)| telemetry.handle()),
        executor,
        backend,
        genesis,
        false,
    )?;
    let client = Arc::new(client);

    let telemetry = telemetry.map(|(worker, telemetry)| {
        task_manager.spawn_handle().spawn("telemetry", None, worker.run());
        telemetry
    });

    let select_chain = sc_consensus::LongestChain::new(backend.clone());

    let (transaction_pool, pool_driver) = crate::txpool::PacedPool::new(
        Arc::from(
        sc_transaction_pool::Builder::new(
            task_manager.spawn_essential_handle(),
            client.clone(),
            config.role.is_authority().into(),
        )
        .with_options(config.transaction_pool.clone())
        .with_prometheus(config.prometheus_registry())
        .build(),
    ), client.clone(), sp_blockchain::HeaderBackend::info(&*client).best_hash);
    task_manager.spawn_essential_handle().spawn("txpool-pacing", Some("transaction-pool"), pool_driver);
    let transaction_pool = Arc::new(transaction_pool);

    let import_queue = sc_consensus::BasicQueue::new(
        bpci_consensus::Verifier::new(client.clone()),
        Box::new(client.clone()),
        None,
        &task_manager.spawn_essential_handle(),
        config.prometheus_registry(),
    );

    Ok(sc_service::PartialComponents {
        client,
        backend,
        task_manager,
        import_queue,
        keystore_container,
        select_chain,
        transaction_pool,
        other: telemetry,
    })
}

pub fn new_full<N: sc_network::NetworkBackend<Block, <Block as sp_runtime::traits::Block>::Hash>>(
    config: Configuration,
    wasm_cache: Option<&Path>,
) -> Result<TaskManager, ServiceError> {
    let sc_service::PartialComponents {
        client,
        backend,
        mut task_manager,
        import_queue,
        keystore_container,
        select_chain: _,
        transaction_pool,
        other: mut telemetry,
    } = new_partial(&config, wasm_cache)?;

    let mut net_config = sc_network::config::FullNetworkConfiguration::<
        Block,
        <Block as sp_runtime::traits::Block>::Hash,
        N,
    >::new(&config.network, config.prometheus_registry().cloned());
    let metrics = N::register_notification_metrics(config.prometheus_registry());

    let genesis = sp_blockchain::HeaderBackend::info(&*client).genesis_hash;
    let (consensus_protocol, consensus_notifications) = N::notification_config(
        bpci_consensus::protocol_name(&genesis).into(),
        Vec::new(),
        bpci_consensus::MAX_MESSAGE_SIZE,
        None,
        sc_network::config::SetConfig {
            in_peers: 25,
            out_peers: 25,
            reserved_nodes: Vec::new(),
            non_reserved_mode: sc_network::config::NonReservedPeerMode::Accept,
        },
        metrics.clone(),
        net_config.peer_store_handle(),
    );
    net_config.add_notification_protocol(consensus_protocol);

    let (network, system_rpc_tx, tx_handler_controller, sync_service, _bitswap) =
        sc_service::build_network(sc_service::BuildNetworkParams {
            config: &config,
            net_config,
            client: client.clone(),
            transaction_pool: transaction_pool.clone(),
            spawn_handle: task_manager.spawn_handle(),
            spawn_essential_handle: task_manager.spawn_essential_handle(),
            import_queue,
            block_announce_validator_builder: None,
            warp_sync_config: None,
            block_relay: None,
            metrics,
            gap_sync_body_policy: None,
        })?;

    if config.offchain_worker.enabled {
        let offchain_workers = sc_offchain::OffchainWorkers::new(sc_offchain::OffchainWorkerOptions {
            runtime_api_provider: client.clone(),
            is_validator: config.role.is_authority(),
            keystore: Some(keystore_container.keystore()),
            offchain_db: backend.offchain_storage(),
            transaction_pool: Some(OffchainTransactionPoolFactory::new(transaction_pool.clone())),
            network_provider: Arc::new(network.clone()),
            enable_http_requests: false,
            custom_extensions: |_| vec![],
        })?;
        task_manager.spawn_handle().spawn(
            "offchain-workers-runner",
            "offchain-worker",
            offchain_workers.run(client.clone(), task_manager.spawn_handle()).boxed(),
        );
    }

    // Hand-overs are recorded as they are finalized, while their roots' state is still there, so
    // that proof bundles can start from old validator sets (`bpci_rpc::handovers`).
    task_manager.spawn_handle().spawn("bpci-handovers", None, bpci_rpc::handovers::run::<Block, _>(client.clone()));

    // The audit log's MMR nodes are written by offchain indexing under fork-aware keys; the gadget
    // moves those of finalized blocks to canonical ones and drops the rest, so that proofs of old
    // blocks find them (`bpci_auditRange`, `mmr_generateProof`).
    task_manager.spawn_essential_handle().spawn(
        "mmr-gadget",
        None,
        mmr_gadget::MmrGadget::start(client.clone(), backend.clone(), bpci_runtime::audit::MMR_INDEXING_PREFIX.to_vec()),
    );

    let role = config.role;
    let prometheus_registry = config.prometheus_registry().cloned();
    if let Some(registry) = prometheus_registry.as_ref() {
        match bpci_rpc::health::HealthMetrics::register(registry) {
            Ok(metrics) => task_manager.spawn_handle().spawn(
                "bpci-partner-health",
                None,
                bpci_rpc::health::run_metrics::<Block, _, bpci_runtime::AccountId, bpci_runtime::BlockNumber>(client.clone(), metrics),
            ),
            Err(e) => log::warn!("partner health metrics not registered: {e}"),
        }
    }
    let consensus_status = bpci_consensus::SharedStatus::default();
    consensus_status.write().role = if role.is_authority() { "validator" } else { "observer" }.into();

    let rpc_extensions_builder = {
        let client = client.clone();
        let pool = transaction_pool.clone();
        let consensus_status = consensus_status.clone();
        let offchain = sc_client_api::Backend::offchain_storage(&*backend);
        Box::new(move |_| {
            let deps = crate::rpc::FullDeps {
                client: client.clone(),
                pool: pool.clone(),
                consensus_status: consensus_status.clone(),
                offchain: offchain.clone(),
            };
            crate::rpc::create_full(deps).map_err(Into::into)
        })
    };

    let _rpc_handlers = sc_service::spawn_tasks(sc_service::SpawnTasksParams {
        network: Arc::new(network.clone()),
        client: client.clone(),
        keystore: keystore_container.keystore(),
        task_manager: &mut task_manager,
        transaction_pool: transaction_pool.clone(),
        rpc_builder: rpc_extensions_builder,
        backend,
        system_rpc_tx,
        tx_handler_controller,
        sync_service: sync_service.clone(),
        config,
        telemetry: telemetry.as_mut(),
        tracing_execute_block: None,
    })?;

    // Every node runs the engine: validators sign, others observe and finalize from the
    // certificates they hear.
    let proposer_factory = role.is_authority().then(|| {
        sc_basic_authorship::ProposerFactory::new(
            task_manager.spawn_handle(),
            client.clone(),
            transaction_pool.clone(),
            prometheus_registry.as_ref(),
            telemetry.as_ref().map(|x| x.handle()),
        )
    });
    let consensus = bpci_consensus::start_validator(bpci_consensus::ValidatorParams {
        client: client.clone(),
        proposer_factory,
        block_import: client.clone(),
        keystore: keystore_container.keystore(),
        status: consensus_status,
        network: network.clone(),
        notifications: consensus_notifications,
        sync: sync_service.clone(),
        prometheus: prometheus_registry.clone(),
        local_peer_id: network.local_peer_id(),
        _phantom: Default::default(),
    });
    // Essential: if the engine stops (e.g. it cannot persist its safety data), the node stops
    // rather than run on without finality.
    task_manager.spawn_essential_handle().spawn_blocking(
        "bpci-consensus",
        Some("consensus"),
        consensus.map(|r| {
            if let Err(e) = r {
                log::error!(target: "bpci", "consensus stopped: {e}");
            }
        }),
    );

    Ok(task_manager)
}
