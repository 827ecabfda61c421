//! The transaction pool the node runs: polkadot-sdk's pool, with the `Finalized` status of watched
//! transactions paced after their `InBlock`.
//!
//! Our finality takes milliseconds, so a pool reports a transaction `InBlock` and `Finalized` back
//! to back. polkadot.js (`@polkadot/api` 16) handles a watched transaction's statuses with a
//! `switchMap` that fetches the block's events for `InBlock`; a `Finalized` that arrives before that
//! fetch returns cancels it, and the callback never sees `InBlock`. Scripts that wait for `InBlock`
//! (the common pattern) then wait forever. Holding back the *client's* finality, as the engine once
//! did, delays every user of finality (RPC heads, justifications, relayers) and missed blocks
//! imported with a justification or after a restart. Here only what the pool hears is ordered:
//! - a block is processed as the new best before its finality, always (if finality comes first, the
//!   pool is told of the block as best first, so its transactions are reported `InBlock`);
//! - the pool hears of a block's finality no sooner than [`STATUS_GAP_MS`] after it processed the
//!   block, while later blocks go on being processed without waiting.
//!
//! Everything else is the wrapped pool's.

use async_trait::async_trait;
use futures::{channel::mpsc, FutureExt, StreamExt};
use sc_transaction_pool_api::{
    ChainEvent, ImportNotificationStream, LocalTransactionFor, LocalTransactionPool, MaintainedTransactionPool, PoolStatus,
    ReadyTransactions, TransactionFor, TransactionPool, TransactionSource, TransactionStatusStreamFor, TxHash,
    TxInvalidityReportMap,
};
use sp_blockchain::HeaderMetadata;
use sp_runtime::{
    traits::Block as BlockT,
    transaction_validity::{InvalidTransaction, TransactionValidityError},
};
use std::{
    collections::{HashMap, VecDeque},
    pin::Pin,
    sync::Arc,
    time::{Duration, Instant},
};

/// The single-state pool unless the operator chooses (`--pool-type`): the fork-aware pool keeps
/// transactions only in views of recent leaves, and a stall block (docs/consensus.md) is built on the
/// highest certified block, which fast finality has usually made final and dropped the view of, so
/// the governance call that ends a stall would never be included.
pub const DEFAULT_POOL_TYPE: &str = "single-state";

/// Ready transactions the pool holds unless `--pool-limit` says otherwise (it keeps a tenth as many
/// future ones): about a minute of full blocks (docs/performance.md has a full block's transfers), so
/// a burst the chain clears within a minute loses nothing. Beyond it the pool evicts the lowest
/// priority and tells their watchers `dropped` (upstream's 8,192 held 16 s of blocks and evicted
/// 10,000 of an 18,000-transfer burst).
pub const DEFAULT_POOL_LIMIT: &str = "40960";

/// Least time between a block reaching the pool as best and its finality reaching the pool: long
/// enough for a client on the same machine or LAN to fetch the block's events after `InBlock`.
pub const STATUS_GAP_MS: u64 = 250;
/// Blocks whose processing time is remembered, and finality events held at most.
const REMEMBERED: usize = 1024;

/// Whether a block builder's report says only that a transaction does not fit the block it built
/// on (`Future`: an earlier nonce is missing there; `Stale`: its nonce is used there), not that it
/// is bad. A leader builds on its highest certified block, which is not always the pool's best (a
/// timed-out sibling, or the parent the pool has not processed yet under load), and the single-state
/// pool would drop such a transaction with every later one of its sender and ban it: a burst once
/// left 985 transfers behind a nonce no node held. Upstream's fork-aware pool ignores these reports
/// for the same reason; the pool's own revalidation at its best block still removes stale ones.
fn only_here(e: Option<&TransactionValidityError>) -> bool {
    matches!(e, Some(TransactionValidityError::Invalid(InvalidTransaction::Future | InvalidTransaction::Stale)))
}

