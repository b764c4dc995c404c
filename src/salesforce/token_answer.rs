//! The token JSON Salesforce answers a successful token request with
//! (docs/salesforce-oauth.md §3), read the same way for every grant that is
//! posted by hand (the device flow, JWT bearer, client credentials), so the
//! fields a `Tokens` is built from are decided once.

use super::oauth::{Tokens, community_urls};
use crate::secrets::secret::Secret;
use chrono::Utc;
use serde::Deserialize;

/// The fields of a token answer sfconnect relies on; `refresh_token` is
/// absent from the headless grants' answers.
#[derive(Deserialize)]
pub struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    instance_url: String,
    id: String,
    #[serde(default)]
    issued_at: Option<String>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    sfdc_community_url: Option<String>,
    #[serde(default)]
    sfdc_site_url: Option<String>,
}

impl TokenAnswer {
    /// The answer as `Tokens`: `issued_at` (milliseconds since the epoch, as
    /// a string) falls back to now, and `scope` is split on white space.
    pub fn into_tokens(self) -> Tokens {
        Tokens {
            access_token: Secret::new(self.access_token),
            refresh_token: self.refresh_token.map(Secret::new),
            instance_url: self.instance_url.trim_end_matches('/').to_string(),
            identity_url: self.id,
            community_urls: community_urls([&self.sfdc_community_url, &self.sfdc_site_url]),
            issued_at_ms: self
                .issued_at
                .and_then(|ms| ms.parse().ok())
                .unwrap_or_else(|| Utc::now().timestamp_millis()),
            scopes: self
                .scope
                .map(|s| s.split_whitespace().map(String::from).collect())
                .unwrap_or_default(),
        }
    }
}
