//! The per-connection lock: every command that reads a connection's secret in
//! order to write or delete it (a refresh, `migrate`, `revoke`, the revocation
//! of a replaced connection) holds it, so none acts on a refresh token that
//! another has just rotated away. And nobody waits for it without end.
//!
//! Each race is set up by construction: the fake Salesforce has handled a
//! `token --fresh` refresh (and rotated the token) but holds its answer, the
//! other command is started and the test waits until that command is blocked
//! on the lock (or has finished, which is the bug), then lets the answer go.

use crate::support::Sandbox;
use crate::support::fake_salesforce::{DEFAULT_USER_ID, FAKE_CLIENT_ID};
use crate::support::live::Live;
use crate::support::locks::wait_until_waiting_for;
use std::process::Command;

/// A sandbox with one connection, `prod`, whose refresh tokens rotate.
fn rotating() -> Sandbox {
    let sandbox = Sandbox::new();
    sandbox.fake.knobs().rotate_refresh_tokens = true;
    sandbox.link(&["--alias", "prod"]).expect(0);
    sandbox
}

/// Starts `args`, waits until it is blocked on the lock of `prod` (or has
/// exited: the bug these tests catch), and returns it running.
fn start_and_wait_for_lock(sandbox: &Sandbox, cmd: Command) -> Live {
    let lock = sandbox.connection_lock("prod");
    let mut live = Live::start(cmd);
    let pid = live.pid();
    wait_until_waiting_for(pid, &lock, || live.has_exited());
    live
}

fn live_refresh_tokens(sandbox: &Sandbox) -> Vec<String> {
    sandbox
        .fake
        .live_refresh_tokens(DEFAULT_USER_ID, FAKE_CLIENT_ID)
}

