//! # Revenue
//!
//! Where the chain's earnings go. Three sources feed one **era pot**:
//!
//! * **block rewards** ("PoE mining rewards"): [`BlockReward`] units are minted into the pot in the
//!   `on_initialize` of every block. This is the *only* place the pallet changes total issuance.
//! * **bundle-auction proceeds** (and forfeited auction deposits): the auction pallet hands them over
//!   through [`RevenueSink`], which the runtime bridges from `pallet_auction::RevenueSink`.
//! * **rent**: transaction fees and tips. Plug [`RentAdapter`] (a
//!   `pallet_transaction_payment::FungibleAdapter` whose `OnUnbalanced` is [`RentToPot`]) into
//!   `pallet_transaction_payment::Config::OnChargeTransaction`.
//!
//! Any pallet may credit the pot through [`RevenueSink`], naming the [`RevenueSource`]; the credit
//! is either an imbalance (`credit_imbalance`) or a transfer from an account (`credit`).
//!
//! ## The pot and the split
//!
//! The pot is the pallet account (`PalletId` derived). Its balance is always
//! `existential deposit (genesis floor) + PotSources + CarriedIn + Retained`: the pallet keeps a
//! ledger of every unit, so nothing is ever distributed twice or lost.
//!
//! An era is [`EraLength`] blocks. In the `on_initialize` of the first block past the era, the pot
//! (this era's sources plus what was carried in) is split by the governance-set [`Shares`], five
//! `Perbill`s that must sum to exactly 100% (defaults 40/25/15/15/5):
//!
//! | class | paid to |
//! |---|---|
//! | validators | by activity points (blocks proposed, QCs signed) in [`ValidatorPoints`], credited by the runtime ([`Pallet::credit_validators`]) |
//! | development | [`Config::DevelopmentAccount`] |
//! | infrastructure | [`Config::InfrastructureAccount`] |
//! | community treasury | [`Config::TreasuryAccount`] (the pallet-treasury account in the runtime) |
//! | roundtable partners | by weight among Active partners, from [`Config::PartnerShares`] |
//!
//! ## Exact accounting: remainders are carried
//!
//! Every class amount is `Perbill::mul_floor`, every per-account amount is
//! `floor(class * points / total_points)` (128-bit, no overflow). Whatever rounding leaves over,
//! a class with nobody to pay (no points, no partners) and any transfer that fails (a new account
//! below the existential deposit) is **carried to the next era's pot** ([`CarriedIn`]); it is
//! reported as `carried_out` of this era and `carried_in` of the next. So for every era
//! `sum(payouts) + carried_out == pot`, and no account receives more than its exact share.
//!
//! ## Modes
//!
//! * [`Mode::Testnet`]: the split is computed and recorded in the report, nothing is transferred; the
//!   recorded amounts stay in the pot as [`Retained`] (not redistributed).
//! * [`Mode::Mainnet`]: real transfers. Switching to Mainnet pays `Retained` to the community
//!   treasury ([`Config::TreasuryAccount`]), whose spends need the roundtable. It does not go into
//!   the running era's pot: that would pay the revenue of every testnet era to whoever is paid in
//!   the first mainnet era (issue 10, finding 7). The testnet reports say who earned what, so the
//!   roundtable can pay it out from the treasury if it so decides.
//!
//! The mode is stored in every report.
//!
//! ## Reports
//!
//! Each closed era leaves an [`EraReport`] (by source, by recipient class, by account; bounded) in
//! [`Reports`], a ring of [`Config::HistoryDepth`] eras. Reports are serde-serializable and served by
//! the [`RevenueApi`] runtime API so a node RPC or CLI can export them as JSON or CSV.
//!
//! ## Governance
//!
//! Only [`Config::GovernanceOrigin`] (Root in the runtime: a poll of the roundtable's protocol track)
//! may change the shares, the block reward, the era length and the mode.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

pub mod types;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

use alloc::vec::Vec;
use frame_support::traits::{
    fungible::{self, Balanced, Credit, Inspect, Mutate},
    tokens::Preservation,
    Imbalance, OnUnbalanced,
};
use sp_runtime::{DispatchResult as SinkResult, Saturating};

/// The balance type of the pallet's currency.
pub type BalanceOf<T> = <<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;
/// A credit (positive imbalance) of the pallet's currency.
pub type CreditOf<T> = Credit<<T as frame_system::Config>::AccountId, <T as Config>::Currency>;

