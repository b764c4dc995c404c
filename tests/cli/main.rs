//! The integration tests: the real `sfconnect` binary against a fake
//! Salesforce on loopback, driven by a test browser. One test binary, with a
//! module per command.

mod api;
mod approvals;
mod check;
mod client_credentials;
mod completions;
mod concurrency;
mod config;
#[cfg(target_os = "linux")]
mod crash;
mod docs;
mod doctor;
mod environment_mode;
// The examples are POSIX shell, run by bash in a process group.
#[cfg(unix)]
mod examples;
mod exec;
mod fake_salesforce_selftest;
#[cfg(target_os = "linux")]
mod fast_cache;
mod files;
mod help;
mod hostile;
mod import_export;
mod json_docs;
mod json_shapes;
mod jwt;
mod keychain;
#[cfg(target_os = "linux")]
mod keyutils;
mod leaks;
mod link;
mod list;
mod listener_security;
#[cfg(target_os = "linux")]
mod locks;
mod man;
mod network;
mod output;
mod passphrase;
#[cfg(unix)]
mod project_file;
mod recipes;
mod revoke;
mod stores;
// Some harness serves only the Linux-only tests (crash, locks, keyutils).
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
mod support;
mod token;
mod trust;
mod vault;
mod vault_lease;
