//! # Roundtable
//!
//! Governance of the BPCI chain by its **active partners** (see `pallet-partners`).
//!
//! ## The model
//!
//! - **Members** are whoever `Config::Members` ([`PartnerProvider`]) says is an active partner; a
//!   member's vote weighs what its agreement says (1 unless governance set another weight).
//! - **Proposals.** Any member proposes any runtime call, passed as a preimage-backed
//!   [`Bounded`] call (inline when small, a noted preimage otherwise), like pallet-referenda. The
//!   proposer holds `ProposalDeposit` and states a [`ProposalClass`]; the pallet asks
//!   `Config::ClassifyCall` (and its own rule for `resolve_dispute`) for the least class the call
//!   needs, so that e.g. a `set_code` cannot pass as `Ordinary`.
//! - **Classes.** Each class has a voting period, an enactment delay, a quorum (share of the
//!   electorate's weight that must vote) and an approval threshold ([`ClassParams`]):
//!   `Ordinary` more than 1/2, `Protocol` and `PartnerRemoval` at least 2/3 by default. Governance
//!   changes them with `set_class_params`. When a call is aimed at a partner (classification names
//!   an *accused*), that partner is excluded from the electorate and its vote does not count.
//! - **Voting.** `vote(index, aye)` until the end of the period; voting again replaces the earlier
//!   vote. The tally is made at close from the stored votes and the members' weights *at close*,
//!   so a vote is never counted twice and a member who stopped being active no longer counts.
//! - **Closing.** Anyone calls `close` after the period; `on_initialize` also closes up to
//!   `MaxAutoClosePerBlock` expired proposals per block. A passed proposal is scheduled through
//!   `Config::Scheduler` after the class's enactment delay: `Protocol` calls run with the Root
//!   origin (they may upgrade the runtime), every other class with this pallet's
//!   [`RawOrigin::Roundtable`] origin, which [`EnsureRoundtable`] accepts. The deposit is refunded
//!   if the proposal passed or reached quorum, and slashed (to `Config::Slash`) if it missed quorum.
//! - **Disputes.** A member or any partner raises a dispute against a partner with an evidence
//!   hash and a held `DisputeDeposit`; the accused may `answer` with a hash. `resolve_dispute`
//!   (`Config::AdminOrigin`: in the runtime the roundtable itself, through a `PartnerRemoval`
//!   proposal) upholds it (slash the accused's bond through [`PartnerPenalties`], optionally
//!   suspend; the accuser is refunded) or dismisses it (deposit refunded or slashed).
//!
//! ## Reentrancy
//!
//! Only signed members propose and vote. An enacted call runs with the Roundtable (or Root)
//! origin, which is not signed, so an enacted `propose`/`vote` fails with `BadOrigin` and changes
//! nothing.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use pallet_partners::{PartnerPenalties, PartnerProvider};
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod weights;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt::Debug;
use frame_support::traits::{EnsureOrigin, OriginTrait};
use scale_info::TypeInfo;

/// Index of a proposal.
pub type ProposalIndex = u32;
/// Index of a dispute.
pub type DisputeIndex = u32;

/// How demanding a proposal's vote is. Ordered by rank: a call may be proposed in its least class
/// or any higher one.
#[derive(
    Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug, PartialOrd, Ord,
)]
pub enum ProposalClass {
    /// Everyday decisions (treasury spends, partner approvals): simple majority.
    Ordinary,
    /// Against a partner (removal, dispute verdicts): two thirds, the accused excluded.
    PartnerRemoval,
    /// The protocol itself (`set_code`, revenue shares): two thirds, enacted as Root.
    Protocol,
}

/// A fraction `num / den`.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
pub struct Fraction {
    pub num: u32,
    pub den: u32,
}

impl Fraction {
    pub const fn new(num: u32, den: u32) -> Self {
        Fraction { num, den }
    }
    /// A proper fraction: `0 < den` and `num <= den`.
    pub fn is_valid(&self) -> bool {
        self.den > 0 && self.num <= self.den
    }
}

