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

pub mod crypto;
pub mod messages;

pub use crypto::{verify_justification, verify_proof, verify_qc, Bls, Crypto};
pub use messages::{
    Message, Proposal, SignedCommitVote, SignedProposal, SignedTimeout, SignedVote, TimeoutCertificate, TimeoutData,
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
/// How many verified certificates are remembered to skip re-verifying copies.
const VERIFIED_CACHE: usize = 32;

/// The view an epoch-end statement times out: "I give up on every view of this epoch".
///
/// Ending an epoch is a timeout for the last possible view. The existing safety rules then do all
/// the work: a validator that signed it has `last_timeout_view == EPOCH_END`, so it never votes,
/// proposes or times out again in this epoch, and `2f + 1` such statements form a
/// [`TimeoutCertificate`] whose highest reported QC extends every block the epoch committed
/// (the Jolteon argument for any TC). That certificate is the epoch-end certificate: the next
/// epoch starts on the block of its `high_qc`.
pub const EPOCH_END: View = View::MAX;

/// Most roots an epoch accepts.
pub const MAX_ROOTS: usize = 16;

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

/// Timer configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Timeout of a view after a successful one.
    pub base_timeout_ms: u64,
    /// Cap of the exponential back-off.
    pub max_timeout_ms: u64,
}

impl Config {
    /// Timeout of a view entered after `failures` consecutive timed-out views.
    pub fn timeout_ms(&self, failures: u32) -> u64 {
        let base = self.base_timeout_ms.max(1);
        let max = self.max_timeout_ms.max(base);
        base.checked_shl(failures).filter(|t| *t >> failures == base).map_or(max, |t| t.min(max))
    }
}

/// What a validator must remember across restarts so that it never signs conflicting messages.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Default)]
pub struct SafetyData {
    /// Highest view voted in.
    pub last_voted_view: View,
    /// Highest view timed out in.
    pub last_timeout_view: View,
    /// View of `high_qc` when last persisted: the lowest certificate this node may ever report.
    pub locked_qc_view: View,
    /// Highest certificate known when last persisted. A timeout re-signed after a restart in
    /// `last_timeout_view` reports this one, which makes it identical to the one signed before.
    pub high_qc: Option<QuorumCertificate>,
    /// Highest timeout certificate known when last persisted (an addition to the original shape).
    /// A restarted node resumes in the view after its highest certificate, QC or TC, and must be
    /// able to show that certificate: a node sitting in a view it cannot justify sends timeouts
    /// that let nobody catch up, and with enough such nodes the views never meet again.
    pub high_tc: Option<TimeoutCertificate>,
    /// The view of this validator's last commit vote, and the block it promised to extend in
    /// that view (see "Commit votes" in the crate docs).
    pub commit_view: View,
    pub commit_parent: H256,
}

/// Proof that a validator signed two different statements for one view.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub enum Evidence {
    Proposal(SignedProposal, SignedProposal),
    Vote(SignedVote, SignedVote),
    Commit(SignedCommitVote, SignedCommitVote),
    /// The timeouts' certificate attachments are stripped; the signatures cover `data` only.
    Timeout(SignedTimeout, SignedTimeout),
}

impl Evidence {
    /// Index of the equivocating validator and the view.
    pub fn offender(&self) -> (u32, View) {
        match self {
            Evidence::Proposal(a, _) => (a.proposer, a.proposal.view),
            Evidence::Vote(a, _) => (a.voter, a.data.view),
            Evidence::Commit(a, _) => (a.voter, a.data.view),
            Evidence::Timeout(a, _) => (a.voter, a.data.view),
        }
    }

    fn kind(&self) -> u8 {
        match self {
            Evidence::Proposal(..) => 0,
            Evidence::Vote(..) => 1,
            Evidence::Timeout(..) => 2,
            Evidence::Commit(..) => 3,
        }
    }
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
}

/// A signed statement that `2f + 1` validators aggregate when they agree: votes and commit votes.
trait Aggregatable: Clone + PartialEq {
    type Data: Clone + PartialEq;
    fn data(&self) -> &Self::Data;
    fn voter(&self) -> u32;
    fn signature(&self) -> BlsSignature;
    fn equivocation(first: Self, second: Self) -> Evidence;
}

impl Aggregatable for SignedVote {
    type Data = VoteData;
    fn data(&self) -> &VoteData {
        &self.data
    }
    fn voter(&self) -> u32 {
        self.voter
    }
    fn signature(&self) -> BlsSignature {
        self.signature
    }
    fn equivocation(first: Self, second: Self) -> Evidence {
        Evidence::Vote(first, second)
    }
}

impl Aggregatable for SignedCommitVote {
    type Data = CommitData;
    fn data(&self) -> &CommitData {
        &self.data
    }
    fn voter(&self) -> u32 {
        self.voter
    }
    fn signature(&self) -> BlsSignature {
        self.signature
    }
    fn equivocation(first: Self, second: Self) -> Evidence {
        Evidence::Commit(first, second)
    }
}

/// One view's statements of one kind, by voter.
struct Collector<S> {
    by_voter: BTreeMap<u32, S>,
    certified: bool,
}

impl<S> Default for Collector<S> {
    fn default() -> Self {
        Self { by_voter: BTreeMap::new(), certified: false }
    }
}

