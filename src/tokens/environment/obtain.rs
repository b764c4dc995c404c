//! Access tokens for the environment connection: a grant at every call, or
//! with `SFCONNECT_ENV_CACHE` the job's cached token while young.
//!
//! Nothing else is written: no index, no secret store, no lock in the
//! config dir, no `last_used` bookkeeping. Who the connection is comes
//! from the grant's answer: the org and user ids from the path of its
//! identity URL (`/id/ORG_ID/USER_ID`, docs/salesforce-oauth.md §7); the
//! username from `SFCONNECT_USERNAME` for JWT, else from the identity call
//! (`salesforce::identity`), one request more, kept in the cache.
//!
//! Rotation (docs/salesforce-oauth.md §4): when a refresh of the auth URL
//! answers with a new refresh token, the variable's is dead. With the cache
//! the new one is written there before anything else; without it, the
//! access token is still handed out, with a loud warning that a second call
//! in this job would make Salesforce revoke the whole chain. The new
//! refresh token is never printed.

use super::cache::{Cache, Saved};
use super::{EnvConnection, Grant};
use crate::error::{Error, Result};
use crate::output;
use crate::salesforce::client_credentials;
use crate::salesforce::headless_errors::{self, Moment};
use crate::salesforce::hosts::parse_server_url;
use crate::salesforce::http::Http;
use crate::salesforce::identity;
use crate::salesforce::jwt::{self, Claims};
use crate::salesforce::oauth::{AppConfig, Tokens};
use crate::secrets::client_secret;
use crate::secrets::secret::Secret;
use crate::settings;
use crate::tokens::access::{Access, Freshness};
use chrono::{DateTime, Utc};

/// Who the connection is, as far as the commands need to say.
#[derive(Clone, Default)]
pub struct Who {
    pub username: String,
    pub org_id: String,
    pub user_id: String,
}

impl EnvConnection {
    /// A usable access token (see the module header).
    pub fn obtain(&self, freshness: Freshness) -> Result<Access> {
        let Some(cache) = Cache::open(&self.identity())? else {
            let access = self.mint(None, &mut |rotated| {
                self.keep_in_process(rotated);
                warn_rotated_without_cache();
            })?;
            return Ok(access);
        };
        output::debug(&format!(
            "environment connection: using the cache in {} ({})",
            cache.dir().display(),
            settings::ENV_CACHE.env
        ));
        let _lock = cache.lock()?;
        let mut saved = cache.load()?;
        if !freshness.force
            && let Some(access) = self.young(&saved, freshness)
        {
            output::debug("environment connection: using the cached access token");
            return Ok(access);
        }
        let presented = saved.refresh_token.clone().map(Secret::new);
        let access = self.mint(presented, &mut |rotated| {
            // Written before the new access token is used or the answer
            // judged: it is now the only live refresh token.
            saved.refresh_token = Some(rotated.expose().to_string());
            self.keep_in_process(rotated);
            if let Err(err) = cache.save(&saved) {
                output::warn(&format!(
                    "could not keep the rotated refresh token in {}: {}",
                    settings::ENV_CACHE.env,
                    err.message
                ));
                warn_rotated_without_cache();
            }
        })?;
        saved.access_token = Some(access.token.expose().to_string());
        saved.issued_at_ms = Some(access.issued_at.timestamp_millis());
        saved.instance_url = access.connection.instance_url.clone();
        saved.username = access.connection.username.clone();
        saved.org_id = access.connection.org_id.clone();
        saved.user_id = access.connection.user_id.clone();
        // The token is good whether or not it could be kept.
        if let Err(err) = cache.save(&saved) {
            output::warn(&format!(
                "could not keep the access token in {}: {}",
                settings::ENV_CACHE.env,
                err.message
            ));
        }
        Ok(access)
    }