/// Voting rules of a class.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
pub struct ClassParams<BlockNumber> {
    /// Blocks a proposal is open for votes.
    pub voting_period: BlockNumber,
    /// Blocks between close and enactment of a passed proposal.
    pub enactment_delay: BlockNumber,
    /// Turnout (ayes + nays weight) must be at least this share of the electorate's weight.
    pub quorum: Fraction,
    /// Ayes must be this share of the votes cast: more than it if `strict`, else at least it.
    pub approval: Fraction,
    pub strict: bool,
}

/// A tally of weights.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Tally {
    pub ayes: u64,
    pub nays: u64,
    /// Total weight of those entitled to vote.
    pub electorate: u64,
}

impl Tally {
    /// Weight of the votes cast.
    pub fn turnout(&self) -> u64 {
        self.ayes.saturating_add(self.nays)
    }

    /// At least one vote, and turnout at least `quorum` of the electorate.
    pub fn quorum_reached<B>(&self, p: &ClassParams<B>) -> bool {
        let turnout = self.turnout() as u128;
        turnout > 0 && turnout.saturating_mul(p.quorum.den as u128) >= (p.quorum.num as u128).saturating_mul(self.electorate as u128)
    }

    /// Ayes meet the approval threshold of the votes cast (and at least one vote was cast).
    pub fn approved<B>(&self, p: &ClassParams<B>) -> bool {
        let cast = self.turnout() as u128;
        if cast == 0 {
            return false;
        }
        let lhs = (self.ayes as u128).saturating_mul(p.approval.den as u128);
        let rhs = (p.approval.num as u128).saturating_mul(cast);
        if p.strict {
            lhs > rhs
        } else {
            lhs >= rhs
        }
    }

    /// Quorum reached and approved.
    pub fn passes<B>(&self, p: &ClassParams<B>) -> bool {
        self.quorum_reached(p) && self.approved(p)
    }
}

/// The runtime's rule for the least class a call needs, and the partner it is aimed at, if any.
pub trait ClassifyCall<Call, AccountId> {
    fn classify(call: &Call) -> (ProposalClass, Option<AccountId>);
}

/// Every call is `Ordinary` and aimed at nobody.
impl<Call, AccountId> ClassifyCall<Call, AccountId> for () {
    fn classify(_: &Call) -> (ProposalClass, Option<AccountId>) {
        (ProposalClass::Ordinary, None)
    }
}

/// The verdict of a dispute.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
pub enum Verdict<Balance> {
    /// The accused loses: up to `slash` of its bond is slashed, and it is suspended if `suspend`.
    /// The accuser's deposit is refunded.
    Upheld { slash: Balance, suspend: bool },
    /// The accused wins: the accuser's deposit is refunded, or slashed if `slash_deposit`
    /// (a frivolous dispute).
    Dismissed { slash_deposit: bool },
}

/// Ensures the origin is the roundtable's own ([`RawOrigin::Roundtable`]), i.e. a call enacted by
/// a passed roundtable proposal.
pub struct EnsureRoundtable;
impl<O: OriginTrait + From<RawOrigin>> EnsureOrigin<O> for EnsureRoundtable
where
    O: Into<Result<RawOrigin, O>>,
{
    type Success = ();
    fn try_origin(o: O) -> Result<(), O> {
        o.into().map(|RawOrigin::Roundtable| ())
    }
    #[cfg(feature = "runtime-benchmarks")]
    fn try_successful_origin() -> Result<O, ()> {
        Ok(O::from(RawOrigin::Roundtable))
    }
}

/// The roundtable's origin.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
pub enum RawOrigin {
    /// A call enacted by a passed roundtable proposal.
    Roundtable,
}

#[frame_support::pallet]
pub mod pallet {
    use super::*;
    use alloc::boxed::Box;
    use frame_support::{
        dispatch::GetDispatchInfo,
        pallet_prelude::*,
        traits::{
            fungible::{self, BalancedHold, Inspect, Mutate, MutateHold},
            schedule::{v3::Anon as ScheduleAnon, DispatchTime, HIGHEST_PRIORITY},
            tokens::Precision,
            Bounded, IsSubType, OnUnbalanced, QueryPreimage, StorePreimage,
        },
        CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
    };
    use frame_system::pallet_prelude::*;
    use sp_core::H256;
    use sp_runtime::traits::{Dispatchable, Saturating, Zero};

