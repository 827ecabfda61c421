//! Unit and property tests of the roundtable against the mock runtime (pallet-referenda voted by
//! the roundtable on its tracks, disputes).
use crate::mock::*;
use crate::{DisputeCount, Disputes, Error, Event, HoldReason, OpenDisputesBy, Verdict};
use frame_support::{
    assert_noop, assert_ok,
    traits::{
        fungible::{Inspect, InspectHold},
        Bounded, StorePreimage,
    },
};
use pallet_partners::PartnerProvider;
use proptest::prelude::*;
use sp_core::H256;
use sp_runtime::DispatchError::BadOrigin;

type Call = RuntimeCall;

fn remark(n: u8) -> Call {
    RuntimeCall::System(frame_system::Call::remark { remark: vec![n] })
}

fn set_storage(v: u8) -> Call {
    RuntimeCall::System(frame_system::Call::set_storage { items: vec![(b"rtkey".to_vec(), vec![v])] })
}

fn bound(c: Call) -> Box<Bounded<Call, <Test as frame_system::Config>::Hashing>> {
    Box::new(<Preimage as StorePreimage>::bound(c).unwrap())
}

fn events() -> Vec<Event<Test>> {
    System::events()
        .into_iter()
        .filter_map(|r| if let RuntimeEvent::Roundtable(e) = r.event { Some(e) } else { None })
        .collect()
}

fn last_event() -> Event<Test> {
    events().pop().expect("an event")
}

fn check() {
    Roundtable::do_try_state().expect("invariants hold");
}

#[test]
fn ensure_roundtable_accepts_only_its_origin() {
    use frame_support::traits::EnsureOrigin;
    new_test_ext().execute_with(|| {
        type Ordinary = crate::EnsureRoundtable<u64>;
        type Treasurer = crate::EnsureTreasurer<u64>;
        type Emergency = crate::EnsureEmergency<u64>;
        assert!(Ordinary::try_origin(RuntimeOrigin::from(crate::RawOrigin::Roundtable)).is_ok());
        assert!(<Ordinary as EnsureOrigin<RuntimeOrigin>>::try_origin(RuntimeOrigin::root()).is_err());
        assert!(<Ordinary as EnsureOrigin<RuntimeOrigin>>::try_origin(RuntimeOrigin::signed(1)).is_err());
        assert!(Ordinary::try_origin(RuntimeOrigin::from(crate::RawOrigin::PartnerRemoval(2))).is_err());
        assert!(Treasurer::try_origin(RuntimeOrigin::from(crate::RawOrigin::Treasurer)).is_ok());
        assert!(Treasurer::try_origin(RuntimeOrigin::from(crate::RawOrigin::Roundtable)).is_err());
        assert!(<Treasurer as EnsureOrigin<RuntimeOrigin>>::try_origin(RuntimeOrigin::root()).is_err());
        assert!(Emergency::try_origin(RuntimeOrigin::from(crate::RawOrigin::Emergency)).is_ok());
        assert!(Emergency::try_origin(RuntimeOrigin::from(crate::RawOrigin::Treasurer)).is_err());
        assert!(<Emergency as EnsureOrigin<RuntimeOrigin>>::try_origin(RuntimeOrigin::root()).is_err());
    });
}

/// Attack: a removal poll decided without partner 2 (its accused) judges a dispute against
/// partner 3, who had no say in the choice of whom to leave out. The removal origin acts against
/// its own accused only.
#[test]
fn attack_a_removal_origin_cannot_judge_a_dispute_against_another_partner() {
    use frame_support::traits::EnsureOriginWithArg;
    new_test_ext().execute_with(|| {
        assert_ok!(Roundtable::raise_dispute(RuntimeOrigin::signed(1), 3, H256::repeat_byte(1)));
        let upheld = Verdict::Upheld { slash: 300, suspend: true };
        assert_noop!(
            Roundtable::resolve_dispute(RuntimeOrigin::from(crate::RawOrigin::PartnerRemoval(2)), 0, upheld),
            BadOrigin
        );
        type Of = crate::EnsurePartnerRemovalOf<u64>;
        assert!(Of::try_origin(RuntimeOrigin::from(crate::RawOrigin::PartnerRemoval(2)), &3).is_err());
        assert!(Of::try_origin(RuntimeOrigin::root(), &3).is_err());
        assert!(Of::try_origin(RuntimeOrigin::from(crate::RawOrigin::PartnerRemoval(3)), &3).is_ok());
        assert_ok!(Roundtable::resolve_dispute(RuntimeOrigin::from(crate::RawOrigin::PartnerRemoval(3)), 0, upheld));
        assert_eq!(Bonds::get()[2], (3, 700));
    });
}

// ---------- disputes ----------

