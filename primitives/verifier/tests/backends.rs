//! Shared test vectors: blst (the node's) and the pure-Rust backend (wasm's) must accept and
//! reject exactly the same aggregates.
#![cfg(all(feature = "blst", feature = "pure"))]

use bpci_verifier::bls::native::{aggregate, Blst, Keypair};
use bpci_verifier::bls::pure::Pure;
use bpci_verifier::bls::{Backend, BlsPublic, BlsSignature};

fn keys(n: usize) -> Vec<Keypair> {
    (0..n).map(|i| Keypair::from_ikm(&[i as u8 + 3; 32]).unwrap()).collect()
}

/// (case, keys, message, signature, whether it verifies).
fn vectors() -> Vec<(&'static str, Vec<BlsPublic>, Vec<u8>, BlsSignature, bool)> {
    let k = keys(5);
    let publics: Vec<BlsPublic> = k.iter().map(|k| k.public).collect();
    let msg = b"BPCI\x02\x02 a vote".to_vec();
    let sigs: Vec<BlsSignature> = k.iter().map(|k| k.sign(&msg)).collect();
    let all = aggregate(&sigs).unwrap();
    let three = aggregate(&sigs[..3]).unwrap();
    let mut flipped = all;
    flipped.0[50] ^= 1;
    let identity_sig = {
        // The compressed point at infinity: the flag byte 0xc0 then zeros.
        let mut b = [0u8; 96];
        b[0] = 0xc0;
        BlsSignature(b)
    };
    let mut garbage_key = publics.clone();
    garbage_key[1] = BlsPublic([0x9a; 48]);
    let pop = k[0].proof_of_possession(b"owner");
    vec![
        ("five of five", publics.clone(), msg.clone(), all, true),
        ("one", publics[..1].to_vec(), msg.clone(), sigs[0], true),
        ("three of the first three", publics[..3].to_vec(), msg.clone(), three, true),
        ("three claimed as five", publics.clone(), msg.clone(), three, false),
        ("five claimed as three", publics[..3].to_vec(), msg.clone(), all, false),
        ("another message", publics.clone(), b"BPCI\x02\x03 a commit".to_vec(), all, false),
        ("a changed signature byte", publics.clone(), msg.clone(), flipped, false),
        ("the identity signature", publics.clone(), msg.clone(), identity_sig, false),
        ("no keys", vec![], msg.clone(), all, false),
        ("a key that is no point", garbage_key, msg.clone(), all, false),
        ("the same key twice", vec![publics[0], publics[0]], msg.clone(), aggregate(&[sigs[0], sigs[0]]).unwrap(), true),
        ("a proof of possession is no signature", publics[..1].to_vec(), bpci_verifier::bls::pop_statement(&publics[0], b"owner"), pop, false),
    ]
}

#[test]
fn both_backends_accept_and_reject_the_same_aggregates() {
    for (case, publics, msg, sig, expected) in vectors() {
        assert_eq!(Blst::verify_aggregate(&publics, &msg, &sig), expected, "blst: {case}");
        assert_eq!(Pure::verify_aggregate(&publics, &msg, &sig), expected, "pure: {case}");
    }
}
