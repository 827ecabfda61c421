//! # Partners
//!
//! The registry of BPCI's **roundtable partners** (mature chains that share 20% of BPCI's revenue in
//! exchange for gas-free proof retrieval and consensus validation) and of **community installers**
//! (operators of community nodes).
//!
//! ## The model
//!
//! A partner is keyed by the account that applied (its *controller*). Its record holds the chain it
//! represents (name, genesis hash / chain id, consensus kind, operational-since date, validator
//! count), its bridge relayer accounts, the account revenue is paid to, its bond, status, reputation,
//! the agreement it signed and the block number of every lifecycle step.
//!
//! The lifecycle is a chain of extrinsics, each with its own origin:
//!
//! ```text
//!  apply (signed, bond held)                                     ──> AwaitingAssessment
//!  assess (AssessorOrigin): pass ──> AwaitingVote, fail ──> record removed, bond released
//!  decide (GovernanceOrigin): approve ──> Integrating, reject ──> removed, refunded
//!  register_relayers (partner) + first header verified by the bridge (ProofBridge::header_verified)
//!  propose_agreement (GovernanceOrigin: terms hash, weights, obligations)
//!  sign_agreement (partner, same terms hash; needs the first proof)   ──> Active
//!  suspend (RemovalOrigin) / resume (GovernanceOrigin)           Active <──> Suspended
//!  request_exit (partner) / remove (RemovalOrigin)                ──> Exiting / Removed (unbonding)
//!  withdraw_bond (partner) / reap (anyone), after unbonding        ──> record removed, bond released
//! ```
//!
//! Only `Active` partners are roundtable members: they vote (with their agreement's vote weight)
//! and receive revenue (with their agreement's revenue weight). The bond stays held until
//! `withdraw_bond` or `reap`, so a partner that exits or is removed can still be slashed for a
//! dispute it loses during its unbonding period ([`PartnerPenalties::slash_bond`]); neither
//! releases it while a dispute against the partner is open ([`OpenDisputes`]), and no dispute can
//! be raised once the unbonding is over, so a bond is held at most one dispute expiry longer.
//!
//! ## Requirements
//!
//! An application must meet the [`Requirements`] in storage (genesis defaults: operational for a
//! year, 100 validators, a minimum bond); governance changes them with `set_requirements`. An
//! application that misses the age or the bond is rejected with a named error and nothing is
//! stored. The validator count is not declared: the bridge reports the size of the verified set
//! ([`ProofBridge::header_verified`]), and an integrating partner's first proof needs it to meet
//! the requirement.
//!
//! ## Reputation
//!
//! A score in `0..=MaxReputation`, starting at `InitialReputation`, moved by other pallets through
//! [`ReputationHandler`]: a valid proof delivered raises it, a missed duty or a lost dispute lowers it.
//!
//! ## Health
//!
//! Under a governance-set [`HealthPolicy`], an active partner whose chain had no header verified
//! by the bridge for `unhealthy_after` blocks is marked unhealthy by a check every
//! `HealthCheckInterval` blocks and loses `MissedDutyPenalty` reputation for every such period; a
//! verified header recovers it. Past `withhold_after`, [`ActivePartner::revenue_withheld`] tells
//! the revenue pallet to withhold its share of the closing era. Silence counts only while there is
//! a duty: from the latest of the last verified header, activation, resumption and the policy's
//! coming into force.
//!
//! ## Traits for other pallets
//!
//! - [`PartnerProvider`]: active members, their payout accounts, revenue and vote weights (used by
//!   the roundtable and the revenue pallet);
//! - [`PartnerPenalties`]: slash and suspend (used by the roundtable's disputes);
//! - [`ProofBridge`]: relayer lookup and first-proof confirmation (used by the bridge);
//! - [`ReputationHandler`]: reputation changes;
//! - [`InstallerProvider`]: registered community installers (used by the revenue pallet).
//!
//! The node reads the registry through the [`PartnersApi`] runtime API.
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

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{pallet_prelude::*, traits::Get, BoundedVec};
use scale_info::TypeInfo;
use sp_core::H256;
use frame_support::{CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound};
use sp_runtime::DispatchError;

/// The consensus family of a partner chain.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
pub enum ConsensusKind {
    ProofOfStake,
    ProofOfWork,
    Hybrid,
    Bft,
}

/// Where a partner is in its lifecycle.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
pub enum PartnerStatus {
    /// Applied with a bond; waits for the technical assessment.
    AwaitingAssessment,
    /// Passed the assessment; waits for the roundtable's vote.
    AwaitingVote,
    /// Approved; registers relayers, delivers a first proof, signs the agreement.
    Integrating,
    /// Signed the agreement: votes in the roundtable and receives revenue.
    Active,
    /// Suspended by governance: no vote, no revenue, bond kept.
    Suspended,
    /// Left voluntarily; the bond can be withdrawn after the unbonding period.
    Exiting,
    /// Removed by governance; the bond can be withdrawn after the unbonding period.
    Removed,
}

/// A duty a partner accepts in its agreement.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
pub enum Obligation {
    /// Serve proofs of BPCI transactions without fees.
    ZeroCostProofRetrieval,
    /// Keep validating BPCI's consensus in good faith.
    ConsensusValidation,
    /// Take part in roundtable votes.
    GovernanceParticipation,
    /// Run dedicated BPCI bridge nodes.
    RunBridgeNodes,
    /// Any other duty, described off chain by this hash.
    Custom(H256),
}

/// The agreement governance proposes and the partner signs.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound)]
#[scale_info(skip_type_params(MaxObligations))]
pub struct Agreement<BlockNumber: Clone + PartialEq + Eq + core::fmt::Debug, MaxObligations: Get<u32>> {
    /// Hash of the full terms text.
    pub terms_hash: H256,
    /// Relative share of the partners' revenue.
    pub revenue_weight: u32,
    /// Weight of the partner's vote in the roundtable.
    pub vote_weight: u32,
    /// Duties the partner accepts.
    pub obligations: BoundedVec<Obligation, MaxObligations>,
    /// Block the partner signed at; `None` while only proposed.
    pub signed_at: Option<BlockNumber>,
}

/// Block numbers of each lifecycle step.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug, Default)]
pub struct Timeline<BlockNumber> {
    pub applied: BlockNumber,
    pub assessed: Option<BlockNumber>,
    pub decided: Option<BlockNumber>,
    pub relayers_registered: Option<BlockNumber>,
    pub first_proof: Option<BlockNumber>,
    pub agreement_proposed: Option<BlockNumber>,
    pub activated: Option<BlockNumber>,
    pub suspended: Option<BlockNumber>,
    pub exit_requested: Option<BlockNumber>,
    /// The bond can be withdrawn from this block on.
    pub unbond_at: Option<BlockNumber>,
    /// The last block in which the bridge verified a header of the partner's chain.
    pub last_header: Option<BlockNumber>,
    /// Marked unhealthy by the health check in this block (no verified header for
    /// [`HealthPolicy::unhealthy_after`] blocks); cleared by the next verified header.
    pub unhealthy_since: Option<BlockNumber>,
    /// The last block the health check took reputation from the partner.
    pub health_penalty_at: Option<BlockNumber>,
    /// Resumed after a suspension in this block: a suspended partner has no duty to relay, so
    /// its health is counted from here.
    pub resumed: Option<BlockNumber>,
}

/// How long an active partner's light client may go without a verified header. Governance sets
/// it ([`Pallet::set_health_policy`]); without one, nobody is checked.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
#[derive(serde::Serialize, serde::Deserialize)]
pub struct HealthPolicy<BlockNumber> {
    /// Blocks without a verified header after which the partner is marked unhealthy and loses
    /// `MissedDutyPenalty` reputation, and again for every further such period.
    pub unhealthy_after: BlockNumber,
    /// Blocks without a verified header after which the partner's revenue share of the era
    /// closing is withheld (carried to the next era's partners). At least `unhealthy_after`.
    pub withhold_after: BlockNumber,
}

