use crate::mock::*;
use crate::{
    CurrentSetId, Epoch, Error, Event, ForceConsents, ForcedChange, Members, SessionLength, SessionStart,
    Validators as ValidatorsStorage,
};
use bpci_primitives::BlsSessionKey;
use frame_support::{
    assert_noop, assert_ok,
    traits::{EstimateNextSessionRotation, OneSessionHandler},
    BoundedVec,
};
use pallet_session::ShouldEndSession;
use sp_core::H256;
use sp_runtime::{DispatchError, Permill};

fn session(keys: &[(u64, BlsSessionKey)]) -> impl Iterator<Item = (&u64, BlsSessionKey)> {
    keys.iter().map(|(a, k)| (a, *k))
}

fn root() -> RuntimeOrigin {
    RuntimeOrigin::root()
}

fn bls(ids: &[u8]) -> Vec<bpci_primitives::BlsPublic> {
    ids.iter().map(|i| key(*i).0).collect()
}

fn set(ids: &[u64]) -> BoundedVec<u64, frame_support::traits::ConstU32<4>> {
    BoundedVec::truncate_from(ids.to_vec())
}

fn last_event() -> RuntimeEvent {
    System::events().pop().expect("an event").event
}

// ---------------------------------------------------------------------------------------------
// Session handler: keys, set id.
// ---------------------------------------------------------------------------------------------

#[test]
fn genesis_session_sets_keys_in_order_with_set_id_zero() {
    new_test_ext().execute_with(|| {
        let keys = [(1, key(1)), (2, key(2))];
        Validators::on_genesis_session(session(&keys));
        let set = Validators::validator_set();
        assert_eq!(set.set_id, 0);
        assert_eq!(set.validators, vec![key(1).0, key(2).0]);
    });
}

#[test]
fn genesis_fills_members_epoch_and_session_start() {
    new_test_ext().execute_with(|| {
        assert_eq!(Members::<Test>::get().into_inner(), vec![1, 2, 3]);
        let set = Validators::validator_set();
        assert_eq!(set.set_id, 0);
        assert_eq!(set.validators, bls(&[1, 2, 3]));
        let epoch = Validators::epoch();
        assert_eq!(epoch.set, set);
        assert_eq!(epoch.root_hash, H256::zero());
        assert_eq!(epoch.root_number, 0);
        assert_eq!(SessionStart::<Test>::get(), 0);
        assert_eq!(SessionLength::<Test>::get(), 10, "DefaultSessionLength");
        assert_eq!(Validators::forced_change(), None);
    });
}

#[test]
fn set_id_changes_only_when_the_set_changes() {
    new_test_ext().execute_with(|| {
        let a = [(1, key(1)), (2, key(2))];
        Validators::on_genesis_session(session(&a));
        Validators::on_new_session(true, session(&a), session(&a));
        assert_eq!(CurrentSetId::<Test>::get(), 0, "same keys: no new set");
        Validators::on_new_session(false, session(&a), session(&a));
        assert_eq!(CurrentSetId::<Test>::get(), 0);

        let b = [(1, key(1)), (3, key(3))];
        Validators::on_new_session(true, session(&b), session(&b));
        assert_eq!(CurrentSetId::<Test>::get(), 1);
        assert_eq!(Validators::validator_set().validators, vec![key(1).0, key(3).0]);
    });
}

#[test]
fn oversized_sets_are_truncated_to_the_bound() {
    new_test_ext().execute_with(|| {
        let many: Vec<_> = (1..=6u8).map(|i| (i as u64, key(i))).collect();
        Validators::on_genesis_session(session(&many));
        assert_eq!(ValidatorsStorage::<Test>::get().len(), 4);
        assert_eq!(Members::<Test>::get().len(), 4);
    });
}

#[test]
fn rotations_without_membership_change_keep_the_set_id() {
    new_test_ext().execute_with(|| {
        run_to(35);
        assert_eq!(Session::current_index(), 3);
        assert_eq!(Validators::validator_set().set_id, 0);
        assert_eq!(Validators::validator_set().validators, bls(&[1, 2, 3]));
    });
}