    /// What tells this connection apart from another a job may describe;
    /// hashed into the cache's file name. For an auth URL: its refresh
    /// token as the variable holds it (the rotated one lives in the file).
    fn identity(&self) -> Vec<&str> {
        let mut parts = vec![self.kind_name(), self.login_url.as_str(), self.client_id()];
        match &self.grant {
            Grant::AuthUrl(url) => parts.push(url.refresh_token.expose()),
            Grant::Jwt { username, .. } => parts.push(username),
            Grant::ClientCredentials { .. } => {}
        }
        parts
    }

    fn young(&self, saved: &Saved, freshness: Freshness) -> Option<Access> {
        let token = saved.access_token.as_deref()?;
        // A file can be edited: the instance it names is judged again
        // before the token follows it (as one read back from the index).
        let instance_url =
            match parse_server_url(&self.login_url, &saved.instance_url, "instance URL") {
                Ok(url) => url,
                Err(err) => {
                    output::debug(&format!(
                        "environment connection: not using the cached token: {}",
                        err.message
                    ));
                    return None;
                }
            };
        let issued_at = DateTime::from_timestamp_millis(saved.issued_at_ms?)?;
        let age = Utc::now().signed_duration_since(issued_at);
        let max_age = chrono::Duration::from_std(freshness.max_age).ok()?;
        // Salesforce's clock: a little in our future is skew (as in
        // `access::young`).
        let young = age > -chrono::Duration::minutes(5) && age < max_age;
        let who = Who {
            username: saved.username.clone(),
            org_id: saved.org_id.clone(),
            user_id: saved.user_id.clone(),
        };
        young.then(|| Access {
            connection: self.record(&who, &instance_url),
            token: Secret::new(token),
            issued_at,
            credential_env: None,
        })
    }

    /// One grant; for an auth URL presenting `presented` (a rotated token
    /// from the cache), else the one this process holds. `on_rotation`
    /// runs with a rotated refresh token before anything else happens.
    fn mint(
        &self,
        presented: Option<Secret>,
        on_rotation: &mut dyn FnMut(&Secret),
    ) -> Result<Access> {
        let http = Http::new()?;
        let mut tokens = match &self.grant {
            Grant::AuthUrl(url) => {
                let refresh_token = presented
                    .or_else(|| self.held_refresh_token())
                    .unwrap_or_else(|| url.refresh_token.clone());
                let secret = client_secret::for_refresh(
                    &url.client_id,
                    url.client_secret.as_ref(),
                    super::configured_client_id().as_deref(),
                );
                let app = AppConfig {
                    login_url: self.login_url.clone(),
                    client_id: url.client_id.clone(),
                    client_secret: secret.secret,
                };
                let mut tokens = app
                    .refresh(&http, &refresh_token)
                    .map_err(explain_refused)?;
                if let Some(rotated) = tokens.refresh_token.take() {
                    output::debug("environment connection: Salesforce rotated the refresh token");
                    on_rotation(&rotated);
                }
                tokens
            }
            Grant::Jwt {
                key,
                client_id,
                username,
                audience,
            } => {
                let claims = Claims {
                    client_id,
                    username,
                    audience,
                };
                let grant = headless_errors::Grant::Jwt { username, audience };
                jwt::mint(&http, &self.login_url, key, &claims)?.map_err(|refusal| {
                    headless_errors::explain(&refusal, &grant, &Moment::Environment, client_id)
                })?
            }
            Grant::ClientCredentials { client_id, secret } => {
                client_credentials::mint(&http, &self.login_url, client_id, secret)?.map_err(
                    |refusal| {
                        headless_errors::explain(
                            &refusal,
                            &headless_errors::Grant::ClientCredentials,
                            &Moment::Environment,
                            client_id,
                        )
                    },
                )?
            }
        };
        // The answer's URLs are judged before the token follows them.
        tokens.check_urls(&self.login_url)?;
        output::debug(&format!(
            "environment connection ({}): new access token",
            self.variable()
        ));
        let who = self.who(&http, &tokens);
        let issued_at =
            DateTime::from_timestamp_millis(tokens.issued_at_ms).unwrap_or_else(Utc::now);
        Ok(Access {
            connection: self.record(&who, &tokens.instance_url),
            token: tokens.access_token,
            issued_at,
            credential_env: None,
        })
    }

