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
//!   needs, so that e.g. a `set_code` is refused as `Ordinary` when proposed rather than failing
//!   when enacted.
//! - **Privilege comes from origins, not from the classifier.** A passed proposal is dispatched
//!   with its class's origin: `Ordinary` with [`RawOrigin::Roundtable`] ([`EnsureRoundtable`]),
//!   `PartnerRemoval` with [`RawOrigin::PartnerRemoval`] ([`EnsurePartnerRemoval`]), `Protocol`
//!   with Root. The runtime grants each origin only what its class may do (the roundtable origin
//!   cannot change weights, admit partners or anything else that changes who votes or how much;
//!   the removal origin can only suspend, remove and resolve disputes), so a call the classifier
//!   ranks too low fails with `BadOrigin` when enacted instead of running with privilege.
//! - **Classes.** Each class has a voting period, an enactment delay, a *support* threshold (ayes
//!   as a share of the whole electorate's weight) and an *approval* threshold (ayes as a share of
//!   the votes cast) ([`ClassParams`]). A proposal passes only if it meets both, so nays and
//!   abstentions never help it. Defaults: `Ordinary` support 1/2, approval more than 1/2;
//!   `Protocol` and `PartnerRemoval` support and approval 2/3. `set_class_params` refuses a
//!   `Protocol` or `PartnerRemoval` support or approval below 2/3 ([`SUPERMAJORITY`]): the floor
//!   is flat for the whole voting period.
//! - **The accused.** When a `PartnerRemoval` proposal is aimed at a partner (classification names
//!   an *accused*), that partner neither votes nor counts in the electorate. So that one of two
//!   partners cannot remove the other alone, such a proposal also needs ayes of more than half of
//!   the whole electorate *with* the accused's weight. An accused is only ever excluded on the
//!   `PartnerRemoval` class: a `Protocol` proposal (Root) is always decided by everyone.
//! - **Frozen electorate.** When a proposal is made, the active members and their vote weights
//!   are recorded ([`Electorate`], at most `MaxVoters`). Only those members vote, each with its
//!   recorded weight, and the support threshold is measured against the recorded total: changing
//!   weights or admitting members mid-vote changes nothing. A member must also still be active
//!   when it votes; a vote already cast stays counted.
//! - **Voting.** `vote(index, aye)` until the end of the period; voting again replaces the earlier
//!   vote, so a vote is never counted twice.
//! - **Closing.** Anyone calls `close` after the period; `on_initialize` also closes up to
//!   `MaxAutoClosePerBlock` expired proposals per block. A passed proposal is scheduled through
//!   `Config::Scheduler` after the class's enactment delay with its class's origin (above). The
//!   deposit is refunded if the proposal passed or its turnout (ayes and nays) reached the
//!   support threshold (it was considered), and slashed (to `Config::Slash`) otherwise.
//! - **Disputes.** An active partner (a member) raises a dispute against a partner with an
//!   evidence hash and a held `DisputeDeposit`, at most `MaxDisputesPerAccuser` open at once (so no
//!   one fills `MaxOpenDisputes`); the accused may `answer` with a hash. A dispute governance has
//!   not decided after `DisputeExpiry` blocks may be closed by anyone (`expire_dispute`, deposit
//!   refunded). While a dispute against a partner is open, the registry keeps its bond even after
//!   its unbonding ([`pallet_partners::OpenDisputes`]); a partner whose unbonding is over cannot be
//!   accused any more (`AccusedDeparted`), so no one can hold a bond for good by accusing again.
//!   A verdict must be enacted before the expiry: anyone, the accused too, may expire the dispute
//!   once it is due, so the roundtable proposes it at least a voting period and an enactment delay
//!   earlier. `resolve_dispute`
//!   (`Config::DisputeOrigin`: in the runtime Root or the `PartnerRemoval` origin, i.e. a
//!   `PartnerRemoval` proposal aimed at the accused) upholds it (slash the accused's bond through
//!   [`PartnerPenalties`], optionally suspend; the accuser is refunded) or dismisses it (deposit
//!   refunded or slashed).
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
pub mod tally;
pub mod tracks;
pub mod weights;

pub use tally::PollTally;
pub use tracks::{Threshold, TrackId, TrackParams};

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt::Debug;
use frame_support::traits::{EnsureOrigin, EnsureOriginWithArg, OriginTrait};
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};

/// Index of a proposal.
pub type ProposalIndex = u32;
/// Index of a dispute.
pub type DisputeIndex = u32;
/// Index of a pallet-referenda poll.
pub type PollIndex = u32;

/// How demanding a proposal's vote is. Ordered by rank: a call may be proposed in its least class
/// or any higher one.
#[derive(
    Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug, PartialOrd, Ord,
    Serialize, Deserialize,
)]
pub enum ProposalClass {
    /// Everyday decisions (remarks, assessments, small treasury spends): support 1/2 of the
    /// electorate and a majority of the votes cast. Enacted with [`RawOrigin::Roundtable`].
    Ordinary,
    /// Against a partner (removal, suspension, dispute verdicts): two thirds, the accused
    /// excluded. Enacted with [`RawOrigin::PartnerRemoval`].
    PartnerRemoval,
    /// The protocol itself (`set_code`, revenue shares, weights, admissions, class parameters,
    /// large treasury spends, anything not named as ordinary): two thirds of the whole
    /// electorate, enacted as Root.
    Protocol,
}

