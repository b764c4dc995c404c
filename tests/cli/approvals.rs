//! The five-approval budget: re-linking replaces instead of spending an
//! approval, a sixth login elsewhere revokes the oldest and sfconnect says
//! so, the approvals count, and `tokens check` statuses and exit codes.

use crate::support::Sandbox;
use crate::support::fake_salesforce::{DEFAULT_USER_ID, DEFAULT_USERNAME, FAKE_CLIENT_ID};

fn live(sandbox: &Sandbox) -> Vec<String> {
    sandbox
        .fake
        .live_refresh_tokens(DEFAULT_USER_ID, FAKE_CLIENT_ID)
}

fn refresh_token(sandbox: &Sandbox, alias: &str) -> String {
    sandbox.tokens_of(alias)["refresh_token"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn relinking_the_same_user_replaces_and_revokes() {
    let sandbox = Sandbox::new();
    sandbox.link(&["--alias", "prod"]).expect(0);
    let first = refresh_token(&sandbox, "prod");

    // Same alias again: replaced, old token revoked, one approval held.
    let run = sandbox.link(&["--alias", "prod"]).expect(0);
    assert!(run.stderr.contains("replaced prod"), "{}", run.stderr);
    assert!(
        run.stderr.contains("revoked at Salesforce"),
        "{}",
        run.stderr
    );
    assert!(!sandbox.fake.is_refresh_token_live(&first));
    let second = refresh_token(&sandbox, "prod");
    assert_eq!(live(&sandbox), vec![second.clone()]);

    // Again without --alias: the alias is kept, not reset to the username.
    let run = sandbox.link(&[]).expect(0);
    assert!(run.stdout.starts_with("linked prod:"), "{}", run.stdout);
    assert_eq!(sandbox.connections().len(), 1);
    let second = refresh_token(&sandbox, "prod");

    // Same user under a new alias: renamed, still one connection.
    let run = sandbox.link(&["--alias", "work"]).expect(0);
    assert!(run.stderr.contains("replaced prod"), "{}", run.stderr);
    let connections = sandbox.connections();
    assert_eq!(connections.len(), 1);
    assert_eq!(connections[0]["alias"], "work");
    assert!(!sandbox.fake.is_refresh_token_live(&second));
    assert_eq!(live(&sandbox).len(), 1);
}

#[test]
fn a_failed_revocation_of_the_replaced_token_is_kept_and_retried() {
    let sandbox = Sandbox::new();
    sandbox.link(&["--alias", "prod"]).expect(0);
    let first = refresh_token(&sandbox, "prod");
    let first_id = sandbox.connection("prod")["id"]
        .as_str()
        .unwrap()
        .to_string();
    sandbox.fake.knobs().fail_paths = vec![("/services/oauth2/revoke".into(), 503)];
    let run = sandbox.link(&["--alias", "prod"]).expect(0);
    assert!(run.stderr.contains("could not revoke"), "{}", run.stderr);
    assert!(run.stderr.contains("retries"), "{}", run.stderr);
    assert_eq!(sandbox.connections().len(), 1, "the new connection stands");
    assert!(sandbox.fake.is_refresh_token_live(&first));
    assert_eq!(sandbox.index()["retired"][0]["id"], first_id.as_str());
    assert!(
        sandbox.stored_tokens(&first_id).is_some(),
        "the old secret is kept"
    );

    sandbox.fake.knobs().fail_paths.clear();
    let run = sandbox.run(&["tokens", "check"]).expect(0);
    assert!(
        run.stderr.contains("revoked the old refresh token"),
        "{}",
        run.stderr
    );
    assert!(!sandbox.fake.is_refresh_token_live(&first));
    assert!(sandbox.index().get("retired").is_none());
    assert!(sandbox.stored_tokens(&first_id).is_none());
}

/// A careless user on machine B logs in five times and forgets locally
/// each time; the sixth approval revokes machine A's, the oldest.
#[test]
fn the_sixth_approval_elsewhere_revokes_the_oldest_and_sfconnect_says_so() {
    let machine_a = Sandbox::new();
    let run = machine_a.link(&["--alias", "nightly"]).expect(0);
    assert!(
        run.stderr.contains("approvals for sfconnect tests: 1 of 5"),
        "{}",
        run.stderr
    );
    let machine_b = Sandbox::sharing(&machine_a);
    for n in 2..=6 {
        let run = machine_b.link(&["--alias", "laptop"]).expect(0);
        let count = n.min(5);
        assert!(
            run.stderr
                .contains(&format!("approvals for sfconnect tests: {count} of 5")),
            "after login {n}: {}",
            run.stderr
        );
        if n == 5 {
            assert!(
                run.stderr
                    .contains("the next login with this app anywhere revokes the oldest"),
                "{}",
                run.stderr
            );
        }
        machine_b
            .run(&["revoke", "laptop", "--local-only"])
            .expect(0);
    }
    assert_eq!(live(&machine_a).len(), 5);

    let run = machine_a.run(&["tokens", "check"]).expect(4);
    assert!(
        run.stdout.contains("nightly") && run.stdout.contains("revoked"),
        "{}",
        run.stdout
    );
    let list = machine_a.run(&["tokens", "list"]).expect(0);
    assert!(list.stdout.contains("REVOKED"), "{}", list.stdout);

    let run = machine_a.run(&["token", "nightly", "--fresh"]).expect(4);
    assert!(
        run.stderr
            .contains("five approvals per user per connected app"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("sfconnect link --alias nightly"),
        "{}",
        run.stderr
    );
}

#[test]
fn approvals_count_three_and_five_and_a_forbidden_query() {
    let sandbox = Sandbox::new();
    // Two approvals held elsewhere (other machines, other tools).
    for _ in 0..2 {
        sandbox
            .fake
            .grant_refresh_token(DEFAULT_USERNAME, FAKE_CLIENT_ID, "api refresh_token");
    }
    sandbox.link(&["--alias", "prod"]).expect(0);
    let run = sandbox.run(&["tokens", "approvals", "prod"]).expect(0);
    assert_eq!(run.stdout, "approvals for sfconnect tests: 3 of 5\n");
    let json = sandbox
        .run(&["tokens", "approvals", "prod", "--json"])
        .expect(0)
        .json();
    assert_eq!(json["count"], 3);
    assert_eq!(json["limit"], 5);
    assert_eq!(json["app_name"], "sfconnect tests");
    let approvals = json["approvals"].as_array().unwrap();
    assert_eq!(approvals.len(), 3);
    assert_eq!(
        approvals
            .iter()
            .filter(|a| a["this_connection"] == true)
            .count(),
        1
    );
    assert_eq!(approvals[2]["this_connection"], true, "ours is the newest");

    for _ in 0..2 {
        sandbox
            .fake
            .grant_refresh_token(DEFAULT_USERNAME, FAKE_CLIENT_ID, "api refresh_token");
    }
    let run = sandbox.run(&["tokens", "approvals"]).expect(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], "approvals for sfconnect tests: 5 of 5");
    assert!(
        lines[1].contains("revokes the oldest approval, created"),
        "{}",
        lines[1]
    );
    assert!(
        !lines[1].contains("this connection"),
        "the oldest is another machine's"
    );

    sandbox.fake.knobs().forbid_oauth_token_query = true;
    let run = sandbox.run(&["tokens", "approvals"]).expect(0);
    assert!(
        run.stderr.contains("cannot count approvals"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("INVALID_TYPE"), "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1);
    // ...and a link still succeeds, with the same one line.
    let run = sandbox.link(&["--alias", "prod"]).expect(0);
    assert!(
        run.stderr.contains("cannot count approvals"),
        "{}",
        run.stderr
    );
}

#[test]
fn check_statuses_and_exit_codes() {
    let sandbox = Sandbox::new();
    sandbox.link(&["--alias", "prod"]).expect(0);

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

    let refresh = refresh_token(&sandbox, "prod");
    sandbox.fake.revoke_refresh_token(&refresh);
    let run = sandbox.run(&["tokens", "check"]).expect(4);
    assert!(run.stdout.contains("revoked"));
    sandbox.run(&["tokens", "check", "nope"]).expect(3);
}

#[test]
fn checks_run_in_parallel() {
    let sandbox = Sandbox::new();
    for alias in ["a", "b", "c", "d"] {
        sandbox
            .fake
            .add_user(crate::support::fake_salesforce::FakeUser {
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
    let check = crate::login::Live::start(sandbox.command(&["tokens", "check"]));
    gate.wait_until_holding(4);
    gate.open();
    let run = check.finish().expect(0);
    assert_eq!(run.stdout.lines().count(), 5, "{}", run.stdout);
}
