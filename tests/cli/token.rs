//! `sfconnect token`: formats, the cache, --fresh and --max-age, choosing
//! the connection, rotation under parallel callers, dead tokens, outages.

use crate::support::Sandbox;
use crate::support::fake_salesforce::{DEFAULT_USER_ID, FAKE_CLIENT_ID};
use serde_json::Value;

#[test]
fn every_format_prints_only_the_token() {
    let sandbox = Sandbox::linked("prod");
    let token = sandbox.access_token("prod");
    let url = sandbox.fake.url();

    let run = sandbox.run(&["token", "prod"]).expect(0);
    assert_eq!(run.stdout, format!("{token}\n"));
    assert_eq!(run.stdout.lines().count(), 1);
    assert!(
        !run.stderr.contains(&token),
        "messages never carry the token"
    );

    let run = sandbox
        .run(&["token", "prod", "--format", "header"])
        .expect(0);
    assert_eq!(run.stdout, format!("Authorization: Bearer {token}\n"));

    let json = sandbox
        .run(&["token", "prod", "--format", "json"])
        .expect(0)
        .json();
    assert_eq!(json["alias"], "prod");
    assert_eq!(json["access_token"], token.as_str());
    assert_eq!(json["instance_url"], url.as_str());
    assert_eq!(json["username"], "ada@example.com");
    assert_eq!(
        json["org_id"],
        crate::support::fake_salesforce::DEFAULT_ORG_ID
    );
    assert!(chrono::DateTime::parse_from_rfc3339(json["issued_at"].as_str().unwrap()).is_ok());

    let env = sandbox
        .run(&["token", "prod", "--format", "env"])
        .expect(0)
        .stdout;
    assert_eq!(env.lines().count(), 2);
    // The env format must survive `eval` in a real shell.
    let out = std::process::Command::new("sh")
        .args([
            "-c",
            "eval \"$1\"; printf '%s|%s' \"$SF_ACCESS_TOKEN\" \"$SF_INSTANCE_URL\"",
            "sh",
            &env,
        ])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("{token}|{url}")
    );
}

#[test]
fn a_young_cached_token_needs_no_network() {
    let sandbox = Sandbox::linked("prod");
    let before = sandbox.fake.requests().len();
    sandbox.fake.knobs().fail_status = Some(503);
    for _ in 0..3 {
        sandbox.run(&["token", "prod"]).expect(0);
    }
    assert_eq!(sandbox.fake.requests().len(), before, "no request at all");
    assert!(sandbox.connection("prod")["last_used_at"].is_string());
}

#[test]
fn fresh_and_max_age_decide_when_to_refresh() {
    let sandbox = Sandbox::linked("prod");
    let first = sandbox.access_token("prod");

    let run = sandbox.run(&["token", "prod", "--fresh"]).expect(0);
    assert_eq!(sandbox.fake.token_requests("refresh_token"), 1);
    let second = run.stdout.trim().to_string();
    assert_ne!(second, first);
    assert_eq!(
        sandbox.access_token("prod"),
        second,
        "the new token is cached"
    );
    assert!(sandbox.connection("prod")["last_refreshed_at"].is_string());

    // Age the cached token by 20 minutes: older than the default 10m.
    let twenty_minutes_ago = chrono::Utc::now().timestamp_millis() - 20 * 60 * 1000;
    sandbox.edit_tokens("prod", |t| {
        t["access_issued_at_ms"] = twenty_minutes_ago.into()
    });
    sandbox.run(&["token", "prod", "--max-age", "1h"]).expect(0);
    assert_eq!(
        sandbox.fake.token_requests("refresh_token"),
        1,
        "1h tolerates 20 minutes"
    );
    let run = sandbox.run(&["token", "prod"]).expect(0);
    assert_eq!(
        sandbox.fake.token_requests("refresh_token"),
        2,
        "10m does not"
    );
    assert_ne!(run.stdout.trim(), second);
    sandbox
        .run(&["token", "prod", "--max-age", "soon"])
        .expect_error(2, &["max-age"]);
}

#[test]
fn choosing_the_connection() {
    let mut sandbox = Sandbox::new();
    sandbox
        .run(&["token"])
        .expect_error(3, &["nothing is linked"]);

    sandbox.link(&["--alias", "one"]).expect(0);
    let only = sandbox.run(&["token"]).expect(0);
    assert_eq!(only.stdout.trim(), sandbox.access_token("one"));

    sandbox
        .fake
        .add_user(crate::support::users::bob_in_another_org());
    sandbox.fake.set_current_user("bob@example.com.uat");
    sandbox.link(&["--alias", "two"]).expect(0);
    let run = sandbox.run(&["token"]).expect_error(2, &["one, two"]);
    assert!(run.stdout.is_empty());

    let run = sandbox.run(&["token", "nope"]).expect(3);
    run.says(&["nope", "one, two"]);

    sandbox.set_env("SFCONNECT_ALIAS", "two");
    let run = sandbox.run(&["token"]).expect(0);
    assert_eq!(run.stdout.trim(), sandbox.access_token("two"));
    let run = sandbox.run(&["token", "one"]).expect(0);
    assert_eq!(
        run.stdout.trim(),
        sandbox.access_token("one"),
        "the argument wins"
    );
}

