//! Benchmarks for `pallet-auction`: every call plus the settlement hook.

use super::*;
use crate::Pallet as Auction;
use alloc::{vec, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::{
    traits::{fungible::Mutate, EnsureOrigin, Get, Hooks},
    BoundedVec,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_runtime::traits::{Saturating, Zero};

fn funded<T: Config>(name: &'static str, i: u32) -> T::AccountId {
    let who: T::AccountId = account(name, i, 0);
    let amount = T::MinDeposit::get()
        .saturating_mul(1_000u32.into())
        .saturating_add(T::Currency::minimum_balance().saturating_mul(1_000u32.into()));
    T::Currency::set_balance(&who, amount);
    who
}

fn remark_bundle<T: Config>(len: u32) -> BundleOf<T> {
    let call: <T as Config>::RuntimeCall = frame_system::Call::<T>::remark { remark: vec![1u8; len as usize] }.into();
    frame_support::BoundedVec::truncate_from(vec![Box::new(call)])
}

/// Start a round at the current block: commit phase.
fn start_round<T: Config>() -> BlockNumberFor<T> {
    let now = frame_system::Pallet::<T>::block_number();
    CurrentRound::<T>::put((0, now));
    now
}

fn set_block<T: Config>(n: BlockNumberFor<T>) {
    frame_system::Pallet::<T>::set_block_number(n);
}

#[benchmarks]
mod benchmarks {
    use super::*;

    #[benchmark]
    fn commit() -> Result<(), BenchmarkError> {
        start_round::<T>();
        // Worst case: the round is full, so the newcomer reads every commitment and outbids the
        // lowest deposit, which is released.
        let min = T::MinDeposit::get();
        for i in 0..T::MaxBidders::get() {
            let filler = funded::<T>("filler", i);
            let hash = Auction::<T>::commitment_of(&filler, &remark_bundle::<T>(0), &min, &[0u8; 32]);
            Auction::<T>::commit(RawOrigin::Signed(filler).into(), hash, min).map_err(|_| BenchmarkError::Stop("fill failed"))?;
        }
        let who = funded::<T>("bidder", 0);
        let deposit = min.saturating_add(min);
        let hash = Auction::<T>::commitment_of(&who, &remark_bundle::<T>(0), &deposit, &[0u8; 32]);
        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()), hash, deposit);
        assert!(Commitments::<T>::contains_key(0, &who));
        Ok(())
    }

    #[benchmark]
    fn reveal(b: Linear<16, { T::MaxBundleBytes::get() }>) -> Result<(), BenchmarkError> {
        let start = start_round::<T>();
        let who = funded::<T>("bidder", 0);
        let bundle = remark_bundle::<T>(b.saturating_sub(16));
        let bid = T::MinBid::get();
        let salt = [7u8; 32];
        let hash = Auction::<T>::commitment_of(&who, &bundle, &bid, &salt);
        Auction::<T>::commit(RawOrigin::Signed(who.clone()).into(), hash, T::MinDeposit::get())
            .map_err(|_| BenchmarkError::Stop("commit failed"))?;
        set_block::<T>(start.saturating_add(T::CommitPeriod::get()));
        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()), bundle, bid, salt);
        assert!(Reveals::<T>::contains_key(0, &who));
        Ok(())
    }

    #[benchmark]
    fn set_mode() -> Result<(), BenchmarkError> {
        let origin = T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
        Mode::<T>::put(AuctionMode::Testnet);
        #[extrinsic_call]
        _(origin as T::RuntimeOrigin, AuctionMode::Mainnet);
        assert_eq!(Mode::<T>::get(), AuctionMode::Mainnet);
        Ok(())
    }

    /// Settlement of a round with `n` commitments of which `w` revealed (and, budget permitting,
    /// won); the others did not reveal and forfeit (the costlier path). Mainnet.
    #[benchmark]
    fn settle_round(n: Linear<0, { T::MaxBidders::get() }>, w: Linear<0, { T::MaxBidders::get() }>) {
        Mode::<T>::put(AuctionMode::Mainnet);
        let start = start_round::<T>();
        let bid = T::MinBid::get();
        let deposit = T::MinDeposit::get();
        let bundle = remark_bundle::<T>(0);
        let mut bidders = vec![];
        for i in 0..n {
            let who = funded::<T>("bidder", i);
            let salt = [i as u8; 32];
            let hash = Auction::<T>::commitment_of(&who, &bundle, &bid, &salt);
            let _ = Auction::<T>::commit(RawOrigin::Signed(who.clone()).into(), hash, deposit);
            bidders.push((who, salt));
        }
        set_block::<T>(start.saturating_add(T::CommitPeriod::get()));
        for (who, salt) in bidders.iter().take(w as usize) {
            let _ = Auction::<T>::reveal(RawOrigin::Signed(who.clone()).into(), bundle.clone(), bid, *salt);
        }
        let settle_at = start.saturating_add(T::CommitPeriod::get()).saturating_add(T::RevealPeriod::get());
        set_block::<T>(settle_at);
        assert_eq!(Reveals::<T>::iter_prefix(0).count() as u32, w.min(n), "every planned reveal was accepted");
        // The reveal window saw the authors it needs.
        let authors: Vec<T::AccountId> = (0..T::Authors::needed()).map(|i| account("author", i, 0)).collect();
        RevealBlockAuthors::<T>::put(BoundedVec::truncate_from(authors));
        #[block]
        {
            Auction::<T>::on_initialize(settle_at);
        }
        assert!(History::<T>::contains_key(0));
        assert!(CommitCount::<T>::get(0).is_zero());
    }

    /// A reveal block that counts its author, with all but one of the needed authors seen: the
    /// needed count and the author are read, the author list scanned and written.
    #[benchmark]
    fn on_initialize_reveal_block() {
        let start = start_round::<T>();
        let needed = T::Authors::needed();
        let seen: Vec<T::AccountId> = (1..needed).map(|i| account("author", i, 0)).collect();
        RevealBlockAuthors::<T>::put(BoundedVec::truncate_from(seen));
        let n = start.saturating_add(T::CommitPeriod::get()).saturating_add(1u32.into());
        set_block::<T>(n);
        #[block]
        {
            Auction::<T>::on_initialize(n);
        }
        assert!(History::<T>::get(0).is_none(), "the round is still open");
    }

    impl_benchmark_test_suite!(Auction, crate::mock::new_test_ext(), crate::mock::Test);
}
