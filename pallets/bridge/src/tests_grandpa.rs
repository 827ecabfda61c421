//! The GRANDPA light client against the mock runtime. Justifications are made by polkadot-sdk's
//! own test utilities (`bp-test-utils`), so the client is checked against what the reference
//! implementation signs, not against our reading of it.
use crate::mock::*;
use crate::{grandpa, Checkpoint, Clients, Error, Event, FinalityProof, PartnerChainState, PartnerHeader, TrustedSet, TrustedSets};
use bp_header_chain::justification::GrandpaJustification;
use bp_test_utils::{
    accounts, make_justification_for_header, signed_precommit, test_header, Account, JustificationGeneratorParams, ALICE, BOB,
    CHARLIE, DAVE, EVE, FERDIE,
};
use codec::Encode;
use frame_support::{assert_noop, assert_ok};
use sp_consensus_grandpa::{ConsensusLog, ScheduledChange, GRANDPA_ENGINE_ID};
use sp_runtime::DigestItem;

const SET: u64 = 5;

fn set_of(signers: &[Account]) -> grandpa::Authorities {
    signers.iter().map(|a| ((*a).into(), 1)).collect()
}

fn genesis_authorities() -> Vec<Account> {
    vec![ALICE, BOB, CHARLIE, DAVE]
}

/// A client of `P` following a GRANDPA chain from header 10, set `SET` of four.
fn initialised() -> PartnerHeader {
    let at: PartnerHeader = test_header(10);
    let checkpoint = Checkpoint::GrandpaV1 { genesis: GENESIS, header: at.clone(), set_id: SET, authorities: set_of(&genesis_authorities()) };
    assert_ok!(Bridge::initialize(RuntimeOrigin::root(), P, checkpoint));
    at
}

fn child(parent: &PartnerHeader) -> PartnerHeader {
    let mut h: PartnerHeader = test_header(parent.number + 1);
    h.parent_hash = parent.hash();
    h
}

fn justify(h: &PartnerHeader, set_id: u64, signers: &[Account]) -> GrandpaJustification<PartnerHeader> {
    make_justification_for_header(JustificationGeneratorParams {
        header: h.clone(),
        round: 2,
        set_id,
        authorities: signers.iter().map(|a| (*a, 1)).collect(),
        ancestors: 2,
        forks: 1,
    })
}

fn submit(h: &PartnerHeader, j: GrandpaJustification<PartnerHeader>) -> frame_support::dispatch::DispatchResultWithPostInfo {
    Bridge::submit_finality_proof(RuntimeOrigin::signed(RELAYER), P, FinalityProof::GrandpaV1 { header: h.clone(), justification: j })
}

fn grandpa_events() -> Vec<Event<Test>> {
    System::events()
        .into_iter()
        .filter_map(|r| if let RuntimeEvent::Bridge(e) = r.event { Some(e) } else { None })
        .collect()
}

fn schedule(h: &mut PartnerHeader, next: &[Account], delay: u32) {
    let change = ScheduledChange { next_authorities: set_of(next), delay };
    h.digest.push(DigestItem::Consensus(GRANDPA_ENGINE_ID, ConsensusLog::ScheduledChange(change).encode()));
}

#[test]
fn a_grandpa_header_is_imported_with_the_reference_justification() {
    new_test_ext().execute_with(|| {
        let at = initialised();
        assert_eq!(Bridge::verified_validators(&P), Some(4));
        let h = child(&at);
        // Three of four: the fewest that finalize.
        assert_ok!(submit(&h, justify(&h, SET, &[ALICE, BOB, CHARLIE])));
        assert_eq!(Bridge::best_finalized(&P), Some((11, h.hash())));
        assert_eq!(VerifiedReports::get(), vec![(P, 4)]);
        assert!(grandpa_events().contains(&Event::HeaderImported {
            partner: P,
            number: 11,
            hash: h.hash(),
            state_root: h.state_root,
            free: true
        }));
        Bridge::do_try_state().unwrap();
    });
}

#[test]
fn a_scheduled_change_hands_over_to_the_next_set() {
    new_test_ext().execute_with(|| {
        let at = initialised();
        let next = [CHARLIE, DAVE, EVE, FERDIE];
        let mut h = child(&at);
        schedule(&mut h, &next, 0);
        assert_ok!(submit(&h, justify(&h, SET, &[ALICE, BOB, CHARLIE])));
        assert_eq!(TrustedSets::<Test>::get(P).map(|s| s.set_id()), Some(SET + 1));
        assert!(grandpa_events().contains(&Event::SetHandedOver { partner: P, set_id: SET + 1, validators: 4, free: true }));
        let h2 = child(&h);
        // The old set's quorum no longer finalizes anything: ALICE and BOB are not in the new set.
        assert_noop!(submit(&h2, justify(&h2, SET, &[ALICE, BOB, CHARLIE])), Error::<Test>::BadSigners);
        // Nor do the new set's signatures under the old set id.
        assert_noop!(submit(&h2, justify(&h2, SET, &[DAVE, EVE, FERDIE])), Error::<Test>::BadSignature);
        assert_ok!(submit(&h2, justify(&h2, SET + 1, &[DAVE, EVE, FERDIE])));
        assert_eq!(Bridge::best_finalized(&P), Some((12, h2.hash())));
    });
}

