//! Runtime tests: the real runtime, natively, on the genesis presets.

use crate::genesis_config_presets::*;
use crate::*;
use bpci_primitives::host::keystore::dev_keypair;
use frame_support::traits::Get;
use sp_keyring::Sr25519Keyring;

fn ext_from_preset(preset: &str) -> sp_io::TestExternalities {
    let json = get_preset(&preset.into()).expect("preset exists");
    let mut storage = frame_system::GenesisConfig::<Runtime>::default().build_storage().unwrap();
    let patch: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
    json_merge(&mut config, patch);
    let config: RuntimeGenesisConfig = serde_json::from_value(config).unwrap();
    sp_runtime::BuildStorage::assimilate_storage(&config, &mut storage).unwrap();
    storage.into()
}

fn json_merge(a: &mut serde_json::Value, b: serde_json::Value) {
    match (a, b) {
        (serde_json::Value::Object(a), serde_json::Value::Object(b)) => {
            for (k, v) in b {
                json_merge(a.entry(k).or_insert(serde_json::Value::Null), v);
            }
        }
        (a, b) => *a = b,
    }
}

#[test]
fn dev_bls_keys_match_the_node_derivation() {
    let names = ["//Alice", "//Bob", "//Charlie", "//Dave", "//Eve", "//Ferdie"];
    let derived: Vec<String> = names.iter().map(|n| format!("{:?}", dev_keypair(n).public)).collect();
    let constants: Vec<String> = DEV_BLS_KEYS.iter().map(|h| format!("0x{h}")).collect();
    assert_eq!(constants, derived, "update DEV_BLS_KEYS");
}

#[test]
fn development_preset_has_alice_as_the_only_validator() {
    ext_from_preset("development").execute_with(|| {
        let set = Validators::validator_set();
        assert_eq!(set.set_id, 0);
        assert_eq!(set.validators, vec![dev_bls_key(Sr25519Keyring::Alice)]);
        // Bob is a genesis partner: his bond is held from the endowment.
        assert_eq!(
            pallet_balances::Pallet::<Runtime>::free_balance(Sr25519Keyring::Bob.to_account_id()),
            ENDOWMENT - GENESIS_PARTNER_BOND
        );
        assert_eq!(
            pallet_balances::Pallet::<Runtime>::free_balance(Sr25519Keyring::Charlie.to_account_id()),
            ENDOWMENT
        );
        assert_eq!(pallet_sudo::Key::<Runtime>::get(), Some(Sr25519Keyring::Alice.to_account_id()));
    });
}

#[test]
fn local_preset_has_four_validators_in_order() {
    ext_from_preset("local_testnet").execute_with(|| {
        let set = Validators::validator_set();
        let expected: Vec<_> = [Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie, Sr25519Keyring::Dave]
            .into_iter()
            .map(dev_bls_key)
            .collect();
        assert_eq!(set.validators, expected);
        assert_eq!(set.quorum(), 3);
    });
}

/// Issue 10 finding 7: sudo had a key in every preset. The production preset has none: Root is
/// reachable only through the roundtable, and the economy runs for real.
#[test]
fn bpci_preset_has_no_sudo_and_mainnet_economics() {
    ext_from_preset(BPCI_PRESET).execute_with(|| {
        assert_eq!(pallet_sudo::Key::<Runtime>::get(), None, "the production preset has a sudo key");
        let call = Box::new(RuntimeCall::System(frame_system::Call::remark { remark: vec![] }));
        for k in Sr25519Keyring::iter() {
            assert!(Sudo::sudo(RuntimeOrigin::signed(k.to_account_id()), call.clone()).is_err());
        }
        assert_eq!(pallet_revenue::RevenueMode::<Runtime>::get(), pallet_revenue::Mode::Mainnet);
        assert_eq!(pallet_auction::Mode::<Runtime>::get(), pallet_auction::AuctionMode::Mainnet);
        assert_eq!(Validators::validator_set().validators.len(), 4);
        assert_eq!(<Partners as pallet_partners::PartnerProvider<AccountId>>::active_partners().len(), 2);
        // Only validators and partners hold tokens.
        assert_eq!(pallet_balances::Pallet::<Runtime>::free_balance(Sr25519Keyring::Ferdie.to_account_id()), 0);
    });
}

#[test]
fn unknown_preset_is_none() {
    assert!(get_preset(&"mainnet".into()).is_none());
}

#[test]
fn session_key_registration_requires_a_valid_proof_of_possession() {
    use sp_keystore::{testing::MemoryKeystore, KeystoreExt};
    let mut ext = ext_from_preset("development");
    ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
    ext.execute_with(|| {
        let bob = Sr25519Keyring::Bob.to_account_id();
        let generated = SessionKeys::generate(&codec::Encode::encode(&bob), None);
        let origin = RuntimeOrigin::signed(bob.clone());
        // A proof made for another owner does not register the key.
        let charlie = Sr25519Keyring::Charlie.to_account_id();
        let mut keys = generated.keys.clone();
        let wrong = keys.create_ownership_proof(&codec::Encode::encode(&charlie)).unwrap();
        assert!(Session::set_keys(origin.clone(), generated.keys.clone(), codec::Encode::encode(&wrong)).is_err());
        assert!(Session::set_keys(origin, generated.keys.clone(), codec::Encode::encode(&generated.proof)).is_ok());
        assert_eq!(pallet_session::NextKeys::<Runtime>::get(&bob), Some(generated.keys));
    });
}

/// Issue 10 finding 7: the scheduler's 80% plus the auction's 20% plus an era close can pass the
/// block. Every hook's worst case, from its benchmarked weight, must fit in one block together.
/// pallet-session's rotation block is left out: it claims the whole block as a placeholder
/// (upstream), and its real work (reading at most `MaxValidators` next keys) is counted here.
///
/// It failed with the scheduler's 80% and the auction's 20%: 699 ms of 400 with debug-measured
/// weights, 471 ms with release-measured ones. Letting the scheduler run last and fill only what
/// the other hooks left is no fix: pallet-scheduler drops the first task of a block that does not
/// fit as `PermanentlyOverweight`, so whoever fills a block with mandatory work would cancel an
/// enactment. Fixed budgets that add up are: 66% for the scheduler (the largest upgrade still
/// fits, checked below), 15% for the auction. Re-measured weights that grow fail this test.
#[test]
fn the_worst_case_of_every_mandatory_hook_fits_in_one_block() {
    use frame_support::weights::Weight;
    let weights = <configs::RuntimeBlockWeights as Get<frame_system::limits::BlockWeights>>::get();
    let db = <Runtime as frame_system::Config>::DbWeight::get();
    let max_validators = <Runtime as pallet_validators::Config>::MaxValidators::get();
    let max_partners = configs::MaxPartners::get();
    let sched = pallet_scheduler::weights::SubstrateWeight::<Runtime>::service_agendas_base()
        + configs::SchedulerMaximumWeight::get();
    let auction = <crate::weights::pallet_auction::WeightInfo<Runtime> as pallet_auction::WeightInfo>::settle_round(32, 32)
        + configs::AuctionRoundWeightBudget::get();
    let revenue = <crate::weights::pallet_revenue::WeightInfo<Runtime> as pallet_revenue::WeightInfo>::on_initialize_era_end(
        configs::MAX_VALIDATOR_PAYEES,
        max_partners,
    ) + <crate::weights::pallet_revenue::WeightInfo<Runtime> as pallet_revenue::WeightInfo>::on_initialize_block_reward();
    let validators = {
        use pallet_validators::WeightInfo as V;
        type VW = crate::weights::pallet_validators::WeightInfo<Runtime>;
        <VW as V>::on_initialize_new_epoch().max(<VW as V>::on_initialize_force(max_validators))
    };
    let session_rotation = db.reads_writes(2 * max_validators as u64 + 8, 8);
    let partner_health =
        <crate::weights::pallet_partners::WeightInfo<Runtime> as pallet_partners::WeightInfo>::check_health(max_partners);
    let author_points = db.reads_writes(4, 2) + Weight::from_parts(1_000_000, 0).saturating_mul(max_validators as u64 + 1);
    let timestamp = <pallet_timestamp::weights::SubstrateWeight<Runtime> as pallet_timestamp::WeightInfo>::set()
        + weights.get(frame_support::dispatch::DispatchClass::Mandatory).base_extrinsic;
    let audit = <Audit as frame_support::traits::Hooks<BlockNumber>>::on_initialize(1)
        + <() as pallet_mmr::WeightInfo>::on_initialize(64);
    let parts = [
        ("base block", weights.base_block),
        ("audit commitment and log", audit),
        ("scheduler", sched),
        ("auction", auction),
        ("revenue era close", revenue),
        ("validators epoch/stall", validators),
        ("session rotation", session_rotation),
        ("partner health check", partner_health),
        ("activity points", author_points),
        ("timestamp inherent", timestamp),
    ];
    let total = parts.iter().fold(Weight::zero(), |a, (_, w)| a.saturating_add(*w));
    for (name, w) in parts {
        println!("{name:>24}: {:>7.2} ms", w.ref_time() as f64 / 1e9);
    }
    println!("{:>24}: {:>7.2} ms of {:.2} ms", "total", total.ref_time() as f64 / 1e9, weights.max_block.ref_time() as f64 / 1e9);

    // And the scheduler's share still enacts the largest runtime upgrade a preimage can hold.
    use frame_support::dispatch::GetDispatchInfo;
    use pallet_scheduler::WeightInfo as S;
    type SW = pallet_scheduler::weights::SubstrateWeight<Runtime>;
    let len = pallet_preimage::MAX_SIZE;
    let set_code = RuntimeCall::System(frame_system::Call::set_code { code: vec![0u8; 1] }).get_dispatch_info().call_weight;
    let enactment = SW::service_agendas_base()
        + SW::service_agenda_base(<Runtime as pallet_scheduler::Config>::MaxScheduledPerBlock::get())
        + SW::service_task_base()
        + SW::service_task_fetched(len)
        + SW::execute_dispatch_unsigned()
        + set_code;
    println!("{:>24}: {:>7.2} ms (a {len}-byte set_code)", "enactment", enactment.ref_time() as f64 / 1e9);
    assert!(
        enactment.all_lte(configs::SchedulerMaximumWeight::get()),
        "the scheduler's share cannot enact a {len}-byte runtime upgrade"
    );
    assert!(total.all_lte(weights.max_block), "mandatory work can pass the block: {total:?} > {:?}", weights.max_block);
}