// ---------------------------------------------------------------------------------------------
// add_validator / remove_validator
// ---------------------------------------------------------------------------------------------

#[test]
fn added_validator_is_active_after_two_rotations_with_a_new_set_id() {
    new_test_ext().execute_with(|| {
        assert_ok!(Validators::add_validator(root(), 4));
        assert_eq!(last_event(), RuntimeEvent::Validators(Event::ValidatorAdded { who: 4 }));
        assert_eq!(Members::<Test>::get().into_inner(), vec![1, 2, 3, 4]);

        run_to(10);
        assert_eq!(Session::current_index(), 1);
        assert_eq!(Validators::validator_set().validators, bls(&[1, 2, 3]), "queued, not active");
        assert_eq!(Validators::validator_set().set_id, 0);

        run_to(20);
        assert_eq!(Session::current_index(), 2);
        assert_eq!(Validators::validator_set().validators, bls(&[1, 2, 3, 4]));
        assert_eq!(Validators::validator_set().set_id, 1);
        assert_eq!(Session::validators(), vec![1, 2, 3, 4]);
    });
}

#[test]
fn add_validator_errors() {
    new_test_ext().execute_with(|| {
        assert_noop!(Validators::add_validator(RuntimeOrigin::signed(1), 4), DispatchError::BadOrigin);
        assert_noop!(Validators::add_validator(root(), 1), Error::<Test>::AlreadyMember);
        assert_noop!(Validators::add_validator(root(), 6), Error::<Test>::NoSessionKeys);
        assert_ok!(Validators::add_validator(root(), 4));
        assert_noop!(Validators::add_validator(root(), 5), Error::<Test>::TooManyValidators);
    });
}

#[test]
fn removed_validator_leaves_after_two_rotations() {
    new_test_ext().execute_with(|| {
        assert_ok!(Validators::remove_validator(root(), 2));
        assert_eq!(last_event(), RuntimeEvent::Validators(Event::ValidatorRemoved { who: 2 }));
        assert_eq!(Members::<Test>::get().into_inner(), vec![1, 3]);
        run_to(10);
        assert_eq!(Validators::validator_set().validators, bls(&[1, 2, 3]));
        run_to(20);
        assert_eq!(Validators::validator_set().validators, bls(&[1, 3]));
        assert_eq!(Validators::validator_set().set_id, 1);
    });
}

#[test]
fn remove_validator_errors() {
    new_test_ext().execute_with(|| {
        assert_noop!(Validators::remove_validator(RuntimeOrigin::signed(1), 2), DispatchError::BadOrigin);
        assert_noop!(Validators::remove_validator(root(), 4), Error::<Test>::NotMember);
        assert_ok!(Validators::remove_validator(root(), 2));
        assert_noop!(Validators::remove_validator(root(), 3), Error::<Test>::BelowMinimum);
    });
}

#[test]
fn members_fall_back_to_the_session_validators_when_never_filled() {
    new_test_ext().execute_with(|| {
        Members::<Test>::kill();
        assert_ok!(Validators::add_validator(root(), 4));
        assert_eq!(Members::<Test>::get().into_inner(), vec![1, 2, 3, 4]);
    });
}

// ---------------------------------------------------------------------------------------------
// Session length
// ---------------------------------------------------------------------------------------------

#[test]
fn should_end_session_honours_the_default_length() {
    new_test_ext().execute_with(|| {
        assert!(!Validators::should_end_session(9));
        assert!(Validators::should_end_session(10));
        run_to(9);
        assert_eq!(Session::current_index(), 0);
        run_to(10);
        assert_eq!(Session::current_index(), 1);
        assert_eq!(SessionStart::<Test>::get(), 10);
        assert!(!Validators::should_end_session(19));
        assert!(Validators::should_end_session(20));
    });
}

