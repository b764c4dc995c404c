//! Where secrets live: the encrypted file store, the kernel keyring, keychain
//! timeouts, migrate, and doctor's verdicts.

use crate::support::Sandbox;
use std::os::unix::net::UnixListener;
use std::process::Command;

/// A D-Bus address whose listener accepts connections and never answers.
fn hung_bus(sandbox: &Sandbox) -> (UnixListener, String) {
    let path = sandbox.config_dir().with_file_name("hung-bus");
    let listener = UnixListener::bind(&path).unwrap();
    let accepting = listener.try_clone().unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        while let Ok((stream, _)) = accepting.accept() {
            held.push(stream);
        }
    });
    (listener, format!("unix:path={}", path.display()))
}

#[test]
fn the_encrypted_file_store_needs_the_right_passphrase() {
    let mut sandbox = Sandbox::new();
    // Plain file: one warning that only file permissions protect it, even with -q.
    let plain = sandbox.link(&["--alias", "plain", "-q"]).expect(0);
    assert_eq!(
        plain
            .stderr
            .matches("protected only by the file's permissions")
            .count(),
        1,
        "{}",
        plain.stderr
    );
    sandbox.run(&["revoke", "plain"]).expect(0);
    std::fs::remove_file(sandbox.config_dir().join("secrets.json")).unwrap();

    sandbox.set_env("SFCONNECT_STORE_PASSPHRASE_CMD", "printf 'correct horse'");
    let run = sandbox.link(&["--alias", "ci"]).expect(0);
    assert!(!run.stderr.contains("protected only by"), "{}", run.stderr);
    let path = sandbox.config_dir().join("secrets.json");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("xchacha20poly1305") && text.contains("argon2id"),
        "{text}"
    );
    for secret in sandbox.fake.issued_secrets() {
        assert!(!text.contains(&secret), "a token is in the clear");
    }
    let token = sandbox.run(&["token", "ci"]).expect(0).stdout;
    assert_eq!(token.lines().count(), 1);

    let before = std::fs::read(&path).unwrap();
    sandbox.set_env("SFCONNECT_STORE_PASSPHRASE_CMD", "printf 'battery staple'");
    let run = sandbox.run(&["token", "ci", "--fresh"]).expect(6);
    assert!(run.stderr.contains("wrong passphrase"), "{}", run.stderr);
    let run = sandbox.run(&["revoke", "ci"]).expect(6);
    assert!(run.stderr.contains("cannot decrypt"), "{}", run.stderr);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the file is untouched"
    );
    assert_eq!(sandbox.connections().len(), 1, "nothing was forgotten");

    sandbox.set_env("SFCONNECT_STORE_PASSPHRASE_CMD", "exit 3");
    let run = sandbox.run(&["token", "ci"]).expect(6);
    assert!(
        run.stderr.contains("SFCONNECT_STORE_PASSPHRASE_CMD failed"),
        "{}",
        run.stderr
    );
    sandbox.set_env("SFCONNECT_STORE_PASSPHRASE_CMD", "");
    let run = sandbox.run(&["token", "ci"]).expect(6);
    assert!(run.stderr.contains("is encrypted"), "{}", run.stderr);
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_hung_keychain_times_out_with_6() {
    let mut sandbox = Sandbox::new();
    let (_bus, address) = hung_bus(&sandbox);
    sandbox.set_env("SFCONNECT_STORE", "keychain");
    sandbox.set_env("DBUS_SESSION_BUS_ADDRESS", &address);
    sandbox.set_env("SFCONNECT_KEYCHAIN_TIMEOUT", "1");
    let run = sandbox.link(&[]).expect(6);
    assert!(
        run.stderr.contains("did not answer within 1 second "),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("--store"),
        "names the ways out: {}",
        run.stderr
    );
    assert_eq!(sandbox.fake.requests().len(), 0, "no login was wasted");
}

