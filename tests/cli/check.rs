//! `sfconnect tokens check`: each status (ok, blocked, unreachable, error,
//! revoked) with its exit code and JSON, and checks made in parallel.

use crate::support::Sandbox;
use crate::support::fake_salesforce::FakeUser;
use crate::support::live::Live;

#[test]
fn check_statuses_and_exit_codes() {
    let sandbox = Sandbox::linked("prod");

    let run = sandbox.run(&["tokens", "check", "--json"]).expect(0);
    let json = run.json();
    assert_eq!(json["version"], 1);
    assert_eq!(json["results"][0]["alias"], "prod");
    assert_eq!(json["results"][0]["status"], "ok");
    assert!(json["results"][0]["checked_at"].is_string());

    sandbox.fake.knobs().refresh_error = Some((
        400,
        "invalid_app_access".into(),
        "user is not admin approved to access this app".into(),
    ));
    // Blocked needs a person to act, as revoked does: exit 4, as `token`.
    let run = sandbox.run(&["tokens", "check", "--json"]).expect(4);
    assert_eq!(run.json()["results"][0]["status"], "blocked");
    assert!(
        run.json()["results"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("not admin approved")
    );
    assert!(
        sandbox
            .run(&["tokens", "list"])
            .expect(0)
            .stdout
            .contains("BLOCKED")
    );
    sandbox.fake.knobs().refresh_error = None;

    sandbox.fake.knobs().fail_status = Some(503);
    let run = sandbox
        .run(&["tokens", "check", "prod", "--json"])
        .expect(5);
    assert_eq!(run.json()["results"][0]["status"], "unreachable");
    sandbox.fake.knobs().fail_status = None;

    sandbox.fake.knobs().refresh_error =
        Some((400, "inactive_user".into(), "user is inactive".into()));
    let run = sandbox.run(&["tokens", "check", "--json"]).expect(5);
    assert_eq!(run.json()["results"][0]["status"], "error");
    assert!(
        run.json()["results"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("user is inactive")
    );
    sandbox.fake.knobs().refresh_error = None;

    let run = sandbox.run(&["tokens", "list", "--check"]).expect(0);
    assert!(run.stdout.contains(" ok"), "{}", run.stdout);

    let refresh = sandbox.refresh_token("prod");
    sandbox.fake.revoke_refresh_token(&refresh);
    let run = sandbox.run(&["tokens", "check"]).expect(4);
    assert!(run.stdout.contains("revoked"));
    sandbox.run(&["tokens", "check", "nope"]).expect(3);
}

#[test]
fn checks_run_in_parallel() {
    let sandbox = Sandbox::new();
    for alias in ["a", "b", "c", "d"] {
        sandbox.fake.add_user(FakeUser {
            username: format!("{alias}@example.com"),
            user_id: format!("00500000000000{alias}AAA"),
            org_id: "00D000000000001EAA".into(),
            display_name: alias.into(),
            email: format!("{alias}@example.com"),
        });
        sandbox
            .fake
            .set_current_user(&format!("{alias}@example.com"));
        sandbox.link(&["--alias", alias]).expect(0);
    }
    // Every refresh answer is held until all four refreshes have arrived:
    // checks made one after the other would never get there.
    let gate = sandbox.fake.hold_refresh_answers();
    let check = Live::start(sandbox.command(&["tokens", "check"]));
    gate.wait_until_holding(4);
    gate.open();
    let run = check.finish().expect(0);
    assert_eq!(run.stdout.lines().count(), 5, "{}", run.stdout);
}
