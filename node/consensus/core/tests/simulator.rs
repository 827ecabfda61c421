//! Deterministic adversarial network simulator for the engine.
//!
//! Each seed runs n ∈ {1, 4, 7} engines on a simulated network driven by a seeded `SmallRng`:
//! random delays, drops, reordering, partitions that heal, crashes (also in the middle of an action
//! list) with restarts from the persisted `SafetyData`, and `f` byzantine validators. After a chaos
//! phase the network heals (GST) and every honest validator must finalize new blocks within a
//! bounded number of views; then the epoch ends, a second epoch (next set id, same keys) starts on
//! the epoch-end root and must finalize too, while the adversary replays the first epoch into it.
//!
//! The byzantine validators run an engine (for timing) and distort what it sends, and above all
//! they *craft*: one colluding adversary ([`Adv`]) sees every message on the wire, records every
//! signed statement and certificate, and at random moments picks an action from a menu with the
//! seeded rng (see [`Act`]): sign anything with a byzantine key (votes, commit votes, timeouts with
//! any attached certificate, proposals for views a byzantine validator leads, different ones to
//! each side of the network, epoch-end statements), aggregate any `2f + 1` signatures it has seen
//! into any certificate the format allows (QCs, commit certificates, TCs grouped by
//! `high_qc_view`), forge combinations the format must reject (commit-vote signatures paired with
//! `VoteData` and attached to a timeout as its high QC, votes re-labelled to another view or block,
//! QC signatures as a commit certificate, TCs with altered groups, certificates of one set id sent
//! to another), withhold certificates and release them later to a few nodes, replay old messages
//! (of the ended epoch into the new one), and replay statements signed with the same keys on a
//! second chain (another genesis hash).
//!
//! Checked invariants:
//! * safety: all blocks finalized by honest nodes lie on one chain (per height, one hash), every
//!   justification verifies, and every epoch-end root extends everything finalized;
//! * honest validators never sign two different statements per (kind, view), even across
//!   restarts, and evidence only ever names byzantine validators;
//! * messages from honest nodes never trigger `Misbehaviour`;
//! * no honest node ever adopts (as high QC, TC, finality proof or epoch-end certificate) or
//!   relays a certificate that `2f + 1` validators did not sign as such: an oracle checks every
//!   honest signer of it against the log of everything the engines really signed;
//! * liveness after healing, in both epochs.
//!
//! A violation is a value ([`Violation`]): the f-byzantine test fails on any, the canary
//! (`f + 1` byzantine) asserts that the same harness finds a conflicting finality.
//!
//! Signatures use a hash-based stand-in for BLS (same aggregation interface) so that thousands of
//! seeds run in seconds; the engine code under test is the same. `BPCI_SIM_SEEDS` sets the number
//! of seeds (default 1000), `BPCI_SIM_FIRST_SEED` the first one, `BPCI_SIM_CANARY_SEEDS` the
//! canary's budget.

use bpci_consensus_core::*;
use bpci_primitives::qc::{Bitfield, CommitCertificate, CommitData, JustificationKind, VoteData};
use bpci_primitives::{BlsPublic, BlsSignature, FinalityProof, QuorumCertificate, SetId, ValidatorSet, View};
use codec::{Decode, Encode};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use sp_core::H256;
use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, HashSet, VecDeque};

fn hash(bytes: &[u8]) -> [u8; 32] {
    <sp_core::Blake2Hasher as sp_core::Hasher>::hash(bytes).0
}

thread_local! {
    /// Every signature `Fake::sign` produced in this thread's current seed: what the engines (and
    /// the byzantine keys) really signed. The oracle of adopted certificates reads it.
    static SIGNED_LOG: RefCell<HashSet<[u8; 32]>> = RefCell::new(HashSet::new());
    /// Where the last panic that is no harness violation happened.
    static LAST_PANIC: RefCell<String> = const { RefCell::new(String::new()) };
}

fn raw_sign(key: &BlsPublic, msg: &[u8]) -> BlsSignature {
    let mut input = key.0.to_vec();
    input.extend_from_slice(msg);
    let mut s = [0u8; 96];
    s[..32].copy_from_slice(&hash(&input));
    BlsSignature(s)
}

fn head(sig: &BlsSignature) -> [u8; 32] {
    sig.0[..32].try_into().expect("32 bytes")
}

/// Hash-based signatures: sig = H(public || msg); aggregate = XOR. Not secure, just cheap and
/// exact enough: a wrong signer, message or signer set fails verification. (Anyone could compute
/// anyone's signature; the adversary below never does, it only uses byzantine keys and what it saw.)
struct Fake;

impl Crypto for Fake {
    type Key = BlsPublic;
    fn public(key: &BlsPublic) -> BlsPublic {
        *key
    }
    fn sign(key: &BlsPublic, msg: &[u8]) -> BlsSignature {
        let s = raw_sign(key, msg);
        SIGNED_LOG.with(|l| l.borrow_mut().insert(head(&s)));
        s
    }
    fn verify(public: &BlsPublic, msg: &[u8], sig: &BlsSignature) -> bool {
        raw_sign(public, msg) == *sig
    }
    fn aggregate(sigs: &[BlsSignature]) -> Option<BlsSignature> {
        let mut s = [0u8; 96];
        for sig in sigs {
            for (a, b) in s.iter_mut().zip(sig.0.iter()) {
                *a ^= b;
            }
        }
        Some(BlsSignature(s))
    }
    fn verify_aggregate(publics: &[BlsPublic], msg: &[u8], sig: &BlsSignature) -> bool {
        let sigs: Vec<_> = publics.iter().map(|p| raw_sign(p, msg)).collect();
        !publics.is_empty() && Self::aggregate(&sigs) == Some(*sig)
    }
}

/// Did validator `i` really sign `msg` (on any chain: `msg` names it)?
fn really_signed(i: usize, msg: &[u8]) -> bool {
    let s = raw_sign(&public(i), msg);
    SIGNED_LOG.with(|l| l.borrow().contains(&head(&s)))
}

type E = Engine<Fake>;

const CFG: Config = Config { base_timeout_ms: 100, max_timeout_ms: 1600 };
/// Genesis hash of the simulated chain.
const CHAIN: H256 = H256::repeat_byte(0x11);
/// Genesis hash of another chain on which the same keys sign (a testnet beside the mainnet).
const CHAIN2: H256 = H256::repeat_byte(0x22);

/// Longest chaos phase (simulated ms) before the network heals.
const CHAOS_MS: u64 = 6000;
/// Steady phase after liveness returned, in which every honest node must finalize again. The
/// byzantine validators can make two consecutive views fail in every rotation (the one whose next
/// leader they are, which withholds the certificate, and the one they lead), and right after
/// healing the back-off may still be at its cap: two views of `max_timeout_ms` and a round trip.
const STEADY_MS: u64 = 2 * CFG.max_timeout_ms + 800;
/// Steady phase of the second epoch after it finalized.
const EPOCH2_STEADY_MS: u64 = 600;

fn public(i: usize) -> BlsPublic {
    BlsPublic([i as u8 + 1; 48])
}

fn cert_digest<T: Encode>(t: &T) -> [u8; 32] {
    hash(&t.encode())
}

// ---------------------------------------------------------------------------------------------
// Violations as values
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fault {
    /// Two honest nodes finalized different blocks at one height.
    ConflictingFinality,
    /// An epoch-end root that does not extend what is final, or a final block off the root.
    Safety,
    /// An epoch ended that nobody ended, or on a root below the switch height.
    EpochEnd,
    /// An honest validator signed two different statements of one kind for one view.
    HonestEquivocation,
    /// Evidence names an honest validator.
    FalseAccusation,
    /// An honest node's message was reported as misbehaviour.
    HonestReported,
    /// An honest node adopted or relayed a certificate that no quorum signed as such.
    ForgedAdopted,
    Liveness,
    /// Anything else the harness checks (bad justification, out-of-order finality, ...).
    Other,
    /// A panic that is no harness check (engine bug or harness bug).
    Panic,
}

#[derive(Clone, Debug)]
struct Violation {
    seed: u64,
    n: usize,
    byzantine: usize,
    t: u64,
    fault: Fault,
    what: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "seed {} (n = {}, {} byzantine, t = {} ms): {:?}: {}",
            self.seed, self.n, self.byzantine, self.t, self.fault, self.what
        )
    }
}

/// Silences the default panic message for harness violations (they are reported as values).
fn install_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if info.payload().is::<Violation>() {
                return;
            }
            LAST_PANIC.with(|l| *l.borrow_mut() = info.location().map(|l| l.to_string()).unwrap_or_default());
            previous(info)
        }));
    });
}

/// Runs one seed; `extra_byzantine` adds byzantine validators beyond `f` (the canary).
fn run_seed(seed: u64, extra_byzantine: usize) -> Result<Stats, Violation> {
    install_hook();
    let n = n_of(seed);
    let byzantine = (max_faulty(n) + extra_byzantine).min(n);
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| Sim::new(seed, extra_byzantine).run())) {
        Ok(stats) => Ok(stats),
        Err(payload) => match payload.downcast::<Violation>() {
            Ok(v) => Err(*v),
            Err(payload) => {
                let what = payload
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                let at = LAST_PANIC.with(|l| l.borrow().clone());
                Err(Violation { seed, n, byzantine, t: 0, fault: Fault::Panic, what: format!("{what} at {at}") })
            }
        },
    }
}

fn n_of(seed: u64) -> usize {
    [1, 4, 7][(seed % 3) as usize]
}

fn max_faulty(n: usize) -> usize {
    n.saturating_sub(1) / 3
}

// ---------------------------------------------------------------------------------------------
// Statistics
// ---------------------------------------------------------------------------------------------

/// The adversary's menu. Each tick it draws one with the seeded rng.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Act {
    /// A vote for any known block at a view near the honest ones, any parent view.
    Vote,
    /// Commit votes (one or all byzantine keys) for a certified or merely proposed block.
    CommitVote,
    /// A timeout of a nearby view carrying any seen QC (highest, older) and TC.
    Timeout,
    /// A proposal for a view a byzantine validator leads, on any certified parent, any TC.
    Proposal,
    /// Two proposals for one view, one to each side of the network, voted for by every byzantine key.
    SplitProposals,
    AggregateQc,
    AggregateCommit,
    AggregateTc,
    /// Finding 1: commit-vote signatures with `VoteData`, attached to a timeout as its high QC.
    ForgeCommitAsQc,
    /// A QC re-labelled: another view, block, parent view.
    ForgeRelabel,
    /// QC signatures as a commit certificate.
    ForgeQcAsCommit,
    /// A TC with an altered group, a higher claimed QC view, or another high QC.
    ForgeTc,
    /// Finding 5: statements and certificates signed with the same keys for another genesis.
    CrossChain,
    /// Certificates of one set id presented to another.
    OtherSet,
    /// A withheld message released to a few nodes.
    Release,
    /// An old message (of the ended epoch too) sent again.
    Replay,
    /// Epoch-end statements with any attached QC.
    EpochEnd,
}

const ACTS: [Act; 17] = [
    Act::Vote,
    Act::CommitVote,
    Act::Timeout,
    Act::Proposal,
    Act::SplitProposals,
    Act::AggregateQc,
    Act::AggregateCommit,
    Act::AggregateTc,
    Act::ForgeCommitAsQc,
    Act::ForgeRelabel,
    Act::ForgeQcAsCommit,
    Act::ForgeTc,
    Act::CrossChain,
    Act::OtherSet,
    Act::Release,
    Act::Replay,
    Act::EpochEnd,
];

#[derive(Default, Clone, Copy)]
struct Stats {
    seeds: u64,
    views: u64,
    /// Views of the seeds with n > 1.
    views_multi: u64,
    messages: u64,
    dropped: u64,
    duplicated: u64,
    crashes: u64,
    mid_list_crashes: u64,
    partitions: u64,
    byzantine_nodes: u64,
    byzantine_acts: u64,
    equivocations_detected: u64,
    misbehaviour_reports: u64,
    finalized: u64,
    /// Honest finalizations by the kind of their justification.
    final_by_commit: u64,
    final_by_child: u64,
    /// Distinct timeout certificates honest nodes adopted, and honest proposals carrying one.
    tcs_adopted: u64,
    tcs_in_proposals: u64,
    max_views_to_finality_after_heal: u64,
    max_ms_to_finality_after_heal: u64,
    /// Seeds that ended their epoch, and honest epoch-end certificates checked.
    epoch_ends: u64,
    epoch_certificates: u64,
    /// Seeds whose second epoch finalized, and honest finalizations in it.
    second_epochs: u64,
    second_epoch_finalized: u64,
    /// Crafting actions by kind (see `ACTS`).
    acts: [u64; ACTS.len()],
    /// Forged certificates (no quorum signed them as such) delivered to honest nodes, and how many
    /// deliveries the receiver reported as misbehaviour (the rest were ignored as old or useless).
    forged_delivered: u64,
    forged_rejected: u64,
    /// Messages of the ended epoch delivered into the new one, and how many were reported.
    cross_epoch_delivered: u64,
    cross_epoch_rejected: u64,
    /// Certificates checked by the oracle.
    oracle_checks: u64,
}

