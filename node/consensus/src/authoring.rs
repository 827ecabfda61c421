//! Building, sealing and importing this validator's own blocks.

use crate::digests;
use bpci_consensus_core::BlockInfo;
use bpci_primitives::{bls::native::Keypair, PreDigest};
use futures::FutureExt;
use sc_consensus::{BlockImport, BlockImportParams, ForkChoiceStrategy, StateAction, StorageChanges};
use sp_blockchain::HeaderBackend;
use sp_consensus::{BlockOrigin, Environment, ProposeArgs, Proposer};
use sp_core::H256;
use sp_inherents::InherentDataProvider;
use sp_runtime::{
    traits::{Block as BlockT, Header as HeaderT},
    Digest, DigestItem,
};
use std::time::Duration;

/// Builds a block on `parent_hash` stamped `stamp` with the pre-digest `pre` and the other digest
/// items `certificates`, seals it with `sealer` and imports it.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn build_and_import<B, C, PF, BI>(
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
