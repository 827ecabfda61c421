//! # Validators
//!
//! The BLS validator set of the BPCI BFT engine, the membership behind it and the consensus epochs.
//!
//! - **Sessions** (pallet-session) decide *who* validates. This pallet is pallet-session's
//!   [`SessionManager`](pallet_session::SessionManager) (it proposes [`Members`] for every new
//!   session), its [`ShouldEndSession`](pallet_session::ShouldEndSession) and its
//!   [`EstimateNextSessionRotation`] (sessions last [`SessionLength`] blocks, set on-chain), and its
//!   [`OneSessionHandler`] for the BLS key: it stores the current session's keys in leader-rotation
//!   order with a set id ([`Validators`], [`CurrentSetId`]), which the node reads through
//!   `BpciConsensusApi::validator_set`.
//! - **Epochs** ([`Epoch`]) decide *from which block on* a set validates. The epoch lags the
//!   session set: a block starts a new epoch when its `PreRuntime` [`bpci_primitives::PreDigest`]
//!   names a set id other than the stored epoch's. The node has already checked that such a block
//!   is a legal epoch start (handover by the outgoing set, or a forced change), so the runtime only
//!   records it in `on_initialize` (`BpciConsensusApi::epoch`).
//! - **Forced change** ([`Call::force_set`]): the emergency path when more than `f` validators are
//!   gone for good; see the README. Governance only *schedules* it ([`PendingForce`]); it is
//!   enacted in a stall block once `f + 1` validators of the stalled epoch have consented on that
//!   chain by sealing stall blocks ([`ForceConsents`]), so that root alone changes nothing on a
//!   chain whose set still certifies blocks.
//!
//! The set id changes only when the set changes: votes and certificates are bound to a set id, so
//! a session rotation that keeps the same validators must not invalidate certificates in flight.
//!
//! Membership changes ([`Call::add_validator`], [`Call::remove_validator`]) go through the normal
//! session rotation: pallet-session queues the set one session ahead, so a change made during
//! session `i` is active from session `i + 2` (after two rotations).
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod weights;

/// Log target of this pallet.
pub const LOG_TARGET: &str = "runtime::validators";

#[frame_support::pallet]
pub mod pallet {
    use super::{WeightInfo, LOG_TARGET};
    use alloc::{collections::BTreeSet, vec::Vec};
    use bpci_primitives::{BlsPublic, BlsSessionKey, EpochInfo, PreDigest, SetId, ValidatorSet, BPCI_ENGINE_ID};
    use frame_support::pallet_prelude::*;
    use frame_support::traits::{EstimateNextSessionRotation, OneSessionHandler};
    use frame_system::pallet_prelude::*;
    use sp_core::H256;
    use sp_runtime::{
        traits::{One, Saturating, Zero},
        Permill, SaturatedConversion,
    };

    #[pallet::pallet]
    pub struct Pallet<T>(_);

    #[pallet::config]
    pub trait Config:
        frame_system::Config<Hash = H256>
        + pallet_session::Config<ValidatorId = <Self as frame_system::Config>::AccountId>
    {
        #[allow(deprecated)]
        type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;

        /// Most validators a set may hold; bounds storage and the bitfield of a certificate.
        #[pallet::constant]
        type MaxValidators: Get<u32>;

        /// Fewest validators `remove_validator` leaves (a set of `3f + 1` tolerates `f` faults;
        /// fewer than 4 tolerate none). A smaller set (a dev chain's one) only grows. `force_set`,
        /// the emergency path for a set that lost more than `f` for good, is not bound by it.
        #[pallet::constant]
        type MinValidators: Get<u32>;

        /// Session length until governance sets [`SessionLength`].
        #[pallet::constant]
        type DefaultSessionLength: Get<BlockNumberFor<Self>>;

        /// Shortest session governance may set: an epoch handover takes a few blocks.
        #[pallet::constant]
        type MinSessionLength: Get<BlockNumberFor<Self>>;

        /// Who may change the membership and the session length.
        type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

        /// Who may schedule and cancel a forced set (`force_set`, `cancel_force`). Kept apart from
        /// `AdminOrigin` so that the roundtable's emergency track (short periods that fit a stall)
        /// can do this and nothing else. In the runtime: Root or the roundtable's `Emergency`
        /// origin.
        type ForceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

        type WeightInfo: WeightInfo;
    }

