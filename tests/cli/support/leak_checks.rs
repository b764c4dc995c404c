//! Checks that nothing secret escaped: no code or token the fake issued in
//! a text (stdout, stderr, a file), and nothing stored after a failed login.

use crate::support::Sandbox;

/// Asserts that no code, token or device code the fake issued is in `text`
/// (`what` names it in the failure).
#[track_caller]
pub fn assert_no_secret(sandbox: &Sandbox, text: &str, what: &str) {
    for secret in sandbox.fake.issued_secrets() {
        assert!(!text.contains(&secret), "{what} contains a secret: {text}");
    }
}

/// Nothing stored: no connection in the index, no secret in the store.
#[track_caller]
pub fn assert_nothing_stored(sandbox: &Sandbox) {
    let index = sandbox.config_dir().join("index.json");
    if index.exists() {
        assert!(
            sandbox.connections().is_empty(),
            "{:?}",
            sandbox.connections()
        );
    }
    let secrets =
        std::fs::read_to_string(sandbox.config_dir().join("secrets.json")).unwrap_or_default();
    for secret in sandbox.fake.issued_secrets() {
        assert!(!secrets.contains(&secret), "a secret was stored");
    }
}
