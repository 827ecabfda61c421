//! BLS12-381 (min-pk) key and signature types, and the backends that check them: [`native`] on
//! blst (the node's, feature `blst`) and [`pure`] on zkcrypto's `bls12_381` (feature `pure`,
//! builds for wasm32). Both must accept and reject exactly the same signatures; the shared test
//! vectors in `tests/backends.rs` hold them to it.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

pub const PUBLIC_LEN: usize = 48;
pub const SIGNATURE_LEN: usize = 96;
pub const PREPARED_LEN: usize = 96;

/// Domain separation tag of consensus signatures (the IETF proof-of-possession ciphersuite).
pub const SIG_DST: &[u8] = b"BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";
/// Domain separation tag of proofs of possession: distinct from [`SIG_DST`] so that a proof can
/// never be passed off as a vote and vice versa.
pub const POP_DST: &[u8] = b"BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";

macro_rules! byte_array_type {
    ($(#[$attr:meta])* $name:ident, $len:expr) => {
        $(#[$attr])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen)]
        pub struct $name(pub [u8; $len]);

        impl Default for $name {
            fn default() -> Self {
                Self([0u8; $len])
            }
        }

        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
                write!(f, "0x")?;
                for b in &self.0[..] {
                    write!(f, "{:02x}", b)?;
                }
                Ok(())
            }
        }

        impl AsRef<[u8]> for $name {
            fn as_ref(&self) -> &[u8] {
                &self.0[..]
            }
        }

        impl TryFrom<&[u8]> for $name {
            type Error = ();
            fn try_from(b: &[u8]) -> Result<Self, ()> {
                Ok(Self(b.try_into().map_err(|_| ())?))
            }
        }

        #[cfg(feature = "serde")]
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&alloc::format!("0x{}", hex::encode(self.0)))
            }
        }

        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <alloc::string::String as serde::Deserialize>::deserialize(d)?;
                let bytes = hex::decode(s.trim_start_matches("0x")).map_err(serde::de::Error::custom)?;
                Self::try_from(&bytes[..]).map_err(|_| {
                    serde::de::Error::custom(concat!("wrong length for ", stringify!($name)))
                })
            }
        }
    };
}

byte_array_type!(
    /// A compressed BLS12-381 G1 public key.
    BlsPublic,
    PUBLIC_LEN
);
byte_array_type!(
    /// A compressed BLS12-381 G2 signature (single or aggregate).
    BlsSignature,
    SIGNATURE_LEN
);

byte_array_type!(
    /// A public key a verifier already validated (on the curve, in the subgroup, not the
    /// identity), kept uncompressed (96 bytes): aggregating such keys costs point additions only,
    /// with no square root or subgroup check per signer. Only [`native::prepare`] (the host's
    /// `prepare_keys`) makes one; a verifier stores what it returned and trusts nothing else.
    BlsPreparedPublic,
    PREPARED_LEN
);

/// The statement a validator signs with [`POP_DST`] to prove it holds the secret of `public`;
/// `owner` binds the proof to the account that registers the key.
pub fn pop_statement(public: &BlsPublic, owner: &[u8]) -> alloc::vec::Vec<u8> {
    let mut m = alloc::vec::Vec::with_capacity(16 + PUBLIC_LEN + owner.len());
    m.extend_from_slice(b"BPCI-POP-V1");
    m.extend_from_slice(&public.0);
    m.extend_from_slice(owner);
    m
}

/// A BLS implementation a verifier checks aggregates with.
pub trait Backend {
    /// Whether `sig` is the aggregate of `publics`' signatures over the same `msg`, under
    /// [`SIG_DST`]. False for no keys, a key or signature that does not decode, is not in its
    /// subgroup or is the identity. Sound only for keys whose possession was proven.
    fn verify_aggregate(publics: &[BlsPublic], msg: &[u8], sig: &BlsSignature) -> bool;
}

#[cfg(feature = "pure")]
pub mod pure;

#[cfg(feature = "blst")]
pub mod native {
    //! The blst implementation, used by the node directly and by the runtime through host functions.
    use super::*;
    use blst::min_pk::{AggregatePublicKey, AggregateSignature, PublicKey, SecretKey, Signature};
    use blst::BLST_ERROR;

    /// A BLS secret key. Not `Clone`: there is one owner, the consensus signer.
    pub struct Keypair {
        secret: SecretKey,
        pub public: BlsPublic,
    }

    impl Keypair {
        /// Derives a key from at least 32 bytes of secret input keying material (IETF KeyGen).
        pub fn from_ikm(ikm: &[u8]) -> Option<Self> {
            let secret = SecretKey::key_gen(ikm, b"BPCI-BLS-KEYGEN-V1").ok()?;
            let public = BlsPublic(secret.sk_to_pk().compress());
            Some(Self { secret, public })
        }

        pub fn sign(&self, msg: &[u8]) -> BlsSignature {
            BlsSignature(self.secret.sign(msg, SIG_DST, &[]).compress())
        }

        pub fn proof_of_possession(&self, owner: &[u8]) -> BlsSignature {
            BlsSignature(self.secret.sign(&pop_statement(&self.public, owner), POP_DST, &[]).compress())
        }
    }

    /// Validated public keys by their compressed form. Decompressing and subgroup-checking a
    /// key costs about as much as 40 point additions, and a certificate check would otherwise
    /// pay it for every signer every time; validator keys change once a session, so caching
    /// them makes the check one pairing plus additions, nearly independent of the set size.
    static KEYS: std::sync::LazyLock<std::sync::Mutex<std::collections::HashMap<[u8; PUBLIC_LEN], PublicKey>>> =
        std::sync::LazyLock::new(Default::default);
    /// Far above any validator set plus bridge partners' sets; past it the cache starts over.
    const KEY_CACHE_LIMIT: usize = 8192;

