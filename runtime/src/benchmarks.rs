//! The pallets benchmarked in this runtime (`--features runtime-benchmarks`), for
//! frame-benchmarking-cli's `benchmark pallet` once the node has the command.

frame_benchmarking::define_benchmarks!(
    [frame_benchmarking, BaselineBench::<Runtime>]
    [frame_system, SystemBench::<Runtime>]
    [pallet_balances, Balances]
    [pallet_timestamp, Timestamp]
    [pallet_sudo, Sudo]
    [pallet_utility, Utility]
    [pallet_preimage, Preimage]
    [pallet_scheduler, Scheduler]
    [pallet_treasury, Treasury]
    [pallet_treasury, DevelopmentTreasury]
    [pallet_treasury, InfrastructureTreasury]
    [pallet_validators, Validators]
    [pallet_partners, Partners]
    [pallet_roundtable, Roundtable]
    [pallet_referenda, Referenda]
    [pallet_revenue, Revenue]
    [pallet_auction, Auction]
    [pallet_bridge, Bridge]
    [pallet_mmr, Mmr]
    [pallet_audit, Audit]
);
