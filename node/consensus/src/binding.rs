//! Who may make this node check consensus signatures: validators that bound their key to their
//! network identity.
//!
//! Checking a signature costs a pairing, so a consensus message is decoded and checked only if its
//! sender is a validator (`inbound::admits`). A validator proves that it is one with a *binding*:
//! its BLS public key and its signature of a `PeerBinding` statement over its own peer id's bytes
//! on this chain, sent as the first notification on every consensus substream it opens or accepts
//! (and again to every peer when the key it binds changes, e.g. when it joins the set). libp2p
//! authenticates peer ids, so nobody else can reuse a binding; a peer has at most one binding
//! checked per [`BINDING_INTERVAL_MS`]. Full nodes bind nothing: they hear validators, which is all
//! they need to finalize, and what they send does not count.
//!
//! A binding is a notification of its own, `BINDING_TAG ‖ SCALE(Binding)`, not the substream
//! handshake, so that a node that gets its key while connected binds it without reconnecting. No
//! SCALE encoding of a consensus message starts with the tag (their first byte is the variant).

use bpci_primitives::{
    bls::native::{verify, Keypair},
    statement::{signing_message, StatementKind},
    BlsPublic, BlsSignature,
};
use codec::{Decode, DecodeAll, Encode};
use sc_network_types::PeerId;
use sp_core::H256;
use std::collections::HashMap;

/// First byte of a binding notification.
pub const BINDING_TAG: u8 = 0xB1;

/// After a binding that failed its check, a peer's bindings are dropped unchecked this long.
pub const BINDING_INTERVAL_MS: u64 = 5_000;

/// How often a validator sends its binding to every peer again: a peer whose substream was
/// replaced without a close (a crash, a half-open connection) may have forgotten it.
pub const BINDING_RESEND_MS: u64 = 30_000;

/// Peers whose last binding is remembered across reconnections; beyond it, only connected ones.
const MAX_REMEMBERED: usize = 1024;

/// This node's consensus peers and the keys they bound.
#[derive(Default)]
pub struct Peers {
    /// Open consensus substreams, and the key each peer bound.
    open: HashMap<PeerId, Option<BlsPublic>>,
    /// Per peer, connected or not (bounded): the binding last verified, and when one last failed.
    history: HashMap<PeerId, (Option<(Vec<u8>, BlsPublic)>, u64)>,
}

impl Peers {
    pub fn opened(&mut self, peer: PeerId) {
        self.open.insert(peer, None);
    }

    pub fn closed(&mut self, peer: &PeerId) {
        self.open.remove(peer);
    }

    pub fn ids(&self) -> impl Iterator<Item = &PeerId> {
        self.open.keys()
    }

    /// The key `peer` bound, if any.
    pub fn key(&self, peer: &PeerId) -> Option<&BlsPublic> {
        self.open.get(peer)?.as_ref()
    }

    /// A binding notification from `peer` at `now_ms`, checked only if `hears` its key; returns
    /// why it was refused when that should cost the peer reputation.
    pub fn on_binding(
        &mut self,
        peer: PeerId,
        notification: Vec<u8>,
        genesis: &H256,
        hears: impl Fn(&BlsPublic) -> bool,
        now_ms: u64,
    ) -> Option<BindingError> {
        let Some(bound) = self.open.get_mut(&peer) else { return None };
        let (verified, failed_at) = self.history.get(&peer).cloned().unwrap_or((None, 0));
        match verified {
            // A resend of what was verified (or a reconnection): no second check.
            Some((bytes, key)) if bytes == notification => {
                *bound = Some(key);
                return None;
            }
            _ if failed_at > 0 && now_ms.saturating_sub(failed_at) < BINDING_INTERVAL_MS => return None,
            _ => {}
        }
        let refused = match check(&notification, genesis, &peer, hears) {
            Ok(key) => {
                *bound = Some(key.clone());
                self.history.insert(peer, (Some((notification, key)), 0));
                None
            }
            Err(BindingError::NotAValidator) => None,
            Err(e) => {
                self.history.insert(peer, (None, now_ms));
                Some(e)
            }
        };
        if self.history.len() > MAX_REMEMBERED {
            let open = &self.open;
            self.history.retain(|p, _| open.contains_key(p));
        }
        refused
    }
}

/// A validator's key, with its signature binding the key to the sender's peer id on one chain.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Binding {
    pub genesis: H256,
    pub key: BlsPublic,
    pub signature: BlsSignature,
}

/// Why a binding is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BindingError {
    Malformed,
    OtherChain,
    /// A key of no set this node hears: refused before its signature is checked.
    NotAValidator,
    BadSignature,
}

fn statement(genesis: &H256, peer: &PeerId) -> Vec<u8> {
    signing_message(StatementKind::PeerBinding, genesis, &peer.to_bytes())
}

/// The notification that binds `key` to `me` on the chain of `genesis`.
pub fn binding_notification(genesis: H256, me: &PeerId, key: &Keypair) -> Vec<u8> {
    let binding = Binding { genesis, key: key.public.clone(), signature: key.sign(&statement(&genesis, me)) };
    [vec![BINDING_TAG], binding.encode()].concat()
}

