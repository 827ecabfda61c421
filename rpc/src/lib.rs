//! BPCI's own JSON-RPC methods, beside the standard Substrate set.
//!
//! - `bpci_consensusStatus`: the consensus engine's status ([`Bpci`]).
//! - `bpci_partners`, `bpci_eraReport(era)`, `bpci_currentEra`: the partner registry and the
//!   revenue reports, read through the runtime APIs `pallet_partners::PartnersApi` and
//!   `pallet_revenue::RevenueApi` ([`Registry`]). Balances are decimal strings (they exceed
//!   JavaScript's safe integers), accounts are printed with their `Display` (SS58 for
//!   `AccountId32`), shares are parts per billion.
//! - `bpci_partnerHealth`: each partner's light client and how long since it last verified a
//!   header and a storage proof ([`health`], also as Prometheus gauges).
//! - `bpci_proveFinality`, `bpci_proofBundle`: proofs of this chain for partners ([`proofs`]).
//!
//! The registry and health methods take an optional block hash as their last parameter and read
//! the last finalized block without one ([`read_at`]): what a wallet or dashboard shows then cannot
//! be reverted, and a caller that wants the best block passes its hash.

pub mod audit;
pub mod handovers;
pub mod health;
pub mod proofs;

use bpci_consensus::{ConsensusStatus, SharedStatus};
use jsonrpsee::{
    core::RpcResult,
    proc_macros::rpc,
    types::{error::ErrorObjectOwned, ErrorObject},
};
use pallet_partners::{PartnerSummary, PartnersApi};
use pallet_revenue::{ApiEraReport, ClassTotals, CurrentEraInfo, RevenueApi, Shares, SourceTotals};
use serde_json::{json, Value};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::H256;
use sp_runtime::traits::{Block as BlockT, Header as HeaderT};
use std::{fmt::Display, marker::PhantomData, sync::Arc};

/// The block a state-reading method reads and its number: the caller's `at`, or the last
/// finalized block. A hash this node does not know is the caller's mistake, named in the error.
pub fn read_at<C, Block>(client: &C, at: Option<H256>) -> Result<(H256, u64), ErrorObjectOwned>
where
    Block: BlockT<Hash = H256>,
    C: HeaderBackend<Block>,
{
    let hash = at.unwrap_or_else(|| client.info().finalized_hash);
    let header = client
        .header(hash)
        .map_err(|e| proofs::unavailable(e.to_string()))?
        .ok_or_else(|| proofs::invalid(format!("unknown block {hash:?}")))?;
    Ok((hash, header.number().to_string().parse::<u64>().unwrap_or_default()))
}

#[rpc(server)]
pub trait BpciApi {
    /// The consensus engine's view of itself: role, set, current view and leader, the highest
    /// quorum certificate and the last finalized block.
    #[method(name = "bpci_consensusStatus")]
    fn consensus_status(&self) -> RpcResult<ConsensusStatus>;
}

pub struct Bpci {
    status: SharedStatus,
}

impl Bpci {
    pub fn new(status: SharedStatus) -> Self {
        Self { status }
    }
}

impl BpciApiServer for Bpci {
    fn consensus_status(&self) -> RpcResult<ConsensusStatus> {
        Ok(self.status.read().clone())
    }
}

/// Partner registry and revenue reports.
#[rpc(server)]
pub trait BpciRegistryApi {
    /// Every partner in any status at `at` (default: the last finalized block): account, chain,
    /// status, revenue and vote weight, reputation, bond, payout account, relayers.
    #[method(name = "bpci_partners")]
    fn partners(&self, at: Option<H256>) -> RpcResult<Vec<Value>>;

    /// The report of a closed revenue era, or `null` if it is not (or no longer) in the history
    /// at `at` (default: the last finalized block).
    #[method(name = "bpci_eraReport")]
    fn era_report(&self, era: u32, at: Option<H256>) -> RpcResult<Option<Value>>;

    /// The revenue era running at `at` (default: the last finalized block): index, start, length,
    /// what the pot holds so far, mode, and the shares in force.
    #[method(name = "bpci_currentEra")]
    fn current_era(&self, at: Option<H256>) -> RpcResult<Value>;
}

