//! Ending an epoch: the epoch-end statement (a timeout of the last possible view) and the
//! certificate `2f + 1` of them form, whose highest QC roots the next epoch.

use super::*;

/// Ending an epoch is a timeout for the last possible view. The existing safety rules then do all
/// the work: a validator that signed it has `last_timeout_view == EPOCH_END`, so it never votes,
/// proposes or times out again in this epoch, and `2f + 1` such statements form a
/// [`TimeoutCertificate`] whose highest reported QC extends every block the epoch committed
/// (the Jolteon argument for any TC). That certificate is the epoch-end certificate: the next
/// epoch starts on the block of its `high_qc`.
pub use bpci_primitives::timeout::EPOCH_END;

/// Most roots an epoch accepts.
pub const MAX_ROOTS: usize = 16;

impl<C: Crypto> Engine<C> {
    /// Ends this validator's part in the epoch: signs, persists and broadcasts the epoch-end
    /// statement (a timeout of [`EPOCH_END`]). After it, the validator never signs anything else
    /// in this epoch, also after a restart. Call it once a block whose state holds the next
    /// validator set is final, with the certificate that proved it (the child QC the block's
    /// justification came from): it travels with the statement so that the others, whose votes
    /// the epoch no longer gets, can finalize that block too. Observers sign nothing; calling it
    /// again re-broadcasts.
    pub fn end_epoch(&mut self, proof: Option<FinalityProof>, now_ms: u64) -> Vec<Action> {
        let mut out = Vec::new();
        if self.end_proof.is_none() {
            self.end_proof = proof;
        }
        if let Some(proof) = &self.end_proof {
            out.push(Action::Broadcast(proof_message(proof)));
        }
        self.sign_epoch_end(now_ms, &mut out);
        out
    }

    /// Whether this validator signed the epoch end (persisted, so also true after a restart).
    pub fn has_ended(&self) -> bool {
        self.safety.last_timeout_view == EPOCH_END
    }

    /// The epoch-end certificate, once `2f + 1` validators ended the epoch.
    pub fn epoch_end_certificate(&self) -> Option<&TimeoutCertificate> {
        self.epoch_end.as_ref()
    }
}
