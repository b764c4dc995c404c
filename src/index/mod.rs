//! What sfconnect remembers outside the secret store: the connection records
//! (and the retired-token queue) with their verdicts, the index file that
//! holds them under a lock, atomic file writes, the fixed timestamp form
//! they use, the checks an entry passes before it is used, and which
//! connection a command acts on (`choice`, `project`).
//!
//! Never a token: secrets live in `secrets/`. Nothing here calls Salesforce;
//! settling retired tokens does, so it lives beside `access.rs`.

pub mod alias;
pub mod choice;
pub mod connection;
pub mod file_lock;
pub mod files;
pub mod kind;
pub mod project;
pub mod registry;
pub mod status;
pub mod timestamp;
pub mod validate;