/// A fraction `num / den`.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
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

    /// `self >= other`, both valid (cross-multiplied in `u64`, which cannot overflow).
    pub fn at_least(&self, other: &Fraction) -> bool {
        (self.num as u64).saturating_mul(other.den as u64) >= (other.num as u64).saturating_mul(self.den as u64)
    }

    /// `part >= self * whole` (non-strict), `u128` arithmetic.
    fn reached_by(&self, part: u64, whole: u64) -> bool {
        (part as u128).saturating_mul(self.den as u128) >= (self.num as u128).saturating_mul(whole as u128)
    }
}

/// The least support and approval of the `Protocol` and `PartnerRemoval` classes: two thirds.
pub const SUPERMAJORITY: Fraction = Fraction::new(2, 3);

/// Voting rules of a class.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClassParams<BlockNumber> {
    /// Blocks a proposal is open for votes.
    pub voting_period: BlockNumber,
    /// Blocks between close and enactment of a passed proposal.
    pub enactment_delay: BlockNumber,
    /// Support: ayes must be at least this share of the whole electorate's weight (not of the
    /// votes cast), so that abstaining or voting nay never helps a proposal pass.
    pub support: Fraction,
    /// Ayes must be this share of the votes cast: more than it if `strict`, else at least it.
    pub approval: Fraction,
    pub strict: bool,
}

/// A tally of weights.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Tally {
    pub ayes: u64,
    pub nays: u64,
    /// Total weight of those entitled to vote (frozen when the proposal was made).
    pub electorate: u64,
    /// Weight of the accused of a `PartnerRemoval` proposal, left out of `electorate`; 0 if none.
    pub excluded: u64,
}

impl Tally {
    /// Weight of the votes cast.
    pub fn turnout(&self) -> u64 {
        self.ayes.saturating_add(self.nays)
    }

    /// At least one vote, and turnout (ayes and nays) at least `support` of the electorate: the
    /// proposal was considered. Decides only whether the deposit is refunded, never whether the
    /// proposal passes.
    pub fn quorum_reached<B>(&self, p: &ClassParams<B>) -> bool {
        let turnout = self.turnout();
        turnout > 0 && p.support.reached_by(turnout, self.electorate)
    }

    /// At least one aye, and ayes at least `support` of the electorate.
    pub fn support_reached<B>(&self, p: &ClassParams<B>) -> bool {
        self.ayes > 0 && p.support.reached_by(self.ayes, self.electorate)
    }

