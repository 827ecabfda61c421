//! Unit and property tests of the roundtable against the mock runtime.
use crate::mock::*;
use crate::{
    pallet, Active, ClassParams, ClassParamsOf, DisputeCount, Disputes, Error, OpenDisputesBy, Event, Fraction, HoldReason,
    ProposalClass, ProposalCount, Proposals, Tally, Verdict, Votes,
};
use frame_support::{
    assert_noop, assert_ok,
    traits::{
        fungible::{Inspect, InspectHold},
        Bounded, QueryPreimage, StorePreimage,
    },
};
use pallet_partners::PartnerProvider;
use proptest::prelude::*;
use sp_core::H256;
use sp_runtime::{traits::Hash, DispatchError::BadOrigin};

type Call = RuntimeCall;

fn remark(n: u8) -> Call {
    RuntimeCall::System(frame_system::Call::remark { remark: vec![n] })
}

fn against(partner: u8) -> Call {
    RuntimeCall::System(frame_system::Call::remark_with_event { remark: vec![b'x', partner] })
}

fn set_storage(v: u8) -> Call {
    RuntimeCall::System(frame_system::Call::set_storage { items: vec![(b"rtkey".to_vec(), vec![v])] })
}

fn params(period: u64) -> ClassParams<u64> {
    ClassParams { voting_period: period, enactment_delay: 1, support: Fraction::new(2, 3), approval: Fraction::new(3, 4), strict: false }
}

fn set_params_call(period: u64) -> Call {
    RuntimeCall::Roundtable(crate::Call::set_class_params { class: ProposalClass::Ordinary, params: params(period) })
}

fn bound(c: Call) -> Box<Bounded<Call, <Test as frame_system::Config>::Hashing>> {
    Box::new(<Preimage as StorePreimage>::bound(c).unwrap())
}

