//! Self-tests of the fake Salesforce server.
//!
//! Every other integration test trusts the fake to behave like Salesforce as the
//! wire reference describes it; these tests hold it to that with real HTTP, so a
//! drift in the fake shows up here rather than as a puzzling CLI failure.

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

#[test]
fn authorize_redirects_with_code_state_and_iss() {
    let fake = FakeSalesforce::start();
    let response = authorize(&fake, &[]);
    assert_eq!(response.status(), 302);
    let raw = location(&response);
    assert!(raw.starts_with(&format!("{REDIRECT}?code=aPrx")), "{raw}");
    assert!(raw.contains("%3D%3D&"), "code is percent-encoded: {raw}");
    let code = location_param(&response, "code").unwrap();
    assert!(
        code.contains(SECRET_CANARY) && code.ends_with("=="),
        "{code}"
    );
    assert_eq!(location_param(&response, "state").as_deref(), Some(STATE));
    assert_eq!(location_param(&response, "iss"), Some(fake.url()));
    assert_eq!(
        location_param(&response, "sfdc_community_url").as_deref(),
        Some("")
    );
    assert_eq!(fake.issued_secrets(), vec![code]);
    assert_eq!(fake.count("GET", "/services/oauth2/authorize"), 1);
    let recorded = &fake.requests()[0];
    assert_eq!(recorded.query_param("state"), Some(STATE));
    assert_eq!(recorded.query_param("redirect_uri"), Some(REDIRECT));
}

#[test]
fn authorize_without_state_omits_it_and_accepts_loopback_ips() {
    let fake = FakeSalesforce::start();
    let response = authorize(&fake, &[("state", "")]);
    assert_eq!(response.status(), 302);
    assert_eq!(location_param(&response, "state"), None);
    for uri in [
        "http://127.0.0.1:49152/cb",
        "http://[::1]:8080/OauthRedirect",
    ] {
        let response = authorize(&fake, &[("redirect_uri", uri)]);
        assert_eq!(response.status(), 302, "{uri}");
        assert!(
            location(&response).starts_with(&format!("{uri}?code=")),
            "{uri}"
        );
    }
}

#[test]
fn bad_client_or_callback_gets_a_page_not_a_redirect() {
    let fake = FakeSalesforce::start();
    let cases = [
        (
            vec![("client_id", "nope")],
            "error=invalid_client_id&error_description=client%20identifier%20invalid",
        ),
        (vec![("redirect_uri", "")], "error=redirect_uri_missing"),
        (
            vec![("redirect_uri", "https://evil.example/OauthRedirect")],
            "error=redirect_uri_mismatch&error_description=redirect_uri%20must%20match%20configuration",
        ),
        (
            vec![("redirect_uri", "http://localhost/OauthRedirect")],
            "error=redirect_uri_mismatch",
        ),
    ];
    for (changes, expected) in cases {
        let response = authorize(&fake, &changes);
        assert_eq!(response.status(), 400, "{changes:?}");
        assert!(response.headers().get("location").is_none(), "{changes:?}");
        let body = response.text().unwrap();
        assert!(body.contains(expected), "{changes:?}: {body}");
    }
    assert!(fake.issued_secrets().is_empty());
}

#[test]
fn registered_callbacks_match_exactly_port_included() {
    let fake = FakeSalesforce::start();
    fake.knobs().clients = vec![FakeClient {
        client_id: FAKE_CLIENT_ID.to_string(),
        secret: None,
        redirect_uris: vec![REDIRECT.to_string()],
        any_loopback_port: false,
    }];
    assert_eq!(authorize(&fake, &[]).status(), 302);
    let other_port = authorize(
        &fake,
        &[("redirect_uri", "http://localhost:1718/OauthRedirect")],
    );
    assert_eq!(other_port.status(), 400);
    assert!(other_port.text().unwrap().contains("redirect_uri_mismatch"));
}

#[test]
fn authorize_errors_are_redirected_to_the_callback() {
    let fake = FakeSalesforce::start();
    let cases: [(&[(&str, &str)], &str); 4] = [
        (
            &[("code_challenge", "")],
            "error=invalid_request&error_description=missing%20required%20code%20challenge",
        ),
        (
            &[("code_challenge_method", "plain")],
            "error=invalid_request&",
        ),
        (&[("code_challenge", "too-short")], "error=invalid_request&"),
        (
            &[("response_type", "token")],
            "error=unsupported_response_type&",
        ),
    ];
    for (changes, expected) in cases {
        let response = authorize(&fake, changes);
        assert_eq!(response.status(), 302, "{changes:?}");
        let raw = location(&response);
        assert!(raw.starts_with(&format!("{REDIRECT}?{expected}")), "{raw}");
        assert_eq!(location_param(&response, "state").as_deref(), Some(STATE));
        assert_eq!(location_param(&response, "code"), None);
    }
    assert_eq!(
        authorize(&fake, &[("code_challenge_method", "S256")]).status(),
        302
    );

    fake.knobs().deny_consent = true;
    let denied = location(&authorize(&fake, &[]));
    let expected =
        "?error=access_denied&error_description=end-user%20denied%20authorization&state=";
    assert!(denied.contains(expected), "{denied}");

    fake.knobs().authorize_error = Some((
        "OAUTH_APP_BLOCKED".into(),
        "this app is blocked by admin".into(),
    ));
    let blocked = authorize(&fake, &[]);
    assert_eq!(
        location_param(&blocked, "error").as_deref(),
        Some("OAUTH_APP_BLOCKED")
    );
    assert_eq!(
        location_param(&blocked, "error_description").as_deref(),
        Some("this app is blocked by admin")
    );
}