impl<S: Aggregatable> Collector<S> {
    /// Counts a statement whose signature is known good. Returns the evidence if its voter signed
    /// something else in this view, and the agreed data, signers and aggregate signature the
    /// first time `quorum` agree.
    fn add<C: Crypto>(&mut self, s: S, quorum: usize, n: usize) -> (Option<Evidence>, Option<(S::Data, Bitfield, BlsSignature)>) {
        if let Some(known) = self.by_voter.get(&s.voter()) {
            let evidence = (known.data() != s.data()).then(|| S::equivocation(known.clone(), s));
            return (evidence, None);
        }
        self.by_voter.insert(s.voter(), s.clone());
        if self.certified {
            return (None, None);
        }
        let agreeing: Vec<&S> = self.by_voter.values().filter(|o| o.data() == s.data()).collect();
        if agreeing.len() < quorum {
            return (None, None);
        }
        let mut signers = Bitfield::new(n);
        let sigs: Vec<BlsSignature> = agreeing
            .iter()
            .map(|o| {
                signers.set(o.voter() as usize);
                o.signature()
            })
            .collect();
        let Some(signature) = C::aggregate(&sigs) else { return (None, None) };
        self.certified = true;
        (None, Some((s.data().clone(), signers, signature)))
    }
}

#[derive(Default)]
struct TimeoutCollector {
    /// Signed parts only: the attachments are not needed once checked.
    by_voter: BTreeMap<u32, (TimeoutData, BlsSignature)>,
    /// Highest certificate reported in this view's timeouts.
    high_qc: Option<QuorumCertificate>,
    certified: bool,
}

