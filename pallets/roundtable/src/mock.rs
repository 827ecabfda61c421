//! A mock runtime: System, Balances, Preimage, Scheduler, Roundtable and Referenda (voted by the
//! roundtable on its tracks), with a mocked partner
//! registry (`MockMembers`) whose members and weights tests set directly.
use crate as pallet_roundtable;
use frame_support::{
    derive_impl, parameter_types,
    traits::{AsEnsureOriginWithArg, ConstU32, ConstU64, EitherOfDiverse, EqualPrivilegeOnly},
    weights::Weight,
};
use frame_system::EnsureRoot;
use pallet_partners::{ActivePartner, PartnerPenalties, PartnerProvider};
use sp_runtime::{BuildStorage, DispatchError, DispatchResult};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
    pub enum Test {
        System: frame_system,
        Balances: pallet_balances,
        Preimage: pallet_preimage,
        Scheduler: pallet_scheduler,
        Roundtable: pallet_roundtable,
        Referenda: pallet_referenda,
    }
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
    type Block = Block;
    type AccountData = pallet_balances::AccountData<u64>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
    type AccountStore = System;
}

impl pallet_preimage::Config for Test {
    type RuntimeEvent = RuntimeEvent;
    type WeightInfo = ();
    type Currency = Balances;
    type ManagerOrigin = EnsureRoot<u64>;
    type Consideration = ();
}

parameter_types! {
    pub MaximumSchedulerWeight: Weight = Weight::from_parts(2_000_000_000_000, u64::MAX);
}

impl pallet_scheduler::Config for Test {
    type RuntimeEvent = RuntimeEvent;
    type RuntimeOrigin = RuntimeOrigin;
    type PalletsOrigin = OriginCaller;
    type RuntimeCall = RuntimeCall;
    type MaximumWeight = MaximumSchedulerWeight;
    type ScheduleOrigin = EnsureRoot<u64>;
    type OriginPrivilegeCmp = EqualPrivilegeOnly;
    type MaxScheduledPerBlock = ConstU32<20>;
    type WeightInfo = ();
    type Preimages = Preimage;
    type BlockNumberProvider = frame_system::Pallet<Test>;
}

parameter_types! {
    /// Active members and their vote weights.
    pub static Members: Vec<(u64, u32)> = vec![(1, 1), (2, 1), (3, 1), (4, 1)];
    /// Partners that are not active (applicants, suspended, exiting).
    pub static OtherPartners: Vec<u64> = vec![];
    /// Departed partners whose unbonding is over.
    pub static UnbondedPartners: Vec<u64> = vec![];
    /// Bonds of partners, for slashing.
    pub static Bonds: Vec<(u64, u64)> = vec![(1, 1_000), (2, 1_000), (3, 1_000), (4, 1_000)];
}

pub struct MockMembers;
impl PartnerProvider<u64> for MockMembers {
    fn is_active_member(who: &u64) -> bool {
        Members::get().iter().any(|(m, _)| m == who)
    }
    fn vote_weight(who: &u64) -> Option<u32> {
        Members::get().iter().find(|(m, _)| m == who).map(|(_, w)| *w)
    }
    fn active_partners() -> Vec<ActivePartner<u64>> {
        Members::get()
            .into_iter()
            .map(|(who, w)| ActivePartner { who, payout: who, revenue_weight: 1, vote_weight: w, revenue_withheld: false })
            .collect()
    }
    fn is_partner(who: &u64) -> bool {
        Self::is_active_member(who) || OtherPartners::get().contains(who)
    }
    fn is_unbonded(who: &u64) -> bool {
        UnbondedPartners::get().contains(who)
    }
    #[cfg(feature = "runtime-benchmarks")]
    fn make_active_member(who: &u64, vote_weight: u32) {
        Members::mutate(|m| {
            m.retain(|(a, _)| a != who);
            m.push((*who, vote_weight));
        });
    }
}

impl PartnerPenalties<u64, u64> for MockMembers {
    fn slash_bond(who: &u64, amount: u64) -> Result<u64, DispatchError> {
        let mut slashed = None;
        Bonds::mutate(|b| {
            if let Some((_, bond)) = b.iter_mut().find(|(a, _)| a == who) {
                let s = amount.min(*bond);
                *bond -= s;
                slashed = Some(s);
            }
        });
        slashed.ok_or(DispatchError::Other("not a partner"))
    }
    fn suspend(who: &u64) -> DispatchResult {
        if !Self::is_active_member(who) {
            return Err(DispatchError::Other("not active"));
        }
        Members::mutate(|m| m.retain(|(a, _)| a != who));
        OtherPartners::mutate(|o| o.push(*who));
        Ok(())
    }
}