    pub type BalanceOf<T> = <<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;
    pub type CreditOf<T> = fungible::Credit<<T as frame_system::Config>::AccountId, <T as Config>::Currency>;
    pub type CallOf<T> = <T as Config>::RuntimeCall;
    pub type BoundedCallOf<T> = Bounded<CallOf<T>, <T as frame_system::Config>::Hashing>;
    pub type ProposalOf<T> = Proposal<
        <T as frame_system::Config>::AccountId,
        BalanceOf<T>,
        BlockNumberFor<T>,
        BoundedCallOf<T>,
    >;
    pub type DisputeOf<T> = Dispute<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

    /// An open proposal.
    #[derive(Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound)]
    pub struct Proposal<
        AccountId: Clone + PartialEq + Eq + Debug,
        Balance: Clone + PartialEq + Eq + Debug,
        BlockNumber: Clone + PartialEq + Eq + Debug,
        Call: Clone + PartialEq + Eq + Debug,
    > {
        pub proposer: AccountId,
        pub call: Call,
        pub class: ProposalClass,
        /// The partner the call is aimed at: excluded from the electorate.
        pub accused: Option<AccountId>,
        pub deposit: Balance,
        pub submitted: BlockNumber,
        /// Last block votes are accepted in.
        pub end: BlockNumber,
        /// Distinct voters so far (bounded by `MaxVoters`).
        pub voters: u32,
    }

    /// An open dispute.
    #[derive(Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound)]
    pub struct Dispute<
        AccountId: Clone + PartialEq + Eq + Debug,
        Balance: Clone + PartialEq + Eq + Debug,
        BlockNumber: Clone + PartialEq + Eq + Debug,
    > {
        pub accuser: AccountId,
        pub accused: AccountId,
        pub evidence: H256,
        pub answer: Option<H256>,
        pub deposit: Balance,
        pub raised_at: BlockNumber,
    }

    #[pallet::pallet]
    pub struct Pallet<T>(_);

    #[pallet::origin]
    pub type Origin = RawOrigin;

    #[pallet::config]
    pub trait Config: frame_system::Config {
        #[allow(deprecated)]
        type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;
        /// The runtime's call type: what proposals carry.
        type RuntimeCall: Parameter
            + Dispatchable<RuntimeOrigin = <Self as frame_system::Config>::RuntimeOrigin>
            + GetDispatchInfo
            + From<Call<Self>>
            + IsSubType<Call<Self>>
            + IsType<<Self as frame_system::Config>::RuntimeCall>;
        /// The runtime's `OriginCaller`: what the scheduler dispatches enacted calls with.
        type PalletsOrigin: From<RawOrigin> + From<frame_system::RawOrigin<Self::AccountId>>;
        /// Enacts passed proposals after their delay.
        type Scheduler: ScheduleAnon<BlockNumberFor<Self>, CallOf<Self>, Self::PalletsOrigin, Hasher = Self::Hashing>;
        /// Where proposal calls that are too large to inline live.
        type Preimages: QueryPreimage<H = Self::Hashing> + StorePreimage;
        type RuntimeHoldReason: From<HoldReason>;
        /// Holds proposal and dispute deposits.
        type Currency: Mutate<Self::AccountId>
            + MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
            + BalancedHold<Self::AccountId>;
        /// Receives slashed deposits (e.g. the treasury).
        type Slash: OnUnbalanced<CreditOf<Self>>;
        /// The members (active partners) and the penalties disputes apply.
        type Members: PartnerProvider<Self::AccountId> + PartnerPenalties<Self::AccountId, BalanceOf<Self>>;
        /// The least class of a call (the runtime decides).
        type ClassifyCall: ClassifyCall<CallOf<Self>, Self::AccountId>;
        /// Resolves disputes and sets class parameters. In the runtime: the roundtable itself
        /// (`EnsureRoundtable`), possibly or'ed with Root.
        type AdminOrigin: EnsureOrigin<<Self as frame_system::Config>::RuntimeOrigin>;
        /// Held from a proposer.
        #[pallet::constant]
        type ProposalDeposit: Get<BalanceOf<Self>>;
        /// Held from an accuser.
        #[pallet::constant]
        type DisputeDeposit: Get<BalanceOf<Self>>;
        /// Default voting period of every class.
        #[pallet::constant]
        type VotingPeriod: Get<BlockNumberFor<Self>>;
        /// Default enactment delay of every class.
        #[pallet::constant]
        type EnactmentDelay: Get<BlockNumberFor<Self>>;
        /// Most open proposals.
        #[pallet::constant]
        type MaxActiveProposals: Get<u32>;
        /// Most distinct voters on one proposal (at least the most members there can be).
        #[pallet::constant]
        type MaxVoters: Get<u32>;
        /// Most open disputes.
        #[pallet::constant]
        type MaxOpenDisputes: Get<u32>;
        /// Most expired proposals `on_initialize` closes in one block.
        #[pallet::constant]
        type MaxAutoClosePerBlock: Get<u32>;
        type WeightInfo: WeightInfo;
    }

