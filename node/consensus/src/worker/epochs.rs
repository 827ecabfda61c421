//! Epochs: which one runs at start, entering one, and ending one by hand-over.

use super::*;

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
    /// A block is final: the session set it holds (one runtime call per finalized block) is the
    /// next epoch's, and may end this one.
    pub(super) fn on_finalized(&mut self, finalized: H256) {
        if let Ok(next) = self.client.runtime_api().validator_set(finalized) {
            if next.validators != self.session_set.validators {
                self.binding_dirty = true;
            }
            self.session_set = next;
        }
        self.check_epoch_end(finalized);
    }

    /// Runs the engine of `set` from `roots` (the first is the one this node builds on).
    pub(super) fn enter_epoch(&mut self, set: ValidatorSet, roots: Vec<(BlockInfo, Option<TimeoutCertificate>)>) -> Result<(), String> {
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
        self.note_known_schedules();
        self.progress_at = now_ms();
        let future: Vec<Message> = self.future.drain(..).collect();
        for msg in future {
            let _ = self.on_message(msg);
        }
        Ok(())
    }

    /// After a start or restart: the schedules of the blocks this node may extend or vote for
    /// next, which it imported before the engine existed. That is the highest certified block
    /// and the recent blocks of the best chain of this set; later ones arrive with their imports.
    fn note_known_schedules(&mut self) {
        let high_qc = self.engine().high_qc().map(|qc| qc.data.block_hash);
        let mut hash = self.client.info().best_hash;
        let mut recent = Vec::new();
        for _ in 0..RECENT_SCHEDULES {
            let Ok(Some(header)) = self.client.header(hash) else { break };
            match digests::find_pre_digest(&header) {
                // A stall run on top: its base is below.
                Ok(pre) if pre.set_id == self.set.set_id && pre.stall => {}
                Ok(pre) if pre.set_id == self.set.set_id => recent.push(hash),
                _ => break,
            }
            hash = *header.parent_hash();
        }
        for block in high_qc.into_iter().chain(recent.into_iter().rev()) {
            self.note_schedule(block);
        }
    }

    /// Moves to the next epoch once the root of the epoch-end certificate is imported.
    pub(super) fn try_pending_root(&mut self) -> Result<(), String> {
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
    pub(super) fn check_epoch_end(&mut self, finalized: H256) {
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
}

/// The epoch to run at start: the one the best block's state names, or a later one this node
/// had moved to (its first block not imported yet), as stored in the aux database.
pub(super) fn initial_epoch<B, C>(client: &C) -> Result<(ValidatorSet, Vec<(BlockInfo, Option<TimeoutCertificate>)>), String>
where
    B: BlockT<Hash = H256>,
    <B::Header as HeaderT>::Number: Into<u32> + From<u32>,
    C: ProvideRuntimeApi<B> + HeaderBackend<B> + AuxStore,
    C::Api: BpciConsensusApi<B>,
{
    let info = client.info();
    let api = client.runtime_api();
    let chain = api.epoch(info.best_hash).map_err(|e| e.to_string())?;
    let stored = aux_schema::load_epoch(client)?;
    if let Some(stored) = stored.clone().filter(|e| e.set_id > chain.set.set_id && !e.roots.is_empty()) {
        let root = &stored.roots[0].0;
        let set = api.validator_set(root.hash).map_err(|e| e.to_string())?;
        if set.set_id == stored.set_id {
            return Ok((set, stored.roots));
        }
    }
    let root = if chain.root_hash.is_zero() {
        BlockInfo { hash: info.genesis_hash, number: 0, parent_hash: H256::zero() }
    } else {
        let parent = client.header(chain.root_hash).ok().flatten().map(|h| *h.parent_hash()).unwrap_or_default();
        BlockInfo { hash: chain.root_hash, number: chain.root_number, parent_hash: parent }
    };
    // The hand-over the epoch's first block carried, in case this node has to build a first
    // block again (no certificate of the epoch yet).
    let handoff = client
        .hash(root.number.saturating_add(1).into())
        .ok()
        .flatten()
        .and_then(|h| client.header(h).ok().flatten())
        .filter(|h| *h.parent_hash() == root.hash)
        .and_then(|h| digests::find_handoff(&h).ok().flatten());
    let mut roots = vec![(root, handoff)];
    if let Some(stored) = stored.filter(|e| e.set_id == chain.set.set_id) {
        for r in stored.roots {
            if !roots.iter().any(|(b, _)| b.hash == r.0.hash) {
                roots.push(r);
            }
        }
    }
    Ok((chain.set, roots))
}
