//! Unit tests of the partner registry against the mock runtime.
use crate::mock::*;
use crate::{
    pallet, ActivePartner, ConsensusKind, CurrentRequirements, Error, Event, HoldReason, InstallerProvider, Obligation,
    PartnerOfChain, PartnerPenalties, PartnerProvider, PartnerStatus, ProofBridge, ReputationHandler, Requirements,
};
use sp_core::H256;
use sp_runtime::BuildStorage;
use frame_support::{
    assert_noop, assert_ok,
    traits::fungible::{Inspect, InspectHold},
};
use sp_runtime::DispatchError::BadOrigin;

const CHAIN: H256 = H256::repeat_byte(1);
const TERMS: H256 = H256::repeat_byte(9);
const REPORT: H256 = H256::repeat_byte(7);

fn events() -> Vec<Event<Test>> {
    System::events()
        .into_iter()
        .filter_map(|r| if let RuntimeEvent::Partners(e) = r.event { Some(e) } else { None })
        .collect()
}

fn last_event() -> Event<Test> {
    events().pop().expect("an event")
}

fn chain(who: u64) -> H256 {
    H256::repeat_byte(who as u8)
}

fn apply_as(who: u64) -> frame_support::dispatch::DispatchResult {
    Partners::apply(
        RuntimeOrigin::signed(who),
        b"chain".to_vec(),
        chain(who),
        ConsensusKind::ProofOfStake,
        NowSecs::get() - 2 * YEAR,
        who + 100,
        MIN_BOND,
    )
}

fn assessed(who: u64) {
    assert_ok!(apply_as(who));
    assert_ok!(Partners::assess(RuntimeOrigin::signed(ASSESSOR), who, true, REPORT));
}

fn integrating(who: u64) {
    assessed(who);
    assert_ok!(Partners::decide(RuntimeOrigin::root(), who, true));
}

fn proven(who: u64) {
    integrating(who);
    assert_ok!(Partners::register_relayers(RuntimeOrigin::signed(who), vec![who + 200]));
    assert_ok!(<Partners as ProofBridge<u64>>::header_verified(&who, 150));
}

fn active(who: u64) {
    proven(who);
    assert_ok!(Partners::propose_agreement(RuntimeOrigin::root(), who, TERMS, 2, 3, vec![Obligation::RunBridgeNodes]));
    assert_ok!(Partners::sign_agreement(RuntimeOrigin::signed(who), TERMS));
}

fn status(who: u64) -> Option<PartnerStatus> {
    pallet::Partners::<Test>::get(who).map(|p| p.status)
}

fn held(who: u64) -> u64 {
    Balances::balance_on_hold(&HoldReason::PartnerBond.into(), &who)
}

fn check() {
    Partners::do_try_state().expect("invariants hold");
}

// ---------- apply ----------

#[test]
fn apply_stores_record_holds_bond_and_emits_event() {
    new_test_ext().execute_with(|| {
        assert_ok!(apply_as(1));
        let p = pallet::Partners::<Test>::get(1).unwrap();
        assert_eq!(p.status, PartnerStatus::AwaitingAssessment);
        assert_eq!(p.chain_id, chain(1));
        assert_eq!(p.payout, 101);
        assert_eq!(p.bond, MIN_BOND);
        assert_eq!(p.reputation, 500);
        assert_eq!(p.validator_count, 0);
        assert_eq!(p.timeline.applied, 1);
        assert_eq!(held(1), MIN_BOND);
        assert_eq!(Balances::balance(&1), 100_000 - MIN_BOND);
        assert_eq!(PartnerOfChain::<Test>::get(chain(1)), Some(1));
        assert_eq!(last_event(), Event::Applied { who: 1, chain_id: chain(1), bond: MIN_BOND });
        check();
    });
}

#[test]
fn apply_requires_signed_origin() {
    new_test_ext().execute_with(|| {
        assert_noop!(
            Partners::apply(RuntimeOrigin::root(), b"c".to_vec(), CHAIN, ConsensusKind::Bft, 0, 1, MIN_BOND),
            BadOrigin
        );
    });
}

fn apply_with(since: u64, bond: u64) -> frame_support::dispatch::DispatchResult {
    Partners::apply(RuntimeOrigin::signed(1), b"c".to_vec(), CHAIN, ConsensusKind::ProofOfWork, since, 1, bond)
}

#[test]
fn apply_rejects_unmet_requirements_and_stores_nothing() {
    new_test_ext().execute_with(|| {
        let now = NowSecs::get();
        assert_noop!(apply_with(now - YEAR + 1, MIN_BOND), Error::<Test>::NotOperationalLongEnough);
        assert_noop!(apply_with(now + 1, MIN_BOND), Error::<Test>::OperationalSinceInFuture);
        assert_noop!(apply_with(now - YEAR, MIN_BOND - 1), Error::<Test>::BondTooLow);
        assert_noop!(apply_with(now - YEAR, 100_001), Error::<Test>::InsufficientBalance);
        assert!(events().is_empty());
        // Exactly at every boundary is accepted. The validator count is nobody's word: it
        // comes from the bridge's verified set (`header_verified`).
        assert_ok!(apply_with(now - YEAR, MIN_BOND));
        assert_eq!(pallet::Partners::<Test>::get(1).unwrap().validator_count, 0);
        check();
    });
}

#[test]
fn apply_checks_name_duplicates_and_capacity() {
    new_test_ext().execute_with(|| {
        let since = NowSecs::get() - 2 * YEAR;
        let ap = |who: u64, name: Vec<u8>, id: H256| {
            Partners::apply(RuntimeOrigin::signed(who), name, id, ConsensusKind::Hybrid, since, who, MIN_BOND)
        };
        assert_noop!(ap(1, vec![], CHAIN), Error::<Test>::EmptyName);
        assert_noop!(ap(1, vec![b'x'; 17], CHAIN), Error::<Test>::NameTooLong);
        assert_ok!(ap(1, vec![b'x'; 16], CHAIN));
        assert_noop!(ap(1, b"again".to_vec(), chain(2)), Error::<Test>::AlreadyPartner);
        assert_noop!(ap(2, b"same chain".to_vec(), CHAIN), Error::<Test>::ChainAlreadyRegistered);
        for w in 2..=4 {
            assert_ok!(ap(w, b"c".to_vec(), chain(w + 10)));
        }
        assert_eq!(pallet::Partners::<Test>::count(), 4);
        assert_noop!(ap(5, b"c".to_vec(), chain(50)), Error::<Test>::TooManyPartners);
        check();
    });
}