fn propose(who: u64, class: ProposalClass, c: Call) -> frame_support::dispatch::DispatchResult {
    Roundtable::propose(RuntimeOrigin::signed(who), class, bound(c))
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

fn held(who: u64) -> u64 {
    Balances::balance_on_hold(&HoldReason::ProposalDeposit.into(), &who)
}

fn vote_all(index: u32, votes: &[(u64, bool)]) {
    for (who, aye) in votes {
        assert_ok!(Roundtable::vote(RuntimeOrigin::signed(*who), index, *aye));
    }
}

fn check() {
    Roundtable::do_try_state().expect("invariants hold");
}

fn outcome(index: u32) -> Option<(bool, Tally)> {
    events().into_iter().rev().find_map(|e| match e {
        Event::Passed { index: i, tally, .. } if i == index => Some((true, tally)),
        Event::Rejected { index: i, tally, .. } if i == index => Some((false, tally)),
        _ => None,
    })
}

fn scheduler_results() -> Vec<Result<(), sp_runtime::DispatchError>> {
    System::events()
        .into_iter()
        .filter_map(|r| match r.event {
            RuntimeEvent::Scheduler(pallet_scheduler::Event::Dispatched { result, .. }) => Some(result),
            _ => None,
        })
        .collect()
}

// ---------- propose ----------

#[test]
fn propose_holds_deposit_and_records() {
    new_test_ext().execute_with(|| {
        assert_ok!(propose(1, ProposalClass::Ordinary, remark(1)));
        let p = Proposals::<Test>::get(0).unwrap();
        assert_eq!((p.proposer, p.class, p.deposit, p.submitted, p.end, p.voters), (1, ProposalClass::Ordinary, DEPOSIT, 1, 1 + PERIOD, 0));
        assert_eq!(p.accused, None);
        assert_eq!(held(1), DEPOSIT);
        assert_eq!(ProposalCount::<Test>::get(), 1);
        assert_eq!(Active::<Test>::get().to_vec(), vec![(0, 1 + PERIOD)]);
        let call_hash = <Test as frame_system::Config>::Hashing::hash_of(&remark(1));
        assert_eq!(last_event(), Event::Proposed { index: 0, proposer: 1, class: ProposalClass::Ordinary, call_hash, end: 11 });
        check();
    });
}

#[test]
fn propose_errors() {
    new_test_ext().execute_with(|| {
        assert_noop!(propose(9, ProposalClass::Ordinary, remark(1)), Error::<Test>::NotMember);
        assert_noop!(Roundtable::propose(RuntimeOrigin::root(), ProposalClass::Ordinary, bound(remark(1))), BadOrigin);
        assert_noop!(propose(1, ProposalClass::Ordinary, set_storage(1)), Error::<Test>::ClassTooLow);
        assert_noop!(propose(1, ProposalClass::PartnerRemoval, set_storage(1)), Error::<Test>::ClassTooLow);
        assert_noop!(propose(1, ProposalClass::Ordinary, against(4)), Error::<Test>::ClassTooLow);
        let missing = Bounded::Lookup { hash: H256::repeat_byte(3), len: 40 };
        assert_noop!(
            Roundtable::propose(RuntimeOrigin::signed(1), ProposalClass::Ordinary, Box::new(missing)),
            Error::<Test>::PreimageUnavailable
        );
        Members::mutate(|m| m.push((30, 1)));
        assert_noop!(propose(30, ProposalClass::Ordinary, remark(1)), Error::<Test>::InsufficientBalance);
        // A higher class than needed is allowed.
        assert_ok!(propose(2, ProposalClass::Protocol, remark(1)));
        assert_eq!(Proposals::<Test>::get(0).unwrap().class, ProposalClass::Protocol);
        for i in 0..3 {
            assert_ok!(propose(1, ProposalClass::Ordinary, remark(i)));
        }
        assert_noop!(propose(2, ProposalClass::Ordinary, remark(9)), Error::<Test>::TooManyProposals);
        check();
    });
}

#[test]
fn propose_with_noted_preimage() {
    new_test_ext().execute_with(|| {
        let big = RuntimeCall::System(frame_system::Call::remark { remark: vec![7u8; 300] });
        let encoded = codec::Encode::encode(&big);
        assert_ok!(Preimage::note_preimage(RuntimeOrigin::signed(5), encoded.clone()));
        let hash = <Test as frame_system::Config>::Hashing::hash(&encoded);
        let b = Bounded::Lookup { hash, len: encoded.len() as u32 };
        assert_ok!(Roundtable::propose(RuntimeOrigin::signed(1), ProposalClass::Ordinary, Box::new(b)));
        assert!(<Preimage as QueryPreimage>::is_requested(&hash));
        vote_all(0, &[(1, true), (2, true), (3, true)]);
        run_to(1 + PERIOD + 1);
        assert!(matches!(outcome(0), Some((true, _))));
        // Scheduler requested it; our hold is dropped; the call runs at enactment.
        run_to(1 + PERIOD + 1 + DELAY);
        assert_eq!(scheduler_results(), vec![Ok(())]);
    });
}

// ---------- vote ----------

#[test]
fn vote_records_and_changes_without_double_counting() {
    new_test_ext().execute_with(|| {
        assert_ok!(propose(1, ProposalClass::Ordinary, remark(1)));
        assert_ok!(Roundtable::vote(RuntimeOrigin::signed(2), 0, true));
        assert_eq!(last_event(), Event::Voted { index: 0, who: 2, aye: true });
        assert_ok!(Roundtable::vote(RuntimeOrigin::signed(2), 0, false));
        assert_ok!(Roundtable::vote(RuntimeOrigin::signed(2), 0, true));
        assert_eq!(Proposals::<Test>::get(0).unwrap().voters, 1);
        assert_eq!(Votes::<Test>::get(0, 2), Some(true));
        let p = Proposals::<Test>::get(0).unwrap();
        assert_eq!(Roundtable::tally(0, &p), Tally { ayes: 1, nays: 0, electorate: 4, excluded: 0 });
        check();
    });
}

#[test]
fn vote_errors() {
    new_test_ext().execute_with(|| {
        assert_noop!(Roundtable::vote(RuntimeOrigin::signed(1), 0, true), Error::<Test>::ProposalNotFound);
        assert_ok!(propose(1, ProposalClass::PartnerRemoval, against(4)));
        assert_noop!(Roundtable::vote(RuntimeOrigin::signed(9), 0, true), Error::<Test>::NotMember);
        assert_noop!(Roundtable::vote(RuntimeOrigin::root(), 0, true), BadOrigin);
        assert_noop!(Roundtable::vote(RuntimeOrigin::signed(4), 0, true), Error::<Test>::AccusedCannotVote);
        System::set_block_number(1 + PERIOD);
        assert_ok!(Roundtable::vote(RuntimeOrigin::signed(1), 0, true));
        System::set_block_number(2 + PERIOD);
        assert_noop!(Roundtable::vote(RuntimeOrigin::signed(2), 0, true), Error::<Test>::VotingClosed);
    });
}

#[test]
fn voters_are_bounded() {
    new_test_ext().execute_with(|| {
        // The electorate is recorded in a bounded list: more members than MaxVoters cannot propose.
        Members::set((1..=17).map(|a| (a, 1)).collect());
        assert_noop!(propose(1, ProposalClass::Ordinary, remark(1)), Error::<Test>::ElectorateTooLarge);
        Members::set((1..=16).map(|a| (a, 1)).collect());
        assert_ok!(propose(1, ProposalClass::Ordinary, remark(1)));
        Members::mutate(|m| m.push((17, 1)));
        for a in 1..=16 {
            assert_ok!(Roundtable::vote(RuntimeOrigin::signed(a), 0, true));
        }
        assert_noop!(Roundtable::vote(RuntimeOrigin::signed(17), 0, true), Error::<Test>::NotInElectorate);
        // A voter already counted may still change its vote.
        assert_ok!(Roundtable::vote(RuntimeOrigin::signed(16), 0, false));
        check();
    });
}

// ---------- close & enactment ----------

#[test]
fn close_errors() {
    new_test_ext().execute_with(|| {
        assert_noop!(Roundtable::close(RuntimeOrigin::signed(9), 0), Error::<Test>::ProposalNotFound);
        assert_ok!(propose(1, ProposalClass::Ordinary, remark(1)));
        assert_noop!(Roundtable::close(RuntimeOrigin::root(), 0), BadOrigin);
        System::set_block_number(1 + PERIOD);
        assert_noop!(Roundtable::close(RuntimeOrigin::signed(9), 0), Error::<Test>::VotingNotOver);
    });
}

#[test]
fn passed_ordinary_proposal_is_enacted_with_roundtable_origin_which_cannot_set_class_params() {
    new_test_ext().execute_with(|| {
        // The classifier (the mock's) lets it through as Ordinary; the origin stops it.
        assert_ok!(propose(1, ProposalClass::Ordinary, set_params_call(33)));
        vote_all(0, &[(1, true), (2, true), (3, false)]);
        System::set_block_number(1 + PERIOD + 1);
        assert_ok!(Roundtable::close(RuntimeOrigin::signed(9), 0));
        let enact_at = 1 + PERIOD + 1 + DELAY;
        assert!(events().contains(&Event::Passed { index: 0, tally: Tally { ayes: 2, nays: 1, electorate: 4, excluded: 0 }, enact_at }));
        assert_eq!(last_event(), Event::DepositRefunded { who: 1, amount: DEPOSIT });
        assert_eq!(held(1), 0);
        assert!(Proposals::<Test>::get(0).is_none());
        assert_eq!(Votes::<Test>::iter_prefix(0).count(), 0);
        assert!(Active::<Test>::get().is_empty());
        assert_eq!(ClassParamsOf::<Test>::get(ProposalClass::Ordinary), None);
        run_to(enact_at - 1);
        assert_eq!(ClassParamsOf::<Test>::get(ProposalClass::Ordinary), None);
        run_to(enact_at);
        assert_eq!(ClassParamsOf::<Test>::get(ProposalClass::Ordinary), None);
        assert_eq!(scheduler_results(), vec![Err(BadOrigin.into())]);
        check();
    });
}

#[test]
fn protocol_proposal_is_enacted_as_root_at_two_thirds() {
    new_test_ext().execute_with(|| {
        Members::set(vec![(1, 1), (2, 1), (3, 1)]);
        assert_ok!(propose(1, ProposalClass::Protocol, set_storage(5)));
        vote_all(0, &[(1, true), (2, true), (3, false)]);
        run_to(1 + PERIOD + 1);
        assert_eq!(outcome(0), Some((true, Tally { ayes: 2, nays: 1, electorate: 3, excluded: 0 })));
        run_to(1 + PERIOD + 1 + DELAY);
        assert_eq!(sp_io::storage::get(b"rtkey").map(|v| v.to_vec()), Some(vec![5]));
    });
}

#[test]
fn protocol_proposal_below_two_thirds_fails_and_refunds() {
    new_test_ext().execute_with(|| {
        // 5 of 8 weight = 62.5% < 2/3.
        Members::set(vec![(1, 3), (2, 2), (3, 3)]);
        assert_ok!(propose(1, ProposalClass::Protocol, set_storage(5)));
        vote_all(0, &[(1, true), (2, true), (3, false)]);
        run_to(1 + PERIOD + 1);
        assert!(events().contains(&Event::Rejected { index: 0, tally: Tally { ayes: 5, nays: 3, electorate: 8, excluded: 0 }, quorum_reached: true }));
        assert_eq!(last_event(), Event::DepositRefunded { who: 1, amount: DEPOSIT });
        run_to(20);
        assert_eq!(sp_io::storage::get(b"rtkey"), None);
        assert!(scheduler_results().is_empty());
    });
}

#[test]
fn ordinary_tie_fails() {
    new_test_ext().execute_with(|| {
        assert_ok!(propose(1, ProposalClass::Ordinary, remark(1)));
        vote_all(0, &[(1, true), (2, true), (3, false), (4, false)]);
        run_to(1 + PERIOD + 1);
        assert_eq!(outcome(0), Some((false, Tally { ayes: 2, nays: 2, electorate: 4, excluded: 0 })));
        assert_eq!(Balances::balance(&1), 10_000);
    });
}

#[test]
fn no_quorum_fails_and_slashes_deposit() {
    new_test_ext().execute_with(|| {
        let issuance = Balances::total_issuance();
        assert_ok!(propose(1, ProposalClass::Ordinary, remark(1)));
        // 1 of 4 weight < 1/2 quorum, though unanimous.
        vote_all(0, &[(1, true)]);
        run_to(1 + PERIOD + 1);
        assert!(events().contains(&Event::Rejected { index: 0, tally: Tally { ayes: 1, nays: 0, electorate: 4, excluded: 0 }, quorum_reached: false }));
        assert_eq!(last_event(), Event::DepositSlashed { who: 1, amount: DEPOSIT });
        assert_eq!(Balances::balance(&1), 10_000 - DEPOSIT);
        assert_eq!(Balances::total_issuance(), issuance - DEPOSIT);
        // No vote at all also fails.
        assert_ok!(propose(2, ProposalClass::Ordinary, remark(2)));
        run_to(System::block_number() + PERIOD + 1);
        assert_eq!(outcome(1), Some((false, Tally { ayes: 0, nays: 0, electorate: 4, excluded: 0 })));
    });
}

#[test]
fn on_initialize_closes_a_bounded_number_per_block() {
    new_test_ext().execute_with(|| {
        for i in 0..3 {
            assert_ok!(propose(1, ProposalClass::Ordinary, remark(i)));
        }
        run_to(1 + PERIOD);
        assert_eq!(Active::<Test>::get().len(), 3);
        run_to(2 + PERIOD);
        assert_eq!(Active::<Test>::get().to_vec(), vec![(2, 1 + PERIOD)]);
        run_to(3 + PERIOD);
        assert!(Active::<Test>::get().is_empty());
        check();
    });
}

#[test]
fn weights_and_membership_are_frozen_when_proposed() {
    new_test_ext().execute_with(|| {
        assert_ok!(propose(1, ProposalClass::Ordinary, remark(1)));
        vote_all(0, &[(1, true), (2, false), (3, false)]);
        // Governance raises member 1's weight to 5, suspends member 3 (after its vote) and 4,
        // and admits member 5: none of it changes this proposal's electorate or votes.
        Members::set(vec![(1, 5), (2, 1), (5, 9)]);
        assert_noop!(Roundtable::vote(RuntimeOrigin::signed(5), 0, true), Error::<Test>::NotInElectorate);
        assert_noop!(Roundtable::vote(RuntimeOrigin::signed(4), 0, true), Error::<Test>::NotMember);
        // A vote changed after a weight change still weighs what it did.
        assert_ok!(Roundtable::vote(RuntimeOrigin::signed(1), 0, true));
        run_to(1 + PERIOD + 1);
        assert_eq!(outcome(0), Some((false, Tally { ayes: 1, nays: 2, electorate: 4, excluded: 0 })));
        assert!(crate::Electorate::<Test>::get(0).is_empty());
    });
}

#[test]
fn enacted_roundtable_calls_cannot_propose_or_vote() {
    new_test_ext().execute_with(|| {
        assert_ok!(propose(1, ProposalClass::Ordinary, remark(1)));
        let nested = RuntimeCall::Roundtable(crate::Call::propose {
            class: ProposalClass::Ordinary,
            call: bound(remark(2)),
        });
        let nested_vote = RuntimeCall::Roundtable(crate::Call::vote { index: 0, aye: true });
        assert_ok!(propose(1, ProposalClass::Ordinary, nested));
        assert_ok!(propose(2, ProposalClass::Ordinary, nested_vote));
        vote_all(1, &[(1, true), (2, true), (3, true)]);
        vote_all(2, &[(1, true), (2, true), (3, true)]);
        // Three proposals expire together; two close per block.
        run_to(1 + PERIOD + 2);
        assert!(matches!(outcome(1), Some((true, _))));
        assert!(matches!(outcome(2), Some((true, _))));
        run_to(1 + PERIOD + 2 + DELAY);
        assert_eq!(scheduler_results(), vec![Err(BadOrigin.into()), Err(BadOrigin.into())]);
        assert_eq!(ProposalCount::<Test>::get(), 3);
        check();
    });
}

// ---------- class params ----------

#[test]
fn set_class_params_rules() {
    new_test_ext().execute_with(|| {
        assert_noop!(Roundtable::set_class_params(RuntimeOrigin::signed(1), ProposalClass::Ordinary, params(5)), BadOrigin);
        assert_noop!(
            Roundtable::set_class_params(RuntimeOrigin::from(crate::RawOrigin::Roundtable), ProposalClass::Ordinary, params(5)),
            BadOrigin
        );
        assert_noop!(
            Roundtable::set_class_params(RuntimeOrigin::from(crate::RawOrigin::PartnerRemoval(2)), ProposalClass::Ordinary, params(5)),
            BadOrigin
        );
        let mut bad = params(5);
        bad.support = Fraction::new(4, 3);
        assert_noop!(Roundtable::set_class_params(RuntimeOrigin::root(), ProposalClass::Ordinary, bad), Error::<Test>::InvalidParams);
        bad = params(5);
        bad.approval = Fraction::new(1, 0);
        assert_noop!(Roundtable::set_class_params(RuntimeOrigin::root(), ProposalClass::Ordinary, bad), Error::<Test>::InvalidParams);
        assert_noop!(Roundtable::set_class_params(RuntimeOrigin::root(), ProposalClass::Ordinary, params(0)), Error::<Test>::InvalidParams);
        assert_ok!(Roundtable::set_class_params(RuntimeOrigin::root(), ProposalClass::Protocol, params(5)));
        assert_eq!(last_event(), Event::ClassParamsSet { class: ProposalClass::Protocol, params: params(5) });
        // The supermajority floor of Protocol and PartnerRemoval: support and approval >= 2/3.
        for class in [ProposalClass::Protocol, ProposalClass::PartnerRemoval] {
            let mut low = params(6);
            low.support = Fraction::new(665, 1000);
            assert_noop!(Roundtable::set_class_params(RuntimeOrigin::root(), class, low), Error::<Test>::BelowSupermajority);
            low = params(6);
            low.approval = Fraction::new(1, 2);
            assert_noop!(Roundtable::set_class_params(RuntimeOrigin::root(), class, low), Error::<Test>::BelowSupermajority);
        }
        let mut lower = params(6);
        lower.support = Fraction::new(1, 4);
        lower.approval = Fraction::new(1, 2);
        assert_ok!(Roundtable::set_class_params(RuntimeOrigin::root(), ProposalClass::Ordinary, lower));
        assert_ok!(Roundtable::set_class_params(RuntimeOrigin::root(), ProposalClass::Protocol, params(6)));
        assert_eq!(Roundtable::params(ProposalClass::Protocol), params(6));
        assert_eq!(Roundtable::params(ProposalClass::Ordinary), lower);
        assert_eq!(Roundtable::params(ProposalClass::PartnerRemoval), Roundtable::default_params(ProposalClass::PartnerRemoval));
        // New proposals use the new period.
        assert_ok!(propose(1, ProposalClass::Protocol, set_storage(1)));
        assert_eq!(Proposals::<Test>::get(0).unwrap().end, 7);
    });
}

#[test]
fn ensure_roundtable_accepts_only_its_origin() {
    use frame_support::traits::EnsureOrigin;
    new_test_ext().execute_with(|| {
        type Ordinary = crate::EnsureRoundtable<u64>;
        type Removal = crate::EnsurePartnerRemoval<u64>;
        assert!(Ordinary::try_origin(RuntimeOrigin::from(crate::RawOrigin::Roundtable)).is_ok());
        assert!(<Ordinary as EnsureOrigin<RuntimeOrigin>>::try_origin(RuntimeOrigin::root()).is_err());
        assert!(<Ordinary as EnsureOrigin<RuntimeOrigin>>::try_origin(RuntimeOrigin::signed(1)).is_err());
        assert!(Ordinary::try_origin(RuntimeOrigin::from(crate::RawOrigin::PartnerRemoval(2))).is_err());
        assert_eq!(Removal::try_origin(RuntimeOrigin::from(crate::RawOrigin::PartnerRemoval(2))).ok(), Some(2));
        assert!(Removal::try_origin(RuntimeOrigin::from(crate::RawOrigin::Roundtable)).is_err());
        assert!(<Removal as EnsureOrigin<RuntimeOrigin>>::try_origin(RuntimeOrigin::root()).is_err());
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

#[test]
fn dispute_resolved_through_a_partner_removal_proposal() {
    new_test_ext().execute_with(|| {
        assert_ok!(Roundtable::raise_dispute(RuntimeOrigin::signed(1), 4, H256::repeat_byte(1)));
        let resolve = RuntimeCall::Roundtable(crate::Call::resolve_dispute { index: 0, verdict: Verdict::Upheld { slash: 250, suspend: true } });
        assert_noop!(propose(1, ProposalClass::Ordinary, resolve.clone()), Error::<Test>::ClassTooLow);
        assert_ok!(propose(1, ProposalClass::PartnerRemoval, resolve));
        assert_eq!(Proposals::<Test>::get(0).unwrap().accused, Some(4));
        assert_noop!(Roundtable::vote(RuntimeOrigin::signed(4), 0, false), Error::<Test>::AccusedCannotVote);
        vote_all(0, &[(1, true), (2, true), (3, true)]);
        run_to(1 + PERIOD + 1);
        // The accused is out of the electorate; 3 of 4 is also a majority with its weight.
        assert_eq!(outcome(0), Some((true, Tally { ayes: 3, nays: 0, electorate: 3, excluded: 1 })));
        run_to(1 + PERIOD + 1 + DELAY);
        assert_eq!(scheduler_results(), vec![Ok(())]);
        assert_eq!(Bonds::get()[3], (4, 750));
        assert!(!MockMembers::is_active_member(&4));
        assert!(Disputes::<Test>::get(0).is_none());
    });
}

#[test]
fn classify_partner_removal_from_runtime_rule() {
    new_test_ext().execute_with(|| {
        assert_eq!(Roundtable::classify(&against(3)), (ProposalClass::PartnerRemoval, Some(3)));
        assert_eq!(Roundtable::classify(&set_storage(1)), (ProposalClass::Protocol, None));
        assert_eq!(Roundtable::classify(&remark(1)), (ProposalClass::Ordinary, None));
        let _ = pallet::Pallet::<Test>::default_params(ProposalClass::Ordinary);
    });
}

// ---------- issue 10, finding 2: support of the whole electorate, frozen weights ----------

/// Six equal partners, 2 ayes and 1 nay: two thirds of the votes cast but a third of the
/// electorate. The nay used to make the quorum and the proposal passed as Root.
#[test]
fn issue10_finding2_nays_do_not_help_a_protocol_proposal_pass() {
    new_test_ext().execute_with(|| {
        Members::set(vec![(1, 1), (2, 1), (3, 1), (4, 1), (5, 1), (6, 1)]);
        assert_ok!(propose(1, ProposalClass::Protocol, set_storage(5)));
        vote_all(0, &[(1, true), (2, true), (3, false)]);
        run_to(1 + PERIOD + 1 + DELAY);
        assert_eq!(sp_io::storage::get(b"rtkey"), None, "2 ayes of 6 passed a Protocol proposal");
    });
}

/// Two equal partners: one alone passes neither a Protocol proposal nor the other's removal.
#[test]
fn issue10_finding2_one_of_two_partners_alone_passes_nothing_above_ordinary() {
    new_test_ext().execute_with(|| {
        Members::set(vec![(1, 1), (2, 1)]);
        assert_ok!(propose(1, ProposalClass::Protocol, set_storage(5)));
        assert_ok!(propose(1, ProposalClass::PartnerRemoval, against(2)));
        vote_all(0, &[(1, true)]);
        vote_all(1, &[(1, true)]);
        run_to(1 + PERIOD + 1 + DELAY);
        assert_eq!(sp_io::storage::get(b"rtkey"), None, "one of two passed a Protocol proposal");
        assert_eq!(outcome(1).map(|(passed, _)| passed), Some(false), "one of two removed the other");
    });
}

/// Weights raised after the votes were cast used to count at close.
#[test]
fn issue10_finding2_weight_changes_mid_vote_change_nothing() {
    new_test_ext().execute_with(|| {
        Members::set(vec![(1, 1), (2, 1), (3, 1)]);
        assert_ok!(propose(1, ProposalClass::Protocol, set_storage(5)));
        vote_all(0, &[(1, true), (2, false)]);
        // Member 1's weight is raised mid-vote.
        Members::set(vec![(1, 5), (2, 1), (3, 1)]);
        run_to(1 + PERIOD + 1 + DELAY);
        assert_eq!(sp_io::storage::get(b"rtkey"), None, "a weight raised mid-vote decided the vote");
    });
}

// ---------- tally: property tests ----------

fn two_thirds() -> ClassParams<u64> {
    ClassParams { voting_period: 1, enactment_delay: 0, support: Fraction::new(0, 1), approval: Fraction::new(2, 3), strict: false }
}

fn majority() -> ClassParams<u64> {
    ClassParams { voting_period: 1, enactment_delay: 0, support: Fraction::new(0, 1), approval: Fraction::new(1, 2), strict: true }
}

proptest! {
    /// Two thirds: the least passing aye weight is exactly ceil(2 * cast / 3).
    #[test]
    fn two_thirds_boundary_is_exact(cast in 1u64..1_000_000_000_000) {
        let min_ayes = (2 * cast + 2) / 3;
        let t = |ayes: u64| Tally { ayes, nays: cast - ayes, electorate: cast, excluded: 0 };
        prop_assert!(t(min_ayes).approved(&two_thirds()));
        prop_assert!(!t(min_ayes - 1).approved(&two_thirds()));
    }

    /// Simple majority: more than half; a tie fails.
    #[test]
    fn majority_boundary_is_exact(cast in 1u64..1_000_000_000_000) {
        let min_ayes = cast / 2 + 1;
        let t = |ayes: u64| Tally { ayes, nays: cast - ayes, electorate: cast, excluded: 0 };
        prop_assert!(t(min_ayes).approved(&majority()));
        prop_assert!(!t(min_ayes - 1).approved(&majority()));
    }

    /// Support (ayes) and the deposit's quorum (turnout): at least num/den of the electorate, exactly.
    #[test]
    fn quorum_boundary_is_exact(electorate in 1u64..1_000_000_000, num in 1u32..100, extra in 0u32..100) {
        let den = num + extra;
        let mut p = majority();
        p.support = Fraction::new(num, den);
        let need = ((electorate as u128 * num as u128 + den as u128 - 1) / den as u128) as u64;
        let need = need.max(1);
        let at = Tally { ayes: need, nays: 0, electorate, excluded: 0 };
        let below = Tally { ayes: need - 1, nays: 0, electorate, excluded: 0 };
        prop_assert!(at.quorum_reached(&p));
        prop_assert!(!below.quorum_reached(&p));
        prop_assert!(at.support_reached(&p));
        prop_assert!(!below.support_reached(&p));
    }

    /// Extreme weights never overflow and more ayes never turn a pass into a fail.
    #[test]
    fn approval_is_monotonic(ayes in 0u64..=u64::MAX / 2, nays in 0u64..=u64::MAX / 2, more in 0u64..1000) {
        let p = two_thirds();
        let a = Tally { ayes, nays, electorate: u64::MAX, excluded: 0 };
        let b = Tally { ayes: ayes + more, nays, electorate: u64::MAX, excluded: 0 };
        prop_assert!(!a.approved(&p) || b.approved(&p));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Through the pallet: any sequence of votes and changes counts each member once, with its
    /// weight when the proposal was made, on the side of its last vote; the outcome follows the
    /// class rules.
    #[test]
    fn pallet_tally_matches_last_votes(
        weights in proptest::collection::vec(1u32..=5, 1..=8),
        votes in proptest::collection::vec((0usize..8, any::<bool>()), 0..30),
        protocol in any::<bool>(),
    ) {
        new_test_ext().execute_with(|| {
            let members: Vec<(u64, u32)> = weights.iter().enumerate().map(|(i, w)| (i as u64 + 1, *w)).collect();
            Members::set(members.clone());
            let (class, call) = if protocol { (ProposalClass::Protocol, set_storage(1)) } else { (ProposalClass::Ordinary, remark(1)) };
            assert_ok!(propose(1, class, call));
            let mut last = std::collections::BTreeMap::new();
            for (i, aye) in &votes {
                let who = (*i % members.len()) as u64 + 1;
                assert_ok!(Roundtable::vote(RuntimeOrigin::signed(who), 0, *aye));
                last.insert(who, *aye);
            }
            let weight = |w: &u64| members.iter().find(|(m, _)| m == w).unwrap().1 as u64;
            let ayes: u64 = last.iter().filter(|(_, a)| **a).map(|(w, _)| weight(w)).sum();
            let nays: u64 = last.iter().filter(|(_, a)| !**a).map(|(w, _)| weight(w)).sum();
            let electorate: u64 = members.iter().map(|(_, w)| *w as u64).sum();
            assert_eq!(Proposals::<Test>::get(0).unwrap().voters as usize, last.len());
            run_to(1 + PERIOD + 1);
            let cast = ayes + nays;
            // Support of the electorate (ayes) decides; turnout only decides the deposit.
            let (reached, quorum) = if protocol {
                (ayes > 0 && 3 * ayes >= 2 * electorate, cast > 0 && 3 * cast >= 2 * electorate)
            } else {
                (ayes > 0 && 2 * ayes >= electorate, cast > 0 && 2 * cast >= electorate)
            };
            let approved = if protocol { 3 * ayes >= 2 * cast } else { 2 * ayes > cast };
            let expected_tally = Tally { ayes, nays, electorate, excluded: 0 };
            assert_eq!(outcome(0), Some((reached && approved, expected_tally)));
            let refunded = Balances::balance(&1) == 10_000;
            assert_eq!(refunded, quorum);
        });
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Issue 10: for random electorates, weights and votes (aye, nay or abstain), and weights
    /// changed at random after the votes, nothing passes the Protocol class (Root) with ayes below
    /// two thirds of the electorate's weight frozen at the proposal, whatever the nays and
    /// abstentions; and with ayes at or above it and no nays, it passes.
    #[test]
    fn protocol_never_passes_below_two_thirds_of_the_electorate(
        weights in proptest::collection::vec(1u32..=1_000, 1..=16),
        votes in proptest::collection::vec(0u8..3, 16),
        later in proptest::collection::vec(1u32..=1_000_000, 16),
    ) {
        new_test_ext().execute_with(|| -> Result<(), TestCaseError> {
            let members: Vec<(u64, u32)> = weights.iter().enumerate().map(|(i, w)| (i as u64 + 1, *w)).collect();
            Members::set(members.clone());
            assert_ok!(propose(1, ProposalClass::Protocol, set_storage(1)));
            let mut ayes = 0u64;
            let mut nays = 0u64;
            for (i, (who, w)) in members.iter().enumerate() {
                match votes[i] {
                    0 => {
                        assert_ok!(Roundtable::vote(RuntimeOrigin::signed(*who), 0, true));
                        ayes += *w as u64;
                    },
                    1 => {
                        assert_ok!(Roundtable::vote(RuntimeOrigin::signed(*who), 0, false));
                        nays += *w as u64;
                    },
                    _ => {},
                }
            }
            // Weights change mid-vote (e.g. an enacted set_weights): nothing may follow from it.
            Members::set(members.iter().enumerate().map(|(i, (who, _))| (*who, later[i])).collect());
            let electorate: u64 = members.iter().map(|(_, w)| *w as u64).sum();
            run_to(1 + PERIOD + 1 + DELAY);
            let passed = matches!(outcome(0), Some((true, _)));
            let enacted = sp_io::storage::get(b"rtkey").is_some();
            prop_assert_eq!(passed, enacted);
            if 3 * ayes < 2 * electorate {
                prop_assert!(!passed, "passed with {} ayes, {} nays of {}", ayes, nays, electorate);
            }
            if nays == 0 && ayes > 0 && 3 * ayes >= 2 * electorate {
                prop_assert!(passed);
            }
            Ok(())
        })?;
    }

    /// The same on the tally alone, with extreme weights, and for a removal poll: with an
    /// accused, ayes must also exceed half of the electorate plus the accused's weight.
    #[test]
    fn tally_never_passes_protocol_or_removal_below_the_floor(
        electorate in 0u64..=u64::MAX / 4,
        ayes_share in 0u64..=1_000_000,
        nays in 0u64..=u64::MAX / 4,
        excluded in 0u64..=u64::MAX / 4,
    ) {
        let ayes = ((electorate as u128 * ayes_share as u128) / 1_000_000) as u64;
        for class in [ProposalClass::Protocol, ProposalClass::PartnerRemoval] {
            let p = crate::pallet::Pallet::<Test>::default_params(class);
            let t = Tally { ayes, nays, electorate, excluded: 0 };
            if (ayes as u128) * 3 < (electorate as u128) * 2 || ayes == 0 {
                prop_assert!(!t.passes(&p));
            }
            let r = Tally { ayes, nays, electorate, excluded };
            if excluded > 0 && (ayes as u128) * 2 <= electorate as u128 + excluded as u128 {
                prop_assert!(!r.passes(&p));
            }
        }
    }
}

/// Class parameters come from genesis (short periods on development chains, no compile-time
/// feature), under the rules `set_class_params` enforces.
#[test]
fn genesis_sets_class_parameters_under_the_same_rules() {
    use sp_runtime::BuildStorage;
    let fast = ClassParams { voting_period: 5u64, enactment_delay: 1, support: crate::SUPERMAJORITY, approval: crate::SUPERMAJORITY, strict: false };
    let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
    crate::GenesisConfig::<Test> { class_params: vec![(ProposalClass::Protocol, fast)], tracks: vec![] }.assimilate_storage(&mut t).unwrap();
    sp_io::TestExternalities::from(t).execute_with(|| {
        assert_eq!(Roundtable::params(ProposalClass::Protocol), fast);
        assert_eq!(Roundtable::params(ProposalClass::Ordinary), Roundtable::default_params(ProposalClass::Ordinary));
    });
}

#[test]
#[should_panic(expected = "parameters of Protocol refused")]
fn a_genesis_below_the_supermajority_is_refused() {
    use sp_runtime::BuildStorage;
    let weak = ClassParams { voting_period: 5u64, enactment_delay: 1, support: Fraction::new(1, 2), approval: crate::SUPERMAJORITY, strict: false };
    let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
    let _ = crate::GenesisConfig::<Test> { class_params: vec![(ProposalClass::Protocol, weak)], tracks: vec![] }.assimilate_storage(&mut t);
}

// ---------- polls: pallet-referenda voted by the roundtable on its tracks ----------

mod polls {
    use super::*;
    use crate::{tracks, PollElectorate, PollTally, PollVotes, Threshold, TrackParams, TrackParamsOf};
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

    /// On a removal poll the accused is left out, and the ayes must also be more than half of
    /// the electorate with it: of three equal partners, two remove the third.
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
            // Only the admin origin, never a track's own origin below Root.
            let fine = Roundtable::track(tracks::PROTOCOL);
            assert_noop!(Roundtable::set_track(RuntimeOrigin::from(crate::RawOrigin::Roundtable), tracks::PROTOCOL, fine), BadOrigin);
            assert_noop!(Roundtable::set_track(RuntimeOrigin::signed(1), tracks::PROTOCOL, fine), BadOrigin);
            let mut stricter = fine;
            stricter.support = Threshold::at_least(3, 4);
            assert_ok!(Roundtable::set_track(RuntimeOrigin::root(), tracks::PROTOCOL, stricter));
            assert_eq!(TrackParamsOf::<Test>::get(tracks::PROTOCOL), Some(stricter));
        });
        let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
        let mut weak: TrackParams<u64, u64> = new_test_ext().execute_with(|| Roundtable::track(tracks::PROTOCOL));
        weak.approval = Threshold::at_least(1, 2);
        let refused = std::panic::catch_unwind(move || {
            let _ = crate::GenesisConfig::<Test> { class_params: vec![], tracks: vec![(tracks::PROTOCOL, weak)] }
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
}