#[test]
fn code_exchange_returns_salesforce_shaped_tokens() {
    let fake = FakeSalesforce::start();
    let before = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let body = login(&fake);
    let access = field(&body, "access_token");
    let refresh = field(&body, "refresh_token");
    assert!(access.starts_with("00D000000000001!AQ") && access.contains(SECRET_CANARY));
    assert!(refresh.contains(SECRET_CANARY));
    let issued_at: u128 = field(&body, "issued_at")
        .parse()
        .expect("issued_at is a ms string");
    assert!(
        issued_at >= before && issued_at < before + 60_000,
        "{issued_at} vs {before}"
    );
    assert!(body.get("expires_in").is_none(), "{body}");
    assert!(body.get("id_token").is_none(), "{body}");
    assert_eq!(field(&body, "token_type"), "Bearer");
    assert_eq!(field(&body, "scope"), "api refresh_token");
    assert_eq!(field(&body, "instance_url"), fake.url());
    assert_eq!(
        field(&body, "id"),
        format!("{}/id/{DEFAULT_ORG_ID}/{DEFAULT_USER_ID}", fake.url())
    );
    assert!(STANDARD.decode(field(&body, "signature")).is_ok());
    assert!(fake.is_refresh_token_live(&refresh));
    assert_eq!(
        fake.live_refresh_tokens(DEFAULT_USER_ID, FAKE_CLIENT_ID),
        vec![refresh.clone()]
    );
    assert!(fake.issued_secrets().ends_with(&[refresh, access]));
    let recorded = fake.requests().pop().unwrap();
    assert_eq!(recorded.form_param("code_verifier"), Some(VERIFIER));
    assert_eq!(
        recorded.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(fake.token_requests("authorization_code"), 1);
}

#[test]
fn scopes_decide_refresh_and_id_tokens() {
    let fake = FakeSalesforce::start();
    let openid = code(&fake, &[("scope", "openid offline_access")]);
    let body = json_ok(exchange(&fake, &openid, VERIFIER));
    assert!(body.get("refresh_token").is_some(), "{body}");
    assert_eq!(field(&body, "id_token").split('.').count(), 3);
    let full = code(&fake, &[("scope", "full")]);
    let body = json_ok(exchange(&fake, &full, VERIFIER));
    assert!(
        body.get("refresh_token").is_none(),
        "full does not imply refresh_token: {body}"
    );
    fake.knobs().omit_refresh_token = true;
    assert!(login(&fake).get("refresh_token").is_none());
}

#[test]
fn codes_are_single_use_even_when_the_exchange_fails() {
    let fake = FakeSalesforce::start();
    let used = code(&fake, &[]);
    json_ok(exchange(&fake, &used, VERIFIER));
    assert_eq!(
        oauth_error(exchange(&fake, &used, VERIFIER), "invalid_grant"),
        "expired authorization code"
    );

    let burned = code(&fake, &[]);
    let wrong = "a-different-verifier-that-does-not-hash-to-the-challenge-at-all";
    assert_eq!(
        oauth_error(exchange(&fake, &burned, wrong), "invalid_grant"),
        "invalid code verifier"
    );
    assert_eq!(
        oauth_error(exchange(&fake, &burned, VERIFIER), "invalid_grant"),
        "expired authorization code"
    );

    let missing = code(&fake, &[]);
    let form = [
        ("grant_type", "authorization_code"),
        ("code", &missing),
        ("client_id", FAKE_CLIENT_ID),
        ("redirect_uri", REDIRECT),
    ];
    assert_eq!(
        oauth_error(post_token(&fake, &form), "invalid_grant"),
        "invalid code verifier"
    );

    let moved = code(&fake, &[]);
    let form = [
        ("grant_type", "authorization_code"),
        ("code", &moved),
        ("client_id", FAKE_CLIENT_ID),
        ("redirect_uri", "http://localhost:1718/OauthRedirect"),
        ("code_verifier", VERIFIER),
    ];
    assert_eq!(
        oauth_error(post_token(&fake, &form), "invalid_grant"),
        "redirect_uri mismatch"
    );

    fake.knobs().code_ttl = Duration::ZERO;
    let stale = code(&fake, &[]);
    assert_eq!(
        oauth_error(exchange(&fake, &stale, VERIFIER), "invalid_grant"),
        "expired authorization code"
    );
    assert!(
        fake.live_refresh_tokens(DEFAULT_USER_ID, FAKE_CLIENT_ID)
            .len()
            == 1
    );
}

#[test]
fn client_credentials_are_checked() {
    let fake = FakeSalesforce::start();
    let exchange_as = |client_id: &str, secret: Option<&str>| {
        let code = code(&fake, &[("client_id", client_id)]);
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("client_id", client_id),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ];
        form.extend(secret.map(|s| ("client_secret", s)));
        post_token(&fake, &form)
    };
    let public_with_secret = exchange_as(FAKE_CLIENT_ID, Some("s3cret"));
    assert_eq!(
        oauth_error(public_with_secret, "invalid_client"),
        "invalid client credentials"
    );

    fake.knobs().clients.push(FakeClient {
        client_id: "3MVG9confidential".into(),
        secret: Some("s3cret".into()),
        redirect_uris: vec![],
        any_loopback_port: true,
    });
    oauth_error(exchange_as("3MVG9confidential", None), "invalid_client");
    oauth_error(
        exchange_as("3MVG9confidential", Some("wrong")),
        "invalid_client",
    );
    let body = json_ok(exchange_as("3MVG9confidential", Some("s3cret")));
    let refresh = field(&body, "refresh_token");

    let basic = http()
        .post(format!("{}{TOKEN}", fake.url()))
        .basic_auth("3MVG9confidential", Some("s3cret"))
        .form(&[("grant_type", "refresh_token"), ("refresh_token", &refresh)])
        .send()
        .unwrap();
    json_ok(basic);

    let unknown = post_token(
        &fake,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
            ("client_id", "nope"),
        ],
    );
    assert_eq!(
        oauth_error(unknown, "invalid_client_id"),
        "client identifier invalid"
    );
}