    #[pallet::composite_enum]
    pub enum HoldReason {
        #[codec(index = 0)]
        ProposalDeposit,
        #[codec(index = 1)]
        DisputeDeposit,
    }

    /// Number of proposals ever made; the next proposal's index.
    #[pallet::storage]
    pub type ProposalCount<T: Config> = StorageValue<_, ProposalIndex, ValueQuery>;

    /// Open proposals.
    #[pallet::storage]
    pub type Proposals<T: Config> = StorageMap<_, Twox64Concat, ProposalIndex, ProposalOf<T>, OptionQuery>;

    /// Open proposals with the last block of their voting period, oldest first.
    #[pallet::storage]
    pub type Active<T: Config> =
        StorageValue<_, BoundedVec<(ProposalIndex, BlockNumberFor<T>), T::MaxActiveProposals>, ValueQuery>;

    /// Votes on open proposals: `true` is aye.
    #[pallet::storage]
    pub type Votes<T: Config> =
        StorageDoubleMap<_, Twox64Concat, ProposalIndex, Blake2_128Concat, T::AccountId, bool, OptionQuery>;

    /// Class parameters set by governance; unset classes use [`Pallet::default_params`].
    #[pallet::storage]
    pub type ClassParamsOf<T: Config> =
        StorageMap<_, Twox64Concat, ProposalClass, ClassParams<BlockNumberFor<T>>, OptionQuery>;

    /// Number of disputes ever raised; the next dispute's index.
    #[pallet::storage]
    pub type DisputeCount<T: Config> = StorageValue<_, DisputeIndex, ValueQuery>;

    /// Open disputes.
    #[pallet::storage]
    pub type Disputes<T: Config> = CountedStorageMap<_, Twox64Concat, DisputeIndex, DisputeOf<T>, OptionQuery>;

    #[pallet::event]
    #[pallet::generate_deposit(pub(super) fn deposit_event)]
    pub enum Event<T: Config> {
        Proposed { index: ProposalIndex, proposer: T::AccountId, class: ProposalClass, call_hash: T::Hash, end: BlockNumberFor<T> },
        /// A vote was cast or replaced.
        Voted { index: ProposalIndex, who: T::AccountId, aye: bool },
        /// The proposal passed; its call is scheduled for `enact_at`.
        Passed { index: ProposalIndex, tally: Tally, enact_at: BlockNumberFor<T> },
        /// The proposal passed but its call could not be scheduled.
        EnactmentFailed { index: ProposalIndex, error: DispatchError },
        Rejected { index: ProposalIndex, tally: Tally, quorum_reached: bool },
        DepositRefunded { who: T::AccountId, amount: BalanceOf<T> },
        DepositSlashed { who: T::AccountId, amount: BalanceOf<T> },
        ClassParamsSet { class: ProposalClass, params: ClassParams<BlockNumberFor<T>> },
        DisputeRaised { index: DisputeIndex, accuser: T::AccountId, accused: T::AccountId, evidence: H256 },
        DisputeAnswered { index: DisputeIndex, answer: H256 },
        DisputeResolved { index: DisputeIndex, verdict: Verdict<BalanceOf<T>>, slashed: BalanceOf<T>, suspended: bool },
    }

