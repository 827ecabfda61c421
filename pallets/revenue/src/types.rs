//! Types of the revenue pallet: sources, shares, modes and the per-era report.
//!
//! All of them are SCALE-encodable (storage, runtime API) and serde-serializable (genesis config,
//! JSON/CSV export by a node RPC or CLI).

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};
use sp_runtime::{traits::Saturating, Perbill};
use core::fmt::Debug;

/// Index of an era (0 is the genesis era).
pub type EraIndex = u32;

/// Where a credit to the pot comes from.
#[derive(
    Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize,
)]
pub enum RevenueSource {
    /// Per-block minted rewards (PoE mining rewards).
    BlockRewards,
    /// Bundle-auction proceeds and forfeited auction deposits.
    Auction,
    /// Transaction fees and tips.
    Rent,
    /// Anything else a pallet chooses to credit.
    Other,
}

/// Who a payout is for.
#[derive(
    Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize,
)]
pub enum RecipientClass {
    Validators,
    Development,
    Infrastructure,
    Treasury,
    Partners,
}

/// Testnet records distributions without transferring; Mainnet transfers.
#[derive(
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
    Default,
    Serialize,
    Deserialize,
)]
pub enum Mode {
    #[default]
    Testnet,
    Mainnet,
}

/// What happened to one payout.
#[derive(
    Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize,
)]
pub enum PayoutStatus {
    /// Transferred (Mainnet).
    Paid,
    /// Computed and recorded only (Testnet); the amount stays in the pot as retention.
    Recorded,
    /// The transfer failed (e.g. below the existential deposit of a new account); carried.
    Failed,
    /// A partner's share the registry withheld (no verified header of its chain for too long);
    /// carried to the next era's partners' class.
    Withheld,
}

/// The split of the pot between recipient classes. Must sum to exactly 100%.
#[derive(
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
    Serialize,
    Deserialize,
)]
pub struct Shares {
    pub validators: Perbill,
    pub development: Perbill,
    pub infrastructure: Perbill,
    pub treasury: Perbill,
    pub partners: Perbill,
}

impl Default for Shares {
    /// 40% validators, 25% development, 15% infrastructure, 15% community treasury, 5% partners.
    fn default() -> Self {
        Shares {
            validators: Perbill::from_percent(40),
            development: Perbill::from_percent(25),
            infrastructure: Perbill::from_percent(15),
            treasury: Perbill::from_percent(15),
            partners: Perbill::from_percent(5),
        }
    }
}

impl Shares {
    /// Parts per billion summed without saturation.
    pub fn parts(&self) -> u64 {
        [self.validators, self.development, self.infrastructure, self.treasury, self.partners]
            .iter()
            .map(|p| p.deconstruct() as u64)
            .sum()
    }

    /// True if the shares sum to exactly 100%.
    pub fn is_complete(&self) -> bool {
        self.parts() == 1_000_000_000
    }
}

/// Amounts by source.
#[derive(
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
    Default,
    Serialize,
    Deserialize,
)]
pub struct SourceTotals<Balance> {
    pub block_rewards: Balance,
    pub auction: Balance,
    pub rent: Balance,
    pub other: Balance,
}

impl<Balance: Saturating + Copy> SourceTotals<Balance> {
    pub fn add(&mut self, source: RevenueSource, amount: Balance) {
        let slot = match source {
            RevenueSource::BlockRewards => &mut self.block_rewards,
            RevenueSource::Auction => &mut self.auction,
            RevenueSource::Rent => &mut self.rent,
            RevenueSource::Other => &mut self.other,
        };
        *slot = slot.saturating_add(amount);
    }

    pub fn total(&self) -> Balance {
        self.block_rewards.saturating_add(self.auction).saturating_add(self.rent).saturating_add(self.other)
    }
}

/// Amounts allocated to each recipient class (before the split among accounts).
#[derive(
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
    Default,
    Serialize,
    Deserialize,
)]
pub struct ClassTotals<Balance> {
    pub validators: Balance,
    pub development: Balance,
    pub infrastructure: Balance,
    pub treasury: Balance,
    pub partners: Balance,
}

impl<Balance: Saturating + Copy> ClassTotals<Balance> {
    pub fn total(&self) -> Balance {
        self.validators
            .saturating_add(self.development)
            .saturating_add(self.infrastructure)
            .saturating_add(self.treasury)
            .saturating_add(self.partners)
    }
}

/// One account's payout in an era.
#[derive(
    Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug, Serialize, Deserialize,
)]
pub struct Payout<AccountId, Balance> {
    pub class: RecipientClass,
    pub account: AccountId,
    pub amount: Balance,
    pub status: PayoutStatus,
}

/// What happened to the pot of one era. `Payouts` is a bounded vector in storage and a plain
/// vector in the runtime API ([`ApiEraReport`]).
///
/// Invariant: `pot == sources.total() + carried_in + partner_carried_in == distributed +
/// carried_out + withheld`, `distributed` is the sum of the `Paid`/`Recorded` payouts and
/// `withheld` the sum of the `Withheld` ones, unless no partner was paid in the era: then they
/// are part of `carried_out` and `withheld` is zero.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct EraReport<Balance, BlockNumber, Payouts> {
    pub era: EraIndex,
    pub mode: Mode,
    /// First block of the era.
    pub start: BlockNumber,
    /// Last block of the era.
    pub end: BlockNumber,
    /// Credits by source during the era.
    pub sources: SourceTotals<Balance>,
    /// Carried from the previous era.
    pub carried_in: Balance,
    /// `sources.total() + carried_in`.
    pub pot: Balance,
    /// The shares the pot was split by.
    pub shares: Shares,
    /// Allocated per class.
    pub allocated: ClassTotals<Balance>,
    /// Per account.
    pub payouts: Payouts,
    /// Paid (Mainnet) or recorded (Testnet).
    pub distributed: Balance,
    /// Carried to the next era (rounding, unpaid classes, failed transfers).
    pub carried_out: Balance,
    /// Partners' shares withheld in the previous era, added to this era's partners' class.
    pub partner_carried_in: Balance,
    /// Partners' shares withheld in this era, carried to the next era's partners' class (zero if
    /// every partner's share was withheld: they are carried to the next era's pot instead).
    pub withheld: Balance,
}

/// The report as the runtime API returns it.
pub type ApiEraReport<AccountId, Balance, BlockNumber> =
    EraReport<Balance, BlockNumber, Vec<Payout<AccountId, Balance>>>;

impl<Balance, BlockNumber, P> EraReport<Balance, BlockNumber, P> {
    /// Change the payout container (bounded in storage, plain in the API).
    pub fn map_payouts<Q>(self, f: impl FnOnce(P) -> Q) -> EraReport<Balance, BlockNumber, Q> {
        EraReport {
            era: self.era,
            mode: self.mode,
            start: self.start,
            end: self.end,
            sources: self.sources,
            carried_in: self.carried_in,
            pot: self.pot,
            shares: self.shares,
            allocated: self.allocated,
            payouts: f(self.payouts),
            distributed: self.distributed,
            carried_out: self.carried_out,
            partner_carried_in: self.partner_carried_in,
            withheld: self.withheld,
        }
    }
}

/// The running era, as the runtime API returns it.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct CurrentEraInfo<Balance, BlockNumber> {
    pub index: EraIndex,
    pub start: BlockNumber,
    pub length: BlockNumber,
    pub sources: SourceTotals<Balance>,
    pub carried_in: Balance,
    pub retained: Balance,
    pub block_reward: Balance,
    pub mode: Mode,
    /// Partners' shares withheld in the previous era, added to this era's partners' class.
    pub partner_carried_in: Balance,
}
