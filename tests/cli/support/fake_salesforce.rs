//! A fake Salesforce login server for the integration tests.
//!
//! `sfconnect` talks real HTTP to whatever login host it is given, and its tests aim
//! it at this loopback server instead of Salesforce. The fake follows the wire
//! reference (`shared/salesforce-oauth.md`): the authorize redirect with PKCE, the
//! token endpoint's grants and JSON errors, refresh-token rotation with reuse
//! detection, the form-encoded revoke errors, userinfo, the identity URL and a small
//! echoing REST surface. It records every request so tests can assert on what the
//! client sent, and exposes `Knobs` to make Salesforce misbehave on demand.
//!
//! Do not hold the `knobs()` guard while a request is in flight: the server reads
//! the knobs at the start of every request.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::fmt::Write as _;
use std::hash::{BuildHasher, Hasher};
use std::io::{Cursor, Read};
use std::net::Ipv4Addr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// Consumer key of the client registered by default.
pub const FAKE_CLIENT_ID: &str = "3MVG9fakeClientIdForSfconnectTests";
/// Username of the user registered (and logged in) by default.
pub const DEFAULT_USERNAME: &str = "ada@example.com";
/// 18-character org id of the default user.
pub const DEFAULT_ORG_ID: &str = "00D000000000001EAA";
/// 18-character user id of the default user.
pub const DEFAULT_USER_ID: &str = "005000000000001AAA";
/// Every code, access token and refresh token the fake issues contains this
/// marker followed by random hex, so a leak test can grep any output for it.
pub const SECRET_CANARY: &str = "SFCANARY";

/// Scopes granted when the authorize request names none ("all the app's scopes").
const APP_SCOPES: &[&str] = &["api", "web", "refresh_token", "id"];
const WORKERS: usize = 16;
const MAX_BODY: u64 = 1 << 20;
const JSON: &str = "application/json;charset=UTF-8";
const FORM: &str = "application/x-www-form-urlencoded";
const INVALID_SESSION: &str =
    r#"[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]"#;
const NOT_FOUND: &str =
    r#"[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]"#;
const EXPIRED_TOKEN: &str = "expired access/refresh token";

/// One request as the fake received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    pub method: String,
    /// The path without the query string.
    pub path: String,
    pub query: Vec<(String, String)>,
    /// The decoded body when it was sent as `application/x-www-form-urlencoded`.
    pub form: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    /// The raw body (lossily decoded as UTF-8).
    pub body: String,
}

impl Recorded {
    /// The first query parameter called `name`.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        first(&self.query, name)
    }

    /// The first form field called `name`.
    pub fn form_param(&self, name: &str) -> Option<&str> {
        first(&self.form, name)
    }

    /// The first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A Salesforce user who can log in at the fake.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeUser {
    pub username: String,
    /// 18-character id starting with `005`.
    pub user_id: String,
    /// 18-character id starting with `00D`.
    pub org_id: String,
    pub display_name: String,
    pub email: String,
}

impl Default for FakeUser {
    /// The default user, Ada.
    fn default() -> Self {
        FakeUser {
            username: DEFAULT_USERNAME.to_string(),
            user_id: DEFAULT_USER_ID.to_string(),
            org_id: DEFAULT_ORG_ID.to_string(),
            display_name: "Ada Lovelace".to_string(),
            email: DEFAULT_USERNAME.to_string(),
        }
    }
}

/// A connected app / external client app registered at the fake.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeClient {
    pub client_id: String,
    /// When set, the token endpoint requires exactly this `client_secret`; when
    /// unset, sending any `client_secret` is an error.
    pub secret: Option<String>,
    /// Callback URLs accepted by exact string match.
    pub redirect_uris: Vec<String>,
    /// Also accept any `http://localhost|127.0.0.1|[::1]:<port>/<path>` (RFC 8252 §7.3).
    pub any_loopback_port: bool,
}