#[test]
fn refresh_without_rotation_keeps_the_refresh_token() {
    let fake = FakeSalesforce::start();
    let first = login(&fake);
    let refresh_token = field(&first, "refresh_token");
    let body = json_ok(refresh(&fake, &refresh_token));
    assert!(body.get("refresh_token").is_none(), "{body}");
    assert_ne!(field(&body, "access_token"), field(&first, "access_token"));
    assert_eq!(field(&body, "instance_url"), fake.url());
    assert_eq!(field(&body, "id"), field(&first, "id"));
    assert_eq!(field(&body, "scope"), "api refresh_token");
    assert!(field(&body, "issued_at").parse::<u128>().is_ok());
    assert!(fake.is_refresh_token_live(&refresh_token));
    json_ok(refresh(&fake, &refresh_token));
    assert_eq!(fake.token_requests("refresh_token"), 2);
    assert!(!fake.rotated_token_reused());
    let unknown = refresh(&fake, "5Aep861not-a-token");
    assert_eq!(
        oauth_error(unknown, "invalid_grant"),
        "expired access/refresh token"
    );
}

#[test]
fn rotation_replaces_the_token_and_reuse_kills_the_chain() {
    let fake = FakeSalesforce::start();
    fake.knobs().rotate_refresh_tokens = true;
    let first = login(&fake);
    let old = field(&first, "refresh_token");
    let body = json_ok(refresh(&fake, &old));
    let new = field(&body, "refresh_token");
    let access = field(&body, "access_token");
    assert_ne!(new, old);
    assert!(!fake.is_refresh_token_live(&old));
    assert!(fake.is_refresh_token_live(&new));
    assert_eq!(
        fake.live_refresh_tokens(DEFAULT_USER_ID, FAKE_CLIENT_ID),
        vec![new.clone()]
    );
    assert_eq!(
        bearer_get(&fake, "/services/oauth2/userinfo", &access).status(),
        200
    );

    let reuse = refresh(&fake, &old);
    assert_eq!(
        oauth_error(reuse, "invalid_grant"),
        "expired access/refresh token"
    );
    assert!(fake.rotated_token_reused());
    assert!(!fake.is_refresh_token_live(&new));
    assert!(
        fake.live_refresh_tokens(DEFAULT_USER_ID, FAKE_CLIENT_ID)
            .is_empty()
    );
    let revoked = fake.revoked_tokens();
    assert!(
        revoked.contains(&new) && revoked.contains(&access),
        "{revoked:?}"
    );
    assert_eq!(
        bearer_get(&fake, "/services/oauth2/userinfo", &access).status(),
        401
    );
    oauth_error(refresh(&fake, &new), "invalid_grant");
}

#[test]
fn unsupported_grant_types_are_refused() {
    let fake = FakeSalesforce::start();
    let password = post_token(
        &fake,
        &[("grant_type", "password"), ("client_id", FAKE_CLIENT_ID)],
    );
    assert_eq!(
        oauth_error(password, "unsupported_grant_type"),
        "grant type not supported"
    );
    oauth_error(
        post_token(&fake, &[("client_id", FAKE_CLIENT_ID)]),
        "unsupported_grant_type",
    );
    let as_json = http()
        .post(format!("{}{TOKEN}", fake.url()))
        .json(&serde_json::json!({"grant_type": "refresh_token"}))
        .send()
        .unwrap();
    oauth_error(as_json, "unsupported_grant_type");
    fake.knobs().token_error = Some((400, "inactive_org".into(), "Org is locked".into()));
    let body = login_attempt_error(&fake);
    assert_eq!(body, "Org is locked");
}

fn login_attempt_error(fake: &FakeSalesforce) -> String {
    let code = code(fake, &[]);
    oauth_error(exchange(fake, &code, VERIFIER), "inactive_org")
}

