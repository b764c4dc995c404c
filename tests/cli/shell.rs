//! At home in the shell: completion scripts (static and dynamic, sourced by
//! a real bash), the man page, every command's help, and the output
//! conventions (-q, -v without secrets, colour, --json, a closed stdout pipe).

use crate::support::{Run, Sandbox, run_command};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// Each shell, its committed script, as `sfconnect completions SHELL` names it.
const SCRIPTS: [(&str, &str); 5] = [
    ("bash", "sfconnect.bash"),
    ("zsh", "_sfconnect"),
    ("fish", "sfconnect.fish"),
    ("powershell", "_sfconnect.ps1"),
    ("elvish", "sfconnect.elv"),
];

/// Every command that runs (`tokens list`, not `tokens`), as its words
/// after `sfconnect`, read from the "Commands:" of each `--help`: a new
/// command is covered without touching these tests.
fn commands(sandbox: &Sandbox) -> Vec<Vec<String>> {
    help_pages(sandbox).1
}

/// Every help page below the top: the groups (`tokens`, `config`) and the
/// commands that run, each as its words after `sfconnect`.
fn help_pages(sandbox: &Sandbox) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
    fn walk(
        sandbox: &Sandbox,
        path: Vec<String>,
        groups: &mut Vec<Vec<String>>,
        found: &mut Vec<Vec<String>>,
    ) {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let help = sandbox.run(&args).expect(0).stdout;
        let subs: Vec<String> = help
            .split_once("\nCommands:\n")
            .map(|(_, rest)| {
                rest.lines()
                    .take_while(|l| !l.is_empty())
                    .filter_map(|l| l.split_whitespace().next().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        if subs.is_empty() {
            found.push(path);
            return;
        }
        if !path.is_empty() {
            groups.push(path.clone());
        }
        for sub in subs {
            let mut next = path.clone();
            next.push(sub);
            walk(sandbox, next, groups, found);
        }
    }
    let (mut groups, mut found) = (Vec::new(), Vec::new());
    walk(sandbox, Vec::new(), &mut groups, &mut found);
    assert!(found.len() >= 10, "{found:?}");
    assert!(groups.len() >= 2, "{groups:?}");
    (groups, found)
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_sfconnect")
}

/// One linked connection, copied in the index under more aliases (the
/// completion and the list read the index alone, so copies do).
fn with_aliases(aliases: &[&str]) -> Sandbox {
    let sandbox = Sandbox::new();
    sandbox.link(&["--alias", aliases[0]]).expect(0);
    add_copies(&sandbox, &aliases[1..]);
    sandbox
}

fn add_copies(sandbox: &Sandbox, aliases: &[&str]) {
    let mut index = sandbox.index();
    let first = index["connections"][0].clone();
    let connections = index["connections"].as_array_mut().unwrap();
    for (i, alias) in aliases.iter().enumerate() {
        let mut copy = first.clone();
        copy["alias"] = Value::String(alias.to_string());
        copy["id"] = Value::String(format!("{:032x}", i + 1));
        connections.push(copy);
    }
    let path = sandbox.config_dir().join("index.json");
    std::fs::write(path, serde_json::to_string_pretty(&index).unwrap()).unwrap();
}

/// `bash -c script` with the sandbox's environment, `$SFCONNECT` the binary
/// and the repository as the working directory.
fn bash(sandbox: &Sandbox, script: &str) -> Run {
    let template = sandbox.command(&[]);
    let mut cmd = Command::new("bash");
    cmd.arg("-c").arg(script).env_clear();
    for (key, value) in template.get_envs() {
        if let Some(value) = value {
            cmd.env(key, value);
        }
    }
    cmd.env("SFCONNECT", bin())
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    run_command(cmd, None)
}

fn words(text: &str) -> Vec<&str> {
    text.split_whitespace().collect()
}

// ------------------------------------------------------------ completions

#[test]
fn committed_completion_scripts_match_the_binary() {
    let sandbox = Sandbox::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    for (shell, file) in SCRIPTS {
        let run = sandbox.run(&["completions", shell]).expect(0);
        assert!(run.stdout.contains("sfconnect"), "{shell}: {}", run.stdout);
        let committed = std::fs::read_to_string(dir.join(file)).unwrap_or_default();
        assert!(
            committed == run.stdout,
            "completions/{file} differs from what the binary generates; \
             regenerate with: sfconnect completions {shell} > completions/{file} \
             (from a checkout: cargo run -q -- completions {shell} > completions/{file})"
        );
    }
}

#[test]
fn bash_sources_the_completion_file_and_completes() {
    let sandbox = Sandbox::new();
    // The function clap generates is `_sfconnect`, called as bash does:
    // command name, current word, previous word.
    let complete = |line: &[&str]| {
        let quoted: Vec<String> = line.iter().map(|w| format!("'{w}'")).collect();
        let script = format!(
            "source completions/sfconnect.bash || exit 9\n\
             COMP_WORDS=({words})\n\
             COMP_CWORD={cword}\n\
             COMP_LINE=\"${{COMP_WORDS[*]}}\"\n\
             COMP_POINT=${{#COMP_LINE}}\n\
             _sfconnect sfconnect '{cur}' '{prev}'\n\
             printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            words = quoted.join(" "),
            cword = line.len() - 1,
            cur = line[line.len() - 1],
            prev = line[line.len() - 2],
        );
        bash(&sandbox, &script).expect(0).stdout
    };
    let top = complete(&["sfconnect", ""]);
    for sub in [
        "link",
        "tokens",
        "revoke",
        "token",
        "exec",
        "api",
        "completions",
        "man",
    ] {
        assert!(words(&top).contains(&sub), "{sub} missing: {top}");
    }
    let tokens = complete(&["sfconnect", "tokens", ""]);
    for sub in ["list", "check", "approvals"] {
        assert!(words(&tokens).contains(&sub), "{sub} missing: {tokens}");
    }
    let formats = complete(&["sfconnect", "token", "--format", ""]);
    assert_eq!(
        words(&formats),
        ["bare", "header", "json", "env"],
        "{formats}"
    );
    let flags = complete(&["sfconnect", "tokens", "list", "--"]);
    for flag in ["--json", "--check", "--quiet", "--verbose", "--color"] {
        assert!(words(&flags).contains(&flag), "{flag} missing: {flags}");
    }
}

/// Asks the binary for completions the way the shell script of
/// `COMPLETE=bash sfconnect` does.
fn dynamic(sandbox: &Sandbox, line: &[&str]) -> Vec<String> {
    let mut args = vec!["--"];
    args.extend_from_slice(line);
    let mut cmd = sandbox.command(&args);
    cmd.env("COMPLETE", "bash")
        .env("_CLAP_COMPLETE_INDEX", (line.len() - 1).to_string())
        .env("_CLAP_IFS", "\n");
    let run = run_command(cmd, None).expect(0);
    assert_eq!(run.stderr, "", "a TAB prints nothing on stderr");
    run.stdout.lines().map(String::from).collect()
}

#[test]
fn aliases_complete_dynamically_from_the_index_alone() {
    let sandbox = with_aliases(&["prod", "uat", "perf"]);
    let requests = sandbox.fake.requests().len();
    // The secrets are not needed: completion reads only the index.
    std::fs::remove_file(sandbox.config_dir().join("secrets.json")).unwrap();

    // An empty word gets the aliases first, then the flags.
    let all = dynamic(&sandbox, &["sfconnect", "token", ""]);
    assert_eq!(all[..3], ["perf", "prod", "uat"], "{all:?}");
    assert!(all[3..].iter().all(|c| c.starts_with("--")), "{all:?}");
    assert_eq!(
        dynamic(&sandbox, &["sfconnect", "token", "p"]),
        ["perf", "prod"]
    );
    for line in [
        &["sfconnect", "exec", "u"][..],
        &["sfconnect", "revoke", "prod", "u"],
        &["sfconnect", "tokens", "check", "u"],
        &["sfconnect", "tokens", "approvals", "u"],
        &["sfconnect", "api", "u"],
        &["sfconnect", "-q", "token", "u"],
    ] {
        assert_eq!(dynamic(&sandbox, line), ["uat"], "{line:?}");
    }
    assert_eq!(
        sandbox.fake.requests().len(),
        requests,
        "completion never calls Salesforce"
    );
}

#[test]
fn bash_with_dynamic_completion_offers_the_aliases() {
    let sandbox = with_aliases(&["prod", "uat"]);
    let script = "source <(COMPLETE=bash \"$SFCONNECT\") || exit 9\n\
                  COMP_WORDS=(sfconnect token '')\n\
                  COMP_CWORD=2\n\
                  COMP_TYPE=9\n\
                  _clap_complete_sfconnect sfconnect '' token\n\
                  printf '%s\\n' \"${COMPREPLY[@]}\"";
    let run = bash(&sandbox, script).expect(0);
    let offered: Vec<&str> = words(&run.stdout)
        .into_iter()
        .filter(|w| !w.starts_with('-'))
        .collect();
    assert_eq!(offered, ["prod", "uat"], "{run:#?}");

    let mut cmd = sandbox.command(&[]);
    cmd.env("COMPLETE", "bash");
    let run = run_command(cmd, None).expect(0);
    assert!(
        run.stdout.contains("-F _clap_complete_sfconnect sfconnect"),
        "COMPLETE=bash prints the registration: {}",
        run.stdout
    );
}

// --------------------------------------------------------------- man page

#[test]
fn man_prints_a_roff_page_covering_every_command() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["man"]).expect(0);
    let page = run.stdout;
    assert!(page.contains("\n.TH sfconnect 1 "), "{}", &page[..200]);
    for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS"] {
        assert!(page.contains(&format!(".SH {section}\n")), "{section}");
    }
    for command in commands(&sandbox) {
        let heading = format!("sfconnect {}", command.join(" ")).to_uppercase();
        assert!(
            page.contains(&format!(".SH \"{heading}\"\n")),
            "{heading} missing"
        );
    }
    assert!(
        page.contains("\\-\\-max\\-age"),
        "subcommand options are there"
    );
    assert!(page.contains(".SS EXAMPLES"));
    // groff reads it without complaint, when it is installed.
    if Command::new("groff").arg("-v").output().is_ok() {
        let run = bash(
            &sandbox,
            "\"$SFCONNECT\" man | groff -man -Tutf8 -ww 2>&1 >/dev/null",
        );
        assert_eq!(run.expect(0).stdout, "", "groff warnings");
    }
}