/// Behaviour switches; `Knobs::default()` is a well-behaved Salesforce.
#[derive(Clone, Debug)]
pub struct Knobs {
    pub clients: Vec<FakeClient>,
    /// The user clicks Deny: the callback gets `error=access_denied`.
    pub deny_consent: bool,
    /// Redirect with this error code and description instead of a code.
    pub authorize_error: Option<(String, String)>,
    /// Token responses carry no refresh token.
    pub omit_refresh_token: bool,
    /// Refreshes return a new refresh token and kill the old one (§4).
    pub rotate_refresh_tokens: bool,
    /// After this, bearer calls with an access token get 401 INVALID_SESSION_ID.
    pub access_token_ttl: Duration,
    pub code_ttl: Duration,
    /// Every endpoint answers this status with a plain body.
    pub fail_status: Option<u16>,
    /// Requests whose path starts with the prefix answer the status.
    pub fail_paths: Vec<(String, u16)>,
    /// Sleep this long before answering each request.
    pub delay: Duration,
    /// `/services/oauth2/userinfo` answers 404.
    pub userinfo_broken: bool,
    /// The token endpoint answers this status and `{"error","error_description"}`.
    pub token_error: Option<(u16, String, String)>,
}

impl Default for Knobs {
    fn default() -> Self {
        Knobs {
            clients: vec![FakeClient {
                client_id: FAKE_CLIENT_ID.to_string(),
                secret: None,
                redirect_uris: vec![],
                any_loopback_port: true,
            }],
            deny_consent: false,
            authorize_error: None,
            omit_refresh_token: false,
            rotate_refresh_tokens: false,
            access_token_ttl: Duration::from_secs(2 * 60 * 60),
            code_ttl: Duration::from_secs(15 * 60),
            fail_status: None,
            fail_paths: vec![],
            delay: Duration::ZERO,
            userinfo_broken: false,
            token_error: None,
        }
    }
}

/// The running fake; it stops when dropped.
pub struct FakeSalesforce {
    shared: Arc<Shared>,
    server: Arc<tiny_http::Server>,
    stop: Arc<AtomicBool>,
    workers: Vec<JoinHandle<()>>,
}

struct Shared {
    base_url: String,
    knobs: Mutex<Knobs>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    requests: Vec<Recorded>,
    users: Vec<FakeUser>,
    current_user: String,
    codes: HashMap<String, PendingCode>,
    /// Every approval in creation order: the place for a per-(user, client) limit.
    grants: Vec<Grant>,
    access: HashMap<String, AccessToken>,
    revoked: Vec<String>,
    issued: Vec<String>,
    rotated_reused: bool,
}

struct PendingCode {
    client_id: String,
    redirect_uri: String,
    challenge: String,
    scope: Vec<String>,
    nonce: Option<String>,
    user: FakeUser,
    issued: Instant,
}

/// One approval: a user let a client in, with these scopes.
struct Grant {
    client_id: String,
    user: FakeUser,
    scope: Vec<String>,
    nonce: Option<String>,
    /// Oldest first; the last one is the only live one. Empty: none was issued.
    refresh_tokens: Vec<String>,
    revoked: bool,
}

impl Grant {
    fn current_refresh(&self) -> Option<&str> {
        self.refresh_tokens.last().map(String::as_str)
    }
}

struct AccessToken {
    grant: usize,
    issued: Instant,
    revoked: bool,
}

impl FakeSalesforce {
    /// Starts the fake on `127.0.0.1` with an ephemeral port, one client
    /// (`FAKE_CLIENT_ID`), one user (`DEFAULT_USERNAME`) who approves.
    pub fn start() -> FakeSalesforce {
        let server =
            Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind fake Salesforce"));
        let port = server
            .server_addr()
            .to_ip()
            .expect("fake Salesforce listens on IP")
            .port();
        let state = State {
            users: vec![FakeUser::default()],
            current_user: DEFAULT_USERNAME.to_string(),
            ..State::default()
        };
        let shared = Arc::new(Shared {
            base_url: format!("http://127.0.0.1:{port}"),
            knobs: Mutex::new(Knobs::default()),
            state: Mutex::new(state),
        });
        let stop = Arc::new(AtomicBool::new(false));
        let workers = (0..WORKERS)
            .map(|_| {
                let (server, shared, stop) = (server.clone(), shared.clone(), stop.clone());
                std::thread::spawn(move || {
                    loop {
                        match server.recv() {
                            Ok(request) => serve(&shared, request),
                            Err(_) if stop.load(Ordering::SeqCst) => break,
                            Err(_) => continue,
                        }
                    }
                })
            })
            .collect();
        FakeSalesforce {
            shared,
            server,
            stop,
            workers,
        }
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// The behaviour switches; changes apply to the next request.
    pub fn knobs(&self) -> MutexGuard<'_, Knobs> {
        lock(&self.shared.knobs)
    }