#[test]
fn raise_and_answer_dispute() {
    new_test_ext().execute_with(|| {
        let ev = H256::repeat_byte(1);
        assert_ok!(Roundtable::raise_dispute(RuntimeOrigin::signed(1), 4, ev));
        assert_eq!(last_event(), Event::DisputeRaised { index: 0, accuser: 1, accused: 4, evidence: ev });
        assert_eq!(Balances::balance_on_hold(&HoldReason::DisputeDeposit.into(), &1), DISPUTE_DEPOSIT);
        assert_eq!(DisputeCount::<Test>::get(), 1);
        let ans = H256::repeat_byte(2);
        assert_noop!(Roundtable::answer(RuntimeOrigin::signed(1), 0, ans), Error::<Test>::NotAccused);
        assert_noop!(Roundtable::answer(RuntimeOrigin::signed(4), 1, ans), Error::<Test>::DisputeNotFound);
        assert_noop!(Roundtable::answer(RuntimeOrigin::root(), 0, ans), BadOrigin);
        assert_ok!(Roundtable::answer(RuntimeOrigin::signed(4), 0, ans));
        assert_eq!(last_event(), Event::DisputeAnswered { index: 0, answer: ans });
        assert_eq!(Disputes::<Test>::get(0).unwrap().answer, Some(ans));
        assert_noop!(Roundtable::answer(RuntimeOrigin::signed(4), 0, ans), Error::<Test>::AlreadyAnswered);
    });
}

/// Issue 10, finding 6: a record that is not an active partner (an applicant, a suspended or
/// removed partner) raised disputes without limit in time.
#[test]
fn attack_only_active_partners_raise_disputes() {
    new_test_ext().execute_with(|| {
        OtherPartners::set(vec![7]);
        assert_noop!(Roundtable::raise_dispute(RuntimeOrigin::signed(7), 4, H256::repeat_byte(1)), Error::<Test>::NotEntitled);
    });
}

/// Issue 10, finding 6: one partner filled the global cap of open disputes, after which nobody
/// else could raise one.
#[test]
fn attack_one_partner_cannot_fill_the_dispute_cap() {
    new_test_ext().execute_with(|| {
        let ev = H256::repeat_byte(1);
        assert_ok!(Roundtable::raise_dispute(RuntimeOrigin::signed(1), 4, ev));
        assert_ok!(Roundtable::raise_dispute(RuntimeOrigin::signed(1), 3, ev));
        assert!(Roundtable::raise_dispute(RuntimeOrigin::signed(1), 2, ev).is_err(), "a third open dispute of one accuser");
        assert_ok!(Roundtable::raise_dispute(RuntimeOrigin::signed(2), 4, ev));
        check();
    });
}

/// An undecided dispute expires: anyone closes it after `DisputeExpiry`, the accuser gets the
/// deposit back and may accuse again; not a block earlier.
#[test]
fn an_undecided_dispute_expires_and_frees_its_slot() {
    new_test_ext().execute_with(|| {
        let ev = H256::repeat_byte(1);
        assert_ok!(Roundtable::raise_dispute(RuntimeOrigin::signed(1), 4, ev));
        assert!(<Roundtable as pallet_partners::OpenDisputes<u64>>::open_against(&4), "the registry keeps 4's bond");
        assert_noop!(Roundtable::expire_dispute(RuntimeOrigin::signed(9), 0), Error::<Test>::DisputeNotExpired);
        run_to(1 + DISPUTE_EXPIRY - 1);
        assert_noop!(Roundtable::expire_dispute(RuntimeOrigin::signed(9), 0), Error::<Test>::DisputeNotExpired);
        run_to(1 + DISPUTE_EXPIRY);
        assert_noop!(Roundtable::expire_dispute(RuntimeOrigin::root(), 0), BadOrigin);
        assert_noop!(Roundtable::expire_dispute(RuntimeOrigin::signed(9), 1), Error::<Test>::DisputeNotFound);
        assert_ok!(Roundtable::expire_dispute(RuntimeOrigin::signed(9), 0));
        assert_eq!(last_event(), Event::DisputeExpired { index: 0 });
        assert_eq!(Balances::balance_on_hold(&HoldReason::DisputeDeposit.into(), &1), 0);
        assert!(Disputes::<Test>::get(0).is_none());
        assert!(OpenDisputesBy::<Test>::get(1).is_none(), "no count left behind");
        assert!(!<Roundtable as pallet_partners::OpenDisputes<u64>>::open_against(&4));
        check();
        assert_noop!(Roundtable::expire_dispute(RuntimeOrigin::signed(9), 0), Error::<Test>::DisputeNotFound);
        assert_ok!(Roundtable::raise_dispute(RuntimeOrigin::signed(1), 4, ev));
    });
}

/// A resolved dispute frees the accuser's slot too, whatever the verdict.
#[test]
fn a_resolved_dispute_frees_the_accusers_slot() {
    new_test_ext().execute_with(|| {
        let ev = H256::repeat_byte(1);
        assert_ok!(Roundtable::raise_dispute(RuntimeOrigin::signed(1), 4, ev));
        assert_ok!(Roundtable::raise_dispute(RuntimeOrigin::signed(1), 3, ev));
        assert_noop!(Roundtable::raise_dispute(RuntimeOrigin::signed(1), 2, ev), Error::<Test>::TooManyDisputesByAccuser);
        assert_ok!(Roundtable::resolve_dispute(RuntimeOrigin::root(), 0, Verdict::Dismissed { slash_deposit: true }));
        assert_eq!(OpenDisputesBy::<Test>::get(1), Some(1));
        assert!(!<Roundtable as pallet_partners::OpenDisputes<u64>>::open_against(&4));
        assert!(<Roundtable as pallet_partners::OpenDisputes<u64>>::open_against(&3));
        check();
        assert_ok!(Roundtable::raise_dispute(RuntimeOrigin::signed(1), 2, ev));
        assert_noop!(Roundtable::raise_dispute(RuntimeOrigin::signed(1), 4, ev), Error::<Test>::TooManyDisputesByAccuser);
        check();
    });
}

