//! The validator task: runs the pure engine against the client.
//!
//! Every action the engine returns is carried out in order. Two orderings matter for safety and
//! are kept here: `PersistSafety` is written to the aux database (a committed ParityDB
//! transaction) before any later message of the same batch is sent, and a block is imported
//! before the engine is told it exists, so that nothing is ever certified that this node cannot
//! serve.

use crate::{aux_schema, digests, status::*};
use bpci_consensus_core::{Action, BlockInfo, Config, Engine, SafetyData};
use bpci_primitives::{
    bls::native::Keypair, host::keystore, qc::FinalityJustification, BpciConsensusApi, PreDigest,
    ValidatorSet, BLS_KEY_TYPE, BPCI_ENGINE_ID,
};
use codec::Encode;
use futures::FutureExt;
use sc_client_api::{AuxStore, Backend, Finalizer};
use sc_consensus::{BlockImport, BlockImportParams, ForkChoiceStrategy, StateAction, StorageChanges};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_consensus::{BlockOrigin, Environment, ProposeArgs, Proposer};
use sp_core::H256;
use sp_inherents::InherentDataProvider;
use sp_keystore::KeystorePtr;
use sp_runtime::{
    traits::{Block as BlockT, Header as HeaderT},
    Digest,
};
use std::{
    collections::VecDeque,
    marker::PhantomData,
    sync::Arc,
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

pub struct ValidatorParams<B, C, BE, PF, BI> {
    pub client: Arc<C>,
    pub proposer_factory: PF,
    pub block_import: BI,
    pub keystore: KeystorePtr,
    pub status: SharedStatus,
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
    C: ProvideRuntimeApi<B> + HeaderBackend<B> + AuxStore + Finalizer<B, BE> + Send + Sync + 'static,
    C::Api: BpciConsensusApi<B>,
    PF: Environment<B>,
    PF::Proposer: Proposer<B>,
    BI: BlockImport<B>,
{
    let ValidatorParams { client, mut proposer_factory, block_import, keystore, status, .. } = params;
    let info = client.info();
    let api = client.runtime_api();
    let set: ValidatorSet = api.validator_set(info.finalized_hash).map_err(|e| e.to_string())?;
    let block_time = api.block_time_ms(info.finalized_hash).map_err(|e| e.to_string())?;

    let Some((my_index, me)) = set
        .validators
        .iter()
        .enumerate()
        .find_map(|(i, pk)| keystore::find(&*keystore, BLS_KEY_TYPE, pk).map(|k| (i as u32, k)))
    else {
        log::warn!(target: "bpci", "no key of the validator set in the keystore: not validating");
        status.write().role = "observer".into();
        return futures::future::pending().await;
    };
    // The engine owns the signing key; the seal is made with a second handle on the same key.
    let sealer = keystore::find(&*keystore, BLS_KEY_TYPE, &me.public).ok_or("key vanished from keystore")?;
    log::info!(target: "bpci", "validating as #{my_index} of {} (set {})", set.validators.len(), set.set_id);

    let safety = aux_schema::load(&*client)?.unwrap_or_default();
    recover_finality(&*client, &safety)?;
    let genesis = BlockInfo { hash: info.genesis_hash, number: 0, parent_hash: H256::zero() };
    let config = Config { base_timeout_ms: 4 * block_time, max_timeout_ms: 60_000 };
    let finalized = BlockInfo {
        hash: info.finalized_hash,
        number: info.finalized_number.into(),
        parent_hash: client
            .header(info.finalized_hash)
            .map_err(|e| e.to_string())?
            .map(|h| *h.parent_hash())
            .unwrap_or_default(),
    };
    let mut engine = Engine::new(config, set.clone(), Some(me), safety, genesis, now_ms()).with_finalized(finalized);
    {
        let mut s = status.write();
        s.role = "validator".into();
        s.set_id = set.set_id;
        s.validators = set.validators.len() as u32;
    }

    let mut queue: VecDeque<Action> = engine.start(now_ms()).into();
    let mut last_proposal: Option<Instant> = None;
    loop {
        while let Some(action) = queue.pop_front() {
            // With one validator the queue never drains (each certificate makes the next
            // proposal), so the status is refreshed per action rather than per batch.
            update_status(&status, &engine, &*client);
            match action {
                Action::Propose { view, parent_hash, parent_number } => {
                    // Blocks follow the runtime's block time; views that time out may go faster.
                    if let Some(last) = last_proposal {
                        let next = last + Duration::from_millis(block_time);
                        if let Some(wait) = next.checked_duration_since(Instant::now()) {
                            futures_timer::Delay::new(wait).await;
                        }
                    }
                    last_proposal = Some(Instant::now());
                    let justify = if parent_number == 0 { None } else { engine.proposal_justify(view).cloned() };
                    let pre = PreDigest { view, set_id: set.set_id, proposer_index: my_index, justify };
                    match build_and_import(&*client, &mut proposer_factory, &block_import, &sealer, parent_hash, pre, block_time).await {
                        Ok(block) => queue.extend(engine.on_block_built(view, block, now_ms())),
                        Err(e) => log::warn!(target: "bpci", "view {view}: could not build a block on {parent_hash:?}: {e}"),
                    }
                }
                Action::SendTo(to, msg) if to == my_index => queue.extend(engine.on_message(msg, now_ms())),
                // The single-validator engine has no peers; the network protocol of the
                // multi-validator engine plugs in here.
                Action::SendTo(_, _) | Action::Broadcast(_) => {}
                Action::PersistSafety(data) => aux_schema::store(&*client, &data)?,
                Action::Finalize { block, justification } => finalize(&*client, &block, &justification)?,
                Action::Equivocation(evidence) => {
                    log::warn!(target: "bpci", "equivocation: {evidence:?}");
                    status.write().equivocations += 1;
                }
                Action::Misbehaviour { reason } => log::debug!(target: "bpci", "dropped message: {reason}"),
            }
        }
        update_status(&status, &engine, &*client);
        let deadline = engine.next_deadline();
        let wait = deadline.saturating_sub(now_ms()).min(1_000);
        futures_timer::Delay::new(Duration::from_millis(wait)).await;
        queue.extend(engine.on_tick(now_ms()));
    }
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
fn recover_finality<B, C, BE>(client: &C, safety: &SafetyData) -> Result<(), String>
where
    B: BlockT<Hash = H256>,
    <B::Header as HeaderT>::Number: Into<u32> + From<u32>,
    BE: Backend<B>,
    C: HeaderBackend<B> + Finalizer<B, BE>,
{
    let Some(qc) = &safety.high_qc else { return Ok(()) };
    let Some(justification) = FinalityJustification::from_child_qc(qc) else { return Ok(()) };
    let block = BlockInfo {
        hash: qc.data.parent_hash,
        number: qc.data.block_number.saturating_sub(1),
        parent_hash: H256::zero(),
    };
    finalize(client, &block, &justification)
}

fn finalize<B, C, BE>(client: &C, block: &BlockInfo, justification: &FinalityJustification) -> Result<(), String>
where
    B: BlockT<Hash = H256>,
    <B::Header as HeaderT>::Number: Into<u32> + From<u32>,
    BE: Backend<B>,
    C: HeaderBackend<B> + Finalizer<B, BE>,
{
    let finalized: u32 = client.info().finalized_number.into();
    if block.number <= finalized {
        return Ok(());
    }
    client
        .finalize_block(block.hash, Some((BPCI_ENGINE_ID, justification.encode())), true)
        .map_err(|e| format!("finalizing #{} {:?}: {e}", block.number, block.hash))?;
    log::debug!(target: "bpci", "finalized #{} {:?}", block.number, block.hash);
    Ok(())
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