/// A partner's record.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound)]
#[scale_info(skip_type_params(MaxName, MaxRelayers, MaxObligations))]
pub struct Partner<
    AccountId: Clone + PartialEq + Eq + core::fmt::Debug,
    Balance: Clone + PartialEq + Eq + core::fmt::Debug,
    BlockNumber: Clone + PartialEq + Eq + core::fmt::Debug,
    MaxName: Get<u32>,
    MaxRelayers: Get<u32>,
    MaxObligations: Get<u32>,
>
{
    pub chain_name: BoundedVec<u8, MaxName>,
    /// Genesis hash (or another unique id) of the partner chain.
    pub chain_id: H256,
    pub consensus: ConsensusKind,
    /// Unix time (seconds) the partner chain has been operational since.
    pub operational_since: u64,
    /// Size of the chain's validator set as its light client last verified it (0 until then).
    pub validator_count: u32,
    /// BPCI accounts the partner's bridge relayers submit proofs from.
    pub relayers: BoundedVec<AccountId, MaxRelayers>,
    /// Account revenue is paid to.
    pub payout: AccountId,
    /// Bond held under [`HoldReason::PartnerBond`].
    pub bond: Balance,
    pub status: PartnerStatus,
    pub reputation: u32,
    /// Hash of the technical assessment report.
    pub assessment_report: Option<H256>,
    pub agreement: Option<Agreement<BlockNumber, MaxObligations>>,
    pub timeline: Timeline<BlockNumber>,
}

/// What an application must meet; governance can change it.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Requirements<Balance> {
    /// Seconds the chain must have been operational.
    pub min_operational_secs: u64,
    pub min_validators: u32,
    pub min_bond: Balance,
}

/// A community installer's record.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound)]
#[scale_info(skip_type_params(MaxName))]
pub struct Installer<Balance: Clone + PartialEq + Eq + core::fmt::Debug, BlockNumber: Clone + PartialEq + Eq + core::fmt::Debug, MaxName: Get<u32>> {
    pub name: BoundedVec<u8, MaxName>,
    /// Held under [`HoldReason::InstallerBond`]; may be zero.
    pub bond: Balance,
    pub registered_at: BlockNumber,
}

/// An active roundtable member as other pallets see it.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct ActivePartner<AccountId> {
    pub who: AccountId,
    pub payout: AccountId,
    pub revenue_weight: u32,
    pub vote_weight: u32,
    /// Its light client has had no verified header for [`HealthPolicy::withhold_after`] blocks:
    /// its revenue share is withheld.
    pub revenue_withheld: bool,
}

/// A partner as the runtime API returns it.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct PartnerSummary<AccountId, Balance> {
    pub who: AccountId,
    pub chain_name: Vec<u8>,
    pub chain_id: H256,
    pub consensus: ConsensusKind,
    pub status: PartnerStatus,
    pub payout: AccountId,
    pub bond: Balance,
    pub reputation: u32,
    /// Zero until an agreement is signed.
    pub revenue_weight: u32,
    /// Zero until an agreement is signed.
    pub vote_weight: u32,
    pub relayers: Vec<AccountId>,
    /// Size of the chain's validator set as the bridge last verified it (0: not yet).
    pub validator_count: u32,
    /// Whether the bridge verified a first header of the chain during integration.
    pub first_proof: bool,
    /// Blocks the partner has had a duty to relay without a verified header of its chain (see
    /// the health check); `None` while it has neither a verified header nor an activation.
    pub blocks_since_header: Option<u64>,
    /// Marked unhealthy by the health check and not recovered since.
    pub unhealthy: bool,
}

/// Roundtable membership and revenue weights.
pub trait PartnerProvider<AccountId> {
    /// Whether `who` is an `Active` partner (a voting member).
    fn is_active_member(who: &AccountId) -> bool;
    /// Vote weight of an active member; `None` for anyone else.
    fn vote_weight(who: &AccountId) -> Option<u32>;
    /// All active members with payout accounts and weights (bounded by `MaxPartners`).
    fn active_partners() -> Vec<ActivePartner<AccountId>>;
    /// Sum of all active members' vote weights.
    fn total_vote_weight() -> u64 {
        Self::active_partners().iter().map(|p| p.vote_weight as u64).fold(0u64, |a, w| a.saturating_add(w))
    }
    /// Whether `who` has a record in any status (the target of a dispute must).
    fn is_partner(who: &AccountId) -> bool;
    /// Whether `who` exited or was removed and its unbonding is over: its bond may go at any
    /// moment, so a new dispute against it could never be enforced.
    fn is_unbonded(_who: &AccountId) -> bool {
        false
    }
    /// Make `who` an active member with `vote_weight` (benchmarks of dependent pallets only).
    #[cfg(feature = "runtime-benchmarks")]
    fn make_active_member(_who: &AccountId, _vote_weight: u32) {}
}

/// Who has open disputes against it (kept by the roundtable). A departed partner is not reaped,
/// nor may it withdraw its bond, while a dispute that may still slash it is open.
pub trait OpenDisputes<AccountId> {
    fn open_against(who: &AccountId) -> bool;
}

impl<AccountId> OpenDisputes<AccountId> for () {
    fn open_against(_: &AccountId) -> bool {
        false
    }
}

/// Penalties the roundtable applies when a dispute is lost.
pub trait PartnerPenalties<AccountId, Balance> {
    /// Slash up to `amount` of the partner's bond; returns what was slashed. Also lowers its
    /// reputation as a lost dispute.
    fn slash_bond(who: &AccountId, amount: Balance) -> Result<Balance, DispatchError>;
    /// Suspend an active partner.
    fn suspend(who: &AccountId) -> DispatchResult;
}

/// The proof bridge's view of the registry.
pub trait ProofBridge<AccountId> {
    /// The partner whose relayer `relayer` is.
    fn partner_of_relayer(relayer: &AccountId) -> Option<AccountId>;
    /// The chain id (genesis hash) `partner` registered, while its record exists: the only
    /// chain its light client may follow.
    fn chain_of(partner: &AccountId) -> Option<H256>;
    /// The partner's light client verified a header of its chain, with a set of `validators`.
    /// Records the count; for an integrating partner with relayers and no first proof yet, this
    /// is its first proof, confirmed only if `validators` meets the requirements
    /// (`TooFewValidators` otherwise, and nothing changes).
    fn header_verified(partner: &AccountId, validators: u32) -> DispatchResult;
    /// Makes `partner` an integrating partner of chain `chain` with relayer `relayer`, whose
    /// next verified header is its first proof (the bridge's worst case), for benchmarks.
    #[cfg(feature = "runtime-benchmarks")]
    fn make_integrating(_partner: &AccountId, _chain: H256, _relayer: &AccountId) {}
}

/// Reputation changes reported by other pallets. Unknown accounts are ignored.
pub trait ReputationHandler<AccountId> {
    fn proof_delivered(who: &AccountId);
    fn duty_missed(who: &AccountId);
    fn dispute_lost(who: &AccountId);
}

/// Registered community installers.
pub trait InstallerProvider<AccountId> {
    fn is_installer(who: &AccountId) -> bool;
    fn installers() -> Vec<AccountId>;
}

impl<AccountId> PartnerProvider<AccountId> for () {
    fn is_active_member(_: &AccountId) -> bool {
        false
    }
    fn vote_weight(_: &AccountId) -> Option<u32> {
        None
    }
    fn active_partners() -> Vec<ActivePartner<AccountId>> {
        Vec::new()
    }
    fn is_partner(_: &AccountId) -> bool {
        false
    }
}

impl<AccountId> ReputationHandler<AccountId> for () {
    fn proof_delivered(_: &AccountId) {}
    fn duty_missed(_: &AccountId) {}
    fn dispute_lost(_: &AccountId) {}
}

sp_api::decl_runtime_apis! {
    /// Read access to the partner registry for the node, RPC and dapps.
    pub trait PartnersApi<AccountId, Balance> where AccountId: codec::Codec, Balance: codec::Codec {
        /// Every partner in any status.
        fn partners() -> Vec<PartnerSummary<AccountId, Balance>>;
        /// One partner.
        fn partner(who: AccountId) -> Option<PartnerSummary<AccountId, Balance>>;
        /// The application requirements in force.
        fn requirements() -> Requirements<Balance>;
    }
}

