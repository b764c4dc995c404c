//! The integration tests: the real `sfconnect` binary against a fake
//! Salesforce on loopback, driven by a test browser. One test binary, with a
//! module per command.

mod api;
mod approvals;
mod client_credentials;
mod concurrency;
mod crash;
mod exec;
mod fake_server;
mod files;
mod hostile;
mod jwt;
mod keychain;
mod leaks;
mod link;
mod list;
mod login;
mod network;
mod revoke;
mod shell;
mod stores;
mod support;
mod token;
