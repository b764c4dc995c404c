//! The authorize endpoint: redirects, error pages, exact callback matching.

use super::*;

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