#[test]
fn parallel_fresh_tokens_under_rotation_never_reuse_a_rotated_token() {
    let sandbox = Sandbox::linked("prod");
    sandbox.fake.knobs().rotate_refresh_tokens = true;
    let runs: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..20)
            .map(|_| scope.spawn(|| sandbox.run(&["token", "prod", "--fresh"])))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for run in runs {
        let run = run.expect(0);
        assert_eq!(run.stdout.lines().count(), 1);
    }
    assert!(
        !sandbox.fake.rotated_token_reused(),
        "a rotated refresh token was reused"
    );
    let refreshes = sandbox.fake.token_requests("refresh_token");
    assert!((1..=20).contains(&refreshes), "{refreshes}");
    let stored = sandbox.refresh_token("prod");
    assert!(
        sandbox.fake.is_refresh_token_live(&stored),
        "the stored refresh token is the live one"
    );
    assert_eq!(
        sandbox
            .fake
            .live_refresh_tokens(DEFAULT_USER_ID, FAKE_CLIENT_ID),
        vec![stored]
    );
    // And it still works afterwards.
    sandbox.run(&["token", "prod", "--fresh"]).expect(0);
}

#[test]
fn rotation_stores_the_new_refresh_token_first() {
    let sandbox = Sandbox::linked("prod");
    sandbox.fake.knobs().rotate_refresh_tokens = true;
    let old = sandbox.refresh_token("prod");
    sandbox.run(&["token", "prod", "--fresh"]).expect(0);
    let new = sandbox.refresh_token("prod");
    assert_ne!(old, new);
    assert!(!sandbox.fake.is_refresh_token_live(&old));
    assert!(sandbox.fake.is_refresh_token_live(&new));
}

#[test]
fn a_dead_refresh_token_exits_4_with_the_causes_and_the_fix() {
    let sandbox = Sandbox::linked("prod");
    let refresh = sandbox.refresh_token("prod");
    assert!(sandbox.fake.revoke_refresh_token(&refresh));
    let run = sandbox.run(&["token", "prod", "--fresh"]).expect(4);
    assert!(run.stdout.is_empty());
    run.says(&["expired access/refresh token", "five approvals"]);
    let url = sandbox.fake.url();
    let relink =
        format!("sfconnect link --alias prod --login-url {url} --client-id {FAKE_CLIENT_ID}");
    run.says(&[&relink]);
    let health: &Value = &sandbox.connection("prod")["health"];
    assert_eq!(health["status"], "revoked");
    assert!(health["checked_at"].is_string());
    assert!(!run.stderr.contains(&refresh));
}

/// A blocked app needs a person to act (an admin, or a new link), as a dead
/// token does: exit 4 from `token` and from `tokens check` alike.
#[test]
fn a_blocked_app_exits_4_in_token_and_in_tokens_check() {
    let sandbox = Sandbox::linked("prod");
    sandbox.fake.knobs().refresh_error = Some((
        400,
        "OAUTH_APP_BLOCKED".into(),
        "this app is blocked by admin".into(),
    ));
    let run = sandbox.run(&["token", "prod", "--fresh"]).expect(4);
    assert!(run.stdout.is_empty());
    run.says(&["OAUTH_APP_BLOCKED"]);
    assert_eq!(sandbox.connection("prod")["health"]["status"], "blocked");
    let run = sandbox.run(&["tokens", "check", "prod"]).expect(4);
    assert!(run.stdout.contains("blocked"), "{}", run.stdout);
    run.says(&["prod (blocked)"]);
    sandbox.run(&["tokens", "list", "--check"]).expect(4);
}

#[test]
fn an_outage_exits_5_and_keeps_the_cache() {
    let sandbox = Sandbox::linked("prod");
    let cached = sandbox.access_token("prod");
    sandbox.fake.knobs().fail_status = Some(503);
    sandbox
        .run(&["token", "prod", "--fresh"])
        .expect_error(5, &["HTTP 503"]);
    assert_eq!(sandbox.access_token("prod"), cached);
    let run = sandbox.run(&["token", "prod"]).expect(0);
    assert_eq!(run.stdout.trim(), cached, "the cache still serves");
}

