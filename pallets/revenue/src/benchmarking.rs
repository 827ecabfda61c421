//! Benchmarks for `pallet-revenue`: every call plus the per-block and era-end hooks.

use super::*;
use crate::Pallet as Revenue;
use frame_benchmarking::v2::*;
use alloc::vec::Vec;
use frame_support::traits::{fungible::{Inspect, Mutate}, EnsureOrigin, Get, Hooks};
use frame_system::pallet_prelude::BlockNumberFor;
use frame_support::BoundedVec;
use sp_runtime::{traits::Zero, Perbill};

fn funded<T: Config>(name: &'static str, i: u32) -> T::AccountId {
    let who: T::AccountId = account(name, i, 0);
    let _ = T::Currency::mint_into(&who, T::Currency::minimum_balance());
    who
}

#[benchmarks]
mod benchmarks {
    use super::*;

    #[benchmark]
    fn set_shares() -> Result<(), BenchmarkError> {
        let origin = T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
        let shares = Shares {
            validators: Perbill::from_percent(50),
            development: Perbill::from_percent(20),
            infrastructure: Perbill::from_percent(10),
            treasury: Perbill::from_percent(10),
            partners: Perbill::from_percent(10),
        };
        #[extrinsic_call]
        _(origin as T::RuntimeOrigin, shares);
        assert_eq!(CurrentShares::<T>::get(), shares);
        Ok(())
    }

    #[benchmark]
    fn set_block_reward() -> Result<(), BenchmarkError> {
        let origin = T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
        let reward = T::Currency::minimum_balance();
        #[extrinsic_call]
        _(origin as T::RuntimeOrigin, reward);
        assert_eq!(BlockReward::<T>::get(), reward);
        Ok(())
    }

    #[benchmark]
    fn set_era_length() -> Result<(), BenchmarkError> {
        let origin = T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
        let length: BlockNumberFor<T> = 1234u32.into();
        #[extrinsic_call]
        _(origin as T::RuntimeOrigin, length);
        assert_eq!(EraLength::<T>::get(), length);
        Ok(())
    }

    #[benchmark]
    fn set_mode() -> Result<(), BenchmarkError> {
        let origin = T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
        // Worst case: switching to Mainnet pays a retention to the treasury.
        RevenueMode::<T>::put(Mode::Testnet);
        let ed = T::Currency::minimum_balance();
        let _ = T::Currency::mint_into(&Revenue::<T>::pot_account(), ed.saturating_mul(3u32.into()));
        Retained::<T>::put(ed);
        #[extrinsic_call]
        _(origin as T::RuntimeOrigin, Mode::Mainnet);
        assert_eq!(RevenueMode::<T>::get(), Mode::Mainnet);
        assert!(Retained::<T>::get().is_zero());
        Ok(())
    }

    #[benchmark]
    fn on_initialize_block_reward() {
        let pot = Revenue::<T>::pot_account();
        let _ = T::Currency::mint_into(&pot, T::Currency::minimum_balance());
        BlockReward::<T>::put(T::Currency::minimum_balance());
        EraLength::<T>::put(BlockNumberFor::<T>::from(1_000u32));
        CurrentEra::<T>::put((0, BlockNumberFor::<T>::zero()));
        let n: BlockNumberFor<T> = 1u32.into();
        #[block]
        {
            Revenue::<T>::on_initialize(n);
        }
        assert_eq!(PotSources::<T>::get().block_rewards, T::Currency::minimum_balance());
    }

    #[benchmark]
    fn on_initialize_era_end(
        v: Linear<0, { T::MaxValidatorPayees::get() }>,
        p: Linear<0, { T::MaxPartnerPayees::get() }>,
    ) {
        let pot = Revenue::<T>::pot_account();
        let ed = T::Currency::minimum_balance();
        let _ = T::Currency::mint_into(&pot, ed);
        for who in [T::DevelopmentAccount::get(), T::InfrastructureAccount::get(), T::TreasuryAccount::get()] {
            let _ = T::Currency::mint_into(&who, ed);
        }
        let validators: Vec<_> = (0..v).map(|i| (funded::<T>("validator", i), 1u64 + i as u64)).collect();
        let partners: Vec<_> = (0..p).map(|i| (funded::<T>("partner", i), 1u64 + i as u64)).collect();
        ValidatorPoints::<T>::insert(0, BoundedVec::truncate_from(validators));
        T::PartnerShares::set_partners(partners);
        // A pot large enough that every payee gets a transfer (Mainnet: real transfers).
        let amount = ed.saturating_mul(1_000_000u32.into());
        let _ = T::Currency::mint_into(&pot, amount);
        PotSources::<T>::mutate(|s| s.add(RevenueSource::Rent, amount));
        RevenueMode::<T>::put(Mode::Mainnet);
        CurrentShares::<T>::put(Shares::default());
        BlockReward::<T>::put(ed);
        EraLength::<T>::put(BlockNumberFor::<T>::from(10u32));
        CurrentEra::<T>::put((0, BlockNumberFor::<T>::zero()));
        // The ring is full: the oldest report is removed.
        let n: BlockNumberFor<T> = 10u32.into();
        #[block]
        {
            Revenue::<T>::on_initialize(n);
        }
        assert!(Reports::<T>::get(0).is_some());
        assert_eq!(CurrentEra::<T>::get().0, 1);
    }

    impl_benchmark_test_suite!(Revenue, crate::mock::new_test_ext(), crate::mock::Test);
}
