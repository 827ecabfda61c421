//! The finalized block rate with crashed validators, against the same network with none (issue 13).
//!
//! A deterministic discrete-event network of real engines (real BLS): one block a slot, message
//! delays of a loopback-to-LAN network, block sync beside the consensus messages, and the node's
//! timeouts (four slots, doubling). Crashed validators are never started, so every one of their
//! turns can only end by timeout. With plain rotation one validator of four down cost 85% of the
//! rate (15% left on the real testnet); leader reputation skips validators missing from the
//! recent record, and a second aggregator keeps the view before a dead leader's from failing.
//!
//! Rates are counted in simulated time, never wall time: the assertions are about the protocol.

use bpci_consensus_core::{leaders::Schedule, Action, BlockInfo, Config, Engine, Message, SafetyData};
use bpci_primitives::bls::native::Keypair;
use bpci_primitives::ValidatorSet;
use codec::Encode;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use sp_core::H256;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

const SLOT_MS: u64 = 1000;
const CFG: Config = Config { base_timeout_ms: 4 * SLOT_MS, max_timeout_ms: 60_000 };
const CHAIN: H256 = H256::repeat_byte(0x42);
const RUN_MS: u64 = 300_000;

fn key(i: usize) -> Keypair {
    Keypair::from_ikm(&[i as u8 + 1; 32]).expect("32 bytes")
}

#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Ev {
    Deliver { to: usize, bytes: Vec<u8> },
    /// `to` imported `hash` (its own build, or by sync).
    Import { to: usize, hash: H256, view: u64 },
    Built { node: usize, view: u64, hash: H256, number: u32, parent: H256 },
}

struct Net {
    rng: SmallRng,
    n: usize,
    engines: Vec<Option<Engine>>,
    queue: BinaryHeap<Reverse<(u64, u64, Ev)>>,
    seq: u64,
    now: u64,
    /// Parent and sealer of every block.
    blocks: HashMap<H256, (H256, u32)>,
    finalized: Vec<u32>,
}

impl Net {
    fn new(n: usize, down: &[usize], seed: u64) -> Self {
        let set = ValidatorSet { set_id: 1, validators: (0..n).map(|i| key(i).public).collect() };
        let genesis = BlockInfo { hash: CHAIN, number: 0, parent_hash: H256::zero() };
        let engines = (0..n)
            .map(|i| (!down.contains(&i)).then(|| Engine::new(CFG, CHAIN, set.clone(), Some(key(i)), SafetyData::default(), genesis.clone(), 0)))
            .collect();
        let mut net = Net {
            rng: SmallRng::seed_from_u64(seed),
            n,
            engines,
            queue: BinaryHeap::new(),
            seq: 0,
            now: 0,
            blocks: HashMap::new(),
            finalized: vec![0; n],
        };
        for i in 0..n {
            if let Some(e) = net.engines[i].as_mut() {
                let a = e.start(0);
                net.handle(i, a);
            }
        }
        net
    }

    fn at(&mut self, t: u64, ev: Ev) {
        self.seq += 1;
        self.queue.push(Reverse((t, self.seq, ev)));
    }

    fn latency(&mut self) -> u64 {
        self.rng.gen_range(5..60)
    }

    fn send(&mut self, to: usize, m: &Message) {
        let t = self.now + self.latency();
        self.at(t, Ev::Deliver { to, bytes: m.encode() });
    }

    fn schedule_of(&self, block: H256) -> Schedule {
        let sealers = std::iter::successors(Some(block), |h| self.blocks.get(h).map(|b| b.0)).map_while(|h| self.blocks.get(&h).map(|b| b.1));
        Schedule::from_proposers(self.n, sealers)
    }

    fn handle(&mut self, from: usize, actions: Vec<Action>) {
        for a in actions {
            match a {
                Action::Propose { view, parent_hash, parent_number } => {
                    let hash = <sp_core::Blake2Hasher as sp_core::Hasher>::hash(&(parent_hash, view, from as u32).encode());
                    // One block a slot: the leader stamps it a slot after its parent.
                    let t = self.now + SLOT_MS;
                    self.at(t, Ev::Built { node: from, view, hash, number: parent_number + 1, parent: parent_hash });
                }
                Action::Broadcast(m) => {
                    for to in (0..self.n).filter(|to| *to != from) {
                        self.send(to, &m);
                    }
                }
                Action::SendTo(to, m) => self.send(to as usize, &m),
                Action::Finalize { block, .. } => self.finalized[from] = self.finalized[from].max(block.number),
                Action::Misbehaviour { reason } => panic!("honest network reported misbehaviour: {reason}"),
                Action::Equivocation(e) => panic!("honest network reported equivocation: {e:?}"),
                Action::NeedSchedule(h) if self.blocks.contains_key(&h) => {
                    let schedule = self.schedule_of(h);
                    let now = self.now;
                    if let Some(e) = self.engines[from].as_mut() {
                        let a = e.note_schedule(h, schedule, now);
                        self.handle(from, a);
                    }
                }
                Action::PersistSafety(_) | Action::EpochEnded(_) | Action::NeedSchedule(_) => {}
            }
        }
    }

