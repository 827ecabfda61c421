//! A mock runtime: System, Balances and Partners. Account 10 is the assessor, root is governance.
use crate as pallet_partners;
use frame_support::{
    derive_impl, ord_parameter_types, parameter_types,
    traits::{ConstU32, ConstU64, UnixTime},
};
use frame_system::{EnsureRoot, EnsureSignedBy};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
    pub enum Test {
        System: frame_system,
        Balances: pallet_balances,
        Partners: pallet_partners,
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

pub const YEAR: u64 = crate::YEAR_SECS;
pub const ASSESSOR: u64 = 10;
pub const MIN_BOND: u64 = 1_000;

parameter_types! {
    /// Wall-clock seconds the mock's `UnixTime` reports.
    pub static NowSecs: u64 = 10 * YEAR;
}
ord_parameter_types! {
    pub const Assessor: u64 = ASSESSOR;
}

parameter_types! {
    /// Partners with an open dispute against them.
    pub static DisputedPartners: Vec<u64> = vec![];
}

pub struct MockDisputes;
impl pallet_partners::OpenDisputes<u64> for MockDisputes {
    fn open_against(who: &u64) -> bool {
        DisputedPartners::get().contains(who)
    }
}

pub struct MockTime;
impl UnixTime for MockTime {
    fn now() -> core::time::Duration {
        core::time::Duration::from_secs(NowSecs::get())
    }
}

impl pallet_partners::Config for Test {
    type RuntimeEvent = RuntimeEvent;
    type RuntimeHoldReason = RuntimeHoldReason;
    type Currency = Balances;
    type Slash = ();
    type UnixTime = MockTime;
    type AssessorOrigin = EnsureSignedBy<Assessor, u64>;
    type GovernanceOrigin = EnsureRoot<u64>;
    type RemovalOrigin = frame_support::traits::AsEnsureOriginWithArg<EnsureRoot<u64>>;
    type UnbondingPeriod = ConstU64<10>;
    type MaxPartners = ConstU32<4>;
    type Disputes = MockDisputes;
    type MaxInstallers = ConstU32<2>;
    type MaxNameLen = ConstU32<16>;
    type MaxRelayers = ConstU32<3>;
    type MaxObligations = ConstU32<2>;
    type MinInstallerBond = ConstU64<0>;
    type MaxReputation = ConstU32<1000>;
    type InitialReputation = ConstU32<500>;
    type ProofReward = ConstU32<10>;
    type MissedDutyPenalty = ConstU32<50>;
    type DisputePenalty = ConstU32<200>;
    type HealthCheckInterval = ConstU64<5>;
    type WeightInfo = ();
}

/// Accounts 1..=9 and the assessor hold 100_000 each; requirements: 1 year, 100 validators,
/// bond 1_000.
pub fn new_test_ext() -> sp_io::TestExternalities {
    DisputedPartners::set(vec![]);
    let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
    pallet_balances::GenesisConfig::<Test> {
        balances: (1..=10).map(|a| (a, 100_000)).collect(),
        ..Default::default()
    }
    .assimilate_storage(&mut t)
    .unwrap();
    pallet_partners::GenesisConfig::<Test> {
        requirements: Some(crate::Requirements { min_operational_secs: YEAR, min_validators: 100, min_bond: MIN_BOND }),
        partners: vec![],
        health: None,
    }
    .assimilate_storage(&mut t)
    .unwrap();
    let mut ext: sp_io::TestExternalities = t.into();
    ext.execute_with(|| System::set_block_number(1));
    ext
}
