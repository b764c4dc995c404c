//! The five-approval budget: re-linking replaces instead of spending an
//! approval, a sixth login elsewhere revokes the oldest and sfconnect says
//! so, and the approvals count.

use crate::support::Sandbox;
use crate::support::fake_salesforce::{DEFAULT_USER_ID, DEFAULT_USERNAME, FAKE_CLIENT_ID};

fn live(sandbox: &Sandbox) -> Vec<String> {
    sandbox
        .fake
        .live_refresh_tokens(DEFAULT_USER_ID, FAKE_CLIENT_ID)
}

#[test]
fn relinking_the_same_user_replaces_and_revokes() {
    let sandbox = Sandbox::linked("prod");
    let first = sandbox.refresh_token("prod");

    // Same alias again: replaced, old token revoked, one approval held.
    let run = sandbox.link(&["--alias", "prod"]).expect(0);
    run.says(&["replaced prod", "revoked at Salesforce"]);
    assert!(!sandbox.fake.is_refresh_token_live(&first));
    let second = sandbox.refresh_token("prod");
    assert_eq!(live(&sandbox), vec![second.clone()]);

    // Again without --alias: the alias is kept, not reset to the username.
    let run = sandbox.link(&[]).expect(0);
    assert!(run.stdout.starts_with("linked prod:"), "{}", run.stdout);
    assert_eq!(sandbox.connections().len(), 1);
    let second = sandbox.refresh_token("prod");

    // Same user under a new alias: renamed, still one connection.
    let run = sandbox.link(&["--alias", "work"]).expect(0);
    run.says(&["replaced prod"]);
    let connections = sandbox.connections();
    assert_eq!(connections.len(), 1);
    assert_eq!(connections[0]["alias"], "work");
    assert!(!sandbox.fake.is_refresh_token_live(&second));
    assert_eq!(live(&sandbox).len(), 1);
}

#[test]
fn a_failed_revocation_of_the_replaced_token_is_kept_and_retried() {
    let sandbox = Sandbox::linked("prod");
    let first = sandbox.refresh_token("prod");
    let first_id = sandbox.id_of("prod");
    sandbox.fake.knobs().fail_paths = vec![("/services/oauth2/revoke".into(), 503)];
    let run = sandbox.link(&["--alias", "prod"]).expect(0);
    run.says(&["could not revoke", "retries"]);
    assert_eq!(sandbox.connections().len(), 1, "the new connection stands");
    assert!(sandbox.fake.is_refresh_token_live(&first));
    assert_eq!(sandbox.index()["retired"][0]["id"], first_id.as_str());
    assert!(
        sandbox.stored_tokens(&first_id).is_some(),
        "the old secret is kept"
    );

    sandbox.fake.knobs().fail_paths.clear();
    let run = sandbox.run(&["tokens", "check"]).expect(0);
    run.says(&["revoked the old refresh token"]);
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
    run.says(&["approvals for sfconnect tests: 1 of 5"]);
    let machine_b = Sandbox::sharing(&machine_a);
    for n in 2..=6 {
        let run = machine_b.link(&["--alias", "laptop"]).expect(0);
        let count = n.min(5);
        run.says(&[&format!("approvals for sfconnect tests: {count} of 5")]);
        if n == 5 {
            run.says(&["the next login with this app anywhere revokes the oldest"]);
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

    machine_a
        .run(&["token", "nightly", "--fresh"])
        .expect_error(
            4,
            &[
                "five approvals per user per connected app",
                "sfconnect link --alias nightly",
            ],
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
    run.says(&["cannot count approvals", "INVALID_TYPE"]);
    assert_eq!(run.stderr.lines().count(), 1);
    // ...and a link still succeeds, with the same one line.
    let run = sandbox.link(&["--alias", "prod"]).expect(0);
    run.says(&["cannot count approvals"]);
}
