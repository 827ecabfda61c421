use crate::mock::*;
use crate::*;
use frame_support::{
    assert_noop, assert_ok,
    dispatch::GetDispatchInfo,
    traits::fungible::{Inspect, InspectHold},
    weights::Weight,
    BoundedVec,
};
use proptest::prelude::*;
use sp_runtime::DispatchError;

type Call = RuntimeCall;

fn remark(n: usize) -> Box<Call> {
    Box::new(frame_system::Call::remark_with_event { remark: vec![7u8; n] }.into())
}
fn transfer(to: u64, amount: u64) -> Box<Call> {
    Box::new(pallet_balances::Call::transfer_keep_alive { dest: to, value: amount }.into())
}
fn bundle(calls: Vec<Box<Call>>) -> BundleOf<Test> {
    BoundedVec::truncate_from(calls)
}
fn salt(who: u64) -> [u8; 32] {
    [who as u8; 32]
}
fn hash(who: u64, b: &BundleOf<Test>, bid: u64, s: [u8; 32]) -> <Test as frame_system::Config>::Hash {
    Auction::commitment_of(&who, b, &bid, &s)
}
fn commit(who: u64, b: &BundleOf<Test>, bid: u64, deposit: u64) {
    assert_ok!(Auction::commit(RuntimeOrigin::signed(who), hash(who, b, bid, salt(who)), deposit));
}
fn reveal(who: u64, b: &BundleOf<Test>, bid: u64) {
    assert_ok!(Auction::reveal(RuntimeOrigin::signed(who), b.clone(), bid, salt(who)));
}
fn free(who: u64) -> u64 {
    <Balances as Inspect<u64>>::balance(&who)
}
fn held(who: u64) -> u64 {
    <Balances as InspectHold<u64>>::balance_on_hold(&HoldReason::BidDeposit.into(), &who)
}
fn to_reveal() {
    run_to_block(COMMIT);
}
fn to_settle() {
    run_to_block(COMMIT + REVEAL);
}
fn weight_of(b: &BundleOf<Test>) -> Weight {
    b.iter().fold(Weight::zero(), |w, c| w + c.get_dispatch_info().call_weight)
}

// ---------- commit ----------

#[test]
fn commit_holds_deposit_and_stores_only_the_hash() {
    new_test_ext().execute_with(|| {
        let b = bundle(vec![remark(1)]);
        commit(1, &b, 50, 100);
        assert_eq!(held(1), 100);
        assert_eq!(free(1), START - 100);
        let c = Commitments::<Test>::get(0, 1).unwrap();
        assert_eq!(c, Commitment { hash: hash(1, &b, 50, salt(1)), deposit: 100, seq: 0 });
        assert!(Reveals::<Test>::get(0, 1).is_none());
        assert!(auction_events().contains(&Event::Committed { round: 0, who: 1, hash: c.hash, deposit: 100, fee: 0 }));
    });
}

#[test]
fn commit_errors() {
    new_test_ext().execute_with(|| {
        let h = hash(1, &bundle(vec![remark(1)]), 1, salt(1));
        assert_noop!(Auction::commit(RuntimeOrigin::none(), h, 100), DispatchError::BadOrigin);
        assert_noop!(Auction::commit(RuntimeOrigin::root(), h, 100), DispatchError::BadOrigin);
        assert_noop!(Auction::commit(RuntimeOrigin::signed(1), h, 9), Error::<Test>::DepositTooLow);
        assert_noop!(Auction::commit(RuntimeOrigin::signed(1), h, START + 1), Error::<Test>::InsufficientBalance);
        assert_noop!(Auction::commit(RuntimeOrigin::signed(100), h, 10), Error::<Test>::InsufficientBalance);
        assert_ok!(Auction::commit(RuntimeOrigin::signed(1), h, 100));
        assert_noop!(Auction::commit(RuntimeOrigin::signed(1), h, 100), Error::<Test>::AlreadyCommitted);
        for who in 2..=16 {
            assert_ok!(Auction::commit(RuntimeOrigin::signed(who), h, 10));
        }
        assert_noop!(Auction::commit(RuntimeOrigin::signed(17), h, 10), Error::<Test>::TooManyBidders);
        to_reveal();
        assert_noop!(Auction::commit(RuntimeOrigin::signed(18), h, 10), Error::<Test>::NotCommitPhase);
        assert_eq!(held(18), 0);
    });
}

// ---------- reveal ----------

