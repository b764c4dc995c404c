//! The shell around sfconnect, for the tests of what users meet there
//! (completions, the man page, help, output conventions): a real bash in
//! the sandbox's environment, every help page walked from the top, and an
//! index with many aliases.

use crate::support::{Run, Sandbox, run_command};
use serde_json::Value;
use std::process::Command;

/// Every command that runs (`tokens list`, not `tokens`), as its words
/// after `sfconnect`, read from the "Commands:" of each `--help`: a new
/// command is covered without touching these tests.
pub fn commands(sandbox: &Sandbox) -> Vec<Vec<String>> {
    help_pages(sandbox).1
}

/// Every help page below the top: the groups (`tokens`, `config`) and the
/// commands that run, each as its words after `sfconnect`.
pub fn help_pages(sandbox: &Sandbox) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
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
pub fn with_aliases(aliases: &[&str]) -> Sandbox {
    let sandbox = Sandbox::linked(aliases[0]);
    add_copies(&sandbox, &aliases[1..]);
    sandbox
}

pub fn add_copies(sandbox: &Sandbox, aliases: &[&str]) {
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
pub fn bash(sandbox: &Sandbox, script: &str) -> Run {
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