#[test]
fn attack_changes_the_client_cannot_follow_are_refused() {
    new_test_ext().execute_with(|| {
        let at = initialised();
        // A delayed change: the headers in between would be ambiguous.
        let mut h = child(&at);
        schedule(&mut h, &[EVE, FERDIE], 3);
        assert_noop!(submit(&h, justify(&h, SET, &[ALICE, BOB, CHARLIE])), Error::<Test>::UnsupportedScheduledChange);
        // A forced change: the chain's governance replaced the set; only ours may follow it.
        let mut h = child(&at);
        let forced = ConsensusLog::ForcedChange(0u32, ScheduledChange { next_authorities: set_of(&[EVE]), delay: 0 });
        h.digest.push(DigestItem::Consensus(GRANDPA_ENGINE_ID, forced.encode()));
        assert_noop!(submit(&h, justify(&h, SET, &[ALICE, BOB, CHARLIE])), Error::<Test>::ForcedChange);
        // A forced change behind another GRANDPA log is seen all the same.
        let mut h = child(&at);
        h.digest.push(DigestItem::Consensus(GRANDPA_ENGINE_ID, ConsensusLog::<u32>::OnDisabled(1).encode()));
        let forced = ConsensusLog::ForcedChange(0u32, ScheduledChange { next_authorities: set_of(&[EVE]), delay: 0 });
        h.digest.push(DigestItem::Consensus(GRANDPA_ENGINE_ID, forced.encode()));
        assert_noop!(submit(&h, justify(&h, SET, &[ALICE, BOB, CHARLIE])), Error::<Test>::ForcedChange);
        // Two scheduled changes in one header.
        let mut h = child(&at);
        schedule(&mut h, &[EVE, FERDIE], 0);
        schedule(&mut h, &[DAVE, FERDIE], 0);
        assert_noop!(submit(&h, justify(&h, SET, &[ALICE, BOB, CHARLIE])), Error::<Test>::UnsupportedScheduledChange);
        // A change to a set with one authority twice: its count would be a lie.
        let mut h = child(&at);
        schedule(&mut h, &[EVE, EVE], 0);
        assert_noop!(submit(&h, justify(&h, SET, &[ALICE, BOB, CHARLIE])), Error::<Test>::InvalidKey);
    });
}

#[test]
fn attack_forged_grandpa_justifications_are_refused_and_change_nothing() {
    new_test_ext().execute_with(|| {
        let at = initialised();
        let before = Clients::<Test>::get(P);
        let h = child(&at);
        // Two of four: below the threshold.
        assert_noop!(submit(&h, justify(&h, SET, &[ALICE, BOB])), Error::<Test>::NoQuorum);
        // A stranger's precommit, or one authority's twice.
        assert_noop!(submit(&h, justify(&h, SET, &[ALICE, BOB, EVE])), Error::<Test>::BadSigners);
        let mut twice = justify(&h, SET, &[ALICE, BOB]);
        twice.commit.precommits.push(twice.commit.precommits[0].clone());
        assert_noop!(submit(&h, twice), Error::<Test>::BadSigners);
        // Precommits past the threshold: a relayer optimizes first, so that the partner's free
        // imports cannot carry signatures checked for nothing.
        assert_noop!(submit(&h, justify(&h, SET, &genesis_authorities())), Error::<Test>::BadSigners);
        // Signed for another set id.
        assert_noop!(submit(&h, justify(&h, SET + 1, &[ALICE, BOB, CHARLIE])), Error::<Test>::BadSignature);
        // A flipped signature byte.
        let mut forged = justify(&h, SET, &[ALICE, BOB, CHARLIE]);
        let mut sig = forged.commit.precommits[1].signature.encode();
        sig[5] ^= 1;
        forged.commit.precommits[1].signature = codec::Decode::decode(&mut &sig[..]).unwrap();
        assert_noop!(submit(&h, forged), Error::<Test>::BadSignature);
        // A justification of another header.
        let other = child(&h);
        assert_noop!(submit(&h, justify(&other, SET, &[ALICE, BOB, CHARLIE])), Error::<Test>::NotAFinalityProof);
        // A precommit for a header the ancestry does not link to the target.
        let mut unlinked = justify(&h, SET, &[ALICE, BOB, CHARLIE]);
        let stranger: PartnerHeader = test_header(40);
        unlinked.commit.precommits[0] = signed_precommit::<PartnerHeader>(&ALICE, (stranger.hash(), 40), 2, SET);
        assert_noop!(submit(&h, unlinked), Error::<Test>::NotAFinalityProof);
        // Ancestry headers no vote needs: bytes the chain would hash for nothing.
        let mut padded_ancestry = justify(&h, SET, &[ALICE, BOB, CHARLIE]);
        padded_ancestry.votes_ancestries.push(test_header(41));
        assert_noop!(submit(&h, padded_ancestry), Error::<Test>::NotAFinalityProof);
        // More precommits than the set has authorities: refused before any is checked.
        let mut padded = justify(&h, SET, &genesis_authorities());
        padded.commit.precommits.push(padded.commit.precommits[0].clone());
        assert_noop!(submit(&h, padded), Error::<Test>::BadSigners);
        // A BPCI proof to a GRANDPA client.
        let bpci = FinalityProof::BpciHandoverV1 {
            certificate: bpci_primitives::timeout::TimeoutCertificate { set_id: 0, view: 0, groups: vec![], high_qc: None },
            root: h.clone(),
            set_proof: vec![],
        };
        assert_noop!(Bridge::submit_finality_proof(RuntimeOrigin::signed(RELAYER), P, bpci), Error::<Test>::WrongScheme);
        assert_eq!(Clients::<Test>::get(P), before);
    });
}

