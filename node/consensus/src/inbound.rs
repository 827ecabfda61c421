//! What happens to the bytes a peer sends on the consensus protocol, before and after the engine.
//!
//! Everything a peer sends is untrusted. The policy, in one place so that it can be tested without
//! a network:
//! - from a peer not bound to a validator's key: dropped before decoding; from a bound key that is
//!   not in the set the message is for (the running set, or the next set for its messages), see
//!   [`admits`]: dropped before any signature check; both without penalty;
//! - more than [`MAX_MESSAGE_SIZE`] bytes (the network layer refuses those already), or bytes that
//!   do not decode as exactly one [`Message`]: [`BAD_MESSAGE`], the message is dropped;
//! - a message the engine finds invalid (bad signature, a proposer that does not lead its view, a
//!   certificate without quorum, a vote of an unknown validator, ...): [`MISBEHAVIOUR`];
//! - a message of a later validator set: kept (at most [`MAX_FUTURE_MESSAGES`]) until this node
//!   enters that epoch, since the next epoch may start elsewhere a moment before here;
//! - a message of an earlier set, or a valid one for a view long past or too far ahead: dropped
//!   without penalty. Honest validators send those when they lag or restart, and the engine
//!   keeps votes and timeouts only for views near its own, so they cost no memory.

use bpci_consensus_core::{Action, Engine, Message};
use bpci_primitives::{BlsPublic, SetId, ValidatorSet};
use codec::DecodeAll;
use sc_network::ReputationChange;
use std::collections::VecDeque;

/// Consensus messages above this size are not ours: the largest, a proposal carrying a QC and a
/// TC of 128 validators, is a few kilobytes.
pub const MAX_MESSAGE_SIZE: u64 = 64 * 1024;

/// Consensus messages of a later validator set kept until this node enters that epoch.
pub const MAX_FUTURE_MESSAGES: usize = 256;

pub const BAD_MESSAGE: ReputationChange = ReputationChange::new(-(1 << 12), "BPCI: undecodable message");
pub const BAD_BINDING: ReputationChange = ReputationChange::new(-(1 << 12), "BPCI: bad key binding");
pub const MISBEHAVIOUR: ReputationChange = ReputationChange::new(-(1 << 10), "BPCI: invalid consensus message");

pub fn message_set_id(msg: &Message) -> SetId {
    match msg {
        Message::Proposal(p) => p.proposal.set_id,
        Message::Vote(v) => v.data.set_id,
        Message::Commit(v) => v.data.set_id,
        Message::Timeout(t) => t.data.set_id,
        Message::Certificate(qc) => qc.data.set_id,
        Message::CommitCertificate(cc) => cc.data.set_id,
    }
}

/// Whether a consensus message of set `msg_set` from a peer bound to `sender` may go on to be
/// decoded and have its signatures checked, while this node runs `set` and the next set's keys
/// (the session set) are `next`. Only validators send consensus messages that count, so everything
/// from anyone else is dropped unchecked, without penalty (see [`crate::binding`]).
pub fn admits(sender: Option<&BlsPublic>, set: &ValidatorSet, next: &[BlsPublic], msg_set: SetId) -> bool {
    let Some(key) = sender else { return false };
    match msg_set.cmp(&set.set_id) {
        std::cmp::Ordering::Equal => set.validators.contains(key),
        // Only the next set: nothing else can be entered from here, and a member must not fill
        // the queue of later messages with sets that never come.
        std::cmp::Ordering::Greater => msg_set == set.set_id.saturating_add(1) && next.contains(key),
        std::cmp::Ordering::Less => false,
    }
}

/// Decodes what a peer sent; `Err` carries the penalty.
pub fn decode(bytes: &[u8]) -> Result<Message, ReputationChange> {
    if bytes.len() as u64 > MAX_MESSAGE_SIZE {
        return Err(BAD_MESSAGE);
    }
    Message::decode_all(&mut &bytes[..]).map_err(|_| BAD_MESSAGE)
}