/// A pool whose `maintain` hands the chain's events to [`drive`], which feeds the wrapped pool.
pub struct PacedPool<P: MaintainedTransactionPool> {
    inner: Arc<P>,
    events: mpsc::UnboundedSender<ChainEvent<P::Block>>,
}

impl<P: MaintainedTransactionPool + 'static> PacedPool<P> {
    /// The pool (which starts at the chain's best block `best`) and the task that must run for it
    /// to be maintained; `chain` answers which block extends which.
    pub fn new<C>(inner: Arc<P>, chain: Arc<C>, best: <P::Block as BlockT>::Hash) -> (Self, impl std::future::Future<Output = ()> + Send)
    where
        C: HeaderMetadata<P::Block, Error = sp_blockchain::Error> + Send + Sync + 'static,
    {
        let (events, rx) = mpsc::unbounded();
        (Self { inner: inner.clone(), events }, drive(inner, chain, rx, best))
    }
}

/// Feeds `pool` the chain's events in the order and with the gap the module doc describes.
async fn drive<P, C>(pool: Arc<P>, chain: Arc<C>, mut events: mpsc::UnboundedReceiver<ChainEvent<P::Block>>, best: <P::Block as BlockT>::Hash)
where
    P: MaintainedTransactionPool,
    C: HeaderMetadata<P::Block, Error = sp_blockchain::Error> + Send + Sync,
{
    let mut pacer = Pacer::new(best, Instant::now());
    loop {
        let wait = pacer.next_due().map_or(Duration::from_secs(3600), |d| d.saturating_duration_since(Instant::now()));
        let event = futures::select! {
            event = events.next() => match event {
                Some(event) => Some(event),
                None => return,
            },
            _ = futures_timer::Delay::new(wait).fuse() => None,
        };
        if let Some(event) = event {
            handle(&*pool, &*chain, &mut pacer, event).await;
        }
        for event in pacer.take_due(Instant::now()) {
            pool.maintain(event).await;
        }
    }
}

async fn handle<P, C>(pool: &P, chain: &C, pacer: &mut Pacer<<P::Block as BlockT>::Hash>, event: ChainEvent<P::Block>)
where
    P: MaintainedTransactionPool,
    C: HeaderMetadata<P::Block, Error = sp_blockchain::Error>,
{
    match event {
        ChainEvent::NewBestBlock { hash, .. } => {
            // Already the pool's best: it was told so when the block's finality came first.
            if pacer.best() == hash {
                return;
            }
            pool.maintain(event).await;
            // The gap runs from when the pool is done with the block, not from when it heard of it.
            pacer.processed(hash, Instant::now());
        }
        // A block off the best chain: the fork-aware pool keeps a view for it; nothing to order.
        ChainEvent::NewBlock { .. } => pool.maintain(event).await,
        ChainEvent::Finalized { hash, tree_route } => {
            let at = match pacer.seen_at(hash, || extends(chain, pacer.best(), hash)) {
                Some(at) => at,
                None => {
                    // Finality came first (a block imported with its justification): the pool
                    // hears of the block as best now, and of its finality a gap later.
                    pool.maintain(ChainEvent::NewBestBlock { hash, tree_route: None }).await;
                    let now = Instant::now();
                    pacer.processed(hash, now);
                    now
                }
            };
            for event in pacer.hold(hash, tree_route, at) {
                pool.maintain(event).await;
            }
        }
    }
}

/// Whether `block` extends (or is) `ancestor`.
fn extends<B: BlockT, C: HeaderMetadata<B, Error = sp_blockchain::Error>>(chain: &C, block: B::Hash, ancestor: B::Hash) -> bool {
    sp_blockchain::tree_route(chain, ancestor, block).is_ok_and(|route| route.retracted().is_empty())
}

