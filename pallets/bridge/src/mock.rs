//! A mock runtime: System and Bridge, with a registry played by statics. Partner `P` (1) registered
//! chain `GENESIS` and relays from `RELAYER` (11); partner 2 registered another chain.
use crate as pallet_bridge;
use frame_support::{derive_impl, parameter_types, traits::ConstU32};
use sp_core::H256;
use sp_runtime::{BuildStorage, DispatchResult};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
    pub enum Test {
        System: frame_system,
        Bridge: pallet_bridge,
    }
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
    type Block = Block;
}

pub const P: u64 = 1;
pub const OTHER: u64 = 2;
pub const RELAYER: u64 = 11;
pub const STRANGER: u64 = 99;
pub const GENESIS: H256 = H256::repeat_byte(0x61);
pub const KEEP: u32 = 4;
/// The runtime's: the benchmarks run here up to it.
pub const MAX_SET: u32 = 256;
pub const FREE_EVERY: u64 = 5;
/// The runtime's: a GRANDPA header announcing a set of `MAX_SET` fits.
pub const MAX_HEADER: u32 = 24 * 1024;

parameter_types! {
    /// (partner, chain id) of the registry.
    pub static Chains: Vec<(u64, H256)> = vec![(P, GENESIS), (OTHER, H256::repeat_byte(0x62))];
    /// (relayer, partner).
    pub static Relayers: Vec<(u64, u64)> = vec![(RELAYER, P)];
    /// Every `header_verified` report the registry accepted.
    pub static VerifiedReports: Vec<(u64, u32)> = vec![];
    /// The registry refuses reports of fewer validators.
    pub static RegistryMinimum: u32 = 0;
    /// Partners whose proof duty was rewarded.
    pub static Rewarded: Vec<u64> = vec![];
}

pub struct Registry;
impl pallet_partners::ProofBridge<u64> for Registry {
    fn partner_of_relayer(relayer: &u64) -> Option<u64> {
        Relayers::get().iter().find(|(r, _)| r == relayer).map(|(_, p)| *p)
    }
    fn chain_of(partner: &u64) -> Option<H256> {
        Chains::get().iter().find(|(p, _)| p == partner).map(|(_, c)| *c)
    }
    #[cfg(feature = "runtime-benchmarks")]
    fn make_integrating(partner: &u64, chain: H256, relayer: &u64) {
        Chains::mutate(|c| c.push((*partner, chain)));
        Relayers::mutate(|r| r.push((*relayer, *partner)));
    }
    fn header_verified(partner: &u64, validators: u32) -> DispatchResult {
        if validators < RegistryMinimum::get() {
            return Err(sp_runtime::DispatchError::Other("too few validators"));
        }
        VerifiedReports::mutate(|v| v.push((*partner, validators)));
        Ok(())
    }
}

impl pallet_partners::ReputationHandler<u64> for Registry {
    fn proof_delivered(who: &u64) {
        Rewarded::mutate(|v| v.push(*who));
    }
    fn duty_missed(_: &u64) {}
    fn dispute_lost(_: &u64) {}
}

impl pallet_bridge::Config for Test {
    type InitOrigin = frame_system::EnsureRoot<u64>;
    type Partners = Registry;
    type Reputation = Registry;
    type HeadersToKeep = ConstU32<KEEP>;
    type MaxSetSize = ConstU32<MAX_SET>;
    type MaxHeaderSize = ConstU32<MAX_HEADER>;
    type MaxProofSize = ConstU32<{ 64 * 1024 }>;
    type MaxKeysPerProof = ConstU32<4>;
    type MaxKeyLen = ConstU32<64>;
    type MaxValueLen = ConstU32<256>;
    type MaxValuesPerHeader = ConstU32<6>;
    type FreeHeaderInterval = frame_support::traits::ConstU64<FREE_EVERY>;
    type FreeProofInterval = frame_support::traits::ConstU64<FREE_EVERY>;
    type WeightInfo = ();
}

pub fn new_test_ext() -> sp_io::TestExternalities {
    let t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
    let mut ext = sp_io::TestExternalities::new(t);
    ext.execute_with(|| System::set_block_number(1));
    ext
}
