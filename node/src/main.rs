//! `bpci-node`: the BPCI chain node.

mod audit_export;
mod audit_format;
mod audit_verify;
mod chain_spec;
mod cli;
mod command;
mod genesis_state;
mod rpc;
mod service;
mod txpool;
mod verify_proof;

fn main() -> sc_cli::Result<()> {
    command::run()
}
