//! The target chain, over subxt: the partner's light client as its finalized state says, and
//! signed `Bridge.submit_finality_proof` transactions, each followed to its finalized block.

use crate::call::RawArgs;
use bpci_primitives::SetId;
use codec::{Decode, DecodeAll, Encode};
use pallet_bridge::{Client, FinalityProof, Scheme, TrustedSet};
use sp_core::{ConstU32, H256};
use std::time::Duration;
use subxt::config::{PolkadotConfig, PolkadotExtrinsicParamsBuilder, RpcConfigFor};
use subxt::rpcs::methods::LegacyRpcMethods;
use subxt::rpcs::RpcClient;
use subxt::transactions::TransactionStatus;
use subxt::utils::AccountId32;
use subxt::OnlineClient;
use subxt_signer::sr25519::Keypair;

/// subxt's configuration for a BPCI chain. `PolkadotConfig` fits it: 32-byte accounts,
/// `MultiAddress<AccountId32, ()>` (no account index), sr25519 `MultiSignature`, BLAKE2 hashing and
/// the standard transaction extensions. Polkadot's historic types and spec versions are not used:
/// every block the relayer reads has current metadata.
type Bpci = PolkadotConfig;

/// Where the bridge lives in the target's runtime (resolved by name through its metadata).
const PALLET: &str = "Bridge";
const CALL: &str = "submit_finality_proof";

/// How long a submitted proof may take to reach a finalized block before the round gives up on
/// it (the next round reads the client again and resubmits what is still missing).
const INCLUSION_TIMEOUT: Duration = Duration::from_secs(120);

/// A bound above any runtime's `MaxSetSize`, to decode the stored set whatever the runtime's is.
type AnySetSize = ConstU32<{ u32::MAX }>;

/// What the relayer needs of the partner's light client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientState {
    pub scheme: Scheme,
    pub genesis: H256,
    pub best_number: u32,
    pub best_hash: H256,
    /// Id of the set the client trusts.
    pub set_id: SetId,
}

/// What became of one submission.
#[derive(Debug, PartialEq, Eq)]
pub enum Submitted {
    /// Finalized in a block, with the bridge's events for the partner.
    Included(Vec<BridgeEvent>),
    /// Refused by the pool as obsolete or as a copy of another relayer's: not an error.
    Skipped(String),
}

/// The bridge events relayers care about, for the partner relayed to.
#[derive(Debug, PartialEq, Eq)]
pub enum BridgeEvent {
    HeaderImported { number: u32, hash: H256 },
    SetHandedOver { set_id: SetId },
}

pub struct Target {
    api: OnlineClient<Bpci>,
    rpc: LegacyRpcMethods<RpcConfigFor<Bpci>>,
    partner: [u8; 32],
    signer: Keypair,
}

impl Target {
    pub async fn connect(url: &str, partner: [u8; 32], signer: Keypair) -> anyhow::Result<Self> {
        let rpc = RpcClient::from_insecure_url(url).await?;
        let config = PolkadotConfig::builder().use_historic_types(false).build();
        let api = OnlineClient::<Bpci>::from_rpc_client_with_config(config, rpc.clone()).await?;
        Ok(Self { api, rpc: LegacyRpcMethods::new(rpc), partner, signer })
    }

