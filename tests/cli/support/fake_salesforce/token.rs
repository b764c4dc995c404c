//! `POST /services/oauth2/token` (§3, §4): client authentication, the
//! authorization-code and refresh-token grants, and the success JSON every grant
//! shares. The device flow's two requests arrive here too and are handed to
//! `device`; the headless grants (§11) to `jwt_bearer` and `client_credentials`.
//!
//! Refresh tokens rotate when the knob says so; presenting a rotated one kills
//! the whole chain. A refresh is a use of the approval, never a new one.

use std::time::{Instant, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::http::{Incoming, Reply, lock};
use super::knobs::{FakeClient, Knobs};
use super::state::{AccessToken, State};
use super::{EXPIRED_CODE, EXPIRED_TOKEN, Shared, client_credentials, device, jwt_bearer, secrets};

/// A token-endpoint request with the client's credentials pulled out of the form
/// or HTTP Basic.
pub(super) struct TokenRequest<'a> {
    rq: &'a Incoming,
    client_id: Option<String>,
    client_secret: Option<String>,
    conflicting_ids: bool,
}

impl<'a> TokenRequest<'a> {
    fn new(rq: &'a Incoming) -> TokenRequest<'a> {
        let basic = rq
            .header("authorization")
            .and_then(|h| h.trim().strip_prefix("Basic "))
            .and_then(|b| STANDARD.decode(b.trim()).ok())
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|s| {
                s.split_once(':')
                    .map(|(i, p)| (i.to_string(), p.to_string()))
            });
        let form_id = rq.form("client_id").map(str::to_string);
        let (basic_id, basic_secret) = basic.unzip();
        let conflicting_ids = matches!((&form_id, &basic_id), (Some(f), Some(b)) if f != b);
        TokenRequest {
            rq,
            client_id: form_id.or(basic_id),
            client_secret: rq
                .form("client_secret")
                .map(str::to_string)
                .or(basic_secret),
            conflicting_ids,
        }
    }

    pub(super) fn param(&self, name: &str) -> Option<&'a str> {
        self.rq.form(name)
    }

    /// The client id, from the form or HTTP Basic.
    pub(super) fn client_id(&self) -> Option<&str> {
        self.client_id.as_deref()
    }

    /// The client secret, from the form or HTTP Basic.
    pub(super) fn client_secret(&self) -> Option<&str> {
        self.client_secret.as_deref()
    }

    /// The form and HTTP Basic name different clients.
    pub(super) fn conflicting_ids(&self) -> bool {
        self.conflicting_ids
    }

    /// The calling client, or the error Salesforce gives for bad credentials. A
    /// client with a secret must send it; one without must not send any.
    pub(super) fn authenticate<'k>(&self, knobs: &'k Knobs) -> Result<&'k FakeClient, Reply> {
        self.check_client(knobs, true)
    }

    /// Like `authenticate`, but a missing secret is fine (the device flow sends
    /// only `client_id`); a secret that is sent must still be right.
    pub(super) fn identify<'k>(&self, knobs: &'k Knobs) -> Result<&'k FakeClient, Reply> {
        self.check_client(knobs, false)
    }

    fn check_client<'k>(
        &self,
        knobs: &'k Knobs,
        secret_required: bool,
    ) -> Result<&'k FakeClient, Reply> {
        let client = knobs.client(self.client_id.as_deref()).ok_or_else(|| {
            Reply::oauth_error(400, "invalid_client_id", "client identifier invalid")
        })?;
        let secret_ok = match (&client.secret, &self.client_secret) {
            (Some(expected), Some(sent)) => expected == sent,
            (Some(_), None) => !secret_required,
            (None, None) => true,
            (None, Some(_)) => false,
        };
        if secret_ok && !self.conflicting_ids {
            Ok(client)
        } else {
            Err(Reply::oauth_error(
                400,
                "invalid_client",
                "invalid client credentials",
            ))
        }
    }
}

pub(super) fn token(shared: &Shared, knobs: &Knobs, rq: &Incoming) -> Reply {
    if rq.method != "POST" {
        return Reply::oauth_error(400, "invalid_request", "must use HTTP POST");
    }
    if let Some((status, error, description)) = &knobs.token_error {
        return Reply::oauth_error(*status, error, description);
    }
    let request = TokenRequest::new(rq);
    let grant_type = request.param("grant_type");
    let result = match grant_type {
        Some("authorization_code") => authorization_code_grant(shared, knobs, &request),
        Some("refresh_token") => refresh_token_grant(shared, knobs, &request),
        Some("device") => device::poll(shared, knobs, &request),
        Some(jwt_bearer::GRANT_TYPE) => jwt_bearer::grant(shared, knobs, &request),
        Some(client_credentials::GRANT_TYPE) => client_credentials::grant(shared, knobs, &request),
        None if request.param("response_type") == Some("device_code") => {
            device::start(shared, knobs, &request)
        }
        _ => Err(Reply::oauth_error(
            400,
            "unsupported_grant_type",
            "grant type not supported",
        )),
    };
    result.unwrap_or_else(|reply| reply)
}

pub(super) fn invalid_grant(description: &str) -> Reply {
    Reply::oauth_error(400, "invalid_grant", description)
}

/// Whether these scopes ask for a refresh token (and so make an approval).
pub(super) fn wants_refresh(knobs: &Knobs, scope: &[String]) -> bool {
    let asked = scope
        .iter()
        .any(|s| s == "refresh_token" || s == "offline_access");
    asked && !knobs.omit_refresh_token
}

