//! # Bridge
//!
//! Light clients of BPCI's partner chains, one per partner, behind one finality-scheme interface,
//! and the storage proofs checked against what they verified.
//!
//! ## The model
//!
//! A partner's client holds what it trusts: the partner chain's genesis hash, its best finalized
//! header and the validator set that finalizes the next ones (its [`TrustedSet`]). Governance's
//! protocol track (`InitOrigin`, Root) creates the client from a *checkpoint* (a header and its
//! set, for the genesis hash the partner registered) and may reset it after a forced change on
//! the partner broke it; everything else happens by proof:
//!
//! ```text
//!  initialize (InitOrigin): checkpoint                                ──> client, set, header
//!  submit_finality_proof (anyone): a finalized header + its proof     ──> header stored
//!                                  or a set hand-over                 ──> next set trusted
//!  submit_storage_proof (anyone): keys + trie proof at a stored header ──> values recorded
//! ```
//!
//! **Schemes.** [`FinalityProof`] is one versioned enum over every scheme's proofs; each variant
//! is verified by its scheme's module against the client's [`TrustedSet`] of that scheme:
//! - BPCI ([`bpci`]): the finality justification (one aggregate BLS check against the stored set)
//!   and the hand-over (the outgoing set's epoch-end certificate, plus a storage proof of the next
//!   set in the state of the block it certifies). Keys are validated once, when a set is trusted,
//!   and stored uncompressed, so an import costs one pairing plus point additions.
//! - GRANDPA ([`grandpa`]): polkadot-sdk's justification check (`bp-header-chain`) against the
//!   stored authority set; a header with a `ScheduledChange` digest hands over to the next set.
//!
//! `docs/bridge.md` says how another scheme plugs in.
//!
//! **Header store.** Each client keeps its last `HeadersToKeep` imported headers (number and
//! state root) in a ring; importing one more prunes the oldest and the values proven at it. A
//! header must be above the client's best: stale and duplicate headers change nothing, and the
//! [`RejectObsoleteBridgeProofs`] transaction extension refuses them in the pool, so that
//! competing relayers do not pay for each other's work.
//!
//! **Storage proofs.** Checked against a stored state root by the offline verifier's checker
//! (`bpci_primitives::trie`: `bp-runtime`'s rules on `sp-trie`): duplicate nodes, nodes no key
//! needed and keys the proof cannot answer are refused. Every
//! key is recorded with its value (or its proven absence) under its block, for other pallets
//! ([`PartnerChainState`]), and announced in an event.
//!
//! **Who pays.** Anyone may submit. A valid submission from one of the partner's registered
//! relayers is free (`Pays::No`) and counts as the partner's proof duty, at most one header or
//! hand-over every `FreeHeaderInterval` blocks and one storage proof with a new value every
//! `FreeProofInterval` blocks per partner, so that relayers cannot fill blocks for free. Any
//! other submission pays its fee; an invalid one fails, pays and changes nothing.
//!
//! **A client follows one chain.** Every submission checks that the partner is still registered
//! for the genesis hash its client follows (`ChainMismatch` otherwise).
//!
//! **The registry rests on proofs.** Every imported header reports the size of the set that
//! verified it to the partner registry ([`pallet_partners::ProofBridge::header_verified`]): the
//! first one confirms an integrating partner's first proof, and the registry checks its
//! validator requirement against that verified count. The count is what the chain's own set,
//! followed by proof from governance's checkpoint, says of itself: validators that collude can
//! hand over to a set of any size, as they can finalize anything on their chain.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use weights::WeightInfo;

pub mod bpci;
pub mod grandpa;
mod proofs;
pub mod reject_obsolete;
pub use reject_obsolete::RejectObsoleteBridgeProofs;
#[cfg(any(test, feature = "test-helpers"))]
pub mod testing;
#[cfg(any(test, feature = "test-helpers", feature = "runtime-benchmarks"))]
pub mod partner_chain;
#[cfg(any(test, feature = "test-helpers", feature = "runtime-benchmarks"))]
pub mod fixtures;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
pub mod weights;

#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_grandpa;

use alloc::vec::Vec;
use bpci_primitives::bls::BlsPreparedPublic;
use bpci_primitives::qc::FinalityJustification;
use bpci_primitives::timeout::TimeoutCertificate;
use bpci_primitives::SetId;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{pallet_prelude::*, BoundedVec};
use scale_info::TypeInfo;
use sp_core::H256;
use sp_runtime::traits::BlakeTwo256;

