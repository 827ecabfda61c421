//! # Roundtable
//!
//! Governance of the BPCI chain by its **active partners** (see `pallet-partners`): the voting
//! pallet of pallet-referenda on the roundtable's tracks, and disputes against partners.
//!
//! ## The model
//!
//! - **Polls are pallet-referenda's.** An active partner submits any runtime call with the origin
//!   it should be dispatched with (`Referenda::submit`, `SubmitOrigin` =
//!   [`EnsureActiveMember`]); anyone places the track's decision deposit; referenda runs the
//!   prepare, decide and confirm periods, and schedules a passed call with that origin.
//! - **The origin picks the track, and privilege comes from the origin** ([`Tracks`],
//!   [`tracks`]): Root → protocol, [`RawOrigin::Roundtable`] → ordinary,
//!   [`RawOrigin::Treasurer`] → treasurer, [`RawOrigin::PartnerRemoval`]`(accused)` → partner
//!   removal, [`RawOrigin::Emergency`] → emergency. The runtime grants each origin only what its
//!   track may do, so no classification of calls is needed: a call its origin may not make fails
//!   with `BadOrigin` when enacted, whatever wraps it.
//! - **Members** are whoever `Config::Members` ([`PartnerProvider`]) says is an active partner; a
//!   member's vote weighs what its agreement says (1 unless governance set another weight).
//! - **Voting** (`vote_poll(poll, aye)`, an active member; again to change it). The first vote
//!   of a poll freezes its electorate ([`PollElectorate`]): the active members and their weights
//!   then, at most `MaxVoters`. Later votes count with those weights, only members of it vote,
//!   and support is measured against its total, so weights changed or members admitted mid-vote
//!   change nothing in it.
//! - **Support, not turnout** ([`PollTally`]): a poll passes only when ayes reach the track's
//!   support threshold of the whole electorate's weight *and* its approval threshold of the votes
//!   cast, so a nay or an abstention never helps. Thresholds are flat: the removal, protocol and
//!   emergency tracks hold at least two thirds of both ([`SUPERMAJORITY`]) for the whole decision
//!   period; `set_track` and genesis refuse less.
//! - **The accused.** A removal poll's origin names its accused. That partner neither votes nor
//!   counts in the electorate, and the poll also needs ayes of more than half of the electorate
//!   *with* its weight, so that one of two equal partners cannot remove the other. The removal
//!   origin may act against its own accused only ([`EnsurePartnerRemovalOf`]), so leaving one
//!   partner out cannot judge another.
//! - **Cleanup.** Once a poll is over, anyone removes its votes (`remove_poll_votes`).
//! - **Disputes.** An active partner raises a dispute against a partner with an evidence hash and
//!   a held `DisputeDeposit`, at most `MaxDisputesPerAccuser` open at once (so no one fills
//!   `MaxOpenDisputes`); the accused may `answer` with a hash. A dispute governance has not
//!   decided after `DisputeExpiry` blocks may be closed by anyone (`expire_dispute`, deposit
//!   refunded). While a dispute against a partner is open, the registry keeps its bond even after
//!   its unbonding ([`pallet_partners::OpenDisputes`]); a partner whose unbonding is over cannot be
//!   accused any more (`AccusedDeparted`). `resolve_dispute` (`Config::DisputeOrigin`: in the
//!   runtime Root or the removal origin of the dispute's accused) upholds it (slash the accused's
//!   bond through [`PartnerPenalties`], optionally suspend; the accuser is refunded) or dismisses
//!   it (deposit refunded or slashed).
//!
//! ## Reentrancy
//!
//! Only signed members submit and vote. An enacted call runs with a track's origin, which is not
//! signed, so an enacted `submit` or `vote_poll` fails with `BadOrigin` and changes nothing.
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

/// Index of a dispute.
pub type DisputeIndex = u32;
/// Index of a pallet-referenda poll.
pub type PollIndex = u32;

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
}

/// The least support and approval of the removal, protocol and emergency tracks: two thirds.
pub const SUPERMAJORITY: Fraction = Fraction::new(2, 3);

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
    /// enacted by a poll of the ordinary track. Grant it only what a majority may do.
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

/// The roundtable's origins, one per track below Root.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
pub enum RawOrigin<AccountId> {
    /// A call enacted by a passed poll of the ordinary track.
    #[codec(index = 0)]
    Roundtable,
    // Index 1 was `PartnerRemoval` without its accused (the roundtable's own proposals): not
    // reused, so that an origin stored by that runtime never decodes as another.
    /// A call enacted by a passed poll of the treasurer track.
    #[codec(index = 2)]
    Treasurer,
    /// A call enacted by a passed poll of the emergency track.
    #[codec(index = 3)]
    Emergency,
    /// A call enacted by a passed poll of the partner-removal track, in which this partner (the
    /// accused) could not vote: it may act against that partner only ([`EnsurePartnerRemovalOf`]).
    #[codec(index = 4)]
    PartnerRemoval(AccountId),
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

/// The partner a poll is decided without: the accused its removal origin names. No default
/// implementation: one that named nobody would let the accused vote on its own removal.
pub trait PollAccused<AccountId> {
    fn accused(poll: PollIndex) -> Option<AccountId>;
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

