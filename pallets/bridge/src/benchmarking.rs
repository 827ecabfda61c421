//! Benchmarks of `pallet-bridge`, each in its worst case: the partner's relayer submits (free,
//! rewarded), the verified header is an integrating partner's first proof, and the ring slot the
//! header takes holds a header with `MaxValuesPerHeader` proven values to prune. Signatures come
//! from `benchmark-fixtures.bin` (`src/fixtures.rs`): the runtime cannot sign.

use super::*;
use crate::fixtures::{self, checkpoint_header, final_header, root_header, GENESIS, VIEW};
use crate::partner_chain::{header, State};
use bpci_primitives::qc::{Bitfield, JustificationKind, QuorumCertificate, VoteData, JUSTIFICATION_VERSION};
use bpci_primitives::timeout::{TimeoutGroup, EPOCH_END};
use frame_benchmarking::v2::*;
use frame_system::RawOrigin;
use pallet_partners::ProofBridge;
use sp_runtime::traits::Header as _;

fn quorum(n: u32) -> Bitfield {
    let mut b = Bitfield::new(n as usize);
    for i in 0..n as usize - bpci_primitives::max_faulty(n as usize) {
        b.set(i);
    }
    b
}

/// A partner of the played chain with a client trusting the first `n` keys of set 0 at the
/// checkpoint; the next ring slot holds a header full of proven values.
fn client<T: Config>(n: u32) -> (T::AccountId, T::AccountId, fixtures::Fixtures) {
    let f = fixtures::load();
    let partner: T::AccountId = account("partner", 0, 0);
    let relayer: T::AccountId = account("relayer", 0, 0);
    T::Partners::make_integrating(&partner, GENESIS, &relayer);
    let checkpoint = Checkpoint::BpciV1 {
        genesis: GENESIS,
        header: checkpoint_header(),
        set_id: 0,
        validators: f.keys[..n as usize].to_vec(),
    };
    Pallet::<T>::initialize(RawOrigin::Root.into(), partner.clone(), checkpoint).expect("checkpoint");
    full_header_in_next_slot::<T>(&partner);
    (partner, relayer, f)
}

fn full_header_in_next_slot<T: Config>(partner: &T::AccountId) {
    let client = Clients::<T>::get(partner).expect("client");
    let old = H256::repeat_byte(0x01);
    let values = T::MaxValuesPerHeader::get();
    HeaderRing::<T>::insert(partner, client.ring_next % T::HeadersToKeep::get(), old);
    Headers::<T>::insert(partner, old, StoredHeader { number: 1, state_root: H256::zero(), values });
    for i in 0..values {
        let key: KeyOf<T> = BoundedVec::truncate_from(i.encode());
        ProvenValues::<T>::insert((partner, old, key), Some(BoundedVec::truncate_from(alloc::vec![0u8; 32])));
    }
}

/// A partner of a GRANDPA chain with a client trusting a set of `n` at the checkpoint, and a
/// header above it justified by the fewest precommits that finalize it, with `a` ancestry headers.
pub(crate) fn grandpa_client<T: Config>(
    n: u32,
    a: u32,
) -> (T::AccountId, T::AccountId, PartnerHeader, bp_header_chain::justification::GrandpaJustification<PartnerHeader>) {
    let partner: T::AccountId = account("partner", 0, 0);
    let relayer: T::AccountId = account("relayer", 0, 0);
    T::Partners::make_integrating(&partner, GENESIS, &relayer);
    let accounts = bp_test_utils::accounts(n as u16);
    let authorities: grandpa::Authorities = accounts.iter().map(|a| ((*a).into(), 1)).collect();
    let set_id = 3;
    let checkpoint = Checkpoint::GrandpaV1 { genesis: GENESIS, header: checkpoint_header(), set_id, authorities };
    Pallet::<T>::initialize(RawOrigin::Root.into(), partner.clone(), checkpoint).expect("checkpoint");
    full_header_in_next_slot::<T>(&partner);
    let header = final_header();
    let quorum = bp_header_chain::justification::required_justification_precommits(n) as usize;
    let justification = bp_test_utils::make_justification_for_header(bp_test_utils::JustificationGeneratorParams {
        header: header.clone(),
        round: 1,
        set_id,
        authorities: accounts[..quorum].iter().map(|a| (*a, 1)).collect(),
        ancestors: a,
        forks: 1,
    });
    (partner, relayer, header, justification)
}

#[benchmarks]
mod benchmarks {
    use super::*;

    /// A checkpoint with a set of `n`.
    #[benchmark]
    fn initialize(n: Linear<1, { fixtures::MAX }>) -> Result<(), BenchmarkError> {
        let f = fixtures::load();
        let partner: T::AccountId = account("partner", 0, 0);
        T::Partners::make_integrating(&partner, GENESIS, &account("relayer", 0, 0));
        let checkpoint =
            Checkpoint::BpciV1 { genesis: GENESIS, header: checkpoint_header(), set_id: 0, validators: f.keys[..n as usize].to_vec() };
        let origin = T::InitOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
        #[extrinsic_call]
        _(origin as T::RuntimeOrigin, partner.clone(), checkpoint);
        assert_eq!(Pallet::<T>::verified_validators(&partner), Some(n));
        Ok(())
    }

