//! `sfconnect link` through the browser (Salesforce's OAuth 2.0 web server
//! flow): hosts, parameters, the listener's rules, failures.

use crate::support::Sandbox;
use crate::support::fake_salesforce::{
    DEFAULT_USER_ID, DEFAULT_USERNAME, FAKE_CLIENT_ID, FakeClient,
};
use crate::support::leak_checks::assert_no_secret;
use std::collections::HashMap;

fn params(pairs: &[(String, String)]) -> HashMap<String, String> {
    pairs.iter().cloned().collect()
}

#[test]
fn links_and_keeps_the_token_only_in_the_secret_store() {
    let sandbox = Sandbox::new();
    let run = sandbox.link(&[]).expect(0);
    let url = sandbox.fake.url();
    let org = crate::support::fake_salesforce::DEFAULT_ORG_ID;
    assert_eq!(
        run.stdout,
        format!("linked {DEFAULT_USERNAME}: {DEFAULT_USERNAME} ({org}) at {url}\n")
    );
    let connections = sandbox.connections();
    assert_eq!(connections.len(), 1);
    let c = &connections[0];
    assert_eq!(c["alias"], DEFAULT_USERNAME);
    assert_eq!(c["org_id"], org);
    assert_eq!(c["user_id"], DEFAULT_USER_ID);
    assert_eq!(c["login_url"], url.as_str());
    assert_eq!(c["client_id"], FAKE_CLIENT_ID);
    assert_eq!(c["store"], "file");

    let tokens = sandbox
        .stored_tokens(c["id"].as_str().unwrap())
        .expect("secret stored");
    let refresh = tokens["refresh_token"].as_str().unwrap();
    assert!(sandbox.fake.is_refresh_token_live(refresh));
    assert!(tokens["access_token"].is_string());

    let index_text = std::fs::read_to_string(sandbox.config_dir().join("index.json")).unwrap();
    assert_no_secret(&sandbox, &index_text, "the index");
    assert_no_secret(&sandbox, &run.stdout, "stdout");
    assert_no_secret(&sandbox, &run.stderr, "stderr");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for name in ["index.json", "secrets.json"] {
            let mode = std::fs::metadata(sandbox.config_dir().join(name))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{name}");
        }
        let mode = std::fs::metadata(sandbox.config_dir())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700);
    }

    // The browser saw the listener's success page.
    let events = sandbox.browser_events();
    let callback = events
        .iter()
        .find(|e| e["event"] == "callback")
        .expect("callback event");
    assert_eq!(callback["status"], 200);
    assert!(callback["body"].as_str().unwrap().contains("Linked"));
}

#[test]
fn authorize_and_token_requests_carry_every_parameter() {
    let sandbox = Sandbox::new();
    sandbox.link(&["--json"]).expect(0);
    let requests = sandbox.fake.requests();
    let authorize = requests
        .iter()
        .find(|r| r.path == "/services/oauth2/authorize")
        .expect("authorize request");
    let q = params(&authorize.query);
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["client_id"], FAKE_CLIENT_ID);
    assert!(
        q["redirect_uri"].starts_with("http://localhost:")
            && q["redirect_uri"].ends_with("/OauthRedirect"),
        "{}",
        q["redirect_uri"]
    );
    assert_eq!(
        q["scope"],
        "api refresh_token offline_access id profile email address phone openid"
    );
    assert!(
        q["state"].len() >= 22,
        "state too short for 128 bits: {}",
        q["state"]
    );
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["code_challenge"].len(), 43);
    assert_eq!(q["prompt"], "login");

    let token = requests
        .iter()
        .find(|r| r.path == "/services/oauth2/token")
        .expect("token request");
    let f = params(&token.form);
    assert_eq!(f["grant_type"], "authorization_code");
    assert_eq!(f["client_id"], FAKE_CLIENT_ID);
    assert_eq!(f["redirect_uri"], q["redirect_uri"]);
    let verifier = &f["code_verifier"];
    assert!((43..=128).contains(&verifier.len()), "{verifier}");
    assert!(!f.contains_key("client_secret"), "no secret was configured");
    assert_eq!(sandbox.fake.token_requests("authorization_code"), 1);
}