#[test]
fn block_weights_leave_room_for_consensus() {
    let max = <configs::RuntimeBlockWeights as Get<frame_system::limits::BlockWeights>>::get().max_block;
    assert!(max.ref_time() <= frame_support::weights::constants::WEIGHT_REF_TIME_PER_SECOND / 2);
}

// ---------------------------------------------------------------------------------------------
// Partnership flows: partners, roundtable, scheduler, treasury, revenue, auction.
// ---------------------------------------------------------------------------------------------

mod flows {
    use super::*;
    use codec::Encode;
    use frame_support::{
        assert_ok,
        traits::{fungible::Inspect, OnInitialize, PreInherents, StorePreimage},
    };
    use pallet_partners::{ConsensusKind, Obligation, PartnerStatus, ProofBridge, Requirements};
    use pallet_revenue::{RecipientClass, Shares};
    use frame_support::traits::schedule::DispatchTime;
    use sp_runtime::traits::Dispatchable;
    use pallet_roundtable::{tracks, Verdict};
    use sp_core::H256;
    use sp_runtime::{generic::DigestItem, Digest, Perbill};

    fn acc(k: Sr25519Keyring) -> AccountId {
        k.to_account_id()
    }
    fn signed(k: Sr25519Keyring) -> RuntimeOrigin {
        RuntimeOrigin::signed(acc(k))
    }
    fn free(who: &AccountId) -> Balance {
        Balances::balance(who)
    }

    /// The dev preset at block 1, with the clock three years after the epoch.
    fn dev_ext() -> sp_io::TestExternalities {
        let mut ext = ext_from_preset("development");
        ext.execute_with(|| {
            pallet_timestamp::Pallet::<Runtime>::set_timestamp(3 * 365 * 24 * 3600 * 1000);
            next_block();
        });
        ext
    }

    /// Start the next block as the executive does: `System::initialize` with the engine's
    /// pre-digest (Alice, index 0 of the session validators, proposes every block), every pallet's
    /// `on_initialize`, then `PreInherents` (which credits the author).
    fn next_block() {
        let parent = finish_block();
        let n = System::block_number() + 1;
        let pre = bpci_primitives::PreDigest { view: n as u64, set_id: 0, proposer_index: 0, justify: None, stall: false };
        let digest = Digest { logs: vec![DigestItem::PreRuntime(bpci_primitives::BPCI_ENGINE_ID, pre.encode())] };
        System::initialize(&n, &parent, &digest);
        <AllPalletsWithSystem as OnInitialize<BlockNumber>>::on_initialize(n);
        <configs::RecordBlockAuthor as PreInherents>::pre_inherents();
    }

    fn run_to(n: BlockNumber) {
        while System::block_number() < n {
            next_block();
        }
    }

    /// A finished block as the tests saw it: its header and the records of its events.
    struct Finished {
        header: Header,
        digest: pallet_audit::AuditDigest,
        records: Vec<crate::audit::AuditRecord>,
    }

    std::thread_local! {
        static FINISHED: core::cell::RefCell<Vec<Finished>> = const { core::cell::RefCell::new(Vec::new()) };
    }

    /// Ends the running block as the executive does for the audit log (`Audit::on_finalize`, then
    /// the header), checks its commitment against a recomputation from the block's events, and
    /// returns its hash. At genesis, the genesis hash.
    fn finish_block() -> H256 {
        use frame_support::traits::OnFinalize;
        let n = System::block_number();
        if n == 0 {
            return System::block_hash(0);
        }
        let records: Vec<crate::audit::AuditRecord> = System::read_events_no_consensus()
            .filter_map(|e| crate::audit::record_of(&e.event).map(crate::audit::AuditRecord::V1))
            .collect();
        <Audit as OnFinalize<BlockNumber>>::on_finalize(n);
        let header = System::finalize();
        let digests: Vec<pallet_audit::AuditDigest> = header
            .digest
            .logs
            .iter()
            .filter_map(|l| match l {
                DigestItem::Consensus(id, data) if *id == pallet_audit::AUDIT_ENGINE_ID => {
                    Some(<pallet_audit::AuditDigest as codec::Decode>::decode(&mut &data[..]).expect("an audit digest"))
                }
                _ => None,
            })
            .collect();
        assert_eq!(digests.len(), 1, "block {n}: one audit digest a header");
        let digest = digests[0];
        let leaves: Vec<H256> = records.iter().map(|r| pallet_audit::leaf_hash(&r.encode())).collect();
        assert_eq!(
            digest.records,
            pallet_audit::BlockRecords { count: records.len() as u32, dropped: 0, root: pallet_audit::records_root(leaves) },
            "block {n}: the header's commitment is not its events' records"
        );
        // One leaf a block since genesis: block n's log holds the leaves of blocks 0..n-1.
        assert_eq!(digest.log.leaves, n as u64, "block {n}: the log is not one leaf a block");
        let hash = header.hash();
        FINISHED.with(|f| f.borrow_mut().push(Finished { header, digest, records }));
        hash
    }

    fn root() -> OriginCaller {
        frame_system::RawOrigin::Root.into()
    }
    fn ordinary() -> OriginCaller {
        pallet_roundtable::RawOrigin::Roundtable.into()
    }
    fn treasurer() -> OriginCaller {
        pallet_roundtable::RawOrigin::Treasurer.into()
    }
    fn removal_of(k: Sr25519Keyring) -> OriginCaller {
        pallet_roundtable::RawOrigin::PartnerRemoval(acc(k)).into()
    }

    /// `proposer` submits `call` to run with `origin` and places the decision deposit; returns
    /// the poll's index.
    fn submit(proposer: Sr25519Keyring, origin: OriginCaller, call: RuntimeCall) -> u32 {
        let index = pallet_referenda::ReferendumCount::<Runtime>::get();
        let bounded = <Preimage as StorePreimage>::bound(call).unwrap();
        assert_ok!(Referenda::submit(signed(proposer), Box::new(origin), bounded, DispatchTime::After(0)));
        assert_ok!(Referenda::place_decision_deposit(signed(proposer), index));
        index
    }

    fn ongoing(poll: u32) -> bool {
        matches!(pallet_referenda::ReferendumInfoFor::<Runtime>::get(poll), Some(pallet_referenda::ReferendumInfo::Ongoing(..)))
    }

    fn approved(poll: u32) -> bool {
        matches!(pallet_referenda::ReferendumInfoFor::<Runtime>::get(poll), Some(pallet_referenda::ReferendumInfo::Approved(..)))
    }

    /// Blocks run until every poll in `polls` is decided and an approved one's call enacted.
    fn decide(polls: &[u32]) {
        let limit = System::block_number() + DEV_DECISION_PERIOD + 5;
        while polls.iter().any(|p| ongoing(*p)) {
            assert!(System::block_number() < limit, "polls {polls:?} still ongoing");
            next_block();
        }
        // Enactment: the dev tracks' least enactment period is a block.
        next_block();
        next_block();
    }

    /// `proposer` submits `call` with `origin`, `voters` vote aye, blocks run until it is
    /// decided (and enacted if approved). Returns whether it was approved.
    fn pass(proposer: Sr25519Keyring, origin: OriginCaller, call: RuntimeCall, voters: &[Sr25519Keyring]) -> bool {
        let poll = submit(proposer, origin, call);
        for v in voters {
            assert_ok!(Roundtable::vote_poll(signed(*v), poll, true));
        }
        decide(&[poll]);
        approved(poll)
    }

    #[test]
    fn presets_make_alice_and_bob_roundtable_members_with_revenue_and_auction_set_up() {
        for preset in ["development", "local_testnet"] {
            ext_from_preset(preset).execute_with(|| {
                use pallet_partners::PartnerProvider;
                let members: Vec<_> =
                    <Partners as PartnerProvider<AccountId>>::active_partners().into_iter().map(|p| p.who).collect();
                assert_eq!(members.len(), 2);
                assert!(members.contains(&acc(Sr25519Keyring::Alice)) && members.contains(&acc(Sr25519Keyring::Bob)));
                assert_eq!(Partners::requirements().min_bond, MIN_PARTNER_BOND);
                assert_eq!(Revenue::shares(), Shares::default());
                assert_eq!(pallet_auction::Mode::<Runtime>::get(), pallet_auction::AuctionMode::Testnet);
                assert_eq!(pallet_revenue::BlockReward::<Runtime>::get(), DEV_BLOCK_REWARD);
                let era = if preset == "development" { DEV_ERA_LENGTH } else { LOCAL_ERA_LENGTH };
                assert_eq!(pallet_revenue::EraLength::<Runtime>::get(), era);
            });
        }
    }

    /// Each track's origin may do what its track decides and nothing more, also inside wrappers
    /// (`utility` dispatches inner calls with the same origin; `dispatch_as` needs Root).
    #[test]
    fn each_track_origin_does_only_what_its_track_may() {
        use Sr25519Keyring::{Alice, Bob, Charlie};
        dev_ext().execute_with(|| {
            let o = |c: OriginCaller| RuntimeOrigin::from(c);
            let set_code = RuntimeCall::System(frame_system::Call::set_code { code: vec![] });
            for origin in [ordinary(), treasurer(), removal_of(Bob), pallet_roundtable::RawOrigin::Emergency.into()] {
                let wrapped = RuntimeCall::Utility(pallet_utility::Call::batch_all { calls: vec![set_code.clone()] });
                assert!(wrapped.dispatch(o(origin.clone())).is_err(), "{origin:?} ran set_code in a batch");
                let as_root = RuntimeCall::Utility(pallet_utility::Call::dispatch_as {
                    as_origin: Box::new(root()),
                    call: Box::new(set_code.clone()),
                });
                assert!(as_root.dispatch(o(origin.clone())).is_err(), "{origin:?} dispatched as Root");
                assert!(Revenue::set_shares(o(origin.clone()), Shares::default()).is_err());
                assert!(Partners::set_weights(o(origin.clone()), acc(Alice), 1, 100).is_err());
                assert!(Roundtable::set_track(o(origin.clone()), tracks::PROTOCOL, Roundtable::track(tracks::ORDINARY)).is_err());
                assert!(Referenda::cancel(o(origin.clone()), 0).is_err());
            }
            // The removal origin acts against its accused only.
            assert!(Partners::remove(o(removal_of(Bob)), acc(Alice)).is_err());
            assert!(Partners::suspend(o(removal_of(Bob)), acc(Alice)).is_err());
            assert_ok!(Partners::suspend(o(removal_of(Bob)), acc(Bob)));
            // Only the treasurer track and Root spend from the treasury; the treasurer up to its limit.
            let limit = configs::TreasurerSpend::get();
            let spend = |origin: OriginCaller, amount| Treasury::spend(o(origin), Box::new(()), amount, Box::new(acc(Charlie)), None);
            assert!(spend(ordinary(), 1).is_err(), "the ordinary track spent");
            assert!(spend(treasurer(), limit + 1).is_err());
            assert_ok!(spend(treasurer(), limit));
            assert_ok!(spend(root(), 1_000_000 * UNIT));
            // Only the emergency track and Root force a validator set.
            let members = frame_support::BoundedVec::truncate_from(vec![acc(Alice)]);
            assert!(Validators::force_set(o(ordinary()), members.clone()).is_err());
            assert_ok!(Validators::force_set(o(pallet_roundtable::RawOrigin::Emergency.into()), members));
            assert_ok!(Validators::cancel_force(o(pallet_roundtable::RawOrigin::Emergency.into())));
            assert!(Validators::add_validator(o(pallet_roundtable::RawOrigin::Emergency.into()), acc(Bob)).is_err());
        });
    }

