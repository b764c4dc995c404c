//! `export`: what it refuses (exit 2, with the reason) and what it warns.

use super::export;
use crate::support::Sandbox;
use crate::support::fake_salesforce::SECRET_CANARY;
use crate::support::headless::{
    CC_SECRET, JWT_CLIENT_ID, cc_link, jwt_link, key_file, register_cc_app, register_jwt_app,
};
use crate::support::terminal::on_a_terminal;

#[test]
fn a_terminal_gets_the_url_only_with_reveal() {
    let sandbox = Sandbox::linked("prod");
    let Some(run) = on_a_terminal(&sandbox, &["export", "prod", "--format", "sfdx-url"]) else {
        return;
    };
    assert!(
        run.stdout
            .contains("not printing prod's SFDX auth URL on a terminal"),
        "{run:#?}"
    );
    assert!(!run.stdout.contains(SECRET_CANARY), "{run:#?}");
    assert_eq!(run.code, 2, "{run:#?}");
    let run = on_a_terminal(
        &sandbox,
        &["export", "prod", "--format", "sfdx-url", "--reveal"],
    )
    .unwrap();
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stdout
            .contains(&format!("::{}@", sandbox.refresh_token("prod"))),
        "{run:#?}"
    );
}

#[test]
fn the_format_is_required_and_aliases_resolve_as_everywhere() {
    let sandbox = Sandbox::linked("prod");
    sandbox.run(&["export", "prod"]).expect(2);
    sandbox
        .run(&["export", "nope", "--format", "sfdx-url"])
        .expect(3);
    // The only connection needs no alias.
    let run = sandbox.run(&["export", "--format", "sfdx-url"]).expect(0);
    assert!(run.stdout.starts_with("force://"), "{run:#?}");
}

#[test]
fn a_jwt_connection_has_nothing_to_export() {
    let sandbox = Sandbox::new();
    let url = sandbox.fake.url();
    register_jwt_app(&sandbox.fake, JWT_CLIENT_ID, "rsa2048-pkcs8.crt");
    let key = key_file(&sandbox, "rsa2048-pkcs8.pem", 0o600);
    sandbox
        .run(&jwt_link(
            &url,
            &["--key-file", key.to_str().unwrap(), "--alias", "ci"],
        ))
        .expect(0);
    let run = export(&sandbox, "ci").expect_error(
        2,
        &[
            "ci is a JWT bearer connection",
            "no refresh token",
            "environment mode",
        ],
    );
    assert_eq!(run.stdout, "");
    register_cc_app(&sandbox.fake);
    sandbox
        .run_env(
            &cc_link(&url, &["--alias", "nightly"]),
            &[("SFCONNECT_CLIENT_SECRET", CC_SECRET)],
        )
        .expect(0);
    export(&sandbox, "nightly").expect_error(
        2,
        &[
            "nightly is a client-credentials connection",
            "environment mode",
        ],
    );
}

#[test]
fn what_the_format_cannot_carry_is_refused_with_the_reason() {
    let sandbox = Sandbox::linked("site");
    let id = sandbox.id_of("site");
    let index_path = sandbox.config_dir().join("index.json");
    let mut index = sandbox.index();
    let site = format!("{}/partners", sandbox.fake.url());
    index["connections"][0]["instance_url"] = site.clone().into();
    std::fs::write(&index_path, index.to_string()).unwrap();
    let run = export(&sandbox, "site").expect_error(2, &["cannot export site", "has a path"]);
    assert_eq!(run.stdout, "");
    assert_eq!(sandbox.id_of("site"), id);
}

#[test]
fn a_rotated_connection_warns_about_the_sf_cli() {
    let sandbox = Sandbox::linked("prod");
    let run = export(&sandbox, "prod").expect(0);
    assert!(
        !run.stderr.contains("does not keep rotated tokens"),
        "{run:#?}"
    );
    sandbox.fake.knobs().rotate_refresh_tokens = true;
    sandbox.run(&["token", "prod", "--fresh"]).expect(0);
    assert!(sandbox.connection("prod")["last_rotated_at"].is_string());
    let run = export(&sandbox, "prod").expect(0);
    run.says(&["does not keep rotated tokens", "second refresh"]);
    // The URL holds the token as it is now, after the rotation.
    assert!(
        run.stdout
            .contains(&format!("::{}@", sandbox.refresh_token("prod")))
    );
}