    /// The username, org id and user id. A failed identity call costs only
    /// the username (a warning): the token is good, and `token` needs none.
    fn who(&self, http: &Http, tokens: &Tokens) -> Who {
        let (org_id, user_id) = ids_of(&tokens.identity_url);
        if let Grant::Jwt { username, .. } = &self.grant {
            return Who {
                username: username.clone(),
                org_id,
                user_id,
            };
        }
        match identity::fetch(
            http,
            &self.login_url,
            &tokens.instance_url,
            &tokens.identity_url,
            &tokens.access_token,
        ) {
            Ok(found) => Who {
                username: found.username,
                org_id: found.org_id,
                user_id: found.user_id,
            },
            Err(err) => {
                output::warn(&format!(
                    "could not learn the environment connection's username: {}",
                    err.message
                ));
                Who {
                    username: String::new(),
                    org_id,
                    user_id,
                }
            }
        }
    }

    fn held_refresh_token(&self) -> Option<Secret> {
        self.current_refresh
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// A retry in this process (`api` after a 401) presents the rotated
    /// token, never the dead one.
    fn keep_in_process(&self, rotated: &Secret) {
        *self
            .current_refresh
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(rotated.clone());
    }
}

/// The org and user ids from an identity URL's path
/// (`https://login.salesforce.com/id/00D.../005...`); empty when it has
/// another shape.
pub fn ids_of(identity_url: &str) -> (String, String) {
    let path = url::Url::parse(identity_url)
        .map(|u| u.path().to_string())
        .unwrap_or_default();
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    match segments.as_slice() {
        [.., "id", org, user] if !org.is_empty() && !user.is_empty() => {
            (org.to_string(), user.to_string())
        }
        _ => (String::new(), String::new()),
    }
}

/// A refused refresh of `SFCONNECT_AUTH_URL`: name the variable, and say
/// what most likely killed it.
fn explain_refused(err: Error) -> Error {
    if err.salesforce_code.as_deref() != Some("invalid_grant") {
        return err;
    }
    let var = settings::AUTH_URL.env;
    err.reworded(|message| format!("{var}: {message}"))
        .with_hint(format!(
            "its refresh token is revoked, or was rotated away by an earlier call of this job (set {} so that later calls present the rotated one); make a new auth URL (`sf org auth show-sfdx-auth-url`, or `sfconnect export`), or use a JWT connection for CI (SFCONNECT_ENV=jwt)",
            settings::ENV_CACHE.env
        ))
}

/// Said when the auth URL's refresh token was rotated and nothing keeps
/// the new one: the variable is dead from now on.
fn warn_rotated_without_cache() {
    let var = settings::AUTH_URL.env;
    output::warn(&format!(
        "Salesforce rotated the refresh token of {var}: the variable is now DEAD. This call got its access token, but a second call in this job would present the old refresh token, and Salesforce would then revoke the whole chain (the new token too, and every copy of this auth URL, the sf CLI's included)."
    ));
    output::warn(&format!(
        "fix: set {}=DIR (a directory of this job alone) so that later calls use the rotated token; or, for CI, use a JWT connection (SFCONNECT_ENV=jwt), which has no refresh token to rotate",
        settings::ENV_CACHE.env
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_from_the_identity_url_path() {
        assert_eq!(
            ids_of("https://login.salesforce.com/id/00D000000000001EAA/005000000000001AAA"),
            (
                "00D000000000001EAA".to_string(),
                "005000000000001AAA".to_string()
            )
        );
        assert_eq!(
            ids_of("http://127.0.0.1:9/id/00Dx/005y/"),
            ("00Dx".to_string(), "005y".to_string())
        );
        assert_eq!(
            ids_of("https://x/services/oauth2/userinfo"),
            (String::new(), String::new())
        );
        assert_eq!(ids_of("not a url"), (String::new(), String::new()));
    }
}
