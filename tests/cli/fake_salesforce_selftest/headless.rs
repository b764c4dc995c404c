//! The headless grants (docs/salesforce-oauth.md §11) at the fake: the JWT bearer grant verifies a
//! real RS256 signature (made here with ring from a fixture key, not with
//! sfconnect's code) against the registered certificate and judges every
//! claim; the client credentials grant takes the id and secret from the
//! body or HTTP Basic and issues a token for the Run As user.

use super::*;
use crate::support::headless::{
    CC_CLIENT_ID, CC_SECRET, JWT_CLIENT_ID, RUN_AS, fixture, register_cc_app, register_jwt_app,
};
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use serde_json::json;

const GRANT: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/// A JWT with this header and these claims, signed by the fixture key.
fn signed(header: &Value, claims: &Value, key_fixture: &str) -> String {
    let pem = std::fs::read_to_string(fixture(key_fixture)).unwrap();
    let der = crate::support::headless::pem_der(&pem);
    let key = if pem.contains("BEGIN RSA PRIVATE KEY") {
        RsaKeyPair::from_der(&der)
    } else {
        RsaKeyPair::from_pkcs8(&der)
    }
    .unwrap();
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let mut signature = vec![0; key.public().modulus_len()];
    key.sign(
        &RSA_PKCS1_SHA256,
        &ring::rand::SystemRandom::new(),
        input.as_bytes(),
        &mut signature,
    )
    .unwrap();
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn claims(fake: &FakeSalesforce) -> Value {
    json!({"iss": JWT_CLIENT_ID, "sub": DEFAULT_USERNAME, "aud": fake.url(), "exp": now() + 180})
}

fn jwt_grant(fake: &FakeSalesforce, assertion: &str) -> Response {
    post_token(fake, &[("grant_type", GRANT), ("assertion", assertion)])
}

fn rs256() -> Value {
    json!({"alg": "RS256"})
}

#[test]
fn a_signed_assertion_gets_an_access_token_and_no_refresh_token() {
    let fake = FakeSalesforce::start();
    register_jwt_app(&fake, JWT_CLIENT_ID, "rsa2048-pkcs8.crt");
    let body = json_ok(jwt_grant(
        &fake,
        &signed(&rs256(), &claims(&fake), "rsa2048-pkcs8.pem"),
    ));
    assert!(body.get("refresh_token").is_none(), "{body}");
    assert_eq!(field(&body, "instance_url"), fake.url());
    let access = field(&body, "access_token");
    assert!(access.contains(SECRET_CANARY));
    let info = json_ok(bearer_get(&fake, "/services/oauth2/userinfo", &access));
    assert_eq!(info["preferred_username"], DEFAULT_USERNAME);
    // No approval was made: nothing to list or count.
    assert!(
        fake.live_refresh_tokens(DEFAULT_USER_ID, JWT_CLIENT_ID)
            .is_empty()
    );
}

#[test]
fn every_part_of_the_assertion_is_judged() {
    let fake = FakeSalesforce::start();
    register_jwt_app(&fake, JWT_CLIENT_ID, "rsa2048-pkcs8.crt");
    let good = claims(&fake);
    let with = |name: &str, value: Value| {
        let mut claims = good.clone();
        claims[name] = value;
        claims
    };
    let key = "rsa2048-pkcs8.pem";
    // Another key, a tampered payload, another algorithm, garbage.
    let other_key = signed(&rs256(), &good, "rsa2048-pkcs1.pem");
    let valid = signed(&rs256(), &good, key);
    let mut parts: Vec<String> = valid.split('.').map(String::from).collect();
    parts[1] = URL_SAFE_NO_PAD.encode(with("sub", json!("bob@example.com")).to_string());
    let tampered = parts.join(".");
    let none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#),
        URL_SAFE_NO_PAD.encode(good.to_string())
    );
    for assertion in [
        other_key,
        tampered,
        none,
        "not.a.jwt".to_string(),
        String::new(),
    ] {
        let response = jwt_grant(&fake, &assertion);
        assert_eq!(oauth_error(response, "invalid_grant"), "invalid assertion");
    }
    let refused = |claims: Value, error: &str| {
        oauth_error(jwt_grant(&fake, &signed(&rs256(), &claims, key)), error)
    };
    assert_eq!(
        refused(with("iss", json!("3MVG9unknown")), "invalid_client_id"),
        "client identifier invalid"
    );
    assert_eq!(
        refused(
            with("aud", json!("https://login.salesforce.com")),
            "invalid_grant"
        ),
        "audience is invalid"
    );
    assert_eq!(
        refused(with("exp", json!(now() - 1)), "invalid_grant"),
        "expired authorization code"
    );
    assert_eq!(
        refused(with("exp", Value::Null), "invalid_grant"),
        "expired authorization code"
    );
    assert_eq!(
        refused(with("sub", json!("nobody@example.com")), "invalid_grant"),
        "user hasn't approved this consumer"
    );
    fake.knobs().headless.jwt_apps[0].enabled = false;
    assert_eq!(
        refused(good.clone(), "unsupported_grant_type"),
        "grant type not supported"
    );
}

