//! Another local user delivers a valid code, for their own account, with
//! our `state` (read from the browser's command line): the listener
//! refuses it with 403 and keeps waiting, once with the sender's socket
//! kept open and once sent and closed at once (a closed socket shows uid 0
//! in /proc/net/tcp, which a root sfconnect must not take for its own). The
//! genuine callback then links our user.
//!
//! Delivering as another uid needs root (the CI runs tests as root); as
//! another user, the test says why it cannot run and stops.

use super::Waiting;
use crate::support::Sandbox;
use crate::support::fake_salesforce::FakeUser;
use crate::support::listener::{authorize_url, callback_address, target_of};
use std::process::{Command, Output};

const MALLORY: &str = "mallory@example.com";
/// A user the tests create when the system has no `nobody`.
const TEST_USER: &str = "sfconnect-test";

#[test]
fn another_users_callback_with_its_socket_open_is_refused_and_ours_links() {
    let Some(other) = other_user() else { return };
    let mut sandbox = Sandbox::new();
    let waiting = Waiting::start(&mut sandbox);
    let forged = mallorys_callback(&sandbox, &waiting);
    let delivered = deliver_as(other, &waiting, &forged, true);
    let said = String::from_utf8_lossy(&delivered.stdout);
    assert!(
        said.starts_with(&format!("uid {}\n", other.0)),
        "not delivered as uid {}: {said:?} {delivered:?}",
        other.0
    );
    assert!(said.contains("HTTP/1.1 403 Forbidden"), "{said}");
    assert!(said.contains("could not confirm"), "{said}");
    let stderr = waiting.live.wait_for("refused a login callback");
    assert!(
        stderr.contains(&format!("another local user (uid {})", other.0)),
        "{stderr}"
    );
    assert_eq!(sandbox.fake.token_requests("authorization_code"), 0);
    waiting.link_genuinely(&sandbox);
}

#[test]
fn another_users_callback_sent_and_closed_at_once_is_refused_and_ours_links() {
    let Some(other) = other_user() else { return };
    let mut sandbox = Sandbox::new();
    let waiting = Waiting::start(&mut sandbox);
    let forged = mallorys_callback(&sandbox, &waiting);
    let delivered = deliver_as(other, &waiting, &forged, false);
    assert!(delivered.status.success(), "{delivered:?}");
    let said = String::from_utf8_lossy(&delivered.stdout);
    assert_eq!(said, format!("uid {}\n", other.0), "{delivered:?}");
    let stderr = waiting.live.wait_for("refused a login callback");
    assert!(stderr.contains("closed the connection at once"), "{stderr}");
    assert_eq!(sandbox.fake.token_requests("authorization_code"), 0);
    waiting.link_genuinely(&sandbox);
}

/// An unprivileged (uid, gid) to run the delivering process as, or None
/// (with the reason printed) when this process cannot switch users.
fn other_user() -> Option<(u32, u32)> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!(
            "SKIPPED: not root, so no process can be run as another user here; run the tests as root (as the CI does) to exercise the other-user check"
        );
        return None;
    }
    if let Some(ids) = ids_of("nobody").or_else(|| ids_of(TEST_USER)) {
        return Some(ids);
    }
    let made = Command::new("useradd")
        .args([
            "--system",
            "--no-create-home",
            "--shell",
            "/bin/false",
            TEST_USER,
        ])
        .status()
        .expect("useradd runs");
    assert!(made.success(), "cannot create the user {TEST_USER}");
    Some(ids_of(TEST_USER).expect("the user just created"))
}

fn ids_of(user: &str) -> Option<(u32, u32)> {
    let id = |flag: &str| -> Option<u32> {
        let out = Command::new("id").args([flag, user]).output().ok()?;
        String::from_utf8(out.stdout).ok()?.trim().parse().ok()
    };
    let (uid, gid) = (id("-u")?, id("-g")?);
    (uid != 0).then_some((uid, gid))
}

/// What the attacker holds: a valid callback for Mallory's own login,
/// started with our authorize URL (our `state`, challenge and redirect).
fn mallorys_callback(sandbox: &Sandbox, waiting: &Waiting) -> String {
    sandbox.fake.add_user(FakeUser {
        username: MALLORY.into(),
        user_id: "005000000000009AAA".into(),
        org_id: "00D000000000009EAA".into(),
        display_name: "Mallory".into(),
        email: MALLORY.into(),
    });
    let ours = authorize_url(&waiting.stderr);
    let hers = format!("{ours}&login_hint=mallory%40example.com");
    let callback = target_of(&callback_address(&hers));
    assert_ne!(callback, waiting.genuine);
    callback
}

/// Sends the callback from a shell running as `uid:gid`: with `keep_open`,
/// it then reads the answer (its socket stays open); without, it closes
/// the socket as soon as the request is written and exits. It prints its
/// uid first, to show who sent.
fn deliver_as((uid, gid): (u32, u32), waiting: &Waiting, target: &str, keep_open: bool) -> Output {
    let request = r#"printf 'GET %s HTTP/1.1\r\nHost: localhost:%s\r\n\r\n' "$TARGET" "$PORT" >&3"#;
    let then = if keep_open {
        "timeout 20 cat <&3"
    } else {
        "exec 3>&-"
    };
    let script =
        format!("echo \"uid $(id -u)\" && exec 3<>/dev/tcp/127.0.0.1/$PORT && {request} && {then}");
    Command::new("setpriv")
        .args([
            &format!("--reuid={uid}"),
            &format!("--regid={gid}"),
            "--clear-groups",
            "/bin/bash",
            "-c",
            &script,
        ])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("PORT", waiting.port.to_string())
        .env("TARGET", target)
        .current_dir("/")
        .output()
        .expect("setpriv runs")
}
