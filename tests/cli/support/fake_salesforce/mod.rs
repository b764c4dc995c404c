//! A fake Salesforce login server for the integration tests.
//!
//! `sfconnect` talks real HTTP to whatever login host it is given, and its tests aim
//! it at this loopback server instead of Salesforce. The fake follows the wire
//! reference, `docs/salesforce-oauth.md` (a bare `§N` in the fake's comments is
//! one of its sections): the authorize redirect with PKCE, the token endpoint's
//! grants and JSON errors (the headless JWT bearer and client credentials
//! grants included), refresh-token rotation with reuse detection, the
//! five-approval limit, the device flow, the form-encoded revoke errors,
//! userinfo, the identity URL, the `OauthToken` query and a small echoing REST
//! surface. It records every request so tests can assert on what the client
//! sent, and exposes `Knobs` to make Salesforce misbehave on demand.
//!
//! This file holds what a test touches first: the constants, the running server
//! (start, stop, recording) and the helpers that read or seed its state. Each
//! endpoint lives in its own module; `state` holds the grants and tokens they share.
//!
//! Do not hold the `knobs()` guard while a request is in flight: the server reads
//! the knobs at the start of every request.

mod authorize;
mod client_credentials;
mod device;
mod gate;
mod headless_knobs;
pub mod hostile;
mod http;
mod identity;
mod jwt_bearer;
mod knobs;
mod oauth_token;
mod revoke;
mod secrets;
mod state;
mod token;
mod wire;

use std::sync::{Arc, Mutex, MutexGuard};

pub use gate::Gate;
pub use headless_knobs::{ClientCredentialsApp, JwtApp};
pub use knobs::{FakeClient, FakeUser, Knobs};

use http::{first, lock};
use state::State;

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
/// `AppName` of an `OauthToken` row whose client has no entry in `Knobs::app_names`.
pub const DEFAULT_APP_NAME: &str = "sfconnect tests";
/// Live approvals (refresh-token grants) one user may hold per client (§5); the
/// next one revokes the oldest.
pub const APPROVAL_LIMIT: usize = 5;

/// Scopes granted when the authorize request names none ("all the app's scopes").
const APP_SCOPES: &[&str] = &["api", "web", "refresh_token", "id"];
const MAX_BODY: u64 = 1 << 20;
const JSON: &str = "application/json;charset=UTF-8";
const FORM: &str = "application/x-www-form-urlencoded";
const HTML: &str = "text/html;charset=UTF-8";
const INVALID_SESSION: &str =
    r#"[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]"#;
const NOT_FOUND: &str =
    r#"[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]"#;
const EXPIRED_TOKEN: &str = "expired access/refresh token";
const EXPIRED_CODE: &str = "expired authorization code";

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

/// The running fake; it stops when dropped.
pub struct FakeSalesforce {
    shared: Arc<Shared>,
    front: Option<wire::Front>,
}

/// What every connection's thread sees.
struct Shared {
    /// The URL the fake's answers name as its own.
    base_url: String,
    /// Where it listens, `127.0.0.1:PORT`.
    address: String,
    knobs: Mutex<Knobs>,
    state: Mutex<State>,
}

impl FakeSalesforce {
    /// Starts the fake on `127.0.0.1` with an ephemeral port, one client
    /// (`FAKE_CLIENT_ID`), one user (`DEFAULT_USERNAME`) who approves.
    pub fn start() -> FakeSalesforce {
        Self::start_as(None, FakeUser::default())
    }

    /// Starts the fake for a host something else makes it reachable at
    /// (`support::stand_in`): `public_url` (e.g.
    /// `https://acme.my.salesforce.com`) is what its answers name as
    /// instance, identity and issuer, instead of its loopback address. `user`
    /// is the one user, who approves.
    pub fn start_as(public_url: Option<&str>, user: FakeUser) -> FakeSalesforce {
        let state = State {
            current_user: user.username.clone(),
            users: vec![user],
            ..State::default()
        };
        // The port is known only once listening; the handler reads it then.
        let cell = Arc::new(std::sync::OnceLock::<Arc<Shared>>::new());
        let reached = Arc::clone(&cell);
        let front = wire::Front::start(MAX_BODY, move |request| {
            http::serve(reached.get().expect("the fake is set up"), request)
        });
        let shared = Arc::new(Shared {
            base_url: public_url.map_or_else(
                || format!("http://127.0.0.1:{}", front.port()),
                str::to_string,
            ),
            address: format!("127.0.0.1:{}", front.port()),
            knobs: Mutex::new(Knobs::default()),
            state: Mutex::new(state),
        });
        let _ = cell.set(Arc::clone(&shared));
        FakeSalesforce {
            shared,
            front: Some(front),
        }
    }

