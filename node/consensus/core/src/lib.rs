//! The BPCI BFT engine as a pure, deterministic state machine.
//!
//! Events go in ([`Engine::on_message`], [`Engine::on_proposal_block_ready`],
//! [`Engine::on_block_built`], [`Engine::on_tick`]), [`Action`]s come out. The engine does no I/O,
//! reads no clock (time is an argument), spawns nothing and draws no randomness, so the same inputs
//! always give the same outputs; this is what lets `tests/simulator.rs` run thousands of seeded
//! executions with partitions, crashes and byzantine validators in one process.
//!
//! # Protocol
//!
//! HotStuff's linear, pipelined pattern with the 2-chain commit rule of Jolteon / DiemBFT v4 and a
//! round change on timeouts:
//!
//! * Views start at 1; genesis is the (implicitly certified) block of view 0. The leader of `v` is
//!   `set.leader(v)`.
//! * **Proposing.** On entering view `v` through a certificate of `v - 1` (a QC, or a timeout
//!   certificate TC), the leader emits [`Action::Propose`] with the block of its highest QC as
//!   parent. Once the glue has built that block it calls [`Engine::on_block_built`]; the engine
//!   persists its vote, broadcasts the signed [`Proposal`] (carrying the parent's QC and, after a
//!   timed-out view, the TC) and votes for its own block.
//! * **Voting.** A validator votes for the first valid proposal of its current view, at most once
//!   per view, never in a view it has timed out, never below a view it voted in, and only if
//!   `justify.view + 1 == view` or (`tc.view + 1 == view` and `justify.view >= ` the highest QC view
//!   reported in the TC). Before the vote leaves, [`Action::PersistSafety`] is emitted so a restart
//!   can never sign twice. The vote goes to the leader of `view + 1` only (linear communication).
//! * **Certifying.** That leader checks each vote's signature on arrival, and once `2f + 1` votes
//!   agree on the same [`VoteData`] aggregates them into a QC, moves to `view + 1` and proposes.
//! * **Committing.** A QC for block `C` whose `parent_view + 1 == C.view` finalizes `C`'s parent `B`:
//!   `2f + 1` validators voted for `C`, so each of them holds `B`'s QC and reports a QC of view at
//!   least `B.view` in every later timeout; any TC therefore forces later leaders onto a branch that
//!   contains `B`, and the voting rule above makes honest validators refuse anything else. The
//!   certificate of `C` is exactly the [`FinalityJustification`] of `B`.
//! * **Commit votes (fast path).** The 2-chain rule waits for the child of `B`, which comes one
//!   block time later. Instead, a validator that receives `B`'s QC (view `v`) before it voted or
//!   timed out in `v + 1` persists the promise "in view `v + 1` I vote only for a child of `B`" and
//!   broadcasts a *commit vote* ([`CommitData`]: `B`, its view, its number). `2f + 1` commit votes
//!   finalize `B` at once as a [`CommitCertificate`]; it is a statement of its own kind, signed
//!   under its own domain, so it can never pass for a certificate of any block. The argument is
//!   the 2-chain one: the `2f + 1` hold `B`'s QC before they sign any timeout of a view `>= v + 1`,
//!   so every later TC reports a QC of view `>= v`, and in `v + 1` itself none of them votes for a
//!   block that does not extend `B`. When commit votes are lost the child's certificate still
//!   finalizes `B` the 2-chain way.
//! * **Timeouts.** If a view makes no progress before its deadline, a validator signs
//!   `(set_id, view, high_qc_view)`, persists, broadcasts it (and re-broadcasts it every timeout
//!   period until the view ends, since messages can be lost). `f + 1` timeouts of the current view
//!   make a validator join early (at least one honest node gave up, so the view is lost anyway);
//!   `2f + 1` form a TC that moves everyone to `view + 1`. The deadline of a view is
//!   `min(base * 2^k, max)` where `k` is the number of consecutive views that ended by timeout, so
//!   that after asynchrony the views grow until they are long enough for a round trip.
//! * **View synchronization.** Every certificate seen in any message (a proposal's QC or TC, a
//!   timeout's high QC or the TC through which its sender entered its view) is adopted, so a node
//!   that missed messages jumps to where the others are as soon as it hears from any of them.
//!
//! # Protocol with the glue
//!
//! * Build with [`Engine::new`], then call [`Engine::start`]. Call [`Engine::on_tick`] no later than
//!   [`Engine::next_deadline`].
//! * Decode every received gossip message with `Message::decode` and pass it to
//!   [`Engine::on_message`] (drop what does not decode, and lower the sender's reputation).
//!   A proposal is verified and remembered there, but **never voted for there**: the engine votes
//!   only once the glue calls [`Engine::on_proposal_block_ready`]`(view, hash)` after importing and
//!   executing the block successfully. The two calls may come in either order (the block may arrive
//!   by sync before the proposal message): whichever comes second triggers the vote. The glue may
//!   call `on_proposal_block_ready` for every imported block that carries an engine pre-digest;
//!   blocks nobody proposed in the current view are ignored.
//! * On [`Action::Propose`], build a block on the given parent, put [`Engine::proposal_justify`] in
//!   its pre-digest, import it and call [`Engine::on_block_built`].
//! * Execute actions **in order**: a [`Action::PersistSafety`] must be durable before any later
//!   message of the same list leaves the node. On restart pass the last persisted [`SafetyData`]
//!   (or `SafetyData::default()` the very first time) to [`Engine::new`].
//!
//! # Where each rule lives
//!
//! * `safety`: the persisted safety data, the voting rule and every signature (the only signer);
//! * `validation`: checks of what peers send (signatures, certificates, proposals);
//! * `aggregator`: votes, commit votes and timeouts into certificates, equivocation evidence;
//! * `pacemaker`: views, timeouts and back-off;
//! * `proposer`: the leader's proposal and the glue's "block imported" report;
//! * `finality`: the commit rules and the epoch's roots;
//! * `epoch`: ending an epoch;
//! * `messages` and `crypto`: the wire format and the signature scheme.
//!
//! # Bounded memory
//!
//! Votes and timeouts are kept only for views in `[view - 1, view + VIEW_WINDOW]`, proposals for the
//! last few views, known block headers up to [`BLOCK_CACHE`], evidence up to [`MAX_EVIDENCE`].

