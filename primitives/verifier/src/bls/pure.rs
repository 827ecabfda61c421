//! The pure-Rust backend (zkcrypto's `bls12_381`): what builds for wasm32, for the dashboard and
//! for partners that cannot link C. About ten times slower than blst; the same answers.

use super::{Backend, BlsPublic, BlsSignature, SIG_DST};
use bls12_381::hash_to_curve::{ExpandMsgXmd, HashToCurve};
use bls12_381::{multi_miller_loop, G1Affine, G1Projective, G2Affine, G2Prepared, G2Projective, Gt};

/// The pure-Rust backend.
pub struct Pure;

/// A public key: decompressed, in the subgroup (`from_compressed` checks it), not the identity.
fn public_key(p: &BlsPublic) -> Option<G1Affine> {
    let pk: Option<G1Affine> = G1Affine::from_compressed(&p.0).into();
    pk.filter(|pk| !bool::from(pk.is_identity()))
}

/// A signature: decompressed, in the subgroup, not the identity (as blst's `sig_validate` with
/// the infinity check).
fn signature(s: &BlsSignature) -> Option<G2Affine> {
    let sig: Option<G2Affine> = G2Affine::from_compressed(&s.0).into();
    sig.filter(|sig| !bool::from(sig.is_identity()))
}

impl Backend for Pure {
    fn verify_aggregate(publics: &[BlsPublic], msg: &[u8], sig: &BlsSignature) -> bool {
        if publics.is_empty() {
            return false;
        }
        let mut aggregate = G1Projective::identity();
        for p in publics {
            let Some(pk) = public_key(p) else { return false };
            aggregate += pk;
        }
        let Some(sig) = signature(sig) else { return false };
        let hashed = <G2Projective as HashToCurve<ExpandMsgXmd<sha2::Sha256>>>::hash_to_curve([msg], SIG_DST);
        // e(aggregate, H(msg)) == e(g1, sig), as one product of two Miller loops.
        let terms = [
            (&G1Affine::from(aggregate), &G2Prepared::from(G2Affine::from(hashed))),
            (&-G1Affine::generator(), &G2Prepared::from(sig)),
        ];
        multi_miller_loop(&terms).final_exponentiation() == Gt::identity()
    }
}
