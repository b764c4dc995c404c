//! `import`: each accepted shape, every bad input (exit 2, no request), a
//! refused token (exit 4, nothing stored), duplicates, rotation.

use super::{auth_url, granted_url, import, register_client};
use crate::support::Sandbox;
use crate::support::fake_salesforce::{DEFAULT_USERNAME, FAKE_CLIENT_ID};
use crate::support::leak_checks::assert_nothing_stored;
use crate::support::terminal::on_a_terminal;

/// Imports `input` in a fresh machine sharing `source`'s Salesforce, by
/// the way `how` names, and returns that machine.
fn imported_by(source: &Sandbox, how: &str, input: &str) -> Sandbox {
    let machine = Sandbox::sharing(source);
    let file = machine.root().join("auth-url.txt");
    std::fs::write(&file, input).unwrap();
    let file = file.to_str().unwrap();
    let run = match how {
        "stdin" => import(&machine, &["--alias", "x"], input),
        "file" => machine.run(&["import", "--alias", "x", "--file", file]),
        "env" => machine.run_env(
            &["import", "--alias", "x", "--from-env", "SFDX_AUTH_URL"],
            &[("SFDX_AUTH_URL", input)],
        ),
        other => panic!("{other}"),
    };
    run.expect(0);
    assert_eq!(machine.connection("x")["kind"], "imported");
    machine
}

