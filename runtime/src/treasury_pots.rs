//! One pallet-treasury, three pots: the community treasury, the development share and the
//! infrastructure share of the revenue split (issue 10, finding 7).
//!
//! The revenue pallet pays the development and infrastructure shares to accounts that have no
//! key. Without this module only a runtime upgrade could spend them. A treasury spend names its
//! pot as the spend's asset kind, and [`PayFromPot`] pays from that pot's account. Spends of
//! every pot need the same origins (the roundtable up to `OrdinaryTreasurySpend`, Root up to
//! `MaxTreasurySpend`), so each share is spent the way the community treasury is: by a passed
//! proposal, with the limits of the origin it passed with. A separate treasury instance per pot
//! would add two pallets with identical rules.

use crate::configs::{DevelopmentAccount, InfrastructureAccount, TreasuryAccount};
use crate::{AccountId, Balance, Balances};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::traits::{
    fungible::Mutate,
    tokens::{Pay, PaymentStatus, Preservation},
};
use scale_info::TypeInfo;
use sp_runtime::DispatchError;

/// The account a treasury spend pays from.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
pub enum TreasuryPot {
    /// The community treasury (pallet-treasury's own account): 15% of revenue, slashes, forfeits.
    Community,
    /// The development share (25% of revenue).
    Development,
    /// The infrastructure share (15% of revenue).
    Infrastructure,
}

impl TreasuryPot {
    pub fn account(self) -> AccountId {
        match self {
            TreasuryPot::Community => TreasuryAccount::get(),
            TreasuryPot::Development => DevelopmentAccount::get(),
            TreasuryPot::Infrastructure => InfrastructureAccount::get(),
        }
    }
}

/// Pays a treasury spend from its pot's account. The pot is kept alive: a spend that would take it
/// below the existential deposit fails (and can be retried with a smaller amount) instead of
/// reaping the account the revenue split keeps paying into.
pub struct PayFromPot;

impl Pay for PayFromPot {
    type Balance = Balance;
    type Beneficiary = AccountId;
    type AssetKind = TreasuryPot;
    type Id = ();
    type Error = DispatchError;

    fn pay(who: &AccountId, pot: TreasuryPot, amount: Balance) -> Result<(), DispatchError> {
        <Balances as Mutate<AccountId>>::transfer(&pot.account(), who, amount, Preservation::Preserve)?;
        Ok(())
    }

    fn check_payment(_: ()) -> PaymentStatus {
        PaymentStatus::Success
    }

    #[cfg(feature = "runtime-benchmarks")]
    fn ensure_successful(_: &AccountId, pot: TreasuryPot, amount: Balance) {
        let ed = <Balances as frame_support::traits::fungible::Inspect<AccountId>>::minimum_balance();
        let _ = <Balances as Mutate<AccountId>>::mint_into(&pot.account(), amount.saturating_add(ed));
    }

    #[cfg(feature = "runtime-benchmarks")]
    fn ensure_concluded(_: ()) {}
}
