//! Self-tests of the fake Salesforce server.
//!
//! Every other integration test trusts the fake to behave like Salesforce as the
//! wire reference describes it; these tests hold it to that with real HTTP, so a
//! drift in the fake shows up here rather than as a puzzling CLI failure.
//! This file holds the shared helpers; the tests live in one file per
//! endpoint family.

mod approvals;
mod authorize;
mod browser;
mod device;
mod headless;
mod identity;
mod stand_in;
mod tokens;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use reqwest::blocking::{Client, Response};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::support::fake_salesforce::{
    APPROVAL_LIMIT, DEFAULT_ORG_ID, DEFAULT_USER_ID, DEFAULT_USERNAME, FAKE_CLIENT_ID, FakeClient,
    FakeSalesforce, FakeUser, SECRET_CANARY,
};
use crate::support::users::bob;

const REDIRECT: &str = "http://localhost:1717/OauthRedirect";
const VERIFIER: &str = "a-long-enough-pkce-code-verifier-for-the-fake-salesforce-tests-0123456789";
const STATE: &str = "4f2c9a1b7e3d";
const TOKEN: &str = "/services/oauth2/token";
const INVALID_SESSION: &str =
    r#"[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]"#;

/// A client that neither follows redirects nor uses proxies from the environment.
fn http() -> Client {
    // The crate's reqwest uses rustls without a built-in provider; the first
    // caller installs ring, later calls find it there already.
    let _ = rustls::crypto::ring::default_provider().install_default();
    Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .expect("http client")
}

fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The usual authorize parameters, with `changes` applied: a pair replaces the
/// parameter of that name, an empty value removes it.
fn authorize(fake: &FakeSalesforce, changes: &[(&str, &str)]) -> Response {
    let pkce = challenge(VERIFIER);
    let mut params = vec![
        ("response_type", "code"),
        ("client_id", FAKE_CLIENT_ID),
        ("redirect_uri", REDIRECT),
        ("scope", "api refresh_token"),
        ("state", STATE),
        ("code_challenge", pkce.as_str()),
    ];
    for (name, value) in changes {
        params.retain(|(n, _)| n != name);
        if !value.is_empty() {
            params.push((name, value));
        }
    }
    let url = url::Url::parse_with_params(
        &format!("{}/services/oauth2/authorize", fake.url()),
        &params,
    )
    .expect("authorize url");
    http().get(url).send().expect("authorize request")
}

fn location(response: &Response) -> String {
    let value = response
        .headers()
        .get("location")
        .expect("a Location header");
    value.to_str().expect("ASCII Location").to_string()
}

fn location_param(response: &Response, name: &str) -> Option<String> {
    let url = url::Url::parse(&location(response)).expect("Location is a URL");
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn code(fake: &FakeSalesforce, changes: &[(&str, &str)]) -> String {
    let response = authorize(fake, changes);
    assert_eq!(response.status(), 302);
    location_param(&response, "code").expect("a code in the callback")
}

fn post_token(fake: &FakeSalesforce, form: &[(&str, &str)]) -> Response {
    http()
        .post(format!("{}{TOKEN}", fake.url()))
        .form(form)
        .send()
        .expect("token request")
}

fn exchange(fake: &FakeSalesforce, code: &str, verifier: &str) -> Response {
    post_token(
        fake,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("client_id", FAKE_CLIENT_ID),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier),
        ],
    )
}

fn refresh(fake: &FakeSalesforce, refresh_token: &str) -> Response {
    post_token(
        fake,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", FAKE_CLIENT_ID),
        ],
    )
}

fn json_ok(response: Response) -> Value {
    assert_eq!(response.status(), 200);
    response.json().expect("JSON body")
}

/// The whole code flow; returns the token response.
fn login(fake: &FakeSalesforce) -> Value {
    let code = code(fake, &[]);
    json_ok(exchange(fake, &code, VERIFIER))
}

fn field(body: &Value, name: &str) -> String {
    body[name]
        .as_str()
        .unwrap_or_else(|| panic!("no string {name} in {body}"))
        .to_string()
}

/// Asserts an OAuth JSON error and returns its description.
fn oauth_error(response: Response, error: &str) -> String {
    assert_eq!(response.status(), 400);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    let body: Value = response.json().expect("JSON error");
    assert_eq!(body["error"], error, "{body}");
    field(&body, "error_description")
}