/// The `OnChargeTransaction` the runtime plugs into `pallet-transaction-payment`: fees and tips are
/// withdrawn as usual and credited to the pot as [`RevenueSource::Rent`].
pub type RentAdapter<T> = pallet_transaction_payment::FungibleAdapter<<T as Config>::Currency, RentToPot<T>>;

/// `OnUnbalanced` handler crediting transaction fees and tips to the pot as rent.
pub struct RentToPot<T>(core::marker::PhantomData<T>);

impl<T: Config> OnUnbalanced<CreditOf<T>> for RentToPot<T> {
    fn on_nonzero_unbalanced(amount: CreditOf<T>) {
        Pallet::<T>::credit_pot(RevenueSource::Rent, amount);
    }
}

/// One **Active** partner's claim on the partners' class of an era.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct PartnerShare<AccountId> {
    /// Where its share is paid.
    pub payout: AccountId,
    /// Its weight among the active partners.
    pub weight: u64,
    /// The registry withholds its share of this era (its light client went too long without a
    /// verified header): the amount is computed as if it were paid and carried to the next era's
    /// partners' class instead ([`PartnerCarriedIn`]).
    pub withheld: bool,
}

/// The roundtable partners that share in revenue. Implemented by the partners pallet in the runtime.
pub trait PartnerShares<AccountId> {
    /// Every active partner. Entries past [`Config::MaxPartnerPayees`] are ignored; zero-weight
    /// entries are skipped.
    fn active_partners() -> Vec<PartnerShare<AccountId>>;
    /// Benchmarks only: make `active_partners` return `partners`.
    #[cfg(feature = "runtime-benchmarks")]
    fn set_partners(_partners: Vec<(AccountId, u64)>) {}
}

impl<AccountId> PartnerShares<AccountId> for () {
    fn active_partners() -> Vec<PartnerShare<AccountId>> {
        Vec::new()
    }
}

/// How other pallets put money into the pot, naming its source.
pub trait RevenueSink<AccountId, Balance, Credit> {
    /// Move `amount` from `from`'s free balance (kept alive) into the pot.
    fn credit(source: RevenueSource, from: &AccountId, amount: Balance) -> SinkResult;
    /// Put an imbalance (withdrawn, slashed or minted elsewhere) into the pot.
    fn credit_imbalance(source: RevenueSource, credit: Credit);
}

impl<T: Config> RevenueSink<T::AccountId, BalanceOf<T>, CreditOf<T>> for Pallet<T> {
    fn credit(source: RevenueSource, from: &T::AccountId, amount: BalanceOf<T>) -> SinkResult {
        if amount == 0u32.into() {
            return Ok(());
        }
        let pot = Self::pot_account();
        T::Currency::transfer(from, &pot, amount, Preservation::Preserve)?;
        Self::note_credit(source, amount);
        Ok(())
    }

    fn credit_imbalance(source: RevenueSource, credit: CreditOf<T>) {
        Self::credit_pot(source, credit)
    }
}

sp_api::decl_runtime_apis! {
    /// Revenue reports and parameters, for RPC and CLI export.
    pub trait RevenueApi<AccountId, Balance, BlockNumber>
    where
        AccountId: codec::Codec,
        Balance: codec::Codec,
        BlockNumber: codec::Codec,
    {
        /// The report of a closed era, if still in the history ring.
        fn era_report(era: EraIndex) -> Option<ApiEraReport<AccountId, Balance, BlockNumber>>;
        /// The running era: index, start, length, what the pot holds so far, mode.
        fn current_era() -> CurrentEraInfo<Balance, BlockNumber>;
        /// The shares in force.
        fn shares() -> Shares;
    }
}

#[frame_support::pallet]
pub mod pallet {
    use super::*;
    use frame_support::{pallet_prelude::*, BoundedVec, PalletId};
    use frame_system::pallet_prelude::*;
    use sp_runtime::traits::{AccountIdConversion, Zero};

    #[pallet::pallet]
    pub struct Pallet<T>(_);

    #[pallet::config]
    pub trait Config: frame_system::Config {
        /// The overarching event type.
        #[allow(deprecated)]
        type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;

