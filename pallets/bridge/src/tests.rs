//! Unit tests of the bridge against the mock runtime. The attacks are built from a real partner
//! chain's parts (`testing`): signatures by real BLS keys, proofs from a real trie.
use crate::mock::*;
use crate::testing::{header, state_with_set, State, Validators};
use crate::{
    pallet, Checkpoint, Clients, Error, Event, FinalityProof, HeaderRing, Headers, PartnerChainState, PartnerHeader,
    ProvenValues, TrustedSet, TrustedSets,
};
use bpci_primitives::qc::{Bitfield, FinalityJustification, JustificationKind};
use bpci_primitives::BlsPublic;
use codec::Encode;
use frame_support::dispatch::{Pays, PostDispatchInfo};
use frame_support::{assert_noop, assert_ok};
use sp_core::H256;
use sp_runtime::DispatchError::BadOrigin;

fn events() -> Vec<Event<Test>> {
    System::events()
        .into_iter()
        .filter_map(|r| if let RuntimeEvent::Bridge(e) = r.event { Some(e) } else { None })
        .collect()
}

fn check() {
    Bridge::do_try_state().expect("invariants hold");
}

/// The partner chain's genesis set (id 0) of four validators.
fn genesis_set() -> Validators {
    Validators::new(GENESIS, 0, 4, 1)
}

fn checkpoint(set: &Validators, at: &PartnerHeader) -> Checkpoint {
    Checkpoint::BpciV1 { genesis: set.genesis, header: at.clone(), set_id: set.set_id, validators: set.publics() }
}

/// A client of partner `P` at header 10.
fn initialised() -> (Validators, PartnerHeader) {
    let set = genesis_set();
    let at = header(10, H256::repeat_byte(9), H256::repeat_byte(10));
    assert_ok!(Bridge::initialize(RuntimeOrigin::root(), P, checkpoint(&set, &at)));
    (set, at)
}

fn submit(who: u64, proof: FinalityProof) -> frame_support::dispatch::DispatchResultWithPostInfo {
    Bridge::submit_finality_proof(RuntimeOrigin::signed(who), P, proof)
}

fn finalized(set: &Validators, h: &PartnerHeader) -> FinalityProof {
    FinalityProof::BpciV1 { header: h.clone(), justification: set.justify(h, &set.quorum(), 7) }
}

fn pays(r: frame_support::dispatch::DispatchResultWithPostInfo) -> Pays {
    let info: PostDispatchInfo = r.expect("accepted");
    info.pays_fee
}

// ---------- initialize ----------

#[test]
fn initialize_stores_the_checkpoint_and_its_set() {
    new_test_ext().execute_with(|| {
        let (set, at) = initialised();
        let c = Clients::<Test>::get(P).unwrap();
        assert_eq!((c.best_number, c.best_hash, c.genesis), (10, at.hash(), GENESIS));
        assert_eq!(Headers::<Test>::get(P, at.hash()).unwrap().state_root, H256::repeat_byte(10));
        assert_eq!(TrustedSets::<Test>::get(P).unwrap().set_id(), 0);
        assert_eq!(Bridge::verified_validators(&P), Some(4));
        assert_eq!(Bridge::best_finalized(&P), Some((10, at.hash())));
        assert_eq!(
            events(),
            vec![Event::ClientInitialised { partner: P, number: 10, hash: at.hash(), set_id: 0, validators: 4 }]
        );
        // A checkpoint is trusted, not proven: it does not count as the partner's first proof.
        assert!(VerifiedReports::get().is_empty());
        let _ = set;
        check();
    });
}

#[test]
fn only_the_init_origin_creates_a_client_and_only_for_the_registered_chain() {
    new_test_ext().execute_with(|| {
        let set = genesis_set();
        let at = header(10, H256::zero(), H256::zero());
        assert_noop!(Bridge::initialize(RuntimeOrigin::signed(P), P, checkpoint(&set, &at)), BadOrigin);
        assert_noop!(Bridge::initialize(RuntimeOrigin::root(), STRANGER, checkpoint(&set, &at)), Error::<Test>::UnknownPartner);
        // Governance cannot point a partner's client at another chain than the one it registered.
        assert_noop!(Bridge::initialize(RuntimeOrigin::root(), OTHER, checkpoint(&set, &at)), Error::<Test>::ChainMismatch);
        check();
    });
}

#[test]
fn initialize_refuses_sets_no_client_could_trust() {
    new_test_ext().execute_with(|| {
        let at = header(10, H256::zero(), H256::zero());
        let with = |validators: Vec<BlsPublic>| Checkpoint::BpciV1 { genesis: GENESIS, header: at.clone(), set_id: 0, validators };
        let keys = Validators::new(GENESIS, 0, MAX_SET as usize + 1, 1).publics();
        assert_noop!(Bridge::initialize(RuntimeOrigin::root(), P, with(vec![])), Error::<Test>::EmptySet);
        assert_noop!(Bridge::initialize(RuntimeOrigin::root(), P, with(keys.clone())), Error::<Test>::SetTooLarge);
        // Garbage is no key, and one key twice would count one validator twice.
        assert_noop!(Bridge::initialize(RuntimeOrigin::root(), P, with(vec![BlsPublic([1u8; 48])])), Error::<Test>::InvalidKey);
        assert_noop!(Bridge::initialize(RuntimeOrigin::root(), P, with(vec![keys[0], keys[1], keys[0]])), Error::<Test>::InvalidKey);
        let mut big = at.clone();
        big.digest.push(sp_runtime::DigestItem::Other(vec![0u8; MAX_HEADER as usize]));
        let cp = Checkpoint::BpciV1 { genesis: GENESIS, header: big, set_id: 0, validators: keys[..4].to_vec() };
        assert_noop!(Bridge::initialize(RuntimeOrigin::root(), P, cp), Error::<Test>::HeaderTooLarge);
    });
}

