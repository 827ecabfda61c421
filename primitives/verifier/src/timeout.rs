//! Timeouts, timeout certificates and the epoch-end certificate.
//!
//! These live here rather than in the engine because verifiers outside the node check them too:
//! a light client of a BPCI chain (the bridge pallet, the offline proof verifier) follows the
//! chain's validator sets through the *epoch-end certificate*, a timeout certificate of
//! [`EPOCH_END`] that the outgoing set signs and the first block of the next epoch carries in its
//! header (see `docs/consensus.md`, "Validator-set changes").

use crate::bls::{BlsPublic, BlsSignature};
use crate::qc::{verify_signers, Bitfield, QuorumCertificate};
use crate::statement::{signing_message, StatementKind};
use crate::{SetId, ValidatorSet, View};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode};
use scale_info::TypeInfo;
use sp_core::H256;

/// The view an epoch-end statement times out: "I give up on every view of this epoch". A
/// validator that signed it never signs again in the epoch, and the certificate `2f + 1` of them
/// form roots the next epoch on the block of its `high_qc`.
pub const EPOCH_END: View = View::MAX;

/// What a validator signs when it gives up on a view: which view, and how high a certificate it
/// holds. The second part is what lets the next leader prove it extends the highest certificate a
/// quorum knows of, which is what keeps a committed block on every later branch.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct TimeoutData {
    pub set_id: SetId,
    pub view: View,
    pub high_qc_view: View,
}

impl TimeoutData {
    pub fn signing_message(&self, genesis: &H256) -> Vec<u8> {
        signing_message(StatementKind::Timeout, genesis, self)
    }
}

/// Timeouts of one view whose signers reported the same `high_qc_view`, aggregated.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct TimeoutGroup {
    pub high_qc_view: View,
    pub signers: Bitfield,
    pub signature: BlsSignature,
}

/// 2f+1 timeouts of `view`.
///
/// Signers sign different messages (their own `high_qc_view`), and BLS here only offers
/// same-message aggregation, so signers are grouped by `high_qc_view`: one aggregate check per
/// distinct value, which in practice is one or two. `high_qc` is the certificate of the highest
/// reported view, so the next leader's proposal can be checked against it.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct TimeoutCertificate {
    pub set_id: SetId,
    pub view: View,
    pub groups: Vec<TimeoutGroup>,
    pub high_qc: Option<QuorumCertificate>,
}

impl TimeoutCertificate {
    /// Highest certificate view any signer reported.
    pub fn max_high_qc_view(&self) -> View {
        self.groups.iter().map(|g| g.high_qc_view).max().unwrap_or(0)
    }

    /// Whether this is an epoch-end certificate.
    pub fn ends_epoch(&self) -> bool {
        self.view == EPOCH_END
    }

    /// Checks the certificate against `set` with the aggregate check supplied (the node's blst,
    /// the simulator's stand-in); the error names what is wrong.
    pub fn verify_with(
        &self,
        set: &ValidatorSet,
        genesis: &H256,
        verify_aggregate: impl Fn(&[BlsPublic], &[u8], &BlsSignature) -> bool,
    ) -> Result<(), &'static str> {
        self.verify_keys(&set.validators, set.set_id, genesis, verify_aggregate)
    }

    /// [`Self::verify_with`] over a set's keys in whatever form the verifier keeps them (see
    /// [`crate::qc::verify_signers`]): `keys` are set `keys_set_id`'s.
    pub fn verify_keys<K: Clone>(
        &self,
        keys: &[K],
        keys_set_id: SetId,
        genesis: &H256,
        verify_aggregate: impl Fn(&[K], &[u8], &BlsSignature) -> bool,
    ) -> Result<(), &'static str> {
        if self.set_id != keys_set_id {
            return Err("timeout certificate of another validator set");
        }
        let n = keys.len();
        if n == 0 || self.groups.is_empty() || self.groups.len() > n || self.view == 0 {
            return Err("malformed timeout certificate");
        }
        let mut all = Bitfield::new(n);
        let mut previous: Option<View> = None;
        for g in &self.groups {
            if !g.signers.fits(n) || g.signers.count() == 0 || g.high_qc_view >= self.view {
                return Err("malformed timeout certificate");
            }
            // One group per reported view, in increasing order (as aggregators build them): each
            // group costs a pairing check, so a certificate split into more groups than there are
            // distinct views would cost its checker more for nothing.
            if previous.is_some_and(|p| g.high_qc_view <= p) {
                return Err("timeout certificate groups not in increasing view order");
            }
            previous = Some(g.high_qc_view);
            for i in g.signers.indices() {
                if all.get(i) {
                    return Err("timeout certificate counts a signer twice");
                }
                all.set(i);
            }
        }
        if all.count() < n - crate::max_faulty(n) {
            return Err("timeout certificate without quorum");
        }
        let max = self.max_high_qc_view();
        match &self.high_qc {
            None if max == 0 => {}
            Some(qc) if qc.data.view == max => {
                let msg = qc.data.signing_message(genesis);
                verify_signers(keys, keys_set_id, qc.data.set_id, &qc.signers, &msg, &qc.signature, &verify_aggregate)
                    .map_err(|_| "timeout certificate carries an invalid certificate")?
            }
            _ => return Err("timeout certificate carries the wrong certificate"),
        }
        for g in &self.groups {
            let data = TimeoutData { set_id: self.set_id, view: self.view, high_qc_view: g.high_qc_view };
            // The quorum was counted above on the union of the groups; a group alone is no quorum.
            let publics: Vec<K> = g.signers.indices().map(|i| keys[i].clone()).collect();
            if !verify_aggregate(&publics, &data.signing_message(genesis), &g.signature) {
                return Err("timeout certificate with a bad signature");
            }
        }
        Ok(())
    }
}
