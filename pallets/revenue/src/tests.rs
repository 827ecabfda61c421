use crate::mock::*;
use crate::*;
use frame_support::{
    assert_noop, assert_ok,
    traits::{fungible::{Balanced, Mutate as _}, tokens::{Fortitude, Precision, Preservation}, OnUnbalanced},
};
use frame_system::RawOrigin;
use pallet_transaction_payment::OnChargeTransaction;
use proptest::prelude::*;
use sp_runtime::{DispatchError, Perbill};

fn gov() -> RuntimeOrigin {
    RuntimeOrigin::signed(GOV)
}

fn shares(v: u32, d: u32, i: u32, t: u32, p: u32) -> Shares {
    Shares {
        validators: Perbill::from_percent(v),
        development: Perbill::from_percent(d),
        infrastructure: Perbill::from_percent(i),
        treasury: Perbill::from_percent(t),
        partners: Perbill::from_percent(p),
    }
}

fn credit(source: RevenueSource, amount: u64) {
    <Revenue as RevenueSink<u64, u64, CreditOf<Test>>>::credit_imbalance(source, <Balances as Balanced<u64>>::issue(amount));
}

fn bal(a: u64) -> u64 {
    <Balances as frame_support::traits::fungible::Inspect<u64>>::balance(&a)
}

// ---------- calls and origins ----------

#[test]
fn genesis_sets_defaults_and_pot_floor() {
    new_test_ext().execute_with(|| {
        assert_eq!(Revenue::shares(), Shares::default());
        assert!(Shares::default().is_complete());
        assert_eq!(bal(pot()), ED);
        assert_eq!(EraLength::<Test>::get(), 10);
        assert_eq!(RevenueMode::<Test>::get(), Mode::Mainnet);
    });
}

#[test]
fn set_shares_works_for_governance_and_root() {
    new_test_ext().execute_with(|| {
        let s = shares(50, 20, 10, 10, 10);
        assert_ok!(Revenue::set_shares(gov(), s));
        assert_eq!(Revenue::shares(), s);
        assert!(revenue_events().contains(&Event::SharesSet { shares: s }));
        assert_ok!(Revenue::set_shares(RuntimeOrigin::root(), Shares::default()));
    });
}

#[test]
fn set_shares_rejects_wrong_origin() {
    new_test_ext().execute_with(|| {
        assert_noop!(Revenue::set_shares(RuntimeOrigin::signed(1), shares(50, 20, 10, 10, 10)), DispatchError::BadOrigin);
        assert_noop!(Revenue::set_shares(RuntimeOrigin::none(), shares(50, 20, 10, 10, 10)), DispatchError::BadOrigin);
    });
}

#[test]
fn set_shares_rejects_sums_other_than_100() {
    new_test_ext().execute_with(|| {
        assert_noop!(Revenue::set_shares(gov(), shares(50, 25, 15, 15, 5)), Error::<Test>::SharesNotHundredPercent);
        assert_noop!(Revenue::set_shares(gov(), shares(40, 25, 15, 15, 4)), Error::<Test>::SharesNotHundredPercent);
        // Over 100% in parts that would saturate a Perbill sum.
        let over = Shares {
            validators: Perbill::one(),
            development: Perbill::one(),
            infrastructure: Perbill::zero(),
            treasury: Perbill::zero(),
            partners: Perbill::zero(),
        };
        assert_noop!(Revenue::set_shares(gov(), over), Error::<Test>::SharesNotHundredPercent);
        // One part per billion off.
        let mut off = Shares::default();
        off.partners = Perbill::from_parts(off.partners.deconstruct() + 1);
        assert_noop!(Revenue::set_shares(gov(), off), Error::<Test>::SharesNotHundredPercent);
        assert_eq!(Revenue::shares(), Shares::default());
    });
}

#[test]
fn set_block_reward_and_origin() {
    new_test_ext().execute_with(|| {
        assert_noop!(Revenue::set_block_reward(RuntimeOrigin::signed(1), 5), DispatchError::BadOrigin);
        assert_ok!(Revenue::set_block_reward(gov(), 5));
        assert_eq!(BlockReward::<Test>::get(), 5);
        assert!(revenue_events().contains(&Event::BlockRewardSet { reward: 5 }));
    });
}