// ---------- requirements ----------

#[test]
fn set_requirements_changes_what_apply_accepts() {
    new_test_ext().execute_with(|| {
        let r = Requirements { min_operational_secs: 0, min_validators: 4, min_bond: 10 };
        assert_noop!(Partners::set_requirements(RuntimeOrigin::signed(1), r), BadOrigin);
        assert_ok!(Partners::set_requirements(RuntimeOrigin::root(), r));
        assert_eq!(CurrentRequirements::<Test>::get(), r);
        assert_eq!(Partners::requirements(), r);
        assert_eq!(last_event(), Event::RequirementsSet { requirements: r });
        assert_ok!(apply_with(NowSecs::get(), 10));
    });
}

#[test]
fn default_requirements_are_one_year_and_100_validators() {
    sp_io::TestExternalities::default().execute_with(|| {
        let r = CurrentRequirements::<Test>::get();
        assert_eq!(r.min_operational_secs, YEAR);
        assert_eq!(r.min_validators, 100);
    });
}

// ---------- assess ----------

#[test]
fn assess_pass_moves_to_vote() {
    new_test_ext().execute_with(|| {
        assert_ok!(apply_as(1));
        System::set_block_number(5);
        assert_ok!(Partners::assess(RuntimeOrigin::signed(ASSESSOR), 1, true, REPORT));
        let p = pallet::Partners::<Test>::get(1).unwrap();
        assert_eq!(p.status, PartnerStatus::AwaitingVote);
        assert_eq!(p.assessment_report, Some(REPORT));
        assert_eq!(p.timeline.assessed, Some(5));
        assert_eq!(last_event(), Event::AssessmentPassed { who: 1, report: REPORT });
    });
}

#[test]
fn assess_fail_removes_and_refunds() {
    new_test_ext().execute_with(|| {
        assert_ok!(apply_as(1));
        assert_ok!(Partners::assess(RuntimeOrigin::signed(ASSESSOR), 1, false, REPORT));
        assert_eq!(status(1), None);
        assert_eq!(held(1), 0);
        assert_eq!(Balances::balance(&1), 100_000);
        assert_eq!(PartnerOfChain::<Test>::get(chain(1)), None);
        assert_eq!(last_event(), Event::AssessmentFailed { who: 1, report: REPORT, refunded: MIN_BOND });
        // The chain may apply again.
        assert_ok!(apply_as(1));
        check();
    });
}

#[test]
fn assess_errors_and_origin() {
    new_test_ext().execute_with(|| {
        assert_noop!(Partners::assess(RuntimeOrigin::signed(ASSESSOR), 1, true, REPORT), Error::<Test>::NotPartner);
        assert_ok!(apply_as(1));
        assert_noop!(Partners::assess(RuntimeOrigin::signed(2), 1, true, REPORT), BadOrigin);
        assert_noop!(Partners::assess(RuntimeOrigin::root(), 1, true, REPORT), BadOrigin);
        assert_ok!(Partners::assess(RuntimeOrigin::signed(ASSESSOR), 1, true, REPORT));
        assert_noop!(
            Partners::assess(RuntimeOrigin::signed(ASSESSOR), 1, true, REPORT),
            Error::<Test>::NotAwaitingAssessment
        );
    });
}

// ---------- decide ----------

#[test]
fn decide_approve_and_reject() {
    new_test_ext().execute_with(|| {
        assessed(1);
        assessed(2);
        System::set_block_number(3);
        assert_ok!(Partners::decide(RuntimeOrigin::root(), 1, true));
        assert_eq!(status(1), Some(PartnerStatus::Integrating));
        assert_eq!(pallet::Partners::<Test>::get(1).unwrap().timeline.decided, Some(3));
        assert_eq!(last_event(), Event::Approved { who: 1 });
        assert_ok!(Partners::decide(RuntimeOrigin::root(), 2, false));
        assert_eq!(status(2), None);
        assert_eq!(Balances::balance(&2), 100_000);
        assert_eq!(last_event(), Event::Rejected { who: 2, refunded: MIN_BOND });
        check();
    });
}

#[test]
fn decide_errors_and_origin() {
    new_test_ext().execute_with(|| {
        assert_noop!(Partners::decide(RuntimeOrigin::root(), 1, true), Error::<Test>::NotPartner);
        assert_ok!(apply_as(1));
        assert_noop!(Partners::decide(RuntimeOrigin::root(), 1, true), Error::<Test>::NotAwaitingVote);
        assert_ok!(Partners::assess(RuntimeOrigin::signed(ASSESSOR), 1, true, REPORT));
        assert_noop!(Partners::decide(RuntimeOrigin::signed(1), 1, true), BadOrigin);
        assert_noop!(Partners::decide(RuntimeOrigin::signed(ASSESSOR), 1, true), BadOrigin);
    });
}

// ---------- relayers & first proof ----------

#[test]
fn register_relayers_indexes_and_replaces() {
    new_test_ext().execute_with(|| {
        integrating(1);
        assert_ok!(Partners::register_relayers(RuntimeOrigin::signed(1), vec![20, 21]));
        assert_eq!(last_event(), Event::RelayersRegistered { who: 1, count: 2 });
        assert_eq!(<Partners as ProofBridge<u64>>::partner_of_relayer(&20), Some(1));
        assert_ok!(Partners::register_relayers(RuntimeOrigin::signed(1), vec![21, 22, 23]));
        assert_eq!(<Partners as ProofBridge<u64>>::partner_of_relayer(&20), None);
        assert_eq!(<Partners as ProofBridge<u64>>::partner_of_relayer(&23), Some(1));
        assert_eq!(pallet::Partners::<Test>::get(1).unwrap().relayers.to_vec(), vec![21, 22, 23]);
        check();
    });
}

