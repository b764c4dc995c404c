//! The device flow: pending, approved, slow_down, denied, expired, disabled.

use super::*;

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
    // However fast this machine is, the next poll comes sooner than a minute.
    fake.knobs().device_interval_secs = 60;
    assert_eq!(
        oauth_error(device_poll(&fake, &device_code), "slow_down"),
        "slow down"
    );
    assert_eq!(fake.device_slow_downs(), 1);
    // And however slow, not sooner than no time at all.
    fake.knobs().device_interval_secs = 0;
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