    /// Every request seen, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.state().requests.clone()
    }

    /// How many requests had this method and exactly this path.
    pub fn count(&self, method: &str, path: &str) -> usize {
        let state = self.state();
        state
            .requests
            .iter()
            .filter(|r| r.method.eq_ignore_ascii_case(method) && r.path == path)
            .count()
    }

    /// How many POSTs to the token endpoint carried this `grant_type`.
    pub fn token_requests(&self, grant_type: &str) -> usize {
        let state = self.state();
        state
            .requests
            .iter()
            .filter(|r| r.method == "POST" && r.path == "/services/oauth2/token")
            .filter(|r| r.form_param("grant_type") == Some(grant_type))
            .count()
    }

    /// Whether a refresh grant with this token would succeed.
    pub fn is_refresh_token_live(&self, token: &str) -> bool {
        let state = self.state();
        state
            .grants
            .iter()
            .any(|g| !g.revoked && g.current_refresh() == Some(token))
    }

    /// The live refresh tokens of this user id and client id, oldest first.
    pub fn live_refresh_tokens(&self, user_id: &str, client_id: &str) -> Vec<String> {
        let state = self.state();
        state
            .grants
            .iter()
            .filter(|g| !g.revoked && g.user.user_id == user_id && g.client_id == client_id)
            .filter_map(|g| g.current_refresh().map(str::to_string))
            .collect()
    }

    /// Every refresh and access token revoked by `/revoke` or by a chain kill.
    pub fn revoked_tokens(&self) -> Vec<String> {
        self.state().revoked.clone()
    }

    /// Every code, access token and refresh token ever issued.
    pub fn issued_secrets(&self) -> Vec<String> {
        self.state().issued.clone()
    }

    /// True once anybody presented an already-rotated refresh token.
    pub fn rotated_token_reused(&self) -> bool {
        self.state().rotated_reused
    }

    /// Registers another user (replacing one with the same username).
    pub fn add_user(&self, user: FakeUser) {
        let mut state = self.state();
        state.users.retain(|u| u.username != user.username);
        state.users.push(user);
    }

    /// Chooses who logs in at the next authorize; panics on an unknown username.
    pub fn set_current_user(&self, username: &str) {
        let mut state = self.state();
        assert!(
            state.users.iter().any(|u| u.username == username),
            "fake Salesforce has no user {username}; add_user it first"
        );
        state.current_user = username.to_string();
    }

    /// Creates an approval out of band (as if linked earlier) and returns its
    /// refresh token. Panics on an unknown username.
    pub fn grant_refresh_token(&self, username: &str, client_id: &str, scope: &str) -> String {
        let mut state = self.state();
        let user = state
            .users
            .iter()
            .find(|u| u.username == username)
            .cloned()
            .unwrap_or_else(|| panic!("fake Salesforce has no user {username}"));
        let refresh = state.mint(refresh_token());
        state.grants.push(Grant {
            client_id: client_id.to_string(),
            user,
            scope: scope.split_whitespace().map(str::to_string).collect(),
            nonce: None,
            refresh_tokens: vec![refresh.clone()],
            revoked: false,
        });
        refresh
    }

    /// Revokes a refresh token out of band, as a user or admin would in Setup.
    /// Returns false when the token was not live.
    pub fn revoke_refresh_token(&self, token: &str) -> bool {
        let mut state = self.state();
        match state.live_grant_of(token) {
            Some(index) => {
                state.revoke_grant(index);
                true
            }
            None => false,
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.shared.state)
    }
}

impl Drop for FakeSalesforce {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        for _ in &self.workers {
            self.server.unblock();
        }
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}

