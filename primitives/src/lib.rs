//! Types shared by the BPCI runtime and node.
//!
//! The BFT engine signs with BLS12-381 in the *min-pk* variant (48-byte public keys, 96-byte
//! signatures) so that the signatures of a quorum aggregate into one 96-byte signature that a
//! verifier checks with a single pairing equation. Keys are registered with a proof of possession,
//! which makes aggregation safe against rogue-key attacks.
//!
//! The runtime never links blst: it reaches the node's native implementation through the
//! [`host::bpci_bls`] host functions, registered in the executor beside Substrate's own.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod app;
pub mod host;

// The consensus statements, certificates and their checks live in `bpci-verifier`, which partners
// and the dashboard embed without this crate's runtime-interface and runtime-API machinery.
pub use bpci_verifier::{audit, audit_trail, bls, bundle, handover, header, max_faulty, qc, statement, timeout, trie, SetId, ValidatorSet, View};
pub use host::Host;

pub use app::BlsSessionKey;
pub use bls::{BlsPublic, BlsSignature};
pub use qc::{
    Bitfield, CommitCertificate, CommitData, FinalityJustification, FinalityProof, JustificationKind, QuorumCertificate,
    VoteData,
};

use codec::{Decode, DecodeWithMemTracking, Encode};
use scale_info::TypeInfo;
use sp_runtime::ConsensusEngineId;

/// Engine id of the BPCI BFT engine: tags its header digests and finality justifications.
pub const BPCI_ENGINE_ID: ConsensusEngineId = *b"BPCI";

/// Keystore key type of a validator's BLS consensus key.
pub const BLS_KEY_TYPE: sp_core::crypto::KeyTypeId = sp_core::crypto::KeyTypeId(*b"bpcb");

/// Header digest items of the engine.
///
/// Every block carries a `PreRuntime` [`PreDigest`] (who proposed it, in which view, on top of
/// which certified parent) and a `Seal` with the proposer's BLS signature over the pre-seal header.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct PreDigest {
    pub view: View,
    pub set_id: SetId,
    pub proposer_index: u32,
    /// The certificate of the parent block; `None` only for the first block of an epoch. In a
    /// stall block: the sealer's highest certificate, whose block the stall block extends.
    pub justify: Option<QuorumCertificate>,
    /// A stall block: sealed while the set makes no progress, never proposed or voted for. It
    /// carries transactions (governance's forced change) and, when a forced change is pending in
    /// its parent's state, its sealer's consent to it; only stall blocks may follow it.
    pub stall: bool,
}

/// A consensus epoch: the validator set that proposes and certifies a run of blocks, and the block
/// that run starts from.
///
/// Sessions decide *who* validates ([`BpciConsensusApi::validator_set`]); epochs decide *from which
/// block on*. A new epoch starts at a block whose pre-digest names a set id other than its parent's
/// epoch, and only on a parent whose state holds that set and that the outgoing set handed over
/// (an epoch-end certificate in the first block, see `bpci-consensus`) or that enacted a forced
/// change. Until then the outgoing set keeps validating, so a session change never leaves the
/// chain without a set that can certify it.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Default)]
pub struct EpochInfo {
    pub set: ValidatorSet,
    /// The block the epoch's first block extends (`H256::zero()` for the genesis epoch).
    pub root_hash: sp_core::H256,
    pub root_number: u32,
}

/// Whether a stall block sealed by validator `sealer` of a set of `set_len` validators, whose
/// parent is a stall block sealed by `parent_sealer` (`None`: the parent is no stall block),
/// consents to a pending forced change. Only a stall block that joins another validator's run
/// does (or any in a set of one), so that a validator cut off from the rest never consents, and
/// never resigns, on a run of its own. The runtime counts by this rule and the node resigns by it.
pub fn stall_block_consents(set_len: usize, parent_sealer: Option<u32>, sealer: u32) -> bool {
    set_len == 1 || parent_sealer.is_some_and(|p| p != sealer)
}

/// A validator-set change forced by governance (root): the set id it created and the number of
/// the block that enacted it. That block may root a new epoch without a hand-over certificate,
/// which is what restores finality after more than `f` validators are lost for good. The runtime
/// enacts a forced change only in a stall block, once `f + 1` validators of the stalled set have
/// consented by sealing stall blocks on that chain (`pallet-validators`).
pub type ForcedChange = (SetId, u32);

sp_api::decl_runtime_apis! {
    /// What the node needs from the runtime to run the BFT engine.
    pub trait BpciConsensusApi {
        /// The validator set of the current session in this state: the set the next epoch will
        /// have once the current one hands over.
        fn validator_set() -> ValidatorSet;
        /// The epoch that validates blocks built on top of this state, unless such a block starts
        /// a new one.
        fn epoch() -> EpochInfo;
        /// The last forced change, if governance ever made one.
        fn forced_change() -> Option<ForcedChange>;
        /// Whether governance has scheduled a forced change not enacted yet: a stall block built
        /// on this state is its sealer's consent to it.
        fn force_pending() -> bool;
        /// Target time between blocks, in milliseconds.
        fn block_time_ms() -> u64;
    }
}