/// Into a pipe, `--format json` is one compact line, as every other --json.
#[test]
fn token_json_is_one_compact_line_into_a_pipe() {
    let sandbox = Sandbox::linked("prod");
    for args in [
        &["token", "prod", "--format", "json"][..],
        &["token", "prod", "--json"],
    ] {
        let run = sandbox.run(args).expect(0);
        assert_eq!(run.stdout.lines().count(), 1, "{args:?}: {}", run.stdout);
        assert!(!run.stdout.contains("\n  "), "{}", run.stdout);
        assert!(run.json()["access_token"].is_string());
    }
}

/// `last_refreshed_at` stays null until a refresh, as the README says; the
/// login's own token is not one.
#[test]
fn last_refreshed_at_is_null_until_the_first_refresh() {
    let sandbox = Sandbox::new();
    let link = sandbox.link(&["--alias", "prod", "--json"]).expect(0);
    assert!(
        link.json()["last_refreshed_at"].is_null(),
        "{}",
        link.stdout
    );
    let listed = sandbox.run(&["tokens", "list", "--json"]).expect(0).json();
    assert!(listed["connections"][0]["last_refreshed_at"].is_null());
    assert!(listed["connections"][0]["last_used_at"].is_null());
    let table = sandbox.run(&["tokens", "list"]).expect(0).stdout;
    assert!(table.lines().nth(1).unwrap().contains("never"), "{table}");

    // A cache hit is a use, not a refresh.
    sandbox.run(&["token", "prod"]).expect(0);
    assert!(sandbox.connection("prod")["last_refreshed_at"].is_null());
    assert!(sandbox.connection("prod")["last_used_at"].is_string());
    sandbox.run(&["token", "prod", "--fresh"]).expect(0);
    assert!(sandbox.connection("prod")["last_refreshed_at"].is_string());
}

/// A name no connection could have is a usage error (2) in every command
/// that takes an alias, not "no such connection" (3).
#[test]
fn an_invalid_alias_exits_2_everywhere() {
    let mut sandbox = Sandbox::linked("prod");
    let bad = "bad alias!";
    for args in [
        &["token", bad][..],
        &["exec", bad, "--", "true"],
        &["api", bad, "/services/data/"],
        &["tokens", "check", bad],
        &["tokens", "approvals", bad],
        &["revoke", bad],
        &["migrate", bad, "--to", "file"],
    ] {
        sandbox.run(args).expect_error(2, &["invalid alias"]);
    }
    let url = sandbox.fake.url();
    sandbox
        .run(&crate::support::link_args(&url, &["--alias", bad]))
        .expect_error(2, &["invalid alias"]);
    // A valid name that is not linked is still 3.
    sandbox.run(&["token", "nope"]).expect(3);
    sandbox.run(&["revoke", "nope"]).expect(3);
    // From the environment too, and it says where the name came from.
    sandbox.set_env("SFCONNECT_ALIAS", bad);
    sandbox
        .run(&["token"])
        .expect_error(2, &["SFCONNECT_ALIAS"]);
    assert_eq!(sandbox.connections().len(), 1, "nothing was revoked");
}

/// After `tokens check` recorded a connection as revoked (or blocked),
/// `token` asks Salesforce again instead of printing the cached token.
#[test]
fn a_connection_recorded_dead_is_not_served_from_the_cache() {
    let sandbox = Sandbox::linked("prod");
    let refresh = sandbox.refresh_token("prod");
    assert!(sandbox.fake.revoke_refresh_token(&refresh));
    sandbox.run(&["tokens", "check"]).expect(4);
    assert_eq!(sandbox.connection("prod")["health"]["status"], "revoked");
    let refreshes = sandbox.fake.token_requests("refresh_token");
    let run = sandbox.run(&["token", "prod"]).expect(4);
    assert_eq!(run.stdout, "", "no token printed");
    assert_eq!(
        sandbox.fake.token_requests("refresh_token"),
        refreshes + 1,
        "Salesforce was asked"
    );

    // Blocked: the cache is not used either, and once the admin approves
    // the app again the token flows and the record says ok.
    let sandbox = Sandbox::linked("prod");
    sandbox.fake.knobs().refresh_error = Some((
        400,
        "invalid_app_access".into(),
        "user is not admin approved to access this app".into(),
    ));
    // A blocked app needs a person to act: 4, as `token` says (issue 12).
    sandbox.run(&["tokens", "check"]).expect(4);
    assert_eq!(sandbox.connection("prod")["health"]["status"], "blocked");
    sandbox.run(&["token", "prod"]).expect(4);
    sandbox.fake.knobs().refresh_error = None;
    let run = sandbox.run(&["token", "prod"]).expect(0);
    assert_eq!(run.stdout.lines().count(), 1);
    assert_eq!(sandbox.connection("prod")["health"]["status"], "ok");
}
