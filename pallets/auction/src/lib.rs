//! # Bundle auction
//!
//! Block space is sold in sealed-bid **rounds** (see README.md for the reasons behind each rule).
//!
//! 1. **Commit phase** (first `CommitPeriod` blocks of the round): a bidder calls
//!    [`Pallet::commit`] with `hash = Hashing::hash_of(&(bidder, bundle, bid, salt))` (see
//!    [`Pallet::commitment_of`]; the account is in it, so a copied hash cannot be revealed by the
//!    copier) and a deposit, which is **held** (`HoldReason::BidDeposit`); `CommitFee` is paid into
//!    revenue and never refunded. One commitment per account per round; at most `MaxBidders` per
//!    round. A full round takes a newcomer only for a deposit above the lowest held, whose
//!    commitment is dropped and deposit released (`Outbid`).
//! 2. **Reveal phase**: at least `RevealPeriod` blocks, and until [`RevealAuthors::needed`]
//!    (f + 1) distinct validators have authored a block in it, at most `MaxRevealPeriod` blocks,
//!    so that no single leader can censor a reveal. The bidder calls [`Pallet::reveal`] with the
//!    bundle (at most `MaxCalls` calls, `MaxBundleBytes` encoded), the bid (at least `MinBid`) and
//!    the salt; it must match the commitment, the bid plus the bundle's weight fee must not exceed
//!    the deposit, and the bundle's weight must fit the round's budget.
//! 3. **Settlement**, in the `on_initialize` of the first block after the reveal window (also the
//!    first block of the next round): revealed bids are ranked by bid (ties by commit order) and
//!    accepted greedily while their weight fits `RoundWeightBudget`; each winning bundle runs
//!    atomically as the bidder's signed origin. **First price**: a winner pays its bid plus
//!    `WeightToFee` of its bundle's weight, even if the bundle rolled back; losers are refunded;
//!    an unrevealed deposit is **forfeited**. All of it goes to the [`RevenueSink`] (the revenue
//!    pot in the runtime) as an imbalance slashed from the hold: nothing is minted or burnt.
//!
//! A window closed by its cap with fewer authors forfeits nothing (`WindowCapped`).
//!
//! **Hidden**: a bid and its bundle until their reveal; from then on they are public, at least a
//! block before they run, and later revealers see them. [`AuctionMode::Testnet`] waives the bid
//! only: fees and forfeits are charged in both modes.
//!
//! Every round leaves a [`RoundRecord`] in [`History`] (a ring of `HistoryDepth` rounds): each
//! commitment with its hash, deposit, revealed bid and weight, outcome, amount charged and amount
//! refunded (`charged + refunded == deposit` for every bidder), plus events for every step.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use weights::WeightInfo;

pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

use alloc::{boxed::Box, vec::Vec};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt::Debug;
use frame_support::traits::fungible::{self, Credit, Inspect};
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};

/// Index of an auction round.
pub type RoundIndex = u32;

/// The balance type of the pallet's currency.
pub type BalanceOf<T> = <<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;
/// An imbalance of the pallet's currency.
pub type CreditOf<T> = Credit<<T as frame_system::Config>::AccountId, <T as Config>::Currency>;
/// A bundle: the calls a bidder wants run at the start of the target block.
pub type BundleOf<T> = frame_support::BoundedVec<Box<<T as Config>::RuntimeCall>, <T as Config>::MaxCalls>;

/// What kind of auction money goes to revenue.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub enum AuctionRevenue {
    /// A winner's price.
    Proceeds,
    /// The deposit of a bidder who did not reveal.
    Forfeit,
    /// A commitment's fee, or a winning bundle's weight fee.
    Fee,
}

/// The validators whose blocks make the reveal window: it stays open until `needed` distinct
/// authors have made a block in it, so that at least one honest leader had the chance to
/// include every reveal. The runtime reads both from the consensus engine's pre-digest and the
/// validator set.
pub trait RevealAuthors<AccountId> {
    /// The author of the block being initialised, if known.
    fn author() -> Option<AccountId>;
    /// How many distinct authors make the window safe: f + 1 of the running set.
    fn needed() -> u32;
}

/// Where auction money goes. The runtime bridges it to `pallet_revenue` (source `Auction`).
pub trait RevenueSink<Credit> {
    /// Take `credit` (slashed from a bidder's held deposit) into revenue.
    fn credit(kind: AuctionRevenue, credit: Credit);
}