#[test]
fn attack_stale_and_replayed_grandpa_headers_are_refused() {
    new_test_ext().execute_with(|| {
        let at = initialised();
        let h = child(&at);
        let j = justify(&h, SET, &[ALICE, BOB, CHARLIE]);
        assert_ok!(submit(&h, j.clone()));
        assert_noop!(submit(&h, j), Error::<Test>::StaleHeader);
        assert_noop!(submit(&at, justify(&at, SET, &[ALICE, BOB, CHARLIE])), Error::<Test>::StaleHeader);
    });
}

#[test]
fn grandpa_checkpoints_refuse_sets_no_client_could_trust() {
    new_test_ext().execute_with(|| {
        let at: PartnerHeader = test_header(10);
        let cp = |authorities: grandpa::Authorities| Checkpoint::GrandpaV1 { genesis: GENESIS, header: at.clone(), set_id: 1, authorities };
        assert_noop!(Bridge::initialize(RuntimeOrigin::root(), P, cp(vec![])), Error::<Test>::EmptySet);
        assert_noop!(Bridge::initialize(RuntimeOrigin::root(), P, cp(set_of(&[ALICE, ALICE]))), Error::<Test>::InvalidKey);
        assert_noop!(Bridge::initialize(RuntimeOrigin::root(), P, cp(vec![(ALICE.into(), 0)])), Error::<Test>::InvalidKey);
        // One key may not outvote many: pallet_grandpa gives every authority weight 1.
        assert_noop!(
            Bridge::initialize(RuntimeOrigin::root(), P, cp(vec![(ALICE.into(), 99), (BOB.into(), 1)])),
            Error::<Test>::InvalidKey
        );
        assert_noop!(Bridge::initialize(RuntimeOrigin::root(), P, cp(set_of(&accounts(MAX_SET as u16 + 1)))), Error::<Test>::SetTooLarge);
        let wrong_chain = Checkpoint::GrandpaV1 { genesis: GENESIS, header: at.clone(), set_id: 1, authorities: set_of(&[ALICE]) };
        assert_noop!(Bridge::initialize(RuntimeOrigin::root(), OTHER, wrong_chain), Error::<Test>::ChainMismatch);
        assert_ok!(Bridge::initialize(RuntimeOrigin::root(), P, cp(set_of(&[ALICE]))));
        assert!(matches!(TrustedSets::<Test>::get(P), Some(TrustedSet::Grandpa { set_id: 1, .. })));
    });
}

#[test]
fn a_change_to_the_largest_set_fits_and_is_followed() {
    new_test_ext().execute_with(|| {
        let at = initialised();
        let next = accounts(MAX_SET as u16);
        let mut h = child(&at);
        schedule(&mut h, &next, 0);
        assert_ok!(submit(&h, justify(&h, SET, &[ALICE, BOB, CHARLIE])));
        assert_eq!(Bridge::verified_validators(&P), Some(MAX_SET));
        let h2 = child(&h);
        let quorum = bp_header_chain::justification::required_justification_precommits(MAX_SET) as usize;
        assert_ok!(submit(&h2, justify(&h2, SET + 1, &next[..quorum])));
        assert_eq!(Bridge::best_finalized(&P), Some((12, h2.hash())));
    });
}