/// The key a binding notification from `peer` binds it to, or why it is refused. Only a key that
/// `hears` (a validator of the running or the next set) costs a signature check.
pub fn check(notification: &[u8], genesis: &H256, peer: &PeerId, hears: impl Fn(&BlsPublic) -> bool) -> Result<BlsPublic, BindingError> {
    let Some((&BINDING_TAG, mut body)) = notification.split_first() else { return Err(BindingError::Malformed) };
    let b = Binding::decode_all(&mut body).map_err(|_| BindingError::Malformed)?;
    if &b.genesis != genesis {
        return Err(BindingError::OtherChain);
    }
    if !hears(&b.key) {
        return Err(BindingError::NotAValidator);
    }
    if !verify(&b.key, &statement(genesis, peer), &b.signature) {
        return Err(BindingError::BadSignature);
    }
    Ok(b.key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(seed: u8) -> Keypair {
        Keypair::from_ikm(&[seed; 32]).unwrap()
    }

    fn any(_: &BlsPublic) -> bool {
        true
    }

    fn notification(b: &Binding) -> Vec<u8> {
        [vec![BINDING_TAG], b.encode()].concat()
    }

    /// Issue 9, finding 6, as the worker uses it: a peer makes this node check at most one
    /// signature per distinct binding of a validator's key, and after a bad one none for a while.
    #[test]
    fn a_peer_gets_a_signature_checked_only_for_a_new_validator_binding() {
        let g = H256::repeat_byte(1);
        let (alice, mallory) = (PeerId::random(), PeerId::random());
        let (k, stranger) = (key(7), key(9));
        let checks = std::cell::Cell::new(0);
        let hears = |pk: &BlsPublic| {
            checks.set(checks.get() + 1);
            *pk == k.public
        };
        let mut peers = Peers::default();
        let good = binding_notification(g, &alice, &k);
        // No open substream: nothing.
        assert_eq!(peers.on_binding(alice, good.clone(), &g, hears, 0), None);
        assert_eq!(checks.get(), 0);
        peers.opened(alice);
        peers.opened(mallory);
        assert_eq!(peers.on_binding(alice, good.clone(), &g, hears, 0), None);
        assert_eq!((peers.key(&alice), checks.get()), (Some(&k.public), 1));
        // Resends, and the same binding after a reconnection, cost no check.
        assert_eq!(peers.on_binding(alice, good.clone(), &g, hears, 1), None);
        peers.closed(&alice);
        assert_eq!(peers.key(&alice), None);
        peers.opened(alice);
        assert_eq!(peers.on_binding(alice, good.clone(), &g, hears, 2), None);
        assert_eq!((peers.key(&alice), checks.get()), (Some(&k.public), 1));
        // A well-signed key of no set: refused before its signature, without penalty.
        assert_eq!(peers.on_binding(mallory, binding_notification(g, &mallory, &stranger), &g, hears, 3), None);
        assert_eq!((peers.key(&mallory), checks.get()), (None, 2));
        // Alice's binding replayed by Mallory: refused with a penalty, then muted for a while.
        assert_eq!(peers.on_binding(mallory, good.clone(), &g, hears, 4), Some(BindingError::BadSignature));
        assert_eq!(checks.get(), 3);
        assert_eq!(peers.on_binding(mallory, good.clone(), &g, hears, 5), None);
        assert_eq!(checks.get(), 3, "muted: no check");
        assert_eq!(peers.on_binding(mallory, good.clone(), &g, hears, 4 + BINDING_INTERVAL_MS), Some(BindingError::BadSignature));
        assert_eq!((peers.key(&mallory), checks.get()), (None, 4));
        // What is remembered of peers stays bounded.
        for _ in 0..(MAX_REMEMBERED + 10) {
            let p = PeerId::random();
            peers.opened(p);
            peers.on_binding(p, vec![BINDING_TAG], &g, hears, 0);
            peers.closed(&p);
        }
        assert!(peers.history.len() <= MAX_REMEMBERED + 1);
    }

    #[test]
    fn a_binding_holds_only_for_its_peer_and_chain() {
        let g = H256::repeat_byte(1);
        let (alice, mallory) = (PeerId::random(), PeerId::random());
        let k = key(7);
        let n = binding_notification(g, &alice, &k);
        assert_eq!(check(&n, &g, &alice, any), Ok(k.public.clone()));
        // Mallory replays Alice's binding on her own connection: libp2p says it is Mallory.
        assert_eq!(check(&n, &g, &mallory, any), Err(BindingError::BadSignature));
        // The same keys on another chain.
        assert_eq!(check(&n, &H256::repeat_byte(2), &alice, any), Err(BindingError::OtherChain));
        // Claiming a key without its secret: signed by another key.
        let forged = Binding { genesis: g, key: k.public.clone(), signature: key(8).sign(&statement(&g, &mallory)) };
        assert_eq!(check(&notification(&forged), &g, &mallory, any), Err(BindingError::BadSignature));
        // A vote's signature over the same bytes is no binding: the kind byte differs.
        let vote = Binding { genesis: g, key: k.public.clone(), signature: k.sign(&signing_message(StatementKind::Vote, &g, &mallory.to_bytes())) };
        assert_eq!(check(&notification(&vote), &g, &mallory, any), Err(BindingError::BadSignature));
        // Not a binding at all, or one with trailing bytes.
        assert_eq!(check(&[BINDING_TAG, 1, 2, 3], &g, &alice, any), Err(BindingError::Malformed));
        assert_eq!(check(&[n.clone(), vec![0]].concat(), &g, &alice, any), Err(BindingError::Malformed));
        assert_eq!(check(&n[1..], &g, &alice, any), Err(BindingError::Malformed));
        // A key of no set this node hears costs no signature check, however well signed.
        let stranger = binding_notification(g, &mallory, &key(9));
        let checked = std::cell::Cell::new(false);
        let hears = |k: &BlsPublic| {
            checked.set(true);
            *k != key(9).public
        };
        assert_eq!(check(&stranger, &g, &mallory, hears), Err(BindingError::NotAValidator));
        assert!(checked.get());
    }
}
