//! Who logged in: username, org id and user id, from Salesforce's OpenID
//! `userinfo` endpoint on the instance, falling back to the identity URL
//! (`id` in the token response) when userinfo is not available
//! (docs/salesforce-oauth.md §7). Both URLs come from the token response, so each
//! is judged against the login URL (`hosts::parse_server_url`) before the
//! access token goes to it.

use super::hosts::parse_server_url;
use super::http::Http;
use super::oauth::host_of;
use crate::error::{Error, Result};
use crate::secrets::secret::Secret;
use serde::Deserialize;

#[derive(Debug, Clone)]
pub struct Identity {
    pub username: String,
    pub org_id: String,
    pub user_id: String,
}

#[derive(Deserialize)]
struct UserInfo {
    preferred_username: String,
    organization_id: String,
    user_id: String,
}

#[derive(Deserialize)]
struct IdentityDocument {
    username: String,
    organization_id: String,
    user_id: String,
}

pub fn fetch(
    http: &Http,
    login_url: &str,
    instance_url: &str,
    identity_url: &str,
    access_token: &Secret,
) -> Result<Identity> {
    let instance_url = parse_server_url(login_url, instance_url, "instance URL")?;
    let identity_url = parse_server_url(login_url, identity_url, "identity URL")?;
    let userinfo = format!("{instance_url}/services/oauth2/userinfo");
    match get_json::<UserInfo>(http, &userinfo, access_token) {
        Ok(Some(info)) => Ok(Identity {
            username: info.preferred_username,
            org_id: info.organization_id,
            user_id: info.user_id,
        }),
        Ok(None) => {
            let doc: IdentityDocument =
                get_json(http, &identity_url, access_token)?.ok_or_else(|| {
                    Error::network(format!(
                        "{} did not answer the identity request",
                        host_of(&identity_url)
                    ))
                })?;
            Ok(Identity {
                username: doc.username,
                org_id: doc.organization_id,
                user_id: doc.user_id,
            })
        }
        Err(e) => Err(e),
    }
}

/// GETs JSON with the bearer token from a URL already judged; `Ok(None)`
/// for a 4xx answer.
fn get_json<T: serde::de::DeserializeOwned>(
    http: &Http,
    url: &str,
    access_token: &Secret,
) -> Result<Option<T>> {
    let host = host_of(url);
    let request = http
        .client()
        .get(url)
        .bearer_auth(access_token.expose())
        .header(reqwest::header::ACCEPT, "application/json");
    let answer = http.send(request, &host)?;
    if !answer.is_success() {
        return Ok(None);
    }
    serde_json::from_slice(&answer.body).map(Some).map_err(|e| {
        Error::network(format!(
            "{host} answered the identity request with unexpected JSON ({e})"
        ))
    })
}