    /// BLS keys of the current session's validators, in leader-rotation order.
    #[pallet::storage]
    pub type Validators<T: Config> = StorageValue<_, BoundedVec<BlsPublic, T::MaxValidators>, ValueQuery>;

    /// Id of the current session's set; every vote and certificate names it.
    #[pallet::storage]
    pub type CurrentSetId<T: Config> = StorageValue<_, SetId, ValueQuery>;

    /// The consensus epoch: the set that validates the chain's blocks and the block it starts from.
    /// Lags the session set until a block's pre-digest starts the next epoch.
    #[pallet::storage]
    #[pallet::unbounded]
    pub type Epoch<T: Config> = StorageValue<_, EpochInfo, ValueQuery>;

    /// The accounts of the epoch's set, index for index with `Epoch.set.validators`: the
    /// proposer index and certificate signers in a block's pre-digest name these, not the
    /// session's validators, which change a session before the epoch does.
    #[pallet::storage]
    pub type EpochAccounts<T: Config> = StorageValue<_, BoundedVec<T::AccountId, T::MaxValidators>, ValueQuery>;

    /// The last forced change: the set id it created and the block that enacted it.
    #[pallet::storage]
    pub type ForcedChange<T: Config> = StorageValue<_, (SetId, u32), OptionQuery>;

    /// The members of a forced change governance scheduled, until it is enacted or cancelled.
    #[pallet::storage]
    pub type PendingForce<T: Config> = StorageValue<_, BoundedVec<T::AccountId, T::MaxValidators>, OptionQuery>;

    /// Indices in the epoch's set of the validators that consented to [`PendingForce`] on this
    /// chain: each sealed a stall block on a state in which it was pending. A validator that
    /// consents has promised to sign nothing more in the epoch (the node persists that first), so
    /// `f + 1` consents mean the rest of the set can no longer certify or finalize anything.
    #[pallet::storage]
    pub type ForceConsents<T: Config> = StorageValue<_, BoundedVec<u32, T::MaxValidators>, ValueQuery>;

    /// The last stall block on this chain: its sealer's index and its number. Whether the next
    /// stall block consents depends on who sealed its parent (`stall_block_consents`).
    #[pallet::storage]
    pub type LastStall<T: Config> = StorageValue<_, (u32, u32), OptionQuery>;

    /// The accounts this pallet proposes to pallet-session for every new session, in
    /// leader-rotation order. Filled at genesis from the genesis session validators.
    #[pallet::storage]
    pub type Members<T: Config> = StorageValue<_, BoundedVec<T::AccountId, T::MaxValidators>, ValueQuery>;

    #[pallet::type_value]
    pub fn DefaultSessionLengthValue<T: Config>() -> BlockNumberFor<T> {
        T::DefaultSessionLength::get()
    }

    /// Blocks per session.
    #[pallet::storage]
    pub type SessionLength<T: Config> =
        StorageValue<_, BlockNumberFor<T>, ValueQuery, DefaultSessionLengthValue<T>>;

    /// Block in which the current session started.
    #[pallet::storage]
    pub type SessionStart<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

    #[pallet::event]
    #[pallet::generate_deposit(pub(super) fn deposit_event)]
    pub enum Event<T: Config> {
        /// A block started a new consensus epoch of set `set_id`, extending block `root_number`.
        NewEpoch { set_id: SetId, root_number: u32 },
        /// `who` joins the set from the session after next.
        ValidatorAdded { who: T::AccountId },
        /// `who` leaves the set from the session after next.
        ValidatorRemoved { who: T::AccountId },
        /// Sessions now last `blocks` blocks.
        SessionLengthSet { blocks: BlockNumberFor<T> },
        /// Governance forced set `set_id`, active from block `block` on.
        ForcedSet { set_id: SetId, block: u32 },
        /// Governance scheduled a forced change to `members` members; it is enacted once the set
        /// stalls and `f + 1` of its validators consent.
        ForceScheduled { members: u32 },
        /// Governance withdrew the scheduled forced change.
        ForceCancelled,
        /// Validator `index` of the epoch's set sealed a stall block: it consents to the forced
        /// change, `consents` of the `needed` so far.
        ForceConsented { index: u32, consents: u32, needed: u32 },
        /// The forced change could not be enacted (no member still has session keys); dropped.
        ForceDropped,
    }

