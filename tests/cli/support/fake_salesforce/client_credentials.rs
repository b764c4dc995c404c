//! `grant_type=client_credentials` (§11): the app's consumer key and secret,
//! in the form body or HTTP Basic, buy a token acting as its Run As user,
//! without a refresh token and without the `full`, `web` and
//! `refresh_token` scopes. Only a My Domain accepts it (`generic_host`).

use super::Shared;
use super::http::{Reply, lock};
use super::knobs::{FakeClient, Knobs};
use super::token::{TokenRequest, invalid_grant, issue_new};

pub(super) const GRANT_TYPE: &str = "client_credentials";

pub(super) fn grant(
    shared: &Shared,
    knobs: &Knobs,
    request: &TokenRequest,
) -> Result<Reply, Reply> {
    if knobs.headless.generic_host {
        return Err(Reply::oauth_error(
            400,
            "invalid_request",
            "request not supported on this domain",
        ));
    }
    let app = knobs
        .headless
        .client_credentials_apps
        .iter()
        .find(|a| Some(a.client_id.as_str()) == request.client_id())
        .ok_or_else(|| Reply::oauth_error(400, "invalid_client_id", "client identifier invalid"))?;
    if request.client_secret() != Some(app.secret.as_str()) || request.conflicting_ids() {
        return Err(Reply::oauth_error(
            400,
            "invalid_client",
            "invalid client credentials",
        ));
    }
    if !app.enabled {
        return Err(Reply::oauth_error(
            400,
            "unsupported_grant_type",
            "grant type not supported",
        ));
    }
    let run_as = app
        .run_as
        .as_deref()
        .ok_or_else(|| invalid_grant("no client credentials user enabled"))?;
    let mut st = lock(&shared.state);
    let user = st
        .users
        .iter()
        .find(|u| u.username == run_as)
        .cloned()
        .ok_or_else(|| invalid_grant("no client credentials user enabled"))?;
    let scope = vec!["api".to_string(), "id".to_string()];
    let index = st.add_grant(&app.client_id, user, scope, None, false);
    let client = FakeClient::headless(&app.client_id, Some(app.secret.clone()));
    Ok(issue_new(&shared.base_url, knobs, &mut st, &client, index))
}