    /// Decompresses and subgroup-checks a public key (cached); rejects the identity point.
    pub fn public_key(p: &BlsPublic) -> Option<PublicKey> {
        if let Some(pk) = KEYS.lock().ok()?.get(&p.0) {
            return Some(*pk);
        }
        let pk = PublicKey::key_validate(&p.0).ok()?;
        let mut cache = KEYS.lock().ok()?;
        if cache.len() >= KEY_CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(p.0, pk);
        Some(pk)
    }

    fn signature(s: &BlsSignature) -> Option<Signature> {
        Signature::sig_validate(&s.0, true).ok()
    }

    pub fn verify(public: &BlsPublic, msg: &[u8], sig: &BlsSignature) -> bool {
        verify_dst(public, msg, sig, SIG_DST)
    }

    fn verify_dst(public: &BlsPublic, msg: &[u8], sig: &BlsSignature, dst: &[u8]) -> bool {
        let (Some(pk), Some(sig)) = (public_key(public), signature(sig)) else { return false };
        sig.verify(false, msg, dst, &[], &pk, false) == BLST_ERROR::BLST_SUCCESS
    }

    pub fn verify_pop(public: &BlsPublic, owner: &[u8], pop: &BlsSignature) -> bool {
        verify_dst(public, &pop_statement(public, owner), pop, POP_DST)
    }

    /// Checks one aggregate signature of `publics` over the same message: one pairing check,
    /// whatever the number of signers. Sound only for keys whose possession was proven.
    pub fn verify_aggregate(publics: &[BlsPublic], msg: &[u8], sig: &BlsSignature) -> bool {
        if publics.is_empty() {
            return false;
        }
        let Some(pks) = publics.iter().map(public_key).collect::<Option<Vec<_>>>() else {
            return false;
        };
        let refs: Vec<&PublicKey> = pks.iter().collect();
        let Ok(agg) = AggregatePublicKey::aggregate(&refs, false) else { return false };
        let Some(sig) = signature(sig) else { return false };
        sig.verify(false, msg, SIG_DST, &[], &agg.to_public_key(), false) == BLST_ERROR::BLST_SUCCESS
    }

    /// Validates `public` once, for [`verify_aggregate_prepared`]; `None` if it is no valid key.
    pub fn prepare(public: &BlsPublic) -> Option<BlsPreparedPublic> {
        let pk = PublicKey::key_validate(&public.0).ok()?;
        Some(BlsPreparedPublic(pk.serialize()))
    }

    /// [`verify_aggregate`] over keys [`prepare`] returned. Their encoding is only checked to be
    /// a point on the curve, not re-validated: the caller vouches that they came from `prepare`.
    pub fn verify_aggregate_prepared(publics: &[BlsPreparedPublic], msg: &[u8], sig: &BlsSignature) -> bool {
        if publics.is_empty() {
            return false;
        }
        let Some(pks) = publics.iter().map(|p| PublicKey::deserialize(&p.0).ok()).collect::<Option<Vec<_>>>() else {
            return false;
        };
        let refs: Vec<&PublicKey> = pks.iter().collect();
        let Ok(agg) = AggregatePublicKey::aggregate(&refs, false) else { return false };
        let Some(sig) = signature(sig) else { return false };
        sig.verify(false, msg, SIG_DST, &[], &agg.to_public_key(), false) == BLST_ERROR::BLST_SUCCESS
    }

    /// The blst backend.
    pub struct Blst;

    impl Backend for Blst {
        fn verify_aggregate(publics: &[BlsPublic], msg: &[u8], sig: &BlsSignature) -> bool {
            verify_aggregate(publics, msg, sig)
        }
    }

    /// Aggregates signatures (already verified one by one by whoever collected them).
    pub fn aggregate(sigs: &[BlsSignature]) -> Option<BlsSignature> {
        let parsed = sigs.iter().map(signature).collect::<Option<Vec<_>>>()?;
        let refs: Vec<&Signature> = parsed.iter().collect();
        let agg = AggregateSignature::aggregate(&refs, false).ok()?;
        Some(BlsSignature(agg.to_signature().compress()))
    }
}

#[cfg(all(test, feature = "blst"))]
mod tests {
    use super::native::*;
    use super::*;

    #[test]
    fn prepared_keys_verify_what_compressed_keys_verify() {
        let keys: alloc::vec::Vec<_> = (1..=4u8).map(|i| Keypair::from_ikm(&[i; 32]).unwrap()).collect();
        let msg = b"a statement";
        let sig = aggregate(&keys[..3].iter().map(|k| k.sign(msg)).collect::<alloc::vec::Vec<_>>()).unwrap();
        let publics: alloc::vec::Vec<_> = keys[..3].iter().map(|k| k.public).collect();
        let prepared: alloc::vec::Vec<_> = publics.iter().map(|p| prepare(p).unwrap()).collect();
        assert!(verify_aggregate(&publics, msg, &sig));
        assert!(verify_aggregate_prepared(&prepared, msg, &sig));
        assert!(!verify_aggregate_prepared(&prepared, b"another statement", &sig));
        assert!(!verify_aggregate_prepared(&prepared[..2], msg, &sig));
        assert!(!verify_aggregate_prepared(&[], msg, &sig));
        // Garbage is no key: not prepared, and not taken as one when handed in raw.
        assert_eq!(prepare(&BlsPublic([0u8; PUBLIC_LEN])), None);
        assert!(!verify_aggregate_prepared(&[BlsPreparedPublic([7u8; PREPARED_LEN])], msg, &sig));
        let mut flipped = prepared.clone();
        flipped[0].0[95] ^= 1;
        assert!(!verify_aggregate_prepared(&flipped, msg, &sig));
    }
}