// ---------- headers ----------

#[test]
fn a_finalized_header_is_imported_and_reported_to_the_registry() {
    new_test_ext().execute_with(|| {
        let (set, at) = initialised();
        let h = header(11, at.hash(), H256::repeat_byte(11));
        assert_ok!(submit(STRANGER, finalized(&set, &h)));
        let c = Clients::<Test>::get(P).unwrap();
        assert_eq!((c.best_number, c.best_hash, c.last_import), (11, h.hash(), Some(1)));
        assert_eq!(Headers::<Test>::get(P, h.hash()).unwrap().state_root, H256::repeat_byte(11));
        assert_eq!(VerifiedReports::get(), vec![(P, 4)]);
        assert_eq!(
            events().last(),
            Some(&Event::HeaderImported { partner: P, number: 11, hash: h.hash(), state_root: H256::repeat_byte(11), free: false })
        );
        // Finality needs no parent link: a header far ahead is final when its set says so.
        let far = header(500, H256::repeat_byte(3), H256::repeat_byte(5));
        assert_ok!(submit(STRANGER, finalized(&set, &far)));
        assert_eq!(Bridge::best_finalized(&P), Some((500, far.hash())));
        check();
    });
}

#[test]
fn the_partners_relayer_goes_free_once_per_interval_others_always_pay() {
    new_test_ext().execute_with(|| {
        let (set, at) = initialised();
        let h = |n: u32| header(n, at.hash(), H256::repeat_byte(n as u8));
        assert_eq!(pays(submit(STRANGER, finalized(&set, &h(11)))), Pays::Yes);
        assert_eq!(pays(submit(RELAYER, finalized(&set, &h(12)))), Pays::No);
        assert_eq!(Rewarded::get(), vec![P]);
        // A relayer flooding headers pays for every one inside the interval.
        assert_eq!(pays(submit(RELAYER, finalized(&set, &h(13)))), Pays::Yes);
        System::set_block_number(1 + FREE_EVERY - 1);
        assert_eq!(pays(submit(RELAYER, finalized(&set, &h(14)))), Pays::Yes);
        System::set_block_number(1 + FREE_EVERY);
        assert_eq!(pays(submit(RELAYER, finalized(&set, &h(15)))), Pays::No);
        assert_eq!(Rewarded::get(), vec![P, P]);
        // Another partner's relayer is a stranger here.
        Relayers::mutate(|r| r.push((12, OTHER)));
        System::set_block_number(100);
        assert_eq!(pays(submit(12, finalized(&set, &h(16)))), Pays::Yes);
        check();
    });
}

#[test]
fn attack_stale_and_replayed_headers_change_nothing() {
    new_test_ext().execute_with(|| {
        let (set, at) = initialised();
        // The checkpoint itself, replayed with a valid justification.
        assert_noop!(submit(RELAYER, finalized(&set, &at)), Error::<Test>::StaleHeader);
        let h = header(12, at.hash(), H256::repeat_byte(12));
        assert_ok!(submit(RELAYER, finalized(&set, &h)));
        // The same proof again, and an older final header.
        assert_noop!(submit(RELAYER, finalized(&set, &h)), Error::<Test>::StaleHeader);
        assert_noop!(submit(RELAYER, finalized(&set, &header(11, at.hash(), H256::zero()))), Error::<Test>::StaleHeader);
        check();
    });
}