/// Mainnet charges a winner its bid and weight fee; Testnet the weight fee only. Both charge the
/// commitment fee and forfeit unrevealed deposits.
#[derive(
    Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize,
)]
pub enum AuctionMode {
    #[default]
    Testnet,
    Mainnet,
}

/// Phase of the running round at a given block.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
pub enum Phase {
    Commit,
    /// Until the round is settled (see [`RevealAuthors`]).
    Reveal,
}

/// A sealed bid.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct Commitment<Hash, Balance> {
    pub hash: Hash,
    pub deposit: Balance,
    /// Commit order in the round (tie-break).
    pub seq: u32,
}

/// A revealed bid; the bundle stays SCALE-encoded (bounded bytes) until it runs.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
#[scale_info(skip_type_params(MaxBytes))]
#[codec(mel_bound(Balance: MaxEncodedLen))]
pub struct Revealed<Balance, MaxBytes: frame_support::traits::Get<u32>> {
    pub bid: Balance,
    pub weight: frame_support::weights::Weight,
    pub calls: u32,
    pub bundle: frame_support::BoundedVec<u8, MaxBytes>,
}

/// What happened to one bidder in a round.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub enum Outcome {
    /// Won; `executed` is false if the bundle rolled back (or could not be decoded).
    Won { rank: u32, executed: bool },
    /// Revealed but outbid or did not fit the budget.
    Lost,
    /// Never revealed.
    Unrevealed,
}

/// One bidder's line in a round's record.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct BidRecord<AccountId, Hash, Balance> {
    pub who: AccountId,
    pub commitment: Hash,
    pub deposit: Balance,
    pub bid: Option<Balance>,
    pub weight: Option<frame_support::weights::Weight>,
    pub outcome: Outcome,
    /// Moved to revenue: bid (Mainnet) and weight fee of a winner, or an unrevealed deposit.
    pub charged: Balance,
    /// Released back to the bidder. `charged + refunded == deposit`.
    pub refunded: Balance,
    /// What Mainnet charges (equals `charged` in Mainnet; in Testnet it includes the waived bid).
    pub due: Balance,
}

/// The audit record of a settled round.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[scale_info(skip_type_params(MaxBidders))]
#[codec(mel_bound(AccountId: MaxEncodedLen, Hash: MaxEncodedLen, Balance: MaxEncodedLen, BlockNumber: MaxEncodedLen))]
#[serde(bound(
    serialize = "AccountId: Serialize, Hash: Serialize, Balance: Serialize, BlockNumber: Serialize",
    deserialize = "AccountId: Deserialize<'de>, Hash: Deserialize<'de>, Balance: Deserialize<'de>, BlockNumber: Deserialize<'de>"
))]
pub struct RoundRecord<AccountId, Hash, Balance, BlockNumber, MaxBidders: frame_support::traits::Get<u32>> {
    pub round: RoundIndex,
    pub mode: AuctionMode,
    /// Block in whose `on_initialize` the round was settled (the target block).
    pub settled_at: BlockNumber,
    /// Summed dispatch weight of the winning bundles.
    pub weight_used: frame_support::weights::Weight,
    /// In commit order.
    pub bids: frame_support::BoundedVec<BidRecord<AccountId, Hash, Balance>, MaxBidders>,
}

#[frame_support::pallet]
pub mod pallet {
    use super::*;
    use frame_support::{
        dispatch::{GetDispatchInfo, PostDispatchInfo},
        pallet_prelude::*,
        storage::{with_transaction, TransactionOutcome},
        traits::{
            fungible::{BalancedHold, MutateHold},
            fungible::Balanced,
            tokens::{Fortitude, Precision, Preservation},
            Imbalance,
        },
    };
    use frame_system::pallet_prelude::*;
    use sp_runtime::traits::{Dispatchable, Hash as HashT, SaturatedConversion, Saturating, Zero};

    #[pallet::pallet]
    pub struct Pallet<T>(_);

    #[pallet::config]
    pub trait Config: frame_system::Config {
        /// The overarching event type.
        #[allow(deprecated)]
        type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;

        /// The calls a bundle may hold.
        type RuntimeCall: Parameter
            + Dispatchable<RuntimeOrigin = Self::RuntimeOrigin, PostInfo = PostDispatchInfo>
            + GetDispatchInfo
            + From<frame_system::Call<Self>>;