    #[test]
    fn a_partner_goes_from_application_to_active_governs_is_disputed_and_exits() {
        use Sr25519Keyring::Charlie;
        dev_ext().execute_with(|| {
            let (charlie, bond) = (acc(Charlie), 200 * UNIT);
            a_partner_joins_governs_and_is_disputed();
            // Exit: the bond stays held through the unbonding period, then is released.
            assert_ok!(Partners::request_exit(signed(Charlie)));
            assert_eq!(Partners::partner(charlie.clone()).unwrap().status, PartnerStatus::Exiting);
            assert!(Partners::withdraw_bond(signed(Charlie)).is_err());
            let before = free(&charlie);
            System::set_block_number(System::block_number() + 7 * DAYS);
            assert_ok!(Partners::withdraw_bond(signed(Charlie)));
            assert!(Partners::partner(charlie.clone()).is_none());
            assert_eq!(free(&charlie), before + bond - 50 * UNIT);
        });
    }

    /// Charlie applies, is assessed and voted in, integrates (relayers, a bridge checkpoint and
    /// a first proof), signs an agreement, votes a requirement change and a treasury spend
    /// through, and is disputed, slashed and suspended.
    fn a_partner_joins_governs_and_is_disputed() {
        use Sr25519Keyring::{Alice, Bob, Charlie, Dave, Eve};
        {
            let charlie = acc(Charlie);
            let bond = 200 * UNIT;
            let now_secs = pallet_timestamp::Now::<Runtime>::get() / 1000;
            // Application and assessment (Root: sudo on dev chains).
            assert_ok!(Partners::apply(
                signed(Charlie),
                b"Charlie chain".to_vec(),
                H256::repeat_byte(7),
                ConsensusKind::ProofOfStake,
                now_secs - 2 * 365 * 24 * 3600,
                charlie.clone(),
                bond,
            ));
            assert!(Partners::assess(signed(Alice), charlie.clone(), true, H256::repeat_byte(1)).is_err());
            assert_ok!(Partners::assess(RuntimeOrigin::root(), charlie.clone(), true, H256::repeat_byte(1)));
            // A signed account is not the roundtable.
            assert!(Partners::decide(signed(Alice), charlie.clone(), true).is_err());

            // The roundtable votes it in: an admission changes who votes, so it is a poll of the
            // protocol track (Root, two thirds of the electorate: both genesis partners). On the
            // ordinary track it passes and its call fails.
            let admit = RuntimeCall::Partners(pallet_partners::Call::decide { who: charlie.clone(), approve: true });
            assert!(pass(Alice, ordinary(), admit.clone(), &[Alice, Bob]));
            assert_eq!(Partners::partner(charlie.clone()).unwrap().status, PartnerStatus::AwaitingVote);
            assert!(pass(Alice, root(), admit, &[Alice, Bob]));
            assert_eq!(Partners::partner(charlie.clone()).unwrap().status, PartnerStatus::Integrating);

            // Integration: relayers; governance gives the bridge a checkpoint of Charlie's chain
            // (a BPCI chain with as many validators as the requirements ask); Charlie's relayer
            // submits a finalized header, free, which is the first proof and proves the set's
            // size; the roundtable proposes the agreement, the partner signs it.
            assert_ok!(Partners::register_relayers(signed(Charlie), vec![acc(Dave)]));
            assert_eq!(<Partners as ProofBridge<AccountId>>::partner_of_relayer(&acc(Dave)), Some(charlie.clone()));
            let n = Partners::requirements().min_validators.max(4);
            let chain = pallet_bridge::testing::Validators::new(H256::repeat_byte(7), 0, n as usize, 1);
            let checkpoint_header = pallet_bridge::testing::header(100, H256::zero(), H256::repeat_byte(1));
            let checkpoint = pallet_bridge::Checkpoint::BpciV1 {
                genesis: chain.genesis,
                header: checkpoint_header.clone(),
                set_id: 0,
                validators: chain.publics(),
            };
            assert!(Bridge::initialize(signed(Alice), charlie.clone(), checkpoint.clone()).is_err());
            assert_ok!(Bridge::initialize(RuntimeOrigin::root(), charlie.clone(), checkpoint));
            let final_header = pallet_bridge::testing::header(101, checkpoint_header.hash(), H256::repeat_byte(2));
            let proof = pallet_bridge::FinalityProof::BpciV1 {
                header: final_header.clone(),
                justification: chain.justify(&final_header, &chain.quorum(), 5),
            };
            // One validator fewer than a quorum signs nothing final.
            let short = pallet_bridge::FinalityProof::BpciV1 {
                header: final_header.clone(),
                justification: chain.justify(&final_header, &chain.quorum()[1..], 5),
            };
            assert!(Bridge::submit_finality_proof(signed(Dave), charlie.clone(), short).is_err());
            assert!(!Partners::partner(charlie.clone()).unwrap().first_proof);
            let info = Bridge::submit_finality_proof(signed(Dave), charlie.clone(), proof.clone()).expect("a final header");
            assert_eq!(info.pays_fee, frame_support::dispatch::Pays::No);
            // A second relayer's copy of the header never makes it into a block, so it pays
            // nothing: the runtime's transaction extension refuses it as stale.
            let eve_before = free(&acc(Eve));
            let replay = signed_xt(RuntimeCall::Bridge(pallet_bridge::Call::submit_finality_proof { partner: charlie.clone(), proof }), Eve, System::account_nonce(acc(Eve)));
            assert_eq!(
                Executive::apply_extrinsic(replay),
                Err(sp_runtime::transaction_validity::TransactionValidityError::Invalid(
                    sp_runtime::transaction_validity::InvalidTransaction::Stale
                ))
            );
            assert_eq!(free(&acc(Eve)), eve_before);
            let p = Partners::partner(charlie.clone()).unwrap();
            assert!(p.first_proof);
            assert_eq!(p.validator_count, n);
            let terms = H256::repeat_byte(9);
            let agreement = RuntimeCall::Partners(pallet_partners::Call::propose_agreement {
                who: charlie.clone(),
                terms_hash: terms,
                revenue_weight: 2,
                vote_weight: 1,
                obligations: vec![Obligation::ZeroCostProofRetrieval, Obligation::GovernanceParticipation],
            });
            assert!(pass(Bob, root(), agreement, &[Alice, Bob]));
            assert_ok!(Partners::sign_agreement(signed(Charlie), terms));
            let p = Partners::partner(charlie.clone()).unwrap();
            assert_eq!((p.status, p.revenue_weight, p.vote_weight), (PartnerStatus::Active, 2, 1));

            // The new member submits a requirement change (protocol track) and, in parallel, Alice
            // a small treasury spend (treasurer track); both pass and are enacted.
            let treasury = configs::TreasuryAccount::get();
            assert_ok!(Balances::transfer_keep_alive(signed(Eve), treasury.clone().into(), 1_000 * UNIT));
            let new_req = Requirements { min_operational_secs: 2 * pallet_partners::YEAR_SECS, min_validators: 50, min_bond: 500 * UNIT };
            let req_call = RuntimeCall::Partners(pallet_partners::Call::set_requirements { requirements: new_req });
            let spend_call = RuntimeCall::Treasury(pallet_treasury::Call::spend {
                asset_kind: Box::new(()),
                amount: 50 * UNIT,
                beneficiary: Box::new(acc(Dave)),
                valid_from: None,
            });
            let req = submit(Charlie, root(), req_call);
            let spend = submit(Alice, treasurer(), spend_call);
            // A treasury spend by a signed account is refused.
            assert!(Treasury::spend(signed(Alice), Box::new(()), UNIT, Box::new(acc(Dave)), None).is_err());
            for v in [Alice, Bob, Charlie] {
                assert_ok!(Roundtable::vote_poll(signed(v), req, true));
                assert_ok!(Roundtable::vote_poll(signed(v), spend, true));
            }
            decide(&[req, spend]);
            assert_eq!(Partners::requirements(), new_req);
            let dave_before = free(&acc(Dave));
            assert_ok!(Treasury::payout(signed(Eve), 0));
            assert_eq!(free(&acc(Dave)), dave_before + 50 * UNIT);

            // A dispute: the roundtable upholds it (partner-removal track; Charlie neither votes
            // nor counts), which slashes Charlie's bond to the treasury and suspends it.
            assert_ok!(Roundtable::raise_dispute(signed(Alice), charlie.clone(), H256::repeat_byte(3)));
            let verdict = RuntimeCall::Roundtable(pallet_roundtable::Call::resolve_dispute {
                index: 0,
                verdict: Verdict::Upheld { slash: 50 * UNIT, suspend: true },
            });
            let poll = submit(Alice, removal_of(Charlie), verdict);
            frame_support::assert_noop!(
                Roundtable::vote_poll(signed(Charlie), poll, false),
                pallet_roundtable::Error::<Runtime>::AccusedCannotVote
            );
            let treasury_before = free(&treasury);
            for v in [Alice, Bob] {
                assert_ok!(Roundtable::vote_poll(signed(v), poll, true));
            }
            decide(&[poll]);
            assert!(approved(poll));
            let p = Partners::partner(charlie.clone()).unwrap();
            assert_eq!(p.status, PartnerStatus::Suspended);
            assert_eq!(p.bond, bond - 50 * UNIT);
            assert!(free(&treasury) >= treasury_before + 50 * UNIT);
        }
    }

