//! Every command's `--help`: a summary, a description and examples, the
//! exit-code summary that matches what the commands do, and `--json`
//! wherever a command reports data.

use crate::support::Sandbox;
use crate::support::shell::{help_pages, with_aliases};

/// The text of `sfconnect WORDS... FLAG`.
fn help(sandbox: &Sandbox, command: &[impl AsRef<str>], flag: &str) -> String {
    let mut args: Vec<&str> = command.iter().map(AsRef::as_ref).collect();
    args.push(flag);
    sandbox.run(&args).expect(0).stdout
}

#[test]
fn every_command_has_a_summary_a_description_and_examples() {
    let sandbox = Sandbox::new();
    // The groups too: `sfconnect tokens --help` promises examples like the rest.
    let (groups, leaves) = help_pages(&sandbox);
    for command in groups.into_iter().chain(leaves) {
        let name = format!("sfconnect {}", command.join(" "));
        let long = help(&sandbox, &command, "--help");
        let short = help(&sandbox, &command, "-h");
        let summary = short.lines().next().unwrap();
        assert!(
            !summary.is_empty() && !summary.ends_with('.') && summary.len() < 80,
            "{name}: one-line summary: {summary:?}"
        );
        assert_eq!(long.lines().next(), Some(summary), "{name}");
        let (intro, rest) = long.split_once("Usage:").unwrap();
        let description = intro.trim_start_matches(summary).trim();
        assert!(
            description.len() > 40,
            "{name}: a longer description in --help: {description:?}"
        );
        let examples: Vec<&str> = rest
            .split_once("EXAMPLES:\n")
            .unwrap_or_else(|| panic!("{name}: no EXAMPLES section"))
            .1
            .lines()
            .take_while(|l| l.starts_with("  "))
            .collect();
        assert!(
            examples.iter().any(|e| e.contains(&name)),
            "{name}: examples run the command: {examples:?}"
        );
        // Script use: a pipe, a variable or substitution, a redirection, a
        // test of the exit code.
        assert!(
            examples.iter().any(|e| ["|", "$", ">", "<", "eval", "&&"]
                .iter()
                .any(|s| e.contains(s))),
            "{name}: an example of script use: {examples:?}"
        );
    }
    let top = help(&sandbox, &[] as &[&str], "--help");
    assert!(top.contains("EXAMPLES:") && top.contains("Exit codes:"));
}

/// The exit-code summary of `sfconnect --help` says what `api` does: a 5xx
/// exits 5, another non-2xx 8.
#[test]
fn the_exit_code_summary_matches_what_api_does() {
    let sandbox = with_aliases(&["prod"]);
    let top = help(&sandbox, &[] as &[&str], "--help");
    let summary = top
        .split_once("Exit codes:")
        .unwrap()
        .1
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let clause = |code: &str| {
        summary
            .split(", ")
            .find(|c| c.trim_start().starts_with(&format!("{code} ")))
            .unwrap_or_else(|| panic!("no {code} in {summary}"))
            .to_string()
    };
    assert!(clause("5").contains("5xx"), "{summary}");
    assert!(!clause("8").contains("every non-2xx"), "{summary}");
    assert!(clause("8").contains("another non-2xx"), "{summary}");

    sandbox.fake.knobs().fail_paths = vec![("/services/data/v62.0/boom".into(), 503)];
    sandbox
        .run(&["api", "prod", "/services/data/v62.0/boom"])
        .expect(5);
    sandbox.fake.knobs().fail_paths = vec![("/services/data/v62.0/boom".into(), 404)];
    sandbox
        .run(&["api", "prod", "/services/data/v62.0/boom"])
        .expect(8);
}

#[test]
fn every_command_that_reports_data_takes_json() {
    let sandbox = Sandbox::new();
    for command in [
        &["link"][..],
        &["tokens", "list"],
        &["tokens", "check"],
        &["tokens", "approvals"],
        &["revoke"],
        &["token"],
    ] {
        assert!(
            help(&sandbox, command, "--help").contains("--json"),
            "{command:?}"
        );
    }
}

#[test]
fn token_json_is_format_json() {
    let sandbox = with_aliases(&["prod"]);
    let a = sandbox.run(&["token", "prod", "--json"]).expect(0).json();
    let b = sandbox
        .run(&["token", "prod", "--format", "json"])
        .expect(0)
        .json();
    assert_eq!(a, b);
    assert!(a["access_token"].is_string());
    sandbox
        .run(&["token", "prod", "--json", "--format", "env"])
        .expect_error(2, &["cannot be used with"]);
}
