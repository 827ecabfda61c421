//! The commit rules (a commit certificate, or a consecutive child certificate) and the blocks an
//! epoch starts from (roots).

use super::*;

/// The message that carries a finality proof to the others.
pub(crate) fn proof_message(proof: &FinalityProof) -> Message {
    match proof {
        FinalityProof::Commit(cc) => Message::CommitCertificate(cc.clone()),
        FinalityProof::Child(qc) => Message::Certificate(qc.clone()),
    }
}

impl<C: Crypto> Engine<C> {
    /// Adopts a verified certificate: higher QC, commit rule, view change.
    pub(crate) fn process_qc(&mut self, qc: &QuorumCertificate, now_ms: u64, out: &mut Vec<Action>) {
        self.remember_qc_block(qc);
        if qc.data.view > self.high_qc_view() {
            self.high_qc = Some(qc.clone());
        }
        self.finalize_by(&FinalityProof::Child(qc.clone()), out);
        if qc.data.view >= self.view {
            self.advance(qc.data.view.saturating_add(1), None, now_ms, out);
            // Only a certificate that brings this node into the next view: one that arrives after
            // a timeout certificate moved it on would bind it to `B` while the next leader may
            // rightly have proposed on an older certificate, and cost a view.
            self.maybe_commit_vote(qc, out);
        }
    }

    /// Reports the block a finality proof proves final, unless it is final here already.
    pub(crate) fn finalize_by(&mut self, proof: &FinalityProof, out: &mut Vec<Action>) {
        let Some(justification) = FinalityJustification::from_proof(proof) else { return };
        let (hash, number) = proof.finalized();
        if number <= self.last_finalized.number || self.roots.contains_key(&hash) {
            return;
        }
        let block = self.blocks.get(&hash).cloned().filter(|b| b.number == number).unwrap_or(BlockInfo {
            hash,
            number,
            parent_hash: H256::zero(),
        });
        self.last_finalized = block.clone();
        out.push(Action::Finalize { block, justification });
    }

    /// Tells the engine which block the glue already knows to be final (e.g. after a restart), so
    /// that it does not report it or its ancestors again.
    pub fn with_finalized(mut self, block: BlockInfo) -> Self {
        if block.number > self.last_finalized.number {
            self.remember_block(block.clone());
            self.last_finalized = block;
        }
        self
    }

    /// Adds a block this epoch may start from (see `roots`). The first block of an epoch names
    /// its root as parent and carries no certificate. Bounded: beyond [`MAX_ROOTS`] the call is
    /// ignored, and honest hand-overs never come near it.
    pub fn add_root(&mut self, root: BlockInfo) {
        if self.roots.len() < MAX_ROOTS {
            self.remember_block(root.clone());
            self.roots.insert(root.hash, root);
        }
    }

    /// Makes `root` the one this node's own proposals extend while it holds no certificate of
    /// the epoch (adding it if needed).
    pub fn prefer_root(&mut self, root: BlockInfo) {
        self.add_root(root.clone());
        if self.roots.contains_key(&root.hash) {
            self.genesis = root;
        }
    }

    pub(crate) fn remember_block(&mut self, info: BlockInfo) {
        if self.blocks.contains_key(&info.hash) {
            return;
        }
        if self.block_order.len() >= BLOCK_CACHE {
            if let Some(old) = self.block_order.pop_front() {
                self.blocks.remove(&old);
            }
        }
        self.block_order.push_back(info.hash);
        self.blocks.insert(info.hash, info);
    }

    pub(crate) fn remember_qc_block(&mut self, qc: &QuorumCertificate) {
        self.remember_block(BlockInfo {
            hash: qc.data.block_hash,
            number: qc.data.block_number,
            parent_hash: qc.data.parent_hash,
        });
    }
}
