//! Import-queue verification of blocks from the network (or `import-blocks`).
//!
//! A block is accepted only if its proposer is the leader of the view it claims on its parent
//! (the leader schedule of the parent's record, `crate::schedule`), its seal is that
//! leader's BLS signature over the pre-seal header, and the certificate of its parent that it
//! carries is a valid quorum certificate of the validator set. A finality justification attached to
//! it is checked too, and a valid one finalizes the block on import, which is how a new node syncs a
//! finalized chain it verified itself.
//!
//! The block's inherents are checked against this node's clock before it is imported (the
//! runtime's `check_inherents`): a leader whose clock runs more than pallet-timestamp's drift
//! (30 s) ahead cannot get its blocks imported at all. The tighter rule, no vote for a block
//! stamped more than a block time ahead, is the worker's (see `worker::clock`).
//!
//! The set that validates a block is its parent's *epoch* set (`BpciConsensusApi::epoch`), not
//! the session set: a session change takes effect only when a block starts a new epoch, which it
//! may do only on a parent whose state holds the new set and which the old set handed over (the
//! epoch-end certificate in the block, whose highest QC certifies the parent), or which enacted a
//! forced change.
//!
//! Stall blocks (`PreDigest::stall`) are sealed by a view's leader like any block but never voted
//! for. Every stall block of a run carries a certificate of the run's base, the block the run
//! extends; only stall blocks may follow a stall block, except the first block of the epoch that
//! a forced change in it roots. Stall blocks start no epoch. The runtime counts them as consents
//! to a pending forced change (`pallet-validators`); which one the node seals is the worker's rule.

use crate::digests::{find_handoff, find_pre_digest, find_view_change, seal_message, take_seal};
use bpci_consensus_core::{leaders::Schedule, Bls, CheckTimeoutCertificate, TimeoutCertificate, EPOCH_END};
use bpci_primitives::bls::native::Blst;
use bpci_primitives::{
    qc::FinalityJustification, BpciConsensusApi, EpochInfo, ForcedChange, PreDigest, ValidatorSet, BPCI_ENGINE_ID,
};
use codec::Decode;
use sc_consensus::{BlockImportParams, ForkChoiceStrategy};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::H256;
use sp_runtime::traits::{Block as BlockT, Header as HeaderT, Zero};
use std::{marker::PhantomData, sync::Arc};

pub struct Verifier<C, B> {
    client: Arc<C>,
    _block: PhantomData<B>,
}

impl<C, B> Verifier<C, B> {
    pub fn new(client: Arc<C>) -> Self {
        Self { client, _block: PhantomData }
    }
}

/// Which set validates a block with pre-digest `pre` on a parent whose state gives `epoch`,
/// `session_set` and `forced`, and whether the block starts a new epoch (its parent is a root).
///
/// `handoff` is the epoch-end certificate the block carries, if any; `parent_stall` whether the
/// parent is a stall block (only a forced change, which only a stall block enacts, starts an
/// epoch on one).
#[allow(clippy::too_many_arguments)]
pub fn block_set(
    pre: &PreDigest,
    parent_hash: H256,
    parent_number: u32,
    parent_stall: bool,
    epoch: EpochInfo,
    session_set: ValidatorSet,
    forced: Option<ForcedChange>,
    handoff: Option<&TimeoutCertificate>,
    genesis: &H256,
) -> Result<(ValidatorSet, bool), String> {
    if pre.set_id == epoch.set.set_id {
        if handoff.is_some() {
            return Err("hand-over certificate in a block that starts no epoch".into());
        }
        if parent_stall && !pre.stall {
            return Err("only stall blocks, or the first block of a forced epoch, follow a stall block".into());
        }
        return Ok((epoch.set, parent_number == 0));
    }
    if pre.stall {
        return Err("a stall block starts no epoch".into());
    }
    if pre.set_id != session_set.set_id || session_set.set_id <= epoch.set.set_id {
        return Err(format!(
            "block claims set {}, but its parent's epoch has set {} and its state set {}",
            pre.set_id, epoch.set.set_id, session_set.set_id
        ));
    }
    match handoff {
        None if parent_stall && forced == Some((pre.set_id, parent_number)) => {}
        None => return Err(format!("set {} starts without the hand-over of set {}", pre.set_id, epoch.set.set_id)),
        Some(tc) => {
            if tc.view != EPOCH_END {
                return Err("hand-over certificate is not an epoch end".into());
            }
            tc.verify::<Bls>(&epoch.set, genesis).map_err(|e| format!("invalid hand-over certificate: {e}"))?;
            let certified = tc.high_qc.as_ref().map(|qc| (qc.data.block_hash, qc.data.block_number));
            if certified != Some((parent_hash, parent_number)) {
                return Err("hand-over certificate does not end the epoch on the parent".into());
            }
        }
    }
    Ok((session_set, true))
}