/// The leader's pending block: what it must extend and carry.
struct Build {
    view: View,
    justify: Option<QuorumCertificate>,
    tc: Option<TimeoutCertificate>,
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
    proposals: BTreeMap<View, SignedProposal>,
    ready: BTreeSet<(View, H256)>,
    build: Option<Build>,
    proposed_view: View,
    votes: BTreeMap<View, Collector<SignedVote>>,
    /// Commit votes, collected by everyone (they are broadcast), by the view of the block they commit.
    commits: BTreeMap<View, Collector<SignedCommitVote>>,
    timeouts: BTreeMap<View, TimeoutCollector>,
    my_timeout: Option<SignedTimeout>,
    blocks: HashMap<H256, BlockInfo>,
    block_order: VecDeque<H256>,
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
        let me = me.and_then(|key| {
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
            ready: BTreeSet::new(),
            build: None,
            proposed_view: 0,
            votes: BTreeMap::new(),
            commits: BTreeMap::new(),
            timeouts: BTreeMap::new(),
            my_timeout: None,
            blocks: HashMap::new(),
            block_order: VecDeque::new(),
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

    /// Tells the engine which block the glue already knows to be final (e.g. after a restart), so
    /// that it does not report it or its ancestors again.
    pub fn with_finalized(mut self, block: BlockInfo) -> Self {
        if block.number > self.last_finalized.number {
            self.remember_block(block.clone());
            self.last_finalized = block;
        }
        self
    }

    /// Adds a block this epoch may start from (see `roots`). The first block of an epoch names
    /// its root as parent and carries no certificate. Bounded: beyond [`MAX_ROOTS`] the call is
    /// ignored, and honest hand-overs never come near it.
    pub fn add_root(&mut self, root: BlockInfo) {
        if self.roots.len() < MAX_ROOTS {
            self.remember_block(root.clone());
            self.roots.insert(root.hash, root);
        }
    }

    /// Makes `root` the one this node's own proposals extend while it holds no certificate of
    /// the epoch (adding it if needed).
    pub fn prefer_root(&mut self, root: BlockInfo) {
        self.add_root(root.clone());
        if self.roots.contains_key(&root.hash) {
            self.genesis = root;
        }
    }

    /// Ends this validator's part in the epoch: signs, persists and broadcasts the epoch-end
    /// statement (a timeout of [`EPOCH_END`]). After it, the validator never signs anything else
    /// in this epoch, also after a restart. Call it once a block whose state holds the next
    /// validator set is final, with the certificate that proved it (the child QC the block's
    /// justification came from): it travels with the statement so that the others, whose votes
    /// the epoch no longer gets, can finalize that block too. Observers sign nothing; calling it
    /// again re-broadcasts.
    pub fn end_epoch(&mut self, proof: Option<FinalityProof>, now_ms: u64) -> Vec<Action> {
        let mut out = Vec::new();
        if self.end_proof.is_none() {
            self.end_proof = proof;
        }
        if let Some(proof) = &self.end_proof {
            out.push(Action::Broadcast(proof_message(proof)));
        }
        self.sign_epoch_end(now_ms, &mut out);
        out
    }

    /// Whether this validator signed the epoch end (persisted, so also true after a restart).
    pub fn has_ended(&self) -> bool {
        self.safety.last_timeout_view == EPOCH_END
    }

    /// The epoch-end certificate, once `2f + 1` validators ended the epoch.
    pub fn epoch_end_certificate(&self) -> Option<&TimeoutCertificate> {
        self.epoch_end.as_ref()
    }

    /// How many items each bounded collection holds: what a flood of messages could grow.
    pub fn memory_stats(&self) -> MemoryStats {
        MemoryStats {
            proposals: self.proposals.len(),
            ready: self.ready.len(),
            vote_views: self.votes.len(),
            votes: self.votes.values().map(|c| c.by_voter.len()).sum(),
            timeout_views: self.timeouts.len(),
            timeouts: self.timeouts.values().map(|c| c.by_voter.len()).sum(),
            blocks: self.blocks.len(),
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

    pub fn leader(&self, view: View) -> u32 {
        self.set.leader(view).map_or(0, |(i, _)| i as u32)
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

    /// The certificate the block requested by the pending [`Action::Propose`] of `view` must carry
    /// in its pre-digest (`None` when its parent is genesis, or when no such request is pending).
    pub fn proposal_justify(&self, view: View) -> Option<&QuorumCertificate> {
        self.build.as_ref().filter(|b| b.view == view).and_then(|b| b.justify.as_ref())
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

    /// The glue imported and executed block `hash`, proposed in `view`: it may now be voted for.
    pub fn on_proposal_block_ready(&mut self, view: View, hash: H256, now_ms: u64) -> Vec<Action> {
        let mut out = Vec::new();
        if view < self.view || view > self.view.saturating_add(VIEW_WINDOW) {
            return out;
        }
        // Only the view's proposal can get a vote; before it is known, a few candidates per view.
        // The bound is per view because only a view's leader can seal its blocks: a byzantine
        // leader flooding the views it leads fills its own views' slots, never another's.
        if self.proposals.get(&view).is_some_and(|p| p.proposal.block.hash != hash) {
            return out;
        }
        let in_view = self.ready.range((view, H256::zero())..=(view, H256::repeat_byte(0xff))).count();
        if in_view >= MAX_READY_PER_VIEW {
            return out;
        }
        self.ready.insert((view, hash));
        if view == self.view {
            self.try_vote(now_ms, &mut out);
        }
        out
    }

    /// The block requested by [`Action::Propose`] for `view` is built and imported.
    pub fn on_block_built(&mut self, view: View, block: BlockInfo, now_ms: u64) -> Vec<Action> {
        let mut out = Vec::new();
        let Some((me, _)) = self.me.as_ref() else { return out };
        let me = *me;
        let Some(build) = self.build.take_if(|b| b.view == view) else { return out };
        if view != self.view || !self.may_vote_in(view) {
            return out;
        }
        let (parent_hash, parent_number) = build
            .justify
            .as_ref()
            .map_or((self.genesis.hash, self.genesis.number), |qc| (qc.data.block_hash, qc.data.block_number));
        if block.parent_hash != parent_hash || Some(block.number) != parent_number.checked_add(1) {
            log::warn!(target: "bpci", "built block {:?} does not extend the requested parent", block.hash);
            return out;
        }
        let proposal = Proposal { set_id: self.set.set_id, view, block: block.clone(), justify: build.justify, tc: build.tc };
        let signature = self.sign(&proposal.signing_message(&self.chain));
        let signed = SignedProposal { proposal, proposer: me, signature };
        self.remember_block(block.clone());
        self.proposals.insert(view, signed.clone());
        self.ready.insert((view, block.hash));
        // The vote is persisted before the proposal leaves, so that a restarted leader finds
        // `last_voted_view == view` and never proposes a second block in this view.
        let vote = self.prepare_vote(&mut out);
        out.push(Action::Broadcast(Message::Proposal(signed)));
        if let Some(vote) = vote {
            self.send_vote(vote, now_ms, &mut out);
        }
        out
    }

    pub fn on_tick(&mut self, now_ms: u64) -> Vec<Action> {
        let mut out = Vec::new();
        if now_ms >= self.deadline {
            self.deadline = now_ms.saturating_add(self.current_timeout());
            if let Some(t) = &self.my_epoch_end {
                // Also after this node's certificate formed: the others need the statements to
                // form theirs (the glue stops calling once it has moved to the next epoch).
                if let Some(proof) = &self.end_proof {
                    out.push(Action::Broadcast(proof_message(proof)));
                }
                out.push(Action::Broadcast(Message::Timeout(t.clone())));
                return out;
            }
            self.local_timeout(now_ms, &mut out);
        }
        out
    }

    // ---- internals ----

    fn current_timeout(&self) -> u64 {
        self.config.timeout_ms(self.failures)
    }

    fn n(&self) -> usize {
        self.set.validators.len()
    }

    fn sign(&self, msg: &[u8]) -> BlsSignature {
        self.me.as_ref().map(|(_, k)| C::sign(k, msg)).unwrap_or_default()
    }

    fn high_qc_view(&self) -> View {
        self.high_qc.as_ref().map_or(0, |qc| qc.data.view)
    }

    fn justify_view(&self, p: &Proposal) -> View {
        p.justify_view()
    }

    fn may_vote_in(&self, view: View) -> bool {
        view > self.safety.last_voted_view && view > self.safety.last_timeout_view
    }

    fn digest<T: Encode>(item: &T) -> [u8; 32] {
        <sp_core::Blake2Hasher as sp_core::Hasher>::hash(&item.encode()).0
    }

    fn is_verified(&self, digest: &[u8; 32]) -> bool {
        self.verified.contains(digest)
    }

    fn mark_verified(&mut self, digest: [u8; 32]) {
        if self.verified.len() >= VERIFIED_CACHE {
            self.verified.pop_front();
        }
        self.verified.push_back(digest);
    }

    fn check_qc(&mut self, qc: &QuorumCertificate) -> Result<(), &'static str> {
        if self.high_qc.as_ref() == Some(qc) {
            return Ok(());
        }
        let d = Self::digest(qc);
        if self.is_verified(&d) {
            return Ok(());
        }
        if qc.data.view == 0 || qc.data.block_hash.is_zero() || self.roots.contains_key(&qc.data.block_hash) {
            return Err("certificate for view 0, for no block or for a root");
        }
        verify_qc::<C>(&self.set, &self.chain, qc).map_err(|_| "invalid quorum certificate")?;
        self.mark_verified(d);
        Ok(())
    }

    fn check_tc(&mut self, tc: &TimeoutCertificate) -> Result<(), &'static str> {
        let d = Self::digest(tc);
        if self.is_verified(&d) {
            return Ok(());
        }
        tc.verify::<C>(&self.set, &self.chain)?;
        self.mark_verified(d);
        Ok(())
    }

    fn remember_block(&mut self, info: BlockInfo) {
        if self.blocks.contains_key(&info.hash) {
            return;
        }
        if self.block_order.len() >= BLOCK_CACHE {
            if let Some(old) = self.block_order.pop_front() {
                self.blocks.remove(&old);
            }
        }
        self.block_order.push_back(info.hash);
        self.blocks.insert(info.hash, info);
    }

    fn remember_qc_block(&mut self, qc: &QuorumCertificate) {
        self.remember_block(BlockInfo {
            hash: qc.data.block_hash,
            number: qc.data.block_number,
            parent_hash: qc.data.parent_hash,
        });
    }

    fn record_evidence(&mut self, evidence: Evidence, out: &mut Vec<Action>) {
        let (who, view) = evidence.offender();
        if !self.evidence_seen.insert((evidence.kind(), who, view)) {
            return;
        }
        log::warn!(target: "bpci", "validator {who} equivocated in view {view}");
        if self.evidence.len() < MAX_EVIDENCE {
            self.evidence.push(evidence.clone());
        }
        // The dedup set is bounded together with the list: once full, only the emitted action
        // reports newer offences.
        if self.evidence_seen.len() > 4 * MAX_EVIDENCE {
            self.evidence_seen.pop_first();
        }
        out.push(Action::Equivocation(evidence));
    }

    /// Adopts a verified certificate: higher QC, commit rule, view change.
    fn process_qc(&mut self, qc: &QuorumCertificate, now_ms: u64, out: &mut Vec<Action>) {
        self.remember_qc_block(qc);
        if qc.data.view > self.high_qc_view() {
            self.high_qc = Some(qc.clone());
        }
        self.finalize_by(&FinalityProof::Child(qc.clone()), out);
        if qc.data.view >= self.view {
            self.advance(qc.data.view.saturating_add(1), None, now_ms, out);
            // Only a certificate that brings this node into the next view: one that arrives after
            // a timeout certificate moved it on would bind it to `B` while the next leader may
            // rightly have proposed on an older certificate, and cost a view.
            self.maybe_commit_vote(qc, out);
        }
    }

    /// Promises to extend `qc`'s block in the next view and says so (see "Commit votes").
    fn maybe_commit_vote(&mut self, qc: &QuorumCertificate, out: &mut Vec<Action>) {
        let Some(me) = self.my_index() else { return };
        let view = qc.data.view;
        let next = view.saturating_add(1);
        if self.roots.contains_key(&qc.data.block_hash)
            || self.safety.commit_view >= next
            || self.safety.last_voted_view > view
            || self.safety.last_timeout_view > view
        {
            return;
        }
        self.safety.commit_view = next;
        self.safety.commit_parent = qc.data.block_hash;
        // Persists `high_qc` (at least this QC) with the promise, before the vote leaves.
        self.persist(out);
        let data = CommitData {
            set_id: self.set.set_id,
            view,
            block_hash: qc.data.block_hash,
            block_number: qc.data.block_number,
        };
        let signature = self.sign(&data.signing_message(&self.chain));
        let vote = SignedCommitVote { data, voter: me, signature };
        out.push(Action::Broadcast(Message::Commit(vote.clone())));
        self.accept_commit_vote(vote, out);
    }

    fn accept_commit_vote(&mut self, v: SignedCommitVote, out: &mut Vec<Action>) {
        let (quorum, n) = (self.set.quorum(), self.n());
        let (evidence, certified) = self.commits.entry(v.data.view).or_default().add::<C>(v, quorum, n);
        if let Some(evidence) = evidence {
            self.record_evidence(evidence, out);
        }
        if let Some((data, signers, signature)) = certified {
            self.finalize_by(&FinalityProof::Commit(CommitCertificate { data, signers, signature }), out);
        }
    }

    /// Reports the block a finality proof proves final, unless it is final here already.
    fn finalize_by(&mut self, proof: &FinalityProof, out: &mut Vec<Action>) {
        let Some(justification) = FinalityJustification::from_proof(proof) else { return };
        let (hash, number) = proof.finalized();
        if number <= self.last_finalized.number || self.roots.contains_key(&hash) {
            return;
        }
        let block = self.blocks.get(&hash).cloned().filter(|b| b.number == number).unwrap_or(BlockInfo {
            hash,
            number,
            parent_hash: H256::zero(),
        });
        self.last_finalized = block.clone();
        out.push(Action::Finalize { block, justification });
    }

    fn process_tc(&mut self, tc: &TimeoutCertificate, now_ms: u64, out: &mut Vec<Action>) {
        if let Some(qc) = &tc.high_qc {
            self.process_qc(qc, now_ms, out);
        }
        if tc.view > self.high_tc.as_ref().map_or(0, |t| t.view) {
            self.high_tc = Some(tc.clone());
        }
        if tc.view >= self.view {
            self.advance(tc.view.saturating_add(1), Some(tc.clone()), now_ms, out);
        }
    }

    fn advance(&mut self, view: View, tc: Option<TimeoutCertificate>, now_ms: u64, out: &mut Vec<Action>) {
        if view <= self.view {
            return;
        }
        self.failures = if tc.is_some() { self.failures.saturating_add(1) } else { 0 };
        self.view = view;
        self.last_tc = tc;
        self.my_timeout = None;
        self.deadline = now_ms.saturating_add(self.current_timeout());
        self.build = None;
        let keep_from = view.saturating_sub(1);
        self.votes = self.votes.split_off(&keep_from);
        self.timeouts = self.timeouts.split_off(&view);
        // A commit vote names its block's view, one below the view it promises.
        self.commits = self.commits.split_off(&view.saturating_sub(3));
        self.proposals = self.proposals.split_off(&view.saturating_sub(2));
        self.ready = self.ready.split_off(&(view, H256::zero()));
        self.maybe_propose(out);
        // A proposal or votes of the new view may have arrived before we entered it.
        self.try_vote(now_ms, out);
    }

    fn maybe_propose(&mut self, out: &mut Vec<Action>) {
        let view = self.view;
        let Some((me, _)) = self.me.as_ref() else { return };
        if self.leader(view) != *me || self.proposed_view >= view || !self.may_vote_in(view) {
            return;
        }
        let entered_by_qc = self.high_qc_view().checked_add(1) == Some(view);
        let tc = self.last_tc.clone().filter(|tc| tc.view.checked_add(1) == Some(view));
        if !entered_by_qc && tc.is_none() {
            // Restarted in a view we cannot justify: no valid proposal is possible.
            return;
        }
        self.proposed_view = view;
        let justify = self.high_qc.clone();
        let (parent_hash, parent_number) = justify
            .as_ref()
            .map_or((self.genesis.hash, self.genesis.number), |qc| (qc.data.block_hash, qc.data.block_number));
        let tc = if entered_by_qc { None } else { tc };
        self.build = Some(Build { view, justify, tc });
        out.push(Action::Propose { view, parent_hash, parent_number });
    }

    fn handle_proposal(&mut self, sp: SignedProposal, now_ms: u64, out: &mut Vec<Action>) {
        let p = &sp.proposal;
        if p.view.saturating_add(1) < self.view {
            return;
        }
        if let Some(known) = self.proposals.get(&p.view) {
            if *known == sp {
                return;
            }
        }
        if let Err(reason) = self.check_proposal(&sp) {
            out.push(Action::Misbehaviour { reason });
            return;
        }
        let p = &sp.proposal;
        if let Some(known) = self.proposals.get(&p.view) {
            if known.proposal.signing_message(&self.chain) != p.signing_message(&self.chain) {
                let evidence = Evidence::Proposal(known.clone(), sp.clone());
                self.record_evidence(evidence, out);
            }
            // Same statement with other certificates, or a conflicting one: either way the first
            // stays the one this node may vote for.
            return;
        }
        let view = p.view;
        self.remember_block(p.block.clone());
        let justify = p.justify.clone();
        let tc = p.tc.clone();
        self.proposals.insert(view, sp);
        if let Some(qc) = &justify {
            self.process_qc(qc, now_ms, out);
        }
        if let Some(tc) = &tc {
            self.process_tc(tc, now_ms, out);
        }
        if view == self.view {
            self.try_vote(now_ms, out);
        }
    }

    fn check_proposal(&mut self, sp: &SignedProposal) -> Result<(), &'static str> {
        let p = &sp.proposal;
        if p.set_id != self.set.set_id {
            return Err("proposal of another validator set");
        }
        if p.view == 0 || self.n() == 0 || sp.proposer != self.leader(p.view) {
            return Err("proposal from a validator that does not lead its view");
        }
        let (parent_hash, parent_number) = match &p.justify {
            Some(qc) => (qc.data.block_hash, qc.data.block_number),
            None => match self.roots.get(&p.block.parent_hash) {
                Some(root) => (root.hash, root.number),
                None => return Err("proposal without certificate on a block that is no root"),
            },
        };
        if p.block.parent_hash != parent_hash || Some(p.block.number) != parent_number.checked_add(1) {
            return Err("proposed block does not extend its certified parent");
        }
        let justify_view = self.justify_view(p);
        if justify_view >= p.view {
            return Err("proposal certificate not below its view");
        }
        match &p.tc {
            None if justify_view.checked_add(1) == Some(p.view) => {}
            Some(tc) if tc.view.checked_add(1) == Some(p.view) && justify_view >= tc.max_high_qc_view() => {}
            _ => return Err("proposal not justified by its certificates"),
        }
        let public = self.set.validators[sp.proposer as usize];
        if !C::verify(&public, &p.signing_message(&self.chain), &sp.signature) {
            return Err("bad proposal signature");
        }
        if let Some(qc) = &p.justify {
            self.check_qc(qc)?;
        }
        if let Some(tc) = &p.tc {
            self.check_tc(tc)?;
        }
        Ok(())
    }

    /// Votes for the current view's proposal if everything allows it.
    fn try_vote(&mut self, now_ms: u64, out: &mut Vec<Action>) {
        let view = self.view;
        let Some(sp) = self.proposals.get(&view) else { return };
        if !self.ready.contains(&(view, sp.proposal.block.hash)) {
            return;
        }
        if let Some(vote) = self.prepare_vote(out) {
            self.send_vote(vote, now_ms, out);
        }
    }

    /// Applies the safety rule to the current view's proposal; on success persists and signs.
    fn prepare_vote(&mut self, out: &mut Vec<Action>) -> Option<SignedVote> {
        let view = self.view;
        let me = self.me.as_ref()?.0;
        let sp = self.proposals.get(&view)?;
        let p = &sp.proposal;
        if !self.may_vote_in(view) {
            return None;
        }
        // The 2-chain voting rule (Jolteon): extend the previous view's certificate, or after a
        // timeout extend a certificate at least as high as any the timeout quorum reported.
        let justify_view = self.justify_view(p);
        let safe = justify_view.checked_add(1) == Some(view)
            || p.tc.as_ref().is_some_and(|tc| tc.view.checked_add(1) == Some(view) && justify_view >= tc.max_high_qc_view());
        if !safe {
            return None;
        }
        // The promise of this view's commit vote: only a child of the block it named.
        if self.safety.commit_view == view
            && (justify_view.checked_add(1) != Some(view) || p.block.parent_hash != self.safety.commit_parent)
        {
            return None;
        }
        let data = VoteData {
            set_id: self.set.set_id,
            view,
            block_hash: p.block.hash,
            block_number: p.block.number,
            parent_hash: p.block.parent_hash,
            parent_view: justify_view,
        };
        self.safety.last_voted_view = view;
        self.persist(out);
        let signature = self.sign(&data.signing_message(&self.chain));
        Some(SignedVote { data, voter: me, signature })
    }

    fn persist(&mut self, out: &mut Vec<Action>) {
        if self.high_qc_view() > self.safety.high_qc.as_ref().map_or(0, |qc| qc.data.view) {
            self.safety.high_qc = self.high_qc.clone();
        }
        self.safety.locked_qc_view = self.safety.high_qc.as_ref().map_or(0, |qc| qc.data.view);
        if self.high_tc.as_ref().map_or(0, |t| t.view) > self.safety.high_tc.as_ref().map_or(0, |t| t.view) {
            self.safety.high_tc = self.high_tc.clone();
        }
        out.push(Action::PersistSafety(self.safety.clone()));
    }

    fn send_vote(&mut self, vote: SignedVote, now_ms: u64, out: &mut Vec<Action>) {
        let next_leader = self.leader(vote.data.view.saturating_add(1));
        if Some(next_leader) == self.my_index() {
            self.accept_vote(vote, now_ms, out);
        } else {
            out.push(Action::SendTo(next_leader, Message::Vote(vote)));
        }
    }

    fn handle_vote(&mut self, v: SignedVote, now_ms: u64, out: &mut Vec<Action>) {
        if v.data.set_id != self.set.set_id {
            out.push(Action::Misbehaviour { reason: "vote of another validator set" });
            return;
        }
        if v.voter as usize >= self.n() || v.data.view == 0 {
            out.push(Action::Misbehaviour { reason: "vote from an unknown validator" });
            return;
        }
        // Only the next leader aggregates; votes for views out of the window are dropped unchecked
        // so that they cost nothing.
        if self.my_index() != Some(self.leader(v.data.view.saturating_add(1)))
            || v.data.view.saturating_add(1) < self.view
            || v.data.view > self.view.saturating_add(VIEW_WINDOW)
        {
            return;
        }
        if let Some(known) = self.votes.get(&v.data.view).and_then(|c| c.by_voter.get(&v.voter)) {
            if *known == v {
                return;
            }
        }
        let public = self.set.validators[v.voter as usize];
        if !C::verify(&public, &v.data.signing_message(&self.chain), &v.signature) {
            out.push(Action::Misbehaviour { reason: "bad vote signature" });
            return;
        }
        self.accept_vote(v, now_ms, out);
    }

    fn handle_commit_vote(&mut self, v: SignedCommitVote, out: &mut Vec<Action>) {
        if v.data.set_id != self.set.set_id {
            out.push(Action::Misbehaviour { reason: "commit vote of another validator set" });
            return;
        }
        if v.voter as usize >= self.n() || v.data.view == 0 {
            out.push(Action::Misbehaviour { reason: "commit vote from an unknown validator" });
            return;
        }
        // Everyone collects commit votes; only recent views are kept, and a commit of a block
        // already final changes nothing.
        if v.data.view.saturating_add(3) < self.view
            || v.data.view > self.view.saturating_add(VIEW_WINDOW)
            || v.data.block_number <= self.last_finalized.number
        {
            return;
        }
        if self.commits.get(&v.data.view).and_then(|c| c.by_voter.get(&v.voter)) == Some(&v) {
            return;
        }
        let public = self.set.validators[v.voter as usize];
        if !C::verify(&public, &v.data.signing_message(&self.chain), &v.signature) {
            out.push(Action::Misbehaviour { reason: "bad commit vote signature" });
            return;
        }
        self.accept_commit_vote(v, out);
    }

    /// Counts a vote whose signature is known good.
    fn accept_vote(&mut self, v: SignedVote, now_ms: u64, out: &mut Vec<Action>) {
        let (quorum, n) = (self.set.quorum(), self.n());
        let (evidence, certified) = self.votes.entry(v.data.view).or_default().add::<C>(v, quorum, n);
        if let Some(evidence) = evidence {
            self.record_evidence(evidence, out);
        }
        let Some((data, signers, signature)) = certified else { return };
        let qc = QuorumCertificate { data, signers, signature };
        self.mark_verified(Self::digest(&qc));
        out.push(Action::Broadcast(Message::Certificate(qc.clone())));
        self.process_qc(&qc, now_ms, out);
    }

    fn handle_certificate(&mut self, qc: QuorumCertificate, now_ms: u64, out: &mut Vec<Action>) {
        // Old or known certificates change nothing, and checking them again would only cost
        // pairings; except one that commits a block above the last final one (an epoch-end
        // proof reaching a node that holds a higher certificate but missed the commit).
        let commits_more = qc.data.parent_view.checked_add(1) == Some(qc.data.view)
            && qc.data.block_number.saturating_sub(1) > self.last_finalized.number;
        if qc.data.view <= self.high_qc_view() && !commits_more {
            return;
        }
        if qc.data.set_id != self.set.set_id {
            out.push(Action::Misbehaviour { reason: "certificate of another validator set" });
            return;
        }
        match self.check_qc(&qc) {
            Ok(()) => self.process_qc(&qc, now_ms, out),
            Err(reason) => out.push(Action::Misbehaviour { reason }),
        }
    }

    /// A commit certificate finalizes its block, and is no certificate of any block: it never
    /// moves views or becomes anyone's highest certificate.
    fn handle_commit_certificate(&mut self, cc: CommitCertificate, out: &mut Vec<Action>) {
        if cc.data.block_number <= self.last_finalized.number {
            return;
        }
        let proof = FinalityProof::Commit(cc);
        if proof.set_id() != self.set.set_id || verify_proof::<C>(&self.set, &self.chain, &proof).is_err() {
            out.push(Action::Misbehaviour { reason: "invalid commit certificate" });
            return;
        }
        self.finalize_by(&proof, out);
    }

    fn handle_timeout(&mut self, t: SignedTimeout, now_ms: u64, out: &mut Vec<Action>) {
        let d = &t.data;
        if d.set_id != self.set.set_id {
            out.push(Action::Misbehaviour { reason: "timeout of another validator set" });
            return;
        }
        if t.voter as usize >= self.n() || d.view == 0 || d.high_qc_view >= d.view {
            out.push(Action::Misbehaviour { reason: "malformed timeout" });
            return;
        }
        let attached_view = t.high_qc.as_ref().map_or(0, |qc| qc.data.view);
        if attached_view != d.high_qc_view || t.last_tc.as_ref().is_some_and(|tc| tc.view >= d.view) {
            out.push(Action::Misbehaviour { reason: "timeout carries the wrong certificate" });
            return;
        }
        let stale = d.view < self.view;
        let useful_qc = attached_view > self.high_qc_view();
        let useful_tc = t.last_tc.as_ref().is_some_and(|tc| tc.view >= self.view);
        if stale && !useful_qc && !useful_tc {
            return;
        }
        let duplicate = self
            .timeouts
            .get(&d.view)
            .and_then(|c| c.by_voter.get(&t.voter))
            .is_some_and(|(data, sig)| data == d && *sig == t.signature);
        if duplicate && !useful_qc && !useful_tc {
            return;
        }
        let public = self.set.validators[t.voter as usize];
        if !C::verify(&public, &d.signing_message(&self.chain), &t.signature) {
            out.push(Action::Misbehaviour { reason: "bad timeout signature" });
            return;
        }
        // Checked even when not higher than ours: it may become this view's TC certificate.
        if let Some(qc) = &t.high_qc {
            if let Err(reason) = self.check_qc(qc) {
                out.push(Action::Misbehaviour { reason });
                return;
            }
        }
        if useful_tc {
            if let Some(tc) = &t.last_tc {
                if let Err(reason) = self.check_tc(tc) {
                    out.push(Action::Misbehaviour { reason });
                    return;
                }
            }
        }
        if useful_qc {
            if let Some(qc) = &t.high_qc {
                self.process_qc(qc, now_ms, out);
            }
        }
        if useful_tc {
            if let Some(tc) = &t.last_tc {
                self.process_tc(tc, now_ms, out);
            }
        }
        if !duplicate {
            self.accept_timeout(t, now_ms, out);
        }
    }

    /// Counts a timeout whose signature (and attached certificate) is known good.
    fn accept_timeout(&mut self, t: SignedTimeout, now_ms: u64, out: &mut Vec<Action>) {
        let view = t.data.view;
        let epoch_end = view == EPOCH_END;
        if !epoch_end && (view < self.view || view > self.view.saturating_add(VIEW_WINDOW)) {
            return;
        }
        let quorum = self.set.quorum();
        let amplify = self.set.max_faulty() + 1;
        let n = self.n();
        let collector = self.timeouts.entry(view).or_default();
        if let Some((data, sig)) = collector.by_voter.get(&t.voter) {
            if *data != t.data {
                let strip = |data: TimeoutData, signature: BlsSignature| SignedTimeout {
                    data,
                    voter: t.voter,
                    signature,
                    high_qc: None,
                    last_tc: None,
                };
                let evidence = Evidence::Timeout(strip(data.clone(), *sig), strip(t.data.clone(), t.signature));
                self.record_evidence(evidence, out);
            }
            return;
        }
        collector.by_voter.insert(t.voter, (t.data.clone(), t.signature));
        if t.data.high_qc_view > collector.high_qc.as_ref().map_or(0, |qc| qc.data.view) {
            collector.high_qc = t.high_qc;
        }
        let count = collector.by_voter.len();
        if collector.certified {
            return;
        }
        if count >= quorum {
            let mut groups: BTreeMap<View, (Bitfield, Vec<BlsSignature>)> = BTreeMap::new();
            for (voter, (data, sig)) in &collector.by_voter {
                let g = groups.entry(data.high_qc_view).or_insert_with(|| (Bitfield::new(n), Vec::new()));
                g.0.set(*voter as usize);
                g.1.push(*sig);
            }
            let mut tc_groups = Vec::with_capacity(groups.len());
            for (high_qc_view, (signers, sigs)) in groups {
                let Some(signature) = C::aggregate(&sigs) else { return };
                tc_groups.push(TimeoutGroup { high_qc_view, signers, signature });
            }
            collector.certified = true;
            let tc = TimeoutCertificate {
                set_id: self.set.set_id,
                view,
                groups: tc_groups,
                high_qc: collector.high_qc.clone(),
            };
            self.mark_verified(Self::digest(&tc));
            if epoch_end {
                if let Some(qc) = &tc.high_qc {
                    self.process_qc(qc, now_ms, out);
                }
                self.epoch_end = Some(tc.clone());
                out.push(Action::EpochEnded(tc));
            } else {
                self.process_tc(&tc, now_ms, out);
            }
        } else if epoch_end {
            // `f + 1` statements include an honest validator that saw the next set's block final:
            // the epoch is over, and joining at once is what lets the certificate form.
            if count >= amplify && self.my_epoch_end.is_none() {
                self.sign_epoch_end(now_ms, out);
            }
        } else if count >= amplify && view == self.view && self.my_timeout.is_none() {
            // At least one honest validator gave up on this view: it cannot certify anymore
            // without it, so join at once instead of waiting for the local deadline.
            self.local_timeout(now_ms, out);
        }
    }

    fn sign_epoch_end(&mut self, now_ms: u64, out: &mut Vec<Action>) {
        let Some(me) = self.my_index() else { return };
        if let Some(t) = &self.my_epoch_end {
            out.push(Action::Broadcast(Message::Timeout(t.clone())));
            return;
        }
        let high_qc = if self.has_ended() {
            // Signed before a restart: the same statement again, not an equivocation.
            self.safety.high_qc.clone()
        } else {
            self.safety.last_timeout_view = EPOCH_END;
            self.persist(out);
            self.high_qc.clone()
        };
        let data = TimeoutData {
            set_id: self.set.set_id,
            view: EPOCH_END,
            high_qc_view: high_qc.as_ref().map_or(0, |qc| qc.data.view),
        };
        let signature = self.sign(&data.signing_message(&self.chain));
        let t = SignedTimeout { data, voter: me, signature, high_qc, last_tc: None };
        self.my_epoch_end = Some(t.clone());
        self.build = None;
        self.deadline = now_ms.saturating_add(self.current_timeout());
        out.push(Action::Broadcast(Message::Timeout(t.clone())));
        self.accept_timeout(t, now_ms, out);
    }

    /// The current view failed locally: sign (once) and (re-)broadcast a timeout.
    fn local_timeout(&mut self, now_ms: u64, out: &mut Vec<Action>) {
        let Some(me) = self.my_index() else { return };
        if let Some(t) = &self.my_timeout {
            out.push(Action::Broadcast(Message::Timeout(t.clone())));
            return;
        }
        let view = self.view;
        if view < self.safety.last_timeout_view {
            return;
        }
        let high_qc = if view == self.safety.last_timeout_view {
            // Signed before a restart: report what was persisted then, so the statement is the
            // same one and not an equivocation.
            self.safety.high_qc.clone()
        } else {
            self.safety.last_timeout_view = view;
            self.persist(out);
            self.high_qc.clone()
        };
        let data = TimeoutData {
            set_id: self.set.set_id,
            view,
            high_qc_view: high_qc.as_ref().map_or(0, |qc| qc.data.view),
        };
        let signature = self.sign(&data.signing_message(&self.chain));
        let last_tc = self.last_tc.clone().filter(|tc| tc.view.checked_add(1) == Some(view));
        let t = SignedTimeout { data, voter: me, signature, high_qc, last_tc };
        self.my_timeout = Some(t.clone());
        self.deadline = now_ms.saturating_add(self.current_timeout());
        out.push(Action::Broadcast(Message::Timeout(t.clone())));
        self.accept_timeout(t, now_ms, out);
    }
}

/// The message that carries a finality proof to the others.
fn proof_message(proof: &FinalityProof) -> Message {
    match proof {
        FinalityProof::Commit(cc) => Message::CommitCertificate(cc.clone()),
        FinalityProof::Child(qc) => Message::Certificate(qc.clone()),
    }
}
