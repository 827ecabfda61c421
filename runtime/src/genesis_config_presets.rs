//! Genesis presets: `development` (Alice validates alone), `local_testnet` (Alice, Bob, Charlie
//! and Dave validate: n = 4 tolerates one fault), both with Alice as sudo, and `bpci`, the
//! production genesis without sudo (see [`bpci_config_genesis`]).
//!
//! The first two make the partnership lifecycle usable at once: Alice and Bob are `Active` partners from
//! genesis (so the roundtable has members; each holds a bond of [`GENESIS_PARTNER_BOND`]), the
//! application requirements are the defaults (a year, 100 validators) with a minimum bond of
//! [`MIN_PARTNER_BOND`], revenue uses the default 40/25/15/15/5 shares in `Testnet` mode with a
//! block reward of one token and short eras, and the auction runs in `Testnet` mode.
//!
//! The presets are built inside the WASM runtime, which has no BLS implementation of its own, so
//! the validators' BLS keys are constants here. They are what the node derives for `--alice` etc.
//! (see `bpci_primitives::host`); a runtime test recomputes them and fails if they drift.

use crate::{AccountId, Balance, SessionKeys, DAYS, HOURS, MINUTES, UNIT};
use alloc::{vec, vec::Vec};
use bpci_primitives::{BlsPublic, BlsSessionKey};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_genesis_builder::{self, PresetId};
use pallet_auction::AuctionMode;
use pallet_partners::Requirements;
use pallet_roundtable::{tracks, TrackId, TrackParams};
use pallet_revenue::{Mode as RevenueMode, Shares};
use sp_core::H256;
use sp_keyring::Sr25519Keyring;

/// Each endowed development account starts with a million tokens.
pub const ENDOWMENT: Balance = 1_000_000 * UNIT;

/// The BLS key the node derives for a development seed `//Name` (see the module docs).
pub fn dev_bls_key(who: Sr25519Keyring) -> BlsPublic {
    let hex = match who {
        Sr25519Keyring::Alice => DEV_BLS_KEYS[0],
        Sr25519Keyring::Bob => DEV_BLS_KEYS[1],
        Sr25519Keyring::Charlie => DEV_BLS_KEYS[2],
        Sr25519Keyring::Dave => DEV_BLS_KEYS[3],
        Sr25519Keyring::Eve => DEV_BLS_KEYS[4],
        _ => DEV_BLS_KEYS[5],
    };
    BlsPublic(decode_hex(hex))
}

/// `//Alice`, `//Bob`, `//Charlie`, `//Dave`, `//Eve`, `//Ferdie`.
pub const DEV_BLS_KEYS: [&str; 6] = [
    "8e88dc459201b32e8cf45d61d064fd631d20b9efe2e6031f58b333b1e80dc692bf21f6d3b6c156810d47140199a65973",
    "a18cce16f420a1ee20ba831aa59e6d948995c4f9447223d2b0dca2f2912498ad76c04eabb8726b5025518de8dec98c08",
    "8089f304407fe0a48162b6b7b90cd5e4387590c65706afe1ca799be2fb3bae627e66f2bb1ab5a16b630e7071a92a74eb",
    "8bbac32baa349267d1c7ab7d7aeef3cdf017058f2dad2959f5004d7c7126c71673e699545dc996b70c651f05ea0334ad",
    "959174aae95a5d3f952562ccfbb2bcb4d573c69669b336ba3513c69466ea45ab7718af82c206db7df2de4314238f8acb",
    "add961ff9b81f3f9d4c6f5fd18c415f0976d1f46ff580fe0cfb5f284378966bb78f754cb17615bad1d04cb29fcd4299b",
];

const fn decode_hex(s: &str) -> [u8; 48] {
    const fn nibble(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => panic!("lowercase hex only"),
        }
    }
    let b = s.as_bytes();
    let mut out = [0u8; 48];
    let mut i = 0;
    while i < 48 {
        out[i] = nibble(b[2 * i]) << 4 | nibble(b[2 * i + 1]);
        i += 1;
    }
    out
}

fn session_keys(who: Sr25519Keyring) -> SessionKeys {
    SessionKeys { bls: BlsSessionKey(dev_bls_key(who)) }
}

/// Bond each genesis partner holds.
pub const GENESIS_PARTNER_BOND: Balance = 1_000 * UNIT;
/// Smallest bond an application must hold on the dev and local chains.
pub const MIN_PARTNER_BOND: Balance = 100 * UNIT;
/// Units minted into the revenue pot per block on the dev and local chains.
pub const DEV_BLOCK_REWARD: Balance = UNIT;