fn authorization_code_grant(
    shared: &Shared,
    knobs: &Knobs,
    request: &TokenRequest,
) -> Result<Reply, Reply> {
    let mut st = lock(&shared.state);
    // Any presentation burns the code, even one that fails below.
    let pending = request.param("code").and_then(|code| st.codes.remove(code));
    let client = request.authenticate(knobs)?;
    let expired = || invalid_grant(EXPIRED_CODE);
    let pending = pending.ok_or_else(expired)?;
    if pending.client_id != client.client_id || pending.issued.elapsed() >= knobs.code_ttl {
        return Err(expired());
    }
    if request.param("redirect_uri") != Some(pending.redirect_uri.as_str()) {
        return Err(invalid_grant("redirect_uri mismatch"));
    }
    let verifier = request
        .param("code_verifier")
        .ok_or_else(|| invalid_grant("invalid code verifier"))?;
    if URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) != pending.challenge {
        return Err(invalid_grant("invalid code verifier"));
    }
    let with_refresh = wants_refresh(knobs, &pending.scope);
    let index = st.add_grant(
        &client.client_id,
        pending.user,
        pending.scope,
        pending.nonce,
        with_refresh,
    );
    Ok(issue_new(&shared.base_url, knobs, &mut st, client, index))
}

fn refresh_token_grant(
    shared: &Shared,
    knobs: &Knobs,
    request: &TokenRequest,
) -> Result<Reply, Reply> {
    if let Some((status, error, description)) = &knobs.refresh_error {
        return Err(Reply::oauth_error(*status, error, description));
    }
    let client = request.authenticate(knobs)?;
    let presented = request
        .param("refresh_token")
        .filter(|t| !t.is_empty())
        .ok_or_else(|| Reply::oauth_error(400, "invalid_request", "missing refresh token"))?;
    let mut st = lock(&shared.state);
    let index = st
        .grants
        .iter()
        .position(|g| g.refresh_tokens.iter().any(|t| t == presented))
        .ok_or_else(|| invalid_grant(EXPIRED_TOKEN))?;
    let grant = &st.grants[index];
    if grant.revoked || grant.client_id != client.client_id {
        return Err(invalid_grant(EXPIRED_TOKEN));
    }
    if grant.current_refresh() != Some(presented) {
        // A rotated token came back: somebody has a copy. Kill the chain (§4).
        st.rotated_reused = true;
        st.revoke_grant(index);
        return Err(invalid_grant(EXPIRED_TOKEN));
    }
    let rotated = if knobs.rotate_refresh_tokens {
        let fresh = st.mint(secrets::refresh_token());
        st.grants[index].refresh_tokens.push(fresh.clone());
        Some(fresh)
    } else {
        None
    };
    let grant = &mut st.grants[index];
    grant.use_count += 1;
    grant.last_used = Some(SystemTime::now());
    Ok(issue(
        &shared.base_url,
        knobs,
        &mut st,
        client,
        index,
        rotated,
    ))
}

/// The answer to a grant just added: its first access token, with its
/// refresh token when it was given one.
pub(super) fn issue_new(
    base_url: &str,
    knobs: &Knobs,
    st: &mut State,
    client: &FakeClient,
    grant: usize,
) -> Reply {
    let refresh = st.grants[grant].current_refresh().map(str::to_string);
    issue(base_url, knobs, st, client, grant, refresh)
}

/// Mints an access token for a grant and builds the §3 success JSON (with
/// the URLs the knobs put in place of the fake's own).
pub(super) fn issue(
    base_url: &str,
    knobs: &Knobs,
    st: &mut State,
    client: &FakeClient,
    grant: usize,
    refresh: Option<String>,
) -> Reply {
    let org = &st.grants[grant].user.org_id;
    let access = st.mint(secrets::access_token(org));
    st.access.insert(
        access.clone(),
        AccessToken {
            grant,
            issued: Instant::now(),
            revoked: false,
            expired: false,
        },
    );
    let g = &st.grants[grant];
    let id = format!("{base_url}/id/{}/{}", g.user.org_id, g.user.user_id);
    let issued_at = secrets::now_millis().to_string();
    let key = client.secret.as_deref().unwrap_or("");
    let signature = STANDARD.encode(secrets::hmac_sha256(
        key.as_bytes(),
        format!("{id}{issued_at}").as_bytes(),
    ));
    let mut body = json!({
        "access_token": access,
        "signature": signature,
        "scope": g.scope.join(" "),
        "instance_url": base_url,
        "id": id,
        "token_type": "Bearer",
        "issued_at": issued_at,
    });
    if let Some(refresh) = refresh {
        body["refresh_token"] = json!(refresh);
    }
    if let Some(url) = &knobs.instance_url {
        body["instance_url"] = json!(url);
    }
    if let Some(url) = &knobs.identity_url {
        body["id"] = json!(url);
    }
    if let Some(url) = &knobs.community_url {
        body["sfdc_community_url"] = json!(url);
    }
    if g.scope.iter().any(|s| s == "openid") {
        body["id_token"] = json!(id_token(
            base_url,
            &id,
            &client.client_id,
            g.nonce.as_deref()
        ));
    }
    Reply::json(200, &body)
}

fn id_token(base_url: &str, id: &str, client_id: &str, nonce: Option<&str>) -> String {
    let iat = secrets::now_millis() / 1000;
    let mut claims =
        json!({"iss": base_url, "sub": id, "aud": client_id, "iat": iat, "exp": iat + 120});
    if let Some(nonce) = nonce {
        claims["nonce"] = json!(nonce);
    }
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","kid":"fake"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signature = URL_SAFE_NO_PAD.encode(Sha256::digest(format!("{header}.{payload}")));
    format!("{header}.{payload}.{signature}")
}