#[test]
fn register_relayers_errors() {
    new_test_ext().execute_with(|| {
        assert_noop!(Partners::register_relayers(RuntimeOrigin::signed(1), vec![20]), Error::<Test>::NotPartner);
        assert_noop!(Partners::register_relayers(RuntimeOrigin::root(), vec![20]), BadOrigin);
        assessed(1);
        assert_noop!(Partners::register_relayers(RuntimeOrigin::signed(1), vec![20]), Error::<Test>::NotIntegrating);
        assert_ok!(Partners::decide(RuntimeOrigin::root(), 1, true));
        assert_noop!(Partners::register_relayers(RuntimeOrigin::signed(1), vec![]), Error::<Test>::NoRelayers);
        assert_noop!(
            Partners::register_relayers(RuntimeOrigin::signed(1), vec![20, 21, 22, 23]),
            Error::<Test>::TooManyRelayers
        );
        assert_noop!(Partners::register_relayers(RuntimeOrigin::signed(1), vec![20, 21, 20]), Error::<Test>::DuplicateRelayer);
        integrating(2);
        assert_ok!(Partners::register_relayers(RuntimeOrigin::signed(2), vec![30]));
        assert_noop!(Partners::register_relayers(RuntimeOrigin::signed(1), vec![20, 30]), Error::<Test>::RelayerInUse);
    });
}

#[test]
fn a_verified_header_confirms_the_first_proof_only_with_enough_validators() {
    new_test_ext().execute_with(|| {
        let verified = |w: u64, n: u32| <Partners as ProofBridge<u64>>::header_verified(&w, n);
        let first_proof = |w: u64| pallet::Partners::<Test>::get(w).unwrap().timeline.first_proof;
        assert_noop!(verified(1, 150), Error::<Test>::NotPartner);
        assert_eq!(<Partners as ProofBridge<u64>>::chain_of(&1), None);
        assessed(1);
        assert_eq!(<Partners as ProofBridge<u64>>::chain_of(&1), Some(chain(1)));
        // Before approval a verified header is no first proof; the count is recorded.
        assert_ok!(verified(1, 7));
        assert_eq!(pallet::Partners::<Test>::get(1).unwrap().validator_count, 7);
        assert_eq!(first_proof(1), None);
        assert_ok!(Partners::decide(RuntimeOrigin::root(), 1, true));
        // Without relayers neither.
        assert_ok!(verified(1, 150));
        assert_eq!(first_proof(1), None);
        assert_ok!(Partners::register_relayers(RuntimeOrigin::signed(1), vec![20]));
        // A verified set below the requirement (100) confirms nothing and changes nothing.
        assert_noop!(verified(1, 99), Error::<Test>::TooFewValidators);
        System::set_block_number(8);
        assert_ok!(verified(1, 100));
        assert_eq!(first_proof(1), Some(8));
        assert_eq!(last_event(), Event::FirstProofConfirmed { who: 1, validators: 100 });
        // Later headers update the count and confirm nothing again.
        System::set_block_number(9);
        assert_ok!(verified(1, 40));
        assert_eq!(first_proof(1), Some(8));
        assert_eq!(pallet::Partners::<Test>::get(1).unwrap().validator_count, 40);
        assert_eq!(events().iter().filter(|e| matches!(e, Event::FirstProofConfirmed { .. })).count(), 1);
    });
}

// ---------- agreement ----------

#[test]
fn propose_and_sign_agreement_activates() {
    new_test_ext().execute_with(|| {
        proven(1);
        assert!(!<Partners as PartnerProvider<u64>>::is_active_member(&1));
        assert_ok!(Partners::propose_agreement(
            RuntimeOrigin::root(),
            1,
            TERMS,
            2,
            3,
            vec![Obligation::ZeroCostProofRetrieval, Obligation::Custom(REPORT)]
        ));
        assert_eq!(last_event(), Event::AgreementProposed { who: 1, terms_hash: TERMS, revenue_weight: 2, vote_weight: 3 });
        // Proposed is not signed: still no member.
        assert_eq!(<Partners as PartnerProvider<u64>>::vote_weight(&1), None);
        System::set_block_number(9);
        assert_ok!(Partners::sign_agreement(RuntimeOrigin::signed(1), TERMS));
        assert_eq!(last_event(), Event::Activated { who: 1, terms_hash: TERMS });
        let p = pallet::Partners::<Test>::get(1).unwrap();
        assert_eq!(p.status, PartnerStatus::Active);
        assert_eq!(p.timeline.activated, Some(9));
        assert_eq!(p.agreement.unwrap().signed_at, Some(9));
        assert!(<Partners as PartnerProvider<u64>>::is_active_member(&1));
        assert_eq!(<Partners as PartnerProvider<u64>>::vote_weight(&1), Some(3));
        assert_eq!(
            <Partners as PartnerProvider<u64>>::active_partners(),
            vec![ActivePartner { who: 1, payout: 101, revenue_weight: 2, vote_weight: 3, revenue_withheld: false }]
        );
        assert_eq!(<Partners as PartnerProvider<u64>>::total_vote_weight(), 3);
        check();
    });
}

#[test]
fn propose_agreement_errors() {
    new_test_ext().execute_with(|| {
        let pa = |o: RuntimeOrigin, rw: u32, vw: u32, obl: Vec<Obligation>| Partners::propose_agreement(o, 1, TERMS, rw, vw, obl);
        assert_noop!(pa(RuntimeOrigin::root(), 1, 1, vec![]), Error::<Test>::NotPartner);
        assessed(1);
        assert_noop!(pa(RuntimeOrigin::root(), 1, 1, vec![]), Error::<Test>::NotIntegrating);
        assert_ok!(Partners::decide(RuntimeOrigin::root(), 1, true));
        assert_noop!(pa(RuntimeOrigin::signed(1), 1, 1, vec![]), BadOrigin);
        assert_noop!(pa(RuntimeOrigin::root(), 0, 1, vec![]), Error::<Test>::ZeroWeight);
        assert_noop!(pa(RuntimeOrigin::root(), 1, 0, vec![]), Error::<Test>::ZeroWeight);
        assert_noop!(
            pa(RuntimeOrigin::root(), 1, 1, vec![Obligation::RunBridgeNodes; 3]),
            Error::<Test>::TooManyObligations
        );
        assert_ok!(pa(RuntimeOrigin::root(), 1, 1, vec![Obligation::RunBridgeNodes; 2]));
    });
}