use bpci_primitives::qc::{
    Bitfield, BlockNumber, CommitCertificate, CommitData, FinalityJustification, FinalityProof, QuorumCertificate, VoteData,
};
use bpci_primitives::{BlsSignature, ValidatorSet, View};
use codec::{Decode, DecodeWithMemTracking, Encode};
use scale_info::TypeInfo;
use sp_core::H256;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

mod aggregator;
pub mod crypto;
mod epoch;
mod finality;
pub mod leaders;
pub mod messages;
mod pacemaker;
mod proposer;
mod safety;
mod validation;

use aggregator::{Collector, TimeoutCollector};
pub use aggregator::Evidence;
pub use crypto::{verify_justification, verify_proof, verify_qc, Bls, Crypto};
pub use epoch::{EPOCH_END, MAX_ROOTS};
use finality::proof_message;
pub use pacemaker::Config;
use proposer::Build;
pub use safety::SafetyData;
pub use messages::{
    CheckTimeoutCertificate, Message, Proposal, SignedCommitVote, SignedProposal, SignedTimeout, SignedVote, TimeoutCertificate, TimeoutData,
    TimeoutGroup,
};

#[cfg(test)]
mod tests;

/// How far ahead of the current view votes and timeouts are kept.
pub const VIEW_WINDOW: View = 32;
/// Most imported blocks remembered per view while waiting for that view's proposal.
pub const MAX_READY_PER_VIEW: usize = 4;
/// Most equivocation proofs kept.
pub const MAX_EVIDENCE: usize = 256;
/// Most block headers remembered (to name a finalized block's parent).
pub const BLOCK_CACHE: usize = 1024;
/// Outstanding [`Action::NeedSchedule`] requests remembered (so that each is made once).
pub const MAX_SCHEDULE_REQUESTS: usize = 64;
/// How many verified certificates are remembered to skip re-verifying copies.
const VERIFIED_CACHE: usize = 32;


