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
        assert_eq!(
            pallet_balances::Pallet::<Runtime>::free_balance(Sr25519Keyring::Bob.to_account_id()),
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

#[test]
fn block_weights_leave_room_for_consensus() {
    let max = <configs::RuntimeBlockWeights as Get<frame_system::limits::BlockWeights>>::get().max_block;
    assert!(max.ref_time() <= frame_support::weights::constants::WEIGHT_REF_TIME_PER_SECOND / 2);
}