#[test]
fn attack_forged_justifications_are_refused_and_change_nothing() {
    new_test_ext().execute_with(|| {
        let (set, at) = initialised();
        let h = header(11, at.hash(), H256::repeat_byte(11));
        let good = set.justify(&h, &set.quorum(), 7);
        let with = |j| FinalityProof::BpciV1 { header: h.clone(), justification: j };

        // A signature byte changed.
        let mut j = good.clone();
        j.signature.0[10] ^= 1;
        assert_noop!(submit(STRANGER, with(j)), Error::<Test>::BadSignature);
        // The right signature on another header (the relayer swaps the state root).
        let mut other = h.clone();
        other.state_root = H256::repeat_byte(66);
        assert_noop!(
            submit(STRANGER, FinalityProof::BpciV1 { header: other, justification: good.clone() }),
            Error::<Test>::BadSignature
        );
        // f + 1 byzantine validators are not a quorum, whatever they sign.
        assert_noop!(submit(STRANGER, with(set.justify(&h, &[0, 1], 7))), Error::<Test>::NoQuorum);
        // A quorum claimed in the bitfield but signed by fewer.
        let mut claimed = set.justify(&h, &[0, 1], 7);
        claimed.signers.set(2);
        assert_noop!(submit(STRANGER, with(claimed)), Error::<Test>::BadSignature);
        // A bitfield sized for another set.
        let mut wide = good.clone();
        wide.signers = Bitfield(vec![0b0111, 0]);
        assert_noop!(submit(STRANGER, with(wide)), Error::<Test>::BadSigners);
        // A certificate from the wrong set: another set of the same size (a byzantine fork of
        // the partner's validators, or its next set before any hand-over).
        let wrong = Validators::new(GENESIS, 0, 4, 2);
        assert_noop!(submit(STRANGER, with(wrong.justify(&h, &wrong.quorum(), 7))), Error::<Test>::BadSignature);
        let next = Validators::new(GENESIS, 1, 4, 1);
        assert_noop!(submit(STRANGER, with(next.justify(&h, &next.quorum(), 7))), Error::<Test>::BadSignature);
        // The right validators signing for another chain (operators reusing keys on a testnet).
        let testnet = Validators::new(H256::repeat_byte(0x99), 0, 4, 1);
        assert_noop!(submit(STRANGER, with(testnet.justify(&h, &testnet.quorum(), 7))), Error::<Test>::BadSignature);
        // A child certificate on a root (view 1 on view 0) proves nothing final, and a commit
        // certificate's signature is no child certificate's.
        let child = header(12, h.hash(), H256::zero());
        let qc = set.certify(&child, &set.quorum(), 1);
        let on_root = FinalityJustification { version: 2, kind: JustificationKind::Child { view: 1, child_hash: child.hash() }, signers: qc.signers, signature: qc.signature };
        assert_noop!(submit(STRANGER, with(on_root)), Error::<Test>::NotAFinalityProof);
        let as_child = FinalityJustification { kind: JustificationKind::Child { view: 8, child_hash: child.hash() }, ..good.clone() };
        assert_noop!(submit(STRANGER, with(as_child)), Error::<Test>::BadSignature);
        let mut v1 = good.clone();
        v1.version = 1;
        assert_noop!(submit(STRANGER, with(v1)), Error::<Test>::NotAFinalityProof);
        // Nothing moved.
        assert_eq!(Bridge::best_finalized(&P), Some((10, at.hash())));
        assert!(VerifiedReports::get().is_empty());
        check();
    });
}

#[test]
fn unknown_partners_and_oversized_headers_are_refused() {
    new_test_ext().execute_with(|| {
        let (set, at) = initialised();
        let h = header(11, at.hash(), H256::zero());
        assert_noop!(Bridge::submit_finality_proof(RuntimeOrigin::signed(RELAYER), OTHER, finalized(&set, &h)), Error::<Test>::NoClient);
        assert_noop!(Bridge::submit_finality_proof(RuntimeOrigin::root(), P, finalized(&set, &h)), BadOrigin);
        let mut big = h.clone();
        big.digest.push(sp_runtime::DigestItem::Other(vec![0u8; MAX_HEADER as usize]));
        assert_noop!(submit(RELAYER, finalized(&set, &big)), Error::<Test>::HeaderTooLarge);
    });
}

#[test]
fn a_registry_that_refuses_the_verified_set_refuses_the_import() {
    new_test_ext().execute_with(|| {
        let (set, at) = initialised();
        RegistryMinimum::set(5);
        // The registry's own error comes through (the runtime's: `partners.TooFewValidators`).
        assert_noop!(
            submit(RELAYER, finalized(&set, &header(11, at.hash(), H256::zero()))),
            sp_runtime::DispatchError::Other("too few validators")
        );
        check();
    });
}

#[test]
fn the_header_ring_prunes_the_oldest_header_with_its_values() {
    new_test_ext().execute_with(|| {
        let (set, at) = initialised();
        let key = b"balance of alice".to_vec();
        let state = State::new(&[(key.clone(), 7u128.encode())]);
        let first = header(11, at.hash(), state.root);
        assert_ok!(submit(STRANGER, finalized(&set, &first)));
        assert_ok!(Bridge::submit_storage_proof(RuntimeOrigin::signed(STRANGER), P, first.hash(), vec![key.clone()], state.prove(&[&key])));
        assert_eq!(Bridge::proven_value(&P, &first.hash(), &key), Some(Some(7u128.encode())));
        // The ring keeps KEEP headers: the checkpoint and `first` go after KEEP more.
        for n in 12..12 + KEEP {
            assert_ok!(submit(STRANGER, finalized(&set, &header(n, H256::zero(), H256::zero()))));
            check();
        }
        assert!(!Headers::<Test>::contains_key(P, at.hash()));
        assert!(!Headers::<Test>::contains_key(P, first.hash()));
        assert_eq!(Bridge::proven_value(&P, &first.hash(), &key), None);
        assert_eq!(ProvenValues::<Test>::iter().count(), 0);
        assert_eq!(Headers::<Test>::iter_prefix(P).count() as u32, KEEP);
        assert_eq!(HeaderRing::<Test>::iter_prefix(P).count() as u32, KEEP);
        check();
    });
}

// ---------- hand-overs ----------

fn set_keys() -> [[u8; 32]; 2] {
    [crate::bpci::validators_key(), crate::bpci::set_id_key()]
}

