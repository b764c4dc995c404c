//! `sfconnect man`: a roff page with every command, read by groff without
//! a warning.

use crate::support::Sandbox;
use crate::support::shell::{bash, commands};
use std::process::Command;

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
