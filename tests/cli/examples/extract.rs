//! Finding the examples: the fenced blocks of the Markdown documents and the
//! EXAMPLES sections of every `--help`, each with where it came from and,
//! for one that cannot run, why (docs/CONTRIBUTING.md, "Shell examples").

use crate::docs::{NOT_RUNNABLE, documents, relative};
use crate::support::Sandbox;

/// One example: a script to run, or a reason not to.
#[derive(Debug)]
pub struct Example {
    /// `README.md:55`, or `sfconnect link --help` and the example.
    pub origin: String,
    pub steps: Vec<Step>,
    /// Why it does not run, from its marker.
    pub skip: Option<String>,
}

/// A command, and the output the documentation shows for it (a transcript);
/// `None` where it shows none.
#[derive(Debug, PartialEq)]
pub struct Step {
    pub script: String,
    pub shown: Option<Vec<String>>,
}

/// The examples of one Markdown text: every ```sh block, and every ```text
/// block that is a transcript (its first line starts with `$ `; each `$ `
/// line is a command, the lines after it what it printed).
pub fn markdown_examples(name: &str, text: &str) -> Vec<Example> {
    let lines: Vec<&str> = text.lines().collect();
    let mut examples = Vec::new();
    let mut at = 0;
    while at < lines.len() {
        let Some(tag) = lines[at].trim_start().strip_prefix("```") else {
            at += 1;
            continue;
        };
        let start = at;
        let end = (start + 1..lines.len())
            .find(|&i| lines[i].trim_start().starts_with("```"))
            .unwrap_or(lines.len());
        at = end + 1;
        let body = &lines[start + 1..end.min(lines.len())];
        let steps = match tag.trim() {
            "sh" => vec![Step {
                script: body.join("\n"),
                shown: None,
            }],
            "text" if body.first().is_some_and(|l| l.starts_with("$ ")) => transcript(body),
            _ => continue,
        };
        let skip = start
            .checked_sub(1)
            .and_then(|i| lines[i].strip_prefix(NOT_RUNNABLE))
            .map(|reason| reason.trim_end().trim_end_matches("-->").trim().to_string());
        examples.push(Example {
            origin: format!("{name}:{}", start + 1),
            steps,
            skip,
        });
    }
    examples
}

fn transcript(body: &[&str]) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    for line in body {
        match line.strip_prefix("$ ") {
            Some(command) => steps.push(Step {
                script: command.to_string(),
                shown: Some(Vec::new()),
            }),
            None => {
                if let Some(Some(shown)) = steps.last_mut().map(|s| s.shown.as_mut()) {
                    shown.push(line.to_string());
                }
            }
        }
    }
    steps
}

/// Every Markdown document's examples.
pub fn document_examples() -> Vec<Example> {
    documents()
        .iter()
        .flat_map(|doc| {
            let text = std::fs::read_to_string(doc).unwrap();
            markdown_examples(&relative(doc), &text)
        })
        .collect()
}

/// The examples of a `--help` that cannot run against the test server, by
/// their line (up to any `#` comment), with the reason. `--help` has no
/// place for a marker, so it is kept here.
pub const HELP_NOT_RUNNABLE: &[(&str, &str)] = &[
    (
        "sfconnect link --sandbox --alias uat",
        "logs in at test.salesforce.com",
    ),
    ("sfconnect link", "logs in at login.salesforce.com"),
    (
        "sfconnect link --domain acme",
        "--domain names a real My Domain host",
    ),
    (
        "sfconnect link --sandbox --domain acme--uat",
        "--domain names a real My Domain host",
    ),
    (
        "sfconnect link --port 1717,1718,1719",
        "logs in at login.salesforce.com, on fixed ports",
    ),
    (
        "sfconnect link --device --client-id 3MVG9...",
        "logs in at login.salesforce.com with your app's consumer key",
    ),
    (
        "sfconnect link --no-browser --paste < callback.txt",
        "needs the address a browser ended on during a login",
    ),
    (
        "sfconnect link --json | jq -r .alias",
        "logs in at login.salesforce.com",
    ),
    (
        "sfconnect exec uat -- python3 sync.py",
        "runs a program the reader brings",
    ),
    (
        "sfconnect exec -- python3 nightly_sync.py",
        "runs a program the reader brings",
    ),
    (
        "sfconnect api prod /services/data/v62.0/sobjects/Account/001xx -X PATCH -d @account.json",
        "sends a file the reader brings, to a record id of theirs",
    ),
    (
        "gh secret set SF_JWT_KEY < sfconnect.key",
        "needs the GitHub CLI, a repository and a key made by keygen",
    ),
    (
        "sfconnect migrate prod --to keychain",
        "needs an OS keychain",
    ),
    (
        "sfconnect migrate ci-bot --to file",
        "moves a secret out of an OS keychain; the test has only the file store",
    ),
    (
        "sfconnect tokens list --json | jq -r '.connections[].alias' \\\n  | xargs -n1 sfconnect migrate --to keychain",
        "needs an OS keychain",
    ),
    (
        "sfconnect completions bash > ~/.local/share/bash-completion/completions/sfconnect",
        "writes into your shell's configuration",
    ),
    (
        "sfconnect completions zsh > \"${fpath[1]}/_sfconnect\"",
        "writes into your shell's configuration (zsh)",
    ),
    (
        "sfconnect completions fish > ~/.config/fish/completions/sfconnect.fish",
        "writes into your shell's configuration",
    ),
    (
        "echo 'source <(COMPLETE=bash sfconnect)' >> ~/.bashrc",
        "writes into your shell's configuration",
    ),
    (
        "sf org auth show-sfdx-auth-url --target-org uat --json | sfconnect import --alias uat",
        "needs the sf CLI, logged in to an org",
    ),
    (
        "sfconnect import --file uat-auth-url.txt --alias uat",
        "needs an SFDX auth URL the reader brings",
    ),
    (
        "sfconnect import --from-env SFDX_AUTH_URL --alias ci",
        "needs an SFDX auth URL the reader brings, in a variable",
    ),
    (
        "sfconnect export prod --format sfdx-url | sf org login sfdx-url --sfdx-url-stdin --alias prod",
        "needs the sf CLI",
    ),
    (
        "sfconnect export prod --format sfdx-url | gh secret set SFDX_AUTH_URL",
        "needs the GitHub CLI and a repository",
    ),
    ("sfconnect man | man -l -", "opens the man page in a pager"),
    (
        "sfconnect man > ~/.local/share/man/man1/sfconnect.1",
        "installs the man page under your home directory",
    ),
];

