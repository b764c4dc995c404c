//! Everything that speaks Salesforce's OAuth: login hosts, the authorize URL,
//! token, refresh, revoke and identity calls, the device flow, the proxy
//! each call takes, and Salesforce's error codes.

pub mod device;
pub mod errors;
pub mod hosts;
pub mod http;
pub mod identity;
pub mod oauth;
pub mod proxy;
pub mod revoke;