#[test]
fn set_era_length_rejects_zero_and_wrong_origin() {
    new_test_ext().execute_with(|| {
        assert_noop!(Revenue::set_era_length(RuntimeOrigin::signed(1), 5), DispatchError::BadOrigin);
        assert_noop!(Revenue::set_era_length(gov(), 0), Error::<Test>::ZeroEraLength);
        assert_ok!(Revenue::set_era_length(gov(), 5));
        assert_eq!(EraLength::<Test>::get(), 5);
        assert!(revenue_events().contains(&Event::EraLengthSet { length: 5 }));
    });
}

#[test]
fn set_mode_rejects_wrong_origin_and_unchanged() {
    new_test_ext().execute_with(|| {
        assert_noop!(Revenue::set_mode(RuntimeOrigin::signed(1), Mode::Testnet), DispatchError::BadOrigin);
        assert_noop!(Revenue::set_mode(gov(), Mode::Mainnet), Error::<Test>::Unchanged);
        assert_ok!(Revenue::set_mode(gov(), Mode::Testnet));
        assert!(revenue_events().contains(&Event::ModeSet { mode: Mode::Testnet, released: 0 }));
    });
}

// ---------- sources ----------

#[test]
fn block_rewards_are_minted_into_the_pot_and_change_issuance() {
    ExtBuilder::default().reward(7).build().execute_with(|| {
        let issuance = <Balances as frame_support::traits::fungible::Inspect<u64>>::total_issuance();
        run_to_block(5);
        assert_eq!(PotSources::<Test>::get().block_rewards, 28);
        assert_eq!(bal(pot()), ED + 28);
        assert_eq!(<Balances as frame_support::traits::fungible::Inspect<u64>>::total_issuance(), issuance + 28);
    });
}

#[test]
fn credits_from_other_pallets_are_booked_by_source() {
    new_test_ext().execute_with(|| {
        let issuance = <Balances as frame_support::traits::fungible::Inspect<u64>>::total_issuance();
        assert_ok!(<Revenue as RevenueSink<u64, u64, CreditOf<Test>>>::credit(RevenueSource::Auction, &1, 100));
        assert_eq!(bal(1), 1_000_000 - 100);
        let c = <Balances as Balanced<u64>>::withdraw(&2, 50, Precision::Exact, Preservation::Preserve, Fortitude::Polite).unwrap();
        <Revenue as RevenueSink<u64, u64, CreditOf<Test>>>::credit_imbalance(RevenueSource::Other, c);
        let s = PotSources::<Test>::get();
        assert_eq!((s.auction, s.other, s.rent), (100, 50, 0));
        assert_eq!(bal(pot()), ED + 150);
        assert_eq!(<Balances as frame_support::traits::fungible::Inspect<u64>>::total_issuance(), issuance);
        assert!(revenue_events().contains(&Event::Credited { source: RevenueSource::Auction, amount: 100 }));
        // A transfer the payer cannot afford fails with no state change.
        assert!(<Revenue as RevenueSink<u64, u64, CreditOf<Test>>>::credit(RevenueSource::Auction, &3, 100).is_err());
        assert_eq!(PotSources::<Test>::get().auction, 100);
        Revenue::do_try_state().unwrap();
    });
}

#[test]
fn transaction_fees_and_tips_become_rent() {
    new_test_ext().execute_with(|| {
        let issuance = <Balances as frame_support::traits::fungible::Inspect<u64>>::total_issuance();
        let call: RuntimeCall = frame_system::Call::remark { remark: vec![] }.into();
        let info = Default::default();
        let liquidity =
            <RentAdapter<Test> as OnChargeTransaction<Test>>::withdraw_fee(&1, &call, &info, 120, 20).unwrap();
        let post = Default::default();
        <RentAdapter<Test> as OnChargeTransaction<Test>>::correct_and_deposit_fee(&1, &info, &post, 100, 20, liquidity)
            .unwrap();
        // 80 fee + 20 tip charged, 20 refunded.
        assert_eq!(bal(1), 1_000_000 - 100);
        assert_eq!(PotSources::<Test>::get().rent, 100);
        assert_eq!(bal(pot()), ED + 100);
        assert_eq!(<Balances as frame_support::traits::fungible::Inspect<u64>>::total_issuance(), issuance);
        // And directly through the OnUnbalanced handler.
        RentToPot::<Test>::on_unbalanced(<Balances as Balanced<u64>>::issue(5));
        assert_eq!(PotSources::<Test>::get().rent, 105);
    });
}