/// The genesis partners: controller and chain name.
pub const GENESIS_PARTNERS: [(Sr25519Keyring, &str); 2] =
    [(Sr25519Keyring::Alice, "Alice chain"), (Sr25519Keyring::Bob, "Bob chain")];

/// The chain id a genesis partner stands for: the hash of its name (no real chain behind it).
pub fn genesis_partner_chain_id(name: &str) -> H256 {
    <sp_runtime::traits::BlakeTwo256 as sp_runtime::traits::Hash>::hash(name.as_bytes())
}

/// Alice and Bob are Active partners from genesis, so the roundtable has members.
fn genesis_partners() -> Vec<(AccountId, Vec<u8>, H256, Balance)> {
    GENESIS_PARTNERS
        .iter()
        .map(|(k, name)| (k.to_account_id(), name.as_bytes().to_vec(), genesis_partner_chain_id(name), GENESIS_PARTNER_BOND))
        .collect()
}

/// Every preset's health policy: a partner whose chain had no header verified here for a day is
/// marked unhealthy (and loses reputation every further day); after a week its revenue share is
/// withheld. Genesis partners with no chain behind them (Alice and Bob) are no exception: on a dev
/// chain that runs for a day they are marked, and after a week, with nobody else to pay, the
/// partners' share goes to the next era's pot. A real network replaces them (`docs/operator.md`).
pub const PARTNER_HEALTH: pallet_partners::HealthPolicy<u32> =
    pallet_partners::HealthPolicy { unhealthy_after: DAYS, withhold_after: 7 * DAYS };

/// What differs between the presets.
struct Economy {
    era_length: u32,
    block_reward: Balance,
    revenue: RevenueMode,
    auction: AuctionMode,
    /// Rules of the roundtable's tracks.
    tracks: Vec<(TrackId, TrackParams<Balance, u32>)>,
}

/// Decision period of every track on the dev and local chains: 12 blocks to vote, so that
/// end-to-end tests decide polls in seconds; a block to prepare, to confirm and to enactment.
pub const DEV_DECISION_PERIOD: u32 = 12;

/// Decision deposit of every track in every preset.
pub const DECISION_DEPOSIT: Balance = 10 * UNIT;

/// Polls of a track decided at once, in every preset: as many as there can be partners. The
/// thresholds are absolute, so a lower limit buys nothing and lets a few cheap junk polls hold a
/// track's every slot for a whole decision period (the emergency track's when it is needed).
pub const MAX_DECIDING: u32 = 64;

/// The dev and local chains' tracks: the runtime's thresholds with periods of a few blocks.
fn dev_tracks() -> Vec<(TrackId, TrackParams<Balance, u32>)> {
    tracks::TRACKS
        .into_iter()
        .map(|id| {
            let d = pallet_roundtable::Pallet::<crate::Runtime>::default_track(id);
            (
                id,
                TrackParams {
                    max_deciding: MAX_DECIDING,
                    decision_deposit: DECISION_DEPOSIT,
                    prepare_period: 1,
                    decision_period: DEV_DECISION_PERIOD,
                    confirm_period: 1,
                    min_enactment_period: 1,
                    ..d
                },
            )
        })
        .collect()
}

/// The production tracks. Thresholds are the runtime's (ordinary: half of the electorate and more
/// than half of the votes cast; treasurer: more than half of both; partner removal, protocol and
/// emergency: two thirds of both). Periods: a poll waits to be decided (prepare), is decided
/// within the decision period, must keep passing for the confirm period, and is enacted at least
/// the enactment period later. The emergency track must decide within a stall, whose stall blocks
/// come every 3 s per live validator: a block to prepare, ten to confirm, one to enactment.
fn production_tracks() -> Vec<(TrackId, TrackParams<Balance, u32>)> {
    let rules = |id, prepare_period, decision_period, confirm_period, min_enactment_period| {
        let d = pallet_roundtable::Pallet::<crate::Runtime>::default_track(id);
        (
            id,
            TrackParams {
                max_deciding: MAX_DECIDING,
                decision_deposit: DECISION_DEPOSIT,
                prepare_period,
                decision_period,
                confirm_period,
                min_enactment_period,
                ..d
            },
        )
    };
    vec![
        rules(tracks::ORDINARY, HOURS, 7 * DAYS, HOURS, 10 * MINUTES),
        rules(tracks::TREASURER, HOURS, 7 * DAYS, 3 * HOURS, HOURS),
        rules(tracks::PARTNER_REMOVAL, HOURS, 7 * DAYS, DAYS, 10 * MINUTES),
        rules(tracks::PROTOCOL, DAYS, 14 * DAYS, DAYS, DAYS),
        rules(tracks::EMERGENCY, 1, DAYS, 10, 1),
    ]
}