/// Header of a partner chain: every Substrate chain's (BPCI, Polkadot, Kusama) with `u32` numbers
/// and BLAKE2-256 hashing.
pub type PartnerHeader = sp_runtime::generic::Header<u32, BlakeTwo256>;

/// A trie proof: the nodes, in any order.
pub type RawProof = Vec<Vec<u8>>;

/// Which finality scheme a partner chain runs, hence which light client follows it.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
pub enum Scheme {
    /// A BPCI chain: aggregate BLS certificates, epoch-end hand-overs.
    Bpci,
    /// A GRANDPA chain: ed25519 precommits, `ScheduledChange` digests.
    Grandpa,
}

/// The validator set a client trusts to finalize the partner's next headers.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound)]
#[scale_info(skip_type_params(MaxSet))]
pub enum TrustedSet<MaxSet: Get<u32>> {
    /// A BPCI set: its id and its keys, validated once and kept uncompressed.
    Bpci { set_id: SetId, keys: BoundedVec<BlsPreparedPublic, MaxSet> },
    /// A GRANDPA set: its id and its weighted authorities.
    Grandpa { set_id: u64, authorities: BoundedVec<(sp_consensus_grandpa::AuthorityId, u64), MaxSet> },
}

impl<MaxSet: Get<u32>> TrustedSet<MaxSet> {
    pub fn scheme(&self) -> Scheme {
        match self {
            TrustedSet::Bpci { .. } => Scheme::Bpci,
            TrustedSet::Grandpa { .. } => Scheme::Grandpa,
        }
    }

    pub fn set_id(&self) -> SetId {
        match self {
            TrustedSet::Bpci { set_id, .. } => *set_id,
            TrustedSet::Grandpa { set_id, .. } => *set_id,
        }
    }

    /// Number of validators in the set.
    pub fn len(&self) -> u32 {
        match self {
            TrustedSet::Bpci { keys, .. } => keys.len() as u32,
            TrustedSet::Grandpa { authorities, .. } => authorities.len() as u32,
        }
    }
}

/// What governance trusts when it creates or resets a client. Versioned: a new format is a new
/// variant, and old ones keep their meaning.
#[derive(Encode, Decode, DecodeWithMemTracking, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub enum Checkpoint {
    /// A BPCI chain: a header the set `validators` (id `set_id`) finalizes the descendants of.
    BpciV1 { genesis: H256, header: PartnerHeader, set_id: SetId, validators: Vec<bpci_primitives::BlsPublic> },
    /// A GRANDPA chain: a header the authority set `set_id` finalizes the descendants of.
    GrandpaV1 { genesis: H256, header: PartnerHeader, set_id: u64, authorities: grandpa::Authorities },
}

/// A proof that moves a client forward. Versioned like [`Checkpoint`].
#[derive(Encode, Decode, DecodeWithMemTracking, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub enum FinalityProof {
    /// A BPCI header and its finality justification (format version 2) by the trusted set.
    BpciV1 { header: PartnerHeader, justification: FinalityJustification },
    /// A BPCI set hand-over: the trusted set's epoch-end certificate, the header of the block
    /// its highest certificate certifies (the next epoch's root), and a proof of the next set
    /// (`Validators::Validators` and `Validators::CurrentSetId`) in that block's state.
    BpciHandoverV1 { certificate: TimeoutCertificate, root: PartnerHeader, set_proof: RawProof },
    /// A GRANDPA header and its justification by the trusted set. A header that schedules a set
    /// change (with no delay) also hands over to the next set.
    GrandpaV1 { header: PartnerHeader, justification: bp_header_chain::justification::GrandpaJustification<PartnerHeader> },
}

impl FinalityProof {
    pub fn scheme(&self) -> Scheme {
        match self {
            FinalityProof::BpciV1 { .. } | FinalityProof::BpciHandoverV1 { .. } => Scheme::Bpci,
            FinalityProof::GrandpaV1 { .. } => Scheme::Grandpa,
        }
    }
}

/// What a scheme's verifier concluded from a valid proof.
pub enum Verified<MaxSet: Get<u32>> {
    /// The header is final: store it, and trust `next` after it if the header hands over.
    Header { number: u32, hash: H256, state_root: H256, next: Option<TrustedSet<MaxSet>> },
    /// The set hands over to a new one: trust it from now on.
    Handover(TrustedSet<MaxSet>),
}