    /// One track's rules: one storage read, where the default would read every track's.
    /// Referenda asks this on every service of a poll.
    fn info(
        id: TrackId,
    ) -> Option<alloc::borrow::Cow<'static, pallet_referenda::TrackInfo<pallet::BalanceOf<T>, frame_system::pallet_prelude::BlockNumberFor<T>>>>
    {
        tracks::TRACKS.contains(&id).then(|| alloc::borrow::Cow::Owned(Pallet::<T>::track(id).to_track(id).info))
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
    use alloc::vec::Vec;
    use frame_support::{
        pallet_prelude::*,
        traits::{
            fungible::{self, BalancedHold, Inspect, Mutate, MutateHold},
            tokens::Precision,
            OnUnbalanced, PollStatus, Polling,
        },
        CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
    };
    use frame_system::pallet_prelude::*;
    use sp_core::H256;
    use sp_runtime::traits::{Saturating, Zero};

    pub type BalanceOf<T> = <<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;
    pub type CreditOf<T> = fungible::Credit<<T as frame_system::Config>::AccountId, <T as Config>::Currency>;
    pub type PollVotersOf<T> = PollVoters<<T as frame_system::Config>::AccountId, <T as Config>::MaxVoters>;
    pub type DisputeOf<T> = Dispute<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;
    pub type TrackParamsOf<T> = TrackParams<BalanceOf<T>, BlockNumberFor<T>>;

    /// The frozen electorate of a poll.
    #[derive(Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound)]
    #[scale_info(skip_type_params(S))]
    #[codec(mel_bound(AccountId: MaxEncodedLen))]
    pub struct PollVoters<AccountId: Clone + PartialEq + Eq + Debug, S: Get<u32>> {
        /// Members and their vote weights when the first vote was cast.
        pub voters: BoundedVec<(AccountId, u32), S>,
        /// The removal poll's accused: does not vote, and counts as not-aye.
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
        /// The runtime's `OriginCaller`: what polls ask to be dispatched with ([`Tracks`] maps
        /// it to a track).
        type PalletsOrigin: From<RawOrigin<Self::AccountId>> + From<frame_system::RawOrigin<Self::AccountId>>;
        type RuntimeHoldReason: From<HoldReason>;
        /// Holds dispute deposits.
        type Currency: Mutate<Self::AccountId>
            + MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
            + BalancedHold<Self::AccountId>;
        /// Receives slashed deposits (e.g. the treasury).
        type Slash: OnUnbalanced<CreditOf<Self>>;
        /// The members (active partners) and the penalties disputes apply.
        type Members: PartnerProvider<Self::AccountId> + PartnerPenalties<Self::AccountId, BalanceOf<Self>>;
        /// Sets track rules. In the runtime: Root (a protocol poll, or sudo on dev chains), never
        /// a lower track's origin, since the rules decide who can pass what.
        type AdminOrigin: EnsureOrigin<<Self as frame_system::Config>::RuntimeOrigin>;
        /// Resolves disputes; the argument is the dispute's accused. In the runtime: Root or
        /// [`EnsurePartnerRemovalOf`] (the removal origin of that accused).
        type DisputeOrigin: EnsureOriginWithArg<<Self as frame_system::Config>::RuntimeOrigin, Self::AccountId>;
        /// Held from an accuser.
        #[pallet::constant]
        type DisputeDeposit: Get<BalanceOf<Self>>;
        /// Decision deposit of a track not set at genesis.
        #[pallet::constant]
        type DecisionDeposit: Get<BalanceOf<Self>>;
        /// Decision period of a track not set at genesis.
        #[pallet::constant]
        type DecisionPeriod: Get<BlockNumberFor<Self>>;
        /// Least enactment period of a track not set at genesis (the emergency track: a block).
        #[pallet::constant]
        type EnactmentPeriod: Get<BlockNumberFor<Self>>;
        /// Polls of a track not set at genesis decided at once.
        #[pallet::constant]
        type MaxDeciding: Get<u32>;
        /// Longest period any track may set (prepare, decision, confirm, enactment), so that no
        /// `set_track` can put a track, the protocol track included, out of reach for good.
        #[pallet::constant]
        type MaxTrackPeriod: Get<BlockNumberFor<Self>>;
        /// Highest decision deposit any track may ask, for the same reason.
        #[pallet::constant]
        type MaxDecisionDeposit: Get<BalanceOf<Self>>;
        /// Most members in a poll's frozen electorate (at least the most active members there
        /// can be; a first vote is refused with `ElectorateTooLarge` otherwise).
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
        // Index 0 was the deposit of the roundtable's own proposals: not reused.
        #[codec(index = 1)]
        DisputeDeposit,
    }

    /// A poll's electorate, frozen by its first vote: the active members and their vote weights
    /// then (the accused of a removal poll left out), with the accused.
    #[pallet::storage]
    pub type PollElectorate<T: Config> = StorageMap<_, Twox64Concat, PollIndex, PollVotersOf<T>, OptionQuery>;

    /// Votes on polls: `true` is aye. Removed with `remove_poll_votes` once the poll is over.
    #[pallet::storage]
    pub type PollVotes<T: Config> =
        StorageDoubleMap<_, Twox64Concat, PollIndex, Blake2_128Concat, T::AccountId, bool, OptionQuery>;

    /// Removal polls against a partner whose electorate is frozen (a first vote) and whose votes
    /// are not yet removed: while any is left, no dispute against that partner expires, so the
    /// accused cannot escape a verdict by expiring its dispute, nor an ally unguard a verdict by
    /// opening and ending another poll. Anyone removes an ended poll's votes. No entry for none.
    #[pallet::storage]
    pub type RemovalPollsAgainst<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, u32, OptionQuery>;

    /// Track rules set at genesis or by `set_track`; tracks not set use [`Pallet::default_track`].
    #[pallet::storage]
    pub type TrackRules<T: Config> = StorageMap<_, Twox64Concat, TrackId, TrackParamsOf<T>, OptionQuery>;

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

    /// Track rules set at genesis: short periods on development chains, so that end-to-end tests
    /// run in seconds, without a compile-time feature. The rules `set_track` enforces hold; a
    /// chain spec that breaks them fails to build its genesis.
    #[pallet::genesis_config]
    #[derive(frame_support::DefaultNoBound)]
    pub struct GenesisConfig<T: Config> {
        pub tracks: Vec<(TrackId, TrackParamsOf<T>)>,
    }

    #[pallet::genesis_build]
    impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
        fn build(&self) {
            for (id, params) in &self.tracks {
                if let Err(e) = Pallet::<T>::check_track(*id, params) {
                    panic!("roundtable genesis: track {id} refused: {:?}", e);
                }
                TrackRules::<T>::insert(id, params);
            }
        }
    }