/// Sizes of the engine's bounded collections (see "Bounded memory").
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemoryStats {
    pub proposals: usize,
    pub ready: usize,
    pub vote_views: usize,
    pub votes: usize,
    pub timeout_views: usize,
    pub timeouts: usize,
    pub blocks: usize,
    pub evidence: usize,
    pub roots: usize,
    pub verified: usize,
}

/// A block as the engine sees it.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct BlockInfo {
    pub hash: H256,
    pub number: BlockNumber,
    pub parent_hash: H256,
}



/// What the glue must do, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// I am the leader of `view`: build a block on top of `parent` (hash/number of the highest
    /// certified block, or genesis) and call [`Engine::on_block_built`].
    Propose { view: View, parent_hash: H256, parent_number: BlockNumber },
    Broadcast(Message),
    SendTo(u32, Message),
    /// Must be durably stored before any later `Broadcast`/`SendTo` of the same action list is sent.
    PersistSafety(SafetyData),
    /// `block` is final (2-chain rule) and `justification` proves it. Emitted once, in increasing
    /// number order, only for the highest newly final block; its unreported ancestors are final
    /// too. `block.parent_hash` is `H256::zero()` in the rare case the engine never saw `block`'s
    /// own header (it learned its child's certificate only); hash and number are always exact.
    Finalize { block: BlockInfo, justification: FinalityJustification },
    /// Two different signed statements of one validator for one view.
    Equivocation(Evidence),
    /// `2f + 1` validators ended the epoch (see [`EPOCH_END`]): the next epoch starts on the block
    /// of the certificate's `high_qc`, and this engine has nothing left to do. Emitted once.
    EpochEnded(TimeoutCertificate),
    /// A message failed checks: lower the sending peer's reputation.
    Misbehaviour { reason: &'static str },
    /// The engine needs the leader schedule of this block (to propose on it, or to check a
    /// proposal on it) and does not have it: never noted, or evicted. Compute it and call
    /// [`Engine::note_schedule`] if the block is imported; its import will do otherwise.
    NeedSchedule(H256),
}



/// The engine. `C` is the signature scheme; production uses the default, [`Bls`].
pub struct Engine<C: Crypto = Bls> {
    config: Config,
    /// Genesis hash of the chain: every statement signed or checked here names it.
    chain: H256,
    set: ValidatorSet,
    me: Option<(u32, C::Key)>,
    /// As last emitted in `PersistSafety`.
    safety: SafetyData,
    /// The root this node's proposals extend when it has no certificate of this epoch yet.
    genesis: BlockInfo,
    /// Every block this epoch may start from: genesis for the first epoch; for a later one each
    /// block some epoch-end certificate (or forced change) made a root. Roots rank as certified
    /// at view 0, below every certificate of the epoch, so they play genesis' part in the
    /// voting rule; the glue verifies a root's hand-over before adding it.
    roots: BTreeMap<H256, BlockInfo>,
    view: View,
    high_qc: Option<QuorumCertificate>,
    /// Highest TC seen.
    high_tc: Option<TimeoutCertificate>,
    /// The TC of `view - 1`, if that is how this view was entered.
    last_tc: Option<TimeoutCertificate>,
    /// Consecutive views that ended by timeout.
    failures: u32,
    deadline: u64,
    last_finalized: BlockInfo,
    /// Checked proposals of each view near the current one, at most one per proposer: with leader
    /// reputation, blocks on different parents (forks after a timeout) may have different leaders
    /// of the same view.
    proposals: BTreeMap<View, Vec<SignedProposal>>,
    /// Imported blocks of each view near the current one (at most [`MAX_READY_PER_VIEW`] each).
    ready: BTreeMap<View, VecDeque<H256>>,
    build: Option<Build>,
    proposed_view: View,
    votes: BTreeMap<View, Collector<SignedVote>>,
    /// Commit votes, collected by everyone (they are broadcast), by the view of the block they commit.
    commits: BTreeMap<View, Collector<SignedCommitVote>>,
    timeouts: BTreeMap<View, TimeoutCollector>,
    my_timeout: Option<SignedTimeout>,
    blocks: HashMap<H256, BlockInfo>,
    block_order: VecDeque<H256>,
    /// Who leads the views that may extend each recently imported block (the glue's
    /// [`Engine::note_schedule`]), at most [`BLOCK_CACHE`].
    schedules: HashMap<H256, leaders::Schedule>,
    schedule_order: VecDeque<H256>,
    /// Proposals whose parent's schedule is not known yet (its block not imported here), by view:
    /// checked once it is. One per view and proposer, views as for votes.
    unscheduled: BTreeMap<View, Vec<SignedProposal>>,
    /// Blocks whose schedule was asked for ([`Action::NeedSchedule`]) and not noted since, at most
    /// [`MAX_SCHEDULE_REQUESTS`]: each is asked for once.
    schedule_requests: VecDeque<H256>,
    evidence: Vec<Evidence>,
    evidence_seen: BTreeSet<(u8, u32, View)>,
    verified: VecDeque<[u8; 32]>,
    /// This validator's signed epoch-end statement, re-broadcast every timeout period.
    my_epoch_end: Option<SignedTimeout>,
    /// The certificate that proved the next set's block final, re-broadcast with the statement:
    /// it is what lets every other validator see the same and join.
    end_proof: Option<FinalityProof>,
    epoch_end: Option<TimeoutCertificate>,
}

