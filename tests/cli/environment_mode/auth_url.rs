//! `SFCONNECT_AUTH_URL`: token, exec, api and tokens check on an SFDX auth
//! URL in a sealed sandbox, writing nothing; rotation without the cache.

use super::{PRINT_CONNECTION, auth_url, files_under, run, sealed, with};
use crate::support::fake_salesforce::{
    DEFAULT_ORG_ID, DEFAULT_USER_ID, DEFAULT_USERNAME, FAKE_CLIENT_ID,
};
use crate::support::leak_checks::assert_no_secret;

#[test]
fn token_exec_api_and_check_run_on_the_auth_url_and_write_nothing() {
    let sandbox = sealed();
    let (url, refresh) = auth_url(&sandbox);
    let env = [("SFCONNECT_AUTH_URL", url.as_str())];
    let before = files_under(sandbox.root());

    let token = run(&sandbox, &["token"], &env).expect(0);
    let access = token.stdout.trim().to_string();
    assert!(access.contains("SFCANARY"), "{token:?}");
    assert_eq!(sandbox.fake.token_requests("refresh_token"), 1);
    let refresh_request = sandbox
        .fake
        .requests()
        .into_iter()
        .find(|r| r.form_param("grant_type") == Some("refresh_token"))
        .unwrap();
    assert_eq!(
        refresh_request.form_param("refresh_token"),
        Some(refresh.as_str())
    );

    let json = run(&sandbox, &["token", "--format", "json"], &env)
        .expect(0)
        .json();
    assert_eq!(json["username"], DEFAULT_USERNAME);
    assert_eq!(json["org_id"], DEFAULT_ORG_ID);
    assert_eq!(json["instance_url"], sandbox.fake.url());
    assert_eq!(json["alias"], "environment");

    let exec = run(&sandbox, &with(&["exec"], PRINT_CONNECTION), &env).expect(0);
    let seen: Vec<&str> = exec.stdout.split('|').collect();
    assert!(seen[0].contains("SFCANARY"), "{exec:?}");
    assert_eq!(
        &seen[1..],
        [
            sandbox.fake.url().as_str(),
            DEFAULT_USERNAME,
            DEFAULT_ORG_ID
        ]
    );

    let api = run(&sandbox, &["api", "/services/data/v62.0/limits"], &env).expect(0);
    assert!(api.stdout.starts_with('{'), "{api:?}");
    // A full URL elsewhere is refused: the token goes to the instance the
    // grant names, and nowhere else.
    let elsewhere = run(&sandbox, &["api", "https://elsewhere.example/x"], &env).expect(2);
    assert!(
        elsewhere
            .stderr
            .contains("not on this connection's instance"),
        "{elsewhere:?}"
    );

    let check = run(&sandbox, &["tokens", "check"], &env).expect(0);
    assert!(check.stdout.contains("environment"), "{check:?}");
    assert!(check.stdout.contains("ok"), "{check:?}");

    assert_eq!(
        files_under(sandbox.root()),
        before,
        "the environment mode created a file"
    );
    assert!(!sandbox.config_dir().exists());
    // The refresh token was presented, never shown.
    for out in [
        &token.stderr,
        &exec.stderr,
        &api.stderr,
        &check.stdout,
        &check.stderr,
    ] {
        assert!(!out.contains(&refresh), "{out}");
    }
}

#[test]
fn a_revoked_auth_url_is_exit_4_naming_the_variable() {
    let sandbox = sealed();
    let (url, refresh) = auth_url(&sandbox);
    assert!(sandbox.fake.revoke_refresh_token(&refresh));
    let run = run(
        &sandbox,
        &["token"],
        &[("SFCONNECT_AUTH_URL", url.as_str())],
    )
    .expect(4);
    assert!(run.stderr.contains("SFCONNECT_AUTH_URL"), "{run:?}");
    assert!(run.stderr.contains("SFCONNECT_ENV_CACHE"), "{run:?}");
    assert_eq!(run.stdout, "");
    assert_no_secret(&sandbox, &run.stderr, "stderr");
}

