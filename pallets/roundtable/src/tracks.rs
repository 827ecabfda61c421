//! The roundtable's referenda tracks: which origin a passed poll dispatches with, and the rules
//! it must meet to get there.
//!
//! pallet-referenda runs the poll lifecycle (submission, decision deposit, prepare, decide,
//! confirm, enactment). The track of a poll is chosen by the origin its proposal asks for, so
//! privilege comes from that origin alone: a call the track's origin may not make fails with
//! `BadOrigin` when enacted, whatever it is wrapped in (`utility` dispatches inner calls with the
//! same origin; `dispatch_as`, the scheduler and sudo need Root).
//!
//! Every track's thresholds are *flat*: the same from the first block of the decision period to
//! the last (Polkadot's Root curve decays toward 0% support; ours never does). Support is measured
//! against the whole electorate's weight, approval against the votes cast; see [`crate::tally`].
use crate::Fraction;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use pallet_referenda::{Curve, Track, TrackInfo};
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};
use sp_runtime::Perbill;

/// A track's id (the referenda `Class`).
pub type TrackId = u16;

/// Everyday decisions: remarks, assessments, voiding treasury spends. [`crate::RawOrigin::Roundtable`].
pub const ORDINARY: TrackId = 0;
/// Treasury spends up to the runtime's per-spend limit. [`crate::RawOrigin::Treasurer`].
pub const TREASURER: TrackId = 1;
/// Suspension, removal and dispute verdicts against one partner, who neither votes nor counts.
/// [`crate::RawOrigin::PartnerRemoval`].
pub const PARTNER_REMOVAL: TrackId = 2;
/// The protocol itself: runtime code, shares, weights, admissions, track parameters, large
/// spends. Root.
pub const PROTOCOL: TrackId = 3;
/// `validators.force_set` and `cancel_force`, while finality is stalled: short periods, carried
/// by stall blocks. [`crate::RawOrigin::Emergency`].
pub const EMERGENCY: TrackId = 4;

/// Every track, in id order (the order pallet-referenda requires).
pub const TRACKS: [TrackId; 5] = [ORDINARY, TREASURER, PARTNER_REMOVAL, PROTOCOL, EMERGENCY];

/// A track's name as pallet-referenda shows it.
pub fn name(id: TrackId) -> &'static str {
    match id {
        ORDINARY => "ordinary",
        TREASURER => "treasurer",
        PARTNER_REMOVAL => "partner_removal",
        PROTOCOL => "protocol",
        EMERGENCY => "emergency",
        _ => "unknown",
    }
}

/// Whether a track may only decide with two thirds of the electorate and of the votes cast.
pub fn needs_supermajority(id: TrackId) -> bool {
    matches!(id, PARTNER_REMOVAL | PROTOCOL | EMERGENCY)
}

/// A threshold: `share` of a whole, or more than it if `strict`.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Threshold {
    pub share: Fraction,
    pub strict: bool,
}

impl Threshold {
    pub const fn at_least(num: u32, den: u32) -> Self {
        Threshold { share: Fraction::new(num, den), strict: false }
    }
    pub const fn more_than(num: u32, den: u32) -> Self {
        Threshold { share: Fraction::new(num, den), strict: true }
    }

    /// `part` of `whole` meets the threshold; never with `part == 0`. Exact (`u128`).
    pub fn reached(&self, part: u64, whole: u64) -> bool {
        if part == 0 || whole == 0 {
            return false;
        }
        let lhs = (part as u128).saturating_mul(self.share.den as u128);
        let rhs = (self.share.num as u128).saturating_mul(whole as u128);
        if self.strict {
            lhs > rhs
        } else {
            lhs >= rhs
        }
    }

    /// The threshold as the flat curve's level: the share rounded down to a billionth.
    pub fn level(&self) -> Perbill {
        Perbill::from_rational(self.share.num, self.share.den.max(1))
    }

    /// The share pallet-referenda compares with [`Self::level`]: at least the level exactly when
    /// the exact rule holds, below it otherwise, and otherwise the measured share (rounded
    /// down). Rounding a share to a billionth alone could let ayes just below two thirds of a
    /// large electorate pass.
    pub fn report(&self, part: u64, whole: u64) -> Perbill {
        let measured = if whole == 0 { Perbill::zero() } else { Perbill::from_rational(part, whole) };
        if self.reached(part, whole) {
            measured.max(self.level())
        } else {
            measured.min(Perbill::from_parts(self.level().deconstruct().saturating_sub(1)))
        }
    }

    /// A proper fraction whose level is above zero (a zero level would let a poll with no vote
    /// pass), and not "more than the whole", which nothing reaches: a track closed for good.
    pub fn is_valid(&self) -> bool {
        self.share.is_valid() && !self.level().is_zero() && !(self.strict && self.share.num >= self.share.den)
    }

    /// At least `other` whatever is measured: a higher share, or the same share with strictness
    /// no weaker.
    pub fn at_least_as_strict_as(&self, other: &Threshold) -> bool {
        let (a, b) = (&self.share, &other.share);
        let lhs = (a.num as u64).saturating_mul(b.den as u64);
        let rhs = (b.num as u64).saturating_mul(a.den as u64);
        lhs > rhs || (lhs == rhs && (self.strict || !other.strict))
    }
}

/// The rules of a track, set at genesis and by the protocol track (`set_track`).
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrackParams<Balance, BlockNumber> {
    /// Polls of the track being decided at once; more wait in the track's queue.
    pub max_deciding: u32,
    /// Placed (by anyone) before a poll can be decided; refunded when it is decided.
    pub decision_deposit: Balance,
    /// Blocks after submission before deciding may start.
    pub prepare_period: BlockNumber,
    /// Longest a poll is decided for before it fails.
    pub decision_period: BlockNumber,
    /// Blocks a poll must keep passing before it is approved.
    pub confirm_period: BlockNumber,
    /// Least blocks between approval and enactment.
    pub min_enactment_period: BlockNumber,
    /// Ayes as a share of the whole electorate's weight (never of the votes cast, so that a
    /// nay or an abstention never helps a poll).
    pub support: Threshold,
    /// Ayes as a share of the votes cast.
    pub approval: Threshold,
}

impl<Balance: Clone, BlockNumber: Clone> TrackParams<Balance, BlockNumber> {
    /// The track as pallet-referenda takes it, with flat curves at the thresholds' levels.
    pub fn to_track(&self, id: TrackId) -> Track<TrackId, Balance, BlockNumber> {
        let flat = |t: &Threshold| Curve::LinearDecreasing { length: Perbill::one(), floor: t.level(), ceil: t.level() };
        let mut label = [0u8; 25];
        let n = name(id).as_bytes();
        label[..n.len()].copy_from_slice(n);
        Track {
            id,
            info: TrackInfo {
                name: label,
                max_deciding: self.max_deciding,
                decision_deposit: self.decision_deposit.clone(),
                prepare_period: self.prepare_period.clone(),
                decision_period: self.decision_period.clone(),
                confirm_period: self.confirm_period.clone(),
                min_enactment_period: self.min_enactment_period.clone(),
                min_approval: flat(&self.approval),
                min_support: flat(&self.support),
            },
        }
    }
}