#[test]
fn set_session_length_changes_when_sessions_end() {
    new_test_ext().execute_with(|| {
        assert_ok!(Validators::set_session_length(root(), 3));
        assert_eq!(last_event(), RuntimeEvent::Validators(Event::SessionLengthSet { blocks: 3 }));
        assert_eq!(SessionLength::<Test>::get(), 3);
        run_to(2);
        assert_eq!(Session::current_index(), 0);
        run_to(3);
        assert_eq!(Session::current_index(), 1);
        run_to(5);
        assert_eq!(Session::current_index(), 1);
        run_to(6);
        assert_eq!(Session::current_index(), 2);
        // Lengthening applies to the running session too.
        assert_ok!(Validators::set_session_length(root(), 20));
        run_to(25);
        assert_eq!(Session::current_index(), 2);
        run_to(26);
        assert_eq!(Session::current_index(), 3);
    });
}

#[test]
fn set_session_length_errors() {
    new_test_ext().execute_with(|| {
        assert_noop!(Validators::set_session_length(RuntimeOrigin::signed(1), 5), DispatchError::BadOrigin);
        assert_noop!(Validators::set_session_length(root(), 0), Error::<Test>::ZeroSessionLength);
        assert_noop!(Validators::set_session_length(root(), 1), Error::<Test>::SessionLengthTooShort);
        assert_ok!(Validators::set_session_length(root(), 2));
    });
}

#[test]
fn next_session_rotation_estimates_follow_the_length() {
    new_test_ext().execute_with(|| {
        assert_eq!(Validators::average_session_length(), 10);
        assert_eq!(Validators::estimate_next_session_rotation(1).0, Some(10));
        assert_eq!(Validators::estimate_current_session_progress(1).0, Some(Permill::from_percent(20)));
        assert_eq!(Validators::estimate_current_session_progress(9).0, Some(Permill::from_percent(100)));
        run_to(10);
        assert_eq!(Validators::estimate_next_session_rotation(10).0, Some(20));
        assert_eq!(Validators::estimate_current_session_progress(10).0, Some(Permill::from_percent(10)));
        assert_ok!(Validators::set_session_length(root(), 4));
        assert_eq!(Validators::average_session_length(), 4);
        assert_eq!(Validators::estimate_next_session_rotation(12).0, Some(14));
        // Past due: the rotation happens in this block.
        assert_eq!(Validators::estimate_next_session_rotation(15).0, Some(15));
    });
}

// ---------------------------------------------------------------------------------------------
// force_set
// ---------------------------------------------------------------------------------------------

/// Attack (issue 9, finding 3): root forces a set on a healthy chain. Nothing may change: the
/// running set keeps certifying blocks, and a second set starting from a block of root's choosing
/// is how finality forks.
#[test]
fn force_set_on_a_healthy_chain_changes_nothing() {
    new_test_ext().execute_with(|| {
        run_to(4);
        let before = Validators::validator_set();
        assert_ok!(Validators::force_set(root(), set(&[5, 4])));
        run_to(40);
        assert_eq!(Validators::validator_set(), before, "no set change without a stall on chain");
        assert_eq!(Validators::forced_change(), None);
        assert_eq!(Validators::epoch().set, before);
    });
}