/// Checks a header's consensus digests against the set that validates it; `schedule` says who
/// leads the views on the parent.
///
/// `parent_view` is the view of the parent block (ignored when the parent is a root: views start
/// again at 1 in each epoch, and genesis has view 0). A block on a root carries no certificate.
/// A block whose view is not its parent's plus one carries `view_change`, the timeout certificate
/// of the view before its own, through which that view was reached; without it a leader could seal
/// blocks for any future view it leads and have every node execute them.
#[allow(clippy::too_many_arguments)]
pub fn check_header(
    set: &ValidatorSet,
    pre: &PreDigest,
    parent_hash: H256,
    parent_number: u32,
    parent_view: u64,
    parent_is_root: bool,
    schedule: &Schedule,
    view_change: Option<&TimeoutCertificate>,
    pre_hash: &[u8],
    seal: &bpci_primitives::BlsSignature,
    genesis: &H256,
) -> Result<(), String> {
    let parent_view = if parent_is_root { 0 } else { parent_view };
    if pre.set_id != set.set_id {
        return Err(format!("block claims set {}, parent state has set {}", pre.set_id, set.set_id));
    }
    let leader = schedule.leader(pre.view).ok_or("empty validator set")?;
    let key = set.validators.get(leader as usize).ok_or("leader outside the validator set")?;
    if leader != pre.proposer_index {
        return Err(format!("proposer {} is not the leader {} of view {}", pre.proposer_index, leader, pre.view));
    }
    if pre.view <= parent_view {
        return Err(format!("view {} does not follow parent view {}", pre.view, parent_view));
    }
    if !bpci_primitives::bls::native::verify(key, &seal_message(genesis, pre_hash), seal) {
        return Err("bad seal".into());
    }
    match view_change {
        None if parent_view.checked_add(1) == Some(pre.view) => {}
        None => return Err(format!("view {} follows parent view {} without a timeout certificate", pre.view, parent_view)),
        Some(_) if parent_view.checked_add(1) == Some(pre.view) => return Err("a view-change certificate where none is needed".into()),
        Some(tc) => {
            if tc.view.checked_add(1) != Some(pre.view) {
                return Err(format!("view-change certificate of view {} in a block of view {}", tc.view, pre.view));
            }
            // The voting rule's condition: the block extends a certificate at least as high as
            // any the timeout quorum reported.
            if tc.max_high_qc_view() > parent_view {
                return Err("the block extends a certificate below one its view change reported".into());
            }
            tc.verify::<Bls>(set, genesis).map_err(|e| format!("invalid view-change certificate: {e}"))?;
        }
    }
    match (&pre.justify, parent_is_root) {
        (None, true) => Ok(()),
        (None, false) => Err("missing certificate of the parent".into()),
        (Some(_), true) => Err("the first block of an epoch carries no certificate".into()),
        (Some(qc), false) => {
            if qc.data.block_hash != parent_hash || qc.data.block_number != parent_number || qc.data.view != parent_view {
                return Err("certificate is not for the parent".into());
            }
            qc.verify::<Blst>(set, genesis).map_err(|e| format!("invalid parent certificate: {e:?}"))
        }
    }
}