/// Serves [`BpciRegistryApiServer`] from any client whose runtime implements `PartnersApi` and
/// `RevenueApi`.
pub struct Registry<C, Block, AccountId, Balance, BlockNumber> {
    client: Arc<C>,
    _marker: PhantomData<fn() -> (Block, AccountId, Balance, BlockNumber)>,
}

impl<C, Block, AccountId, Balance, BlockNumber> Registry<C, Block, AccountId, Balance, BlockNumber> {
    pub fn new(client: Arc<C>) -> Self {
        Self { client, _marker: PhantomData }
    }
}

fn api_error(e: impl Display) -> ErrorObjectOwned {
    ErrorObject::owned(1001, format!("runtime API call failed: {e}"), None::<()>)
}

impl<C, Block, AccountId, Balance, BlockNumber> BpciRegistryApiServer for Registry<C, Block, AccountId, Balance, BlockNumber>
where
    Block: BlockT<Hash = H256>,
    C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
    C::Api: PartnersApi<Block, AccountId, Balance> + RevenueApi<Block, AccountId, Balance, BlockNumber>,
    AccountId: codec::Codec + Display + Send + Sync + 'static,
    Balance: codec::Codec + Display + Send + Sync + 'static,
    BlockNumber: codec::Codec + Display + Send + Sync + 'static,
{
    fn partners(&self, at: Option<H256>) -> RpcResult<Vec<Value>> {
        let (at, _) = read_at(&*self.client, at)?;
        let list = self.client.runtime_api().partners(at).map_err(api_error)?;
        Ok(list.iter().map(partner_json).collect())
    }

    fn era_report(&self, era: u32, at: Option<H256>) -> RpcResult<Option<Value>> {
        let (at, _) = read_at(&*self.client, at)?;
        let report = self.client.runtime_api().era_report(at, era).map_err(api_error)?;
        Ok(report.as_ref().map(era_report_json))
    }

    fn current_era(&self, at: Option<H256>) -> RpcResult<Value> {
        let (at, _) = read_at(&*self.client, at)?;
        let api = self.client.runtime_api();
        let info = api.current_era(at).map_err(api_error)?;
        let shares = api.shares(at).map_err(api_error)?;
        Ok(current_era_json(&info, &shares))
    }
}

/// A partner as `bpci_partners` returns it.
pub fn partner_json<AccountId: Display, Balance: Display>(p: &PartnerSummary<AccountId, Balance>) -> Value {
    json!({
        "account": p.who.to_string(),
        "chainName": String::from_utf8_lossy(&p.chain_name),
        "chainId": format!("{:?}", p.chain_id),
        "consensus": format!("{:?}", p.consensus),
        "status": format!("{:?}", p.status),
        "revenueWeight": p.revenue_weight,
        "voteWeight": p.vote_weight,
        "reputation": p.reputation,
        "bond": p.bond.to_string(),
        "payout": p.payout.to_string(),
        "relayers": p.relayers.iter().map(|r| r.to_string()).collect::<Vec<_>>(),
        "validatorCount": p.validator_count,
        "firstProof": p.first_proof,
        "blocksSinceHeader": p.blocks_since_header,
        "unhealthy": p.unhealthy,
    })
}

fn sources_json<B: Display>(s: &SourceTotals<B>) -> Value {
    json!({
        "blockRewards": s.block_rewards.to_string(),
        "auction": s.auction.to_string(),
        "rent": s.rent.to_string(),
        "other": s.other.to_string(),
    })
}

fn classes_json<B: Display>(c: &ClassTotals<B>) -> Value {
    json!({
        "validators": c.validators.to_string(),
        "development": c.development.to_string(),
        "infrastructure": c.infrastructure.to_string(),
        "treasury": c.treasury.to_string(),
        "partners": c.partners.to_string(),
    })
}

fn shares_json(s: &Shares) -> Value {
    json!({
        "validators": s.validators.deconstruct(),
        "development": s.development.deconstruct(),
        "infrastructure": s.infrastructure.deconstruct(),
        "treasury": s.treasury.deconstruct(),
        "partners": s.partners.deconstruct(),
    })
}

