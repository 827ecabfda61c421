//! Proof bundles from a played BPCI chain: what verifies, and every way a relayer, a byzantine
//! minority or a corrupted byte can make one lie.

use bpci_verifier::bls::native::Blst;
use bpci_verifier::bls::pure::Pure;
use bpci_verifier::bundle::{verify, BundleError, BundleV1, Handover, ProofBundle};
use bpci_verifier::handover::HandoverError;
use bpci_verifier::header;
use bpci_verifier::qc::QcError;
use bpci_verifier::testing::{header_bytes, state_with_set, State, Validators};
use bpci_verifier::ValidatorSet;
use codec::{Decode, Encode};
use bpci_verifier::trie::Blake2;
use sp_core::H256;

const GENESIS: H256 = H256::repeat_byte(0x42);

fn set_of(v: &Validators) -> ValidatorSet {
    ValidatorSet { set_id: v.set_id, validators: v.publics() }
}

struct Chain {
    set0: Validators,
    set1: Validators,
    handover: Handover,
    /// Block 5 (alice's balance in its state), block 6 (its child, justified by set 1).
    headers: Vec<Vec<u8>>,
    state: State,
}

fn chain() -> Chain {
    let set0 = Validators::new(GENESIS, 0, 4, 1);
    let set1 = Validators::new(GENESIS, 1, 4, 2);
    let root_state = state_with_set(&set1.publics(), 1, &[]);
    let root = header_bytes(3, H256::repeat_byte(3), root_state.root);
    let certificate = set0.end_epoch(&Raw(root.clone()), &set0.quorum(), 9);
    let set_proof = root_state.prove(&[bpci_verifier::handover::validators_key(), bpci_verifier::handover::set_id_key()]);
    let handover = Handover { certificate, root: root.clone(), set_proof };
    let state = State::new(&[
        (b"alice".to_vec(), 100u128.encode()),
        (b"bob".to_vec(), 7u128.encode()),
        (b"carol".to_vec(), vec![5u8; 64]),
    ]);
    let h5 = header_bytes(5, H256::repeat_byte(4), state.root);
    let h6 = header_bytes(6, header::read(&h5).unwrap().hash, H256::repeat_byte(6));
    Chain { set0, set1, handover, headers: vec![h5, h6], state }
}

/// Header bytes that encode as themselves (the played validators take anything `Encode`).
struct Raw(Vec<u8>);
impl Encode for Raw {
    fn using_encoded<R, F: FnOnce(&[u8]) -> R>(&self, f: F) -> R {
        f(&self.0)
    }
}

fn bundle(c: &Chain, keys: &[&str]) -> ProofBundle {
    let justified = Raw(c.headers.last().unwrap().clone());
    ProofBundle::V1(BundleV1 {
        genesis: GENESIS,
        handovers: vec![c.handover.clone()],
        headers: c.headers.clone(),
        justification: c.set1.justify(&justified, &c.set1.quorum(), 3),
        keys: keys.iter().map(|k| k.as_bytes().to_vec()).collect(),
        values: keys
            .iter()
            .map(|k| match *k {
                "alice" => Some(100u128.encode()),
                "bob" => Some(7u128.encode()),
                "carol" => Some(vec![5u8; 64]),
                _ => None,
            })
            .collect(),
        read_proof: c.state.prove_compact(keys),
    })
}

#[test]
fn a_bundle_proves_values_at_a_block_final_under_a_handed_over_set() {
    let c = chain();
    let b = bundle(&c, &["alice", "dave"]);
    for proven in [verify::<Blst, Blake2>(&b, &GENESIS, &set_of(&c.set0)), verify::<Pure, Blake2>(&b, &GENESIS, &set_of(&c.set0))] {
        let proven = proven.expect("verifies");
        assert_eq!(proven.block.number, 5);
        assert_eq!(proven.justified.number, 6);
        assert_eq!(proven.set, set_of(&c.set1));
        assert_eq!(proven.values, vec![(b"alice".to_vec(), Some(100u128.encode())), (b"dave".to_vec(), None)]);
    }
    // A verifier that already trusts set 1 needs no hand-over.
    let ProofBundle::V1(mut direct) = b.clone();
    direct.handovers.clear();
    assert!(verify::<Blst, Blake2>(&ProofBundle::V1(direct.clone()), &GENESIS, &set_of(&c.set1)).is_ok());
    // ...and one that trusts set 0 cannot skip it.
    assert_eq!(
        verify::<Blst, Blake2>(&ProofBundle::V1(direct), &GENESIS, &set_of(&c.set0)),
        Err(BundleError::Justification(QcError::BadSignature))
    );
    // A finality proof alone: no keys, no nodes; nodes with no keys are refused.
    let ProofBundle::V1(mut bare) = b.clone();
    (bare.keys, bare.values, bare.read_proof) = (vec![], vec![], vec![]);
    assert_eq!(verify::<Blst, Blake2>(&ProofBundle::V1(bare.clone()), &GENESIS, &set_of(&c.set0)).unwrap().values, vec![]);
    bare.read_proof = c.state.prove_compact(&["alice"]);
    assert!(verify::<Blst, Blake2>(&ProofBundle::V1(bare), &GENESIS, &set_of(&c.set0)).is_err());
    // Encoding: the version leads, and it round-trips.
    assert_eq!(b.encode()[0], 1);
    assert_eq!(ProofBundle::decode(&mut &b.encode()[..]).unwrap(), b);
}

