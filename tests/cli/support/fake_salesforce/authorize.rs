//! `GET /services/oauth2/authorize` (§2): checks the client, the callback URL and
//! PKCE, then redirects back with a code, or with an error. Bad clients and
//! callbacks get an error page instead of a redirect, as on Salesforce.
//!
//! The user "logged in" is the fake's current user, or the registered user a
//! `login_hint` names; the `deny_consent` and
//! `authorize_error` knobs stand in for their clicks and for admin policies.

use std::net::Ipv4Addr;
use std::time::Instant;

use super::http::{Incoming, Reply, lock, split_scope};
use super::knobs::{FakeClient, Knobs};
use super::state::PendingCode;
use super::{APP_SCOPES, Shared, secrets};

pub(super) fn authorize(shared: &Shared, knobs: &Knobs, rq: &Incoming) -> Reply {
    if rq.method != "GET" {
        return Reply::error_page("invalid_request", "Must use HTTP GET");
    }
    let Some(client) = knobs.client(rq.query("client_id")) else {
        return Reply::error_page("invalid_client_id", "client identifier invalid");
    };
    let Some(redirect_uri) = rq.query("redirect_uri").filter(|r| !r.is_empty()) else {
        return Reply::error_page("redirect_uri_missing", "redirect_uri must be provided");
    };
    if !redirect_allowed(client, redirect_uri) {
        return Reply::error_page(
            "redirect_uri_mismatch",
            "redirect_uri must match configuration",
        );
    }
    let state = rq.query("state");
    let fail = |error: &str, description: &str| {
        let mut params = vec![("error", error), ("error_description", description)];
        params.extend(state.map(|s| ("state", s)));
        Reply::redirect(redirect_uri, &params)
    };
    if rq.query("response_type") != Some("code") {
        return fail("unsupported_response_type", "response type not supported");
    }
    let Some(challenge) = rq.query("code_challenge").filter(|c| !c.is_empty()) else {
        return fail("invalid_request", "missing required code challenge");
    };
    if rq
        .query("code_challenge_method")
        .is_some_and(|m| m != "S256")
    {
        return fail("invalid_request", "invalid code challenge method");
    }
    if !is_s256_challenge(challenge) {
        return fail("invalid_request", "invalid code challenge");
    }
    if let Some((error, description)) = &knobs.authorize_error {
        return fail(error, description);
    }
    if knobs.deny_consent {
        return fail("access_denied", "end-user denied authorization");
    }
    let scope = match rq.query("scope").map(split_scope).filter(|s| !s.is_empty()) {
        Some(scope) => scope,
        None => APP_SCOPES.iter().map(|s| s.to_string()).collect(),
    };
    let mut st = lock(&shared.state);
    // `login_hint` (which Salesforce uses to fill in the username) picks a
    // registered user, so parallel logins can be different people.
    let hinted = rq
        .query("login_hint")
        .and_then(|name| st.users.iter().find(|u| u.username == name).cloned());
    let user = hinted.unwrap_or_else(|| st.current_user());
    let code = st.mint(secrets::authorization_code());
    st.codes.insert(
        code.clone(),
        PendingCode {
            client_id: client.client_id.clone(),
            redirect_uri: redirect_uri.to_string(),
            challenge: challenge.to_string(),
            scope,
            nonce: rq.query("nonce").map(str::to_string),
            user,
            issued: Instant::now(),
        },
    );
    drop(st);
    let mut params = vec![("code", code.as_str())];
    params.extend(state.map(|s| ("state", s)));
    params.push(("iss", &shared.base_url));
    params.push(("sfdc_community_url", ""));
    Reply::redirect(redirect_uri, &params)
}

fn redirect_allowed(client: &FakeClient, uri: &str) -> bool {
    client.redirect_uris.iter().any(|r| r == uri) || (client.any_loopback_port && is_loopback(uri))
}

/// `http://localhost|127.0.0.1|[::1]:<port>/<any path>`, nothing odd in it.
fn is_loopback(uri: &str) -> bool {
    if uri.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return false;
    }
    let Ok(parsed) = url::Url::parse(uri) else {
        return false;
    };
    let host_ok = match parsed.host() {
        Some(url::Host::Domain(domain)) => domain == "localhost",
        Some(url::Host::Ipv4(ip)) => ip == Ipv4Addr::LOCALHOST,
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    parsed.scheme() == "http"
        && host_ok
        && parsed.port().is_some()
        && parsed.fragment().is_none()
        && parsed.username().is_empty()
        && parsed.password().is_none()
}

/// What base64url(SHA-256(verifier)) always looks like: 43 unpadded characters.
fn is_s256_challenge(challenge: &str) -> bool {
    challenge.len() == 43
        && challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