#[test]
fn sign_agreement_errors() {
    new_test_ext().execute_with(|| {
        assert_noop!(Partners::sign_agreement(RuntimeOrigin::signed(1), TERMS), Error::<Test>::NotPartner);
        assert_noop!(Partners::sign_agreement(RuntimeOrigin::root(), TERMS), BadOrigin);
        assessed(1);
        assert_noop!(Partners::sign_agreement(RuntimeOrigin::signed(1), TERMS), Error::<Test>::NotIntegrating);
        assert_ok!(Partners::decide(RuntimeOrigin::root(), 1, true));
        assert_ok!(Partners::propose_agreement(RuntimeOrigin::root(), 1, TERMS, 1, 1, vec![]));
        assert_noop!(Partners::sign_agreement(RuntimeOrigin::signed(1), TERMS), Error::<Test>::FirstProofMissing);
        integrating(2);
        assert_ok!(Partners::register_relayers(RuntimeOrigin::signed(2), vec![40]));
        assert_ok!(<Partners as ProofBridge<u64>>::header_verified(&2, 100));
        assert_noop!(Partners::sign_agreement(RuntimeOrigin::signed(2), TERMS), Error::<Test>::NoAgreementProposed);
        assert_ok!(Partners::propose_agreement(RuntimeOrigin::root(), 2, TERMS, 1, 1, vec![]));
        assert_noop!(Partners::sign_agreement(RuntimeOrigin::signed(2), REPORT), Error::<Test>::TermsMismatch);
        assert_ok!(Partners::sign_agreement(RuntimeOrigin::signed(2), TERMS));
        assert_noop!(Partners::sign_agreement(RuntimeOrigin::signed(2), TERMS), Error::<Test>::NotIntegrating);
    });
}

#[test]
fn set_weights_rules() {
    new_test_ext().execute_with(|| {
        assert_noop!(Partners::set_weights(RuntimeOrigin::root(), 1, 1, 1), Error::<Test>::NotPartner);
        proven(1);
        assert_noop!(Partners::set_weights(RuntimeOrigin::root(), 1, 1, 1), Error::<Test>::NotActive);
        assert_ok!(Partners::propose_agreement(RuntimeOrigin::root(), 1, TERMS, 1, 1, vec![]));
        assert_ok!(Partners::sign_agreement(RuntimeOrigin::signed(1), TERMS));
        assert_noop!(Partners::set_weights(RuntimeOrigin::signed(1), 1, 5, 6), BadOrigin);
        assert_noop!(Partners::set_weights(RuntimeOrigin::root(), 1, 0, 6), Error::<Test>::ZeroWeight);
        assert_ok!(Partners::set_weights(RuntimeOrigin::root(), 1, 5, 6));
        assert_eq!(last_event(), Event::WeightsSet { who: 1, revenue_weight: 5, vote_weight: 6 });
        assert_eq!(<Partners as PartnerProvider<u64>>::vote_weight(&1), Some(6));
        assert_eq!(<Partners as PartnerProvider<u64>>::active_partners()[0].revenue_weight, 5);
    });
}

#[test]
fn set_payout_rules() {
    new_test_ext().execute_with(|| {
        assert_noop!(Partners::set_payout(RuntimeOrigin::signed(1), 7), Error::<Test>::NotPartner);
        assert_noop!(Partners::set_payout(RuntimeOrigin::root(), 7), BadOrigin);
        active(1);
        assert_ok!(Partners::set_payout(RuntimeOrigin::signed(1), 7));
        assert_eq!(last_event(), Event::PayoutSet { who: 1, payout: 7 });
        assert_eq!(<Partners as PartnerProvider<u64>>::active_partners()[0].payout, 7);
    });
}

// ---------- suspension, exit, removal ----------

#[test]
fn suspend_and_resume() {
    new_test_ext().execute_with(|| {
        assert_noop!(Partners::suspend(RuntimeOrigin::root(), 1), Error::<Test>::NotPartner);
        integrating(2);
        assert_noop!(Partners::suspend(RuntimeOrigin::root(), 2), Error::<Test>::NotActive);
        active(1);
        assert_noop!(Partners::suspend(RuntimeOrigin::signed(1), 1), BadOrigin);
        assert_noop!(Partners::resume(RuntimeOrigin::root(), 1), Error::<Test>::NotSuspended);
        assert_ok!(Partners::suspend(RuntimeOrigin::root(), 1));
        assert_eq!(last_event(), Event::Suspended { who: 1 });
        assert!(!<Partners as PartnerProvider<u64>>::is_active_member(&1));
        assert!(<Partners as PartnerProvider<u64>>::active_partners().is_empty());
        assert_noop!(Partners::suspend(RuntimeOrigin::root(), 1), Error::<Test>::NotActive);
        assert_noop!(Partners::resume(RuntimeOrigin::signed(1), 1), BadOrigin);
        assert_noop!(Partners::resume(RuntimeOrigin::root(), 3), Error::<Test>::NotPartner);
        assert_ok!(Partners::resume(RuntimeOrigin::root(), 1));
        assert_eq!(last_event(), Event::Resumed { who: 1 });
        assert!(<Partners as PartnerProvider<u64>>::is_active_member(&1));
    });
}

#[test]
fn exit_unbonds_then_withdraws() {
    new_test_ext().execute_with(|| {
        active(1);
        assert_noop!(Partners::withdraw_bond(RuntimeOrigin::signed(1)), Error::<Test>::NotExiting);
        System::set_block_number(4);
        assert_ok!(Partners::request_exit(RuntimeOrigin::signed(1)));
        assert_eq!(last_event(), Event::ExitRequested { who: 1, unbond_at: 14 });
        assert_eq!(status(1), Some(PartnerStatus::Exiting));
        assert!(!<Partners as PartnerProvider<u64>>::is_active_member(&1));
        // Relayers no longer count.
        assert_eq!(<Partners as ProofBridge<u64>>::partner_of_relayer(&201), None);
        assert_noop!(Partners::request_exit(RuntimeOrigin::signed(1)), Error::<Test>::AlreadyExiting);
        System::set_block_number(13);
        assert_noop!(Partners::withdraw_bond(RuntimeOrigin::signed(1)), Error::<Test>::UnbondingNotOver);
        assert_eq!(held(1), MIN_BOND);
        System::set_block_number(14);
        assert_ok!(Partners::withdraw_bond(RuntimeOrigin::signed(1)));
        assert_eq!(last_event(), Event::BondWithdrawn { who: 1, amount: MIN_BOND });
        assert_eq!(status(1), None);
        assert_eq!(Balances::balance(&1), 100_000);
        check();
    });
}

