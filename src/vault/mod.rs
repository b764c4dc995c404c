//! OpenBao / HashiCorp Vault: a KV version 2 secrets engine that several
//! machines share, for connections linked with `--store vault`.
//!
//! `client` speaks the KV v2 HTTP API (and the few token and mount
//! endpoints sfconnect needs), `config` says where the vault is and how to
//! authenticate, `approle` logs machines in, `errors` words the refusals
//! (each exit 6, with the fix), `lease` and `refresh` keep a refresh
//! safe across machines (one holder at a time, check-and-set writes). Nothing here decides what is stored: that is
//! the vault store (`secrets::vault`).

pub mod approle;
pub mod client;
pub mod config;
pub mod errors;
pub mod lease;
pub mod refresh;
pub mod session;
pub mod shared;

#[cfg(test)]
mod lease_tests;
#[cfg(test)]
mod scripted;
#[cfg(test)]
mod tests;