        /// The native currency (pallet-balances).
        type Currency: fungible::Mutate<Self::AccountId> + fungible::Balanced<Self::AccountId>;

        /// Changes shares, block reward, era length and mode (the roundtable in the runtime).
        type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

        /// Derives the pot account.
        #[pallet::constant]
        type PalletId: Get<PalletId>;

        /// Receives the development share.
        type DevelopmentAccount: Get<Self::AccountId>;
        /// Receives the infrastructure share.
        type InfrastructureAccount: Get<Self::AccountId>;
        /// Receives the community treasury share (the pallet-treasury account in the runtime).
        type TreasuryAccount: Get<Self::AccountId>;

        /// Active partners' payout accounts and weights.
        type PartnerShares: PartnerShares<Self::AccountId>;

        /// Most validators paid in one era (bounds era-end work and the report).
        #[pallet::constant]
        type MaxValidatorPayees: Get<u32>;
        /// Most partners paid in one era (bounds era-end work and the report).
        #[pallet::constant]
        type MaxPartnerPayees: Get<u32>;
        /// How many closed eras keep their report.
        #[pallet::constant]
        type HistoryDepth: Get<u32>;

        /// Weights of calls and hooks.
        type WeightInfo: WeightInfo;
    }

    /// The bound of a report's payouts: every validator and partner payee plus the three accounts.
    pub struct PayoutBound<T>(core::marker::PhantomData<T>);
    impl<T: Config> Get<u32> for PayoutBound<T> {
        fn get() -> u32 {
            T::MaxValidatorPayees::get().saturating_add(T::MaxPartnerPayees::get()).saturating_add(3)
        }
    }

    /// A report as stored.
    pub type StoredReportOf<T> = EraReport<
        BalanceOf<T>,
        BlockNumberFor<T>,
        BoundedVec<Payout<<T as frame_system::Config>::AccountId, BalanceOf<T>>, PayoutBound<T>>,
    >;

    /// The shares in force; always sum to 100%.
    #[pallet::storage]
    pub type CurrentShares<T: Config> = StorageValue<_, Shares, ValueQuery>;

    /// Units minted into the pot per block.
    #[pallet::storage]
    pub type BlockReward<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

    /// Blocks per era.
    #[pallet::storage]
    pub type EraLength<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

    /// Testnet (record only) or Mainnet (transfer).
    #[pallet::storage]
    pub type RevenueMode<T: Config> = StorageValue<_, Mode, ValueQuery>;

    /// Index and first block of the running era.
    #[pallet::storage]
    pub type CurrentEra<T: Config> = StorageValue<_, (EraIndex, BlockNumberFor<T>), ValueQuery>;

    /// What each source has put into the pot during the running era.
    #[pallet::storage]
    pub type PotSources<T: Config> = StorageValue<_, SourceTotals<BalanceOf<T>>, ValueQuery>;

    /// Carried from the previous era (rounding, unpaid classes, failed transfers).
    #[pallet::storage]
    pub type CarriedIn<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

    /// Partners' shares withheld in the previous era: added to this era's partners' class on top
    /// of its share of the pot, so that the partners who keep their duties receive them.
    #[pallet::storage]
    pub type PartnerCarriedIn<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

    /// Activity points of the validators in an era (blocks proposed and certificates signed), as
    /// the runtime credits them from consensus data ([`Pallet::credit_validators`]). The running
    /// era's and the last closed era's are kept; at most `MaxValidatorPayees` validators an era.
    #[pallet::storage]
    pub type ValidatorPoints<T: Config> =
        StorageMap<_, Twox64Concat, EraIndex, BoundedVec<(T::AccountId, u64), T::MaxValidatorPayees>, ValueQuery>;

    /// Amounts distributed on paper in Testnet eras; they stay in the pot until Mainnet.
    #[pallet::storage]
    pub type Retained<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

    /// Reports of the last `HistoryDepth` closed eras.
    #[pallet::storage]
    pub type Reports<T: Config> = StorageMap<_, Twox64Concat, EraIndex, StoredReportOf<T>, OptionQuery>;

    #[pallet::genesis_config]
    #[derive(frame_support::DefaultNoBound)]
    pub struct GenesisConfig<T: Config> {
        /// Initial shares (must sum to 100%).
        pub shares: Shares,
        /// Blocks per era (non-zero).
        pub era_length: BlockNumberFor<T>,
        /// Units minted per block.
        pub block_reward: BalanceOf<T>,
        /// Initial mode.
        pub mode: Mode,
    }