    /// `http://127.0.0.1:PORT` (or the public URL it was started as),
    /// without a trailing slash.
    pub fn url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// `127.0.0.1:PORT`, where it listens for plain HTTP.
    pub fn address(&self) -> String {
        self.shared.address.clone()
    }

    /// The behaviour switches; changes apply to the next request.
    pub fn knobs(&self) -> MutexGuard<'_, Knobs> {
        lock(&self.shared.knobs)
    }

    /// Holds the answers to requests on `path` (and, when given, with this
    /// `grant_type`) after handling them, until the returned gate opens.
    pub fn hold_answers(&self, path: &str, grant_type: Option<&str>) -> Arc<Gate> {
        let gate = Arc::new(Gate::new(path, grant_type, false));
        self.knobs().holds.push(Arc::clone(&gate));
        gate
    }

    /// Holds requests on `path` (and, when given, with this `grant_type`)
    /// *before* handling them: nothing they ask for happens (no refresh
    /// token rotates). When the gate opens, what it held is answered 503
    /// unhandled; later requests pass.
    pub fn hold_unhandled(&self, path: &str, grant_type: Option<&str>) -> Arc<Gate> {
        let gate = Arc::new(Gate::new(path, grant_type, true));
        self.knobs().holds.push(Arc::clone(&gate));
        gate
    }

    /// Holds the answers to refresh grants: each refresh has happened at the
    /// fake (and rotated the token, when rotation is on), its answer waits.
    pub fn hold_refresh_answers(&self) -> Arc<Gate> {
        self.hold_answers("/services/oauth2/token", Some("refresh_token"))
    }

    /// Ends the session of every access token issued so far, as the org's
    /// session timeout would: bearer calls with them get 401.
    pub fn expire_access_tokens(&self) {
        for access in self.state().access.values_mut() {
            access.expired = true;
        }
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

    /// How many device-flow polls (`grant_type=device`) reached the token endpoint.
    pub fn device_polls(&self) -> usize {
        self.token_requests("device")
    }

    /// How many device-flow polls were answered `slow_down` (polled too soon).
    pub fn device_slow_downs(&self) -> usize {
        self.state().device_slow_downs
    }

    /// Whether a refresh grant with this token would succeed.
    pub fn is_refresh_token_live(&self, token: &str) -> bool {
        self.state().live_grant_of(token).is_some()
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

    /// Every refresh and access token revoked by `/revoke`, by a chain kill or by
    /// the five-approval limit.
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

    /// Chooses who logs in at the next authorize or device-code request; panics
    /// on an unknown username.
    pub fn set_current_user(&self, username: &str) {
        let mut state = self.state();
        assert!(
            state.users.iter().any(|u| u.username == username),
            "fake Salesforce has no user {username}; add_user it first"
        );
        state.current_user = username.to_string();
    }

    /// Creates an approval out of band (as if linked earlier) and returns its
    /// refresh token. It counts towards the five-approval limit. Panics on an
    /// unknown username.
    pub fn grant_refresh_token(&self, username: &str, client_id: &str, scope: &str) -> String {
        let mut state = self.state();
        let user = state
            .users
            .iter()
            .find(|u| u.username == username)
            .cloned()
            .unwrap_or_else(|| panic!("fake Salesforce has no user {username}"));
        let scope = http::split_scope(scope);
        let index = state.add_grant(client_id, user, scope, None, true);
        state.grants[index]
            .current_refresh()
            .expect("a refresh token was minted")
            .to_string()
    }

    /// Moves the creation of every approval so far back by `by`, as if its
    /// login had happened that long ago (an SFDX auth URL kept in CI).
    pub fn age_grants(&self, by: std::time::Duration) {
        for grant in self.state().grants.iter_mut() {
            grant.created -= by;
        }
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
        // A test that failed with answers held must not hang here.
        for gate in std::mem::take(&mut self.knobs().holds) {
            gate.open();
        }
        drop(self.front.take());
    }
}
