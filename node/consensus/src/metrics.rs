//! Prometheus metrics of the engine (`bpci_consensus_*`), served with the node's other metrics.

use std::{collections::BTreeMap, time::Instant};
use substrate_prometheus_endpoint::{
    exponential_buckets, register, Counter, Gauge, Histogram, HistogramOpts, PrometheusError, Registry, U64,
};

#[derive(Clone)]
pub struct Metrics {
    view: Gauge<U64>,
    timeouts: Counter<U64>,
    equivocations: Counter<U64>,
    qc_latency: Histogram,
    finality_latency: Histogram,
    finality_lag: Gauge<U64>,
}

impl Metrics {
    pub fn register(registry: &Registry) -> Result<Self, PrometheusError> {
        let seconds = |name: &str, help: &str| -> Result<Histogram, PrometheusError> {
            register(Histogram::with_opts(HistogramOpts::new(name, help).buckets(exponential_buckets(0.01, 2.0, 12)?))?, registry)
        };
        Ok(Self {
            view: register(Gauge::new("bpci_consensus_view", "Current view of the BFT engine")?, registry)?,
            timeouts: register(Counter::new("bpci_consensus_timeouts_total", "Timeouts this node signed")?, registry)?,
            equivocations: register(
                Counter::new("bpci_consensus_equivocations_total", "Equivocations detected")?,
                registry,
            )?,
            qc_latency: seconds(
                "bpci_consensus_qc_latency_seconds",
                "From a block's import here to this node seeing its quorum certificate",
            )?,
            finality_latency: seconds(
                "bpci_consensus_finality_latency_seconds",
                "From a block's import here to its finalization here",
            )?,
            finality_lag: register(
                Gauge::new("bpci_consensus_finality_lag_blocks", "Best block number minus finalized block number")?,
                registry,
            )?,
        })
    }
}

/// Timestamps of recently imported blocks, to turn certificates and finality into latencies.
#[derive(Default)]
pub struct Latencies {
    imported: BTreeMap<u32, Instant>,
    last_qc: u32,
    last_final: u32,
}

impl Latencies {
    pub fn imported(&mut self, number: u32) {
        self.imported.entry(number).or_insert_with(Instant::now);
        // Bounded: nothing older than a few hundred blocks is still waiting for finality.
        while self.imported.len() > 512 {
            self.imported.pop_first();
        }
    }

    pub fn observe(&mut self, metrics: Option<&Metrics>, view: u64, qc_number: Option<u32>, best: u32, finalized: u32) {
        let Some(m) = metrics else { return };
        m.view.set(view);
        m.finality_lag.set(best.saturating_sub(finalized) as u64);
        if let Some(q) = qc_number.filter(|q| *q > self.last_qc) {
            for (_, t) in self.imported.range(self.last_qc + 1..=q) {
                m.qc_latency.observe(t.elapsed().as_secs_f64());
            }
            self.last_qc = q;
        }
        if finalized > self.last_final {
            for (_, t) in self.imported.range(self.last_final + 1..=finalized) {
                m.finality_latency.observe(t.elapsed().as_secs_f64());
            }
            self.last_final = finalized;
            self.imported = self.imported.split_off(&(finalized + 1));
        }
    }

    pub fn timeout(metrics: Option<&Metrics>) {
        if let Some(m) = metrics {
            m.timeouts.inc();
        }
    }

    pub fn equivocation(metrics: Option<&Metrics>) {
        if let Some(m) = metrics {
            m.equivocations.inc();
        }
    }
}