/// Checks a stall block's digests against its epoch's set: sealed by the leader of its view, in
/// a view above its parent's (by at most the set's size), and carrying a certificate of its run's
/// base: the parent, or, on a stall parent, the block the parent's certificate is for.
#[allow(clippy::too_many_arguments)]
pub fn check_stall_header(
    set: &ValidatorSet,
    pre: &PreDigest,
    parent_hash: H256,
    parent_number: u32,
    parent: Option<&PreDigest>,
    pre_hash: &[u8],
    seal: &bpci_primitives::BlsSignature,
    genesis: &H256,
) -> Result<(), String> {
    let parent_view = parent.map_or(0, |p| p.view);
    if pre.set_id != set.set_id {
        return Err(format!("stall block claims set {}, parent state has set {}", pre.set_id, set.set_id));
    }
    let (leader, key) = set.leader(pre.view).ok_or("empty validator set")?;
    if leader as u32 != pre.proposer_index {
        return Err(format!("stall block: proposer {} is not the leader {} of view {}", pre.proposer_index, leader, pre.view));
    }
    // Views rise, by at most `n` a block: enough for every sealer to find a view it leads, and
    // no way to end a run by jumping to the last view.
    if pre.view <= parent_view || pre.view > parent_view.saturating_add(set.validators.len() as u64) {
        return Err(format!("stall block: view {} does not follow parent view {} within {}", pre.view, parent_view, set.validators.len()));
    }
    if !bpci_primitives::bls::native::verify(key, &seal_message(genesis, pre_hash), seal) {
        return Err("bad seal".into());
    }
    let base = |qc: &Option<bpci_primitives::qc::QuorumCertificate>| qc.as_ref().map(|qc| (qc.data.block_hash, qc.data.block_number));
    let expected = match parent {
        Some(p) if p.stall => base(&p.justify),
        Some(_) => Some((parent_hash, parent_number)),
        // Genesis has no certificate; a run on it could be built by any key of the genesis set,
        // retired ones too, for ever.
        None => return Err("no stall block on genesis".into()),
    };
    if let (Some(p), Some(qc)) = (parent.filter(|p| !p.stall), &pre.justify) {
        if qc.data.view != p.view {
            return Err("stall block: certificate is not for its parent's view".into());
        }
    }
    if base(&pre.justify) != expected {
        return Err("stall block: certificate is not for its run's base".into());
    }
    match &pre.justify {
        Some(qc) => qc.verify::<Blst>(set, genesis).map_err(|e| format!("stall block: invalid certificate: {e:?}")),
        None => Ok(()),
    }
}

/// The view a header was proposed in (0 for genesis).
pub fn header_view<H: HeaderT>(header: &H) -> Result<u64, String> {
    if header.number().is_zero() {
        return Ok(0);
    }
    find_pre_digest(header).map(|p| p.view)
}

