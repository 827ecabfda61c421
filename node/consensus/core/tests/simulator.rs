//! Deterministic network simulator for the engine.
//!
//! Each seed runs n ∈ {1, 4, 7} engines on a simulated network driven by a seeded `SmallRng`:
//! random delays, drops, reordering, partitions that heal, crashes (also in the middle of an action
//! list) with restarts from the persisted `SafetyData`, and `f` byzantine validators that equivocate
//! proposals, send conflicting votes, withhold votes and timeouts, restart with amnesia and send
//! garbage. After a chaos phase the network heals (GST) and every honest validator must finalize
//! new blocks within a bounded number of views.
//!
//! Checked invariants:
//! * safety: all blocks finalized by honest nodes lie on one chain (per height, one hash), and
//!   every justification verifies;
//! * honest validators never sign two different statements for one view, even across restarts,
//!   and evidence only ever names byzantine validators;
//! * messages from honest nodes never trigger `Misbehaviour`;
//! * liveness after healing.
//!
//! Signatures use a hash-based stand-in for BLS (same aggregation interface) so that thousands of
//! seeds run in seconds; the engine code under test is the same. `BPCI_SIM_SEEDS` sets the number
//! of seeds (default 1000), `BPCI_SIM_FIRST_SEED` the first one.

use bpci_consensus_core::*;
use bpci_primitives::qc::VoteData;
use bpci_primitives::{BlsPublic, BlsSignature, ValidatorSet, View};
use codec::{Decode, Encode};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use sp_core::H256;
use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap};

fn hash(bytes: &[u8]) -> [u8; 32] {
    <sp_core::Blake2Hasher as sp_core::Hasher>::hash(bytes).0
}

/// Hash-based signatures: sig = H(public || msg); aggregate = XOR. Not secure, just cheap and
/// exact enough: a wrong signer, message or signer set fails verification.
struct Fake;

impl Crypto for Fake {
    type Key = BlsPublic;
    fn public(key: &BlsPublic) -> BlsPublic {
        *key
    }
    fn sign(key: &BlsPublic, msg: &[u8]) -> BlsSignature {
        let mut input = key.0.to_vec();
        input.extend_from_slice(msg);
        let mut s = [0u8; 96];
        s[..32].copy_from_slice(&hash(&input));
        BlsSignature(s)
    }
    fn verify(public: &BlsPublic, msg: &[u8], sig: &BlsSignature) -> bool {
        Self::sign(public, msg) == *sig
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
        let sigs: Vec<_> = publics.iter().map(|p| Self::sign(p, msg)).collect();
        !publics.is_empty() && Self::aggregate(&sigs) == Some(*sig)
    }
}

type E = Engine<Fake>;

const CFG: Config = Config { base_timeout_ms: 100, max_timeout_ms: 1600 };
/// Genesis hash of the simulated chain.
const CHAIN: H256 = H256::repeat_byte(0x11);

/// Longest chaos phase (simulated ms) before the network heals.
const CHAOS_MS: u64 = 6000;
/// Steady phase after liveness returned.
const STEADY_MS: u64 = 2000;

fn public(i: usize) -> BlsPublic {
    BlsPublic([i as u8 + 1; 48])
}

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
    /// Highest block number this node ever reported final (over all incarnations).
    max_final: u32,
    /// Last Finalize number of the current incarnation, to check ordering.
    last_final_this_run: u32,
    /// The certificate that showed this node a block at or above the switch height final: the
    /// glue's trigger to end the epoch (it re-derives it from the database after a restart).
    end_proof: Option<bpci_primitives::FinalityProof>,
    /// Formed an epoch-end certificate (the glue then moves to the next epoch for good).
    got_ec: bool,
}

#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Ev {
    Deliver { to: usize, from: usize, bytes: Vec<u8> },
    Ready { to: usize, view: View, hash: H256 },
    Built { node: usize, incarnation: u64, view: View, hash: H256, number: u32, parent: H256 },
    Crash { node: usize },
    Restart { node: usize },
    Partition { groups: Vec<u8> },
    /// Network conditions change (before GST only).
    Weather,
    EndPartition,
    Heal,
}

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
    max_views_to_finality_after_heal: u64,
    max_ms_to_finality_after_heal: u64,
    /// Seeds that ended their epoch, and honest epoch-end certificates checked.
    epoch_ends: u64,
    epoch_certificates: u64,
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
        self.epoch_ends += o.epoch_ends;
        self.epoch_certificates += o.epoch_certificates;
        self.max_views_to_finality_after_heal = self.max_views_to_finality_after_heal.max(o.max_views_to_finality_after_heal);
        self.max_ms_to_finality_after_heal = self.max_ms_to_finality_after_heal.max(o.max_ms_to_finality_after_heal);
    }
}