    #[pallet::genesis_build]
    impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
        fn build(&self) {
            assert!(self.shares.is_complete(), "revenue genesis: shares must sum to 100%");
            let era_length = if self.era_length.is_zero() { 1u32.into() } else { self.era_length };
            CurrentShares::<T>::put(self.shares);
            EraLength::<T>::put(era_length);
            BlockReward::<T>::put(self.block_reward);
            RevenueMode::<T>::put(self.mode);
            // The pot account keeps the existential deposit as a floor, so that every credit
            // (however small) can land and every payout can leave with `Preserve`.
            let pot = Pallet::<T>::pot_account();
            let ed = T::Currency::minimum_balance();
            let have = T::Currency::balance(&pot);
            if have < ed {
                let _ = T::Currency::mint_into(&pot, ed.saturating_sub(have));
            }
        }
    }

    #[pallet::event]
    #[pallet::generate_deposit(pub(super) fn deposit_event)]
    pub enum Event<T: Config> {
        /// The pot received `amount` from `source`.
        Credited { source: RevenueSource, amount: BalanceOf<T> },
        /// A credit could not land in the pot (pot account dead) and was burnt.
        CreditLost { source: RevenueSource, amount: BalanceOf<T> },
        /// `account` received (Mainnet) or was allotted (Testnet) `amount` for `class`.
        Paid { era: EraIndex, class: RecipientClass, account: T::AccountId, amount: BalanceOf<T>, status: PayoutStatus },
        /// An era closed: `pot` was split, `distributed` went out (or was recorded), `carried` goes
        /// on to the next era's pot and `withheld` to the next era's partners' class.
        EraClosed {
            era: EraIndex,
            mode: Mode,
            pot: BalanceOf<T>,
            distributed: BalanceOf<T>,
            carried: BalanceOf<T>,
            withheld: BalanceOf<T>,
        },
        /// Governance set new shares.
        SharesSet { shares: Shares },
        /// Governance set the per-block reward.
        BlockRewardSet { reward: BalanceOf<T> },
        /// Governance set the era length.
        EraLengthSet { length: BlockNumberFor<T> },
        /// Governance set the mode; `released` testnet retention was paid to the community treasury.
        ModeSet { mode: Mode, released: BalanceOf<T> },
    }

    #[pallet::error]
    pub enum Error<T> {
        /// The shares do not sum to exactly 100%.
        SharesNotHundredPercent,
        /// An era must last at least one block.
        ZeroEraLength,
        /// The value set is the one already in force.
        Unchanged,
        /// The testnet retention could not be paid to the treasury; nothing changed.
        ReleaseFailed,
    }

    #[pallet::hooks]
    impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
        fn on_initialize(n: BlockNumberFor<T>) -> Weight {
            let mut weight = Weight::zero();
            let (era, start) = CurrentEra::<T>::get();
            if n >= start.saturating_add(EraLength::<T>::get()) {
                let (v, p) = Self::close_era(era, start, n);
                weight = weight.saturating_add(T::WeightInfo::on_initialize_era_end(v, p));
            }
            let reward = BlockReward::<T>::get();
            if !reward.is_zero() {
                Self::credit_pot(RevenueSource::BlockRewards, T::Currency::issue(reward));
            }
            weight.saturating_add(T::WeightInfo::on_initialize_block_reward())
        }

        fn integrity_test() {
            assert!(T::HistoryDepth::get() > 0, "HistoryDepth must be positive");
        }

        #[cfg(feature = "try-runtime")]
        fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
            Self::do_try_state()
        }
    }

    #[pallet::call]
    impl<T: Config> Pallet<T> {
        /// Set the shares. They must sum to exactly 100%. Governance only.
        #[pallet::call_index(0)]
        #[pallet::weight(T::WeightInfo::set_shares())]
        pub fn set_shares(origin: OriginFor<T>, shares: Shares) -> DispatchResult {
            T::GovernanceOrigin::ensure_origin(origin)?;
            ensure!(shares.is_complete(), Error::<T>::SharesNotHundredPercent);
            CurrentShares::<T>::put(shares);
            Self::deposit_event(Event::SharesSet { shares });
            Ok(())
        }

        /// Set the units minted into the pot per block. Governance only.
        #[pallet::call_index(1)]
        #[pallet::weight(T::WeightInfo::set_block_reward())]
        pub fn set_block_reward(origin: OriginFor<T>, #[pallet::compact] reward: BalanceOf<T>) -> DispatchResult {
            T::GovernanceOrigin::ensure_origin(origin)?;
            BlockReward::<T>::put(reward);
            Self::deposit_event(Event::BlockRewardSet { reward });
            Ok(())
        }

        /// Set the era length in blocks (non-zero); applies to the running era. Governance only.
        #[pallet::call_index(2)]
        #[pallet::weight(T::WeightInfo::set_era_length())]
        pub fn set_era_length(origin: OriginFor<T>, length: BlockNumberFor<T>) -> DispatchResult {
            T::GovernanceOrigin::ensure_origin(origin)?;
            ensure!(!length.is_zero(), Error::<T>::ZeroEraLength);
            EraLength::<T>::put(length);
            Self::deposit_event(Event::EraLengthSet { length });
            Ok(())
        }

        /// Switch between Testnet and Mainnet. Switching to Mainnet pays the testnet retention to
        /// the community treasury (see the module docs). Governance only.
        #[pallet::call_index(3)]
        #[pallet::weight(T::WeightInfo::set_mode())]
        pub fn set_mode(origin: OriginFor<T>, mode: Mode) -> DispatchResult {
            T::GovernanceOrigin::ensure_origin(origin)?;
            ensure!(RevenueMode::<T>::get() != mode, Error::<T>::Unchanged);
            let released = if mode == Mode::Mainnet {
                let r = Retained::<T>::take();
                if !r.is_zero() {
                    T::Currency::transfer(&Self::pot_account(), &T::TreasuryAccount::get(), r, Preservation::Preserve)
                        .map_err(|_| Error::<T>::ReleaseFailed)?;
                }
                r
            } else {
                Zero::zero()
            };
            RevenueMode::<T>::put(mode);
            Self::deposit_event(Event::ModeSet { mode, released });
            Ok(())
        }
    }

    impl<T: Config> Pallet<T> {
        /// Add a point to each of `who` in the running era (an account named twice gets two).
        /// Validators past `MaxValidatorPayees` in an era are ignored: there cannot be more.
        pub fn credit_validators(who: impl IntoIterator<Item = T::AccountId>) {
            let (era, _) = CurrentEra::<T>::get();
            ValidatorPoints::<T>::mutate(era, |points| {
                for who in who {
                    if let Some(entry) = points.iter_mut().find(|(a, _)| *a == who) {
                        entry.1 = entry.1.saturating_add(1);
                    } else {
                        let _ = points.try_push((who, 1));
                    }
                }
            });
        }

        /// The pot account.
        pub fn pot_account() -> T::AccountId {
            T::PalletId::get().into_account_truncating()
        }

        /// What the running era's pot holds (sources plus both carries in).
        pub fn pot_total() -> BalanceOf<T> {
            PotSources::<T>::get()
                .total()
                .saturating_add(CarriedIn::<T>::get())
                .saturating_add(PartnerCarriedIn::<T>::get())
        }

        pub(crate) fn note_credit(source: RevenueSource, amount: BalanceOf<T>) {
            PotSources::<T>::mutate(|s| s.add(source, amount));
            Self::deposit_event(Event::Credited { source, amount });
        }

        /// Resolve an imbalance into the pot and book it under `source`.
        pub fn credit_pot(source: RevenueSource, credit: CreditOf<T>) {
            let amount = credit.peek();
            if amount.is_zero() {
                return;
            }
            match T::Currency::resolve(&Self::pot_account(), credit) {
                Ok(()) => Self::note_credit(source, amount),
                Err(lost) => {
                    log::error!(target: "runtime::revenue", "pot account cannot receive {:?}; burnt", lost.peek());
                    Self::deposit_event(Event::CreditLost { source, amount });
                }
            }
        }

        /// Split `total` by `weights` (zero weights skipped): `(account, floor share)` and the
        /// remainder. Pure; used by the era close and the property tests.
        pub fn split_by_weight(
            total: BalanceOf<T>,
            weights: &[(T::AccountId, u64)],
        ) -> (Vec<(T::AccountId, BalanceOf<T>)>, BalanceOf<T>) {
            split_by_weight::<T::AccountId, BalanceOf<T>>(total, weights)
        }

        /// Close `era`: split the pot, pay or record, carry the rest, store the report.
        /// Returns the number of validator and partner payees (for weight).
        pub(crate) fn close_era(era: EraIndex, start: BlockNumberFor<T>, now: BlockNumberFor<T>) -> (u32, u32) {
            let mode = RevenueMode::<T>::get();
            let shares = CurrentShares::<T>::get();
            let sources = PotSources::<T>::take();
            let carried_in = CarriedIn::<T>::take();
            let partner_carried_in = PartnerCarriedIn::<T>::take();
            let shared = sources.total().saturating_add(carried_in);
            let pot = shared.saturating_add(partner_carried_in);

            let mut validators = ValidatorPoints::<T>::get(era).into_inner();
            if let Some(old) = era.checked_sub(1) {
                ValidatorPoints::<T>::remove(old);
            }
            validators.retain(|(_, p)| *p > 0);
            validators.truncate(T::MaxValidatorPayees::get() as usize);
            let mut partners = T::PartnerShares::active_partners();
            partners.retain(|p| p.weight > 0);
            partners.truncate(T::MaxPartnerPayees::get() as usize);

            let allocated = ClassTotals {
                validators: shares.validators.mul_floor(shared),
                development: shares.development.mul_floor(shared),
                infrastructure: shares.infrastructure.mul_floor(shared),
                treasury: shares.treasury.mul_floor(shared),
                partners: shares.partners.mul_floor(shared).saturating_add(partner_carried_in),
            };
            // Undivided remainder of the class split.
            let mut carried = pot.saturating_sub(allocated.total());

            // (class, account, amount, withheld)
            let mut plan: Vec<(RecipientClass, T::AccountId, BalanceOf<T>, bool)> = Vec::new();
            let (v_pay, v_rest) = Self::split_by_weight(allocated.validators, &validators);
            carried = carried.saturating_add(v_rest);
            plan.extend(v_pay.into_iter().map(|(a, x)| (RecipientClass::Validators, a, x, false)));
            plan.push((RecipientClass::Development, T::DevelopmentAccount::get(), allocated.development, false));
            plan.push((RecipientClass::Infrastructure, T::InfrastructureAccount::get(), allocated.infrastructure, false));
            plan.push((RecipientClass::Treasury, T::TreasuryAccount::get(), allocated.treasury, false));
            // A withheld partner's share is computed with everyone's weight, so that withholding
            // one partner's share never raises another's.
            let weights: Vec<(usize, u64)> = partners.iter().enumerate().map(|(i, p)| (i, p.weight)).collect();
            let (p_pay, p_rest) = split_by_weight::<usize, BalanceOf<T>>(allocated.partners, &weights);
            carried = carried.saturating_add(p_rest);
            plan.extend(p_pay.into_iter().filter_map(|(i, x)| {
                partners.get(i).map(|p| (RecipientClass::Partners, p.payout.clone(), x, p.withheld))
            }));

            // Withheld shares go to the next era's partners only if some partner is paid in this
            // one: otherwise nobody relays, and a carry that grew era after era would go whole to
            // whoever is first paid again (a partner admitted for the purpose, say).
            let some_partner_paid = partners.iter().any(|p| !p.withheld);
            let pot_account = Self::pot_account();
            let mut payouts: BoundedVec<Payout<T::AccountId, BalanceOf<T>>, PayoutBound<T>> = BoundedVec::new();
            let mut distributed: BalanceOf<T> = Zero::zero();
            let mut retained: BalanceOf<T> = Zero::zero();
            let mut withheld: BalanceOf<T> = Zero::zero();
            for (class, account, amount, withhold) in plan {
                if amount.is_zero() {
                    continue;
                }
                let status = match mode {
                    _ if withhold => {
                        if some_partner_paid {
                            withheld = withheld.saturating_add(amount);
                        } else {
                            carried = carried.saturating_add(amount);
                        }
                        PayoutStatus::Withheld
                    },
                    Mode::Testnet => {
                        retained = retained.saturating_add(amount);
                        distributed = distributed.saturating_add(amount);
                        PayoutStatus::Recorded
                    },
                    Mode::Mainnet => {
                        match T::Currency::transfer(&pot_account, &account, amount, Preservation::Preserve) {
                            Ok(_) => {
                                distributed = distributed.saturating_add(amount);
                                PayoutStatus::Paid
                            },
                            Err(_) => {
                                carried = carried.saturating_add(amount);
                                PayoutStatus::Failed
                            },
                        }
                    },
                };
                Self::deposit_event(Event::Paid { era, class, account: account.clone(), amount, status });
                // The plan has at most PayoutBound entries, so this never fails.
                let _ = payouts.try_push(Payout { class, account, amount, status });
            }

            Retained::<T>::mutate(|r| *r = r.saturating_add(retained));
            CarriedIn::<T>::put(carried);
            PartnerCarriedIn::<T>::put(withheld);
            let report = EraReport {
                era,
                mode,
                start,
                end: now.saturating_sub(1u32.into()),
                sources,
                carried_in,
                pot,
                shares,
                allocated,
                payouts,
                distributed,
                carried_out: carried,
                partner_carried_in,
                withheld,
            };
            Reports::<T>::insert(era, report);
            if let Some(old) = era.checked_sub(T::HistoryDepth::get()) {
                Reports::<T>::remove(old);
            }
            CurrentEra::<T>::put((era.saturating_add(1), now));
            Self::deposit_event(Event::EraClosed { era, mode, pot, distributed, carried, withheld });
            (validators.len() as u32, partners.len() as u32)
        }

        /// Runtime API: a closed era's report.
        pub fn era_report(era: EraIndex) -> Option<ApiEraReport<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>> {
            Reports::<T>::get(era).map(|r| r.map_payouts(|p| p.into_inner()))
        }

        /// Runtime API: the running era.
        pub fn current_era() -> CurrentEraInfo<BalanceOf<T>, BlockNumberFor<T>> {
            let (index, start) = CurrentEra::<T>::get();
            CurrentEraInfo {
                index,
                start,
                length: EraLength::<T>::get(),
                sources: PotSources::<T>::get(),
                carried_in: CarriedIn::<T>::get(),
                retained: Retained::<T>::get(),
                block_reward: BlockReward::<T>::get(),
                mode: RevenueMode::<T>::get(),
                partner_carried_in: PartnerCarriedIn::<T>::get(),
            }
        }

        /// Runtime API: the shares in force.
        pub fn shares() -> Shares {
            CurrentShares::<T>::get()
        }

        /// The pot account holds at least the ledger: sources + carried + retained.
        #[cfg(any(feature = "try-runtime", test))]
        pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
            let ledger = Self::pot_total().saturating_add(Retained::<T>::get());
            let balance = T::Currency::reducible_balance(&Self::pot_account(), Preservation::Expendable, frame_support::traits::tokens::Fortitude::Polite);
            ensure!(balance >= ledger, "revenue pot holds less than its ledger");
            ensure!(CurrentShares::<T>::get().is_complete(), "shares do not sum to 100%");
            Ok(())
        }
    }
}

