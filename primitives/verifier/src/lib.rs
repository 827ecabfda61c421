//! Checks BPCI finality and state offline.
//!
//! Everything a verifier outside the node needs: the BLS types and backends ([`bls`]), the signed
//! statements ([`statement`]), quorum and commit certificates and the finality justification
//! ([`qc`]), timeout and epoch-end certificates ([`timeout`]), and proof bundles ([`bundle`]): a
//! block's finality from a trusted validator set, following set hand-overs, with a read proof of
//! its state; the genesis set proven from the genesis hash ([`genesis`]); and audit exports ([`audit_trail`]): a range of blocks' records, complete and final. `no_std`, no FRAME, no client: what a partner embeds in its runtime or contract, and
//! what the dashboard runs in the browser (the `pure` backend builds for wasm32). The node and the
//! runtime use the same code through `bpci-primitives`.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod audit;
pub mod audit_trail;
pub mod bls;
pub mod bundle;
pub mod genesis;
pub mod handover;
pub mod header;
pub mod qc;
pub mod statement;
#[cfg(feature = "testing")]
pub mod testing;
pub mod timeout;
pub mod trie;

use alloc::vec::Vec;
use bls::BlsPublic;
use codec::{Decode, DecodeWithMemTracking, Encode};
use scale_info::TypeInfo;

/// Session index, used as the id of a validator set: every vote names the set it was cast in, so a
/// signature of one set can never be replayed against another.
pub type SetId = u64;

/// A view (round) of the BFT engine.
pub type View = u64;

/// Largest number of byzantine validators a set of `n` tolerates: `n = 3f + 1`. The one place the
/// rule is written; callers that only know a set's size (the runtime's auction) use it directly.
pub const fn max_faulty(n: usize) -> usize {
    n.saturating_sub(1) / 3
}

/// The validator set of a session, in the order that defines leader rotation and bitfield positions.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Default)]
pub struct ValidatorSet {
    pub set_id: SetId,
    pub validators: Vec<BlsPublic>,
}

impl ValidatorSet {
    /// Largest number of byzantine validators the set tolerates: `n = 3f + 1`.
    pub fn max_faulty(&self) -> usize {
        max_faulty(self.validators.len())
    }

    /// Consents needed to enact a forced change: more than `f` (so that, with crash faults, one
    /// consenter saw every final block's certificate) and at least half the set, so that for an
    /// odd set two disjoint halves of a network split cannot both reach it.
    pub fn forced_change_quorum(&self) -> usize {
        (self.max_faulty() + 1).max(self.validators.len().div_ceil(2))
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