#[test]
fn without_pre_authorization_only_a_live_approval_lets_the_user_in() {
    let fake = FakeSalesforce::start();
    register_jwt_app(&fake, FAKE_CLIENT_ID, "rsa2048-pkcs8.crt");
    fake.knobs().headless.jwt_apps[0].pre_authorized = false;
    let mut claims = claims(&fake);
    claims["iss"] = json!(FAKE_CLIENT_ID);
    let assertion = || signed(&rs256(), &claims, "rsa2048-pkcs8.pem");
    assert_eq!(
        oauth_error(jwt_grant(&fake, &assertion()), "invalid_grant"),
        "user hasn't approved this consumer"
    );
    let refresh = fake.grant_refresh_token(DEFAULT_USERNAME, FAKE_CLIENT_ID, "api refresh_token");
    json_ok(jwt_grant(&fake, &assertion()));
    assert!(fake.revoke_refresh_token(&refresh));
    assert_eq!(
        oauth_error(jwt_grant(&fake, &assertion()), "invalid_grant"),
        "user hasn't approved this consumer"
    );
}

#[test]
fn a_skewed_clock_judges_exp_and_shows_in_the_date_header() {
    let fake = FakeSalesforce::start();
    register_jwt_app(&fake, JWT_CLIENT_ID, "rsa2048-pkcs8.crt");
    fake.knobs().headless.clock_skew_secs = 600;
    let response = jwt_grant(
        &fake,
        &signed(&rs256(), &claims(&fake), "rsa2048-pkcs8.pem"),
    );
    let date = response.headers()["date"].to_str().unwrap().to_string();
    let date = chrono::DateTime::parse_from_rfc2822(&date)
        .unwrap()
        .timestamp();
    assert!((590..=610).contains(&(date - now())), "{date}");
    assert_eq!(
        oauth_error(response, "invalid_grant"),
        "expired authorization code"
    );
}

fn cc_form(secret: &str) -> Vec<(&str, &str)> {
    vec![
        ("grant_type", "client_credentials"),
        ("client_id", CC_CLIENT_ID),
        ("client_secret", secret),
    ]
}

#[test]
fn client_credentials_in_the_body_or_basic_act_as_the_run_as_user() {
    let fake = FakeSalesforce::start();
    register_cc_app(&fake);
    let body = json_ok(post_token(&fake, &cc_form(CC_SECRET)));
    assert!(body.get("refresh_token").is_none(), "{body}");
    let scope = field(&body, "scope");
    for excluded in ["full", "web", "refresh_token"] {
        assert!(!scope.split(' ').any(|s| s == excluded), "{scope}");
    }
    let info = json_ok(bearer_get(
        &fake,
        "/services/oauth2/userinfo",
        &field(&body, "access_token"),
    ));
    assert_eq!(info["preferred_username"], RUN_AS);

    let basic = http()
        .post(format!("{}{TOKEN}", fake.url()))
        .basic_auth(CC_CLIENT_ID, Some(CC_SECRET))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .unwrap();
    json_ok(basic);
    let conflicting = http()
        .post(format!("{}{TOKEN}", fake.url()))
        .basic_auth("3MVG9someoneElse", Some(CC_SECRET))
        .form(&cc_form(CC_SECRET))
        .send()
        .unwrap();
    assert_eq!(
        oauth_error(conflicting, "invalid_client"),
        "invalid client credentials"
    );
    assert_eq!(
        oauth_error(post_token(&fake, &cc_form("wrong")), "invalid_client"),
        "invalid client credentials"
    );
    assert_eq!(
        oauth_error(
            post_token(
                &fake,
                &[
                    ("grant_type", "client_credentials"),
                    ("client_id", CC_CLIENT_ID)
                ]
            ),
            "invalid_client"
        ),
        "invalid client credentials"
    );
    fake.knobs().headless.client_credentials_apps[0].run_as = None;
    assert_eq!(
        oauth_error(post_token(&fake, &cc_form(CC_SECRET)), "invalid_grant"),
        "no client credentials user enabled"
    );
    fake.knobs().headless.client_credentials_apps[0].enabled = false;
    assert_eq!(
        oauth_error(
            post_token(&fake, &cc_form(CC_SECRET)),
            "unsupported_grant_type"
        ),
        "grant type not supported"
    );
    fake.knobs().headless.generic_host = true;
    assert_eq!(
        oauth_error(post_token(&fake, &cc_form(CC_SECRET)), "invalid_request"),
        "request not supported on this domain"
    );
}