#[test]
fn revoke_kills_tokens_then_answers_form_encoded_400() {
    let fake = FakeSalesforce::start();
    let body = login(&fake);
    let (access, refresh_token) = (field(&body, "access_token"), field(&body, "refresh_token"));
    let revoke_url = format!("{}/services/oauth2/revoke", fake.url());
    let ok = http()
        .post(&revoke_url)
        .form(&[("token", &refresh_token)])
        .send()
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.text().unwrap(), "");
    assert!(!fake.is_refresh_token_live(&refresh_token));
    assert_eq!(
        fake.revoked_tokens(),
        vec![refresh_token.clone(), access.clone()]
    );
    assert_eq!(
        bearer_get(&fake, "/services/oauth2/userinfo", &access).status(),
        401
    );

    let again = http()
        .post(&revoke_url)
        .form(&[("token", &refresh_token)])
        .send()
        .unwrap();
    assert_eq!(again.status(), 400);
    let content_type = again.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(content_type, "application/x-www-form-urlencoded");
    assert_eq!(
        again.text().unwrap(),
        "error=unsupported_token_type&error_description=this%20token%20type%20is%20not%20supported"
    );
    let missing = http()
        .post(&revoke_url)
        .form(&[("other", "x")])
        .send()
        .unwrap();
    assert_eq!(missing.status(), 400);
    assert!(
        missing
            .text()
            .unwrap()
            .starts_with("error=invalid_token&error_description=")
    );

    let second = login(&fake);
    let access = field(&second, "access_token");
    let by_get_url = url::Url::parse_with_params(&revoke_url, [("token", &access)]).unwrap();
    let by_get = http().get(by_get_url).send().unwrap();
    assert_eq!(by_get.status(), 200);
    assert!(fake.is_refresh_token_live(&field(&second, "refresh_token")));
    assert_eq!(fake.revoked_tokens().last(), Some(&access));
    assert_eq!(fake.count("POST", "/services/oauth2/revoke"), 3);
    assert_eq!(fake.count("GET", "/services/oauth2/revoke"), 1);
}

#[test]
fn userinfo_and_identity_describe_the_logged_in_user() {
    let fake = FakeSalesforce::start();
    let body = login(&fake);
    let access = field(&body, "access_token");
    let info = json_ok(bearer_get(&fake, "/services/oauth2/userinfo", &access));
    assert_eq!(info["preferred_username"], DEFAULT_USERNAME);
    assert_eq!(info["user_id"], DEFAULT_USER_ID);
    assert_eq!(info["organization_id"], DEFAULT_ORG_ID);
    assert_eq!(info["sub"], body["id"]);
    assert_eq!(info["user_type"], "STANDARD");
    let rest = field(&info["urls"], "rest");
    assert_eq!(rest, format!("{}/services/data/v{{version}}/", fake.url()));

    let id_path = field(&body, "id").replace(&fake.url(), "");
    let identity = json_ok(bearer_get(&fake, &id_path, &access));
    assert_eq!(identity["username"], DEFAULT_USERNAME);
    assert_eq!(identity["id"], body["id"]);
    assert_eq!(identity["display_name"], "Ada Lovelace");

    let other = bearer_get(
        &fake,
        &format!("/id/{DEFAULT_ORG_ID}/005000000000002AAA"),
        &access,
    );
    assert_eq!(other.status(), 403);
    let anonymous = http()
        .get(format!("{}/services/oauth2/userinfo", fake.url()))
        .send()
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(anonymous.text().unwrap(), INVALID_SESSION);
    assert_eq!(
        bearer_get(&fake, &id_path, "00D000000000001!AQbogus").status(),
        401
    );

    fake.knobs().userinfo_broken = true;
    assert_eq!(
        bearer_get(&fake, "/services/oauth2/userinfo", &access).status(),
        404
    );
    assert_eq!(bearer_get(&fake, &id_path, &access).status(), 200);
}

#[test]
fn other_users_can_log_in() {
    let fake = FakeSalesforce::start();
    fake.add_user(FakeUser {
        username: "bob@example.com".into(),
        user_id: "005000000000002AAA".into(),
        org_id: "00D000000000002EAA".into(),
        display_name: "Bob Babbage".into(),
        email: "bob@example.com".into(),
    });
    fake.set_current_user("bob@example.com");
    let body = login(&fake);
    assert!(field(&body, "id").ends_with("/id/00D000000000002EAA/005000000000002AAA"));
    assert!(field(&body, "access_token").starts_with("00D000000000002!AQ"));
    let refresh_token = field(&body, "refresh_token");
    assert_eq!(
        fake.live_refresh_tokens("005000000000002AAA", FAKE_CLIENT_ID),
        vec![refresh_token]
    );
    assert!(
        fake.live_refresh_tokens(DEFAULT_USER_ID, FAKE_CLIENT_ID)
            .is_empty()
    );
}

#[test]
fn out_of_band_grants_and_revocations() {
    let fake = FakeSalesforce::start();
    let seeded = fake.grant_refresh_token(DEFAULT_USERNAME, FAKE_CLIENT_ID, "api refresh_token");
    assert!(fake.is_refresh_token_live(&seeded));
    let body = json_ok(refresh(&fake, &seeded));
    assert_eq!(field(&body, "scope"), "api refresh_token");
    assert!(fake.revoke_refresh_token(&seeded));
    assert!(!fake.revoke_refresh_token(&seeded));
    oauth_error(refresh(&fake, &seeded), "invalid_grant");
}

