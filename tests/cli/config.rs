//! `sfconnect config` and where settings come from: set, get, unset and
//! list with their sources, precedence (flag, then environment, then file,
//! then default), repairing a file that fails validation, the values
//! `config list` shows, and settings from the environment that are wrong.

use crate::support::listener::{authorize_url, held_port};
use crate::support::{Run, Sandbox};
use serde_json::Value;
use std::collections::HashMap;

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
    sandbox
        .run(&["config", "list"])
        .expect_error(2, &["config set"]);

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
    run.says(&["still", "port"]);
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
    let run = sandbox.link(&[]).expect_error(2, &["SFCONNECT_STORE"]);
    assert!(!run.stderr.contains("--store <STORE>"), "{}", run.stderr);
    assert_eq!(sandbox.fake.requests().len(), 0, "no login started");

    let run = sandbox.run(&["config", "list"]).expect(2);
    let line = run.stdout.lines().find(|l| l.starts_with("store")).unwrap();
    assert!(line.contains("bogus") && line.contains("INVALID"), "{line}");
    run.says(&["SFCONNECT_STORE"]);
    let run = sandbox.run(&["config", "list", "--json"]).expect(2);
    assert!(find(&run.json(), "store")["error"].is_string());

    // A --store flag still beats it.
    sandbox
        .link(&["--alias", "ok", "--store", "file"])
        .expect(0);
}

#[test]
fn config_set_get_unset_and_list_sources() {
    let mut sandbox = Sandbox::new();
    sandbox
        .run(&["config", "set", "client-id", "3MVG9fromfile"])
        .expect(0);
    sandbox.run(&["config", "set", "timeout", "120"]).expect(0);
    assert_eq!(
        sandbox
            .run(&["config", "get", "client-id"])
            .expect(0)
            .stdout,
        "3MVG9fromfile\n"
    );
    let run = sandbox.run(&["config", "set", "colour", "red"]).expect(2);
    run.says(&["colour", "client-id"]);
    sandbox
        .run(&["config", "set", "store", "plaintext"])
        .expect_error(2, &["keychain, keyutils, file or vault"]);

    sandbox.set_env("SFCONNECT_STORE", "file");
    let list = sandbox.run(&["config", "list", "--json"]).expect(0).json();
    let source = |key: &str| {
        list["settings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["key"] == key)
            .unwrap()["source"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(source("client-id"), "config file");
    assert_eq!(source("store"), "env SFCONNECT_STORE");
    assert_eq!(source("scopes"), "default");

    sandbox.run(&["config", "unset", "client-id"]).expect(0);
    assert_eq!(
        sandbox
            .run(&["config", "get", "client-id"])
            .expect(0)
            .stdout,
        ""
    );
    let text = std::fs::read_to_string(sandbox.config_dir().join("config.toml")).unwrap();
    assert!(
        text.contains("timeout = 120") && !text.contains("client-id"),
        "{text}"
    );
}

/// The query of the authorize URL `link --no-browser` prints.
fn printed_authorize_url(run: &Run) -> HashMap<String, String> {
    url::Url::parse(&authorize_url(&run.stderr))
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

#[test]
fn precedence_is_flag_then_env_then_file_then_default() {
    let mut sandbox = Sandbox::new();
    let link = |sandbox: &Sandbox, extra: &[&str]| {
        let mut args = vec!["link", "--no-browser", "--timeout", "1"];
        args.extend_from_slice(extra);
        sandbox.run(&args).expect(7)
    };
    // client-id
    let run = link(&sandbox, &["--port", "0"]);
    assert_eq!(
        printed_authorize_url(&run)["client_id"],
        "PlatformCLI",
        "default"
    );
    sandbox
        .run(&["config", "set", "client-id", "3MVG9file"])
        .expect(0);
    assert_eq!(
        printed_authorize_url(&link(&sandbox, &["--port", "0"]))["client_id"],
        "3MVG9file"
    );
    sandbox.set_env("SFCONNECT_CLIENT_ID", "3MVG9env");
    assert_eq!(
        printed_authorize_url(&link(&sandbox, &["--port", "0"]))["client_id"],
        "3MVG9env"
    );
    let run = link(&sandbox, &["--port", "0", "--client-id", "3MVG9flag"]);
    assert_eq!(printed_authorize_url(&run)["client_id"], "3MVG9flag");

    // port: this test holds each configured port, so the link says which
    // one it tried (and no other process can take one in between).
    let (_file_holder, file_port) = held_port();
    let (_env_holder, env_port) = held_port();
    sandbox
        .run(&["config", "set", "port", &file_port.to_string()])
        .expect(0);
    let redirect = |run: &Run| printed_authorize_url(run)["redirect_uri"].clone();
    let tried = |run: Run, port: u16| {
        run.says(&[&format!("port {port} is in use")]);
    };
    tried(link(&sandbox, &[]), file_port);
    sandbox.set_env("SFCONNECT_PORT", &env_port.to_string());
    tried(link(&sandbox, &[]), env_port);
    let flagged = redirect(&link(&sandbox, &["--port", "0"]));
    assert!(!flagged.contains(&env_port.to_string()) && !flagged.contains(&file_port.to_string()));

    // scopes and login-url from the file; --sandbox on the command line wins.
    sandbox
        .run(&["config", "set", "scopes", "api refresh_token"])
        .expect(0);
    sandbox
        .run(&[
            "config",
            "set",
            "login-url",
            "https://acme.my.salesforce.com",
        ])
        .expect(0);
    let run = link(&sandbox, &["--port", "0"]);
    assert_eq!(printed_authorize_url(&run)["scope"], "api refresh_token");
    run.says(&["https://acme.my.salesforce.com/services/oauth2/authorize"]);
    let run = link(&sandbox, &["--port", "0", "--sandbox"]);
    run.says(&["https://test.salesforce.com/services/oauth2/authorize"]);

    // timeout from the file
    sandbox.run(&["config", "set", "timeout", "1"]).expect(0);
    sandbox
        .run(&["link", "--no-browser", "--port", "0"])
        .expect_error(7, &["within 1 second;"]);
}

#[test]
fn store_precedence_and_a_bad_config_file() {
    let mut sandbox = Sandbox::new();
    // The harness sets SFCONNECT_STORE=file, which beats the file's keychain.
    sandbox
        .run(&["config", "set", "store", "keychain"])
        .expect(0);
    sandbox.link(&["--alias", "a"]).expect(0);
    assert_eq!(sandbox.connection("a")["store"], "file");
    // A flag beats the environment: the keychain here is unreachable.
    sandbox.set_env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus");
    sandbox
        .link(&["--alias", "b", "--store", "keychain"])
        .expect_error(6, &["keychain"]);
    sandbox
        .link(&["--alias", "c", "--store", "plaintext"])
        .expect(2);

    std::fs::write(
        sandbox.config_dir().join("config.toml"),
        "port = \"http\"\n",
    )
    .unwrap();
    let run = sandbox.link(&[]).expect(2);
    run.says(&["port", "config.toml"]);
}
