//! Obsolete finality proofs are refused in the transaction pool, before they reach a block.
//!
//! Two relayers that follow one partner race for the same headers. Without this, the loser's
//! transaction lands in a block, fails with `StaleHeader` and pays its fee for nothing. With it, a
//! header at or below the client's best, or a BPCI hand-over from a set the client already left,
//! is invalid (`Stale`) in the pool, and again when a block author applies it (a transaction
//! extension's `validate` runs at both): once one copy is in a block, the others (even in the
//! same block) never land and never pay.
//!
//! It gives the proofs no pool tag of their own. A tag (partner, number) would keep one copy per
//! header in the pool, but whoever tips more would hold it: a forgery with a tip of one unit
//! would push out the honest relayer's copy, and if its sender cannot pay when the block is
//! built, it costs nothing. Without a tag, every copy waits and the first valid one wins.
//!
//! What it does not do: verify. A proof with a fresh number and a forged justification passes
//! the pool and fails in the block, where its sender pays for the verification it caused.

use crate::{Call, Clients, Config, FinalityProof, TrustedSets};
use codec::{Decode, DecodeWithMemTracking, Encode};
use core::marker::PhantomData;
use frame_support::ensure;
use frame_support::traits::{Get, IsSubType};
use frame_support::{CloneNoBound, DefaultNoBound, EqNoBound, PartialEqNoBound};
use scale_info::TypeInfo;
use sp_runtime::traits::{DispatchInfoOf, Header as _, TransactionExtension, ValidateResult};
use sp_runtime::transaction_validity::{InvalidTransaction, TransactionSource, ValidTransaction};
use sp_runtime::{impl_tx_ext_default, Weight};

/// The transaction extension; see the module docs. It carries no data, so wallets that do not
/// know it (polkadot.js, subxt, py-substrate-interface) sign around it unchanged.
#[derive(Encode, Decode, DecodeWithMemTracking, DefaultNoBound, CloneNoBound, EqNoBound, PartialEqNoBound, TypeInfo)]
#[scale_info(skip_type_params(T))]
pub struct RejectObsoleteBridgeProofs<T>(PhantomData<T>);

impl<T> core::fmt::Debug for RejectObsoleteBridgeProofs<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        write!(f, "RejectObsoleteBridgeProofs")
    }
}

impl<T> RejectObsoleteBridgeProofs<T> {
    pub fn new() -> Self {
        Self(PhantomData)
    }
}

/// Whether a finality proof is already obsolete.
pub fn check<T: Config>(partner: &T::AccountId, proof: &FinalityProof) -> Result<(), InvalidTransaction> {
    // No client (or another scheme): the call fails in the block with its own error.
    let Some(client) = Clients::<T>::get(partner) else { return Ok(()) };
    match proof {
        FinalityProof::BpciV1 { header, .. } | FinalityProof::GrandpaV1 { header, .. } => {
            ensure!(*header.number() > client.best_number, InvalidTransaction::Stale);
        }
        FinalityProof::BpciHandoverV1 { certificate, .. } => {
            let Some(set) = TrustedSets::<T>::get(partner) else { return Ok(()) };
            ensure!(certificate.set_id >= set.set_id(), InvalidTransaction::Stale);
        }
    }
    Ok(())
}

impl<T: Config + Send + Sync> TransactionExtension<T::RuntimeCall> for RejectObsoleteBridgeProofs<T>
where
    T::RuntimeCall: IsSubType<Call<T>>,
{
    const IDENTIFIER: &'static str = "RejectObsoleteBridgeProofs";
    type Implicit = ();
    type Val = ();
    type Pre = ();

    fn weight(&self, call: &T::RuntimeCall) -> Weight {
        match call.is_sub_type() {
            Some(Call::submit_finality_proof { .. }) => T::DbWeight::get().reads(2),
            _ => Weight::zero(),
        }
    }

    fn validate(
        &self,
        origin: T::RuntimeOrigin,
        call: &T::RuntimeCall,
        _info: &DispatchInfoOf<T::RuntimeCall>,
        _len: usize,
        _self_implicit: Self::Implicit,
        _inherited_implication: &impl Encode,
        _source: TransactionSource,
    ) -> ValidateResult<Self::Val, T::RuntimeCall> {
        if let Some(Call::submit_finality_proof { partner, proof }) = call.is_sub_type() {
            check::<T>(partner, proof)?;
        }
        Ok((ValidTransaction::default(), (), origin))
    }

    impl_tx_ext_default!(T::RuntimeCall; prepare);
}