impl State {
    fn mint(&mut self, secret: String) -> String {
        self.issued.push(secret.clone());
        secret
    }

    fn live_grant_of(&self, refresh: &str) -> Option<usize> {
        self.grants
            .iter()
            .position(|g| !g.revoked && g.current_refresh() == Some(refresh))
    }

    /// Kills an approval: its live refresh token and every access token from it.
    fn revoke_grant(&mut self, index: usize) {
        let grant = &mut self.grants[index];
        if grant.revoked {
            return;
        }
        grant.revoked = true;
        if let Some(refresh) = grant.current_refresh() {
            self.revoked.push(refresh.to_string());
        }
        let mut killed: Vec<(&String, &mut AccessToken)> = self
            .access
            .iter_mut()
            .filter(|(_, a)| a.grant == index && !a.revoked)
            .collect();
        killed.sort_by_key(|(_, a)| a.issued);
        for (token, access) in killed {
            access.revoked = true;
            self.revoked.push(token.clone());
        }
    }

    /// The user behind a live, unexpired access token.
    fn session(&self, token: &str, ttl: Duration) -> Option<&FakeUser> {
        let access = self.access.get(token)?;
        let grant = &self.grants[access.grant];
        let live = !access.revoked && !grant.revoked && access.issued.elapsed() < ttl;
        live.then_some(&grant.user)
    }
}

// ---------------------------------------------------------------- plumbing

/// A request after reading: what the handlers look at.
struct Incoming {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    form: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: String,
    body_ok: bool,
}

impl Incoming {
    fn query(&self, name: &str) -> Option<&str> {
        first(&self.query, name)
    }

    fn form(&self, name: &str) -> Option<&str> {
        first(&self.form, name)
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The token from `Authorization: Bearer|OAuth <token>`.
    fn bearer(&self) -> Option<&str> {
        let (scheme, token) = self.header("authorization")?.trim().split_once(' ')?;
        let known = scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("oauth");
        known.then(|| token.trim()).filter(|t| !t.is_empty())
    }
}

struct Reply {
    status: u16,
    content_type: &'static str,
    body: String,
    headers: Vec<(&'static str, String)>,
}

impl Reply {
    fn new(status: u16, content_type: &'static str, body: impl Into<String>) -> Reply {
        let body = body.into();
        Reply {
            status,
            content_type,
            body,
            headers: vec![],
        }
    }

    fn json(status: u16, value: &Value) -> Reply {
        let mut reply = Reply::new(status, JSON, value.to_string());
        reply.headers.push((
            "Cache-Control",
            "no-cache,must-revalidate,max-age=0,no-store,private".into(),
        ));
        reply
    }

    fn text(status: u16, body: impl Into<String>) -> Reply {
        Reply::new(status, "text/plain;charset=UTF-8", body)
    }

    fn oauth_error(status: u16, error: &str, description: &str) -> Reply {
        Reply::json(
            status,
            &json!({"error": error, "error_description": description}),
        )
    }

    /// The page Salesforce shows instead of redirecting (bad client or callback).
    fn error_page(error: &str, description: &str) -> Reply {
        let body = encode_query(&[("error", error), ("error_description", description)]);
        Reply::new(400, "text/html;charset=UTF-8", body)
    }

    fn redirect(redirect_uri: &str, params: &[(&str, &str)]) -> Reply {
        let separator = if redirect_uri.contains('?') { '&' } else { '?' };
        let location = format!("{redirect_uri}{separator}{}", encode_query(params));
        let body = "<html><body>Redirecting back to the application.</body></html>";
        let mut reply = Reply::new(302, "text/html;charset=UTF-8", body);
        reply.headers.push(("Location", location));
        reply
    }

    fn invalid_session() -> Reply {
        let mut reply = Reply::new(401, JSON, INVALID_SESSION);
        reply.headers.push(("WWW-Authenticate", "Token".into()));
        reply
    }

