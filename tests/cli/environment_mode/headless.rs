//! `SFCONNECT_ENV=jwt` and `SFCONNECT_ENV=client-credentials`: the grants
//! from variables alone, in a sealed sandbox, writing nothing.

use super::{PRINT_CONNECTION, files_under, run, sealed, with};
use crate::support::fake_salesforce::{DEFAULT_ORG_ID, DEFAULT_USERNAME};
use crate::support::headless::{
    CC_CLIENT_ID, CC_SECRET, JWT_CLIENT_ID, RUN_AS, fixture_text, register_cc_app, register_jwt_app,
};

const KEY: &str = "rsa2048-pkcs8.pem";
const CERT: &str = "rsa2048-pkcs8.crt";
const JWT_GRANT: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

fn jwt_env(url: &str, pem: &str) -> Vec<(&'static str, String)> {
    vec![
        ("SFCONNECT_ENV", "jwt".to_string()),
        ("SFCONNECT_JWT_KEY", pem.to_string()),
        ("SFCONNECT_CLIENT_ID", JWT_CLIENT_ID.to_string()),
        ("SFCONNECT_USERNAME", DEFAULT_USERNAME.to_string()),
        ("SFCONNECT_LOGIN_URL", url.to_string()),
    ]
}

fn borrowed<'a>(env: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    env.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[test]
fn a_jwt_connection_from_variables_alone() {
    let sandbox = sealed();
    register_jwt_app(&sandbox.fake, JWT_CLIENT_ID, CERT);
    let pem = fixture_text(KEY);
    let env = jwt_env(&sandbox.fake.url(), &pem);
    let env = borrowed(&env);
    let before = files_under(sandbox.root());

    let token = run(&sandbox, &["token"], &env).expect(0);
    assert!(token.stdout.contains("SFCANARY"), "{token:?}");
    assert_eq!(sandbox.fake.token_requests(JWT_GRANT), 1);
    let exec = run(&sandbox, &with(&["exec"], PRINT_CONNECTION), &env).expect(0);
    let seen: Vec<&str> = exec.stdout.split('|').collect();
    assert_eq!(
        &seen[1..],
        [
            sandbox.fake.url().as_str(),
            DEFAULT_USERNAME,
            DEFAULT_ORG_ID
        ]
    );
    run(&sandbox, &["api", "/services/data/v62.0/limits"], &env).expect(0);
    run(&sandbox, &["tokens", "check"], &env).expect(0);
    assert_eq!(sandbox.fake.token_requests(JWT_GRANT), 4);
    assert_eq!(sandbox.fake.token_requests("refresh_token"), 0);

    // With the cache, the job's next call mints nothing.
    let cache = super::cache_dir();
    let mut cached = env.clone();
    let cache_path = cache.path().display().to_string();
    cached.push(("SFCONNECT_ENV_CACHE", cache_path.as_str()));
    let first = run(&sandbox, &["token"], &cached).expect(0);
    let again = run(&sandbox, &["token"], &cached).expect(0);
    assert_eq!(first.stdout, again.stdout);
    assert_eq!(sandbox.fake.token_requests(JWT_GRANT), 5);

    // The one-line form CI secret stores make of a PEM.
    let flat = pem.trim().replace('\n', "\\n");
    let env_flat = jwt_env(&sandbox.fake.url(), &flat);
    run(&sandbox, &["token"], &borrowed(&env_flat)).expect(0);

    assert_eq!(files_under(sandbox.root()), before);
}

#[test]
fn a_client_credentials_connection_from_variables_alone() {
    let sandbox = sealed();
    register_cc_app(&sandbox.fake);
    let url = sandbox.fake.url();
    let env = [
        ("SFCONNECT_ENV", "client-credentials"),
        ("SFCONNECT_CLIENT_ID", CC_CLIENT_ID),
        ("SFCONNECT_CLIENT_SECRET", CC_SECRET),
        ("SFCONNECT_LOGIN_URL", url.as_str()),
    ];
    let before = files_under(sandbox.root());
    let exec = run(&sandbox, &with(&["exec"], PRINT_CONNECTION), &env).expect(0);
    let seen: Vec<&str> = exec.stdout.split('|').collect();
    assert!(seen[0].contains("SFCANARY"), "{exec:?}");
    assert_eq!(seen[2], RUN_AS);
    assert_eq!(sandbox.fake.token_requests("client_credentials"), 1);
    assert_eq!(files_under(sandbox.root()), before);
}

#[test]
fn a_refused_jwt_grant_is_exit_4_saying_what_to_fix() {
    let sandbox = sealed();
    // The app knows another certificate than this key's.
    register_jwt_app(&sandbox.fake, JWT_CLIENT_ID, "rsa2048-pkcs1.crt");
    let env = jwt_env(&sandbox.fake.url(), &fixture_text(KEY));
    let refused = run(&sandbox, &["token"], &borrowed(&env)).expect(4);
    assert!(
        refused.stderr.contains("environment connection:"),
        "{refused:?}"
    );
    assert!(refused.stderr.contains("SFCONNECT_"), "{refused:?}");
}
