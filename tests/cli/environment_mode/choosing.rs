//! Which connection a command uses: an alias argument, then the environment
//! connection, then SFCONNECT_ALIAS, then the only one; a JWT or client
//! credentials connection only when SFCONNECT_ENV says so; every missing or
//! contradictory part is exit 2 naming the variable, before any request.

use super::{auth_url, run, sealed};
use crate::support::Sandbox;
use crate::support::headless::{CC_CLIENT_ID, CC_SECRET, fixture_text, register_cc_app};

#[test]
fn an_alias_argument_beats_the_environment_connection() {
    let sandbox = Sandbox::new();
    sandbox.link(&["--alias", "prod"]).expect(0);
    let cached = sandbox.run(&["token", "prod"]).expect(0).stdout;
    let (url, _) = auth_url(&sandbox);
    let refreshes = sandbox.fake.token_requests("refresh_token");
    let env = [("SFCONNECT_AUTH_URL", url.as_str())];
    let named = run(&sandbox, &["token", "prod"], &env).expect(0);
    assert_eq!(named.stdout, cached, "not the linked connection's token");
    assert_eq!(sandbox.fake.token_requests("refresh_token"), refreshes);
    // Even a broken description is not read when an alias is named.
    let broken = [("SFCONNECT_AUTH_URL", "not a url")];
    run(&sandbox, &["token", "prod"], &broken).expect(0);
    // Without the alias, the environment connection wins over the only one.
    let env_token = run(&sandbox, &["-v", "token"], &env).expect(0);
    assert_ne!(env_token.stdout, cached);
    assert_eq!(sandbox.fake.token_requests("refresh_token"), refreshes + 1);
    // -v says which rule chose.
    assert!(
        env_token.stderr.contains(
            "the environment connection (SFCONNECT_AUTH_URL): described by environment variables"
        ),
        "{env_token:?}"
    );
    let named = run(&sandbox, &["-v", "token", "prod"], &env).expect(0);
    assert!(
        named
            .stderr
            .contains("connection prod: named on the command line"),
        "{named:?}"
    );
    let only = sandbox.run(&["-v", "token"]).expect(0);
    assert!(
        only.stderr
            .contains("connection prod: the only linked connection"),
        "{only:?}"
    );
}

#[test]
fn sfconnect_alias_and_an_environment_connection_together_are_exit_2() {
    let sandbox = sealed();
    let (url, _) = auth_url(&sandbox);
    for args in [
        &["token"][..],
        &["exec", "--", "true"],
        &["tokens", "check"],
    ] {
        let refused = run(
            &sandbox,
            args,
            &[
                ("SFCONNECT_AUTH_URL", url.as_str()),
                ("SFCONNECT_ALIAS", "prod"),
            ],
        )
        .expect(2);
        assert!(refused.stderr.contains("SFCONNECT_ALIAS"), "{refused:?}");
        assert!(refused.stderr.contains("SFCONNECT_AUTH_URL"), "{refused:?}");
    }
    assert_eq!(sandbox.fake.requests().len(), 0);
}

#[test]
fn a_plain_token_never_mints_with_the_link_variables() {
    let sandbox = Sandbox::new();
    register_cc_app(&sandbox.fake);
    let url = sandbox.fake.url();
    // What users export for `link`: not an environment connection.
    let env = [
        ("SFCONNECT_CLIENT_ID", CC_CLIENT_ID),
        ("SFCONNECT_CLIENT_SECRET", CC_SECRET),
    ];
    let nothing = run(&sandbox, &["token"], &env).expect(3);
    assert!(nothing.stderr.contains("nothing is linked"), "{nothing:?}");
    // Nor with a host named, which needs SFCONNECT_ENV to mean anything.
    let with_host = [
        ("SFCONNECT_CLIENT_ID", CC_CLIENT_ID),
        ("SFCONNECT_CLIENT_SECRET", CC_SECRET),
        ("SFCONNECT_LOGIN_URL", url.as_str()),
    ];
    let refused = run(&sandbox, &["token"], &with_host).expect(2);
    assert!(refused.stderr.contains("SFCONNECT_ENV"), "{refused:?}");
    assert_eq!(sandbox.fake.token_requests("client_credentials"), 0);
    assert_eq!(sandbox.fake.requests().len(), 0);
}

