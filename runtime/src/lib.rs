//! The BPCI chain runtime.
//!
//! Library pallets (system, timestamp, balances, transaction payment, session, utility, sudo,
//! preimage, scheduler, treasury) plus our own: `pallet-validators`, which hands the BFT engine its
//! BLS validator set, and the partnership pallets `pallet-partners` (registry), `pallet-roundtable`
//! (governance by the active partners), `pallet-revenue` (era pot and split) and `pallet-auction`
//! (sealed-bid bundle auction). How they are tied together (origins, accounts, call classes,
//! validator activity) is documented in [`configs`]. Block production and
//! finality are not pallets: the node's BFT engine reads the validator set and block time through
//! [`bpci_primitives::BpciConsensusApi`].
#![cfg_attr(not(feature = "std"), no_std)]
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

pub mod apis;
pub mod audit;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarks;
pub mod weights;
pub mod configs;
pub mod genesis_config_presets;
pub mod migrations;

use alloc::vec::Vec;
use sp_runtime::{
    generic, impl_opaque_keys,
    traits::{BlakeTwo256, IdentifyAccount, Verify},
    MultiAddress, MultiSignature,
};
use sp_version::RuntimeVersion;

pub use frame_system::Call as SystemCall;
pub use pallet_balances::Call as BalancesCall;
pub use pallet_timestamp::Call as TimestampCall;
#[cfg(any(feature = "std", test))]
pub use sp_runtime::BuildStorage;

pub type BlockNumber = u32;
pub type Signature = MultiSignature;
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
pub type Balance = u128;
pub type Nonce = u32;
pub type Hash = sp_core::H256;

/// Opaque types for the node, which must not depend on the runtime's exact call type.
pub mod opaque {
    use super::*;
    pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;
    pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
    pub type Block = generic::Block<Header, UncheckedExtrinsic>;
    pub type BlockId = generic::BlockId<Block>;
}

impl_opaque_keys! {
    pub struct SessionKeys {
        pub bls: Validators,
    }
}

#[cfg(not(feature = "upgrade-test"))]
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
    spec_name: alloc::borrow::Cow::Borrowed("bpci"),
    impl_name: alloc::borrow::Cow::Borrowed("bpci-node"),
    authoring_version: 1,
    // Bumped on every change of runtime logic; a forkless upgrade needs a higher value.
    spec_version: 100,
    impl_version: 1,
    apis: apis::RUNTIME_API_VERSIONS,
    transaction_version: 1,
    system_version: 1,
};

/// The same runtime one `spec_version` higher: what the forkless-upgrade test enacts through the
/// roundtable (`scripts/build-upgrade-wasm.sh`). The version macro needs literals, hence the copy.
#[cfg(feature = "upgrade-test")]
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
    spec_name: alloc::borrow::Cow::Borrowed("bpci"),
    impl_name: alloc::borrow::Cow::Borrowed("bpci-node"),
    authoring_version: 1,
    spec_version: 101,
    impl_version: 1,
    apis: apis::RUNTIME_API_VERSIONS,
    transaction_version: 1,
    system_version: 1,
};

/// Target block time. The BFT engine paces proposals by it; the runtime only needs it to reject
/// timestamps that run ahead of it.
pub const MILLISECS_PER_BLOCK: u64 = 1000;
pub const MINUTES: BlockNumber = 60_000 / (MILLISECS_PER_BLOCK as BlockNumber);
pub const HOURS: BlockNumber = MINUTES * 60;
pub const DAYS: BlockNumber = HOURS * 24;

/// Token: BPCI, 12 decimals.
pub const TOKEN_DECIMALS: u8 = 12;
pub const TOKEN_SYMBOL: &str = "BPCI";
pub const UNIT: Balance = 1_000_000_000_000;
pub const MILLI_UNIT: Balance = UNIT / 1_000;
pub const MICRO_UNIT: Balance = UNIT / 1_000_000;
pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_UNIT;

pub type Address = MultiAddress<AccountId, ()>;
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
pub type Block = generic::Block<Header, UncheckedExtrinsic>;
pub type SignedBlock = generic::SignedBlock<Block>;
pub type BlockId = generic::BlockId<Block>;