/// Production and sandbox hosts cannot be reached from a test, so the login
/// is left to time out and the printed authorize URL is checked.
#[test]
fn production_sandbox_and_custom_hosts() {
    let sandbox = Sandbox::new();
    for (flags, prefix) in [
        (
            vec![],
            "https://login.salesforce.com/services/oauth2/authorize?",
        ),
        (
            vec!["--sandbox"],
            "https://test.salesforce.com/services/oauth2/authorize?",
        ),
        (
            vec!["--login-url", "https://acme.my.salesforce.com/"],
            "https://acme.my.salesforce.com/services/oauth2/authorize?",
        ),
    ] {
        let mut args = vec!["link", "--no-browser", "--timeout", "1", "--port", "0"];
        args.extend(flags);
        let run = sandbox.run(&args).expect(7);
        let line = run
            .stderr
            .lines()
            .map(str::trim)
            .find(|l| l.starts_with("https://"))
            .unwrap_or_else(|| panic!("no URL printed: {run:#?}"));
        assert!(line.starts_with(prefix), "{line}");
        let url = url::Url::parse(line).unwrap();
        let q: HashMap<String, String> = url.query_pairs().into_owned().collect();
        // Without --client-id: Salesforce CLI's public app and its scopes.
        assert_eq!(q["client_id"], "PlatformCLI");
        assert_eq!(q["scope"], "refresh_token api web");
        assert_eq!(
            run.stderr
                .matches("External Client App is recommended")
                .count(),
            1
        );
        run.says(&[
            "Open this URL in a browser to log in:",
            "no login was completed within 1 second;",
        ]);
    }
    assert!(!sandbox.config_dir().join("index.json").exists());
    assert!(
        !sandbox.browser_log().exists(),
        "--no-browser must not open one"
    );
}

#[test]
fn default_port_is_1717_and_env_port_is_used() {
    let mut sandbox = Sandbox::new();
    let run = sandbox
        .run(&["link", "--no-browser", "--timeout", "1", "--port", "0"])
        .expect(7);
    assert!(
        !run.stderr.contains("localhost%3A1717"),
        "--port 0 picks a free port"
    );
    // Held by this test, so no other process takes it in between: the link
    // names the port it tried.
    let holder = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = holder.local_addr().unwrap().port();
    sandbox.set_env("SFCONNECT_PORT", &port.to_string());
    sandbox
        .run(&["link", "--no-browser", "--timeout", "1"])
        .expect_error(7, &[&format!("port {port} is in use")]);
    drop(holder);
    let help = sandbox.run(&["link", "--help"]).expect(0);
    assert!(help.stdout.contains("else 1717"), "{}", help.stdout);
}

#[test]
fn consent_denied_exits_7_and_stores_nothing() {
    let sandbox = Sandbox::new();
    sandbox.fake.knobs().deny_consent = true;
    let run = sandbox
        .link(&[])
        .expect_error(7, &["access_denied", "end-user denied authorization"]);
    assert!(run.stdout.is_empty());
    assert!(!sandbox.config_dir().join("index.json").exists());
    assert_eq!(sandbox.fake.token_requests("authorization_code"), 0);
    let events = sandbox.browser_events();
    let page = events.iter().find(|e| e["event"] == "callback").unwrap();
    assert!(page["body"].as_str().unwrap().contains("access_denied"));
}