    #[pallet::error]
    pub enum Error<T> {
        /// Only active partners may do this.
        NotMember,
        /// The stated class is below the least class the call needs.
        ClassTooLow,
        /// The call's preimage is not available or does not decode.
        PreimageUnavailable,
        /// `MaxActiveProposals` proposals are open.
        TooManyProposals,
        /// No open proposal with this index.
        ProposalNotFound,
        /// The voting period is over.
        VotingClosed,
        /// The voting period is not over yet.
        VotingNotOver,
        /// The accused partner cannot vote on a proposal aimed at it.
        AccusedCannotVote,
        /// `MaxVoters` have voted.
        TooManyVoters,
        /// The deposit cannot be held.
        InsufficientBalance,
        /// Class parameters must be proper fractions and a non-zero voting period.
        InvalidParams,
        /// Only members and partners may raise disputes.
        NotEntitled,
        /// The accused is not a partner.
        NotPartner,
        /// One cannot dispute oneself.
        SelfDispute,
        /// `MaxOpenDisputes` disputes are open.
        TooManyDisputes,
        /// No open dispute with this index.
        DisputeNotFound,
        /// Only the accused may answer.
        NotAccused,
        /// The dispute was already answered.
        AlreadyAnswered,
    }

    #[pallet::hooks]
    impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
        fn on_initialize(now: BlockNumberFor<T>) -> Weight {
            let active = Active::<T>::get();
            let due: alloc::vec::Vec<ProposalIndex> = active
                .iter()
                .filter(|(_, end)| *end < now)
                .take(T::MaxAutoClosePerBlock::get() as usize)
                .map(|(i, _)| *i)
                .collect();
            let mut weight = T::DbWeight::get().reads(1);
            for index in due {
                if let Some(p) = Proposals::<T>::get(index) {
                    Self::do_close(index, p);
                    weight = weight.saturating_add(T::WeightInfo::close(T::MaxVoters::get()));
                }
            }
            weight
        }