impl Stats {
    fn add(&mut self, o: &Stats) {
        self.seeds += o.seeds;
        self.views += o.views;
        self.views_multi += o.views_multi;
        self.messages += o.messages;
        self.dropped += o.dropped;
        self.duplicated += o.duplicated;
        self.crashes += o.crashes;
        self.mid_list_crashes += o.mid_list_crashes;
        self.partitions += o.partitions;
        self.byzantine_nodes += o.byzantine_nodes;
        self.byzantine_acts += o.byzantine_acts;
        self.equivocations_detected += o.equivocations_detected;
        self.misbehaviour_reports += o.misbehaviour_reports;
        self.finalized += o.finalized;
        self.final_by_commit += o.final_by_commit;
        self.final_by_child += o.final_by_child;
        self.tcs_adopted += o.tcs_adopted;
        self.tcs_in_proposals += o.tcs_in_proposals;
        self.epoch_ends += o.epoch_ends;
        self.epoch_certificates += o.epoch_certificates;
        self.second_epochs += o.second_epochs;
        self.second_epoch_finalized += o.second_epoch_finalized;
        for (a, b) in self.acts.iter_mut().zip(o.acts.iter()) {
            *a += b;
        }
        self.forged_delivered += o.forged_delivered;
        self.forged_rejected += o.forged_rejected;
        self.cross_epoch_delivered += o.cross_epoch_delivered;
        self.cross_epoch_rejected += o.cross_epoch_rejected;
        self.oracle_checks += o.oracle_checks;
        self.max_views_to_finality_after_heal = self.max_views_to_finality_after_heal.max(o.max_views_to_finality_after_heal);
        self.max_ms_to_finality_after_heal = self.max_ms_to_finality_after_heal.max(o.max_ms_to_finality_after_heal);
    }

    fn acts_line(&self) -> String {
        ACTS.iter().zip(self.acts.iter()).map(|(a, c)| format!("{a:?} {c}")).collect::<Vec<_>>().join(", ")
    }
}

/// Views a healed network may need until every honest validator finalizes a new block: enough
/// for the back-off to shrink again and for three consecutive honest leaders to come round.
fn liveness_bound(n: usize) -> u64 {
    12 + 3 * n as u64
}

// ---------------------------------------------------------------------------------------------
// The simulator
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Default)]
struct Byz {
    equivocate: bool,
    conflicting_votes: bool,
    withhold: f64,
    amnesia: bool,
    garbage: bool,
}

struct Node {
    engine: Option<E>,
    incarnation: u64,
    persisted: SafetyData,
    byz: Option<Byz>,
    /// Highest block number this node ever reported final (over all incarnations and epochs).
    max_final: u32,
    /// Last Finalize number of the current incarnation, to check ordering.
    last_final_this_run: u32,
    /// The certificate that showed this node a block at or above the switch height final: the
    /// glue's trigger to end the epoch (it re-derives it from the database after a restart).
    end_proof: Option<FinalityProof>,
    /// Formed an epoch-end certificate (the glue then moves to the next epoch for good).
    got_ec: bool,
    /// Digest of the high QC last checked by the oracle.
    checked_high_qc: Option<(View, H256)>,
}

#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Ev {
    /// `epoch` is the sender's epoch; `forged` marks a certificate no quorum signed as such.
    Deliver { to: usize, from: usize, bytes: Vec<u8>, epoch: u32, forged: bool },
    Ready { to: usize, view: View, hash: H256 },
    /// Block sync delivered `hash` to `to`, which imports it and notes who leads on it.
    Import { to: usize, hash: H256 },
    Built { node: usize, incarnation: u64, view: View, hash: H256, number: u32, parent: H256 },
    Crash { node: usize },
    Restart { node: usize },
    Partition { groups: Vec<u8> },
    /// Network conditions change (before GST only).
    Weather,
    EndPartition,
    Heal,
    /// The adversary acts.
    Adversary,
    /// The adversary reacts to a statement it just saw (kind 0: vote, 1: commit vote).
    React { kind: u8, set_id: SetId, view: View, block: H256 },
}

/// What the colluding byzantine validators know and hold.
#[derive(Default)]
struct Adv {
    /// Signed statements seen on the wire (and signed by byzantine keys), by (set id, view).
    votes: BTreeMap<(SetId, View), Vec<SignedVote>>,
    commits: BTreeMap<(SetId, View), Vec<SignedCommitVote>>,
    /// Timeouts with their attachments stripped.
    timeouts: BTreeMap<(SetId, View), Vec<SignedTimeout>>,
    proposals: VecDeque<SignedProposal>,
    qcs: VecDeque<QuorumCertificate>,
    ccs: VecDeque<CommitCertificate>,
    tcs: VecDeque<TimeoutCertificate>,
    /// Messages held back, to be released later to a few nodes.
    withheld: VecDeque<Message>,
    /// Recent messages of this epoch, and of the ended one.
    log: VecDeque<Message>,
    old_log: Vec<Message>,
    /// Which side of the network each node is on, for split-brain equivocation.
    side: Vec<u8>,
    /// Distinguishes the blocks the adversary builds.
    blocks: u32,
}

fn push_bounded<T: PartialEq>(q: &mut VecDeque<T>, item: T, cap: usize) {
    if q.iter().rev().take(8).any(|x| *x == item) {
        return;
    }
    if q.len() >= cap {
        q.pop_front();
    }
    q.push_back(item);
}

fn prune<T>(m: &mut BTreeMap<(SetId, View), Vec<T>>) {
    while m.len() > 48 {
        // Keep epoch-end statements: they are the last key of a set.
        let Some((&k, _)) = m.iter().next() else { break };
        if k.1 == EPOCH_END {
            break;
        }
        m.remove(&k);
    }
}

struct Sim {
    seed: u64,
    rng: SmallRng,
    n: usize,
    set: ValidatorSet,
    /// 1, then 2 once the second epoch started.
    epoch: u32,
    genesis: BlockInfo,
    nodes: Vec<Node>,
    byzantine: usize,
    now: u64,
    seq: u64,
    queue: BinaryHeap<Reverse<(u64, u64, Ev)>>,
    healed: bool,
    groups: Option<Vec<u8>>,
    drop_rate: f64,
    max_delay: u64,
    /// Global block tree: hash -> (number, parent).
    tree: HashMap<H256, (u32, H256)>,
    /// Who sealed each block, and in which epoch: what the glue reads in headers to compute the
    /// leader schedule.
    sealed_by: HashMap<H256, (u32, u32)>,
    /// Finalized hash per height, over all honest nodes.
    final_at: HashMap<u32, H256>,
    /// First signed statement of each honest validator per (set id, kind, view).
    signed: HashMap<(SetId, usize, u8, View), Vec<u8>>,
    /// Height from which blocks hold the next validator set: an honest validator ends the epoch
    /// once it sees such a block final.
    switch_height: Option<u32>,
    /// Roots of the epoch-end certificates honest nodes formed: every block the epoch finalized,
    /// before or after, must be on each root's chain.
    ec_roots: Vec<(H256, u32)>,
    adv: Adv,
    /// Certificates the oracle found genuine (digest).
    genuine: HashSet<[u8; 32]>,
    tcs_seen: HashSet<(SetId, View)>,
    /// `f + 1` byzantine: the canary's run.
    canary: bool,
    /// `BPCI_SIM_TRACE`: print the adversary's actions, view changes and finalizations.
    trace: bool,
    stats: Stats,
}

impl Sim {
    fn new(seed: u64, extra_byzantine: usize) -> Self {
        SIGNED_LOG.with(|l| l.borrow_mut().clear());
        let mut rng = SmallRng::seed_from_u64(seed);
        let n = n_of(seed);
        let set = ValidatorSet { set_id: 1, validators: (0..n).map(public).collect() };
        let byzantine = (set.max_faulty() + extra_byzantine).min(n);
        let mut byz_idx = BTreeSet::new();
        while byz_idx.len() < byzantine {
            byz_idx.insert(rng.gen_range(0..n));
        }
        let genesis = BlockInfo { hash: H256::repeat_byte(0x11), number: 0, parent_hash: H256::zero() };
        let mut tree = HashMap::new();
        tree.insert(genesis.hash, (0, H256::zero()));
        let mut nodes = Vec::new();
        for i in 0..n {
            let byz = byz_idx.contains(&i).then(|| Byz {
                equivocate: rng.gen_bool(0.7),
                conflicting_votes: rng.gen_bool(0.5),
                withhold: if rng.gen_bool(0.5) { rng.gen_range(0.0..1.0) } else { 0.0 },
                amnesia: rng.gen_bool(0.3),
                garbage: rng.gen_bool(0.5),
            });
            nodes.push(Node {
                engine: None,
                incarnation: 0,
                persisted: SafetyData::default(),
                byz,
                max_final: 0,
                last_final_this_run: 0,
                end_proof: None,
                got_ec: false,
                checked_high_qc: None,
            });
        }
        let mut final_at = HashMap::new();
        final_at.insert(0, genesis.hash);
        let stats = Stats { seeds: 1, byzantine_nodes: byzantine as u64, ..Default::default() };
        let side = (0..n).map(|_| rng.gen_range(0..2)).collect();
        let mut sim = Sim {
            seed,
            rng,
            n,
            set,
            epoch: 1,
            genesis,
            nodes,
            byzantine,
            now: 0,
            seq: 0,
            queue: BinaryHeap::new(),
            healed: false,
            groups: None,
            drop_rate: 0.0,
            max_delay: 20,
            tree,
            sealed_by: HashMap::new(),
            final_at,
            signed: HashMap::new(),
            switch_height: None,
            ec_roots: Vec::new(),
            adv: Adv { side, ..Default::default() },
            genuine: HashSet::new(),
            tcs_seen: HashSet::new(),
            canary: extra_byzantine > 0,
            trace: std::env::var("BPCI_SIM_TRACE").is_ok(),
            stats,
        };
        sim.weather();
        for i in 0..n {
            sim.restart(i);
        }
        if byzantine > 0 {
            let t = sim.rng.gen_range(1..40);
            sim.at(t, Ev::Adversary);
        }
        sim
    }

    /// Good spells (progress) alternate with bad ones (loss, long delays).
    fn weather(&mut self) {
        if self.rng.gen_bool(0.5) {
            self.drop_rate = if self.rng.gen_bool(0.5) { self.rng.gen_range(0.0..0.05) } else { 0.0 };
            self.max_delay = self.rng.gen_range(2..40);
        } else {
            self.drop_rate = self.rng.gen_range(0.0..0.4);
            self.max_delay = self.rng.gen_range(20..400);
        }
    }

    fn at(&mut self, t: u64, ev: Ev) {
        self.seq += 1;
        self.queue.push(Reverse((t, self.seq, ev)));
    }

    fn honest(&self, i: usize) -> bool {
        self.nodes[i].byz.is_none()
    }

    fn fail(&self, fault: Fault, what: String) -> ! {
        std::panic::panic_any(Violation { seed: self.seed, n: self.n, byzantine: self.byzantine, t: self.now, fault, what })
    }