    fn into_response(self) -> tiny_http::Response<Cursor<Vec<u8>>> {
        let mut headers = vec![("Content-Type", self.content_type.to_string())];
        headers.extend(self.headers);
        let built: Result<Vec<tiny_http::Header>, ()> = headers
            .iter()
            .map(|(k, v)| tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()))
            .collect();
        match built {
            Ok(headers) => headers.into_iter().fold(
                tiny_http::Response::from_string(self.body).with_status_code(self.status),
                |response, header| response.with_header(header),
            ),
            Err(()) => tiny_http::Response::from_string("malformed request").with_status_code(400),
        }
    }
}

fn serve(shared: &Shared, mut request: tiny_http::Request) {
    let (incoming, recorded) = read_request(&mut request);
    lock(&shared.state).requests.push(recorded);
    let knobs = lock(&shared.knobs).clone();
    let reply = route(shared, &knobs, &incoming);
    let _ = request.respond(reply.into_response());
}

fn read_request(request: &mut tiny_http::Request) -> (Incoming, Recorded) {
    let method = request.method().as_str().to_uppercase();
    let (path, raw_query) = request.url().split_once('?').unwrap_or((request.url(), ""));
    let path = path.to_string();
    let query = parse_form(raw_query.as_bytes());
    let headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|h| (h.field.as_str().to_string(), h.value.to_string()))
        .collect();
    let mut bytes = Vec::new();
    let read_ok = request
        .as_reader()
        .take(MAX_BODY)
        .read_to_end(&mut bytes)
        .is_ok();
    let utf8 = std::str::from_utf8(&bytes).is_ok();
    let is_form = headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("content-type") && v.to_ascii_lowercase().starts_with(FORM)
    });
    let form = if is_form && utf8 {
        parse_form(&bytes)
    } else {
        vec![]
    };
    let recorded = Recorded {
        method: method.clone(),
        path: path.clone(),
        query: query.clone(),
        form: form.clone(),
        headers: headers.clone(),
        body: String::from_utf8_lossy(&bytes).into_owned(),
    };
    let incoming = Incoming {
        method,
        path,
        query,
        form,
        headers,
        body: recorded.body.clone(),
        body_ok: read_ok && utf8,
    };
    (incoming, recorded)
}

fn route(shared: &Shared, knobs: &Knobs, rq: &Incoming) -> Reply {
    if !knobs.delay.is_zero() {
        std::thread::sleep(knobs.delay);
    }
    let forced = knobs.fail_status.or_else(|| {
        knobs
            .fail_paths
            .iter()
            .find(|(prefix, _)| rq.path.starts_with(prefix.as_str()))
            .map(|(_, status)| *status)
    });
    if let Some(status) = forced {
        return Reply::text(status, format!("fake Salesforce: forced HTTP {status}"));
    }
    if !rq.body_ok {
        return Reply::text(400, "malformed request body");
    }
    match rq.path.as_str() {
        "/services/oauth2/authorize" => authorize(shared, knobs, rq),
        "/services/oauth2/token" => token(shared, knobs, rq),
        "/services/oauth2/revoke" => revoke(shared, knobs, rq),
        "/services/oauth2/userinfo" => userinfo(shared, knobs, rq),
        path if path.starts_with("/id/") => identity(shared, knobs, rq),
        path if path == "/services/data" || path.starts_with("/services/data/") => {
            rest(shared, knobs, rq)
        }
        _ => Reply::new(404, JSON, NOT_FOUND),
    }
}

// ---------------------------------------------------------------- authorize