#[test]
fn exit_and_withdraw_errors() {
    new_test_ext().execute_with(|| {
        assert_noop!(Partners::request_exit(RuntimeOrigin::signed(1)), Error::<Test>::NotPartner);
        assert_noop!(Partners::request_exit(RuntimeOrigin::root()), BadOrigin);
        assert_noop!(Partners::withdraw_bond(RuntimeOrigin::signed(1)), Error::<Test>::NotPartner);
        assert_noop!(Partners::withdraw_bond(RuntimeOrigin::root()), BadOrigin);
        // An applicant may withdraw its application the same way.
        assert_ok!(apply_as(1));
        assert_ok!(Partners::request_exit(RuntimeOrigin::signed(1)));
        System::set_block_number(11);
        assert_ok!(Partners::withdraw_bond(RuntimeOrigin::signed(1)));
        assert_eq!(Balances::balance(&1), 100_000);
    });
}

#[test]
fn remove_by_governance() {
    new_test_ext().execute_with(|| {
        assert_noop!(Partners::remove(RuntimeOrigin::root(), 1), Error::<Test>::NotPartner);
        active(1);
        assert_noop!(Partners::remove(RuntimeOrigin::signed(1), 1), BadOrigin);
        assert_ok!(Partners::remove(RuntimeOrigin::root(), 1));
        assert_eq!(last_event(), Event::Removed { who: 1, unbond_at: 11 });
        assert_eq!(status(1), Some(PartnerStatus::Removed));
        assert!(!<Partners as PartnerProvider<u64>>::is_active_member(&1));
        assert_noop!(Partners::remove(RuntimeOrigin::root(), 1), Error::<Test>::AlreadyExiting);
        assert_noop!(Partners::request_exit(RuntimeOrigin::signed(1)), Error::<Test>::AlreadyExiting);
        System::set_block_number(11);
        assert_ok!(Partners::withdraw_bond(RuntimeOrigin::signed(1)));
        check();
    });
}

// ---------- penalties & reputation ----------

#[test]
fn slash_bond_reduces_bond_and_reputation() {
    new_test_ext().execute_with(|| {
        active(1);
        let issuance = Balances::total_issuance();
        let slashed = <Partners as PartnerPenalties<u64, u64>>::slash_bond(&1, 400).unwrap();
        assert_eq!(slashed, 400);
        assert_eq!(held(1), MIN_BOND - 400);
        assert_eq!(Balances::total_issuance(), issuance - 400);
        let p = pallet::Partners::<Test>::get(1).unwrap();
        assert_eq!(p.bond, MIN_BOND - 400);
        assert_eq!(p.reputation, 300);
        assert!(events().contains(&Event::BondSlashed { who: 1, amount: 400 }));
        assert_eq!(last_event(), Event::ReputationChanged { who: 1, old: 500, new: 300 });
        // More than the bond: only the bond is slashed.
        assert_eq!(<Partners as PartnerPenalties<u64, u64>>::slash_bond(&1, 5_000).unwrap(), MIN_BOND - 400);
        assert_eq!(held(1), 0);
        assert_eq!(Balances::balance(&1), 100_000 - MIN_BOND);
        assert_eq!(
            <Partners as PartnerPenalties<u64, u64>>::slash_bond(&9, 1),
            Err(Error::<Test>::NotPartner.into())
        );
        check();
    });
}

#[test]
fn slash_is_possible_during_unbonding() {
    new_test_ext().execute_with(|| {
        active(1);
        assert_ok!(Partners::request_exit(RuntimeOrigin::signed(1)));
        assert_eq!(<Partners as PartnerPenalties<u64, u64>>::slash_bond(&1, 100), Ok(100));
        System::set_block_number(11);
        assert_ok!(Partners::withdraw_bond(RuntimeOrigin::signed(1)));
        assert_eq!(last_event(), Event::BondWithdrawn { who: 1, amount: MIN_BOND - 100 });
        assert_eq!(Balances::balance(&1), 100_000 - 100);
    });
}

#[test]
fn penalties_suspend() {
    new_test_ext().execute_with(|| {
        active(1);
        assert_ok!(<Partners as PartnerPenalties<u64, u64>>::suspend(&1));
        assert_eq!(status(1), Some(PartnerStatus::Suspended));
        assert_eq!(<Partners as PartnerPenalties<u64, u64>>::suspend(&1), Err(Error::<Test>::NotActive.into()));
    });
}

#[test]
fn reputation_is_bounded() {
    new_test_ext().execute_with(|| {
        active(1);
        for _ in 0..100 {
            <Partners as ReputationHandler<u64>>::proof_delivered(&1);
        }
        assert_eq!(pallet::Partners::<Test>::get(1).unwrap().reputation, 1000);
        <Partners as ReputationHandler<u64>>::duty_missed(&1);
        assert_eq!(pallet::Partners::<Test>::get(1).unwrap().reputation, 950);
        assert_eq!(last_event(), Event::ReputationChanged { who: 1, old: 1000, new: 950 });
        for _ in 0..10 {
            <Partners as ReputationHandler<u64>>::dispute_lost(&1);
        }
        assert_eq!(pallet::Partners::<Test>::get(1).unwrap().reputation, 0);
        // No change, no event; unknown accounts are ignored.
        let n = events().len();
        <Partners as ReputationHandler<u64>>::dispute_lost(&1);
        <Partners as ReputationHandler<u64>>::proof_delivered(&42);
        assert_eq!(events().len(), n);
    });
}

// ---------- installers ----------

