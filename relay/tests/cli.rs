//! The relayer binary on bad input: a clear error on stderr and a failing exit status, never a
//! panic. (Being an integration test also makes `cargo test --workspace` build the binary that the
//! node's two-chain test runs, under the suite's one feature resolution.)

use std::process::{Command, Output};

fn relay(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bpci-relay")).args(args).output().expect("bpci-relay runs")
}

fn closed_port() -> u16 {
    // Bound and dropped: nothing listens there for the moment the test needs.
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn args<'a>(source: &'a str, partner: &'a str, signer: &'a str) -> Vec<&'a str> {
    vec!["--source", source, "--target", source, "--partner", partner, "--signer", signer, "--once"]
}

const BOB: &str = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";

fn assert_refused(out: &Output, expected: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "exit status {:?}, stderr: {stderr}", out.status);
    assert!(stderr.contains(expected), "stderr lacks {expected:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "panicked: {stderr}");
}

#[test]
fn a_malformed_partner_is_refused_before_connecting() {
    let url = format!("ws://127.0.0.1:{}", closed_port());
    assert_refused(&relay(&args(&url, "0x1234", "//Dave")), "--partner");
}

#[test]
fn a_malformed_signer_is_refused_before_connecting() {
    let url = format!("ws://127.0.0.1:{}", closed_port());
    assert_refused(&relay(&args(&url, BOB, "not a secret uri ///")), "--signer");
}

#[test]
fn an_unreachable_source_fails_the_round_with_an_error() {
    let url = format!("ws://127.0.0.1:{}", closed_port());
    assert_refused(&relay(&args(&url, BOB, "//Dave")), "cannot connect to the source");
}

#[test]
fn a_missing_argument_names_it() {
    assert_refused(&relay(&["--source", "ws://127.0.0.1:1"]), "--target");
}