        /// The overarching hold reason.
        type RuntimeHoldReason: From<HoldReason>;

        /// The native currency (pallet-balances); deposits are held under `HoldReason::BidDeposit`.
        type Currency: fungible::Mutate<Self::AccountId>
            + MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
            + BalancedHold<Self::AccountId>;

        /// Where proceeds and forfeits go (pallet-revenue in the runtime).
        type Revenue: RevenueSink<CreditOf<Self>>;

        /// Switches the mode (the roundtable in the runtime).
        type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

        /// Blocks of the commit phase.
        #[pallet::constant]
        type CommitPeriod: Get<BlockNumberFor<Self>>;
        /// Least blocks of the reveal phase; it lasts longer until [`RevealAuthors::needed`]
        /// distinct validators have authored a block in it.
        #[pallet::constant]
        type RevealPeriod: Get<BlockNumberFor<Self>>;
        /// Most blocks of the reveal phase: the round is settled then however few authors made
        /// them, so that a stalled or shrunken validator set cannot hold deposits for good.
        #[pallet::constant]
        type MaxRevealPeriod: Get<u32>;
        /// Who authored the block being initialised, and how many distinct authors are needed.
        type Authors: RevealAuthors<Self::AccountId>;
        /// Most calls in a bundle.
        #[pallet::constant]
        type MaxCalls: Get<u32>;
        /// Most bytes of an encoded bundle.
        #[pallet::constant]
        type MaxBundleBytes: Get<u32>;
        /// Most commitments in a round (bounds settlement work).
        #[pallet::constant]
        type MaxBidders: Get<u32>;
        /// Summed dispatch weight of the winning bundles of a round; also the most one bundle may weigh.
        #[pallet::constant]
        type RoundWeightBudget: Get<Weight>;
        /// Smallest deposit accepted.
        #[pallet::constant]
        type MinDeposit: Get<BalanceOf<Self>>;
        /// Smallest bid accepted at reveal: the least a winner pays for its place in the block.
        #[pallet::constant]
        type MinBid: Get<BalanceOf<Self>>;
        /// Paid into revenue by every commitment, in both modes, never refunded (also not when the
        /// commitment is outbid): taking a slot for a round costs something.
        #[pallet::constant]
        type CommitFee: Get<BalanceOf<Self>>;
        /// What a winning bundle pays for its dispatch weight, on top of its bid, in both modes
        /// (the transaction fee's rule in the runtime).
        type WeightToFee: frame_support::weights::WeightToFee<Balance = BalanceOf<Self>>;
        /// How many settled rounds keep their record.
        #[pallet::constant]
        type HistoryDepth: Get<u32>;

        /// Weights of calls and the settlement hook.
        type WeightInfo: WeightInfo;
    }

    /// Reasons for holding funds.
    #[pallet::composite_enum]
    pub enum HoldReason {
        /// A sealed bid's deposit.
        BidDeposit,
    }

    pub type RevealedOf<T> = Revealed<BalanceOf<T>, <T as Config>::MaxBundleBytes>;
    pub type RoundRecordOf<T> = RoundRecord<
        <T as frame_system::Config>::AccountId,
        <T as frame_system::Config>::Hash,
        BalanceOf<T>,
        BlockNumberFor<T>,
        <T as Config>::MaxBidders,
    >;

    /// Index and first block of the running round.
    #[pallet::storage]
    pub type CurrentRound<T: Config> = StorageValue<_, (RoundIndex, BlockNumberFor<T>), ValueQuery>;

    /// Testnet or Mainnet.
    #[pallet::storage]
    pub type Mode<T: Config> = StorageValue<_, AuctionMode, ValueQuery>;

    /// Sealed bids of a round.
    #[pallet::storage]
    pub type Commitments<T: Config> = StorageDoubleMap<
        _,
        Twox64Concat,
        RoundIndex,
        Blake2_128Concat,
        T::AccountId,
        Commitment<T::Hash, BalanceOf<T>>,
        OptionQuery,
    >;

    /// How many commitments were ever made in a round (each one's `seq`, the tie-break order).
    /// Above `MaxBidders` once commitments are outbid; the round holds at most `MaxBidders`.
    #[pallet::storage]
    pub type CommitCount<T: Config> = StorageMap<_, Twox64Concat, RoundIndex, u32, ValueQuery>;

