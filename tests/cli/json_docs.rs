//! docs/json.md held to the pinned shapes (issue 12: "the JSON section is
//! checked against those structs"). Every JSON example in docs/json.md sits
//! under the heading of the command that prints it (`## tokens list`); each
//! is parsed, and the field names of every object in it, at every nesting
//! level, must be those of a shape `json_shapes::SHAPES` pins for that
//! command, which the tests in json_shapes.rs run against the fake. A field
//! added to or dropped from either side fails here.

use crate::json_shapes::{SHAPES, Shape, object_keys};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Fields an example may show that the pinned run does not produce: each
/// appears only in a state that run does not reach. An example may show
/// them or leave them out; any other difference fails.
const OPTIONAL_IN_EXAMPLES: &[(&str, &str, &str)] = &[
    // Only JWT bearer connections have an audience; the pinned run links in
    // the browser.
    ("sfconnect tokens list --json", "connections[]", "audience"),
    ("sfconnect link --json", "", "audience"),
    // Only a connection in a vault has a vault path; the pinned run uses
    // the file store (tests/cli/vault.rs checks the field).
    (
        "sfconnect tokens list --json",
        "connections[]",
        "vault_path",
    ),
    // Only a setting from an environment variable with a bad value has an
    // error; the pinned run sets a good one in the file.
    ("sfconnect config list --json", "settings[]", "error"),
];

