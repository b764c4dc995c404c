//! The documentation's shell examples, run: every ```sh block and `$ `
//! transcript of the Markdown documents and every line of every `--help`'s
//! EXAMPLES, each in a fresh world (`world`) where `prod` and `uat` are
//! linked at the fake Salesforce standing in for the hosts the examples
//! name. An example passes when it exits 0, prints no error, reaches no host
//! the test does not stand in for, and prints the lines its transcript
//! shows. One not marked not-runnable (docs/CONTRIBUTING.md, "Shell
//! examples") must pass; one marked is counted and listed with its reason.

mod extract;
mod shell;
mod world;

use crate::support::Sandbox;
use crate::support::stand_in::TestCa;
use extract::{Example, document_examples, help_examples, unused_help_markers};
use std::io::Write;
use std::sync::Mutex;
use world::{PROD_HOST, UAT_HOST, World};

/// Examples run side by side, each in its own world.
const WORKERS: usize = 2;

#[test]
fn documented_examples_run() {
    let mut examples = document_examples();
    let helper = Sandbox::new();
    let from_help = help_examples(&helper);
    assert!(
        from_help.len() >= 30,
        "the --help examples were found: {from_help:#?}"
    );
    let failures = Mutex::new(
        unused_help_markers(&from_help)
            .iter()
            .map(|line| format!("HELP_NOT_RUNNABLE names an example no --help has: {line}"))
            .collect::<Vec<_>>(),
    );
    examples.extend(from_help);

    let ca = TestCa::new(&[PROD_HOST, UAT_HOST]);
    let ca_file = helper.root().join("test-ca.pem");
    std::fs::write(&ca_file, &ca.ca_pem).unwrap();

    let runnable: Vec<&Example> = examples.iter().filter(|e| e.skip.is_none()).collect();
    let queue = Mutex::new(runnable.iter());
    std::thread::scope(|scope| {
        for _ in 0..WORKERS {
            scope.spawn(|| {
                loop {
                    let Some(example) = queue.lock().unwrap().next().copied() else {
                        return;
                    };
                    if let Err(why) = check(example, &ca, &ca_file) {
                        failures
                            .lock()
                            .unwrap()
                            .push(format!("{}: {why}", example.origin));
                    }
                }
            });
        }
    });

    let skipped: Vec<&Example> = examples.iter().filter(|e| e.skip.is_some()).collect();
    let mut summary = format!(
        "documentation examples: {} ran, {} skipped\n",
        runnable.len(),
        skipped.len()
    );
    for example in &skipped {
        // One line each, a continued --help example included.
        let origin = example
            .origin
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let reason = example.skip.as_deref().unwrap_or_default();
        summary.push_str(&format!("  skipped {origin}: {reason}\n"));
    }
    // Straight to the process's stderr, past the test harness's capture:
    // the counts and reasons are for every run, not only a failing one.
    let _ = std::io::stderr().write_all(summary.as_bytes());

    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} failures among {} runnable examples (fix the example or the tool, or mark it \
         not-runnable with the reason; docs/CONTRIBUTING.md, \"Shell examples\"):\n\n{}",
        failures.len(),
        runnable.len(),
        failures.join("\n\n")
    );
    assert!(runnable.len() >= 30 && skipped.len() >= 10, "{summary}");
}

/// Runs one example in a fresh world.
fn check(example: &Example, ca: &TestCa, ca_file: &std::path::Path) -> Result<(), String> {
    let world = World::new(ca, ca_file);
    world.link_prod_and_uat()?;
    for step in &example.steps {
        let outcome = shell::run(&world, &step.script, step.shown.is_some());
        let script = &step.script;
        if outcome.code != 0 {
            return Err(format!("`{script}` failed: {outcome:?}"));
        }
        let errors = shell::error_lines(&outcome.stderr);
        if !errors.is_empty() {
            return Err(format!(
                "`{script}` printed an error ({}): {outcome:?}",
                errors.join(" / ")
            ));
        }
        let missing = step
            .shown
            .as_ref()
            .and_then(|shown| shell::missing_line(shown, &outcome.stdout));
        if let Some(line) = missing {
            return Err(format!(
                "`{script}` did not print, in the order shown, the line {line:?}: {outcome:?}"
            ));
        }
    }
    let refused = world.proxy.refused();
    if !refused.is_empty() {
        return Err(format!(
            "it tried to reach hosts the test does not stand in for: {refused:?}"
        ));
    }
    Ok(())
}
