//! Benchmarks for every extrinsic of `pallet_roundtable` (frame-benchmarking v2).
use super::*;
use crate::pallet::{BalanceOf, Disputes, PollElectorate, TrackRules};
use frame_benchmarking::v2::*;
use frame_support::traits::{
    fungible::{Inspect, Mutate},
    EnsureOrigin, Get, Polling,
};
use frame_system::RawOrigin as SystemOrigin;
use sp_core::H256;
use sp_runtime::traits::Saturating;

fn assert_last_event<T: Config>(e: Event<T>) {
    let e: <T as Config>::RuntimeEvent = e.into();
    frame_system::Pallet::<T>::assert_last_event(e.into());
}

fn member<T: Config>(name: &'static str, i: u32) -> T::AccountId {
    let who: T::AccountId = account(name, i, 0);
    let amount = T::Currency::minimum_balance()
        .saturating_add(T::DecisionDeposit::get())
        .saturating_add(T::DisputeDeposit::get())
        .saturating_mul(1_000u32.into());
    T::Currency::set_balance(&who, amount);
    T::Members::make_active_member(&who, 1);
    who
}

/// How many more active members a poll's electorate can hold (at least 1).
fn room<T: Config>() -> u32 {
    T::MaxVoters::get().saturating_sub(T::Members::active_partners().len() as u32).max(1)
}

fn disputed<T: Config>() -> (T::AccountId, T::AccountId, DisputeIndex) {
    let accuser = member::<T>("accuser", 0);
    let accused = member::<T>("accused", 0);
    let index = DisputeCount::<T>::get();
    Pallet::<T>::raise_dispute(SystemOrigin::Signed(accuser.clone()).into(), accused.clone(), H256::repeat_byte(1))
        .expect("dispute");
    (accuser, accused, index)
}

#[benchmarks]
mod benchmarks {
    use super::*;

    #[benchmark]
    fn raise_dispute() {
        let accuser = member::<T>("accuser", 0);
        let accused = member::<T>("accused", 0);
        #[extrinsic_call]
        _(SystemOrigin::Signed(accuser.clone()), accused.clone(), H256::repeat_byte(1));
        assert_last_event::<T>(Event::DisputeRaised { index: 0, accuser, accused, evidence: H256::repeat_byte(1) });
    }

    #[benchmark]
    fn answer() {
        let (_, accused, index) = disputed::<T>();
        #[extrinsic_call]
        _(SystemOrigin::Signed(accused), index, H256::repeat_byte(2));
        assert_last_event::<T>(Event::DisputeAnswered { index, answer: H256::repeat_byte(2) });
    }

    #[benchmark]
    fn resolve_dispute() -> Result<(), BenchmarkError> {
        let (_, accused, index) = disputed::<T>();
        let o = T::DisputeOrigin::try_successful_origin(&accused).map_err(|_| BenchmarkError::Weightless)?;
        let slash: BalanceOf<T> = T::Currency::minimum_balance();
        #[extrinsic_call]
        _(o as T::RuntimeOrigin, index, Verdict::Upheld { slash, suspend: true });
        assert!(!Disputes::<T>::contains_key(index));
        Ok(())
    }

    #[benchmark]
    fn expire_dispute() {
        let (accuser, _, index) = disputed::<T>();
        let now = frame_system::Pallet::<T>::block_number();
        frame_system::Pallet::<T>::set_block_number(now.saturating_add(T::DisputeExpiry::get()));
        #[extrinsic_call]
        _(SystemOrigin::Signed(accuser), index);
        assert_last_event::<T>(Event::DisputeExpired { index });
    }

    /// The first vote of a poll on the removal track: the referendum's origin is read for an
    /// accused and the electorate frozen with `MaxVoters` members.
    #[benchmark]
    fn vote_poll() -> Result<(), BenchmarkError> {
        let voter = member::<T>("voter", 0);
        for i in 0..room::<T>() {
            member::<T>("member", i);
        }
        let poll = T::Polls::create_ongoing(tracks::PARTNER_REMOVAL).map_err(|_| BenchmarkError::Weightless)?;
        #[extrinsic_call]
        _(SystemOrigin::Signed(voter), poll, true);
        assert_eq!(PollElectorate::<T>::get(poll).map(|e| e.voters.len() as u32), Some(T::MaxVoters::get()));
        Ok(())
    }

    #[benchmark]
    fn remove_poll_votes(v: Linear<1, { T::MaxVoters::get() }>) -> Result<(), BenchmarkError> {
        let poll = T::Polls::create_ongoing(tracks::PROTOCOL).map_err(|_| BenchmarkError::Weightless)?;
        let voters: alloc::vec::Vec<T::AccountId> = (0..v.min(room::<T>())).map(|i| member::<T>("voter", i)).collect();
        for who in &voters {
            Pallet::<T>::vote_poll(SystemOrigin::Signed(who.clone()).into(), poll, true).expect("vote");
        }
        T::Polls::end_ongoing(poll, false).map_err(|_| BenchmarkError::Weightless)?;
        #[extrinsic_call]
        _(SystemOrigin::Signed(voters[0].clone()), poll);
        assert!(!PollElectorate::<T>::contains_key(poll));
        Ok(())
    }

    #[benchmark]
    fn set_track() -> Result<(), BenchmarkError> {
        let o = T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
        let params = Pallet::<T>::default_track(tracks::PROTOCOL);
        #[extrinsic_call]
        _(o as T::RuntimeOrigin, tracks::PROTOCOL, params);
        assert_eq!(TrackRules::<T>::get(tracks::PROTOCOL), Some(params));
        Ok(())
    }

    impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