#[test]
fn each_accepted_shape_imports() {
    let source = Sandbox::new();
    let shapes = |url: &str| {
        [
            ("stdin", format!("{url}\n")),
            ("file", url.to_string()),
            // `sf org display --verbose --json` (with SF_TEMP_SHOW_SECRETS).
            (
                "file",
                format!(
                    r#"{{"status":0,"result":{{"id":"00D000000000001EAA","accessToken":"00D!x","instanceUrl":"https://acme.my.salesforce.com","username":"{DEFAULT_USERNAME}","sfdxAuthUrl":"{url}","alias":"prod"}},"warnings":[]}}"#
                ),
            ),
            // `sf org auth show-sfdx-auth-url --json`.
            (
                "stdin",
                format!(
                    "{{\n  \"status\": 0,\n  \"result\": {{\n    \"sfdxAuthUrl\": \"{url}\",\n    \"username\": \"{DEFAULT_USERNAME}\"\n  }}\n}}\n"
                ),
            ),
            ("file", format!(r#"{{"sfdxAuthUrl":"{url}"}}"#)),
            ("env", url.to_string()),
        ]
    };
    for (how, input) in shapes("URL") {
        let (token, url) = granted_url(&source);
        let machine = imported_by(&source, how, &input.replace("URL", &url));
        assert_eq!(machine.refresh_token("x"), token, "{how}: {input}");
        machine.run(&["token", "x", "--fresh"]).expect(0);
    }
}

#[test]
fn the_short_form_the_legacy_client_id_and_a_consumer_secret_are_kept() {
    let source = Sandbox::new();
    // The short form means the sf CLI's app.
    register_client(&source, "PlatformCLI", None);
    let token =
        source
            .fake
            .grant_refresh_token(DEFAULT_USERNAME, "PlatformCLI", "api refresh_token");
    let host = source.fake.url().trim_start_matches("http://").to_string();
    let machine = imported_by(&source, "stdin", &format!("force://{token}@{host}"));
    assert_eq!(machine.connection("x")["client_id"], "PlatformCLI");

    register_client(&source, "SalesforceDevelopmentExperience", None);
    let token = source.fake.grant_refresh_token(
        DEFAULT_USERNAME,
        "SalesforceDevelopmentExperience",
        "api refresh_token",
    );
    let url = auth_url(&source, "SalesforceDevelopmentExperience", "", &token);
    let machine = imported_by(&source, "stdin", &url);
    assert_eq!(
        machine.connection("x")["client_id"],
        "SalesforceDevelopmentExperience"
    );

    // An app that requires its secret: kept with the connection, sent at
    // each refresh (the fake refuses a refresh without it).
    let secret = "S3cretOfTheApp";
    register_client(&source, "3MVG9appWithSecret", Some(secret));
    let token = source.fake.grant_refresh_token(
        DEFAULT_USERNAME,
        "3MVG9appWithSecret",
        "api refresh_token",
    );
    let url = auth_url(&source, "3MVG9appWithSecret", secret, &token);
    let machine = imported_by(&source, "file", &url);
    assert_eq!(machine.tokens_of("x")["client_secret"], secret);
    machine.run(&["token", "x", "--fresh"]).expect(0);
    let refreshes: Vec<_> = source
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.form_param("grant_type") == Some("refresh_token"))
        .filter(|r| r.form_param("client_id") == Some("3MVG9appWithSecret"))
        .collect();
    assert_eq!(refreshes.len(), 2);
    assert!(
        refreshes
            .iter()
            .all(|r| r.form_param("client_secret") == Some(secret))
    );
    // Exported again, the secret is in the URL.
    let out = super::export(&machine, "x").expect(0);
    assert_eq!(out.stdout, format!("{url}\n"));
}

#[test]
fn bad_input_is_refused_before_any_request() {
    let sandbox = Sandbox::new();
    let (token, url) = granted_url(&sandbox);
    let host = sandbox.fake.url().trim_start_matches("http://").to_string();
    let cases = [
        (String::new(), "empty"),
        (
            format!("https://{FAKE_CLIENT_ID}::{token}@{host}"),
            "force://",
        ),
        (format!("force://{FAKE_CLIENT_ID}::{token}"), "no @HOST"),
        (
            format!("force://{FAKE_CLIENT_ID}:{token}@{host}"),
            "2 colon",
        ),
        (
            format!("force://{FAKE_CLIENT_ID}::@{host}"),
            "refresh token",
        ),
        (format!("force://:x:{token}@{host}"), "client id"),
        (
            format!("force://{FAKE_CLIENT_ID}::{token} @{host}"),
            "whitespace",
        ),
        (
            format!("force://{FAKE_CLIENT_ID}::{token}\n@{host}"),
            "whitespace",
        ),
        (
            r#"{"result":{"username":"u"}}"#.to_string(),
            "no sfdxAuthUrl",
        ),
        ("{\"sfdxAuthUrl\": ".to_string(), "cannot be read"),
        (
            format!("force://{FAKE_CLIENT_ID}::{token}@https://{host}"),
            "not a hostname",
        ),
        (
            format!("force://{FAKE_CLIENT_ID}::{token}@{host}/services"),
            "not a hostname",
        ),
        (
            format!("force://{FAKE_CLIENT_ID}::{token}@evil..example.com"),
            "not a hostname",
        ),
        (
            format!("force://{FAKE_CLIENT_ID}::{token}@[::1]:8080"),
            "not a hostname",
        ),
    ];
    for (input, says) in &cases {
        let run = import(&sandbox, &["--alias", "x"], input).expect_error(2, &[says]);
        assert!(!run.stderr.contains(&token), "{run:#?}");
    }
    // The other sources, and a bad alias.
    sandbox
        .run(&["import", "--from-env", "NOT_SET_ANYWHERE"])
        .expect_error(2, &["not set"]);
    sandbox
        .run(&["import", "--file", "/nonexistent/auth-url.txt"])
        .expect_error(2, &["cannot read --file"]);
    // A value given as the name is not echoed back: it may be the URL.
    let misused = sandbox
        .run(&[
            "import",
            "--from-env",
            "force://PlatformCLI::5Aep861given@x.my.salesforce.com",
        ])
        .expect_error(2, &["is not a variable name", "never its value"]);
    assert!(!misused.stderr.contains("5Aep861given"), "{misused:#?}");
    import(&sandbox, &["--alias", "-bad"], &url).expect(2);
    // clap refuses a URL given as an argument: there is no such argument.
    sandbox.run(&["import", &url]).expect(2);
    assert_eq!(sandbox.fake.requests(), vec![], "a request was sent");
    assert_nothing_stored(&sandbox);
    assert!(sandbox.fake.is_refresh_token_live(&token));
}

#[test]
fn a_terminal_on_stdin_is_refused_rather_than_waited_on() {
    let sandbox = Sandbox::new();
    let Some(run) = on_a_terminal(&sandbox, &["import"]) else {
        return;
    };
    assert_eq!(run.code, 2, "{run:#?}");
    assert!(
        run.stdout.contains("not from a terminal"),
        "script's output: {run:#?}"
    );
    assert_eq!(sandbox.fake.requests(), vec![]);
}

#[test]
fn a_token_salesforce_refuses_is_exit_4_and_nothing_is_stored() {
    let sandbox = Sandbox::new();
    let (token, url) = granted_url(&sandbox);
    assert!(sandbox.fake.revoke_refresh_token(&token));
    let run = import(&sandbox, &["--alias", "x"], &url).expect_error(
        4,
        &["Salesforce refused the SFDX auth URL", "nothing was stored"],
    );
    assert!(!run.stderr.contains(&token), "{run:#?}");
    assert_eq!(sandbox.fake.token_requests("refresh_token"), 1);
    assert_nothing_stored(&sandbox);
    let secrets =
        std::fs::read_to_string(sandbox.config_dir().join("secrets.json")).unwrap_or_default();
    assert!(!secrets.contains(&token), "{secrets}");
}

#[test]
fn the_same_token_again_is_refused_without_a_request_then_forced() {
    let sandbox = Sandbox::linked("prod");
    let url = super::export(&sandbox, "prod").expect(0).stdout;
    let token = sandbox.refresh_token("prod");
    let requests = sandbox.fake.requests().len();
    import(&sandbox, &["--alias", "copy"], &url)
        .expect_error(2, &["already the connection prod", "--force"]);
    assert_eq!(sandbox.fake.requests().len(), requests);
    // --force: the record is replaced, nothing is revoked.
    let run = import(&sandbox, &["--force"], &url).expect(0);
    run.says(&["replaced prod", "without revoking"]);
    assert_eq!(sandbox.fake.count("POST", "/services/oauth2/revoke"), 0);
    assert!(sandbox.fake.is_refresh_token_live(&token));
    let connections = sandbox.connections();
    assert_eq!(connections.len(), 1, "{connections:?}");
    assert_eq!(connections[0]["alias"], "prod");
    assert_eq!(connections[0]["kind"], "imported");
    assert_eq!(sandbox.refresh_token("prod"), token);
    sandbox.run(&["token", "prod", "--fresh"]).expect(0);
}

#[test]
fn the_same_user_org_and_app_linked_here_is_refused_then_replaced_without_revoking() {
    let laptop = Sandbox::linked("prod");
    let url = super::export(&laptop, "prod").expect(0).stdout;
    // Another machine with its own approval of the same user and app.
    let other = Sandbox::sharing(&laptop);
    other.link(&["--alias", "mine"]).expect(0);
    let own = other.refresh_token("mine");
    other
        .run_with_stdin(&["import", "--alias", "ci"], &url)
        .expect_error(2, &["already linked here as mine", "--force"]);
    assert_eq!(other.connections().len(), 1);
    assert_eq!(other.refresh_token("mine"), own);
    let run = other.run_with_stdin(&["import", "--force"], &url).expect(0);
    run.says(&["replaced mine", "without revoking"]);
    // No alias given: the replaced record's is kept.
    assert_eq!(other.connection("mine")["kind"], "imported");
    assert_eq!(other.connections().len(), 1);
    assert!(other.fake.is_refresh_token_live(&own), "import revoked");
    assert_eq!(other.fake.count("POST", "/services/oauth2/revoke"), 0);
    // An alias held by another user's connection is refused too.
    let third = Sandbox::sharing(&laptop);
    third.fake.add_user(crate::support::users::bob());
    third.fake.set_current_user("bob@example.com");
    third.link(&["--alias", "taken"]).expect(0);
    third
        .run_with_stdin(&["import", "--alias", "taken"], &url)
        .expect_error(2, &["alias taken is already in use"]);
}

#[test]
fn rotation_is_announced_and_the_new_token_is_kept() {
    let source = Sandbox::new();
    source.fake.knobs().rotate_refresh_tokens = true;
    let (token, url) = granted_url(&source);
    let machine = Sandbox::sharing(&source);
    let run = import(&machine, &["--alias", "x"], &url).expect(0);
    run.says(&[
        "makes every other copy of the URL dead",
        "Salesforce rotated the refresh token: every other copy of this URL is now dead",
    ]);
    let kept = machine.refresh_token("x");
    assert_ne!(kept, token);
    assert!(machine.fake.is_refresh_token_live(&kept));
    assert!(!machine.fake.is_refresh_token_live(&token));
    assert!(machine.connection("x")["last_rotated_at"].is_string());
    machine.run(&["token", "x", "--fresh"]).expect(0);
    assert!(!machine.fake.rotated_token_reused());
    // Exported now, the sf CLI's weakness is named.
    super::export(&machine, "x")
        .expect(0)
        .says(&["does not keep rotated tokens"]);
}

#[test]
fn without_rotation_nothing_is_said_about_it_having_happened() {
    let source = Sandbox::new();
    let (_, url) = granted_url(&source);
    let run = import(&source, &["--alias", "x"], &url).expect(0);
    assert!(!run.stderr.contains("Salesforce rotated"), "{run:#?}");
    assert!(source.connection("x").get("last_rotated_at").is_none());
}

#[cfg(unix)]
#[test]
fn a_file_others_can_read_is_named_with_the_fix() {
    use std::os::unix::fs::PermissionsExt;
    for (mode, alias, warned) in [(0o644, "a", true), (0o600, "b", false)] {
        let sandbox = Sandbox::new();
        let file = sandbox.root().join("auth-url.txt");
        let (_, url) = granted_url(&sandbox);
        std::fs::write(&file, &url).unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).unwrap();
        let run = sandbox
            .run(&["import", "--alias", alias, "--file", file.to_str().unwrap()])
            .expect(0);
        assert_eq!(run.stderr.contains("chmod 600"), warned, "{run:#?}");
    }
}