#[test]
fn installer_register_leave_and_remove() {
    new_test_ext().execute_with(|| {
        assert_ok!(Partners::register_installer(RuntimeOrigin::signed(1), b"node-1".to_vec(), 50));
        assert_eq!(last_event(), Event::InstallerRegistered { who: 1, bond: 50 });
        assert_eq!(Balances::balance_on_hold(&HoldReason::InstallerBond.into(), &1), 50);
        assert_ok!(Partners::register_installer(RuntimeOrigin::signed(2), b"node-2".to_vec(), 0));
        assert!(<Partners as InstallerProvider<u64>>::is_installer(&2));
        let mut all = <Partners as InstallerProvider<u64>>::installers();
        all.sort();
        assert_eq!(all, vec![1, 2]);
        check();
        assert_ok!(Partners::leave_installer(RuntimeOrigin::signed(1)));
        assert_eq!(last_event(), Event::InstallerRemoved { who: 1, refunded: 50 });
        assert_eq!(Balances::balance(&1), 100_000);
        assert_ok!(Partners::remove_installer(RuntimeOrigin::root(), 2));
        assert_eq!(last_event(), Event::InstallerRemoved { who: 2, refunded: 0 });
        assert!(<Partners as InstallerProvider<u64>>::installers().is_empty());
    });
}

#[test]
fn installer_errors() {
    new_test_ext().execute_with(|| {
        assert_noop!(Partners::register_installer(RuntimeOrigin::root(), b"n".to_vec(), 0), BadOrigin);
        assert_noop!(Partners::register_installer(RuntimeOrigin::signed(1), vec![], 0), Error::<Test>::EmptyName);
        assert_noop!(Partners::register_installer(RuntimeOrigin::signed(1), vec![b'n'; 17], 0), Error::<Test>::NameTooLong);
        assert_noop!(
            Partners::register_installer(RuntimeOrigin::signed(1), b"n".to_vec(), 200_000),
            Error::<Test>::InsufficientBalance
        );
        assert_ok!(Partners::register_installer(RuntimeOrigin::signed(1), b"n".to_vec(), 0));
        assert_noop!(Partners::register_installer(RuntimeOrigin::signed(1), b"n".to_vec(), 0), Error::<Test>::AlreadyInstaller);
        assert_ok!(Partners::register_installer(RuntimeOrigin::signed(2), b"n".to_vec(), 0));
        assert_noop!(Partners::register_installer(RuntimeOrigin::signed(3), b"n".to_vec(), 0), Error::<Test>::TooManyInstallers);
        assert_noop!(Partners::remove_installer(RuntimeOrigin::signed(1), 1), BadOrigin);
        assert_noop!(Partners::remove_installer(RuntimeOrigin::root(), 5), Error::<Test>::NotInstaller);
        assert_noop!(Partners::leave_installer(RuntimeOrigin::signed(5)), Error::<Test>::NotInstaller);
        assert_noop!(Partners::leave_installer(RuntimeOrigin::root()), BadOrigin);
    });
}

// ---------- read API & genesis ----------

#[test]
fn partners_api_summaries() {
    new_test_ext().execute_with(|| {
        active(1);
        assert_ok!(apply_as(2));
        let mut all = Partners::partners();
        all.sort_by_key(|s| s.who);
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].status, PartnerStatus::Active);
        assert_eq!((all[0].revenue_weight, all[0].vote_weight, all[0].reputation), (2, 3, 500));
        assert_eq!(all[0].relayers, vec![201]);
        assert_eq!(all[0].chain_name, b"chain".to_vec());
        assert_eq!(all[1].status, PartnerStatus::AwaitingAssessment);
        assert_eq!((all[1].revenue_weight, all[1].vote_weight), (0, 0));
        assert_eq!(Partners::partner(2), Some(all[1].clone()));
        assert_eq!(Partners::partner(3), None);
    });
}

#[test]
fn genesis_partners_are_active_with_held_bond() {
    let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
    pallet_balances::GenesisConfig::<Test> { balances: vec![(1, 10_000), (2, 10_000)], ..Default::default() }
        .assimilate_storage(&mut t)
        .unwrap();
    crate::GenesisConfig::<Test> {
        requirements: None,
        partners: vec![(1, b"alpha".to_vec(), chain(1), 500), (2, b"beta".to_vec(), chain(2), 0)],
        health: None,
    }
    .assimilate_storage(&mut t)
    .unwrap();
    sp_io::TestExternalities::new(t).execute_with(|| {
        assert!(<Partners as PartnerProvider<u64>>::is_active_member(&1));
        assert!(<Partners as PartnerProvider<u64>>::is_active_member(&2));
        assert_eq!(<Partners as PartnerProvider<u64>>::total_vote_weight(), 2);
        assert_eq!(held(1), 500);
        assert_eq!(CurrentRequirements::<Test>::get().min_validators, 100);
        check();
    });
}

#[test]
fn full_lifecycle_event_sequence() {
    new_test_ext().execute_with(|| {
        active(1);
        let kinds: Vec<&'static str> = events()
            .iter()
            .map(|e| match e {
                Event::Applied { .. } => "applied",
                Event::AssessmentPassed { .. } => "assessed",
                Event::Approved { .. } => "approved",
                Event::RelayersRegistered { .. } => "relayers",
                Event::FirstProofConfirmed { .. } => "proof",
                Event::AgreementProposed { .. } => "proposed",
                Event::Activated { .. } => "activated",
                _ => "other",
            })
            .collect();
        assert_eq!(kinds, vec!["applied", "assessed", "approved", "relayers", "proof", "proposed", "activated"]);
        check();
    });
}

/// Issue 10, finding 6: a removed partner that never withdraws keeps its record, and with it its
/// chain id and a place in `MaxPartners`, for good: its chain cannot apply again under a new account.
#[test]
fn attack_a_removed_partner_that_never_withdraws_keeps_its_chain_id() {
    new_test_ext().execute_with(|| {
        active(1);
        assert_ok!(Partners::remove(RuntimeOrigin::root(), 1));
        System::set_block_number(System::block_number() + 10);
        let since = NowSecs::get() - 2 * YEAR;
        assert_ok!(Partners::apply(RuntimeOrigin::signed(2), b"again".to_vec(), chain(1), ConsensusKind::Hybrid, since, 2, MIN_BOND));
        assert_eq!(pallet::PartnerOfChain::<Test>::get(chain(1)), Some(2));
        assert_eq!(status(1), None, "the departed record was reaped, its bond released");
        assert_eq!(held(1), 0);
        check();
    });
}