    /// Issue 12: every kind of auditable change, made by the real runtime, is a record of its
    /// block; each block's header commits to exactly its records (checked in `finish_block`);
    /// the log over blocks holds every block's commitment, which an MMR proof from the last
    /// header shows, and neither a changed record nor a changed leaf passes.
    #[test]
    fn every_kind_of_auditable_change_is_recorded_and_proven_by_the_log() {
        use crate::audit::{AuditRecord, RecordV1};
        use sp_core::offchain::{testing::TestOffchainExt, OffchainDbExt, OffchainWorkerExt};
        let mut ext = dev_ext();
        let last = ext.execute_with(|| {
            FINISHED.with(|f| f.borrow_mut().clear());
            a_partner_joins_governs_and_is_disputed();
            // A validator-set change, forced by Root, and cancelled.
            let members = frame_support::BoundedVec::truncate_from(vec![acc(Sr25519Keyring::Alice)]);
            assert_ok!(Validators::force_set(RuntimeOrigin::root(), members));
            assert_ok!(Validators::cancel_force(RuntimeOrigin::root()));
            // A runtime upgrade is recorded as such (the code is not run here).
            frame_system::Pallet::<Runtime>::deposit_event(frame_system::Event::<Runtime>::CodeUpdated { hash: H256::repeat_byte(5) });
            next_block();
            next_block();
            System::block_number() - 1
        });
        ext.persist_offchain_overlay();
        let (offchain, _) = TestOffchainExt::with_offchain_db(ext.offchain_db());
        ext.register_extension(OffchainDbExt::new(offchain.clone()));
        ext.register_extension(OffchainWorkerExt::new(offchain));
        ext.execute_with(|| {
            let finished = FINISHED.with(|f| f.take());
            let kinds: std::collections::BTreeSet<&'static str> = finished
                .iter()
                .flat_map(|b| b.records.iter())
                .map(|AuditRecord::V1(r)| match r {
                    RecordV1::Partners(pallet_partners::Event::Applied { .. }) => "partner applied",
                    RecordV1::Partners(pallet_partners::Event::Activated { .. }) => "partner activated",
                    RecordV1::Partners(pallet_partners::Event::Suspended { .. }) => "partner suspended",
                    RecordV1::Partners(_) => "partner",
                    RecordV1::Roundtable(pallet_roundtable::Event::PollVoted { .. }) => "vote",
                    RecordV1::Roundtable(pallet_roundtable::Event::DisputeResolved { .. }) => "dispute resolved",
                    RecordV1::Roundtable(_) => "roundtable",
                    RecordV1::Referenda(pallet_referenda::Event::Confirmed { .. }) => "decision",
                    RecordV1::Referenda(_) => "poll",
                    RecordV1::Enacted { result: Ok(()), .. } => "enactment",
                    RecordV1::Enacted { .. } => "failed enactment",
                    RecordV1::Revenue(pallet_revenue::Event::EraClosed { .. }) => "revenue split",
                    RecordV1::Revenue(pallet_revenue::Event::Paid { .. }) => "payout",
                    RecordV1::Revenue(_) => "revenue",
                    RecordV1::Auction(pallet_auction::Event::RoundSettled { .. }) => "auction settlement",
                    RecordV1::Auction(_) => "auction",
                    RecordV1::Validators(_) => "validator set",
                    RecordV1::Treasury(pallet_treasury::Event::Paid { .. }) => "treasury spend paid",
                    RecordV1::Treasury(_) => "treasury",
                    RecordV1::DevelopmentTreasury(_) | RecordV1::InfrastructureTreasury(_) => "share treasury",
                    RecordV1::Bridge(pallet_bridge::Event::HeaderImported { .. }) => "bridge verification",
                    RecordV1::Bridge(_) => "bridge",
                    RecordV1::Sudo(_) => "root key",
                    RecordV1::RuntimeUpgraded { .. } | RecordV1::UpgradeAuthorized { .. } => "runtime upgrade",
                })
                .collect();
            for kind in [
                "partner applied", "partner activated", "partner suspended", "vote", "dispute resolved", "decision",
                "enactment", "revenue split", "payout", "auction settlement", "validator set", "treasury",
                "treasury spend paid", "bridge verification", "bridge", "runtime upgrade",
            ] {
                assert!(kinds.contains(kind), "no {kind} record among {kinds:?}");
            }
            // No bid commitment, no revenue credit: they would crowd the bounded records out.
            assert!(finished.iter().flat_map(|b| b.records.iter()).all(|AuditRecord::V1(r)| !matches!(
                r,
                RecordV1::Revenue(pallet_revenue::Event::Credited { .. }) | RecordV1::Auction(pallet_auction::Event::Committed { .. })
            )));

            // The log: block b's leaf is in the log from block b + 1 on; the last finished
            // header's log holds the leaves of every block before it, from genesis.
            let head = finished.last().unwrap();
            assert_eq!(head.header.number, last);
            assert_eq!(head.digest.log.leaves, last as u64);
            let leaves: Vec<pallet_audit::AuditLeaf> = core::iter::once(pallet_audit::AuditLeaf {
                number: 0,
                hash: System::block_hash(0),
                records: Default::default(),
            })
            .chain(finished.iter().take(finished.len() - 1).map(|b| pallet_audit::AuditLeaf {
                number: b.header.number,
                hash: b.header.hash(),
                records: b.digest.records,
            }))
            .collect();
            assert_eq!(leaves.len() as u64, head.digest.log.leaves);
            // pallet-mmr names a leaf by the block that appended it, one after the leaf's own.
            let appended_in: Vec<BlockNumber> = (1..=last).collect();
            let (proven, proof) = Mmr::generate_proof(appended_in, Some(last)).expect("a proof from the offchain log");
            assert_eq!(proven, leaves, "the log's leaves are not the blocks' commitments");
            let verify = |leaves: &[pallet_audit::AuditLeaf], proof| {
                pallet_mmr::verify_leaves_proof::<sp_runtime::traits::BlakeTwo256, _>(
                    head.digest.log.root,
                    leaves.iter().map(|l| sp_mmr_primitives::DataOrHash::Data(*l)).collect(),
                    proof,
                )
            };
            assert!(verify(&leaves, proof.clone()).is_ok());
            let mut changed = leaves.clone();
            changed[3].records.count += 1;
            assert!(verify(&changed, proof.clone()).is_err(), "a changed leaf passed");

            // A record proves against its block's commitment; a changed one does not.
            let block = finished.iter().find(|b| b.records.len() >= 3).expect("a block of several records");
            let hashes: Vec<H256> = block.records.iter().map(|r| pallet_audit::leaf_hash(&r.encode())).collect();
            let path = bpci_primitives::audit::prove(&hashes, 2).unwrap();
            let record = block.records[2].encode();
            assert!(bpci_primitives::audit::verify(&block.digest.records, 2, &record, &path));
            let mut forged = record.clone();
            *forged.last_mut().unwrap() ^= 1;
            assert!(!bpci_primitives::audit::verify(&block.digest.records, 2, &forged, &path));
        });
    }

    // -----------------------------------------------------------------------------------------
    // Issue 10, findings 1-3: a minority must not reach Root. Each test is the attack as it
    // worked before the fix; it must fail to take effect now.
    // -----------------------------------------------------------------------------------------

    fn roundtable_origin() -> RuntimeOrigin {
        RuntimeOrigin::from(pallet_roundtable::RawOrigin::Roundtable)
    }

    /// Finding 1: an `Ordinary` proposal raised a partner's vote weight (and the roundtable's
    /// ordinary origin could admit partners, propose agreements, resume, set class parameters and
    /// shares), from where a majority reached Root. A poll of the ordinary track now passes and
    /// its call fails.
    #[test]
    fn issue10_finding1_ordinary_cannot_change_who_votes_or_how_much() {
        use pallet_partners::PartnerProvider;
        use Sr25519Keyring::{Alice, Bob};
        dev_ext().execute_with(|| {
            let alice = acc(Alice);
            let set_weights =
                RuntimeCall::Partners(pallet_partners::Call::set_weights { who: alice.clone(), revenue_weight: 1, vote_weight: 100 });
            assert!(pass(Alice, ordinary(), set_weights, &[Alice, Bob]), "both partners pass an ordinary poll");
            assert_eq!(<Partners as PartnerProvider<AccountId>>::vote_weight(&alice), Some(1), "an ordinary poll changed a vote weight");

            // The ordinary origin itself cannot change who votes or how much, nor the rules.
            let bob = acc(Bob);
            assert!(Partners::set_weights(roundtable_origin(), bob.clone(), 1, 100).is_err(), "set_weights");
            assert!(Partners::decide(roundtable_origin(), bob.clone(), true).is_err(), "decide");
            assert!(Partners::resume(roundtable_origin(), bob.clone()).is_err(), "resume");
            assert!(
                Partners::propose_agreement(roundtable_origin(), bob.clone(), H256::zero(), 1, 100, vec![]).is_err(),
                "propose_agreement"
            );
            assert!(Partners::remove(roundtable_origin(), bob.clone()).is_err(), "remove");
            assert!(
                Roundtable::set_track(roundtable_origin(), tracks::PROTOCOL, Roundtable::track(tracks::ORDINARY)).is_err(),
                "set_track"
            );
            assert!(Revenue::set_shares(roundtable_origin(), pallet_revenue::Shares::default()).is_err(), "set_shares");
        });
    }

    /// Finding 2: on the shipped presets (two partners of weight 1) Alice alone passed a
    /// `Protocol` proposal (Root) and removed Bob. On the tracks she passes nothing above
    /// ordinary.
    #[test]
    fn issue10_finding2_one_of_two_partners_passes_nothing_above_ordinary() {
        use Sr25519Keyring::{Alice, Bob};
        dev_ext().execute_with(|| {
            let new = Shares {
                validators: Perbill::from_percent(50),
                development: Perbill::from_percent(20),
                infrastructure: Perbill::from_percent(10),
                treasury: Perbill::from_percent(15),
                partners: Perbill::from_percent(5),
            };
            let shares = RuntimeCall::Revenue(pallet_revenue::Call::set_shares { shares: new });
            assert!(!pass(Alice, root(), shares, &[Alice]));
            assert_eq!(Revenue::shares(), Shares::default(), "Alice alone passed a protocol (Root) poll");

            let remove = RuntimeCall::Partners(pallet_partners::Call::remove { who: acc(Bob) });
            assert!(!pass(Alice, removal_of(Bob), remove, &[Alice]));
            assert_eq!(Partners::partner(acc(Bob)).unwrap().status, PartnerStatus::Active, "Alice alone removed Bob");

            let spend = RuntimeCall::Treasury(pallet_treasury::Call::spend {
                asset_kind: Box::new(()),
                amount: UNIT,
                beneficiary: Box::new(acc(Alice)),
                valid_from: None,
            });
            assert!(!pass(Alice, treasurer(), spend, &[Alice]), "Alice alone passed a treasurer poll");
            let force = RuntimeCall::Validators(pallet_validators::Call::force_set {
                members: frame_support::BoundedVec::truncate_from(vec![acc(Alice)]),
            });
            assert!(!pass(Alice, pallet_roundtable::RawOrigin::Emergency.into(), force, &[Alice]));
            assert!(pallet_validators::PendingForce::<Runtime>::get().is_none(), "Alice alone scheduled a forced set");
        });
    }