    #[pallet::event]
    #[pallet::generate_deposit(pub(super) fn deposit_event)]
    pub enum Event<T: Config> {
        DepositRefunded { who: T::AccountId, amount: BalanceOf<T> },
        DepositSlashed { who: T::AccountId, amount: BalanceOf<T> },
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
        TrackSet { id: TrackId, params: TrackParamsOf<T> },
    }

    #[pallet::error]
    pub enum Error<T> {
        /// Only active partners may do this.
        NotMember,
        /// The accused partner cannot vote on a poll aimed at it.
        AccusedCannotVote,
        /// The deposit cannot be held.
        InsufficientBalance,
        /// Track rules must be proper thresholds above zero and below an unreachable strict whole,
        /// a decision period and room to decide, periods up to `MaxTrackPeriod` and a deposit up to
        /// `MaxDecisionDeposit`.
        InvalidParams,
        /// The removal, protocol and emergency tracks need support and approval of at least two
        /// thirds.
        BelowSupermajority,
        /// More active members than `MaxVoters`: the electorate cannot be recorded.
        ElectorateTooLarge,
        /// The voter was not an active member when the poll's electorate was frozen.
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
        /// A removal poll against the accused is being decided, or has ended without its votes
        /// removed (`remove_poll_votes`): the dispute cannot expire now.
        VerdictPending,
    }