#[test]
fn rest_echoes_until_the_session_expires() {
    let fake = FakeSalesforce::start();
    let access = field(&login(&fake), "access_token");
    let path = "/services/data/v66.0/query";
    let query_url = url::Url::parse_with_params(
        &format!("{}{path}", fake.url()),
        [("q", "SELECT Id FROM Account")],
    )
    .unwrap();
    let echoed = http()
        .post(query_url)
        .bearer_auth(&access)
        .body("{\"a\":1}")
        .send()
        .unwrap();
    let echoed = json_ok(echoed);
    assert_eq!(echoed["method"], "POST");
    assert_eq!(echoed["path"], path);
    assert_eq!(echoed["query"]["q"], "SELECT Id FROM Account");
    assert_eq!(echoed["body"], "{\"a\":1}");
    let missing = bearer_get(&fake, "/services/data/v66.0/sobjects/notfound", &access);
    assert_eq!(missing.status(), 404);
    assert!(missing.text().unwrap().contains("NOT_FOUND"));

    fake.knobs().access_token_ttl = Duration::ZERO;
    let expired = bearer_get(&fake, path, &access);
    assert_eq!(expired.status(), 401);
    assert_eq!(expired.text().unwrap(), INVALID_SESSION);
}

#[test]
fn failure_knobs_apply_before_everything() {
    let fake = FakeSalesforce::start();
    fake.knobs().fail_status = Some(503);
    assert_eq!(authorize(&fake, &[]).status(), 503);
    assert_eq!(
        post_token(&fake, &[("grant_type", "refresh_token")]).status(),
        503
    );
    assert_eq!(fake.count("POST", TOKEN), 1);

    fake.knobs().fail_status = None;
    fake.knobs().fail_paths = vec![("/services/oauth2/revoke".into(), 500)];
    let body = login(&fake);
    let revoke_url = format!("{}/services/oauth2/revoke", fake.url());
    let failed = http()
        .post(&revoke_url)
        .form(&[("token", field(&body, "refresh_token"))])
        .send()
        .unwrap();
    assert_eq!(failed.status(), 500);
    assert!(fake.is_refresh_token_live(&field(&body, "refresh_token")));

    fake.knobs().delay = Duration::from_millis(300);
    let started = Instant::now();
    assert_eq!(bearer_get(&fake, "/nowhere", "x").status(), 404);
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[test]
fn malformed_input_gets_400_and_the_server_survives() {
    let fake = FakeSalesforce::start();
    let bad_utf8 = http()
        .post(format!("{}{TOKEN}", fake.url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![b'g', b'=', 0xff, 0xfe])
        .send()
        .unwrap();
    assert_eq!(bad_utf8.status(), 400);
    let odd = http()
        .get(format!(
            "{}/services/oauth2/authorize?%zz=%ff&client_id",
            fake.url()
        ))
        .send()
        .unwrap();
    assert_eq!(odd.status(), 400);
    login(&fake);
}

#[test]
fn twenty_parallel_clients_are_served() {
    let fake = FakeSalesforce::start();
    let refresh_token = field(&login(&fake), "refresh_token");
    fake.knobs().delay = Duration::from_millis(200);
    let started = Instant::now();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..20)
            .map(|_| scope.spawn(|| refresh(&fake, &refresh_token).status()))
            .collect();
        for handle in handles {
            assert_eq!(handle.join().unwrap(), 200);
        }
    });
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(fake.token_requests("refresh_token"), 20);
}

#[test]
fn dropping_the_fake_stops_it() {
    let fake = FakeSalesforce::start();
    let url = fake.url();
    assert_eq!(
        http()
            .get(format!("{url}/services/data"))
            .send()
            .unwrap()
            .status(),
        200
    );
    drop(fake);
    assert!(http().get(format!("{url}/services/data")).send().is_err());
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

#[test]
fn test_browser_runs_preflights_then_delivers_the_callback() {
    let fake = FakeSalesforce::start();
    let listener = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = listener.server_addr().to_ip().unwrap().port();
    let redirect_uri = format!("http://localhost:{port}/OauthRedirect");
    let served = std::thread::spawn(move || serve_callbacks(listener));
    let url = browser_authorize_url(&fake, FAKE_CLIENT_ID, &redirect_uri);
    let envs = [
        ("TEST_BROWSER_PREFLIGHT", "favicon,wrong_state,other_path"),
        ("TEST_BROWSER_HOST", "evil.example:80"),
    ];
    let events = run_browser(&url, &envs);
    let seen = served.join().unwrap();

    let names: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    let expected = [
        "launched",
        "authorize",
        "preflight",
        "preflight",
        "preflight",
        "callback",
        "done",
    ];
    assert_eq!(names, expected, "{events:?}");
    assert_eq!(events[0]["url"], url.as_str());
    assert_eq!(events[1]["status"], 302);
    let statuses: Vec<&Value> = events[2..5].iter().map(|e| &e["status"]).collect();
    assert_eq!(statuses, [404, 400, 404]);
    assert_eq!(events[5]["status"], 200);
    assert_eq!(events[5]["body"], "listener says hi");
    let paths: Vec<&str> = seen
        .iter()
        .map(|(p, _)| p.split('?').next().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "/favicon.ico",
            "/OauthRedirect",
            "/somewhere-else",
            "/OauthRedirect"
        ]
    );
    assert!(
        seen.iter().all(|(_, host)| host == "evil.example:80"),
        "{seen:?}"
    );
    let code = fake.issued_secrets().pop().unwrap();
    let delivered = url::Url::parse(&format!("http://localhost{}", seen[3].0)).unwrap();
    let delivered_code = delivered
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1;
    assert_eq!(delivered_code, code);
}

#[test]
fn test_browser_stops_at_an_error_page() {
    let fake = FakeSalesforce::start();
    let url = browser_authorize_url(&fake, "unknown-client", "http://localhost:9/OauthRedirect");
    let events = run_browser(&url, &[]);
    let names: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["launched", "authorize", "done"]);
    assert_eq!(events[1]["status"], 400);
    let body = events[1]["body"].as_str().unwrap();
    assert!(body.contains("error=invalid_client_id"), "{body}");
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