        #[cfg(feature = "try-runtime")]
        fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
            Self::do_try_state()
        }
    }

    #[pallet::call]
    impl<T: Config> Pallet<T> {
        /// A member proposes `call` under `class`; `ProposalDeposit` is held.
        #[pallet::call_index(0)]
        #[pallet::weight(T::WeightInfo::propose())]
        pub fn propose(origin: OriginFor<T>, class: ProposalClass, call: Box<BoundedCallOf<T>>) -> DispatchResult {
            let who = ensure_signed(origin)?;
            ensure!(T::Members::is_active_member(&who), Error::<T>::NotMember);
            let (decoded, _) = T::Preimages::peek(&*call).map_err(|_| Error::<T>::PreimageUnavailable)?;
            let (least, accused) = Self::classify(&decoded);
            ensure!(class >= least, Error::<T>::ClassTooLow);
            let now = frame_system::Pallet::<T>::block_number();
            let params = Self::params(class);
            let end = now.saturating_add(params.voting_period);
            let index = ProposalCount::<T>::get();
            Active::<T>::try_mutate(|a| a.try_push((index, end))).map_err(|_| Error::<T>::TooManyProposals)?;
            let deposit = T::ProposalDeposit::get();
            T::Currency::hold(&HoldReason::ProposalDeposit.into(), &who, deposit)
                .map_err(|_| Error::<T>::InsufficientBalance)?;
            T::Preimages::hold(&*call);
            ProposalCount::<T>::put(index.saturating_add(1));
            let call_hash = call.hash();
            Proposals::<T>::insert(
                index,
                ProposalOf::<T> { proposer: who.clone(), call: *call, class, accused, deposit, submitted: now, end, voters: 0 },
            );
            Self::deposit_event(Event::Proposed { index, proposer: who, class, call_hash, end });
            Ok(())
        }

        /// A member votes (or changes its vote) on an open proposal.
        #[pallet::call_index(1)]
        #[pallet::weight(T::WeightInfo::vote())]
        pub fn vote(origin: OriginFor<T>, index: ProposalIndex, aye: bool) -> DispatchResult {
            let who = ensure_signed(origin)?;
            ensure!(T::Members::is_active_member(&who), Error::<T>::NotMember);
            let mut p = Proposals::<T>::get(index).ok_or(Error::<T>::ProposalNotFound)?;
            ensure!(frame_system::Pallet::<T>::block_number() <= p.end, Error::<T>::VotingClosed);
            ensure!(p.accused.as_ref() != Some(&who), Error::<T>::AccusedCannotVote);
            if !Votes::<T>::contains_key(index, &who) {
                ensure!(p.voters < T::MaxVoters::get(), Error::<T>::TooManyVoters);
                p.voters = p.voters.saturating_add(1);
                Proposals::<T>::insert(index, p);
            }
            Votes::<T>::insert(index, &who, aye);
            Self::deposit_event(Event::Voted { index, who, aye });
            Ok(())
        }

        /// Anyone closes a proposal whose voting period is over.
        #[pallet::call_index(2)]
        #[pallet::weight(T::WeightInfo::close(T::MaxVoters::get()))]
        pub fn close(origin: OriginFor<T>, index: ProposalIndex) -> DispatchResult {
            ensure_signed(origin)?;
            let p = Proposals::<T>::get(index).ok_or(Error::<T>::ProposalNotFound)?;
            ensure!(frame_system::Pallet::<T>::block_number() > p.end, Error::<T>::VotingNotOver);
            Self::do_close(index, p);
            Ok(())
        }

        /// Governance sets the voting rules of a class (for proposals made from now on).
        #[pallet::call_index(3)]
        #[pallet::weight(T::WeightInfo::set_class_params())]
        pub fn set_class_params(
            origin: OriginFor<T>,
            class: ProposalClass,
            params: ClassParams<BlockNumberFor<T>>,
        ) -> DispatchResult {
            T::AdminOrigin::ensure_origin(origin)?;
            ensure!(
                params.quorum.is_valid() && params.approval.is_valid() && !params.voting_period.is_zero(),
                Error::<T>::InvalidParams
            );
            ClassParamsOf::<T>::insert(class, params);
            Self::deposit_event(Event::ClassParamsSet { class, params });
            Ok(())
        }

        /// A member or partner accuses a partner; `DisputeDeposit` is held.
        #[pallet::call_index(4)]
        #[pallet::weight(T::WeightInfo::raise_dispute())]
        pub fn raise_dispute(origin: OriginFor<T>, accused: T::AccountId, evidence: H256) -> DispatchResult {
            let who = ensure_signed(origin)?;
            ensure!(T::Members::is_active_member(&who) || T::Members::is_partner(&who), Error::<T>::NotEntitled);
            ensure!(who != accused, Error::<T>::SelfDispute);
            ensure!(T::Members::is_partner(&accused), Error::<T>::NotPartner);
            ensure!(Disputes::<T>::count() < T::MaxOpenDisputes::get(), Error::<T>::TooManyDisputes);
            let deposit = T::DisputeDeposit::get();
            T::Currency::hold(&HoldReason::DisputeDeposit.into(), &who, deposit)
                .map_err(|_| Error::<T>::InsufficientBalance)?;
            let index = DisputeCount::<T>::get();
            DisputeCount::<T>::put(index.saturating_add(1));
            let raised_at = frame_system::Pallet::<T>::block_number();
            Disputes::<T>::insert(
                index,
                DisputeOf::<T> { accuser: who.clone(), accused: accused.clone(), evidence, answer: None, deposit, raised_at },
            );
            Self::deposit_event(Event::DisputeRaised { index, accuser: who, accused, evidence });
            Ok(())
        }

        /// The accused answers a dispute with the hash of its defence.
        #[pallet::call_index(5)]
        #[pallet::weight(T::WeightInfo::answer())]
        pub fn answer(origin: OriginFor<T>, index: DisputeIndex, answer: H256) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Disputes::<T>::try_mutate(index, |maybe| -> DispatchResult {
                let d = maybe.as_mut().ok_or(Error::<T>::DisputeNotFound)?;
                ensure!(d.accused == who, Error::<T>::NotAccused);
                ensure!(d.answer.is_none(), Error::<T>::AlreadyAnswered);
                d.answer = Some(answer);
                Ok(())
            })?;
            Self::deposit_event(Event::DisputeAnswered { index, answer });
            Ok(())
        }

        /// Governance (the roundtable through a `PartnerRemoval` proposal) decides a dispute.
        #[pallet::call_index(6)]
        #[pallet::weight(T::WeightInfo::resolve_dispute())]
        pub fn resolve_dispute(origin: OriginFor<T>, index: DisputeIndex, verdict: Verdict<BalanceOf<T>>) -> DispatchResult {
            T::AdminOrigin::ensure_origin(origin)?;
            let d = Disputes::<T>::take(index).ok_or(Error::<T>::DisputeNotFound)?;
            let reason: T::RuntimeHoldReason = HoldReason::DisputeDeposit.into();
            let mut slashed = Zero::zero();
            let mut suspended = false;
            match verdict {
                Verdict::Upheld { slash, suspend } => {
                    if !slash.is_zero() {
                        // A partner that already withdrew its bond has nothing left to slash.
                        slashed = T::Members::slash_bond(&d.accused, slash).unwrap_or_else(|_| Zero::zero());
                    }
                    if suspend {
                        suspended = T::Members::suspend(&d.accused).is_ok();
                    }
                    Self::refund(&reason, &d.accuser, d.deposit);
                }
                Verdict::Dismissed { slash_deposit: true } => Self::slash(&reason, &d.accuser, d.deposit),
                Verdict::Dismissed { slash_deposit: false } => Self::refund(&reason, &d.accuser, d.deposit),
            }
            Self::deposit_event(Event::DisputeResolved { index, verdict, slashed, suspended });
            Ok(())
        }
    }

    impl<T: Config> Pallet<T> {
        /// The built-in defaults: quorum 1/2; Ordinary more than 1/2, others at least 2/3.
        pub fn default_params(class: ProposalClass) -> ClassParams<BlockNumberFor<T>> {
            let (approval, strict) = match class {
                ProposalClass::Ordinary => (Fraction::new(1, 2), true),
                ProposalClass::Protocol | ProposalClass::PartnerRemoval => (Fraction::new(2, 3), false),
            };
            ClassParams {
                voting_period: T::VotingPeriod::get(),
                enactment_delay: T::EnactmentDelay::get(),
                quorum: Fraction::new(1, 2),
                approval,
                strict,
            }
        }

        /// The rules in force for a class.
        pub fn params(class: ProposalClass) -> ClassParams<BlockNumberFor<T>> {
            ClassParamsOf::<T>::get(class).unwrap_or_else(|| Self::default_params(class))
        }

        /// The least class of a call: the runtime's rule, raised to `PartnerRemoval` (aimed at
        /// the accused) for this pallet's own `resolve_dispute`.
        pub fn classify(call: &CallOf<T>) -> (ProposalClass, Option<T::AccountId>) {
            let (mut class, mut accused) = T::ClassifyCall::classify(call);
            if let Some(Call::resolve_dispute { index, .. }) = call.is_sub_type() {
                if let Some(d) = Disputes::<T>::get(index) {
                    accused = Some(d.accused);
                }
                class = class.max(ProposalClass::PartnerRemoval);
            }
            (class, accused)
        }

        /// The tally of a proposal with the members' weights now.
        pub fn tally(index: ProposalIndex, p: &ProposalOf<T>) -> Tally {
            let mut t = Tally::default();
            for (who, aye) in Votes::<T>::iter_prefix(index) {
                if p.accused.as_ref() == Some(&who) {
                    continue;
                }
                if let Some(w) = T::Members::vote_weight(&who) {
                    if aye {
                        t.ayes = t.ayes.saturating_add(w as u64);
                    } else {
                        t.nays = t.nays.saturating_add(w as u64);
                    }
                }
            }
            let accused_weight =
                p.accused.as_ref().and_then(|a| T::Members::vote_weight(a)).map(|w| w as u64).unwrap_or(0);
            t.electorate = T::Members::total_vote_weight().saturating_sub(accused_weight);
            t
        }

        fn refund(reason: &T::RuntimeHoldReason, who: &T::AccountId, amount: BalanceOf<T>) {
            let released = T::Currency::release(reason, who, amount, Precision::BestEffort).unwrap_or_else(|_| Zero::zero());
            Self::deposit_event(Event::DepositRefunded { who: who.clone(), amount: released });
        }

        fn slash(reason: &T::RuntimeHoldReason, who: &T::AccountId, amount: BalanceOf<T>) {
            let (credit, _) = T::Currency::slash(reason, who, amount);
            let slashed = frame_support::traits::Imbalance::peek(&credit);
            T::Slash::on_unbalanced(credit);
            Self::deposit_event(Event::DepositSlashed { who: who.clone(), amount: slashed });
        }

        pub(crate) fn do_close(index: ProposalIndex, p: ProposalOf<T>) {
            let params = Self::params(p.class);
            let tally = Self::tally(index, &p);
            let quorum_reached = tally.quorum_reached(&params);
            let reason: T::RuntimeHoldReason = HoldReason::ProposalDeposit.into();
            if quorum_reached && tally.approved(&params) {
                let now = frame_system::Pallet::<T>::block_number();
                let enact_at = now.saturating_add(params.enactment_delay).max(now.saturating_add(1u32.into()));
                let origin: T::PalletsOrigin = match p.class {
                    ProposalClass::Protocol => frame_system::RawOrigin::Root.into(),
                    _ => RawOrigin::Roundtable.into(),
                };
                match T::Scheduler::schedule(DispatchTime::At(enact_at), None, HIGHEST_PRIORITY, origin, p.call.clone()) {
                    Ok(_) => Self::deposit_event(Event::Passed { index, tally, enact_at }),
                    Err(error) => Self::deposit_event(Event::EnactmentFailed { index, error }),
                }
                Self::refund(&reason, &p.proposer, p.deposit);
            } else {
                Self::deposit_event(Event::Rejected { index, tally, quorum_reached });
                if quorum_reached {
                    Self::refund(&reason, &p.proposer, p.deposit);
                } else {
                    Self::slash(&reason, &p.proposer, p.deposit);
                }
            }
            T::Preimages::drop(&p.call);
            let _ = Votes::<T>::clear_prefix(index, T::MaxVoters::get(), None);
            Proposals::<T>::remove(index);
            Active::<T>::mutate(|a| a.retain(|(i, _)| *i != index));
        }

        /// Invariants: every open proposal is listed once and has its deposit held, voter counts
        /// match the votes.
        #[cfg(any(feature = "try-runtime", test))]
        pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
            use frame_support::traits::fungible::InspectHold;
            let active = Active::<T>::get();
            ensure!(active.len() == Proposals::<T>::iter().count(), "active list and proposals differ");
            let mut deposits: alloc::collections::btree_map::BTreeMap<T::AccountId, BalanceOf<T>> = Default::default();
            for (index, end) in active.iter() {
                let p = Proposals::<T>::get(index).ok_or("listed proposal missing")?;
                ensure!(p.end == *end, "end differs");
                ensure!(Votes::<T>::iter_prefix(index).count() as u32 == p.voters, "voter count wrong");
                ensure!(p.voters <= T::MaxVoters::get(), "too many voters");
                let e = deposits.entry(p.proposer.clone()).or_insert_with(Zero::zero);
                *e = e.saturating_add(p.deposit);
            }
            for (who, total) in deposits {
                ensure!(
                    T::Currency::balance_on_hold(&HoldReason::ProposalDeposit.into(), &who) == total,
                    "proposal deposits not held"
                );
            }
            ensure!(Disputes::<T>::count() <= T::MaxOpenDisputes::get(), "too many disputes");
            Ok(())
        }
    }
}