#[test]
fn attack_every_lie_a_bundle_can_tell_is_caught() {
    let c = chain();
    let good = bundle(&c, &["alice"]);
    let trusted = set_of(&c.set0);
    let check = |b: &BundleV1| verify::<Blst, Blake2>(&ProofBundle::V1(b.clone()), &GENESIS, &trusted);
    let ProofBundle::V1(g) = good.clone();

    // Another chain.
    assert_eq!(verify::<Blst, Blake2>(&good, &H256::repeat_byte(1), &trusted), Err(BundleError::WrongChain));
    // A claimed value the state does not hold, a key swapped for another.
    let mut b = g.clone();
    b.values[0] = Some(1_000_000u128.encode());
    assert_eq!(check(&b), Err(BundleError::ClaimMismatch { index: 0 }));
    let mut b = g.clone();
    b.keys[0] = b"blice".to_vec();
    assert!(check(&b).is_err());
    // A forged value: the relayer's own trie.
    let mut b = g.clone();
    b.read_proof = State::new(&[(b"alice".to_vec(), 1_000_000u128.encode())]).prove_compact(&["alice"]);
    assert!(matches!(check(&b), Err(BundleError::ReadProof(_))));
    // A header swapped for one of the relayer's (another state root) breaks the chain.
    let mut b = g.clone();
    b.headers[0] = header_bytes(5, H256::repeat_byte(4), H256::repeat_byte(9));
    assert_eq!(check(&b), Err(BundleError::NotAChain { index: 1 }));
    // Headers out of order, missing, or none.
    let mut b = g.clone();
    b.headers.reverse();
    assert_eq!(check(&b), Err(BundleError::NotAChain { index: 1 }));
    let mut b = g.clone();
    b.headers.clear();
    assert_eq!(check(&b), Err(BundleError::NoHeaders));
    // A justification of the wrong set: the old set's quorum signing after it handed over.
    let mut b = g.clone();
    b.justification = c.set0.justify(&Raw(c.headers[1].clone()), &c.set0.quorum(), 3);
    assert_eq!(check(&b), Err(BundleError::Justification(QcError::BadSignature)));
    // f + 1 of the new set.
    let mut b = g.clone();
    b.justification = c.set1.justify(&Raw(c.headers[1].clone()), &[0, 1], 3);
    assert_eq!(check(&b), Err(BundleError::Justification(QcError::NoQuorum)));
    // A hand-over signed by a byzantine minority, or to a set of the relayer's choosing.
    let mut b = g.clone();
    b.handovers[0].certificate = c.set0.end_epoch(&Raw(c.handover.root.clone()), &[0, 1], 9);
    assert!(matches!(check(&b), Err(BundleError::Handover { index: 0, error: HandoverError::Certificate(_) })));
    let evil = state_with_set(&Validators::new(GENESIS, 1, 4, 7).publics(), 1, &[]);
    let mut b = g.clone();
    b.handovers[0].set_proof = evil.prove(&[bpci_verifier::handover::validators_key(), bpci_verifier::handover::set_id_key()]);
    assert!(matches!(check(&b), Err(BundleError::Handover { index: 0, error: HandoverError::NextSetUnproven })));
    let mut b = g.clone();
    b.handovers[0].root = header_bytes(3, H256::repeat_byte(3), evil.root);
    assert!(matches!(check(&b), Err(BundleError::Handover { index: 0, error: HandoverError::RootMismatch })));
    // A proof with a node no key needs.
    let mut b = g.clone();
    b.read_proof = c.state.prove_compact(&["alice", "carol"]);
    assert!(matches!(check(&b), Err(BundleError::ReadProof(_))), "a node for carol, which no key needs");
    let mut b = g.clone();
    b.read_proof.extend(State::new(&[(b"x".to_vec(), vec![9u8; 64])]).prove_compact(&["x"]));
    assert!(matches!(check(&b), Err(BundleError::ReadProof(_))));
}

#[test]
fn attack_any_one_byte_changed_breaks_the_bundle() {
    let c = chain();
    let good = bundle(&c, &["alice"]).encode();
    let trusted = set_of(&c.set0);
    let expected = verify::<Blst, Blake2>(&ProofBundle::decode(&mut &good[..]).unwrap(), &GENESIS, &trusted).unwrap();
    for i in 0..good.len() {
        let mut bytes = good.clone();
        bytes[i] ^= 0x01;
        // A change either breaks the encoding, breaks a check, or (in the proof's own framing,
        // e.g. a key's bytes) proves something else: it never proves the same thing twice.
        if let Ok(b) = ProofBundle::decode(&mut &bytes[..]) {
            if let Ok(proven) = verify::<Blst, Blake2>(&b, &GENESIS, &trusted) {
                panic!("byte {i} changed and the bundle still verifies: {:?} vs {:?}", proven.values, expected.values);
            }
        }
    }
}