// ---------- era end ----------

#[test]
fn era_end_splits_by_shares_points_and_weights() {
    new_test_ext().execute_with(|| {
        set_points(vec![(11, 3), (12, 1)]);
        set_partners(vec![(21, 1), (22, 1), (23, 2)]);
        let before: Vec<u64> = [11, 12, 21, 22, 23].iter().map(|a| bal(*a)).collect();
        assert!(before.iter().all(|b| *b == 0));
        credit(RevenueSource::Rent, 100_000);
        let issuance = <Balances as frame_support::traits::fungible::Inspect<u64>>::total_issuance();
        run_to_block(11);
        // validators 40_000 by 3:1, dev 25_000, infra 15_000, treasury 15_000, partners 5_000 by 1:1:2
        assert_eq!(bal(11), 30_000);
        assert_eq!(bal(12), 10_000);
        assert_eq!(bal(DEV), ED + 25_000);
        assert_eq!(bal(INFRA), ED + 15_000);
        assert_eq!(bal(TREASURY), ED + 15_000);
        assert_eq!((bal(21), bal(22), bal(23)), (1_250, 1_250, 2_500));
        assert_eq!(bal(pot()), ED);
        assert_eq!(<Balances as frame_support::traits::fungible::Inspect<u64>>::total_issuance(), issuance);
        let r = Revenue::era_report(0).unwrap();
        assert_eq!(r.pot, 100_000);
        assert_eq!(r.distributed, 100_000);
        assert_eq!(r.carried_out, 0);
        assert_eq!(r.mode, Mode::Mainnet);
        assert_eq!(r.sources.rent, 100_000);
        assert_eq!(r.allocated.validators, 40_000);
        assert_eq!(r.payouts.len(), 8);
        assert!(r.payouts.iter().all(|p| p.status == PayoutStatus::Paid));
        assert_eq!(r.start, 0);
        assert_eq!(r.end, 9);
        assert_eq!(Revenue::current_era().index, 1);
        assert_eq!(Revenue::current_era().start, 10);
        assert!(revenue_events().iter().any(|e| matches!(e, Event::EraClosed { era: 0, pot: 100_000, .. })));
    });
}

#[test]
fn rounding_and_unpaid_classes_are_carried() {
    new_test_ext().execute_with(|| {
        set_points(vec![(11, 1), (12, 1), (13, 1)]);
        // no partners: their 5% is carried
        credit(RevenueSource::Auction, 1_001);
        run_to_block(11);
        let r = Revenue::era_report(0).unwrap();
        // validators floor(400.4)=400, split 133*3 = 399 -> 1 carried; dev 250, infra 150, treasury 150;
        // partners 50 carried; class rounding: 1001 - (400+250+150+150+50) = 1 carried.
        assert_eq!(r.carried_out, 1 + 1 + 50);
        assert_eq!(r.distributed + r.carried_out, r.pot);
        assert_eq!(CarriedIn::<Test>::get(), 52);
        // next era starts with the carry
        run_to_block(21);
        let r1 = Revenue::era_report(1).unwrap();
        assert_eq!(r1.carried_in, 52);
        assert_eq!(r1.pot, 52);
        Revenue::do_try_state().unwrap();
    });
}

