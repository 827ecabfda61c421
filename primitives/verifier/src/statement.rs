//! The bytes every BPCI consensus signature covers.
//!
//! A signature must count for exactly one purpose, on exactly one chain: a vote is no commit
//! vote, a commit vote is no vote, and a testnet's certificate is no mainnet certificate even when
//! operators reuse keys (the genesis hash names a genesis state: a chain relaunched from a
//! regenerated spec gets a new one, a relaunch from the very same spec does not).
//! So every signed statement starts with the same fixed-size header: the tag `BPCI`, the format
//! version, the statement's kind and the genesis hash of the chain it was signed on, followed by
//! the SCALE encoding of the statement (which names its validator set id). The header has a fixed
//! length and the kind is one byte, so no statement of one kind is a prefix or re-reading of
//! another; the version byte (2) differs from the `-` that follows `BPCI` in the proof of
//! possession and key-derivation strings.

use alloc::vec::Vec;
use codec::Encode;
use sp_core::H256;

/// Format version of signed statements (version 1 bound neither kind bytes nor the chain).
pub const STATEMENT_VERSION: u8 = 2;

/// What a signature says. Each kind is checked by exactly one kind of verifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum StatementKind {
    /// A leader's proposal of a block in a view.
    Proposal = 1,
    /// A vote for a block; 2f+1 form a quorum certificate.
    Vote = 2,
    /// A commit vote: "I hold this block's certificate and in the next view vote only for its
    /// children"; 2f+1 finalize the block.
    Commit = 3,
    /// A timeout (or epoch-end statement); 2f+1 form a timeout certificate.
    Timeout = 4,
    /// A block author's seal over the pre-seal header hash.
    Seal = 5,
    /// A validator's binding of its BLS key to its network identity (the consensus protocol's
    /// handshake): only bound peers make a node check consensus signatures.
    PeerBinding = 6,
}

/// The signed bytes of `statement` of `kind` on the chain whose genesis hash is `genesis`.
pub fn signing_message<T: Encode + ?Sized>(kind: StatementKind, genesis: &H256, statement: &T) -> Vec<u8> {
    let mut m = Vec::with_capacity(38 + statement.size_hint());
    m.extend_from_slice(b"BPCI");
    m.push(STATEMENT_VERSION);
    m.push(kind as u8);
    m.extend_from_slice(genesis.as_bytes());
    statement.encode_to(&mut m);
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_and_chain_change_the_signed_bytes() {
        let g = H256::repeat_byte(1);
        let data = (7u64, 9u64);
        let vote = signing_message(StatementKind::Vote, &g, &data);
        assert_ne!(vote, signing_message(StatementKind::Commit, &g, &data));
        assert_ne!(vote, signing_message(StatementKind::Vote, &H256::repeat_byte(2), &data));
        assert_eq!(vote.len(), 38 + 16);
        // Never a proof-of-possession or key-derivation string.
        assert_ne!(vote[4], b'-');
    }
}