/// Hands a decoded message to `engine` (running set `set_id`); returns the actions to carry out
/// and the sender's penalty, if it earned one.
pub fn deliver(
    engine: &mut Engine,
    future: &mut VecDeque<Message>,
    msg: Message,
    now_ms: u64,
) -> (Vec<Action>, Option<ReputationChange>) {
    let set_id = engine.validator_set().set_id;
    let msg_set = message_set_id(&msg);
    if msg_set > set_id {
        if future.len() >= MAX_FUTURE_MESSAGES {
            future.pop_front();
        }
        future.push_back(msg);
        return (Vec::new(), None);
    }
    if msg_set < set_id {
        return (Vec::new(), None);
    }
    let mut report = None;
    let mut actions = Vec::new();
    for action in engine.on_message(msg, now_ms) {
        if let Action::Misbehaviour { reason } = action {
            log::debug!(target: "bpci", "dropped message: {reason}");
            report = Some(MISBEHAVIOUR);
        } else {
            actions.push(action);
        }
    }
    (actions, report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bpci_consensus_core::{
        BlockInfo, Config, Proposal, SafetyData, SignedProposal, SignedTimeout, SignedVote, TimeoutData, BLOCK_CACHE,
        MAX_EVIDENCE, VIEW_WINDOW,
    };
    use bpci_primitives::bls::native::Keypair;
    use bpci_primitives::qc::{Bitfield, QuorumCertificate, VoteData};
    use bpci_primitives::ValidatorSet;
    use codec::Encode;
    use sp_core::H256;

    const SET: SetId = 7;
    const GENESIS: H256 = H256::repeat_byte(1);

    fn key(i: usize) -> Keypair {
        Keypair::from_ikm(&[i as u8 + 1; 32]).unwrap()
    }

    fn set() -> ValidatorSet {
        ValidatorSet { set_id: SET, validators: (0..4).map(|i| key(i).public).collect() }
    }

    fn engine(me: usize) -> Engine {
        let genesis = BlockInfo { hash: GENESIS, number: 0, parent_hash: H256::zero() };
        let config = Config { base_timeout_ms: 1000, max_timeout_ms: 8000 };
        let mut e = Engine::new(config, GENESIS, set(), Some(key(me)), SafetyData::default(), genesis, 0);
        e.start(0);
        e
    }

    fn vote(i: usize, view: u64, set_id: SetId) -> Message {
        let data = VoteData {
            set_id,
            view,
            block_hash: H256::from_low_u64_be(view),
            block_number: view as u32,
            parent_hash: H256::from_low_u64_be(view - 1),
            parent_view: view - 1,
        };
        let signature = key(i).sign(&data.signing_message(&GENESIS));
        Message::Vote(SignedVote { data, voter: i as u32, signature })
    }

    fn timeout(i: usize, view: u64) -> Message {
        let data = TimeoutData { set_id: SET, view, high_qc_view: 0 };
        let signature = key(i).sign(&data.signing_message(&GENESIS));
        Message::Timeout(SignedTimeout { data, voter: i as u32, signature, high_qc: None, last_tc: None })
    }

    fn receive(e: &mut Engine, future: &mut VecDeque<Message>, bytes: &[u8]) -> Option<ReputationChange> {
        match decode(bytes) {
            Err(penalty) => Some(penalty),
            Ok(msg) => deliver(e, future, msg, 10).1,
        }
    }

    #[test]
    fn malformed_oversized_and_wrongly_signed_messages_cost_reputation() {
        let mut e = engine(1);
        let mut future = VecDeque::new();
        // Not a message, a message with trailing bytes, an oversized one.
        assert_eq!(receive(&mut e, &mut future, b"\xff\x00garbage"), Some(BAD_MESSAGE));
        let mut trailing = vote(0, 1, SET).encode();
        trailing.push(0);
        assert_eq!(receive(&mut e, &mut future, &trailing), Some(BAD_MESSAGE));
        assert_eq!(receive(&mut e, &mut future, &vec![0u8; MAX_MESSAGE_SIZE as usize + 1]), Some(BAD_MESSAGE));
        // A vote for this node to aggregate (validator 1 leads view 5, so it collects view 4's
        // votes), signed by the wrong key.
        let Message::Vote(mut v) = vote(0, 4, SET) else { unreachable!() };
        v.signature = key(3).sign(&v.data.signing_message(&GENESIS));
        assert_eq!(receive(&mut e, &mut future, &Message::Vote(v).encode()), Some(MISBEHAVIOUR));
        // A proposal from a validator that does not lead its view.
        let block = BlockInfo { hash: H256::repeat_byte(9), number: 1, parent_hash: H256::repeat_byte(1) };
        let proposal = Proposal { set_id: SET, view: 1, block, justify: None, tc: None };
        let signature = key(2).sign(&proposal.signing_message(&GENESIS));
        let sp = SignedProposal { proposal, proposer: 2, signature };
        assert_eq!(receive(&mut e, &mut future, &Message::Proposal(sp).encode()), Some(MISBEHAVIOUR));
        // A certificate without a quorum.
        let Message::Vote(v) = vote(0, 3, SET) else { unreachable!() };
        let mut signers = Bitfield::new(4);
        signers.set(0);
        let qc = QuorumCertificate { data: v.data, signers, signature: v.signature };
        assert_eq!(receive(&mut e, &mut future, &Message::Certificate(qc).encode()), Some(MISBEHAVIOUR));
        // A vote of a validator index the set does not have.
        let Message::Vote(mut v) = vote(0, 4, SET) else { unreachable!() };
        v.voter = 99;
        assert_eq!(receive(&mut e, &mut future, &Message::Vote(v).encode()), Some(MISBEHAVIOUR));
        // None of it moved the engine.
        assert_eq!(e.view(), 1);
        assert!(e.high_qc().is_none());
    }

    /// Issue 9, finding 6: a peer that is not a bound validator cannot make this node check a
    /// signature, however many messages it sends; a bound validator of the set can, and a key of
    /// the next set only for that set's messages.
    #[test]
    fn only_bound_validators_reach_signature_checks() {
        let set = set();
        let outsider = key(9).public;
        let next = vec![key(0).public, outsider.clone()];
        let member = set.validators[2].clone();
        assert!(!admits(None, &set, &next, SET), "an unbound peer (a full node, anyone)");
        assert!(!admits(Some(&outsider), &set, &[], SET), "a bound key outside the set");
        assert!(admits(Some(&member), &set, &next, SET));
        assert!(!admits(Some(&member), &set, &[], SET + 1), "a later set's message from a key not in it");
        assert!(admits(Some(&outsider), &set, &next, SET + 1), "a joining validator's message for its set");
        assert!(!admits(Some(&outsider), &set, &next, SET + 2), "a set after the next");
        assert!(!admits(Some(&member), &set, &next, SET - 1), "an ended set");
    }

    #[test]
    fn stale_future_and_other_set_messages_are_dropped_without_penalty() {
        let mut e = engine(1);
        let mut future = VecDeque::new();
        // Far ahead of the view window: a lagging or restarted honest validator may send it.
        assert_eq!(receive(&mut e, &mut future, &vote(0, 1 + 10 * VIEW_WINDOW, SET).encode()), None);
        // An ended epoch's straggler.
        assert_eq!(receive(&mut e, &mut future, &vote(0, 1, SET - 1).encode()), None);
        // The next epoch's message is kept for later, boundedly.
        for i in 0..(MAX_FUTURE_MESSAGES + 50) {
            assert_eq!(receive(&mut e, &mut future, &vote(0, 1 + i as u64, SET + 1).encode()), None);
        }
        assert_eq!(future.len(), MAX_FUTURE_MESSAGES);
        assert_eq!(e.view(), 1);
        assert_eq!(e.memory_stats().votes, 0);
    }

    /// A flood of validly signed votes and timeouts for every view, plus garbage, from all four
    /// validators: the engine's collections stay within their bounds and the node keeps working
    /// (a quorum of timeouts afterwards still moves it on).
    #[test]
    fn a_flood_is_bounded_in_memory_and_does_not_stall_the_engine() {
        let mut e = engine(1);
        let mut future = VecDeque::new();
        let mut penalties = 0;
        for view in 1..3000u64 {
            for i in [0usize, 2, 3] {
                let msgs = [vote(i, view, SET), timeout(i, view + 1)];
                for m in msgs {
                    if receive(&mut e, &mut future, &m.encode()).is_some() {
                        penalties += 1;
                    }
                }
            }
            let mut junk = view.encode();
            junk.extend_from_slice(&[0xab; 40]);
            if receive(&mut e, &mut future, &junk).is_some() {
                penalties += 1;
            }
            let s = e.memory_stats();
            assert!(s.vote_views <= VIEW_WINDOW as usize + 2 && s.timeout_views <= VIEW_WINDOW as usize + 2, "{s:?}");
            assert!(s.votes <= 4 * (VIEW_WINDOW as usize + 2) && s.timeouts <= 4 * (VIEW_WINDOW as usize + 2), "{s:?}");
            assert!(s.blocks <= BLOCK_CACHE && s.evidence <= 5 * MAX_EVIDENCE && s.ready <= 4 * VIEW_WINDOW as usize, "{s:?}");
        }
        assert_eq!(penalties, 2999, "only the junk is penalized: valid statements are not misbehaviour");
        // Timeouts of three validators form certificates, so the flood itself moved the node's
        // view on; it is still responsive: a quorum of timeouts of its current view moves it again.
        let view = e.view();
        assert!(view > 1);
        for i in [0usize, 2, 3] {
            receive(&mut e, &mut future, &timeout(i, view).encode());
        }
        assert_eq!(e.view(), view + 1);
    }
}
