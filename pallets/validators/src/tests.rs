use crate::mock::*;
use crate::{CurrentSetId, Validators as ValidatorsStorage};
use bpci_primitives::{BlsPublic, BlsSessionKey};
use frame_support::traits::OneSessionHandler;

fn key(b: u8) -> BlsSessionKey {
    BlsSessionKey(BlsPublic([b; 48]))
}

fn session(keys: &[(u64, BlsSessionKey)]) -> impl Iterator<Item = (&u64, BlsSessionKey)> {
    keys.iter().map(|(a, k)| (a, *k))
}

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
    });
}
