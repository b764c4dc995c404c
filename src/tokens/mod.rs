//! A usable access token for a connection, and the rules around the tokens
//! Salesforce issued: where the refresh (or, for JWT bearer and client
//! credentials, the new grant) happens, under which lock, and what is
//! remembered about each connection's health, its replaced tokens and the
//! user's five approvals.
//!
//! - `access`: the cache, the per-connection lock, and the refresh grant
//!   with rotation kept safe; `headless` mints for connections without a
//!   refresh token.
//! - `lock`: the per-connection lock every read-then-write of a secret takes.
//! - `health`: `tokens check` and `tokens list --check`, refreshing in
//!   parallel and turning verdicts into the exit code.
//! - `retired`: replaced connections whose tokens still await revocation.
//! - `approvals`: the five-approval budget (docs/salesforce-oauth.md §5).
//! - `environment`: the environment connection (`SFCONNECT_AUTH_URL`,
//!   `SFCONNECT_ENV`), which needs no link and writes no file.
//! - `target`: which connection a command uses, and by which rule.
//! - `fast_cache`: the kernel keyring's copy of a keychain connection's
//!   access token, the hot path without D-Bus.
//!
//! Commands call these; these call `salesforce/` for the wire and
//! `secrets/` and `index/` for what is kept.

pub mod access;
pub mod approvals;
pub mod environment;
pub mod fast_cache;
pub mod headless;
pub mod health;
pub mod lock;
pub mod retired;
pub mod target;