impl Engine<Bls> {
    /// `chain` = the chain's genesis hash. `me` = the node's BLS key when it is a validator of
    /// `set` (its index is found by public key), `None` for an observer, which verifies and
    /// finalizes but never signs. `genesis` is the epoch's root: the chain's genesis block in
    /// the first epoch.
    pub fn new(
        config: Config,
        chain: H256,
        set: ValidatorSet,
        me: Option<bpci_primitives::bls::native::Keypair>,
        safety: SafetyData,
        genesis: BlockInfo,
        now_ms: u64,
    ) -> Self {
        Self::with_crypto(config, chain, set, me, safety, genesis, now_ms)
    }
}

impl<C: Crypto> Engine<C> {
    /// [`Engine::new`] for any signature scheme.
    pub fn with_crypto(
        config: Config,
        chain: H256,
        set: ValidatorSet,
        me: Option<C::Key>,
        safety: SafetyData,
        genesis: BlockInfo,
        now_ms: u64,
    ) -> Self {
        // A validator that resigned from this epoch runs it as an observer.
        let me = me.filter(|_| !safety.resigned).and_then(|key| {
            let public = C::public(&key);
            let index = set.validators.iter().position(|v| *v == public)?;
            Some((index as u32, key))
        });
        let high_qc = safety.high_qc.clone();
        let qc_view = high_qc.as_ref().map_or(0, |qc| qc.data.view);
        let high_tc = safety.high_tc.clone();
        let tc_view = high_tc.as_ref().map_or(0, |tc| tc.view);
        // Resume after the highest persisted certificate: every view this node acted in was
        // entered through a certificate persisted with that action, so this is never below them
        // (the maximum only guards against data persisted by older versions).
        let view = qc_view
            .max(tc_view)
            .saturating_add(1)
            .max(safety.last_voted_view)
            // An ended epoch signs nothing more; its statement is no view to resume in.
            .max(if safety.last_timeout_view == EPOCH_END { 0 } else { safety.last_timeout_view })
            .max(1);
        let last_tc = high_tc.clone().filter(|tc| tc.view.checked_add(1) == Some(view));
        let mut engine = Self {
            deadline: now_ms.saturating_add(config.timeout_ms(0)),
            config,
            chain,
            set,
            me,
            safety,
            last_finalized: genesis.clone(),
            genesis,
            view,
            high_qc: None,
            high_tc,
            last_tc,
            failures: 0,
            proposals: BTreeMap::new(),
            ready: BTreeMap::new(),
            build: None,
            proposed_view: 0,
            votes: BTreeMap::new(),
            commits: BTreeMap::new(),
            timeouts: BTreeMap::new(),
            my_timeout: None,
            blocks: HashMap::new(),
            block_order: VecDeque::new(),
            schedules: HashMap::new(),
            schedule_order: VecDeque::new(),
            unscheduled: BTreeMap::new(),
            schedule_requests: VecDeque::new(),
            evidence: Vec::new(),
            evidence_seen: BTreeSet::new(),
            verified: VecDeque::new(),
            my_epoch_end: None,
            end_proof: None,
            epoch_end: None,
            roots: BTreeMap::new(),
        };
        engine.roots.insert(engine.genesis.hash, engine.genesis.clone());
        if let Some(qc) = high_qc {
            engine.remember_qc_block(&qc);
            engine.high_qc = Some(qc);
        }
        engine
    }

