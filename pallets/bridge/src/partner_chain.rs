//! A partner chain's headers and its state as a real trie (the verifier's played chain), for
//! tests and benchmarks (no std needed, so the runtime's benchmarks build what they submit).

use crate::PartnerHeader;
use sp_core::H256;
use sp_runtime::traits::Header as _;

pub use bpci_verifier::testing::{state_with_set, State};

/// A header of number `number` on `parent` with state root `state_root`.
pub fn header(number: u32, parent: H256, state_root: H256) -> PartnerHeader {
    PartnerHeader::new(number, H256::repeat_byte(0xee), state_root, parent, Default::default())
}