    fn restart(&mut self, i: usize) {
        let node = &mut self.nodes[i];
        if node.engine.is_some() {
            return;
        }
        node.incarnation += 1;
        node.last_final_this_run = 0;
        let safety = match node.byz {
            Some(b) if b.amnesia => SafetyData::default(),
            _ => node.persisted.clone(),
        };
        let mut e = E::with_crypto(CFG, CHAIN, self.set.clone(), Some(public(i)), safety, self.genesis.clone(), self.now);
        if self.epoch > 1 {
            for &(hash, number) in &self.ec_roots {
                let parent_hash = self.tree[&hash].1;
                e.add_root(BlockInfo { hash, number, parent_hash });
            }
        }
        // Half the restarts tell the engine what is already final, half let it rediscover.
        if self.rng.gen_bool(0.5) && node.max_final > self.genesis.number {
            let number = node.max_final;
            if let Some(hash) = self.final_at.get(&number).copied() {
                let parent = self.tree[&hash].1;
                e = e.with_finalized(BlockInfo { hash, number, parent_hash: parent });
                node.last_final_this_run = number;
            }
        }
        let mut actions = e.start(self.now);
        if let Some(proof) = node.end_proof.clone() {
            actions.extend(e.end_epoch(Some(proof), self.now));
        }
        // No schedule is noted at a restart: the engine asks for those it needs
        // (`Action::NeedSchedule`), and new imports bring theirs.
        self.nodes[i].engine = Some(e);
        self.handle(i, actions);
    }

    /// Is `block` (`number`) on the chain of `tip`?
    fn on_chain_of(&self, (tip, tip_number): (H256, u32), (block, number): (H256, u32)) -> bool {
        if number > tip_number {
            return false;
        }
        let (mut h, mut n) = (tip, tip_number);
        while n > number {
            h = self.tree[&h].1;
            n -= 1;
        }
        h == block
    }

    fn on_epoch_end(&mut self, i: usize, tc: TimeoutCertificate) {
        if tc.view != EPOCH_END {
            self.fail(Fault::Other, format!("node {i} ended the epoch with a TC of view {}", tc.view));
        }
        if !self.honest(i) {
            return;
        }
        self.oracle_tc(i, "epoch-end certificate", &tc);
        let root = tc.high_qc.as_ref().map_or((self.genesis.hash, self.genesis.number), |qc| (qc.data.block_hash, qc.data.block_number));
        let Some(switch) = self.switch_height else {
            self.fail(Fault::EpochEnd, format!("node {i} ended an epoch nobody ended (root {root:?})"))
        };
        // The next epoch must start on a block that holds the next set, and on a chain that
        // contains everything this epoch finalized.
        if root.1 < switch {
            self.fail(Fault::EpochEnd, format!("epoch-end root {root:?} is below the switch height {switch}"));
        }
        let finals: Vec<(H256, u32)> = self.final_at.iter().map(|(n, h)| (*h, *n)).collect();
        for f in finals {
            if !self.on_chain_of(root, f) {
                self.fail(Fault::Safety, format!("epoch-end root {root:?} does not extend finalized {f:?}"));
            }
        }
        self.stats.epoch_certificates += 1;
        self.nodes[i].got_ec = true;
        if !self.ec_roots.contains(&root) {
            self.ec_roots.push(root);
        }
    }

    fn crash(&mut self, i: usize) {
        if self.nodes[i].engine.take().is_some() {
            self.stats.crashes += 1;
        }
    }

    fn send(&mut self, from: usize, to: usize, msg: &Message) {
        self.send_ex(from, to, msg, false);
    }

    fn send_ex(&mut self, from: usize, to: usize, msg: &Message, forged: bool) {
        if to == from {
            return;
        }
        self.stats.messages += 1;
        let blocked = self.groups.as_ref().is_some_and(|g| g[from] != g[to]);
        if blocked || self.rng.gen_bool(self.drop_rate) {
            self.stats.dropped += 1;
            return;
        }
        let delay = self.rng.gen_range(1..=self.max_delay);
        let epoch = self.epoch;
        if let Message::Proposal(p) = msg {
            // The block may be imported (synced) before or after the proposal message arrives.
            let import = self.rng.gen_range(0..=delay + 10);
            self.at(self.now + import, Ev::Ready { to, view: p.proposal.view, hash: p.proposal.block.hash });
        }
        self.at(self.now + delay, Ev::Deliver { to, from, bytes: msg.encode(), epoch, forged });
        if !self.healed && self.rng.gen_bool(0.1) {
            // Gossip duplicates messages, sometimes much later (e.g. to a node that restarted).
            self.stats.duplicated += 1;
            let late = self.now + delay + self.rng.gen_range(1..1000);
            if let Message::Proposal(p) = msg {
                self.at(late, Ev::Ready { to, view: p.proposal.view, hash: p.proposal.block.hash });
            }
            self.at(late, Ev::Deliver { to, from, bytes: msg.encode(), epoch, forged });
        }
    }

    fn broadcast(&mut self, from: usize, msg: &Message) {
        for to in 0..self.n {
            self.send(from, to, msg);
        }
    }

    /// Records an honest validator's signed statement; a second different one is a bug.
    fn check_signed(&mut self, i: usize, msg: &Message) {
        if !self.honest(i) {
            return;
        }
        let (set_id, kind, view, bytes) = match msg {
            Message::Proposal(p) => (p.proposal.set_id, 0u8, p.proposal.view, p.proposal.signing_message(&CHAIN)),
            Message::Commit(v) => (v.data.set_id, 3, v.data.view, v.data.signing_message(&CHAIN)),
            Message::Vote(v) => (v.data.set_id, 1, v.data.view, v.data.signing_message(&CHAIN)),
            Message::Timeout(t) => (t.data.set_id, 2, t.data.view, t.data.signing_message(&CHAIN)),
            // Aggregates of others' statements, not statements of their sender.
            Message::Certificate(_) | Message::CommitCertificate(_) => return,
        };
        match self.signed.get(&(set_id, i, kind, view)) {
            Some(known) if *known != bytes => {
                self.fail(Fault::HonestEquivocation, format!("honest validator {i} equivocated: {msg:?}"))
            }
            Some(_) => {}
            None => {
                self.signed.insert((set_id, i, kind, view), bytes);
            }
        }
    }

    // ---- the oracle: certificates honest nodes adopt must be signed as such by a quorum ----

    fn oracle_quorum(&mut self, set_id: SetId, signers: &Bitfield, msg: &[u8]) -> Result<(), String> {
        self.stats.oracle_checks += 1;
        if set_id != self.set.set_id {
            return Err(format!("set id {set_id} in epoch of set {}", self.set.set_id));
        }
        if !signers.fits(self.n) || signers.count() < self.set.quorum() {
            return Err(format!("{} signers, quorum {}", signers.count(), self.set.quorum()));
        }
        for i in signers.indices() {
            if self.honest(i) && !really_signed(i, msg) {
                return Err(format!("honest validator {i} never signed it as such"));
            }
        }
        Ok(())
    }

    fn oracle_qc(&mut self, node: usize, what: &str, qc: &QuorumCertificate) {
        if self.byzantine == 0 {
            return;
        }
        let d = cert_digest(qc);
        if self.genuine.contains(&d) {
            return;
        }
        if let Err(e) = self.oracle_quorum(qc.data.set_id, &qc.signers, &qc.data.signing_message(&CHAIN)) {
            self.fail(Fault::ForgedAdopted, format!("honest node {node} adopted as {what} a QC no quorum signed ({e}): {qc:?}"));
        }
        self.genuine.insert(d);
    }

    fn oracle_cc(&mut self, node: usize, what: &str, cc: &CommitCertificate) {
        if self.byzantine == 0 {
            return;
        }
        let d = cert_digest(cc);
        if self.genuine.contains(&d) {
            return;
        }
        if let Err(e) = self.oracle_quorum(cc.data.set_id, &cc.signers, &cc.data.signing_message(&CHAIN)) {
            self.fail(Fault::ForgedAdopted, format!("honest node {node} adopted as {what} a commit certificate no quorum signed ({e}): {cc:?}"));
        }
        self.genuine.insert(d);
    }

    fn oracle_tc(&mut self, node: usize, what: &str, tc: &TimeoutCertificate) {
        if self.byzantine == 0 {
            return;
        }
        let d = cert_digest(tc);
        if self.genuine.contains(&d) {
            return;
        }
        self.stats.oracle_checks += 1;
        let mut all = Bitfield::new(self.n);
        let mut bad = None;
        if tc.set_id != self.set.set_id {
            bad = Some(format!("set id {}", tc.set_id));
        }
        for g in &tc.groups {
            let data = TimeoutData { set_id: tc.set_id, view: tc.view, high_qc_view: g.high_qc_view };
            let msg = data.signing_message(&CHAIN);
            for i in g.signers.indices() {
                if i >= self.n || all.get(i) {
                    bad = Some(format!("signer {i} out of range or twice"));
                    continue;
                }
                all.set(i);
                if self.honest(i) && !really_signed(i, &msg) {
                    bad = Some(format!("honest validator {i} never signed {data:?}"));
                }
            }
        }
        if all.count() < self.set.quorum() {
            bad = Some(format!("{} signers", all.count()));
        }
        let max = tc.groups.iter().map(|g| g.high_qc_view).max().unwrap_or(0);
        if tc.high_qc.as_ref().map_or(0, |q| q.data.view) != max {
            bad = Some("high QC is not the one of the highest reported view".into());
        }
        if let Some(e) = bad {
            self.fail(Fault::ForgedAdopted, format!("honest node {node} adopted as {what} a TC no quorum signed ({e}): {tc:?}"));
        }
        if let Some(qc) = &tc.high_qc {
            self.oracle_qc(node, "a TC's high QC", qc);
        }
        if self.tcs_seen.insert((tc.set_id, tc.view)) {
            self.stats.tcs_adopted += 1;
        }
        self.genuine.insert(d);
    }

    fn oracle_proof(&mut self, node: usize, what: &str, proof: &FinalityProof) {
        match proof {
            FinalityProof::Commit(cc) => self.oracle_cc(node, what, cc),
            FinalityProof::Child(qc) => self.oracle_qc(node, what, qc),
        }
    }

    /// Every certificate an honest node sends is one it holds.
    fn oracle_message(&mut self, i: usize, m: &Message) {
        if self.byzantine == 0 {
            return;
        }
        match m {
            Message::Proposal(p) => {
                if let Some(qc) = &p.proposal.justify {
                    self.oracle_qc(i, "its proposal's justify", qc);
                }
                if let Some(tc) = &p.proposal.tc {
                    self.oracle_tc(i, "its proposal's TC", tc);
                }
            }
            Message::Timeout(t) => {
                if let Some(qc) = &t.high_qc {
                    self.oracle_qc(i, "its timeout's high QC", qc);
                }
                if let Some(tc) = &t.last_tc {
                    self.oracle_tc(i, "its timeout's TC", tc);
                }
            }
            Message::Certificate(qc) => self.oracle_qc(i, "a certificate it sends", qc),
            Message::CommitCertificate(cc) => self.oracle_cc(i, "a commit certificate it sends", cc),
            Message::Vote(_) | Message::Commit(_) => {}
        }
    }

    /// Checks the honest node's highest QC whenever it changed.
    fn oracle_engine(&mut self, i: usize) {
        if self.byzantine == 0 || !self.honest(i) {
            return;
        }
        let Some(e) = self.nodes[i].engine.as_ref() else { return };
        let Some(qc) = e.high_qc() else { return };
        let key = (qc.data.view, qc.data.block_hash);
        if self.nodes[i].checked_high_qc == Some(key) {
            return;
        }
        let qc = qc.clone();
        self.oracle_qc(i, "its high QC", &qc);
        self.nodes[i].checked_high_qc = Some(key);
    }

