//! The tally of a referenda poll voted by the roundtable: what pallet-referenda asks to decide
//! whether a poll passes.
//!
//! A poll passes when its ayes reach the track's support threshold of the *whole electorate's*
//! weight and its approval threshold of the votes cast (flat, see [`crate::tracks`]). The
//! electorate and its weights are frozen by the poll's first vote ([`crate::PollElectorate`]),
//! so weights changed or members admitted afterwards change nothing in it.
//!
//! On the removal track the accused cannot vote, but its weight stays in the support
//! denominator: it counts as not voting aye. Were it left out, a coalition of more than half but
//! less than two thirds could remove an honest partner and then pass Root among the rest (3 of 5
//! equal partners remove a fourth, then hold 3 of 4): a removal would be a path to Root without two
//! thirds of the roundtable.
use crate::{tracks::TrackId, Config, Pallet};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::marker::PhantomData;
use frame_support::{traits::VoteTally, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound};
use scale_info::TypeInfo;
use sp_runtime::Perbill;

/// Weights of the votes of one poll.
#[derive(
    Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct PollTally<T> {
    pub ayes: u64,
    pub nays: u64,
    /// Total weight of those entitled to vote, frozen by the first vote (0 before it).
    pub electorate: u64,
    /// Weight of the removal track's accused (0 if none): not in `electorate`, since it cannot
    /// vote, but in the support denominator.
    pub excluded: u64,
    #[codec(skip)]
    _config: PhantomData<T>,
}

impl<T> PollTally<T> {
    pub fn from_parts(ayes: u64, nays: u64, electorate: u64, excluded: u64) -> Self {
        PollTally { ayes, nays, electorate, excluded, _config: PhantomData }
    }

    /// The weight support is measured against: everyone, the accused included.
    pub fn support_base(&self) -> u64 {
        self.electorate.saturating_add(self.excluded)
    }
}

impl<T: Config> VoteTally<u64, TrackId> for PollTally<T> {
    fn new(_: TrackId) -> Self {
        Self::from_parts(0, 0, 0, 0)
    }

    fn ayes(&self, _: TrackId) -> u64 {
        self.ayes
    }

    /// Ayes as a share of the whole electorate (the accused included), reported so that
    /// referenda's comparison with the track's level is exactly the track's rule.
    fn support(&self, track: TrackId) -> Perbill {
        Pallet::<T>::track(track).support.report(self.ayes, self.support_base())
    }

    fn approval(&self, track: TrackId) -> Perbill {
        Pallet::<T>::track(track).approval.report(self.ayes, self.ayes.saturating_add(self.nays))
    }

    #[cfg(feature = "runtime-benchmarks")]
    fn unanimity(_: TrackId) -> Self {
        Self::from_parts(1, 0, 1, 0)
    }

    #[cfg(feature = "runtime-benchmarks")]
    fn rejection(_: TrackId) -> Self {
        Self::from_parts(0, 1, 1, 0)
    }

    #[cfg(feature = "runtime-benchmarks")]
    fn from_requirements(support: Perbill, approval: Perbill, _: TrackId) -> Self {
        let electorate = 1_000_000_000u64;
        let ayes = support.deconstruct() as u64;
        // ayes / (ayes + nays) = approval
        let nays = if approval.is_zero() {
            electorate.saturating_sub(ayes)
        } else {
            ((ayes as u128 * 1_000_000_000 / approval.deconstruct() as u128) as u64).saturating_sub(ayes)
        };
        Self::from_parts(ayes, nays, electorate, 0)
    }

    #[cfg(feature = "runtime-benchmarks")]
    fn setup(_: TrackId, _: Perbill) {}
}
