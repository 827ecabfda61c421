//! Benchmarks for every extrinsic of `pallet_partners` (frame-benchmarking v2).
use super::*;
use crate::pallet::{BalanceOf, CurrentRequirements, Installers, Partners, RelayerOf};
use frame_benchmarking::v2::*;
use frame_support::traits::{
    fungible::{Inspect, Mutate},
    EnsureOrigin, EnsureOriginWithArg,
};
use frame_system::RawOrigin;
use sp_runtime::traits::{Bounded as _, Saturating};

fn assert_last_event<T: Config>(e: Event<T>) {
    let e: <T as Config>::RuntimeEvent = e.into();
    frame_system::Pallet::<T>::assert_last_event(e.into());
}

fn bond<T: Config>() -> BalanceOf<T> {
    T::Currency::minimum_balance().saturating_mul(10u32.into())
}

fn funded<T: Config>(name: &'static str, i: u32) -> T::AccountId {
    let who: T::AccountId = account(name, i, 0);
    let amount = T::Currency::minimum_balance().saturating_mul(1_000_000u32.into());
    T::Currency::set_balance(&who, amount);
    who
}

fn relaxed_requirements<T: Config>() {
    CurrentRequirements::<T>::put(Requirements { min_operational_secs: 0, min_validators: 1, min_bond: bond::<T>() });
}

fn chain_id(i: u32) -> H256 {
    H256::repeat_byte((i % 251) as u8 + 1)
}

fn applied<T: Config>(i: u32) -> T::AccountId {
    relaxed_requirements::<T>();
    let who = funded::<T>("partner", i);
    let name = alloc::vec![b'x'; T::MaxNameLen::get() as usize];
    Pallet::<T>::apply(
        RawOrigin::Signed(who.clone()).into(),
        name,
        chain_id(i),
        ConsensusKind::ProofOfStake,
        0,
        who.clone(),
        bond::<T>(),
    )
    .expect("apply");
    who
}

fn gov<T: Config>() -> T::RuntimeOrigin {
    T::GovernanceOrigin::try_successful_origin().expect("governance origin")
}

fn removal<T: Config>(who: &T::AccountId) -> T::RuntimeOrigin {
    T::RemovalOrigin::try_successful_origin(who).expect("removal origin")
}

fn assessed<T: Config>(i: u32) -> T::AccountId {
    let who = applied::<T>(i);
    let o = T::AssessorOrigin::try_successful_origin().expect("assessor origin");
    Pallet::<T>::assess(o, who.clone(), true, H256::repeat_byte(7)).expect("assess");
    who
}

fn relayers<T: Config>(seed: u32, n: u32) -> Vec<T::AccountId> {
    (0..n).map(|i| account("relayer", seed.saturating_mul(1000).saturating_add(i), 0)).collect()
}

fn integrating<T: Config>(i: u32) -> T::AccountId {
    let who = assessed::<T>(i);
    Pallet::<T>::decide(gov::<T>(), who.clone(), true).expect("decide");
    Pallet::<T>::register_relayers(RawOrigin::Signed(who.clone()).into(), relayers::<T>(i, T::MaxRelayers::get()))
        .expect("relayers");
    who
}

fn obligations<T: Config>() -> Vec<Obligation> {
    (0..T::MaxObligations::get()).map(|i| Obligation::Custom(H256::repeat_byte(i as u8))).collect()
}

fn active<T: Config>(i: u32) -> T::AccountId {
    let who = integrating::<T>(i);
    <Pallet<T> as ProofBridge<T::AccountId>>::header_verified(&who, 1_000).expect("proof");
    Pallet::<T>::propose_agreement(gov::<T>(), who.clone(), H256::repeat_byte(9), 1, 1, obligations::<T>())
        .expect("propose");
    Pallet::<T>::sign_agreement(RawOrigin::Signed(who.clone()).into(), H256::repeat_byte(9)).expect("sign");
    who
}

#[benchmarks]
mod benchmarks {
    use super::*;

