//! The light client of a GRANDPA chain (Polkadot, Kusama, any Substrate chain that finalizes with
//! GRANDPA).
//!
//! The justification check is polkadot-sdk's own (`bp-header-chain`), run on the set this
//! partner's client stores: `pallet-bridge-grandpa` cannot serve here because it is one
//! compile-time instance per bridged chain, and partners join at run time.
//!
//! A header is final when its justification carries precommits of more than two thirds of the
//! trusted set's weight, for the header or descendants linked to it by the justification's vote
//! ancestries. Extra precommits beyond the threshold are skipped unchecked (a relayer may hand on a
//! node's justification as it is; it pays for the bytes, not for extra signature checks).
//!
//! Sets change by the `ScheduledChange` digest: the header that carries it is finalized by the
//! current set, and the next set (id + 1) takes over from it. Only changes with no delay are
//! followed, as in `pallet-bridge-grandpa`: with a delay, the set that finalizes the headers in
//! between would be ambiguous to a client that sees only some of them. A header with a forced
//! change is refused: the chain's governance replaced its set without the set's consent, and only
//! our governance can say which set to trust then (`initialize` with a new checkpoint).

use crate::{Config, Error, PartnerHeader, TrustedSet, TrustedSetOf};
use alloc::{collections::BTreeSet, vec::Vec};
use bp_header_chain::justification::{
    verify_and_optimize_justification, GrandpaJustification, JustificationVerificationContext, JustificationVerificationError,
    PrecommitError,
};
use bp_header_chain::{AuthoritySet, GrandpaConsensusLogReader};
use frame_support::{ensure, traits::Get};
use sp_consensus_grandpa::{AuthorityId, AuthorityWeight};
use sp_runtime::traits::Header as _;

/// The authorities of a GRANDPA set and their weights.
pub type Authorities = Vec<(AuthorityId, AuthorityWeight)>;

/// A set the client may trust: not empty, within `MaxSetSize`, no authority twice, no zero weight,
/// a total weight that does not overflow (what `finality_grandpa::VoterSet` accepts).
pub fn trusted_set<T: Config>(set_id: u64, authorities: Authorities) -> Result<TrustedSetOf<T>, Error<T>> {
    ensure!(!authorities.is_empty(), Error::<T>::EmptySet);
    ensure!(authorities.len() <= T::MaxSetSize::get() as usize, Error::<T>::SetTooLarge);
    let distinct: BTreeSet<&AuthorityId> = authorities.iter().map(|(id, _)| id).collect();
    ensure!(distinct.len() == authorities.len(), Error::<T>::InvalidKey);
    ensure!(authorities.iter().all(|(_, w)| *w > 0), Error::<T>::InvalidKey);
    ensure!(
        authorities.iter().try_fold(0u64, |sum, (_, w)| sum.checked_add(*w)).is_some(),
        Error::<T>::InvalidKey
    );
    let authorities = authorities.try_into().map_err(|_| Error::<T>::SetTooLarge)?;
    Ok(TrustedSet::Grandpa { set_id, authorities })
}

/// Checks that `justification` proves `header` final under the trusted set `set_id`, and returns
/// the next set if the header schedules a change.
pub fn verify_header<T: Config>(
    set_id: u64,
    authorities: &[(AuthorityId, AuthorityWeight)],
    header: &PartnerHeader,
    justification: &GrandpaJustification<PartnerHeader>,
) -> Result<Option<TrustedSetOf<T>>, Error<T>> {
    let target = (header.hash(), *header.number());
    ensure!(
        (justification.commit.target_hash, justification.commit.target_number) == target,
        Error::<T>::NotAFinalityProof
    );
    // Bounds the work before any signature is checked: every precommit past the threshold and
    // every ancestry header is still hashed or compared.
    ensure!(justification.commit.precommits.len() <= authorities.len(), Error::<T>::BadSigners);
    ensure!(justification.votes_ancestries.len() <= T::MaxSetSize::get() as usize, Error::<T>::NotAFinalityProof);
    ensure!(
        GrandpaConsensusLogReader::<u32>::find_forced_change(header.digest()).is_none(),
        Error::<T>::ForcedChange
    );
    let context = JustificationVerificationContext::try_from(AuthoritySet::new(authorities.to_vec(), set_id))
        .map_err(|_| Error::<T>::InvalidKey)?;
    let mut justification = justification.clone();
    verify_and_optimize_justification(target, &context, &mut justification).map_err(|e| {
        log::debug!(target: "bridge", "GRANDPA justification refused: {e:?}");
        justification_error::<T>(e)
    })?;
    match GrandpaConsensusLogReader::<u32>::find_scheduled_change(header.digest()) {
        None => Ok(None),
        Some(change) => {
            ensure!(change.delay == 0, Error::<T>::UnsupportedScheduledChange);
            let next_id = set_id.checked_add(1).ok_or(Error::<T>::NextSetNotNewer)?;
            trusted_set::<T>(next_id, change.next_authorities).map(Some)
        }
    }
}

fn justification_error<T: Config>(e: JustificationVerificationError) -> Error<T> {
    match e {
        JustificationVerificationError::TooLowCumulativeWeight => Error::<T>::NoQuorum,
        JustificationVerificationError::Precommit(PrecommitError::InvalidAuthoritySignature) => Error::<T>::BadSignature,
        JustificationVerificationError::Precommit(
            PrecommitError::UnknownAuthorityVote | PrecommitError::DuplicateAuthorityVote | PrecommitError::RedundantAuthorityVote,
        ) => Error::<T>::BadSigners,
        JustificationVerificationError::InvalidAuthorityList => Error::<T>::InvalidKey,
        _ => Error::<T>::NotAFinalityProof,
    }
}
