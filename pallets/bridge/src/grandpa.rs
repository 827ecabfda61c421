//! The light client of a GRANDPA chain (Polkadot, Kusama, any Substrate chain that finalizes with
//! GRANDPA).
//!
//! The justification check is polkadot-sdk's own (`bp-header-chain`), run on the set this
//! partner's client stores: `pallet-bridge-grandpa` cannot serve here because it is one
//! compile-time instance per bridged chain, and partners join at run time.
//!
//! A header is final when its justification carries precommits of more than two thirds of the
//! trusted set's weight, for the header or descendants linked to it by the justification's vote
//! ancestries. The check is the strict one (`verify_justification`): a justification must be
//! *optimized*, with no precommit past the threshold, no invalid or unknown or duplicate vote and
//! no ancestry header no vote needs, as `pallet-bridge-grandpa` asks of its relayers (who run
//! `bp-header-chain`'s optimizer off chain on a node's justification). A tolerant check would let
//! the partner's relayer, whose imports are free, pad each one with bytes the chain hashes for
//! nothing, or with bad signatures it checks for nothing; the strict one stops at the first.
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
    verify_justification, GrandpaJustification, JustificationVerificationContext, JustificationVerificationError, PrecommitError,
};
use bp_header_chain::AuthoritySet;
use codec::Encode;
use frame_support::{ensure, traits::Get};
use sp_consensus_grandpa::{AuthorityId, AuthorityWeight, ConsensusLog, ScheduledChange, GRANDPA_ENGINE_ID};
use sp_runtime::traits::Header as _;

/// The authorities of a GRANDPA set and their weights.
pub type Authorities = Vec<(AuthorityId, AuthorityWeight)>;

/// A set the client may trust: not empty, within `MaxSetSize`, no authority twice, and every
/// weight 1. `pallet_grandpa` gives every authority weight 1; other weights would let one key
/// outvote many while the registry counts validators, not weight.
pub fn trusted_set<T: Config>(set_id: u64, authorities: Authorities) -> Result<TrustedSetOf<T>, Error<T>> {
    ensure!(!authorities.is_empty(), Error::<T>::EmptySet);
    ensure!(authorities.len() <= T::MaxSetSize::get() as usize, Error::<T>::SetTooLarge);
    let distinct: BTreeSet<&AuthorityId> = authorities.iter().map(|(id, _)| id).collect();
    ensure!(distinct.len() == authorities.len(), Error::<T>::InvalidKey);
    ensure!(authorities.iter().all(|(_, w)| *w == 1), Error::<T>::InvalidKey);
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
    // Bounds the work before any signature is checked.
    ensure!(justification.commit.precommits.len() <= authorities.len(), Error::<T>::BadSigners);
    ensure!(justification.votes_ancestries.len() <= T::MaxSetSize::get() as usize, Error::<T>::NotAFinalityProof);
    ensure!(
        justification.votes_ancestries.iter().all(|h| h.encoded_size() <= T::MaxHeaderSize::get() as usize),
        Error::<T>::HeaderTooLarge
    );
    let change = set_change::<T>(header)?;
    let context = JustificationVerificationContext::try_from(AuthoritySet::new(authorities.to_vec(), set_id))
        .map_err(|_| Error::<T>::InvalidKey)?;
    verify_justification(target, &context, justification).map_err(|e| {
        log::debug!(target: "bridge", "GRANDPA justification refused: {e:?}");
        justification_error::<T>(e)
    })?;
    match change {
        None => Ok(None),
        Some(change) => {
            let next_id = set_id.checked_add(1).ok_or(Error::<T>::NextSetNotNewer)?;
            trusted_set::<T>(next_id, change.next_authorities).map(Some)
        }
    }
}

/// The set change the header announces, if any. Every GRANDPA log is read, not the first of each
/// kind: `pallet_grandpa` may log a disabling before a change, and a forced change behind it must
/// not pass unseen. One scheduled change with no delay is followed; a forced one, a delayed one or
/// more than one are refused.
fn set_change<T: Config>(header: &PartnerHeader) -> Result<Option<ScheduledChange<u32>>, Error<T>> {
    let mut change = None;
    for log in header.digest().logs() {
        let Some(log) = log.consensus_try_to::<ConsensusLog<u32>>(&GRANDPA_ENGINE_ID) else { continue };
        match log {
            ConsensusLog::ForcedChange(..) => return Err(Error::<T>::ForcedChange),
            ConsensusLog::ScheduledChange(c) => {
                ensure!(c.delay == 0 && change.is_none(), Error::<T>::UnsupportedScheduledChange);
                change = Some(c);
            }
            _ => {}
        }
    }
    Ok(change)
}

fn justification_error<T: Config>(e: JustificationVerificationError) -> Error<T> {
    match e {
        JustificationVerificationError::TooLowCumulativeWeight => Error::<T>::NoQuorum,
        JustificationVerificationError::Precommit(PrecommitError::InvalidAuthoritySignature) => Error::<T>::BadSignature,
        JustificationVerificationError::Precommit(
            PrecommitError::UnknownAuthorityVote | PrecommitError::DuplicateAuthorityVote | PrecommitError::RedundantAuthorityVote,
        ) => Error::<T>::BadSigners,
        // Not needed by any vote, or twice: the relayer must optimize first.
        JustificationVerificationError::RedundantVotesAncestries | JustificationVerificationError::DuplicateVotesAncestries => {
            Error::<T>::NotAFinalityProof
        }
        JustificationVerificationError::InvalidAuthorityList => Error::<T>::InvalidKey,
        _ => Error::<T>::NotAFinalityProof,
    }
}
