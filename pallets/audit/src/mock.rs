use crate as pallet_audit;
use frame_support::{derive_impl, traits::ConstU32};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
    pub enum Test {
        System: frame_system,
        Audit: pallet_audit,
    }
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
    type Block = Block;
}

/// A stand-in for the runtime's record enum.
#[derive(codec::Encode, Clone, PartialEq, Eq, Debug)]
pub enum Record {
    Partner { who: u64, step: u8 },
    Payout { era: u32, amount: u128 },
}

/// Most records a block commits to in the tests.
pub const MAX: u32 = 5;

/// Records frame-system's `Remarked` events, as the runtime records its pallets' events.
pub struct RemarksAreRecords;
impl pallet_audit::EventRecords<RuntimeEvent, Record> for RemarksAreRecords {
    fn record(event: &RuntimeEvent) -> Option<Record> {
        match event {
            RuntimeEvent::System(frame_system::Event::Remarked { sender, .. }) => Some(Record::Partner { who: *sender, step: 9 }),
            _ => None,
        }
    }
}

frame_support::parameter_types! {
    pub Log: pallet_audit::LogState = pallet_audit::LogState { leaves: 41, root: sp_core::H256::repeat_byte(4) };
}

impl pallet_audit::Config for Test {
    type Record = Record;
    type EventRecords = RemarksAreRecords;
    type Log = Log;
    type MaxRecordsPerBlock = ConstU32<MAX>;
    type EventsReserved = ConstU32<16>;
    type WeightInfo = ();
}

pub fn new_test_ext() -> sp_io::TestExternalities {
    let t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
    let mut ext: sp_io::TestExternalities = t.into();
    ext.execute_with(|| System::set_block_number(1));
    ext
}