#[async_trait::async_trait]
impl<C, B> sc_consensus::Verifier<B> for Verifier<C, B>
where
    B: BlockT<Hash = H256>,
    <B::Header as HeaderT>::Number: Into<u32>,
    C: ProvideRuntimeApi<B> + HeaderBackend<B> + Send + Sync + 'static,
    C::Api: BpciConsensusApi<B> + sp_block_builder::BlockBuilder<B>,
{
    async fn verify(&self, mut block: BlockImportParams<B>) -> Result<BlockImportParams<B>, String> {
        let number: u32 = (*block.header.number()).into();
        if number == 0 {
            return Err("refusing to import a second genesis".into());
        }
        let post_hash = block.header.hash();
        let parent_hash = *block.header.parent_hash();
        let genesis = self.client.info().genesis_hash;
        let parent = self
            .client
            .header(parent_hash)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("unknown parent {parent_hash:?}"))?;
        let parent_view = header_view(&parent)?;
        let (seal_item, seal) = take_seal(&mut block.header)?;
        let pre_hash = block.header.hash();
        let pre = find_pre_digest(&block.header)?;
        let handoff = find_handoff(&block.header)?;
        let view_change = find_view_change(&block.header)?;
        let parent_pre = if number == 1 { None } else { Some(find_pre_digest(&parent)?) };
        let parent_stall = parent_pre.as_ref().is_some_and(|p| p.stall);
        let api = self.client.runtime_api();
        let epoch = api.epoch(parent_hash).map_err(|e| e.to_string())?;
        let (set, parent_is_root) = if pre.set_id == epoch.set.set_id && handoff.is_none() && parent_stall == pre.stall {
            (epoch.set, number == 1)
        } else {
            let session_set = api.validator_set(parent_hash).map_err(|e| e.to_string())?;
            let forced = api.forced_change(parent_hash).map_err(|e| e.to_string())?;
            block_set(&pre, parent_hash, number - 1, parent_stall, epoch, session_set, forced, handoff.as_ref(), &genesis)
                .map_err(|e| format!("block #{number} {post_hash:?}: {e}"))?
        };
        if pre.stall && view_change.is_some() {
            return Err(format!("block #{number} {post_hash:?}: a view-change certificate in a stall block"));
        }
        if pre.stall {
            check_stall_header(&set, &pre, parent_hash, number - 1, parent_pre.as_ref(), pre_hash.as_ref(), &seal, &genesis)
        } else {
            let schedule = if parent_is_root {
                Schedule::everyone(set.validators.len())
            } else {
                crate::schedule::schedule_of(&*self.client, parent_hash, &set)?
            };
            check_header(&set, &pre, parent_hash, number - 1, parent_view, parent_is_root, &schedule, view_change.as_ref(), pre_hash.as_ref(), &seal, &genesis)
        }
        .map_err(|e| format!("block #{number} {post_hash:?}: {e}"))?;

        if let Some(body) = block.body.clone() {
            check_inherents(&*self.client, parent_hash, block.header.clone(), body)
                .await
                .map_err(|e| format!("block #{number} {post_hash:?}: {e}"))?;
        }

        if let Some(raw) = block.justifications.as_ref().and_then(|j| j.get(BPCI_ENGINE_ID)) {
            let justification = FinalityJustification::decode(&mut &raw[..])
                .map_err(|e| format!("malformed justification: {e}"))?;
            justification
                .verify::<Blst>(&set, &genesis, post_hash, number)
                .map_err(|e| format!("invalid justification of #{number}: {e:?}"))?;
            block.finalized = true;
        }

        block.post_digests.push(seal_item);
        block.post_hash = Some(post_hash);
        block.fork_choice = Some(ForkChoiceStrategy::LongestChain);
        Ok(block)
    }
}