    /// Finding 6 across the registry and the roundtable: a partner removed while a dispute
    /// against it is open keeps its bond after its unbonding until the dispute closes; once
    /// unbonded it cannot be accused again (which would hold the bond for good); then anyone reaps it.
    #[test]
    fn issue10_finding6_a_disputed_partner_does_not_leave_with_its_bond() {
        use Sr25519Keyring::{Alice, Bob, Charlie};
        dev_ext().execute_with(|| {
            assert_ok!(Roundtable::raise_dispute(signed(Alice), acc(Bob), H256::repeat_byte(3)));
            assert_ok!(Partners::remove(RuntimeOrigin::root(), acc(Bob)));
            System::set_block_number(System::block_number() + 7 * DAYS);
            frame_support::assert_noop!(Partners::withdraw_bond(signed(Bob)), pallet_partners::Error::<Runtime>::DisputePending);
            frame_support::assert_noop!(Partners::reap(signed(Charlie), acc(Bob)), pallet_partners::Error::<Runtime>::DisputePending);
            frame_support::assert_noop!(
                Roundtable::raise_dispute(signed(Alice), acc(Bob), H256::repeat_byte(4)),
                pallet_roundtable::Error::<Runtime>::AccusedDeparted
            );
            frame_support::assert_noop!(
                Roundtable::expire_dispute(signed(Charlie), 0),
                pallet_roundtable::Error::<Runtime>::DisputeNotExpired
            );
            System::set_block_number(System::block_number() + 23 * DAYS);
            assert_ok!(Roundtable::expire_dispute(signed(Charlie), 0));
            assert_ok!(Partners::reap(signed(Charlie), acc(Bob)));
            assert!(Partners::partner(acc(Bob)).is_none());
        });
    }

    /// Finding 3: `utility.batch_all([resolve_dispute{..}])` was `Ordinary` (the accused voting);
    /// a treasury spend of a million units was `Ordinary`. There are no classes to escape now: a
    /// batch runs its calls with its poll's origin, which may not judge a dispute or spend.
    #[test]
    fn issue10_finding3_wrapped_verdicts_and_treasury_spends_keep_their_origin() {
        use Sr25519Keyring::{Alice, Bob};
        dev_ext().execute_with(|| {
            assert_ok!(Roundtable::raise_dispute(signed(Alice), acc(Bob), H256::repeat_byte(3)));
            let verdict = RuntimeCall::Roundtable(pallet_roundtable::Call::resolve_dispute {
                index: 0,
                verdict: Verdict::Upheld { slash: 50 * UNIT, suspend: true },
            });
            let wrapped = RuntimeCall::Utility(pallet_utility::Call::batch_all { calls: vec![verdict] });
            assert!(pass(Alice, ordinary(), wrapped, &[Alice, Bob]), "an ordinary poll passes");
            assert!(pallet_roundtable::Disputes::<Runtime>::contains_key(0), "a batched verdict ran with the ordinary origin");
            assert_eq!(Partners::partner(acc(Bob)).unwrap().status, PartnerStatus::Active);
            let spend = RuntimeCall::Treasury(pallet_treasury::Call::spend {
                asset_kind: Box::new(()),
                amount: 1_000_000 * UNIT,
                beneficiary: Box::new(acc(Alice)),
                valid_from: None,
            });
            let batch = RuntimeCall::Utility(pallet_utility::Call::batch_all { calls: vec![spend] });
            assert!(pass(Alice, treasurer(), batch, &[Alice, Bob]));
            assert_eq!(pallet_treasury::SpendCount::<Runtime>::get(), 0, "the treasurer track spent beyond its limit");
        });
    }

    /// Finding 7: the development and infrastructure shares went to keyless accounts that only a
    /// runtime upgrade could spend from. They are the accounts of two treasury instances now,
    /// spent by Root (two thirds of the roundtable), not by the ordinary origin or a signer.
    #[test]
    fn issue10_finding7_development_and_infrastructure_shares_are_spent_by_protocol_polls() {
        use Sr25519Keyring::{Alice, Bob, Dave, Eve};
        dev_ext().execute_with(|| {
            let dev = configs::DevelopmentAccount::get();
            let infra = configs::InfrastructureAccount::get();
            assert_eq!(dev, DevelopmentTreasury::account_id());
            assert_eq!(infra, InfrastructureTreasury::account_id());
            for pot in [&dev, &infra] {
                assert_ok!(Balances::transfer_keep_alive(signed(Eve), pot.clone().into(), 1_000 * UNIT));
            }
            let spend = |amount| {
                RuntimeCall::DevelopmentTreasury(pallet_treasury::Call::spend {
                    asset_kind: Box::new(()),
                    amount,
                    beneficiary: Box::new(acc(Dave)),
                    valid_from: None,
                })
            };
            // Neither a signer nor the ordinary origin (a simple majority) spends these shares.
            assert!(DevelopmentTreasury::spend(signed(Alice), Box::new(()), UNIT, Box::new(acc(Dave)), None).is_err());
            assert!(DevelopmentTreasury::spend(roundtable_origin(), Box::new(()), UNIT, Box::new(acc(Dave)), None).is_err());
            assert!(InfrastructureTreasury::spend(roundtable_origin(), Box::new(()), UNIT, Box::new(acc(Dave)), None).is_err());
            assert!(DevelopmentTreasury::spend(RuntimeOrigin::from(treasurer()), Box::new(()), UNIT, Box::new(acc(Dave)), None).is_err());
            assert!(pass(Alice, treasurer(), spend(UNIT), &[Alice, Bob]));
            assert_eq!(pallet_treasury::SpendCount::<Runtime, pallet_treasury::Instance2>::get(), 0);
            // A poll of the protocol track (Root) does.
            assert!(pass(Alice, root(), spend(100 * UNIT), &[Alice, Bob]));
            let dave = free(&acc(Dave));
            assert_ok!(DevelopmentTreasury::payout(signed(Eve), 0));
            assert_eq!(free(&acc(Dave)), dave + 100 * UNIT);
            // Each treasury's account holds the existential deposit from genesis.
            assert_eq!(free(&dev), 900 * UNIT + EXISTENTIAL_DEPOSIT);
            assert_eq!(free(&infra), 1_000 * UNIT + EXISTENTIAL_DEPOSIT, "a spend from one share touched the other");
        });
    }

    /// A wallet-built signed extrinsic (immortal, no tip).
    fn signed_xt(call: RuntimeCall, from: Sr25519Keyring, nonce: Nonce) -> UncheckedExtrinsic {
        use sp_core::Pair;
        let ext: TxExtension = (
            frame_system::AuthorizeCall::<Runtime>::new(),
            frame_system::CheckNonZeroSender::<Runtime>::new(),
            frame_system::CheckSpecVersion::<Runtime>::new(),
            frame_system::CheckTxVersion::<Runtime>::new(),
            frame_system::CheckGenesis::<Runtime>::new(),
            frame_system::CheckEra::<Runtime>::from(sp_runtime::generic::Era::Immortal),
            frame_system::CheckNonce::<Runtime>::from(nonce),
            frame_system::CheckWeight::<Runtime>::new(),
            pallet_bridge::RejectObsoleteBridgeProofs::<Runtime>::new(),
            pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(0),
            frame_system::WeightReclaim::<Runtime>::new(),
        );
        let genesis = System::block_hash(0);
        let implicit = ((), (), VERSION.spec_version, VERSION.transaction_version, genesis, genesis, (), (), (), (), ());
        let payload = SignedPayload::from_raw(call.clone(), ext.clone(), implicit);
        let sig = payload.using_encoded(|p| from.pair().sign(p));
        UncheckedExtrinsic::new_signed(call, acc(from).into(), sig.into(), ext)
    }

