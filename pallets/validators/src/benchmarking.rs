//! Benchmarks for `pallet-validators`: every call (worst cases) and the epoch hook.

use super::*;
use crate::Pallet as Validators;
use alloc::vec::Vec;
use bpci_primitives::{BlsPublic, PreDigest, BPCI_ENGINE_ID};
use codec::{Decode, Encode};
use frame_benchmarking::v2::*;
use frame_support::{
    pallet_prelude::*,
    traits::{EnsureOrigin, Hooks},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{traits::TrailingZeroInput, DigestItem};

/// An account with session keys registered (written directly: the benchmark does not measure
/// pallet-session's `set_keys`). The keys are derived from the account, so every account's differ.
fn with_keys<T: Config>(name: &'static str, i: u32) -> T::AccountId {
    let who: T::AccountId = account(name, i, 0);
    let seed = who.encode();
    let keys = <T as pallet_session::Config>::Keys::decode(&mut TrailingZeroInput::new(&seed))
        .expect("decoding from an infinite input cannot fail");
    pallet_session::NextKeys::<T>::insert(&who, keys);
    who
}

fn fill_members<T: Config>(n: u32) -> Vec<T::AccountId> {
    let members: Vec<_> = (0..n).map(|i| with_keys::<T>("member", i)).collect();
    Members::<T>::put(BoundedVec::truncate_from(members.clone()));
    members
}

#[benchmarks]
mod benchmarks {
    use super::*;

    #[benchmark]
    fn add_validator() -> Result<(), BenchmarkError> {
        let origin = T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
        fill_members::<T>(T::MaxValidators::get() - 1);
        let who = with_keys::<T>("new", 0);
        #[extrinsic_call]
        _(origin as T::RuntimeOrigin, who.clone());
        assert!(Members::<T>::get().contains(&who));
        Ok(())
    }

    #[benchmark]
    fn remove_validator() -> Result<(), BenchmarkError> {
        let origin = T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
        let members = fill_members::<T>(T::MaxValidators::get());
        let who = members[0].clone();
        #[extrinsic_call]
        _(origin as T::RuntimeOrigin, who.clone());
        assert!(!Members::<T>::get().contains(&who));
        Ok(())
    }

    #[benchmark]
    fn set_session_length() -> Result<(), BenchmarkError> {
        let origin = T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
        let blocks = T::MinSessionLength::get().max(2u32.into());
        #[extrinsic_call]
        _(origin as T::RuntimeOrigin, blocks);
        assert_eq!(SessionLength::<T>::get(), blocks);
        Ok(())
    }

    #[benchmark]
    fn force_set(n: Linear<1, { T::MaxValidators::get() }>) -> Result<(), BenchmarkError> {
        let origin = T::ForceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
        let members: Vec<_> = (0..n).map(|i| with_keys::<T>("forced", i)).collect();
        #[extrinsic_call]
        _(origin as T::RuntimeOrigin, BoundedVec::truncate_from(members));
        assert_eq!(PendingForce::<T>::get().map(|m| m.len()), Some(n as usize));
        Ok(())
    }

    #[benchmark]
    fn cancel_force() -> Result<(), BenchmarkError> {
        let origin = T::ForceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
        PendingForce::<T>::put(BoundedVec::truncate_from(alloc::vec![with_keys::<T>("forced", 0)]));
        #[extrinsic_call]
        _(origin as T::RuntimeOrigin);
        assert!(PendingForce::<T>::get().is_none());
        Ok(())
    }

    /// The worst case: the consent that enacts a forced set of `n` members.
    #[benchmark]
    fn on_initialize_force(n: Linear<1, { T::MaxValidators::get() }>) {
        let members: Vec<_> = (0..n).map(|i| with_keys::<T>("forced", i)).collect();
        PendingForce::<T>::put(BoundedVec::truncate_from(members));
        let mut epoch = Epoch::<T>::get();
        // One validator: its consent is the `f + 1`th.
        epoch.set.validators.truncate(1);
        if epoch.set.validators.is_empty() {
            epoch.set.validators.push(BlsPublic([0; 48]));
        }
        Epoch::<T>::put(epoch.clone());
        let pre = PreDigest { view: 1, set_id: epoch.set.set_id, proposer_index: 0, justify: None, stall: true };
        frame_system::Pallet::<T>::deposit_log(DigestItem::PreRuntime(BPCI_ENGINE_ID, pre.encode()));
        let block: BlockNumberFor<T> = 2u32.into();
        #[block]
        {
            Validators::<T>::on_initialize(block);
        }
        assert!(ForcedChange::<T>::get().is_some());
        assert_eq!(Validators::<T>::validator_set().validators.len(), n as usize);
    }

    #[benchmark]
    fn on_initialize_same_epoch() {
        let pre = PreDigest { view: 1, set_id: Epoch::<T>::get().set.set_id, proposer_index: 0, justify: None, stall: false };
        frame_system::Pallet::<T>::deposit_log(DigestItem::PreRuntime(BPCI_ENGINE_ID, pre.encode()));
        let n: BlockNumberFor<T> = 2u32.into();
        let before = Epoch::<T>::get();
        #[block]
        {
            Validators::<T>::on_initialize(n);
        }
        assert_eq!(Epoch::<T>::get(), before);
    }

    #[benchmark]
    fn on_initialize_new_epoch() {
        let keys: Vec<_> = (0..T::MaxValidators::get()).map(|i| BlsPublic([i as u8; 48])).collect();
        crate::Validators::<T>::put(BoundedVec::truncate_from(keys));
        let set_id = Epoch::<T>::get().set.set_id + 1;
        CurrentSetId::<T>::put(set_id);
        let pre = PreDigest { view: 1, set_id, proposer_index: 0, justify: None, stall: false };
        frame_system::Pallet::<T>::deposit_log(DigestItem::PreRuntime(BPCI_ENGINE_ID, pre.encode()));
        let n: BlockNumberFor<T> = 2u32.into();
        #[block]
        {
            Validators::<T>::on_initialize(n);
        }
        assert_eq!(Epoch::<T>::get().set.set_id, set_id);
    }

    impl_benchmark_test_suite!(Validators, crate::mock::new_test_ext(), crate::mock::Test);
}
