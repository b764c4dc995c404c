//! The documentation the repository commits, held to the code: the
//! generated command reference is current, and every
//! `docs/salesforce-oauth.md §N` citation names a section that exists.

use crate::support::Sandbox;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
    found.sort();
    found
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The lines of a Markdown text outside fenced code blocks.
fn prose_lines(text: &str) -> Vec<&str> {
    let mut fenced = false;
    let mut lines = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if !fenced {
            lines.push(line);
        }
    }
    lines
}

/// Heading texts (without the `#`s), in order.
fn headings(text: &str) -> Vec<String> {
    prose_lines(text)
        .into_iter()
        .filter(|l| l.starts_with('#'))
        .map(|l| l.trim_start_matches('#').trim().to_string())
        .collect()
}

#[test]
fn committed_command_reference_matches_the_binary() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["man", "--markdown"]).expect(0);
    assert!(
        run.stdout.contains("\n## sfconnect link\n"),
        "{}",
        run.stdout
    );
    let committed = std::fs::read_to_string(root().join("docs/commands.md")).unwrap_or_default();
    assert!(
        committed == run.stdout,
        "docs/commands.md differs from what the binary generates; regenerate it with: \
         cargo run -q -- man --markdown > docs/commands.md"
    );
}

/// `at`, or the nearest character boundary before it.
fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The section numbers a `§` citation names: `§2`, `§2-§4`, `§2, §3`.
fn cited_sections(text: &str) -> Vec<u32> {
    let mut numbers = Vec::new();
    let mut rest = text;
    loop {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let Ok(first) = digits.parse::<u32>() else {
            return numbers;
        };
        rest = &rest[digits.len()..];
        // A subsection (§4.2) cites its section.
        if let Some(sub) = rest
            .strip_prefix('.')
            .filter(|s| s.starts_with(|c: char| c.is_ascii_digit()))
        {
            rest = sub.trim_start_matches(|c: char| c.is_ascii_digit());
        }
        if let Some(range) = rest.strip_prefix("-§") {
            let end: String = range.chars().take_while(char::is_ascii_digit).collect();
            let last = end.parse::<u32>().unwrap_or(first);
            numbers.extend(first..=last);
            rest = &range[end.len()..];
        } else {
            numbers.push(first);
        }
        match rest.strip_prefix(", §") {
            Some(next) => rest = next,
            None => return numbers,
        }
    }
}

#[test]
fn salesforce_oauth_citations_name_sections_that_exist() {
    let reference = read(&root().join("docs/salesforce-oauth.md"));
    let sections: HashSet<u32> = headings(&reference)
        .iter()
        .filter_map(|h| h.split_once(". ")?.0.parse().ok())
        .collect();
    assert!(sections.len() >= 9, "{sections:?}");
    // The fake's comments cite bare `§N`: its header says they are sections
    // of docs/salesforce-oauth.md.
    let fake = root().join("tests/cli/support/fake_salesforce");
    let mut cited = 0;
    for file in rust_files(&root().join("src"))
        .into_iter()
        .chain(rust_files(&root().join("tests")))
    {
        // This file names the convention; it cites nothing.
        if file.ends_with(file!()) {
            continue;
        }
        let text = read(&file);
        for (at, _) in text.match_indices('§') {
            // `§N` in prose about the convention is no citation.
            let numbers = cited_sections(&text[at + '§'.len_utf8()..]);
            if numbers.is_empty() {
                continue;
            }
            let before = &text[floor_boundary(&text, at.saturating_sub(200))..at];
            let doc = before.rfind("salesforce-oauth.md");
            let rfc = before.rfind("RFC ");
            let ours = match (doc, rfc) {
                (Some(d), Some(r)) => d > r,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => file.starts_with(&fake),
            };
            assert!(
                ours || rfc.is_some(),
                "{}: a § citation that names no document: {:?}",
                relative(&file),
                &text[floor_boundary(&text, at.saturating_sub(60))..at]
            );
            if !ours {
                continue;
            }
            for n in numbers {
                cited += 1;
                assert!(
                    sections.contains(&n),
                    "{} cites docs/salesforce-oauth.md §{n}, which docs/salesforce-oauth.md does not have",
                    relative(&file)
                );
            }
        }
    }
    assert!(cited >= 20, "the citations were found: {cited}");
}

#[test]
fn citation_ranges_and_lists_are_read() {
    assert_eq!(cited_sections("2-§4): x"), [2, 3, 4]);
    assert_eq!(cited_sections("2, §3)."), [2, 3]);
    assert_eq!(cited_sections("4.2 x"), [4]);
    assert_eq!(cited_sections("x"), Vec::<u32>::new());
}
