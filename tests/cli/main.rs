//! The integration tests: the real `sfconnect` binary against a fake
//! Salesforce on loopback, driven by a test browser. One test binary, with a
//! module per command.

mod api;
mod approvals;
mod client_credentials;
mod concurrency;
mod config;
#[cfg(target_os = "linux")]
mod crash;
mod docs;
mod examples;
mod exec;
mod fake_server;
mod files;
mod hostile;
mod json_docs;
mod json_shapes;
mod jwt;
mod keychain;
mod keyutils;
mod leaks;
mod link;
mod list;
mod listener_security;
#[cfg(target_os = "linux")]
mod locks;
mod login;
mod network;
mod passphrase;
mod revoke;
mod shell;
mod stores;
mod support;
mod token;
mod trust;
