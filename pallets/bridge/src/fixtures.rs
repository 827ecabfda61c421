//! Signatures of a played partner chain for the benchmarks.
//!
//! The runtime cannot sign (the BLS host functions have no `sign`, on purpose: see
//! `bpci_primitives::host`), so benchmarks submit what a partner's validators signed beforehand:
//! `benchmark-fixtures.bin`, written by `cargo test -p pallet-bridge -- --ignored
//! write_benchmark_fixtures` from [`crate::testing`]'s validators. For every set size `n` up to
//! [`MAX`], the first `n - f` validators' aggregates over the statements the benchmarks submit.

use crate::partner_chain::{header, state_with_set};
use crate::PartnerHeader;
use alloc::vec::Vec;
use bpci_primitives::{BlsPublic, BlsSignature, View};
use codec::{Decode, Encode};
use sp_core::H256;

/// Largest set the fixtures, and so the benchmarks, cover. The runtime's `MaxSetSize` may be
/// larger: every weight is linear in the set size.
pub const MAX: u32 = 256;
/// The played chain's genesis hash.
pub const GENESIS: H256 = H256::repeat_byte(0xb5);
/// The view every certificate of the fixtures was made in.
pub const VIEW: View = 7;

#[derive(Encode, Decode, PartialEq, Eq, Debug)]
pub struct Fixtures {
    /// Set 0, `MAX` validators.
    pub keys: Vec<BlsPublic>,
    /// Set 1, `MAX` validators.
    pub next_keys: Vec<BlsPublic>,
    /// `[n - 1]`: set 0's quorum of `n` committing to [`final_header`].
    pub commits: Vec<BlsSignature>,
    /// `[n - 1]`: set 0's quorum of `n` ending its epoch with [`VIEW`] as highest certificate.
    pub epoch_ends: Vec<BlsSignature>,
    /// `[n - 1]`: set 0's quorum of `n` certifying [`root_header`]`(n)` in [`VIEW`].
    pub roots: Vec<BlsSignature>,
}

/// The checkpoint the benchmarks start from, and the finalized header they import.
pub fn checkpoint_header() -> PartnerHeader {
    header(999, H256::zero(), H256::repeat_byte(0xa9))
}

pub fn final_header() -> PartnerHeader {
    header(1000, H256::zero(), H256::repeat_byte(0xaa))
}

/// The root whose state holds the first `n` keys of set 1.
pub fn root_header(next: &[BlsPublic]) -> PartnerHeader {
    header(998, H256::zero(), state_with_set(next, 1, &[]).root)
}

#[cfg(feature = "runtime-benchmarks")]
pub fn load() -> Fixtures {
    Fixtures::decode(&mut &include_bytes!("../benchmark-fixtures.bin")[..]).expect("fixtures decode; qed")
}