    fn import(&mut self, to: usize, hash: H256, view: u64) {
        let schedule = self.schedule_of(hash);
        let now = self.now;
        let Some(e) = self.engines[to].as_mut() else { return };
        let mut a = e.note_schedule(hash, schedule, now);
        a.extend(e.on_proposal_block_ready(view, hash, now));
        self.handle(to, a);
    }

    fn run(&mut self) {
        loop {
            let next_ev = self.queue.peek().map(|Reverse((t, _, _))| *t).unwrap_or(u64::MAX);
            let next_tick = self.engines.iter().flatten().map(|e| e.next_deadline()).min().unwrap_or(u64::MAX);
            let t = next_ev.min(next_tick);
            if t > RUN_MS {
                return;
            }
            self.now = t;
            if next_tick <= next_ev {
                for i in 0..self.n {
                    let now = self.now;
                    let Some(e) = self.engines[i].as_mut() else { continue };
                    if e.next_deadline() <= now {
                        let a = e.on_tick(now);
                        self.handle(i, a);
                    }
                }
                continue;
            }
            let Some(Reverse((_, _, ev))) = self.queue.pop() else { return };
            match ev {
                Ev::Deliver { to, bytes } => {
                    let now = self.now;
                    let Some(e) = self.engines[to].as_mut() else { continue };
                    let m = <Message as codec::Decode>::decode(&mut &bytes[..]).expect("own encoding");
                    let a = e.on_message(m, now);
                    self.handle(to, a);
                }
                Ev::Import { to, hash, view } => self.import(to, hash, view),
                Ev::Built { node, view, hash, number, parent } => {
                    self.blocks.insert(hash, (parent, node as u32));
                    self.import(node, hash, view);
                    let now = self.now;
                    if let Some(e) = self.engines[node].as_mut() {
                        let a = e.on_block_built(view, BlockInfo { hash, number, parent_hash: parent }, now);
                        self.handle(node, a);
                    }
                    // Block sync: every other node imports it about when the proposal arrives.
                    for to in (0..self.n).filter(|to| *to != node) {
                        let t = self.now + self.latency();
                        self.at(t, Ev::Import { to, hash, view });
                    }
                }
            }
        }
    }

    /// Blocks finalized per simulated second, as the slowest live validator saw them.
    fn rate(&self) -> f64 {
        let done = (0..self.n).filter(|i| self.engines[*i].is_some()).map(|i| self.finalized[i]).min().unwrap_or(0);
        done as f64 / (RUN_MS as f64 / 1000.0)
    }
}

/// The rate with each of `down` crashed (one seed each), over the healthy rate: the lowest ratio,
/// the healthy rate and the degraded ones.
fn worst_ratio(n: usize, down: &[&[usize]]) -> (f64, f64, Vec<f64>) {
    let mut net = Net::new(n, &[], 0);
    net.run();
    let healthy = net.rate();
    let degraded: Vec<f64> = down
        .iter()
        .enumerate()
        .map(|(seed, down)| {
            let mut net = Net::new(n, down, seed as u64 + 1);
            net.run();
            net.rate()
        })
        .collect();
    let worst = degraded.iter().fold(f64::MAX, |w, d| w.min(d / healthy));
    (worst, healthy, degraded)
}

#[test]
fn one_of_four_down_keeps_seventy_percent_of_the_finalized_block_rate() {
    let (worst, healthy, degraded) = worst_ratio(4, &[&[1], &[2], &[3]]);
    println!("1 of 4 down: healthy {healthy:.3} blocks/s, degraded {degraded:.3?}, worst ratio {worst:.3}");
    assert!(healthy > 0.8, "the healthy network runs about a block a slot: {healthy}");
    assert!(worst >= 0.70, "1 of 4 down: {worst:.3} of the healthy rate ({healthy:.3}: {degraded:.3?})");
}

#[test]
fn two_of_seven_down_keep_sixty_percent_of_the_finalized_block_rate() {
    // Adjacent in the rotation, apart, and the first two.
    let (worst, healthy, degraded) = worst_ratio(7, &[&[2, 3], &[1, 4], &[0, 1]]);
    println!("2 of 7 down: healthy {healthy:.3} blocks/s, degraded {degraded:.3?}, worst ratio {worst:.3}");
    assert!(worst >= 0.60, "2 of 7 down: {worst:.3} of the healthy rate ({healthy:.3}: {degraded:.3?})");
}