#[test]
fn app_blocked_error_is_shown_escaped() {
    let sandbox = Sandbox::new();
    sandbox.fake.knobs().authorize_error = Some((
        "OAUTH_APP_BLOCKED".into(),
        "this app is <b>blocked</b> by admin".into(),
    ));
    sandbox.link(&[]).expect_error(7, &["OAUTH_APP_BLOCKED"]);
    let events = sandbox.browser_events();
    let body = events.iter().find(|e| e["event"] == "callback").unwrap()["body"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(body.contains("&lt;b&gt;blocked&lt;/b&gt;"), "{body}");
    assert!(!body.contains("<b>blocked"), "{body}");
}

#[test]
fn stray_requests_are_ignored_and_the_real_callback_wins() {
    let mut sandbox = Sandbox::new();
    sandbox.set_env("TEST_BROWSER_PREFLIGHT", "wrong_state,favicon,other_path");
    sandbox.link(&[]).expect(0);
    let events = sandbox.browser_events();
    let status = |event: &str, action: Option<&str>| {
        events
            .iter()
            .find(|e| e["event"] == event && action.is_none_or(|a| e["action"] == a))
            .unwrap_or_else(|| panic!("no {event} {action:?} event in {events:?}"))["status"]
            .as_i64()
            .unwrap()
    };
    assert_eq!(status("preflight", Some("wrong_state")), 400);
    assert_eq!(status("preflight", Some("favicon")), 404);
    assert_eq!(status("preflight", Some("other_path")), 404);
    assert_eq!(status("callback", None), 200);
    assert_eq!(sandbox.connections().len(), 1);
}

#[test]
fn a_login_nobody_completes_times_out_with_7() {
    let mut sandbox = Sandbox::new();
    sandbox.set_env("SFCONNECT_BROWSER", "true");
    sandbox
        .link(&["--timeout", "1"])
        .expect_error(7, &["no login was completed within 1 second;", "--timeout"]);
    assert!(!sandbox.config_dir().join("index.json").exists());
}

#[test]
fn bad_login_urls_exit_2() {
    let sandbox = Sandbox::new();
    for (args, needle) in [
        (
            vec!["--login-url", "http://acme.my.salesforce.com"],
            "plain http",
        ),
        (vec!["--login-url", "http://10.1.2.3:8080"], "plain http"),
        (vec!["--login-url", "not a url"], "malformed login URL"),
        (
            vec!["--login-url", "ftp://login.salesforce.com"],
            "not an https URL",
        ),
        (
            vec!["--sandbox", "--login-url", "https://acme.my.salesforce.com"],
            "cannot be used with",
        ),
    ] {
        let mut full = vec!["link", "--no-browser", "--port", "0"];
        full.extend(args);
        let run = sandbox.run(&full).expect(2);
        assert!(run.stderr.contains(needle), "{needle}: {}", run.stderr);
        assert_eq!(
            run.stderr.lines().filter(|l| l.contains("error")).count(),
            1,
            "{}",
            run.stderr
        );
    }
    assert_eq!(sandbox.fake.requests().len(), 0);
}

#[test]
fn token_endpoint_errors_are_explained() {
    // The app requires a secret and none is given.
    let sandbox = Sandbox::new();
    sandbox.fake.knobs().clients[0].secret = Some("s3cr3t-canary".into());
    sandbox
        .link(&[])
        .expect_error(2, &["invalid_client", "SFCONNECT_CLIENT_SECRET"]);
    assert!(!sandbox.config_dir().join("index.json").exists());

    // Salesforce is down at the token endpoint.
    let sandbox = Sandbox::new();
    sandbox.fake.knobs().fail_paths = vec![("/services/oauth2/token".into(), 503)];
    sandbox.link(&[]).expect_error(5, &["HTTP 503"]);

    // The code is refused.
    let sandbox = Sandbox::new();
    sandbox.fake.knobs().token_error = Some((
        400,
        "invalid_grant".into(),
        "expired authorization code".into(),
    ));
    sandbox
        .link(&[])
        .expect_error(7, &["expired authorization code"]);
}

#[test]
fn client_secret_comes_from_the_environment_only() {
    let mut sandbox = Sandbox::new();
    sandbox.fake.knobs().clients[0].secret = Some("s3cr3t-canary".into());
    sandbox.set_env("SFCONNECT_CLIENT_SECRET", "s3cr3t-canary");
    let run = sandbox.link(&[]).expect(0);
    let token = sandbox
        .fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/services/oauth2/token")
        .unwrap();
    assert_eq!(params(&token.form)["client_secret"], "s3cr3t-canary");
    for text in [&run.stdout, &run.stderr] {
        assert!(!text.contains("s3cr3t-canary"));
    }
    let log = std::fs::read_to_string(sandbox.browser_log()).unwrap();
    assert!(
        !log.contains("s3cr3t-canary"),
        "the browser's argv must not hold the secret"
    );
    let index = std::fs::read_to_string(sandbox.config_dir().join("index.json")).unwrap();
    assert!(!index.contains("s3cr3t-canary"));
    let help = sandbox.run(&["link", "--help"]).expect(0);
    assert!(
        !help.stdout.contains("client-secret"),
        "no flag for the secret"
    );
}

#[test]
fn no_refresh_token_means_nothing_is_stored() {
    let sandbox = Sandbox::new();
    sandbox.fake.knobs().omit_refresh_token = true;
    sandbox
        .link(&[])
        .expect_error(7, &["no refresh token", "refresh_token"]);
    assert!(!sandbox.config_dir().join("index.json").exists());
}

#[test]
fn exact_redirect_uri_matching_is_respected() {
    let sandbox = Sandbox::new();
    {
        let mut knobs = sandbox.fake.knobs();
        knobs.clients[0] = FakeClient {
            client_id: FAKE_CLIENT_ID.into(),
            secret: None,
            redirect_uris: vec!["http://localhost:1/OauthRedirect".into()],
            any_loopback_port: false,
        };
    }
    // Salesforce shows an error page and never redirects: the login waits.
    sandbox
        .link(&["--timeout", "2"])
        .expect_error(7, &["no login was completed"]);
    let events = sandbox.browser_events();
    let authorize = events.iter().find(|e| e["event"] == "authorize").unwrap();
    assert!(
        authorize["body"]
            .as_str()
            .unwrap()
            .contains("redirect_uri_mismatch")
    );
}

#[test]
fn alias_rules() {
    let sandbox = Sandbox::new();
    sandbox
        .link(&["--alias", "bad alias"])
        .expect_error(2, &["invalid alias"]);
    assert_eq!(
        sandbox.fake.requests().len(),
        0,
        "refused before the browser"
    );
    sandbox.link(&["--alias", "prod"]).expect(0);
    // Another user logging in under a taken alias is refused, and the fresh
    // token is revoked so it does not hold one of that user's approvals.
    sandbox
        .fake
        .add_user(crate::support::users::bob_in_another_org());
    sandbox.fake.set_current_user("bob@example.com.uat");
    sandbox
        .link(&["--alias", "prod"])
        .expect_error(2, &["already in use", "--force", "revoked at Salesforce"]);
    let bob = crate::support::users::bob_in_another_org();
    assert!(
        sandbox
            .fake
            .live_refresh_tokens(&bob.user_id, FAKE_CLIENT_ID)
            .is_empty()
    );
    let connections = sandbox.connections();
    assert_eq!(connections.len(), 1);
    assert_eq!(connections[0]["username"], DEFAULT_USERNAME);
}

#[test]
fn force_replaces_the_alias_holder_and_revokes_its_token() {
    let sandbox = Sandbox::linked("prod");
    let old_id = sandbox.connections()[0]["id"].as_str().unwrap().to_string();
    let old_refresh = sandbox.refresh_token("prod");
    let run = sandbox.link(&["--alias", "prod", "--force"]).expect(0);
    run.says(&["replaced prod"]);
    let connections = sandbox.connections();
    assert_eq!(connections.len(), 1);
    assert_ne!(connections[0]["id"], old_id.as_str());
    assert!(!sandbox.fake.is_refresh_token_live(&old_refresh));
    assert!(
        sandbox.stored_tokens(&old_id).is_none(),
        "old secret deleted"
    );
}

#[test]
fn store_failure_after_the_exchange_revokes_the_fresh_token() {
    let mut sandbox = Sandbox::new();
    // The secret file turns unreadable while the user is in the browser.
    let secrets = sandbox.config_dir().join("secrets.json");
    sandbox.set_env(
        "TEST_BROWSER_BEFORE_CALLBACK",
        &format!("printf 'garbage' > '{}'", secrets.display()),
    );
    sandbox
        .link(&[])
        .expect_error(6, &["revoked at Salesforce"]);
    assert_eq!(sandbox.fake.count("POST", "/services/oauth2/revoke"), 1);
    let live = sandbox
        .fake
        .live_refresh_tokens(DEFAULT_USER_ID, FAKE_CLIENT_ID);
    assert!(live.is_empty(), "the fresh token must be revoked: {live:?}");
    assert!(!sandbox.config_dir().join("index.json").exists());
    assert_eq!(std::fs::read_to_string(&secrets).unwrap(), "garbage");
}

#[test]
fn identity_falls_back_to_the_id_url_and_a_failed_lookup_wastes_no_approval() {
    let sandbox = Sandbox::new();
    sandbox.fake.knobs().userinfo_broken = true;
    let run = sandbox.link(&[]).expect(0);
    assert!(
        run.stdout
            .starts_with(&format!("linked {DEFAULT_USERNAME}:")),
        "{}",
        run.stdout
    );
    let identity_calls = sandbox
        .fake
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path.starts_with("/id/"))
        .count();
    assert_eq!(identity_calls, 1, "the id URL answered instead of userinfo");
    assert_eq!(sandbox.connections()[0]["user_id"], DEFAULT_USER_ID);

    // Neither answers: the fresh refresh token is revoked, nothing stored.
    let sandbox = Sandbox::new();
    sandbox.fake.knobs().fail_paths = vec![
        ("/services/oauth2/userinfo".into(), 503),
        ("/id/".into(), 503),
    ];
    sandbox
        .link(&[])
        .expect_error(5, &["HTTP 503", "revoked at Salesforce"]);
    assert!(
        sandbox
            .fake
            .live_refresh_tokens(DEFAULT_USER_ID, FAKE_CLIENT_ID)
            .is_empty()
    );
    assert!(!sandbox.config_dir().join("index.json").exists());
}