    /// With an accused left out of the electorate: ayes of more than half of the electorate with
    /// the accused's weight, so that one of two equal partners cannot remove the other alone.
    pub fn majority_with_excluded(&self) -> bool {
        self.excluded == 0 ||
            (self.ayes as u128).saturating_mul(2) > (self.electorate as u128).saturating_add(self.excluded as u128)
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

    /// Support reached, approved, and (with an accused) a majority with the accused's weight.
    pub fn passes<B>(&self, p: &ClassParams<B>) -> bool {
        self.support_reached(p) && self.approved(p) && self.majority_with_excluded()
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

/// `EnsureOrigin` for a variant of [`RawOrigin`] without data.
macro_rules! ensure_variant {
    ($(#[$doc:meta])* $name:ident, $variant:ident) => {
        $(#[$doc])*
        pub struct $name<AccountId>(core::marker::PhantomData<AccountId>);
        impl<O: OriginTrait + From<RawOrigin<AccountId>>, AccountId> EnsureOrigin<O> for $name<AccountId>
        where
            O: Into<Result<RawOrigin<AccountId>, O>>,
        {
            type Success = ();
            fn try_origin(o: O) -> Result<(), O> {
                match o.into() {
                    Ok(RawOrigin::$variant) => Ok(()),
                    Ok(other) => Err(O::from(other)),
                    Err(o) => Err(o),
                }
            }
            #[cfg(feature = "runtime-benchmarks")]
            fn try_successful_origin() -> Result<O, ()> {
                Ok(O::from(RawOrigin::$variant))
            }
        }
    };
}

ensure_variant!(
    /// Ensures the origin is the roundtable's ordinary one ([`RawOrigin::Roundtable`]): a call
    /// enacted by a poll of the ordinary track (or an `Ordinary` proposal). Grant it only what a
    /// majority may do.
    EnsureRoundtable,
    Roundtable
);
ensure_variant!(
    /// Ensures the origin is [`RawOrigin::Treasurer`]: a call enacted by a poll of the treasurer
    /// track. Grant it treasury spends up to a per-spend limit.
    EnsureTreasurer,
    Treasurer
);
ensure_variant!(
    /// Ensures the origin is [`RawOrigin::Emergency`]: a call enacted by a poll of the emergency
    /// track. Grant it the forced validator-set change and its cancellation only.
    EnsureEmergency,
    Emergency
);

/// Ensures the origin is [`RawOrigin::PartnerRemoval`] and yields its accused: a call enacted by
/// a passed removal poll, decided without that partner.
pub struct EnsurePartnerRemoval<AccountId>(core::marker::PhantomData<AccountId>);
impl<O: OriginTrait + From<RawOrigin<AccountId>>, AccountId: Decode> EnsureOrigin<O> for EnsurePartnerRemoval<AccountId>
where
    O: Into<Result<RawOrigin<AccountId>, O>>,
{
    type Success = AccountId;
    fn try_origin(o: O) -> Result<AccountId, O> {
        match o.into() {
            Ok(RawOrigin::PartnerRemoval(accused)) => Ok(accused),
            Ok(other) => Err(O::from(other)),
            Err(o) => Err(o),
        }
    }
    #[cfg(feature = "runtime-benchmarks")]
    fn try_successful_origin() -> Result<O, ()> {
        let accused = AccountId::decode(&mut sp_runtime::traits::TrailingZeroInput::zeroes()).map_err(|_| ())?;
        Ok(O::from(RawOrigin::PartnerRemoval(accused)))
    }
}

/// Ensures the origin is [`RawOrigin::PartnerRemoval`] *for the partner acted against*: the
/// removal origin may suspend, remove or judge only the accused it was decided without. Grant it
/// suspension, removal and dispute verdicts, with that partner as the argument.
pub struct EnsurePartnerRemovalOf<AccountId>(core::marker::PhantomData<AccountId>);
impl<O: OriginTrait + From<RawOrigin<AccountId>>, AccountId: PartialEq + Clone> EnsureOriginWithArg<O, AccountId>
    for EnsurePartnerRemovalOf<AccountId>
where
    O: Into<Result<RawOrigin<AccountId>, O>>,
{
    type Success = ();
    fn try_origin(o: O, target: &AccountId) -> Result<(), O> {
        match o.into() {
            Ok(RawOrigin::PartnerRemoval(accused)) if accused == *target => Ok(()),
            Ok(other) => Err(O::from(other)),
            Err(o) => Err(o),
        }
    }
    #[cfg(feature = "runtime-benchmarks")]
    fn try_successful_origin(target: &AccountId) -> Result<O, ()> {
        Ok(O::from(RawOrigin::PartnerRemoval(target.clone())))
    }
}

/// The roundtable's origins, one per class below Root.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
pub enum RawOrigin<AccountId> {
    /// A call enacted by a passed `Ordinary` proposal.
    #[codec(index = 0)]
    Roundtable,
    /// A call enacted by a passed `PartnerRemoval` proposal decided without this partner (the
    /// accused): it may act against that partner only ([`EnsurePartnerRemovalOf`]).
    #[codec(index = 1)]
    PartnerRemoval(AccountId),
    /// A call enacted by a passed poll of the treasurer track.
    #[codec(index = 2)]
    Treasurer,
    /// A call enacted by a passed poll of the emergency track.
    #[codec(index = 3)]
    Emergency,
}

/// Signed by an active partner: who may submit polls to pallet-referenda
/// (`AsEnsureOriginWithArg<EnsureActiveMember<T>>` as its `SubmitOrigin`).
pub struct EnsureActiveMember<T>(core::marker::PhantomData<T>);
impl<T: Config> EnsureOrigin<<T as frame_system::Config>::RuntimeOrigin> for EnsureActiveMember<T> {
    type Success = T::AccountId;
    fn try_origin(
        o: <T as frame_system::Config>::RuntimeOrigin,
    ) -> Result<T::AccountId, <T as frame_system::Config>::RuntimeOrigin> {
        let who = <frame_system::EnsureSigned<T::AccountId> as EnsureOrigin<_>>::try_origin(o)?;
        if T::Members::is_active_member(&who) {
            Ok(who)
        } else {
            Err(frame_system::RawOrigin::Signed(who).into())
        }
    }
    #[cfg(feature = "runtime-benchmarks")]
    fn try_successful_origin() -> Result<<T as frame_system::Config>::RuntimeOrigin, ()> {
        let who: T::AccountId = frame_benchmarking::account("member", 0, 0);
        T::Members::make_active_member(&who, 1);
        Ok(frame_system::RawOrigin::Signed(who).into())
    }
}

/// The partner a poll is decided without: the accused its removal origin names.
pub trait PollAccused<AccountId> {
    fn accused(poll: PollIndex) -> Option<AccountId>;
}

impl<AccountId> PollAccused<AccountId> for () {
    fn accused(_: PollIndex) -> Option<AccountId> {
        None
    }
}

/// Reads the accused from the origin a pallet-referenda poll asks for.
pub struct AccusedFromReferenda<T, I = ()>(core::marker::PhantomData<(T, I)>);
impl<T, I: 'static> PollAccused<T::AccountId> for AccusedFromReferenda<T, I>
where
    T: pallet_referenda::Config<I>,
    pallet_referenda::PalletsOriginOf<T>: TryInto<RawOrigin<T::AccountId>>,
{
    fn accused(poll: PollIndex) -> Option<T::AccountId> {
        match pallet_referenda::ReferendumInfoFor::<T, I>::get(poll)? {
            pallet_referenda::ReferendumInfo::Ongoing(status) => match status.origin.try_into() {
                Ok(RawOrigin::PartnerRemoval(accused)) => Some(accused),
                _ => None,
            },
            _ => None,
        }
    }
}

/// The roundtable's tracks for pallet-referenda (`Config::Tracks`): their rules come from this
/// pallet's storage (genesis and `set_track`), the track of a poll from the origin it asks for.
pub struct Tracks<T>(core::marker::PhantomData<T>);
impl<T: Config> pallet_referenda::TracksInfo<pallet::BalanceOf<T>, frame_system::pallet_prelude::BlockNumberFor<T>>
    for Tracks<T>
where
    T::PalletsOrigin: Clone
        + TryInto<RawOrigin<T::AccountId>>
        + TryInto<frame_system::RawOrigin<T::AccountId>>,
{
    type Id = TrackId;
    type RuntimeOrigin = T::PalletsOrigin;

    fn tracks() -> impl Iterator<
        Item = alloc::borrow::Cow<
            'static,
            pallet_referenda::Track<TrackId, pallet::BalanceOf<T>, frame_system::pallet_prelude::BlockNumberFor<T>>,
        >,
    > {
        tracks::TRACKS.into_iter().map(|id| alloc::borrow::Cow::Owned(Pallet::<T>::track(id).to_track(id)))
    }

    fn track_for(origin: &Self::RuntimeOrigin) -> Result<TrackId, ()> {
        if let Ok(frame_system::RawOrigin::Root) = TryInto::<frame_system::RawOrigin<T::AccountId>>::try_into(origin.clone()) {
            return Ok(tracks::PROTOCOL);
        }
        match TryInto::<RawOrigin<T::AccountId>>::try_into(origin.clone()) {
            Ok(RawOrigin::Roundtable) => Ok(tracks::ORDINARY),
            Ok(RawOrigin::Treasurer) => Ok(tracks::TREASURER),
            Ok(RawOrigin::PartnerRemoval(_)) => Ok(tracks::PARTNER_REMOVAL),
            Ok(RawOrigin::Emergency) => Ok(tracks::EMERGENCY),
            Err(_) => Err(()),
        }
    }
}

#[frame_support::pallet]
pub mod pallet {
    use super::*;
    use alloc::{boxed::Box, vec::Vec};
    use frame_support::{
        dispatch::GetDispatchInfo,
        pallet_prelude::*,
        traits::{
            fungible::{self, BalancedHold, Inspect, Mutate, MutateHold},
            schedule::{v3::Anon as ScheduleAnon, DispatchTime, HIGHEST_PRIORITY},
            tokens::Precision,
            Bounded, IsSubType, OnUnbalanced, PollStatus, Polling, QueryPreimage, StorePreimage,
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
    pub type PollVotersOf<T> = PollVoters<<T as frame_system::Config>::AccountId, <T as Config>::MaxVoters>;
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
        /// Total vote weight of the frozen electorate (the accused left out).
        pub electorate: u64,
        /// Vote weight of the accused when the proposal was made (0 if none or not active).
        pub excluded: u64,
    }

    /// The frozen electorate of a poll.
    #[derive(Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound)]
    #[scale_info(skip_type_params(S))]
    #[codec(mel_bound(AccountId: MaxEncodedLen))]
    pub struct PollVoters<AccountId: Clone + PartialEq + Eq + Debug, S: Get<u32>> {
        /// Members and their vote weights when the first vote was cast.
        pub voters: BoundedVec<(AccountId, u32), S>,
        /// The removal poll's accused: neither votes nor counts.
        pub accused: Option<AccountId>,
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
    pub type Origin<T> = RawOrigin<<T as frame_system::Config>::AccountId>;

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
        type PalletsOrigin: From<RawOrigin<Self::AccountId>> + From<frame_system::RawOrigin<Self::AccountId>>;
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
        /// Sets class parameters. In the runtime: Root (a `Protocol` proposal, or sudo on dev
        /// chains), never the ordinary roundtable origin, since the parameters decide who can
        /// pass what.
        type AdminOrigin: EnsureOrigin<<Self as frame_system::Config>::RuntimeOrigin>;
        /// Resolves disputes; the argument is the dispute's accused. In the runtime: Root or
        /// [`EnsurePartnerRemovalOf`] (the removal origin of that accused).
        type DisputeOrigin: EnsureOriginWithArg<<Self as frame_system::Config>::RuntimeOrigin, Self::AccountId>;
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
        /// Most members in a proposal's frozen electorate, hence most distinct voters (at least
        /// the most active members there can be; a proposal is refused with
        /// `ElectorateTooLarge` otherwise).
        #[pallet::constant]
        type MaxVoters: Get<u32>;
        /// Most open disputes.
        #[pallet::constant]
        type MaxOpenDisputes: Get<u32>;
        /// Most open disputes one accuser may have, so that no partner fills `MaxOpenDisputes`.
        #[pallet::constant]
        type MaxDisputesPerAccuser: Get<u32>;
        /// Blocks after which an undecided dispute may be expired by anyone (deposit refunded).
        #[pallet::constant]
        type DisputeExpiry: Get<BlockNumberFor<Self>>;
        /// Most expired proposals `on_initialize` closes in one block.
        #[pallet::constant]
        type MaxAutoClosePerBlock: Get<u32>;
        /// The polls this pallet votes on (pallet-referenda with [`PollTally`] and [`Tracks`]).
        type Polls: Polling<
            PollTally<Self>,
            Votes = u64,
            Class = TrackId,
            Index = PollIndex,
            Moment = BlockNumberFor<Self>,
        >;
        /// The partner a poll is decided without ([`AccusedFromReferenda`]).
        type PollAccused: PollAccused<Self::AccountId>;
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

    /// The frozen electorate of each open proposal: the members entitled to vote and their vote
    /// weights when it was made (the accused of a `PartnerRemoval` proposal left out).
    #[pallet::storage]
    pub type Electorate<T: Config> =
        StorageMap<_, Twox64Concat, ProposalIndex, BoundedVec<(T::AccountId, u32), T::MaxVoters>, ValueQuery>;

    /// Votes on open proposals: `true` is aye.
    #[pallet::storage]
    pub type Votes<T: Config> =
        StorageDoubleMap<_, Twox64Concat, ProposalIndex, Blake2_128Concat, T::AccountId, bool, OptionQuery>;

    /// Class parameters set by governance; unset classes use [`Pallet::default_params`].
    #[pallet::storage]
    pub type ClassParamsOf<T: Config> =
        StorageMap<_, Twox64Concat, ProposalClass, ClassParams<BlockNumberFor<T>>, OptionQuery>;

    /// A poll's electorate, frozen by its first vote: the active members and their vote weights
    /// then (the accused of a removal poll left out), with the accused.
    #[pallet::storage]
    pub type PollElectorate<T: Config> = StorageMap<_, Twox64Concat, PollIndex, PollVotersOf<T>, OptionQuery>;

    /// Votes on polls: `true` is aye. Removed with `remove_poll_votes` once the poll is over.
    #[pallet::storage]
    pub type PollVotes<T: Config> =
        StorageDoubleMap<_, Twox64Concat, PollIndex, Blake2_128Concat, T::AccountId, bool, OptionQuery>;

    /// Track rules set at genesis or by `set_track`; tracks not set use [`Pallet::default_track`].
    #[pallet::storage]
    pub type TrackParamsOf<T: Config> =
        StorageMap<_, Twox64Concat, TrackId, TrackParams<BalanceOf<T>, BlockNumberFor<T>>, OptionQuery>;

    /// Number of disputes ever raised; the next dispute's index.
    #[pallet::storage]
    pub type DisputeCount<T: Config> = StorageValue<_, DisputeIndex, ValueQuery>;

    /// Open disputes.
    #[pallet::storage]
    pub type Disputes<T: Config> = CountedStorageMap<_, Twox64Concat, DisputeIndex, DisputeOf<T>, OptionQuery>;

    /// Open disputes per accuser (at most `MaxDisputesPerAccuser`; no entry for none).
    #[pallet::storage]
    pub type OpenDisputesBy<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, u32, OptionQuery>;

    /// Open disputes per accused (no entry for none): the registry keeps a departed partner's
    /// bond while any is open.
    #[pallet::storage]
    pub type OpenDisputesAgainst<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, u32, OptionQuery>;

    /// Class parameters set at genesis: short periods on development chains, so that end-to-end
    /// tests run in seconds, without a compile-time feature. The same rules as
    /// `set_class_params` hold; a chain spec that breaks them fails to build its genesis.
    #[pallet::genesis_config]
    #[derive(frame_support::DefaultNoBound)]
    pub struct GenesisConfig<T: Config> {
        pub class_params: Vec<(ProposalClass, ClassParams<BlockNumberFor<T>>)>,
        /// Track rules, under the rules `set_track` enforces.
        pub tracks: Vec<(TrackId, TrackParams<BalanceOf<T>, BlockNumberFor<T>>)>,
    }

    #[pallet::genesis_build]
    impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
        fn build(&self) {
            for (class, params) in &self.class_params {
                if let Err(e) = Pallet::<T>::check_params(*class, params) {
                    panic!("roundtable genesis: parameters of {class:?} refused: {:?}", e);
                }
                ClassParamsOf::<T>::insert(class, params);
            }
            for (id, params) in &self.tracks {
                if let Err(e) = Pallet::<T>::check_track(*id, params) {
                    panic!("roundtable genesis: track {id} refused: {:?}", e);
                }
                TrackParamsOf::<T>::insert(id, params);
            }
        }
    }

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
        /// Governance did not decide the dispute within `DisputeExpiry`; the deposit was refunded.
        DisputeExpired { index: DisputeIndex },
        /// A vote on a poll was cast or replaced.
        PollVoted { poll: PollIndex, who: T::AccountId, aye: bool, weight: u32 },
        /// A poll's electorate was frozen by its first vote.
        PollElectorateFrozen { poll: PollIndex, electorate: u64, accused: Option<T::AccountId> },
        /// The votes of a finished poll were removed.
        PollVotesRemoved { poll: PollIndex },
        TrackSet { id: TrackId, params: TrackParams<BalanceOf<T>, BlockNumberFor<T>> },
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
        /// `Protocol` and `PartnerRemoval` need support and approval of at least two thirds.
        BelowSupermajority,
        /// More active members than `MaxVoters`: the electorate cannot be recorded.
        ElectorateTooLarge,
        /// The voter was not an active member when the proposal was made.
        NotInElectorate,
        /// Only active partners (members) may raise disputes.
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
        /// The accuser already has `MaxDisputesPerAccuser` open disputes.
        TooManyDisputesByAccuser,
        /// The dispute is younger than `DisputeExpiry`.
        DisputeNotExpired,
        /// The accused left and its unbonding is over: nothing of it is left to enforce a verdict on.
        AccusedDeparted,
        /// The poll does not exist or is not being voted on.
        PollNotOngoing,
        /// The poll is still being voted on.
        PollStillOngoing,
        /// Nothing is recorded for this poll.
        NoPollVotes,
        /// No track has this id.
        UnknownTrack,
        /// The ordinary track needs at least half of the electorate, the treasurer track more
        /// than half.
        BelowMajority,
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
            // Only a removal poll leaves its accused out: a `Protocol` proposal (Root) that also
            // names a partner is decided by everyone.
            let accused = if class == ProposalClass::PartnerRemoval { accused } else { None };
            let (voters, electorate, excluded) = Self::snapshot(accused.as_ref())?;
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
            Electorate::<T>::insert(index, voters);
            Proposals::<T>::insert(
                index,
                ProposalOf::<T> {
                    proposer: who.clone(),
                    call: *call,
                    class,
                    accused,
                    deposit,
                    submitted: now,
                    end,
                    voters: 0,
                    electorate,
                    excluded,
                },
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
            ensure!(Electorate::<T>::get(index).iter().any(|(m, _)| *m == who), Error::<T>::NotInElectorate);
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

        /// Governance sets the voting rules of a class (for proposals made from now on, and for
        /// open proposals of the class when they close). `Protocol` and `PartnerRemoval` keep
        /// support and approval of at least [`SUPERMAJORITY`].
        #[pallet::call_index(3)]
        #[pallet::weight(T::WeightInfo::set_class_params())]
        pub fn set_class_params(
            origin: OriginFor<T>,
            class: ProposalClass,
            params: ClassParams<BlockNumberFor<T>>,
        ) -> DispatchResult {
            T::AdminOrigin::ensure_origin(origin)?;
            Self::check_params(class, &params)?;
            ClassParamsOf::<T>::insert(class, params);
            Self::deposit_event(Event::ClassParamsSet { class, params });
            Ok(())
        }

        /// An active partner accuses a partner; `DisputeDeposit` is held. Applicants, suspended
        /// and removed partners cannot accuse: only those with a stake in the roundtable's
        /// decisions may spend its time, each on at most `MaxDisputesPerAccuser` at once.
        #[pallet::call_index(4)]
        #[pallet::weight(T::WeightInfo::raise_dispute())]
        pub fn raise_dispute(origin: OriginFor<T>, accused: T::AccountId, evidence: H256) -> DispatchResult {
            let who = ensure_signed(origin)?;
            ensure!(T::Members::is_active_member(&who), Error::<T>::NotEntitled);
            ensure!(who != accused, Error::<T>::SelfDispute);
            ensure!(T::Members::is_partner(&accused), Error::<T>::NotPartner);
            ensure!(!T::Members::is_unbonded(&accused), Error::<T>::AccusedDeparted);
            let open_by = OpenDisputesBy::<T>::get(&who).unwrap_or(0);
            ensure!(open_by < T::MaxDisputesPerAccuser::get(), Error::<T>::TooManyDisputesByAccuser);
            ensure!(Disputes::<T>::count() < T::MaxOpenDisputes::get(), Error::<T>::TooManyDisputes);
            let deposit = T::DisputeDeposit::get();
            T::Currency::hold(&HoldReason::DisputeDeposit.into(), &who, deposit)
                .map_err(|_| Error::<T>::InsufficientBalance)?;
            let index = DisputeCount::<T>::get();
            DisputeCount::<T>::put(index.saturating_add(1));
            OpenDisputesBy::<T>::insert(&who, open_by.saturating_add(1));
            OpenDisputesAgainst::<T>::mutate(&accused, |n| *n = Some(n.unwrap_or(0).saturating_add(1)));
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
            let d = Disputes::<T>::get(index).ok_or(Error::<T>::DisputeNotFound)?;
            T::DisputeOrigin::ensure_origin(origin, &d.accused)?;
            Disputes::<T>::remove(index);
            Self::dispute_closed(&d.accuser, &d.accused);
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

        /// Anyone closes a dispute governance left undecided for `DisputeExpiry` blocks. The
        /// accuser's deposit is refunded: nobody judged the accusation frivolous, and the slot
        /// (the accuser's and the global one) is free again.
        #[pallet::call_index(7)]
        #[pallet::weight(T::WeightInfo::expire_dispute())]
        pub fn expire_dispute(origin: OriginFor<T>, index: DisputeIndex) -> DispatchResult {
            ensure_signed(origin)?;
            let d = Disputes::<T>::get(index).ok_or(Error::<T>::DisputeNotFound)?;
            let now = frame_system::Pallet::<T>::block_number();
            ensure!(now >= d.raised_at.saturating_add(T::DisputeExpiry::get()), Error::<T>::DisputeNotExpired);
            Disputes::<T>::remove(index);
            Self::dispute_closed(&d.accuser, &d.accused);
            Self::refund(&HoldReason::DisputeDeposit.into(), &d.accuser, d.deposit);
            Self::deposit_event(Event::DisputeExpired { index });
            Ok(())
        }

        /// An active partner votes (or changes its vote) on a pallet-referenda poll, with its
        /// weight in the poll's electorate. The first vote freezes the electorate: the active
        /// members and their weights now, without the removal poll's accused.
        #[pallet::call_index(8)]
        #[pallet::weight(T::WeightInfo::vote_poll())]
        pub fn vote_poll(origin: OriginFor<T>, poll: PollIndex, aye: bool) -> DispatchResult {
            let who = ensure_signed(origin)?;
            ensure!(T::Members::is_active_member(&who), Error::<T>::NotMember);
            T::Polls::try_access_poll(poll, |status| -> DispatchResult {
                let PollStatus::Ongoing(tally, track) = status else { return Err(Error::<T>::PollNotOngoing.into()) };
                let frozen = match PollElectorate::<T>::get(poll) {
                    Some(frozen) => frozen,
                    None => {
                        let accused =
                            if track == tracks::PARTNER_REMOVAL { T::PollAccused::accused(poll) } else { None };
                        let (voters, electorate, excluded) = Self::snapshot(accused.as_ref())?;
                        *tally = PollTally::from_parts(0, 0, electorate, excluded);
                        let frozen = PollVotersOf::<T> { voters, accused: accused.clone() };
                        PollElectorate::<T>::insert(poll, &frozen);
                        Self::deposit_event(Event::PollElectorateFrozen { poll, electorate, accused });
                        frozen
                    }
                };
                ensure!(frozen.accused.as_ref() != Some(&who), Error::<T>::AccusedCannotVote);
                let weight =
                    frozen.voters.iter().find(|(m, _)| *m == who).map(|(_, w)| *w).ok_or(Error::<T>::NotInElectorate)?;
                let w = weight as u64;
                match PollVotes::<T>::get(poll, &who) {
                    Some(true) => tally.ayes = tally.ayes.saturating_sub(w),
                    Some(false) => tally.nays = tally.nays.saturating_sub(w),
                    None => {}
                }
                if aye {
                    tally.ayes = tally.ayes.saturating_add(w);
                } else {
                    tally.nays = tally.nays.saturating_add(w);
                }
                PollVotes::<T>::insert(poll, &who, aye);
                Self::deposit_event(Event::PollVoted { poll, who: who.clone(), aye, weight });
                Ok(())
            })
        }

        /// Anyone removes the votes and frozen electorate of a poll that is over.
        #[pallet::call_index(9)]
        #[pallet::weight(T::WeightInfo::remove_poll_votes(T::MaxVoters::get()))]
        pub fn remove_poll_votes(origin: OriginFor<T>, poll: PollIndex) -> DispatchResult {
            ensure_signed(origin)?;
            ensure!(T::Polls::as_ongoing(poll).is_none(), Error::<T>::PollStillOngoing);
            ensure!(PollElectorate::<T>::take(poll).is_some(), Error::<T>::NoPollVotes);
            let _ = PollVotes::<T>::clear_prefix(poll, T::MaxVoters::get(), None);
            Self::deposit_event(Event::PollVotesRemoved { poll });
            Ok(())
        }

        /// Governance sets the rules of a track (polls being decided see them from the next
        /// check on). The removal, protocol and emergency tracks keep support and approval of at
        /// least two thirds ([`SUPERMAJORITY`]); the treasurer track more than half, the ordinary
        /// track at least half of the electorate.
        #[pallet::call_index(10)]
        #[pallet::weight(T::WeightInfo::set_track())]
        pub fn set_track(
            origin: OriginFor<T>,
            id: TrackId,
            params: TrackParams<BalanceOf<T>, BlockNumberFor<T>>,
        ) -> DispatchResult {
            T::AdminOrigin::ensure_origin(origin)?;
            Self::check_track(id, &params)?;
            TrackParamsOf::<T>::insert(id, params);
            Self::deposit_event(Event::TrackSet { id, params });
            Ok(())
        }
    }

    impl<T: Config> Pallet<T> {
        /// A dispute of `accuser` against `accused` was closed.
        fn dispute_closed(accuser: &T::AccountId, accused: &T::AccountId) {
            let one_less = |n: &mut Option<u32>| *n = n.and_then(|n| n.checked_sub(1)).filter(|n| *n > 0);
            OpenDisputesBy::<T>::mutate_exists(accuser, one_less);
            OpenDisputesAgainst::<T>::mutate_exists(accused, one_less);
        }

        /// The built-in defaults: Ordinary support 1/2 of the electorate and more than 1/2 of
        /// the votes cast; Protocol and PartnerRemoval at least 2/3 of both.
        /// Whether `params` may govern `class`: proper fractions, a voting period, and for
        /// `Protocol` and `PartnerRemoval` at least [`SUPERMAJORITY`].
        pub fn check_params(class: ProposalClass, params: &ClassParams<BlockNumberFor<T>>) -> Result<(), Error<T>> {
            ensure!(
                params.support.is_valid() && params.approval.is_valid() && !params.voting_period.is_zero(),
                Error::<T>::InvalidParams
            );
            if class != ProposalClass::Ordinary {
                ensure!(
                    params.support.at_least(&SUPERMAJORITY) && params.approval.at_least(&SUPERMAJORITY),
                    Error::<T>::BelowSupermajority
                );
            }
            Ok(())
        }

        /// Whether `params` may govern track `id`: a known track, proper thresholds above zero,
        /// a decision period and room to decide, and the floors of [`Self::set_track`].
        pub fn check_track(id: TrackId, params: &TrackParams<BalanceOf<T>, BlockNumberFor<T>>) -> Result<(), Error<T>> {
            ensure!(tracks::TRACKS.contains(&id), Error::<T>::UnknownTrack);
            ensure!(
                params.support.is_valid() &&
                    params.approval.is_valid() &&
                    !params.decision_period.is_zero() &&
                    params.max_deciding > 0,
                Error::<T>::InvalidParams
            );
            let floor = match id {
                tracks::ORDINARY => Some(Threshold::at_least(1, 2)),
                tracks::TREASURER => Some(Threshold::more_than(1, 2)),
                _ => None,
            };
            if let Some(floor) = floor {
                ensure!(params.support.at_least_as_strict_as(&floor), Error::<T>::BelowMajority);
            }
            if tracks::needs_supermajority(id) {
                let two_thirds = Threshold { share: SUPERMAJORITY, strict: false };
                ensure!(
                    params.support.at_least_as_strict_as(&two_thirds) && params.approval.at_least_as_strict_as(&two_thirds),
                    Error::<T>::BelowSupermajority
                );
            }
            Ok(())
        }

        /// The rules of track `id` in force.
        pub fn track(id: TrackId) -> TrackParams<BalanceOf<T>, BlockNumberFor<T>> {
            TrackParamsOf::<T>::get(id).unwrap_or_else(|| Self::default_track(id))
        }

        /// The built-in rules of a track not set at genesis: ordinary at least half of the
        /// electorate and more than half of the votes cast; treasurer more than half of both;
        /// removal, protocol and emergency two thirds of both. Deciding starts a block after
        /// submission and a poll is approved once it has passed for a block; `VotingPeriod` to
        /// decide, `EnactmentDelay` before enactment (a block for the emergency track, which
        /// must act within a stall).
        pub fn default_track(id: TrackId) -> TrackParams<BalanceOf<T>, BlockNumberFor<T>> {
            let (support, approval) = match id {
                tracks::ORDINARY => (Threshold::at_least(1, 2), Threshold::more_than(1, 2)),
                tracks::TREASURER => (Threshold::more_than(1, 2), Threshold::more_than(1, 2)),
                _ => (Threshold { share: SUPERMAJORITY, strict: false }, Threshold { share: SUPERMAJORITY, strict: false }),
            };
            let one: BlockNumberFor<T> = 1u32.into();
            TrackParams {
                max_deciding: T::MaxActiveProposals::get(),
                decision_deposit: T::ProposalDeposit::get(),
                prepare_period: one,
                decision_period: T::VotingPeriod::get(),
                confirm_period: one,
                min_enactment_period: if id == tracks::EMERGENCY { one } else { T::EnactmentDelay::get() },
                support,
                approval,
            }
        }

        pub fn default_params(class: ProposalClass) -> ClassParams<BlockNumberFor<T>> {
            let (support, approval, strict) = match class {
                ProposalClass::Ordinary => (Fraction::new(1, 2), Fraction::new(1, 2), true),
                ProposalClass::Protocol | ProposalClass::PartnerRemoval => (SUPERMAJORITY, SUPERMAJORITY, false),
            };
            ClassParams {
                voting_period: T::VotingPeriod::get(),
                enactment_delay: T::EnactmentDelay::get(),
                support,
                approval,
                strict,
            }
        }

        /// The partner a `resolve_dispute` of dispute `index` is aimed at (for the runtime's
        /// classifier, which must see through wrappers).
        pub fn dispute_accused(index: DisputeIndex) -> Option<T::AccountId> {
            Disputes::<T>::get(index).map(|d| d.accused)
        }

        /// The electorate of a new proposal: the active members and their vote weights now,
        /// without `accused`; with the electorate's total weight and the accused's weight.
        fn snapshot(
            accused: Option<&T::AccountId>,
        ) -> Result<(BoundedVec<(T::AccountId, u32), T::MaxVoters>, u64, u64), DispatchError> {
            let mut voters = BoundedVec::<(T::AccountId, u32), T::MaxVoters>::new();
            let (mut electorate, mut excluded) = (0u64, 0u64);
            for m in T::Members::active_partners() {
                if accused == Some(&m.who) {
                    excluded = excluded.saturating_add(m.vote_weight as u64);
                    continue;
                }
                electorate = electorate.saturating_add(m.vote_weight as u64);
                voters.try_push((m.who, m.vote_weight)).map_err(|_| Error::<T>::ElectorateTooLarge)?;
            }
            Ok((voters, electorate, excluded))
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

        /// The tally of a proposal with the weights frozen when it was made.
        pub fn tally(index: ProposalIndex, p: &ProposalOf<T>) -> Tally {
            let mut t = Tally { electorate: p.electorate, excluded: p.excluded, ..Default::default() };
            let frozen = Electorate::<T>::get(index);
            for (who, aye) in Votes::<T>::iter_prefix(index) {
                // Votes are only accepted from the frozen electorate; anything else weighs 0.
                let w = frozen.iter().find(|(m, _)| *m == who).map(|(_, w)| *w as u64).unwrap_or(0);
                if aye {
                    t.ayes = t.ayes.saturating_add(w);
                } else {
                    t.nays = t.nays.saturating_add(w);
                }
            }
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
            if tally.passes(&params) {
                let now = frame_system::Pallet::<T>::block_number();
                let enact_at = now.saturating_add(params.enactment_delay).max(now.saturating_add(1u32.into()));
                // Privilege comes from the class the proposal passed in.
                let origin: T::PalletsOrigin = match p.class {
                    ProposalClass::Protocol => frame_system::RawOrigin::Root.into(),
                    // A removal proposal acts against its accused only; one that names none
                    // holds only ordinary calls (its class was chosen above their least).
                    ProposalClass::PartnerRemoval => match p.accused.clone() {
                        Some(accused) => RawOrigin::PartnerRemoval(accused).into(),
                        None => RawOrigin::Roundtable.into(),
                    },
                    ProposalClass::Ordinary => RawOrigin::Roundtable.into(),
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
            Electorate::<T>::remove(index);
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
                let frozen = Electorate::<T>::get(index);
                let total = frozen.iter().fold(0u64, |a, (_, w)| a.saturating_add(*w as u64));
                ensure!(total == p.electorate, "electorate weight differs from its record");
                for (who, _) in Votes::<T>::iter_prefix(index) {
                    ensure!(frozen.iter().any(|(m, _)| *m == who), "vote from outside the electorate");
                }
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
            let mut by: alloc::collections::btree_map::BTreeMap<T::AccountId, u32> = Default::default();
            let mut against: alloc::collections::btree_map::BTreeMap<T::AccountId, u32> = Default::default();
            for (_, d) in Disputes::<T>::iter() {
                *by.entry(d.accuser).or_default() += 1;
                *against.entry(d.accused).or_default() += 1;
            }
            ensure!(by.values().all(|n| *n <= T::MaxDisputesPerAccuser::get()), "an accuser above its limit");
            ensure!(OpenDisputesBy::<T>::iter().collect::<alloc::collections::btree_map::BTreeMap<_, _>>() == by, "per-accuser counts differ");
            ensure!(
                OpenDisputesAgainst::<T>::iter().collect::<alloc::collections::btree_map::BTreeMap<_, _>>() == against,
                "per-accused counts differ"
            );
            Ok(())
        }
    }

    impl<T: Config> pallet_partners::OpenDisputes<T::AccountId> for Pallet<T> {
        fn open_against(who: &T::AccountId) -> bool {
            OpenDisputesAgainst::<T>::contains_key(who)
        }
    }
}