#[test]
fn without_an_alias_the_username_names_it() {
    let sandbox = Sandbox::new();
    let (_, url) = granted_url(&sandbox);
    import(&sandbox, &[], &url).expect(0);
    assert_eq!(sandbox.connection(DEFAULT_USERNAME)["kind"], "imported");
}

#[test]
fn an_answer_naming_a_foreign_instance_is_refused_and_nothing_stored() {
    let sandbox = Sandbox::new();
    let (token, url) = granted_url(&sandbox);
    sandbox.fake.knobs().instance_url = Some("https://evil.example.com".into());
    import(&sandbox, &["--alias", "x"], &url).expect_error(5, &["evil.example.com"]);
    assert_nothing_stored(&sandbox);
    // No token followed the foreign URL: only the refresh was sent.
    assert_eq!(sandbox.fake.requests().len(), 1);
    // With rotation, the error says what became of the URL.
    sandbox.fake.knobs().rotate_refresh_tokens = true;
    import(&sandbox, &["--alias", "x"], &url)
        .expect_error(5, &["the URL is now dead", "rotated to was revoked"]);
    assert!(!sandbox.fake.is_refresh_token_live(&token));
    // The token it rotated to, kept nowhere, is not left live either.
    assert_eq!(
        sandbox.fake.live_refresh_tokens(
            crate::support::fake_salesforce::DEFAULT_USER_ID,
            FAKE_CLIENT_ID
        ),
        Vec::<String>::new()
    );
    assert_nothing_stored(&sandbox);
}