#[test]
fn without_the_cache_a_rotation_is_announced_loudly_and_the_token_still_printed() {
    let sandbox = sealed();
    sandbox.fake.knobs().rotate_refresh_tokens = true;
    let (url, refresh) = auth_url(&sandbox);
    let env = [("SFCONNECT_AUTH_URL", url.as_str())];
    let first = run(&sandbox, &["token", "-q"], &env).expect(0);
    assert!(first.stdout.trim().contains("SFCANARY"), "{first:?}");
    assert_eq!(first.stdout.lines().count(), 1);
    // Loud (not silenced by -q), and it names the fixes.
    assert!(first.stderr.contains("warning:"), "{first:?}");
    assert!(first.stderr.contains("DEAD"), "{first:?}");
    assert!(first.stderr.contains("revoke the whole chain"), "{first:?}");
    assert!(first.stderr.contains("SFCONNECT_ENV_CACHE"), "{first:?}");
    assert!(first.stderr.contains("SFCONNECT_ENV=jwt"), "{first:?}");
    // The new refresh token is live, and printed nowhere.
    let live = sandbox
        .fake
        .live_refresh_tokens(DEFAULT_USER_ID, FAKE_CLIENT_ID);
    let rotated: Vec<&String> = live.iter().filter(|t| **t != refresh).collect();
    assert!(!rotated.is_empty(), "the fake rotated nothing");
    for token in &rotated {
        assert!(!first.stdout.contains(token.as_str()));
        assert!(!first.stderr.contains(token.as_str()));
    }
    // What the warning says: a second call presents the dead token, and
    // Salesforce kills the chain.
    let second = run(&sandbox, &["token"], &env).expect(4);
    assert!(sandbox.fake.rotated_token_reused());
    assert!(second.stderr.contains("SFCONNECT_ENV_CACHE"), "{second:?}");
}

#[test]
fn api_retries_a_401_in_the_same_process_with_the_rotated_token() {
    let sandbox = sealed();
    sandbox.fake.knobs().rotate_refresh_tokens = true;
    let (url, _) = auth_url(&sandbox);
    let env = [("SFCONNECT_AUTH_URL", url.as_str())];
    // The identity call comes between the refresh and the API call: while
    // it is held, the session ends, so the API answers 401.
    let gate = sandbox.fake.hold_answers("/services/oauth2/userinfo", None);
    let api = std::thread::scope(|scope| {
        let call = scope.spawn(|| run(&sandbox, &["api", "/services/data/v62.0/limits"], &env));
        gate.wait_until_holding(1);
        sandbox.fake.expire_access_tokens();
        gate.open();
        call.join().unwrap()
    });
    let api = api.expect(0);
    assert!(api.stdout.starts_with('{'), "{api:?}");
    // Both refreshes happened in this process: the second presented the
    // rotated token, so the chain lives.
    assert_eq!(sandbox.fake.token_requests("refresh_token"), 2, "{api:?}");
    assert!(!sandbox.fake.rotated_token_reused(), "{api:?}");
}

#[test]
fn a_home_that_does_not_exist_and_no_config_dir_setting_are_fine() {
    let sandbox = sealed();
    let (url, _) = auth_url(&sandbox);
    let before = files_under(sandbox.root());
    let mut cmd = sandbox.command(&["token"]);
    cmd.env_remove("SFCONNECT_CONFIG_DIR")
        .env_remove("XDG_CONFIG_HOME")
        .env("HOME", sandbox.root().join("no-such-home"))
        .env("SFCONNECT_AUTH_URL", &url);
    let token = crate::support::run_command(cmd, None).expect(0);
    assert!(token.stdout.contains("SFCANARY"), "{token:?}");
    assert_eq!(files_under(sandbox.root()), before);
}