fn bob() -> FakeUser {
    FakeUser {
        username: "bob@example.com".into(),
        user_id: "005000000000002AAA".into(),
        org_id: DEFAULT_ORG_ID.into(),
        display_name: "Bob Babbage".into(),
        email: "bob@example.com".into(),
    }
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

#[test]
fn a_sixth_approval_revokes_the_oldest() {
    let fake = FakeSalesforce::start();
    register_other_client(&fake);
    let other_app = field(&login_with(&fake, OTHER_CLIENT), "refresh_token");
    let logins: Vec<Value> = (0..APPROVAL_LIMIT).map(|_| login(&fake)).collect();
    let mut live: Vec<String> = logins.iter().map(|b| field(b, "refresh_token")).collect();
    let no_refresh = code(&fake, &[("scope", "api")]);
    let body = json_ok(exchange(&fake, &no_refresh, VERIFIER));
    assert!(body.get("refresh_token").is_none(), "{body}");
    assert_eq!(
        fake.live_refresh_tokens(DEFAULT_USER_ID, FAKE_CLIENT_ID),
        live
    );
    assert!(fake.revoked_tokens().is_empty());

    let sixth = field(&login(&fake), "refresh_token");
    let oldest = live.remove(0);
    live.push(sixth);
    assert_eq!(
        oauth_error(refresh(&fake, &oldest), "invalid_grant"),
        "expired access/refresh token"
    );
    let oldest_access = field(&logins[0], "access_token");
    assert_eq!(
        bearer_get(&fake, "/services/oauth2/userinfo", &oldest_access).status(),
        401
    );
    assert_eq!(fake.revoked_tokens(), vec![oldest, oldest_access]);
    assert_eq!(
        fake.live_refresh_tokens(DEFAULT_USER_ID, FAKE_CLIENT_ID),
        live
    );
    json_ok(refresh(&fake, &live[0]));
    assert!(
        fake.is_refresh_token_live(&other_app),
        "other apps count apart"
    );

    fake.add_user(bob());
    fake.set_current_user("bob@example.com");
    let bobs = field(&login(&fake), "refresh_token");
    assert_eq!(
        fake.live_refresh_tokens(DEFAULT_USER_ID, FAKE_CLIENT_ID),
        live
    );
    assert_eq!(
        fake.live_refresh_tokens("005000000000002AAA", FAKE_CLIENT_ID),
        vec![bobs]
    );

    fake.set_current_user(DEFAULT_USERNAME);
    let by_device = field(&device_login(&fake), "refresh_token");
    let second_oldest = live.remove(0);
    live.push(by_device);
    assert!(!fake.is_refresh_token_live(&second_oldest));
    assert_eq!(
        fake.live_refresh_tokens(DEFAULT_USER_ID, FAKE_CLIENT_ID),
        live
    );

    fake.grant_refresh_token(DEFAULT_USERNAME, FAKE_CLIENT_ID, "api refresh_token");
    assert!(!fake.is_refresh_token_live(&live[0]), "seeded grants count");
}

#[test]
fn rotation_keeps_one_approval() {
    let fake = FakeSalesforce::start();
    fake.knobs().rotate_refresh_tokens = true;
    let mut chain = field(&login(&fake), "refresh_token");
    for _ in 0..=APPROVAL_LIMIT {
        chain = field(&json_ok(refresh(&fake, &chain)), "refresh_token");
    }
    assert_eq!(
        fake.live_refresh_tokens(DEFAULT_USER_ID, FAKE_CLIENT_ID),
        vec![chain.clone()]
    );
    let others: Vec<String> = (1..APPROVAL_LIMIT)
        .map(|_| field(&login(&fake), "refresh_token"))
        .collect();
    assert!(fake.is_refresh_token_live(&chain));
    assert_eq!(
        fake.live_refresh_tokens(DEFAULT_USER_ID, FAKE_CLIENT_ID)
            .len(),
        APPROVAL_LIMIT
    );

    login(&fake);
    assert!(
        !fake.is_refresh_token_live(&chain),
        "the chain was the oldest"
    );
    assert_eq!(
        oauth_error(refresh(&fake, &chain), "invalid_grant"),
        "expired access/refresh token"
    );
    assert!(!fake.rotated_token_reused());
    assert!(others.iter().all(|t| fake.is_refresh_token_live(t)));
}

#[test]
fn oauth_token_query_lists_the_callers_live_approvals() {
    let fake = FakeSalesforce::start();
    register_other_client(&fake);
    fake.knobs().app_names = vec![(OTHER_CLIENT.into(), "Other App".into())];
    let before = chrono::Utc::now() - chrono::Duration::seconds(1);
    let first = login(&fake);
    let second = login(&fake);
    let third = login_with(&fake, OTHER_CLIENT);
    let gone = field(&login(&fake), "refresh_token");
    assert!(fake.revoke_refresh_token(&gone));
    fake.add_user(bob());
    fake.set_current_user("bob@example.com");
    let bobs = login(&fake);
    let first_refresh = field(&first, "refresh_token");
    json_ok(refresh(&fake, &first_refresh));
    json_ok(refresh(&fake, &first_refresh));
    let after = chrono::Utc::now() + chrono::Duration::seconds(1);

    let access = field(&second, "access_token");
    let q = "SELECT Id, AppName, CreatedDate, LastUsedDate, UseCount, UserId, DeleteToken \
             FROM OauthToken";
    let all = json_ok(soql(&fake, &access, q));
    assert_eq!(all["totalSize"], 3, "{all}");
    assert_eq!(all["done"], true);
    let rows = records(&all);
    let names: Vec<&Value> = rows.iter().map(|r| &r["AppName"]).collect();
    assert_eq!(names, ["sfconnect tests", "sfconnect tests", "Other App"]);
    let counts: Vec<&Value> = rows.iter().map(|r| &r["UseCount"]).collect();
    assert_eq!(counts, [2, 0, 0]);
    let in_window = |value: &Value| {
        let text = value.as_str().unwrap_or_else(|| panic!("a date: {value}"));
        let date = chrono::DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S.000%z")
            .unwrap_or_else(|e| panic!("{text}: {e}"));
        assert!(text.ends_with(".000+0000"), "{text}");
        date >= before && date <= after
    };
    for row in &rows {
        assert!(in_window(&row["CreatedDate"]), "{row}");
        assert_eq!(row["UserId"], DEFAULT_USER_ID);
        assert_eq!(row["Id"], Value::Null);
        assert_eq!(row["attributes"]["type"], "OauthToken");
        assert_eq!(
            row.as_object().unwrap().len(),
            8,
            "only the fields asked: {row}"
        );
    }
    assert!(in_window(&rows[0]["LastUsedDate"]));
    assert_eq!(rows[1]["LastUsedDate"], Value::Null);
    let delete_tokens: std::collections::BTreeSet<String> =
        rows.iter().map(|r| field(r, "DeleteToken")).collect();
    assert_eq!(delete_tokens.len(), 3);

    let q = "select AppName, UseCount from oauthtoken where AppName = 'Other App'";
    let other = json_ok(soql(&fake, &access, q));
    assert_eq!(other["totalSize"], 1, "{other}");
    assert_eq!(records(&other)[0]["AppName"], "Other App");
    assert_eq!(records(&other)[0].as_object().unwrap().len(), 3);
    let q = "SELECT COUNT() FROM OauthToken WHERE AppName = 'sfconnect tests'";
    let counted = json_ok(soql(&fake, &access, q));
    assert_eq!(counted["totalSize"], 2, "{counted}");
    assert_eq!(counted["records"], serde_json::json!([]));
    let q = format!("SELECT UserId FROM OauthToken WHERE UserId = '{DEFAULT_USER_ID}'");
    assert_eq!(json_ok(soql(&fake, &access, &q))["totalSize"], 3);
    let q = "SELECT UserId FROM OauthToken WHERE UserId = '005000000000002AAA'";
    assert_eq!(json_ok(soql(&fake, &access, q))["totalSize"], 0);
    let bob_rows = json_ok(soql(
        &fake,
        &field(&bobs, "access_token"),
        "SELECT UserId FROM OauthToken",
    ));
    assert_eq!(bob_rows["totalSize"], 1);
    assert_eq!(records(&bob_rows)[0]["UserId"], "005000000000002AAA");

    let delete_token = field(&rows[2], "DeleteToken");
    let revoke_url = url::Url::parse_with_params(
        &format!("{}/services/oauth2/revoke", fake.url()),
        [("token", &delete_token)],
    )
    .unwrap();
    assert_eq!(http().get(revoke_url).send().unwrap().status(), 200);
    assert!(!fake.is_refresh_token_live(&field(&third, "refresh_token")));
    let left = json_ok(soql(&fake, &access, "SELECT AppName FROM OauthToken"));
    assert_eq!(left["totalSize"], 2);

    rest_error(
        soql(&fake, &access, "SELECT Id FROM Account"),
        "MALFORMED_QUERY",
    );
    rest_error(
        soql(&fake, &access, "SELEC Id FROM OauthToken"),
        "MALFORMED_QUERY",
    );
    let bogus = rest_error(
        soql(&fake, &access, "SELECT Bogus FROM OauthToken"),
        "INVALID_FIELD",
    );
    assert!(
        bogus.starts_with("No such column 'Bogus' on entity 'OauthToken'"),
        "{bogus}"
    );
    assert_eq!(
        soql(
            &fake,
            "00D000000000001!AQbogus",
            "SELECT Id FROM OauthToken"
        )
        .status(),
        401
    );
}

#[test]
fn a_forbidden_oauth_token_query_answers_invalid_type() {
    let fake = FakeSalesforce::start();
    let access = field(&login(&fake), "access_token");
    fake.knobs().forbid_oauth_token_query = true;
    let forbidden = soql(&fake, &access, "SELECT AppName FROM OauthToken");
    assert_eq!(forbidden.status(), 400);
    assert_eq!(
        forbidden.text().unwrap(),
        r#"[{"message":"sObject type 'OauthToken' is not supported.","errorCode":"INVALID_TYPE"}]"#
    );
    fake.knobs().forbid_oauth_token_query = false;
    let allowed = json_ok(soql(&fake, &access, "SELECT AppName FROM OauthToken"));
    assert_eq!(allowed["totalSize"], 1);
}

#[test]
fn refresh_error_blocks_only_refreshes() {
    let fake = FakeSalesforce::start();
    let refresh_token = field(&login(&fake), "refresh_token");
    let blocks = [
        (
            "invalid_app_access",
            "user is not admin approved to access this app",
        ),
        (
            "app_not_found",
            "External client app is not installed in this org",
        ),
        ("OAUTH_APP_BLOCKED", "this app is blocked by admin"),
    ];
    for (error, description) in blocks {
        fake.knobs().refresh_error = Some((400, error.into(), description.into()));
        assert_eq!(
            oauth_error(refresh(&fake, &refresh_token), error),
            description
        );
    }
    let body = login(&fake);
    assert!(
        body.get("refresh_token").is_some(),
        "code grants still work"
    );
    assert!(fake.is_refresh_token_live(&refresh_token));
    fake.knobs().refresh_error = None;
    json_ok(refresh(&fake, &refresh_token));
}

#[test]
fn device_flow_is_pending_then_approved() {
    let fake = FakeSalesforce::start();
    fake.knobs().device_interval_secs = 0;
    fake.knobs().device_approve_after_polls = 2;
    let start = json_ok(device_start(&fake));
    let device_code = field(&start, "device_code");
    assert!(device_code.contains(SECRET_CANARY), "{device_code}");
    assert_eq!(fake.issued_secrets(), vec![device_code.clone()]);
    let user_code = field(&start, "user_code");
    assert!(
        user_code.len() == 8
            && user_code
                .chars()
                .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()),
        "{user_code}"
    );
    assert_eq!(
        field(&start, "verification_uri"),
        format!("{}/setup/connect", fake.url())
    );
    assert_eq!(start["interval"], 0);

    for _ in 0..2 {
        assert_eq!(
            oauth_error(device_poll(&fake, &device_code), "authorization_pending"),
            "authorization pending"
        );
    }
    let body = json_ok(device_poll(&fake, &device_code));
    assert_eq!(fake.device_polls(), 3);
    let refresh_token = field(&body, "refresh_token");
    assert!(field(&body, "access_token").starts_with("00D000000000001!AQ"));
    assert_eq!(field(&body, "scope"), "api refresh_token");
    assert_eq!(field(&body, "instance_url"), fake.url());
    assert_eq!(field(&body, "token_type"), "Bearer");
    assert!(field(&body, "id").ends_with(&format!("/id/{DEFAULT_ORG_ID}/{DEFAULT_USER_ID}")));
    assert!(field(&body, "issued_at").parse::<u128>().is_ok());
    assert!(STANDARD.decode(field(&body, "signature")).is_ok());
    assert_eq!(
        fake.live_refresh_tokens(DEFAULT_USER_ID, FAKE_CLIENT_ID),
        vec![refresh_token.clone()]
    );
    json_ok(refresh(&fake, &refresh_token));
    assert_eq!(
        oauth_error(device_poll(&fake, &device_code), "invalid_grant"),
        "expired authorization code"
    );

    let page = http()
        .get(format!("{}/setup/connect", fake.url()))
        .send()
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(page.text().unwrap().contains("name=\"user_code\""));
}