/// The partner's set 0 hands over to set 1 (four other validators) at `root`.
fn handover(set: &Validators, next: &Validators, parent: H256) -> (FinalityProof, PartnerHeader) {
    let state = state_with_set(&next.publics(), next.set_id, &[(b"other".to_vec(), b"entry".to_vec())]);
    let root = header(20, parent, state.root);
    let certificate = set.end_epoch(&root, &set.quorum(), 30);
    let set_proof = state.prove(&set_keys());
    (FinalityProof::BpciHandoverV1 { certificate, root: root.clone(), set_proof }, root)
}

#[test]
fn a_hand_over_moves_the_client_to_the_next_set() {
    new_test_ext().execute_with(|| {
        let (set, at) = initialised();
        let next = Validators::new(GENESIS, 1, 7, 3);
        let (proof, root) = handover(&set, &next, at.hash());
        assert_eq!(pays(submit(RELAYER, proof)), Pays::No);
        assert_eq!(TrustedSets::<Test>::get(P).unwrap().set_id(), 1);
        assert_eq!(Bridge::verified_validators(&P), Some(7));
        assert_eq!(events().last(), Some(&Event::SetHandedOver { partner: P, set_id: 1, validators: 7, free: true }));
        // The root is not stored as final: an epoch may have several roots.
        assert!(!Headers::<Test>::contains_key(P, root.hash()));
        // The old set's certificates count no more; the new set's do, and report its size.
        let h = header(21, root.hash(), H256::repeat_byte(21));
        assert_noop!(submit(RELAYER, finalized(&set, &h)), Error::<Test>::NoQuorum);
        let four_of_seven = next.justify(&h, &[0, 1, 2, 3], 7);
        assert_noop!(submit(RELAYER, FinalityProof::BpciV1 { header: h.clone(), justification: four_of_seven }), Error::<Test>::NoQuorum);
        assert_ok!(submit(RELAYER, finalized(&next, &h)));
        assert_eq!(VerifiedReports::get(), vec![(P, 7)]);
        check();
    });
}

#[test]
fn attack_forged_hand_overs_are_refused_and_change_nothing() {
    new_test_ext().execute_with(|| {
        let (set, at) = initialised();
        let next = Validators::new(GENESIS, 1, 4, 3);
        let (good, root) = handover(&set, &next, at.hash());
        let FinalityProof::BpciHandoverV1 { certificate, set_proof, .. } = good.clone() else { unreachable!() };
        let with = |certificate, root: &PartnerHeader, set_proof| FinalityProof::BpciHandoverV1 { certificate, root: root.clone(), set_proof };

        // An ordinary timeout certificate is no epoch end.
        let timeout = set.timeout(&root, &set.quorum(), 30, 31);
        assert_noop!(submit(STRANGER, with(timeout, &root, set_proof.clone())), Error::<Test>::InvalidHandover);
        // The hand-over signed by a set the client does not trust (a byzantine minority's fork
        // of keys, or the next set handing over to itself).
        let forged = next.end_epoch(&root, &next.quorum(), 30);
        assert_noop!(submit(STRANGER, with(forged, &root, set_proof.clone())), Error::<Test>::InvalidHandover);
        // Too few of the trusted set.
        let few = set.end_epoch(&root, &[0, 1], 30);
        assert_noop!(submit(STRANGER, with(few, &root, set_proof.clone())), Error::<Test>::InvalidHandover);
        // A certificate with a byte changed.
        let mut bad = certificate.clone();
        bad.groups[0].signature.0[5] ^= 1;
        assert_noop!(submit(STRANGER, with(bad, &root, set_proof.clone())), Error::<Test>::InvalidHandover);
        // The right certificate with another root header: a state root of the relayer's choosing.
        let evil_state = state_with_set(&Validators::new(GENESIS, 9, 4, 6).publics(), 9, &[]);
        let evil_root = header(20, at.hash(), evil_state.root);
        let evil_proof = evil_state.prove(&set_keys());
        assert_noop!(submit(STRANGER, with(certificate.clone(), &evil_root, evil_proof.clone())), Error::<Test>::RootMismatch);
        // The right root with a proof from another state.
        assert_noop!(submit(STRANGER, with(certificate.clone(), &root, evil_proof)), Error::<Test>::NextSetUnproven);
        // A proof missing a node, and one with a node no key needs.
        let mut short = set_proof.clone();
        short.pop();
        assert_noop!(submit(STRANGER, with(certificate.clone(), &root, short)), Error::<Test>::NextSetUnproven);
        let mut padded = set_proof.clone();
        padded.push(State::new(&[(b"x".to_vec(), b"y".to_vec())]).prove(&["x"])[0].clone());
        assert_noop!(submit(STRANGER, with(certificate.clone(), &root, padded)), Error::<Test>::NextSetUnproven);
        // A root whose state holds no newer set (a replay of the hand-over that made set 0).
        let same = state_with_set(&set.publics(), 0, &[]);
        let same_root = header(20, at.hash(), same.root);
        let same_cert = set.end_epoch(&same_root, &set.quorum(), 30);
        let same_proof = same.prove(&[&crate::bpci::validators_key()[..], &crate::bpci::set_id_key()[..]]);
        assert_noop!(submit(STRANGER, with(same_cert, &same_root, same_proof)), Error::<Test>::NextSetNotNewer);
        assert_eq!(TrustedSets::<Test>::get(P).unwrap().set_id(), 0);
        // The genuine one goes through once; replayed, it is not newer.
        assert_ok!(submit(STRANGER, good.clone()));
        assert_noop!(submit(STRANGER, good), Error::<Test>::InvalidHandover);
        check();
    });
}