pub const DEPOSIT: u64 = 100;
pub const DISPUTE_DEPOSIT: u64 = 50;
pub const PERIOD: u64 = 10;
pub const DELAY: u64 = 2;
pub const DISPUTE_EXPIRY: u64 = 20;
pub const MAX_TRACK_PERIOD: u64 = 1_000;
pub const MAX_DECISION_DEPOSIT: u64 = 5_000;

impl pallet_roundtable::Config for Test {
    type RuntimeEvent = RuntimeEvent;
    type PalletsOrigin = OriginCaller;
    type RuntimeHoldReason = RuntimeHoldReason;
    type Currency = Balances;
    type Slash = ();
    type Members = MockMembers;
    type AdminOrigin = EnsureRoot<u64>;
    type DisputeOrigin = EitherOfDiverse<AsEnsureOriginWithArg<EnsureRoot<u64>>, crate::EnsurePartnerRemovalOf<u64>>;
    type DisputeDeposit = ConstU64<DISPUTE_DEPOSIT>;
    type DecisionDeposit = ConstU64<DEPOSIT>;
    type DecisionPeriod = ConstU64<PERIOD>;
    type EnactmentPeriod = ConstU64<DELAY>;
    type MaxDeciding = ConstU32<4>;
    type MaxTrackPeriod = ConstU64<MAX_TRACK_PERIOD>;
    type MaxDecisionDeposit = ConstU64<MAX_DECISION_DEPOSIT>;
    type MaxVoters = ConstU32<16>;
    type MaxOpenDisputes = ConstU32<3>;
    type MaxDisputesPerAccuser = ConstU32<2>;
    type DisputeExpiry = ConstU64<DISPUTE_EXPIRY>;
    type Polls = Referenda;
    type PollAccused = crate::AccusedFromReferenda<Test>;
    type WeightInfo = ();
}

pub const SUBMISSION_DEPOSIT: u64 = 2;

impl pallet_referenda::Config for Test {
    type RuntimeCall = RuntimeCall;
    type RuntimeEvent = RuntimeEvent;
    type WeightInfo = ();
    type Scheduler = Scheduler;
    type Currency = Balances;
    type SubmitOrigin = AsEnsureOriginWithArg<crate::EnsureActiveMember<Test>>;
    type CancelOrigin = EnsureRoot<u64>;
    type KillOrigin = EnsureRoot<u64>;
    type Slash = ();
    type Votes = u64;
    type Tally = crate::PollTally<Test>;
    type SubmissionDeposit = ConstU64<SUBMISSION_DEPOSIT>;
    type MaxQueued = ConstU32<3>;
    type UndecidingTimeout = ConstU64<20>;
    type AlarmInterval = ConstU64<1>;
    type Tracks = crate::Tracks<Test>;
    type Preimages = Preimage;
    type BlockNumberProvider = System;
}

/// Accounts 1..=20 hold 10_000 each; members 1..=4 with weight 1.
pub fn new_test_ext() -> sp_io::TestExternalities {
    Members::set(vec![(1, 1), (2, 1), (3, 1), (4, 1)]);
    OtherPartners::set(vec![]);
    UnbondedPartners::set(vec![]);
    Bonds::set(vec![(1, 1_000), (2, 1_000), (3, 1_000), (4, 1_000)]);
    let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
    pallet_balances::GenesisConfig::<Test> { balances: (1..=20).map(|a| (a, 10_000)).collect(), ..Default::default() }
        .assimilate_storage(&mut t)
        .unwrap();
    let mut ext: sp_io::TestExternalities = t.into();
    ext.execute_with(|| System::set_block_number(1));
    ext
}

/// Run blocks up to `n`, with the scheduler's hook (which runs referenda's alarms and enactments).
pub fn run_to(n: u64) {
    use frame_support::traits::Hooks;
    while System::block_number() < n {
        let next = System::block_number() + 1;
        System::set_block_number(next);
        Scheduler::on_initialize(next);
    }
}