#[test]
fn raise_dispute_errors() {
    new_test_ext().execute_with(|| {
        let ev = H256::repeat_byte(1);
        assert_noop!(Roundtable::raise_dispute(RuntimeOrigin::root(), 4, ev), BadOrigin);
        assert_noop!(Roundtable::raise_dispute(RuntimeOrigin::signed(9), 4, ev), Error::<Test>::NotEntitled);
        assert_noop!(Roundtable::raise_dispute(RuntimeOrigin::signed(1), 1, ev), Error::<Test>::SelfDispute);
        assert_noop!(Roundtable::raise_dispute(RuntimeOrigin::signed(1), 9, ev), Error::<Test>::NotPartner);
        // A non-active partner may be accused, not accuse.
        OtherPartners::set(vec![7, 8]);
        UnbondedPartners::set(vec![8]);
        Members::mutate(|m| m.push((30, 1)));
        assert_noop!(Roundtable::raise_dispute(RuntimeOrigin::signed(30), 4, ev), Error::<Test>::InsufficientBalance);
        assert_noop!(Roundtable::raise_dispute(RuntimeOrigin::signed(1), 8, ev), Error::<Test>::AccusedDeparted);
        assert_ok!(Roundtable::raise_dispute(RuntimeOrigin::signed(1), 7, ev));
        assert_ok!(Roundtable::raise_dispute(RuntimeOrigin::signed(1), 4, ev));
        assert_noop!(Roundtable::raise_dispute(RuntimeOrigin::signed(1), 3, ev), Error::<Test>::TooManyDisputesByAccuser);
        assert_ok!(Roundtable::raise_dispute(RuntimeOrigin::signed(2), 4, ev));
        assert_noop!(Roundtable::raise_dispute(RuntimeOrigin::signed(3), 4, ev), Error::<Test>::TooManyDisputes);
        check();
    });
}

#[test]
fn resolve_dispute_verdicts() {
    new_test_ext().execute_with(|| {
        let ev = H256::repeat_byte(1);
        assert_noop!(
            Roundtable::resolve_dispute(RuntimeOrigin::root(), 0, Verdict::Dismissed { slash_deposit: false }),
            Error::<Test>::DisputeNotFound
        );
        assert_ok!(Roundtable::raise_dispute(RuntimeOrigin::signed(1), 4, ev));
        assert_noop!(
            Roundtable::resolve_dispute(RuntimeOrigin::signed(1), 0, Verdict::Dismissed { slash_deposit: false }),
            BadOrigin
        );
        // The ordinary roundtable origin cannot decide a dispute.
        assert_noop!(
            Roundtable::resolve_dispute(RuntimeOrigin::from(crate::RawOrigin::Roundtable), 0, Verdict::Dismissed { slash_deposit: false }),
            BadOrigin
        );
        assert_ok!(Roundtable::resolve_dispute(RuntimeOrigin::root(), 0, Verdict::Upheld { slash: 300, suspend: true }));
        assert_eq!(last_event(), Event::DisputeResolved { index: 0, verdict: Verdict::Upheld { slash: 300, suspend: true }, slashed: 300, suspended: true });
        assert!(events().contains(&Event::DepositRefunded { who: 1, amount: DISPUTE_DEPOSIT }));
        assert_eq!(Bonds::get()[3], (4, 700));
        assert!(!MockMembers::is_active_member(&4));
        assert_eq!(Disputes::<Test>::count(), 0);
        // Dismissed with a slashed deposit.
        assert_ok!(Roundtable::raise_dispute(RuntimeOrigin::signed(2), 3, ev));
        assert_ok!(Roundtable::resolve_dispute(RuntimeOrigin::root(), 1, Verdict::Dismissed { slash_deposit: true }));
        assert!(events().contains(&Event::DepositSlashed { who: 2, amount: DISPUTE_DEPOSIT }));
        assert_eq!(Balances::balance(&2), 10_000 - DISPUTE_DEPOSIT);
        assert_eq!(Bonds::get()[2], (3, 1_000));
        // Dismissed with a refund.
        assert_ok!(Roundtable::raise_dispute(RuntimeOrigin::signed(2), 3, ev));
        assert_ok!(Roundtable::resolve_dispute(RuntimeOrigin::root(), 2, Verdict::Dismissed { slash_deposit: false }));
        assert_eq!(Balances::balance(&2), 10_000 - DISPUTE_DEPOSIT);
        assert_eq!(Balances::balance_on_hold(&HoldReason::DisputeDeposit.into(), &2), 0);
    });
}


// ---------- polls: pallet-referenda voted by the roundtable on its tracks ----------

mod polls {
    use super::*;
    use crate::{tracks, PollElectorate, PollTally, PollVotes, Threshold, TrackParams, TrackRules};
    use frame_support::traits::{schedule::DispatchTime, VoteTally};
    use pallet_referenda::{ReferendumInfo, ReferendumInfoFor, TracksInfo};
    use sp_runtime::BuildStorage;

    fn root() -> OriginCaller {
        frame_system::RawOrigin::Root.into()
    }