#[frame_support::pallet]
pub mod pallet {
    use super::*;
    use frame_support::traits::{
        fungible::{self, BalancedHold, Inspect, Mutate, MutateHold},
        tokens::Precision,
        EnsureOriginWithArg, OnUnbalanced, UnixTime,
    };
    use frame_system::pallet_prelude::*;
    use sp_runtime::{traits::{Saturating, Zero}, SaturatedConversion};

    pub type BalanceOf<T> = <<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;
    pub type CreditOf<T> = fungible::Credit<<T as frame_system::Config>::AccountId, <T as Config>::Currency>;
    pub type PartnerOf<T> = Partner<
        <T as frame_system::Config>::AccountId,
        BalanceOf<T>,
        BlockNumberFor<T>,
        <T as Config>::MaxNameLen,
        <T as Config>::MaxRelayers,
        <T as Config>::MaxObligations,
    >;
    pub type AgreementOf<T> = Agreement<BlockNumberFor<T>, <T as Config>::MaxObligations>;
    pub type InstallerOf<T> = Installer<BalanceOf<T>, BlockNumberFor<T>, <T as Config>::MaxNameLen>;

    /// One year in seconds: the default operational requirement.
    pub const YEAR_SECS: u64 = 365 * 24 * 60 * 60;

    #[pallet::pallet]
    pub struct Pallet<T>(_);

    #[pallet::config]
    pub trait Config: frame_system::Config {
        #[allow(deprecated)]
        type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;
        /// The overarching hold reason.
        type RuntimeHoldReason: From<HoldReason>;
        /// Holds partner and installer bonds.
        type Currency: Mutate<Self::AccountId>
            + MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
            + BalancedHold<Self::AccountId>;
        /// Receives slashed bonds (e.g. the treasury).
        type Slash: OnUnbalanced<CreditOf<Self>>;
        /// Wall-clock time, to check how long a chain has been operational.
        type UnixTime: UnixTime;
        /// Records technical assessments.
        type AssessorOrigin: EnsureOrigin<Self::RuntimeOrigin>;
        /// Decides applications, proposes agreements (with their weights), sets weights, resumes
        /// suspended partners, sets requirements and removes installers: everything that changes
        /// who votes in the roundtable or how much. In the runtime: Root only, i.e. a roundtable
        /// proposal of the protocol class (two thirds of the whole electorate's weight).
        type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;
        /// Suspends and removes partners. Kept apart from `GovernanceOrigin` so that the
        /// roundtable's partner-removal class (two thirds without the accused) can do this and
        /// nothing else. The argument is the partner acted against: the roundtable's removal
        /// origin names its accused (who was left out of the vote), and may act against that
        /// partner only, so that leaving one partner out of a poll cannot remove another. In the
        /// runtime: Root, or the roundtable's `PartnerRemoval(who)` origin for `who`.
        type RemovalOrigin: EnsureOriginWithArg<Self::RuntimeOrigin, Self::AccountId>;
        /// Blocks between an exit (or removal) and the bond's release.
        #[pallet::constant]
        type UnbondingPeriod: Get<BlockNumberFor<Self>>;
        /// Most partner records (any status).
        #[pallet::constant]
        type MaxPartners: Get<u32>;
        /// Open disputes against partners (in the runtime: the roundtable).
        type Disputes: OpenDisputes<Self::AccountId>;
        /// Most community installers.
        #[pallet::constant]
        type MaxInstallers: Get<u32>;
        /// Longest chain or installer name, in bytes.
        #[pallet::constant]
        type MaxNameLen: Get<u32>;
        /// Most relayer accounts per partner.
        #[pallet::constant]
        type MaxRelayers: Get<u32>;
        /// Most obligations per agreement.
        #[pallet::constant]
        type MaxObligations: Get<u32>;
        /// Smallest installer bond (may be zero).
        #[pallet::constant]
        type MinInstallerBond: Get<BalanceOf<Self>>;
        /// Highest reputation.
        #[pallet::constant]
        type MaxReputation: Get<u32>;
        /// Reputation of a new partner.
        #[pallet::constant]
        type InitialReputation: Get<u32>;
        /// Reputation gained per valid proof delivered.
        #[pallet::constant]
        type ProofReward: Get<u32>;
        /// Reputation lost per missed duty.
        #[pallet::constant]
        type MissedDutyPenalty: Get<u32>;
        /// Reputation lost per dispute lost.
        #[pallet::constant]
        type DisputePenalty: Get<u32>;
        /// The health check runs in every block whose number is a multiple of this (non-zero).
        #[pallet::constant]
        type HealthCheckInterval: Get<BlockNumberFor<Self>>;
        type WeightInfo: WeightInfo;
    }

    /// Reasons this pallet holds funds for.
    #[pallet::composite_enum]
    pub enum HoldReason {
        /// A partner's bond.
        #[codec(index = 0)]
        PartnerBond,
        /// A community installer's bond.
        #[codec(index = 1)]
        InstallerBond,
    }

    /// Partner records by controller account.
    #[pallet::storage]
    pub type Partners<T: Config> = CountedStorageMap<_, Blake2_128Concat, T::AccountId, PartnerOf<T>, OptionQuery>;

    /// Controller of the partner registered for a chain id: a chain registers once.
    #[pallet::storage]
    pub type PartnerOfChain<T: Config> = StorageMap<_, Identity, H256, T::AccountId, OptionQuery>;

    /// Partner whose relayer an account is.
    #[pallet::storage]
    pub type RelayerOf<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, T::AccountId, OptionQuery>;

    /// Application requirements in force.
    #[pallet::storage]
    pub type CurrentRequirements<T: Config> = StorageValue<_, Requirements<BalanceOf<T>>, ValueQuery, DefaultRequirements<T>>;

    #[pallet::type_value]
    pub fn DefaultRequirements<T: Config>() -> Requirements<BalanceOf<T>> {
        Requirements { min_operational_secs: YEAR_SECS, min_validators: 100, min_bond: Zero::zero() }
    }

    /// How long an active partner may go without a verified header; `None`: no health check.
    #[pallet::storage]
    pub type PartnerHealthPolicy<T: Config> = StorageValue<_, HealthPolicy<BlockNumberFor<T>>, OptionQuery>;

    /// The block the health policy came into force: nobody had a duty to relay before it, so no
    /// partner's silence is counted from earlier.
    #[pallet::storage]
    pub type HealthPolicySince<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

    /// Community installers.
    #[pallet::storage]
    pub type Installers<T: Config> = CountedStorageMap<_, Blake2_128Concat, T::AccountId, InstallerOf<T>, OptionQuery>;

    #[pallet::genesis_config]
    #[derive(frame_support::DefaultNoBound)]
    pub struct GenesisConfig<T: Config> {
        /// Requirements at genesis; `None` keeps the defaults (1 year, 100 validators, bond 0).
        pub requirements: Option<Requirements<BalanceOf<T>>>,
        /// Partners active from genesis: (controller, chain name, chain id, bond). Bonds are held
        /// from the controller's genesis balance; agreements get weight 1 and a zero terms hash.
        pub partners: Vec<(T::AccountId, Vec<u8>, H256, BalanceOf<T>)>,
        /// The health policy at genesis; `None`: no health check until governance sets one.
        pub health: Option<HealthPolicy<BlockNumberFor<T>>>,
    }