/// A stored header of a partner chain.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct StoredHeader {
    pub number: u32,
    pub state_root: H256,
    /// Keys proven at this header so far (bounded by `MaxValuesPerHeader`).
    pub values: u32,
}

/// A partner's light client.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct Client<BlockNumber> {
    pub scheme: Scheme,
    /// Genesis hash of the partner chain: every BPCI statement names it.
    pub genesis: H256,
    /// The highest header imported (or the checkpoint's).
    pub best_number: u32,
    pub best_hash: H256,
    /// Next slot of the header ring.
    pub ring_next: u32,
    /// When governance created or last reset the client.
    pub initialised_at: BlockNumber,
    /// When a header was last imported by proof (`None`: never since the checkpoint).
    pub last_import: Option<BlockNumber>,
    /// When a header or hand-over last went free, and a storage proof last went free.
    pub last_free_header: Option<BlockNumber>,
    pub last_free_proof: Option<BlockNumber>,
    /// When a storage proof was last accepted (`None`: never since the checkpoint).
    pub last_proof: Option<BlockNumber>,
}

/// A client as the node's `bpci_partnerHealth` RPC and metrics show it.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct ClientHealth<AccountId, BlockNumber> {
    pub partner: AccountId,
    pub scheme: Scheme,
    /// The partner chain's best verified header.
    pub best_number: u32,
    pub best_hash: H256,
    /// The set the client trusts.
    pub set_id: u64,
    pub validators: u32,
    /// This chain's block numbers: the checkpoint, the last header imported by proof, the last
    /// storage proof accepted.
    pub initialised_at: BlockNumber,
    pub last_header: Option<BlockNumber>,
    pub last_proof: Option<BlockNumber>,
}

sp_api::decl_runtime_apis! {
    /// Read access to the light clients for the node (health RPC, metrics) and dapps.
    pub trait BridgeApi<AccountId, BlockNumber> where AccountId: codec::Codec, BlockNumber: codec::Codec {
        /// Every partner's client; at most one per partner in the registry.
        fn clients() -> Vec<ClientHealth<AccountId, BlockNumber>>;
    }
}

/// What other pallets may ask of the light clients.
pub trait PartnerChainState<AccountId> {
    /// Number and hash of the partner chain's best verified finalized header.
    fn best_finalized(partner: &AccountId) -> Option<(u32, H256)>;
    /// The value of `key` proven at the partner's block `block`: `Some(None)` is a proven absence,
    /// `None` that nothing was proven (or the header was pruned).
    fn proven_value(partner: &AccountId, block: &H256, key: &[u8]) -> Option<Option<Vec<u8>>>;
    /// Size of the validator set the client trusts.
    fn verified_validators(partner: &AccountId) -> Option<u32>;
}

#[frame_support::pallet]
pub mod pallet {
    use super::*;
    use frame_support::dispatch::{DispatchResultWithPostInfo, PostDispatchInfo};
    use frame_system::pallet_prelude::*;
    use pallet_partners::{ProofBridge, ReputationHandler};
    use sp_runtime::traits::{Header as _, Saturating};

    pub type ClientOf<T> = Client<BlockNumberFor<T>>;
    pub type TrustedSetOf<T> = TrustedSet<<T as Config>::MaxSetSize>;
    pub type KeyOf<T> = BoundedVec<u8, <T as Config>::MaxKeyLen>;
    pub type ValueOf<T> = BoundedVec<u8, <T as Config>::MaxValueLen>;

    #[pallet::pallet]
    pub struct Pallet<T>(_);