#[test]
fn an_absurd_timeout_is_a_usage_error_not_a_crash() {
    let sandbox = Sandbox::new();
    for timeout in ["18446744073709551615", "86401", "0"] {
        sandbox
            .link(&["--timeout", timeout])
            .expect_error(2, &["--timeout"]);
    }
    assert_eq!(sandbox.fake.requests().len(), 0);
}

/// `--no-browser` opens none, so it never talks of "the browser" opening.
#[test]
fn no_browser_output_does_not_talk_of_a_browser_opening() {
    let sandbox = Sandbox::new();
    let url = sandbox.fake.url();
    let run = sandbox
        .run(&crate::support::link_args(
            &url,
            &["--no-browser", "--timeout", "1"],
        ))
        .expect_error(7, &["/services/oauth2/authorize?"]);
    for phrase in ["If the browser does not open", "in the browser"] {
        assert!(!run.stderr.contains(phrase), "{phrase}: {}", run.stderr);
    }
    // One second is "1 second".
    run.says(&["no login was completed within 1 second;"]);
    // Nor where no browser can open (an SSH session): none was opened.
    let mut cmd = sandbox.command(&crate::support::link_args(&url, &["--timeout", "1"]));
    cmd.env_remove("SFCONNECT_BROWSER")
        .env("SSH_CONNECTION", "10.0.0.5 51000 10.0.0.9 22");
    let run = crate::support::run_command(cmd, None).expect_error(7, &["does not open a browser"]);
    assert!(!run.stderr.contains("in the browser"), "{}", run.stderr);
}

