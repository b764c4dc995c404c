//! `sfconnect config`: repairing a file that fails validation, the values
//! `config list` shows, and settings from the environment that are wrong.

use crate::support::Sandbox;
use serde_json::Value;

fn write_config(sandbox: &Sandbox, text: &str) {
    std::fs::create_dir_all(sandbox.config_dir()).unwrap();
    std::fs::write(sandbox.config_dir().join("config.toml"), text).unwrap();
}

/// The error for a bad value says to fix it with `config set` or `config
/// unset`; both must then work on that file.
#[test]
fn config_set_and_unset_repair_a_file_that_fails_validation() {
    let sandbox = Sandbox::new();
    write_config(&sandbox, "timeout = 0\nport = \"1718\"\n");
    let run = sandbox.run(&["config", "list"]).expect(2);
    assert!(run.stderr.contains("config set"), "{}", run.stderr);

    let run = sandbox.run(&["config", "set", "timeout", "60"]).expect(0);
    assert!(!run.stderr.contains("error"), "{}", run.stderr);
    assert_eq!(
        sandbox.run(&["config", "get", "timeout"]).expect(0).stdout,
        "60\n"
    );
    assert_eq!(
        sandbox.run(&["config", "get", "port"]).expect(0).stdout,
        "1718\n",
        "the other settings are kept"
    );

    write_config(&sandbox, "timeout = 0\n");
    sandbox.run(&["config", "unset", "timeout"]).expect(0);
    sandbox.run(&["config", "list"]).expect(0);

    // A setting sfconnect does not know can be removed too.
    write_config(&sandbox, "colour = \"red\"\n");
    sandbox.run(&["config", "list"]).expect(2);
    sandbox.run(&["config", "unset", "colour"]).expect(0);
    sandbox.run(&["config", "list"]).expect(0);

    // Changing one setting of a file with two bad ones says what is left.
    write_config(&sandbox, "timeout = 0\nport = \"http\"\n");
    let run = sandbox.run(&["config", "set", "timeout", "60"]).expect(0);
    assert!(
        run.stderr.contains("still") && run.stderr.contains("port"),
        "{}",
        run.stderr
    );
    // The value being set is still checked.
    sandbox.run(&["config", "set", "timeout", "0"]).expect(2);
}

/// Each setting shows the value in effect, also when it is the built-in
/// default, marked as such.
#[test]
fn config_list_shows_the_default_values() {
    let mut sandbox = Sandbox::new();
    sandbox.set_env("SFCONNECT_STORE", "");
    let run = sandbox.run(&["config", "list"]).expect(0);
    assert!(!run.stdout.contains("(default)"), "{}", run.stdout);
    for (key, value) in [
        ("client-id", "PlatformCLI"),
        ("port", "1717"),
        ("login-url", "https://login.salesforce.com"),
        ("scopes", "refresh_token api web"),
        ("store", "keychain"),
        ("timeout", "300"),
    ] {
        let line = run
            .stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(key))
            .unwrap_or_else(|| panic!("no {key}: {}", run.stdout));
        assert!(line.contains(value), "{line}");
        assert!(line.ends_with("[default]"), "{line}");
    }
    let list = sandbox.run(&["config", "list", "--json"]).expect(0).json();
    let timeout = find(&list, "timeout");
    assert_eq!(timeout["value"], "300");
    assert_eq!(timeout["source"], "default");

    // The default scopes follow the client id in effect.
    sandbox
        .run(&["config", "set", "client-id", "3MVG9own"])
        .expect(0);
    let list = sandbox.run(&["config", "list", "--json"]).expect(0).json();
    let scopes = find(&list, "scopes")["value"].as_str().unwrap().to_string();
    assert!(scopes.contains("offline_access"), "{scopes}");
}

fn find<'a>(list: &'a Value, key: &str) -> &'a Value {
    list["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == key)
        .unwrap()
}

/// SFCONNECT_STORE=bogus is the variable's fault, not a --store flag's, and
/// `config list` says it is wrong.
#[test]
fn a_bad_sfconnect_store_is_named_as_the_variable() {
    let mut sandbox = Sandbox::new();
    sandbox.set_env("SFCONNECT_STORE", "bogus");
    let run = sandbox.link(&[]).expect(2);
    assert!(run.stderr.contains("SFCONNECT_STORE"), "{}", run.stderr);
    assert!(!run.stderr.contains("--store <STORE>"), "{}", run.stderr);
    assert_eq!(sandbox.fake.requests().len(), 0, "no login started");

    let run = sandbox.run(&["config", "list"]).expect(2);
    let line = run.stdout.lines().find(|l| l.starts_with("store")).unwrap();
    assert!(line.contains("bogus") && line.contains("INVALID"), "{line}");
    assert!(run.stderr.contains("SFCONNECT_STORE"), "{}", run.stderr);
    let run = sandbox.run(&["config", "list", "--json"]).expect(2);
    assert!(find(&run.json(), "store")["error"].is_string());

    // A --store flag still beats it.
    sandbox
        .link(&["--alias", "ok", "--store", "file"])
        .expect(0);
}
