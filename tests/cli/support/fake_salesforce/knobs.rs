//! What a test configures: the users who can log in, the apps registered at the
//! fake, and the switches (`Knobs`) that make Salesforce misbehave.
//!
//! `Knobs::default()` is a well-behaved Salesforce; every endpoint reads a fresh
//! copy of the knobs at the start of each request.

use serde_json::{Map, Value};
use std::sync::Arc;
use std::time::Duration;

use super::gate::Gate;
use super::headless_knobs::HeadlessKnobs;
use super::{DEFAULT_APP_NAME, DEFAULT_ORG_ID, DEFAULT_USER_ID, DEFAULT_USERNAME, FAKE_CLIENT_ID};

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

/// A connected app / external client app registered at the fake. Its label (the
/// `OauthToken.AppName`) lives in `Knobs::app_names`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeClient {
    pub client_id: String,
    /// When set, the code and refresh grants require exactly this
    /// `client_secret`; when unset, sending any `client_secret` is an error. The
    /// device flow never requires it but checks one that is sent.
    pub secret: Option<String>,
    /// Callback URLs accepted by exact string match.
    pub redirect_uris: Vec<String>,
    /// Also accept any `http://localhost|127.0.0.1|[::1]:<port>/<path>` (RFC 8252 §7.3).
    pub any_loopback_port: bool,
}

impl FakeClient {
    /// A headless grant's app as the token answer sees it: no callback URLs;
    /// its consumer secret, when it has one, keys the answer's signature.
    pub fn headless(client_id: &str, secret: Option<String>) -> Self {
        FakeClient {
            client_id: client_id.to_string(),
            secret,
            redirect_uris: vec![],
            any_loopback_port: false,
        }
    }
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
    /// Answers to the requests this gate matches are held until it opens
    /// (see `FakeSalesforce::hold_answers`).
    pub holds: Vec<Arc<Gate>>,
    /// `/services/oauth2/userinfo` answers 404.
    pub userinfo_broken: bool,
    /// Every token-endpoint request (any grant, and the device-code request)
    /// answers this status and `{"error","error_description"}`.
    pub token_error: Option<(u16, String, String)>,
    /// Only `grant_type=refresh_token` answers this status and
    /// `{"error","error_description"}`, e.g. an app blocked after linking:
    /// `(400, "invalid_app_access", "user is not admin approved to access this app")`,
    /// `(400, "app_not_found", "External client app is not installed in this org")`,
    /// `(400, "OAUTH_APP_BLOCKED", "this app is blocked by admin")`.
    pub refresh_error: Option<(u16, String, String)>,
    /// `(client_id, app label)`: the `AppName` of that client's `OauthToken`
    /// rows. Clients not listed are called `DEFAULT_APP_NAME`.
    pub app_names: Vec<(String, String)>,
    /// The caller may not query `OauthToken`: the query answers 400 INVALID_TYPE.
    pub forbid_oauth_token_query: bool,
    /// "Enable for Device Flow" (§9). When off, both device-flow requests
    /// answer 400 `oauth_flow_disabled`.
    pub device_flow_enabled: bool,
    /// The `interval` the device-code response asks for; a poll sooner than
    /// this after the previous poll of the same code answers `slow_down`.
    pub device_interval_secs: u64,
    /// When set, the interval the polls are held to instead of the announced
    /// one: Salesforce asking a client to slow down although it kept to the
    /// interval it was given.
    pub device_enforced_interval_secs: Option<u64>,
    /// Device polls answered `authorization_pending` before the user acts;
    /// 0 means the user has acted by the first poll.
    pub device_approve_after_polls: u32,
    /// When the user acts on a device code, they deny it (`access_denied`).
    pub device_deny: bool,
    /// After this, polling a device code answers `invalid_grant`.
    pub device_code_ttl: Duration,
    /// Token answers name this `instance_url` instead of the fake's own URL
    /// (a tampered or misrouted answer).
    pub instance_url: Option<String>,
    /// Token answers name this identity URL (`id`) instead of the fake's.
    pub identity_url: Option<String>,
    /// Token answers carry this `sfdc_community_url` (an Experience Cloud
    /// member's login, §2).
    pub community_url: Option<String>,
    /// The revoke endpoint's errors come as a JSON object instead of the
    /// documented form-encoded body (§6).
    pub revoke_errors_as_json: bool,
    /// `(object, rows)`: records the REST query answers for that object
    /// (e.g. `Account`); every row has the same fields. Other objects than
    /// these and `OauthToken` are MALFORMED_QUERY.
    pub records: Vec<(String, Vec<Map<String, Value>>)>,
    /// The JWT bearer and client credentials flows (§11).
    pub headless: HeadlessKnobs,
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
            holds: vec![],
            userinfo_broken: false,
            token_error: None,
            refresh_error: None,
            app_names: vec![],
            forbid_oauth_token_query: false,
            device_flow_enabled: true,
            device_interval_secs: 1,
            device_enforced_interval_secs: None,
            device_approve_after_polls: 0,
            device_deny: false,
            device_code_ttl: Duration::from_secs(10 * 60),
            instance_url: None,
            identity_url: None,
            community_url: None,
            revoke_errors_as_json: false,
            records: vec![],
            headless: HeadlessKnobs::default(),
        }
    }
}

impl Knobs {
    /// The registered client with this id.
    pub(super) fn client(&self, client_id: Option<&str>) -> Option<&FakeClient> {
        let id = client_id?;
        self.clients.iter().find(|c| c.client_id == id)
    }

    /// The label Salesforce shows for this client's approvals.
    pub(super) fn app_name(&self, client_id: &str) -> &str {
        self.app_names
            .iter()
            .find(|(id, _)| id == client_id)
            .map_or(DEFAULT_APP_NAME, |(_, name)| name.as_str())
    }
}