/// Views a healed network may need until every honest validator finalizes a new block: enough
/// for the back-off to shrink again and for three consecutive honest leaders to come round.
fn liveness_bound(n: usize) -> u64 {
    12 + 3 * n as u64
}

struct Sim {
    seed: u64,
    rng: SmallRng,
    n: usize,
    set: ValidatorSet,
    genesis: BlockInfo,
    nodes: Vec<Node>,
    now: u64,
    seq: u64,
    queue: BinaryHeap<Reverse<(u64, u64, Ev)>>,
    healed: bool,
    groups: Option<Vec<u8>>,
    drop_rate: f64,
    max_delay: u64,
    /// Global block tree: hash -> (number, parent).
    tree: HashMap<H256, (u32, H256)>,
    /// Finalized hash per height, over all honest nodes.
    final_at: HashMap<u32, H256>,
    /// First signed statement of each honest validator per (kind, view).
    signed: HashMap<(usize, u8, View), Vec<u8>>,
    /// Certificates seen on the wire, for byzantine leaders to fork from.
    qcs: Vec<bpci_primitives::QuorumCertificate>,
    /// Height from which blocks hold the next validator set: an honest validator ends the epoch
    /// once it sees such a block final.
    switch_height: Option<u32>,
    /// Roots of the epoch-end certificates honest nodes formed: every block the epoch finalized,
    /// before or after, must be on each root's chain.
    ec_roots: Vec<(H256, u32)>,
    stats: Stats,
}