    fn on_finalize(&mut self, i: usize, block: BlockInfo, j: bpci_primitives::FinalityJustification) {
        if verify_justification::<Fake>(&self.set, &CHAIN, &j, block.hash, block.number).is_err() {
            self.fail(Fault::Other, format!("node {i} finalized {block:?} with a bad justification"));
        }
        let last = self.nodes[i].last_final_this_run;
        if block.number <= last {
            self.fail(Fault::Other, format!("node {i} finalized {} after {last}", block.number));
        }
        let node = &mut self.nodes[i];
        node.last_final_this_run = block.number;
        node.max_final = node.max_final.max(block.number);
        if !self.honest(i) {
            return;
        }
        let proof = j.proof(self.set.set_id, block.hash, block.number).expect("checked above");
        self.oracle_proof(i, "finality proof", &proof);
        self.stats.finalized += 1;
        match j.kind {
            JustificationKind::Commit { .. } => self.stats.final_by_commit += 1,
            JustificationKind::Child { .. } => self.stats.final_by_child += 1,
        }
        if self.epoch > 1 {
            self.stats.second_epoch_finalized += 1;
        }
        let Some(&(number, parent)) = self.tree.get(&block.hash) else {
            self.fail(Fault::Other, format!("node {i} finalized unknown block {block:?}"))
        };
        if number != block.number || (block.parent_hash != parent && !block.parent_hash.is_zero()) {
            self.fail(Fault::Other, format!("node {i} finalized {block:?} but the tree says ({number}, {parent:?})"));
        }
        // Walk down until a height already known final: it must be the same block.
        let (mut h, mut num) = (block.hash, number);
        loop {
            match self.final_at.get(&num) {
                Some(known) if *known == h => break,
                Some(known) => self.fail(
                    Fault::ConflictingFinality,
                    format!("conflicting finality at height {num}: {known:?} vs {h:?} (node {i}, epoch {})", self.epoch),
                ),
                None => {
                    self.final_at.insert(num, h);
                }
            }
            let (pn, ph) = self.tree[&h];
            debug_assert_eq!(pn, num);
            h = ph;
            num -= 1;
        }
        if self.epoch == 1 {
            if self.switch_height.is_some_and(|h| block.number >= h) && self.nodes[i].end_proof.is_none() {
                self.nodes[i].end_proof = Some(proof.clone());
                if let Some(e) = self.nodes[i].engine.as_mut() {
                    let actions = e.end_epoch(Some(proof), self.now);
                    self.handle(i, actions);
                }
            }
            for root in self.ec_roots.clone() {
                if !self.on_chain_of(root, (block.hash, block.number)) {
                    self.fail(Fault::Safety, format!("node {i} finalized {block:?} off the epoch-end root {root:?}"));
                }
            }
        } else if !self.ec_roots.iter().any(|r| self.on_chain_of((block.hash, block.number), *r)) {
            self.fail(Fault::Safety, format!("node {i} finalized {block:?} on no epoch-end root {:?}", self.ec_roots));
        }
    }

    fn build(&mut self, i: usize, view: View, parent: H256, parent_number: u32, variant: u32) -> (H256, u32) {
        let h = H256(hash(&(parent, view, i as u32, variant, self.epoch).encode()));
        self.tree.insert(h, (parent_number + 1, parent));
        self.sealed_by.insert(h, (i as u32, self.epoch));
        // Blocks spread by sync, independently of consensus messages (and of the partitions and
        // losses those suffer: sync retries).
        for to in 0..self.n {
            let t = self.now + self.rng.gen_range(0..=self.max_delay + 10);
            self.at(t, Ev::Import { to, hash: h });
        }
        (h, parent_number + 1)
    }

    /// Who leads on `block`: rotation over the sealers of it and its ancestors of this epoch, as
    /// the glue computes it from headers.
    fn schedule_of(&self, block: H256) -> leaders::Schedule {
        let epoch = self.epoch;
        let sealers = std::iter::successors(Some(block), |h| self.tree.get(h).map(|t| t.1))
            .map_while(|h| self.sealed_by.get(&h).filter(|s| s.1 == epoch).map(|s| s.0));
        leaders::Schedule::from_proposers(self.n, sealers)
    }

    /// The leader of `view` on `parent`.
    fn leader_on(&self, view: View, parent: H256) -> usize {
        self.schedule_of(parent).leader(view).map_or(0, |i| i as usize)
    }

    fn import(&mut self, to: usize, hash: H256) {
        let schedule = self.schedule_of(hash);
        let Some(e) = self.nodes[to].engine.as_mut() else { return };
        let actions = e.note_schedule(hash, schedule, self.now);
        self.handle(to, actions);
    }

    fn handle(&mut self, i: usize, actions: Vec<Action>) {
        for action in actions {
            if self.nodes[i].engine.is_none() {
                return;
            }
            if !self.healed && self.honest(i) && self.rng.gen_bool(0.0005) {
                // Crash in the middle of an action list: whatever follows is lost, which is only
                // safe because PersistSafety comes before the messages it protects.
                self.stats.mid_list_crashes += 1;
                self.crash(i);
                let t = self.now + self.rng.gen_range(10..800);
                self.at(t, Ev::Restart { node: i });
                return;
            }
            match action {
                Action::Propose { view, parent_hash, parent_number } => {
                    let (h, number) = self.build(i, view, parent_hash, parent_number, 0);
                    // Blocks of a lone validator take longer to build: its views are otherwise a
                    // few ms each and the seeds with n = 1 would cost most of the time.
                    let t = self.now + if self.n == 1 { self.rng.gen_range(10..30) } else { self.rng.gen_range(0..5) };
                    let incarnation = self.nodes[i].incarnation;
                    self.at(t, Ev::Built { node: i, incarnation, view, hash: h, number, parent: parent_hash });
                }
                Action::Broadcast(m) => {
                    self.on_outgoing(i, &m);
                    self.byzantine_broadcast_or(i, m);
                }
                Action::SendTo(to, m) => {
                    self.on_outgoing(i, &m);
                    self.byzantine_send_or(i, to as usize, m);
                }
                Action::PersistSafety(s) => {
                    if self.byzantine > 0 && self.honest(i) {
                        if let Some(qc) = &s.high_qc {
                            self.oracle_qc(i, "its persisted high QC", qc);
                        }
                        if let Some(tc) = &s.high_tc {
                            self.oracle_tc(i, "its persisted high TC", tc);
                        }
                    }
                    self.nodes[i].persisted = s
                }
                Action::Finalize { block, justification } => {
                    if self.trace {
                        println!("{} node {i} finalizes #{} by {:?}", self.now, block.number, justification.kind);
                    }
                    self.on_finalize(i, block, justification)
                }
                Action::Equivocation(e) => {
                    let (who, _) = e.offender();
                    if self.honest(who as usize) {
                        self.fail(Fault::FalseAccusation, format!("node {i} accused honest validator {who}: {e:?}"));
                    }
                    self.stats.equivocations_detected += 1;
                }
                Action::Misbehaviour { .. } => self.stats.misbehaviour_reports += 1,
                Action::EpochEnded(tc) => self.on_epoch_end(i, tc),
                // The glue computes it from the headers it has (blocks reach every node by sync).
                Action::NeedSchedule(h) if self.sealed_by.get(&h).is_some_and(|s| s.1 == self.epoch) => self.import(i, h),
                Action::NeedSchedule(_) => {}
            }
        }
        self.oracle_engine(i);
    }

    fn on_outgoing(&mut self, i: usize, m: &Message) {
        if self.trace {
            let what = match m {
                Message::Proposal(p) => format!("proposal v{} on QC v{} tc {:?}", p.proposal.view, p.proposal.justify_view(), p.proposal.tc.as_ref().map(|t| (t.view, t.max_high_qc_view()))),
                Message::Vote(v) => format!("vote v{}", v.data.view),
                Message::Commit(v) => format!("commit vote v{}", v.data.view),
                Message::Timeout(t) => format!("timeout v{} high {} last_tc {:?}", t.data.view, t.data.high_qc_view, t.last_tc.as_ref().map(|t| t.view)),
                Message::Certificate(qc) => format!("QC v{}", qc.data.view),
                Message::CommitCertificate(cc) => format!("CC v{}", cc.data.view),
            };
            let view = self.nodes[i].engine.as_ref().map(|e| e.view());
            println!("{} node {i}{} in view {view:?} sends {what}", self.now, if self.honest(i) { "" } else { " (byz)" });
        }
        self.check_signed(i, m);
        if self.honest(i) {
            self.oracle_message(i, m);
            if let Message::Proposal(p) = m {
                if p.proposal.tc.is_some() {
                    self.stats.tcs_in_proposals += 1;
                }
            }
        }
        self.observe(m);
    }

    fn byzantine_broadcast_or(&mut self, i: usize, m: Message) {
        let Some(b) = self.nodes[i].byz else { return self.broadcast(i, &m) };
        match &m {
            Message::Proposal(p) if b.equivocate => {
                self.stats.byzantine_acts += 1;
                let mut twin = p.clone();
                // After a timeout, try to fork off an older certified block: only the TC rule
                // (justify at least as high as any QC the timeout quorum reported) stops this.
                if p.proposal.tc.is_some() && !self.adv.qcs.is_empty() && self.rng.gen_bool(0.5) {
                    let old = self.adv.qcs[self.rng.gen_range(0..self.adv.qcs.len())].clone();
                    if old.data.view < p.proposal.view && old.data.set_id == self.set.set_id {
                        twin.proposal.block.parent_hash = old.data.block_hash;
                        twin.proposal.block.number = old.data.block_number + 1;
                        twin.proposal.justify = Some(old);
                    }
                }
                let parent = twin.proposal.block.parent_hash;
                self.adv.blocks += 1;
                let variant = self.adv.blocks;
                let (h, _) = self.build(i, p.proposal.view, parent, twin.proposal.block.number - 1, variant);
                twin.proposal.block.hash = h;
                twin.signature = Fake::sign(&public(i), &twin.proposal.signing_message(&CHAIN));
                self.observe(&Message::Proposal(twin.clone()));
                for to in 0..self.n {
                    let which = if self.rng.gen_bool(0.5) { &m } else { &Message::Proposal(twin.clone()) };
                    let which = which.clone();
                    self.send(i, to, &which);
                }
                if self.rng.gen_bool(0.5) {
                    // Every byzantine key votes for both blocks.
                    self.byz_vote_for(&p.proposal.clone());
                    self.byz_vote_for(&twin.proposal.clone());
                } else if b.conflicting_votes {
                    let v = p.proposal.view;
                    let data = VoteData {
                        set_id: self.set.set_id,
                        view: v,
                        block_hash: h,
                        block_number: twin.proposal.block.number,
                        parent_hash: parent,
                        parent_view: twin.proposal.justify_view(),
                    };
                    let vote = SignedVote { signature: Fake::sign(&public(i), &data.signing_message(&CHAIN)), data, voter: i as u32 };
                    let leader = self.leader_on(v + 1, h);
                    self.observe(&Message::Vote(vote.clone()));
                    self.send(i, leader, &Message::Vote(vote));
                }
            }
            Message::Timeout(_) | Message::Certificate(_) | Message::CommitCertificate(_) if self.rng.gen_bool(b.withhold) => {
                self.stats.byzantine_acts += 1;
                push_bounded(&mut self.adv.withheld, m.clone(), 64);
            }
            _ => self.broadcast(i, &m),
        }
        self.maybe_garbage(i, &m);
    }

    fn byzantine_send_or(&mut self, i: usize, to: usize, m: Message) {
        let Some(b) = self.nodes[i].byz else { return self.send(i, to, &m) };
        if let Message::Vote(v) = &m {
            if self.rng.gen_bool(b.withhold) {
                self.stats.byzantine_acts += 1;
                push_bounded(&mut self.adv.withheld, m.clone(), 64);
                return;
            }
            if b.conflicting_votes {
                self.stats.byzantine_acts += 1;
                let mut data = v.data.clone();
                data.block_hash = H256(self.rng.gen());
                let vote = SignedVote { signature: Fake::sign(&public(i), &data.signing_message(&CHAIN)), data, voter: i as u32 };
                self.send(i, to, &Message::Vote(vote));
            }
        }
        self.send(i, to, &m);
        self.maybe_garbage(i, &m);
    }

    fn maybe_garbage(&mut self, i: usize, m: &Message) {
        if !self.nodes[i].byz.is_some_and(|b| b.garbage) || !self.rng.gen_bool(0.2) {
            return;
        }
        self.stats.byzantine_acts += 1;
        let mut bytes = m.encode();
        match self.rng.gen_range(0..3) {
            0 => {
                for _ in 0..self.rng.gen_range(1..4) {
                    let k = self.rng.gen_range(0..bytes.len());
                    bytes[k] = self.rng.gen();
                }
            }
            1 => bytes.truncate(self.rng.gen_range(0..bytes.len())),
            _ => bytes = (0..self.rng.gen_range(0..200)).map(|_| self.rng.gen()).collect(),
        }
        let to = self.rng.gen_range(0..self.n);
        if to != i {
            let t = self.now + self.rng.gen_range(1..50);
            let epoch = self.epoch;
            self.at(t, Ev::Deliver { to, from: i, bytes, epoch, forged: false });
        }
    }

    // ---- the adversary ----