fn authorize(shared: &Shared, knobs: &Knobs, rq: &Incoming) -> Reply {
    if rq.method != "GET" {
        return Reply::error_page("invalid_request", "Must use HTTP GET");
    }
    let Some(client) = find_client(knobs, rq.query("client_id")) else {
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
    let user = st
        .users
        .iter()
        .find(|u| u.username == st.current_user)
        .cloned()
        .unwrap_or_default();
    let code = st.mint(authorization_code());
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

// ---------------------------------------------------------------- token

/// A token-endpoint request with the client's credentials pulled out of the form
/// or HTTP Basic. New grants (`device`, `response_type=device_code`) plug into
/// `token` next to the two below.
struct TokenRequest<'a> {
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

    fn param(&self, name: &str) -> Option<&'a str> {
        self.rq.form(name)
    }

    /// The calling client, or the error Salesforce gives for bad credentials.
    fn authenticate<'k>(&self, knobs: &'k Knobs) -> Result<&'k FakeClient, Reply> {
        let client = find_client(knobs, self.client_id.as_deref()).ok_or_else(|| {
            Reply::oauth_error(400, "invalid_client_id", "client identifier invalid")
        })?;
        let secret_ok = match (&client.secret, &self.client_secret) {
            (Some(expected), Some(sent)) => expected == sent,
            (None, None) => true,
            _ => false,
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

fn token(shared: &Shared, knobs: &Knobs, rq: &Incoming) -> Reply {
    if rq.method != "POST" {
        return Reply::oauth_error(400, "invalid_request", "must use HTTP POST");
    }
    if let Some((status, error, description)) = &knobs.token_error {
        return Reply::oauth_error(*status, error, description);
    }
    let request = TokenRequest::new(rq);
    let result = match request.param("grant_type") {
        Some("authorization_code") => authorization_code_grant(shared, knobs, &request),
        Some("refresh_token") => refresh_token_grant(shared, knobs, &request),
        _ => Err(Reply::oauth_error(
            400,
            "unsupported_grant_type",
            "grant type not supported",
        )),
    };
    result.unwrap_or_else(|reply| reply)
}

fn invalid_grant(description: &str) -> Reply {
    Reply::oauth_error(400, "invalid_grant", description)
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
    let expired = || invalid_grant("expired authorization code");
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
    let wants_refresh = pending
        .scope
        .iter()
        .any(|s| s == "refresh_token" || s == "offline_access");
    let refresh_tokens = if wants_refresh && !knobs.omit_refresh_token {
        vec![st.mint(refresh_token())]
    } else {
        vec![]
    };
    st.grants.push(Grant {
        client_id: client.client_id.clone(),
        user: pending.user,
        scope: pending.scope,
        nonce: pending.nonce,
        refresh_tokens,
        revoked: false,
    });
    let index = st.grants.len() - 1;
    let refresh = st.grants[index].current_refresh().map(str::to_string);
    Ok(issue(&shared.base_url, &mut st, client, index, refresh))
}

fn refresh_token_grant(
    shared: &Shared,
    knobs: &Knobs,
    request: &TokenRequest,
) -> Result<Reply, Reply> {
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
        let fresh = st.mint(refresh_token());
        st.grants[index].refresh_tokens.push(fresh.clone());
        Some(fresh)
    } else {
        None
    };
    Ok(issue(&shared.base_url, &mut st, client, index, rotated))
}

