//! `sfconnect exec`: the environment, stdio and the exit code.

use crate::support::Sandbox;

#[test]
fn the_command_gets_the_connection_in_its_environment() {
    let sandbox = Sandbox::linked("prod");
    let token = sandbox.access_token("prod");
    let script =
        r#"printf '%s|%s|%s|%s' "$SF_ACCESS_TOKEN" "$SF_INSTANCE_URL" "$SF_USERNAME" "$SF_ORG_ID""#;
    let run = sandbox
        .run(&["exec", "prod", "--", "sh", "-c", script])
        .expect(0);
    assert_eq!(
        run.stdout,
        format!(
            "{token}|{}|ada@example.com|{}",
            sandbox.fake.url(),
            crate::support::fake_salesforce::DEFAULT_ORG_ID
        )
    );
    // Not in the child's argv.
    #[cfg(target_os = "linux")]
    {
        let run = sandbox
            .run(&[
                "exec",
                "prod",
                "--",
                "sh",
                "-c",
                "tr '\\0' ' ' < /proc/$$/cmdline",
            ])
            .expect(0);
        assert!(run.stdout.contains("sh -c"), "{}", run.stdout);
        assert!(!run.stdout.contains(&token));
    }
}

/// What the sf CLI needs to run against the connection with no login of
/// its own (docs/recipes.md): the instance URL as its `org-instance-url`,
/// and the access token as the target org.
#[test]
fn the_command_gets_what_the_sf_cli_needs() {
    let sandbox = Sandbox::linked("prod");
    let script = r#"printf '%s\n%s\n' "$SF_ORG_INSTANCE_URL" "$SF_TARGET_ORG""#;
    let run = sandbox
        .run(&["exec", "prod", "--", "sh", "-c", script])
        .expect(0);
    let token = sandbox.access_token("prod");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "two lines expected, got {}", lines.len());
    assert_eq!(lines[0], sandbox.fake.url(), "SF_ORG_INSTANCE_URL");
    // Compared, never printed: a failure message must not show the token.
    assert!(
        lines[1] == token,
        "SF_TARGET_ORG is not the access token ({} characters, expected {})",
        lines[1].len(),
        token.len()
    );
}

#[test]
fn stdio_passes_through_and_the_exit_code_is_the_commands() {
    let sandbox = Sandbox::linked("prod");
    let run = sandbox
        .run_with_stdin(
            &[
                "exec",
                "prod",
                "--",
                "sh",
                "-c",
                "cat; echo oops >&2; exit 42",
            ],
            "piped input\n",
        )
        .expect(42);
    assert_eq!(run.stdout, "piped input\n");
    run.says(&["oops"]);
    assert!(
        !run.stderr.contains("sfconnect"),
        "the command's own exit is not an error of ours: {}",
        run.stderr
    );
    sandbox
        .run(&["exec", "prod", "--", "sh", "-c", "kill -TERM $$"])
        .expect(128 + 15);
    sandbox.run(&["exec", "prod", "--", "true"]).expect(0);
    sandbox
        .run(&["exec", "prod", "--", "/nonexistent/command"])
        .expect_error(127, &["/nonexistent/command"]);
    sandbox.run(&["exec", "prod"]).expect_error(2, &["CMD"]);
}

#[test]
fn no_token_no_command() {
    let sandbox = Sandbox::linked("prod");
    let refresh = sandbox.refresh_token("prod");
    sandbox.fake.revoke_refresh_token(&refresh);
    let marker = sandbox.config_dir().join("ran");
    let script = format!("touch '{}'", marker.display());
    sandbox
        .run(&["exec", "prod", "--fresh", "--", "sh", "-c", &script])
        .expect(4);
    assert!(!marker.exists(), "the command must not run without a token");
}
