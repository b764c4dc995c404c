//! The environment connection's secrets reach no child and no message: an
//! `exec` child lists the variables it inherited; every output of every
//! command in this mode, under -v, holds no token but the one printed.

use super::{CachedAuthUrl, PRINT_NAMES, auth_url, run, sealed, with};
use crate::support::fake_salesforce::DEFAULT_USERNAME;
use crate::support::headless::{
    CC_CLIENT_ID, CC_SECRET, JWT_CLIENT_ID, fixture_text, pem_body_lines, register_cc_app,
    register_jwt_app,
};
use crate::support::leak_checks::assert_no_secret;

const PRIVATE: [&str; 3] = [
    "SFCONNECT_AUTH_URL",
    "SFCONNECT_JWT_KEY",
    "SFCONNECT_CLIENT_SECRET",
];

#[test]
fn exec_children_inherit_no_credential_variable() {
    let sandbox = sealed();
    register_jwt_app(&sandbox.fake, JWT_CLIENT_ID, "rsa2048-pkcs8.crt");
    register_cc_app(&sandbox.fake);
    let (url, _) = auth_url(&sandbox);
    let login = sandbox.fake.url();
    let pem = fixture_text("rsa2048-pkcs8.pem");
    let kinds: Vec<Vec<(&str, &str)>> = vec![
        // The link variables set beside an auth URL, as in a real job.
        vec![
            ("SFCONNECT_AUTH_URL", url.as_str()),
            ("SFCONNECT_CLIENT_SECRET", "unused-secret"),
        ],
        vec![
            ("SFCONNECT_ENV", "jwt"),
            ("SFCONNECT_JWT_KEY", pem.as_str()),
            ("SFCONNECT_CLIENT_ID", JWT_CLIENT_ID),
            ("SFCONNECT_USERNAME", DEFAULT_USERNAME),
            ("SFCONNECT_LOGIN_URL", login.as_str()),
        ],
        vec![
            ("SFCONNECT_ENV", "client-credentials"),
            ("SFCONNECT_CLIENT_ID", CC_CLIENT_ID),
            ("SFCONNECT_CLIENT_SECRET", CC_SECRET),
            ("SFCONNECT_LOGIN_URL", login.as_str()),
        ],
    ];
    for env in kinds {
        let names = run(&sandbox, &with(&["exec"], PRINT_NAMES), &env).expect(0);
        let names: Vec<&str> = names.stdout.lines().collect();
        assert!(names.contains(&"SF_ACCESS_TOKEN"), "{names:?}");
        for private in PRIVATE {
            assert!(
                !names.contains(&private),
                "{private} reached the child: {env:?}"
            );
        }
        // Nor any value, under another name.
        let all = run(&sandbox, &["exec", "--", "env"], &env).expect(0).stdout;
        for (name, value) in &env {
            if PRIVATE.contains(name) {
                assert!(!all.contains(value), "{name}'s value reached the child");
            }
        }
        for line in pem_body_lines(&pem) {
            assert!(!all.contains(&line));
        }
    }
}

#[test]
fn no_output_of_the_environment_mode_holds_a_secret() {
    let sandbox = sealed();
    sandbox.fake.knobs().rotate_refresh_tokens = true;
    let job = CachedAuthUrl::new(&sandbox);
    let refresh = job.refresh.as_str();
    let env = job.env();
    let token = run(&sandbox, &["-v", "token", "--fresh"], &env).expect(0);
    assert_no_secret(&sandbox, &token.stderr, "token's stderr");
    let printed = token.stdout.trim();
    for secret in sandbox.fake.issued_secrets() {
        assert!(
            secret == printed || !token.stdout.contains(&secret),
            "token printed more than its access token"
        );
    }
    for args in [
        &["-v", "exec", "--", "true"][..],
        &["-v", "api", "/services/data/v62.0/limits"],
        &["-v", "tokens", "check"],
        &["-v", "doctor"],
        &["-v", "tokens", "check", "--json"],
    ] {
        let out = run(&sandbox, args, &env);
        assert_no_secret(&sandbox, &out.stdout, "stdout");
        assert_no_secret(&sandbox, &out.stderr, "stderr");
        assert!(!out.stderr.contains(refresh));
    }
    // Without the cache the rotation warning holds no token either.
    let (fresh_url, _) = auth_url(&sandbox);
    let rotated = run(
        &sandbox,
        &["-v", "token"],
        &[("SFCONNECT_AUTH_URL", fresh_url.as_str())],
    )
    .expect(0);
    assert!(rotated.stderr.contains("DEAD"), "{rotated:?}");
    assert_no_secret(&sandbox, &rotated.stderr, "the rotation warning");
}

#[test]
fn the_browser_inherits_no_credential_variable() {
    let sandbox = crate::support::Sandbox::new();
    let names = sandbox.root().join("browser-env-names");
    let wrapper = sandbox.root().join("browser.sh");
    let browser =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/support/browser.py");
    std::fs::write(
        &wrapper,
        format!(
            "env | cut -d= -f1 > '{}'\nexec python3 '{}' \"$1\"\n",
            names.display(),
            browser.display()
        ),
    )
    .unwrap();
    let (url, _) = auth_url(&sandbox);
    let pem = fixture_text("rsa2048-pkcs8.pem");
    let login = sandbox.fake.url();
    let mut link = sandbox.command(&crate::support::link_args(&login, &["--alias", "prod"]));
    link.env("SFCONNECT_BROWSER", format!("sh {}", wrapper.display()))
        .env("SFCONNECT_AUTH_URL", &url)
        .env("SFCONNECT_JWT_KEY", &pem);
    crate::support::run_command(link, None).expect(0);
    let seen = std::fs::read_to_string(&names).unwrap();
    let seen: Vec<&str> = seen.lines().collect();
    assert!(seen.contains(&"PATH"), "{seen:?}");
    for private in PRIVATE {
        assert!(!seen.contains(&private), "{private} reached the browser");
    }
}