    /// What a wallet's transfer costs in block weight decides the chain's throughput: a block takes
    /// as many as fit in the normal class. With the signed extensions priced as RocksDB accesses a
    /// keep-alive transfer weighed about 625 us and a block held 479 (465 transfers/s measured);
    /// priced as the ParityDB the node runs, 458 us and 654 in a 400 ms block; 807 in today's
    /// 500 ms. Whether a full block still imports within the slot is measured by
    /// `scripts/bench-testnet.sh ... burst` (docs/performance.md).
    #[test]
    fn a_full_block_holds_more_than_eight_hundred_keep_alive_transfers() {
        use frame_support::dispatch::{DispatchClass, GetDispatchInfo};
        use Sr25519Keyring::{Alice, Bob};
        dev_ext().execute_with(|| {
            let call = RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
                dest: acc(Bob).into(),
                value: UNIT,
            });
            let info = signed_xt(call, Alice, 0).get_dispatch_info();
            let weights = <configs::RuntimeBlockWeights as Get<frame_system::limits::BlockWeights>>::get();
            let class = weights.get(DispatchClass::Normal);
            let each = info.total_weight() + class.base_extrinsic;
            let room = class.max_total.unwrap_or(weights.max_block) - weights.base_block;
            let fits = room.ref_time() / each.ref_time();
            assert!(fits > 800, "a keep-alive transfer weighs {each:?}: only {fits} fit in a block");
        });
    }

    /// What a report must say for a pot split by `shares` with Alice the only block author and
    /// Alice and Bob equal partners: `(class, account, amount)` in payout order, and the remainder.
    fn expected_split(pot: Balance, pct: [u64; 5]) -> (Vec<(RecipientClass, AccountId, Balance)>, Balance) {
        let cut = |p: u64| pot * p as u128 / 100;
        let (v, d, i, t, p) = (cut(pct[0]), cut(pct[1]), cut(pct[2]), cut(pct[3]), cut(pct[4]));
        let half = p / 2;
        let rest = pot - (v + d + i + t + p) + (p - 2 * half);
        let mut out = vec![
            (RecipientClass::Validators, acc(Sr25519Keyring::Alice), v),
            (RecipientClass::Development, configs::DevelopmentAccount::get(), d),
            (RecipientClass::Infrastructure, configs::InfrastructureAccount::get(), i),
            (RecipientClass::Treasury, configs::TreasuryAccount::get(), t),
        ];
        // Partners come in storage order; compare as a set below.
        out.push((RecipientClass::Partners, acc(Sr25519Keyring::Alice), half));
        out.push((RecipientClass::Partners, acc(Sr25519Keyring::Bob), half));
        (out, rest)
    }

    /// Checks era `era`'s report against the hand computation; returns what it carries on.
    fn check_report(era: u32, pot: Balance, sources: (Balance, Balance, Balance), pct: [u64; 5]) -> Balance {
        let r = Revenue::era_report(era).unwrap_or_else(|| panic!("report of era {era}"));
        assert_eq!((r.sources.block_rewards, r.sources.auction, r.sources.rent), sources, "era {era} sources");
        assert_eq!(r.pot, pot, "era {era} pot");
        let (mut want, rest) = expected_split(pot, pct);
        let mut got: Vec<_> = r.payouts.iter().map(|p| (p.class, p.account.clone(), p.amount)).collect();
        let key = |x: &(RecipientClass, AccountId, Balance)| (x.0 as u8, x.1.clone());
        want.sort_by_key(key);
        got.sort_by_key(key);
        assert_eq!(got, want, "era {era} payouts");
        assert!(r.payouts.iter().all(|p| p.status == pallet_revenue::PayoutStatus::Paid), "era {era} paid");
        assert_eq!(r.carried_out, rest, "era {era} carried");
        assert_eq!(r.distributed + r.carried_out, r.pot, "era {era} ledger");
        rest
    }

    #[test]
    fn revenue_eras_with_all_sources_and_a_share_change_by_the_roundtable() {
        use Sr25519Keyring::{Alice, Bob, Charlie, Eve, Ferdie};
        dev_ext().execute_with(|| {
            // Real money on this chain: revenue and auction in Mainnet mode (sudo is Root).
            assert_ok!(Revenue::set_mode(RuntimeOrigin::root(), pallet_revenue::Mode::Mainnet));
            assert_ok!(Auction::set_mode(RuntimeOrigin::root(), pallet_auction::AuctionMode::Mainnet));
            assert!(Revenue::set_mode(signed(Alice), pallet_revenue::Mode::Testnet).is_err());
            let dev_account = configs::DevelopmentAccount::get();
            assert_eq!(free(&dev_account), EXISTENTIAL_DEPOSIT, "the development treasury's account exists from genesis");

            // Era 0 is blocks 1..=9: nine block rewards.
            run_to(10);
            let carried = check_report(0, 9 * UNIT, (9 * UNIT, 0, 0), [40, 25, 15, 15, 5]);
            assert_eq!(carried, 0);
            assert_eq!(pallet_revenue::ValidatorPoints::<Runtime>::get(0).into_inner(), vec![(acc(Alice), 9)]);

            // Era 1 is blocks 10..=19: ten rewards, a bundle auction won at 3 tokens (round 1:
            // commit from block 8, reveal from 13, settled in block 16) and the fee of a real
            // signed transfer.
            let bundle: pallet_auction::BundleOf<Runtime> = frame_support::BoundedVec::truncate_from(vec![Box::new(
                RuntimeCall::System(frame_system::Call::remark_with_event { remark: b"bundle".to_vec() }),
            )]);
            let (bid, salt) = (3 * UNIT, [5u8; 32]);
            let hash = Auction::commitment_of(&acc(Eve), &bundle, &bid, &salt);
            assert_ok!(Auction::commit(signed(Eve), hash, 5 * UNIT));
            run_to(12);
            let charlie_before = free(&acc(Charlie));
            let xt = signed_xt(
                RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive { dest: acc(Ferdie).into(), value: UNIT }),
                Charlie,
                0,
            );
            assert_ok!(Executive::apply_extrinsic(xt).unwrap());
            let rent = charlie_before - free(&acc(Charlie)) - UNIT;
            assert!(rent > 0);
            run_to(14);
            // The winner also pays its bundle's weight (as a transaction would) and, at commit,
            // the commitment fee.
            let weight_fee = Auction::weight_fee(Auction::bundle_weight(&bundle));
            assert!(weight_fee > 0);
            let auction = bid + weight_fee + <<Runtime as pallet_auction::Config>::CommitFee as Get<Balance>>::get();
            assert_ok!(Auction::reveal(signed(Eve), bundle, bid, salt));
            let eve_before = free(&acc(Eve)) + 5 * UNIT; // the deposit is held
            run_to(20);
            assert_eq!(free(&acc(Eve)), eve_before - bid - weight_fee);
            let mut carried = check_report(1, 10 * UNIT + auction + rent, (10 * UNIT, auction, rent), [40, 25, 15, 15, 5]);

            // The roundtable changes the shares: a poll of the protocol track (enacted as Root).
            let new = Shares {
                validators: Perbill::from_percent(50),
                development: Perbill::from_percent(20),
                infrastructure: Perbill::from_percent(10),
                treasury: Perbill::from_percent(15),
                partners: Perbill::from_percent(5),
            };
            let call = RuntimeCall::Revenue(pallet_revenue::Call::set_shares { shares: new });
            assert_eq!(System::block_number(), 20);
            let poll = submit(Alice, root(), call);
            for v in [Alice, Bob] {
                assert_ok!(Roundtable::vote_poll(signed(v), poll, true));
            }
            // An era closed in the enactment block or later (era e closes in block 10(e + 1),
            // after the scheduler's hook) uses the new shares.
            while Revenue::shares() != new {
                assert!(System::block_number() < 20 + DEV_DECISION_PERIOD + 5, "the share change was not enacted");
                next_block();
            }
            let enacted = System::block_number();
            run_to(700);
            // Eras 2..=69: ten rewards each plus the rounding remainder the era before carried.
            for era in 2..70u32 {
                let pct = if 10 * (era + 1) < enacted { [40, 25, 15, 15, 5] } else { [50, 20, 10, 15, 5] };
                carried = check_report(era, 10 * UNIT + carried, (10 * UNIT, 0, 0), pct);
            }

            // Every development payout reached the development account.
            let paid: Balance = (0..70).map(|e| Revenue::era_report(e).unwrap().allocated.development).sum();
            assert_eq!(free(&dev_account), EXISTENTIAL_DEPOSIT + paid);
            assert_eq!(pallet_revenue::CarriedIn::<Runtime>::get(), carried);
        });
    }

    /// The registry's health check and the revenue split, wired: Bob's chain has headers verified
    /// by the bridge, Alice's (a genesis partner with no chain behind it) never does.
    #[test]
    fn a_partner_whose_chain_goes_silent_loses_its_share_to_the_partners_that_relay() {
        use pallet_partners::{HealthPolicy, ProofBridge};
        use pallet_revenue::PayoutStatus;
        use Sr25519Keyring::{Alice, Bob};
        dev_ext().execute_with(|| {
            assert_ok!(Revenue::set_mode(RuntimeOrigin::root(), pallet_revenue::Mode::Mainnet));
            let policy = HealthPolicy { unhealthy_after: 5, withhold_after: 5 };
            assert!(Partners::set_health_policy(signed(Alice), Some(policy)).is_err(), "a partner cannot set it");
            assert_ok!(Partners::set_health_policy(RuntimeOrigin::root(), Some(policy)));
            let partners = |era: u32| {
                let r = Revenue::era_report(era).unwrap();
                let get = |k: Sr25519Keyring| {
                    r.payouts
                        .iter()
                        .find(|p| p.class == RecipientClass::Partners && p.account == acc(k))
                        .map(|p| (p.amount, p.status))
                        .unwrap()
                };
                (r.clone(), get(Alice), get(Bob))
            };
            run_to(8);
            assert_ok!(<Partners as ProofBridge<AccountId>>::header_verified(&acc(Bob), 150));
            run_to(10);
            let (r0, alice, bob) = partners(0);
            let half = 9 * UNIT * 5 / 100 / 2;
            assert_eq!(alice, (half, PayoutStatus::Withheld));
            assert_eq!(bob, (half, PayoutStatus::Paid));
            assert_eq!(r0.withheld, half);
            assert_eq!(r0.distributed + r0.carried_out + r0.withheld, r0.pot);
            assert_eq!(pallet_revenue::PartnerCarriedIn::<Runtime>::get(), half);

            // Era 1: the partners' class is its 5% plus Alice's withheld half; Bob relays again
            // and receives his half of it, Alice's half is withheld again.
            run_to(18);
            assert_ok!(<Partners as ProofBridge<AccountId>>::header_verified(&acc(Bob), 150));
            let bob_before = free(&acc(Bob));
            run_to(20);
            let (r1, alice, bob) = partners(1);
            assert_eq!(r1.partner_carried_in, half);
            assert_eq!(r1.allocated.partners, 10 * UNIT * 5 / 100 + half);
            assert_eq!(r1.allocated.validators, 10 * UNIT * 40 / 100, "a withheld share stays with the partners");
            let share = r1.allocated.partners / 2;
            assert_eq!(bob, (share, PayoutStatus::Paid));
            assert_eq!(alice, (share, PayoutStatus::Withheld));
            assert_eq!(free(&acc(Bob)), bob_before + share);

            // The health check (every ten minutes) marks Alice, not Bob, and takes reputation.
            let reputation = |k| Partners::partner(acc(k)).unwrap().reputation;
            let (alice_before, bob_before) = (reputation(Alice), reputation(Bob));
            run_to(10 * MINUTES - 1);
            assert_ok!(<Partners as ProofBridge<AccountId>>::header_verified(&acc(Bob), 150));
            run_to(10 * MINUTES);
            assert!(Partners::partner(acc(Alice)).unwrap().unhealthy);
            assert!(!Partners::partner(acc(Bob)).unwrap().unhealthy);
            assert_eq!(reputation(Alice), alice_before - 10);
            assert_eq!(reputation(Bob), bob_before);
        });
    }

    /// Kusama's GRANDPA set is about 1,000 authorities and Polkadot's about 600: the bridge
    /// follows a chain of 1,000 through a set change to another 1,000, with justifications made by
    /// polkadot-sdk's test utilities, in the real runtime (its `MaxSetSize` and `MaxHeaderSize`).
    #[test]
    fn the_bridge_follows_a_grandpa_chain_of_a_thousand_authorities() {
        use bp_test_utils::{make_justification_for_header, Account, JustificationGeneratorParams};
        use pallet_bridge::{Checkpoint, FinalityProof, PartnerChainState, PartnerHeader};
        use sp_consensus_grandpa::{ConsensusLog, ScheduledChange, GRANDPA_ENGINE_ID};
        use sp_runtime::traits::Header as _;
        use Sr25519Keyring::{Bob, Ferdie};
        dev_ext().execute_with(|| {
            let first: Vec<Account> = (0..1000).map(Account).collect();
            let second: Vec<Account> = (1000..2000).map(Account).collect();
            let set = |s: &[Account]| s.iter().map(|a| ((*a).into(), 1u64)).collect::<Vec<_>>();
            let justify = |h: &PartnerHeader, set_id: u64, signers: &[Account]| {
                make_justification_for_header(JustificationGeneratorParams {
                    header: h.clone(),
                    round: 1,
                    set_id,
                    // The fewest that finalize: 667 of 1,000.
                    authorities: signers[..667].iter().map(|a| (*a, 1)).collect(),
                    ancestors: 1,
                    forks: 1,
                })
            };
            // Bob's chain has been silent for longer than the policy allows: marked unhealthy.
            let policy = pallet_partners::HealthPolicy { unhealthy_after: 5, withhold_after: 5 };
            assert_ok!(Partners::set_health_policy(RuntimeOrigin::root(), Some(policy)));
            run_to(10 * MINUTES);
            assert!(Partners::partner(acc(Bob)).unwrap().unhealthy);
            let genesis = genesis_partner_chain_id("Bob chain");
            let checkpoint: PartnerHeader = bp_test_utils::test_header(10);
            assert_ok!(Bridge::initialize(
                RuntimeOrigin::root(),
                acc(Bob),
                Checkpoint::GrandpaV1 { genesis, header: checkpoint.clone(), set_id: 7, authorities: set(&first) }
            ));
            let mut change: PartnerHeader = bp_test_utils::test_header(11);
            change.set_parent_hash(checkpoint.hash());
            change.digest_mut().push(DigestItem::Consensus(
                GRANDPA_ENGINE_ID,
                ConsensusLog::<u32>::ScheduledChange(ScheduledChange { next_authorities: set(&second), delay: 0 }).encode(),
            ));
            let proof = FinalityProof::GrandpaV1 { header: change.clone(), justification: justify(&change, 7, &first) };
            assert_ok!(Bridge::submit_finality_proof(signed(Ferdie), acc(Bob), proof));
            assert_eq!(pallet_bridge::TrustedSets::<Runtime>::get(acc(Bob)).map(|s| (s.set_id(), s.len())), Some((8, 1000)));
            // A header the bridge verified, whoever paid for it, is a sign of life of Bob's chain.
            let bob = Partners::partner(acc(Bob)).unwrap();
            assert!(!bob.unhealthy);
            assert_eq!((bob.blocks_since_header, bob.validator_count), (Some(0), 1000));
            run_to(10 * MINUTES + 3);
            // The old set can no longer finalize; the new one can.
            let mut next: PartnerHeader = bp_test_utils::test_header(12);
            next.set_parent_hash(change.hash());
            let stale = FinalityProof::GrandpaV1 { header: next.clone(), justification: justify(&next, 7, &first) };
            assert!(Bridge::submit_finality_proof(signed(Ferdie), acc(Bob), stale).is_err());
            assert_eq!(Partners::partner(acc(Bob)).unwrap().blocks_since_header, Some(3), "a refused header is none");
            let proof = FinalityProof::GrandpaV1 { header: next.clone(), justification: justify(&next, 8, &second) };
            assert_ok!(Bridge::submit_finality_proof(signed(Ferdie), acc(Bob), proof));
            assert_eq!(Bridge::best_finalized(&acc(Bob)), Some((12, next.hash())));
        });
    }
}