fn testnet_economy(era_length: u32) -> Economy {
    Economy {
        era_length,
        block_reward: DEV_BLOCK_REWARD,
        revenue: RevenueMode::Testnet,
        auction: AuctionMode::Testnet,
        tracks: dev_tracks(),
    }
}

fn genesis(validators: Vec<Sr25519Keyring>, endowed: Vec<AccountId>, root: Option<AccountId>, economy: Economy) -> Value {
    build_struct_json_patch!(crate::RuntimeGenesisConfig {
        balances: pallet_balances::GenesisConfig {
            balances: endowed.iter().cloned().map(|k| (k, ENDOWMENT)).collect::<Vec<_>>(),
        },
        session: pallet_session::GenesisConfig {
            keys: validators
                .iter()
                .map(|v| (v.to_account_id(), v.to_account_id(), session_keys(*v)))
                .collect::<Vec<_>>(),
        },
        sudo: pallet_sudo::GenesisConfig { key: root },
        partners: pallet_partners::GenesisConfig {
            requirements: Some(Requirements {
                min_operational_secs: pallet_partners::YEAR_SECS,
                min_validators: 100,
                min_bond: MIN_PARTNER_BOND,
            }),
            partners: genesis_partners(),
            health: Some(PARTNER_HEALTH),
        },
        revenue: pallet_revenue::GenesisConfig {
            shares: Shares::default(),
            era_length: economy.era_length,
            block_reward: economy.block_reward,
            mode: economy.revenue,
        },
        auction: pallet_auction::GenesisConfig { mode: economy.auction },
        roundtable: pallet_roundtable::GenesisConfig { tracks: economy.tracks },
    })
}

pub fn development_config_genesis() -> Value {
    genesis(
        vec![Sr25519Keyring::Alice],
        Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
        Some(Sr25519Keyring::Alice.to_account_id()),
        testnet_economy(DEV_ERA_LENGTH),
    )
}

/// Revenue era on the dev chain: 10 blocks (10 s).
pub const DEV_ERA_LENGTH: u32 = 10;
/// Revenue era on the local testnet: a minute.
pub const LOCAL_ERA_LENGTH: u32 = 60;

pub fn local_config_genesis() -> Value {
    genesis(
        LOCAL_VALIDATORS.to_vec(),
        Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
        Some(Sr25519Keyring::Alice.to_account_id()),
        testnet_economy(LOCAL_ERA_LENGTH),
    )
}

const LOCAL_VALIDATORS: [Sr25519Keyring; 4] =
    [Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie, Sr25519Keyring::Dave];

/// Name of the production preset.
pub const BPCI_PRESET: &str = "bpci";
/// Revenue era of the production preset: an hour of 1 s blocks.
pub const BPCI_ERA_LENGTH: u32 = 3_600;

/// The production genesis (`bpci`): no sudo key, so Root exists only as a passed poll of the
/// roundtable's protocol track; revenue and the auction in `Mainnet` mode (real transfers and
/// forfeits); hour-long eras and no block reward (the roundtable may set one). Only the validators
/// and partners are endowed, for their bonds and fees.
///
/// Its validators (the local testnet's four) and partners (Alice and Bob) are placeholders with
/// well-known keys, so that the preset builds and its rules are tested: a real network exports
/// it (`bpci-node export-chain-spec --chain bpci`) and replaces `session.keys`,
/// `partners.partners` and `balances` with its operators' own before launch
/// (`docs/operator.md`).
pub fn bpci_config_genesis() -> Value {
    let endowed = LOCAL_VALIDATORS.iter().map(|k| k.to_account_id()).collect();
    genesis(
        LOCAL_VALIDATORS.to_vec(),
        endowed,
        None,
        Economy {
            era_length: BPCI_ERA_LENGTH,
            block_reward: 0,
            revenue: RevenueMode::Mainnet,
            auction: AuctionMode::Mainnet,
            tracks: production_tracks(),
        },
    )
}

pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
    let patch = match id.as_ref() {
        sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
        sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
        BPCI_PRESET => bpci_config_genesis(),
        _ => return None,
    };
    Some(
        serde_json::to_string(&patch)
            .expect("serialization to json is expected to work. qed.")
            .into_bytes(),
    )
}

pub fn preset_names() -> Vec<PresetId> {
    vec![
        PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
        PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
        PresetId::from(BPCI_PRESET),
    ]
}