#[test]
fn a_forced_change_is_enacted_once_half_the_set_joined_one_run() {
    new_test_ext().execute_with(|| {
        run_to(3);
        assert_ok!(Validators::force_set(root(), set(&[5, 4])));
        assert_eq!(last_event(), RuntimeEvent::Validators(Event::ForceScheduled { members: 2 }));
        assert!(Validators::force_pending());
        // The first stall block of a run consents for nobody; each one that joins another
        // validator's run is its sealer's consent. Three validators: two consents.
        start_stall_block(4, 2);
        assert!(ForceConsents::<Test>::get().is_empty());
        start_stall_block(5, 0);
        assert!(System::events().iter().any(|e| e.event == RuntimeEvent::Validators(Event::ForceConsented { index: 0, consents: 1, needed: 2 })));
        assert!(Validators::force_pending());
        start_stall_block(6, 2);
        let active = Validators::validator_set();
        assert_eq!(active.validators, bls(&[5, 4]), "active in this block, in the given order");
        assert_eq!(active.set_id, 1);
        assert_eq!(Session::validators(), vec![5, 4]);
        assert_eq!(Session::current_index(), 2);
        assert_eq!(Validators::forced_change(), Some((1, 6)));
        assert!(!Validators::force_pending());
        assert_eq!(Members::<Test>::get().into_inner(), vec![5, 4]);
        assert_eq!(last_event(), RuntimeEvent::Validators(Event::ForcedSet { set_id: 1, block: 6 }));
        // The session clock restarts at the forced change.
        assert_eq!(SessionStart::<Test>::get(), 6);
        // The epoch is the node's business: it moves when a block names the new set.
        assert_eq!(Validators::epoch().set.set_id, 0);
        start_block(7, Some(1));
        assert_eq!(Validators::epoch().set, active);
        assert_eq!(Validators::epoch().root_number, 6);
        // Later rotations keep the forced set.
        run_to(30);
        assert_eq!(Validators::validator_set(), active);
    });
}

/// Attack (review of finding 3): a validator cut off from the rest (or a byzantine one) seals
/// stall blocks on its own. Of three validators, one alone must not replace the other two, which
/// may still finalize: its own run never consents, and it never resigns.
#[test]
fn a_validator_alone_on_its_run_never_consents() {
    new_test_ext().execute_with(|| {
        assert_ok!(Validators::force_set(root(), set(&[5, 4])));
        for n in 2..12 {
            start_stall_block(n, 1);
        }
        assert!(ForceConsents::<Test>::get().is_empty());
        assert!(Validators::force_pending());
        assert_eq!(Validators::validator_set().set_id, 0);
    });
}

/// Stall blocks consent only for their own sealer, and a repeated sealer is one consent. With
/// four validators the change needs two distinct consents.
#[test]
fn a_forced_change_needs_distinct_consents() {
    new_test_ext().execute_with(|| {
        assert_ok!(Validators::add_validator(root(), 4));
        run_to(25);
        start_block(26, Some(1));
        assert_eq!(Validators::epoch().set.validators.len(), 4);
        assert_ok!(Validators::force_set(root(), set(&[4, 5])));
        start_stall_block(27, 3);
        assert!(ForceConsents::<Test>::get().is_empty(), "the first block of a run consents for nobody");
        start_stall_block(28, 0);
        assert_eq!(ForceConsents::<Test>::get().into_inner(), vec![0]);
        start_stall_block(29, 0);
        assert_eq!(ForceConsents::<Test>::get().into_inner(), vec![0], "0 extending its own block is no second consent");
        start_stall_block(30, 3);
        assert_eq!(Validators::forced_change(), Some((2, 30)), "the second distinct consent enacts");
        assert_eq!(Validators::validator_set().validators, bls(&[4, 5]));
        assert!(ForceConsents::<Test>::get().is_empty());
    });
}

/// A stall block outside the set, or on a parent that is no stall block, consents for nobody.
#[test]
fn consents_need_a_stall_parent_and_a_member() {
    new_test_ext().execute_with(|| {
        assert_ok!(Validators::add_validator(root(), 4));
        run_to(25);
        start_block(26, Some(1));
        assert_ok!(Validators::force_set(root(), set(&[4, 5])));
        start_stall_block(27, 9);
        start_stall_block(28, 0);
        assert_eq!(ForceConsents::<Test>::get().into_inner(), vec![0], "9 is no member, 0 joined its run");
        start_block(29, Some(1));
        start_stall_block(30, 1);
        assert_eq!(ForceConsents::<Test>::get().into_inner(), vec![0], "a new run after an ordinary block");
        start_stall_block(31, 2);
        assert_eq!(Validators::forced_change(), Some((2, 31)));
    });
}