#[test]
fn a_hand_over_to_an_untrustworthy_set_is_refused() {
    new_test_ext().execute_with(|| {
        let (set, at) = initialised();
        for (next, error) in [
            (vec![], Error::<Test>::EmptySet),
            (Validators::new(GENESIS, 1, MAX_SET as usize + 1, 3).publics(), Error::<Test>::SetTooLarge),
            (vec![BlsPublic([3u8; 48])], Error::<Test>::InvalidKey),
        ] {
            let state = state_with_set(&next, 1, &[]);
            let root = header(20, at.hash(), state.root);
            let certificate = set.end_epoch(&root, &set.quorum(), 30);
            let set_proof = state.prove(&set_keys());
            assert_noop!(submit(STRANGER, FinalityProof::BpciHandoverV1 { certificate, root, set_proof }), error);
        }
    });
}

#[test]
fn governance_resets_a_client_that_a_forced_change_broke() {
    new_test_ext().execute_with(|| {
        let (set, at) = initialised();
        let h = header(11, at.hash(), H256::repeat_byte(11));
        assert_ok!(submit(STRANGER, finalized(&set, &h)));
        // The partner replaced its set by force: no hand-over exists, the old set's proofs stop.
        let forced = Validators::new(GENESIS, 5, 4, 8);
        let later = header(40, H256::zero(), H256::repeat_byte(40));
        assert_noop!(submit(STRANGER, finalized(&forced, &header(41, later.hash(), H256::zero()))), Error::<Test>::BadSignature);
        assert_ok!(Bridge::initialize(RuntimeOrigin::root(), P, checkpoint(&forced, &later)));
        assert_eq!(Bridge::best_finalized(&P), Some((40, later.hash())));
        assert_ok!(submit(STRANGER, finalized(&forced, &header(41, later.hash(), H256::zero()))));
        // Headers verified before the reset stay.
        assert!(Headers::<Test>::contains_key(P, h.hash()));
        check();
    });
}

// ---------- storage proofs ----------

fn with_state_header() -> (Validators, State, PartnerHeader) {
    let (set, at) = initialised();
    let state = State::new(&[
        (b"alice".to_vec(), 100u128.encode()),
        (b"bob".to_vec(), 5u128.encode()),
        (b"big".to_vec(), vec![1u8; 300]),
        (b"carol".to_vec(), 9u128.encode()),
    ]);
    let h = header(11, at.hash(), state.root);
    assert_ok!(submit(STRANGER, finalized(&set, &h)));
    (set, state, h)
}

#[test]
fn a_storage_proof_records_values_and_absences() {
    new_test_ext().execute_with(|| {
        let (_, state, h) = with_state_header();
        let keys: Vec<Vec<u8>> = vec![b"alice".to_vec(), b"dave".to_vec()];
        let proof = state.prove(&["alice", "dave"]);
        assert_eq!(pays(Bridge::submit_storage_proof(RuntimeOrigin::signed(RELAYER), P, h.hash(), keys.clone(), proof.clone())), Pays::No);
        assert_eq!(Bridge::proven_value(&P, &h.hash(), b"alice"), Some(Some(100u128.encode())));
        assert_eq!(Bridge::proven_value(&P, &h.hash(), b"dave"), Some(None));
        assert_eq!(Bridge::proven_value(&P, &h.hash(), b"bob"), None);
        assert_eq!(
            events().last(),
            Some(&Event::ValuesProven {
                partner: P,
                block: h.hash(),
                values: vec![(b"alice".to_vec(), Some(100u128.encode())), (b"dave".to_vec(), None)],
                free: true
            })
        );
        // Proving the same keys again records nothing new, and pays inside the interval.
        assert_eq!(pays(Bridge::submit_storage_proof(RuntimeOrigin::signed(RELAYER), P, h.hash(), keys, proof)), Pays::Yes);
        assert_eq!(Headers::<Test>::get(P, h.hash()).unwrap().values, 2);
        check();
    });
}

