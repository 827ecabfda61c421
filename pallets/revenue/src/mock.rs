use crate as pallet_revenue;
use crate::{Mode, Shares};
use core::cell::RefCell;
use frame_support::{
    derive_impl, parameter_types,
    traits::{ConstU32, ConstU64, Hooks},
    PalletId,
};
use frame_system::EnsureRoot;
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
    pub enum Test {
        System: frame_system,
        Balances: pallet_balances,
        TransactionPayment: pallet_transaction_payment,
        Revenue: pallet_revenue,
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
    type ExistentialDeposit = ConstU64<ED>;
}

#[derive_impl(pallet_transaction_payment::config_preludes::TestDefaultConfig)]
impl pallet_transaction_payment::Config for Test {
    type OnChargeTransaction = crate::RentAdapter<Test>;
    type WeightToFee = frame_support::weights::IdentityFee<u64>;
    type LengthToFee = frame_support::weights::IdentityFee<u64>;
}

pub const ED: u64 = 10;
pub const DEV: u64 = 1001;
pub const INFRA: u64 = 1002;
pub const TREASURY: u64 = 1003;
pub const GOV: u64 = 42;

parameter_types! {
    pub const RevenuePalletId: PalletId = PalletId(*b"bpci/rev");
    pub const Dev: u64 = DEV;
    pub const Infra: u64 = INFRA;
    pub const Treasury: u64 = TREASURY;
}

thread_local! {
    pub static PARTNERS: RefCell<Vec<(u64, u64)>> = RefCell::new(Vec::new());
    pub static WITHHELD: RefCell<Vec<u64>> = RefCell::new(Vec::new());
}

pub struct MockPartners;
impl crate::PartnerShares<u64> for MockPartners {
    fn active_partners() -> Vec<crate::PartnerShare<u64>> {
        let withheld = WITHHELD.with(|w| w.borrow().clone());
        PARTNERS.with(|p| {
            p.borrow()
                .iter()
                .map(|(payout, weight)| crate::PartnerShare { payout: *payout, weight: *weight, withheld: withheld.contains(payout) })
                .collect()
        })
    }
    #[cfg(feature = "runtime-benchmarks")]
    fn set_partners(partners: Vec<(u64, u64)>) {
        set_partners(partners)
    }
}
/// The running era's validator points.
pub fn set_points(points: Vec<(u64, u64)>) {
    let (era, _) = crate::CurrentEra::<Test>::get();
    crate::ValidatorPoints::<Test>::insert(era, frame_support::BoundedVec::truncate_from(points));
}
pub fn set_partners(partners: Vec<(u64, u64)>) {
    PARTNERS.with(|p| *p.borrow_mut() = partners);
}
/// Partners (by payout account) whose share the registry withholds.
pub fn set_withheld(payouts: Vec<u64>) {
    WITHHELD.with(|w| *w.borrow_mut() = payouts);
}

/// Root or the signed account GOV.
pub type Governance = frame_support::traits::EitherOfDiverse<
    EnsureRoot<u64>,
    frame_system::EnsureSignedBy<GovMembers, u64>,
>;
pub struct GovMembers;
impl frame_support::traits::SortedMembers<u64> for GovMembers {
    fn sorted_members() -> Vec<u64> {
        vec![GOV]
    }
}

impl pallet_revenue::Config for Test {
    type RuntimeEvent = RuntimeEvent;
    type Currency = Balances;
    type GovernanceOrigin = Governance;
    type PalletId = RevenuePalletId;
    type DevelopmentAccount = Dev;
    type InfrastructureAccount = Infra;
    type TreasuryAccount = Treasury;
    type PartnerShares = MockPartners;
    type MaxValidatorPayees = ConstU32<8>;
    type MaxPartnerPayees = ConstU32<8>;
    type HistoryDepth = ConstU32<3>;
    type WeightInfo = ();
}

pub struct ExtBuilder {
    pub mode: Mode,
    pub reward: u64,
    pub era_length: u64,
    pub balances: Vec<(u64, u64)>,
}

impl Default for ExtBuilder {
    fn default() -> Self {
        ExtBuilder {
            mode: Mode::Mainnet,
            reward: 0,
            era_length: 10,
            // Recipient accounts exist so that small payouts are not below ED.
            balances: vec![(1, 1_000_000), (2, 1_000_000), (DEV, ED), (INFRA, ED), (TREASURY, ED)],
        }
    }
}

impl ExtBuilder {
    pub fn mode(mut self, m: Mode) -> Self {
        self.mode = m;
        self
    }
    pub fn reward(mut self, r: u64) -> Self {
        self.reward = r;
        self
    }
    #[allow(dead_code)]
    pub fn balances(mut self, b: Vec<(u64, u64)>) -> Self {
        self.balances.extend(b);
        self
    }
    pub fn build(self) -> sp_io::TestExternalities {
        set_partners(vec![]);
        let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
        pallet_balances::GenesisConfig::<Test> { balances: self.balances, ..Default::default() }
            .assimilate_storage(&mut t)
            .unwrap();
        pallet_revenue::GenesisConfig::<Test> {
            shares: Shares::default(),
            era_length: self.era_length,
            block_reward: self.reward,
            mode: self.mode,
        }
        .assimilate_storage(&mut t)
        .unwrap();
        let mut ext: sp_io::TestExternalities = t.into();
        ext.execute_with(|| System::set_block_number(1));
        ext
    }
}

pub fn new_test_ext() -> sp_io::TestExternalities {
    ExtBuilder::default().build()
}

/// Run blocks up to and including `n`, calling the pallet's `on_initialize`.
pub fn run_to_block(n: u64) {
    while System::block_number() < n {
        let next = System::block_number() + 1;
        System::set_block_number(next);
        Revenue::on_initialize(next);
    }
}

pub fn pot() -> u64 {
    Revenue::pot_account()
}

pub fn revenue_events() -> Vec<crate::Event<Test>> {
    System::events()
        .into_iter()
        .filter_map(|r| if let RuntimeEvent::Revenue(e) = r.event { Some(e) } else { None })
        .collect()
}