#[test]
fn reveal_stores_bid_weight_and_bundle() {
    new_test_ext().execute_with(|| {
        let b = bundle(vec![remark(1), remark(2)]);
        commit(1, &b, 50, 100);
        to_reveal();
        reveal(1, &b, 50);
        let r = Reveals::<Test>::get(0, 1).unwrap();
        assert_eq!(r.bid, 50);
        assert_eq!(r.calls, 2);
        assert_eq!(r.weight, weight_of(&b));
        assert!(auction_events().contains(&Event::Revealed { round: 0, who: 1, bid: 50, weight: r.weight, calls: 2 }));
    });
}

#[test]
fn bad_reveals_fail_cleanly_and_keep_the_deposit_held() {
    new_test_ext().execute_with(|| {
        let b = bundle(vec![remark(1)]);
        commit(1, &b, 50, 100);
        // too early
        assert_noop!(Auction::reveal(RuntimeOrigin::signed(1), b.clone(), 50, salt(1)), Error::<Test>::NotRevealPhase);
        to_reveal();
        assert_noop!(Auction::reveal(RuntimeOrigin::none(), b.clone(), 50, salt(1)), DispatchError::BadOrigin);
        assert_noop!(Auction::reveal(RuntimeOrigin::signed(2), b.clone(), 50, salt(2)), Error::<Test>::NoCommitment);
        // mismatches: salt, bid, bundle
        assert_noop!(Auction::reveal(RuntimeOrigin::signed(1), b.clone(), 50, salt(9)), Error::<Test>::CommitmentMismatch);
        assert_noop!(Auction::reveal(RuntimeOrigin::signed(1), b.clone(), 51, salt(1)), Error::<Test>::CommitmentMismatch);
        let other = bundle(vec![remark(2)]);
        assert_noop!(Auction::reveal(RuntimeOrigin::signed(1), other, 50, salt(1)), Error::<Test>::CommitmentMismatch);
        assert_eq!(held(1), 100);
        reveal(1, &b, 50);
        assert_noop!(Auction::reveal(RuntimeOrigin::signed(1), b.clone(), 50, salt(1)), Error::<Test>::AlreadyRevealed);
    });
}

#[test]
fn bid_above_deposit_empty_heavy_and_large_bundles_are_rejected() {
    new_test_ext().execute_with(|| {
        let b = bundle(vec![remark(1)]);
        let empty = bundle(vec![]);
        let large = bundle(vec![remark(200), remark(200)]);
        let heavy = bundle(vec![remark(3), remark(3), remark(3)]);
        commit(1, &b, 101, 100);
        commit(2, &empty, 5, 100);
        commit(3, &large, 5, 100);
        commit(4, &heavy, 5, 100);
        Budget::set(weight_of(&heavy) - Weight::from_parts(1, 0));
        to_reveal();
        assert_noop!(Auction::reveal(RuntimeOrigin::signed(1), b, 101, salt(1)), Error::<Test>::BidAboveDeposit);
        assert_noop!(Auction::reveal(RuntimeOrigin::signed(2), empty, 5, salt(2)), Error::<Test>::EmptyBundle);
        assert_noop!(Auction::reveal(RuntimeOrigin::signed(3), large, 5, salt(3)), Error::<Test>::BundleTooLarge);
        assert_noop!(Auction::reveal(RuntimeOrigin::signed(4), heavy, 5, salt(4)), Error::<Test>::BundleTooHeavy);
        for who in 1..=4 {
            assert_eq!(held(who), 100);
        }
        // Unrevealed: they forfeit at settlement (Mainnet).
        to_settle();
        assert_eq!(forfeits(), 400);
        assert_eq!(free(REVENUE), 1 + 400);
    });
}

#[test]
fn late_reveal_is_rejected_after_the_round_closes() {
    new_test_ext().execute_with(|| {
        let b = bundle(vec![remark(1)]);
        commit(1, &b, 50, 100);
        to_settle();
        // Next round's commit phase: the old commitment is gone (forfeited).
        assert_noop!(Auction::reveal(RuntimeOrigin::signed(1), b.clone(), 50, salt(1)), Error::<Test>::NotRevealPhase);
        run_to_block(COMMIT + REVEAL + COMMIT);
        assert_noop!(Auction::reveal(RuntimeOrigin::signed(1), b, 50, salt(1)), Error::<Test>::NoCommitment);
        assert_eq!(free(1), START - 100);
        assert_eq!(held(1), 0);
    });
}

