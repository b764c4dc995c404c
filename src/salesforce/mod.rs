//! Everything that speaks Salesforce's OAuth: login hosts, the authorize URL,
//! token, refresh, revoke and identity calls, the device flow, the headless
//! grants (JWT bearer, client credentials), the SFDX auth URL, the proxy each call takes, and
//! Salesforce's error codes.

pub mod client_credentials;
pub mod device;
pub mod errors;
pub mod grant;
pub mod headless_errors;
pub mod hosts;
pub mod http;
pub mod identity;
pub mod jwt;
pub mod oauth;
pub mod proxy;
pub mod revoke;
pub mod sfdx_url;
pub mod token_answer;