    fn removal_of(accused: u64) -> OriginCaller {
        crate::RawOrigin::PartnerRemoval(accused).into()
    }

    fn ordinary() -> OriginCaller {
        crate::RawOrigin::Roundtable.into()
    }

    /// `who` submits `call` to be dispatched with `origin` and places its decision deposit;
    /// returns the poll's index.
    fn submit(who: u64, origin: OriginCaller, call: Call) -> u32 {
        let index = pallet_referenda::ReferendumCount::<Test>::get();
        assert_ok!(Referenda::submit(RuntimeOrigin::signed(who), Box::new(origin), *bound(call), DispatchTime::After(0)));
        assert_ok!(Referenda::place_decision_deposit(RuntimeOrigin::signed(who), index));
        index
    }

    fn vote(who: u64, poll: u32, aye: bool) -> frame_support::dispatch::DispatchResult {
        Roundtable::vote_poll(RuntimeOrigin::signed(who), poll, aye)
    }

    fn approved(poll: u32) -> bool {
        matches!(ReferendumInfoFor::<Test>::get(poll), Some(ReferendumInfo::Approved(..)))
    }

    fn ongoing(poll: u32) -> bool {
        matches!(ReferendumInfoFor::<Test>::get(poll), Some(ReferendumInfo::Ongoing(..)))
    }

    fn stored() -> Option<Vec<u8>> {
        frame_support::storage::unhashed::get_raw(b"rtkey")
    }

    /// Past any poll's decision period and enactment.
    fn run_out() {
        run_to(System::block_number() + PERIOD + DELAY + 5);
    }

    #[test]
    fn each_origin_has_its_track_and_a_signed_origin_none() {
        new_test_ext().execute_with(|| {
            type T = crate::Tracks<Test>;
            assert_eq!(T::track_for(&root()), Ok(tracks::PROTOCOL));
            assert_eq!(T::track_for(&ordinary()), Ok(tracks::ORDINARY));
            assert_eq!(T::track_for(&removal_of(3)), Ok(tracks::PARTNER_REMOVAL));
            assert_eq!(T::track_for(&crate::RawOrigin::Treasurer.into()), Ok(tracks::TREASURER));
            assert_eq!(T::track_for(&crate::RawOrigin::Emergency.into()), Ok(tracks::EMERGENCY));
            assert_eq!(T::track_for(&frame_system::RawOrigin::Signed(1).into()), Err(()));
            assert_eq!(T::track_for(&frame_system::RawOrigin::None.into()), Err(()));
            assert!(T::check_integrity().is_ok());
            // `info` reads one track; it must say what `tracks` says.
            for track in T::tracks() {
                assert_eq!(T::info(track.id).map(|i| i.into_owned()), Some(track.info.clone()));
            }
            assert!(T::info(9).is_none());
            assert_noop!(
                Referenda::submit(
                    RuntimeOrigin::signed(1),
                    Box::new(frame_system::RawOrigin::Signed(1).into()),
                    *bound(remark(1)),
                    DispatchTime::After(0)
                ),
                pallet_referenda::Error::<Test>::NoTrack
            );
        });
    }

    #[test]
    fn only_active_partners_submit_and_vote() {
        new_test_ext().execute_with(|| {
            assert_noop!(
                Referenda::submit(RuntimeOrigin::signed(9), Box::new(root()), *bound(set_storage(1)), DispatchTime::After(0)),
                BadOrigin
            );
            let poll = submit(1, root(), set_storage(1));
            assert_noop!(vote(9, poll, true), Error::<Test>::NotMember);
            assert_noop!(vote(1, 99, true), Error::<Test>::PollNotOngoing);
        });
    }

    #[test]
    fn a_protocol_poll_passes_with_two_thirds_and_is_enacted_as_root() {
        new_test_ext().execute_with(|| {
            let poll = submit(1, root(), set_storage(7));
            for who in [1, 2, 3] {
                assert_ok!(vote(who, poll, true));
            }
            run_out();
            assert!(approved(poll));
            assert_eq!(stored(), Some(vec![7]));
            // The votes are then removed by anyone, not before.
            assert_ok!(Roundtable::remove_poll_votes(RuntimeOrigin::signed(9), poll));
            assert!(PollElectorate::<Test>::get(poll).is_none());
            assert_eq!(PollVotes::<Test>::iter_prefix(poll).count(), 0);
            assert_noop!(Roundtable::remove_poll_votes(RuntimeOrigin::signed(9), poll), Error::<Test>::NoPollVotes);
        });
    }

    #[test]
    fn votes_of_an_ongoing_poll_stay() {
        new_test_ext().execute_with(|| {
            let poll = submit(1, root(), set_storage(7));
            assert_ok!(vote(1, poll, true));
            assert_noop!(Roundtable::remove_poll_votes(RuntimeOrigin::signed(9), poll), Error::<Test>::PollStillOngoing);
        });
    }