    #[pallet::hooks]
    impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
        #[cfg(feature = "try-runtime")]
        fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
            Self::do_try_state()
        }
    }

    #[pallet::call]
    impl<T: Config> Pallet<T> {
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

        /// Governance (Root, or the removal origin of the dispute's accused) decides a dispute.
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
            ensure!(!RemovalPollsAgainst::<T>::contains_key(&d.accused), Error::<T>::VerdictPending);
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
                        if let Some(a) = &accused {
                            RemovalPollsAgainst::<T>::mutate(a, |n| *n = Some(n.unwrap_or(0).saturating_add(1)));
                        }
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
            let frozen = PollElectorate::<T>::take(poll).ok_or(Error::<T>::NoPollVotes)?;
            if let Some(a) = frozen.accused {
                RemovalPollsAgainst::<T>::mutate_exists(&a, one_less);
            }
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
            params: TrackParamsOf<T>,
        ) -> DispatchResult {
            T::AdminOrigin::ensure_origin(origin)?;
            Self::check_track(id, &params)?;
            TrackRules::<T>::insert(id, params);
            Self::deposit_event(Event::TrackSet { id, params });
            Ok(())
        }
    }

    /// A count kept as an entry only while above zero, one less.
    fn one_less(n: &mut Option<u32>) {
        *n = n.and_then(|n| n.checked_sub(1)).filter(|n| *n > 0);
    }

    impl<T: Config> Pallet<T> {
        /// A dispute of `accuser` against `accused` was closed.
        fn dispute_closed(accuser: &T::AccountId, accused: &T::AccountId) {
            OpenDisputesBy::<T>::mutate_exists(accuser, one_less);
            OpenDisputesAgainst::<T>::mutate_exists(accused, one_less);
        }

        /// Whether `params` may govern track `id`: a known track, proper thresholds above zero,
        /// a decision period and room to decide, and the floors of [`Self::set_track`].
        pub fn check_track(id: TrackId, params: &TrackParamsOf<T>) -> Result<(), Error<T>> {
            ensure!(tracks::TRACKS.contains(&id), Error::<T>::UnknownTrack);
            ensure!(
                params.support.is_valid() &&
                    params.approval.is_valid() &&
                    !params.decision_period.is_zero() &&
                    params.max_deciding > 0,
                Error::<T>::InvalidParams
            );
            let max = T::MaxTrackPeriod::get();
            ensure!(
                params.prepare_period <= max &&
                    params.decision_period <= max &&
                    params.confirm_period <= max &&
                    params.min_enactment_period <= max &&
                    params.decision_deposit <= T::MaxDecisionDeposit::get(),
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
        pub fn track(id: TrackId) -> TrackParamsOf<T> {
            TrackRules::<T>::get(id).unwrap_or_else(|| Self::default_track(id))
        }

        /// The built-in rules of a track not set at genesis: ordinary at least half of the
        /// electorate and more than half of the votes cast; treasurer more than half of both;
        /// removal, protocol and emergency two thirds of both. Deciding starts a block after
        /// submission and a poll is approved once it has passed for a block; `DecisionPeriod`
        /// to decide, `EnactmentPeriod` before enactment (a block for the emergency track, which
        /// must act within a stall).
        pub fn default_track(id: TrackId) -> TrackParamsOf<T> {
            let (support, approval) = match id {
                tracks::ORDINARY => (Threshold::at_least(1, 2), Threshold::more_than(1, 2)),
                tracks::TREASURER => (Threshold::more_than(1, 2), Threshold::more_than(1, 2)),
                _ => (Threshold { share: SUPERMAJORITY, strict: false }, Threshold { share: SUPERMAJORITY, strict: false }),
            };
            let one: BlockNumberFor<T> = 1u32.into();
            TrackParams {
                max_deciding: T::MaxDeciding::get(),
                decision_deposit: T::DecisionDeposit::get(),
                prepare_period: one,
                decision_period: T::DecisionPeriod::get(),
                confirm_period: one,
                min_enactment_period: if id == tracks::EMERGENCY { one } else { T::EnactmentPeriod::get() },
                support,
                approval,
            }
        }

        /// A poll's electorate: the active members and their vote weights now, without
        /// `accused`; with the electorate's total weight and the accused's weight.
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

        /// Invariants: frozen electorates within bounds, votes only from them; dispute counts.
        #[cfg(any(feature = "try-runtime", test))]
        pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
            for (poll, frozen) in PollElectorate::<T>::iter() {
                ensure!(frozen.accused.as_ref().map_or(true, |a| !frozen.voters.iter().any(|(m, _)| m == a)), "accused in the electorate");
                for (who, _) in PollVotes::<T>::iter_prefix(poll) {
                    ensure!(frozen.voters.iter().any(|(m, _)| *m == who), "vote from outside the electorate");
                }
            }
            for (poll, _, _) in PollVotes::<T>::iter() {
                ensure!(PollElectorate::<T>::contains_key(poll), "votes without an electorate");
            }
            let mut removals: alloc::collections::btree_map::BTreeMap<T::AccountId, u32> = Default::default();
            for (_, frozen) in PollElectorate::<T>::iter() {
                if let Some(a) = frozen.accused {
                    *removals.entry(a).or_default() += 1;
                }
            }
            ensure!(
                RemovalPollsAgainst::<T>::iter().collect::<alloc::collections::btree_map::BTreeMap<_, _>>() == removals,
                "removal poll counts differ"
            );
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
