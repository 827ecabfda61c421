use crate as pallet_validators;
use bpci_primitives::{BlsPublic, BlsSessionKey, PreDigest, SetId, BPCI_ENGINE_ID};
use codec::Encode;
use frame_support::{
    derive_impl, parameter_types,
    traits::{ConstU32, ConstU64, OnInitialize},
};
use frame_system::EnsureRoot;
use sp_core::H256;
use sp_runtime::{impl_opaque_keys, traits::ConvertInto, BuildStorage, Digest, DigestItem};

type Block = frame_system::mocking::MockBlock<Test>;

// Validators before Session, as in the runtime: the epoch hook must see the parent's session set.
frame_support::construct_runtime!(
    pub enum Test {
        System: frame_system,
        Balances: pallet_balances,
        Validators: pallet_validators,
        Session: pallet_session,
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

impl_opaque_keys! {
    pub struct MockSessionKeys {
        pub bls: Validators,
    }
}

impl pallet_session::Config for Test {
    type RuntimeEvent = RuntimeEvent;
    type ValidatorId = u64;
    type ValidatorIdOf = ConvertInto;
    type ShouldEndSession = Validators;
    type NextSessionRotation = Validators;
    type SessionManager = Validators;
    type SessionHandler = <MockSessionKeys as sp_runtime::traits::OpaqueKeys>::KeyTypeIdProviders;
    type Keys = MockSessionKeys;
    type DisablingStrategy = ();
    type WeightInfo = ();
    type Currency = Balances;
    type KeyDeposit = ConstU64<0>;
}

parameter_types! {
    pub const DefaultSessionLength: u64 = 10;
}

impl pallet_validators::Config for Test {
    type RuntimeEvent = RuntimeEvent;
    type MaxValidators = ConstU32<4>;
    type MinValidators = ConstU32<2>;
    type DefaultSessionLength = DefaultSessionLength;
    type MinSessionLength = ConstU64<2>;
    type AdminOrigin = EnsureRoot<u64>;
    type ForceOrigin = EnsureRoot<u64>;
    type WeightInfo = ();
}

pub fn key(b: u8) -> BlsSessionKey {
    BlsSessionKey(BlsPublic([b; 48]))
}

pub fn keys(b: u8) -> MockSessionKeys {
    MockSessionKeys { bls: key(b) }
}

/// Genesis: 1, 2, 3 validate (keys `key(1..=3)`); 4 and 5 have registered keys but do not
/// validate; 6 has no keys.
pub fn new_test_ext() -> sp_io::TestExternalities {
    let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
    pallet_balances::GenesisConfig::<Test> { balances: (1..=6).map(|a| (a, 100)).collect(), ..Default::default() }
        .assimilate_storage(&mut storage)
        .unwrap();
    pallet_session::GenesisConfig::<Test> {
        keys: (1..=3u8).map(|a| (a as u64, a as u64, keys(a))).collect(),
        non_authority_keys: (4..=5u8).map(|a| (a as u64, a as u64, keys(a))).collect(),
    }
    .assimilate_storage(&mut storage)
    .unwrap();
    let mut ext: sp_io::TestExternalities = storage.into();
    ext.execute_with(|| System::set_block_number(1));
    ext
}

/// The parent hash the mock gives block `n`.
pub fn parent_of(n: u64) -> H256 {
    H256::repeat_byte(n as u8)
}

/// Start block `n` as the executive does, with the engine's pre-digest naming `set_id`.
pub fn start_block(n: u64, set_id: Option<SetId>) {
    start_block_with(n, set_id.map(|set_id| PreDigest { view: n, set_id, proposer_index: 0, justify: None, stall: false }));
}

/// Start block `n` as a stall block of the epoch's set sealed by validator `proposer_index`.
pub fn start_stall_block(n: u64, proposer_index: u32) {
    let set_id = crate::Epoch::<Test>::get().set.set_id;
    start_block_with(n, Some(PreDigest { view: n, set_id, proposer_index, justify: None, stall: true }));
}

fn start_block_with(n: u64, pre: Option<PreDigest>) {
    let logs = pre.map(|pre| DigestItem::PreRuntime(BPCI_ENGINE_ID, pre.encode())).into_iter().collect();
    System::reset_events();
    System::initialize(&n, &parent_of(n), &Digest { logs });
    <AllPalletsWithSystem as OnInitialize<u64>>::on_initialize(n);
}

/// Run blocks up to and including `n`, each naming the epoch's set id (no epoch change).
pub fn run_to(n: u64) {
    while System::block_number() < n {
        let next = System::block_number() + 1;
        start_block(next, Some(crate::Epoch::<Test>::get().set.set_id));
    }
}
