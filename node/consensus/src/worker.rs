//! The consensus task: runs the pure engine against the client and the network.
//!
//! Every action the engine returns is carried out in order. Two orderings matter for safety and
//! are kept here: `PersistSafety` is written to the aux database (a committed ParityDB
//! transaction) before any later message of the same batch is sent, and a block is imported
//! before the engine is told it exists, so that nothing is ever certified that this node cannot
//! serve.
//!
//! Validators and full nodes both run it: a node without a key of the validator set is an
//! observer that checks the certificates it hears and finalizes, but never signs.

use crate::{
    authoring::build_and_import,
    aux_schema, binding, clock, digests,
    epochs::initial_epoch,
    finality::{finalize_ready, recover_finality},
    inbound,
    metrics::{Latencies, Metrics},
    status::*,
};
use bpci_consensus_core::{Action, BlockInfo, Config, Engine, Message, TimeoutCertificate};
use bpci_primitives::{
    bls::native::Keypair,
    host::keystore,
    qc::{FinalityJustification, QuorumCertificate},
    BlsPublic, BpciConsensusApi, PreDigest, ValidatorSet, BLS_KEY_TYPE, BPCI_ENGINE_ID,
};
use codec::{Decode, Encode};
use futures::{FutureExt, StreamExt};
use sc_client_api::{AuxStore, Backend, BlockBackend, BlockchainEvents, Finalizer, StorageProvider};
use sc_consensus::BlockImport;
use sc_network::{
    service::traits::{NotificationEvent, NotificationService, ValidationResult},
    NetworkPeers, ReputationChange,
};
use sc_network_sync::{SyncEvent, SyncEventStream};
use sc_network_types::PeerId;
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_consensus::{Environment, Proposer};
use sp_core::H256;
use sp_keystore::KeystorePtr;
use sp_runtime::{
    traits::{Block as BlockT, Header as HeaderT},
    DigestItem,
};
use std::{
    collections::{BTreeMap, HashSet, VecDeque},
    marker::PhantomData,
    sync::Arc,
    time::Duration,
};


/// The notification protocol's name, unique per chain so that nodes of two chains never mix votes.
pub fn protocol_name(genesis: &H256) -> String {
    format!("/{}/bpci/consensus/3", hex_encode(genesis.as_bytes()))
}

