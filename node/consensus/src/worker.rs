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

use crate::{aux_schema, digests, metrics::{Latencies, Metrics}, status::*};
use bpci_consensus_core::{Action, BlockInfo, Config, Engine, Message, SafetyData};
use bpci_primitives::{
    bls::native::Keypair, host::keystore, qc::FinalityJustification, BpciConsensusApi, PreDigest,
    ValidatorSet, BLS_KEY_TYPE, BPCI_ENGINE_ID,
};
use codec::{DecodeAll, Encode};
use futures::{FutureExt, StreamExt};
use sc_client_api::{AuxStore, Backend, BlockchainEvents, Finalizer, StorageProvider};
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
use sp_core::{storage::StorageKey, H256};
use sp_inherents::InherentDataProvider;
use sp_keystore::KeystorePtr;
use sp_runtime::{
    traits::{Block as BlockT, Header as HeaderT},
    Digest,
};
use std::{
    collections::{BTreeMap, HashSet, VecDeque},
    marker::PhantomData,
    sync::Arc,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

/// Consensus messages above this size are not ours: the largest, a proposal carrying a QC and a
/// TC of 128 validators, is a few kilobytes.
pub const MAX_MESSAGE_SIZE: u64 = 64 * 1024;

const BAD_MESSAGE: ReputationChange = ReputationChange::new(-(1 << 12), "BPCI: undecodable message");
const MISBEHAVIOUR: ReputationChange = ReputationChange::new(-(1 << 10), "BPCI: invalid consensus message");

/// The notification protocol's name, unique per chain so that nodes of two chains never mix votes.
pub fn protocol_name(genesis: &H256) -> String {
    format!("/{}/bpci/consensus/1", hex_encode(genesis.as_bytes()))
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
    pub _phantom: PhantomData<(B, BE)>,
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or_default()
}

/// Runs until the node stops, or returns an error if continuing could break safety.
pub async fn start_validator<B, C, BE, PF, BI>(params: ValidatorParams<B, C, BE, PF, BI>) -> Result<(), String>
where
    B: BlockT<Hash = H256>,
    <B::Header as HeaderT>::Number: Into<u32> + From<u32>,
    BE: Backend<B>,
    C: ProvideRuntimeApi<B>
        + HeaderBackend<B>
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
        client, mut proposer_factory, block_import, keystore, status, network, mut notifications, sync, prometheus, ..
    } = params;
    let mut sync_events = sync.event_stream("bpci-consensus").fuse();
    let mut sync_peers: HashSet<PeerId> = HashSet::new();
    let metrics = match prometheus.as_ref().map(Metrics::register) {
        Some(Ok(m)) => Some(m),
        Some(Err(e)) => {
            log::warn!(target: "bpci", "consensus metrics unavailable: {e}");
            None
        }
        None => None,
    };
    let mut latencies = Latencies::default();
    let info = client.info();
    let api = client.runtime_api();
    let set: ValidatorSet = api.validator_set(info.finalized_hash).map_err(|e| e.to_string())?;
    let block_time = api.block_time_ms(info.finalized_hash).map_err(|e| e.to_string())?;

    let me = proposer_factory.as_ref().and_then(|_| {
        set.validators
            .iter()
            .enumerate()
            .find_map(|(i, pk)| keystore::find(&*keystore, BLS_KEY_TYPE, pk).map(|k| (i as u32, k)))
    });
    // The engine owns the signing key; the seal is made with a second handle on the same key.
    let sealer = me.as_ref().and_then(|(_, k)| keystore::find(&*keystore, BLS_KEY_TYPE, &k.public));
    let my_index = me.as_ref().map(|(i, _)| *i);
    match my_index {
        Some(i) => log::info!(target: "bpci", "validating as #{i} of {} (set {})", set.validators.len(), set.set_id),
        None => log::info!(target: "bpci", "observing set {} of {} validators", set.set_id, set.validators.len()),
    }

    let safety = aux_schema::load(&*client)?.unwrap_or_default();
    let genesis = BlockInfo { hash: info.genesis_hash, number: 0, parent_hash: H256::zero() };
    let finalized = BlockInfo {
        hash: info.finalized_hash,
        number: info.finalized_number.into(),
        parent_hash: client
            .header(info.finalized_hash)
            .map_err(|e| e.to_string())?
            .map(|h| *h.parent_hash())
            .unwrap_or_default(),
    };
    let mut pending_final: BTreeMap<u32, (BlockInfo, FinalityJustification)> = BTreeMap::new();
    recover_finality(&safety, &mut pending_final);
    finalize_ready(&*client, &mut pending_final);
    let config = Config { base_timeout_ms: 4 * block_time, max_timeout_ms: 60_000 };
    let mut engine =
        Engine::new(config, set.clone(), me.map(|(_, k)| k), safety, genesis, now_ms()).with_finalized(finalized);
    {
        let mut s = status.write();
        s.role = if my_index.is_some() { "validator" } else { "observer" }.into();
        s.set_id = set.set_id;
        s.validators = set.validators.len() as u32;
    }

    let mut imports = client.import_notification_stream();
    let mut peers: HashSet<PeerId> = HashSet::new();
    // A proposal we must make on a parent this node has not imported yet.
    let mut deferred_propose: Option<(u64, H256, u32)> = None;
    let mut queue: VecDeque<Action> = engine.start(now_ms()).into();
    loop {
        while let Some(action) = queue.pop_front() {
            // With one validator the queue never drains (each certificate makes the next
            // proposal), so the status is refreshed per action rather than per batch.
            update_status(&status, &engine, &*client);
            observe(&mut latencies, metrics.as_ref(), &engine, &*client);
            match action {
                Action::Propose { view, parent_hash, parent_number } => {
                    let (Some(pf), Some(sealer), Some(index)) = (proposer_factory.as_mut(), sealer.as_ref(), my_index) else {
                        continue;
                    };
                    if client.header(parent_hash).ok().flatten().is_none() {
                        deferred_propose = Some((view, parent_hash, parent_number));
                        continue;
                    }
                    pace(&*client, parent_hash, block_time).await;
                    let justify = if parent_number == 0 { None } else { engine.proposal_justify(view).cloned() };
                    let pre = PreDigest { view, set_id: set.set_id, proposer_index: index, justify };
                    match build_and_import(&*client, pf, &block_import, sealer, parent_hash, pre, block_time).await {
                        Ok(block) => queue.extend(engine.on_block_built(view, block, now_ms())),
                        Err(e) => log::warn!(target: "bpci", "view {view}: could not build a block on {parent_hash:?}: {e}"),
                    }
                }
                Action::SendTo(to, msg) if Some(to) == my_index => queue.extend(engine.on_message(msg, now_ms())),
                // Votes are addressed to the next leader; the transport floods them to every
                // consensus peer, which for the set sizes we run costs less than mapping
                // validators to peer ids. Others drop votes that are not theirs to aggregate.
                Action::SendTo(_, msg) | Action::Broadcast(msg) => {
                    if matches!(msg, Message::Timeout(_)) {
                        Latencies::timeout(metrics.as_ref());
                    }
                    let bytes = msg.encode();
                    for peer in peers.intersection(&sync_peers) {
                        notifications.send_sync_notification(peer, bytes.clone());
                    }
                }
                Action::PersistSafety(data) => aux_schema::store(&*client, &data)?,
                Action::Finalize { block, justification } => {
                    pending_final.insert(block.number, (block, justification));
                    finalize_ready(&*client, &mut pending_final);
                }
                Action::Equivocation(evidence) => {
                    log::warn!(target: "bpci", "equivocation: {evidence:?}");
                    status.write().equivocations += 1;
                    Latencies::equivocation(metrics.as_ref());
                }
                Action::Misbehaviour { reason } => log::debug!(target: "bpci", "dropped message: {reason}"),
            }
        }
        update_status(&status, &engine, &*client);
        observe(&mut latencies, metrics.as_ref(), &engine, &*client);

        let wait = engine.next_deadline().saturating_sub(now_ms()).min(1_000);
        let timer = futures_timer::Delay::new(Duration::from_millis(wait)).fuse();
        futures::pin_mut!(timer);
        futures::select! {
            event = notifications.next_event().fuse() => match event {
                Some(NotificationEvent::ValidateInboundSubstream { result_tx, .. }) => {
                    let _ = result_tx.send(ValidationResult::Accept);
                }
                Some(NotificationEvent::NotificationStreamOpened { peer, .. }) => {
                    peers.insert(peer);
                }
                Some(NotificationEvent::NotificationStreamClosed { peer }) => {
                    peers.remove(&peer);
                }
                Some(NotificationEvent::NotificationReceived { peer, notification }) if sync_peers.contains(&peer) => {
                    match Message::decode_all(&mut &notification[..]) {
                        Ok(msg) => {
                            for action in engine.on_message(msg, now_ms()) {
                                if let Action::Misbehaviour { reason } = action {
                                    log::debug!(target: "bpci", "{peer}: {reason}");
                                    network.report_peer(peer, MISBEHAVIOUR);
                                } else {
                                    queue.push_back(action);
                                }
                            }
                        }
                        Err(_) => network.report_peer(peer, BAD_MESSAGE),
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
                latencies.imported((*imported.header.number()).into());
                if let Ok(pre) = digests::find_pre_digest(&imported.header) {
                    queue.extend(engine.on_proposal_block_ready(pre.view, imported.hash, now_ms()));
                }
                if let Some((view, parent_hash, parent_number)) = deferred_propose {
                    if parent_hash == imported.hash && engine.view() == view {
                        deferred_propose = None;
                        queue.push_back(Action::Propose { view, parent_hash, parent_number });
                    }
                }
                finalize_ready(&*client, &mut pending_final);
            },
            _ = timer => queue.extend(engine.on_tick(now_ms())),
        }
    }
}

/// Waits until a block time has passed since the parent's timestamp, so the chain keeps its pace
/// whoever leads and however fast certificates form.
async fn pace<B, C, BE>(client: &C, parent: H256, block_time: u64)
where
    B: BlockT<Hash = H256>,
    BE: Backend<B>,
    C: StorageProvider<B, BE>,
{
    let key = StorageKey([sp_crypto_hashing::twox_128(b"Timestamp"), sp_crypto_hashing::twox_128(b"Now")].concat());
    let parent_ts = client
        .storage(parent, &key)
        .ok()
        .flatten()
        .and_then(|v| <u64 as codec::Decode>::decode(&mut &v.0[..]).ok())
        .unwrap_or(0);
    let wait = parent_ts.saturating_add(block_time).saturating_sub(now_ms()).min(block_time);
    if wait > 0 {
        futures_timer::Delay::new(Duration::from_millis(wait)).await;
    }
}

fn observe<B: BlockT<Hash = H256>, C: HeaderBackend<B>>(
    latencies: &mut Latencies,
    metrics: Option<&Metrics>,
    engine: &Engine,
    client: &C,
) where
    <B::Header as HeaderT>::Number: Into<u32>,
{
    let info = client.info();
    let qc = engine.high_qc().map(|qc| qc.data.block_number);
    latencies.observe(metrics, engine.view(), qc, info.best_number.into(), info.finalized_number.into());
}

fn update_status<B: BlockT<Hash = H256>, C: HeaderBackend<B>>(status: &SharedStatus, engine: &Engine, client: &C)
where
    <B::Header as HeaderT>::Number: Into<u32>,
{
    let info = client.info();
    let mut s = status.write();
    s.view = engine.view();
    s.leader = engine.leader(engine.view());
    s.last_qc = engine.high_qc().map(|qc| QcSummary {
        view: qc.data.view,
        block: BlockRef { hash: qc.data.block_hash, number: qc.data.block_number },
        signers: qc.signers.count() as u32,
    });
    s.last_finalized = BlockRef { hash: info.finalized_hash, number: info.finalized_number.into() };
}

/// A crash between persisting a certificate and finalizing what it proves leaves the block
/// unfinalized; the persisted certificate still proves it, so finalize it now.
fn recover_finality(safety: &SafetyData, pending: &mut BTreeMap<u32, (BlockInfo, FinalityJustification)>) {
    let Some(qc) = &safety.high_qc else { return };
    let Some(justification) = FinalityJustification::from_child_qc(qc) else { return };
    let number = qc.data.block_number.saturating_sub(1);
    let block = BlockInfo { hash: qc.data.parent_hash, number, parent_hash: H256::zero() };
    pending.insert(number, (block, justification));
}

/// Finalizes, in order, the pending blocks this node has imported; keeps the rest for later.
/// A block that can never be finalized here (it conflicts with what is final) is dropped with
/// an error in the log: the engine's safety makes that impossible unless the database was
/// tampered with, and stopping the node would not mend it.
fn finalize_ready<B, C, BE>(client: &C, pending: &mut BTreeMap<u32, (BlockInfo, FinalityJustification)>)
where
    B: BlockT<Hash = H256>,
    <B::Header as HeaderT>::Number: Into<u32> + From<u32>,
    BE: Backend<B>,
    C: HeaderBackend<B> + Finalizer<B, BE>,
{
    let finalized: u32 = client.info().finalized_number.into();
    pending.retain(|n, _| *n > finalized);
    // Only the highest importable block needs finalizing: its ancestors follow implicitly.
    let Some((&number, (block, justification))) =
        pending.iter().rev().find(|(_, (b, _))| client.header(b.hash).ok().flatten().is_some())
    else {
        return;
    };
    match client.finalize_block(block.hash, Some((BPCI_ENGINE_ID, justification.encode())), true) {
        Ok(()) => log::debug!(target: "bpci", "finalized #{} {:?}", block.number, block.hash),
        Err(e) => log::error!(target: "bpci", "cannot finalize #{} {:?}: {e}", block.number, block.hash),
    }
    pending.retain(|n, _| *n > number);
}

async fn build_and_import<B, C, PF, BI>(
    client: &C,
    proposer_factory: &mut PF,
    block_import: &BI,
    sealer: &Keypair,
    parent_hash: H256,
    pre: PreDigest,
    block_time: u64,
) -> Result<BlockInfo, String>
where
    B: BlockT<Hash = H256>,
    <B::Header as HeaderT>::Number: Into<u32>,
    C: HeaderBackend<B>,
    PF: Environment<B>,
    PF::Proposer: Proposer<B>,
    BI: BlockImport<B>,
{
    let parent = client.header(parent_hash).map_err(|e| e.to_string())?.ok_or("unknown parent")?;
    let proposer = proposer_factory.init(&parent).await.map_err(|e| e.to_string())?;
    let inherent_data = sp_timestamp::InherentDataProvider::from_system_time()
        .create_inherent_data()
        .await
        .map_err(|e| e.to_string())?;
    let args = ProposeArgs {
        inherent_data,
        inherent_digests: Digest { logs: vec![digests::pre_digest_item(&pre)] },
        max_duration: Duration::from_millis(block_time / 2),
        ..Default::default()
    };
    let proposal = proposer.propose(args).map(|r| r.map_err(|e| e.to_string())).await?;
    let (mut header, body) = proposal.block.deconstruct();
    let pre_hash = header.hash();
    let seal = digests::seal_item(&sealer.sign(&digests::seal_message(pre_hash.as_ref())));
    header.digest_mut().push(seal.clone());
    let post_hash = header.hash();
    header.digest_mut().pop();
    let number: u32 = (*header.number()).into();

    let mut params = BlockImportParams::new(BlockOrigin::Own, header);
    params.body = Some(body);
    params.post_digests.push(seal);
    params.post_hash = Some(post_hash);
    params.state_action = StateAction::ApplyChanges(StorageChanges::Changes(proposal.storage_changes));
    params.fork_choice = Some(ForkChoiceStrategy::LongestChain);
    block_import.import_block(params).await.map_err(|e| e.to_string())?;
    Ok(BlockInfo { hash: post_hash, number, parent_hash })
}