// ---------- settlement ----------

#[test]
fn settlement_runs_winners_in_bid_order_charges_first_price_and_refunds() {
    new_test_ext().execute_with(|| {
        let b1 = bundle(vec![transfer(30, 1_000)]);
        let b2 = bundle(vec![remark(2)]);
        let b3 = bundle(vec![remark(3)]);
        commit(1, &b1, 40, 100);
        commit(2, &b2, 70, 100);
        commit(3, &b3, 10, 100);
        commit(4, &b3, 99, 100); // never reveals
        // budget: the two highest bids only
        Budget::set(weight_of(&b2) + weight_of(&b1));
        to_reveal();
        reveal(1, &b1, 40);
        reveal(2, &b2, 70);
        reveal(3, &b3, 10);
        to_settle();
        // 2 (70) then 1 (40) win; 3 loses (budget); 4 forfeits.
        assert_eq!(free(1), START - 40 - 1_000);
        assert_eq!(free(30), START + 1_000);
        assert_eq!(free(2), START - 70);
        assert_eq!(free(3), START);
        assert_eq!(free(4), START - 100);
        for who in 1..=4 {
            assert_eq!(held(who), 0);
        }
        assert_eq!(proceeds(), 110);
        assert_eq!(forfeits(), 100);
        assert_eq!(free(REVENUE), 1 + 210);
        let ranks: Vec<_> = auction_events()
            .into_iter()
            .filter_map(|e| if let Event::BundleExecuted { who, rank, ok, .. } = e { Some((who, rank, ok)) } else { None })
            .collect();
        assert_eq!(ranks, vec![(2, 0, true), (1, 1, true)]);
        let rec = History::<Test>::get(0).unwrap();
        assert_eq!(rec.mode, AuctionMode::Mainnet);
        assert_eq!(rec.settled_at, COMMIT + REVEAL);
        assert_eq!(rec.bids.len(), 4);
        assert_eq!(rec.bids[0].outcome, Outcome::Won { rank: 1, executed: true });
        assert_eq!(rec.bids[1].outcome, Outcome::Won { rank: 0, executed: true });
        assert_eq!(rec.bids[2].outcome, Outcome::Lost);
        assert_eq!(rec.bids[3].outcome, Outcome::Unrevealed);
        assert_eq!(rec.bids[3].bid, None);
        for r in rec.bids.iter() {
            assert_eq!(r.charged + r.refunded, r.deposit);
        }
        assert_eq!(rec.weight_used, weight_of(&b1) + weight_of(&b2));
        assert!(Commitments::<Test>::iter_prefix(0).next().is_none());
        assert!(Reveals::<Test>::iter_prefix(0).next().is_none());
        assert_eq!(CurrentRound::<Test>::get(), (1, COMMIT + REVEAL));
        assert!(auction_events().iter().any(|e| matches!(e, Event::RoundSettled { round: 0, bids: 4, winners: 2, proceeds: 110, forfeits: 100, .. })));
    });
}

#[test]
fn a_failing_bundle_rolls_back_entirely_but_the_winner_pays() {
    new_test_ext().execute_with(|| {
        let b = bundle(vec![transfer(30, 1_000), transfer(31, START * 10)]);
        commit(1, &b, 40, 100);
        to_reveal();
        reveal(1, &b, 40);
        to_settle();
        assert_eq!(free(30), START, "first transfer rolled back");
        assert_eq!(free(1), START - 40);
        let rec = History::<Test>::get(0).unwrap();
        assert_eq!(rec.bids[0].outcome, Outcome::Won { rank: 0, executed: false });
        assert!(auction_events().iter().any(|e| matches!(e, Event::BundleExecuted { who: 1, ok: false, error: Some(_), .. })));
    });
}

#[test]
fn a_heavy_high_bid_is_skipped_and_a_smaller_bundle_fits() {
    new_test_ext().execute_with(|| {
        let big = bundle(vec![remark(1), remark(1), remark(1)]);
        let small = bundle(vec![remark(1)]);
        Budget::set(weight_of(&big));
        commit(1, &small, 90, 100);
        commit(2, &big, 50, 100);
        commit(3, &small, 10, 100);
        to_reveal();
        reveal(1, &small, 90);
        reveal(2, &big, 50);
        reveal(3, &small, 10);
        to_settle();
        let rec = History::<Test>::get(0).unwrap();
        assert_eq!(rec.bids[0].outcome, Outcome::Won { rank: 0, executed: true });
        assert_eq!(rec.bids[1].outcome, Outcome::Lost);
        assert_eq!(rec.bids[2].outcome, Outcome::Won { rank: 1, executed: true });
    });
}

