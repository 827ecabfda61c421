//! Partner health: how long since each partner's light client last verified a header of its chain
//! and accepted a storage proof, by RPC (`bpci_partnerHealth`) and as Prometheus gauges.
//!
//! Both read `pallet_bridge::BridgeApi`: the RPC at the caller's block (default: the last
//! finalized), the gauges at each new best block. Ages are in this chain's blocks; a client
//! that never imported a header by proof counts from its checkpoint (`initialisedAt`), since the
//! checkpoint is when its partner's duty to relay started. A client that never accepted a storage
//! proof has no proof age (`null`, and no gauge sample).

use futures::StreamExt;
use jsonrpsee::{core::RpcResult, proc_macros::rpc, types::ErrorObject};
pub use pallet_bridge::{BridgeApi, ClientHealth};
use sc_client_api::BlockchainEvents;
use serde_json::{json, Value};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::H256;
use sp_runtime::traits::{Block as BlockT, Header as HeaderT};
use std::{fmt::Display, marker::PhantomData, sync::Arc};
use substrate_prometheus_endpoint::{register, GaugeVec, Opts, PrometheusError, Registry, U64};

#[rpc(server)]
pub trait BpciHealthApi {
    /// Every partner's light client at `at` (default: the last finalized block): the partner
    /// chain's best verified header and trusted set, and this chain's blocks up to `at` since the
    /// client last verified a header and accepted a storage proof.
    #[method(name = "bpci_partnerHealth")]
    fn partner_health(&self, at: Option<H256>) -> RpcResult<Vec<Value>>;
}

/// Serves [`BpciHealthApiServer`] from any client whose runtime implements `BridgeApi`.
pub struct Health<C, Block, AccountId, BlockNumber> {
    client: Arc<C>,
    _marker: PhantomData<fn() -> (Block, AccountId, BlockNumber)>,
}

impl<C, Block, AccountId, BlockNumber> Health<C, Block, AccountId, BlockNumber> {
    pub fn new(client: Arc<C>) -> Self {
        Self { client, _marker: PhantomData }
    }
}

/// Blocks from `since` to `now` (never negative).
fn age<N: Display>(now: u64, since: &N) -> u64 {
    now.saturating_sub(since.to_string().parse::<u64>().unwrap_or(now))
}

/// A client as `bpci_partnerHealth` returns it, `now` being the number of the block read.
pub fn health_json<AccountId: Display, BlockNumber: Display>(h: &ClientHealth<AccountId, BlockNumber>, now: u64) -> Value {
    let since_header = h.last_header.as_ref().unwrap_or(&h.initialised_at);
    json!({
        "partner": h.partner.to_string(),
        "scheme": format!("{:?}", h.scheme),
        "bestNumber": h.best_number,
        "bestHash": format!("{:?}", h.best_hash),
        "setId": h.set_id,
        "validators": h.validators,
        "initialisedAt": h.initialised_at.to_string().parse::<u64>().unwrap_or_default(),
        "lastHeaderAt": h.last_header.as_ref().map(|n| n.to_string().parse::<u64>().unwrap_or_default()),
        "lastProofAt": h.last_proof.as_ref().map(|n| n.to_string().parse::<u64>().unwrap_or_default()),
        "blocksSinceHeader": age(now, since_header),
        "blocksSinceProof": h.last_proof.as_ref().map(|n| age(now, n)),
    })
}

impl<C, Block, AccountId, BlockNumber> BpciHealthApiServer for Health<C, Block, AccountId, BlockNumber>
where
    Block: BlockT<Hash = H256>,
    C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
    C::Api: BridgeApi<Block, AccountId, BlockNumber>,
    AccountId: codec::Codec + Display + Send + Sync + 'static,
    BlockNumber: codec::Codec + Display + Send + Sync + 'static,
{
    fn partner_health(&self, at: Option<H256>) -> RpcResult<Vec<Value>> {
        let (hash, now) = crate::read_at(&*self.client, at)?;
        let clients = self
            .client
            .runtime_api()
            .clients(hash)
            .map_err(|e| ErrorObject::owned(1001, format!("runtime API call failed: {e}"), None::<()>))?;
        Ok(clients.iter().map(|h| health_json(h, now)).collect())
    }
}

/// The gauges: blocks since each partner's last verified header and last storage proof.
pub struct HealthMetrics {
    since_header: GaugeVec<U64>,
    since_proof: GaugeVec<U64>,
}

