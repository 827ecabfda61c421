//! The fields of a Substrate header a verifier needs, read from its SCALE bytes.
//!
//! A header travels as its exact encoding: its hash is BLAKE2-256 of those bytes, which is what
//! certificates sign, so nothing else in it needs to be trusted or even understood. Only the
//! leading fields are read (`parent_hash`, compact `number`, `state_root`); the digest stays bytes.

use codec::{Compact, Decode};
use sp_core::H256;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeaderFields {
    pub hash: H256,
    pub parent_hash: H256,
    pub number: u32,
    pub state_root: H256,
}

/// Reads a `sp_runtime::generic::Header<u32, BlakeTwo256>` encoding.
pub fn read(bytes: &[u8]) -> Result<HeaderFields, codec::Error> {
    let mut input = bytes;
    let parent_hash = H256::decode(&mut input)?;
    let number = Compact::<u32>::decode(&mut input)?.0;
    let state_root = H256::decode(&mut input)?;
    Ok(HeaderFields { hash: H256(sp_crypto_hashing::blake2_256(bytes)), parent_hash, number, state_root })
}