fn hex_encode(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

pub struct ValidatorParams<B, C, BE, PF, BI> {
    pub client: Arc<C>,
    /// `None` on a node that is not an authority: it observes only.
    pub proposer_factory: Option<PF>,
    pub block_import: BI,
    pub keystore: KeystorePtr,
    pub status: SharedStatus,
    pub network: Arc<dyn NetworkPeers + Send + Sync>,
    pub notifications: Box<dyn NotificationService>,
    /// Consensus messages are exchanged only with peers the sync protocol is connected to, so
    /// the node's peering policy (reserved peers, `system_removeReservedPeer`) governs them too.
    pub sync: Arc<dyn SyncEventStream>,
    pub prometheus: Option<substrate_prometheus_endpoint::Registry>,
    /// This node's network identity, which a validator's binding names.
    pub local_peer_id: PeerId,
    pub _phantom: PhantomData<(B, BE)>,
}

use crate::clock::now_ms;

/// After this long without any progress (view, certificate or finality), a validator starts to
/// build "stall blocks"; see [`Worker::maybe_stall_block`]. Longer than the longest view
/// ([`MAX_TIMEOUT_MS`]): a set in which `2f + 1` still talk changes view at least that often, so
/// it never stalls, and never consents to a forced change.
const STALL_MS: u64 = MAX_TIMEOUT_MS + 15_000;
/// The back-off cap of a view's timeout.
const MAX_TIMEOUT_MS: u64 = 60_000;
/// Most proven blocks waiting for the client's finality; a higher one finalizes all below it, so
/// the lowest are dropped first.
const MAX_PENDING_FINAL: usize = 256;
/// Most blocks stamped ahead kept until this clock catches up (a few views' worth).
const MAX_EARLY: usize = 8;
/// Stall blocks are sealed in turns: slot `now / STALL_SLOT_MS` is the turn of validator
/// `slot mod n`, so that the survivors extend one run rather than racing each other.
const STALL_SLOT_MS: u64 = 3_000;

/// Runs until the node stops, or returns an error if continuing could break safety.
pub async fn start_validator<B, C, BE, PF, BI>(params: ValidatorParams<B, C, BE, PF, BI>) -> Result<(), String>
where
    B: BlockT<Hash = H256>,
    <B::Header as HeaderT>::Number: Into<u32> + From<u32>,
    BE: Backend<B>,
    C: ProvideRuntimeApi<B>
        + HeaderBackend<B>
        + BlockBackend<B>
        + AuxStore
        + Finalizer<B, BE>
        + BlockchainEvents<B>
        + StorageProvider<B, BE>
        + Send
        + Sync
        + 'static,
    C::Api: BpciConsensusApi<B>,
    PF: Environment<B>,
    PF::Proposer: Proposer<B>,
    BI: BlockImport<B>,
{
    let ValidatorParams {
        client, proposer_factory, block_import, keystore, status, network, mut notifications, sync, prometheus, local_peer_id, ..
    } = params;
    let mut sync_events = sync.event_stream("bpci-consensus").fuse();
    let metrics = match prometheus.as_ref().map(Metrics::register) {
        Some(Ok(m)) => Some(m),
        Some(Err(e)) => {
            log::warn!(target: "bpci", "consensus metrics unavailable: {e}");
            None
        }
        None => None,
    };
    let info = client.info();
    let block_time = client.runtime_api().block_time_ms(info.finalized_hash).map_err(|e| e.to_string())?;
    let (set, roots) = initial_epoch(&*client)?;
    let mut w = Worker {
        client: client.clone(),
        proposer_factory,
        block_import,
        keystore,
        status,
        metrics,
        latencies: Latencies::default(),
        block_time,
        genesis: info.genesis_hash,
        set: set.clone(),
        roots: Vec::new(),
        engine: None,
        me: None,
        sealer: None,
        pending_final: BTreeMap::new(),
        pending_root: None,
        future: VecDeque::new(),
        deferred_propose: None,
        early: VecDeque::new(),
        scheduled: None,
        local_peer_id,
        session_set: ValidatorSet { set_id: 0, validators: Vec::new() },
        announced: None,
        binding_notification: None,
        binding_dirty: true,
        progress: (0, 0, 0),
        progress_at: now_ms(),
        last_stall_slot: 0,
        stall_tip: None,
        queue: VecDeque::new(),
        _phantom: PhantomData,
    };
    w.enter_epoch(set, roots)?;
    w.on_finalized(info.finalized_hash);

    let mut imports = client.import_notification_stream();
    let mut finality = client.finality_notification_stream();
    // Consensus peers and the keys they bound.
    let mut peers = binding::Peers::default();
    let mut binding_sent = 0u64;
    let mut sync_peers: HashSet<PeerId> = HashSet::new();
    loop {
        // Before anything signed goes out: a new key is bound first, or the peers would drop it.
        if w.binding_update() || now_ms().saturating_sub(binding_sent) >= binding::BINDING_RESEND_MS {
            binding_sent = now_ms();
            if let Some(bytes) = w.binding_notification.clone() {
                for peer in peers.ids() {
                    notifications.send_sync_notification(peer, bytes.clone());
                }
            }
        }
        if let Some(action) = w.queue.pop_front() {
            // With one validator the queue never drains (each certificate makes the next
            // proposal), so the status is refreshed per action rather than per batch.
            w.observe();
            match action {
                Action::Propose { view, parent_hash, parent_number } => w.schedule(view, parent_hash, parent_number),
                Action::SendTo(to, msg) if Some(to) == w.my_index() => {
                    let out = w.engine().on_message(msg, now_ms());
                    w.queue.extend(out);
                }
                // Votes are addressed to the next leader; the transport floods them to every
                // consensus peer, which for the set sizes we run costs less than mapping
                // validators to peer ids. Others drop votes that are not theirs to aggregate.
                Action::SendTo(_, msg) | Action::Broadcast(msg) => {
                    if matches!(msg, Message::Timeout(_)) {
                        Latencies::timeout(w.metrics.as_ref());
                    }
                    let bytes = msg.encode();
                    for peer in peers.ids().filter(|p| sync_peers.contains(p)) {
                        notifications.send_sync_notification(peer, bytes.clone());
                    }
                }
                Action::PersistSafety(data) => aux_schema::store(&*w.client, w.set.set_id, &data)?,
                Action::Finalize { block, justification } => {
                    w.prove_final(block, justification);
                    w.finalize_ready();
                }
                Action::Equivocation(evidence) => {
                    log::warn!(target: "bpci", "equivocation: {evidence:?}");
                    w.status.write().equivocations += 1;
                    Latencies::equivocation(w.metrics.as_ref());
                }
                Action::Misbehaviour { reason } => log::debug!(target: "bpci", "dropped message: {reason}"),
                Action::EpochEnded(tc) => {
                    log::info!(target: "bpci", "set {} ended its epoch", w.set.set_id);
                    w.pending_root = Some(tc);
                    w.try_pending_root()?;
                }
            }
            continue;
        }
        w.observe();
        // The block is built when its time comes, not waited for here: meanwhile this node keeps
        // handling votes, so the previous block's certificate and commit votes are not held up.
        if let Some((view, parent_hash, _, at)) = w.scheduled {
            if now_ms() >= at {
                w.scheduled = None;
                if w.engine().view() == view {
                    w.propose(view, parent_hash).await;
                }
                continue;
            }
        }
        w.maybe_stall_block().await?;
        w.release_early();
        if !w.queue.is_empty() {
            continue;
        }

        let mut due = w.scheduled.map_or(u64::MAX, |s| s.3).min(w.early_due());
        if !w.pending_final.is_empty() {
            w.finalize_ready();
            if !w.pending_final.is_empty() {
                due = due.min(now_ms() + 50);
            }
        }
        let wait = w.engine().next_deadline().min(due).saturating_sub(now_ms()).min(1_000);
        let timer = futures_timer::Delay::new(Duration::from_millis(wait)).fuse();
        futures::pin_mut!(timer);
        futures::select! {
            event = notifications.next_event().fuse() => match event {
                // The protocol name names the chain; who a peer is, its binding says (below).
                Some(NotificationEvent::ValidateInboundSubstream { result_tx, .. }) => {
                    let _ = result_tx.send(ValidationResult::Accept);
                }
                Some(NotificationEvent::NotificationStreamOpened { peer, .. }) => {
                    peers.opened(peer);
                    if let Some(bytes) = w.binding_notification.clone() {
                        notifications.send_sync_notification(&peer, bytes);
                    }
                }
                Some(NotificationEvent::NotificationStreamClosed { peer }) => {
                    peers.closed(&peer);
                }
                Some(NotificationEvent::NotificationReceived { peer, notification }) if notification.first() == Some(&binding::BINDING_TAG) => {
                    let (set, next) = (&w.set.validators, &w.session_set.validators);
                    if let Some(e) = peers.on_binding(peer, notification, &w.genesis, |k| set.contains(k) || next.contains(k), now_ms()) {
                        log::debug!(target: "bpci", "{peer}: binding refused ({e:?})");
                        network.report_peer(peer, inbound::BAD_BINDING);
                    }
                }
                Some(NotificationEvent::NotificationReceived { peer, notification }) if sync_peers.contains(&peer) => {
                    // Nothing from a peer that is not a bound validator reaches a signature check.
                    let sender = peers.key(&peer).cloned();
                    if sender.is_none() {
                        log::trace!(target: "bpci", "{peer}: not a bound validator; message dropped unchecked");
                    }
                    let penalty = match sender.as_ref().map(|_| inbound::decode(&notification)) {
                        None => None,
                        Some(Ok(msg)) if !inbound::admits(sender.as_ref(), &w.set, &w.session_set.validators, inbound::message_set_id(&msg)) => None,
                        Some(Ok(msg)) => w.on_message(msg),
                        Some(Err(penalty)) => Some(penalty),
                    };
                    if let Some(penalty) = penalty {
                        log::debug!(target: "bpci", "{peer}: {}", penalty.reason);
                        network.report_peer(peer, penalty);
                    }
                }
                Some(NotificationEvent::NotificationReceived { .. }) => {}
                None => return Err("consensus notification service stopped".into()),
            },
            event = sync_events.next() => match event {
                Some(SyncEvent::PeerConnected { peer_id, .. }) => {
                    sync_peers.insert(peer_id);
                }
                Some(SyncEvent::PeerDisconnected(peer_id)) => {
                    sync_peers.remove(&peer_id);
                }
                None => return Err("sync event stream stopped".into()),
            },
            imported = imports.next() => {
                let Some(imported) = imported else { return Err("import notifications stopped".into()) };
                w.on_import(imported.hash, &imported.header)?;
            },
            finalized = finality.next() => {
                let Some(finalized) = finalized else { return Err("finality notifications stopped".into()) };
                w.on_finalized(finalized.hash);
            },
            _ = timer => {
                let out = w.engine().on_tick(now_ms());
                w.queue.extend(out);
            }
        }
    }
}

/// A stall block, as a place to extend a run.
#[derive(Clone)]
struct StallTip {
    hash: H256,
    number: u32,
    view: u64,
    sealer: u32,
    /// The certificate of the run's base.
    base: Option<QuorumCertificate>,
}

impl StallTip {
    /// Runs on a higher base win (every validator whose certificate is at most that high may
    /// join them), then longer ones.
    fn rank(&self) -> (u64, u32) {
        (self.base.as_ref().map_or(0, |qc| qc.data.view), self.number)
    }
}

struct Worker<B: BlockT, C, BE, PF, BI> {
    client: Arc<C>,
    proposer_factory: Option<PF>,
    block_import: BI,
    keystore: KeystorePtr,
    status: SharedStatus,
    metrics: Option<Metrics>,
    latencies: Latencies,
    block_time: u64,
    /// Genesis hash: every statement this node signs or checks names it.
    genesis: H256,
    /// The set of the current epoch.
    set: ValidatorSet,
    /// The epoch's roots and how each was handed over (`None`: genesis or a forced change).
    roots: Vec<(BlockInfo, Option<TimeoutCertificate>)>,
    engine: Option<Engine>,
    /// This node's index in the set and its signing key, when it validates.
    me: Option<u32>,
    sealer: Option<Keypair>,
    pending_final: BTreeMap<u32, (BlockInfo, FinalityJustification)>,
    /// An epoch-end certificate whose root block is not imported yet.
    pending_root: Option<TimeoutCertificate>,
    /// Messages of a later set, replayed on entering its epoch.
    future: VecDeque<Message>,
    /// A proposal we must make on a parent this node has not imported yet.
    deferred_propose: Option<(u64, H256, u32)>,
    /// Imported blocks of this epoch stamped too far ahead to vote for yet: (view, hash, stamp).
    early: VecDeque<(u64, H256, u64)>,
    /// The proposal this node builds once its parent is a block time old.
    scheduled: Option<(u64, H256, u32, u64)>,
    local_peer_id: PeerId,
    /// The session set at the newest finalized block, which runs the next epoch: its keys'
    /// messages for that epoch are heard.
    session_set: ValidatorSet,
    /// The key this node binds (`None`: not decided yet).
    announced: Option<Option<BlsPublic>>,
    /// What this node sends every consensus peer, if it binds a key.
    binding_notification: Option<Vec<u8>>,
    /// The sets changed since the binding was chosen.
    binding_dirty: bool,
    progress: (u64, u64, u32),
    progress_at: u64,
    last_stall_slot: u64,
    /// The tip of the best stall run of this epoch imported: highest base, then highest number.
    stall_tip: Option<StallTip>,
    queue: VecDeque<Action>,
    _phantom: PhantomData<(B, BE)>,
}

impl<B, C, BE, PF, BI> Worker<B, C, BE, PF, BI>
where
    B: BlockT<Hash = H256>,
    <B::Header as HeaderT>::Number: Into<u32> + From<u32>,
    BE: Backend<B>,
    C: ProvideRuntimeApi<B>
        + HeaderBackend<B>
        + BlockBackend<B>
        + AuxStore
        + Finalizer<B, BE>
        + BlockchainEvents<B>
        + StorageProvider<B, BE>
        + Send
        + Sync
        + 'static,
    C::Api: BpciConsensusApi<B>,
    PF: Environment<B>,
    PF::Proposer: Proposer<B>,
    BI: BlockImport<B>,
{
    fn engine(&mut self) -> &mut Engine {
        self.engine.as_mut().expect("set in enter_epoch before the loop")
    }

    fn my_index(&self) -> Option<u32> {
        self.me
    }

    /// Finalizes, in order, what is proven and imported. Clients watching transactions see
    /// `InBlock` before `Finalized` however fast this is: the node's transaction pool paces its
    /// statuses (`node/src/txpool.rs`).
    fn finalize_ready(&mut self) {
        finalize_ready(&*self.client, &mut self.pending_final);
    }

    /// A block is final: the session set it holds (one runtime call per finalized block) is the
    /// next epoch's, and may end this one.
    fn on_finalized(&mut self, finalized: H256) {
        if let Ok(next) = self.client.runtime_api().validator_set(finalized) {
            if next.validators != self.session_set.validators {
                self.binding_dirty = true;
            }
            self.session_set = next;
        }
        self.check_epoch_end(finalized);
    }

    /// Decides which key this node binds: its key in the running set, or else one in the next
    /// set (a joining validator), or none. Returns whether that changed.
    fn binding_update(&mut self) -> bool {
        // Reading the keystore is costly (it re-derives keys): only when the sets changed.
        if !std::mem::take(&mut self.binding_dirty) {
            return false;
        }
        let want = if self.proposer_factory.is_none() {
            None
        } else {
            let ours = keystore::public_keys(&*self.keystore, BLS_KEY_TYPE);
            self.sealer.as_ref().map(|k| k.public.clone()).or_else(|| self.session_set.validators.iter().find(|k| ours.contains(k)).cloned())
        };
        if self.announced.as_ref() == Some(&want) {
            return false;
        }
        let key = want.as_ref().and_then(|pk| keystore::find(&*self.keystore, BLS_KEY_TYPE, pk));
        if want.is_some() && key.is_none() {
            return false;
        }
        if let Some(k) = &want {
            log::info!(target: "bpci", "binding BLS key {k:?} to this node's network identity");
        }
        self.binding_notification = key.as_ref().map(|k| binding::binding_notification(self.genesis, &self.local_peer_id, k));
        self.announced = Some(want);
        true
    }

    /// Records a proof of `block`'s finality for the client.
    fn prove_final(&mut self, block: BlockInfo, justification: FinalityJustification) {
        self.pending_final.insert(block.number, (block, justification));
        while self.pending_final.len() > MAX_PENDING_FINAL {
            self.pending_final.pop_first();
        }
    }

    /// Runs the engine of `set` from `roots` (the first is the one this node builds on).
    fn enter_epoch(&mut self, set: ValidatorSet, roots: Vec<(BlockInfo, Option<TimeoutCertificate>)>) -> Result<(), String> {
        let Some((first, _)) = roots.first().cloned() else { return Err("an epoch without a root".into()) };
        aux_schema::store_epoch(&*self.client, &aux_schema::EpochAux { set_id: set.set_id, roots: roots.clone() })?;
        let key = self.proposer_factory.as_ref().and_then(|_| {
            set.validators.iter().enumerate().find_map(|(i, pk)| keystore::find(&*self.keystore, BLS_KEY_TYPE, pk).map(|k| (i as u32, k)))
        });
        // The engine owns the signing key; the seal is made with a second handle on the same key.
        self.sealer = key.as_ref().and_then(|(_, k)| keystore::find(&*self.keystore, BLS_KEY_TYPE, &k.public));
        self.binding_dirty = true;
        self.me = key.as_ref().map(|(i, _)| *i);
        match self.me {
            Some(i) => log::info!(target: "bpci", "validating as #{i} of {} (set {}) from #{} {:?}", set.validators.len(), set.set_id, first.number, first.hash),
            None => log::info!(target: "bpci", "observing set {} of {} validators from #{}", set.set_id, set.validators.len(), first.number),
        }
        let safety = aux_schema::load(&*self.client, set.set_id)?.unwrap_or_default();
        recover_finality(&safety, &mut self.pending_final);
        self.finalize_ready();
        let info = self.client.info();
        let finalized = BlockInfo {
            hash: info.finalized_hash,
            number: info.finalized_number.into(),
            parent_hash: self.client.header(info.finalized_hash).ok().flatten().map(|h| *h.parent_hash()).unwrap_or_default(),
        };
        let config = Config { base_timeout_ms: 4 * self.block_time, max_timeout_ms: MAX_TIMEOUT_MS };
        let mut engine = Engine::new(config, self.genesis, set.clone(), key.map(|(_, k)| k), safety, first, now_ms()).with_finalized(finalized);
        for (root, _) in roots.iter().skip(1) {
            engine.add_root(root.clone());
        }
        {
            let mut s = self.status.write();
            s.role = if self.me.is_some() { "validator" } else { "observer" }.into();
            s.set_id = set.set_id;
            s.validators = set.validators.len() as u32;
        }
        self.queue.clear();
        self.deferred_propose = None;
        self.scheduled = None;
        self.pending_root = None;
        self.queue.extend(engine.start(now_ms()));
        self.early.clear();
        self.stall_tip = None;
        self.engine = Some(engine);
        self.set = set;
        self.roots = roots;
        self.progress_at = now_ms();
        let future: Vec<Message> = self.future.drain(..).collect();
        for msg in future {
            let _ = self.on_message(msg);
        }
        Ok(())
    }

    /// Hands a received message to the engine (see [`inbound`]); returns the reputation change
    /// its sender earned.
    fn on_message(&mut self, msg: Message) -> Option<ReputationChange> {
        let engine = self.engine.as_mut().expect("running");
        let (actions, penalty) = inbound::deliver(engine, &mut self.future, msg, now_ms());
        self.queue.extend(actions);
        penalty
    }

    /// Epoch changes a new block shows, then the engine's view of it.
    fn on_import(&mut self, hash: H256, header: &B::Header) -> Result<(), String> {
        self.latencies.imported((*header.number()).into());
        let number: u32 = (*header.number()).into();
        let pre = digests::find_pre_digest(header).ok();
        if let Some(pre) = &pre {
            // The verifier accepted it, so a block of a later set starts that set's epoch on its
            // parent, and one of this set on a root we did not know adds that root.
            let parent = BlockInfo {
                hash: *header.parent_hash(),
                number: number.saturating_sub(1),
                parent_hash: self.client.header(*header.parent_hash()).ok().flatten().map(|h| *h.parent_hash()).unwrap_or_default(),
            };
            let handoff = digests::find_handoff(header).ok().flatten();
            let starts_epoch = !pre.stall && pre.justify.is_none() && number > 1;
            if pre.set_id > self.set.set_id && starts_epoch {
                let set = self.client.runtime_api().validator_set(parent.hash).map_err(|e| e.to_string())?;
                if set.set_id == pre.set_id {
                    self.enter_epoch(set, vec![(parent, handoff)])?;
                }
            } else if pre.set_id == self.set.set_id && starts_epoch && !self.roots.iter().any(|(r, _)| r.hash == parent.hash) {
                self.roots.push((parent.clone(), handoff));
                self.engine().add_root(parent);
            }
        }
        // Only a stall block can enact a forced change (the runtime's rule, checked on chain data
        // that every node has): one runtime call per stall block, none for ordinary ones.
        if let Some(pre) = pre.as_ref().filter(|p| p.stall && p.set_id == self.set.set_id) {
            let tip = StallTip { hash, number, view: pre.view, sealer: pre.proposer_index, base: pre.justify.clone() };
            if self.stall_tip.as_ref().is_none_or(|t| t.rank() < tip.rank()) {
                self.stall_tip = Some(tip);
            }
            if let Some((set_id, at)) = self.client.runtime_api().forced_change(hash).ok().flatten() {
                if at == number && set_id > self.set.set_id {
                    log::warn!(target: "bpci", "forced change to set {set_id} enacted in #{number} {hash:?}");
                    let set = self.client.runtime_api().validator_set(hash).map_err(|e| e.to_string())?;
                    self.enter_epoch(set, vec![(BlockInfo { hash, number, parent_hash: *header.parent_hash() }, None)])?;
                }
            }
        }
        self.try_pending_root()?;
        // Nobody votes for a stall block.
        if let Some(pre) = pre.filter(|p| p.set_id == self.set.set_id && !p.stall) {
            let stamped = clock::chain_time(&*self.client, hash);
            if clock::may_vote_for(stamped, now_ms(), self.block_time) {
                let out = self.engine().on_proposal_block_ready(pre.view, hash, now_ms());
                self.queue.extend(out);
            } else {
                // Not yet: a validator whose clock is a little slow votes once it catches up,
                // if the view is still on; a block stamped far ahead times its view out.
                log::warn!(target: "bpci", "#{number} {hash:?} of view {} is stamped {} ms ahead: no vote yet", pre.view, stamped.saturating_sub(now_ms()));
                if self.early.len() >= MAX_EARLY {
                    self.early.pop_front();
                }
                self.early.push_back((pre.view, hash, stamped));
            }
        }
        if let Some((view, parent_hash, parent_number)) = self.deferred_propose {
            if parent_hash == hash && self.engine().view() == view {
                self.deferred_propose = None;
                self.queue.push_back(Action::Propose { view, parent_hash, parent_number });
            }
        }
        self.finalize_ready();
        Ok(())
    }

    /// Reports the blocks stamped ahead of this clock once it has caught up with them.
    fn release_early(&mut self) {
        let view = self.engine().view();
        let now = now_ms();
        let block_time = self.block_time;
        self.early.retain(|(v, _, _)| *v >= view);
        let due: Vec<_> = self.early.iter().filter(|(_, _, t)| clock::may_vote_for(*t, now, block_time)).copied().collect();
        self.early.retain(|(_, _, t)| !clock::may_vote_for(*t, now, block_time));
        for (v, hash, _) in due {
            let out = self.engine().on_proposal_block_ready(v, hash, now);
            self.queue.extend(out);
        }
    }

    /// When the next block stamped ahead becomes acceptable to this clock.
    fn early_due(&self) -> u64 {
        self.early.iter().map(|(_, _, t)| t.saturating_sub(self.block_time)).min().unwrap_or(u64::MAX)
    }

    /// Moves to the next epoch once the root of the epoch-end certificate is imported.
    fn try_pending_root(&mut self) -> Result<(), String> {
        let Some(tc) = self.pending_root.clone() else { return Ok(()) };
        let Some(qc) = tc.high_qc.clone() else {
            log::error!(target: "bpci", "epoch-end certificate without a certified block: the epoch cannot hand over");
            self.pending_root = None;
            return Ok(());
        };
        if self.client.header(qc.data.block_hash).ok().flatten().is_none() {
            return Ok(());
        }
        let set = self.client.runtime_api().validator_set(qc.data.block_hash).map_err(|e| e.to_string())?;
        if set.set_id <= self.set.set_id {
            log::error!(target: "bpci", "epoch-end root {:?} holds no later set", qc.data.block_hash);
            self.pending_root = None;
            return Ok(());
        }
        let root = BlockInfo { hash: qc.data.block_hash, number: qc.data.block_number, parent_hash: qc.data.parent_hash };
        self.enter_epoch(set, vec![(root, Some(tc))])
    }

    /// Ends this validator's part in the epoch once a block holding a later set is final, with
    /// the certificate that proved it; `finalized`'s session set is `self.session_set`.
    fn check_epoch_end(&mut self, finalized: H256) {
        if self.me.is_none() || self.engine.as_ref().is_none_or(|e| e.has_ended() && e.epoch_end_certificate().is_some()) {
            return;
        }
        let Ok(Some(header)) = self.client.header(finalized) else { return };
        // Only a block of this epoch, finalized by this set, proves anything to this set.
        if digests::find_pre_digest(&header).map(|p| p.set_id) != Ok(self.set.set_id) {
            return;
        }
        let next_set_id = self.session_set.set_id;
        if next_set_id <= self.set.set_id {
            return;
        }
        let number: u32 = (*header.number()).into();
        let proof = self.stored_justification(finalized).and_then(|j| j.proof(self.set.set_id, finalized, number).ok());
        if self.engine.as_ref().is_some_and(|e| !e.has_ended()) {
            log::info!(target: "bpci", "#{number} holds set {next_set_id}: ending set {}'s epoch", self.set.set_id);
        }
        let out = self.engine().end_epoch(proof, now_ms());
        self.queue.extend(out);
    }

    fn schedule(&mut self, view: u64, parent_hash: H256, parent_number: u32) {
        if self.me.is_none() {
            return;
        }
        if self.client.header(parent_hash).ok().flatten().is_none() {
            self.deferred_propose = Some((view, parent_hash, parent_number));
            return;
        }
        let at = clock::build_at(clock::chain_time(&*self.client, parent_hash), now_ms(), self.block_time);
        self.scheduled = Some((view, parent_hash, parent_number, at));
    }

    async fn propose(&mut self, view: u64, parent_hash: H256) {
        let (Some(index), true) = (self.me, self.sealer.is_some()) else { return };
        let justify = self.engine().proposal_justify(view).cloned();
        let view_change = self.engine().proposal_tc(view).cloned();
        let Some(handoff) = self.handoff_for(parent_hash, justify.is_none()) else {
            log::warn!(target: "bpci", "view {view}: no hand-over known for root {parent_hash:?}; not proposing");
            return;
        };
        let pre = PreDigest { view, set_id: self.set.set_id, proposer_index: index, justify, stall: false };
        let certificates = handoff.iter().map(digests::handoff_item).chain(view_change.iter().map(digests::view_change_item)).collect();
        match self.build(parent_hash, pre, certificates).await {
            Ok(block) => {
                let out = self.engine().on_block_built(view, block, now_ms());
                self.queue.extend(out);
            }
            Err(e) => log::warn!(target: "bpci", "view {view}: could not build a block on {parent_hash:?}: {e}"),
        }
    }

    /// The hand-over digest a block on `parent` must carry: `Some(None)` when none is needed,
    /// `None` when one is needed but unknown here.
    fn handoff_for(&self, parent: H256, on_root: bool) -> Option<Option<TimeoutCertificate>> {
        if !on_root {
            return Some(None);
        }
        match self.roots.iter().find(|(r, _)| r.hash == parent) {
            Some((_, Some(tc))) => Some(Some(tc.clone())),
            Some((r, None)) => {
                // Genesis and forced roots need none; any other root needs its certificate.
                let forced = self.client.runtime_api().forced_change(parent).ok().flatten() == Some((self.set.set_id, r.number));
                (r.number == 0 || forced).then_some(None)
            }
            None => None,
        }
    }

    /// Builds, seals and imports a block; `certificates` are the digest items it carries besides
    /// the pre-digest (hand-over, view change).
    async fn build(&mut self, parent_hash: H256, pre: PreDigest, certificates: Vec<DigestItem>) -> Result<BlockInfo, String> {
        let stamp = clock::stamp(clock::chain_time(&*self.client, parent_hash), now_ms());
        let (Some(pf), Some(sealer)) = (self.proposer_factory.as_mut(), self.sealer.as_ref()) else {
            return Err("not a validator".into());
        };
        let block =
            build_and_import(&*self.client, pf, &self.block_import, sealer, &self.genesis, parent_hash, stamp, pre, certificates, self.block_time)
                .await?;
        Ok(block)
    }

    /// The BPCI justification stored with a block, if any.
    fn stored_justification(&self, hash: H256) -> Option<FinalityJustification> {
        let raw = self.client.justifications(hash).ok().flatten()?.get(BPCI_ENGINE_ID)?.clone();
        FinalityJustification::decode(&mut &raw[..]).ok()
    }

    /// With more than `f` validators gone for good, no certificate forms, no view changes and no
    /// block can carry the root call that replaces them. After [`STALL_MS`] without progress a
    /// validator therefore seals a *stall block* in its turn (see [`STALL_SLOT_MS`]): never
    /// proposed or voted for, nothing is finalized through it, but it carries the transaction
    /// pool, so governance's `force_set` lands.
    ///
    /// Stall blocks form runs on a certified base: this node extends the highest run it knows
    /// whose base is certified at least as high as its own highest certificate, or else starts
    /// one on the block of that certificate. If a forced change is pending in the parent's state,
    /// the stall block is this validator's consent to it, and it first resigns from the epoch
    /// (persisted): it signs nothing more in it. A set in which `2f + 1` still talk never gets
    /// here (a view ends within the back-off cap), so root alone cannot replace a working set.
    ///
    /// Why the base must be that high: a block final in this epoch had commit votes from `2f + 1`
    /// validators that saw its certificate, so of the `f + 1` that consent, one (if the faults are
    /// crashes) had a certificate at least that high, and a base certified at least as high extends
    /// the final block. `docs/consensus.md` says what byzantine consenters can still do.
    async fn maybe_stall_block(&mut self) -> Result<(), String> {
        let Some(index) = self.me else { return Ok(()) };
        let now = now_ms();
        let (view, qc_view, finalized) = {
            let e = self.engine.as_ref().expect("running");
            (e.view(), e.high_qc().map_or(0, |qc| qc.data.view), self.client.info().finalized_number.into())
        };
        if (view, qc_view, finalized) != self.progress {
            self.progress = (view, qc_view, finalized);
            self.progress_at = now;
            return Ok(());
        }
        let n = self.set.validators.len() as u64;
        let slot = now / STALL_SLOT_MS;
        if now.saturating_sub(self.progress_at) < STALL_MS || slot == self.last_stall_slot || n == 0 || slot % n != index as u64 {
            return Ok(());
        }
        self.last_stall_slot = slot;
        let high_qc = self.engine.as_ref().expect("running").high_qc().cloned();
        // A run whose base is below this node's certificate is not one it may join: forget it,
        // and start one on that certificate (which then outranks it for everyone).
        if self.stall_tip.as_ref().is_some_and(|t| t.rank().0 < qc_view || self.client.header(t.hash).ok().flatten().is_none()) {
            self.stall_tip = None;
        }
        let (parent_hash, parent_view, parent_sealer, justify) = match (self.stall_tip.clone(), high_qc) {
            (Some(t), _) => (t.hash, t.view, Some(t.sealer), t.base),
            (None, Some(qc)) => (qc.data.block_hash, qc.data.view, None, Some(qc)),
            (None, None) => {
                log::warn!(target: "bpci", "no progress and no certificate in set {}: no stall block can be sealed", self.set.set_id);
                return Ok(());
            }
        };
        // Views of a run rise by at most `n` a block (import's bound), whatever view the engine
        // timed out to.
        let from = parent_view.saturating_add(1);
        let Some(view) = (from..from.saturating_add(n)).find(|v| self.set.leader(*v).map(|(i, _)| i as u32) == Some(index)) else {
            return Ok(());
        };
        let consents = bpci_primitives::stall_block_consents(self.set.validators.len(), parent_sealer, index);
        if consents && self.engine().my_index().is_some() && self.client.runtime_api().force_pending(parent_hash).unwrap_or(false) {
            let data = self.engine().resign();
            aux_schema::store(&*self.client, self.set.set_id, &data)?;
            log::warn!(target: "bpci", "consenting to the pending forced change: this validator signs nothing more in set {}", self.set.set_id);
        }
        let pre = PreDigest { view, set_id: self.set.set_id, proposer_index: index, justify, stall: true };
        match self.build(parent_hash, pre, Vec::new()).await {
            Ok(b) => log::warn!(target: "bpci", "no progress for {} s: sealed stall block #{} {:?} (view {view})", STALL_MS / 1000, b.number, b.hash),
            Err(e) => log::warn!(target: "bpci", "could not build a stall block: {e}"),
        }
        Ok(())
    }

    fn observe(&mut self) {
        let engine = self.engine.as_ref().expect("running");
        update_status(&self.status, engine, &*self.client);
        let info = self.client.info();
        let qc = engine.high_qc().map(|qc| qc.data.block_number);
        self.latencies.observe(self.metrics.as_ref(), engine.view(), qc, info.best_number.into(), info.finalized_number.into());
    }
}

