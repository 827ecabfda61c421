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
use sp_runtime::traits::Block as BlockT;
use std::{
    collections::{HashMap, VecDeque},
    pin::Pin,
    sync::Arc,
    time::{Duration, Instant},
};

/// Least time between a block reaching the pool as best and its finality reaching the pool: long
/// enough for a client on the same machine or LAN to fetch the block's events after `InBlock`.
pub const STATUS_GAP_MS: u64 = 250;
/// Blocks whose processing time is remembered, and finality events held at most.
const REMEMBERED: usize = 1024;

/// A pool whose `maintain` hands the chain's events to [`drive`], which feeds the wrapped pool.
pub struct PacedPool<P: MaintainedTransactionPool> {
    inner: Arc<P>,
    events: mpsc::UnboundedSender<ChainEvent<P::Block>>,
}

impl<P: MaintainedTransactionPool + 'static> PacedPool<P> {
    /// The pool and the task that must run for it to be maintained.
    pub fn new(inner: Arc<P>) -> (Self, impl std::future::Future<Output = ()> + Send) {
        let (events, rx) = mpsc::unbounded();
        (Self { inner: inner.clone(), events }, drive(inner, rx))
    }
}

/// Feeds `pool` the chain's events in the order and with the gap the module doc describes.
async fn drive<P: MaintainedTransactionPool>(pool: Arc<P>, mut events: mpsc::UnboundedReceiver<ChainEvent<P::Block>>) {
    let mut pacer = Pacer::<<P::Block as BlockT>::Hash>::default();
    loop {
        let due = pacer.next_due();
        let wait = due.map_or(Duration::from_secs(3600), |d| d.saturating_duration_since(Instant::now()));
        let event = futures::select! {
            event = events.next() => match event {
                Some(event) => Some(event),
                None => return,
            },
            _ = futures_timer::Delay::new(wait).fuse() => None,
        };
        if let Some(event) = event {
            for event in pacer.on_event(event, Instant::now()) {
                pool.maintain(event).await;
            }
        }
        for event in pacer.take_due(Instant::now()) {
            pool.maintain(event).await;
        }
    }
}

/// The ordering rules, apart from any pool (so they can be tested without one).
struct Pacer<H> {
    /// When recent blocks reached the pool as best.
    processed: HashMap<H, Instant>,
    processed_order: VecDeque<H>,
    /// Finality events held until their time, oldest first.
    held: VecDeque<(Instant, H, Arc<[H]>)>,
}

impl<H> Default for Pacer<H> {
    fn default() -> Self {
        Self { processed: HashMap::new(), processed_order: VecDeque::new(), held: VecDeque::new() }
    }
}

impl<H: Copy + Eq + std::hash::Hash> Pacer<H> {
    /// What to hand the pool now for `event`.
    fn on_event<B: BlockT<Hash = H>>(&mut self, event: ChainEvent<B>, now: Instant) -> Vec<ChainEvent<B>> {
        match event {
            ChainEvent::Finalized { hash, tree_route } => {
                let mut now_out = Vec::new();
                let at = match self.processed.get(&hash) {
                    Some(at) => *at,
                    None => {
                        // Finality came first: the block goes to the pool as best now.
                        self.note(hash, now);
                        now_out.push(ChainEvent::NewBestBlock { hash, tree_route: None });
                        now
                    }
                };
                if self.held.len() >= REMEMBERED {
                    // Far behind: let the oldest through rather than grow.
                    let (_, h, route) = self.held.pop_front().expect("not empty");
                    now_out.push(ChainEvent::Finalized { hash: h, tree_route: route });
                }
                // Never before an earlier finality event, so statuses stay in chain order.
                let due = self.held.back().map_or(at, |(d, _, _)| *d).max(at + Duration::from_millis(STATUS_GAP_MS));
                self.held.push_back((due, hash, tree_route));
                now_out
            }
            ChainEvent::NewBestBlock { hash, .. } => {
                self.note(hash, now);
                vec![event]
            }
            // A block off the best chain: its transactions are not `InBlock` for the pool yet.
            ChainEvent::NewBlock { .. } => vec![event],
        }
    }

    fn note(&mut self, hash: H, now: Instant) {
        if self.processed.insert(hash, now).is_none() {
            self.processed_order.push_back(hash);
        }
        while self.processed_order.len() > REMEMBERED {
            if let Some(old) = self.processed_order.pop_front() {
                self.processed.remove(&old);
            }
        }
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
        invalid_tx_errors: TxInvalidityReportMap<TxHash<Self>>,
    ) -> Vec<Arc<Self::InPoolTransaction>> {
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

    fn best(n: u8) -> ChainEvent<Block> {
        ChainEvent::NewBestBlock { hash: h(n), tree_route: None }
    }

    fn finalized(n: u8) -> ChainEvent<Block> {
        ChainEvent::Finalized { hash: h(n), tree_route: Arc::from(vec![]) }
    }

    #[test]
    fn finality_reaches_the_pool_a_gap_after_the_block_and_later_blocks_do_not_wait() {
        let mut p = Pacer::default();
        let t0 = Instant::now();
        let gap = Duration::from_millis(STATUS_GAP_MS);
        assert_eq!(names(&p.on_event(best(1), t0)), ["best 1"]);
        assert!(p.on_event(finalized(1), t0 + Duration::from_millis(5)).is_empty(), "finality is held");
        assert_eq!(names(&p.on_event(best(2), t0 + Duration::from_millis(10))), ["best 2"], "a later block is not held");
        assert!(p.on_event(finalized(2), t0 + Duration::from_millis(15)).is_empty());
        assert!(p.take_due::<Block>(t0 + gap - Duration::from_millis(1)).is_empty());
        assert_eq!(names(&p.take_due(t0 + gap)), ["final 1"]);
        assert_eq!(names(&p.take_due(t0 + gap + Duration::from_millis(10))), ["final 2"]);
    }

    #[test]
    fn finality_that_comes_first_is_preceded_by_the_block_as_best() {
        let mut p = Pacer::default();
        let t0 = Instant::now();
        assert_eq!(names(&p.on_event(finalized(7), t0)), ["best 7"], "the block goes to the pool as best at once");
        assert_eq!(p.next_due(), Some(t0 + Duration::from_millis(STATUS_GAP_MS)));
        assert_eq!(names(&p.take_due(t0 + Duration::from_millis(STATUS_GAP_MS))), ["final 7"]);
    }

    #[test]
    fn finality_events_keep_chain_order_and_are_bounded() {
        let mut p = Pacer::default();
        let t0 = Instant::now();
        // Block 2 reached the pool before block 1 (a re-org); its finality still follows 1's.
        p.on_event(best(2), t0);
        p.on_event(best(1), t0 + Duration::from_millis(100));
        p.on_event(finalized(1), t0 + Duration::from_millis(100));
        p.on_event(finalized(2), t0 + Duration::from_millis(101));
        let all = p.take_due::<Block>(t0 + Duration::from_secs(1));
        assert_eq!(names(&all), ["final 1", "final 2"]);
        // A flood of finality events holds at most REMEMBERED; the oldest are let through.
        let mut through = 0;
        for i in 0..(REMEMBERED + 10) {
            let hash = H256::from_low_u64_be(i as u64);
            p.on_event::<Block>(ChainEvent::NewBestBlock { hash, tree_route: None }, t0);
            through += p.on_event::<Block>(ChainEvent::Finalized { hash, tree_route: Arc::from(vec![]) }, t0).len();
        }
        assert_eq!(through, 10);
        assert!(p.held.len() <= REMEMBERED && p.processed.len() <= REMEMBERED);
    }
}
