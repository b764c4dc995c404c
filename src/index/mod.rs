//! What sfconnect remembers outside the secret store: the connection records
//! (and the retired-token queue), the index file that holds them under a
//! lock, atomic file writes, and the fixed timestamp form they use.
//!
//! Never a token: secrets live in `secrets/`. Nothing here calls Salesforce;
//! settling retired tokens does, so it lives beside `access.rs`.

pub mod connection;
pub mod files;
pub mod kind;
pub mod registry;
pub mod timestamp;