/// The examples of every `--help`, walking the subcommands from the top.
pub fn help_examples(sandbox: &Sandbox) -> Vec<Example> {
    let mut examples = Vec::new();
    walk_help(sandbox, &mut Vec::new(), &mut examples);
    examples
}

fn walk_help(sandbox: &Sandbox, path: &mut Vec<String>, examples: &mut Vec<Example>) {
    let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
    args.push("--help");
    let run = sandbox.run(&args).expect(0);
    let command = std::iter::once("sfconnect")
        .chain(path.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join(" ");
    for line in help_example_lines(&run.stdout) {
        let key = help_key(&line);
        let skip = HELP_NOT_RUNNABLE
            .iter()
            .find(|(example, _)| *example == key)
            .map(|(_, reason)| reason.to_string());
        examples.push(Example {
            origin: format!("{command} --help `{key}`"),
            steps: vec![Step {
                script: line,
                shown: None,
            }],
            skip,
        });
    }
    for sub in subcommands(&run.stdout) {
        path.push(sub);
        walk_help(sandbox, path, examples);
        path.pop();
    }
}

/// An example of a `--help` as `HELP_NOT_RUNNABLE` names it: up to its
/// comment.
fn help_key(example: &str) -> &str {
    example.split(" #").next().unwrap_or(example).trim_end()
}

/// The entries of `HELP_NOT_RUNNABLE` that match none of `examples`.
pub fn unused_help_markers(examples: &[Example]) -> Vec<&'static str> {
    HELP_NOT_RUNNABLE
        .iter()
        .map(|(line, _)| *line)
        .filter(|line| {
            !examples
                .iter()
                .any(|e| e.steps.iter().any(|s| help_key(&s.script) == *line))
        })
        .collect()
}

/// The lines of a help text's EXAMPLES section, without their indent; a
/// line ending in `\` continues on the next.
pub fn help_example_lines(help: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut continued = false;
    for line in help
        .lines()
        .skip_while(|l| l.trim_end() != "EXAMPLES:")
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
    {
        let text = line.strip_prefix("  ").unwrap_or(line);
        match lines.last_mut() {
            Some(last) if continued => *last = format!("{last}\n{text}"),
            _ => lines.push(text.to_string()),
        }
        continued = text.ends_with('\\');
    }
    lines
}

/// The names under a help text's `Commands:`, but `help`.
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| l.trim_end() != "Commands:")
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect()
}

#[test]
fn blocks_and_transcripts_are_found_with_their_markers() {
    let text = "intro\n\
        <!-- not-runnable: needs a real org -->\n\
        ```sh\nsfconnect link\n```\n\
        ```sh\nsfconnect tokens list\nsfconnect token prod\n```\n\
        ```text\nnot a transcript\n```\n\
        ```json\n{}\n```\n\
        ```text\n$ sfconnect token prod --format header\nAuthorization: Bearer ...\n$ true\n```\n";
    let examples = markdown_examples("X.md", text);
    assert_eq!(examples.len(), 3, "{examples:#?}");
    assert_eq!(examples[0].origin, "X.md:3");
    assert_eq!(examples[0].skip.as_deref(), Some("needs a real org"));
    assert_eq!(
        examples[1].steps,
        [Step {
            script: "sfconnect tokens list\nsfconnect token prod".into(),
            shown: None
        }]
    );
    assert_eq!(examples[1].skip, None);
    assert_eq!(
        examples[2].steps,
        [
            Step {
                script: "sfconnect token prod --format header".into(),
                shown: Some(vec!["Authorization: Bearer ...".into()])
            },
            Step {
                script: "true".into(),
                shown: Some(vec![])
            }
        ]
    );
}

#[test]
fn help_examples_are_read_with_continuations() {
    let help = "Usage: x\n\nEXAMPLES:\n  a --b   # c\n  d \\\n    e\n  f\n\nExit codes: ...\n";
    assert_eq!(help_example_lines(help), ["a --b   # c", "d \\\n  e", "f"]);
    let commands = "Commands:\n  link  Log in\n  help  Print this\n\nOptions:\n";
    assert_eq!(subcommands(commands), ["link"]);
}