/// A poll's call lives in a preimage, so the size limit of a proposal is the preimage pallet's:
/// anything larger is refused when noted, and nothing is stored. (A poll may name a preimage
/// noted later, as on Polkadot; one nobody can note cannot be enacted.)
#[test]
fn proposals_over_the_size_limit_are_refused() {
    use frame_support::assert_noop;
    ext_from_preset("development").execute_with(|| {
        let alice = Sr25519Keyring::Alice.to_account_id();
        let too_big = vec![0u8; pallet_preimage::MAX_SIZE as usize + 1];
        assert_noop!(
            Preimage::note_preimage(RuntimeOrigin::signed(alice), too_big),
            pallet_preimage::Error::<Runtime>::TooBig
        );
    });
}

/// The validators' revenue points follow both the block's proposer and the signers of the
/// certificate it carries (the certificate itself is checked by the node before import).
/// Issue 10 finding 5, across the engine's pre-digest, pallet-validators and the auction: on the
/// four-validator chain a round's reveal window stays open until two distinct validators
/// (f + 1) have authored a block in it, up to its cap.
#[test]
fn the_reveal_window_waits_for_f_plus_one_distinct_authors() {
    use bpci_primitives::{PreDigest, BPCI_ENGINE_ID};
    use frame_support::traits::OnInitialize;
    ext_from_preset("local_testnet").execute_with(|| {
        let block = |n: BlockNumber, proposer: u32| {
            let pre = PreDigest { view: n as u64, set_id: 0, proposer_index: proposer, justify: None, stall: false };
            let digest = sp_runtime::Digest {
                logs: vec![sp_runtime::DigestItem::PreRuntime(BPCI_ENGINE_ID, codec::Encode::encode(&pre))],
            };
            System::initialize(&n, &Default::default(), &digest);
            <AllPalletsWithSystem as OnInitialize<BlockNumber>>::on_initialize(n);
        };
        let settled = |round| pallet_auction::History::<Runtime>::get(round).map(|r| r.settled_at);
        // Round 0: commit in blocks 0..5, reveal from 5, at least 3 blocks. Alice leads every
        // block: one author is not enough, so the round runs to its cap.
        let cap = configs::MaxRevealPeriod::get();
        let capped = 5 + cap;
        for n in 1..=capped {
            block(n, 0);
            if n < capped {
                assert_eq!(settled(0), None, "round 0 settled in block {n} with one author");
            }
        }
        assert_eq!(settled(0), Some(capped));
        // Round 1: leaders rotate, so it settles after the least reveal period (the first
        // reveal block's author does not count, the next two are distinct).
        for n in capped + 1..=capped + 8 {
            block(n, n % 4);
        }
        assert_eq!(settled(1), Some(capped + 5 + 3));
    });
}

/// The cap leaves room for f + 1 distinct authors of the largest set (the first reveal block
/// does not count), so a healthy set never settles by the cap.
#[test]
fn the_reveal_cap_fits_f_plus_one_of_the_largest_set() {
    let max = <Runtime as pallet_validators::Config>::MaxValidators::get();
    let f_plus_one = |n: u32| bpci_primitives::max_faulty(n as usize) as u32 + 1;
    assert!(f_plus_one(max) < configs::MaxRevealPeriod::get());
    assert_eq!(f_plus_one(4), 2);
    assert_eq!(f_plus_one(1), 1);
    ext_from_preset("local_testnet").execute_with(|| {
        assert_eq!(<configs::ConsensusRevealAuthors as pallet_auction::RevealAuthors<AccountId>>::needed(), 2);
    });
}

#[test]
fn proposer_and_certificate_signers_earn_activity_points() {
    use bpci_primitives::{qc::{Bitfield, QuorumCertificate, VoteData}, PreDigest, BPCI_ENGINE_ID};
    ext_from_preset("local_testnet").execute_with(|| {
        let mut signers = Bitfield::new(4);
        for i in [1, 2, 3] {
            signers.set(i);
        }
        let data = VoteData {
            set_id: 0,
            view: 1,
            block_hash: Default::default(),
            block_number: 1,
            parent_hash: Default::default(),
            parent_view: 0,
        };
        let justify = Some(QuorumCertificate { data, signers, signature: Default::default() });
        let pre = PreDigest { view: 2, set_id: 0, proposer_index: 1, justify, stall: false };
        let digest = sp_runtime::Digest {
            logs: vec![sp_runtime::DigestItem::PreRuntime(BPCI_ENGINE_ID, codec::Encode::encode(&pre))],
        };
        System::initialize(&1, &Default::default(), &digest);
        <configs::RecordBlockAuthor as frame_support::traits::PreInherents>::pre_inherents();
        let (era, _) = pallet_revenue::CurrentEra::<Runtime>::get();
        let points = pallet_revenue::ValidatorPoints::<Runtime>::get(era).into_inner();
        let of = |k: Sr25519Keyring| points.iter().find(|(a, _)| *a == k.to_account_id()).map(|(_, p)| *p);
        assert_eq!(of(Sr25519Keyring::Bob), Some(2), "proposer and signer");
        assert_eq!(of(Sr25519Keyring::Charlie), Some(1));
        assert_eq!(of(Sr25519Keyring::Dave), Some(1));
        assert_eq!(of(Sr25519Keyring::Alice), None, "did not sign");
    });
}

// ---------------------------------------------------------------------------------------------
// Validator set: membership through session rotation, session length, forced change, epochs.
// ---------------------------------------------------------------------------------------------

mod validator_set {
    use super::*;
    use bpci_primitives::runtime_decl_for_bpci_consensus_api::BpciConsensusApiV1 as ConsensusApi;
    use bpci_primitives::{BlsPublic, PreDigest, SetId, BPCI_ENGINE_ID};
    use codec::Encode;
    use frame_support::{
        assert_noop, assert_ok,
        traits::{OnInitialize, PreInherents},
    };
    use sp_keystore::{testing::MemoryKeystore, KeystoreExt};
    use sp_runtime::{generic::DigestItem, Digest, DispatchError};

    fn acc(k: Sr25519Keyring) -> AccountId {
        k.to_account_id()
    }

    fn api_epoch() -> bpci_primitives::EpochInfo {
        <Runtime as ConsensusApi<Block>>::epoch()
    }

    /// The dev preset (Alice validates alone) at block 1, with a keystore for session keys.
    fn dev_ext() -> sp_io::TestExternalities {
        let mut ext = ext_from_preset("development");
        ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
        ext.execute_with(|| {
            pallet_timestamp::Pallet::<Runtime>::set_timestamp(3 * 365 * 24 * 3600 * 1000);
            next_block(0);
        });
        ext
    }

    /// Start the next block as the executive does, with a pre-digest naming `set_id`.
    fn next_block(set_id: SetId) {
        start_block(set_id, false);
    }

    /// Start the next block as a stall block of the running epoch, sealed by validator 0.
    fn next_stall_block() {
        start_block(Validators::epoch().set.set_id, true);
    }

    fn start_block(set_id: SetId, stall: bool) {
        let n = System::block_number() + 1;
        let pre = PreDigest { view: n as u64, set_id, proposer_index: 0, justify: None, stall };
        let digest = Digest { logs: vec![DigestItem::PreRuntime(BPCI_ENGINE_ID, pre.encode())] };
        System::reset_events();
        System::initialize(&n, &sp_core::H256::repeat_byte(n as u8), &digest);
        <AllPalletsWithSystem as OnInitialize<BlockNumber>>::on_initialize(n);
        <configs::RecordBlockAuthor as PreInherents>::pre_inherents();
    }