/// An era report as `bpci_eraReport` returns it.
pub fn era_report_json<AccountId: Display, Balance: Display, BlockNumber: Display>(
    r: &ApiEraReport<AccountId, Balance, BlockNumber>,
) -> Value {
    json!({
        "era": r.era,
        "mode": format!("{:?}", r.mode),
        "start": r.start.to_string().parse::<u64>().unwrap_or_default(),
        "end": r.end.to_string().parse::<u64>().unwrap_or_default(),
        "sources": sources_json(&r.sources),
        "carriedIn": r.carried_in.to_string(),
        "pot": r.pot.to_string(),
        "shares": shares_json(&r.shares),
        "allocated": classes_json(&r.allocated),
        "payouts": r.payouts.iter().map(|p| json!({
            "class": format!("{:?}", p.class),
            "account": p.account.to_string(),
            "amount": p.amount.to_string(),
            "status": format!("{:?}", p.status),
        })).collect::<Vec<_>>(),
        "distributed": r.distributed.to_string(),
        "carriedOut": r.carried_out.to_string(),
        "partnerCarriedIn": r.partner_carried_in.to_string(),
        "withheld": r.withheld.to_string(),
    })
}

/// The running era as `bpci_currentEra` returns it.
pub fn current_era_json<Balance: Display, BlockNumber: Display>(i: &CurrentEraInfo<Balance, BlockNumber>, shares: &Shares) -> Value {
    json!({
        "index": i.index,
        "start": i.start.to_string().parse::<u64>().unwrap_or_default(),
        "length": i.length.to_string().parse::<u64>().unwrap_or_default(),
        "sources": sources_json(&i.sources),
        "carriedIn": i.carried_in.to_string(),
        "retained": i.retained.to_string(),
        "blockReward": i.block_reward.to_string(),
        "mode": format!("{:?}", i.mode),
        "partnerCarriedIn": i.partner_carried_in.to_string(),
        "shares": shares_json(shares),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partner_and_report_json_keep_balances_exact() {
        let p = PartnerSummary::<u64, u128> {
            who: 7,
            chain_name: b"Alice chain".to_vec(),
            chain_id: sp_core::H256::repeat_byte(1),
            consensus: pallet_partners::ConsensusKind::Bft,
            status: pallet_partners::PartnerStatus::Active,
            payout: 8,
            bond: 1_000_000_000_000_000_000_000,
            reputation: 500,
            revenue_weight: 2,
            vote_weight: 1,
            relayers: vec![9],
            validator_count: 120,
            first_proof: true,
            blocks_since_header: Some(3),
            unhealthy: false,
        };
        let v = partner_json(&p);
        assert_eq!(v["status"], "Active");
        assert_eq!(v["bond"], "1000000000000000000000");
        assert_eq!(v["revenueWeight"], 2);
        assert_eq!(v["relayers"][0], "9");
        assert_eq!(v["validatorCount"], 120);

        let r: ApiEraReport<u64, u128, u32> = pallet_revenue::EraReport {
            era: 3,
            mode: pallet_revenue::Mode::Mainnet,
            start: 30,
            end: 39,
            sources: SourceTotals { block_rewards: 10, auction: 3, rent: 1, other: 0 },
            carried_in: 2,
            pot: 16,
            shares: Shares::default(),
            allocated: ClassTotals { validators: 6, development: 4, infrastructure: 2, treasury: 2, partners: 0 },
            payouts: vec![pallet_revenue::Payout {
                class: pallet_revenue::RecipientClass::Development,
                account: 5,
                amount: 4,
                status: pallet_revenue::PayoutStatus::Paid,
            }],
            distributed: 4,
            carried_out: 12,
            partner_carried_in: 0,
            withheld: 0,
        };
        let v = era_report_json(&r);
        assert_eq!(v["era"], 3);
        assert_eq!(v["end"], 39);
        assert_eq!(v["sources"]["auction"], "3");
        assert_eq!(v["shares"]["validators"], 400_000_000);
        assert_eq!(v["payouts"][0]["class"], "Development");
        assert_eq!(v["carriedOut"], "12");
    }

    #[tokio::test]
    async fn status_is_served_as_camel_case_json() {
        let status = SharedStatus::default();
        status.write().view = 42;
        status.write().role = "validator".into();
        let module = Bpci::new(status).into_rpc();
        let value: serde_json::Value = module.call("bpci_consensusStatus", Vec::<()>::new()).await.unwrap();
        assert_eq!(value["view"], 42);
        assert_eq!(value["role"], "validator");
        assert!(value.get("lastFinalized").is_some());
    }
}