/// The file store's caveat is for a secret that was stored: a link that
/// fails before storing anything does not print it.
#[test]
fn the_file_store_caveat_only_follows_a_stored_secret() {
    let sandbox = Sandbox::new();
    sandbox.fake.knobs().deny_consent = true;
    let run = sandbox.link(&[]).expect(7);
    assert!(
        !run.stderr
            .contains("protected only by the file's permissions"),
        "{}",
        run.stderr
    );
    sandbox.fake.knobs().deny_consent = false;
    let run = sandbox.link(&[]).expect(0);
    assert_eq!(
        run.stderr
            .matches("protected only by the file's permissions")
            .count(),
        1,
        "{}",
        run.stderr
    );
}

/// Re-linking under the same alias while Salesforce cannot revoke the old
/// token says so without "replaced prod with prod".
#[test]
fn replacing_under_the_same_alias_does_not_say_replaced_x_with_x() {
    let sandbox = Sandbox::linked("prod");
    sandbox.fake.knobs().fail_paths = vec![("/services/oauth2/revoke".into(), 503)];
    let run = sandbox.link(&["--alias", "prod"]).expect(0);
    assert!(
        !run.stderr.contains("replaced prod with prod"),
        "{}",
        run.stderr
    );
    run.says(&["replaced the earlier approval of prod, but could not revoke"]);
}

/// A client secret Salesforce refuses is not answered with "set
/// SFCONNECT_CLIENT_SECRET": it is set, and wrong.
#[test]
fn a_refused_client_secret_gets_a_hint_that_does_not_go_in_a_circle() {
    let mut sandbox = Sandbox::new();
    sandbox.fake.knobs().clients[0].secret = Some("right-secret".into());
    sandbox.set_env("SFCONNECT_CLIENT_SECRET", "wrong-secret");
    let run = sandbox.link(&[]).expect_error(2, &["invalid_client"]);
    let hint = run
        .stderr
        .lines()
        .find(|l| l.starts_with("hint:"))
        .unwrap_or_else(|| panic!("no hint: {}", run.stderr));
    assert!(hint.contains("SFCONNECT_CLIENT_SECRET"), "{hint}");
    assert!(!hint.contains("set SFCONNECT_CLIENT_SECRET"), "{hint}");
}