#[test]
fn attack_forged_storage_proofs_are_refused_and_change_nothing() {
    new_test_ext().execute_with(|| {
        let (_, state, h) = with_state_header();
        let sub = |block: H256, keys: &[&str], proof: Vec<Vec<u8>>| {
            let keys = keys.iter().map(|k| k.as_bytes().to_vec()).collect();
            Bridge::submit_storage_proof(RuntimeOrigin::signed(STRANGER), P, block, keys, proof)
        };
        let good = state.prove(&["alice"]);
        // A proof against a block the client never verified.
        assert_noop!(sub(H256::repeat_byte(5), &["alice"], good.clone()), Error::<Test>::UnknownHeader);
        // A forged value: the relayer's own trie, whose root no verified header has.
        let forged = State::new(&[(b"alice".to_vec(), 1_000_000u128.encode())]);
        assert_noop!(sub(h.hash(), &["alice"], forged.prove(&["alice"])), Error::<Test>::InvalidStorageProof);
        // A node's bytes changed.
        let mut tampered = good.clone();
        let last = tampered.len() - 1;
        let byte = tampered[last].len() - 1;
        tampered[last][byte] ^= 1;
        assert_noop!(sub(h.hash(), &["alice"], tampered), Error::<Test>::InvalidStorageProof);
        // A key the proof does not cover, a duplicated node, an unused node.
        assert_noop!(sub(h.hash(), &["alice", "bob"], good.clone()), Error::<Test>::InvalidStorageProof);
        let mut dup = good.clone();
        dup.push(good[0].clone());
        assert_noop!(sub(h.hash(), &["alice"], dup), Error::<Test>::InvalidStorageProof);
        assert_noop!(sub(h.hash(), &["alice"], state.prove(&["alice", "big"])), Error::<Test>::UnusedProofNodes);
        // Garbage, truncated, empty.
        assert_noop!(sub(h.hash(), &["alice"], vec![vec![0xff; 40]]), Error::<Test>::InvalidStorageProof);
        assert_noop!(sub(h.hash(), &["alice"], vec![]), Error::<Test>::InvalidStorageProof);
        let mut cut = good.clone();
        cut[0].truncate(3);
        assert_noop!(sub(h.hash(), &["alice"], cut), Error::<Test>::InvalidStorageProof);
        // Bounds: no keys, too many, too long, twice, a value above MaxValueLen, an oversized proof.
        assert_noop!(sub(h.hash(), &[], good.clone()), Error::<Test>::BadKeyCount);
        assert_noop!(sub(h.hash(), &["a", "b", "c", "d", "e"], good.clone()), Error::<Test>::BadKeyCount);
        assert_noop!(sub(h.hash(), &[&"k".repeat(65)], good.clone()), Error::<Test>::BadKey);
        assert_noop!(sub(h.hash(), &["alice", "alice"], good.clone()), Error::<Test>::BadKey);
        assert_noop!(sub(h.hash(), &["big"], state.prove(&["big"])), Error::<Test>::ValueTooLarge);
        assert_noop!(sub(h.hash(), &["alice"], vec![vec![0u8; 64 * 1024]]), Error::<Test>::ProofTooLarge);
        assert_noop!(
            Bridge::submit_storage_proof(RuntimeOrigin::signed(STRANGER), OTHER, h.hash(), vec![b"alice".to_vec()], good),
            Error::<Test>::NoClient
        );
        check();
    });
}

#[test]
fn a_header_holds_at_most_max_values() {
    new_test_ext().execute_with(|| {
        let (set, _, _) = with_state_header();
        let entries: Vec<(Vec<u8>, Vec<u8>)> = (0..8u8).map(|i| (vec![b'k', i], vec![i])).collect();
        let state = State::new(&entries);
        let h = header(12, H256::zero(), state.root);
        assert_ok!(submit(STRANGER, finalized(&set, &h)));
        let prove = |ks: &[u8]| {
            let keys: Vec<Vec<u8>> = ks.iter().map(|i| vec![b'k', *i]).collect();
            let proof = state.prove(&keys);
            Bridge::submit_storage_proof(RuntimeOrigin::signed(STRANGER), P, h.hash(), keys, proof)
        };
        assert_ok!(prove(&[0, 1, 2, 3]));
        assert_ok!(prove(&[4, 5]));
        assert_noop!(prove(&[6]), Error::<Test>::TooManyValues);
        assert_eq!(pallet::Headers::<Test>::get(P, h.hash()).unwrap().values, 6);
        check();
    });
}

#[test]
fn trusted_sets_keep_prepared_keys() {
    new_test_ext().execute_with(|| {
        let (set, _) = initialised();
        let Some(TrustedSet::Bpci { keys, .. }) = TrustedSets::<Test>::get(P) else { panic!("a BPCI set") };
        let prepared: Vec<_> = set.publics().iter().map(|p| bpci_primitives::bls::native::prepare(p).unwrap()).collect();
        assert_eq!(keys.into_inner(), prepared);
    });
}

// ---------- review findings (each failed before its fix) ----------

#[test]
fn attack_a_partner_cannot_hand_over_for_free_every_block() {
    new_test_ext().execute_with(|| {
        let (set, at) = initialised();
        let mut current = set;
        for id in 1..=3u64 {
            let next = Validators::new(GENESIS, id, 4, 10 + id as u8);
            let (proof, _) = handover(&current, &next, at.hash());
            assert_eq!(pays(submit(RELAYER, proof)), if id == 1 { Pays::No } else { Pays::Yes });
            current = next;
        }
        assert_eq!(Rewarded::get(), vec![P]);
        check();
    });
}

#[test]
fn attack_a_hand_over_split_into_single_signer_groups_is_refused() {
    use bpci_primitives::timeout::{TimeoutData, TimeoutGroup, EPOCH_END};
    new_test_ext().execute_with(|| {
        let (set, at) = initialised();
        let (good, _) = handover(&set, &Validators::new(GENESIS, 1, 4, 3), at.hash());
        let FinalityProof::BpciHandoverV1 { mut certificate, root, set_proof } = good else { unreachable!() };
        let msg = TimeoutData { set_id: 0, view: EPOCH_END, high_qc_view: 30 }.signing_message(&GENESIS);
        certificate.groups = set
            .quorum()
            .into_iter()
            .map(|i| {
                let mut signers = Bitfield::new(4);
                signers.set(i);
                TimeoutGroup { high_qc_view: 30, signers, signature: set.keys[i].sign(&msg) }
            })
            .collect();
        assert_noop!(
            submit(STRANGER, FinalityProof::BpciHandoverV1 { certificate, root, set_proof }),
            Error::<Test>::InvalidHandover
        );
    });
}