/// Split `total` by `weights`: each entry gets `floor(total * w / sum_w)`; the remainder is returned.
/// With no positive weight the whole `total` is the remainder.
pub fn split_by_weight<AccountId: Clone, Balance>(
    total: Balance,
    weights: &[(AccountId, u64)],
) -> (Vec<(AccountId, Balance)>, Balance)
where
    Balance: sp_runtime::traits::AtLeast32BitUnsigned + Copy,
{
    let sum: u128 = weights.iter().fold(0u128, |acc, (_, w)| acc.saturating_add(*w as u128));
    if sum == 0 {
        return (Vec::new(), total);
    }
    let total128: u128 = total.unique_saturated_into();
    let mut rest = total;
    let mut out = Vec::with_capacity(weights.len());
    for (who, w) in weights.iter().filter(|(_, w)| *w > 0) {
        let x = sp_runtime::helpers_128bit::multiply_by_rational_with_rounding(
            total128,
            *w as u128,
            sum,
            sp_runtime::Rounding::Down,
        )
        .unwrap_or(0);
        let x = Balance::unique_saturated_from(x);
        // x <= total * w / sum, so the running sum never exceeds total; saturate anyway.
        let x = x.min(rest);
        rest = rest.saturating_sub(x);
        out.push((who.clone(), x));
    }
    (out, rest)
}