fn keyctl_available() -> bool {
    Command::new("keyctl")
        .args(["session", "-", "true"])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn the_kernel_keyring_store_end_to_end() {
    if !keyctl_available() {
        eprintln!(
            "SKIPPED: keyctl (keyutils) is not installed or no session keyring can be made here"
        );
        return;
    }
    let mut sandbox = Sandbox::new();
    sandbox.set_env("SFCONNECT_STORE", "keyutils");
    // Every command joins one named session keyring, as one login session would.
    let session = format!("sfconnect-test-{}", std::process::id());
    let run = |args: &[&str]| {
        let mut cmd = Command::new("keyctl");
        let program = sandbox.command(args).get_program().to_owned();
        cmd.args(["session", &session]).arg(program).args(args);
        let template = sandbox.command(args);
        cmd.env_clear();
        for (k, v) in template.get_envs() {
            if let Some(v) = v {
                cmd.env(k, v);
            }
        }
        crate::support::run_command(cmd, None)
    };
    let url = sandbox.fake.url();
    let link = run(&[
        "link",
        "--login-url",
        &url,
        "--client-id",
        crate::support::fake_salesforce::FAKE_CLIENT_ID,
        "--port",
        "0",
        "--alias",
        "k",
    ]);
    let link = link.expect(0);
    assert!(link.stderr.contains("lost at reboot"), "{}", link.stderr);
    assert_eq!(sandbox.connection("k")["store"], "keyutils");
    assert!(!sandbox.config_dir().join("secrets.json").exists());
    run(&["token", "k", "--fresh"]).expect(0);
    run(&["revoke", "k"]).expect(0);
    assert!(sandbox.connections().is_empty());
}

#[test]
fn migrate_moves_the_secret_and_refuses_a_broken_target() {
    let mut sandbox = Sandbox::new();
    sandbox.link(&["--alias", "prod"]).expect(0);
    let id = sandbox.connection("prod")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let before = sandbox.stored_tokens(&id).unwrap();

    // A keychain that cannot be reached: nothing moves.
    sandbox.set_env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus");
    let run = sandbox
        .run(&["migrate", "prod", "--to", "keychain"])
        .expect(6);
    assert!(run.stderr.contains("keychain"), "{}", run.stderr);
    assert_eq!(sandbox.connection("prod")["store"], "file");
    assert_eq!(sandbox.stored_tokens(&id).unwrap(), before);

    sandbox.run(&["migrate", "prod", "--to", "vault"]).expect(2);
    sandbox.run(&["migrate", "nope", "--to", "file"]).expect(3);
    let run = sandbox.run(&["migrate", "prod", "--to", "file"]).expect(0);
    assert!(run.stderr.contains("already"), "{}", run.stderr);
}

#[test]
fn migrate_to_the_os_keychain_and_back() {
    let Ok(address) = std::env::var("DBUS_SESSION_BUS_ADDRESS") else {
        assert!(
            std::env::var("SFCONNECT_TEST_REQUIRE_KEYCHAIN").as_deref() != Ok("1"),
            "SFCONNECT_TEST_REQUIRE_KEYCHAIN=1 but no D-Bus session"
        );
        eprintln!("SKIPPED: no Secret Service here");
        return;
    };
    let mut sandbox = Sandbox::new();
    sandbox.set_env("DBUS_SESSION_BUS_ADDRESS", &address);
    sandbox.link(&["--alias", "prod"]).expect(0);
    let id = sandbox.connection("prod")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let run = sandbox
        .run(&["migrate", "prod", "--to", "keychain"])
        .expect(0);
    assert_eq!(run.stdout, "moved prod from file to keychain\n");
    assert_eq!(sandbox.connection("prod")["store"], "keychain");
    assert!(
        sandbox.stored_tokens(&id).is_none(),
        "deleted from the file"
    );
    sandbox.run(&["token", "prod", "--fresh"]).expect(0);
    sandbox.run(&["migrate", "prod", "--to", "file"]).expect(0);
    assert!(sandbox.stored_tokens(&id).is_some());
    sandbox.run(&["revoke", "prod"]).expect(0);
}

#[test]
fn doctor_in_a_healthy_and_in_broken_setups() {
    let mut sandbox = Sandbox::new();
    sandbox.set_env("SFCONNECT_PORT", "0");
    let run = sandbox.run(&["doctor"]).expect(0);
    assert!(run.stdout.contains("link would work"), "{}", run.stdout);
    assert!(run.stdout.contains("file") && run.stdout.contains("[default]"));
    let json = sandbox.run(&["doctor", "--json"]).expect(0).json();
    assert_eq!(json["version"], 1);
    assert_eq!(json["link_would_work"], true);
    assert!(
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["topic"] == "proxy")
    );

    // No bus, keychain as the default store.
    let mut no_bus = Sandbox::new();
    no_bus.set_env("SFCONNECT_STORE", "keychain");
    no_bus.set_env("SFCONNECT_PORT", "0");
    let run = no_bus.run(&["doctor"]).expect(6);
    assert!(run.stdout.contains("ERR keychain"), "{}", run.stdout);
    assert!(run.stdout.contains("D-Bus"), "{}", run.stdout);

    // A corrupt index.
    std::fs::create_dir_all(sandbox.config_dir()).unwrap();
    std::fs::write(sandbox.config_dir().join("index.json"), "{").unwrap();
    let run = sandbox.run(&["doctor"]).expect(1);
    assert!(run.stdout.contains("ERR index"), "{}", run.stdout);
    std::fs::remove_file(sandbox.config_dir().join("index.json")).unwrap();

    // A busy port.
    let holder = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = holder.local_addr().unwrap().port().to_string();
    sandbox.set_env("SFCONNECT_PORT", &port);
    let run = sandbox.run(&["doctor"]).expect(7);
    assert!(
        run.stdout.contains("ERR port") && run.stdout.contains(&port),
        "{}",
        run.stdout
    );
    // The blocker is the error's cause, shown only under -v.
    assert!(!run.stderr.contains("caused by"), "{}", run.stderr);
    let run = sandbox.run(&["doctor", "-v"]).expect(7);
    let error_line = run
        .stderr
        .lines()
        .position(|l| l.contains("sfconnect: error: sfconnect link would fail here"))
        .unwrap_or_else(|| panic!("{}", run.stderr));
    assert!(
        run.stderr
            .lines()
            .nth(error_line + 1)
            .is_some_and(|l| l.starts_with(&format!("caused by: {port}: in use"))),
        "{}",
        run.stderr
    );
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
    assert!(
        run.stderr.contains("colour") && run.stderr.contains("client-id"),
        "{}",
        run.stderr
    );
    let run = sandbox.run(&["config", "set", "store", "vault"]).expect(2);
    assert!(
        run.stderr.contains("keychain, keyutils or file"),
        "{}",
        run.stderr
    );

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

/// The authorize URL `link --no-browser` prints, parsed.
fn printed_authorize_url(run: &crate::support::Run) -> std::collections::HashMap<String, String> {
    let line = run
        .stderr
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("https://") || l.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL printed: {run:#?}"));
    url::Url::parse(line)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

/// A port this test holds until the listener is dropped.
fn held_port() -> (std::net::TcpListener, u16) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    (listener, port)
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
    let redirect = |run: &crate::support::Run| printed_authorize_url(run)["redirect_uri"].clone();
    let tried = |run: crate::support::Run, port: u16| {
        assert!(
            run.stderr.contains(&format!("port {port} is in use")),
            "{}",
            run.stderr
        );
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
    assert!(
        run.stderr
            .contains("https://acme.my.salesforce.com/services/oauth2/authorize"),
        "{}",
        run.stderr
    );
    let run = link(&sandbox, &["--port", "0", "--sandbox"]);
    assert!(
        run.stderr
            .contains("https://test.salesforce.com/services/oauth2/authorize"),
        "{}",
        run.stderr
    );

    // timeout from the file
    sandbox.run(&["config", "set", "timeout", "1"]).expect(0);
    let run = sandbox
        .run(&["link", "--no-browser", "--port", "0"])
        .expect(7);
    assert!(run.stderr.contains("within 1 second;"), "{}", run.stderr);
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
    let run = sandbox
        .link(&["--alias", "b", "--store", "keychain"])
        .expect(6);
    assert!(run.stderr.contains("keychain"), "{}", run.stderr);
    sandbox
        .link(&["--alias", "c", "--store", "vault"])
        .expect(2);

    std::fs::write(
        sandbox.config_dir().join("config.toml"),
        "port = \"http\"\n",
    )
    .unwrap();
    let run = sandbox.link(&[]).expect(2);
    assert!(
        run.stderr.contains("port") && run.stderr.contains("config.toml"),
        "{}",
        run.stderr
    );
}

/// Counts read as English: "1 connection", not "1 connections".
#[test]
fn doctor_counts_connections_in_english() {
    let mut sandbox = Sandbox::new();
    sandbox.set_env("SFCONNECT_PORT", "0");
    let run = sandbox.run(&["doctor"]).expect(0);
    assert!(run.stdout.contains("(0 connections)"), "{}", run.stdout);
    sandbox.link(&["--alias", "prod"]).expect(0);
    let run = sandbox.run(&["doctor"]).expect(0);
    assert!(run.stdout.contains("(1 connection)"), "{}", run.stdout);
}