    /// Revealed bids of a round.
    #[pallet::storage]
    pub type Reveals<T: Config> =
        StorageDoubleMap<_, Twox64Concat, RoundIndex, Blake2_128Concat, T::AccountId, RevealedOf<T>, OptionQuery>;

    /// Distinct authors of the running round's reveal blocks so far, up to the number needed.
    #[pallet::storage]
    pub type RevealBlockAuthors<T: Config> =
        StorageValue<_, BoundedVec<T::AccountId, T::MaxRevealPeriod>, ValueQuery>;

    /// Records of the last `HistoryDepth` settled rounds.
    #[pallet::storage]
    pub type History<T: Config> = StorageMap<_, Twox64Concat, RoundIndex, RoundRecordOf<T>, OptionQuery>;

    #[pallet::genesis_config]
    #[derive(frame_support::DefaultNoBound)]
    pub struct GenesisConfig<T: Config> {
        pub mode: AuctionMode,
        #[serde(skip)]
        pub _config: core::marker::PhantomData<T>,
    }

    #[pallet::genesis_build]
    impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
        fn build(&self) {
            Mode::<T>::put(self.mode);
        }
    }

    #[pallet::event]
    #[pallet::generate_deposit(pub(super) fn deposit_event)]
    pub enum Event<T: Config> {
        /// A sealed bid was committed, its deposit held and its fee paid.
        Committed { round: RoundIndex, who: T::AccountId, hash: T::Hash, deposit: BalanceOf<T>, fee: BalanceOf<T> },
        /// A bid was revealed.
        Revealed { round: RoundIndex, who: T::AccountId, bid: BalanceOf<T>, weight: Weight, calls: u32 },
        /// A winning bundle ran (`ok`) or rolled back (`error`).
        BundleExecuted { round: RoundIndex, who: T::AccountId, rank: u32, ok: bool, error: Option<DispatchError> },
        /// A winner was charged `price`: its bid and its bundle's weight fee in Mainnet, the weight
        /// fee alone in Testnet (`due` is what Mainnet charges).
        Won { round: RoundIndex, who: T::AccountId, price: BalanceOf<T>, due: BalanceOf<T> },
        /// A deposit (or its unused part) was released.
        Refunded { round: RoundIndex, who: T::AccountId, amount: BalanceOf<T> },
        /// An unrevealed deposit went to revenue (in both modes; zero if the window was capped).
        Forfeited { round: RoundIndex, who: T::AccountId, amount: BalanceOf<T> },
        /// A round was settled.
        RoundSettled { round: RoundIndex, mode: AuctionMode, bids: u32, winners: u32, proceeds: BalanceOf<T>, forfeits: BalanceOf<T> },
        /// Governance set the mode.
        ModeSet { mode: AuctionMode },
        /// A full round took a higher deposit: `who`'s commitment is gone, its deposit released.
        Outbid { round: RoundIndex, who: T::AccountId, deposit: BalanceOf<T> },
        /// The reveal window reached `MaxRevealPeriod` with fewer distinct authors than needed:
        /// the round is settled, and unrevealed deposits are refunded instead of forfeited.
        WindowCapped { round: RoundIndex, authors: u32, needed: u32 },
    }

    #[pallet::error]
    pub enum Error<T> {
        /// Commitments are only accepted in the commit phase.
        NotCommitPhase,
        /// Reveals are only accepted in the reveal phase of the round committed in.
        NotRevealPhase,
        /// The deposit is below `MinDeposit`.
        DepositTooLow,
        /// The deposit could not be held (balance too low).
        InsufficientBalance,
        /// This account already committed in this round.
        AlreadyCommitted,
        /// The round has `MaxBidders` commitments and the deposit is not above the lowest of them.
        TooManyBidders,
        /// No commitment of this account in this round.
        NoCommitment,
        /// This account already revealed in this round.
        AlreadyRevealed,
        /// The bundle, bid and salt do not hash to the commitment.
        CommitmentMismatch,
        /// The bid plus the bundle's weight fee exceeds the held deposit.
        BidAboveDeposit,
        /// The bid is below `MinBid`.
        BidTooLow,
        /// The bundle has no call.
        EmptyBundle,
        /// The bundle's dispatch weight exceeds the round budget.
        BundleTooHeavy,
        /// The encoded bundle exceeds `MaxBundleBytes`.
        BundleTooLarge,
        /// The mode is already the one asked for.
        Unchanged,
    }

    #[pallet::hooks]
    impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
        /// Settles the round once its reveal window is over (see [`RevealAuthors`]); otherwise, in
        /// a reveal block, counts the block's author.
        fn on_initialize(n: BlockNumberFor<T>) -> Weight {
            let (round, start) = CurrentRound::<T>::get();
            let reveal_from = start.saturating_add(T::CommitPeriod::get());
            if n < reveal_from {
                return T::DbWeight::get().reads(1);
            }
            // Reveal blocks before this one.
            let elapsed: u32 = n.saturating_sub(reveal_from).saturated_into();
            let mut authors = RevealBlockAuthors::<T>::get();
            let needed = T::Authors::needed();
            let enough = authors.len() as u32 >= needed;
            if (elapsed >= T::RevealPeriod::get().saturated_into::<u32>() && enough) || elapsed >= T::MaxRevealPeriod::get() {
                if !enough {
                    Self::deposit_event(Event::WindowCapped { round, authors: authors.len() as u32, needed });
                }
                // A window closed by its cap was not safe from censorship: nobody forfeits.
                let w = Self::settle(round, n, enough);
                RevealBlockAuthors::<T>::kill();
                CurrentRound::<T>::put((round.saturating_add(1), n));
                return w.saturating_add(T::DbWeight::get().reads_writes(2, 2));
            }
            // The first reveal block's author does not count: bidders send their reveals once
            // the reveal phase has begun, so that block rarely holds any.
            if !enough && elapsed > 0 {
                if let Some(author) = T::Authors::author() {
                    if !authors.contains(&author) && authors.try_push(author).is_ok() {
                        RevealBlockAuthors::<T>::put(authors);
                    }
                }
            }
            T::WeightInfo::on_initialize_reveal_block()
        }

        fn integrity_test() {
            assert!(!T::CommitPeriod::get().is_zero(), "CommitPeriod must be positive");
            assert!(!T::RevealPeriod::get().is_zero(), "RevealPeriod must be positive");
            assert!(
                T::MaxRevealPeriod::get() >= T::RevealPeriod::get().saturated_into::<u32>(),
                "MaxRevealPeriod must be at least RevealPeriod"
            );
            assert!(T::MinDeposit::get() >= T::MinBid::get(), "MinDeposit must cover MinBid");
            assert!(T::HistoryDepth::get() > 0, "HistoryDepth must be positive");
        }
    }

    #[pallet::call]
    impl<T: Config> Pallet<T> {
        /// Commit a sealed bid `hash = Hashing::hash_of(&(who, bundle, bid, salt))`, holding `deposit`
        /// (at least the bid to be revealed). Signed; commit phase only.
        #[pallet::call_index(0)]
        #[pallet::weight(T::WeightInfo::commit())]
        pub fn commit(origin: OriginFor<T>, hash: T::Hash, #[pallet::compact] deposit: BalanceOf<T>) -> DispatchResult {
            let who = ensure_signed(origin)?;
            let now = frame_system::Pallet::<T>::block_number();
            ensure!(Self::phase(now) == Phase::Commit, Error::<T>::NotCommitPhase);
            ensure!(deposit >= T::MinDeposit::get(), Error::<T>::DepositTooLow);
            let (round, _) = CurrentRound::<T>::get();
            ensure!(!Commitments::<T>::contains_key(round, &who), Error::<T>::AlreadyCommitted);
            let seq = CommitCount::<T>::get(round);
            // A full round (commitments are only ever replaced once full) takes a new bidder
            // only if it holds more than the lowest deposit, which is released: the slots go to
            // those who put the most at stake, not to whoever filled them first.
            let outbid = if seq >= T::MaxBidders::get() {
                let lowest = Self::lowest_deposit(round).ok_or(Error::<T>::TooManyBidders)?;
                ensure!(deposit > lowest.1.deposit, Error::<T>::TooManyBidders);
                Some(lowest)
            } else {
                None
            };
            T::Currency::hold(&HoldReason::BidDeposit.into(), &who, deposit)
                .map_err(|_| Error::<T>::InsufficientBalance)?;
            let fee = T::CommitFee::get();
            if !fee.is_zero() {
                let credit = T::Currency::withdraw(&who, fee, Precision::Exact, Preservation::Preserve, Fortitude::Polite)
                    .map_err(|_| Error::<T>::InsufficientBalance)?;
                T::Revenue::credit(AuctionRevenue::Fee, credit);
            }
            if let Some((loser, c)) = outbid {
                Commitments::<T>::remove(round, &loser);
                let reason: T::RuntimeHoldReason = HoldReason::BidDeposit.into();
                let released = T::Currency::release(&reason, &loser, c.deposit, Precision::BestEffort).unwrap_or_default();
                Self::deposit_event(Event::Outbid { round, who: loser, deposit: released });
            }
            Commitments::<T>::insert(round, &who, Commitment { hash, deposit, seq });
            CommitCount::<T>::insert(round, seq.saturating_add(1));
            Self::deposit_event(Event::Committed { round, who, hash, deposit, fee });
            Ok(())
        }

        /// Reveal the bundle, bid and salt of this round's commitment. Signed; reveal phase only.
        #[pallet::call_index(1)]
        #[pallet::weight(T::WeightInfo::reveal(bundle.encoded_size() as u32))]
        pub fn reveal(origin: OriginFor<T>, bundle: BundleOf<T>, bid: BalanceOf<T>, salt: [u8; 32]) -> DispatchResult {
            let who = ensure_signed(origin)?;
            let now = frame_system::Pallet::<T>::block_number();
            ensure!(Self::phase(now) == Phase::Reveal, Error::<T>::NotRevealPhase);
            let (round, _) = CurrentRound::<T>::get();
            let c = Commitments::<T>::get(round, &who).ok_or(Error::<T>::NoCommitment)?;
            ensure!(!Reveals::<T>::contains_key(round, &who), Error::<T>::AlreadyRevealed);
            ensure!(Self::commitment_of(&who, &bundle, &bid, &salt) == c.hash, Error::<T>::CommitmentMismatch);
            ensure!(bid >= T::MinBid::get(), Error::<T>::BidTooLow);
            ensure!(!bundle.is_empty(), Error::<T>::EmptyBundle);
            let bytes: BoundedVec<u8, T::MaxBundleBytes> =
                bundle.encode().try_into().map_err(|_| Error::<T>::BundleTooLarge)?;
            let weight = Self::bundle_weight(&bundle);
            ensure!(weight.all_lte(T::RoundWeightBudget::get()), Error::<T>::BundleTooHeavy);
            ensure!(bid.saturating_add(Self::weight_fee(weight)) <= c.deposit, Error::<T>::BidAboveDeposit);
            let calls = bundle.len() as u32;
            Reveals::<T>::insert(round, &who, Revealed { bid, weight, calls, bundle: bytes });
            Self::deposit_event(Event::Revealed { round, who, bid, weight, calls });
            Ok(())
        }

        /// Switch between Testnet (record only) and Mainnet (charge). Governance only.
        #[pallet::call_index(2)]
        #[pallet::weight(T::WeightInfo::set_mode())]
        pub fn set_mode(origin: OriginFor<T>, mode: AuctionMode) -> DispatchResult {
            T::GovernanceOrigin::ensure_origin(origin)?;
            ensure!(Mode::<T>::get() != mode, Error::<T>::Unchanged);
            Mode::<T>::put(mode);
            Self::deposit_event(Event::ModeSet { mode });
            Ok(())
        }
    }

    impl<T: Config> Pallet<T> {
        /// The commitment a newcomer to a full `round` displaces: the lowest deposit, the newest
        /// among equals (earlier bidders keep their place). At most `MaxBidders` reads.
        fn lowest_deposit(round: RoundIndex) -> Option<(T::AccountId, Commitment<T::Hash, BalanceOf<T>>)> {
            Commitments::<T>::iter_prefix(round).min_by(|(_, a), (_, b)| a.deposit.cmp(&b.deposit).then(b.seq.cmp(&a.seq)))
        }

        /// The commitment hash of `bidder`'s bid: `Hashing::hash_of(&(bidder, bundle, bid, salt))`.
        /// The account is bound in, so nobody can copy a sealed bid and reveal it as its own.
        pub fn commitment_of(bidder: &T::AccountId, bundle: &BundleOf<T>, bid: &BalanceOf<T>, salt: &[u8; 32]) -> T::Hash {
            T::Hashing::hash_of(&(bidder, bundle, bid, salt))
        }

        /// Summed dispatch weight of a bundle's calls.
        pub fn bundle_weight(bundle: &BundleOf<T>) -> Weight {
            bundle.iter().fold(Weight::zero(), |w, c| w.saturating_add(c.get_dispatch_info().call_weight))
        }

        /// Phase of the running round at block `n` (after this block's `on_initialize`, which
        /// settles a round whose reveal window is over and starts the next).
        pub fn phase(n: BlockNumberFor<T>) -> Phase {
            let (_, start) = CurrentRound::<T>::get();
            if n < start.saturating_add(T::CommitPeriod::get()) {
                Phase::Commit
            } else {
                Phase::Reveal
            }
        }

        /// What a bundle of dispatch weight `weight` pays for it.
        pub fn weight_fee(weight: Weight) -> BalanceOf<T> {
            <T::WeightToFee as frame_support::weights::WeightToFee>::weight_to_fee(&weight)
        }

        /// Winners among revealed bids `(index, bid, weight, seq)`: highest bid first (ties by
        /// commit order), greedily while the summed weight fits `budget`. Returns indices in rank order.
        pub fn select_winners(bids: &[(usize, BalanceOf<T>, Weight, u32)], budget: Weight) -> Vec<usize> {
            let mut order: Vec<_> = bids.to_vec();
            order.sort_by(|a, b| b.1.cmp(&a.1).then(a.3.cmp(&b.3)));
            let mut used = Weight::zero();
            let mut winners = Vec::new();
            for (i, _, w, _) in order {
                let next = used.saturating_add(w);
                if next.all_lte(budget) {
                    used = next;
                    winners.push(i);
                }
            }
            winners
        }

        fn run_bundle(who: &T::AccountId, bytes: &[u8]) -> Result<Weight, DispatchError> {
            let bundle = <BundleOf<T> as codec::DecodeLimit>::decode_all_with_depth_limit(
                frame_support::MAX_EXTRINSIC_DEPTH,
                &mut &bytes[..],
            )
            .map_err(|_| DispatchError::Other("undecodable bundle"))?;
            with_transaction(|| {
                let mut used = Weight::zero();
                for call in bundle.into_iter() {
                    let info = call.get_dispatch_info();
                    let origin: T::RuntimeOrigin = frame_system::RawOrigin::Signed(who.clone()).into();
                    match call.dispatch(origin) {
                        Ok(post) => used = used.saturating_add(post.actual_weight.unwrap_or(info.call_weight)),
                        Err(e) => return TransactionOutcome::Rollback(Err(e.error)),
                    }
                }
                TransactionOutcome::Commit(Ok(used))
            })
        }

        /// Settle `round` at block `now`: run winners, charge, refund, forfeit (if `forfeit`: the
        /// reveal window was safe), record. Bounded by `MaxBidders`; returns the weight used
        /// (including the bundles').
        pub(crate) fn settle(round: RoundIndex, now: BlockNumberFor<T>, forfeit: bool) -> Weight {
            let mode = Mode::<T>::get();
            let reason: T::RuntimeHoldReason = HoldReason::BidDeposit.into();
            let mut commits: Vec<(T::AccountId, Commitment<T::Hash, BalanceOf<T>>)> =
                Commitments::<T>::drain_prefix(round).collect();
            commits.sort_by_key(|(_, c)| c.seq);
            let _ = CommitCount::<T>::take(round);
            let reveals: Vec<Option<RevealedOf<T>>> =
                commits.iter().map(|(who, _)| Reveals::<T>::take(round, who)).collect();
            let _ = Reveals::<T>::clear_prefix(round, u32::MAX, None);

            let candidates: Vec<_> = reveals
                .iter()
                .enumerate()
                .filter_map(|(i, r)| r.as_ref().map(|r| (i, r.bid, r.weight, commits[i].1.seq)))
                .collect();
            let winners = Self::select_winners(&candidates, T::RoundWeightBudget::get());

            let mut outcomes: Vec<Outcome> =
                reveals.iter().map(|r| if r.is_some() { Outcome::Lost } else { Outcome::Unrevealed }).collect();
            let mut bundle_weight = Weight::zero();
            let mut weight_used = Weight::zero();
            for (rank, &i) in winners.iter().enumerate() {
                let who = &commits[i].0;
                let Some(r) = reveals[i].as_ref() else { continue };
                weight_used = weight_used.saturating_add(r.weight);
                let res = Self::run_bundle(who, &r.bundle);
                bundle_weight = bundle_weight.saturating_add(*res.as_ref().unwrap_or(&r.weight));
                outcomes[i] = Outcome::Won { rank: rank as u32, executed: res.is_ok() };
                Self::deposit_event(Event::BundleExecuted {
                    round,
                    who: who.clone(),
                    rank: rank as u32,
                    ok: res.is_ok(),
                    error: res.err(),
                });
            }

            let mut records: BoundedVec<BidRecord<T::AccountId, T::Hash, BalanceOf<T>>, T::MaxBidders> =
                BoundedVec::new();
            let mut proceeds: BalanceOf<T> = Zero::zero();
            let mut forfeits: BalanceOf<T> = Zero::zero();
            for (i, (who, c)) in commits.iter().enumerate() {
                // Mainnet charges a winner its bid and its weight fee; Testnet waives the bid only.
                // An unrevealed deposit is forfeited in both modes.
                let (price, fee) = match outcomes[i] {
                    Outcome::Won { .. } => reveals[i].as_ref().map(|r| (r.bid, Self::weight_fee(r.weight))).unwrap_or_default(),
                    Outcome::Lost => Default::default(),
                    Outcome::Unrevealed => (Zero::zero(), Zero::zero()),
                };
                let unrevealed_due = if forfeit { c.deposit } else { Zero::zero() };
                let due = if matches!(outcomes[i], Outcome::Unrevealed) { unrevealed_due } else { price.saturating_add(fee) };
                let parts = match (outcomes[i], mode) {
                    (Outcome::Unrevealed, _) => [(AuctionRevenue::Forfeit, unrevealed_due), (AuctionRevenue::Fee, Zero::zero())],
                    (_, AuctionMode::Mainnet) => [(AuctionRevenue::Proceeds, price), (AuctionRevenue::Fee, fee)],
                    (_, AuctionMode::Testnet) => [(AuctionRevenue::Proceeds, Zero::zero()), (AuctionRevenue::Fee, fee)],
                };
                let mut charged: BalanceOf<T> = Zero::zero();
                for (kind, amount) in parts {
                    if amount.is_zero() {
                        continue;
                    }
                    let (credit, _missing) = T::Currency::slash(&reason, who, amount);
                    charged = charged.saturating_add(credit.peek());
                    T::Revenue::credit(kind, credit);
                }
                let rest = c.deposit.saturating_sub(charged);
                let refunded = if rest.is_zero() {
                    Zero::zero()
                } else {
                    T::Currency::release(&reason, who, rest, Precision::BestEffort).unwrap_or_default()
                };
                match outcomes[i] {
                    Outcome::Won { .. } => {
                        proceeds = proceeds.saturating_add(charged);
                        Self::deposit_event(Event::Won { round, who: who.clone(), price: charged, due });
                    },
                    Outcome::Unrevealed => {
                        forfeits = forfeits.saturating_add(charged);
                        Self::deposit_event(Event::Forfeited { round, who: who.clone(), amount: charged });
                    },
                    Outcome::Lost => {},
                }
                if !refunded.is_zero() {
                    Self::deposit_event(Event::Refunded { round, who: who.clone(), amount: refunded });
                }
                let _ = records.try_push(BidRecord {
                    who: who.clone(),
                    commitment: c.hash,
                    deposit: c.deposit,
                    bid: reveals[i].as_ref().map(|r| r.bid),
                    weight: reveals[i].as_ref().map(|r| r.weight),
                    outcome: outcomes[i],
                    charged,
                    refunded,
                    due,
                });
            }

            let n = commits.len() as u32;
            let w = winners.len() as u32;
            History::<T>::insert(round, RoundRecord { round, mode, settled_at: now, weight_used, bids: records });
            if let Some(old) = round.checked_sub(T::HistoryDepth::get()) {
                History::<T>::remove(old);
            }
            Self::deposit_event(Event::RoundSettled { round, mode, bids: n, winners: w, proceeds, forfeits });
            T::WeightInfo::settle_round(n, w).saturating_add(bundle_weight)
        }
    }
}
