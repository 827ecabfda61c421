//! Weights of our pallets measured on this runtime by `bpci-node benchmark pallet` (built with
//! `--features runtime-benchmarks`); regenerate with `scripts/bench-weights.sh`. The pallets' own
//! `weights.rs` stay as the defaults for mocks and other runtimes.

pub mod pallet_auction;
pub mod pallet_audit;
pub mod pallet_bridge;
pub mod pallet_partners;
pub mod pallet_revenue;
pub mod pallet_roundtable;
pub mod pallet_validators;