/// Testnet waives a winner's bid; the fees and an unrevealed deposit are charged as in Mainnet.
#[test]
fn testnet_waives_the_winning_price_only() {
    ext_with(AuctionMode::Testnet).execute_with(|| {
        let b = bundle(vec![remark(1)]);
        commit(1, &b, 40, 100);
        commit(2, &b, 40, 100);
        to_reveal();
        reveal(1, &b, 40);
        to_settle();
        assert_eq!(free(1), START);
        assert_eq!(free(2), START - 100);
        assert_eq!(free(REVENUE), 1 + 100);
        let rec = History::<Test>::get(0).unwrap();
        assert_eq!(rec.mode, AuctionMode::Testnet);
        assert_eq!((rec.bids[0].due, rec.bids[0].charged, rec.bids[0].refunded), (40, 0, 100));
        assert_eq!((rec.bids[1].due, rec.bids[1].charged, rec.bids[1].refunded), (100, 100, 0));
        assert_eq!(rec.bids[0].outcome, Outcome::Won { rank: 0, executed: true });
    });
}

#[test]
fn set_mode_origin_and_unchanged() {
    new_test_ext().execute_with(|| {
        assert_noop!(Auction::set_mode(RuntimeOrigin::signed(1), AuctionMode::Testnet), DispatchError::BadOrigin);
        assert_noop!(Auction::set_mode(RuntimeOrigin::root(), AuctionMode::Mainnet), Error::<Test>::Unchanged);
        assert_ok!(Auction::set_mode(RuntimeOrigin::root(), AuctionMode::Testnet));
        assert_eq!(Mode::<Test>::get(), AuctionMode::Testnet);
        assert!(auction_events().contains(&Event::ModeSet { mode: AuctionMode::Testnet }));
    });
}

#[test]
fn history_is_a_bounded_ring_and_rounds_advance() {
    new_test_ext().execute_with(|| {
        let period = COMMIT + REVEAL;
        run_to_block(period * 5);
        assert_eq!(CurrentRound::<Test>::get().0, 5);
        assert!(History::<Test>::get(0).is_none());
        assert!(History::<Test>::get(1).is_none());
        for r in 2..5 {
            assert!(History::<Test>::get(r).is_some());
        }
        // commit in round 5 works
        let b = bundle(vec![remark(1)]);
        commit(1, &b, 5, 10);
        assert!(Commitments::<Test>::get(5, 1).is_some());
    });
}