    /// Run to block `n`, every block naming the running epoch's set.
    fn run_to(n: BlockNumber) {
        while System::block_number() < n {
            next_block(Validators::epoch().set.set_id);
        }
    }

    /// `who` registers a freshly generated BLS session key with its proof of possession.
    fn register_keys(who: Sr25519Keyring) -> BlsPublic {
        let owner = acc(who);
        let generated = SessionKeys::generate(&owner.encode(), None);
        assert_ok!(Session::set_keys(
            RuntimeOrigin::signed(owner),
            generated.keys.clone(),
            generated.proof.encode()
        ));
        generated.keys.bls.0
    }

    fn sudo(call: pallet_validators::Call<Runtime>) {
        let alice = RuntimeOrigin::signed(acc(Sr25519Keyring::Alice));
        assert_ok!(Sudo::sudo(alice, Box::new(RuntimeCall::Validators(call))));
        assert!(
            System::events().iter().any(|e| matches!(
                e.event,
                RuntimeEvent::Sudo(pallet_sudo::Event::Sudid { sudo_result: Ok(()) })
            )),
            "the sudo call succeeded"
        );
    }

    #[test]
    fn genesis_epoch_is_the_genesis_set_and_sessions_last_an_hour() {
        dev_ext().execute_with(|| {
            let epoch = api_epoch();
            assert_eq!(epoch.set, <Runtime as ConsensusApi<Block>>::validator_set());
            assert_eq!(epoch.set.set_id, 0);
            assert_eq!(epoch.root_number, 0);
            assert_eq!(<Runtime as ConsensusApi<Block>>::forced_change(), None);
            assert_eq!(pallet_validators::Members::<Runtime>::get().into_inner(), vec![acc(Sr25519Keyring::Alice)]);
            assert_eq!(pallet_validators::SessionLength::<Runtime>::get(), HOURS);
            use pallet_session::ShouldEndSession;
            assert!(!Validators::should_end_session(HOURS - 1));
            assert!(Validators::should_end_session(HOURS));
        });
    }

    #[test]
    fn validator_calls_need_root() {
        dev_ext().execute_with(|| {
            let bob = acc(Sr25519Keyring::Bob);
            let alice = RuntimeOrigin::signed(acc(Sr25519Keyring::Alice));
            assert_noop!(Validators::add_validator(alice.clone(), bob.clone()), DispatchError::BadOrigin);
            assert_noop!(Validators::remove_validator(alice.clone(), bob.clone()), DispatchError::BadOrigin);
            assert_noop!(Validators::set_session_length(alice.clone(), 100), DispatchError::BadOrigin);
            let set = frame_support::BoundedVec::truncate_from(vec![bob]);
            assert_noop!(Validators::force_set(alice, set), DispatchError::BadOrigin);
            assert_noop!(
                Validators::set_session_length(RuntimeOrigin::root(), 9),
                pallet_validators::Error::<Runtime>::SessionLengthTooShort
            );
            assert_noop!(
                Validators::add_validator(RuntimeOrigin::root(), acc(Sr25519Keyring::Bob)),
                pallet_validators::Error::<Runtime>::NoSessionKeys
            );
        });
    }

    #[test]
    fn an_added_validator_joins_after_two_rotations_and_the_next_epoch_follows() {
        dev_ext().execute_with(|| {
            let alice_key = dev_bls_key(Sr25519Keyring::Alice);
            let bob_key = register_keys(Sr25519Keyring::Bob);
            sudo(pallet_validators::Call::set_session_length { blocks: 10 });
            sudo(pallet_validators::Call::add_validator { who: acc(Sr25519Keyring::Bob) });

            // Genesis session started at block 0: rotations at 10 and 20.
            run_to(19);
            assert_eq!(Session::current_index(), 1);
            assert_eq!(Validators::validator_set().validators, vec![alice_key]);
            run_to(20);
            assert_eq!(Session::current_index(), 2);
            let set = <Runtime as ConsensusApi<Block>>::validator_set();
            assert_eq!(set.validators, vec![alice_key, bob_key]);
            assert_eq!(set.set_id, 1);
            assert_eq!(api_epoch().set.set_id, 0, "the epoch lags until a block names the new set");

            next_block(1);
            let epoch = api_epoch();
            assert_eq!(epoch.set, set);
            assert_eq!(epoch.root_number, 20);
            assert_eq!(epoch.root_hash, sp_core::H256::repeat_byte(21));
            assert!(System::events().iter().any(|e| e.event
                == RuntimeEvent::Validators(pallet_validators::Event::NewEpoch { set_id: 1, root_number: 20 })));
            next_block(1);
            assert_eq!(api_epoch(), epoch);
        });
    }

    #[test]
    fn force_set_is_enacted_by_the_stalled_sets_consent() {
        dev_ext().execute_with(|| {
            let bob_key = register_keys(Sr25519Keyring::Bob);
            let charlie_key = register_keys(Sr25519Keyring::Charlie);
            run_to(4);
            let members = vec![acc(Sr25519Keyring::Charlie), acc(Sr25519Keyring::Bob)];
            sudo(pallet_validators::Call::force_set { members: frame_support::BoundedVec::truncate_from(members) });
            assert!(<Runtime as ConsensusApi<Block>>::force_pending());
            run_to(5);
            assert_eq!(<Runtime as ConsensusApi<Block>>::forced_change(), None, "ordinary blocks consent to nothing");
            // The dev chain's single validator seals a stall block: its consent is `f + 1`.
            next_stall_block();
            assert!(!<Runtime as ConsensusApi<Block>>::force_pending());
            let set = <Runtime as ConsensusApi<Block>>::validator_set();
            assert_eq!(set.validators, vec![charlie_key, bob_key]);
            assert_eq!(set.set_id, 1);
            assert_eq!(<Runtime as ConsensusApi<Block>>::forced_change(), Some((1, 6)));
            assert!(System::events().iter().any(|e| e.event
                == RuntimeEvent::Validators(pallet_validators::Event::ForcedSet { set_id: 1, block: 6 })));
            // The revenue points of the next block go to the new set's proposer.
            next_block(1);
            assert_eq!(api_epoch().set, set);
            assert_eq!(api_epoch().root_number, 6);
            assert_eq!(configs::RecordBlockAuthor::author(), Some(acc(Sr25519Keyring::Charlie)));
        });
    }

    /// Four validators are the fewest that tolerate a fault: a member of the local set of four is
    /// replaced (successor added first), never removed alone; the change takes two rotations.
    #[test]
    fn a_validator_is_replaced_not_removed_below_four_and_leaves_after_two_rotations() {
        use sp_keystore::{testing::MemoryKeystore, KeystoreExt};
        let mut ext = ext_from_preset("local_testnet");
        ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
        ext.execute_with(|| {
            next_block(0);
            assert_ok!(Validators::set_session_length(RuntimeOrigin::root(), 10));
            let dave = acc(Sr25519Keyring::Dave);
            assert_noop!(
                Validators::remove_validator(RuntimeOrigin::root(), dave.clone()),
                pallet_validators::Error::<Runtime>::BelowMinimum
            );
            let eve = acc(Sr25519Keyring::Eve);
            let generated = SessionKeys::generate(&codec::Encode::encode(&eve), None);
            assert_ok!(Session::set_keys(RuntimeOrigin::signed(eve.clone()), generated.keys.clone(), codec::Encode::encode(&generated.proof)));
            assert_ok!(Validators::add_validator(RuntimeOrigin::root(), eve));
            assert_ok!(Validators::remove_validator(RuntimeOrigin::root(), dave));
            run_to(20);
            let set = Validators::validator_set();
            assert_eq!(set.set_id, 1);
            let mut expected = [Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie].map(dev_bls_key).to_vec();
            expected.push(generated.keys.bls.0);
            assert_eq!(set.validators, expected);
            assert_eq!(Session::validators().len(), 4);
        });
    }
}

/// The bridge reads a BPCI partner's next validator set from its state at these keys: they must
/// be where this runtime keeps the set.
/// The bridge must be able to follow a GRANDPA partner of the largest set it accepts: the header
/// that announces the next set lists it, and on a BABE chain it also lists the next BABE set
/// (32-byte key and 8-byte weight each, plus randomness). Refused as too large, the change would
/// strand the client for good.
#[test]
fn a_grandpa_header_announcing_the_largest_set_fits_the_bridge() {
    use codec::Encode;
    use frame_support::traits::Get;
    let n = <<Runtime as pallet_bridge::Config>::MaxSetSize as Get<u32>>::get() as usize;
    let authorities: Vec<(sp_consensus_grandpa::AuthorityId, u64)> =
        (0..n).map(|i| (sp_core::ed25519::Public::from_raw([i as u8; 32]).into(), 1)).collect();
    let change = sp_consensus_grandpa::ConsensusLog::<u32>::ScheduledChange(sp_consensus_grandpa::ScheduledChange { next_authorities: authorities, delay: 0u32 });
    let mut header = <pallet_bridge::PartnerHeader as sp_runtime::traits::Header>::new(1, Default::default(), Default::default(), Default::default(), Default::default());
    header.digest.push(sp_runtime::DigestItem::Consensus(sp_consensus_grandpa::GRANDPA_ENGINE_ID, change.encode()));
    // The next BABE epoch: n (key, weight) pairs and 32 bytes of randomness.
    header.digest.push(sp_runtime::DigestItem::Consensus(*b"BABE", (1u8, vec![([0u8; 32], 1u64); n], [0u8; 32]).encode()));
    // A pre-runtime digest and a seal, as every block has.
    header.digest.push(sp_runtime::DigestItem::PreRuntime(*b"BABE", vec![0u8; 64]));
    header.digest.push(sp_runtime::DigestItem::Seal(*b"BABE", vec![0u8; 64]));
    let max = <<Runtime as pallet_bridge::Config>::MaxHeaderSize as Get<u32>>::get() as usize;
    assert!(header.encoded_size() <= max, "{} bytes > {max}", header.encoded_size());
}

#[test]
fn the_bridge_reads_the_validator_set_where_the_runtime_keeps_it() {
    assert_eq!(pallet_bridge::bpci::validators_key().to_vec(), pallet_validators::Validators::<Runtime>::hashed_key().to_vec());
    assert_eq!(pallet_bridge::bpci::set_id_key().to_vec(), pallet_validators::CurrentSetId::<Runtime>::hashed_key().to_vec());
}