#[test]
fn a_withheld_partner_share_goes_to_the_next_eras_partners_only() {
    new_test_ext().execute_with(|| {
        set_points(vec![(11, 1)]);
        set_partners(vec![(21, 1), (22, 1), (23, 2)]);
        for a in [11, 21, 22, 23] {
            let _ = Balances::mint_into(&a, ED);
        }
        set_withheld(vec![22]);
        credit(RevenueSource::Rent, 100_000);
        run_to_block(11);
        let r = Revenue::era_report(0).unwrap();
        // Partners' 5_000 by 1:1:2; 22's 1_250 is withheld, the others get no more than their share.
        assert_eq!((bal(21), bal(22), bal(23)), (ED + 1_250, ED, ED + 2_500));
        let p22 = r.payouts.iter().find(|p| p.account == 22).unwrap();
        assert_eq!((p22.amount, p22.status), (1_250, PayoutStatus::Withheld));
        assert_eq!(r.withheld, 1_250);
        assert_eq!(r.carried_out, 0);
        assert_eq!(r.distributed + r.carried_out + r.withheld, r.pot);
        assert_eq!(PartnerCarriedIn::<Test>::get(), 1_250);
        // It stays in the pot, not in the shared carry: validators and the others do not get it.
        assert_eq!(CarriedIn::<Test>::get(), 0);
        assert_eq!(bal(pot()), ED + 1_250);
        assert_eq!(Revenue::current_era().partner_carried_in, 1_250);
        assert!(revenue_events().iter().any(|e| matches!(e, Event::EraClosed { era: 0, withheld: 1_250, .. })));
        Revenue::do_try_state().unwrap();

        // 22 delivers again: the next era's partners' class is its 5% plus the withheld 1_250.
        set_withheld(vec![]);
        set_points(vec![(11, 1)]);
        credit(RevenueSource::Rent, 100_000);
        run_to_block(21);
        let r1 = Revenue::era_report(1).unwrap();
        assert_eq!(r1.partner_carried_in, 1_250);
        assert_eq!(r1.pot, 101_250);
        assert_eq!(r1.allocated.partners, 5_000 + 1_250);
        assert_eq!(r1.allocated.validators, 40_000, "the withheld share is not the validators'");
        assert_eq!(r1.allocated.development, 25_000);
        // 6_250 by 1:1:2
        assert_eq!((bal(21), bal(22), bal(23)), (ED + 1_250 + 1_562, ED + 1_562, ED + 2_500 + 3_125));
        assert_eq!(r1.distributed + r1.carried_out + r1.withheld, r1.pot);
        assert_eq!(PartnerCarriedIn::<Test>::get(), 0);
        Revenue::do_try_state().unwrap();
    });
}

#[test]
fn withheld_shares_are_not_retained_in_testnet_and_go_to_the_pot_when_no_partner_is_paid() {
    ExtBuilder::default().mode(Mode::Testnet).build().execute_with(|| {
        set_points(vec![(11, 1)]);
        set_partners(vec![(21, 1), (22, 1), (23, 2)]);
        set_withheld(vec![21]);
        credit(RevenueSource::Rent, 100_000);
        run_to_block(11);
        let r = Revenue::era_report(0).unwrap();
        assert_eq!(r.withheld, 1_250);
        assert_eq!(Retained::<Test>::get(), 100_000 - 1_250, "recorded payouts only");
        assert_eq!(r.distributed + r.carried_out + r.withheld, r.pot);
        Revenue::do_try_state().unwrap();

        // Nobody relays in era 1: every partner share is withheld, and with nobody to hand them
        // to they go to the shared carry, the carried-in 1_250 with them. The partners' carry
        // never outgrows one era's class.
        set_withheld(vec![21, 22, 23]);
        run_to_block(21);
        let r1 = Revenue::era_report(1).unwrap();
        assert_eq!(r1.partner_carried_in, 1_250);
        assert!(r1.payouts.iter().filter(|p| p.class == RecipientClass::Partners).all(|p| p.status == PayoutStatus::Withheld));
        assert_eq!(r1.withheld, 0);
        assert_eq!(r1.carried_out, 1_250);
        assert_eq!((CarriedIn::<Test>::get(), PartnerCarriedIn::<Test>::get()), (1_250, 0));
        assert_eq!(r1.distributed + r1.carried_out + r1.withheld, r1.pot);
        Revenue::do_try_state().unwrap();
    });
}

