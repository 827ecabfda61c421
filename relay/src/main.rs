//! `bpci-relay`: follows a source BPCI chain's finalized headers and submits them, with its
//! validator-set hand-overs, to a target BPCI chain's `pallet-bridge` light client of one partner.
//!
//! Each round reads the partner's client on the target (the set it trusts, its best header), asks
//! the source for a proof of its last finalized block from that set (`bpci_proveFinality`), and
//! submits the hand-overs then the header, in order (see the README). No local state: what the
//! target's client holds is where the next round starts.

mod bundle;
mod call;
mod source;
mod target;

use bundle::StepKind;
use clap::Parser;
use codec::Encode;
use pallet_bridge::Scheme;
use source::{Proof, Source};
use std::process::ExitCode;
use std::str::FromStr;
use std::time::Duration;
use subxt_signer::sr25519::Keypair;
use subxt_signer::SecretUri;
use target::{BridgeEvent, RefusedInBlock, Submitted, Target};

/// Relays a source BPCI chain's finalized headers and validator-set hand-overs to the target
/// BPCI chain's light client (pallet-bridge) of one partner.
#[derive(Parser, Debug)]
#[command(name = "bpci-relay", version)]
struct Cli {
    /// WebSocket URL of a node of the source chain, the BPCI chain whose finalized headers are
    /// relayed. The node must serve `bpci_proveFinality` and have recorded the hand-overs from the
    /// set the target's client trusts.
    #[arg(long, value_name = "WS_URL")]
    source: String,

    /// WebSocket URL of a node of the target chain, whose pallet-bridge holds the partner's
    /// light client of the source chain. Its state is read at its finalized block.
    #[arg(long, value_name = "WS_URL")]
    target: String,

    /// The partner on the target whose light client follows the source chain: an SS58 address or
    /// 0x-prefixed hex of its 32-byte account id.
    #[arg(long, value_name = "ACCOUNT", value_parser = parse_partner)]
    partner: [u8; 32],

    /// Secret URI of the sr25519 key that signs the submissions on the target and pays their fees
    /// (none for one of the partner's registered relayers, within the bridge's rate limit): a dev
    /// name such as `//Dave`, a mnemonic or a 0x-hex seed, with optional `//hard`, `/soft` and
    /// `///password` parts.
    #[arg(long, value_name = "SURI")]
    signer: String,

    /// Milliseconds to wait between two rounds, and before reconnecting after an error. After
    /// rounds that failed in a row the pause doubles each time (at most 256 times this). A proof
    /// the target refused in a block is not submitted again.
    #[arg(long, value_name = "MS", default_value_t = 1000)]
    poll_ms: u64,

    /// Do one round and exit: status 0 if it relayed what there was (or there was nothing to relay,
    /// or the partner has no client yet), non-zero on an error.
    #[arg(long)]
    once: bool,
}

/// An error that another round will not fix (wrong source chain, another finality scheme): the
/// relayer exits, even without `--once`.
#[derive(Debug)]
pub struct Fatal(pub String);