    /// How many items each bounded collection holds: what a flood of messages could grow.
    pub fn memory_stats(&self) -> MemoryStats {
        MemoryStats {
            proposals: self.proposals.values().chain(self.unscheduled.values()).map(Vec::len).sum::<usize>(),
            ready: self.ready.values().map(|blocks| blocks.len()).sum(),
            vote_views: self.votes.len(),
            votes: self.votes.values().map(|c| c.by_voter.len()).sum(),
            timeout_views: self.timeouts.len(),
            timeouts: self.timeouts.values().map(|c| c.by_voter.len()).sum(),
            blocks: self.blocks.len() + self.schedules.len(),
            evidence: self.evidence.len() + self.evidence_seen.len(),
            roots: self.roots.len(),
            verified: self.verified.len(),
        }
    }

    pub fn start(&mut self, now_ms: u64) -> Vec<Action> {
        let mut out = Vec::new();
        self.deadline = now_ms.saturating_add(self.current_timeout());
        self.maybe_propose(&mut out);
        out
    }

    pub fn view(&self) -> View {
        self.view
    }

    /// The leader of `view` on the block this node would extend now (its highest certified block),
    /// if this node knows that block's schedule.
    pub fn leader(&self, view: View) -> Option<u32> {
        self.leader_on(view, &self.proposal_parent().0)
    }

    pub fn high_qc(&self) -> Option<&QuorumCertificate> {
        self.high_qc.as_ref()
    }

    pub fn last_finalized(&self) -> &BlockInfo {
        &self.last_finalized
    }

    pub fn evidence(&self) -> &[Evidence] {
        &self.evidence
    }

    /// When [`Engine::on_tick`] should next be called.
    pub fn next_deadline(&self) -> u64 {
        self.deadline
    }

    /// This node's index in the validator set, if it is a validator.
    pub fn my_index(&self) -> Option<u32> {
        self.me.as_ref().map(|(i, _)| *i)
    }

    pub fn validator_set(&self) -> &ValidatorSet {
        &self.set
    }

    pub fn safety_data(&self) -> &SafetyData {
        &self.safety
    }

    pub fn on_message(&mut self, msg: Message, now_ms: u64) -> Vec<Action> {
        let mut out = Vec::new();
        match msg {
            Message::Proposal(p) => self.handle_proposal(p, now_ms, &mut out),
            Message::Vote(v) => self.handle_vote(v, now_ms, &mut out),
            Message::Commit(v) => self.handle_commit_vote(v, &mut out),
            Message::Timeout(t) => self.handle_timeout(t, now_ms, &mut out),
            Message::Certificate(qc) => self.handle_certificate(qc, now_ms, &mut out),
            Message::CommitCertificate(cc) => self.handle_commit_certificate(cc, &mut out),
        }
        out
    }

    // ---- internals ----

    fn n(&self) -> usize {
        self.set.validators.len()
    }

    fn high_qc_view(&self) -> View {
        self.high_qc.as_ref().map_or(0, |qc| qc.data.view)
    }

    fn justify_view(&self, p: &Proposal) -> View {
        p.justify_view()
    }

}

