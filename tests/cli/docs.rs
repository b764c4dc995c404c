//! The documentation the repository commits, held to the code: the
//! generated command reference is current, every section an error hint
//! quotes exists, every `docs/salesforce-oauth.md §N` citation names a section
//! that exists, every relative link lands, and shell examples follow the
//! runnable/not-runnable convention (docs/CONTRIBUTING.md, "Shell examples").

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

/// The Markdown documents users read.
pub(crate) fn documents() -> Vec<PathBuf> {
    let mut docs: Vec<PathBuf> = [
        "README.md",
        "SECURITY.md",
        "bench/README.md",
        "fuzz/README.md",
    ]
    .iter()
    .map(|p| root().join(p))
    .collect();
    for entry in std::fs::read_dir(root().join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            docs.push(path);
        }
    }
    docs.sort();
    docs
}

pub(crate) fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// A heading's anchor as GitHub makes it: lower case, spaces to dashes,
/// punctuation other than `-` and `_` dropped.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
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

/// Every anchor of a document, duplicates numbered as GitHub does.
fn anchors(text: &str) -> HashSet<String> {
    let mut seen = HashSet::new();
    for heading in headings(text) {
        let base = slug(&heading);
        let mut anchor = base.clone();
        let mut n = 0;
        while seen.contains(&anchor) {
            n += 1;
            anchor = format!("{base}-{n}");
        }
        seen.insert(anchor);
    }
    seen
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

/// `(see "TITLE" in the README)` and `(see the README: "TITLE")`, as they
/// appear in Rust string literals.
fn quoted_readme_sections(source: &str) -> Vec<String> {
    let mut titles = Vec::new();
    for (at, _) in source.match_indices("\\\" in the README") {
        let before = &source[..at];
        if let Some(start) = before.rfind("\\\"") {
            titles.push(before[start + 2..].to_string());
        }
    }
    for (at, marker) in source.match_indices("the README: \\\"") {
        let after = &source[at + marker.len()..];
        if let Some(end) = after.find("\\\"") {
            titles.push(after[..end].to_string());
        }
    }
    titles
}

#[test]
fn error_hints_quote_readme_sections_that_exist() {
    let readme = headings(&read(&root().join("README.md")));
    let mut quoted = 0;
    for file in rust_files(&root().join("src")) {
        for title in quoted_readme_sections(&read(&file)) {
            quoted += 1;
            assert!(
                readme.contains(&title),
                "{} quotes the README section {title:?}, which the README does not have",
                relative(&file)
            );
        }
    }
    assert!(
        quoted >= 2,
        "the hints that quote README sections were found"
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

/// `[text](target)` links of a Markdown text, outside code.
fn links(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in prose_lines(text) {
        // Drop code spans: a link in one is an example, not a link.
        let prose: String = line
            .split('`')
            .enumerate()
            .filter(|(i, _)| i % 2 == 0)
            .map(|(_, part)| part)
            .collect();
        for (at, _) in prose.match_indices("](") {
            let target = &prose[at + 2..];
            if let Some(end) = target.find(')') {
                found.push(target[..end].to_string());
            }
        }
    }
    found
}

#[test]
fn relative_links_land_on_files_and_headings_that_exist() {
    let mut checked = 0;
    for doc in documents() {
        let text = read(&doc);
        for target in links(&text) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (path, anchor) = target.split_once('#').unwrap_or((&target, ""));
            let file = if path.is_empty() {
                doc.clone()
            } else {
                doc.parent().unwrap().join(path)
            };
            assert!(
                file.exists(),
                "{} links to {target}, which does not exist",
                relative(&doc)
            );
            if !anchor.is_empty() {
                assert!(
                    anchors(&read(&file)).contains(anchor),
                    "{} links to {target}: no such heading in {}",
                    relative(&doc),
                    relative(&file)
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 20, "the links were found: {checked}");
}

#[test]
fn heading_anchors_are_made_as_github_makes_them() {
    assert_eq!(slug("`sfconnect tokens list`"), "sfconnect-tokens-list");
    assert_eq!(
        slug("Use your own External Client App"),
        "use-your-own-external-client-app"
    );
    assert_eq!(slug("5. Five-approval limit"), "5-five-approval-limit");
    let twice = anchors("# A\n## A\n```\n# not a heading\n```\n");
    assert_eq!(twice, HashSet::from(["a".to_string(), "a-1".to_string()]));
}

/// A shell line without its quoted strings, which are messages, not
/// commands.
fn unquoted(line: &str) -> String {
    let mut out = String::new();
    let mut quote = None;
    for c in line.chars() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, c) => out.push(c),
            _ => {}
        }
    }
    out
}

#[test]
fn quoted_messages_are_not_commands() {
    assert_eq!(
        unquoted(r#"4) echo "run sfconnect link --sandbox" >&2 ;;"#),
        "4) echo  >&2 ;;"
    );
    assert_eq!(
        unquoted("sfconnect link --sandbox 'x'"),
        "sfconnect link --sandbox "
    );
}

/// The marker that keeps a shell block out of the examples test.
pub(crate) const NOT_RUNNABLE: &str = "<!-- not-runnable: ";

/// Every fenced block of shell: one language tag (`sh`); a marker, when
/// there is one, right before the block and with its reason; and an
/// unmarked block names no real Salesforce host through `--sandbox`,
/// `--domain` or a `link` without `--login-url`.
#[test]
fn shell_examples_are_sh_blocks_marked_when_they_cannot_run() {
    let mut runnable = 0;
    let mut marked = 0;
    for doc in documents() {
        let text = read(&doc);
        let lines: Vec<&str> = text.lines().collect();
        let mut fence: Option<(usize, bool)> = None;
        for (i, line) in lines.iter().enumerate() {
            let name = format!("{}:{}", relative(&doc), i + 1);
            let marker = if fence.is_none() {
                line.strip_prefix(NOT_RUNNABLE)
            } else {
                None
            };
            if let Some(reason) = marker {
                assert!(
                    reason.trim_end_matches("-->").trim().len() > 5,
                    "{name}: the marker gives no reason"
                );
                let transcript = lines.get(i + 1).is_some_and(|next| *next == "```text")
                    && lines
                        .get(i + 2)
                        .is_some_and(|first| first.starts_with("$ "));
                assert!(
                    lines.get(i + 1).is_some_and(|next| *next == "```sh") || transcript,
                    "{name}: the marker must come right before a ```sh block or a transcript"
                );
            }
            let trimmed = line.trim_start();
            match (&mut fence, trimmed.strip_prefix("```")) {
                (None, Some(tag)) => {
                    for shell in ["bash", "shell", "console", "zsh"] {
                        assert_ne!(tag, shell, "{name}: shell examples are ```sh blocks");
                    }
                    let is_sh = tag == "sh";
                    let is_marked = i > 0 && lines[i - 1].starts_with(NOT_RUNNABLE);
                    if is_sh {
                        if is_marked {
                            marked += 1;
                        } else {
                            runnable += 1;
                        }
                    }
                    fence = Some((i, is_sh && !is_marked));
                }
                (Some(_), Some(_)) => fence = None,
                (Some((_, true)), None) => {
                    let command = unquoted(line.split(" #").next().unwrap_or(line));
                    for flag in ["--sandbox", "--domain"] {
                        assert!(
                            !command.contains(flag),
                            "{name}: {flag} names a real Salesforce host; use --login-url or mark the block {NOT_RUNNABLE}...: {line}"
                        );
                    }
                    if command.contains("sfconnect link") {
                        assert!(
                            command.contains("--login-url"),
                            "{name}: a link without --login-url goes to login.salesforce.com; use --login-url or mark the block: {line}"
                        );
                    }
                }
                _ => {}
            }
        }
        assert!(
            fence.is_none(),
            "{}: a code block is not closed",
            relative(&doc)
        );
    }
    assert!(
        runnable >= 5 && marked >= 5,
        "{runnable} runnable, {marked} marked"
    );
}