    /// Finding 2 on the referenda tracks: with two equal partners, one alone passes nothing
    /// above the ordinary track.
    #[test]
    fn attack_one_of_two_partners_passes_nothing_above_ordinary() {
        new_test_ext().execute_with(|| {
            Members::set(vec![(1, 1), (2, 1)]);
            let protocol = submit(1, root(), set_storage(1));
            let treasurer = submit(1, crate::RawOrigin::Treasurer.into(), remark(1));
            let emergency = submit(1, crate::RawOrigin::Emergency.into(), remark(2));
            let removal = submit(1, removal_of(2), remark(3));
            let ordinary_poll = submit(1, ordinary(), remark(4));
            for poll in [protocol, treasurer, emergency, removal, ordinary_poll] {
                assert_ok!(vote(1, poll, true));
            }
            // The accused neither votes nor counts.
            assert_noop!(vote(2, removal, false), Error::<Test>::AccusedCannotVote);
            run_out();
            for poll in [protocol, treasurer, emergency, removal] {
                assert!(!approved(poll) && !ongoing(poll), "poll {poll} passed with one partner of two");
            }
            assert_eq!(stored(), None);
            assert!(approved(ordinary_poll), "a majority of one of two passes the ordinary track");
        });
    }

    /// Finding 2: a nay never helps a poll. Six equal partners, 2 ayes and 1 nay fail the
    /// protocol track exactly as 2 ayes alone do.
    #[test]
    fn attack_nays_do_not_help_a_protocol_poll() {
        new_test_ext().execute_with(|| {
            Members::set((1..=6).map(|m| (m, 1)).collect());
            let poll = submit(1, root(), set_storage(1));
            assert_ok!(vote(1, poll, true));
            assert_ok!(vote(2, poll, true));
            assert_ok!(vote(3, poll, false));
            run_out();
            assert!(!approved(poll));
            assert_eq!(stored(), None);
        });
    }

    /// Finding 1: a weight raised (or a member admitted) after the first vote changes nothing
    /// in the poll: the electorate and its weights are frozen.
    #[test]
    fn attack_weights_raised_mid_vote_change_nothing() {
        new_test_ext().execute_with(|| {
            let poll = submit(1, root(), set_storage(1));
            assert_ok!(vote(1, poll, true));
            // Partner 1 gets weight 100 and a puppet 5 joins with weight 100.
            Members::set(vec![(1, 100), (2, 1), (3, 1), (4, 1), (5, 100)]);
            assert_ok!(vote(1, poll, true));
            assert_noop!(vote(5, poll, true), Error::<Test>::NotInElectorate);
            let (tally, _) = <Referenda as frame_support::traits::Polling<PollTally<Test>>>::as_ongoing(poll).unwrap();
            assert_eq!((tally.ayes, tally.electorate), (1, 4));
            run_out();
            assert!(!approved(poll));
        });
    }

    /// A vote changed is counted once, with its new side.
    #[test]
    fn a_changed_vote_counts_once() {
        new_test_ext().execute_with(|| {
            let poll = submit(1, root(), set_storage(1));
            assert_ok!(vote(1, poll, true));
            assert_ok!(vote(1, poll, false));
            assert_ok!(vote(1, poll, true));
            assert_ok!(vote(2, poll, false));
            let (tally, _) = <Referenda as frame_support::traits::Polling<PollTally<Test>>>::as_ongoing(poll).unwrap();
            assert_eq!((tally.ayes, tally.nays), (1, 1));
        });
    }

    /// On a removal poll the accused does not vote and counts as not-aye: of three equal
    /// partners, two remove the third.
    #[test]
    fn a_removal_poll_is_decided_without_its_accused() {
        new_test_ext().execute_with(|| {
            Members::set(vec![(1, 1), (2, 1), (3, 1)]);
            let call = RuntimeCall::Roundtable(crate::Call::resolve_dispute {
                index: 0,
                verdict: crate::Verdict::Upheld { slash: 100, suspend: false },
            });
            assert_ok!(Roundtable::raise_dispute(RuntimeOrigin::signed(1), 3, H256::repeat_byte(1)));
            let poll = submit(1, removal_of(3), call.clone());
            assert_ok!(vote(1, poll, true));
            assert_noop!(vote(3, poll, false), Error::<Test>::AccusedCannotVote);
            let frozen = PollElectorate::<Test>::get(poll).unwrap();
            assert_eq!(frozen.accused, Some(3));
            let (tally, _) = <Referenda as frame_support::traits::Polling<PollTally<Test>>>::as_ongoing(poll).unwrap();
            assert_eq!((tally.electorate, tally.excluded), (2, 1));
            assert_ok!(vote(2, poll, true));
            run_out();
            assert!(approved(poll));
            assert_eq!(Bonds::get()[2], (3, 900));
        });
    }

    /// Review finding (issue 10, "no path to Root without two thirds"): with the accused left out
    /// of the support denominator, a coalition of more than half but less than two thirds removed
    /// an honest partner and then held two thirds of the rest. The accused counts as not-aye.
    #[test]
    fn attack_a_majority_below_two_thirds_cannot_remove_its_way_to_root() {
        new_test_ext().execute_with(|| {
            // A (weight 3) against B (weight 2): 60% of the roundtable.
            Members::set(vec![(1, 3), (2, 2)]);
            let poll = submit(1, removal_of(2), remark(1));
            assert_ok!(vote(1, poll, true));
            run_out();
            assert!(!approved(poll), "60% removed the other partner");
        });
        new_test_ext().execute_with(|| {
            // Three colluders of five equal partners against a fourth.
            Members::set((1..=5).map(|m| (m, 1)).collect());
            let poll = submit(1, removal_of(4), remark(1));
            for who in [1, 2, 3] {
                assert_ok!(vote(who, poll, true));
            }
            run_out();
            assert!(!approved(poll), "3 of 5 removed a fourth partner");
            // With four of five (two thirds of all) it passes.
            let poll = submit(1, removal_of(4), remark(2));
            for who in [1, 2, 3, 5] {
                assert_ok!(vote(who, poll, true));
            }
            run_out();
            assert!(approved(poll));
        });
    }

