//! Holds the promise of this module's header against the source: the
//! environment is read only here, every `SFCONNECT_` variable the code
//! names is in the table, every row is used, and clap reads only the
//! variables the table says it reads, for the flag it names.

use super::{ALL, NAMES, PLATFORM};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// Every file under src/ except this module's, with its text; tests/ is not
/// scanned (its `SFCONNECT_TEST_*` variables configure the fake, not the
/// tool).
fn sources_outside_settings() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let files: Vec<(String, String)> = files
        .into_iter()
        .filter(|path| !path.starts_with(src.join("settings")))
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let name = path.strip_prefix(&src).unwrap().display().to_string();
            (name, text)
        })
        .collect();
    assert!(
        files.len() > 50,
        "found only {} files under src/",
        files.len()
    );
    files
}

/// Each `SFCONNECT_[A-Z_]+` in `text` (a trailing `_` is not part of it).
fn sfconnect_names(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for (at, prefix) in text.match_indices("SFCONNECT_") {
        let rest = &text[at + prefix.len()..];
        let len = rest
            .find(|c: char| !(c.is_ascii_uppercase() || c == '_'))
            .unwrap_or(rest.len());
        let name = format!("{prefix}{}", &rest[..len]);
        let name = name.trim_end_matches('_');
        if name.len() > "SFCONNECT".len() {
            names.push(name.to_string());
        }
    }
    names
}

#[test]
fn every_sfconnect_variable_the_source_names_is_in_the_table() {
    let mut unknown = Vec::new();
    let mut seen = 0;
    for (file, text) in sources_outside_settings() {
        for name in sfconnect_names(&text) {
            seen += 1;
            if !ALL.iter().any(|s| s.env == name) {
                unknown.push(format!("{file}: {name}"));
            }
        }
    }
    assert!(seen > 10, "the scan found only {seen} names");
    assert!(
        unknown.is_empty(),
        "variables named in src/ but missing from the table in src/settings/table.rs \
         (add a row): {unknown:?}"
    );
}

#[test]
fn nothing_outside_settings_reads_the_environment() {
    let forbidden = [
        "env::var(",
        "env::var_os(",
        "env::vars(",
        "env::vars_os(",
        "env::set_var(",
        "env::remove_var(",
        // A clap attribute naming a variable itself: `env = settings::X.env`.
        "env = \"",
    ];
    let mut found = Vec::new();
    for (file, text) in sources_outside_settings() {
        for pattern in forbidden {
            if text.contains(pattern) {
                found.push(format!("{file}: {pattern}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "read the environment through crate::settings (a row of its table, or \
         settings::platform): {found:?}"
    );
}

#[test]
fn every_row_is_used() {
    let sources = sources_outside_settings();
    let unused: Vec<&str> = NAMES
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| {
            let reference = format!("settings::{name}");
            !sources.iter().any(|(_, text)| {
                text.match_indices(&reference).any(|(at, _)| {
                    let next = text[at + reference.len()..].chars().next();
                    !next.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                })
            })
        })
        .collect();
    assert!(
        unused.is_empty(),
        "rows of src/settings/table.rs nothing reads (remove them, or read them as \
         settings::NAME): {unused:?}"
    );
}

#[test]
fn rows_and_platform_variables_are_distinct() {
    let mut names: Vec<&str> = ALL
        .iter()
        .flat_map(|s| std::iter::once(s.env).chain(s.fallbacks.iter().copied()))
        .chain(PLATFORM.iter().flat_map(|p| p.names.iter().copied()))
        .collect();
    let count = names.len();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), count, "a variable is listed twice");
    for platform in PLATFORM.iter().flat_map(|p| p.names) {
        assert!(
            !platform.starts_with("SFCONNECT_"),
            "{platform} is a setting"
        );
    }
}

#[test]
fn clap_reads_exactly_the_variables_the_table_gives_it() {
    use clap::CommandFactory;
    let mut cmd = crate::cli::Cli::command();
    cmd.build();
    let mut read = Vec::new();
    let mut stack = vec![&cmd];
    while let Some(command) = stack.pop() {
        for arg in command.get_arguments() {
            if let Some(env) = arg.get_env() {
                let long = arg.get_long().map(|l| format!("--{l}"));
                read.push((env.to_string_lossy().into_owned(), long));
            }
        }
        stack.extend(command.get_subcommands());
    }
    read.sort();
    read.dedup();
    let mut expected: Vec<(String, Option<String>)> = ALL
        .iter()
        .filter(|s| s.read_by_clap)
        .map(|s| (s.env.to_string(), s.flag.map(String::from)))
        .collect();
    expected.sort();
    assert!(!expected.is_empty());
    assert_eq!(read, expected);
}

#[test]
fn the_scan_sees_names_as_code_writes_them() {
    assert_eq!(
        sfconnect_names("\"SFCONNECT_PORT\" $SFCONNECT_ALIAS, SFCONNECT_* SFCONNECT_STORE_="),
        ["SFCONNECT_PORT", "SFCONNECT_ALIAS", "SFCONNECT_STORE"]
    );
}