    /// The partner's client and its trusted set at the target's finalized block; `None` if
    /// governance has not created it.
    pub async fn client_state(&self) -> anyhow::Result<Option<ClientState>> {
        let at = self.api.at_current_block().await?;
        let storage = at.storage();
        let fetch = |entry: &'static str| {
            let address = subxt::dynamic::storage::<([u8; 32],), subxt::dynamic::Value>(PALLET, entry);
            storage.try_fetch(address, (self.partner,))
        };
        let Some(client) = fetch("Clients").await? else { return Ok(None) };
        let Some(set) = fetch("TrustedSets").await? else { return Ok(None) };
        let client = Client::<u32>::decode_all(&mut client.bytes())
            .map_err(|e| anyhow::anyhow!("the target's Bridge::Clients entry does not decode as the relayer's Client: {e}"))?;
        let set = TrustedSet::<AnySetSize>::decode_all(&mut set.bytes())
            .map_err(|e| anyhow::anyhow!("the target's Bridge::TrustedSets entry does not decode as the relayer's TrustedSet: {e}"))?;
        Ok(Some(ClientState {
            scheme: client.scheme,
            genesis: client.genesis,
            best_number: client.best_number,
            best_hash: client.best_hash,
            set_id: set.set_id(),
        }))
    }

    /// Signs `proof` for the partner, submits it and follows it to a finalized block. An error
    /// is a real failure: the pool refused it for another reason than obsolescence, it failed in
    /// its block (the dispatch error is in the message), or the connection broke.
    pub async fn submit(&self, proof: &FinalityProof) -> anyhow::Result<Submitted> {
        let payload = subxt::dynamic::tx(PALLET, CALL, RawArgs(vec![self.partner.encode(), proof.encode()]));
        let account: AccountId32 = self.signer.public_key().into();
        // The pool's next nonce, not the finalized state's: a transaction of this signer may still
        // be in the pool or in an unfinalized block.
        let nonce = self.rpc.system_account_next_index(&account).await?;
        let params = PolkadotExtrinsicParamsBuilder::<Bpci>::new().nonce(nonce).build();
        let mut tx = self.api.at_current_block().await?.transactions();
        let mut progress = match tx.sign_and_submit_then_watch(&payload, &self.signer, params).await {
            Ok(progress) => progress,
            Err(e) => {
                let message = error_text(&e);
                return if is_benign(&message) { Ok(Submitted::Skipped(message)) } else { Err(anyhow::anyhow!(message)) };
            }
        };
        let status = tokio::time::timeout(INCLUSION_TIMEOUT, async {
            while let Some(status) = progress.next().await {
                match status {
                    Err(e) => return Err(anyhow::Error::from(e)),
                    Ok(TransactionStatus::InFinalizedBlock(in_block)) => return Ok(Ok(in_block)),
                    Ok(TransactionStatus::Invalid { message })
                    | Ok(TransactionStatus::Dropped { message })
                    | Ok(TransactionStatus::Error { message }) => return Ok(Err(message)),
                    Ok(_) => continue,
                }
            }
            Err(anyhow::anyhow!("the target ended the transaction's status stream before it was finalized"))
        })
        .await
        .map_err(|_| anyhow::anyhow!("the transaction was not finalized within {INCLUSION_TIMEOUT:?}"))??;
        let in_block = match status {
            Ok(in_block) => in_block,
            Err(message) if is_benign(&message) => return Ok(Submitted::Skipped(message)),
            Err(message) => anyhow::bail!("the target refused the transaction: {message}"),
        };
        let block = in_block.block_hash();
        let events = match in_block.wait_for_success().await {
            Ok(events) => events,
            Err(e) => {
                let message = format!("the transaction failed in block {block:?}: {}", error_text(&e));
                // Obsolete by the time it ran (the pool should have kept it out): nothing lost but its fee.
                return if is_benign(&message) {
                    Ok(Submitted::Skipped(message))
                } else {
                    Err(RefusedInBlock { proof: sp_crypto_hashing::blake2_256(&proof.encode()), message }.into())
                };
            }
        };
        let mut relevant = Vec::new();
        for event in events.iter() {
            let event = event?;
            if event.pallet_name() == PALLET {
                if let Some(event) = bridge_event(event.event_name(), event.field_bytes(), &self.partner) {
                    relevant.push(event);
                }
            }
        }
        Ok(Submitted::Included(relevant))
    }
}

/// The target ran the proof and refused it: the signer paid. The relayer does not submit the
/// same proof again (see `main.rs`).
#[derive(Debug)]
pub struct RefusedInBlock {
    /// BLAKE2-256 of the refused proof's encoding.
    pub proof: [u8; 32],
    pub message: String,
}