#[test]
fn attack_a_hand_over_with_more_groups_than_the_cap_is_refused() {
    use bpci_primitives::timeout::{TimeoutData, TimeoutGroup, EPOCH_END};
    new_test_ext().execute_with(|| {
        // Ten validators each report another highest view: ten groups, each a pairing check.
        let set = Validators::new(GENESIS, 0, 10, 1);
        let at = header(10, H256::repeat_byte(9), H256::repeat_byte(10));
        assert_ok!(Bridge::initialize(RuntimeOrigin::root(), P, checkpoint(&set, &at)));
        let (good, _) = handover(&set, &Validators::new(GENESIS, 1, 4, 3), at.hash());
        let FinalityProof::BpciHandoverV1 { mut certificate, root, set_proof } = good else { unreachable!() };
        // Nine groups with views 22..=30 (the certified root's), all valid: only the cap refuses it.
        let groups = crate::bpci::MAX_HANDOVER_GROUPS + 1;
        certificate.groups = (0..groups)
            .map(|g| {
                let members: Vec<usize> = if g + 1 < groups { vec![g] } else { (g..10).collect() };
                let view = 30 - (groups - 1 - g) as u64;
                let msg = TimeoutData { set_id: 0, view: EPOCH_END, high_qc_view: view }.signing_message(&GENESIS);
                let mut signers = Bitfield::new(10);
                let sigs: Vec<_> = members.iter().map(|&i| { signers.set(i); set.keys[i].sign(&msg) }).collect();
                TimeoutGroup { high_qc_view: view, signers, signature: bpci_primitives::bls::native::aggregate(&sigs).unwrap() }
            })
            .collect();
        assert_eq!(certificate.groups.len(), groups);
        assert_noop!(
            submit(STRANGER, FinalityProof::BpciHandoverV1 { certificate, root, set_proof }),
            Error::<Test>::InvalidHandover
        );
    });
}

#[test]
fn attack_a_storage_proof_of_many_tiny_nodes_is_refused_before_hashing() {
    new_test_ext().execute_with(|| {
        let (_, _, h) = with_state_header();
        // 1,100 distinct two-byte nodes: 3.4 KiB encoded, but 1,100 hashes and insertions.
        let nodes: Vec<Vec<u8>> = (0..1100u16).map(|i| i.to_le_bytes().to_vec()).collect();
        assert_noop!(
            Bridge::submit_storage_proof(RuntimeOrigin::signed(STRANGER), P, h.hash(), vec![b"alice".to_vec()], nodes),
            Error::<Test>::ProofTooLarge
        );
    });
}

#[test]
fn attack_a_client_does_not_outlive_the_chain_its_partner_registered() {
    new_test_ext().execute_with(|| {
        let (set, at) = initialised();
        let h = header(11, at.hash(), H256::repeat_byte(11));
        // P left and came back with another chain: its old chain's headers prove nothing of it.
        Chains::set(vec![(P, H256::repeat_byte(0x63)), (OTHER, H256::repeat_byte(0x62))]);
        assert_noop!(submit(RELAYER, finalized(&set, &h)), Error::<Test>::ChainMismatch);
        assert_noop!(
            Bridge::submit_storage_proof(RuntimeOrigin::signed(RELAYER), P, at.hash(), vec![b"k".to_vec()], vec![]),
            Error::<Test>::ChainMismatch
        );
        Chains::set(vec![(OTHER, H256::repeat_byte(0x62))]);
        assert_noop!(submit(RELAYER, finalized(&set, &h)), Error::<Test>::ChainMismatch);
        assert!(VerifiedReports::get().is_empty());
    });
}

#[test]
fn a_reset_to_a_stored_header_keeps_headers_to_keep_headers() {
    new_test_ext().execute_with(|| {
        let (set, at) = initialised();
        let h11 = header(11, at.hash(), H256::repeat_byte(11));
        assert_ok!(submit(STRANGER, finalized(&set, &h11)));
        assert_ok!(Bridge::initialize(RuntimeOrigin::root(), P, checkpoint(&set, &h11)));
        for n in 12..=13 {
            assert_ok!(submit(STRANGER, finalized(&set, &header(n, H256::zero(), H256::zero()))));
        }
        assert!(Headers::<Test>::contains_key(P, h11.hash()));
        assert!(Headers::<Test>::contains_key(P, at.hash()));
        assert_eq!(Headers::<Test>::iter_prefix(P).count() as u32, KEEP);
        check();
    });
}

#[test]
fn re_proving_recorded_values_is_no_proof_duty_and_not_counted_twice() {
    new_test_ext().execute_with(|| {
        let (_, state, h) = with_state_header();
        let prove = |keys: &[&str]| {
            let proof = state.prove(keys);
            Bridge::submit_storage_proof(RuntimeOrigin::signed(RELAYER), P, h.hash(), keys.iter().map(|k| k.as_bytes().to_vec()).collect(), proof)
        };
        assert_eq!(pays(prove(&["alice", "bob"])), Pays::No);
        System::set_block_number(100);
        assert_eq!(pays(prove(&["alice", "bob"])), Pays::Yes);
        assert_eq!(Rewarded::get(), vec![P]);
        // Six values fit a header: four more new ones, then none; known ones never count.
        assert_ok!(prove(&["alice", "carol", "dave", "erin"]));
        assert_ok!(prove(&["frank", "alice"]));
        assert_noop!(prove(&["gina"]), Error::<Test>::TooManyValues);
        assert_ok!(prove(&["alice", "bob", "carol", "dave"]));
        assert_eq!(Headers::<Test>::get(P, h.hash()).unwrap().values, 6);
        check();
    });
}

