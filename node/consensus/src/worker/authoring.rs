//! Proposing: when this validator builds its block, what the block carries, and building,
//! sealing and importing it.

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
    pub(super) fn schedule(&mut self, view: u64, parent_hash: H256, parent_number: u32) {
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

    pub(super) async fn propose(&mut self, view: u64, parent_hash: H256) {
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
                self.note_schedule(block.hash);
                let out = self.engine().on_block_built(view, block, now_ms());
                self.queue.extend(out);
            }
            Err(e) => log::warn!(target: "bpci", "view {view}: could not build a block on {parent_hash:?}: {e}"),
        }
    }

    /// The hand-over digest a block on `parent` must carry: `Some(None)` when none is needed,
    /// `None` when one is needed but unknown here.
    pub(super) fn handoff_for(&self, parent: H256, on_root: bool) -> Option<Option<TimeoutCertificate>> {
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
    pub(super) async fn build(&mut self, parent_hash: H256, pre: PreDigest, certificates: Vec<DigestItem>) -> Result<BlockInfo, String> {
        let stamp = clock::stamp(clock::chain_time(&*self.client, parent_hash), now_ms());
        let (Some(pf), Some(sealer)) = (self.proposer_factory.as_mut(), self.sealer.as_ref()) else {
            return Err("not a validator".into());
        };
        let block =
            build_and_import(&*self.client, pf, &self.block_import, sealer, &self.genesis, parent_hash, stamp, pre, certificates, self.block_time)
                .await?;
        Ok(block)
    }
}

/// Builds a block on `parent_hash` stamped `stamp` with the pre-digest `pre` and the other digest
/// items `certificates`, seals it with `sealer` and imports it.
#[allow(clippy::too_many_arguments)]
pub(super) async fn build_and_import<B, C, PF, BI>(
    client: &C,
    proposer_factory: &mut PF,
    block_import: &BI,
    sealer: &Keypair,
    genesis: &H256,
    parent_hash: H256,
    stamp: u64,
    pre: PreDigest,
    certificates: Vec<DigestItem>,
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
    let inherent_data = sp_timestamp::InherentDataProvider::new(stamp.into())
        .create_inherent_data()
        .await
        .map_err(|e| e.to_string())?;
    let args = ProposeArgs {
        inherent_data,
        inherent_digests: Digest {
            logs: std::iter::once(digests::pre_digest_item(&pre)).chain(certificates).collect(),
        },
        max_duration: Duration::from_millis(block_time / 2),
        ..Default::default()
    };
    let proposal = proposer.propose(args).map(|r| r.map_err(|e| e.to_string())).await?;
    let (mut header, body) = proposal.block.deconstruct();
    let pre_hash = header.hash();
    let seal = digests::seal_item(&sealer.sign(&digests::seal_message(genesis, pre_hash.as_ref())));
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
