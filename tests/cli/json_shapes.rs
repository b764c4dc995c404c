//! The documented JSON shapes, pinned: each test runs the command against
//! the fake and compares the field names of every object in its output, at
//! every nesting level, with the literal lists below. Renaming, adding or
//! dropping a field fails here, whichever struct of `src/report.rs` it
//! comes from.
//!
//! These lists are the single source of each shape's field names: a test
//! of the documentation (docs/json.md) takes `SHAPES` and `object_keys`
//! and compares each documented example with them.

use crate::support::Sandbox;
use crate::support::headless::{JWT_CLIENT_ID, jwt_link, key_file, register_jwt_app};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// A JSON document's field names: for each object in it, by its path (`""`
/// the document itself, `name` a field, `[]` every element of an array),
/// its keys in sorted order.
pub struct Shape {
    /// The command that prints it, as the documentation heads it.
    pub command: &'static str,
    pub objects: &'static [(&'static str, &'static [&'static str])],
}

const CONNECTION: &[&str] = &[
    "alias",
    "app_name",
    "client_id",
    "created_at",
    "health",
    "id",
    "instance_url",
    "kind",
    "last_refreshed_at",
    "last_used_at",
    "login_url",
    "org_id",
    "scopes",
    "store",
    "user_id",
    "username",
];

pub const TOKENS_LIST: Shape = Shape {
    command: "sfconnect tokens list --json",
    objects: &[
        ("", &["connections", "version"]),
        ("connections[]", CONNECTION),
        ("connections[].health", &["checked_at", "detail", "status"]),
    ],
};

/// Right after linking: a connection before Salesforce has given a verdict
/// on it or named the app (`health` and `app_name` are absent until then).
pub const LINK: Shape = Shape {
    command: "sfconnect link --json",
    objects: &[(
        "",
        &[
            "alias",
            "client_id",
            "created_at",
            "id",
            "instance_url",
            "kind",
            "last_refreshed_at",
            "last_used_at",
            "login_url",
            "org_id",
            "scopes",
            "store",
            "user_id",
            "username",
        ],
    )],
};

/// Right after an import: the shape of `link --json`, kind `imported`.
pub const IMPORT: Shape = Shape {
    command: "sfconnect import --json",
    objects: LINK.objects,
};

pub const TOKEN: Shape = Shape {
    command: "sfconnect token --format json",
    objects: &[(
        "",
        &[
            "access_token",
            "alias",
            "instance_url",
            "issued_at",
            "org_id",
            "username",
        ],
    )],
};

pub const REVOKE: Shape = Shape {
    command: "sfconnect revoke --json",
    objects: &[
        ("", &["results", "version"]),
        ("results[]", &["alias", "detail", "outcome"]),
    ],
};

pub const TOKENS_CHECK: Shape = Shape {
    command: "sfconnect tokens check --json",
    objects: &[
        ("", &["results", "version"]),
        ("results[]", &["alias", "checked_at", "detail", "status"]),
    ],
};

pub const TOKENS_APPROVALS: Shape = Shape {
    command: "sfconnect tokens approvals --json",
    objects: &[
        (
            "",
            &[
                "alias",
                "app_name",
                "approvals",
                "available",
                "count",
                "limit",
                "version",
            ],
        ),
        (
            "approvals[]",
            &["created_at", "last_used_at", "this_connection", "use_count"],
        ),
    ],
};

pub const TOKENS_APPROVALS_UNAVAILABLE: Shape = Shape {
    command: "sfconnect tokens approvals --json",
    objects: &[("", &["alias", "available", "reason", "version"])],
};

/// A connection that holds no approval (JWT bearer, client credentials):
/// nothing to count, a note instead.
pub const TOKENS_APPROVALS_NOT_USED: Shape = Shape {
    command: "sfconnect tokens approvals --json",
    objects: &[("", &["alias", "kind", "note", "uses_approval", "version"])],
};

pub const CONFIG_LIST: Shape = Shape {
    command: "sfconnect config list --json",
    objects: &[
        ("", &["file", "settings", "version"]),
        ("settings[]", &["key", "source", "value"]),
    ],
};

pub const DOCTOR: Shape = Shape {
    command: "sfconnect doctor --json",
    objects: &[
        (
            "",
            &[
                "config_dir",
                "findings",
                "leftover_temp_files",
                "link_would_work",
                "orphans",
                "sfconnect_version",
                "version",
            ],
        ),
        ("findings[]", &["blocks_link", "detail", "ok", "topic"]),
        ("orphans[]", &["ids", "removed", "store"]),
    ],
};

/// Every documented shape.
pub const SHAPES: &[&Shape] = &[
    &TOKENS_LIST,
    &LINK,
    &IMPORT,
    &TOKEN,
    &REVOKE,
    &TOKENS_CHECK,
    &TOKENS_APPROVALS,
    &TOKENS_APPROVALS_UNAVAILABLE,
    &TOKENS_APPROVALS_NOT_USED,
    &CONFIG_LIST,
    &DOCTOR,
];

