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
pub mod bls;
pub mod host;
pub mod qc;

pub use app::BlsSessionKey;
pub use bls::{BlsPublic, BlsSignature};
pub use qc::{Bitfield, FinalityJustification, QuorumCertificate, VoteData};

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode};
use scale_info::TypeInfo;
use sp_runtime::ConsensusEngineId;

/// Engine id of the BPCI BFT engine: tags its header digests and finality justifications.
pub const BPCI_ENGINE_ID: ConsensusEngineId = *b"BPCI";

/// Keystore key type of a validator's BLS consensus key.
pub const BLS_KEY_TYPE: sp_core::crypto::KeyTypeId = sp_core::crypto::KeyTypeId(*b"bpcb");

/// Session index, used as the id of a validator set: every vote names the set it was cast in, so a
/// signature of one set can never be replayed against another.
pub type SetId = u64;

/// A view (round) of the BFT engine.
pub type View = u64;

/// The validator set of a session, in the order that defines leader rotation and bitfield positions.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Default)]
pub struct ValidatorSet {
    pub set_id: SetId,
    pub validators: Vec<BlsPublic>,
}

impl ValidatorSet {
    /// Largest number of byzantine validators the set tolerates: `n = 3f + 1`.
    pub fn max_faulty(&self) -> usize {
        self.validators.len().saturating_sub(1) / 3
    }

    /// Signatures needed for a quorum certificate: `n - f`, which is `2f + 1` when `n = 3f + 1`.
    pub fn quorum(&self) -> usize {
        self.validators.len() - self.max_faulty()
    }

    /// Leader of `view`: simple rotation over the set.
    pub fn leader(&self, view: View) -> Option<(usize, &BlsPublic)> {
        if self.validators.is_empty() {
            return None;
        }
        let i = (view % self.validators.len() as u64) as usize;
        Some((i, &self.validators[i]))
    }
}

/// Header digest items of the engine.
///
/// Every block carries a `PreRuntime` [`PreDigest`] (who proposed it, in which view, on top of
/// which certified parent) and a `Seal` with the proposer's BLS signature over the pre-seal header.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct PreDigest {
    pub view: View,
    pub set_id: SetId,
    pub proposer_index: u32,
    /// The certificate of the parent block; `None` only for children of genesis.
    pub justify: Option<QuorumCertificate>,
}

sp_api::decl_runtime_apis! {
    /// What the node needs from the runtime to run the BFT engine.
    pub trait BpciConsensusApi {
        /// The validator set that signs blocks built on top of this state.
        fn validator_set() -> ValidatorSet;
        /// Target time between blocks, in milliseconds.
        fn block_time_ms() -> u64;
    }
}
