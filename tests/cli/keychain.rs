//! The real OS keychain (Secret Service on Linux): link, list and revoke
//! with the token checked in the keychain through `secret-tool`; and a clear
//! exit 6 when no keychain can be reached.
//!
//! Where no Secret Service runs, the round trip reports itself skipped;
//! with SFCONNECT_TEST_REQUIRE_KEYCHAIN=1 (as in CI) it fails instead.

use crate::support::Sandbox;
use std::process::Command;

pub(crate) fn secret_tool_lookup(id: &str) -> Option<String> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", "sfconnect", "username", id])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8(out.stdout).unwrap())
}

/// A sandbox whose store is the real keychain (this process's D-Bus
/// session), with `alias` linked there.
pub(crate) fn linked_on_the_keychain(alias: &str) -> Sandbox {
    let mut sandbox = Sandbox::new();
    sandbox.set_env("SFCONNECT_STORE", "keychain");
    sandbox.set_env(
        "DBUS_SESSION_BUS_ADDRESS",
        &std::env::var("DBUS_SESSION_BUS_ADDRESS").unwrap(),
    );
    sandbox.link(&["--alias", alias]).expect(0);
    sandbox
}

pub(crate) fn keychain_available() -> bool {
    std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
        && Command::new("secret-tool")
            .arg("--version")
            .output()
            .is_ok()
}

#[test]
fn link_list_revoke_through_the_os_keychain() {
    if !keychain_available() {
        assert!(
            std::env::var("SFCONNECT_TEST_REQUIRE_KEYCHAIN").as_deref() != Ok("1"),
            "SFCONNECT_TEST_REQUIRE_KEYCHAIN=1 but no Secret Service (DBUS_SESSION_BUS_ADDRESS, secret-tool)"
        );
        eprintln!("SKIPPED: no Secret Service here (set up as .ci/run does to run this test)");
        return;
    }
    let sandbox = linked_on_the_keychain("kc");
    let connection = sandbox.connections().remove(0);
    assert_eq!(connection["store"], "keychain");
    let id = connection["id"].as_str().unwrap();
    assert!(
        !sandbox.config_dir().join("secrets.json").exists(),
        "nothing secret outside the keychain"
    );
    let entry = secret_tool_lookup(id).expect("the entry is in the keychain");
    let tokens: serde_json::Value = serde_json::from_str(&entry).unwrap();
    let refresh = tokens["refresh_token"].as_str().unwrap();
    assert!(sandbox.fake.is_refresh_token_live(refresh));

    let list = sandbox.run(&["tokens", "list"]).expect(0);
    assert!(list.stdout.contains("kc"));

    sandbox.run(&["revoke", "kc"]).expect(0);
    assert!(!sandbox.fake.is_refresh_token_live(refresh));
    assert!(
        secret_tool_lookup(id).is_none(),
        "the keychain entry is deleted"
    );
    assert!(sandbox.connections().is_empty());
}

#[test]
fn an_unreachable_keychain_fails_before_the_browser_with_6() {
    let mut sandbox = Sandbox::new();
    sandbox.set_env("SFCONNECT_STORE", "keychain");
    sandbox.set_env(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/sfconnect-test-bus",
    );
    sandbox.link(&[]).expect_error(
        6,
        &[
            "keychain is unavailable",
            "D-Bus",
            "--store keyutils",
            "--store file",
        ],
    );
    assert_eq!(sandbox.fake.requests().len(), 0, "no login was wasted");
    assert!(!sandbox.config_dir().join("index.json").exists());
}