// ---------- properties ----------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn random_bid_sets_follow_the_rule_and_settle_every_deposit_once(
        bids in proptest::collection::vec((1u64..500, 0u64..300, 1usize..=3, any::<bool>()), 0..=16),
        budget_calls in 0u64..12,
        testnet in any::<bool>(),
        commit_fee in 0u64..3,
        weight_fees in any::<bool>(),
    ) {
        let mode = if testnet { AuctionMode::Testnet } else { AuctionMode::Mainnet };
        ext_with(mode).execute_with(|| {
            let unit = weight_of(&bundle(vec![remark(1)]));
            Budget::set(unit * budget_calls);
            CommitFee::set(commit_fee);
            // One unit of fee per call when weight fees are on.
            WeightFeeDivisor::set(if weight_fees { unit.ref_time() } else { 0 });
            let wfee = |b: &BundleOf<Test>| if weight_fees { b.len() as u64 } else { 0 };
            let mut entries = vec![];
            for (i, (bid, extra, calls, reveals)) in bids.iter().enumerate() {
                let who = (i + 1) as u64;
                let deposit = 10 + bid + extra;
                let b = bundle((0..*calls).map(|_| remark(1)).collect());
                commit(who, &b, *bid, deposit);
                entries.push((who, *bid, deposit, b, *reveals));
            }
            to_reveal();
            for (who, bid, _, b, reveals) in entries.iter() {
                if *reveals {
                    let res = Auction::reveal(RuntimeOrigin::signed(*who), b.clone(), *bid, salt(*who));
                    if weight_of(b).all_lte(unit * budget_calls) {
                        prop_assert!(res.is_ok());
                    } else {
                        prop_assert_eq!(res, Err(Error::<Test>::BundleTooHeavy.into()));
                    }
                }
            }
            let revealed: Vec<_> = entries.iter().filter(|e| Reveals::<Test>::contains_key(0, e.0)).cloned().collect();
            to_settle();
            let rec = History::<Test>::get(0).unwrap();
            prop_assert_eq!(rec.bids.len(), entries.len());
            // expected winners: sort by bid desc then commit order, greedy fit
            let mut order = revealed.clone();
            order.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let mut used = Weight::zero();
            let mut expect = vec![];
            for e in order {
                let w = weight_of(&e.3);
                if (used + w).all_lte(unit * budget_calls) { used += w; expect.push(e.0); }
            }
            let mut won: Vec<(u32, u64)> = rec.bids.iter().filter_map(|r| match r.outcome { Outcome::Won { rank, .. } => Some((rank, r.who)), _ => None }).collect();
            won.sort();
            prop_assert_eq!(won.iter().map(|w| w.1).collect::<Vec<_>>(), expect.clone());
            let mut charged_total = 0;
            for (r, (who, bid, deposit, b, _)) in rec.bids.iter().zip(entries.iter()) {
                prop_assert_eq!(r.who, *who);
                prop_assert_eq!(r.deposit, *deposit);
                // exactly once: charged + refunded == deposit; nothing still held
                prop_assert_eq!(r.charged + r.refunded, *deposit);
                prop_assert_eq!(held(*who), 0);
                prop_assert_eq!(free(*who), START - commit_fee - r.charged);
                let (due, charged) = match r.outcome {
                    Outcome::Won { .. } => (*bid + wfee(b), if testnet { wfee(b) } else { *bid + wfee(b) }),
                    Outcome::Lost => (0, 0),
                    Outcome::Unrevealed => (*deposit, *deposit),
                };
                prop_assert_eq!(r.due, due);
                prop_assert_eq!(r.charged, charged);
                charged_total += r.charged;
            }
            let commit_fees = commit_fee * entries.len() as u64;
            prop_assert_eq!(free(REVENUE), 1 + charged_total + commit_fees);
            prop_assert_eq!(proceeds() + forfeits() + fees(), charged_total + commit_fees);
            Ok(())
        })?;
    }
}

/// Issue 10, finding 5: the commitment did not bind the bidder's account, so anyone could copy a
/// sealed bid's hash in the commit phase and, once the bidder revealed, reveal the same bundle,
/// bid and salt as its own.
#[test]
fn attack_a_copied_commitment_cannot_be_revealed_by_the_copier() {
    new_test_ext().execute_with(|| {
        let b = bundle(vec![remark(1)]);
        let round = CurrentRound::<Test>::get().0;
        commit(1, &b, 50, 100);
        let copied = Commitments::<Test>::get(round, 1).expect("committed").hash;
        assert_ok!(Auction::commit(RuntimeOrigin::signed(2), copied, 100));
        to_reveal();
        reveal(1, &b, 50);
        assert_noop!(Auction::reveal(RuntimeOrigin::signed(2), b.clone(), 50, salt(1)), Error::<Test>::CommitmentMismatch);
    });
}

/// Issue 10, finding 4: the round's slots went first come, first served, so a spammer filling
/// them with minimum deposits shut every later bidder out, whatever it offered.
#[test]
fn attack_minimum_deposits_filling_the_round_do_not_shut_out_a_higher_bidder() {
    new_test_ext().execute_with(|| {
        let h = hash(1, &bundle(vec![remark(1)]), 1, salt(1));
        for who in 1..=16 {
            assert_ok!(Auction::commit(RuntimeOrigin::signed(who), h, 10));
        }
        assert_ok!(Auction::commit(RuntimeOrigin::signed(17), h, 1_000));
        assert_eq!(held(17), 1_000);
        // The newest of the lowest deposits made room, and got its deposit back.
        let round = CurrentRound::<Test>::get().0;
        assert_eq!(System::events().iter().rev().nth(1).unwrap().event, Event::<Test>::Outbid { round, who: 16, deposit: 10 }.into());
        assert_eq!(held(16), 0);
        assert!(Commitments::<Test>::get(round, 16).is_none());
        assert_eq!(Commitments::<Test>::iter_prefix(round).count(), 16);
        // Matching the lowest is not enough; beating it is.
        assert_noop!(Auction::commit(RuntimeOrigin::signed(18), h, 10), Error::<Test>::TooManyBidders);
        assert_ok!(Auction::commit(RuntimeOrigin::signed(18), h, 11));
        assert_eq!(held(15), 0);
        // The outbid may come back with more.
        assert_ok!(Auction::commit(RuntimeOrigin::signed(16), h, 12));
        assert_eq!(held(14), 0);
        // Settlement sees the sixteen that hold deposits, in commit order.
        to_settle();
        run_to_block(COMMIT + REVEAL + 1);
        assert!(Commitments::<Test>::iter_prefix(round).next().is_none());
    });
}