#[test]
fn a_partner_carry_with_no_partner_left_goes_to_the_pot() {
    new_test_ext().execute_with(|| {
        set_points(vec![(11, 1)]);
        set_partners(vec![(21, 1), (22, 3)]);
        let _ = Balances::mint_into(&11, ED);
        let _ = Balances::mint_into(&22, ED);
        set_withheld(vec![21]);
        credit(RevenueSource::Rent, 100_000);
        run_to_block(11);
        assert_eq!(PartnerCarriedIn::<Test>::get(), 1_250);
        // No active partner in the next era: the partners' class, carry included, has nobody to
        // pay and goes to the shared carry like any unpaid class.
        set_partners(vec![]);
        run_to_block(21);
        let r1 = Revenue::era_report(1).unwrap();
        assert_eq!((r1.partner_carried_in, r1.withheld, r1.carried_out), (1_250, 0, 1_250));
        assert_eq!((CarriedIn::<Test>::get(), PartnerCarriedIn::<Test>::get()), (1_250, 0));
        // And it can be released: the ledger still covers the pot (Mainnet switch path).
        Revenue::do_try_state().unwrap();
    });
}

#[test]
fn a_failed_transfer_of_a_carry_boosted_partner_share_is_carried_to_the_pot() {
    new_test_ext().execute_with(|| {
        set_points(vec![(11, 1)]);
        for a in [11, 21, 22] {
            let _ = Balances::mint_into(&a, ED);
        }
        set_partners(vec![(21, 1), (22, 1)]);
        set_withheld(vec![22]);
        credit(RevenueSource::Rent, 300);
        run_to_block(11);
        // Partners' 15 by 1:1: 22's 7 withheld.
        assert_eq!(PartnerCarriedIn::<Test>::get(), 7);
        // Era 1 has no income: the partners' class is the carry alone, 3 each; 31 is a new
        // account that 3 units cannot open (ED 10), so its transfer fails and is carried.
        set_withheld(vec![]);
        set_partners(vec![(31, 1), (21, 1)]);
        run_to_block(21);
        let r1 = Revenue::era_report(1).unwrap();
        let status = |a: u64| r1.payouts.iter().find(|p| p.account == a).map(|p| (p.amount, p.status));
        assert_eq!(status(31), Some((3, PayoutStatus::Failed)));
        assert_eq!(status(21), Some((3, PayoutStatus::Paid)));
        // Carried: the failed 3, the partners' rounding unit, and era 0's rounding unit (15 split
        // 7 + 7) that came back as the whole shared pot of era 1 and is again below every class.
        assert_eq!((r1.carried_in, r1.carried_out, r1.withheld), (1, 3 + 1 + 1, 0));
        assert_eq!(r1.distributed + r1.carried_out + r1.withheld, r1.pot);
        assert_eq!((CarriedIn::<Test>::get(), PartnerCarriedIn::<Test>::get()), (5, 0));
        Revenue::do_try_state().unwrap();
    });
}

#[test]
fn failed_transfers_below_ed_are_carried() {
    new_test_ext().execute_with(|| {
        set_points(vec![(11, 1)]); // 11 does not exist; 4 units < ED
        credit(RevenueSource::Other, 10);
        run_to_block(11);
        let r = Revenue::era_report(0).unwrap();
        let v = r.payouts.iter().find(|p| p.account == 11).unwrap();
        assert_eq!(v.status, PayoutStatus::Failed);
        assert_eq!(bal(11), 0);
        assert_eq!(r.distributed + r.carried_out, 10);
        assert_eq!(CarriedIn::<Test>::get(), r.carried_out);
        Revenue::do_try_state().unwrap();
    });
}