fn keyctl_session_works() -> bool {
    Command::new("keyctl")
        .args(["session", "-", "true"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `args` run inside the named kernel session keyring (`keyctl session`
/// execs the command, so the pid is sfconnect's).
fn in_keyring(sandbox: &Sandbox, session: &str, args: &[&str]) -> Command {
    let template = sandbox.command(args);
    let mut cmd = Command::new("keyctl");
    cmd.args(["session", session])
        .arg(template.get_program())
        .args(args)
        .env_clear();
    for (key, value) in template.get_envs() {
        if let Some(value) = value {
            cmd.env(key, value);
        }
    }
    cmd
}

#[test]
fn a_refresh_during_migrate_is_moved_and_no_rotated_token_is_reused() {
    if !keyctl_session_works() {
        assert!(
            std::env::var("SFCONNECT_TEST_REQUIRE_KEYUTILS").as_deref() != Ok("1"),
            "SFCONNECT_TEST_REQUIRE_KEYUTILS=1 but keyctl (keyutils) cannot make a session keyring"
        );
        eprintln!("SKIPPED: keyctl (keyutils) cannot make a session keyring here");
        return;
    }
    let sandbox = rotating();
    let session = format!("sfconnect-locks-{}", std::process::id());
    let id = sandbox.id_of("prod");
    let gate = sandbox.fake.hold_refresh_answers();
    let refresh = Live::start(in_keyring(
        &sandbox,
        &session,
        &["token", "prod", "--fresh"],
    ));
    // The fake has rotated the refresh token; only this process knows the new one.
    gate.wait_until_holding(1);
    let migrate = start_and_wait_for_lock(
        &sandbox,
        in_keyring(&sandbox, &session, &["migrate", "prod", "--to", "keyutils"]),
    );
    gate.open();
    refresh.finish().expect(0);
    migrate.finish().expect(0);
    assert_eq!(sandbox.connection("prod")["store"], "keyutils");
    assert!(
        sandbox.stored_tokens(&id).is_none(),
        "nothing is left behind in the old store"
    );

    let again = crate::support::run_command(
        in_keyring(&sandbox, &session, &["token", "prod", "--fresh"]),
        None,
    );
    again.expect(0);
    assert!(
        !sandbox.fake.rotated_token_reused(),
        "a rotated refresh token was presented again"
    );
    assert_eq!(live_refresh_tokens(&sandbox).len(), 1);
    crate::support::run_command(in_keyring(&sandbox, &session, &["revoke", "prod"]), None)
        .expect(0);
}

#[test]
fn a_revoke_racing_a_refresh_leaves_no_live_refresh_token_anywhere() {
    let sandbox = rotating();
    let id = sandbox.id_of("prod");
    let gate = sandbox.fake.hold_refresh_answers();
    let refresh = Live::start(sandbox.command(&["token", "prod", "--fresh"]));
    gate.wait_until_holding(1);
    let revoke = start_and_wait_for_lock(&sandbox, sandbox.command(&["revoke", "prod"]));
    gate.open();
    refresh.finish().expect(0);
    let run = revoke.finish().expect(0);
    assert_eq!(run.stdout, "revoked prod\n", "{run:#?}");
    assert!(
        live_refresh_tokens(&sandbox).is_empty(),
        "a refresh token is still live at Salesforce"
    );
    assert!(sandbox.connections().is_empty());
    assert!(
        sandbox.stored_tokens(&id).is_none(),
        "a secret is left in the store"
    );
}

#[test]
fn a_refresh_that_waited_for_a_revoke_refreshes_nothing() {
    let sandbox = rotating();
    let gate = sandbox.fake.hold_answers("/services/oauth2/revoke", None);
    let revoke = Live::start(sandbox.command(&["revoke", "prod"]));
    gate.wait_until_holding(1);
    let refresh = start_and_wait_for_lock(&sandbox, sandbox.command(&["token", "prod", "--fresh"]));
    gate.open();
    revoke.finish().expect(0);
    let run = refresh.finish().expect(3);
    assert!(run.stdout.is_empty(), "{run:#?}");
    run.says(&["prod", "while"]);
    assert_eq!(sandbox.fake.token_requests("refresh_token"), 0);
    assert!(live_refresh_tokens(&sandbox).is_empty());
}

#[test]
fn a_relink_revokes_the_token_a_racing_refresh_rotated() {
    let sandbox = rotating();
    let old_id = sandbox.id_of("prod");
    let gate = sandbox.fake.hold_refresh_answers();
    let refresh = Live::start(sandbox.command(&["token", "prod", "--fresh"]));
    gate.wait_until_holding(1);
    // The same user, org and app: the new connection replaces the old one
    // and revokes its refresh token.
    let url = sandbox.fake.url();
    let relink = start_and_wait_for_lock(
        &sandbox,
        sandbox.command(&crate::support::link_args(&url, &["--alias", "prod"])),
    );
    gate.open();
    refresh.finish();
    let run = relink.finish().expect(0);
    run.says(&["revoked at Salesforce"]);
    let new_id = sandbox.id_of("prod");
    assert_ne!(new_id, old_id);
    assert!(sandbox.stored_tokens(&old_id).is_none(), "old secret kept");
    let retired = sandbox.index()["retired"].clone();
    assert!(
        retired.as_array().is_none_or(Vec::is_empty),
        "nothing waits to be revoked: {retired}"
    );
    let live = live_refresh_tokens(&sandbox);
    let current = sandbox.refresh_token("prod");
    assert_eq!(
        live,
        vec![current],
        "only the new connection's token is live"
    );
}

#[test]
fn a_held_lock_ends_the_wait_with_5_naming_the_holder() {
    let mut sandbox = rotating();
    // Held by another sfconnect: a refresh whose answer the fake holds.
    let gate = sandbox.fake.hold_refresh_answers();
    let holder = Live::start(sandbox.command(&["token", "prod", "--fresh"]));
    gate.wait_until_holding(1);
    sandbox.set_env("SFCONNECT_LOCK_TIMEOUT", "2");
    let run = sandbox.run(&["token", "prod", "--fresh"]).expect(5);
    let holder_pid = format!("pid {}", holder.pid());
    run.says(&[&holder_pid, "2 s", "SFCONNECT_LOCK_TIMEOUT"]);
    assert_eq!(
        run.stderr.lines().filter(|l| l.contains("error:")).count(),
        1,
        "{run:#?}"
    );
    assert!(run.stdout.is_empty());
    gate.open();
    holder.finish().expect(0);
    assert_eq!(sandbox.fake.token_requests("refresh_token"), 1);

    // Held by a process that is not sfconnect (here: this test).
    let path = sandbox.connection_lock("prod");
    let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    file.lock().unwrap();
    let run = sandbox.run(&["revoke", "prod"]).expect(5);
    assert!(
        run.stderr.contains(&format!("pid {}", std::process::id())),
        "{run:#?}"
    );
    assert_eq!(sandbox.fake.count("POST", "/services/oauth2/revoke"), 0);
    assert_eq!(sandbox.connections().len(), 1, "nothing was changed");
    drop(file);
    sandbox.run(&["token", "prod", "--fresh"]).expect(0);

    sandbox.set_env("SFCONNECT_LOCK_TIMEOUT", "soon");
    sandbox
        .run(&["token", "prod", "--fresh"])
        .expect_error(2, &["SFCONNECT_LOCK_TIMEOUT"]);
}

#[test]
fn doctor_clean_leaves_the_secret_of_a_link_whose_entry_is_not_written_yet() {
    let sandbox = Sandbox::new();
    // Holding the index lock stops `link` between storing its secret and
    // writing its entry: the secret looks orphaned.
    std::fs::create_dir_all(sandbox.config_dir()).unwrap();
    let index_lock = sandbox.config_dir().join("index.json.lock");
    let held = std::fs::File::create(&index_lock).unwrap();
    held.lock().unwrap();
    let url = sandbox.fake.url();
    let mut link =
        Live::start(sandbox.command(&crate::support::link_args(&url, &["--alias", "prod"])));
    let pid = link.pid();
    assert!(
        wait_until_waiting_for(pid, &index_lock, || link.has_exited()),
        "link ended before writing its entry"
    );
    let secrets: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(sandbox.config_dir().join("secrets.json")).unwrap(),
    )
    .unwrap();
    let ids: Vec<&String> = secrets["secrets"].as_object().unwrap().keys().collect();
    assert_eq!(ids.len(), 1, "{secrets}");
    let own_lock = sandbox
        .config_dir()
        .join("locks")
        .join(format!("{}.lock", ids[0]));

    let mut doctor = Live::start(sandbox.command(&["doctor", "--clean", "--json"]));
    let doctor_pid = doctor.pid();
    let started = std::time::Instant::now();
    while !(crate::support::locks::is_waiting_for(doctor_pid, &own_lock)
        || crate::support::locks::is_waiting_for(doctor_pid, &index_lock)
        || doctor.has_exited())
    {
        assert!(started.elapsed() < std::time::Duration::from_secs(60));
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    drop(held);
    link.finish().expect(0);
    let report = doctor.finish();
    let removed = &report.json()["orphans"][0]["removed"];
    assert_eq!(removed, &serde_json::json!([]), "{report:#?}");
    let id = sandbox.id_of("prod");
    assert!(
        sandbox.stored_tokens(&id).is_some(),
        "the new secret was deleted"
    );
    sandbox.run(&["token", "prod", "--fresh"]).expect(0);
}

#[test]
fn an_id_edited_into_a_path_names_no_lock_file() {
    let sandbox = Sandbox::linked("prod");
    let path = sandbox.config_dir().join("index.json");
    let mut index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    index["connections"][0]["id"] = "../../escaped".into();
    std::fs::write(&path, index.to_string()).unwrap();
    sandbox
        .run(&["token", "prod", "--fresh"])
        .expect_error(2, &["its id \"../../escaped\"", "--local-only"]);
    let outside = sandbox.config_dir().join("locks/../../escaped.lock");
    assert!(!outside.exists(), "a lock file was made outside locks/");
    assert_eq!(sandbox.fake.token_requests("refresh_token"), 0);
    sandbox.run(&["revoke", "prod", "--local-only"]).expect(0);
    assert!(sandbox.connections().is_empty());
}