    /// A finalized header, justified by a quorum of a set of `n`.
    #[benchmark]
    fn submit_finality_proof(n: Linear<1, { fixtures::MAX }>) {
        let (partner, relayer, f) = client::<T>(n);
        let header = final_header();
        let justification = FinalityJustification {
            version: JUSTIFICATION_VERSION,
            kind: JustificationKind::Commit { view: VIEW },
            signers: quorum(n),
            signature: f.commits[n as usize - 1],
        };
        let proof = FinalityProof::BpciV1 { header: header.clone(), justification };
        #[extrinsic_call]
        _(RawOrigin::Signed(relayer), partner.clone(), proof);
        assert_eq!(Pallet::<T>::best_finalized(&partner), Some((1000, header.hash())));
    }

    /// A hand-over from a set of `n` to a set of `n`.
    #[benchmark]
    fn submit_handover(n: Linear<1, { fixtures::MAX }>) {
        let (partner, relayer, f) = client::<T>(n);
        let next = &f.next_keys[..n as usize];
        let state = crate::partner_chain::state_with_set(next, 1, &[]);
        let root = root_header(next);
        let qc = QuorumCertificate {
            data: VoteData {
                set_id: 0,
                view: VIEW,
                block_hash: root.hash(),
                block_number: *root.number(),
                parent_hash: *root.parent_hash(),
                parent_view: VIEW - 1,
            },
            signers: quorum(n),
            signature: f.roots[n as usize - 1],
        };
        let certificate = TimeoutCertificate {
            set_id: 0,
            view: EPOCH_END,
            groups: alloc::vec![TimeoutGroup { high_qc_view: VIEW, signers: quorum(n), signature: f.epoch_ends[n as usize - 1] }],
            high_qc: Some(qc),
        };
        let set_proof = state.prove(&[bpci::validators_key(), bpci::set_id_key()]);
        let proof = FinalityProof::BpciHandoverV1 { certificate, root, set_proof };
        #[extrinsic_call]
        submit_finality_proof(RawOrigin::Signed(relayer), partner.clone(), proof);
        assert_eq!(TrustedSets::<T>::get(&partner).map(|s| s.set_id()), Some(1));
    }

    /// A GRANDPA header finalized by a set of `n` (the quorum's precommits, the fewest that
    /// finalize, each checked) with `a` headers of vote ancestry.
    #[benchmark]
    fn submit_grandpa_header(n: Linear<1, { fixtures::MAX }>, a: Linear<0, { fixtures::MAX }>) {
        let (partner, relayer, header, justification) = grandpa_client::<T>(n, a);
        let proof = FinalityProof::GrandpaV1 { header: header.clone(), justification };
        #[extrinsic_call]
        submit_finality_proof(RawOrigin::Signed(relayer), partner.clone(), proof);
        assert_eq!(Pallet::<T>::best_finalized(&partner), Some((1000, header.hash())));
    }

    /// A storage proof of `k` keys, each with a value of `MaxValueLen` bytes.
    #[benchmark]
    fn submit_storage_proof(k: Linear<1, { T::MaxKeysPerProof::get() }>) {
        let (partner, relayer, f) = client::<T>(4);
        let len = T::MaxValueLen::get() as usize;
        let entries: Vec<(Vec<u8>, Vec<u8>)> = (0..k).map(|i| ((i as u64).encode(), alloc::vec![7u8; len])).collect();
        let state = State::new(&entries);
        let keys: Vec<Vec<u8>> = entries.iter().map(|(key, _)| key.clone()).collect();
        let proof = state.prove(&keys);
        let block = header(1000, H256::zero(), state.root);
        // The header is stored as a checkpoint: what is benchmarked is the storage proof.
        let checkpoint = Checkpoint::BpciV1 { genesis: GENESIS, header: block.clone(), set_id: 0, validators: f.keys[..4].to_vec() };
        Pallet::<T>::initialize(RawOrigin::Root.into(), partner.clone(), checkpoint).expect("checkpoint");
        #[extrinsic_call]
        _(RawOrigin::Signed(relayer), partner.clone(), block.hash(), keys, proof);
        assert_eq!(Headers::<T>::get(&partner, block.hash()).map(|h| h.values), Some(k));
    }

    /// Checking a trie proof of `m` tiny nodes, refused only once all are hashed and indexed:
    /// what a proof costs per node beyond the successful cases above, charged on top of them.
    #[benchmark]
    fn proof_nodes(m: Linear<1, 1024>) {
        let nodes: Vec<Vec<u8>> = (0..m).map(|i| (i as u16).to_le_bytes().to_vec()).collect();
        let result;
        #[block]
        {
            result = crate::proofs::read::<T>(H256::repeat_byte(1), alloc::vec![alloc::vec![1u8]], nodes);
        }
        assert!(result.is_err());
    }

    impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