impl HealthMetrics {
    pub fn register(registry: &Registry) -> Result<Self, PrometheusError> {
        Ok(Self {
            since_header: register(
                GaugeVec::new(
                    Opts::new("bpci_partner_blocks_since_header", "Blocks since the partner's light client last verified a header"),
                    &["partner"],
                )?,
                registry,
            )?,
            since_proof: register(
                GaugeVec::new(
                    Opts::new("bpci_partner_blocks_since_proof", "Blocks since the partner's light client last accepted a storage proof"),
                    &["partner"],
                )?,
                registry,
            )?,
        })
    }

    /// Sets the gauges from the clients at block `now`; partners no longer listed lose theirs.
    pub fn update<AccountId: Display, BlockNumber: Display>(&self, clients: &[ClientHealth<AccountId, BlockNumber>], now: u64) {
        self.since_header.reset();
        self.since_proof.reset();
        for h in clients {
            let partner = h.partner.to_string();
            let since_header = h.last_header.as_ref().unwrap_or(&h.initialised_at);
            self.since_header.with_label_values(&[partner.as_str()]).set(age(now, since_header));
            if let Some(last) = &h.last_proof {
                self.since_proof.with_label_values(&[partner.as_str()]).set(age(now, last));
            }
        }
    }
}

/// Keeps the gauges current: updated on every new best block.
pub async fn run_metrics<Block, C, AccountId, BlockNumber>(client: Arc<C>, metrics: HealthMetrics)
where
    Block: BlockT,
    C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + BlockchainEvents<Block> + Send + Sync + 'static,
    C::Api: BridgeApi<Block, AccountId, BlockNumber>,
    AccountId: codec::Codec + Display,
    BlockNumber: codec::Codec + Display,
{
    let mut imports = client.import_notification_stream();
    while let Some(n) = imports.next().await {
        if !n.is_new_best {
            continue;
        }
        let now = n.header.number().to_string().parse::<u64>().unwrap_or_default();
        match client.runtime_api().clients(n.hash) {
            Ok(clients) => metrics.update(&clients, now),
            Err(e) => log::debug!(target: "bpci-rpc", "partner health metrics: {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(last_header: Option<u32>, last_proof: Option<u32>) -> ClientHealth<u64, u32> {
        ClientHealth {
            partner: 7,
            scheme: pallet_bridge::Scheme::Bpci,
            best_number: 900,
            best_hash: sp_core::H256::repeat_byte(1),
            set_id: 2,
            validators: 5,
            initialised_at: 10,
            last_header,
            last_proof,
        }
    }

    #[test]
    fn ages_count_from_the_last_header_or_the_checkpoint() {
        let v = health_json(&client(Some(40), Some(35)), 50);
        assert_eq!((v["blocksSinceHeader"].clone(), v["blocksSinceProof"].clone()), (json!(10), json!(15)));
        assert_eq!((v["bestNumber"].clone(), v["setId"].clone(), v["validators"].clone()), (json!(900), json!(2), json!(5)));
        let never = health_json(&client(None, None), 50);
        assert_eq!(never["blocksSinceHeader"], 40, "counts from the checkpoint");
        assert_eq!((never["lastHeaderAt"].clone(), never["blocksSinceProof"].clone()), (Value::Null, Value::Null));
    }

    #[test]
    fn gauges_follow_the_clients() {
        let registry = Registry::new();
        let metrics = HealthMetrics::register(&registry).unwrap();
        metrics.update(&[client(Some(40), None)], 50);
        let text = |r: &Registry| {
            r.gather()
                .iter()
                .flat_map(|f| f.get_metric().iter().map(move |m| (f.get_name().to_string(), m.get_gauge().get_value() as u64)))
                .collect::<Vec<_>>()
        };
        assert_eq!(text(&registry), vec![("bpci_partner_blocks_since_header".to_string(), 10)]);
        metrics.update(&[client(Some(40), Some(45))], 60);
        assert_eq!(
            text(&registry),
            vec![("bpci_partner_blocks_since_header".to_string(), 20), ("bpci_partner_blocks_since_proof".to_string(), 15)]
        );
        // A client that is gone loses its samples.
        metrics.update::<u64, u32>(&[], 70);
        assert!(text(&registry).is_empty());
    }
}