/// The timing rules, apart from any pool (so they can be tested without one).
struct Pacer<H> {
    /// When recent blocks reached the pool as best.
    processed: HashMap<H, Instant>,
    processed_order: VecDeque<H>,
    /// The pool's best block and when it got there.
    best: (H, Instant),
    /// Finality events held until their time, oldest first (so in chain order).
    held: VecDeque<(Instant, H, Arc<[H]>)>,
}

impl<H: Copy + Eq + std::hash::Hash> Pacer<H> {
    fn new(best: H, now: Instant) -> Self {
        Self { processed: HashMap::new(), processed_order: VecDeque::new(), best: (best, now), held: VecDeque::new() }
    }

    fn best(&self) -> H {
        self.best.0
    }

    fn best_at(&self) -> Instant {
        self.best.1
    }

    fn processed_at(&self, hash: H) -> Option<Instant> {
        self.processed.get(&hash).copied()
    }

    /// When the pool saw `hash` on its best chain: as best, or on the way to its best (an
    /// ancestor of it, `behind_best`); `None` if it has not, and must be told of it as best first.
    /// Telling the pool of an ancestor as best would move it back and retract its transactions.
    fn seen_at(&self, hash: H, behind_best: impl FnOnce() -> bool) -> Option<Instant> {
        self.processed_at(hash).or_else(|| behind_best().then_some(self.best_at()))
    }

    /// The pool is done with `hash` as its best block.
    fn processed(&mut self, hash: H, now: Instant) {
        self.best = (hash, now);
        if self.processed.insert(hash, now).is_none() {
            self.processed_order.push_back(hash);
        }
        while self.processed_order.len() > REMEMBERED {
            if let Some(old) = self.processed_order.pop_front() {
                self.processed.remove(&old);
            }
        }
    }

    /// Holds the finality of a block the pool processed `at`; returns what must go through now
    /// to keep the queue bounded (the oldest).
    fn hold<B: BlockT<Hash = H>>(&mut self, hash: H, tree_route: Arc<[H]>, at: Instant) -> Vec<ChainEvent<B>> {
        let mut now_out = Vec::new();
        if self.held.len() >= REMEMBERED {
            let (_, h, route) = self.held.pop_front().expect("not empty");
            now_out.push(ChainEvent::Finalized { hash: h, tree_route: route });
        }
        self.held.push_back((at + Duration::from_millis(STATUS_GAP_MS), hash, tree_route));
        now_out
    }

    fn next_due(&self) -> Option<Instant> {
        self.held.front().map(|(d, _, _)| *d)
    }

    /// The held finality events whose time has come, in order.
    fn take_due<B: BlockT<Hash = H>>(&mut self, now: Instant) -> Vec<ChainEvent<B>> {
        let mut out = Vec::new();
        while self.held.front().is_some_and(|(d, _, _)| *d <= now) {
            let (_, hash, tree_route) = self.held.pop_front().expect("checked");
            out.push(ChainEvent::Finalized { hash, tree_route });
        }
        out
    }
}