    /// Review finding: the accused expired its dispute while the verdict poll was still being
    /// decided, so the verdict found no dispute. No dispute against a partner expires while a
    /// removal poll against it is being decided.
    #[test]
    fn attack_the_accused_cannot_expire_its_dispute_under_a_pending_verdict() {
        new_test_ext().execute_with(|| {
            assert_ok!(Roundtable::raise_dispute(RuntimeOrigin::signed(1), 4, H256::repeat_byte(1)));
            let verdict = RuntimeCall::Roundtable(crate::Call::resolve_dispute {
                index: 0,
                verdict: crate::Verdict::Upheld { slash: 100, suspend: false },
            });
            let poll = submit(1, removal_of(4), verdict);
            assert_ok!(vote(1, poll, true));
            System::set_block_number(System::block_number() + DISPUTE_EXPIRY);
            assert_noop!(Roundtable::expire_dispute(RuntimeOrigin::signed(4), 0), Error::<Test>::VerdictPending);
            for who in [2, 3] {
                assert_ok!(vote(who, poll, true));
            }
            run_out();
            assert!(approved(poll));
            assert_eq!(Bonds::get()[3], (4, 900), "the verdict was enacted");
            assert_ok!(Roundtable::remove_poll_votes(RuntimeOrigin::signed(9), poll));
            assert!(crate::RemovalPollsAgainst::<Test>::get(4).is_none());
            check();
        });
    }

    /// Second review: only the latest removal poll against a partner guarded its disputes. An
    /// ally of the accused opens another removal poll against it, votes once, and lets it end (here
    /// cancelled; undeposited it times out): the verdict poll, still being decided, no longer
    /// guarded the dispute, and the accused expired it.
    #[test]
    fn attack_a_second_removal_poll_cannot_unguard_a_pending_verdict() {
        new_test_ext().execute_with(|| {
            assert_ok!(Roundtable::raise_dispute(RuntimeOrigin::signed(1), 4, H256::repeat_byte(1)));
            let verdict = RuntimeCall::Roundtable(crate::Call::resolve_dispute {
                index: 0,
                verdict: crate::Verdict::Upheld { slash: 100, suspend: false },
            });
            let poll = submit(1, removal_of(4), verdict);
            assert_ok!(vote(1, poll, true));
            // The decoy, never deposited, voted once by an ally of the accused, then ended.
            let decoy = pallet_referenda::ReferendumCount::<Test>::get();
            assert_ok!(Referenda::submit(
                RuntimeOrigin::signed(2),
                Box::new(removal_of(4)),
                *bound(remark(9)),
                DispatchTime::After(0)
            ));
            assert_ok!(vote(2, decoy, false));
            assert_ok!(Referenda::cancel(RuntimeOrigin::root(), decoy));
            System::set_block_number(System::block_number() + DISPUTE_EXPIRY);
            assert!(ongoing(poll));
            assert_noop!(Roundtable::expire_dispute(RuntimeOrigin::signed(4), 0), Error::<Test>::VerdictPending);
            // Cleaning up the ended decoy does not unguard it either.
            assert_ok!(Roundtable::remove_poll_votes(RuntimeOrigin::signed(4), decoy));
            assert_noop!(Roundtable::expire_dispute(RuntimeOrigin::signed(4), 0), Error::<Test>::VerdictPending);
        });
    }

    /// A removal poll aimed at partner 3 cannot act against partner 2, who voted in it.
    #[test]
    fn attack_a_removal_poll_cannot_judge_another_partner() {
        new_test_ext().execute_with(|| {
            Members::set(vec![(1, 1), (2, 1), (3, 1), (4, 1)]);
            assert_ok!(Roundtable::raise_dispute(RuntimeOrigin::signed(1), 2, H256::repeat_byte(1)));
            let call = RuntimeCall::Roundtable(crate::Call::resolve_dispute {
                index: 0,
                verdict: crate::Verdict::Upheld { slash: 100, suspend: true },
            });
            let poll = submit(1, removal_of(3), call);
            for who in [1, 2, 4] {
                assert_ok!(vote(who, poll, true));
            }
            run_out();
            assert!(approved(poll));
            // Enacted, and refused: the dispute against 2 is still open and its bond whole.
            assert!(Disputes::<Test>::contains_key(0));
            assert_eq!(Bonds::get()[1], (2, 1_000));
        });
    }