/// Issue 10 finding 4: block space through the auction was free. A zero bid won, Testnet mode
/// released every deposit (even unrevealed ones) and bundles paid nothing for their weight.
#[test]
fn attack_auction_block_space_is_not_free() {
    ext_with(AuctionMode::Testnet).execute_with(|| {
        let b = bundle(vec![remark(64)]);
        CommitFee::set(2);
        // About five units for this bundle's weight.
        WeightFeeDivisor::set(weight_of(&b).ref_time() / 5 + 1);
        commit(1, &b, 1, 100);
        commit(2, &b, 1, 100);
        to_reveal();
        reveal(1, &b, 1);
        to_settle();
        assert!(free(1) < START - 2, "a winning bundle ran for free");
        assert_eq!(free(1), START - 2 - Auction::weight_fee(weight_of(&b)));
        assert!(free(2) < START - 2, "an unrevealed commitment cost nothing");
    });
    new_test_ext().execute_with(|| {
        let b = bundle(vec![remark(1)]);
        commit(1, &b, 0, 100);
        to_reveal();
        assert!(Auction::reveal(RuntimeOrigin::signed(1), b.clone(), 0, salt(1)).is_err(), "a zero bid was accepted");
    });
}

/// Issue 10 finding 5: the few leaders of the reveal blocks could censor a competitor's reveal,
/// who then forfeited the whole deposit. One validator of four (100) authors every block of the
/// reveal period and leaves Bob's reveal out; the window must stay open until a second author
/// (f + 1 = 2) has made a block, in which Bob reveals.
#[test]
fn attack_one_leader_cannot_censor_the_reveal_window() {
    new_test_ext().execute_with(|| {
        VALIDATORS.with(|v| *v.borrow_mut() = 4);
        AUTHOR_OF.with(|a| *a.borrow_mut() = |n| Some(if n < COMMIT + REVEAL { 100 } else { 101 }));
        let b = bundle(vec![remark(1)]);
        commit(2, &b, 40, 100);
        to_settle();
        // Block COMMIT + REVEAL, authored by 101: the round is still open for reveals.
        assert_ok!(Auction::reveal(RuntimeOrigin::signed(2), b.clone(), 40, salt(2)));
        run_to_block(COMMIT + REVEAL + 1);
        let rec = History::<Test>::get(0).expect("settled once a second author made a block");
        assert_eq!(rec.bids[0].outcome, Outcome::Won { rank: 0, executed: true });
        assert_eq!(free(2), START - 40);
    });
}

/// Review of finding 5: a window that reaches its cap without f + 1 authors was not safe, and the
/// leader who made it must not profit: an unrevealed deposit is refunded then, not forfeited.
#[test]
fn attack_a_window_closed_by_its_cap_forfeits_nothing() {
    new_test_ext().execute_with(|| {
        VALIDATORS.with(|v| *v.borrow_mut() = 4);
        let b = bundle(vec![remark(1)]);
        commit(2, &b, 40, 100);
        let cap = COMMIT + 3 * REVEAL;
        run_to_block(cap);
        assert!(History::<Test>::get(0).is_some(), "settled at the cap");
        assert_eq!(free(2), START, "a censored bidder forfeited its deposit to the censor's revenue");
        assert_eq!(forfeits(), 0);
    });
}

/// Review of finding 5: the first reveal block's author rarely sees a reveal (bidders send them
/// once the reveal phase has begun), so it does not count: here an honest first author and one
/// censoring author must not close the window.
#[test]
fn attack_the_first_reveal_blocks_author_does_not_count() {
    new_test_ext().execute_with(|| {
        VALIDATORS.with(|v| *v.borrow_mut() = 4);
        AUTHOR_OF.with(|a| *a.borrow_mut() = |n| Some(if n == COMMIT { 101 } else { 100 }));
        let b = bundle(vec![remark(1)]);
        commit(2, &b, 40, 100);
        run_to_block(COMMIT + REVEAL);
        assert!(History::<Test>::get(0).is_none(), "the window closed with one author after its first block");
    });
}