#[test]
fn missing_and_contradictory_parts_are_exit_2_naming_the_variable() {
    let sandbox = sealed();
    register_cc_app(&sandbox.fake);
    let url = sandbox.fake.url();
    let (auth, _) = auth_url(&sandbox);
    let pem = fixture_text("rsa2048-pkcs8.pem");
    let jwt_base = [
        ("SFCONNECT_ENV", "jwt"),
        ("SFCONNECT_JWT_KEY", pem.as_str()),
        ("SFCONNECT_CLIENT_ID", "3MVG9x"),
        ("SFCONNECT_USERNAME", "ada@example.com"),
        ("SFCONNECT_LOGIN_URL", url.as_str()),
    ];
    let without = |name: &str| -> Vec<(&str, &str)> {
        jwt_base
            .iter()
            .copied()
            .filter(|(k, _)| *k != name)
            .collect()
    };
    let plus = |extra: (&'static str, &'static str)| -> Vec<(&str, &str)> {
        let mut env = jwt_base.to_vec();
        env.push(extra);
        env
    };
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (without("SFCONNECT_JWT_KEY"), "SFCONNECT_JWT_KEY"),
        (without("SFCONNECT_CLIENT_ID"), "SFCONNECT_CLIENT_ID"),
        (without("SFCONNECT_USERNAME"), "SFCONNECT_USERNAME"),
        (without("SFCONNECT_LOGIN_URL"), "SFCONNECT_LOGIN_URL"),
        (plus(("SFCONNECT_DOMAIN", "acme")), "SFCONNECT_DOMAIN"),
        (plus(("SFCONNECT_SANDBOX", "1")), "SFCONNECT_SANDBOX"),
        (plus(("SFCONNECT_SANDBOX", "maybe")), "SFCONNECT_SANDBOX"),
        (
            vec![("SFCONNECT_ENV", "jwt"), ("SFCONNECT_JWT_KEY", "not a key")],
            "SFCONNECT_JWT_KEY",
        ),
        (vec![("SFCONNECT_ENV", "oauth")], "SFCONNECT_ENV"),
        // The auth URL set in the wrong variable is not quoted back.
        (vec![("SFCONNECT_ENV", auth.as_str())], "SFCONNECT_ENV"),
        (
            vec![
                ("SFCONNECT_ENV", "jwt"),
                ("SFCONNECT_AUTH_URL", auth.as_str()),
            ],
            "SFCONNECT_AUTH_URL",
        ),
        (
            vec![
                ("SFCONNECT_AUTH_URL", auth.as_str()),
                ("SFCONNECT_LOGIN_URL", url.as_str()),
            ],
            "SFCONNECT_LOGIN_URL",
        ),
        (
            vec![("SFCONNECT_AUTH_URL", "force://nohost")],
            "SFCONNECT_AUTH_URL",
        ),
        (
            vec![("SFCONNECT_JWT_KEY", pem.as_str())],
            "SFCONNECT_JWT_KEY",
        ),
        (
            vec![
                ("SFCONNECT_ENV", "client-credentials"),
                ("SFCONNECT_CLIENT_ID", CC_CLIENT_ID),
                ("SFCONNECT_LOGIN_URL", url.as_str()),
            ],
            "SFCONNECT_CLIENT_SECRET",
        ),
        (
            vec![
                ("SFCONNECT_ENV", "client-credentials"),
                ("SFCONNECT_CLIENT_ID", CC_CLIENT_ID),
                ("SFCONNECT_CLIENT_SECRET", CC_SECRET),
                ("SFCONNECT_SANDBOX", "1"),
            ],
            "SFCONNECT_SANDBOX",
        ),
        (
            vec![
                ("SFCONNECT_ENV", "client-credentials"),
                ("SFCONNECT_CLIENT_ID", CC_CLIENT_ID),
                ("SFCONNECT_CLIENT_SECRET", CC_SECRET),
                ("SFCONNECT_LOGIN_URL", url.as_str()),
                ("SFCONNECT_USERNAME", "ada@example.com"),
            ],
            "SFCONNECT_USERNAME",
        ),
    ];
    for (env, named) in cases {
        let refused = run(&sandbox, &["token"], &env);
        assert_eq!(refused.code, 2, "{env:?}: {refused:#?}");
        let first = refused.stderr.lines().next().unwrap_or_default();
        assert!(
            first.contains(named),
            "{env:?} should name {named}: {refused:#?}"
        );
        assert!(!refused.stderr.contains(&auth), "{refused:?}");
    }
    assert_eq!(sandbox.fake.requests().len(), 0);
}

#[test]
fn doctor_list_and_revoke_say_what_they_do_with_it() {
    let sandbox = Sandbox::new();
    sandbox.link(&["--alias", "prod"]).expect(0);
    let (url, refresh) = auth_url(&sandbox);
    let env = [("SFCONNECT_AUTH_URL", url.as_str())];
    let doctor = run(&sandbox, &["doctor"], &env);
    let all = format!("{}{}", doctor.stdout, doctor.stderr);
    assert!(all.contains("environment"), "{doctor:?}");
    assert!(
        all.contains("refresh token from SFCONNECT_AUTH_URL"),
        "{doctor:?}"
    );
    assert!(!all.contains(&refresh), "doctor showed the token");
    let pem = fixture_text("rsa2048-pkcs8.pem");
    let jwt = [
        ("SFCONNECT_ENV", "jwt"),
        ("SFCONNECT_JWT_KEY", pem.as_str()),
        ("SFCONNECT_CLIENT_ID", "3MVG9x"),
        ("SFCONNECT_USERNAME", "ada@example.com"),
        ("SFCONNECT_DOMAIN", "acme"),
    ];
    let doctor = run(&sandbox, &["doctor"], &jwt);
    let all = format!("{}{}", doctor.stdout, doctor.stderr);
    for part in [
        "private key from SFCONNECT_JWT_KEY",
        "username from SFCONNECT_USERNAME",
        "host from SFCONNECT_DOMAIN",
    ] {
        assert!(all.contains(part), "{part}: {doctor:?}");
    }
    for line in crate::support::headless::pem_body_lines(&pem) {
        assert!(!all.contains(&line), "doctor showed the key");
    }

    let list = run(&sandbox, &["tokens", "list"], &env).expect(0);
    assert!(list.stdout.contains("prod"), "{list:?}");
    assert!(list.stderr.contains("environment connection"), "{list:?}");
    let revoke = run(&sandbox, &["revoke", "--all"], &env).expect(0);
    assert!(revoke.stderr.contains("is not revoked"), "{revoke:?}");
    assert!(sandbox.fake.is_refresh_token_live(&refresh));
}