    #[test]
    fn track_floors_hold_in_set_track_and_genesis() {
        new_test_ext().execute_with(|| {
            let mut p = Roundtable::track(tracks::PROTOCOL);
            p.support = Threshold::at_least(3, 5);
            assert_noop!(Roundtable::set_track(RuntimeOrigin::root(), tracks::PROTOCOL, p), Error::<Test>::BelowSupermajority);
            assert_noop!(Roundtable::set_track(RuntimeOrigin::root(), tracks::EMERGENCY, p), Error::<Test>::BelowSupermajority);
            assert_noop!(
                Roundtable::set_track(RuntimeOrigin::root(), tracks::PARTNER_REMOVAL, p),
                Error::<Test>::BelowSupermajority
            );
            let mut t = Roundtable::track(tracks::TREASURER);
            t.support = Threshold::at_least(1, 2);
            assert_noop!(Roundtable::set_track(RuntimeOrigin::root(), tracks::TREASURER, t), Error::<Test>::BelowMajority);
            let mut o = Roundtable::track(tracks::ORDINARY);
            o.support = Threshold::at_least(1, 1_000_000_000);
            assert_noop!(Roundtable::set_track(RuntimeOrigin::root(), tracks::ORDINARY, o), Error::<Test>::BelowMajority);
            o.support = Threshold::at_least(0, 2);
            assert_noop!(Roundtable::set_track(RuntimeOrigin::root(), tracks::ORDINARY, o), Error::<Test>::InvalidParams);
            assert_noop!(Roundtable::set_track(RuntimeOrigin::root(), 9, o), Error::<Test>::UnknownTrack);
            // Review finding: a strict whole, or periods and deposits without bound, would close a
            // track (the protocol track: Root) for good.
            let mut closed = Roundtable::track(tracks::PROTOCOL);
            closed.support = Threshold::more_than(1, 1);
            assert_noop!(Roundtable::set_track(RuntimeOrigin::root(), tracks::PROTOCOL, closed), Error::<Test>::InvalidParams);
            let mut closed = Roundtable::track(tracks::PROTOCOL);
            closed.approval = Threshold::more_than(3, 3);
            assert_noop!(Roundtable::set_track(RuntimeOrigin::root(), tracks::PROTOCOL, closed), Error::<Test>::InvalidParams);
            let mut closed = Roundtable::track(tracks::PROTOCOL);
            closed.prepare_period = MAX_TRACK_PERIOD + 1;
            assert_noop!(Roundtable::set_track(RuntimeOrigin::root(), tracks::PROTOCOL, closed), Error::<Test>::InvalidParams);
            let mut closed = Roundtable::track(tracks::PROTOCOL);
            closed.decision_deposit = MAX_DECISION_DEPOSIT + 1;
            assert_noop!(Roundtable::set_track(RuntimeOrigin::root(), tracks::PROTOCOL, closed), Error::<Test>::InvalidParams);
            let mut unanimity = Roundtable::track(tracks::PROTOCOL);
            unanimity.support = Threshold::at_least(1, 1);
            assert_ok!(Roundtable::set_track(RuntimeOrigin::root(), tracks::PROTOCOL, unanimity));
            // Only the admin origin, never a track's own origin below Root.
            let fine = Roundtable::track(tracks::PROTOCOL);
            assert_noop!(Roundtable::set_track(RuntimeOrigin::from(crate::RawOrigin::Roundtable), tracks::PROTOCOL, fine), BadOrigin);
            assert_noop!(Roundtable::set_track(RuntimeOrigin::signed(1), tracks::PROTOCOL, fine), BadOrigin);
            let mut stricter = fine;
            stricter.support = Threshold::at_least(3, 4);
            assert_ok!(Roundtable::set_track(RuntimeOrigin::root(), tracks::PROTOCOL, stricter));
            assert_eq!(TrackRules::<Test>::get(tracks::PROTOCOL), Some(stricter));
        });
        let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
        let mut weak: TrackParams<u64, u64> = new_test_ext().execute_with(|| Roundtable::track(tracks::PROTOCOL));
        weak.approval = Threshold::at_least(1, 2);
        let refused = std::panic::catch_unwind(move || {
            let _ = crate::GenesisConfig::<Test> { tracks: vec![(tracks::PROTOCOL, weak)] }
                .assimilate_storage(&mut t);
        });
        assert!(refused.is_err(), "a chain spec with a protocol track below two thirds must not build");
    }

    /// The emergency track decides within a few blocks of a stall: a block to prepare, a block
    /// to confirm, a block to enactment.
    #[test]
    fn the_emergency_track_enacts_within_a_few_blocks() {
        new_test_ext().execute_with(|| {
            let start = System::block_number();
            let poll = submit(1, crate::RawOrigin::Emergency.into(), remark(1));
            for who in [1, 2, 3] {
                assert_ok!(vote(who, poll, true));
            }
            let mut n = start;
            while !approved(poll) && n < start + PERIOD {
                n += 1;
                run_to(n);
            }
            assert!(approved(poll));
            assert!(n - start <= 4, "approved {} blocks after submission", n - start);
        });
    }

