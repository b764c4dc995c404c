//! `sfconnect tokens list`: table, JSON, empty, and reading only the index.

use crate::support::Sandbox;
use crate::support::fake_salesforce::{DEFAULT_ORG_ID, DEFAULT_USERNAME};
use crate::support::users::bob_in_another_org;

#[test]
fn nothing_linked_is_an_empty_list() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["tokens", "list"]).expect(0);
    assert_eq!(run.stdout, "");
    run.says(&["No connections yet"]);
    let run = sandbox.run(&["tokens", "list", "--json"]).expect(0);
    assert_eq!(
        run.json(),
        serde_json::json!({"version": 1, "connections": []})
    );
    assert!(
        !sandbox.config_dir().join("index.json").exists(),
        "listing writes nothing"
    );
}

#[test]
fn table_and_json_are_sorted_by_alias() {
    let sandbox = Sandbox::linked("zeta");
    sandbox.fake.add_user(bob_in_another_org());
    sandbox.fake.set_current_user("bob@example.com.uat");
    sandbox.link(&["--alias", "alpha"]).expect(0);

    let run = sandbox.run(&["tokens", "list"]).expect(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    for column in [
        "ALIAS",
        "USERNAME",
        "ORG ID",
        "HOST",
        "KIND",
        "INSTANCE URL",
        "LINKED",
        "LAST USED",
    ] {
        assert!(lines[0].contains(column), "{}", lines[0]);
    }
    assert!(lines[1].starts_with("alpha ") && lines[1].contains("bob@example.com.uat"));
    assert!(lines[2].starts_with("zeta ") && lines[2].contains(DEFAULT_USERNAME));
    assert!(lines[2].contains(DEFAULT_ORG_ID) && lines[2].contains("custom"));
    assert!(lines[2].contains("never"), "not used yet: {}", lines[2]);

    let json = sandbox.run(&["tokens", "list", "--json"]).expect(0).json();
    assert_eq!(json["version"], 1);
    let connections = json["connections"].as_array().unwrap();
    assert_eq!(connections[0]["alias"], "alpha");
    assert_eq!(connections[1]["alias"], "zeta");
    let zeta = &connections[1];
    for key in [
        "alias",
        "username",
        "org_id",
        "user_id",
        "instance_url",
        "login_url",
        "client_id",
        "kind",
        "scopes",
        "created_at",
        "last_used_at",
    ] {
        assert!(zeta.get(key).is_some(), "missing {key}: {zeta}");
    }
    assert_eq!(zeta["kind"], "browser");
    assert!(
        zeta["scopes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "refresh_token")
    );
    let created = zeta["created_at"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(created).is_ok(),
        "{created}"
    );
    assert!(created.ends_with('Z'), "UTC: {created}");
    assert!(zeta["last_used_at"].is_null());
}

#[test]
fn listing_touches_neither_network_nor_keychain() {
    let mut sandbox = Sandbox::linked("prod");
    let seen = sandbox.fake.requests().len();
    sandbox.fake.knobs().fail_status = Some(503);
    // A keychain that cannot work must not matter either.
    sandbox.set_env("SFCONNECT_STORE", "keychain");
    sandbox.set_env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus");
    let run = sandbox.run(&["tokens", "list"]).expect(0);
    assert!(run.stdout.contains("prod"));
    assert_eq!(sandbox.fake.requests().len(), seen);
}

#[test]
fn a_corrupt_index_is_reported_and_kept() {
    let sandbox = Sandbox::new();
    std::fs::create_dir_all(sandbox.config_dir()).unwrap();
    let path = sandbox.config_dir().join("index.json");
    for bad in [
        "{\"version\": 1, \"connections\": [",
        "{\"version\": 2, \"connections\": []}",
    ] {
        std::fs::write(&path, bad).unwrap();
        for args in [
            vec!["tokens", "list"],
            vec!["revoke", "prod"],
            vec!["link", "--no-browser", "--port", "0", "--timeout", "1"],
        ] {
            sandbox.run(&args).expect_error(1, &["index.json"]);
            assert_eq!(
                std::fs::read_to_string(&path).unwrap(),
                bad,
                "{args:?} changed the file"
            );
        }
    }
    assert_eq!(sandbox.fake.requests().len(), 0);
}