impl std::fmt::Display for Fatal {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Fatal {}

/// An SS58 address or 0x-hex 32 bytes.
fn parse_partner(s: &str) -> Result<[u8; 32], String> {
    if let Some(hex_id) = s.strip_prefix("0x") {
        let bytes = hex::decode(hex_id).map_err(|e| format!("not hex: {e}"))?;
        return bytes.try_into().map_err(|b: Vec<u8>| format!("{} bytes, an account id has 32", b.len()));
    }
    subxt::utils::AccountId32::from_str(s).map(|a| a.0).map_err(|e| format!("not an SS58 address nor 0x-hex: {e}"))
}

fn parse_signer(suri: &str) -> Result<Keypair, String> {
    // The errors name what is wrong, never the secret.
    let uri = SecretUri::from_str(suri).map_err(|e| format!("invalid --signer secret URI: {e}"))?;
    Keypair::from_uri(&uri).map_err(|e| format!("invalid --signer key: {e}"))
}

struct Connections {
    source: Source,
    target: Target,
}

async fn connect(cli: &Cli, signer: &Keypair) -> anyhow::Result<Connections> {
    use anyhow::Context;
    let source = Source::connect(&cli.source).await.with_context(|| format!("cannot connect to the source {}", cli.source))?;
    let target = Target::connect(&cli.target, cli.partner, signer.clone())
        .await
        .with_context(|| format!("cannot connect to the target {}", cli.target))?;
    Ok(Connections { source, target })
}

/// Prints a waiting state once, not every round it lasts.
#[derive(Default)]
struct Waiting(Option<String>);

impl Waiting {
    fn note(&mut self, message: String) {
        if self.0.as_ref() != Some(&message) {
            println!("{message}");
            self.0 = Some(message);
        }
    }
}

/// One round: read the client, get the proof, submit what moves the client forward. A proof the
/// target refused in a block (its fee paid) is not submitted again: the round waits for the
/// source to prove something newer.
async fn round(c: &Connections, waiting: &mut Waiting, refused: Option<[u8; 32]>) -> anyhow::Result<()> {
    let Some(client) = c.target.client_state().await? else {
        waiting.note("no client for partner; waiting for governance to initialize it".into());
        return Ok(());
    };
    if client.scheme != Scheme::Bpci {
        return Err(Fatal(format!(
            "the partner's client follows a {:?} chain: bpci-relay relays BPCI chains only",
            client.scheme
        ))
        .into());
    }
    let bundle = match c.source.prove_finality(client.set_id).await? {
        Proof::Bundle(bundle) => bundle::decode(&bundle)?,
        Proof::NotYet(reason) => {
            waiting.note(format!("the source cannot prove its finality yet ({reason}); retrying next round"));
            return Ok(());
        }
    };
    waiting.0 = None;
    let steps = bundle::plan(bundle, &client.genesis, client.best_number).map_err(|e| match e {
        bundle::BundleError::WrongChain { .. } => anyhow::Error::from(Fatal(e.to_string())),
        e => e.into(),
    })?;
    for step in steps {
        if refused == Some(sp_crypto_hashing::blake2_256(&step.proof.encode())) {
            waiting.note("the target refused this proof last time; waiting for a newer one".into());
            return Ok(());
        }
        match c.target.submit(&step.proof).await? {
            Submitted::Included(events) => match step.kind {
                StepKind::Handover { from_set } => {
                    let to = events.iter().find_map(|e| match e {
                        BridgeEvent::SetHandedOver { set_id } => Some(*set_id),
                        _ => None,
                    });
                    let to = to.ok_or_else(|| anyhow::anyhow!("the hand-over from set {from_set} was included but the target reported no SetHandedOver"))?;
                    println!("relayed hand-over to set {to}");
                }
                StepKind::Header { number, hash } => {
                    if !events.contains(&BridgeEvent::HeaderImported { number, hash }) {
                        anyhow::bail!("header #{number} {hash:?} was included but the target reported no HeaderImported for it");
                    }
                    println!("relayed header #{number} {hash:?}");
                }
            },
            // Another relayer's copy holds this step's place, or the client moved past it: what
            // follows may depend on it, so the next round starts again from the client's state.
            Submitted::Skipped(reason) => {
                println!("skipped: {reason}");
                return Ok(());
            }
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let signer = match parse_signer(&cli.signer) {
        Ok(signer) => signer,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut connections: Option<Connections> = None;
    let mut waiting = Waiting::default();
    let mut refused: Option<[u8; 32]> = None;
    // Rounds that failed in a row: each one doubles the pause (up to 2^8 rounds), so that a target
    // that keeps refusing newer proofs too (e.g. a requirement the source's set does not meet)
    // is not paid for every second.
    let mut failures: u32 = 0;
    loop {
        let result = async {
            if connections.is_none() {
                connections = Some(connect(&cli, &signer).await?);
            }
            round(connections.as_ref().expect("connected above; qed"), &mut waiting, refused).await
        }
        .await;
        match result {
            Ok(()) => failures = 0,
            Err(e) => {
                if let Some(fatal) = e.downcast_ref::<Fatal>() {
                    eprintln!("error: {fatal}");
                    return ExitCode::FAILURE;
                }
                eprintln!("error: {e:#}");
                if let Some(r) = e.downcast_ref::<RefusedInBlock>() {
                    refused = Some(r.proof);
                } else {
                    // Reconnect next round: the error may be the connection's.
                    connections = None;
                }
                failures = failures.saturating_add(1);
                if cli.once {
                    return ExitCode::FAILURE;
                }
            }
        }
        if cli.once {
            return ExitCode::SUCCESS;
        }
        tokio::time::sleep(Duration::from_millis(cli.poll_ms.saturating_mul(1 << failures.min(8)))).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_cli_is_well_formed() {
        Cli::command().debug_assert();
        let cli = Cli::try_parse_from([
            "bpci-relay",
            "--source",
            "ws://127.0.0.1:9944",
            "--target",
            "ws://127.0.0.1:9945",
            "--partner",
            "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty",
            "--signer",
            "//Dave",
        ])
        .unwrap();
        assert_eq!(cli.poll_ms, 1000);
        assert!(!cli.once);
        assert!(parse_signer(&cli.signer).is_ok());
    }

    #[test]
    fn partners_are_ss58_or_hex() {
        // //Bob's account id.
        let bob = "0x8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48";
        let id = parse_partner(bob).unwrap();
        assert_eq!(parse_partner("5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"), Ok(id));
        assert!(parse_partner("0x8eaf").is_err());
        assert!(parse_partner("0xzz").is_err());
        assert!(parse_partner("Bob").is_err());
    }
}
