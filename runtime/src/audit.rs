//! What the audit log records, and the log over blocks.
//!
//! The one place that says which state changes an auditor or a partner chain gets a proven record
//! of ([`record_of`]): every event of the partner registry, the roundtable, the validator set,
//! the proof bridge and pallet-sudo (each use of the root key); the poll lifecycle of
//! pallet-referenda and the enactment of what passed (pallet-scheduler's named tasks); revenue
//! eras, payouts and rule changes; auction settlements; spends of the three treasuries; runtime
//! upgrades. Left out, because they come with every transaction or every bid and would crowd out
//! the rest of a block's bounded records: revenue credits (the era's report sums them), sealed
//! commitments and reveals of bids (their outcome, won, refunded or forfeited, is recorded),
//! treasury deposits and budget bookkeeping.
//!
//! The root key's uses are recorded as pallet-sudo announces them: who, and the result; the call
//! itself is in the block's extrinsics, which the header commits to as well.
//!
//! A record is [`AuditRecord`], a versioned SCALE enum: `V1` holds the pallets' own events, so a
//! record reads as what the chain announced. A change to a recorded event's encoding needs a
//! new version, never an edit of `V1`, so that every export stays decodable.
//!
//! Each block's records are committed in its header (`pallet-audit`), and each block's
//! commitment is a leaf of a Merkle mountain range over blocks (`pallet-mmr`, BLAKE2-256),
//! whose root and leaf count the header carries too.

use crate::*;
use codec::{Decode, Encode};
use frame_support::{parameter_types, traits::ConstU32};
use scale_info::TypeInfo;
use sp_runtime::{traits::BlakeTwo256, DispatchResult};

/// An audit record, versioned by its variant.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub enum AuditRecord {
    #[codec(index = 1)]
    V1(RecordV1),
}

/// Records of version 1: the events of the pallets named, as they announced them.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub enum RecordV1 {
    #[codec(index = 0)]
    Partners(pallet_partners::Event<Runtime>),
    #[codec(index = 1)]
    Roundtable(pallet_roundtable::Event<Runtime>),
    #[codec(index = 2)]
    Referenda(pallet_referenda::Event<Runtime>),
    /// A scheduled call dispatched (with Root or a track's origin), and its result: how
    /// pallet-referenda enacts a passed poll (a named task) and runs its alarms (anonymous ones).
    #[codec(index = 3)]
    Enacted { task: (BlockNumber, u32), id: Option<[u8; 32]>, result: DispatchResult },
    #[codec(index = 4)]
    Revenue(pallet_revenue::Event<Runtime>),
    #[codec(index = 5)]
    Auction(pallet_auction::Event<Runtime>),
    #[codec(index = 6)]
    Validators(pallet_validators::Event<Runtime>),
    #[codec(index = 7)]
    Treasury(pallet_treasury::Event<Runtime>),
    #[codec(index = 8)]
    DevelopmentTreasury(pallet_treasury::Event<Runtime, pallet_treasury::Instance2>),
    #[codec(index = 9)]
    InfrastructureTreasury(pallet_treasury::Event<Runtime, pallet_treasury::Instance3>),
    #[codec(index = 10)]
    Bridge(pallet_bridge::Event<Runtime>),
    #[codec(index = 11)]
    Sudo(pallet_sudo::Event<Runtime>),
    /// The runtime's code was replaced by the code of this hash.
    #[codec(index = 12)]
    RuntimeUpgraded { code_hash: Hash },
    /// An upgrade to the code of this hash was authorized (to be applied by anyone).
    #[codec(index = 13)]
    UpgradeAuthorized { code_hash: Hash, check_version: bool },
}

/// Whether a treasury event is a spend (recorded) rather than bookkeeping (left out).
fn is_spend<I: 'static>(event: &pallet_treasury::Event<Runtime, I>) -> bool
where
    Runtime: pallet_treasury::Config<I>,
{
    use pallet_treasury::Event::*;
    !matches!(event, Deposit { .. } | Rollover { .. } | Spending { .. } | UpdatedInactive { .. })
}