/// Mints an access token for a grant and builds the §3 success JSON.
fn issue(
    base_url: &str,
    st: &mut State,
    client: &FakeClient,
    grant: usize,
    refresh: Option<String>,
) -> Reply {
    let org = &st.grants[grant].user.org_id;
    let access = st.mint(access_token(org));
    st.access.insert(
        access.clone(),
        AccessToken {
            grant,
            issued: Instant::now(),
            revoked: false,
        },
    );
    let g = &st.grants[grant];
    let id = format!("{base_url}/id/{}/{}", g.user.org_id, g.user.user_id);
    let issued_at = now_millis().to_string();
    let key = client.secret.as_deref().unwrap_or("");
    let signature = STANDARD.encode(hmac_sha256(
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
    let iat = now_millis() / 1000;
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

// ---------------------------------------------------------------- revoke

fn revoke(shared: &Shared, _knobs: &Knobs, rq: &Incoming) -> Reply {
    let form_error = |error: &str, description: &str| {
        Reply::new(
            400,
            FORM,
            encode_query(&[("error", error), ("error_description", description)]),
        )
    };
    if rq.method != "POST" && rq.method != "GET" {
        return form_error("invalid_request", "must use HTTP POST or GET");
    }
    let Some(token) = rq
        .form("token")
        .or(rq.query("token"))
        .filter(|t| !t.is_empty())
    else {
        return form_error("invalid_token", "missing token parameter");
    };
    let mut st = lock(&shared.state);
    if let Some(index) = st.live_grant_of(token) {
        st.revoke_grant(index);
        return Reply::text(200, "");
    }
    let live_access = st
        .access
        .get(token)
        .is_some_and(|a| !a.revoked && !st.grants[a.grant].revoked);
    if live_access {
        if let Some(access) = st.access.get_mut(token) {
            access.revoked = true;
        }
        st.revoked.push(token.to_string());
        return Reply::text(200, "");
    }
    form_error("unsupported_token_type", "this token type is not supported")
}

// ---------------------------------------------------------------- identity

fn userinfo(shared: &Shared, knobs: &Knobs, rq: &Incoming) -> Reply {
    if knobs.userinfo_broken {
        return Reply::new(404, JSON, NOT_FOUND);
    }
    let st = lock(&shared.state);
    let Some(user) = rq
        .bearer()
        .and_then(|t| st.session(t, knobs.access_token_ttl))
    else {
        return Reply::invalid_session();
    };
    let base = &shared.base_url;
    let (given, family) = split_name(&user.display_name);
    Reply::json(
        200,
        &json!({
            "sub": format!("{base}/id/{}/{}", user.org_id, user.user_id),
            "user_id": user.user_id,
            "organization_id": user.org_id,
            "preferred_username": user.username,
            "nickname": nickname(user),
            "name": user.display_name,
            "email": user.email,
            "email_verified": true,
            "given_name": given,
            "family_name": family,
            "zoneinfo": "Europe/London",
            "photos": photos(base, user),
            "profile": format!("{base}/{}", user.user_id),
            "picture": format!("{base}/profilephoto/005/F"),
            "address": {},
            "is_salesforce_integration_user": false,
            "urls": urls(base, user),
            "active": true,
            "user_type": "STANDARD",
            "language": "en_US",
            "locale": "en_GB",
            "utcOffset": 0,
            "updated_at": "2025-01-10T16:34:58Z",
            "is_app_installed": true,
        }),
    )
}

fn identity(shared: &Shared, knobs: &Knobs, rq: &Incoming) -> Reply {
    let segments: Vec<&str> = rq.path.trim_end_matches('/').split('/').skip(2).collect();
    let [org_id, user_id] = segments[..] else {
        return Reply::new(404, JSON, NOT_FOUND);
    };
    let st = lock(&shared.state);
    let Some(user) = rq
        .bearer()
        .and_then(|t| st.session(t, knobs.access_token_ttl))
    else {
        return Reply::invalid_session();
    };
    if user.org_id != org_id || user.user_id != user_id {
        return Reply::text(403, "Forbidden");
    }
    let base = &shared.base_url;
    let (first_name, last_name) = split_name(&user.display_name);
    Reply::json(
        200,
        &json!({
            "id": format!("{base}/id/{org_id}/{user_id}"),
            "asserted_user": true,
            "user_id": user.user_id,
            "organization_id": user.org_id,
            "username": user.username,
            "nick_name": nickname(user),
            "display_name": user.display_name,
            "email": user.email,
            "email_verified": true,
            "first_name": first_name,
            "last_name": last_name,
            "timezone": "Europe/London",
            "photos": photos(base, user),
            "mobile_phone": null,
            "mobile_phone_verified": false,
            "is_lightning_login_user": false,
            "status": {"created_date": null, "body": null},
            "urls": urls(base, user),
            "active": true,
            "user_type": "STANDARD",
            "language": "en_US",
            "locale": "en_GB",
            "utcOffset": 0,
            "last_modified_date": "2025-01-10T16:34:58Z",
            "is_app_installed": true,
        }),
    )
}

fn urls(base: &str, user: &FakeUser) -> Value {
    let (org, id) = (&user.org_id, &user.user_id);
    let data = format!("{base}/services/data/v{{version}}");
    json!({
        "enterprise": format!("{base}/services/Soap/c/{{version}}/{org}"),
        "metadata": format!("{base}/services/Soap/m/{{version}}/{org}"),
        "partner": format!("{base}/services/Soap/u/{{version}}/{org}"),
        "rest": format!("{data}/"),
        "sobjects": format!("{data}/sobjects/"),
        "search": format!("{data}/search/"),
        "query": format!("{data}/query/"),
        "recent": format!("{data}/recent/"),
        "tooling_soap": format!("{base}/services/Soap/T/{{version}}/{org}"),
        "tooling_rest": format!("{data}/tooling/"),
        "profile": format!("{base}/{id}"),
        "feeds": format!("{data}/chatter/feeds"),
        "groups": format!("{data}/chatter/groups"),
        "users": format!("{data}/chatter/users"),
        "feed_items": format!("{data}/chatter/feed-items"),
        "feed_elements": format!("{data}/chatter/feed-elements"),
        "custom_domain": base,
    })
}

fn photos(base: &str, user: &FakeUser) -> Value {
    json!({
        "picture": format!("{base}/profilephoto/005/F?{}", user.user_id),
        "thumbnail": format!("{base}/profilephoto/005/T?{}", user.user_id),
    })
}

fn nickname(user: &FakeUser) -> String {
    user.username
        .split('@')
        .next()
        .unwrap_or_default()
        .to_string()
}

fn split_name(display_name: &str) -> (&str, &str) {
    display_name.split_once(' ').unwrap_or(("", display_name))
}

// ---------------------------------------------------------------- REST

fn rest(shared: &Shared, knobs: &Knobs, rq: &Incoming) -> Reply {
    let segments: Vec<&str> = rq
        .path
        .split('/')
        .skip(3)
        .filter(|s| !s.is_empty())
        .collect();
    let Some(version) = segments.first() else {
        let versions =
            json!([{"label": "Spring '26", "url": "/services/data/v66.0", "version": "66.0"}]);
        return Reply::json(200, &versions);
    };
    if !is_api_version(version) {
        return Reply::new(404, JSON, NOT_FOUND);
    }
    let st = lock(&shared.state);
    let Some(user) = rq
        .bearer()
        .and_then(|t| st.session(t, knobs.access_token_ttl))
    else {
        return Reply::invalid_session();
    };
    if segments.contains(&"notfound") {
        return Reply::new(404, JSON, NOT_FOUND);
    }
    let query: serde_json::Map<String, Value> = rq
        .query
        .iter()
        .rev()
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    Reply::json(
        200,
        &json!({
            "method": rq.method,
            "path": rq.path,
            "query": query,
            "body": rq.body,
            "user_id": user.user_id,
            "username": user.username,
        }),
    )
}

/// `v66.0` and the like.
fn is_api_version(segment: &str) -> bool {
    let Some((major, minor)) = segment.strip_prefix('v').and_then(|v| v.split_once('.')) else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(major) && digits(minor)
}

// ---------------------------------------------------------------- helpers

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn first<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn find_client<'k>(knobs: &'k Knobs, client_id: Option<&str>) -> Option<&'k FakeClient> {
    let id = client_id?;
    knobs.clients.iter().find(|c| c.client_id == id)
}

fn parse_form(bytes: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(bytes)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn split_scope(scope: &str) -> Vec<String> {
    scope.split_whitespace().map(str::to_string).collect()
}

/// Form encoding the way Salesforce writes it: spaces as `%20`, not `+`.
fn encode_query(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

fn now_millis() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis()
}

/// Unpredictable hex from std's randomly keyed SipHash; good enough for a fake.
fn random_hex(chars: usize) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut out = String::with_capacity(chars + 16);
    while out.len() < chars {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        hasher.write_u128(now_millis());
        let _ = write!(out, "{:016x}", hasher.finish());
    }
    out.truncate(chars);
    out
}

/// Shaped like Salesforce's (`aPrx…==`), so clients must percent-decode it.
fn authorization_code() -> String {
    format!("aPrx{SECRET_CANARY}{}==", random_hex(40))
}

fn access_token(org_id: &str) -> String {
    let org15 = org_id.get(..15).unwrap_or(org_id);
    format!("{org15}!AQ{SECRET_CANARY}{}", random_hex(48))
}

fn refresh_token() -> String {
    format!("5Aep861{SECRET_CANARY}{}", random_hex(48))
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if key.len() > block.len() {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(block.map(|b| b ^ 0x36));
    inner.update(message);
    let mut outer = Sha256::new();
    outer.update(block.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}