/// The runtime's inherent checks of a block (pre-seal header and body) against this node's clock.
async fn check_inherents<B, C>(client: &C, parent_hash: H256, header: B::Header, body: Vec<B::Extrinsic>) -> Result<(), String>
where
    B: BlockT<Hash = H256>,
    C: ProvideRuntimeApi<B>,
    C::Api: sp_block_builder::BlockBuilder<B>,
{
    use sp_block_builder::BlockBuilder;
    use sp_inherents::InherentDataProvider;
    let data = sp_timestamp::InherentDataProvider::from_system_time()
        .create_inherent_data()
        .await
        .map_err(|e| format!("inherent data: {e}"))?;
    let result = client
        .runtime_api()
        .check_inherents(parent_hash, B::new(header, body).into(), data)
        .map_err(|e| format!("checking inherents: {e}"))?;
    if result.ok() {
        return Ok(());
    }
    let errors: Vec<String> = result
        .into_errors()
        .map(|(id, raw)| match sp_timestamp::InherentError::try_from(&id, &raw) {
            Some(e) => format!("timestamp: {e:?}"),
            None => format!("inherent {}: {} bytes of error", String::from_utf8_lossy(&id), raw.len()),
        })
        .collect();
    Err(format!("inherents rejected: {}", errors.join("; ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use bpci_primitives::bls::native::{aggregate, Keypair};
    use bpci_primitives::qc::{Bitfield, QuorumCertificate, VoteData};

    const GENESIS: H256 = H256::repeat_byte(1);

    fn key(i: usize) -> Keypair {
        Keypair::from_ikm(&[i as u8 + 1; 32]).unwrap()
    }

    fn set(set_id: u64) -> ValidatorSet {
        ValidatorSet { set_id, validators: (0..4).map(|i| key(i).public).collect() }
    }

    fn qc(block: H256, number: u32, view: u64) -> QuorumCertificate {
        let data = VoteData { set_id: 0, view, block_hash: block, block_number: number, parent_hash: H256::zero(), parent_view: 0 };
        let mut signers = Bitfield::new(4);
        let sigs: Vec<_> = (0..3).map(|i| {
            signers.set(i);
            key(i).sign(&data.signing_message(&GENESIS))
        }).collect();
        QuorumCertificate { data, signers, signature: aggregate(&sigs).unwrap() }
    }

    fn stall(view: u64, justify: Option<QuorumCertificate>) -> PreDigest {
        PreDigest { view, set_id: 0, proposer_index: (view % 4) as u32, justify, stall: true }
    }

    fn ordinary(view: u64, set_id: u64, justify: Option<QuorumCertificate>) -> PreDigest {
        PreDigest { view, set_id, proposer_index: (view % 4) as u32, justify, stall: false }
    }

    /// Checks `pre` as a stall block on `parent` (#`number - 1`), sealed by its view's leader.
    fn check(pre: &PreDigest, parent_hash: H256, parent_number: u32, parent: Option<&PreDigest>) -> Result<(), String> {
        let seal = key(pre.proposer_index as usize).sign(&seal_message(&GENESIS, b"header"));
        check_stall_header(&set(0), pre, parent_hash, parent_number, parent, b"header", &seal, &GENESIS)
    }

    fn epoch() -> EpochInfo {
        EpochInfo { set: set(0), root_hash: H256::zero(), root_number: 0 }
    }

    /// Finding 3: the forced epoch starts only on a stall block that enacted the change; an
    /// ordinary block whose state records a forced change roots nothing.
    #[test]
    fn a_forced_epoch_starts_only_on_the_stall_block_that_enacted_it() {
        let parent = H256::repeat_byte(7);
        let pre = ordinary(1, 1, None);
        let forced = Some((1, 10));
        let on_ordinary = block_set(&pre, parent, 10, false, epoch(), set(1), forced, None, &GENESIS);
        assert!(on_ordinary.unwrap_err().contains("without the hand-over"));
        let (s, root) = block_set(&pre, parent, 10, true, epoch(), set(1), forced, None, &GENESIS).unwrap();
        assert_eq!((s.set_id, root), (1, true));
        // A forced change recorded at another block roots nothing here.
        assert!(block_set(&pre, parent, 11, true, epoch(), set(1), forced, None, &GENESIS).is_err());
    }

    #[test]
    fn only_stall_blocks_follow_a_stall_block_and_none_starts_an_epoch() {
        let parent = H256::repeat_byte(7);
        let next = ordinary(9, 0, Some(qc(parent, 10, 8)));
        let e = block_set(&next, parent, 10, true, epoch(), set(0), None, None, &GENESIS).unwrap_err();
        assert!(e.contains("follow a stall block"), "{e}");
        let mut starts = stall(9, None);
        starts.set_id = 1;
        let e = block_set(&starts, parent, 10, false, epoch(), set(1), Some((1, 10)), None, &GENESIS).unwrap_err();
        assert!(e.contains("starts no epoch"), "{e}");
        assert!(block_set(&stall(9, None), parent, 10, true, epoch(), set(0), None, None, &GENESIS).is_ok());
    }

    #[test]
    fn a_stall_run_carries_a_certificate_of_its_base() {
        let base = H256::repeat_byte(7);
        let base_pre = ordinary(5, 0, Some(qc(H256::repeat_byte(6), 9, 4)));
        // On its base: a certificate of the base, in the base's view.
        let first = stall(6, Some(qc(base, 10, 5)));
        assert_eq!(check(&first, base, 10, Some(&base_pre)), Ok(()));
        assert!(check(&stall(6, Some(qc(base, 10, 4))), base, 10, Some(&base_pre)).unwrap_err().contains("view"));
        assert!(check(&stall(6, None), base, 10, Some(&base_pre)).unwrap_err().contains("run's base"));
        // On a stall block: the same base, whoever seals it.
        let tip = H256::repeat_byte(8);
        assert_eq!(check(&stall(7, Some(qc(base, 10, 5))), tip, 11, Some(&first)), Ok(()));
        let other = stall(7, Some(qc(H256::repeat_byte(6), 9, 4)));
        assert!(check(&other, tip, 11, Some(&first)).unwrap_err().contains("run's base"));
        // Views still rise, and the sealer must lead its view.
        assert!(check(&stall(6, Some(qc(base, 10, 5))), tip, 11, Some(&first)).unwrap_err().contains("does not follow"));
        let mut wrong = stall(7, Some(qc(base, 10, 5)));
        wrong.proposer_index = 0;
        let seal = key(0).sign(&seal_message(&GENESIS, b"header"));
        let e = check_stall_header(&set(0), &wrong, tip, 11, Some(&first), b"header", &seal, &GENESIS).unwrap_err();
        assert!(e.contains("not the leader"), "{e}");
        // A certificate without a quorum.
        let mut weak = qc(base, 10, 5);
        weak.signers = Bitfield::new(4);
        assert!(check(&stall(7, Some(weak)), tip, 11, Some(&first)).unwrap_err().contains("invalid certificate"));
        // Views rise by at most the set's size.
        assert!(check(&stall(7 + 4 * 1000, Some(qc(base, 10, 5))), tip, 11, Some(&first)).unwrap_err().contains("within"));
        let mut last = stall(u64::MAX, Some(qc(base, 10, 5)));
        last.proposer_index = (u64::MAX % 4) as u32;
        let seal = key(last.proposer_index as usize).sign(&seal_message(&GENESIS, b"header"));
        assert!(check_stall_header(&set(0), &last, tip, 11, Some(&first), b"header", &seal, &GENESIS).is_err());
        // No run on genesis: no certificate to build on.
        assert!(check(&stall(1, None), GENESIS, 0, None).unwrap_err().contains("genesis"));
    }
}

/// Finding 4 (second half): a header proves its parent's certificate, not that its own view was
/// reached, so a leader could seal blocks for any future view it leads and have every node
/// execute them. A view above the parent's certificate's plus one is reached only through a
/// timeout certificate of the view before it.
#[cfg(test)]
mod view_change_tests {
    use super::*;
    use bpci_primitives::bls::native::{aggregate, Keypair};
    use bpci_primitives::qc::{Bitfield, QuorumCertificate, VoteData};

    const GENESIS: H256 = H256::repeat_byte(1);

    fn key(i: usize) -> Keypair {
        Keypair::from_ikm(&[i as u8 + 1; 32]).unwrap()
    }

    fn set() -> ValidatorSet {
        ValidatorSet { set_id: 0, validators: (0..4).map(|i| key(i).public).collect() }
    }

    fn qc(block: H256, number: u32, view: u64) -> QuorumCertificate {
        let data = VoteData { set_id: 0, view, block_hash: block, block_number: number, parent_hash: H256::zero(), parent_view: 0 };
        let mut signers = Bitfield::new(4);
        let sigs: Vec<_> = (0..3)
            .map(|i| {
                signers.set(i);
                key(i).sign(&data.signing_message(&GENESIS))
            })
            .collect();
        QuorumCertificate { data, signers, signature: aggregate(&sigs).unwrap() }
    }

    /// A timeout certificate of `view` by validators 0..3, who all report `high_qc_view`.
    fn tc(view: u64, high_qc: Option<QuorumCertificate>) -> TimeoutCertificate {
        use bpci_consensus_core::{TimeoutData, TimeoutGroup};
        let high_qc_view = high_qc.as_ref().map_or(0, |qc| qc.data.view);
        let data = TimeoutData { set_id: 0, view, high_qc_view };
        let mut signers = Bitfield::new(4);
        let sigs: Vec<_> = (0..3)
            .map(|i| {
                signers.set(i);
                key(i).sign(&data.signing_message(&GENESIS))
            })
            .collect();
        TimeoutCertificate { set_id: 0, view, groups: vec![TimeoutGroup { high_qc_view, signers, signature: aggregate(&sigs).unwrap() }], high_qc }
    }

    fn check(view: u64, parent_view: u64, view_change: Option<&TimeoutCertificate>) -> Result<(), String> {
        let parent = H256::repeat_byte(7);
        let pre = PreDigest { view, set_id: 0, proposer_index: (view % 4) as u32, justify: Some(qc(parent, 10, parent_view)), stall: false };
        let seal = key(pre.proposer_index as usize).sign(&seal_message(&GENESIS, b"header"));
        check_header(&set(), &pre, parent, 10, parent_view, false, &Schedule::everyone(4), view_change, b"header", &seal, &GENESIS)
    }

    /// Issue 13: leaders come from the parent's record. Validator 3 proposed none of the last
    /// eight blocks, so outside probation rounds its plain-rotation turn belongs to another, and a
    /// block it seals for that view is refused, however valid otherwise.
    #[test]
    fn a_proposer_the_record_excludes_is_refused_outside_probation() {
        let schedule = Schedule::from_proposers(4, [2, 1, 0, 2, 1, 0, 2, 1]);
        let parent = H256::repeat_byte(7);
        let view = 7;
        let by = |proposer: u32| {
            let pre = PreDigest { view, set_id: 0, proposer_index: proposer, justify: Some(qc(parent, 10, 6)), stall: false };
            let seal = key(proposer as usize).sign(&seal_message(&GENESIS, b"header"));
            check_header(&set(), &pre, parent, 10, 6, false, &schedule, None, b"header", &seal, &GENESIS)
        };
        assert!(by(3).unwrap_err().contains("is not the leader"));
        let leader = schedule.leader(view).unwrap();
        assert_ne!(leader, 3);
        assert_eq!(by(leader), Ok(()));
    }

    #[test]
    fn a_block_of_a_view_nobody_reached_is_refused() {
        let view = 5 + 4 * 10; // a view far ahead that validator 1 leads
        let r = check(view, 5, None);
        assert!(r.is_err(), "view {view} on a parent certified in view 5, without a timeout certificate, was accepted");
        // A certificate of another view does not reach it either.
        assert!(check(view, 5, Some(&tc(7, Some(qc(H256::repeat_byte(7), 10, 5))))).unwrap_err().contains("of view 7"));
    }

    #[test]
    fn a_view_reached_by_timeout_carries_its_certificate() {
        let parent_qc = qc(H256::repeat_byte(7), 10, 5);
        assert_eq!(check(6, 5, None), Ok(()));
        assert!(check(6, 5, Some(&tc(5, Some(parent_qc.clone())))).unwrap_err().contains("none is needed"));
        assert_eq!(check(8, 5, Some(&tc(7, Some(parent_qc)))), Ok(()));
        // The block must extend a certificate at least as high as the timeout quorum reported.
        let higher = qc(H256::repeat_byte(9), 11, 6);
        assert!(check(8, 5, Some(&tc(7, Some(higher)))).unwrap_err().contains("below one its view change reported"));
        // A forged certificate.
        let mut forged = tc(7, None);
        forged.groups[0].signature = key(0).sign(b"something else");
        assert!(check(8, 5, Some(&forged)).unwrap_err().contains("invalid view-change certificate"));
    }
}