/// Anyone reaps a departed partner after its unbonding (not before, not an active one); the bond
/// goes back to the partner and its place under `MaxPartners` is free.
#[test]
fn anyone_reaps_a_departed_partner_after_unbonding() {
    new_test_ext().execute_with(|| {
        active(1);
        assert_noop!(Partners::reap(RuntimeOrigin::signed(9), 1), Error::<Test>::NotExiting);
        assert_noop!(Partners::reap(RuntimeOrigin::signed(9), 5), Error::<Test>::NotPartner);
        assert_ok!(Partners::remove(RuntimeOrigin::root(), 1));
        assert_noop!(Partners::reap(RuntimeOrigin::signed(9), 1), Error::<Test>::UnbondingNotOver);
        // Nor can a new application take the chain id before then.
        let since = NowSecs::get() - 2 * YEAR;
        assert_noop!(
            Partners::apply(RuntimeOrigin::signed(2), b"again".to_vec(), chain(1), ConsensusKind::Hybrid, since, 2, MIN_BOND),
            Error::<Test>::ChainAlreadyRegistered
        );
        System::set_block_number(System::block_number() + 10);
        assert_noop!(Partners::reap(RuntimeOrigin::root(), 1), BadOrigin);
        let before = Balances::balance(&1);
        assert_ok!(Partners::reap(RuntimeOrigin::signed(9), 1));
        assert_eq!(last_event(), Event::BondWithdrawn { who: 1, amount: MIN_BOND });
        assert_eq!(status(1), None);
        assert_eq!(Balances::balance(&1), before + MIN_BOND);
        check();
    });
}

/// A departed partner with an open dispute against it keeps its bond held: neither it
/// (`withdraw_bond`), nor anyone (`reap`), nor an application for its chain id releases it.
#[test]
fn a_pending_dispute_keeps_a_departed_partners_bond() {
    new_test_ext().execute_with(|| {
        active(1);
        assert_ok!(Partners::remove(RuntimeOrigin::root(), 1));
        assert!(!<Partners as PartnerProvider<u64>>::is_unbonded(&1));
        System::set_block_number(System::block_number() + 10);
        assert!(<Partners as PartnerProvider<u64>>::is_unbonded(&1));
        DisputedPartners::set(vec![1]);
        assert_noop!(Partners::withdraw_bond(RuntimeOrigin::signed(1)), Error::<Test>::DisputePending);
        assert_noop!(Partners::reap(RuntimeOrigin::signed(9), 1), Error::<Test>::DisputePending);
        let since = NowSecs::get() - 2 * YEAR;
        assert_noop!(
            Partners::apply(RuntimeOrigin::signed(2), b"again".to_vec(), chain(1), ConsensusKind::Hybrid, since, 2, MIN_BOND),
            Error::<Test>::ChainAlreadyRegistered
        );
        DisputedPartners::set(vec![]);
        assert_ok!(Partners::reap(RuntimeOrigin::signed(9), 1));
        check();
    });
}

// ---------- health ----------

fn run_to(n: u64) {
    use frame_support::traits::Hooks;
    while System::block_number() < n {
        let next = System::block_number() + 1;
        System::set_block_number(next);
        Partners::on_initialize(next);
    }
}

fn policy(unhealthy_after: u64, withhold_after: u64) -> Option<crate::HealthPolicy<u64>> {
    Some(crate::HealthPolicy { unhealthy_after, withhold_after })
}

fn reputation(who: u64) -> u32 {
    pallet::Partners::<Test>::get(who).unwrap().reputation
}

fn withheld(who: u64) -> bool {
    <Partners as PartnerProvider<u64>>::active_partners().iter().find(|p| p.who == who).unwrap().revenue_withheld
}

#[test]
fn set_health_policy_rules() {
    new_test_ext().execute_with(|| {
        assert_noop!(Partners::set_health_policy(RuntimeOrigin::signed(1), policy(10, 20)), BadOrigin);
        assert_noop!(Partners::set_health_policy(RuntimeOrigin::root(), policy(0, 20)), Error::<Test>::InvalidHealthPolicy);
        assert_noop!(Partners::set_health_policy(RuntimeOrigin::root(), policy(20, 10)), Error::<Test>::InvalidHealthPolicy);
        assert_ok!(Partners::set_health_policy(RuntimeOrigin::root(), policy(10, 10)));
        assert_eq!(pallet::PartnerHealthPolicy::<Test>::get(), policy(10, 10));
        assert_eq!(last_event(), Event::HealthPolicySet { policy: policy(10, 10) });
        assert_ok!(Partners::set_health_policy(RuntimeOrigin::root(), None));
        assert_eq!(pallet::PartnerHealthPolicy::<Test>::get(), None);
    });
}

#[test]
fn a_silent_partner_is_marked_unhealthy_loses_reputation_each_period_then_its_revenue() {
    new_test_ext().execute_with(|| {
        active(1); // header verified in block 1
        active(2);
        assert_ok!(Partners::set_health_policy(RuntimeOrigin::root(), policy(10, 30)));
        let start = reputation(1);
        // Partner 2's relayer keeps delivering: a header every 8 blocks.
        for n in [9, 17, 25, 33, 41] {
            run_to(n);
            assert_ok!(<Partners as ProofBridge<u64>>::header_verified(&2, 150));
        }
        // Partner 1 was checked at 15 (14 blocks silent) and marked; penalised again at 25 and 35.
        let p = pallet::Partners::<Test>::get(1).unwrap();
        assert_eq!(p.timeline.unhealthy_since, Some(15));
        assert!(events().contains(&Event::PartnerUnhealthy { who: 1, last_header: Some(1) }));
        assert_eq!(reputation(1), start - 3 * 50);
        assert!(withheld(1), "40 blocks without a header: past withhold_after");
        // Partner 2 was never marked, never penalised, never withheld.
        assert!(!events().iter().any(|e| matches!(e, Event::PartnerUnhealthy { who: 2, .. })));
        assert_eq!(reputation(2), start);
        assert!(!withheld(2));
        let s = Partners::partner(1).unwrap();
        assert!(s.unhealthy);
        assert_eq!(s.blocks_since_header, Some(40));

        // A verified header recovers it at once: healthy, paid again, no penalty at the next check.
        assert_ok!(<Partners as ProofBridge<u64>>::header_verified(&1, 150));
        assert_eq!(last_event(), Event::PartnerRecovered { who: 1 });
        assert!(!withheld(1));
        assert!(!Partners::partner(1).unwrap().unhealthy);
        run_to(45);
        assert_eq!(reputation(1), start - 3 * 50);
        check();
    });
}