/// Writes the benchmarks' signatures (`src/fixtures.rs`); the benchmarks check them.
#[test]
#[ignore = "writes benchmark-fixtures.bin"]
fn write_benchmark_fixtures() {
    let bytes = crate::testing::benchmark_fixtures().encode();
    std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/benchmark-fixtures.bin"), bytes).unwrap();
}

// ---------- the pool refuses obsolete proofs ----------

fn pool_check(who: u64, partner: u64, proof: FinalityProof) -> Result<(), sp_runtime::transaction_validity::TransactionValidityError> {
    use sp_runtime::traits::DispatchTransaction;
    let call = RuntimeCall::Bridge(pallet::Call::submit_finality_proof { partner, proof });
    let info = frame_support::dispatch::DispatchInfo::default();
    crate::RejectObsoleteBridgeProofs::<Test>::new()
        .validate_only(RuntimeOrigin::signed(who), &call, &info, 0, sp_runtime::transaction_validity::TransactionSource::External, 0)
        .map(|(valid, _, _)| {
            // No tag of its own: a tag would let whoever tips more hold an honest relayer's place.
            assert!(valid.provides.is_empty() && valid.requires.is_empty());
        })
}

#[test]
fn attack_a_replayed_or_stale_header_never_reaches_a_block() {
    new_test_ext().execute_with(|| {
        use sp_runtime::transaction_validity::{InvalidTransaction, TransactionValidityError};
        let (set, at) = initialised();
        let h = header(11, at.hash(), H256::repeat_byte(11));
        // Two relayers' copies of a fresh header both wait in the pool.
        assert_eq!(pool_check(RELAYER, P, finalized(&set, &h)), Ok(()));
        assert_eq!(pool_check(STRANGER, P, finalized(&set, &h)), Ok(()));
        assert_ok!(submit(RELAYER, finalized(&set, &h)));
        // Once one is imported, the other copy and anything older are refused before a block
        // can charge them (the check runs again when the block is built).
        let stale = Err(TransactionValidityError::Invalid(InvalidTransaction::Stale));
        assert_eq!(pool_check(STRANGER, P, finalized(&set, &h)), stale);
        assert_eq!(pool_check(STRANGER, P, finalized(&set, &at)), stale);
        let h12 = header(12, h.hash(), H256::repeat_byte(12));
        assert_eq!(pool_check(STRANGER, P, finalized(&set, &h12)), Ok(()));
        // Proofs for a partner with no client are left to the call itself.
        assert_eq!(pool_check(STRANGER, OTHER, finalized(&set, &h)), Ok(()));
    });
}

#[test]
fn attack_a_hand_over_from_a_set_already_left_never_reaches_a_block() {
    new_test_ext().execute_with(|| {
        use sp_runtime::transaction_validity::{InvalidTransaction, TransactionValidityError};
        let (set, at) = initialised();
        let next = Validators::new(GENESIS, 1, 4, 3);
        let (proof, _) = handover(&set, &next, at.hash());
        assert_eq!(pool_check(RELAYER, P, proof.clone()), Ok(()));
        assert_ok!(submit(RELAYER, proof.clone()));
        assert_eq!(pool_check(STRANGER, P, proof), Err(TransactionValidityError::Invalid(InvalidTransaction::Stale)));
    });
}

// ---------- health ----------

#[test]
fn health_shows_when_each_client_last_imported_a_header_and_a_proof() {
    new_test_ext().execute_with(|| {
        let (set, at) = initialised();
        let health = |p: u64| Bridge::health().into_iter().find(|h| h.partner == p).expect("a client");
        let h = health(P);
        assert_eq!((h.initialised_at, h.last_header, h.last_proof, h.best_number, h.set_id, h.validators), (1, None, None, 10, 0, 4));
        System::set_block_number(5);
        let state = State::new(&[(b"alice".to_vec(), 100u128.encode())]);
        let h11 = header(11, at.hash(), state.root);
        assert_ok!(submit(RELAYER, finalized(&set, &h11)));
        assert_eq!(health(P).last_header, Some(5));
        assert_eq!(health(P).best_number, 11);
        System::set_block_number(9);
        // A refused proof moves nothing; an accepted one, paid or free, does.
        assert!(Bridge::submit_storage_proof(RuntimeOrigin::signed(STRANGER), P, h11.hash(), vec![b"alice".to_vec()], vec![]).is_err());
        assert_eq!(health(P).last_proof, None);
        assert_ok!(Bridge::submit_storage_proof(RuntimeOrigin::signed(STRANGER), P, h11.hash(), vec![b"alice".to_vec()], state.prove(&["alice"])));
        assert_eq!(health(P).last_proof, Some(9));
        assert_eq!(Bridge::health().len(), 1);
    });
}
