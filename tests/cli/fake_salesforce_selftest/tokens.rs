//! The token and revoke endpoints: code exchange, PKCE, single-use codes, client checks, refresh and rotation, revocation.

use super::*;

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