/// The record of `event`, if the log keeps one.
pub fn record_of(event: &RuntimeEvent) -> Option<RecordV1> {
    use RecordV1 as R;
    Some(match event {
        RuntimeEvent::Partners(e) => R::Partners(e.clone()),
        RuntimeEvent::Roundtable(e) => R::Roundtable(e.clone()),
        RuntimeEvent::Referenda(e) => R::Referenda(e.clone()),
        RuntimeEvent::Scheduler(pallet_scheduler::Event::Dispatched { task, id, result }) => {
            R::Enacted { task: *task, id: *id, result: *result }
        }
        RuntimeEvent::Revenue(e) => match e {
            pallet_revenue::Event::Credited { .. } => return None,
            e => R::Revenue(e.clone()),
        },
        RuntimeEvent::Auction(e) => match e {
            pallet_auction::Event::Committed { .. }
            | pallet_auction::Event::Revealed { .. }
            | pallet_auction::Event::Outbid { .. } => return None,
            e => R::Auction(e.clone()),
        },
        RuntimeEvent::Validators(e) => R::Validators(e.clone()),
        RuntimeEvent::Treasury(e) if is_spend(e) => R::Treasury(e.clone()),
        RuntimeEvent::DevelopmentTreasury(e) if is_spend(e) => R::DevelopmentTreasury(e.clone()),
        RuntimeEvent::InfrastructureTreasury(e) if is_spend(e) => R::InfrastructureTreasury(e.clone()),
        RuntimeEvent::Bridge(e) => R::Bridge(e.clone()),
        RuntimeEvent::Sudo(e) => R::Sudo(e.clone()),
        RuntimeEvent::System(frame_system::Event::CodeUpdated { hash }) => R::RuntimeUpgraded { code_hash: *hash },
        RuntimeEvent::System(frame_system::Event::UpgradeAuthorized { code_hash, check_version }) => {
            R::UpgradeAuthorized { code_hash: *code_hash, check_version: *check_version }
        }
        _ => return None,
    })
}

pub struct RuntimeRecords;
impl pallet_audit::EventRecords<RuntimeEvent, AuditRecord> for RuntimeRecords {
    fn record(event: &RuntimeEvent) -> Option<AuditRecord> {
        record_of(event).map(AuditRecord::V1)
    }
}

parameter_types! {
    /// The log after this block's leaf, for the header.
    pub AuditLogState: pallet_audit::LogState =
        pallet_audit::LogState { leaves: Mmr::mmr_leaves(), root: Mmr::mmr_root() };
}

impl pallet_audit::Config for Runtime {
    type Record = AuditRecord;
    type EventRecords = RuntimeRecords;
    type Log = AuditLogState;
    /// Bounds direct appends only (no pallet appends directly yet); records of events are not
    /// bounded, so that no one can crowd them out.
    type MaxRecordsPerBlock = ConstU32<256>;
    /// A block of 250 transactions (about four events each) is counted in advance; beyond it,
    /// the reading is charged after the fact. Every block's mandatory work must fit in one block
    /// (`the_worst_case_of_every_mandatory_hook_fits_in_one_block`), which bounds this.
    type EventsReserved = ConstU32<1024>;
    type WeightInfo = crate::weights::pallet_audit::WeightInfo<Runtime>;
}

/// Offchain key prefix of the log's nodes (pallet-mmr's and the node's mmr-gadget's).
pub const MMR_INDEXING_PREFIX: &[u8] = b"bpci/audit/mmr/";

impl pallet_mmr::Config for Runtime {
    const INDEXING_PREFIX: &'static [u8] = MMR_INDEXING_PREFIX;
    type Hashing = BlakeTwo256;
    type LeafData = Audit;
    type OnNewRoot = ();
    type BlockHashProvider = pallet_mmr::DefaultBlockHashProvider<Runtime>;
    type WeightInfo = ();
    #[cfg(feature = "runtime-benchmarks")]
    type BenchmarkHelper = ();
}