    /// The adversary sees every message sent (a rushing, eavesdropping network adversary).
    fn observe(&mut self, m: &Message) {
        if self.byzantine == 0 {
            return;
        }
        let adv = &mut self.adv;
        if adv.log.len() >= 256 {
            adv.log.pop_front();
        }
        adv.log.push_back(m.clone());
        match m {
            Message::Proposal(p) => {
                push_bounded(&mut adv.proposals, p.clone(), 32);
                if let Some(qc) = &p.proposal.justify {
                    push_bounded(&mut adv.qcs, qc.clone(), 48);
                }
                if let Some(tc) = &p.proposal.tc {
                    push_bounded(&mut adv.tcs, tc.clone(), 16);
                }
            }
            Message::Vote(v) => {
                let list = adv.votes.entry((v.data.set_id, v.data.view)).or_default();
                if !list.contains(v) {
                    list.push(v.clone());
                }
                prune(&mut adv.votes);
                let react = (0u8, v.data.set_id, v.data.view, v.data.block_hash, v.voter);
                self.maybe_react(react);
            }
            Message::Commit(v) => {
                let list = adv.commits.entry((v.data.set_id, v.data.view)).or_default();
                if !list.contains(v) {
                    list.push(v.clone());
                }
                prune(&mut adv.commits);
                let react = (1u8, v.data.set_id, v.data.view, v.data.block_hash, v.voter);
                self.maybe_react(react);
            }
            Message::Timeout(t) => {
                let stripped = SignedTimeout { high_qc: None, last_tc: None, ..t.clone() };
                let list = adv.timeouts.entry((t.data.set_id, t.data.view)).or_default();
                if !list.contains(&stripped) {
                    list.push(stripped);
                }
                prune(&mut adv.timeouts);
                if let Some(qc) = &t.high_qc {
                    push_bounded(&mut adv.qcs, qc.clone(), 48);
                }
                if let Some(tc) = &t.last_tc {
                    push_bounded(&mut adv.tcs, tc.clone(), 16);
                }
            }
            Message::Certificate(qc) => push_bounded(&mut adv.qcs, qc.clone(), 48),
            Message::CommitCertificate(cc) => push_bounded(&mut adv.ccs, cc.clone(), 16),
        }
    }

    /// A statement of an honest validator was just seen: sometimes react at once (co-sign it with
    /// every byzantine key, aggregate what agrees with it, and hand the certificate to its
    /// signers or anyone) rather than at the next tick.
    fn maybe_react(&mut self, (kind, set_id, view, block, voter): (u8, SetId, View, H256, u32)) {
        if !self.honest(voter as usize) || !self.rng.gen_bool(0.3) {
            return;
        }
        let t = self.now + self.rng.gen_range(0..4);
        self.at(t, Ev::React { kind, set_id, view, block });
    }

    fn react(&mut self, kind: u8, set_id: SetId, view: View, block: H256) {
        if set_id != self.set.set_id {
            return;
        }
        let co_sign = self.rng.gen_bool(0.5);
        if kind == 0 {
            let seen = self.adv.votes.get(&(set_id, view)).and_then(|l| l.iter().find(|v| v.data.block_hash == block)).cloned();
            if let (true, Some(v)) = (co_sign, seen) {
                let next = self.leader_on(view.saturating_add(1), block);
                for b in self.byz_ids() {
                    let mine = self.sign_vote(b, v.data.clone());
                    self.send(b, next, &Message::Vote(mine));
                }
            }
            let Some(qc) = self.aggregate_qc(Some((set_id, view))) else { return };
            let signers: Vec<usize> = qc.signers.indices().collect();
            let to = self.targets(Some(signers));
            self.deliver_qc(qc, false, to);
        } else {
            let seen = self.adv.commits.get(&(set_id, view)).and_then(|l| l.iter().find(|v| v.data.block_hash == block)).cloned();
            if let (true, Some(v)) = (co_sign, seen) {
                for b in self.byz_ids() {
                    let mine = self.sign_commit(b, v.data.clone());
                    let to = self.targets(None);
                    self.adv_send(to, Message::Commit(mine), false);
                }
            }
            let Some(cc) = self.aggregate_cc(Some((set_id, view))) else { return };
            let signers: Vec<usize> = cc.signers.indices().collect();
            let to = self.targets(Some(signers));
            self.adv_send(to, Message::CommitCertificate(cc), false);
        }
    }

    fn byz_ids(&self) -> Vec<usize> {
        (0..self.n).filter(|i| !self.honest(*i)).collect()
    }

    fn any_byz(&mut self) -> usize {
        let ids = self.byz_ids();
        ids[self.rng.gen_range(0..ids.len())]
    }

    /// A view some honest node is in (or the highest).
    fn honest_view(&mut self) -> View {
        let views: Vec<View> =
            (0..self.n).filter(|i| self.honest(*i)).filter_map(|i| self.nodes[i].engine.as_ref().map(|e| e.view())).collect();
        if views.is_empty() {
            return 1;
        }
        views[self.rng.gen_range(0..views.len())]
    }

    /// Who receives a crafted message: everyone, one side, the given nodes, or a single node.
    fn targets(&mut self, preferred: Option<Vec<usize>>) -> Vec<usize> {
        match self.rng.gen_range(0..4) {
            0 => (0..self.n).collect(),
            1 => {
                let s = self.rng.gen_range(0..2);
                (0..self.n).filter(|i| self.adv.side[*i] == s).collect()
            }
            2 if preferred.is_some() => preferred.unwrap_or_default(),
            _ => vec![self.rng.gen_range(0..self.n)],
        }
    }

    fn adv_send(&mut self, to: Vec<usize>, m: Message, forged: bool) {
        let from = self.any_byz();
        for t in to {
            if !self.honest(t) {
                continue;
            }
            self.send_ex(from, t, &m, forged);
        }
    }

    fn pick<T: Clone>(&mut self, q: &VecDeque<T>) -> Option<T> {
        (!q.is_empty()).then(|| q[self.rng.gen_range(0..q.len())].clone())
    }

    /// A seen QC of the current set, preferring the highest.
    fn some_qc(&mut self, below: Option<View>) -> Option<QuorumCertificate> {
        let set_id = self.set.set_id;
        let mut qcs: Vec<QuorumCertificate> = self
            .adv
            .qcs
            .iter()
            .filter(|q| q.data.set_id == set_id && below.is_none_or(|b| q.data.view < b))
            .cloned()
            .collect();
        if qcs.is_empty() {
            return None;
        }
        qcs.sort_by_key(|q| q.data.view);
        if self.rng.gen_bool(0.5) {
            return qcs.pop();
        }
        Some(qcs[self.rng.gen_range(0..qcs.len())].clone())
    }

    fn some_tc(&mut self, view: Option<View>) -> Option<TimeoutCertificate> {
        let set_id = self.set.set_id;
        let tcs: Vec<_> =
            self.adv.tcs.iter().filter(|t| t.set_id == set_id && view.is_none_or(|v| t.view == v)).cloned().collect();
        (!tcs.is_empty()).then(|| tcs[self.rng.gen_range(0..tcs.len())].clone())
    }

    fn sign_vote(&mut self, b: usize, data: VoteData) -> SignedVote {
        let signature = Fake::sign(&public(b), &data.signing_message(&CHAIN));
        let v = SignedVote { data, voter: b as u32, signature };
        self.observe(&Message::Vote(v.clone()));
        v
    }

    fn sign_commit(&mut self, b: usize, data: CommitData) -> SignedCommitVote {
        let signature = Fake::sign(&public(b), &data.signing_message(&CHAIN));
        let v = SignedCommitVote { data, voter: b as u32, signature };
        self.observe(&Message::Commit(v.clone()));
        v
    }

    fn sign_timeout(
        &mut self,
        b: usize,
        view: View,
        high_qc: Option<QuorumCertificate>,
        last_tc: Option<TimeoutCertificate>,
        claimed: Option<View>,
    ) -> SignedTimeout {
        let high_qc_view = claimed.unwrap_or(high_qc.as_ref().map_or(0, |q| q.data.view));
        let data = TimeoutData { set_id: self.set.set_id, view, high_qc_view };
        let signature = Fake::sign(&public(b), &data.signing_message(&CHAIN));
        let t = SignedTimeout { data, voter: b as u32, signature, high_qc, last_tc };
        self.observe(&Message::Timeout(t.clone()));
        t
    }

    /// A proposal by the leader of `view` on `justify`'s block (or a root), with `tc`; `None` when
    /// that leader is honest.
    fn craft_proposal(&mut self, view: View, justify: Option<QuorumCertificate>, tc: Option<TimeoutCertificate>) -> Option<SignedProposal> {
        let (parent, parent_number) = match &justify {
            Some(qc) => (qc.data.block_hash, qc.data.block_number),
            None => (self.genesis.hash, self.genesis.number),
        };
        let leader = self.leader_on(view, parent);
        if self.honest(leader) {
            return None;
        }
        self.adv.blocks += 1;
        let variant = self.adv.blocks;
        let (hash, number) = self.build(leader, view, parent, parent_number, variant);
        let proposal = Proposal {
            set_id: self.set.set_id,
            view,
            block: BlockInfo { hash, number, parent_hash: parent },
            justify,
            tc,
        };
        let signature = Fake::sign(&public(leader), &proposal.signing_message(&CHAIN));
        let sp = SignedProposal { proposal, proposer: leader as u32, signature };
        self.observe(&Message::Proposal(sp.clone()));
        Some(sp)
    }

    /// Every byzantine key votes for `p` (to the next leader, and into the adversary's pool).
    fn byz_vote_for(&mut self, p: &Proposal) {
        let next = self.leader_on(p.view.saturating_add(1), p.block.hash);
        for b in self.byz_ids() {
            let data = VoteData {
                set_id: p.set_id,
                view: p.view,
                block_hash: p.block.hash,
                block_number: p.block.number,
                parent_hash: p.block.parent_hash,
                parent_view: p.justify_view(),
            };
            let v = self.sign_vote(b, data);
            self.send(b, next, &Message::Vote(v));
        }
    }

    /// Picks a group of `>= quorum` statements agreeing on the same data, and a random quorum-or-more
    /// subset of it: (data, signers, aggregate).
    fn aggregate<D: Clone + PartialEq>(&mut self, items: Vec<(D, u32, BlsSignature)>) -> Option<(D, Bitfield, BlsSignature)> {
        let q = self.set.quorum();
        let mut groups: Vec<(D, Vec<(u32, BlsSignature)>)> = Vec::new();
        for (d, voter, sig) in items {
            match groups.iter_mut().find(|g| g.0 == d) {
                Some(g) => {
                    if !g.1.iter().any(|(v, _)| *v == voter) {
                        g.1.push((voter, sig))
                    }
                }
                None => groups.push((d, vec![(voter, sig)])),
            }
        }
        groups.retain(|g| g.1.len() >= q);
        if groups.is_empty() {
            return None;
        }
        let (data, mut members) = groups.swap_remove(self.rng.gen_range(0..groups.len()));
        let size = self.rng.gen_range(q..=members.len());
        while members.len() > size {
            members.swap_remove(self.rng.gen_range(0..members.len()));
        }
        let mut signers = Bitfield::new(self.n);
        let sigs: Vec<_> = members
            .iter()
            .map(|(v, s)| {
                signers.set(*v as usize);
                *s
            })
            .collect();
        Some((data, signers, Fake::aggregate(&sigs).expect("xor")))
    }

    fn aggregate_qc(&mut self, key: Option<(SetId, View)>) -> Option<QuorumCertificate> {
        let keys: Vec<_> = match key {
            Some(k) => vec![k],
            None => self.adv.votes.keys().copied().collect(),
        };
        if keys.is_empty() {
            return None;
        }
        let k = keys[self.rng.gen_range(0..keys.len())];
        let items = self.adv.votes.get(&k)?.iter().map(|v| (v.data.clone(), v.voter, v.signature)).collect();
        let (data, signers, signature) = self.aggregate(items)?;
        let qc = QuorumCertificate { data, signers, signature };
        push_bounded(&mut self.adv.qcs, qc.clone(), 48);
        Some(qc)
    }

    fn aggregate_cc(&mut self, key: Option<(SetId, View)>) -> Option<CommitCertificate> {
        let keys: Vec<_> = match key {
            Some(k) => vec![k],
            None => self.adv.commits.keys().copied().collect(),
        };
        if keys.is_empty() {
            return None;
        }
        let k = keys[self.rng.gen_range(0..keys.len())];
        let items = self.adv.commits.get(&k)?.iter().map(|v| (v.data.clone(), v.voter, v.signature)).collect();
        let (data, signers, signature) = self.aggregate(items)?;
        let cc = CommitCertificate { data, signers, signature };
        push_bounded(&mut self.adv.ccs, cc.clone(), 16);
        Some(cc)
    }