/// Stall blocks without a scheduled change consent to nothing, and consents given before a
/// cancellation do not count for a later schedule.
#[test]
fn consents_count_only_while_a_change_is_pending_and_cancelling_drops_them() {
    new_test_ext().execute_with(|| {
        assert_ok!(Validators::add_validator(root(), 4));
        run_to(25);
        start_block(26, Some(1));
        start_stall_block(27, 1);
        assert_ok!(Validators::force_set(root(), set(&[4, 5])));
        start_stall_block(28, 2);
        assert_eq!(ForceConsents::<Test>::get().into_inner(), vec![2]);
        assert_ok!(Validators::cancel_force(root()));
        assert_eq!(last_event(), RuntimeEvent::Validators(Event::ForceCancelled));
        assert_noop!(Validators::cancel_force(root()), Error::<Test>::NoPendingForce);
        assert_ok!(Validators::force_set(root(), set(&[4, 5])));
        start_stall_block(29, 1);
        assert!(Validators::force_pending(), "validator 2's consent was dropped with the cancellation");
        start_stall_block(30, 2);
        assert!(!Validators::force_pending());
    });
}

/// A new epoch (an ordinary hand-over) clears the consents: they name indices of the old set.
#[test]
fn a_new_epoch_clears_the_consents() {
    new_test_ext().execute_with(|| {
        assert_ok!(Validators::add_validator(root(), 4));
        run_to(25);
        start_block(26, Some(1));
        assert_ok!(Validators::force_set(root(), set(&[4, 5])));
        start_stall_block(27, 2);
        start_stall_block(28, 1);
        assert_eq!(ForceConsents::<Test>::get().into_inner(), vec![1]);
        assert_ok!(Validators::remove_validator(root(), 4));
        run_to(50);
        let next = Validators::validator_set().set_id;
        assert!(next > 1);
        start_block(51, Some(next));
        assert_eq!(Validators::epoch().set.set_id, next);
        assert!(ForceConsents::<Test>::get().is_empty());
        assert!(Validators::force_pending(), "the schedule itself stays");
    });
}

#[test]
fn forcing_the_running_set_still_starts_a_new_set_id() {
    new_test_ext().execute_with(|| {
        assert_ok!(Validators::force_set(root(), set(&[1, 2, 3])));
        start_stall_block(2, 0);
        start_stall_block(3, 1);
        start_stall_block(4, 0);
        assert_eq!(Validators::validator_set().set_id, 1);
        assert_eq!(Validators::validator_set().validators, bls(&[1, 2, 3]));
        assert_eq!(ForcedChange::<Test>::get(), Some((1, 4)));
    });
}

#[test]
fn force_set_errors() {
    new_test_ext().execute_with(|| {
        assert_noop!(Validators::force_set(RuntimeOrigin::signed(1), set(&[4])), DispatchError::BadOrigin);
        assert_noop!(Validators::force_set(root(), set(&[])), Error::<Test>::EmptySet);
        assert_noop!(Validators::force_set(root(), set(&[4, 5, 4])), Error::<Test>::DuplicateMember);
        assert_noop!(Validators::force_set(root(), set(&[4, 6])), Error::<Test>::NoSessionKeys);
        assert_noop!(Validators::cancel_force(RuntimeOrigin::signed(1)), DispatchError::BadOrigin);
        assert_eq!(ForcedChange::<Test>::get(), None);
        assert!(!Validators::force_pending());
    });
}

// ---------------------------------------------------------------------------------------------
// Epochs
// ---------------------------------------------------------------------------------------------

#[test]
fn epoch_stays_while_blocks_name_its_set_or_carry_no_digest() {
    new_test_ext().execute_with(|| {
        let before = Epoch::<Test>::get();
        start_block(2, Some(0));
        start_block(3, None);
        assert_eq!(Epoch::<Test>::get(), before);
        assert!(!System::events().iter().any(|e| matches!(e.event, RuntimeEvent::Validators(Event::NewEpoch { .. }))));
    });
}