#[test]
fn device_polls_faster_than_the_interval_get_slow_down() {
    let fake = FakeSalesforce::start();
    fake.knobs().device_approve_after_polls = 1;
    let start = json_ok(device_start(&fake));
    assert_eq!(start["interval"], 1);
    let device_code = field(&start, "device_code");
    oauth_error(device_poll(&fake, &device_code), "authorization_pending");
    assert_eq!(fake.device_slow_downs(), 0);
    assert_eq!(
        oauth_error(device_poll(&fake, &device_code), "slow_down"),
        "slow down"
    );
    assert_eq!(fake.device_slow_downs(), 1);
    std::thread::sleep(Duration::from_millis(1100));
    let body = json_ok(device_poll(&fake, &device_code));
    assert!(body.get("refresh_token").is_some(), "{body}");
    assert_eq!(fake.device_slow_downs(), 1);
    assert_eq!(fake.device_polls(), 3);
}

#[test]
fn device_flow_denied_expired_and_disabled() {
    let fake = FakeSalesforce::start();
    fake.knobs().device_deny = true;
    let denied = field(&json_ok(device_start(&fake)), "device_code");
    assert_eq!(
        oauth_error(device_poll(&fake, &denied), "access_denied"),
        "end-user denied authorization"
    );
    oauth_error(device_poll(&fake, &denied), "invalid_grant");
    assert!(
        fake.live_refresh_tokens(DEFAULT_USER_ID, FAKE_CLIENT_ID)
            .is_empty()
    );

    fake.knobs().device_deny = false;
    fake.knobs().device_code_ttl = Duration::ZERO;
    let stale = field(&json_ok(device_start(&fake)), "device_code");
    assert_eq!(
        oauth_error(device_poll(&fake, &stale), "invalid_grant"),
        "expired authorization code"
    );

    fake.knobs().device_code_ttl = Duration::from_secs(600);
    let waiting = field(&json_ok(device_start(&fake)), "device_code");
    fake.knobs().device_flow_enabled = false;
    assert_eq!(
        oauth_error(device_start(&fake), "oauth_flow_disabled"),
        "device flow is not enabled for this app"
    );
    oauth_error(device_poll(&fake, &waiting), "oauth_flow_disabled");
    fake.knobs().device_flow_enabled = true;
    json_ok(device_poll(&fake, &waiting));

    let unknown = post_token(
        &fake,
        &[("response_type", "device_code"), ("client_id", "nope")],
    );
    oauth_error(unknown, "invalid_client_id");
}
