//! The integration tests: the real `sfconnect` binary against a fake
//! Salesforce on loopback, driven by a test browser. One test binary, with a
//! module per command.

mod api;
mod approvals;
mod check;
mod completions;
mod concurrency;
mod config;
#[cfg(target_os = "linux")]
mod crash;
mod docs;
mod doctor;
mod examples;
mod exec;
mod fake_salesforce_selftest;
mod files;
mod help;
mod hostile;
mod json_shapes;
mod keychain;
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
mod revoke;
mod stores;
mod support;
mod token;
mod trust;
