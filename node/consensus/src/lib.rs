//! Substrate glue of the BPCI BFT engine.
//!
//! The protocol itself lives in `bpci-consensus-core`, a pure state machine. This crate wraps it:
//! - [`worker`] drives the engine on a validator: builds the blocks it must propose with
//!   sc-basic-authorship, imports them, signs with the keystore's BLS key, persists safety data
//!   before any vote leaves, and finalizes through the client with our justification;
//! - [`import`] is the import-queue verifier every node runs on blocks from the network: it checks
//!   the proposer's seal, the certificate of the parent carried in the header, and any attached
//!   finality justification, so a syncing node verifies the chain from genesis;
//! - [`binding`] binds a validator's BLS key to its network identity, and [`inbound`] is the
//!   policy for what peers send: who is heard at all, penalties, what is kept, what is dropped;
//! - [`aux_schema`] keeps the safety data and the current epoch in the client's aux database;
//!   the worker's parts (`worker/`): `authoring` builds and seals this validator's blocks,
//!   `imports` follows what imported blocks change, `finality` hands proven blocks to the
//!   client, `epochs` enters and ends epochs, `stall` is the emergency path.

pub mod aux_schema;
pub mod clock;
pub mod digests;
pub mod binding;
pub mod import;
pub mod inbound;
pub mod metrics;
pub mod schedule;
pub mod status;
pub mod worker;

pub use import::Verifier;
pub use status::{ConsensusStatus, SharedStatus};
pub use inbound::MAX_MESSAGE_SIZE;
pub use worker::{protocol_name, start_validator, ValidatorParams};