#[test]
fn a_block_naming_the_new_set_starts_an_epoch_rooted_at_its_parent() {
    new_test_ext().execute_with(|| {
        assert_ok!(Validators::add_validator(root(), 4));
        run_to(25);
        let session_set = Validators::validator_set();
        assert_eq!(session_set.set_id, 1);
        assert_eq!(Validators::epoch().set.set_id, 0, "the epoch lags the session set");

        start_block(26, Some(1));
        let epoch = Validators::epoch();
        assert_eq!(epoch.set, session_set);
        assert_eq!(epoch.root_hash, parent_of(26));
        assert_eq!(epoch.root_number, 25);
        assert_eq!(last_event(), RuntimeEvent::Validators(Event::NewEpoch { set_id: 1, root_number: 25 }));

        start_block(27, Some(1));
        assert_eq!(Validators::epoch(), epoch, "same set id: no new epoch");
    });
}

#[test]
fn the_epoch_takes_the_parents_set_when_the_session_rotates_in_the_same_block() {
    new_test_ext().execute_with(|| {
        assert_ok!(Validators::add_validator(root(), 4));
        run_to(11);
        assert_ok!(Validators::remove_validator(root(), 1));
        run_to(29);
        assert_eq!(Validators::validator_set().set_id, 1);
        // Block 30 rotates the session to set 2, and starts the epoch of set 1.
        start_block(30, Some(1));
        assert_eq!(Validators::validator_set().set_id, 2);
        assert_eq!(Validators::validator_set().validators, bls(&[2, 3, 4]));
        let epoch = Validators::epoch();
        assert_eq!(epoch.set.set_id, 1);
        assert_eq!(epoch.set.validators, bls(&[1, 2, 3, 4]));
        assert_eq!(epoch.root_number, 29);
        // The epoch's accounts are those of its keys, not the session's new validators.
        assert_eq!(crate::EpochAccounts::<Test>::get().into_inner(), vec![1, 2, 3, 4]);
        assert_eq!(Validators::epoch_account(0), Some(1));
    });
}

#[test]
fn a_pre_digest_naming_an_unknown_set_is_recorded_with_the_state_set() {
    new_test_ext().execute_with(|| {
        start_block(2, Some(7));
        let epoch = Validators::epoch();
        assert_eq!(epoch.set, Validators::validator_set());
        assert_eq!(epoch.root_number, 1);
        assert_eq!(epoch.root_hash, parent_of(2));
    });
}

/// Issue 10, finding 7: root shrank the set to a single validator, which tolerates no fault and
/// finalizes alone. Removals stop at `MinValidators` (2 in the mock, 4 in the runtime).
#[test]
fn attack_root_cannot_shrink_the_set_below_its_minimum() {
    new_test_ext().execute_with(|| {
        assert_ok!(Validators::remove_validator(root(), 2));
        assert_noop!(Validators::remove_validator(root(), 3), Error::<Test>::BelowMinimum);
        assert_eq!(Members::<Test>::get().into_inner(), vec![1, 3]);
    });
}

/// Review of finding 7: a member whose session keys are purged is not in the session's set, so
/// the minimum counts members that keep keys. Root adds an account it controls, that account
/// purges its keys, and removals would otherwise leave one live validator.
#[test]
fn members_without_keys_do_not_count_toward_the_minimum() {
    new_test_ext().execute_with(|| {
        assert_ok!(Validators::add_validator(root(), 4));
        assert_ok!(Session::purge_keys(RuntimeOrigin::signed(4)));
        assert_ok!(Validators::remove_validator(root(), 2));
        assert_noop!(Validators::remove_validator(root(), 3), Error::<Test>::BelowMinimum);
    });
}

/// A set of one (a dev chain) only grows: its last member is never removed.
#[test]
fn the_last_validator_is_never_removed() {
    new_test_ext().execute_with(|| {
        Members::<Test>::put(BoundedVec::truncate_from(vec![1u64]));
        assert_noop!(Validators::remove_validator(root(), 1), Error::<Test>::WouldBeEmpty);
    });
}
