//! Output conventions every command keeps: -q silences information but not
//! warnings or errors, -v says what it does without a secret, colour only
//! when asked or on a terminal (never with NO_COLOR), and a closed stdout
//! pipe exits quietly.

use crate::support::Sandbox;
use crate::support::shell::{add_copies, bash, with_aliases};
use std::process::Command;

#[test]
fn quiet_silences_information_but_not_warnings_or_errors() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["tokens", "list"]).expect(0);
    run.says(&["No connections yet"]);
    for quiet in ["-q", "--quiet"] {
        let run = sandbox.run(&["tokens", "list", quiet]).expect(0);
        assert_eq!(run.stderr, "", "{quiet}");
        let run = sandbox.run(&[quiet, "revoke", "--all"]).expect(0);
        assert_eq!(run.stderr, "", "{quiet}, before the command");
    }
    sandbox
        .run(&["-q", "token", "nosuch"])
        .expect_error(3, &["sfconnect: error:", "hint:"]);

    sandbox.link(&["--alias", "prod"]).expect(0);
    let run = sandbox
        .run(&["revoke", "prod", "--local-only", "-q"])
        .expect(0);
    assert_eq!(run.stdout, "forgot prod locally\n");
    assert!(run.stderr.starts_with("warning: "), "{}", run.stderr);

    sandbox
        .run(&["tokens", "list", "-q", "-v"])
        .expect_error(2, &["cannot be used with"]);
}

#[test]
fn verbose_says_what_it_does_and_never_a_secret() {
    let sandbox = Sandbox::new();
    let linked = sandbox.link(&["--alias", "prod", "-v"]).expect(0);
    let mut stderr = linked.stderr.clone();
    let mut run = |args: &[&str], code: i32| {
        let run = sandbox.run(args).expect(code);
        stderr.push_str(&run.stderr);
        run
    };
    linked.says(&["debug: config dir "]);

    let token = run(&["token", "prod", "--fresh", "-v"], 0);
    let port = sandbox.fake.url().rsplit(':').next().unwrap().to_string();
    assert!(
        token.stderr.contains(&format!(
            "debug: POST http://127.0.0.1:{port}/services/oauth2/token -> HTTP 200"
        )),
        "{}",
        token.stderr
    );
    token.says(&["refresh lock taken after", "from the file store"]);

    let cached = run(&["token", "prod", "-v"], 0);
    cached.says(&["using the cached access token"]);
    assert!(
        !cached.stderr.contains("HTTP 200"),
        "no call for a cache hit"
    );

    let api = run(
        &[
            "api",
            "prod",
            "/services/data/v62.0/sobjects?q=SELECT+Id+FROM+Account",
            "-v",
        ],
        0,
    );
    api.says(&["/services/data/v62.0/sobjects -> HTTP 200"]);
    assert!(!api.stderr.contains("SELECT"), "no query: {}", api.stderr);

    run(&["tokens", "check", "-v"], 0);
    run(&["tokens", "approvals", "-v"], 0);
    run(&["exec", "prod", "-v", "--", "true"], 0);
    run(&["revoke", "prod", "-v"], 0);

    let quiet = sandbox.run(&["tokens", "list"]).expect(0);
    assert!(!quiet.stderr.contains("debug:"), "only with -v");

    let secrets = sandbox.fake.issued_secrets();
    assert!(secrets.len() >= 4, "codes, access and refresh tokens");
    for secret in secrets {
        assert!(
            !stderr.contains(&secret),
            "a secret on stderr with -v: {stderr}"
        );
    }
}

#[test]
fn colour_only_when_asked_or_on_a_terminal_and_never_with_no_color() {
    let mut sandbox = with_aliases(&["prod"]);
    sandbox.run(&["tokens", "check"]).expect(0);
    let red_error = "\x1b[1;31msfconnect: error:\x1b[0m";
    let green_ok = "\x1b[32mok\x1b[0m";

    // Into pipes (as here), auto means plain.
    let run = sandbox.run(&["tokens", "list"]).expect(0);
    assert!(!run.stdout.contains('\x1b'), "{:?}", run.stdout);
    let run = sandbox.run(&["token", "nosuch"]).expect(3);
    assert!(
        run.stderr.starts_with("sfconnect: error:"),
        "{:?}",
        run.stderr
    );

    let run = sandbox
        .run(&["tokens", "list", "--color", "always"])
        .expect(0);
    assert!(run.stdout.contains(green_ok), "{:?}", run.stdout);
    let run = sandbox
        .run(&["--color", "always", "token", "nosuch"])
        .expect(3);
    assert!(run.stderr.starts_with(red_error), "{:?}", run.stderr);
    let run = sandbox
        .run(&["tokens", "check", "--color", "always"])
        .expect(0);
    assert!(run.stdout.contains("\x1b[32mok"), "{:?}", run.stdout);

    // On a terminal (script(1) gives one), auto colours, unless NO_COLOR.
    if Command::new("script").arg("--version").output().is_ok() {
        let on_tty = |sandbox: &Sandbox| {
            bash(
                sandbox,
                "script -qec \"$SFCONNECT tokens list; $SFCONNECT token nosuch\" /dev/null",
            )
            .stdout
        };
        let tty = on_tty(&sandbox);
        assert!(tty.contains(green_ok), "{tty:?}");
        assert!(tty.contains(red_error), "{tty:?}");
        sandbox.set_env("NO_COLOR", "1");
        let tty = on_tty(&sandbox);
        assert!(tty.contains("ok") && !tty.contains('\x1b'), "{tty:?}");
        let run = sandbox
            .run(&["tokens", "list", "--color", "never"])
            .expect(0);
        assert!(!run.stdout.contains('\x1b'));
        // The command line wins over the environment (no-color.org).
        let run = sandbox
            .run(&["tokens", "list", "--color", "always"])
            .expect(0);
        assert!(run.stdout.contains(green_ok));
    }
}

#[test]
fn a_closed_stdout_pipe_exits_zero_quietly() {
    let sandbox = with_aliases(&["prod"]);
    let aliases: Vec<String> = (0..3000).map(|i| format!("conn-{i:04}")).collect();
    let aliases: Vec<&str> = aliases.iter().map(String::as_str).collect();
    add_copies(&sandbox, &aliases);
    // Far more than a pipe holds, so the writer really meets a closed pipe.
    let full = sandbox.run(&["tokens", "list"]).expect(0);
    assert!(full.stdout.len() > 256 * 1024, "{}", full.stdout.len());

    for args in ["tokens list", "tokens list --json"] {
        let run = bash(
            &sandbox,
            &format!("set -o pipefail; \"$SFCONNECT\" {args} | head -1"),
        );
        assert_eq!(run.code, 0, "{args}: {run:#?}");
        assert_eq!(run.stdout.lines().count(), 1, "{args}");
        assert_eq!(run.stderr, "", "{args}: no noise");
    }
}