    /// A TC from `>= quorum` timeouts of one view, grouped by reported QC view; its high QC is the
    /// seen certificate of the highest reported view (when the adversary has it).
    fn aggregate_tc(&mut self) -> Option<TimeoutCertificate> {
        let q = self.set.quorum();
        let keys: Vec<_> = self.adv.timeouts.iter().filter(|(_, l)| l.len() >= q).map(|(k, _)| *k).collect();
        if keys.is_empty() {
            return None;
        }
        let k = keys[self.rng.gen_range(0..keys.len())];
        let mut list = self.adv.timeouts[&k].clone();
        let mut seen = BTreeSet::new();
        list.retain(|t| seen.insert(t.voter));
        if list.len() < q {
            return None;
        }
        let size = self.rng.gen_range(q..=list.len());
        while list.len() > size {
            list.swap_remove(self.rng.gen_range(0..list.len()));
        }
        let mut groups: BTreeMap<View, (Bitfield, Vec<BlsSignature>)> = BTreeMap::new();
        for t in &list {
            let g = groups.entry(t.data.high_qc_view).or_insert_with(|| (Bitfield::new(self.n), Vec::new()));
            g.0.set(t.voter as usize);
            g.1.push(t.signature);
        }
        let max = groups.keys().last().copied().unwrap_or(0);
        let high_qc = if max == 0 {
            None
        } else {
            Some(self.adv.qcs.iter().find(|qc| qc.data.view == max && qc.data.set_id == k.0)?.clone())
        };
        let tc = TimeoutCertificate {
            set_id: k.0,
            view: k.1,
            groups: groups
                .into_iter()
                .map(|(high_qc_view, (signers, sigs))| TimeoutGroup {
                    high_qc_view,
                    signers,
                    signature: Fake::aggregate(&sigs).expect("xor"),
                })
                .collect(),
            high_qc,
        };
        push_bounded(&mut self.adv.tcs, tc.clone(), 16);
        Some(tc)
    }

    /// Sends a certificate (genuine or `forged`) in one of the ways the format allows: alone, as a
    /// timeout's high QC or TC, or in a proposal.
    fn deliver_qc(&mut self, qc: QuorumCertificate, forged: bool, to: Vec<usize>) {
        let b = self.any_byz();
        let m = match self.rng.gen_range(0..3) {
            0 => Message::Certificate(qc),
            1 => {
                let view = qc.data.view.saturating_add(self.rng.gen_range(1..3));
                Message::Timeout(self.sign_timeout(b, view, Some(qc), None, None))
            }
            _ => {
                let view = qc.data.view.saturating_add(1);
                match self.craft_proposal(view, Some(qc.clone()), None) {
                    Some(p) => Message::Proposal(p),
                    None => Message::Certificate(qc),
                }
            }
        };
        self.adv_send(to, m, forged);
    }

    fn act(&mut self) {
        let mut act = ACTS[self.rng.gen_range(0..ACTS.len())];
        if act == Act::EpochEnd && self.canary && self.switch_height.is_none() {
            // With f + 1 byzantine keys, epoch-end statements end the epoch at once (f + 1 of them
            // make every honest validator join); the canary looks for conflicting finality, which
            // needs the epoch to go on.
            act = Act::SplitProposals;
        }
        self.stats.acts[ACTS.iter().position(|a| *a == act).expect("in menu")] += 1;
        if self.trace {
            println!("{} adversary {act:?}", self.now);
        }
        let set_id = self.set.set_id;
        let view = self.honest_view();
        let b = self.any_byz();
        match act {
            Act::Vote => {
                // Any known block, any nearby view, any parent view.
                let Some(p) = self.pick(&self.adv.proposals.clone()) else { return };
                let v = (view + self.rng.gen_range(0..3)).saturating_sub(1).max(1);
                let data = VoteData {
                    set_id,
                    view: if self.rng.gen_bool(0.5) { p.proposal.view } else { v },
                    block_hash: p.proposal.block.hash,
                    block_number: p.proposal.block.number,
                    parent_hash: p.proposal.block.parent_hash,
                    parent_view: if self.rng.gen_bool(0.5) { p.proposal.justify_view() } else { v.saturating_sub(1) },
                };
                let vote = self.sign_vote(b, data);
                let leader = self.leader_on(vote.data.view.saturating_add(1), vote.data.block_hash);
                let mut to = self.targets(None);
                to.push(leader);
                self.adv_send(to, Message::Vote(vote), false);
            }
            Act::CommitVote => {
                let (hash, number, v) = match self.some_qc(None) {
                    Some(qc) if self.rng.gen_bool(0.7) => (qc.data.block_hash, qc.data.block_number, qc.data.view),
                    _ => {
                        let Some(p) = self.pick(&self.adv.proposals.clone()) else { return };
                        (p.proposal.block.hash, p.proposal.block.number, p.proposal.view)
                    }
                };
                let data = CommitData { set_id, view: v, block_hash: hash, block_number: number };
                let signers = if self.rng.gen_bool(0.5) { self.byz_ids() } else { vec![b] };
                for s in signers {
                    let c = self.sign_commit(s, data.clone());
                    let to = self.targets(None);
                    self.adv_send(to, Message::Commit(c), false);
                }
            }
            Act::Timeout => {
                let v = (view + self.rng.gen_range(0..3)).saturating_sub(1).max(1);
                let qc = if self.rng.gen_bool(0.8) { self.some_qc(Some(v)) } else { None };
                let tc = if self.rng.gen_bool(0.5) { self.some_tc(Some(v - 1)) } else { None };
                // Sometimes claim another QC view than the attached certificate's.
                let lie = self.rng.gen_bool(0.15);
                let claimed = lie.then(|| self.rng.gen_range(0..v));
                let t = self.sign_timeout(b, v, qc, tc, claimed);
                let to = self.targets(None);
                self.adv_send(to, Message::Timeout(t), lie);
            }
            Act::Proposal | Act::SplitProposals => {
                let sides = if act == Act::SplitProposals { 2 } else { 1 };
                if act == Act::SplitProposals && self.rng.gen_bool(0.3) {
                    self.adv.side = (0..self.n).map(|_| self.rng.gen_range(0..2)).collect();
                }
                for side in 0..sides {
                    // A view of the next few a byzantine validator leads on the chosen parent.
                    let Some(sp) = (view..view + 3).find_map(|v| {
                        let justify = if self.rng.gen_bool(0.9) { self.some_qc(Some(v)) } else { None };
                        let jv = justify.as_ref().map_or(0, |q| q.data.view);
                        let tc = if jv.saturating_add(1) == v && self.rng.gen_bool(0.8) {
                            None
                        } else {
                            self.some_tc(Some(v - 1)).or_else(|| self.some_tc(None))
                        };
                        self.craft_proposal(v, justify, tc)
                    }) else {
                        return;
                    };
                    if act == Act::SplitProposals || self.rng.gen_bool(0.5) {
                        self.byz_vote_for(&sp.proposal.clone());
                    }
                    let to = if sides == 2 {
                        (0..self.n).filter(|i| self.adv.side[*i] == side as u8).collect()
                    } else {
                        self.targets(None)
                    };
                    self.adv_send(to, Message::Proposal(sp), false);
                }
            }
            Act::AggregateQc => {
                let Some(qc) = self.aggregate_qc(None) else { return };
                if self.rng.gen_bool(0.3) {
                    push_bounded(&mut self.adv.withheld, Message::Certificate(qc), 64);
                    return;
                }
                let signers: Vec<usize> = qc.signers.indices().collect();
                let to = self.targets(Some(signers));
                self.deliver_qc(qc, false, to);
            }
            Act::AggregateCommit => {
                let Some(cc) = self.aggregate_cc(None) else { return };
                if self.rng.gen_bool(0.3) {
                    push_bounded(&mut self.adv.withheld, Message::CommitCertificate(cc), 64);
                    return;
                }
                let signers: Vec<usize> = cc.signers.indices().collect();
                let to = self.targets(Some(signers));
                self.adv_send(to, Message::CommitCertificate(cc), false);
            }
            Act::AggregateTc => {
                let Some(tc) = self.aggregate_tc() else { return };
                let high = self.some_qc(Some(tc.view.saturating_add(1)));
                let m = if self.rng.gen_bool(0.5) || tc.view == EPOCH_END {
                    // Carried by a timeout of the next view.
                    let v = tc.view.saturating_add(1).min(EPOCH_END);
                    let high = high.filter(|q| q.data.view < v);
                    Message::Timeout(self.sign_timeout(b, v, high, Some(tc), None))
                } else {
                    let justify = if self.rng.gen_bool(0.7) { tc.high_qc.clone() } else { high.clone() };
                    match self.craft_proposal(tc.view + 1, justify, Some(tc.clone())) {
                        Some(p) => Message::Proposal(p),
                        None => {
                            let v = tc.view + 1;
                            Message::Timeout(self.sign_timeout(b, v, high.filter(|q| q.data.view < v), Some(tc), None))
                        }
                    }
                };
                if self.rng.gen_bool(0.2) {
                    push_bounded(&mut self.adv.withheld, m, 64);
                    return;
                }
                let to = self.targets(None);
                self.adv_send(to, m, false);
            }
            Act::ForgeCommitAsQc => {
                // Finding 1: 2f+1 broadcast commit votes for B (view w), their signatures paired with
                // vote data, attached as high QC to a timeout of w + 2 (or sent as a certificate).
                let cc = match self.aggregate_cc(None) {
                    Some(cc) => cc,
                    None => match self.pick(&self.adv.ccs.clone()) {
                        Some(cc) => cc,
                        None => return,
                    },
                };
                let w = cc.data.view;
                let data = match self.rng.gen_range(0..3) {
                    0 => VoteData {
                        set_id: cc.data.set_id,
                        view: w.saturating_add(1),
                        block_hash: H256::zero(),
                        block_number: cc.data.block_number + 1,
                        parent_hash: cc.data.block_hash,
                        parent_view: w,
                    },
                    1 => VoteData {
                        set_id: cc.data.set_id,
                        view: w,
                        block_hash: cc.data.block_hash,
                        block_number: cc.data.block_number,
                        parent_hash: H256::zero(),
                        parent_view: w.saturating_sub(1),
                    },
                    _ => VoteData {
                        set_id: cc.data.set_id,
                        view: w.saturating_add(1),
                        block_hash: cc.data.block_hash,
                        block_number: cc.data.block_number,
                        parent_hash: H256::zero(),
                        parent_view: w,
                    },
                };
                let forged = QuorumCertificate { data, signers: cc.signers.clone(), signature: cc.signature };
                let to = self.targets(None);
                if self.rng.gen_bool(0.7) {
                    let v = forged.data.view.saturating_add(1);
                    let t = self.sign_timeout(b, v, Some(forged), None, None);
                    self.adv_send(to, Message::Timeout(t), true);
                } else {
                    self.deliver_qc(forged, true, to);
                }
            }
            Act::ForgeRelabel => {
                let Some(mut qc) = self.some_qc(None) else { return };
                match self.rng.gen_range(0..4) {
                    0 => qc.data.view = qc.data.view.saturating_add(self.rng.gen_range(1..4)),
                    1 => qc.data.block_hash = self.pick(&self.adv.proposals.clone()).map_or(H256::zero(), |p| p.proposal.block.hash),
                    2 => qc.data.parent_view = qc.data.view - 1,
                    _ => {
                        // Signers of another group of the same view (same signature, other bits).
                        let i = self.rng.gen_range(0..self.n);
                        let mut s = qc.signers.clone();
                        if s.get(i) {
                            s.0[i / 8] &= !(1 << (i % 8));
                        } else {
                            s.set(i);
                        }
                        qc.signers = s;
                    }
                }
                let to = self.targets(None);
                self.deliver_qc(qc, true, to);
            }
            Act::ForgeQcAsCommit => {
                let Some(qc) = self.some_qc(None) else { return };
                let (view, hash, number) = if self.rng.gen_bool(0.5) {
                    (qc.data.view, qc.data.block_hash, qc.data.block_number)
                } else {
                    (qc.data.parent_view, qc.data.parent_hash, qc.data.block_number - 1)
                };
                let cc = CommitCertificate {
                    data: CommitData { set_id: qc.data.set_id, view, block_hash: hash, block_number: number },
                    signers: qc.signers,
                    signature: qc.signature,
                };
                let to = self.targets(None);
                self.adv_send(to, Message::CommitCertificate(cc), true);
            }
            Act::ForgeTc => {
                let Some(mut tc) = self.some_tc(None).or_else(|| self.aggregate_tc()) else { return };
                match self.rng.gen_range(0..3) {
                    0 => {
                        // Claim a higher QC than the signers reported.
                        if let Some(qc) = self.some_qc(Some(tc.view)) {
                            if let Some(g) = tc.groups.last_mut() {
                                g.high_qc_view = qc.data.view;
                            }
                            tc.high_qc = Some(qc);
                        }
                    }
                    1 => tc.view = tc.view.saturating_add(1),
                    _ => {
                        // Merge the groups under one reported view.
                        let v = tc.groups.first().map_or(0, |g| g.high_qc_view);
                        for g in &mut tc.groups {
                            g.high_qc_view = v;
                        }
                    }
                }
                let v = tc.view.saturating_add(1);
                let high = self.some_qc(Some(v));
                let crafted = if self.rng.gen_bool(0.5) { self.craft_proposal(v, high.clone(), Some(tc.clone())) } else { None };
                let m = match crafted {
                    Some(p) => Message::Proposal(p),
                    None => Message::Timeout(self.sign_timeout(b, v, high, Some(tc), None)),
                };
                let to = self.targets(None);
                self.adv_send(to, m, true);
            }
            Act::CrossChain => self.cross_chain(b, view),
            Act::OtherSet => {
                // Certificates of one set presented to the other (relabelled), or statements of the
                // ended epoch (genuine, their own set id).
                let other = if set_id == 1 { 2 } else { 1 };
                let Some(mut qc) = self.adv.qcs.back().cloned() else { return };
                let to = self.targets(None);
                if self.rng.gen_bool(0.5) {
                    qc.data.set_id = other;
                    self.deliver_qc(qc, true, to);
                } else {
                    let t = self.sign_timeout(b, view, None, None, None);
                    let t = SignedTimeout { high_qc: Some(qc), ..t };
                    self.adv_send(to, Message::Timeout(t), true);
                }
            }
            Act::Release => {
                if self.adv.withheld.is_empty() {
                    return;
                }
                let k = self.rng.gen_range(0..self.adv.withheld.len());
                let m = if self.rng.gen_bool(0.5) { self.adv.withheld.remove(k).expect("in range") } else { self.adv.withheld[k].clone() };
                let to = self.targets(None);
                self.adv_send(to, m, false);
            }
            Act::Replay => {
                let m = if !self.adv.old_log.is_empty() && self.rng.gen_bool(0.6) {
                    self.adv.old_log[self.rng.gen_range(0..self.adv.old_log.len())].clone()
                } else {
                    let Some(m) = self.pick(&self.adv.log.clone()) else { return };
                    m
                };
                let to = self.targets(None);
                self.adv_send(to, m, false);
            }
            Act::EpochEnd => {
                let qc = self.some_qc(None);
                let t = self.sign_timeout(b, EPOCH_END, qc, None, None);
                let to = self.targets(None);
                self.adv_send(to, Message::Timeout(t), false);
            }
        }
    }

