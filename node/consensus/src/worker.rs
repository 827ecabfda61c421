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

mod authoring;
mod epochs;
mod finality;
mod imports;
mod stall;

use self::{epochs::initial_epoch, finality::recover_finality, stall::StallTip};
use crate::{
    aux_schema, binding, clock, digests, inbound,
    metrics::{Latencies, Metrics},
    status::*,
};
use bpci_consensus_core::{Action, BlockInfo, Config, Engine, Message, SafetyData, TimeoutCertificate};
use bpci_primitives::{
    bls::native::Keypair,
    host::keystore,
    qc::{FinalityJustification, FinalityProof, QuorumCertificate},
    BlsPublic, BpciConsensusApi, PreDigest, ValidatorSet, BLS_KEY_TYPE, BPCI_ENGINE_ID,
};
use codec::{Decode, Encode};
use futures::{FutureExt, StreamExt};
use sc_client_api::{AuxStore, Backend, BlockBackend, BlockchainEvents, Finalizer, StorageProvider};
use sc_consensus::{BlockImport, BlockImportParams, ForkChoiceStrategy, StateAction, StorageChanges};
use sc_network::{
    service::traits::{NotificationEvent, NotificationService, ValidationResult},
    NetworkPeers, ReputationChange,
};
use sc_network_sync::{SyncEvent, SyncEventStream};
use sc_network_types::PeerId;
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_consensus::{BlockOrigin, Environment, ProposeArgs, Proposer};
use sp_core::H256;
use sp_keystore::KeystorePtr;
use sp_runtime::{
    traits::{Block as BlockT, Header as HeaderT},
    Digest, DigestItem,
};
use sp_inherents::InherentDataProvider;
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
/// How many blocks of the best chain get their leader schedule noted when an epoch's engine
/// starts (see `note_known_schedules`); enough to cover the views in flight.
const RECENT_SCHEDULES: usize = 64;
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
                Action::NeedSchedule(block) => w.note_schedule(block),
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

/// What the worker needs of the client.
pub trait ChainClient<B: BlockT, BE: Backend<B>>:
    ProvideRuntimeApi<B, Api: BpciConsensusApi<B>>
    + HeaderBackend<B>
    + BlockBackend<B>
    + AuxStore
    + Finalizer<B, BE>
    + BlockchainEvents<B>
    + StorageProvider<B, BE>
    + Send
    + Sync
    + 'static
{
}

impl<B: BlockT, BE: Backend<B>, T> ChainClient<B, BE> for T where
    T: ProvideRuntimeApi<B, Api: BpciConsensusApi<B>>
        + HeaderBackend<B>
        + BlockBackend<B>
        + AuxStore
        + Finalizer<B, BE>
        + BlockchainEvents<B>
        + StorageProvider<B, BE>
        + Send
        + Sync
        + 'static
{
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
    C: ChainClient<B, BE>,
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
    /// Hands a received message to the engine (see [`inbound`]); returns the reputation change
    /// its sender earned.
    fn on_message(&mut self, msg: Message) -> Option<ReputationChange> {
        let engine = self.engine.as_mut().expect("running");
        let (actions, penalty) = inbound::deliver(engine, &mut self.future, msg, now_ms());
        self.queue.extend(actions);
        penalty
    }
    fn observe(&mut self) {
        let engine = self.engine.as_ref().expect("running");
        update_status(&self.status, engine, &*self.client);
        let info = self.client.info();
        let qc = engine.high_qc().map(|qc| qc.data.block_number);
        self.latencies.observe(self.metrics.as_ref(), engine.view(), qc, info.best_number.into(), info.finalized_number.into());
    }
}

