//! # Validators
//!
//! The BLS validator set of the BPCI BFT engine.
//!
//! pallet-session decides who validates and holds their session keys; this pallet receives the
//! BLS keys through [`OneSessionHandler`] and stores them in leader-rotation order with a set id,
//! which is what the node reads through `BpciConsensusApi::validator_set`.
//!
//! The set id changes only when the set changes: votes and certificates are bound to a set id, so
//! a session rotation that keeps the same validators must not invalidate certificates in flight.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

#[frame_support::pallet]
pub mod pallet {
    use alloc::vec::Vec;
    use bpci_primitives::{BlsPublic, BlsSessionKey, SetId, ValidatorSet};
    use frame_support::pallet_prelude::*;
    use frame_support::traits::OneSessionHandler;

    #[pallet::pallet]
    pub struct Pallet<T>(_);

    #[pallet::config]
    pub trait Config: frame_system::Config {
        /// Most validators a set may hold; bounds storage and the bitfield of a certificate.
        #[pallet::constant]
        type MaxValidators: Get<u32>;
    }

    /// BLS keys of the current validators, in leader-rotation order.
    #[pallet::storage]
    pub type Validators<T: Config> = StorageValue<_, BoundedVec<BlsPublic, T::MaxValidators>, ValueQuery>;

    /// Id of the current set; every vote and certificate names it.
    #[pallet::storage]
    pub type CurrentSetId<T: Config> = StorageValue<_, SetId, ValueQuery>;

    impl<T: Config> Pallet<T> {
        pub fn validator_set() -> ValidatorSet {
            ValidatorSet { set_id: CurrentSetId::<T>::get(), validators: Validators::<T>::get().into_inner() }
        }

        /// Keys past `MaxValidators` are dropped (and logged): a set that large cannot have been
        /// configured on purpose, and the engine must keep running with a bounded set.
        fn bounded(keys: Vec<BlsPublic>) -> BoundedVec<BlsPublic, T::MaxValidators> {
            let n = keys.len();
            let bounded = BoundedVec::truncate_from(keys);
            if bounded.len() < n {
                log::warn!(target: "runtime::validators", "validator set truncated from {} to {}", n, bounded.len());
            }
            bounded
        }
    }

    impl<T: Config> sp_runtime::BoundToRuntimeAppPublic for Pallet<T> {
        type Public = BlsSessionKey;
    }

    impl<T: Config> OneSessionHandler<T::AccountId> for Pallet<T> {
        type Key = BlsSessionKey;

        fn on_genesis_session<'a, I: 'a>(validators: I)
        where
            I: Iterator<Item = (&'a T::AccountId, BlsSessionKey)>,
        {
            Validators::<T>::put(Self::bounded(validators.map(|(_, k)| k.0).collect()));
        }

        fn on_new_session<'a, I: 'a>(changed: bool, validators: I, _queued: I)
        where
            I: Iterator<Item = (&'a T::AccountId, BlsSessionKey)>,
        {
            if !changed {
                return;
            }
            let next = Self::bounded(validators.map(|(_, k)| k.0).collect());
            if next != Validators::<T>::get() {
                Validators::<T>::put(next);
                CurrentSetId::<T>::mutate(|id| *id = id.saturating_add(1));
            }
        }

        fn on_disabled(_validator_index: u32) {}
    }
}
