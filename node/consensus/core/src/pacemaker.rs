//! Views and timeouts: when a view ends, how long the next one waits (exponential back-off), and
//! moving to a later view on a certificate.

use super::*;

/// Timer configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Timeout of a view after a successful one.
    pub base_timeout_ms: u64,
    /// Cap of the exponential back-off.
    pub max_timeout_ms: u64,
}

impl Config {
    /// Timeout of a view entered after `failures` consecutive timed-out views.
    pub fn timeout_ms(&self, failures: u32) -> u64 {
        let base = self.base_timeout_ms.max(1);
        let max = self.max_timeout_ms.max(base);
        base.checked_shl(failures).filter(|t| *t >> failures == base).map_or(max, |t| t.min(max))
    }
}

impl<C: Crypto> Engine<C> {
    pub(crate) fn current_timeout(&self) -> u64 {
        self.config.timeout_ms(self.failures)
    }

    pub(crate) fn advance(&mut self, view: View, tc: Option<TimeoutCertificate>, now_ms: u64, out: &mut Vec<Action>) {
        if view <= self.view {
            return;
        }
        self.failures = if tc.is_some() { self.failures.saturating_add(1) } else { 0 };
        self.view = view;
        self.last_tc = tc;
        self.my_timeout = None;
        self.deadline = now_ms.saturating_add(self.current_timeout());
        self.build = None;
        let keep_from = view.saturating_sub(1);
        self.votes = self.votes.split_off(&keep_from);
        self.timeouts = self.timeouts.split_off(&view);
        // A commit vote names its block's view, one below the view it promises.
        self.commits = self.commits.split_off(&view.saturating_sub(3));
        self.proposals = self.proposals.split_off(&view.saturating_sub(2));
        self.unscheduled = self.unscheduled.split_off(&view.saturating_sub(1));
        self.ready = self.ready.split_off(&view);
        self.maybe_propose(out);
        // A proposal or votes of the new view may have arrived before we entered it.
        self.try_vote(now_ms, out);
    }

    pub fn on_tick(&mut self, now_ms: u64) -> Vec<Action> {
        let mut out = Vec::new();
        if now_ms >= self.deadline {
            self.deadline = now_ms.saturating_add(self.current_timeout());
            if let Some(t) = &self.my_epoch_end {
                // Also after this node's certificate formed: the others need the statements to
                // form theirs (the glue stops calling once it has moved to the next epoch).
                if let Some(proof) = &self.end_proof {
                    out.push(Action::Broadcast(proof_message(proof)));
                }
                out.push(Action::Broadcast(Message::Timeout(t.clone())));
                return out;
            }
            self.local_timeout(now_ms, &mut out);
        }
        out
    }

    pub(crate) fn process_tc(&mut self, tc: &TimeoutCertificate, now_ms: u64, out: &mut Vec<Action>) {
        if let Some(qc) = &tc.high_qc {
            self.process_qc(qc, now_ms, out);
        }
        if tc.view > self.high_tc.as_ref().map_or(0, |t| t.view) {
            self.high_tc = Some(tc.clone());
        }
        if tc.view >= self.view {
            self.advance(tc.view.saturating_add(1), Some(tc.clone()), now_ms, out);
        }
    }
}