#[async_trait]
impl<P> TransactionPool for PacedPool<P>
where
    P: MaintainedTransactionPool + 'static,
{
    type Block = P::Block;
    type Hash = P::Hash;
    type InPoolTransaction = P::InPoolTransaction;
    type Error = P::Error;

    async fn submit_at(
        &self,
        at: <Self::Block as BlockT>::Hash,
        source: TransactionSource,
        xts: Vec<TransactionFor<Self>>,
    ) -> Result<Vec<Result<TxHash<Self>, Self::Error>>, Self::Error> {
        self.inner.submit_at(at, source, xts).await
    }

    async fn submit_one(
        &self,
        at: <Self::Block as BlockT>::Hash,
        source: TransactionSource,
        xt: TransactionFor<Self>,
    ) -> Result<TxHash<Self>, Self::Error> {
        self.inner.submit_one(at, source, xt).await
    }

    async fn submit_and_watch(
        &self,
        at: <Self::Block as BlockT>::Hash,
        source: TransactionSource,
        xt: TransactionFor<Self>,
    ) -> Result<Pin<Box<TransactionStatusStreamFor<Self>>>, Self::Error> {
        self.inner.submit_and_watch(at, source, xt).await
    }

    async fn ready_at(
        &self,
        at: <Self::Block as BlockT>::Hash,
    ) -> Box<dyn ReadyTransactions<Item = Arc<Self::InPoolTransaction>> + Send> {
        self.inner.ready_at(at).await
    }

    fn ready(&self) -> Box<dyn ReadyTransactions<Item = Arc<Self::InPoolTransaction>> + Send> {
        self.inner.ready()
    }

    async fn report_invalid(
        &self,
        at: Option<<Self::Block as BlockT>::Hash>,
        mut invalid_tx_errors: TxInvalidityReportMap<TxHash<Self>>,
    ) -> Vec<Arc<Self::InPoolTransaction>> {
        invalid_tx_errors.retain(|_, e| !only_here(e.as_ref()));
        self.inner.report_invalid(at, invalid_tx_errors).await
    }

    fn futures(&self) -> Vec<Self::InPoolTransaction> {
        self.inner.futures()
    }

    fn status(&self) -> PoolStatus {
        self.inner.status()
    }

    fn import_notification_stream(&self) -> ImportNotificationStream<TxHash<Self>> {
        self.inner.import_notification_stream()
    }

    fn on_broadcasted(&self, propagations: HashMap<TxHash<Self>, Vec<String>>) {
        self.inner.on_broadcasted(propagations)
    }

    fn hash_of(&self, xt: &TransactionFor<Self>) -> TxHash<Self> {
        self.inner.hash_of(xt)
    }

    fn ready_transaction(&self, hash: &TxHash<Self>) -> Option<Arc<Self::InPoolTransaction>> {
        self.inner.ready_transaction(hash)
    }

    async fn ready_at_with_timeout(
        &self,
        at: <Self::Block as BlockT>::Hash,
        timeout: Duration,
    ) -> Box<dyn ReadyTransactions<Item = Arc<Self::InPoolTransaction>> + Send> {
        self.inner.ready_at_with_timeout(at, timeout).await
    }
}

#[async_trait]
impl<P> MaintainedTransactionPool for PacedPool<P>
where
    P: MaintainedTransactionPool + 'static,
{
    async fn maintain(&self, event: ChainEvent<Self::Block>) {
        // Fails only once the driver stopped, which happens only when the node shuts down.
        let _ = self.events.unbounded_send(event);
    }
}