/// Checks every signed transaction goes through: the standard set and one of ours that carries
/// no data, so that polkadot.js, subxt and py-substrate-interface build transactions without
/// custom type definitions.
pub type TxExtension = (
    frame_system::AuthorizeCall<Runtime>,
    frame_system::CheckNonZeroSender<Runtime>,
    frame_system::CheckSpecVersion<Runtime>,
    frame_system::CheckTxVersion<Runtime>,
    frame_system::CheckGenesis<Runtime>,
    frame_system::CheckEra<Runtime>,
    frame_system::CheckNonce<Runtime>,
    frame_system::CheckWeight<Runtime>,
    // Refuses bridge headers and hand-overs that are already obsolete, before a fee is taken.
    // It carries no data, so wallets that do not know it sign around it.
    pallet_bridge::RejectObsoleteBridgeProofs<Runtime>,
    pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
    frame_system::WeightReclaim<Runtime>,
);

pub type UncheckedExtrinsic = generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Storage migrations of the next runtime upgrade.
type Migrations = (migrations::MoveActivityIntoRevenue,);

pub type Executive = frame_executive::Executive<
    Runtime,
    Block,
    frame_system::ChainContext<Runtime>,
    Runtime,
    AllPalletsWithSystem,
    Migrations,
>;

#[frame_support::runtime]
mod runtime {
    #[runtime::runtime]
    #[runtime::derive(
        RuntimeCall,
        RuntimeEvent,
        RuntimeError,
        RuntimeOrigin,
        RuntimeFreezeReason,
        RuntimeHoldReason,
        RuntimeSlashReason,
        RuntimeLockId,
        RuntimeTask,
        RuntimeViewFunction
    )]
    pub struct Runtime;

    #[runtime::pallet_index(0)]
    pub type System = frame_system;
    #[runtime::pallet_index(1)]
    pub type Timestamp = pallet_timestamp;
    #[runtime::pallet_index(2)]
    pub type Balances = pallet_balances;
    #[runtime::pallet_index(3)]
    pub type TransactionPayment = pallet_transaction_payment;
    #[runtime::pallet_index(4)]
    pub type Validators = pallet_validators;
    #[runtime::pallet_index(5)]
    pub type Session = pallet_session;
    #[runtime::pallet_index(6)]
    pub type Utility = pallet_utility;
    #[runtime::pallet_index(7)]
    pub type Sudo = pallet_sudo;
    #[runtime::pallet_index(8)]
    pub type Preimage = pallet_preimage;
    #[runtime::pallet_index(9)]
    pub type Scheduler = pallet_scheduler;
    #[runtime::pallet_index(10)]
    pub type Treasury = pallet_treasury;
    #[runtime::pallet_index(11)]
    pub type Partners = pallet_partners;
    /// Votes pallet-referenda's polls on the roundtable's tracks, and has their origins
    /// (`pallet_roundtable::RawOrigin::{Roundtable, PartnerRemoval, Treasurer, Emergency}`): a
    /// call passed on a track runs with its origin; the protocol track's as Root (see `configs`
    /// for what each origin may do).
    #[runtime::pallet_index(12)]
    pub type Roundtable = pallet_roundtable;
    #[runtime::pallet_index(13)]
    pub type Revenue = pallet_revenue;
    #[runtime::pallet_index(14)]
    pub type Auction = pallet_auction;
    /// The development share of revenue; spends need Root (see `configs`).
    #[runtime::pallet_index(15)]
    pub type DevelopmentTreasury = pallet_treasury<Instance2>;
    /// The infrastructure share of revenue; spends need Root (see `configs`).
    #[runtime::pallet_index(16)]
    pub type InfrastructureTreasury = pallet_treasury<Instance3>;
    /// The poll lifecycle of governance (tracks, deposits, prepare/decide/confirm, enactment);
    /// the roundtable votes.
    #[runtime::pallet_index(17)]
    pub type Referenda = pallet_referenda;
    #[runtime::pallet_index(18)]
    pub type Bridge = pallet_bridge;
    /// The log over blocks of the audit trail: one leaf a block (see `audit`).
    #[runtime::pallet_index(19)]
    pub type Mmr = pallet_mmr;
    /// The audit trail's records and each block's commitment. Last, so that its `on_finalize`
    /// sees every event of the block.
    #[runtime::pallet_index(20)]
    pub type Audit = pallet_audit;
}

#[cfg(test)]
mod tests;
