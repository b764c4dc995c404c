//! Client-credentials connections (`link --client-credentials`,
//! docs/salesforce-oauth.md §11) end to end against the fake: link as the app's
//! Run As user, list, token (cached and fresh), exec, api (a 401 mints
//! anew), check, approvals, revoke; the generic hosts refused before any
//! request; where the secret may come from (never a flag); every refusal
//! while linking (exit 2) and for a stored connection (exit 4).

use crate::support::fake_salesforce::DEFAULT_ORG_ID;
use crate::support::headless::{
    CC_CLIENT_ID, CC_SECRET, RUN_AS, age_cache, cached_token, cc_link, entry_of, linked,
    register_cc_app, revoke_at_fake, token_seen_by_exec, walk,
};
use crate::support::{Run, Sandbox};
use sfconnect::secrets::credential::Credential;
use sfconnect::secrets::secret::Secret;

fn ready() -> Sandbox {
    let sandbox = Sandbox::new();
    register_cc_app(&sandbox.fake);
    sandbox
}

fn link(sandbox: &Sandbox, extra: &[&str]) -> Run {
    let url = sandbox.fake.url();
    sandbox.run_env(
        &cc_link(&url, extra),
        &[("SFCONNECT_CLIENT_SECRET", CC_SECRET)],
    )
}

fn grants(sandbox: &Sandbox) -> usize {
    sandbox.fake.token_requests("client_credentials")
}

#[test]
fn a_client_credentials_connection_links_and_serves_every_command() {
    let sandbox = ready();
    let run = link(&sandbox, &["--alias", "cc"]).expect(0);
    assert_eq!(
        run.stdout,
        format!(
            "linked cc: {RUN_AS} ({DEFAULT_ORG_ID}) at {}, client-credentials\n",
            sandbox.fake.url()
        ),
        "the connection is the Run As user"
    );
    assert!(
        run.stderr.contains("acts as the app's Run As user"),
        "{}",
        run.stderr
    );
    let request = sandbox
        .fake
        .requests()
        .into_iter()
        .find(|r| r.form_param("grant_type") == Some("client_credentials"))
        .unwrap();
    assert_eq!(request.form_param("client_id"), Some(CC_CLIENT_ID));
    assert_eq!(request.form_param("client_secret"), Some(CC_SECRET));
    let record = sandbox.connection("cc");
    assert_eq!(record["kind"], "client-credentials");
    assert_eq!(record["username"], RUN_AS);
    assert!(record.get("audience").is_none(), "{record}");
    assert!(!record.to_string().contains(CC_SECRET));
    assert_eq!(
        entry_of(&sandbox, "cc").credential,
        Credential::ClientSecret(Secret::new(CC_SECRET))
    );
    let first = cached_token(&sandbox, "cc");

    let list = sandbox.run(&["tokens", "list"]).expect(0);
    let row = list.stdout.lines().nth(1).unwrap();
    assert!(row.contains(" client-credentials "), "{row}");
    let json = sandbox.run(&["tokens", "list", "--json"]).expect(0).json();
    assert_eq!(json["connections"][0]["kind"], "client-credentials");

    // token: cached without the secret, fresh with it.
    let run = sandbox.run(&["token", "cc"]).expect(0);
    assert_eq!(run.stdout.trim(), first);
    let run = sandbox.run(&["token", "cc", "--fresh"]).expect(0);
    let second = run.stdout.trim().to_string();
    assert_ne!(second, first);
    assert_eq!(grants(&sandbox), 2);

    assert_eq!(token_seen_by_exec(&sandbox, "cc"), second);

    revoke_at_fake(&sandbox.fake, &second);
    sandbox
        .run(&["api", "cc", "/services/data/v62.0/limits"])
        .expect(0);
    assert_eq!(grants(&sandbox), 3, "the 401 minted once");

    sandbox.run(&["tokens", "check", "cc"]).expect(0);
    let run = sandbox.run(&["tokens", "approvals", "cc"]).expect(0);
    assert!(
        run.stdout.contains("uses none of the five approvals"),
        "{}",
        run.stdout
    );

    let cached = cached_token(&sandbox, "cc");
    let run = sandbox.run(&["revoke", "cc", "--json"]).expect(0);
    assert_eq!(run.json()["results"][0]["outcome"], "revoked");
    assert!(
        run.stderr
            .contains("the app's consumer secret is still valid: to disable it, rotate it"),
        "{}",
        run.stderr
    );
    assert!(sandbox.fake.revoked_tokens().contains(&cached));
    assert_eq!(linked(&sandbox), 0);
}

