//! What sfconnect remembers outside the secret store: the connection records
//! (and the retired-token queue) with their verdicts, the index file that
//! holds them under a lock, atomic file writes, and the fixed timestamp form
//! they use.
//!
//! Never a token: secrets live in `secrets/`. Nothing here calls Salesforce;
//! settling retired tokens does, so it lives beside `access.rs`.

pub mod alias;
pub mod connection;
pub mod files;
pub mod registry;
pub mod status;
pub mod timestamp;