fn bearer_get(fake: &FakeSalesforce, path: &str, access_token: &str) -> Response {
    http()
        .get(format!("{}{path}", fake.url()))
        .bearer_auth(access_token)
        .send()
        .expect("bearer request")
}

/// What the stand-in loopback listener saw: (path with query, Host header).
fn serve_callbacks(listener: tiny_http::Server) -> Vec<(String, String)> {
    let mut seen = Vec::new();
    while let Ok(Some(request)) = listener.recv_timeout(Duration::from_secs(20)) {
        let url = request.url().to_string();
        let host = request
            .headers()
            .iter()
            .find(|h| h.field.equiv("host"))
            .map(|h| h.value.to_string())
            .unwrap_or_default();
        let status = if !url.starts_with("/OauthRedirect") {
            404
        } else if url.contains(&format!("state={STATE}")) {
            200
        } else {
            400
        };
        seen.push((url, host));
        let _ = request
            .respond(tiny_http::Response::from_string("listener says hi").with_status_code(status));
        if status == 200 {
            break;
        }
    }
    seen
}

fn run_browser(url: &str, envs: &[(&str, &str)]) -> Vec<Value> {
    let log = tempfile::NamedTempFile::new().unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cli/support/browser.py");
    let output = std::process::Command::new("python3")
        .arg(script)
        .arg(url)
        .env("TEST_BROWSER_LOG", log.path())
        .envs(envs.iter().copied())
        .output()
        .expect("python3 runs");
    assert!(output.status.success());
    assert!(output.stdout.is_empty(), "the browser printed to stdout");
    let text = std::fs::read_to_string(log.path()).unwrap();
    text.lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

fn browser_authorize_url(fake: &FakeSalesforce, client_id: &str, redirect_uri: &str) -> String {
    let pkce = challenge(VERIFIER);
    let params = [
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", redirect_uri),
        ("state", STATE),
        ("code_challenge", pkce.as_str()),
    ];
    let base = format!("{}/services/oauth2/authorize", fake.url());
    url::Url::parse_with_params(&base, params)
        .unwrap()
        .to_string()
}

// ------------------------------------------------ approvals, OauthToken, device flow

const OTHER_CLIENT: &str = "3MVG9anotherAppEntirely";

fn register_other_client(fake: &FakeSalesforce) {
    fake.knobs().clients.push(FakeClient {
        client_id: OTHER_CLIENT.into(),
        secret: None,
        redirect_uris: vec![],
        any_loopback_port: true,
    });
}

/// The whole code flow with another client; returns the token response.
fn login_with(fake: &FakeSalesforce, client_id: &str) -> Value {
    let code = code(fake, &[("client_id", client_id)]);
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("client_id", client_id),
        ("redirect_uri", REDIRECT),
        ("code_verifier", VERIFIER),
    ];
    json_ok(post_token(fake, &form))
}

fn soql(fake: &FakeSalesforce, access_token: &str, q: &str) -> Response {
    let url = url::Url::parse_with_params(
        &format!("{}/services/data/v66.0/query", fake.url()),
        [("q", q)],
    )
    .unwrap();
    http()
        .get(url)
        .bearer_auth(access_token)
        .send()
        .expect("query request")
}

/// Asserts a REST error (400, `[{"message","errorCode"}]`) and returns its message.
fn rest_error(response: Response, error_code: &str) -> String {
    assert_eq!(response.status(), 400);
    let body: Value = response.json().expect("JSON error");
    assert_eq!(body[0]["errorCode"], error_code, "{body}");
    field(&body[0], "message")
}

fn records(body: &Value) -> Vec<Value> {
    body["records"].as_array().expect("records").clone()
}

fn device_start(fake: &FakeSalesforce) -> Response {
    let form = [
        ("response_type", "device_code"),
        ("client_id", FAKE_CLIENT_ID),
        ("scope", "api refresh_token"),
    ];
    post_token(fake, &form)
}

fn device_poll(fake: &FakeSalesforce, device_code: &str) -> Response {
    let form = [
        ("grant_type", "device"),
        ("client_id", FAKE_CLIENT_ID),
        ("code", device_code),
    ];
    post_token(fake, &form)
}

/// The whole device flow with the default knobs; returns the token response.
fn device_login(fake: &FakeSalesforce) -> Value {
    let device_code = field(&json_ok(device_start(fake)), "device_code");
    json_ok(device_poll(fake, &device_code))
}
