//! `sfconnect completions`: the committed scripts match the binary, a real
//! bash sources them and completes, and aliases complete dynamically from
//! the index alone.

use crate::support::shell::{bash, with_aliases};
use crate::support::{Sandbox, run_command};
use std::path::Path;

/// Each shell, its committed script, as `sfconnect completions SHELL` names it.
const SCRIPTS: [(&str, &str); 5] = [
    ("bash", "sfconnect.bash"),
    ("zsh", "_sfconnect"),
    ("fish", "sfconnect.fish"),
    ("powershell", "_sfconnect.ps1"),
    ("elvish", "sfconnect.elv"),
];

fn words(text: &str) -> Vec<&str> {
    text.split_whitespace().collect()
}

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
