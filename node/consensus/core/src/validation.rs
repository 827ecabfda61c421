//! Checks of everything peers send: signatures, certificates and proposals, before any of it
//! changes the engine's state. A message that fails is reported as `Misbehaviour`; one that is
//! merely stale or a duplicate is dropped without a report (honest nodes send those).

use super::*;

impl<C: Crypto> Engine<C> {
    pub(crate) fn digest<T: Encode>(item: &T) -> [u8; 32] {
        <sp_core::Blake2Hasher as sp_core::Hasher>::hash(&item.encode()).0
    }

    pub(crate) fn is_verified(&self, digest: &[u8; 32]) -> bool {
        self.verified.contains(digest)
    }

    pub(crate) fn mark_verified(&mut self, digest: [u8; 32]) {
        if self.verified.len() >= VERIFIED_CACHE {
            self.verified.pop_front();
        }
        self.verified.push_back(digest);
    }

    pub(crate) fn check_qc(&mut self, qc: &QuorumCertificate) -> Result<(), &'static str> {
        if self.high_qc.as_ref() == Some(qc) {
            return Ok(());
        }
        let d = Self::digest(qc);
        if self.is_verified(&d) {
            return Ok(());
        }
        if qc.data.view == 0 || qc.data.block_hash.is_zero() || self.roots.contains_key(&qc.data.block_hash) {
            return Err("certificate for view 0, for no block or for a root");
        }
        verify_qc::<C>(&self.set, &self.chain, qc).map_err(|_| "invalid quorum certificate")?;
        self.mark_verified(d);
        Ok(())
    }

    pub(crate) fn check_tc(&mut self, tc: &TimeoutCertificate) -> Result<(), &'static str> {
        let d = Self::digest(tc);
        if self.is_verified(&d) {
            return Ok(());
        }
        tc.verify::<C>(&self.set, &self.chain)?;
        self.mark_verified(d);
        Ok(())
    }

    pub(crate) fn check_proposal(&mut self, sp: &SignedProposal) -> Result<(), &'static str> {
        self.check_proposal_shape(sp)?;
        let p = &sp.proposal;
        if self.leader_on(p.view, &p.block.parent_hash) != Some(sp.proposer) {
            return Err("proposal from a validator that does not lead its view");
        }
        let public = self.set.validators[sp.proposer as usize];
        if !C::verify(&public, &p.signing_message(&self.chain), &sp.signature) {
            return Err("bad proposal signature");
        }
        if let Some(qc) = &p.justify {
            self.check_qc(qc)?;
        }
        if let Some(tc) = &p.tc {
            self.check_tc(tc)?;
        }
        Ok(())
    }

    /// What a proposal must be whoever leads its view: of this set, extending the block its
    /// certificate names (or a root), with the certificates that justify its view.
    fn check_proposal_shape(&self, sp: &SignedProposal) -> Result<(), &'static str> {
        let p = &sp.proposal;
        if p.set_id != self.set.set_id {
            return Err("proposal of another validator set");
        }
        if p.view == 0 || sp.proposer as usize >= self.n() {
            return Err("proposal from a validator that does not lead its view");
        }
        let (parent_hash, parent_number) = match &p.justify {
            Some(qc) => (qc.data.block_hash, qc.data.block_number),
            None => match self.roots.get(&p.block.parent_hash) {
                Some(root) => (root.hash, root.number),
                None => return Err("proposal without certificate on a block that is no root"),
            },
        };
        if p.block.parent_hash != parent_hash || Some(p.block.number) != parent_number.checked_add(1) {
            return Err("proposed block does not extend its certified parent");
        }
        let justify_view = self.justify_view(p);
        if justify_view >= p.view {
            return Err("proposal certificate not below its view");
        }
        match &p.tc {
            None if justify_view.checked_add(1) == Some(p.view) => {}
            Some(tc) if tc.view.checked_add(1) == Some(p.view) && justify_view >= tc.max_high_qc_view() => {}
            _ => return Err("proposal not justified by its certificates"),
        }
        Ok(())
    }

    pub(crate) fn handle_proposal(&mut self, sp: SignedProposal, now_ms: u64, out: &mut Vec<Action>) {
        let p = &sp.proposal;
        if p.view.saturating_add(1) < self.view {
            return;
        }
        if self.proposals.get(&p.view).is_some_and(|known| known.contains(&sp)) {
            return;
        }
        if let Err(reason) = self.check_proposal_shape(&sp) {
            out.push(Action::Misbehaviour { reason });
            return;
        }
        if self.leader_on(p.view, &p.block.parent_hash).is_none() {
            // Its parent is not imported here yet (or its schedule was evicted): who leads its
            // view is unknown until it is.
            self.hold_unscheduled(sp, out);
            return;
        }
        if let Err(reason) = self.check_proposal(&sp) {
            out.push(Action::Misbehaviour { reason });
            return;
        }
        let p = &sp.proposal;
        let known = self.proposals.get(&p.view).and_then(|ps| ps.iter().find(|k| k.proposer == sp.proposer));
        if let Some(known) = known {
            if known.proposal.signing_message(&self.chain) != p.signing_message(&self.chain) {
                let evidence = Evidence::Proposal(known.clone(), sp.clone());
                self.record_evidence(evidence, out);
            }
            // Same statement with other certificates, or a conflicting one: either way the first
            // stays the one this node may vote for.
            return;
        }
        let view = p.view;
        self.remember_block(p.block.clone());
        let justify = p.justify.clone();
        let tc = p.tc.clone();
        self.proposals.entry(view).or_default().push(sp);
        if let Some(qc) = &justify {
            self.process_qc(qc, now_ms, out);
        }
        if let Some(tc) = &tc {
            self.process_tc(tc, now_ms, out);
        }
        if view == self.view {
            self.try_vote(now_ms, out);
        }
    }

    pub(crate) fn handle_vote(&mut self, v: SignedVote, now_ms: u64, out: &mut Vec<Action>) {
        if v.data.set_id != self.set.set_id {
            out.push(Action::Misbehaviour { reason: "vote of another validator set" });
            return;
        }
        if v.voter as usize >= self.n() || v.data.view == 0 {
            out.push(Action::Misbehaviour { reason: "vote from an unknown validator" });
            return;
        }
        // Only the next f + 1 leaders on the voted block aggregate (all validators while its schedule
        // is unknown here); votes for views out of the window are dropped unchecked so that they
        // cost nothing.
        let aggregators = self.aggregators(v.data.view, &v.data.block_hash);
        if self.my_index().is_none_or(|me| !aggregators.is_empty() && !aggregators.contains(&me))
            || v.data.view.saturating_add(1) < self.view
            || v.data.view > self.view.saturating_add(VIEW_WINDOW)
        {
            return;
        }
        if let Some(known) = self.votes.get(&v.data.view).and_then(|c| c.by_voter.get(&v.voter)) {
            if *known == v {
                return;
            }
        }
        let public = self.set.validators[v.voter as usize];
        if !C::verify(&public, &v.data.signing_message(&self.chain), &v.signature) {
            out.push(Action::Misbehaviour { reason: "bad vote signature" });
            return;
        }
        self.accept_vote(v, now_ms, out);
    }

    pub(crate) fn handle_commit_vote(&mut self, v: SignedCommitVote, out: &mut Vec<Action>) {
        if v.data.set_id != self.set.set_id {
            out.push(Action::Misbehaviour { reason: "commit vote of another validator set" });
            return;
        }
        if v.voter as usize >= self.n() || v.data.view == 0 {
            out.push(Action::Misbehaviour { reason: "commit vote from an unknown validator" });
            return;
        }
        // Everyone collects commit votes; only recent views are kept, and a commit of a block
        // already final changes nothing.
        if v.data.view.saturating_add(3) < self.view
            || v.data.view > self.view.saturating_add(VIEW_WINDOW)
            || v.data.block_number <= self.last_finalized.number
        {
            return;
        }
        if self.commits.get(&v.data.view).and_then(|c| c.by_voter.get(&v.voter)) == Some(&v) {
            return;
        }
        let public = self.set.validators[v.voter as usize];
        if !C::verify(&public, &v.data.signing_message(&self.chain), &v.signature) {
            out.push(Action::Misbehaviour { reason: "bad commit vote signature" });
            return;
        }
        self.accept_commit_vote(v, out);
    }

    pub(crate) fn handle_certificate(&mut self, qc: QuorumCertificate, now_ms: u64, out: &mut Vec<Action>) {
        // Old or known certificates change nothing, and checking them again would only cost
        // pairings; except one that commits a block above the last final one (an epoch-end
        // proof reaching a node that holds a higher certificate but missed the commit).
        let commits_more = qc.data.parent_view.checked_add(1) == Some(qc.data.view)
            && qc.data.block_number.saturating_sub(1) > self.last_finalized.number;
        if qc.data.view <= self.high_qc_view() && !commits_more {
            return;
        }
        if qc.data.set_id != self.set.set_id {
            out.push(Action::Misbehaviour { reason: "certificate of another validator set" });
            return;
        }
        match self.check_qc(&qc) {
            Ok(()) => self.process_qc(&qc, now_ms, out),
            Err(reason) => out.push(Action::Misbehaviour { reason }),
        }
    }

    /// A commit certificate finalizes its block, and is no certificate of any block: it never
    /// moves views or becomes anyone's highest certificate.
    pub(crate) fn handle_commit_certificate(&mut self, cc: CommitCertificate, out: &mut Vec<Action>) {
        if cc.data.block_number <= self.last_finalized.number {
            return;
        }
        let proof = FinalityProof::Commit(cc);
        if proof.set_id() != self.set.set_id || verify_proof::<C>(&self.set, &self.chain, &proof).is_err() {
            out.push(Action::Misbehaviour { reason: "invalid commit certificate" });
            return;
        }
        self.finalize_by(&proof, out);
    }

    pub(crate) fn handle_timeout(&mut self, t: SignedTimeout, now_ms: u64, out: &mut Vec<Action>) {
        let d = &t.data;
        if d.set_id != self.set.set_id {
            out.push(Action::Misbehaviour { reason: "timeout of another validator set" });
            return;
        }
        if t.voter as usize >= self.n() || d.view == 0 || d.high_qc_view >= d.view {
            out.push(Action::Misbehaviour { reason: "malformed timeout" });
            return;
        }
        let attached_view = t.high_qc.as_ref().map_or(0, |qc| qc.data.view);
        if attached_view != d.high_qc_view || t.last_tc.as_ref().is_some_and(|tc| tc.view >= d.view) {
            out.push(Action::Misbehaviour { reason: "timeout carries the wrong certificate" });
            return;
        }
        let stale = d.view < self.view;
        let useful_qc = attached_view > self.high_qc_view();
        let useful_tc = t.last_tc.as_ref().is_some_and(|tc| tc.view >= self.view);
        if stale && !useful_qc && !useful_tc {
            return;
        }
        let duplicate = self
            .timeouts
            .get(&d.view)
            .and_then(|c| c.by_voter.get(&t.voter))
            .is_some_and(|(data, sig)| data == d && *sig == t.signature);
        if duplicate && !useful_qc && !useful_tc {
            return;
        }
        let public = self.set.validators[t.voter as usize];
        if !C::verify(&public, &d.signing_message(&self.chain), &t.signature) {
            out.push(Action::Misbehaviour { reason: "bad timeout signature" });
            return;
        }
        // Checked even when not higher than ours: it may become this view's TC certificate.
        if let Some(qc) = &t.high_qc {
            if let Err(reason) = self.check_qc(qc) {
                out.push(Action::Misbehaviour { reason });
                return;
            }
        }
        if useful_tc {
            if let Some(tc) = &t.last_tc {
                if let Err(reason) = self.check_tc(tc) {
                    out.push(Action::Misbehaviour { reason });
                    return;
                }
            }
        }
        if useful_qc {
            if let Some(qc) = &t.high_qc {
                self.process_qc(qc, now_ms, out);
            }
        }
        if useful_tc {
            if let Some(tc) = &t.last_tc {
                self.process_tc(tc, now_ms, out);
            }
        }
        if !duplicate {
            self.accept_timeout(t, now_ms, out);
        }
    }
}