// ------------------------------------------------------------------- help

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
    let run = sandbox
        .run(&["token", "prod", "--json", "--format", "env"])
        .expect(2);
    assert!(run.stderr.contains("cannot be used with"), "{}", run.stderr);
}

// ------------------------------------------------------ output conventions

#[test]
fn quiet_silences_information_but_not_warnings_or_errors() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["tokens", "list"]).expect(0);
    assert!(run.stderr.contains("No connections yet"), "{}", run.stderr);
    for quiet in ["-q", "--quiet"] {
        let run = sandbox.run(&["tokens", "list", quiet]).expect(0);
        assert_eq!(run.stderr, "", "{quiet}");
        let run = sandbox.run(&[quiet, "revoke", "--all"]).expect(0);
        assert_eq!(run.stderr, "", "{quiet}, before the command");
    }
    let run = sandbox.run(&["-q", "token", "nosuch"]).expect(3);
    assert!(run.stderr.contains("sfconnect: error:"), "{}", run.stderr);
    assert!(run.stderr.contains("hint:"), "the hint too: {}", run.stderr);

    sandbox.link(&["--alias", "prod"]).expect(0);
    let run = sandbox
        .run(&["revoke", "prod", "--local-only", "-q"])
        .expect(0);
    assert_eq!(run.stdout, "forgot prod locally\n");
    assert!(run.stderr.starts_with("warning: "), "{}", run.stderr);

    let run = sandbox.run(&["tokens", "list", "-q", "-v"]).expect(2);
    assert!(run.stderr.contains("cannot be used with"), "{}", run.stderr);
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
    assert!(
        linked.stderr.contains("debug: config dir "),
        "{}",
        linked.stderr
    );

    let token = run(&["token", "prod", "--fresh", "-v"], 0);
    let port = sandbox.fake.url().rsplit(':').next().unwrap().to_string();
    assert!(
        token.stderr.contains(&format!(
            "debug: POST http://127.0.0.1:{port}/services/oauth2/token -> HTTP 200"
        )),
        "{}",
        token.stderr
    );
    assert!(token.stderr.contains("refresh lock taken after"));
    assert!(token.stderr.contains("from the file store"));

    let cached = run(&["token", "prod", "-v"], 0);
    assert!(
        cached.stderr.contains("using the cached access token"),
        "{}",
        cached.stderr
    );
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
    assert!(
        api.stderr
            .contains("/services/data/v62.0/sobjects -> HTTP 200"),
        "{}",
        api.stderr
    );
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