impl Sim {
    fn new(seed: u64) -> Self {
        let mut rng = SmallRng::seed_from_u64(seed);
        let n = [1, 4, 7][(seed % 3) as usize];
        let set = ValidatorSet { set_id: 1, validators: (0..n).map(public).collect() };
        let f = set.max_faulty();
        let mut byz_idx = BTreeSet::new();
        while byz_idx.len() < f {
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
            });
        }
        let mut final_at = HashMap::new();
        final_at.insert(0, genesis.hash);
        let stats = Stats { seeds: 1, byzantine_nodes: f as u64, ..Default::default() };
        let mut sim = Sim {
            seed,
            rng,
            n,
            set,
            genesis,
            nodes,
            now: 0,
            seq: 0,
            queue: BinaryHeap::new(),
            healed: false,
            groups: None,
            drop_rate: 0.0,
            max_delay: 20,
            tree,
            final_at,
            signed: HashMap::new(),
            qcs: Vec::new(),
            switch_height: None,
            ec_roots: Vec::new(),
            stats,
        };
        sim.weather();
        for i in 0..n {
            sim.restart(i);
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

    fn fail(&self, what: String) -> ! {
        panic!("seed {} (n = {}, t = {} ms): {what}", self.seed, self.n, self.now)
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
        // Half the restarts tell the engine what is already final, half let it rediscover.
        if self.rng.gen_bool(0.5) && node.max_final > 0 {
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
            self.fail(format!("node {i} ended the epoch with a TC of view {}", tc.view));
        }
        if !self.honest(i) {
            return;
        }
        let root = tc.high_qc.as_ref().map_or((self.genesis.hash, 0), |qc| (qc.data.block_hash, qc.data.block_number));
        let Some(switch) = self.switch_height else { self.fail(format!("node {i} ended an epoch nobody ended")) };
        // The next epoch must start on a block that holds the next set, and on a chain that
        // contains everything this epoch finalized.
        if root.1 < switch {
            self.fail(format!("epoch-end root {root:?} is below the switch height {switch}"));
        }
        let finals: Vec<(H256, u32)> = self.final_at.iter().map(|(n, h)| (*h, *n)).collect();
        for f in finals {
            if !self.on_chain_of(root, f) {
                self.fail(format!("epoch-end root {root:?} does not extend finalized {f:?}"));
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
        if let Message::Proposal(p) = msg {
            if let Some(qc) = &p.proposal.justify {
                if self.qcs.len() >= 64 {
                    self.qcs.remove(0);
                }
                self.qcs.push(qc.clone());
            }
            // The block may be imported (synced) before or after the proposal message arrives.
            let import = self.rng.gen_range(0..=delay + 10);
            self.at(self.now + import, Ev::Ready { to, view: p.proposal.view, hash: p.proposal.block.hash });
        }
        self.at(self.now + delay, Ev::Deliver { to, from, bytes: msg.encode() });
        if !self.healed && self.rng.gen_bool(0.1) {
            // Gossip duplicates messages, sometimes much later (e.g. to a node that restarted).
            self.stats.duplicated += 1;
            let late = self.now + delay + self.rng.gen_range(1..1000);
            if let Message::Proposal(p) = msg {
                self.at(late, Ev::Ready { to, view: p.proposal.view, hash: p.proposal.block.hash });
            }
            self.at(late, Ev::Deliver { to, from, bytes: msg.encode() });
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
        let (kind, view, bytes) = match msg {
            Message::Proposal(p) => (0u8, p.proposal.view, p.proposal.signing_message(&CHAIN)),
            Message::Commit(v) => (3, v.data.view, v.data.signing_message(&CHAIN)),
            Message::Vote(v) => (1, v.data.view, v.data.signing_message(&CHAIN)),
            Message::Timeout(t) => (2, t.data.view, t.data.signing_message(&CHAIN)),
            // Aggregates of others' statements, not statements of their sender.
            Message::Certificate(_) | Message::CommitCertificate(_) => return,
        };
        match self.signed.get(&(i, kind, view)) {
            Some(known) if *known != bytes => self.fail(format!("honest validator {i} equivocated: {msg:?}")),
            Some(_) => {}
            None => {
                self.signed.insert((i, kind, view), bytes);
            }
        }
    }

    fn on_finalize(&mut self, i: usize, block: BlockInfo, j: bpci_primitives::FinalityJustification) {
        if verify_justification::<Fake>(&self.set, &CHAIN, &j, block.hash, block.number).is_err() {
            self.fail(format!("node {i} finalized {block:?} with a bad justification"));
        }
        let last = self.nodes[i].last_final_this_run;
        if block.number <= last {
            self.fail(format!("node {i} finalized {} after {last}", block.number));
        }
        let node = &mut self.nodes[i];
        node.last_final_this_run = block.number;
        node.max_final = node.max_final.max(block.number);
        if !self.honest(i) {
            return;
        }
        self.stats.finalized += 1;
        let Some(&(number, parent)) = self.tree.get(&block.hash) else {
            self.fail(format!("node {i} finalized unknown block {block:?}"))
        };
        if number != block.number || (block.parent_hash != parent && !block.parent_hash.is_zero()) {
            self.fail(format!("node {i} finalized {block:?} but the tree says ({number}, {parent:?})"));
        }
        // Walk down until a height already known final: it must be the same block.
        let (mut h, mut num) = (block.hash, number);
        loop {
            match self.final_at.get(&num) {
                Some(known) if *known == h => break,
                Some(known) => self.fail(format!("conflicting finality at height {num}: {known:?} vs {h:?} (node {i})")),
                None => {
                    self.final_at.insert(num, h);
                }
            }
            let (pn, ph) = self.tree[&h];
            debug_assert_eq!(pn, num);
            h = ph;
            num -= 1;
            let _ = self.tree[&h];
        }
        if self.switch_height.is_some_and(|h| block.number >= h) && self.nodes[i].end_proof.is_none() {
            let proof = j.proof(self.set.set_id, block.hash, block.number).expect("checked above");
            self.nodes[i].end_proof = Some(proof.clone());
            if let Some(e) = self.nodes[i].engine.as_mut() {
                let actions = e.end_epoch(Some(proof), self.now);
                self.handle(i, actions);
            }
        }
        for root in self.ec_roots.clone() {
            if !self.on_chain_of(root, (block.hash, block.number)) {
                self.fail(format!("node {i} finalized {block:?} off the epoch-end root {root:?}"));
            }
        }
    }

    fn build(&mut self, i: usize, view: View, parent: H256, parent_number: u32, variant: u8) -> (H256, u32) {
        let h = H256(hash(&(parent, view, i as u32, variant).encode()));
        self.tree.insert(h, (parent_number + 1, parent));
        (h, parent_number + 1)
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
                    let t = self.now + self.rng.gen_range(0..5);
                    let incarnation = self.nodes[i].incarnation;
                    self.at(t, Ev::Built { node: i, incarnation, view, hash: h, number, parent: parent_hash });
                }
                Action::Broadcast(m) => {
                    self.check_signed(i, &m);
                    self.byzantine_broadcast_or(i, m);
                }
                Action::SendTo(to, m) => {
                    self.check_signed(i, &m);
                    self.byzantine_send_or(i, to as usize, m);
                }
                Action::PersistSafety(s) => self.nodes[i].persisted = s,
                Action::Finalize { block, justification } => self.on_finalize(i, block, justification),
                Action::Equivocation(e) => {
                    let (who, _) = e.offender();
                    if self.honest(who as usize) {
                        self.fail(format!("node {i} accused honest validator {who}: {e:?}"));
                    }
                    self.stats.equivocations_detected += 1;
                }
                Action::Misbehaviour { .. } => self.stats.misbehaviour_reports += 1,
                Action::EpochEnded(tc) => self.on_epoch_end(i, tc),
            }
        }
    }

    fn byzantine_broadcast_or(&mut self, i: usize, m: Message) {
        let Some(b) = self.nodes[i].byz else { return self.broadcast(i, &m) };
        match &m {
            Message::Proposal(p) if b.equivocate => {
                self.stats.byzantine_acts += 1;
                let mut twin = p.clone();
                // After a timeout, try to fork off an older certified block: only the TC rule
                // (justify at least as high as any QC the timeout quorum reported) stops this.
                if p.proposal.tc.is_some() && !self.qcs.is_empty() && self.rng.gen_bool(0.5) {
                    let old = self.qcs[self.rng.gen_range(0..self.qcs.len())].clone();
                    if old.data.view < p.proposal.view {
                        twin.proposal.block.parent_hash = old.data.block_hash;
                        twin.proposal.block.number = old.data.block_number + 1;
                        twin.proposal.justify = Some(old);
                    }
                }
                let parent = twin.proposal.block.parent_hash;
                let (h, _) = self.build(i, p.proposal.view, parent, twin.proposal.block.number - 1, 1);
                twin.proposal.block.hash = h;
                twin.signature = Fake::sign(&public(i), &twin.proposal.signing_message(&CHAIN));
                for to in 0..self.n {
                    let which = if self.rng.gen_bool(0.5) { &m } else { &Message::Proposal(twin.clone()) };
                    let which = which.clone();
                    self.send(i, to, &which);
                }
                if b.conflicting_votes {
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
                    let leader = self.set.leader(v + 1).unwrap().0;
                    self.send(i, leader, &Message::Vote(vote));
                }
            }
            Message::Timeout(_) if self.rng.gen_bool(b.withhold) => self.stats.byzantine_acts += 1,
            _ => self.broadcast(i, &m),
        }
        self.maybe_garbage(i, &m);
    }

    fn byzantine_send_or(&mut self, i: usize, to: usize, m: Message) {
        let Some(b) = self.nodes[i].byz else { return self.send(i, to, &m) };
        if let Message::Vote(v) = &m {
            if self.rng.gen_bool(b.withhold) {
                self.stats.byzantine_acts += 1;
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
            self.at(t, Ev::Deliver { to, from: i, bytes });
        }
    }

    fn event(&mut self, ev: Ev) {
        match ev {
            Ev::Deliver { to, from, bytes } => {
                let Some(e) = self.nodes[to].engine.as_mut() else { return };
                // Undecodable bytes are the glue's business (reputation); the engine never sees them.
                let Ok(msg) = Message::decode(&mut &bytes[..]) else { return };
                let actions = e.on_message(msg, self.now);
                if self.honest(from) {
                    if let Some(Action::Misbehaviour { reason }) =
                        actions.iter().find(|a| matches!(a, Action::Misbehaviour { .. }))
                    {
                        self.fail(format!("honest {from} -> {to} reported as misbehaving: {reason}"));
                    }
                }
                self.handle(to, actions);
            }
            Ev::Ready { to, view, hash } => {
                let Some(e) = self.nodes[to].engine.as_mut() else { return };
                let actions = e.on_proposal_block_ready(view, hash, self.now);
                self.handle(to, actions);
            }
            Ev::Built { node, incarnation, view, hash, number, parent } => {
                if self.nodes[node].incarnation != incarnation {
                    return;
                }
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
        let done = |s: &Sim| {
            (0..s.n).filter(|i| s.honest(*i)).all(|i| s.nodes[i].got_ec)
        };
        while !done(self) {
            if self.now > from + 60_000 || !self.step() {
                let state: Vec<_> = self
                    .nodes
                    .iter()
                    .map(|n| (n.max_final, n.end_proof.is_some(), n.engine.as_ref().map(|e| (e.view(), e.has_ended()))))
                    .collect();
                self.fail(format!("epoch did not end after healing (switch at {:?}): {state:?}", self.switch_height));
            }
        }
        self.stats.epoch_ends += 1;
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
            let mut stats = std::mem::take(&mut self.stats);
            stats.views = self.max_honest_view();
            if self.n > 1 {
                stats.views_multi = stats.views;
            }
            return stats;
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
                self.fail(format!("no liveness after healing: target {target}, finalized {heights:?}, views {views:?}"));
            }
        }
        let views = self.max_honest_view().saturating_sub(heal_view);
        if views > liveness_bound(self.n) {
            self.fail(format!("liveness took {views} views after healing (bound {})", liveness_bound(self.n)));
        }
        let live_time = self.now;
        // Steady state with the byzantine validators still at work: everyone keeps finalizing.
        let target = (0..self.n).filter(|i| self.honest(*i)).map(|i| self.nodes[i].max_final).max().unwrap_or(0);
        while self.now < live_time + STEADY_MS && self.step() {}
        for i in (0..self.n).filter(|i| self.honest(*i)) {
            if self.nodes[i].max_final <= target {
                let views: Vec<_> = self
                    .nodes
                    .iter()
                    .map(|n| n.engine.as_ref().map(|e| (e.view(), e.high_qc().map(|q| q.data.view), n.byz.is_some(), e.safety_data().last_voted_view, e.safety_data().last_timeout_view, e.safety_data().commit_view, n.max_final)))
                    .collect();
                self.fail(format!("node {i} stopped finalizing after healing at {}: {views:?}", self.nodes[i].max_final));
            }
        }
        // Then the epoch ends: the next set's blocks start just above what is final now.
        let top = (0..self.n).filter(|i| self.honest(*i)).map(|i| self.nodes[i].max_final).max().unwrap_or(0);
        self.switch_height = Some(top + 1);
        let from = self.now;
        self.run_until_epoch_ends(from);
        let mut stats = self.stats;
        stats.views = self.max_honest_view();
        if self.n > 1 {
            stats.views_multi = stats.views;
        }
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

#[test]
fn simulated_networks_are_safe_and_live() {
    let seeds: u64 = std::env::var("BPCI_SIM_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let first: u64 = std::env::var("BPCI_SIM_FIRST_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0);
    let threads = std::thread::available_parallelism().map_or(1, |p| p.get()).min(8) as u64;
    let started = std::time::Instant::now();
    let totals: Vec<Stats> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    let mut total = Stats::default();
                    let mut seed = first + t;
                    while seed < first + seeds {
                        total.add(&Sim::new(seed).run());
                        seed += threads;
                    }
                    total
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("a seed failed (see its panic message)")).collect()
    });
    let mut s = Stats::default();
    for t in &totals {
        s.add(t);
    }
    println!(
        "simulated {} seeds (n in 1,4,7) in {:.1?}: {} views ({} with n > 1), {} messages ({} dropped, {} duplicated), {} crashes ({} mid-action-list), \
         {} partitions, {} byzantine validators ({} byzantine acts, {} equivocations detected, {} misbehaviour reports), \
         {} honest finalizations; after healing, finality within at most {} views / {} ms; \
         {} epochs ended ({} epoch-end certificates checked)",
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
        s.max_views_to_finality_after_heal,
        s.max_ms_to_finality_after_heal,
        s.epoch_ends,
        s.epoch_certificates,
    );
    assert_eq!(s.epoch_ends, seeds, "every seed ends its epoch");
    assert_eq!(s.seeds, seeds);
    assert!(s.finalized > 0);
}