    #[benchmark]
    fn apply() {
        relaxed_requirements::<T>();
        let who = funded::<T>("partner", 0);
        let name = alloc::vec![b'x'; T::MaxNameLen::get() as usize];
        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()), name, chain_id(0), ConsensusKind::Bft, 0, who.clone(), bond::<T>());
        assert_last_event::<T>(Event::Applied { who, chain_id: chain_id(0), bond: bond::<T>() });
    }

    #[benchmark]
    fn assess() -> Result<(), BenchmarkError> {
        let who = applied::<T>(0);
        let o = T::AssessorOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
        // The failing branch deletes the record and releases the bond: the heavier one.
        #[extrinsic_call]
        _(o as T::RuntimeOrigin, who.clone(), false, H256::repeat_byte(1));
        assert!(Partners::<T>::get(&who).is_none());
        Ok(())
    }

    #[benchmark]
    fn decide() -> Result<(), BenchmarkError> {
        let who = assessed::<T>(0);
        let o = T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
        #[extrinsic_call]
        _(o as T::RuntimeOrigin, who.clone(), false);
        assert!(Partners::<T>::get(&who).is_none());
        Ok(())
    }

    #[benchmark]
    fn register_relayers(n: Linear<1, { T::MaxRelayers::get() }>) {
        // Worst case: a full set of old relayers is replaced.
        let who = integrating::<T>(0);
        let new = relayers::<T>(1, n);
        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()), new.clone());
        assert_eq!(RelayerOf::<T>::get(&new[0]), Some(who.clone()));
        assert_last_event::<T>(Event::RelayersRegistered { who, count: n });
    }

    #[benchmark]
    fn propose_agreement() -> Result<(), BenchmarkError> {
        let who = integrating::<T>(0);
        let o = T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
        #[extrinsic_call]
        _(o as T::RuntimeOrigin, who.clone(), H256::repeat_byte(9), 3, 2, obligations::<T>());
        assert_last_event::<T>(Event::AgreementProposed {
            who,
            terms_hash: H256::repeat_byte(9),
            revenue_weight: 3,
            vote_weight: 2,
        });
        Ok(())
    }

    #[benchmark]
    fn sign_agreement() {
        let who = integrating::<T>(0);
        <Pallet<T> as ProofBridge<T::AccountId>>::header_verified(&who, 1_000).expect("proof");
        Pallet::<T>::propose_agreement(gov::<T>(), who.clone(), H256::repeat_byte(9), 1, 1, obligations::<T>())
            .expect("propose");
        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()), H256::repeat_byte(9));
        assert!(<Pallet<T> as PartnerProvider<T::AccountId>>::is_active_member(&who));
    }

    #[benchmark]
    fn set_weights() -> Result<(), BenchmarkError> {
        let who = active::<T>(0);
        let o = T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
        #[extrinsic_call]
        _(o as T::RuntimeOrigin, who.clone(), 5, 7);
        assert_eq!(<Pallet<T> as PartnerProvider<T::AccountId>>::vote_weight(&who), Some(7));
        Ok(())
    }

    #[benchmark]
    fn suspend() -> Result<(), BenchmarkError> {
        let who = active::<T>(0);
        let o = T::RemovalOrigin::try_successful_origin(&who).map_err(|_| BenchmarkError::Weightless)?;
        #[extrinsic_call]
        _(o as T::RuntimeOrigin, who.clone());
        assert_last_event::<T>(Event::Suspended { who });
        Ok(())
    }

    #[benchmark]
    fn resume() -> Result<(), BenchmarkError> {
        let who = active::<T>(0);
        Pallet::<T>::suspend(removal::<T>(&who), who.clone()).expect("suspend");
        let o = T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
        #[extrinsic_call]
        _(o as T::RuntimeOrigin, who.clone());
        assert_last_event::<T>(Event::Resumed { who });
        Ok(())
    }

    #[benchmark]
    fn request_exit() {
        let who = active::<T>(0);
        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()));
        assert_eq!(Partners::<T>::get(&who).map(|p| p.status), Some(PartnerStatus::Exiting));
    }

    #[benchmark]
    fn remove() -> Result<(), BenchmarkError> {
        let who = active::<T>(0);
        let o = T::RemovalOrigin::try_successful_origin(&who).map_err(|_| BenchmarkError::Weightless)?;
        #[extrinsic_call]
        _(o as T::RuntimeOrigin, who.clone());
        assert_eq!(Partners::<T>::get(&who).map(|p| p.status), Some(PartnerStatus::Removed));
        Ok(())
    }

    #[benchmark]
    fn withdraw_bond() {
        let who = active::<T>(0);
        Pallet::<T>::request_exit(RawOrigin::Signed(who.clone()).into()).expect("exit");
        let later = frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get());
        frame_system::Pallet::<T>::set_block_number(later);
        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()));
        assert!(Partners::<T>::get(&who).is_none());
    }

    #[benchmark]
    fn set_requirements() -> Result<(), BenchmarkError> {
        let o = T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
        let r = Requirements { min_operational_secs: 1, min_validators: 2, min_bond: BalanceOf::<T>::max_value() };
        #[extrinsic_call]
        _(o as T::RuntimeOrigin, r);
        assert_eq!(CurrentRequirements::<T>::get(), r);
        Ok(())
    }

    #[benchmark]
    fn set_payout() {
        let who = active::<T>(0);
        let payout: T::AccountId = account("payout", 0, 0);
        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()), payout.clone());
        assert_last_event::<T>(Event::PayoutSet { who, payout });
    }

    #[benchmark]
    fn register_installer() {
        let who = funded::<T>("installer", 0);
        let name = alloc::vec![b'n'; T::MaxNameLen::get() as usize];
        let b = bond::<T>().max(T::MinInstallerBond::get());
        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()), name, b);
        assert!(Installers::<T>::contains_key(&who));
    }

    #[benchmark]
    fn remove_installer() -> Result<(), BenchmarkError> {
        let who = funded::<T>("installer", 0);
        let b = bond::<T>().max(T::MinInstallerBond::get());
        Pallet::<T>::register_installer(RawOrigin::Signed(who.clone()).into(), b"node".to_vec(), b).expect("reg");
        let o = T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
        #[extrinsic_call]
        _(o as T::RuntimeOrigin, who.clone());
        assert!(!Installers::<T>::contains_key(&who));
        Ok(())
    }

    #[benchmark]
    fn leave_installer() {
        let who = funded::<T>("installer", 0);
        let b = bond::<T>().max(T::MinInstallerBond::get());
        Pallet::<T>::register_installer(RawOrigin::Signed(who.clone()).into(), b"node".to_vec(), b).expect("reg");
        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()));
        assert!(!Installers::<T>::contains_key(&who));
    }

    #[benchmark]
    fn set_health_policy() -> Result<(), BenchmarkError> {
        let o = T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
        let policy = Some(HealthPolicy { unhealthy_after: 10u32.into(), withhold_after: 20u32.into() });
        #[extrinsic_call]
        _(o as T::RuntimeOrigin, policy);
        assert_eq!(crate::pallet::PartnerHealthPolicy::<T>::get(), policy);
        Ok(())
    }

    /// Every record is an active partner whose chain has been silent too long: each is read,
    /// marked, and loses reputation.
    #[benchmark]
    fn check_health(p: Linear<1, { T::MaxPartners::get() }>) {
        // The chain's genesis partners (the dev chain has two) would take places and be read too.
        let _ = Partners::<T>::clear(u32::MAX, None);
        let _ = crate::pallet::PartnerOfChain::<T>::clear(u32::MAX, None);
        let partners: Vec<T::AccountId> = (0..p).map(active::<T>).collect();
        let policy = HealthPolicy { unhealthy_after: 1u32.into(), withhold_after: 1u32.into() };
        let now = frame_system::Pallet::<T>::block_number().saturating_add(10u32.into());
        let read;
        #[block]
        {
            read = Pallet::<T>::check_health(now, &policy);
        }
        assert_eq!(read, p);
        assert!(partners.iter().all(|w| Partners::<T>::get(w).is_some_and(|r| r.timeline.unhealthy_since == Some(now))));
    }

    impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