#[test]
fn testnet_records_without_transfers_and_mainnet_releases_retention() {
    ExtBuilder::default().mode(Mode::Testnet).build().execute_with(|| {
        set_points(vec![(1, 1)]);
        credit(RevenueSource::Rent, 1_000);
        let b1 = bal(1);
        run_to_block(11);
        let r = Revenue::era_report(0).unwrap();
        assert_eq!(r.mode, Mode::Testnet);
        assert!(r.payouts.iter().all(|p| p.status == PayoutStatus::Recorded));
        assert_eq!(bal(1), b1);
        assert_eq!(bal(DEV), ED);
        assert_eq!(Retained::<Test>::get(), 950);
        assert_eq!(CarriedIn::<Test>::get(), 50);
        assert_eq!(bal(pot()), ED + 1_000);
        Revenue::do_try_state().unwrap();

        assert_ok!(Revenue::set_mode(gov(), Mode::Mainnet));
        assert!(revenue_events().contains(&Event::ModeSet { mode: Mode::Mainnet, released: 950 }));
        assert_eq!(Retained::<Test>::get(), 0);
        assert_eq!(CarriedIn::<Test>::get(), 50);
        assert_eq!(bal(TREASURY), ED + 950);
        assert_eq!(bal(pot()), ED + 50);
        set_points(vec![(1, 1)]);
        run_to_block(21);
        let r1 = Revenue::era_report(1).unwrap();
        assert_eq!(r1.mode, Mode::Mainnet);
        assert_eq!(r1.pot, 50);
        assert_eq!(bal(1), b1 + 20);
        assert_eq!(bal(pot()), ED + 4);
    });
}

/// Issue 10 finding 7: testnet revenue held back over many eras must not land on whoever happens
/// to be paid in the first mainnet era. Validator 1 did the testnet work; validator 2 joins after
/// the switch and is entitled only to the mainnet era's own revenue.
#[test]
fn attack_switching_to_mainnet_pays_no_windfall_to_one_era() {
    ExtBuilder::default().mode(Mode::Testnet).build().execute_with(|| {
        set_points(vec![(1, 1)]);
        credit(RevenueSource::Rent, 1_000);
        run_to_block(11);
        assert_eq!(Retained::<Test>::get(), 950);

        assert_ok!(Revenue::set_mode(gov(), Mode::Mainnet));
        set_points(vec![(2, 1)]);
        credit(RevenueSource::Rent, 100);
        let b2 = bal(2);
        run_to_block(21);
        // Era 1's own pot is the 100 credited plus the 50 carried (the unpaid partner share).
        assert_eq!(bal(2), b2 + 60, "the first mainnet era's validator received the testnet retention");
        Revenue::do_try_state().unwrap();
    });
}

#[test]
fn reports_are_kept_for_history_depth_eras() {
    new_test_ext().execute_with(|| {
        run_to_block(51); // eras 0..=4 closed
        assert!(Revenue::era_report(0).is_none());
        assert!(Revenue::era_report(1).is_none());
        for e in 2..=4 {
            assert!(Revenue::era_report(e).is_some());
        }
        assert_eq!(Reports::<Test>::iter().count(), 3);
    });
}

#[test]
fn validator_and_partner_lists_are_truncated_to_bounds() {
    new_test_ext().execute_with(|| {
        set_points((100..120).map(|a| (a, 1)).collect());
        set_partners((200..220).map(|a| (a, 1)).collect());
        credit(RevenueSource::Rent, 10_000_000);
        run_to_block(11);
        let r = Revenue::era_report(0).unwrap();
        assert_eq!(r.payouts.len(), 8 + 8 + 3);
        assert_eq!(r.distributed + r.carried_out, r.pot);
    });
}

#[test]
fn reports_serialize_to_json() {
    new_test_ext().execute_with(|| {
        credit(RevenueSource::Rent, 1_000);
        run_to_block(11);
        let r = Revenue::era_report(0).unwrap();
        let json = serde_json::to_string(&r).unwrap();
        assert!(json.contains("\"carried_out\""));
        let back: ApiEraReport<u64, u64, u64> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, r);
    });
}

#[test]
fn era_length_change_applies_to_running_era() {
    new_test_ext().execute_with(|| {
        assert_ok!(Revenue::set_era_length(gov(), 3));
        run_to_block(3);
        assert_eq!(Revenue::current_era().index, 1);
        assert_eq!(Revenue::current_era().start, 3);
    });
}

#[test]
fn root_origin_is_governance_in_mock_but_none_is_not() {
    new_test_ext().execute_with(|| {
        assert_ok!(Revenue::set_block_reward(RawOrigin::Root.into(), 1));
        assert_noop!(Revenue::set_block_reward(RawOrigin::None.into(), 1), DispatchError::BadOrigin);
    });
}