/// The keys of every object in `value`, by path; the elements of an array
/// share one path, so their keys are merged.
pub fn object_keys(value: &Value) -> BTreeMap<String, BTreeSet<String>> {
    fn walk(value: &Value, path: String, out: &mut BTreeMap<String, BTreeSet<String>>) {
        match value {
            Value::Object(map) => {
                out.entry(path.clone())
                    .or_default()
                    .extend(map.keys().cloned());
                for (key, child) in map {
                    let child_path = if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    walk(child, child_path, out);
                }
            }
            Value::Array(items) => {
                for item in items {
                    walk(item, format!("{path}[]"), out);
                }
            }
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    walk(value, String::new(), &mut out);
    out
}

#[track_caller]
fn assert_shape(json: &Value, shape: &Shape) {
    let expected: BTreeMap<String, BTreeSet<String>> = shape
        .objects
        .iter()
        .map(|(path, keys)| {
            (
                path.to_string(),
                keys.iter().map(|k| k.to_string()).collect(),
            )
        })
        .collect();
    assert_eq!(
        object_keys(json),
        expected,
        "{}: the field names changed; output: {json:#}",
        shape.command
    );
}

/// Linked, with the app's name learnt (by `link`'s approval count) and a
/// verdict recorded (by `tokens check`).
fn linked_and_checked() -> Sandbox {
    let sandbox = Sandbox::linked("prod");
    sandbox.run(&["tokens", "check"]).expect(0);
    sandbox
}

#[test]
fn tokens_list() {
    let sandbox = linked_and_checked();
    let json = sandbox.run(&["tokens", "list", "--json"]).expect(0).json();
    assert_shape(&json, &TOKENS_LIST);
}

#[test]
fn link() {
    let sandbox = Sandbox::new();
    let json = sandbox
        .link(&["--alias", "prod", "--json"])
        .expect(0)
        .json();
    assert_shape(&json, &LINK);
}

#[test]
fn import() {
    let laptop = Sandbox::linked("prod");
    let url = laptop
        .run(&["export", "prod", "--format", "sfdx-url"])
        .expect(0)
        .stdout;
    let machine = Sandbox::sharing(&laptop);
    let json = machine
        .run_with_stdin(&["import", "--alias", "ci", "--json"], &url)
        .expect(0)
        .json();
    assert_eq!(json["kind"], "imported");
    assert_shape(&json, &IMPORT);
}

#[test]
fn token_json_and_format_json() {
    let sandbox = linked_and_checked();
    for args in [
        &["token", "prod", "--json"][..],
        &["token", "prod", "--format", "json"],
    ] {
        let json = sandbox.run(args).expect(0).json();
        assert_shape(&json, &TOKEN);
    }
}

#[test]
fn revoke() {
    let sandbox = linked_and_checked();
    let json = sandbox.run(&["revoke", "prod", "--json"]).expect(0).json();
    assert_shape(&json, &REVOKE);
}

#[test]
fn tokens_check() {
    let sandbox = linked_and_checked();
    let json = sandbox.run(&["tokens", "check", "--json"]).expect(0).json();
    assert_shape(&json, &TOKENS_CHECK);
}

#[test]
fn tokens_approvals_counted_and_refused() {
    let sandbox = linked_and_checked();
    let json = sandbox
        .run(&["tokens", "approvals", "prod", "--json"])
        .expect(0)
        .json();
    assert_shape(&json, &TOKENS_APPROVALS);
    sandbox.fake.knobs().forbid_oauth_token_query = true;
    let json = sandbox
        .run(&["tokens", "approvals", "prod", "--json"])
        .expect(0)
        .json();
    assert_shape(&json, &TOKENS_APPROVALS_UNAVAILABLE);
}

#[test]
fn tokens_approvals_of_a_jwt_connection() {
    let sandbox = Sandbox::new();
    register_jwt_app(&sandbox.fake, JWT_CLIENT_ID, "rsa2048-pkcs8.crt");
    let key = key_file(&sandbox, "rsa2048-pkcs8.pem", 0o600);
    let url = sandbox.fake.url();
    let key = key.display().to_string();
    sandbox
        .run(&jwt_link(&url, &["--key-file", &key, "--alias", "ci"]))
        .expect(0);
    let json = sandbox
        .run(&["tokens", "approvals", "ci", "--json"])
        .expect(0)
        .json();
    assert_shape(&json, &TOKENS_APPROVALS_NOT_USED);
}

#[test]
fn config_list() {
    let sandbox = Sandbox::new();
    sandbox
        .run(&["config", "set", "client-id", "3MVG9fromfile"])
        .expect(0);
    let json = sandbox.run(&["config", "list", "--json"]).expect(0).json();
    assert_shape(&json, &CONFIG_LIST);
}

#[test]
fn doctor() {
    let mut sandbox = linked_and_checked();
    sandbox.set_env("SFCONNECT_PORT", "0");
    let json = sandbox.run(&["doctor", "--json"]).expect(0).json();
    assert!(
        !json["orphans"].as_array().unwrap().is_empty(),
        "the file store lists its entries, so its orphans are reported: {json:#}"
    );
    assert_shape(&json, &DOCTOR);
}

/// The lists read like the output they pin: sorted, the document first.
#[test]
fn every_shape_list_is_sorted_and_starts_at_the_document() {
    for shape in SHAPES {
        assert_eq!(
            shape.objects.first().map(|o| o.0),
            Some(""),
            "{}",
            shape.command
        );
        for (path, keys) in shape.objects {
            let mut sorted = keys.to_vec();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(&sorted, keys, "{} {path:?}", shape.command);
        }
    }
}
