//! Quorum-certificate verification against the baseline it replaces: checking each signer's
//! signature one by one (ed25519, as GRANDPA justifications do).
//!
//! `cargo bench -p bpci-primitives --bench qc` (or `scripts/bench-qc.sh`).

use bpci_primitives::{
    bls::native::{aggregate, Keypair},
    qc::{Bitfield, FinalityJustification, FinalityProof, QuorumCertificate, VoteData},
    ValidatorSet,
};
use codec::Encode;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use sp_core::{ed25519, Pair, H256};

const CHAIN: H256 = H256::repeat_byte(0xcc);

fn certificate(n: usize) -> (ValidatorSet, QuorumCertificate) {
    let keys: Vec<Keypair> = (0..n).map(|i| Keypair::from_ikm(&[(i % 251) as u8 + 1; 32].map(|b| b ^ (i / 251) as u8)).unwrap()).collect();
    let set = ValidatorSet { set_id: 1, validators: keys.iter().map(|k| k.public).collect() };
    let data = VoteData {
        set_id: 1,
        view: 10,
        block_hash: H256::repeat_byte(7),
        block_number: 100,
        parent_hash: H256::repeat_byte(6),
        parent_view: 9,
    };
    let msg = data.signing_message(&CHAIN);
    let mut signers = Bitfield::new(n);
    let sigs: Vec<_> = (0..set.quorum()).map(|i| { signers.set(i); keys[i].sign(&msg) }).collect();
    let qc = QuorumCertificate { data, signers, signature: aggregate(&sigs).unwrap() };
    (set, qc)
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("certificate_verification");
    for n in [4usize, 16, 64, 100] {
        let (set, qc) = certificate(n);
        assert_eq!(qc.verify::<bpci_primitives::bls::native::Blst>(&set, &CHAIN), Ok(()));
        let justification = FinalityJustification::from_proof(&FinalityProof::Child(qc.clone())).unwrap();
        eprintln!("n = {n}: quorum {}, justification {} bytes", set.quorum(), justification.encode().len());
        group.bench_with_input(BenchmarkId::new("bls_qc", n), &n, |b, _| b.iter(|| qc.verify::<bpci_primitives::bls::native::Blst>(&set, &CHAIN)));

        let pairs: Vec<ed25519::Pair> = (0..set.quorum()).map(|i| ed25519::Pair::from_seed(&[i as u8; 32])).collect();
        let msg = qc.data.signing_message(&CHAIN);
        let signed: Vec<_> = pairs.iter().map(|p| (p.public(), p.sign(&msg))).collect();
        group.bench_with_input(BenchmarkId::new("ed25519_each", n), &n, |b, _| {
            b.iter(|| signed.iter().all(|(pk, sig)| ed25519::Pair::verify(sig, &msg, pk)))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).warm_up_time(std::time::Duration::from_millis(500)).measurement_time(std::time::Duration::from_secs(2));
    targets = bench
}
criterion_main!(benches);
