//! Where secrets live: the encrypted file store, the kernel keyring, keychain
//! timeouts, and migrate between stores.

use crate::support::Sandbox;
#[cfg(target_os = "linux")]
use std::process::Command;

/// A D-Bus address whose listener accepts connections and never answers.
#[cfg(target_os = "linux")]
fn hung_bus(sandbox: &Sandbox) -> (std::os::unix::net::UnixListener, String) {
    use std::os::unix::net::UnixListener;
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
    sandbox
        .run(&["token", "ci", "--fresh"])
        .expect_error(6, &["wrong passphrase"]);
    sandbox
        .run(&["revoke", "ci"])
        .expect_error(6, &["cannot decrypt"]);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the file is untouched"
    );
    assert_eq!(sandbox.connections().len(), 1, "nothing was forgotten");

    sandbox.set_env("SFCONNECT_STORE_PASSPHRASE_CMD", "exit 3");
    sandbox
        .run(&["token", "ci"])
        .expect_error(6, &["SFCONNECT_STORE_PASSPHRASE_CMD failed"]);
    sandbox.set_env("SFCONNECT_STORE_PASSPHRASE_CMD", "");
    sandbox
        .run(&["token", "ci"])
        .expect_error(6, &["is encrypted"]);
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

/// The Secret Service is reached over D-Bus on Linux only.
#[cfg(target_os = "linux")]
#[test]
fn a_hung_keychain_times_out_with_6() {
    let mut sandbox = Sandbox::new();
    let (_bus, address) = hung_bus(&sandbox);
    sandbox.set_env("SFCONNECT_STORE", "keychain");
    sandbox.set_env("DBUS_SESSION_BUS_ADDRESS", &address);
    sandbox.set_env("SFCONNECT_KEYCHAIN_TIMEOUT", "1");
    sandbox
        .link(&[])
        .expect_error(6, &["did not answer within 1 second ", "--store"]);
    assert_eq!(sandbox.fake.requests().len(), 0, "no login was wasted");
}

#[cfg(target_os = "linux")]
fn keyctl_available() -> bool {
    Command::new("keyctl")
        .args(["session", "-", "true"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The kernel keyring (keyutils) is Linux's.
#[cfg(target_os = "linux")]
#[test]
fn the_kernel_keyring_store_end_to_end() {
    if !keyctl_available() {
        assert!(
            std::env::var("SFCONNECT_TEST_REQUIRE_KEYUTILS").as_deref() != Ok("1"),
            "SFCONNECT_TEST_REQUIRE_KEYUTILS=1 but keyctl cannot make a session keyring"
        );
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
    link.says(&["lost at reboot"]);
    assert_eq!(sandbox.connection("k")["store"], "keyutils");
    assert!(!sandbox.config_dir().join("secrets.json").exists());
    run(&["token", "k", "--fresh"]).expect(0);
    run(&["revoke", "k"]).expect(0);
    assert!(sandbox.connections().is_empty());
}

#[test]
fn migrate_moves_the_secret_and_refuses_a_broken_target() {
    let mut sandbox = Sandbox::linked("prod");
    let id = sandbox.id_of("prod");
    let before = sandbox.stored_tokens(&id).unwrap();

    // A keychain that cannot be reached: nothing moves.
    sandbox.set_env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus");
    sandbox
        .run(&["migrate", "prod", "--to", "keychain"])
        .expect_error(6, &["keychain"]);
    assert_eq!(sandbox.connection("prod")["store"], "file");
    assert_eq!(sandbox.stored_tokens(&id).unwrap(), before);

    sandbox
        .run(&["migrate", "prod", "--to", "plaintext"])
        .expect(2);
    sandbox.run(&["migrate", "nope", "--to", "file"]).expect(3);
    let run = sandbox.run(&["migrate", "prod", "--to", "file"]).expect(0);
    run.says(&["already"]);
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
    let id = sandbox.id_of("prod");
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
