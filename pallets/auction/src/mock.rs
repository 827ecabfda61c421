use crate as pallet_auction;
use crate::{AuctionMode, AuctionRevenue, CreditOf};
use core::cell::RefCell;
use frame_support::{
    derive_impl, parameter_types,
    traits::{fungible::Balanced, ConstU32, ConstU64, Hooks, Imbalance},
    weights::Weight,
};
use frame_system::EnsureRoot;
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
    pub enum Test {
        System: frame_system,
        Balances: pallet_balances,
        Auction: pallet_auction,
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
    type ExistentialDeposit = ConstU64<1>;
    type RuntimeHoldReason = RuntimeHoldReason;
}

pub const REVENUE: u64 = 999;
pub const COMMIT: u64 = 5;
pub const REVEAL: u64 = 5;

thread_local! {
    /// Who authors block `n` (set by tests; one author, 100, by default).
    pub static AUTHOR_OF: RefCell<fn(u64) -> Option<u64>> = RefCell::new(|_| Some(100));
    /// How many validators there are (one by default: one author needed).
    pub static VALIDATORS: RefCell<u32> = RefCell::new(1);
    pub static PROCEEDS: RefCell<u64> = RefCell::new(0);
    pub static FEES: RefCell<u64> = RefCell::new(0);
    pub static FORFEITS: RefCell<u64> = RefCell::new(0);
}

/// Resolves auction money into the REVENUE account and counts it by kind.
pub struct MockRevenue;
impl crate::RevenueSink<CreditOf<Test>> for MockRevenue {
    fn credit(kind: AuctionRevenue, credit: CreditOf<Test>) {
        let amount = credit.peek();
        match kind {
            AuctionRevenue::Proceeds => PROCEEDS.with(|p| *p.borrow_mut() += amount),
            AuctionRevenue::Forfeit => FORFEITS.with(|p| *p.borrow_mut() += amount),
            AuctionRevenue::Fee => FEES.with(|p| *p.borrow_mut() += amount),
        }
        let _ = <Balances as Balanced<u64>>::resolve(&REVENUE, credit);
    }
}
pub fn proceeds() -> u64 {
    PROCEEDS.with(|p| *p.borrow())
}
pub fn forfeits() -> u64 {
    FORFEITS.with(|p| *p.borrow())
}
pub fn fees() -> u64 {
    FEES.with(|p| *p.borrow())
}

/// The block author and the authors needed, from the thread-locals above.
pub struct MockAuthors;
impl crate::RevealAuthors<u64> for MockAuthors {
    fn author() -> Option<u64> {
        let f = AUTHOR_OF.with(|a| *a.borrow());
        f(System::block_number())
    }
    fn needed() -> u32 {
        VALIDATORS.with(|v| (*v.borrow()).saturating_sub(1) / 3 + 1)
    }
}

/// One unit of fee per `WeightFeeDivisor` of ref time (rounded up); zero divisor: free.
pub struct MockWeightToFee;
impl frame_support::weights::WeightToFee for MockWeightToFee {
    type Balance = u64;
    fn weight_to_fee(weight: &Weight) -> u64 {
        match WeightFeeDivisor::get() {
            0 => 0,
            d => weight.ref_time().div_ceil(d),
        }
    }
}

parameter_types! {
    pub static Budget: Weight = Weight::from_parts(1_000_000_000_000, 1_000_000_000);
    pub const CommitPeriod: u64 = COMMIT;
    pub const RevealPeriod: u64 = REVEAL;
    pub static CommitFee: u64 = 0;
    pub static WeightFeeDivisor: u64 = 0;
}

impl pallet_auction::Config for Test {
    type RuntimeEvent = RuntimeEvent;
    type RuntimeCall = RuntimeCall;
    type RuntimeHoldReason = RuntimeHoldReason;
    type Currency = Balances;
    type Revenue = MockRevenue;
    type GovernanceOrigin = EnsureRoot<u64>;
    type CommitPeriod = CommitPeriod;
    type RevealPeriod = RevealPeriod;
    type MaxRevealPeriod = ConstU32<{ 3 * REVEAL as u32 }>;
    type Authors = MockAuthors;
    type MaxCalls = ConstU32<4>;
    type MaxBundleBytes = ConstU32<256>;
    type MaxBidders = ConstU32<16>;
    type RoundWeightBudget = Budget;
    type MinDeposit = ConstU64<10>;
    type MinBid = ConstU64<1>;
    type CommitFee = CommitFee;
    type WeightToFee = MockWeightToFee;
    type HistoryDepth = ConstU32<3>;
    type WeightInfo = ();
}

pub const START: u64 = 1_000_000;

pub fn ext_with(mode: AuctionMode) -> sp_io::TestExternalities {
    Budget::set(Weight::from_parts(1_000_000_000_000, 1_000_000_000));
    PROCEEDS.with(|p| *p.borrow_mut() = 0);
    FORFEITS.with(|p| *p.borrow_mut() = 0);
    FEES.with(|p| *p.borrow_mut() = 0);
    CommitFee::set(0);
    WeightFeeDivisor::set(0);
    AUTHOR_OF.with(|a| *a.borrow_mut() = |_| Some(100));
    VALIDATORS.with(|v| *v.borrow_mut() = 1);
    let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
    pallet_balances::GenesisConfig::<Test> {
        balances: (1..=40).map(|a| (a, START)).chain([(REVENUE, 1)]).collect(),
        ..Default::default()
    }
    .assimilate_storage(&mut t)
    .unwrap();
    pallet_auction::GenesisConfig::<Test> { mode, _config: Default::default() }.assimilate_storage(&mut t).unwrap();
    let mut ext: sp_io::TestExternalities = t.into();
    ext.execute_with(|| System::set_block_number(1));
    ext
}

pub fn new_test_ext() -> sp_io::TestExternalities {
    ext_with(AuctionMode::Mainnet)
}

pub fn run_to_block(n: u64) {
    while System::block_number() < n {
        let next = System::block_number() + 1;
        System::set_block_number(next);
        Auction::on_initialize(next);
    }
}

pub fn auction_events() -> Vec<crate::Event<Test>> {
    System::events()
        .into_iter()
        .filter_map(|r| if let RuntimeEvent::Auction(e) = r.event { Some(e) } else { None })
        .collect()
}