impl std::fmt::Display for RefusedInBlock {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RefusedInBlock {}

/// Reads the leading fields of the bridge's `HeaderImported { partner, number, hash, .. }` and
/// `SetHandedOver { partner, set_id, .. }` events; `None` for other events and other partners.
fn bridge_event(name: &str, mut fields: &[u8], partner: &[u8; 32]) -> Option<BridgeEvent> {
    match name {
        "HeaderImported" => {
            let (who, number, hash) = <([u8; 32], u32, H256)>::decode(&mut fields).ok()?;
            (who == *partner).then_some(BridgeEvent::HeaderImported { number, hash })
        }
        "SetHandedOver" => {
            let (who, set_id) = <([u8; 32], SetId)>::decode(&mut fields).ok()?;
            (who == *partner).then_some(BridgeEvent::SetHandedOver { set_id })
        }
        _ => None,
    }
}

/// An error and its sources, plus the data of a JSON-RPC error (the legacy submission RPC puts
/// the reason there: "Invalid Transaction" + "Transaction is outdated").
fn error_text(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = Some(e);
    while let Some(err) = source {
        if let Some(user) = err.downcast_ref::<subxt::rpcs::UserError>() {
            if let Some(data) = &user.data {
                text = format!("{text}: {}", data.get());
            }
        }
        source = err.source();
    }
    text
}

/// Whether the pool refused a proof because it is obsolete (at or below the client's best, or a
/// hand-over from a set already left: `RejectObsoleteBridgeProofs`) or because another relayer's
/// copy holds its tag (same partner and header number, or same outgoing set): nothing to relay,
/// nothing paid. The wording is the node's, through either submission RPC (`transactionWatch_v1`
/// or `author_submitAndWatchExtrinsic`).
pub fn is_benign(message: &str) -> bool {
    const BENIGN: &[&str] = &[
        // InvalidTransaction::Stale, from RejectObsoleteBridgeProofs (and the pallet's StaleHeader).
        "outdated",
        "stale",
        // Another transaction holds the tag and tips at least as much.
        "priority is too low",
        "too low priority",
        "priority of the transaction is too low",
        // This very transaction is already in the pool, or was just included and is banned for a while.
        "already imported",
        "temporarily banned",
        // A copy that tips more took the tag from ours, or ours went invalid when another landed.
        "usurped",
        "rendered invalid by another extrinsic",
        "marked as invalid",
    ];
    let message = message.to_lowercase();
    BENIGN.iter().any(|b| message.contains(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn obsolete_and_duplicate_refusals_are_benign() {
        for message in [
            "Invalid transaction: Transaction is outdated",
            "Backend error: RPC error: RPC error: User error: Invalid Transaction (1010): \"Transaction is outdated\"",
            "The priority of the transaction is too low (pool 10 > current 10)",
            "Priority is too low: (10 vs 10)",
            "Transaction is already imported",
            "Transaction Already Imported (1013)",
            "Transaction is temporarily banned",
            "Extrinsic was rendered invalid by another extrinsic",
            "Extrinsic marked as invalid",
            "Module error: Bridge::StaleHeader",
        ] {
            assert!(is_benign(message), "{message}");
        }
    }

    #[test]
    fn other_refusals_are_errors() {
        for message in [
            "Invalid transaction: Inability to pay some fees (e.g. account balance too low)",
            "Invalid transaction: Transaction has a bad signature",
            "Module error: Bridge::InvalidHandover",
            "Module error: Bridge::BadSignature",
            "RPC error: client error: connection closed",
        ] {
            assert!(!is_benign(message), "{message}");
        }
    }

    #[test]
    fn bridge_events_are_read_for_the_partner_only() {
        let partner = [1u8; 32];
        let hash = H256::repeat_byte(9);
        let imported = (partner, 42u32, hash, H256::repeat_byte(3), true).encode();
        assert_eq!(bridge_event("HeaderImported", &imported, &partner), Some(BridgeEvent::HeaderImported { number: 42, hash }));
        assert_eq!(bridge_event("HeaderImported", &imported, &[2u8; 32]), None);
        let handed_over = (partner, 7u64, 4u32, false).encode();
        assert_eq!(bridge_event("SetHandedOver", &handed_over, &partner), Some(BridgeEvent::SetHandedOver { set_id: 7 }));
        assert_eq!(bridge_event("ValuesProven", &handed_over, &partner), None);
    }
}