#[test]
fn withholding_comes_only_after_its_own_period() {
    new_test_ext().execute_with(|| {
        active(1);
        assert_ok!(Partners::set_health_policy(RuntimeOrigin::root(), policy(10, 30)));
        run_to(30);
        assert!(pallet::Partners::<Test>::get(1).unwrap().timeline.unhealthy_since.is_some());
        assert!(!withheld(1), "29 blocks silent");
        run_to(31);
        assert!(withheld(1), "30 blocks silent");
    });
}

#[test]
fn only_active_partners_are_checked_and_no_policy_checks_nobody() {
    new_test_ext().execute_with(|| {
        active(1);
        integrating(2);
        active(3);
        assert_ok!(Partners::suspend(RuntimeOrigin::root(), 3));
        run_to(100);
        assert!(!events().iter().any(|e| matches!(e, Event::PartnerUnhealthy { .. })), "no policy: no check");
        assert!(!withheld(1));
        assert_ok!(Partners::set_health_policy(RuntimeOrigin::root(), policy(10, 10)));
        run_to(110);
        let marked: Vec<u64> = events()
            .iter()
            .filter_map(|e| if let Event::PartnerUnhealthy { who, .. } = e { Some(*who) } else { None })
            .collect();
        assert_eq!(marked, vec![1], "an integrating or suspended partner has no duty to relay");
    });
}

#[test]
fn a_partner_never_relayed_since_genesis_counts_from_its_activation() {
    let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
    pallet_balances::GenesisConfig::<Test> { balances: vec![(1, 100_000)], ..Default::default() }
        .assimilate_storage(&mut t)
        .unwrap();
    crate::GenesisConfig::<Test> {
        requirements: None,
        partners: vec![(1, b"one".to_vec(), CHAIN, MIN_BOND)],
        health: policy(10, 20),
    }
    .assimilate_storage(&mut t)
    .unwrap();
    sp_io::TestExternalities::from(t).execute_with(|| {
        System::set_block_number(1);
        run_to(9);
        assert!(!events().iter().any(|e| matches!(e, Event::PartnerUnhealthy { .. })));
        assert_eq!(Partners::partner(1).unwrap().blocks_since_header, Some(9));
        // Activated in block 0 and never relayed: due at the check of block 10.
        run_to(10);
        assert!(events().contains(&Event::PartnerUnhealthy { who: 1, last_header: None }));
        assert_eq!(last_event(), Event::ReputationChanged { who: 1, old: 500, new: 450 });
        assert!(!withheld(1));
        run_to(20);
        assert_eq!(last_event(), Event::ReputationChanged { who: 1, old: 450, new: 400 });
        assert!(withheld(1));
    });
}

#[test]
#[should_panic(expected = "genesis health policy")]
fn an_invalid_genesis_health_policy_is_refused() {
    let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
    crate::GenesisConfig::<Test> { requirements: None, partners: vec![], health: policy(0, 0) }
        .assimilate_storage(&mut t)
        .unwrap();
}

#[test]
fn a_suspension_does_not_count_as_silence() {
    new_test_ext().execute_with(|| {
        active(1);
        assert_ok!(Partners::set_health_policy(RuntimeOrigin::root(), policy(10, 20)));
        assert_ok!(Partners::suspend(RuntimeOrigin::root(), 1));
        run_to(50);
        assert_ok!(Partners::resume(RuntimeOrigin::root(), 1));
        let start = reputation(1);
        assert_eq!(Partners::partner(1).unwrap().blocks_since_header, Some(0));
        assert!(!withheld(1));
        // Counted from the resumption: marked at the first check 10 blocks after it.
        run_to(59);
        assert_eq!(reputation(1), start);
        run_to(60);
        assert_eq!(reputation(1), start - 50);
        assert!(events().contains(&Event::PartnerUnhealthy { who: 1, last_header: Some(1) }));
    });
}

#[test]
fn a_new_policy_counts_silence_from_its_coming_into_force_only() {
    new_test_ext().execute_with(|| {
        active(1); // last header in block 1
        run_to(100);
        assert_ok!(Partners::set_health_policy(RuntimeOrigin::root(), policy(10, 10)));
        assert!(!withheld(1), "no duty before the policy");
        run_to(105);
        assert!(!events().iter().any(|e| matches!(e, Event::PartnerUnhealthy { .. })));
        run_to(110);
        assert!(events().contains(&Event::PartnerUnhealthy { who: 1, last_header: Some(1) }));
        assert!(withheld(1));
        // Tightening a policy in force does not restart the clocks.
        assert_ok!(Partners::set_health_policy(RuntimeOrigin::root(), policy(5, 5)));
        assert!(withheld(1));
    });
}

#[test]
fn a_recovered_partner_that_goes_silent_again_is_marked_and_penalised_afresh() {
    new_test_ext().execute_with(|| {
        active(1);
        assert_ok!(Partners::set_health_policy(RuntimeOrigin::root(), policy(10, 10)));
        let start = reputation(1);
        run_to(15);
        assert_eq!(reputation(1), start - 50);
        run_to(22);
        assert_ok!(<Partners as ProofBridge<u64>>::header_verified(&1, 150));
        // Silent again from 22: not marked at 25 or 30 (8 blocks), marked at 35 with a penalty,
        // although the last penalty (15) is more than a period ago only by coincidence.
        run_to(30);
        assert_eq!(reputation(1), start - 50);
        run_to(35);
        assert_eq!(reputation(1), start - 100);
        assert_eq!(pallet::Partners::<Test>::get(1).unwrap().timeline.unhealthy_since, Some(35));
        // And not twice in one period: the check at 40 takes nothing.
        run_to(40);
        assert_eq!(reputation(1), start - 100);
        run_to(45);
        assert_eq!(reputation(1), start - 150);
    });
}