    #[pallet::error]
    pub enum Error<T> {
        /// The account is already a member.
        AlreadyMember,
        /// The set is full (`MaxValidators`).
        TooManyValidators,
        /// The account (or a member of a forced set) has no session keys registered in
        /// pallet-session (`Session::set_keys`).
        NoSessionKeys,
        /// The account is not a member.
        NotMember,
        /// Removing the account would leave no validators.
        WouldBeEmpty,
        /// Removing the account would leave fewer than `MinValidators`: add its successor first.
        BelowMinimum,
        /// A session of zero blocks.
        ZeroSessionLength,
        /// A session shorter than `MinSessionLength`.
        SessionLengthTooShort,
        /// A forced set must not be empty.
        EmptySet,
        /// A forced set names an account twice.
        DuplicateMember,
        /// No forced change is scheduled.
        NoPendingForce,
    }

    #[pallet::hooks]
    impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
        fn integrity_test() {
            assert!(T::MinValidators::get() <= T::MaxValidators::get(), "MinValidators above MaxValidators");
        }

        /// Records a new consensus epoch when this block's pre-digest names a set id other than
        /// the stored epoch's.
        ///
        /// Order matters: pallet-validators is declared before pallet-session in
        /// `construct_runtime`, so this runs before a session rotation in the same block and
        /// [`Pallet::validator_set`] is still the session set of the parent's state, the set the
        /// node checked the epoch start against. Keep that order.
        fn on_initialize(n: BlockNumberFor<T>) -> Weight {
            let Some(pre) = Self::pre_digest() else {
                return <T as Config>::WeightInfo::on_initialize_same_epoch();
            };
            let epoch = Epoch::<T>::get();
            if pre.set_id == epoch.set.set_id {
                if pre.stall {
                    return Self::on_stall_block(pre.proposer_index, &epoch.set, n);
                }
                return <T as Config>::WeightInfo::on_initialize_same_epoch();
            }
            let set = Self::validator_set();
            if pre.set_id != set.set_id {
                // The node rejects such blocks; if one is imported anyway, the state's set is what
                // the engine will read, so that is what the epoch records.
                log::warn!(
                    target: LOG_TARGET,
                    "block {:?} starts an epoch of set {} but the session set is {}; recording set {}",
                    n,
                    pre.set_id,
                    set.set_id,
                    set.set_id,
                );
            }
            let set_id = set.set_id;
            // pallet-session's validators of the parent state, the accounts of `set`'s keys.
            EpochAccounts::<T>::put(Self::bounded(pallet_session::Validators::<T>::get()));
            let root_number = n.saturating_sub(One::one()).saturated_into::<u32>();
            Epoch::<T>::put(EpochInfo { set, root_hash: frame_system::Pallet::<T>::parent_hash(), root_number });
            // Consents name indices of the ended epoch's set.
            ForceConsents::<T>::kill();
            Self::deposit_event(Event::NewEpoch { set_id, root_number });
            <T as Config>::WeightInfo::on_initialize_new_epoch()
        }
    }

    #[pallet::call]
    impl<T: Config> Pallet<T> {
        /// Add `who` (who must have session keys) to the members. Active after two session
        /// rotations: pallet-session queues the set one session ahead.
        #[pallet::call_index(0)]
        #[pallet::weight(<T as Config>::WeightInfo::add_validator())]
        pub fn add_validator(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
            T::AdminOrigin::ensure_origin(origin)?;
            let mut members = Self::members();
            ensure!(!members.contains(&who), Error::<T>::AlreadyMember);
            ensure!(Self::has_keys(&who), Error::<T>::NoSessionKeys);
            members.try_push(who.clone()).map_err(|_| Error::<T>::TooManyValidators)?;
            Members::<T>::put(members);
            Self::deposit_event(Event::ValidatorAdded { who });
            Ok(())
        }

        /// Remove `who` from the members. Effective after two session rotations.
        #[pallet::call_index(1)]
        #[pallet::weight(<T as Config>::WeightInfo::remove_validator())]
        pub fn remove_validator(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
            T::AdminOrigin::ensure_origin(origin)?;
            let mut members = Self::members();
            let i = members.iter().position(|m| *m == who).ok_or(Error::<T>::NotMember)?;
            ensure!(members.len() > 1, Error::<T>::WouldBeEmpty);
            // Count who would still validate: a member without session keys (purged) is not in
            // the session's set, so counting members alone let root shrink the live set to one.
            let staying = members.iter().filter(|m| **m != who && Self::has_keys(m)).count();
            ensure!(staying >= T::MinValidators::get() as usize, Error::<T>::BelowMinimum);
            members.remove(i);
            Members::<T>::put(members);
            Self::deposit_event(Event::ValidatorRemoved { who });
            Ok(())
        }

        /// Sessions last `blocks` blocks from now on (the running session included: it ends once
        /// it is `blocks` long, or in the next block if it already is).
        #[pallet::call_index(2)]
        #[pallet::weight(<T as Config>::WeightInfo::set_session_length())]
        pub fn set_session_length(origin: OriginFor<T>, blocks: BlockNumberFor<T>) -> DispatchResult {
            T::AdminOrigin::ensure_origin(origin)?;
            ensure!(!blocks.is_zero(), Error::<T>::ZeroSessionLength);
            ensure!(blocks >= T::MinSessionLength::get(), Error::<T>::SessionLengthTooShort);
            SessionLength::<T>::put(blocks);
            Self::deposit_event(Event::SessionLengthSet { blocks });
            Ok(())
        }

        /// Emergency change: schedule `members` as the next set, to be enacted without the
        /// outgoing set's hand-over once that set has stalled. For when more than `f` validators
        /// are gone for good and finality has stopped; see the README.
        ///
        /// Nothing changes here: the change is enacted in a stall block once `f + 1` validators of
        /// the running epoch have consented on that chain ([`ForceConsents`]), and that block
        /// roots the new epoch. A healthy set seals no stall blocks, so on a chain that still
        /// certifies blocks a scheduled change waits (see [`Call::cancel_force`]). Scheduling
        /// again replaces the members and keeps the consents already given.
        #[pallet::call_index(3)]
        #[pallet::weight(<T as Config>::WeightInfo::force_set(members.len() as u32))]
        pub fn force_set(origin: OriginFor<T>, members: BoundedVec<T::AccountId, T::MaxValidators>) -> DispatchResult {
            T::ForceOrigin::ensure_origin(origin)?;
            ensure!(!members.is_empty(), Error::<T>::EmptySet);
            let mut seen = BTreeSet::new();
            for m in members.iter() {
                ensure!(seen.insert(m), Error::<T>::DuplicateMember);
                ensure!(Self::has_keys(m), Error::<T>::NoSessionKeys);
            }
            let count = members.len() as u32;
            PendingForce::<T>::put(members);
            Self::deposit_event(Event::ForceScheduled { members: count });
            Ok(())
        }

        /// Withdraw the scheduled forced change (the set recovered by itself).
        #[pallet::call_index(4)]
        #[pallet::weight(<T as Config>::WeightInfo::cancel_force())]
        pub fn cancel_force(origin: OriginFor<T>) -> DispatchResult {
            T::ForceOrigin::ensure_origin(origin)?;
            ensure!(PendingForce::<T>::take().is_some(), Error::<T>::NoPendingForce);
            ForceConsents::<T>::kill();
            Self::deposit_event(Event::ForceCancelled);
            Ok(())
        }
    }

    impl<T: Config> Pallet<T> {
        /// The current session's set.
        pub fn validator_set() -> ValidatorSet {
            ValidatorSet { set_id: CurrentSetId::<T>::get(), validators: Validators::<T>::get().into_inner() }
        }

        /// The consensus epoch.
        pub fn epoch() -> EpochInfo {
            Epoch::<T>::get()
        }

        /// The account of validator `index` of the epoch's set.
        pub fn epoch_account(index: usize) -> Option<T::AccountId> {
            EpochAccounts::<T>::get().get(index).cloned()
        }

        /// The last forced change, if any.
        pub fn forced_change() -> Option<bpci_primitives::ForcedChange> {
            ForcedChange::<T>::get()
        }

        /// Whether a forced change is scheduled and not enacted yet.
        pub fn force_pending() -> bool {
            PendingForce::<T>::exists()
        }

        /// Validator `index` of the epoch's `set` sealed this stall block: if it joins another
        /// validator's run while a forced change is pending, that is its consent, and the change
        /// is enacted at the consent that reaches [`ValidatorSet::forced_change_quorum`].
        fn on_stall_block(index: u32, set: &ValidatorSet, n: BlockNumberFor<T>) -> Weight {
            let weight = <T as Config>::WeightInfo::on_initialize_force(T::MaxValidators::get());
            let number = n.saturated_into::<u32>();
            let parent_sealer = LastStall::<T>::get().filter(|(_, at)| at.saturating_add(1) == number).map(|(i, _)| i);
            LastStall::<T>::put((index, number));
            if !PendingForce::<T>::exists()
                || index as usize >= set.validators.len()
                || !bpci_primitives::stall_block_consents(set.validators.len(), parent_sealer, index)
            {
                // (An index outside the set: the node refuses such blocks; one imported anyway
                // consents for nobody.)
                return weight;
            }
            let needed = set.forced_change_quorum() as u32;
            let mut consents = ForceConsents::<T>::get();
            if !consents.contains(&index) {
                // Indices are below the set size, itself bounded by `MaxValidators`.
                let _ = consents.try_push(index);
                Self::deposit_event(Event::ForceConsented { index, consents: consents.len() as u32, needed });
            }
            if (consents.len() as u32) < needed {
                ForceConsents::<T>::put(consents);
                return weight;
            }
            Self::enact_force(n);
            weight
        }

        /// Makes the pending members the session set in this block (two session rotations) and
        /// records the [`ForcedChange`] that lets this block root the next epoch.
        fn enact_force(n: BlockNumberFor<T>) {
            ForceConsents::<T>::kill();
            let Some(members) = PendingForce::<T>::take() else { return };
            let members: Vec<_> = members.into_iter().filter(|m| Self::has_keys(m)).collect();
            if members.is_empty() {
                Self::deposit_event(Event::ForceDropped);
                return;
            }
            Members::<T>::put(Self::bounded(members));
            // The first rotation queues the members, the second makes them the active set and
            // bumps the set id if their keys differ from the session set's.
            pallet_session::Pallet::<T>::rotate_session();
            pallet_session::Pallet::<T>::rotate_session();
            // A forced change always starts a new set id, even for the same keys: the epoch it
            // roots must be told apart from the stalled one it replaces.
            let epoch_set_id = Epoch::<T>::get().set.set_id;
            if CurrentSetId::<T>::get() <= epoch_set_id {
                CurrentSetId::<T>::put(epoch_set_id.saturating_add(1));
            }
            let set_id = CurrentSetId::<T>::get();
            let block = n.saturated_into::<u32>();
            ForcedChange::<T>::put((set_id, block));
            Self::deposit_event(Event::ForcedSet { set_id, block });
        }


        /// The engine's pre-digest of the block being built or imported.
        pub fn pre_digest() -> Option<PreDigest> {
            frame_system::Pallet::<T>::digest()
                .logs()
                .iter()
                .find_map(|l| l.pre_runtime_try_to::<PreDigest>(&BPCI_ENGINE_ID))
        }

        /// [`Members`], or the session's validators if `Members` was never filled (a chain that
        /// predates it), so that the first membership change starts from the running set.
        fn members() -> BoundedVec<T::AccountId, T::MaxValidators> {
            let members = Members::<T>::get();
            if !members.is_empty() {
                return members;
            }
            BoundedVec::truncate_from(pallet_session::Validators::<T>::get())
        }

        fn has_keys(who: &T::AccountId) -> bool {
            pallet_session::NextKeys::<T>::contains_key(who)
        }

        /// Keys past `MaxValidators` are dropped (and logged): a set that large cannot have been
        /// configured on purpose, and the engine must keep running with a bounded set.
        fn bounded<X>(items: Vec<X>) -> BoundedVec<X, T::MaxValidators> {
            let n = items.len();
            let bounded = BoundedVec::truncate_from(items);
            if bounded.len() < n {
                log::warn!(target: LOG_TARGET, "validator set truncated from {} to {}", n, bounded.len());
            }
            bounded
        }
    }

    impl<T: Config> sp_runtime::BoundToRuntimeAppPublic for Pallet<T> {
        type Public = BlsSessionKey;
    }

    impl<T: Config> OneSessionHandler<T::AccountId> for Pallet<T> {
        type Key = BlsSessionKey;

        fn on_genesis_session<'a, I: 'a>(validators: I)
        where
            I: Iterator<Item = (&'a T::AccountId, BlsSessionKey)>,
        {
            let (accounts, keys): (Vec<_>, Vec<_>) = validators.map(|(a, k)| (a.clone(), k.0)).unzip();
            let keys = Self::bounded(keys);
            let accounts = Self::bounded(accounts);
            Members::<T>::put(accounts.clone());
            EpochAccounts::<T>::put(accounts);
            Validators::<T>::put(keys.clone());
            Epoch::<T>::put(EpochInfo {
                set: ValidatorSet { set_id: CurrentSetId::<T>::get(), validators: keys.into_inner() },
                root_hash: H256::zero(),
                root_number: 0,
            });
        }

        fn on_new_session<'a, I: 'a>(changed: bool, validators: I, _queued: I)
        where
            I: Iterator<Item = (&'a T::AccountId, BlsSessionKey)>,
        {
            if !changed {
                return;
            }
            let next = Self::bounded(validators.map(|(_, k)| k.0).collect());
            if next != Validators::<T>::get() {
                Validators::<T>::put(next);
                CurrentSetId::<T>::mutate(|id| *id = id.saturating_add(1));
            }
        }

        fn on_disabled(_validator_index: u32) {}
    }

    impl<T: Config> pallet_session::SessionManager<T::AccountId> for Pallet<T> {
        /// Proposes [`Members`] for every session (none while it is empty, which keeps the
        /// running set). pallet-session skips members without keys.
        fn new_session(_new_index: u32) -> Option<Vec<T::AccountId>> {
            let members = Members::<T>::get();
            if members.is_empty() {
                None
            } else {
                Some(members.into_inner())
            }
        }

        fn end_session(_end_index: u32) {}

        fn start_session(_start_index: u32) {
            SessionStart::<T>::put(frame_system::Pallet::<T>::block_number());
        }
    }

    impl<T: Config> pallet_session::ShouldEndSession<BlockNumberFor<T>> for Pallet<T> {
        fn should_end_session(now: BlockNumberFor<T>) -> bool {
            now >= SessionStart::<T>::get().saturating_add(SessionLength::<T>::get())
        }
    }

    impl<T: Config> EstimateNextSessionRotation<BlockNumberFor<T>> for Pallet<T> {
        fn average_session_length() -> BlockNumberFor<T> {
            SessionLength::<T>::get()
        }

        /// Like `PeriodicSessions`: the current block counts as elapsed, so the last block of a
        /// session reports 100%.
        fn estimate_current_session_progress(now: BlockNumberFor<T>) -> (Option<Permill>, Weight) {
            let start = SessionStart::<T>::get();
            let length = SessionLength::<T>::get();
            let elapsed = now.saturating_sub(start).saturating_add(One::one()).min(length);
            let progress = if length.is_zero() { None } else { Some(Permill::from_rational(elapsed, length)) };
            (progress, T::DbWeight::get().reads(2))
        }

        /// The block in which the current session ends: its start plus its length, or `now` if
        /// that is already past (the rotation happens in this block's `on_initialize`).
        fn estimate_next_session_rotation(now: BlockNumberFor<T>) -> (Option<BlockNumberFor<T>>, Weight) {
            let end = SessionStart::<T>::get().saturating_add(SessionLength::<T>::get());
            (Some(end.max(now)), T::DbWeight::get().reads(2))
        }
    }
}