    #[pallet::config]
    pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
        /// Creates and resets clients: trusted checkpoints (Root, the protocol track).
        type InitOrigin: EnsureOrigin<Self::RuntimeOrigin>;
        /// The partner registry: chain ids, relayers, first proofs, verified validator counts.
        type Partners: ProofBridge<Self::AccountId>;
        /// Rewards a partner's proof duty.
        type Reputation: ReputationHandler<Self::AccountId>;
        /// Headers a client keeps (and the values proven at them).
        #[pallet::constant]
        type HeadersToKeep: Get<u32>;
        /// Largest validator set a client follows.
        #[pallet::constant]
        type MaxSetSize: Get<u32>;
        /// Largest encoded header, checkpoint or root header included.
        #[pallet::constant]
        type MaxHeaderSize: Get<u32>;
        /// Largest trie proof: total bytes of its nodes.
        #[pallet::constant]
        type MaxProofSize: Get<u32>;
        /// Keys one storage proof may prove.
        #[pallet::constant]
        type MaxKeysPerProof: Get<u32>;
        #[pallet::constant]
        type MaxKeyLen: Get<u32>;
        /// Largest value recorded; a proof of a larger one is refused.
        #[pallet::constant]
        type MaxValueLen: Get<u32>;
        /// Values recorded at one header.
        #[pallet::constant]
        type MaxValuesPerHeader: Get<u32>;
        /// Blocks between two free headers of one partner (hand-overs are always free).
        #[pallet::constant]
        type FreeHeaderInterval: Get<BlockNumberFor<Self>>;
        /// Blocks between two free storage proofs of one partner.
        #[pallet::constant]
        type FreeProofInterval: Get<BlockNumberFor<Self>>;
        type WeightInfo: WeightInfo;
    }

    /// Each partner's light client.
    #[pallet::storage]
    pub type Clients<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, ClientOf<T>, OptionQuery>;

    /// The validator set each client trusts.
    #[pallet::storage]
    pub type TrustedSets<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, TrustedSetOf<T>, OptionQuery>;

    /// Stored headers by partner and hash.
    #[pallet::storage]
    pub type Headers<T: Config> =
        StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Identity, H256, StoredHeader, OptionQuery>;

    /// The header ring: which hash each slot holds, so that the oldest is pruned.
    #[pallet::storage]
    pub type HeaderRing<T: Config> = StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, u32, H256, OptionQuery>;

    /// Values proven by storage proofs: (partner, block, key) to the value, `None` for a proven
    /// absence. Pruned with their header.
    #[pallet::storage]
    pub type ProvenValues<T: Config> = StorageNMap<
        _,
        (NMapKey<Blake2_128Concat, T::AccountId>, NMapKey<Identity, H256>, NMapKey<Blake2_128Concat, KeyOf<T>>),
        Option<ValueOf<T>>,
        OptionQuery,
    >;

    #[pallet::event]
    #[pallet::generate_deposit(pub(super) fn deposit_event)]
    pub enum Event<T: Config> {
        /// Governance created or reset a partner's client from a checkpoint.
        ClientInitialised { partner: T::AccountId, number: u32, hash: H256, set_id: SetId, validators: u32 },
        /// A finalized header of the partner chain was verified and stored.
        HeaderImported { partner: T::AccountId, number: u32, hash: H256, state_root: H256, free: bool },
        /// The partner chain's set handed over; the client trusts the new one.
        SetHandedOver { partner: T::AccountId, set_id: SetId, validators: u32, free: bool },
        /// Storage values of the partner chain were proven at `block` (a `None` value: proven absent).
        ValuesProven { partner: T::AccountId, block: H256, values: Vec<(Vec<u8>, Option<Vec<u8>>)>, free: bool },
    }

    #[pallet::error]
    pub enum Error<T> {
        /// No partner in the registry has this account.
        UnknownPartner,
        /// The checkpoint's genesis hash is not the chain the partner registered, or the partner
        /// registered another chain since its client was made.
        ChainMismatch,
        /// The partner has no light client.
        NoClient,
        /// The proof is of another scheme than the partner's client.
        WrongScheme,
        /// A set with no validators.
        EmptySet,
        /// A set larger than `MaxSetSize`.
        SetTooLarge,
        /// A validator key is no valid BLS key.
        InvalidKey,
        /// A header larger than `MaxHeaderSize`.
        HeaderTooLarge,
        /// The header is not above the client's best: stale or already imported.
        StaleHeader,
        /// The justification names another set than the trusted one.
        WrongSet,
        /// The signer bitfield does not fit the trusted set.
        BadSigners,
        /// Fewer signers than a quorum of the trusted set.
        NoQuorum,
        /// The aggregate signature does not verify.
        BadSignature,
        /// The justification does not prove the header final (views not consecutive, unknown
        /// format version).
        NotAFinalityProof,
        /// The hand-over certificate is not an epoch-end certificate of the trusted set, or
        /// does not verify.
        InvalidHandover,
        /// The root header is not the block the hand-over certificate certifies.
        RootMismatch,
        /// The storage proof of the next set does not verify against the root's state.
        NextSetUnproven,
        /// The proven next set is not newer than the trusted one.
        NextSetNotNewer,
        /// A GRANDPA header with a forced set change: only governance may say which set to
        /// trust after it (`initialize`).
        ForcedChange,
        /// A GRANDPA set change scheduled with a delay: the client follows changes that take
        /// effect at the header that announces them.
        UnsupportedScheduledChange,
        /// The block is not a stored header of the partner chain (unknown or pruned).
        UnknownHeader,
        /// A trie proof larger than `MaxProofSize`.
        ProofTooLarge,
        /// No keys, or more than `MaxKeysPerProof`.
        BadKeyCount,
        /// A key longer than `MaxKeyLen`, or the same key twice.
        BadKey,
        /// A proven value longer than `MaxValueLen`.
        ValueTooLarge,
        /// The header already holds `MaxValuesPerHeader` proven values.
        TooManyValues,
        /// The trie proof does not answer a key, holds a duplicate node or does not start at the
        /// header's state root.
        InvalidStorageProof,
        /// The trie proof holds nodes no key needed.
        UnusedProofNodes,
    }

    #[pallet::call]
    impl<T: Config> Pallet<T> {
        /// Creates, or resets, `partner`'s light client from a trusted checkpoint. The
        /// checkpoint's genesis hash must be the chain the partner registered. A reset keeps the
        /// stored headers (they were verified) and starts over from the checkpoint's header and set.
        #[pallet::call_index(0)]
        #[pallet::weight(T::WeightInfo::initialize(T::MaxSetSize::get()))]
        pub fn initialize(origin: OriginFor<T>, partner: T::AccountId, checkpoint: Checkpoint) -> DispatchResult {
            T::InitOrigin::ensure_origin(origin)?;
            let chain = T::Partners::chain_of(&partner).ok_or(Error::<T>::UnknownPartner)?;
            let (genesis, header, set) = match checkpoint {
                Checkpoint::BpciV1 { genesis, header, set_id, validators } => {
                    (genesis, header, bpci::trusted_set::<T>(set_id, &validators)?)
                }
                Checkpoint::GrandpaV1 { genesis, header, set_id, authorities } => {
                    (genesis, header, grandpa::trusted_set::<T>(set_id, authorities)?)
                }
            };
            ensure!(genesis == chain, Error::<T>::ChainMismatch);
            Self::ensure_header_size(&header)?;
            let (number, hash, state_root) = (*header.number(), header.hash(), *header.state_root());
            let now = frame_system::Pallet::<T>::block_number();
            let ring_next = Clients::<T>::get(&partner).map_or(0, |c| c.ring_next);
            let mut client = Client {
                scheme: set.scheme(),
                genesis,
                best_number: number,
                best_hash: hash,
                ring_next,
                initialised_at: now,
                last_import: None,
                last_free_header: None,
                last_free_proof: None,
                last_proof: None,
            };
            Self::store_header(&partner, &mut client, number, hash, state_root);
            let (set_id, validators) = (set.set_id(), set.len());
            TrustedSets::<T>::insert(&partner, set);
            Clients::<T>::insert(&partner, client);
            Self::deposit_event(Event::ClientInitialised { partner, number, hash, set_id, validators });
            Ok(())
        }

        /// Moves `partner`'s client forward by a finality proof: a finalized header (stored) or
        /// a set hand-over (the next set trusted). Free for the partner's relayers within the
        /// rate limit (see the module docs).
        #[pallet::call_index(1)]
        #[pallet::weight(T::WeightInfo::submit_finality_proof(T::MaxSetSize::get()).max(
            T::WeightInfo::submit_handover(T::MaxSetSize::get()).saturating_add(T::WeightInfo::proof_nodes(proofs::max_nodes::<T>()))
        ).max(
            T::WeightInfo::submit_grandpa_header(T::MaxSetSize::get(), T::MaxSetSize::get()).saturating_add(T::WeightInfo::initialize(T::MaxSetSize::get()))
        ))]
        pub fn submit_finality_proof(
            origin: OriginFor<T>,
            partner: T::AccountId,
            proof: FinalityProof,
        ) -> DispatchResultWithPostInfo {
            let who = ensure_signed(origin)?;
            let mut client = Self::client(&partner)?;
            ensure!(proof.scheme() == client.scheme, Error::<T>::WrongScheme);
            let set = TrustedSets::<T>::get(&partner).ok_or(Error::<T>::NoClient)?;
            let n = set.len();
            let now = frame_system::Pallet::<T>::block_number();
            let relayer = T::Partners::partner_of_relayer(&who).as_ref() == Some(&partner);
            // What the proof makes the verifier do, known before it runs (verification bounds both
            // counts by the set size).
            let (proof_nodes, header_weight) = match &proof {
                FinalityProof::BpciHandoverV1 { set_proof, .. } => (set_proof.len() as u32, Weight::zero()),
                FinalityProof::BpciV1 { .. } => (0, T::WeightInfo::submit_finality_proof(n)),
                FinalityProof::GrandpaV1 { justification, .. } => {
                    let precommits = (justification.commit.precommits.len() as u32).min(n);
                    let ancestries = (justification.votes_ancestries.len() as u32).min(T::MaxSetSize::get());
                    (0, T::WeightInfo::submit_grandpa_header(precommits, ancestries))
                }
            };
            let (weight, free) = match Self::verify(&client, &set, proof)? {
                Verified::Header { number, hash, state_root, next } => {
                    T::Partners::header_verified(&partner, n)?;
                    Self::store_header(&partner, &mut client, number, hash, state_root);
                    client.best_number = number;
                    client.best_hash = hash;
                    client.last_import = Some(now);
                    let free = relayer && Self::due(client.last_free_header, T::FreeHeaderInterval::get(), now);
                    Self::deposit_event(Event::HeaderImported { partner: partner.clone(), number, hash, state_root, free });
                    let mut weight = header_weight;
                    if let Some(next) = next {
                        let (set_id, validators) = (next.set_id(), next.len());
                        TrustedSets::<T>::insert(&partner, next);
                        Self::deposit_event(Event::SetHandedOver { partner: partner.clone(), set_id, validators, free });
                        // Checking and storing the next set: charged as a checkpoint of its size
                        // (which also validates BLS keys: an upper bound for GRANDPA's).
                        weight = weight.saturating_add(T::WeightInfo::initialize(validators));
                    }
                    (weight, free)
                }
                Verified::Handover(next) => {
                    let (set_id, validators) = (next.set_id(), next.len());
                    TrustedSets::<T>::insert(&partner, next);
                    // Rate-limited like headers: a partner whose validators sign whatever it likes
                    // could otherwise fill blocks with free hand-overs to sets of its making.
                    let free = relayer && Self::due(client.last_free_header, T::FreeHeaderInterval::get(), now);
                    Self::deposit_event(Event::SetHandedOver { partner: partner.clone(), set_id, validators, free });
                    let weight = T::WeightInfo::submit_handover(n.max(validators))
                        .saturating_add(T::WeightInfo::proof_nodes(proof_nodes));
                    (weight, free)
                }
            };
            if free {
                client.last_free_header = Some(now);
                T::Reputation::proof_delivered(&partner);
            }
            Clients::<T>::insert(&partner, client);
            Ok(PostDispatchInfo { actual_weight: Some(weight), pays_fee: if free { Pays::No } else { Pays::Yes } })
        }

        /// Proves the values of `keys` in the partner chain's state at its stored header `block`
        /// and records them. Free for the partner's relayers within the rate limit.
        #[pallet::call_index(2)]
        #[pallet::weight(
            T::WeightInfo::submit_storage_proof(T::MaxKeysPerProof::get()).saturating_add(T::WeightInfo::proof_nodes(proofs::max_nodes::<T>()))
        )]
        pub fn submit_storage_proof(
            origin: OriginFor<T>,
            partner: T::AccountId,
            block: H256,
            keys: Vec<Vec<u8>>,
            proof: RawProof,
        ) -> DispatchResultWithPostInfo {
            let who = ensure_signed(origin)?;
            let mut client = Self::client(&partner)?;
            let mut header = Headers::<T>::get(&partner, block).ok_or(Error::<T>::UnknownHeader)?;
            proofs::ensure_size::<T>(&proof)?;
            let nodes = proof.len() as u32;
            let key_count = keys.len() as u32;
            ensure!(key_count > 0 && key_count <= T::MaxKeysPerProof::get(), Error::<T>::BadKeyCount);
            let values = proofs::read::<T>(header.state_root, keys, proof)?;
            let mut recorded = Vec::with_capacity(values.len());
            let mut new_values = 0u32;
            for (key, value) in values {
                let bounded_key: KeyOf<T> = key.clone().try_into().map_err(|_| Error::<T>::BadKey)?;
                if !ProvenValues::<T>::contains_key((&partner, block, &bounded_key)) {
                    header.values.saturating_inc();
                    new_values.saturating_inc();
                    ensure!(header.values <= T::MaxValuesPerHeader::get(), Error::<T>::TooManyValues);
                }
                let bounded_value = match &value {
                    Some(v) => Some(ValueOf::<T>::try_from(v.clone()).map_err(|_| Error::<T>::ValueTooLarge)?),
                    None => None,
                };
                ProvenValues::<T>::insert((&partner, block, bounded_key), bounded_value);
                recorded.push((key, value));
            }
            Headers::<T>::insert(&partner, block, header);
            let now = frame_system::Pallet::<T>::block_number();
            let relayer = T::Partners::partner_of_relayer(&who).as_ref() == Some(&partner);
            // Re-proving what is already recorded is no proof duty.
            let free = relayer && new_values > 0 && Self::due(client.last_free_proof, T::FreeProofInterval::get(), now);
            if free {
                client.last_free_proof = Some(now);
                T::Reputation::proof_delivered(&partner);
            }
            client.last_proof = Some(now);
            Clients::<T>::insert(&partner, client);
            Self::deposit_event(Event::ValuesProven { partner, block, values: recorded, free });
            Ok(PostDispatchInfo {
                actual_weight: Some(T::WeightInfo::submit_storage_proof(key_count).saturating_add(T::WeightInfo::proof_nodes(nodes))),
                pays_fee: if free { Pays::No } else { Pays::Yes },
            })
        }
    }

    #[pallet::hooks]
    impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
        fn integrity_test() {
            assert!(T::HeadersToKeep::get() > 0, "a client keeps at least its best header");
            assert!(T::MaxSetSize::get() > 0, "a client follows sets of at least one validator");
        }

        #[cfg(feature = "try-runtime")]
        fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
            Self::do_try_state()
        }
    }

    impl<T: Config> Pallet<T> {
        /// The partner's client, while the partner is registered for the chain it follows: a
        /// partner that left and came back with another chain must not inherit the old chain's
        /// client (its headers would be the new chain's first proof).
        fn client(partner: &T::AccountId) -> Result<ClientOf<T>, DispatchError> {
            let client = Clients::<T>::get(partner).ok_or(Error::<T>::NoClient)?;
            ensure!(T::Partners::chain_of(partner) == Some(client.genesis), Error::<T>::ChainMismatch);
            Ok(client)
        }

        fn verify(client: &ClientOf<T>, set: &TrustedSetOf<T>, proof: FinalityProof) -> Result<Verified<T::MaxSetSize>, DispatchError> {
            match (proof, set) {
                (FinalityProof::BpciV1 { header, justification }, TrustedSet::Bpci { set_id, keys }) => {
                    Self::ensure_header_size(&header)?;
                    ensure!(*header.number() > client.best_number, Error::<T>::StaleHeader);
                    bpci::verify_header::<T>(&client.genesis, *set_id, keys, &header, &justification)?;
                    Ok(Verified::Header { number: *header.number(), hash: header.hash(), state_root: *header.state_root(), next: None })
                }
                (FinalityProof::BpciHandoverV1 { certificate, root, set_proof }, TrustedSet::Bpci { set_id, keys }) => {
                    Self::ensure_header_size(&root)?;
                    proofs::ensure_size::<T>(&set_proof)?;
                    let next = bpci::verify_handover::<T>(&client.genesis, *set_id, keys, &certificate, &root, set_proof)?;
                    Ok(Verified::Handover(next))
                }
                (FinalityProof::GrandpaV1 { header, justification }, TrustedSet::Grandpa { set_id, authorities }) => {
                    Self::ensure_header_size(&header)?;
                    ensure!(*header.number() > client.best_number, Error::<T>::StaleHeader);
                    let next = grandpa::verify_header::<T>(*set_id, authorities, &header, &justification)?;
                    Ok(Verified::Header { number: *header.number(), hash: header.hash(), state_root: *header.state_root(), next })
                }
                _ => Err(Error::<T>::WrongScheme.into()),
            }
        }

        fn ensure_header_size(header: &PartnerHeader) -> DispatchResult {
            ensure!(header.encoded_size() <= T::MaxHeaderSize::get() as usize, Error::<T>::HeaderTooLarge);
            Ok(())
        }

        /// Whether a free submission is due: none yet, or `interval` blocks since the last.
        fn due(last: Option<BlockNumberFor<T>>, interval: BlockNumberFor<T>, now: BlockNumberFor<T>) -> bool {
            last.is_none_or(|l| now >= l.saturating_add(interval))
        }

        /// Stores a header in the client's ring, pruning the one (and its proven values) whose
        /// slot it takes.
        fn store_header(partner: &T::AccountId, client: &mut ClientOf<T>, number: u32, hash: H256, state_root: H256) {
            // Already in the ring (a reset to a stored header, or an import after a reset to a
            // lower one): a second slot would prune it early.
            if Headers::<T>::contains_key(partner, hash) {
                return;
            }
            let slot = client.ring_next % T::HeadersToKeep::get().max(1);
            if let Some(old) = HeaderRing::<T>::get(partner, slot) {
                if old != hash {
                    Self::prune(partner, old);
                }
            }
            HeaderRing::<T>::insert(partner, slot, hash);
            Headers::<T>::insert(partner, hash, StoredHeader { number, state_root, values: 0 });
            client.ring_next = (slot + 1) % T::HeadersToKeep::get().max(1);
        }

        /// Every client, for the runtime API: bounded by the partners in the registry.
        pub fn health() -> Vec<ClientHealth<T::AccountId, BlockNumberFor<T>>> {
            Clients::<T>::iter()
                .map(|(partner, c)| {
                    let set = TrustedSets::<T>::get(&partner);
                    ClientHealth {
                        scheme: c.scheme,
                        best_number: c.best_number,
                        best_hash: c.best_hash,
                        set_id: set.as_ref().map_or(0, |s| s.set_id()),
                        validators: set.as_ref().map_or(0, |s| s.len()),
                        initialised_at: c.initialised_at,
                        last_header: c.last_import,
                        last_proof: c.last_proof,
                        partner,
                    }
                })
                .collect()
        }

        fn prune(partner: &T::AccountId, hash: H256) {
            if let Some(h) = Headers::<T>::take(partner, hash) {
                // Bounded: a header holds at most `MaxValuesPerHeader` values.
                let _ = ProvenValues::<T>::clear_prefix((partner, hash), h.values.saturating_add(1), None);
            }
        }

        #[cfg(any(feature = "try-runtime", test))]
        pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
            for (partner, client) in Clients::<T>::iter() {
                ensure!(TrustedSets::<T>::get(&partner).is_some_and(|s| s.scheme() == client.scheme), "client without its set");
                ensure!(Headers::<T>::contains_key(&partner, client.best_hash), "best header not stored");
                let stored = Headers::<T>::iter_prefix(&partner).count() as u32;
                ensure!(stored <= T::HeadersToKeep::get(), "more headers than the ring keeps");
                for (hash, header) in Headers::<T>::iter_prefix(&partner) {
                    let values = ProvenValues::<T>::iter_prefix((&partner, hash)).count() as u32;
                    ensure!(values == header.values, "proven value count out of step");
                    ensure!(header.values <= T::MaxValuesPerHeader::get(), "too many proven values");
                }
            }
            ensure!(
                ProvenValues::<T>::iter_keys().all(|(p, h, _)| Headers::<T>::contains_key(&p, h)),
                "a proven value outlived its header"
            );
            Ok(())
        }
    }

    impl<T: Config> PartnerChainState<T::AccountId> for Pallet<T> {
        fn best_finalized(partner: &T::AccountId) -> Option<(u32, H256)> {
            Clients::<T>::get(partner).map(|c| (c.best_number, c.best_hash))
        }

        fn proven_value(partner: &T::AccountId, block: &H256, key: &[u8]) -> Option<Option<Vec<u8>>> {
            let key: KeyOf<T> = key.to_vec().try_into().ok()?;
            ProvenValues::<T>::get((partner, block, key)).map(|v| v.map(|v| v.into_inner()))
        }

        fn verified_validators(partner: &T::AccountId) -> Option<u32> {
            TrustedSets::<T>::get(partner).map(|s| s.len())
        }
    }
}
