//! An imported connection shares its approval with the URL's source: what
//! `link`, `revoke` and a dead token do about that.

use super::{export, import};
use crate::support::Sandbox;

/// A laptop with `prod` linked, and a second machine with it imported as
/// `ci`.
fn laptop_and_ci() -> (Sandbox, Sandbox) {
    let laptop = Sandbox::linked("prod");
    let url = export(&laptop, "prod").expect(0).stdout;
    let ci = Sandbox::sharing(&laptop);
    import(&ci, &["--alias", "ci"], &url).expect(0);
    (laptop, ci)
}

#[test]
fn link_does_not_replace_or_revoke_an_imported_connection() {
    let (laptop, ci) = laptop_and_ci();
    let shared = ci.refresh_token("ci");
    // The same user and app, logged in on this machine: its own approval.
    ci.link(&["--alias", "mine"]).expect(0);
    assert_eq!(ci.connections().len(), 2);
    assert_eq!(ci.connection("ci")["kind"], "imported");
    assert!(ci.fake.is_refresh_token_live(&shared), "link revoked it");
    laptop.run(&["token", "prod", "--fresh"]).expect(0);
}

#[test]
fn revoking_an_imported_connection_ends_the_sources_copy_and_says_so() {
    let (laptop, ci) = laptop_and_ci();
    ci.run(&["revoke", "ci"])
        .expect(0)
        .says(&["every other copy of that URL", "was revoked with it"]);
    laptop
        .run(&["token", "prod", "--fresh"])
        .expect_error(4, &["link it again"]);
}

#[test]
fn a_dead_imported_connection_points_at_a_fresh_import() {
    let (laptop, ci) = laptop_and_ci();
    assert!(
        laptop
            .fake
            .revoke_refresh_token(&laptop.refresh_token("prod"))
    );
    ci.run(&["token", "ci", "--fresh"])
        .expect_error(4, &["sfconnect import --alias ci --force"]);
}

#[test]
fn a_duplicate_found_after_a_rotation_says_the_url_is_dead() {
    let laptop = Sandbox::linked("prod");
    let url = export(&laptop, "prod").expect(0).stdout;
    let other = Sandbox::sharing(&laptop);
    other.link(&["--alias", "mine"]).expect(0);
    other.fake.knobs().rotate_refresh_tokens = true;
    let run = import(&other, &["--alias", "ci"], &url).expect_error(
        2,
        &[
            "already linked here as mine",
            "rotated",
            "the URL is now dead",
        ],
    );
    assert_eq!(other.connections().len(), 1, "{run:#?}");
}

#[test]
fn the_approval_of_an_old_url_is_recognised_as_this_connections() {
    let laptop = Sandbox::linked("prod");
    laptop
        .fake
        .age_grants(std::time::Duration::from_secs(90 * 24 * 3600));
    let url = export(&laptop, "prod").expect(0).stdout;
    let ci = Sandbox::sharing(&laptop);
    import(&ci, &["--alias", "ci"], &url).expect(0);
    let run = ci.run(&["tokens", "approvals", "ci", "--json"]).expect(0);
    let json = run.json();
    assert_eq!(json["available"], true, "{run:#?}");
    assert_eq!(json["count"], 1);
    assert_eq!(json["approvals"][0]["this_connection"], true, "{run:#?}");
    assert!(ci.connection("ci")["app_name"].is_string());
}