impl<P> LocalTransactionPool for PacedPool<P>
where
    P: MaintainedTransactionPool + LocalTransactionPool<Block = <P as TransactionPool>::Block> + 'static,
{
    type Block = <P as LocalTransactionPool>::Block;
    type Hash = <P as LocalTransactionPool>::Hash;
    type Error = <P as LocalTransactionPool>::Error;

    fn submit_local(
        &self,
        at: <Self::Block as BlockT>::Hash,
        xt: LocalTransactionFor<Self>,
    ) -> Result<Self::Hash, Self::Error> {
        self.inner.submit_local(at, xt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bpci_runtime::opaque::Block;
    use sp_core::H256;

    fn h(n: u8) -> H256 {
        H256::repeat_byte(n)
    }

    fn names(events: &[ChainEvent<Block>]) -> Vec<String> {
        events
            .iter()
            .map(|e| match e {
                ChainEvent::NewBestBlock { hash, .. } => format!("best {}", hash.0[0]),
                ChainEvent::NewBlock { hash, .. } => format!("new {}", hash.0[0]),
                ChainEvent::Finalized { hash, .. } => format!("final {}", hash.0[0]),
            })
            .collect()
    }

    fn route() -> Arc<[H256]> {
        Arc::from(vec![])
    }

    #[test]
    fn finality_reaches_the_pool_a_gap_after_the_block_and_later_blocks_do_not_wait() {
        let t0 = Instant::now();
        let gap = Duration::from_millis(STATUS_GAP_MS);
        let mut p = Pacer::new(h(0), t0);
        p.processed(h(1), t0);
        assert!(p.hold::<Block>(h(1), route(), p.processed_at(h(1)).unwrap()).is_empty(), "finality is held");
        p.processed(h(2), t0 + Duration::from_millis(10));
        assert_eq!(p.best(), h(2), "a later block is not held");
        assert!(p.hold::<Block>(h(2), route(), p.processed_at(h(2)).unwrap()).is_empty());
        assert!(p.take_due::<Block>(t0 + gap - Duration::from_millis(1)).is_empty());
        assert_eq!(names(&p.take_due(t0 + gap)), ["final 1"]);
        assert_eq!(p.next_due(), Some(t0 + Duration::from_millis(10) + gap));
        assert_eq!(names(&p.take_due(t0 + gap + Duration::from_millis(10))), ["final 2"]);
    }

    #[test]
    fn finality_of_a_block_the_pool_never_saw_is_preceded_by_it_as_best_unless_the_best_extends_it() {
        let t0 = Instant::now();
        let mut p = Pacer::new(h(5), t0);
        // A block the pool has on its best chain (an ancestor of its best, e.g. enacted in a
        // re-org or synced): no new best, or the pool would retract its descendants.
        assert_eq!(p.seen_at(h(3), || true), Some(t0));
        // A block it never saw (imported with its justification): it must hear of it as best.
        assert_eq!(p.seen_at(h(6), || false), None);
        p.processed(h(6), t0 + Duration::from_millis(3));
        assert_eq!(p.seen_at(h(6), || unreachable!("known")), Some(t0 + Duration::from_millis(3)));
        assert_eq!(p.best(), h(6));
    }

    #[test]
    fn held_finality_is_bounded_and_released_oldest_first() {
        let t0 = Instant::now();
        let mut p = Pacer::new(h(0), t0);
        let mut through = Vec::new();
        for i in 0..(REMEMBERED + 10) {
            let hash = H256::from_low_u64_be(i as u64);
            p.processed(hash, t0);
            through.extend(p.hold::<Block>(hash, route(), t0));
        }
        assert_eq!(through.len(), 10);
        assert_eq!(through[0].hash(), H256::from_low_u64_be(0));
        assert!(p.held.len() <= REMEMBERED && p.processed.len() <= REMEMBERED);
        assert_eq!(p.take_due::<Block>(t0 + Duration::from_secs(1)).len(), REMEMBERED);
    }

    /// A chain on which one sender's nonce is `next` at every block: a transfer of a lower nonce is
    /// stale, of a higher one waits for its predecessor. Extrinsics are the nonce's encoding.
    struct OneSender {
        next: u32,
    }

    impl OneSender {
        fn validity(&self, uxt: &<Block as BlockT>::Extrinsic) -> sp_runtime::transaction_validity::TransactionValidity {
            use codec::{Decode, Encode};
            use sp_runtime::transaction_validity::ValidTransaction;
            let nonce = u32::decode(&mut uxt.inner()).map_err(|_| InvalidTransaction::Call)?;
            if nonce < self.next {
                return Err(InvalidTransaction::Stale.into());
            }
            let requires = if nonce > self.next { vec![(nonce - 1).encode()] } else { vec![] };
            Ok(ValidTransaction { priority: 1, requires, provides: vec![nonce.encode()], longevity: 64, propagate: true })
        }
    }

    #[async_trait]
    impl sc_transaction_pool::ChainApi for OneSender {
        type Block = Block;
        type Error = sc_transaction_pool_api::error::Error;

        async fn validate_transaction(
            &self,
            _: H256,
            _: TransactionSource,
            uxt: Arc<<Block as BlockT>::Extrinsic>,
            _: sc_transaction_pool::ValidateTransactionPriority,
        ) -> Result<sp_runtime::transaction_validity::TransactionValidity, Self::Error> {
            Ok(self.validity(&uxt))
        }
        fn validate_transaction_blocking(
            &self,
            _: H256,
            _: TransactionSource,
            uxt: Arc<<Block as BlockT>::Extrinsic>,
        ) -> Result<sp_runtime::transaction_validity::TransactionValidity, Self::Error> {
            Ok(self.validity(&uxt))
        }
        fn block_id_to_number(&self, _: &sp_runtime::generic::BlockId<Block>) -> Result<Option<u32>, Self::Error> {
            Ok(Some(1))
        }
        fn block_id_to_hash(&self, at: &sp_runtime::generic::BlockId<Block>) -> Result<Option<H256>, Self::Error> {
            Ok(Some(match at {
                sp_runtime::generic::BlockId::Hash(hash) => *hash,
                sp_runtime::generic::BlockId::Number(_) => h(1),
            }))
        }
        fn hash_and_length(&self, uxt: &<Block as BlockT>::Extrinsic) -> (H256, usize) {
            let bytes = codec::Encode::encode(uxt);
            (sp_io::hashing::blake2_256(&bytes).into(), bytes.len())
        }
        async fn block_body(&self, _: H256) -> Result<Option<Vec<<Block as BlockT>::Extrinsic>>, Self::Error> {
            Ok(None)
        }
        fn block_header(&self, _: H256) -> Result<Option<<Block as BlockT>::Header>, Self::Error> {
            Ok(None)
        }
        fn tree_route(&self, _: H256, _: H256) -> Result<sp_blockchain::TreeRoute<Block>, Self::Error> {
            Err(Self::Error::InvalidBlockId("a one-block chain".into()))
        }
    }

    fn transfer(nonce: u32) -> <Block as BlockT>::Extrinsic {
        <Block as BlockT>::Extrinsic::from_blob(codec::Encode::encode(&nonce))
    }

    /// A leader that builds on a block other than the pool's best (a timed-out sibling, or a parent
    /// the pool has not processed yet) reports its sender's next transfer `Future` or `Stale` there.
    /// That must cost nothing: before, the pool dropped the transfer with every later nonce of its
    /// sender and banned it, and transfers submitted afterwards waited forever behind the gap.
    #[test]
    fn a_builders_future_or_stale_report_drops_no_transaction_but_a_bad_one_still_goes() {
        futures::executor::block_on(async {
            let (inner, _revalidation) = sc_transaction_pool::BasicPool::new_test(
                Arc::new(OneSender { next: 5 }),
                h(1),
                h(1),
                sc_transaction_pool::Options::default(),
            );
            let pool = PacedPool { inner: Arc::new(inner), events: mpsc::unbounded().0 };
            let mut hashes = Vec::new();
            for nonce in 5..10 {
                hashes.push(pool.submit_one(h(1), TransactionSource::External, transfer(nonce)).await.expect("valid"));
            }
            assert_eq!(pool.status().ready, 5);

            let mut report = TxInvalidityReportMap::default();
            report.insert(hashes[0], Some(InvalidTransaction::Future.into()));
            report.insert(hashes[3], Some(InvalidTransaction::Stale.into()));
            assert!(pool.report_invalid(Some(h(2)), report).await.is_empty());
            assert_eq!(pool.status().ready, 5, "no transfer dropped");
            pool.submit_one(h(1), TransactionSource::External, transfer(10)).await.expect("not behind a gap");
            assert_eq!((pool.status().ready, pool.status().future), (6, 0));

            // A transfer invalid for another reason still goes, with the transfers that need it.
            let mut report = TxInvalidityReportMap::default();
            report.insert(hashes[2], Some(InvalidTransaction::BadProof.into()));
            report.insert(hashes[0], Some(InvalidTransaction::Future.into()));
            assert_eq!(pool.report_invalid(Some(h(1)), report).await.len(), 4, "nonces 7..=10");
            assert_eq!(pool.status().ready, 2);
        });
    }
}