    /// Finding 5: the same keys sign on another chain (a testnet beside the mainnet, or the chain
    /// before a relaunch). There every validator signed honestly; here the adversary replays it.
    fn cross_chain(&mut self, b: usize, view: View) {
        let set_id = self.set.set_id;
        let all: Vec<usize> = (0..self.n).collect();
        let mut signers = Bitfield::new(self.n);
        all.iter().for_each(|i| signers.set(*i));
        let parent = self.some_qc(None);
        let (ph, pn, pv) = parent.as_ref().map_or((self.genesis.hash, self.genesis.number, 0), |q| (q.data.block_hash, q.data.block_number, q.data.view));
        let v = view.max(pv.saturating_add(1));
        self.adv.blocks += 1;
        let variant = self.adv.blocks;
        let (block, number) = self.build(self.leader_on(v, ph), v, ph, pn, variant);
        let data = VoteData { set_id, view: v, block_hash: block, block_number: number, parent_hash: ph, parent_view: pv };
        let msg2 = data.signing_message(&CHAIN2);
        let sigs: Vec<_> = all.iter().map(|i| raw_sign(&public(*i), &msg2)).collect();
        let qc = QuorumCertificate { data: data.clone(), signers: signers.clone(), signature: Fake::aggregate(&sigs).expect("xor") };
        let to = self.targets(None);
        match self.rng.gen_range(0..5) {
            0 | 1 => self.deliver_qc(qc, true, to),
            2 => {
                // Every validator's commit vote for the block, from the other chain.
                let cd = CommitData { set_id, view: pv, block_hash: ph, block_number: pn };
                let m2 = cd.signing_message(&CHAIN2);
                if self.rng.gen_bool(0.5) {
                    let sigs: Vec<_> = all.iter().map(|i| raw_sign(&public(*i), &m2)).collect();
                    let cc = CommitCertificate { data: cd, signers, signature: Fake::aggregate(&sigs).expect("xor") };
                    self.adv_send(to, Message::CommitCertificate(cc), true);
                } else {
                    for i in all {
                        let c = SignedCommitVote { data: cd.clone(), voter: i as u32, signature: raw_sign(&public(i), &m2) };
                        self.adv_send(to.clone(), Message::Commit(c), true);
                    }
                }
            }
            3 => {
                // Individual votes of the other chain, to the next leader.
                let leader = self.leader_on(v.saturating_add(1), block);
                for i in all {
                    let s = SignedVote { data: data.clone(), voter: i as u32, signature: raw_sign(&public(i), &msg2) };
                    self.adv_send(vec![leader], Message::Vote(s), true);
                }
            }
            _ => {
                // Timeouts of the other chain for the current view: a TC nobody here signed.
                let td = TimeoutData { set_id, view: v, high_qc_view: 0 };
                let m2 = td.signing_message(&CHAIN2);
                let sigs: Vec<_> = all.iter().map(|i| raw_sign(&public(*i), &m2)).collect();
                let tc = TimeoutCertificate {
                    set_id,
                    view: v,
                    groups: vec![TimeoutGroup { high_qc_view: 0, signers, signature: Fake::aggregate(&sigs).expect("xor") }],
                    high_qc: None,
                };
                let t = self.sign_timeout(b, v.saturating_add(1), None, Some(tc), None);
                self.adv_send(to, Message::Timeout(t), true);
            }
        }
    }

    fn event(&mut self, ev: Ev) {
        match ev {
            Ev::Deliver { to, from, bytes, epoch, forged } => {
                let Some(e) = self.nodes[to].engine.as_mut() else { return };
                // Undecodable bytes are the glue's business (reputation); the engine never sees them.
                let Ok(msg) = Message::decode(&mut &bytes[..]) else { return };
                let actions = e.on_message(msg, self.now);
                let reported = actions.iter().find_map(|a| match a {
                    Action::Misbehaviour { reason } => Some(*reason),
                    _ => None,
                });
                if epoch != self.epoch {
                    // Sent in the ended epoch, arriving in the new one (late, or replayed).
                    self.stats.cross_epoch_delivered += 1;
                    self.stats.cross_epoch_rejected += reported.is_some() as u64;
                } else if self.honest(from) {
                    if let Some(reason) = reported {
                        self.fail(Fault::HonestReported, format!("honest {from} -> {to} reported as misbehaving: {reason}"));
                    }
                } else if forged && self.honest(to) {
                    self.stats.forged_delivered += 1;
                    self.stats.forged_rejected += reported.is_some() as u64;
                }
                self.handle(to, actions);
            }
            Ev::Import { to, hash } => self.import(to, hash),
            Ev::Ready { to, view, hash } => {
                self.import(to, hash);
                let Some(e) = self.nodes[to].engine.as_mut() else { return };
                let actions = e.on_proposal_block_ready(view, hash, self.now);
                self.handle(to, actions);
            }
            Ev::Built { node, incarnation, view, hash, number, parent } => {
                if self.nodes[node].incarnation != incarnation {
                    return;
                }
                self.import(node, hash);
                let Some(e) = self.nodes[node].engine.as_mut() else { return };
                let actions = e.on_block_built(view, BlockInfo { hash, number, parent_hash: parent }, self.now);
                self.handle(node, actions);
            }
            Ev::Crash { node } => {
                if !self.healed {
                    self.crash(node);
                }
            }
            Ev::Restart { node } => self.restart(node),
            Ev::Partition { groups } => {
                if !self.healed {
                    self.stats.partitions += 1;
                    self.groups = Some(groups);
                }
            }
            Ev::EndPartition => self.groups = None,
            Ev::Weather => {
                if !self.healed {
                    self.weather();
                    let next = self.now + self.rng.gen_range(100..1500);
                    self.at(next, Ev::Weather);
                }
            }
            Ev::Heal => {
                self.healed = true;
                self.groups = None;
                self.drop_rate = 0.0;
                self.max_delay = 20;
                for i in 0..self.n {
                    self.restart(i);
                }
            }
            Ev::React { kind, set_id, view, block } => self.react(kind, set_id, view, block),
            Ev::Adversary => {
                self.act();
                let next = self.now + self.rng.gen_range(2..40);
                self.at(next, Ev::Adversary);
            }
        }
    }

    fn step(&mut self) -> bool {
        let next_ev = self.queue.peek().map(|Reverse((t, _, _))| *t);
        let next_tick = self.nodes.iter().filter_map(|n| n.engine.as_ref().map(|e| e.next_deadline())).min();
        let t = match (next_ev, next_tick) {
            (None, None) => return false,
            (a, b) => a.unwrap_or(u64::MAX).min(b.unwrap_or(u64::MAX)),
        };
        self.now = self.now.max(t);
        if next_tick.is_some_and(|d| d <= next_ev.unwrap_or(u64::MAX)) {
            for i in 0..self.n {
                let Some(e) = self.nodes[i].engine.as_mut() else { continue };
                if e.next_deadline() <= self.now {
                    let actions = e.on_tick(self.now);
                    self.handle(i, actions);
                }
            }
        } else if let Some(Reverse((_, _, ev))) = self.queue.pop() {
            self.event(ev);
        }
        true
    }

    fn max_honest_view(&self) -> View {
        (0..self.n).filter(|i| self.honest(*i)).filter_map(|i| self.nodes[i].engine.as_ref().map(|e| e.view())).max().unwrap_or(0)
    }

    /// After healing, every honest validator must hold an epoch-end certificate within a bounded
    /// time (checked for safety as each forms, in `on_epoch_end`).
    fn run_until_epoch_ends(&mut self, from: u64) {
        let done = |s: &Sim| (0..s.n).filter(|i| s.honest(*i)).all(|i| s.nodes[i].got_ec);
        while !done(self) {
            if self.now > from + 60_000 || !self.step() {
                let state: Vec<_> = self
                    .nodes
                    .iter()
                    .map(|n| (n.max_final, n.end_proof.is_some(), n.engine.as_ref().map(|e| (e.view(), e.has_ended()))))
                    .collect();
                self.fail(Fault::Liveness, format!("epoch did not end after healing (switch at {:?}): {state:?}", self.switch_height));
            }
        }
        self.stats.epoch_ends += 1;
    }

    /// The next epoch: set id 2, the same keys, every epoch-end root added and the highest one
    /// preferred; fresh safety data. Whatever is still in flight from the ended epoch arrives in
    /// the new one, and the adversary replays the ended epoch's messages into it.
    fn second_epoch(&mut self) {
        if self.ec_roots.is_empty() {
            return;
        }
        self.stats.views = self.max_honest_view();
        self.epoch = 2;
        self.set.set_id = 2;
        self.switch_height = None;
        let &(hash, number) = self.ec_roots.iter().max_by_key(|(h, n)| (*n, *h)).expect("not empty");
        self.genesis = BlockInfo { hash, number, parent_hash: self.tree[&hash].1 };
        self.adv.old_log = self.adv.log.drain(..).collect();
        for i in 0..self.n {
            let node = &mut self.nodes[i];
            node.engine = None;
            node.persisted = SafetyData::default();
            node.end_proof = None;
            node.got_ec = false;
            node.checked_high_qc = None;
            self.restart(i);
        }
        let start = self.now;
        let top = self.genesis.number;
        let live = |s: &Sim| (0..s.n).filter(|i| s.honest(*i)).all(|i| s.nodes[i].max_final > top);
        while !live(self) {
            if self.now > start + 30_000 || !self.step() {
                let heights: Vec<_> = self.nodes.iter().map(|n| n.max_final).collect();
                self.fail(Fault::Liveness, format!("second epoch (root {top}) did not finalize: {heights:?}"));
            }
        }
        let end = self.now + EPOCH2_STEADY_MS;
        while self.now < end && self.step() {}
        self.stats.second_epochs += 1;
    }