// ---------- properties ----------

fn arb_shares() -> impl Strategy<Value = Shares> {
    // Four cut points in [0, 1e9] give five parts summing to exactly 1e9.
    proptest::collection::vec(0u32..=1_000_000_000, 4).prop_map(|mut cuts| {
        cuts.sort();
        let p = |a: u32, b: u32| Perbill::from_parts(b - a);
        Shares {
            validators: p(0, cuts[0]),
            development: p(cuts[0], cuts[1]),
            infrastructure: p(cuts[1], cuts[2]),
            treasury: p(cuts[2], cuts[3]),
            partners: p(cuts[3], 1_000_000_000),
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn split_pays_every_unit_and_nobody_more_than_share(
        pot_amount in 0u64..1_000_000_000_000,
        reward in 0u64..1_000,
        s in arb_shares(),
        points in proptest::collection::vec(0u64..1_000, 0..=8),
        weights in proptest::collection::vec(0u64..1_000, 0..=8),
        withheld in proptest::collection::vec(any::<bool>(), 8),
        testnet in any::<bool>(),
    ) {
        let mode = if testnet { Mode::Testnet } else { Mode::Mainnet };
        ExtBuilder::default().mode(mode).reward(reward).build().execute_with(|| {
            assert_ok!(Revenue::set_shares(gov(), s));
            let vals: Vec<(u64, u64)> = points.iter().enumerate().map(|(i, p)| (100 + i as u64, *p)).collect();
            let parts: Vec<(u64, u64)> = weights.iter().enumerate().map(|(i, w)| (200 + i as u64, *w)).collect();
            set_points(vals.clone());
            set_partners(parts.clone());
            set_withheld(parts.iter().zip(&withheld).filter(|(_, w)| **w).map(|(p, _)| p.0).collect());
            // Recipients exist so that transfers succeed (failed ones are covered elsewhere).
            for a in vals.iter().map(|v| v.0).chain(parts.iter().map(|p| p.0)) {
                let _ = Balances::mint_into(&a, ED);
            }
            credit(RevenueSource::Rent, pot_amount);
            let issuance = <Balances as frame_support::traits::fungible::Inspect<u64>>::total_issuance();
            let all: Vec<u64> = vals.iter().map(|v| v.0).chain(parts.iter().map(|p| p.0))
                .chain([DEV, INFRA, TREASURY]).collect();
            let before: Vec<u64> = all.iter().map(|a| bal(*a)).collect();
            run_to_block(11);
            let r = Revenue::era_report(0).unwrap();
            // era 0 is blocks 0..=9 (closed in block 10); blocks 2..=9 mint into it (block 1 is
            // the starting block of the test), blocks 10 and 11 into era 1.
            let minted_into_era0 = 8 * reward;
            prop_assert_eq!(r.pot, pot_amount + minted_into_era0);
            // every unit paid or carried
            let paid: u64 = r.payouts.iter().filter(|p| matches!(p.status, PayoutStatus::Paid | PayoutStatus::Recorded)).map(|p| p.amount).sum();
            prop_assert_eq!(paid, r.distributed);
            prop_assert_eq!(r.distributed + r.carried_out + r.withheld, r.pot);
            let withheld_payouts: u64 = r.payouts.iter().filter(|p| p.status == PayoutStatus::Withheld).map(|p| p.amount).sum();
            prop_assert!(r.withheld == withheld_payouts || r.withheld == 0);
            prop_assert_eq!(PartnerCarriedIn::<Test>::get(), r.withheld);
            // issuance changes only by minted rewards (block 11's reward)
            prop_assert_eq!(<Balances as frame_support::traits::fungible::Inspect<u64>>::total_issuance(), issuance + 10 * reward);
            // no account more than its exact share (+1 unit)
            let pot128 = r.pot as u128;
            let exact = |share: Perbill, w: u64, sum: u64| -> u128 {
                share.deconstruct() as u128 * pot128 * w as u128 / (1_000_000_000u128 * sum.max(1) as u128)
            };
            let vsum: u64 = points.iter().sum();
            let psum: u64 = weights.iter().sum();
            for p in r.payouts.iter() {
                let bound = match p.class {
                    RecipientClass::Validators => exact(s.validators, vals.iter().find(|v| v.0 == p.account).unwrap().1, vsum),
                    RecipientClass::Partners => exact(s.partners, parts.iter().find(|v| v.0 == p.account).unwrap().1, psum),
                    RecipientClass::Development => exact(s.development, 1, 1),
                    RecipientClass::Infrastructure => exact(s.infrastructure, 1, 1),
                    RecipientClass::Treasury => exact(s.treasury, 1, 1),
                };
                prop_assert!((p.amount as u128) <= bound + 1);
            }
            // balances moved exactly as reported
            for (a, b) in all.iter().zip(before.iter()) {
                let got: u64 = r.payouts.iter().filter(|p| p.account == *a && p.status == PayoutStatus::Paid).map(|p| p.amount).sum();
                prop_assert_eq!(bal(*a), b + got);
            }
            if testnet {
                prop_assert_eq!(Retained::<Test>::get(), r.distributed);
            }
            prop_assert!(Revenue::do_try_state().is_ok());
            Ok(())
        })?;
    }

    #[test]
    fn split_by_weight_is_exact(total in 0u64..u64::MAX, ws in proptest::collection::vec(0u64..u64::MAX, 0..20)) {
        let weights: Vec<(u32, u64)> = ws.iter().enumerate().map(|(i, w)| (i as u32, *w)).collect();
        let (out, rest) = split_by_weight::<u32, u64>(total, &weights);
        let sum: u128 = out.iter().map(|(_, x)| *x as u128).sum::<u128>() + rest as u128;
        prop_assert_eq!(sum, total as u128);
        let wsum: u128 = ws.iter().map(|w| *w as u128).sum();
        for (i, x) in out {
            let exact = (total as u128) * (ws[i as usize] as u128) / wsum.max(1);
            prop_assert!((x as u128) <= exact + 1);
        }
    }
}

/// Points are credited to the running era, one per mention; only the running and the last closed
/// era's are kept.
#[test]
fn validator_points_are_credited_per_era_and_pruned() {
    new_test_ext().execute_with(|| {
        Revenue::credit_validators([1, 2, 1]);
        assert_eq!(ValidatorPoints::<Test>::get(0).into_inner(), vec![(1, 2), (2, 1)]);
        run_to_block(11);
        Revenue::credit_validators([2]);
        assert_eq!(ValidatorPoints::<Test>::get(1).into_inner(), vec![(2, 1)]);
        assert_eq!(ValidatorPoints::<Test>::get(0).len(), 2, "the last closed era's points are kept");
        run_to_block(21);
        assert!(!ValidatorPoints::<Test>::contains_key(0));
        assert!(ValidatorPoints::<Test>::contains_key(1));
        // More validators than payees: the rest are ignored.
        Revenue::credit_validators(100..120);
        assert_eq!(ValidatorPoints::<Test>::get(2).len(), 8);
    });
}

/// A retention the treasury cannot receive (below the existential deposit, to an account that
/// does not exist) fails the switch and changes nothing; the switch works once the treasury exists.
#[test]
fn a_switch_whose_retention_cannot_reach_the_treasury_changes_nothing() {
    ExtBuilder { balances: vec![(1, 1_000_000), (DEV, ED), (INFRA, ED)], ..ExtBuilder::default() }
        .mode(Mode::Testnet)
        .build()
        .execute_with(|| {
            set_points(vec![(1, 1)]);
            credit(RevenueSource::Rent, 10);
            run_to_block(11);
            let retained = Retained::<Test>::get();
            assert!(retained > 0 && retained < ED);
            assert_noop!(Revenue::set_mode(gov(), Mode::Mainnet), Error::<Test>::ReleaseFailed);
            assert_eq!(RevenueMode::<Test>::get(), Mode::Testnet);
            assert_ok!(Balances::transfer_keep_alive(RuntimeOrigin::signed(1), TREASURY, ED));
            assert_ok!(Revenue::set_mode(gov(), Mode::Mainnet));
            assert_eq!(bal(TREASURY), ED + retained);
            Revenue::do_try_state().unwrap();
        });
}