/// The heading a command's section has in docs/json.md: its words up to the
/// first flag, without `sfconnect` (`sfconnect tokens list --json` is
/// `tokens list`).
fn heading(shape: &Shape) -> String {
    shape
        .command
        .split_whitespace()
        .skip(1)
        .take_while(|word| !word.starts_with("--"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Each `## ` section's JSON examples, parsed, with the line each starts on.
fn examples_by_heading(text: &str) -> BTreeMap<String, Vec<(usize, Value)>> {
    let mut found: BTreeMap<String, Vec<(usize, Value)>> = BTreeMap::new();
    let mut section = String::new();
    let mut block: Option<(usize, String)> = None;
    for (i, line) in text.lines().enumerate() {
        match &mut block {
            Some((start, body)) => {
                if line.trim_start().starts_with("```") {
                    let value = serde_json::from_str(body).unwrap_or_else(|e| {
                        panic!("docs/json.md:{start}: the example is not JSON ({e}):\n{body}")
                    });
                    found
                        .entry(section.clone())
                        .or_default()
                        .push((*start, value));
                    block = None;
                } else {
                    body.push_str(line);
                    body.push('\n');
                }
            }
            None => {
                if let Some(title) = line.strip_prefix("## ") {
                    section = title.trim().to_string();
                } else if line.trim_start() == "```json" {
                    block = Some((i + 1, String::new()));
                }
            }
        }
    }
    assert!(block.is_none(), "docs/json.md: a JSON block is not closed");
    found
}

type Keys = BTreeMap<String, BTreeSet<String>>;

fn pinned(shape: &Shape) -> Keys {
    shape
        .objects
        .iter()
        .map(|(path, keys)| {
            (
                path.to_string(),
                keys.iter().map(|k| k.to_string()).collect(),
            )
        })
        .collect()
}

/// How a documented example's keys differ from a pinned shape's, one line
/// per object that differs; empty when they agree.
fn differences(shape: &Shape, example: &Value) -> Vec<String> {
    let mut documented = object_keys(example);
    for (command, path, field) in OPTIONAL_IN_EXAMPLES {
        if *command == shape.command
            && let Some(keys) = documented.get_mut(*path)
        {
            keys.remove(*field);
        }
    }
    let pinned = pinned(shape);
    let paths: BTreeSet<&String> = documented.keys().chain(pinned.keys()).collect();
    let empty = BTreeSet::new();
    let mut out = Vec::new();
    for path in paths {
        let doc = documented.get(path).unwrap_or(&empty);
        let pin = pinned.get(path).unwrap_or(&empty);
        let only_doc: Vec<&String> = doc.difference(pin).collect();
        let only_pin: Vec<&String> = pin.difference(doc).collect();
        if !only_doc.is_empty() || !only_pin.is_empty() {
            let place = if path.is_empty() {
                "the document"
            } else {
                path
            };
            out.push(format!(
                "at {place}: only documented {only_doc:?}, only pinned {only_pin:?}"
            ));
        }
    }
    out
}

/// Checks docs/json.md against `shapes`: every shape has an example that
/// matches it under its command's heading, and every example matches a
/// shape of its heading. The problems found, one per line.
fn check(text: &str, shapes: &[&Shape]) -> Vec<String> {
    let examples = examples_by_heading(text);
    let mut problems = Vec::new();
    for shape in shapes {
        let heading = heading(shape);
        let candidates = examples.get(&heading).map(Vec::as_slice).unwrap_or(&[]);
        if candidates.is_empty() {
            problems.push(format!(
                "{}: no JSON example under \"## {heading}\"",
                shape.command
            ));
            continue;
        }
        if !candidates
            .iter()
            .any(|(_, ex)| differences(shape, ex).is_empty())
        {
            let nearest = candidates
                .iter()
                .map(|(line, ex)| (line, differences(shape, ex)))
                .min_by_key(|(_, d)| d.len())
                .expect("not empty");
            problems.push(format!(
                "{}: no example under \"## {heading}\" has its fields; nearest, docs/json.md:{}: {}",
                shape.command,
                nearest.0,
                nearest.1.join("; ")
            ));
        }
    }
    for (section, found) in &examples {
        let own: Vec<&&Shape> = shapes.iter().filter(|s| heading(s) == *section).collect();
        for (line, example) in found {
            if !own.iter().any(|s| differences(s, example).is_empty()) {
                let why = own
                    .iter()
                    .map(|s| differences(s, example).join("; "))
                    .min_by_key(String::len)
                    .unwrap_or_else(|| "no pinned shape prints under this heading".into());
                problems.push(format!(
                    "docs/json.md:{line} (\"## {section}\"): matches no pinned shape: {why}"
                ));
            }
        }
    }
    problems
}

fn json_md() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/json.md");
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn every_documented_json_example_has_the_pinned_field_names() {
    let text = json_md();
    let problems = check(&text, SHAPES);
    assert!(
        problems.is_empty(),
        "docs/json.md and tests/cli/json_shapes.rs disagree:\n{}",
        problems.join("\n")
    );
    let examples: usize = examples_by_heading(&text).values().map(Vec::len).sum();
    assert!(
        examples >= SHAPES.len(),
        "the examples were found: {examples}"
    );
}

/// The check catches a field added or dropped on either side, at any
/// level, and an example under no command's heading.
#[test]
fn a_field_added_or_dropped_on_either_side_is_caught() {
    const SHAPE: Shape = Shape {
        command: "sfconnect revoke --json",
        objects: &[
            ("", &["results", "version"]),
            ("results[]", &["alias", "outcome"]),
        ],
    };
    const MORE: Shape = Shape {
        command: "sfconnect revoke --json",
        objects: &[
            ("", &["results", "version"]),
            ("results[]", &["alias", "detail", "outcome"]),
        ],
    };
    let doc = |results: &str| {
        format!(
            "# JSON\n\n## revoke\n\n```json\n{{\"version\": 1, \"results\": [{results}]}}\n```\n"
        )
    };
    let agreeing = doc(r#"{"alias": "uat", "outcome": "revoked"}"#);
    assert_eq!(check(&agreeing, &[&SHAPE]), Vec::<String>::new());
    // Added in the documentation, or dropped from the pinned shape.
    let added = doc(r#"{"alias": "uat", "outcome": "revoked", "detail": "x"}"#);
    let problems = check(&added, &[&SHAPE]);
    assert!(
        problems
            .iter()
            .any(|p| p.contains(r#"only documented ["detail"]"#)),
        "{problems:?}"
    );
    // Dropped from the documentation, or added to the pinned shape.
    let problems = check(&agreeing, &[&MORE]);
    assert!(
        problems
            .iter()
            .any(|p| p.contains(r#"only pinned ["detail"]"#)),
        "{problems:?}"
    );
    // At the document's level too.
    let problems = check(&agreeing.replace("\"version\": 1, ", ""), &[&SHAPE]);
    assert!(
        problems
            .iter()
            .any(|p| p.contains(r#"only pinned ["version"]"#)),
        "{problems:?}"
    );
    // An example under a heading no shape has, and a shape with no example.
    let problems = check(&agreeing.replace("## revoke", "## forget"), &[&SHAPE]);
    assert_eq!(problems.len(), 2, "{problems:?}");
}

#[test]
fn optional_fields_are_allowed_only_where_listed() {
    let connection = r#"{"version": 1, "connections": [{"alias": "ci", "audience": "https://login.salesforce.com"}]}"#;
    let value: Value = serde_json::from_str(connection).unwrap();
    const LIST: Shape = Shape {
        command: "sfconnect tokens list --json",
        objects: &[
            ("", &["connections", "version"]),
            ("connections[]", &["alias"]),
        ],
    };
    const OTHER: Shape = Shape {
        command: "sfconnect tokens check --json",
        objects: &[
            ("", &["connections", "version"]),
            ("connections[]", &["alias"]),
        ],
    };
    assert!(differences(&LIST, &value).is_empty());
    assert_eq!(differences(&OTHER, &value).len(), 1);
}

#[test]
fn headings_are_the_command_words() {
    let headings: Vec<String> = SHAPES.iter().map(|s| heading(s)).collect();
    for expected in ["tokens list", "link", "token", "tokens approvals", "doctor"] {
        assert!(headings.iter().any(|h| h == expected), "{headings:?}");
    }
}
