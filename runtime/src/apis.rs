//! Runtime APIs: the standard set (so that Substrate clients and tools work unchanged) and ours.

use crate::*;
use alloc::vec::Vec;
use frame_support::{
    genesis_builder_helper::{build_state, get_preset},
    weights::Weight,
};
use sp_api::impl_runtime_apis;
use sp_core::{crypto::KeyTypeId, OpaqueMetadata};
use sp_runtime::{
    traits::Block as BlockT,
    transaction_validity::{TransactionSource, TransactionValidity},
    ApplyExtrinsicResult, ExtrinsicInclusionMode,
};

impl_runtime_apis! {
    impl sp_api::Core<Block> for Runtime {
        fn version() -> RuntimeVersion {
            VERSION
        }

        fn execute_block(block: <Block as BlockT>::LazyBlock) {
            Executive::execute_block(block);
        }

        fn initialize_block(header: &<Block as BlockT>::Header) -> ExtrinsicInclusionMode {
            Executive::initialize_block(header)
        }
    }

    impl sp_api::Metadata<Block> for Runtime {
        fn metadata() -> OpaqueMetadata {
            OpaqueMetadata::new(Runtime::metadata().into())
        }

        fn metadata_at_version(version: u32) -> Option<OpaqueMetadata> {
            Runtime::metadata_at_version(version)
        }

        fn metadata_versions() -> Vec<u32> {
            Runtime::metadata_versions()
        }
    }

    impl sp_block_builder::BlockBuilder<Block> for Runtime {
        fn apply_extrinsic(extrinsic: <Block as BlockT>::Extrinsic) -> ApplyExtrinsicResult {
            Executive::apply_extrinsic(extrinsic)
        }

        fn finalize_block() -> <Block as BlockT>::Header {
            Executive::finalize_block()
        }

        fn inherent_extrinsics(data: sp_inherents::InherentData) -> Vec<<Block as BlockT>::Extrinsic> {
            data.create_extrinsics()
        }

        fn check_inherents(
            block: <Block as BlockT>::LazyBlock,
            data: sp_inherents::InherentData,
        ) -> sp_inherents::CheckInherentsResult {
            data.check_extrinsics(&block)
        }
    }

    impl sp_transaction_pool::runtime_api::TaggedTransactionQueue<Block> for Runtime {
        fn validate_transaction(
            source: TransactionSource,
            tx: <Block as BlockT>::Extrinsic,
            block_hash: <Block as BlockT>::Hash,
        ) -> TransactionValidity {
            Executive::validate_transaction(source, tx, block_hash)
        }
    }

    impl sp_offchain::OffchainWorkerApi<Block> for Runtime {
        fn offchain_worker(header: &<Block as BlockT>::Header) {
            Executive::offchain_worker(header)
        }
    }

    impl sp_session::SessionKeys<Block> for Runtime {
        fn generate_session_keys(owner: Vec<u8>, seed: Option<Vec<u8>>) -> sp_session::OpaqueGeneratedSessionKeys {
            SessionKeys::generate(&owner, seed).into()
        }

        fn decode_session_keys(encoded: Vec<u8>) -> Option<Vec<(Vec<u8>, KeyTypeId)>> {
            SessionKeys::decode_into_raw_public_keys(&encoded)
        }
    }

    impl bpci_primitives::BpciConsensusApi<Block> for Runtime {
        fn validator_set() -> bpci_primitives::ValidatorSet {
            Validators::validator_set()
        }

        fn epoch() -> bpci_primitives::EpochInfo {
            Validators::epoch()
        }

        fn forced_change() -> Option<bpci_primitives::ForcedChange> {
            Validators::forced_change()
        }

        fn force_pending() -> bool {
            Validators::force_pending()
        }

        fn block_time_ms() -> u64 {
            MILLISECS_PER_BLOCK
        }
    }

    impl pallet_partners::PartnersApi<Block, AccountId, Balance> for Runtime {
        fn partners() -> Vec<pallet_partners::PartnerSummary<AccountId, Balance>> {
            Partners::partners()
        }

        fn partner(who: AccountId) -> Option<pallet_partners::PartnerSummary<AccountId, Balance>> {
            Partners::partner(who)
        }

        fn requirements() -> pallet_partners::Requirements<Balance> {
            Partners::requirements()
        }
    }

    impl pallet_bridge::BridgeApi<Block, AccountId, BlockNumber> for Runtime {
        fn clients() -> Vec<pallet_bridge::ClientHealth<AccountId, BlockNumber>> {
            Bridge::health()
        }
    }

    impl pallet_revenue::RevenueApi<Block, AccountId, Balance, BlockNumber> for Runtime {
        fn era_report(era: pallet_revenue::EraIndex) -> Option<pallet_revenue::ApiEraReport<AccountId, Balance, BlockNumber>> {
            Revenue::era_report(era)
        }

        fn current_era() -> pallet_revenue::CurrentEraInfo<Balance, BlockNumber> {
            Revenue::current_era()
        }

        fn shares() -> pallet_revenue::Shares {
            Revenue::shares()
        }
    }

    /// The audit trail's log over blocks (`audit`): its root, size and proofs of leaves. Proofs
    /// of past blocks read the log's nodes from the offchain database, so they need a node that
    /// indexes (bpci-node always does).
    impl sp_mmr_primitives::MmrApi<Block, sp_core::H256, BlockNumber> for Runtime {
        fn mmr_root() -> Result<sp_core::H256, sp_mmr_primitives::Error> {
            Ok(pallet_mmr::RootHash::<Runtime>::get())
        }

        fn mmr_leaf_count() -> Result<sp_mmr_primitives::LeafIndex, sp_mmr_primitives::Error> {
            Ok(pallet_mmr::NumberOfLeaves::<Runtime>::get())
        }

        fn generate_proof(
            block_numbers: Vec<BlockNumber>,
            best_known_block_number: Option<BlockNumber>,
        ) -> Result<(Vec<sp_mmr_primitives::EncodableOpaqueLeaf>, sp_mmr_primitives::LeafProof<sp_core::H256>), sp_mmr_primitives::Error> {
            Mmr::generate_proof(block_numbers, best_known_block_number).map(|(leaves, proof)| {
                (leaves.into_iter().map(|leaf| sp_mmr_primitives::EncodableOpaqueLeaf::from_leaf(&leaf)).collect(), proof)
            })
        }

        fn generate_ancestry_proof(
            prev_block_number: BlockNumber,
            best_known_block_number: Option<BlockNumber>,
        ) -> Result<sp_mmr_primitives::AncestryProof<sp_core::H256>, sp_mmr_primitives::Error> {
            Mmr::generate_ancestry_proof(prev_block_number, best_known_block_number)
        }

        fn verify_proof(
            leaves: Vec<sp_mmr_primitives::EncodableOpaqueLeaf>,
            proof: sp_mmr_primitives::LeafProof<sp_core::H256>,
        ) -> Result<(), sp_mmr_primitives::Error> {
            let leaves = leaves
                .into_iter()
                .map(|leaf| leaf.into_opaque_leaf().try_decode().ok_or(sp_mmr_primitives::Error::Verify))
                .collect::<Result<Vec<pallet_audit::AuditLeaf>, _>>()?;
            Mmr::verify_leaves(leaves, proof)
        }

        fn verify_proof_stateless(
            root: sp_core::H256,
            leaves: Vec<sp_mmr_primitives::EncodableOpaqueLeaf>,
            proof: sp_mmr_primitives::LeafProof<sp_core::H256>,
        ) -> Result<(), sp_mmr_primitives::Error> {
            let nodes = leaves
                .into_iter()
                .map(|leaf| sp_mmr_primitives::DataOrHash::Data(leaf.into_opaque_leaf()))
                .collect();
            pallet_mmr::verify_leaves_proof::<sp_runtime::traits::BlakeTwo256, _>(root, nodes, proof)
        }
    }

    impl frame_system_rpc_runtime_api::AccountNonceApi<Block, AccountId, Nonce> for Runtime {
        fn account_nonce(account: AccountId) -> Nonce {
            System::account_nonce(account)
        }
    }

    impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentApi<Block, Balance> for Runtime {
        fn query_info(
            uxt: <Block as BlockT>::Extrinsic,
            len: u32,
        ) -> pallet_transaction_payment_rpc_runtime_api::RuntimeDispatchInfo<Balance> {
            TransactionPayment::query_info(uxt, len)
        }
        fn query_fee_details(
            uxt: <Block as BlockT>::Extrinsic,
            len: u32,
        ) -> pallet_transaction_payment::FeeDetails<Balance> {
            TransactionPayment::query_fee_details(uxt, len)
        }
        fn query_weight_to_fee(weight: Weight) -> Balance {
            TransactionPayment::weight_to_fee(weight)
        }
        fn query_length_to_fee(length: u32) -> Balance {
            TransactionPayment::length_to_fee(length)
        }
    }

    impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentCallApi<Block, Balance, RuntimeCall>
        for Runtime
    {
        fn query_call_info(
            call: RuntimeCall,
            len: u32,
        ) -> pallet_transaction_payment::RuntimeDispatchInfo<Balance> {
            TransactionPayment::query_call_info(call, len)
        }
        fn query_call_fee_details(
            call: RuntimeCall,
            len: u32,
        ) -> pallet_transaction_payment::FeeDetails<Balance> {
            TransactionPayment::query_call_fee_details(call, len)
        }
        fn query_weight_to_fee(weight: Weight) -> Balance {
            TransactionPayment::weight_to_fee(weight)
        }
        fn query_length_to_fee(length: u32) -> Balance {
            TransactionPayment::length_to_fee(length)
        }
    }

    #[cfg(feature = "runtime-benchmarks")]
    impl frame_benchmarking::Benchmark<Block> for Runtime {
        fn benchmark_metadata(extra: bool) -> (
            Vec<frame_benchmarking::BenchmarkList>,
            Vec<frame_support::traits::StorageInfo>,
        ) {
            use frame_benchmarking::{baseline, BenchmarkList};
            use frame_support::traits::StorageInfoTrait;
            use frame_system_benchmarking::Pallet as SystemBench;
            use baseline::Pallet as BaselineBench;

            let mut list = Vec::<BenchmarkList>::new();
            list_benchmarks!(list, extra);
            let storage_info = AllPalletsWithSystem::storage_info();
            (list, storage_info)
        }

        #[allow(non_local_definitions)]
        fn dispatch_benchmark(
            config: frame_benchmarking::BenchmarkConfig,
        ) -> Result<Vec<frame_benchmarking::BenchmarkBatch>, alloc::string::String> {
            use frame_benchmarking::{baseline, BenchmarkBatch};
            use frame_support::traits::TrackedStorageKey;
            use frame_system_benchmarking::Pallet as SystemBench;
            use baseline::Pallet as BaselineBench;

            impl frame_system_benchmarking::Config for Runtime {}
            impl baseline::Config for Runtime {}

            // Keys every block reads and writes anyway (the block number, the execution phase,
            // the event count and events, the block's weight): counting them in each extrinsic's
            // weight would charge every call again for what the block already paid.
            use frame_support::traits::WhitelistedStorageKeys;
            let whitelist: Vec<TrackedStorageKey> = AllPalletsWithSystem::whitelisted_storage_keys();
            let mut batches = Vec::<BenchmarkBatch>::new();
            let params = (&config, &whitelist);
            add_benchmarks!(params, batches);
            Ok(batches)
        }
    }

    impl sp_genesis_builder::GenesisBuilder<Block> for Runtime {
        fn build_state(config: Vec<u8>) -> sp_genesis_builder::Result {
            build_state::<RuntimeGenesisConfig>(config)
        }

        fn get_preset(id: &Option<sp_genesis_builder::PresetId>) -> Option<Vec<u8>> {
            get_preset::<RuntimeGenesisConfig>(id, crate::genesis_config_presets::get_preset)
        }

        fn preset_names() -> Vec<sp_genesis_builder::PresetId> {
            crate::genesis_config_presets::preset_names()
        }
    }
}