#[test]
fn generic_login_hosts_are_refused_before_any_request() {
    let sandbox = ready();
    for (hosts, form) in [
        (vec![], "--domain NAME"),
        (
            vec!["--login-url", "https://login.salesforce.com"],
            "--domain NAME",
        ),
        (vec!["--sandbox"], "--sandbox --domain NAME--SANDBOX"),
        (
            vec!["--login-url", "test.salesforce.com"],
            "--sandbox --domain NAME--SANDBOX",
        ),
    ] {
        let mut args = vec![
            "link",
            "--client-credentials",
            "--client-id",
            CC_CLIENT_ID,
            "--secret-stdin",
        ];
        args.extend(hosts);
        let run = sandbox
            .run_with_stdin(&args, CC_SECRET)
            .expect_error(2, &["works only on your org's My Domain"]);
        assert!(
            run.stderr.contains(&format!(
                "sfconnect link --client-credentials --client-id {CC_CLIENT_ID} {form}"
            )),
            "{}",
            run.stderr
        );
    }
    assert!(sandbox.fake.requests().is_empty(), "no request was made");
}

#[test]
fn the_secret_comes_from_the_environment_stdin_or_a_named_variable_never_a_flag() {
    let sandbox = ready();
    let url = sandbox.fake.url();
    let run = sandbox.run(&cc_link(&url, &[])).expect(2);
    assert!(
        run.stderr
            .contains("--client-credentials needs the app's consumer secret"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("never taken from a flag's value"),
        "{}",
        run.stderr
    );
    sandbox
        .run(&cc_link(&url, &["--client-secret", CC_SECRET]))
        .expect(2);
    assert_eq!(grants(&sandbox), 0);

    // stdin: stored (a trailing newline is not part of it).
    sandbox
        .run_with_stdin(
            &cc_link(&url, &["--secret-stdin", "--alias", "piped"]),
            &format!("{CC_SECRET}\n"),
        )
        .expect(0);
    assert_eq!(
        entry_of(&sandbox, "piped").credential,
        Credential::ClientSecret(Secret::new(CC_SECRET))
    );
    sandbox.run(&["revoke", "piped"]).expect(0);

    // A named variable: only its name is stored.
    let with_var = [("CI_SF_SECRET", CC_SECRET)];
    let linked_run = sandbox
        .run_env(
            &cc_link(&url, &["--secret-env", "CI_SF_SECRET", "--alias", "ci"]),
            &with_var,
        )
        .expect(0);
    let entry = entry_of(&sandbox, "ci");
    assert_eq!(
        entry.credential,
        Credential::ClientSecretEnv("CI_SF_SECRET".into())
    );
    assert!(entry.access_token.is_some());
    age_cache(&sandbox, "ci");
    let run = sandbox.run(&["token", "ci"]).expect(2);
    assert!(
        run.stderr
            .contains("CI_SF_SECRET is not set: ci reads the consumer secret from it"),
        "{}",
        run.stderr
    );
    let fresh = sandbox.run_env(&["token", "ci"], &with_var).expect(0);

    // exec: neither the named variable nor SFCONNECT_CLIENT_SECRET reaches
    // the child.
    let script = r#"printf '%s|%s' "${CI_SF_SECRET:-unset}" "${SFCONNECT_CLIENT_SECRET:-unset}"; tr '\0' ' ' < /proc/$$/cmdline >&2"#;
    let exec = sandbox
        .run_env(
            &["exec", "ci", "--fresh", "--", "sh", "-c", script],
            &[
                ("CI_SF_SECRET", CC_SECRET),
                ("SFCONNECT_CLIENT_SECRET", CC_SECRET),
            ],
        )
        .expect(0);
    assert_eq!(exec.stdout, "unset|unset");

    // The secret is in no file, output or argv.
    let mut seen = vec![
        linked_run.stdout,
        linked_run.stderr,
        fresh.stderr,
        exec.stderr,
    ];
    for file in walk(&sandbox.config_dir()) {
        seen.push(String::from_utf8_lossy(&std::fs::read(file).unwrap()).into_owned());
    }
    for text in &seen {
        assert!(!text.contains(CC_SECRET), "the secret leaked: {text}");
    }
}

#[test]
fn refusals_while_linking_exit_2_with_the_fix() {
    let sandbox = ready();
    let url = sandbox.fake.url();
    let check = |env_secret: &str, said: &str, fix: &str| {
        let run = sandbox
            .run_env(
                &cc_link(&url, &[]),
                &[("SFCONNECT_CLIENT_SECRET", env_secret)],
            )
            .expect(2);
        assert!(run.stderr.contains(said), "{said}: {}", run.stderr);
        assert!(run.stderr.contains(fix), "{fix}: {}", run.stderr);
        assert_eq!(linked(&sandbox), 0);
    };
    check(
        "not-the-secret",
        "(invalid_client: invalid client credentials): Salesforce refused the consumer secret",
        "pass the app's current consumer secret",
    );
    sandbox.fake.knobs().headless.client_credentials_apps[0].run_as = None;
    check(
        CC_SECRET,
        "(invalid_grant: no client credentials user enabled)",
        "\"Run As\"",
    );
    sandbox.fake.knobs().headless.client_credentials_apps[0].run_as = Some(RUN_AS.into());
    sandbox.fake.knobs().headless.client_credentials_apps[0].enabled = false;
    check(
        CC_SECRET,
        "(unsupported_grant_type: grant type not supported)",
        "\"Enable Client Credentials Flow\"",
    );
    sandbox.fake.knobs().headless.client_credentials_apps[0].enabled = true;
    sandbox.fake.knobs().headless.generic_host = true;
    check(
        CC_SECRET,
        "(invalid_request: request not supported on this domain)",
        "--domain NAME",
    );
    sandbox.fake.knobs().headless.generic_host = false;
    sandbox.fake.knobs().headless.client_credentials_apps[0].client_id = "3MVG9other".into();
    check(
        CC_SECRET,
        "(invalid_client_id: client identifier invalid)",
        "check --client-id",
    );
    assert_eq!(grants(&sandbox), 5);
}

#[test]
fn a_rotated_secret_or_a_removed_run_as_user_exits_4_for_a_stored_connection() {
    let sandbox = ready();
    link(&sandbox, &["--alias", "cc"]).expect(0);
    sandbox.fake.knobs().headless.client_credentials_apps[0].secret = "rotated".into();
    let run = sandbox.run(&["token", "cc", "--fresh"]).expect(4);
    assert!(
        run.stderr
            .contains("cc: Salesforce refused the client credentials grant"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!(
            "link again with the new one: sfconnect link --client-credentials --alias cc --client-id {CC_CLIENT_ID} --login-url {}",
            sandbox.fake.url()
        )),
        "{}",
        run.stderr
    );
    sandbox.run(&["tokens", "check"]).expect(4);
    sandbox.fake.knobs().headless.client_credentials_apps[0].secret = CC_SECRET.into();
    sandbox.fake.knobs().headless.client_credentials_apps[0].run_as = None;
    sandbox
        .run(&["token", "cc", "--fresh"])
        .expect_error(4, &["no client credentials user enabled"]);
}

/// The browser of a browser login with a confidential app is a child too:
/// it gets the authorize URL, not `SFCONNECT_CLIENT_SECRET`.
#[cfg(unix)]
#[test]
fn the_browser_does_not_inherit_the_client_secret() {
    use crate::support::fake_salesforce::FakeClient;
    use std::os::unix::fs::PermissionsExt;
    let mut sandbox = Sandbox::new();
    sandbox.fake.knobs().clients.push(FakeClient {
        client_id: "3MVG9confidential".into(),
        secret: Some(CC_SECRET.into()),
        redirect_uris: vec![],
        any_loopback_port: true,
    });
    let dir = sandbox.config_dir().parent().unwrap().to_path_buf();
    let browser = dir.join("browser.sh");
    let seen = dir.join("browser-env");
    let real = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cli/support/browser.py");
    std::fs::write(
        &browser,
        format!(
            "#!/bin/sh\nenv > '{}'\nexec python3 '{real}' \"$@\"\n",
            seen.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o700)).unwrap();
    sandbox.set_env("SFCONNECT_BROWSER", browser.to_str().unwrap());
    let url = sandbox.fake.url();
    let args = [
        "link",
        "--login-url",
        &url,
        "--client-id",
        "3MVG9confidential",
        "--port",
        "0",
        "--timeout",
        "20",
        "--alias",
        "web",
    ];
    sandbox
        .run_env(&args, &[("SFCONNECT_CLIENT_SECRET", CC_SECRET)])
        .expect(0);
    let env = std::fs::read_to_string(&seen).unwrap();
    assert!(env.contains("TEST_BROWSER_LOG="), "the browser ran: {env}");
    assert!(!env.contains("SFCONNECT_CLIENT_SECRET"), "{env}");
    assert!(!env.contains(CC_SECRET), "{env}");
}