    fn finish(&mut self) -> Stats {
        let mut stats = std::mem::take(&mut self.stats);
        // Views of both epochs (the second counts from 1 again).
        stats.views += self.max_honest_view();
        if self.n > 1 {
            stats.views_multi = stats.views;
        }
        stats
    }

    fn run(mut self) -> Stats {
        let chaos_end = self.rng.gen_range(1000..CHAOS_MS);
        let first_change = self.rng.gen_range(100..1000);
        self.at(first_change, Ev::Weather);
        // Partitions that heal by themselves before GST.
        for _ in 0..self.rng.gen_range(0..4) {
            let start = self.rng.gen_range(0..chaos_end);
            let groups: Vec<u8> = (0..self.n).map(|_| self.rng.gen_range(0..2)).collect();
            let len = self.rng.gen_range(100..1500);
            self.at(start, Ev::Partition { groups });
            self.at(start + len, Ev::EndPartition);
        }
        // Crashes with restarts from the persisted data (some only at GST).
        for _ in 0..self.rng.gen_range(0..6) {
            let node = self.rng.gen_range(0..self.n);
            let t = self.rng.gen_range(0..chaos_end);
            self.at(t, Ev::Crash { node });
            if self.rng.gen_bool(0.7) {
                let back = t + self.rng.gen_range(10..1000);
                self.at(back, Ev::Restart { node });
            }
        }
        self.at(chaos_end, Ev::Heal);
        // One seed in five ends its epoch in the middle of the chaos: a validator-set change
        // announced at a random height, with crashes, partitions and byzantine nodes at work.
        let chaos_epoch = self.seed % 5 == 4;
        if chaos_epoch {
            self.switch_height = Some(self.rng.gen_range(2..15));
        }
        while self.now < chaos_end && self.step() {}
        while !self.healed {
            self.step();
        }
        if chaos_epoch {
            let heal_time = self.now;
            self.run_until_epoch_ends(heal_time);
            self.second_epoch();
            return self.finish();
        }

        let target = (0..self.n).filter(|i| self.honest(*i)).map(|i| self.nodes[i].max_final).max().unwrap_or(0);
        let heal_view = self.max_honest_view();
        let heal_time = self.now;
        let live = |s: &Sim| (0..s.n).filter(|i| s.honest(*i)).all(|i| s.nodes[i].max_final > target);
        while !live(&self) {
            if self.now > heal_time + 60_000 || !self.step() {
                let heights: Vec<_> = self.nodes.iter().map(|n| n.max_final).collect();
                let views: Vec<_> = self
                    .nodes
                    .iter()
                    .map(|n| n.engine.as_ref().map(|e| (e.view(), e.high_qc().map(|q| q.data.view), n.byz.is_some(), e.safety_data().last_voted_view, e.safety_data().last_timeout_view)))
                    .collect();
                self.fail(Fault::Liveness, format!("no liveness after healing: target {target}, finalized {heights:?}, views {views:?}"));
            }
        }
        let views = self.max_honest_view().saturating_sub(heal_view);
        if views > liveness_bound(self.n) {
            self.fail(Fault::Liveness, format!("liveness took {views} views after healing (bound {})", liveness_bound(self.n)));
        }
        let live_time = self.now;
        // Steady state with the byzantine validators still at work: everyone keeps finalizing.
        let target = (0..self.n).filter(|i| self.honest(*i)).map(|i| self.nodes[i].max_final).max().unwrap_or(0);
        let steady = std::env::var("BPCI_SIM_STEADY_MS").ok().and_then(|s| s.parse().ok()).unwrap_or(STEADY_MS);
        while self.now < live_time + steady && self.step() {}
        for i in (0..self.n).filter(|i| self.honest(*i)) {
            if self.nodes[i].max_final <= target {
                let views: Vec<_> = self
                    .nodes
                    .iter()
                    .map(|n| n.engine.as_ref().map(|e| (e.view(), e.high_qc().map(|q| q.data.view), n.byz.is_some(), e.safety_data().last_voted_view, e.safety_data().last_timeout_view, e.safety_data().commit_view, n.max_final)))
                    .collect();
                self.fail(Fault::Liveness, format!("node {i} stopped finalizing after healing at {}: {views:?}", self.nodes[i].max_final));
            }
        }
        // Then the epoch ends: the next set's blocks start just above what is final now.
        let top = (0..self.n).filter(|i| self.honest(*i)).map(|i| self.nodes[i].max_final).max().unwrap_or(0);
        self.switch_height = Some(top + 1);
        let from = self.now;
        self.run_until_epoch_ends(from);
        self.second_epoch();
        let mut stats = self.finish();
        if std::env::var("BPCI_SIM_VERBOSE").is_ok() {
            let f: Vec<_> = self.nodes.iter().map(|n| n.max_final).collect();
            println!(
                "seed {} n {} views {} heal_view {} msgs {} dropped {} finalized {:?} heal at {} live after {} views",
                self.seed, self.n, stats.views, heal_view, stats.messages, stats.dropped, f, heal_time, views
            );
        }
        stats.max_views_to_finality_after_heal = views;
        stats.max_ms_to_finality_after_heal = live_time - heal_time;
        stats
    }
}

/// Runs `seeds` seeds on all cores; returns the totals and the violations (with their seeds).
fn run_many(seeds: &[u64], extra_byzantine: usize, stop_at_safety: bool) -> (Stats, Vec<Violation>, u64) {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let threads = std::thread::available_parallelism().map_or(1, |p| p.get()).min(8);
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let results: Vec<(Stats, Vec<Violation>, u64)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut total = Stats::default();
                    let mut violations = Vec::new();
                    let mut ran = 0;
                    loop {
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&seed) = seeds.get(k) else { break };
                        ran += 1;
                        match run_seed(seed, extra_byzantine) {
                            Ok(s) => total.add(&s),
                            Err(v) => {
                                if stop_at_safety && v.fault == Fault::ConflictingFinality {
                                    stop.store(true, Ordering::Relaxed);
                                }
                                violations.push(v);
                            }
                        }
                    }
                    (total, violations, ran)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("simulator thread")).collect()
    });
    let mut s = Stats::default();
    let mut violations = Vec::new();
    let mut ran = 0;
    for (t, v, r) in results {
        s.add(&t);
        violations.extend(v);
        ran += r;
    }
    violations.sort_by_key(|v| v.seed);
    (s, violations, ran)
}

#[test]
fn simulated_networks_are_safe_and_live() {
    let seeds: u64 = std::env::var("BPCI_SIM_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let first: u64 = std::env::var("BPCI_SIM_FIRST_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0);
    let started = std::time::Instant::now();
    let list: Vec<u64> = (first..first + seeds).collect();
    let (s, violations, _) = run_many(&list, 0, false);
    println!(
        "simulated {} seeds (n in 1,4,7; f byzantine) in {:.1?}: {} views ({} with n > 1), {} messages ({} dropped, {} duplicated), {} crashes ({} mid-action-list), \
         {} partitions, {} byzantine validators ({} distorted messages, {} equivocations detected, {} misbehaviour reports), \
         {} honest finalizations ({} by commit certificate, {} by child certificate), {} TCs adopted ({} proposals carried one); \
         after healing, finality within at most {} views / {} ms; {} epochs ended ({} epoch-end certificates checked), \
         {} second epochs finalized ({} finalizations), {} ended-epoch messages delivered into the new one ({} reported); \
         forged certificates delivered to honest nodes {} (reported {}, the rest ignored), {} oracle checks; \
         crafting actions: {}; violations: {}",
        s.seeds,
        started.elapsed(),
        s.views,
        s.views_multi,
        s.messages,
        s.dropped,
        s.duplicated,
        s.crashes,
        s.mid_list_crashes,
        s.partitions,
        s.byzantine_nodes,
        s.byzantine_acts,
        s.equivocations_detected,
        s.misbehaviour_reports,
        s.finalized,
        s.final_by_commit,
        s.final_by_child,
        s.tcs_adopted,
        s.tcs_in_proposals,
        s.max_views_to_finality_after_heal,
        s.max_ms_to_finality_after_heal,
        s.epoch_ends,
        s.epoch_certificates,
        s.second_epochs,
        s.second_epoch_finalized,
        s.cross_epoch_delivered,
        s.cross_epoch_rejected,
        s.forged_delivered,
        s.forged_rejected,
        s.oracle_checks,
        s.acts_line(),
        violations.len(),
    );
    for v in violations.iter().take(10) {
        println!("VIOLATION {v}");
    }
    if let Some(v) = violations.first() {
        panic!("{} of {seeds} seeds failed; first: {v}", violations.len());
    }
    assert_eq!(s.epoch_ends, seeds, "every seed ends its epoch");
    assert_eq!(s.seeds, seeds);
    assert!(s.finalized > 0);
}

/// The harness can fail: with `f + 1` byzantine validators (n = 4 and 7) the same adversary finds
/// conflicting finality within a small seed budget.
#[test]
fn the_harness_finds_a_safety_violation_with_f_plus_one_byzantine() {
    let budget: usize = std::env::var("BPCI_SIM_CANARY_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(300);
    let first: u64 = std::env::var("BPCI_SIM_CANARY_FIRST_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0);
    let started = std::time::Instant::now();
    let seeds: Vec<u64> = (first..).filter(|s| n_of(*s) > 1).take(budget).collect();
    let (s, violations, ran) = run_many(&seeds, 1, true);
    let safety: Vec<&Violation> = violations.iter().filter(|v| v.fault == Fault::ConflictingFinality).collect();
    let mut by_fault: BTreeMap<String, usize> = BTreeMap::new();
    for v in &violations {
        *by_fault.entry(format!("{:?}", v.fault)).or_default() += 1;
    }
    // Every seed before the lowest one that failed was run to its end (seeds are taken in order).
    let first = safety.first().map(|v| (seeds.iter().position(|s| *s == v.seed).expect("listed") + 1, v.to_string()));
    println!(
        "canary (f + 1 byzantine, n in 4,7): {ran} seeds run of a budget of {budget} in {:.1?}; conflicting finality first found by the \
         {} seed; violations by kind {by_fault:?}; first: {}; {} crafting actions ({})",
        started.elapsed(),
        first.as_ref().map_or("no".to_string(), |(k, _)| format!("#{k}")),
        first.as_ref().map_or("none".to_string(), |(_, v)| v.clone()),
        s.acts.iter().sum::<u64>(),
        s.acts_line(),
    );
    assert!(!safety.is_empty(), "with f + 1 byzantine validators the harness found no safety violation in {ran} seeds");
}

/// The oracle itself can fail: commit-vote signatures paired with vote data (finding 1) are no
/// certificate anybody signed, while the commit certificate they came from is.
#[test]
fn the_oracle_tells_forged_certificates_from_genuine_ones() {
    install_hook();
    let mut sim = Sim::new(1, 0);
    assert_eq!(sim.n, 4);
    let honest: Vec<usize> = (0..sim.n).filter(|i| sim.honest(*i)).collect();
    let data = CommitData { set_id: 1, view: 5, block_hash: H256::repeat_byte(7), block_number: 3 };
    let mut signers = Bitfield::new(sim.n);
    let sigs: Vec<_> = honest
        .iter()
        .map(|i| {
            signers.set(*i);
            Fake::sign(&public(*i), &data.signing_message(&CHAIN))
        })
        .collect();
    let cc = CommitCertificate { data: data.clone(), signers: signers.clone(), signature: Fake::aggregate(&sigs).unwrap() };
    sim.oracle_cc(0, "a test certificate", &cc);
    let forged = QuorumCertificate {
        data: VoteData { set_id: 1, view: 6, block_hash: H256::zero(), block_number: 4, parent_hash: data.block_hash, parent_view: 5 },
        signers,
        signature: cc.signature,
    };
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| sim.oracle_qc(0, "a test certificate", &forged)));
    let fault = caught.err().and_then(|p| p.downcast::<Violation>().ok()).map(|v| v.fault);
    assert_eq!(fault, Some(Fault::ForgedAdopted));
}