    /// An enacted call runs with a track's origin, which is not signed: it can neither submit
    /// nor vote, so a poll cannot vote on polls.
    #[test]
    fn enacted_calls_cannot_submit_or_vote() {
        new_test_ext().execute_with(|| {
            let target = submit(1, root(), set_storage(1));
            let vote_call = RuntimeCall::Roundtable(crate::Call::vote_poll { poll: target, aye: true });
            let poll = submit(2, root(), vote_call);
            for who in [1, 2, 3] {
                assert_ok!(vote(who, poll, true));
            }
            run_out();
            assert!(approved(poll));
            // The target got the three signed votes and nothing from the enacted call.
            assert_eq!(PollVotes::<Test>::iter_prefix(target).count(), 0);
            for origin in [root(), ordinary(), removal_of(1)] {
                assert!(Roundtable::vote_poll(RuntimeOrigin::from(origin), target, true).is_err());
            }
        });
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// What referenda compares (the tally's reported support and approval against the
        /// protocol track's flat curves) passes exactly when ayes reach two thirds of the
        /// electorate and of the votes cast, for any weights up to 128 members of `u32::MAX`,
        /// whatever the nays and abstentions.
        #[test]
        fn nothing_passes_the_protocol_track_below_two_thirds_of_the_electorate(
            electorate in 1u64..=128 * u32::MAX as u64,
            ayes_share in 0u64..=1_000_000,
            nays_share in 0u64..=1_000_000,
            x in 0u32..=1_000_000_000,
        ) {
            let ayes = (electorate as u128 * ayes_share as u128 / 1_000_000) as u64;
            let nays = ((electorate - ayes) as u128 * nays_share as u128 / 1_000_000) as u64;
            new_test_ext().execute_with(|| {
                let track = crate::Tracks::<Test>::info(tracks::PROTOCOL).unwrap();
                let tally = PollTally::<Test>::from_parts(ayes, nays, electorate, 0);
                let x = sp_runtime::Perbill::from_parts(x);
                let passing = track.min_support.passing(x, tally.support(tracks::PROTOCOL)) &&
                    track.min_approval.passing(x, tally.approval(tracks::PROTOCOL));
                let exact = ayes > 0 &&
                    (ayes as u128) * 3 >= 2 * electorate as u128 &&
                    (ayes as u128) * 3 >= 2 * (ayes as u128 + nays as u128);
                prop_assert_eq!(passing, exact, "ayes {} nays {} electorate {}", ayes, nays, electorate);
                Ok(())
            })?;
        }

        /// The same on the boundary itself: ayes one below, at and one above two thirds.
        #[test]
        fn the_protocol_boundary_is_exact(electorate in 3u64..=128 * u32::MAX as u64, delta in 0u64..=2) {
            let at = (2 * electorate as u128).div_ceil(3) as u64;
            let ayes = at + delta - 1;
            new_test_ext().execute_with(|| {
                let track = crate::Tracks::<Test>::info(tracks::PROTOCOL).unwrap();
                let tally = PollTally::<Test>::from_parts(ayes, 0, electorate, 0);
                let passing = track.min_support.passing(sp_runtime::Perbill::one(), tally.support(tracks::PROTOCOL));
                prop_assert_eq!(passing, ayes >= at);
                Ok(())
            })?;
        }

        /// Through pallet-referenda: random electorates, weights and votes (aye, nay,
        /// abstain). A protocol poll is approved only if its ayes reached two thirds of the
        /// frozen electorate's weight, and weights changed after the first vote change nothing.
        #[test]
        fn protocol_polls_pass_only_with_two_thirds_of_the_electorate(
            weights in proptest::collection::vec(1u32..=1_000, 2..=8),
            votes in proptest::collection::vec(0u8..3, 8),
            raise in 0usize..8,
        ) {
            new_test_ext().execute_with(|| {
                let members: Vec<(u64, u32)> = weights.iter().enumerate().map(|(i, w)| (i as u64 + 1, *w)).collect();
                Members::set(members.clone());
                let poll = submit(1, root(), set_storage(1));
                let mut ayes = 0u64;
                let mut first = true;
                for (i, (who, w)) in members.iter().enumerate() {
                    match votes[i] {
                        0 => { assert_ok!(vote(*who, poll, true)); ayes += *w as u64; }
                        1 => { assert_ok!(vote(*who, poll, false)); }
                        _ => continue,
                    }
                    if first {
                        first = false;
                        // After the first vote, one member's weight becomes enormous.
                        let mut changed = members.clone();
                        let k = raise % changed.len();
                        changed[k].1 = u32::MAX;
                        Members::set(changed);
                    }
                }
                run_out();
                let total: u64 = members.iter().map(|(_, w)| *w as u64).sum();
                if approved(poll) {
                    prop_assert!(ayes * 3 >= total * 2, "passed with {} of {}", ayes, total);
                }
                Ok(())
            })?;
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// A removal poll passes only with ayes of two thirds of the whole electorate, its
        /// accused (who cannot vote) included, for any weights.
        #[test]
        fn a_removal_poll_needs_two_thirds_with_its_accused(
            electorate in 1u64..=128 * u32::MAX as u64,
            excluded in 1u64..=u32::MAX as u64,
            ayes_share in 0u64..=1_000_000,
        ) {
            let ayes = (electorate as u128 * ayes_share as u128 / 1_000_000) as u64;
            new_test_ext().execute_with(|| {
                let track = crate::Tracks::<Test>::info(tracks::PARTNER_REMOVAL).unwrap();
                let tally = PollTally::<Test>::from_parts(ayes, 0, electorate, excluded);
                let passing = track.min_support.passing(sp_runtime::Perbill::one(), tally.support(tracks::PARTNER_REMOVAL)) &&
                    track.min_approval.passing(sp_runtime::Perbill::one(), tally.approval(tracks::PARTNER_REMOVAL));
                let exact = ayes > 0 && (ayes as u128) * 3 >= 2 * (electorate as u128 + excluded as u128);
                prop_assert_eq!(passing, exact);
                Ok(())
            })?;
        }
    }
}