    #[pallet::genesis_build]
    impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
        fn build(&self) {
            if let Some(r) = self.requirements {
                CurrentRequirements::<T>::put(r);
            }
            if let Some(h) = self.health {
                assert!(Pallet::<T>::valid_policy(&h), "genesis health policy: 0 < unhealthy_after <= withhold_after");
                PartnerHealthPolicy::<T>::put(h);
            }
            for (who, name, chain_id, bond) in &self.partners {
                let chain_name: BoundedVec<u8, T::MaxNameLen> =
                    name.clone().try_into().expect("genesis partner name too long");
                assert!(!Partners::<T>::contains_key(who), "duplicate genesis partner");
                assert!(!PartnerOfChain::<T>::contains_key(chain_id), "duplicate genesis chain id");
                assert!(Partners::<T>::count() < T::MaxPartners::get(), "too many genesis partners");
                T::Currency::hold(&HoldReason::PartnerBond.into(), who, *bond).expect("genesis bond cannot be held");
                let zero = BlockNumberFor::<T>::zero();
                let record = PartnerOf::<T> {
                    chain_name,
                    chain_id: *chain_id,
                    consensus: ConsensusKind::Bft,
                    operational_since: 0,
                    validator_count: 0,
                    relayers: BoundedVec::new(),
                    payout: who.clone(),
                    bond: *bond,
                    status: PartnerStatus::Active,
                    reputation: T::InitialReputation::get().min(T::MaxReputation::get()),
                    assessment_report: None,
                    agreement: Some(Agreement {
                        terms_hash: H256::zero(),
                        revenue_weight: 1,
                        vote_weight: 1,
                        obligations: BoundedVec::new(),
                        signed_at: Some(zero),
                    }),
                    timeline: Timeline { applied: zero, activated: Some(zero), ..Default::default() },
                };
                PartnerOfChain::<T>::insert(chain_id, who);
                Partners::<T>::insert(who, record);
            }
        }
    }

    #[pallet::event]
    #[pallet::generate_deposit(pub(super) fn deposit_event)]
    pub enum Event<T: Config> {
        /// A chain applied; its bond is held.
        Applied { who: T::AccountId, chain_id: H256, bond: BalanceOf<T> },
        /// The technical assessment passed; the roundtable votes next.
        AssessmentPassed { who: T::AccountId, report: H256 },
        /// The technical assessment failed; the application is removed and the bond released.
        AssessmentFailed { who: T::AccountId, report: H256, refunded: BalanceOf<T> },
        /// The roundtable approved the application; integration starts.
        Approved { who: T::AccountId },
        /// The roundtable rejected the application; it is removed and the bond released.
        Rejected { who: T::AccountId, refunded: BalanceOf<T> },
        /// The partner registered (or replaced) its bridge relayer accounts.
        RelayersRegistered { who: T::AccountId, count: u32 },
        /// The bridge verified the partner chain's first header; `validators` is the size of the
        /// set that finalized it, which met the requirements.
        FirstProofConfirmed { who: T::AccountId, validators: u32 },
        /// Governance proposed an agreement.
        AgreementProposed { who: T::AccountId, terms_hash: H256, revenue_weight: u32, vote_weight: u32 },
        /// The partner signed its agreement and is now active.
        Activated { who: T::AccountId, terms_hash: H256 },
        /// Governance changed an active partner's weights.
        WeightsSet { who: T::AccountId, revenue_weight: u32, vote_weight: u32 },
        /// The partner changed its payout account.
        PayoutSet { who: T::AccountId, payout: T::AccountId },
        Suspended { who: T::AccountId },
        Resumed { who: T::AccountId },
        /// The partner left; its bond can be withdrawn from `unbond_at`.
        ExitRequested { who: T::AccountId, unbond_at: BlockNumberFor<T> },
        /// Governance removed the partner; its bond can be withdrawn from `unbond_at`.
        Removed { who: T::AccountId, unbond_at: BlockNumberFor<T> },
        /// The bond was released and the record deleted.
        BondWithdrawn { who: T::AccountId, amount: BalanceOf<T> },
        /// Part of a bond was slashed.
        BondSlashed { who: T::AccountId, amount: BalanceOf<T> },
        ReputationChanged { who: T::AccountId, old: u32, new: u32 },
        RequirementsSet { requirements: Requirements<BalanceOf<T>> },
        InstallerRegistered { who: T::AccountId, bond: BalanceOf<T> },
        /// An installer left or was removed; its bond was released.
        InstallerRemoved { who: T::AccountId, refunded: BalanceOf<T> },
        /// Governance set (or, with `None`, removed) the health policy.
        HealthPolicySet { policy: Option<HealthPolicy<BlockNumberFor<T>>> },
        /// The health check found no verified header of the partner's chain since `last_header`
        /// (`None`: none since activation) for the policy's `unhealthy_after` blocks.
        PartnerUnhealthy { who: T::AccountId, last_header: Option<BlockNumberFor<T>> },
        /// An unhealthy partner's chain had a header verified again.
        PartnerRecovered { who: T::AccountId },
    }

    #[pallet::error]
    pub enum Error<T> {
        /// The name is empty.
        EmptyName,
        /// The name is longer than `MaxNameLen`.
        NameTooLong,
        /// This account already has a partner record.
        AlreadyPartner,
        /// A partner for this chain id is already registered.
        ChainAlreadyRegistered,
        /// `MaxPartners` records exist.
        TooManyPartners,
        /// The chain has not been operational for the required time.
        NotOperationalLongEnough,
        /// The operational-since date lies in the future.
        OperationalSinceInFuture,
        /// The chain's verified validator set is smaller than required.
        TooFewValidators,
        /// The bond is below the minimum.
        BondTooLow,
        /// The bond cannot be held (free balance too low).
        InsufficientBalance,
        /// No partner record for this account.
        NotPartner,
        /// The partner is not awaiting an assessment.
        NotAwaitingAssessment,
        /// The partner is not awaiting the roundtable's vote.
        NotAwaitingVote,
        /// The partner is not integrating.
        NotIntegrating,
        /// The partner is not active.
        NotActive,
        /// The partner is not suspended.
        NotSuspended,
        /// The partner is not exiting or removed.
        NotExiting,
        /// The partner is already exiting or removed.
        AlreadyExiting,
        /// The unbonding period has not ended.
        UnbondingNotOver,
        /// An open dispute may still slash this partner's bond.
        DisputePending,
        /// No relayer accounts given.
        NoRelayers,
        /// More relayers than `MaxRelayers`.
        TooManyRelayers,
        /// A relayer account appears twice.
        DuplicateRelayer,
        /// A relayer account belongs to another partner.
        RelayerInUse,
        /// No valid proof from the partner has been confirmed yet.
        FirstProofMissing,
        /// No agreement has been proposed.
        NoAgreementProposed,
        /// The signed terms hash differs from the proposed one.
        TermsMismatch,
        /// A weight of zero.
        ZeroWeight,
        /// More obligations than `MaxObligations`.
        TooManyObligations,
        /// This account is already an installer.
        AlreadyInstaller,
        /// No installer record for this account.
        NotInstaller,
        /// `MaxInstallers` installers exist.
        TooManyInstallers,
        /// A health policy needs `0 < unhealthy_after <= withhold_after`.
        InvalidHealthPolicy,
    }

    #[pallet::hooks]
    impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
        fn on_initialize(n: BlockNumberFor<T>) -> Weight {
            if (n % T::HealthCheckInterval::get()).is_zero() {
                if let Some(policy) = PartnerHealthPolicy::<T>::get() {
                    let checked = Self::check_health(n, &policy);
                    return T::WeightInfo::check_health(checked);
                }
            }
            T::DbWeight::get().reads(1)
        }

        fn integrity_test() {
            assert!(!T::HealthCheckInterval::get().is_zero(), "HealthCheckInterval must be positive");
        }

        #[cfg(feature = "try-runtime")]
        fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
            Self::do_try_state()
        }
    }

    #[pallet::call]
    impl<T: Config> Pallet<T> {
        /// Apply as a partner; holds `bond`. Rejected with a named error (nothing stored) if the
        /// chain misses a requirement. A departed partner whose unbonding is over no longer holds
        /// its chain id: its record is reaped first (as by `reap`), hence the weight.
        #[pallet::call_index(0)]
        #[pallet::weight(T::WeightInfo::apply().saturating_add(T::WeightInfo::withdraw_bond()))]
        pub fn apply(
            origin: OriginFor<T>,
            chain_name: Vec<u8>,
            chain_id: H256,
            consensus: ConsensusKind,
            operational_since: u64,
            payout: T::AccountId,
            bond: BalanceOf<T>,
        ) -> DispatchResult {
            let who = ensure_signed(origin)?;
            let chain_name = Self::bounded_name(chain_name)?;
            ensure!(!Partners::<T>::contains_key(&who), Error::<T>::AlreadyPartner);
            if let Some(holder) = PartnerOfChain::<T>::get(chain_id) {
                Self::reap_departed(holder).map_err(|_| Error::<T>::ChainAlreadyRegistered)?;
            }
            ensure!(Partners::<T>::count() < T::MaxPartners::get(), Error::<T>::TooManyPartners);
            let req = CurrentRequirements::<T>::get();
            let now_secs = T::UnixTime::now().as_secs();
            ensure!(operational_since <= now_secs, Error::<T>::OperationalSinceInFuture);
            ensure!(
                now_secs.saturating_sub(operational_since) >= req.min_operational_secs,
                Error::<T>::NotOperationalLongEnough
            );
            ensure!(bond >= req.min_bond, Error::<T>::BondTooLow);
            T::Currency::hold(&HoldReason::PartnerBond.into(), &who, bond)
                .map_err(|_| Error::<T>::InsufficientBalance)?;
            let now = frame_system::Pallet::<T>::block_number();
            let record = PartnerOf::<T> {
                chain_name,
                chain_id,
                consensus,
                operational_since,
                validator_count: 0,
                relayers: BoundedVec::new(),
                payout,
                bond,
                status: PartnerStatus::AwaitingAssessment,
                reputation: T::InitialReputation::get().min(T::MaxReputation::get()),
                assessment_report: None,
                agreement: None,
                timeline: Timeline { applied: now, ..Default::default() },
            };
            PartnerOfChain::<T>::insert(chain_id, &who);
            Partners::<T>::insert(&who, record);
            Self::deposit_event(Event::Applied { who, chain_id, bond });
            Ok(())
        }

        /// Record the technical assessment of an application. A failed one is removed and its
        /// bond released.
        #[pallet::call_index(1)]
        #[pallet::weight(T::WeightInfo::assess())]
        pub fn assess(origin: OriginFor<T>, who: T::AccountId, passed: bool, report: H256) -> DispatchResult {
            T::AssessorOrigin::ensure_origin(origin)?;
            let mut p = Partners::<T>::get(&who).ok_or(Error::<T>::NotPartner)?;
            ensure!(p.status == PartnerStatus::AwaitingAssessment, Error::<T>::NotAwaitingAssessment);
            if passed {
                p.status = PartnerStatus::AwaitingVote;
                p.assessment_report = Some(report);
                p.timeline.assessed = Some(frame_system::Pallet::<T>::block_number());
                Partners::<T>::insert(&who, p);
                Self::deposit_event(Event::AssessmentPassed { who, report });
            } else {
                let refunded = Self::delete_partner(&who, &p);
                Self::deposit_event(Event::AssessmentFailed { who, report, refunded });
            }
            Ok(())
        }

        /// The roundtable's decision on an assessed application.
        #[pallet::call_index(2)]
        #[pallet::weight(T::WeightInfo::decide())]
        pub fn decide(origin: OriginFor<T>, who: T::AccountId, approve: bool) -> DispatchResult {
            T::GovernanceOrigin::ensure_origin(origin)?;
            let mut p = Partners::<T>::get(&who).ok_or(Error::<T>::NotPartner)?;
            ensure!(p.status == PartnerStatus::AwaitingVote, Error::<T>::NotAwaitingVote);
            if approve {
                p.status = PartnerStatus::Integrating;
                p.timeline.decided = Some(frame_system::Pallet::<T>::block_number());
                Partners::<T>::insert(&who, p);
                Self::deposit_event(Event::Approved { who });
            } else {
                let refunded = Self::delete_partner(&who, &p);
                Self::deposit_event(Event::Rejected { who, refunded });
            }
            Ok(())
        }

        /// Register (or replace) the partner's bridge relayer accounts. Allowed while integrating,
        /// active or suspended.
        #[pallet::call_index(3)]
        #[pallet::weight(T::WeightInfo::register_relayers(relayers.len().min(T::MaxRelayers::get() as usize) as u32))]
        pub fn register_relayers(origin: OriginFor<T>, relayers: Vec<T::AccountId>) -> DispatchResult {
            let who = ensure_signed(origin)?;
            let mut p = Partners::<T>::get(&who).ok_or(Error::<T>::NotPartner)?;
            ensure!(
                matches!(p.status, PartnerStatus::Integrating | PartnerStatus::Active | PartnerStatus::Suspended),
                Error::<T>::NotIntegrating
            );
            ensure!(!relayers.is_empty(), Error::<T>::NoRelayers);
            let bounded: BoundedVec<T::AccountId, T::MaxRelayers> =
                relayers.try_into().map_err(|_| Error::<T>::TooManyRelayers)?;
            for (i, r) in bounded.iter().enumerate() {
                ensure!(!bounded.iter().skip(i.saturating_add(1)).any(|o| o == r), Error::<T>::DuplicateRelayer);
                if let Some(owner) = RelayerOf::<T>::get(r) {
                    ensure!(owner == who, Error::<T>::RelayerInUse);
                }
            }
            for old in p.relayers.iter() {
                RelayerOf::<T>::remove(old);
            }
            for r in bounded.iter() {
                RelayerOf::<T>::insert(r, &who);
            }
            let count = bounded.len() as u32;
            p.relayers = bounded;
            p.timeline.relayers_registered = Some(frame_system::Pallet::<T>::block_number());
            Partners::<T>::insert(&who, p);
            Self::deposit_event(Event::RelayersRegistered { who, count });
            Ok(())
        }

        /// Governance proposes the agreement an integrating partner is to sign.
        #[pallet::call_index(4)]
        #[pallet::weight(T::WeightInfo::propose_agreement())]
        pub fn propose_agreement(
            origin: OriginFor<T>,
            who: T::AccountId,
            terms_hash: H256,
            revenue_weight: u32,
            vote_weight: u32,
            obligations: Vec<Obligation>,
        ) -> DispatchResult {
            T::GovernanceOrigin::ensure_origin(origin)?;
            ensure!(revenue_weight > 0 && vote_weight > 0, Error::<T>::ZeroWeight);
            let obligations: BoundedVec<Obligation, T::MaxObligations> =
                obligations.try_into().map_err(|_| Error::<T>::TooManyObligations)?;
            let mut p = Partners::<T>::get(&who).ok_or(Error::<T>::NotPartner)?;
            ensure!(p.status == PartnerStatus::Integrating, Error::<T>::NotIntegrating);
            p.agreement = Some(Agreement { terms_hash, revenue_weight, vote_weight, obligations, signed_at: None });
            p.timeline.agreement_proposed = Some(frame_system::Pallet::<T>::block_number());
            Partners::<T>::insert(&who, p);
            Self::deposit_event(Event::AgreementProposed { who, terms_hash, revenue_weight, vote_weight });
            Ok(())
        }

        /// The partner accepts the proposed terms (by their hash) and becomes active. Needs a
        /// confirmed first proof.
        #[pallet::call_index(5)]
        #[pallet::weight(T::WeightInfo::sign_agreement())]
        pub fn sign_agreement(origin: OriginFor<T>, terms_hash: H256) -> DispatchResult {
            let who = ensure_signed(origin)?;
            let mut p = Partners::<T>::get(&who).ok_or(Error::<T>::NotPartner)?;
            ensure!(p.status == PartnerStatus::Integrating, Error::<T>::NotIntegrating);
            ensure!(p.timeline.first_proof.is_some(), Error::<T>::FirstProofMissing);
            let now = frame_system::Pallet::<T>::block_number();
            let agreement = p.agreement.as_mut().ok_or(Error::<T>::NoAgreementProposed)?;
            ensure!(agreement.terms_hash == terms_hash, Error::<T>::TermsMismatch);
            agreement.signed_at = Some(now);
            p.status = PartnerStatus::Active;
            p.timeline.activated = Some(now);
            Partners::<T>::insert(&who, p);
            Self::deposit_event(Event::Activated { who, terms_hash });
            Ok(())
        }

        /// Governance sets an active (or suspended) partner's revenue and vote weights.
        #[pallet::call_index(6)]
        #[pallet::weight(T::WeightInfo::set_weights())]
        pub fn set_weights(origin: OriginFor<T>, who: T::AccountId, revenue_weight: u32, vote_weight: u32) -> DispatchResult {
            T::GovernanceOrigin::ensure_origin(origin)?;
            ensure!(revenue_weight > 0 && vote_weight > 0, Error::<T>::ZeroWeight);
            let mut p = Partners::<T>::get(&who).ok_or(Error::<T>::NotPartner)?;
            ensure!(matches!(p.status, PartnerStatus::Active | PartnerStatus::Suspended), Error::<T>::NotActive);
            let agreement = p.agreement.as_mut().ok_or(Error::<T>::NoAgreementProposed)?;
            agreement.revenue_weight = revenue_weight;
            agreement.vote_weight = vote_weight;
            Partners::<T>::insert(&who, p);
            Self::deposit_event(Event::WeightsSet { who, revenue_weight, vote_weight });
            Ok(())
        }

        /// Governance suspends an active partner.
        #[pallet::call_index(7)]
        #[pallet::weight(T::WeightInfo::suspend())]
        pub fn suspend(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
            T::RemovalOrigin::ensure_origin(origin, &who)?;
            Self::do_suspend(&who)
        }

        /// Governance resumes a suspended partner.
        #[pallet::call_index(8)]
        #[pallet::weight(T::WeightInfo::resume())]
        pub fn resume(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
            T::GovernanceOrigin::ensure_origin(origin)?;
            let mut p = Partners::<T>::get(&who).ok_or(Error::<T>::NotPartner)?;
            ensure!(p.status == PartnerStatus::Suspended, Error::<T>::NotSuspended);
            p.status = PartnerStatus::Active;
            p.timeline.resumed = Some(frame_system::Pallet::<T>::block_number());
            p.timeline.unhealthy_since = None;
            p.timeline.health_penalty_at = None;
            Partners::<T>::insert(&who, p);
            Self::deposit_event(Event::Resumed { who });
            Ok(())
        }

        /// The partner leaves (or withdraws its application); the bond stays held for the
        /// unbonding period.
        #[pallet::call_index(9)]
        #[pallet::weight(T::WeightInfo::request_exit())]
        pub fn request_exit(origin: OriginFor<T>) -> DispatchResult {
            let who = ensure_signed(origin)?;
            let unbond_at = Self::start_unbonding(&who, PartnerStatus::Exiting)?;
            Self::deposit_event(Event::ExitRequested { who, unbond_at });
            Ok(())
        }

        /// Governance removes a partner; the bond stays held for the unbonding period (so a
        /// pending dispute can still slash it).
        #[pallet::call_index(10)]
        #[pallet::weight(T::WeightInfo::remove())]
        pub fn remove(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
            T::RemovalOrigin::ensure_origin(origin, &who)?;
            let unbond_at = Self::start_unbonding(&who, PartnerStatus::Removed)?;
            Self::deposit_event(Event::Removed { who, unbond_at });
            Ok(())
        }

        /// After the unbonding period: release the bond and delete the record.
        #[pallet::call_index(11)]
        #[pallet::weight(T::WeightInfo::withdraw_bond())]
        pub fn withdraw_bond(origin: OriginFor<T>) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Self::reap_departed(who)
        }

        /// Governance changes the application requirements (future applications only).
        #[pallet::call_index(12)]
        #[pallet::weight(T::WeightInfo::set_requirements())]
        pub fn set_requirements(origin: OriginFor<T>, requirements: Requirements<BalanceOf<T>>) -> DispatchResult {
            T::GovernanceOrigin::ensure_origin(origin)?;
            CurrentRequirements::<T>::put(requirements);
            Self::deposit_event(Event::RequirementsSet { requirements });
            Ok(())
        }

        /// The partner changes the account its revenue is paid to.
        #[pallet::call_index(13)]
        #[pallet::weight(T::WeightInfo::set_payout())]
        pub fn set_payout(origin: OriginFor<T>, payout: T::AccountId) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Partners::<T>::try_mutate(&who, |maybe| -> DispatchResult {
                let p = maybe.as_mut().ok_or(Error::<T>::NotPartner)?;
                p.payout = payout.clone();
                Ok(())
            })?;
            Self::deposit_event(Event::PayoutSet { who, payout });
            Ok(())
        }

        /// Register as a community installer; `bond` (at least `MinInstallerBond`, may be zero)
        /// is held. No vote is needed.
        #[pallet::call_index(14)]
        #[pallet::weight(T::WeightInfo::register_installer())]
        pub fn register_installer(origin: OriginFor<T>, name: Vec<u8>, bond: BalanceOf<T>) -> DispatchResult {
            let who = ensure_signed(origin)?;
            let name = Self::bounded_name(name)?;
            ensure!(!Installers::<T>::contains_key(&who), Error::<T>::AlreadyInstaller);
            ensure!(Installers::<T>::count() < T::MaxInstallers::get(), Error::<T>::TooManyInstallers);
            ensure!(bond >= T::MinInstallerBond::get(), Error::<T>::BondTooLow);
            if !bond.is_zero() {
                T::Currency::hold(&HoldReason::InstallerBond.into(), &who, bond)
                    .map_err(|_| Error::<T>::InsufficientBalance)?;
            }
            let registered_at = frame_system::Pallet::<T>::block_number();
            Installers::<T>::insert(&who, InstallerOf::<T> { name, bond, registered_at });
            Self::deposit_event(Event::InstallerRegistered { who, bond });
            Ok(())
        }

        /// Governance removes an installer; its bond is released.
        #[pallet::call_index(15)]
        #[pallet::weight(T::WeightInfo::remove_installer())]
        pub fn remove_installer(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
            T::GovernanceOrigin::ensure_origin(origin)?;
            Self::do_remove_installer(who)
        }

        /// An installer leaves; its bond is released.
        #[pallet::call_index(16)]
        #[pallet::weight(T::WeightInfo::leave_installer())]
        pub fn leave_installer(origin: OriginFor<T>) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Self::do_remove_installer(who)
        }

        /// Anyone deletes the record of a partner that exited or was removed, once its unbonding
        /// period is over: the bond goes back to the partner, its chain id and its place under
        /// `MaxPartners` are free. Without this a departed partner that never withdraws would
        /// hold both for good. Same work as `withdraw_bond`, hence its weight.
        #[pallet::call_index(17)]
        #[pallet::weight(T::WeightInfo::withdraw_bond())]
        pub fn reap(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
            ensure_signed(origin)?;
            Self::reap_departed(who)
        }

        /// Governance sets how long an active partner's light client may go without a verified
        /// header before it is marked unhealthy and before its revenue share is withheld;
        /// `None` turns the health check off.
        #[pallet::call_index(18)]
        #[pallet::weight(T::WeightInfo::set_health_policy())]
        pub fn set_health_policy(origin: OriginFor<T>, policy: Option<HealthPolicy<BlockNumberFor<T>>>) -> DispatchResult {
            T::GovernanceOrigin::ensure_origin(origin)?;
            if let Some(p) = &policy {
                ensure!(Self::valid_policy(p), Error::<T>::InvalidHealthPolicy);
            }
            // A policy changed while one is in force keeps the clocks running.
            if policy.is_some() && PartnerHealthPolicy::<T>::get().is_none() {
                HealthPolicySince::<T>::put(frame_system::Pallet::<T>::block_number());
            }
            PartnerHealthPolicy::<T>::set(policy);
            Self::deposit_event(Event::HealthPolicySet { policy });
            Ok(())
        }
    }

    impl<T: Config> Pallet<T> {
        fn valid_policy(p: &HealthPolicy<BlockNumberFor<T>>) -> bool {
            !p.unhealthy_after.is_zero() && p.unhealthy_after <= p.withhold_after
        }

        /// Blocks the partner has had a duty to relay without a verified header: since the
        /// latest of its last verified header, its activation, its resumption and the health
        /// policy's coming into force. `None` for a partner with neither a header nor an
        /// activation. `policy_since` is [`HealthPolicySince`], read once by the caller.
        fn blocks_since_header(
            p: &PartnerOf<T>,
            now: BlockNumberFor<T>,
            policy_since: BlockNumberFor<T>,
        ) -> Option<BlockNumberFor<T>> {
            let t = &p.timeline;
            let since = [t.last_header, t.activated, t.resumed].into_iter().flatten().max()?;
            Some(now.saturating_sub(since.max(policy_since)))
        }

        /// Marks every active partner whose chain had no verified header for the policy's
        /// `unhealthy_after` blocks, and takes `MissedDutyPenalty` reputation from it once per
        /// such period. Returns how many records it read (for the weight).
        pub(crate) fn check_health(now: BlockNumberFor<T>, policy: &HealthPolicy<BlockNumberFor<T>>) -> u32 {
            let mut read = 0u32;
            let policy_since = HealthPolicySince::<T>::get();
            // Collected first: the map is not changed while it is iterated.
            let due: Vec<(T::AccountId, bool)> = Partners::<T>::iter()
                .filter_map(|(who, p)| {
                    read.saturating_inc();
                    if p.status != PartnerStatus::Active {
                        return None;
                    }
                    let age = Self::blocks_since_header(&p, now, policy_since)?;
                    if age < policy.unhealthy_after {
                        return None;
                    }
                    let newly = p.timeline.unhealthy_since.is_none();
                    let penalty_due = p
                        .timeline
                        .health_penalty_at
                        .map_or(true, |at| now.saturating_sub(at) >= policy.unhealthy_after);
                    (newly || penalty_due).then_some((who, newly))
                })
                .collect();
            for (who, newly) in due {
                Partners::<T>::mutate(&who, |maybe| {
                    if let Some(p) = maybe {
                        if newly {
                            p.timeline.unhealthy_since = Some(now);
                            Self::deposit_event(Event::PartnerUnhealthy { who: who.clone(), last_header: p.timeline.last_header });
                        }
                        p.timeline.health_penalty_at = Some(now);
                        Self::adjust_reputation(&who, p, false, T::MissedDutyPenalty::get());
                    }
                });
            }
            read
        }

        /// Deletes a departed partner's record after its unbonding period and releases its bond to it.
        fn reap_departed(who: T::AccountId) -> DispatchResult {
            let p = Partners::<T>::get(&who).ok_or(Error::<T>::NotPartner)?;
            ensure!(matches!(p.status, PartnerStatus::Exiting | PartnerStatus::Removed), Error::<T>::NotExiting);
            let unbond_at = p.timeline.unbond_at.ok_or(Error::<T>::NotExiting)?;
            ensure!(frame_system::Pallet::<T>::block_number() >= unbond_at, Error::<T>::UnbondingNotOver);
            ensure!(!T::Disputes::open_against(&who), Error::<T>::DisputePending);
            let amount = Self::delete_partner(&who, &p);
            Self::deposit_event(Event::BondWithdrawn { who, amount });
            Ok(())
        }

        fn bounded_name(name: Vec<u8>) -> Result<BoundedVec<u8, T::MaxNameLen>, DispatchError> {
            ensure!(!name.is_empty(), Error::<T>::EmptyName);
            Ok(name.try_into().map_err(|_| Error::<T>::NameTooLong)?)
        }

        /// Delete a record with its indexes and release what is left of its bond.
        fn delete_partner(who: &T::AccountId, p: &PartnerOf<T>) -> BalanceOf<T> {
            for r in p.relayers.iter() {
                RelayerOf::<T>::remove(r);
            }
            PartnerOfChain::<T>::remove(p.chain_id);
            Partners::<T>::remove(who);
            T::Currency::release(&HoldReason::PartnerBond.into(), who, p.bond, Precision::BestEffort)
                .unwrap_or_else(|_| Zero::zero())
        }

        fn start_unbonding(who: &T::AccountId, to: PartnerStatus) -> Result<BlockNumberFor<T>, DispatchError> {
            let mut p = Partners::<T>::get(who).ok_or(Error::<T>::NotPartner)?;
            ensure!(!matches!(p.status, PartnerStatus::Exiting | PartnerStatus::Removed), Error::<T>::AlreadyExiting);
            let now = frame_system::Pallet::<T>::block_number();
            let unbond_at = now.saturating_add(T::UnbondingPeriod::get());
            p.status = to;
            p.timeline.exit_requested = Some(now);
            p.timeline.unbond_at = Some(unbond_at);
            // Relayers stop counting as partner relayers at once.
            for r in p.relayers.iter() {
                RelayerOf::<T>::remove(r);
            }
            p.relayers = BoundedVec::new();
            Partners::<T>::insert(who, p);
            Ok(unbond_at)
        }

        fn do_suspend(who: &T::AccountId) -> DispatchResult {
            let mut p = Partners::<T>::get(who).ok_or(Error::<T>::NotPartner)?;
            ensure!(p.status == PartnerStatus::Active, Error::<T>::NotActive);
            p.status = PartnerStatus::Suspended;
            p.timeline.suspended = Some(frame_system::Pallet::<T>::block_number());
            Partners::<T>::insert(who, p);
            Self::deposit_event(Event::Suspended { who: who.clone() });
            Ok(())
        }

        fn do_remove_installer(who: T::AccountId) -> DispatchResult {
            let i = Installers::<T>::take(&who).ok_or(Error::<T>::NotInstaller)?;
            let refunded = if i.bond.is_zero() {
                Zero::zero()
            } else {
                T::Currency::release(&HoldReason::InstallerBond.into(), &who, i.bond, Precision::BestEffort)
                    .unwrap_or_else(|_| Zero::zero())
            };
            Self::deposit_event(Event::InstallerRemoved { who, refunded });
            Ok(())
        }

        fn change_reputation(who: &T::AccountId, up: bool, by: u32) {
            Partners::<T>::mutate(who, |maybe| {
                if let Some(p) = maybe {
                    Self::adjust_reputation(who, p, up, by);
                }
            });
        }

        /// Moves `p`'s reputation within bounds; the caller writes the record.
        fn adjust_reputation(who: &T::AccountId, p: &mut PartnerOf<T>, up: bool, by: u32) {
            let old = p.reputation;
            let new = if up { old.saturating_add(by).min(T::MaxReputation::get()) } else { old.saturating_sub(by) };
            if new != old {
                p.reputation = new;
                Self::deposit_event(Event::ReputationChanged { who: who.clone(), old, new });
            }
        }

        fn summary(who: T::AccountId, p: PartnerOf<T>) -> PartnerSummary<T::AccountId, BalanceOf<T>> {
            let (revenue_weight, vote_weight) = match &p.agreement {
                Some(a) if a.signed_at.is_some() => (a.revenue_weight, a.vote_weight),
                _ => (0, 0),
            };
            let now = frame_system::Pallet::<T>::block_number();
            let blocks_since_header =
                Self::blocks_since_header(&p, now, HealthPolicySince::<T>::get()).map(|b| b.saturated_into::<u64>());
            PartnerSummary {
                who,
                chain_name: p.chain_name.into_inner(),
                chain_id: p.chain_id,
                consensus: p.consensus,
                status: p.status,
                payout: p.payout,
                bond: p.bond,
                reputation: p.reputation,
                revenue_weight,
                vote_weight,
                relayers: p.relayers.into_inner(),
                validator_count: p.validator_count,
                first_proof: p.timeline.first_proof.is_some(),
                blocks_since_header,
                unhealthy: p.timeline.unhealthy_since.is_some(),
            }
        }

        /// Every partner, for the runtime API.
        pub fn partners() -> Vec<PartnerSummary<T::AccountId, BalanceOf<T>>> {
            Partners::<T>::iter().map(|(who, p)| Self::summary(who, p)).collect()
        }

        /// One partner, for the runtime API.
        pub fn partner(who: T::AccountId) -> Option<PartnerSummary<T::AccountId, BalanceOf<T>>> {
            Partners::<T>::get(&who).map(|p| Self::summary(who, p))
        }

        /// The requirements in force, for the runtime API.
        pub fn requirements() -> Requirements<BalanceOf<T>> {
            CurrentRequirements::<T>::get()
        }

        /// Invariants: counters within bounds, every bond held, indexes consistent.
        #[cfg(any(feature = "try-runtime", test))]
        pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
            use frame_support::traits::fungible::InspectHold;
            ensure!(Partners::<T>::count() <= T::MaxPartners::get(), "too many partners");
            ensure!(Installers::<T>::count() <= T::MaxInstallers::get(), "too many installers");
            let mut n = 0u32;
            for (who, p) in Partners::<T>::iter() {
                n = n.saturating_add(1);
                ensure!(PartnerOfChain::<T>::get(p.chain_id).as_ref() == Some(&who), "chain index broken");
                ensure!(
                    T::Currency::balance_on_hold(&HoldReason::PartnerBond.into(), &who) == p.bond,
                    "partner bond not held"
                );
                ensure!(p.reputation <= T::MaxReputation::get(), "reputation out of range");
                for r in p.relayers.iter() {
                    ensure!(RelayerOf::<T>::get(r).as_ref() == Some(&who), "relayer index broken");
                }
            }
            ensure!(n == Partners::<T>::count(), "partner counter wrong");
            ensure!(PartnerOfChain::<T>::iter().count() as u32 == n, "stale chain index");
            for (r, owner) in RelayerOf::<T>::iter() {
                let p = Partners::<T>::get(&owner).ok_or("relayer of unknown partner")?;
                ensure!(p.relayers.contains(&r), "stale relayer index");
            }
            for (who, i) in Installers::<T>::iter() {
                ensure!(
                    T::Currency::balance_on_hold(&HoldReason::InstallerBond.into(), &who) == i.bond,
                    "installer bond not held"
                );
            }
            Ok(())
        }
    }

    fn active_agreement<T: Config>(p: &PartnerOf<T>) -> Option<&AgreementOf<T>> {
        if p.status == PartnerStatus::Active {
            p.agreement.as_ref().filter(|a| a.signed_at.is_some())
        } else {
            None
        }
    }

    impl<T: Config> PartnerProvider<T::AccountId> for Pallet<T> {
        fn is_active_member(who: &T::AccountId) -> bool {
            Partners::<T>::get(who).map_or(false, |p| active_agreement::<T>(&p).is_some())
        }

        fn vote_weight(who: &T::AccountId) -> Option<u32> {
            Partners::<T>::get(who).and_then(|p| active_agreement::<T>(&p).map(|a| a.vote_weight))
        }

        fn active_partners() -> Vec<ActivePartner<T::AccountId>> {
            let now = frame_system::Pallet::<T>::block_number();
            // Read once for every partner: whether its share of the era closing now is withheld.
            let withhold_after = PartnerHealthPolicy::<T>::get().map(|p| p.withhold_after);
            let policy_since = HealthPolicySince::<T>::get();
            let withheld = |p: &PartnerOf<T>| match (withhold_after, Self::blocks_since_header(p, now, policy_since)) {
                (Some(limit), Some(age)) => age >= limit,
                _ => false,
            };
            Partners::<T>::iter()
                .filter_map(|(who, p)| {
                    active_agreement::<T>(&p).map(|a| ActivePartner {
                        who: who.clone(),
                        payout: p.payout.clone(),
                        revenue_weight: a.revenue_weight,
                        vote_weight: a.vote_weight,
                        revenue_withheld: withheld(&p),
                    })
                })
                .collect()
        }

        fn is_partner(who: &T::AccountId) -> bool {
            Partners::<T>::contains_key(who)
        }

        fn is_unbonded(who: &T::AccountId) -> bool {
            Partners::<T>::get(who).is_some_and(|p| {
                matches!(p.status, PartnerStatus::Exiting | PartnerStatus::Removed)
                    && p.timeline.unbond_at.is_some_and(|at| frame_system::Pallet::<T>::block_number() >= at)
            })
        }

        #[cfg(feature = "runtime-benchmarks")]
        fn make_active_member(who: &T::AccountId, vote_weight: u32) {
            let zero = BlockNumberFor::<T>::zero();
            let id = <sp_runtime::traits::BlakeTwo256 as sp_runtime::traits::Hash>::hash_of(who);
            let record = PartnerOf::<T> {
                chain_name: BoundedVec::truncate_from(b"bench".to_vec()),
                chain_id: id,
                consensus: ConsensusKind::Bft,
                operational_since: 0,
                validator_count: 0,
                relayers: BoundedVec::new(),
                payout: who.clone(),
                bond: Zero::zero(),
                status: PartnerStatus::Active,
                reputation: T::InitialReputation::get().min(T::MaxReputation::get()),
                assessment_report: None,
                agreement: Some(Agreement {
                    terms_hash: H256::zero(),
                    revenue_weight: 1,
                    vote_weight,
                    obligations: BoundedVec::new(),
                    signed_at: Some(zero),
                }),
                timeline: Timeline { applied: zero, activated: Some(zero), ..Default::default() },
            };
            PartnerOfChain::<T>::insert(id, who);
            Partners::<T>::insert(who, record);
        }
    }

    impl<T: Config> PartnerPenalties<T::AccountId, BalanceOf<T>> for Pallet<T> {
        fn slash_bond(who: &T::AccountId, amount: BalanceOf<T>) -> Result<BalanceOf<T>, DispatchError> {
            let mut p = Partners::<T>::get(who).ok_or(Error::<T>::NotPartner)?;
            let (credit, _missing) = T::Currency::slash(&HoldReason::PartnerBond.into(), who, amount.min(p.bond));
            let slashed = frame_support::traits::Imbalance::peek(&credit);
            T::Slash::on_unbalanced(credit);
            p.bond = p.bond.saturating_sub(slashed);
            Partners::<T>::insert(who, p);
            Self::deposit_event(Event::BondSlashed { who: who.clone(), amount: slashed });
            Self::change_reputation(who, false, T::DisputePenalty::get());
            Ok(slashed)
        }

        fn suspend(who: &T::AccountId) -> DispatchResult {
            Self::do_suspend(who)
        }
    }

    impl<T: Config> ProofBridge<T::AccountId> for Pallet<T> {
        fn partner_of_relayer(relayer: &T::AccountId) -> Option<T::AccountId> {
            RelayerOf::<T>::get(relayer)
        }

        fn chain_of(partner: &T::AccountId) -> Option<H256> {
            Partners::<T>::get(partner).map(|p| p.chain_id)
        }

        #[cfg(feature = "runtime-benchmarks")]
        fn make_integrating(partner: &T::AccountId, chain: H256, relayer: &T::AccountId) {
            <Self as PartnerProvider<T::AccountId>>::make_active_member(partner, 1);
            let Some(mut p) = Partners::<T>::get(partner) else { return };
            PartnerOfChain::<T>::remove(p.chain_id);
            p.chain_id = chain;
            p.status = PartnerStatus::Integrating;
            p.agreement = None;
            p.relayers = BoundedVec::truncate_from(alloc::vec![relayer.clone()]);
            p.timeline.activated = None;
            PartnerOfChain::<T>::insert(chain, partner);
            RelayerOf::<T>::insert(relayer, partner);
            Partners::<T>::insert(partner, p);
            CurrentRequirements::<T>::mutate(|r| r.min_validators = 1);
        }

        fn header_verified(partner: &T::AccountId, validators: u32) -> DispatchResult {
            let mut p = Partners::<T>::get(partner).ok_or(Error::<T>::NotPartner)?;
            let now = frame_system::Pallet::<T>::block_number();
            p.validator_count = validators;
            let first = p.status == PartnerStatus::Integrating && !p.relayers.is_empty() && p.timeline.first_proof.is_none();
            if first {
                ensure!(validators >= CurrentRequirements::<T>::get().min_validators, Error::<T>::TooFewValidators);
                p.timeline.first_proof = Some(now);
            }
            p.timeline.last_header = Some(now);
            let recovered = p.timeline.unhealthy_since.take().is_some();
            p.timeline.health_penalty_at = None;
            Partners::<T>::insert(partner, p);
            if first {
                Self::deposit_event(Event::FirstProofConfirmed { who: partner.clone(), validators });
            }
            if recovered {
                Self::deposit_event(Event::PartnerRecovered { who: partner.clone() });
            }
            Ok(())
        }
    }

    impl<T: Config> ReputationHandler<T::AccountId> for Pallet<T> {
        fn proof_delivered(who: &T::AccountId) {
            Self::change_reputation(who, true, T::ProofReward::get());
        }
        fn duty_missed(who: &T::AccountId) {
            Self::change_reputation(who, false, T::MissedDutyPenalty::get());
        }
        fn dispute_lost(who: &T::AccountId) {
            Self::change_reputation(who, false, T::DisputePenalty::get());
        }
    }

    impl<T: Config> InstallerProvider<T::AccountId> for Pallet<T> {
        fn is_installer(who: &T::AccountId) -> bool {
            Installers::<T>::contains_key(who)
        }
        fn installers() -> Vec<T::AccountId> {
            Installers::<T>::iter_keys().collect()
        }
    }
}
