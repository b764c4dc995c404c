//! Export on one machine, import on another, and both keep working.

use super::{export, import, sf_cli_regex_matches};
use crate::support::Sandbox;
use crate::support::fake_salesforce::{DEFAULT_USERNAME, FAKE_CLIENT_ID};

#[test]
fn a_connection_moves_between_two_machines_and_refreshes_there() {
    let laptop = Sandbox::linked("prod");
    let run = export(&laptop, "prod").expect(0);
    let url = run.stdout.trim_end_matches('\n');
    assert_eq!(run.stdout.lines().count(), 1, "{run:#?}");
    assert!(sf_cli_regex_matches(url), "{url}");
    let host = laptop.fake.url().trim_start_matches("http://").to_string();
    let token = laptop.refresh_token("prod");
    assert_eq!(url, format!("force://{FAKE_CLIENT_ID}::{token}@{host}"));
    run.says(&[
        "is a password",
        "one approval",
        "rotates refresh tokens",
        "JWT",
    ]);

    let ci = Sandbox::sharing(&laptop);
    let before = ci.fake.token_requests("refresh_token");
    let run = import(&ci, &["--alias", "ci"], &run.stdout).expect(0);
    assert!(
        run.stdout
            .starts_with(&format!("imported ci: {DEFAULT_USERNAME}")),
        "{run:#?}"
    );
    run.says(&["shared with wherever the URL came from"]);
    assert_eq!(ci.fake.token_requests("refresh_token"), before + 1);
    let imported = ci.connection("ci");
    assert_eq!(imported["kind"], "imported");
    assert_eq!(imported["username"], DEFAULT_USERNAME);
    assert_eq!(imported["client_id"], FAKE_CLIENT_ID);
    assert_eq!(imported["login_url"], laptop.fake.url());
    assert_eq!(imported["instance_url"], laptop.fake.url());
    assert!(imported.get("last_rotated_at").is_none(), "{imported}");
    assert_eq!(ci.refresh_token("ci"), token);

    // The second machine refreshes with it; the first still can.
    let fresh = ci.run(&["token", "ci", "--fresh"]).expect(0);
    assert!(fresh.stdout.starts_with("00D"), "{fresh:#?}");
    assert_eq!(ci.fake.token_requests("refresh_token"), before + 2);
    laptop.run(&["token", "prod", "--fresh"]).expect(0);
    // Listed with its kind; approvals counted as for a linked connection.
    let list = ci.run(&["tokens", "list"]).expect(0);
    assert!(list.stdout.contains("imported"), "{list:#?}");
    let approvals = ci.run(&["tokens", "approvals", "ci", "--json"]).expect(0);
    assert_eq!(approvals.json()["count"], 1, "{approvals:#?}");
    // And it goes back out the same way.
    let again = export(&ci, "ci").expect(0);
    assert_eq!(again.stdout, format!("{url}\n"));
}

#[test]
fn import_json_prints_the_connection_shape() {
    let laptop = Sandbox::linked("prod");
    let url = export(&laptop, "prod").expect(0).stdout;
    let ci = Sandbox::sharing(&laptop);
    let run = import(&ci, &["--alias", "ci", "--json"], &url).expect(0);
    let json = run.json();
    assert_eq!(json["alias"], "ci");
    assert_eq!(json["kind"], "imported");
    assert_eq!(json["store"], "file");
}
