//! JWT bearer connections (`link --jwt`, docs/salesforce-oauth.md §11) end to
//! end against the fake, which verifies each assertion's RS256 signature
//! with the registered certificate: link, list, token (cached and fresh),
//! exec, api (a 401 mints anew), check, approvals, revoke; keygen; every bad
//! key; every refusal while linking (exit 2) and for a stored connection
//! (exit 4); the audience rules; and the one approval exception.

use crate::support::fake_salesforce::{DEFAULT_ORG_ID, DEFAULT_USERNAME, FAKE_CLIENT_ID};
use crate::support::headless::{
    JWT_CLIENT_ID, age_cache, assertions, cached_token, entry_of, jwt_link, key_file, linked,
    pem_der, register_jwt_app, register_jwt_certificate, revoke_at_fake, token_seen_by_exec, walk,
};
use crate::support::{Run, Sandbox, run_command};
use sfconnect::secrets::credential::Credential;

const KEY: &str = "rsa2048-pkcs8.pem";
const CERT: &str = "rsa2048-pkcs8.crt";

/// A sandbox whose fake knows the JWT app, and the key file to link with.
fn ready() -> (Sandbox, String) {
    let sandbox = Sandbox::new();
    register_jwt_app(&sandbox.fake, JWT_CLIENT_ID, CERT);
    let key = key_file(&sandbox, KEY, 0o600);
    (sandbox, key.display().to_string())
}

fn link(sandbox: &Sandbox, key: &str, extra: &[&str]) -> Run {
    let url = sandbox.fake.url();
    let mut args = vec!["--key-file", key];
    args.extend_from_slice(extra);
    sandbox.run(&jwt_link(&url, &args))
}

fn grants(sandbox: &Sandbox) -> usize {
    sandbox
        .fake
        .token_requests("urn:ietf:params:oauth:grant-type:jwt-bearer")
}

/// A linked JWT connection `ci`, after its first grant.
fn linked_ci() -> Sandbox {
    let (sandbox, key) = ready();
    link(&sandbox, &key, &["--alias", "ci"]).expect(0);
    sandbox
}

#[test]
fn a_jwt_link_signs_an_assertion_and_keeps_the_key_in_the_store_only() {
    let (sandbox, key) = ready();
    let run = link(&sandbox, &key, &["--alias", "ci"]).expect(0);
    assert_eq!(
        run.stdout,
        format!(
            "linked ci: {DEFAULT_USERNAME} ({DEFAULT_ORG_ID}) at {}, jwt\n",
            sandbox.fake.url()
        )
    );
    assert!(
        run.stderr.contains("uses none of the five approvals"),
        "{}",
        run.stderr
    );
    assert_eq!(grants(&sandbox), 1);
    assert_eq!(sandbox.fake.token_requests("refresh_token"), 0);
    // The assertion: RS256 (the fake verified it), the four claims, exp at
    // most three minutes ahead.
    let claims = &assertions(&sandbox.fake)[0];
    assert_eq!(claims["iss"], JWT_CLIENT_ID);
    assert_eq!(claims["sub"], DEFAULT_USERNAME);
    assert_eq!(
        claims["aud"],
        sandbox.fake.url(),
        "a loopback server is its own audience"
    );
    let ahead = claims["exp"].as_i64().unwrap() - chrono::Utc::now().timestamp();
    assert!((150..=180).contains(&ahead), "exp is {ahead} s ahead");

    // The index: kind and audience, no key; the store: the key as DER and
    // the access token.
    let record = sandbox.connection("ci");
    assert_eq!(record["kind"], "jwt");
    assert_eq!(record["audience"], sandbox.fake.url());
    let entry = entry_of(&sandbox, "ci");
    let Credential::RsaKey(der) = &entry.credential else {
        panic!("the key is stored: {entry:?}");
    };
    assert!(
        (1150..1250).contains(&der.expose().len()),
        "PKCS#1 DER of 2048 bits"
    );
}

#[test]
fn a_jwt_connection_is_listed_with_its_kind() {
    let sandbox = linked_ci();
    // tokens list: the KIND column and "kind" in JSON.
    let list = sandbox.run(&["tokens", "list"]).expect(0);
    let header = list.stdout.lines().next().unwrap();
    assert!(header.contains("KIND"), "{header}");
    let row = list.stdout.lines().nth(1).unwrap();
    assert!(row.starts_with("ci ") && row.contains(" jwt "), "{row}");
    let json = sandbox.run(&["tokens", "list", "--json"]).expect(0).json();
    assert_eq!(json["connections"][0]["kind"], "jwt");
}

#[test]
fn token_exec_and_api_of_a_jwt_connection_mint_with_new_assertions() {
    let sandbox = linked_ci();
    let first = cached_token(&sandbox, "ci");
    // token: cached, then fresh (a new assertion).
    let run = sandbox.run(&["token", "ci"]).expect(0);
    assert_eq!(run.stdout.trim(), first);
    assert_eq!(grants(&sandbox), 1, "the cached token needs no grant");
    let run = sandbox.run(&["token", "ci", "--fresh"]).expect(0);
    let second = run.stdout.trim().to_string();
    assert_ne!(second, first);
    assert_eq!(grants(&sandbox), 2);
    assert_eq!(
        cached_token(&sandbox, "ci"),
        second,
        "the new token is cached"
    );

    // exec: the token in the child's environment.
    assert_eq!(token_seen_by_exec(&sandbox, "ci"), second);

    // api: the session ends at Salesforce; the 401 mints a new token.
    revoke_at_fake(&sandbox.fake, &second);
    let run = sandbox
        .run(&["api", "ci", "/services/data/v62.0/limits"])
        .expect(0);
    assert!(run.stdout.contains('{'), "{}", run.stdout);
    assert_eq!(grants(&sandbox), 3, "one new grant after the 401");
    let third = cached_token(&sandbox, "ci");
    assert_ne!(third, second);
}

#[test]
fn check_and_approvals_of_a_jwt_connection() {
    let sandbox = linked_ci();
    // tokens check mints and says ok.
    let run = sandbox.run(&["tokens", "check", "ci"]).expect(0);
    assert!(run.stdout.contains("ok"), "{}", run.stdout);
    assert_eq!(grants(&sandbox), 2);

    // tokens approvals: no slot, the exception, no query.
    let queries = sandbox.fake.count("GET", "/services/data/v62.0/query");
    let run = sandbox.run(&["tokens", "approvals", "ci"]).expect(0);
    assert!(
        run.stdout.contains("uses none of the five approvals"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("one exception"), "{}", run.stdout);
    let json = sandbox
        .run(&["tokens", "approvals", "ci", "--json"])
        .expect(0)
        .json();
    assert_eq!(json["uses_approval"], false);
    assert_eq!(json["kind"], "jwt");
    assert_eq!(
        sandbox.fake.count("GET", "/services/data/v62.0/query"),
        queries
    );
}

#[test]
fn revoking_a_jwt_connection_revokes_its_access_token_and_names_the_certificate() {
    let sandbox = linked_ci();
    // revoke: the cached access token at Salesforce, the key and record
    // here, and what stays valid.
    let cached = cached_token(&sandbox, "ci");
    let run = sandbox.run(&["revoke", "ci"]).expect(0);
    assert_eq!(run.stdout, "revoked ci\n");
    assert!(
        run.stderr
            .contains("certificate in the External Client App is still valid"),
        "{}",
        run.stderr
    );
    assert!(sandbox.fake.revoked_tokens().contains(&cached));
    assert!(sandbox.connections().is_empty());
    let secrets = std::fs::read_to_string(sandbox.config_dir().join("secrets.json")).unwrap();
    let file: serde_json::Value = serde_json::from_str(&secrets).unwrap();
    assert_eq!(file["secrets"].as_object().unwrap().len(), 0, "{secrets}");
}

#[test]
fn parallel_callers_mint_once() {
    let (sandbox, key) = ready();
    link(&sandbox, &key, &["--alias", "ci"]).expect(0);
    age_cache(&sandbox, "ci");
    let runs: Vec<Run> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|_| scope.spawn(|| sandbox.run(&["token", "ci"])))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let tokens: std::collections::BTreeSet<String> = runs
        .into_iter()
        .map(|r| r.expect(0).stdout.trim().to_string())
        .collect();
    assert_eq!(tokens.len(), 1, "every caller got the one new token");
    assert_eq!(grants(&sandbox), 2, "the link's grant and one more");
}

#[test]
fn keygen_writes_a_pair_that_links_and_never_overwrites() {
    let sandbox = Sandbox::new();
    let dir = sandbox.config_dir().parent().unwrap().join("made");
    let dir_arg = dir.display().to_string();
    let run = sandbox
        .run(&[
            "keygen", "--dir", &dir_arg, "--days", "30", "--cn", "ci-test",
        ])
        .expect(0);
    let (key, cert) = (dir.join("sfconnect.key"), dir.join("sfconnect.crt"));
    assert!(
        run.stdout.contains(&format!("wrote {}", key.display())),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(&format!("wrote {}", cert.display())),
        "{}",
        run.stdout
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    for step in [
        "Enable JWT Bearer Flow",
        "Admin approved users are pre-authorized",
        "permission set",
    ] {
        assert!(run.stderr.contains(step), "{step}: {}", run.stderr);
    }
    let line = run
        .stderr
        .lines()
        .find(|l| l.trim_start().starts_with("sfconnect link --jwt"))
        .expect("the link line")
        .trim()
        .to_string();
    assert!(
        line.ends_with(&format!("--key-file {}", key.display())),
        "{line}"
    );

    // The certificate, parsed by the fake's X.509 parser, verifies the JWT
    // signed with the key; the printed line links (with our values).
    let cert_pem = std::fs::read_to_string(&cert).unwrap();
    assert!(cert_pem.starts_with("-----BEGIN CERTIFICATE-----"));
    register_jwt_certificate(&sandbox.fake, JWT_CLIENT_ID, pem_der(&cert_pem));
    let url = sandbox.fake.url();
    let filled = line
        .replace("CONSUMER_KEY", JWT_CLIENT_ID)
        .replace("USERNAME", DEFAULT_USERNAME);
    let mut args: Vec<&str> = filled.split(' ').skip(1).collect();
    args.extend(["--login-url", &url, "--alias", "made"]);
    sandbox.run(&args).expect(0);
    assert_eq!(sandbox.connection("made")["kind"], "jwt");

    // Never overwrites: both, or either, exists.
    let before = std::fs::read(&key).unwrap();
    sandbox
        .run(&["keygen", "--dir", &dir_arg])
        .expect_error(2, &["never overwrites"]);
    assert_eq!(std::fs::read(&key).unwrap(), before);
    std::fs::remove_file(&cert).unwrap();
    sandbox.run(&["keygen", "--dir", &dir_arg]).expect(2);
    assert!(!cert.exists(), "nothing was written");
    assert_eq!(std::fs::read(&key).unwrap(), before);
}

#[test]
fn every_bad_key_exits_2_with_a_reason_and_a_fix_before_any_request() {
    let (sandbox, _) = ready();
    let missing = sandbox.config_dir().parent().unwrap().join("nope.pem");
    let mut cases: Vec<(String, &str, &str)> = vec![(
        missing.display().to_string(),
        "cannot read the key file",
        "sfconnect keygen",
    )];
    for (fixture, reason, fix) in [
        (
            "rsa1024.pem",
            "1024-bit RSA key; Salesforce needs at least 2048 bits",
            "sfconnect keygen",
        ),
        (
            "encrypted-pkcs8.pem",
            "encrypted with a passphrase",
            "openssl pkcs8 -topk8 -nocrypt -in KEY -out key.pem",
        ),
        (
            "encrypted-pkcs1.pem",
            "encrypted with a passphrase",
            "openssl pkcs8 -topk8 -nocrypt",
        ),
        (
            "ec-p256.pem",
            "an EC key; Salesforce's JWT bearer flow needs an RSA key (RS256)",
            "sfconnect keygen",
        ),
        ("ec-p256-pkcs8.pem", "an EC key", "sfconnect keygen"),
        ("ed25519.pem", "an Ed25519 key", "sfconnect keygen"),
        (
            "rsa2048-pkcs8.crt",
            "certificate but no private key",
            "whose certificate is uploaded",
        ),
        ("README.md", "not a PEM private key", "sfconnect keygen"),
    ] {
        let path = key_file(&sandbox, fixture, 0o600);
        cases.push((path.display().to_string(), reason, fix));
    }
    for (path, reason, fix) in &cases {
        let run = link(&sandbox, path, &[]).expect(2);
        let first = run.stderr.lines().next().unwrap_or_default();
        assert!(first.contains(reason), "{path}: {}", run.stderr);
        assert!(first.contains(path.as_str()), "names the file: {first}");
        assert!(run.stderr.contains("hint: "), "{}", run.stderr);
        assert!(run.stderr.contains(fix), "{path}: {}", run.stderr);
    }
    // From stdin and from a variable, the same judgement.
    let url = sandbox.fake.url();
    let run = sandbox
        .run_with_stdin(&jwt_link(&url, &["--key-stdin"]), "not a key\n")
        .expect(2);
    assert!(
        run.stderr
            .contains("the key on stdin: it is not a PEM private key"),
        "{}",
        run.stderr
    );
    let ec = crate::support::headless::fixture_text("ec-p256.pem");
    let mut cmd = sandbox.command(&jwt_link(&url, &["--key-env", "SF_JWT_KEY"]));
    cmd.env("SF_JWT_KEY", &ec);
    run_command(cmd, None).expect_error(2, &["SF_JWT_KEY: it is an EC key"]);
    sandbox
        .run(&jwt_link(&url, &["--key-env", "SF_UNSET_KEY"]))
        .expect_error(2, &["SF_UNSET_KEY: the variable is not set"]);
    // A key given where its variable's name goes is not echoed back.
    let misused = sandbox
        .run(&jwt_link(&url, &["--key-env", "MIIEkeybody/base64+text"]))
        .expect_error(
            2,
            &["--key-env takes the name of a variable", "never its value"],
        );
    assert!(!misused.stderr.contains("MIIEkeybody"), "{misused:#?}");
    sandbox
        .run(&jwt_link(&url, &[]))
        .expect_error(2, &["--jwt needs the private key"]);
    // No grant was tried, nothing was kept.
    assert_eq!(grants(&sandbox), 0);
    assert_eq!(linked(&sandbox), 0);
}

#[test]
fn a_key_file_others_can_read_is_warned_about_and_pkcs1_and_stdin_work() {
    let (sandbox, _) = ready();
    register_jwt_app(&sandbox.fake, JWT_CLIENT_ID, "rsa2048-pkcs1.crt");
    let open = key_file(&sandbox, "rsa2048-pkcs1.pem", 0o644)
        .display()
        .to_string();
    let run = link(&sandbox, &open, &["--alias", "open"]).expect(0);
    assert!(
        run.stderr.contains(&format!(
            "warning: the private key {open} can be read by other users (mode 0644); protect it: chmod 600 {open}"
        )),
        "{}",
        run.stderr
    );
    let replaced = cached_token(&sandbox, "open");
    let private = key_file(&sandbox, "rsa2048-pkcs1.pem", 0o600)
        .display()
        .to_string();
    let run = link(&sandbox, &private, &["--alias", "open"]).expect(0);
    assert!(
        sandbox.fake.revoked_tokens().contains(&replaced),
        "the replaced connection's access token was revoked"
    );
    assert!(run.stderr.contains("replaced open"), "{}", run.stderr);
    assert!(
        sandbox.index().get("retired").is_none(),
        "nothing left to retry"
    );
    assert!(!run.stderr.contains("can be read by"), "{}", run.stderr);
    assert_eq!(
        sandbox.connections().len(),
        1,
        "the same user, org, app and kind: replaced"
    );

    let url = sandbox.fake.url();
    let pem = crate::support::headless::fixture_text("rsa2048-pkcs1.pem");
    sandbox
        .run_with_stdin(&jwt_link(&url, &["--key-stdin", "--alias", "piped"]), &pem)
        .expect(0);
    assert!(matches!(
        entry_of(&sandbox, "piped").credential,
        Credential::RsaKey(_)
    ));
}

/// A link Salesforce refuses: the exit code, the words stderr must hold,
/// and nothing linked.
#[track_caller]
fn refused_link(sandbox: &Sandbox, key: &str, extra: &[&str], code: i32, words: &[&str]) {
    link(sandbox, key, extra).expect_error(code, words);
    assert_eq!(linked(sandbox), 0);
}

#[test]
fn a_wrong_audience_exits_2_and_names_the_other_one() {
    let (sandbox, key) = ready();
    let url = sandbox.fake.url();
    let check = |extra: &[&str], code: i32, said: &str, fix: &str| {
        refused_link(&sandbox, &key, extra, code, &[said, fix]);
    };

    // The audience: the fake wants test.salesforce.com.
    sandbox.fake.knobs().headless.jwt_audience = Some("https://test.salesforce.com".into());
    check(
        &[],
        2,
        &format!(
            "(invalid_grant: audience is invalid): Salesforce did not accept the JWT's aud {url}"
        ),
        "try --audience https://login.salesforce.com",
    );
    check(
        &["--audience", "https://login.salesforce.com"],
        2,
        "aud https://login.salesforce.com",
        "try --audience https://test.salesforce.com (or SF_AUDIENCE_URL=https://test.salesforce.com)",
    );
    // SF_AUDIENCE_URL as the sf CLI reads it; --audience beats it.
    let mut cmd = sandbox.command(&jwt_link(&url, &["--key-file", &key, "--alias", "sbx"]));
    cmd.env("SF_AUDIENCE_URL", "https://test.salesforce.com/");
    run_command(cmd, None).expect(0);
    assert_eq!(
        sandbox.connection("sbx")["audience"],
        "https://test.salesforce.com"
    );
    assert_eq!(
        assertions(&sandbox.fake).last().unwrap()["aud"],
        "https://test.salesforce.com"
    );
    sandbox.run(&["revoke", "sbx"]).expect(0);
    let mut cmd = sandbox.command(&jwt_link(
        &url,
        &[
            "--key-file",
            &key,
            "--audience",
            "https://login.salesforce.com",
        ],
    ));
    cmd.env("SF_AUDIENCE_URL", "https://test.salesforce.com");
    run_command(cmd, None).expect(2);
    assert_eq!(grants(&sandbox), 4);
}

#[test]
fn refusals_while_linking_exit_2_with_salesforces_words_and_the_fix() {
    let (sandbox, key) = ready();
    let url = sandbox.fake.url();
    let check = |extra: &[&str], code: i32, said: &str, fix: &str| {
        refused_link(&sandbox, &key, extra, code, &[said, fix]);
    };

    // Another certificate in the app: the signature does not verify.
    register_jwt_app(&sandbox.fake, JWT_CLIENT_ID, "rsa2048-pkcs1.crt");
    check(
        &[],
        2,
        "(invalid_grant: invalid assertion)",
        "upload this key's certificate",
    );
    register_jwt_app(&sandbox.fake, JWT_CLIENT_ID, CERT);

    // The flow is not enabled in the app.
    sandbox.fake.knobs().headless.jwt_apps[0].enabled = false;
    check(
        &[],
        2,
        "(unsupported_grant_type: grant type not supported)",
        "\"Enable JWT Bearer Flow\"",
    );
    sandbox.fake.knobs().headless.jwt_apps[0].enabled = true;

    // An unknown consumer key.
    let run = sandbox
        .run(&[
            "link",
            "--jwt",
            "--login-url",
            &url,
            "--client-id",
            "3MVG9unknown",
            "--username",
            DEFAULT_USERNAME,
            "--key-file",
            &key,
        ])
        .expect(2);
    assert!(
        run.stderr
            .contains("(invalid_client_id: client identifier invalid)"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("check --client-id"), "{}", run.stderr);

    // The fake's clock is ten minutes ahead: our exp is already past.
    sandbox.fake.knobs().headless.clock_skew_secs = 600;
    check(
        &[],
        2,
        "(invalid_grant: expired authorization code): the assertion had expired when Salesforce read it: this computer's clock is 600 s behind Salesforce's",
        "set this computer's clock right",
    );
    sandbox.fake.knobs().headless.clock_skew_secs = 0;

    // The user is locked.
    sandbox.fake.knobs().headless.locked_users = vec![DEFAULT_USERNAME.into()];
    check(
        &[],
        2,
        "(invalid_grant: user is locked)",
        "an admin unlocks or reactivates the user",
    );
    sandbox.fake.knobs().headless.locked_users.clear();

    // Not pre-authorized, never approved: exit 4 even while linking.
    sandbox.fake.knobs().headless.jwt_apps[0].pre_authorized = false;
    check(
        &[],
        4,
        "(invalid_grant: user hasn't approved this consumer)",
        "Admin approved users are pre-authorized",
    );
    assert_eq!(grants(&sandbox), 6);
}

#[test]
fn refusals_for_a_stored_connection_exit_4_and_say_how_to_link_again() {
    let (sandbox, key) = ready();
    link(&sandbox, &key, &["--alias", "ci"]).expect(0);
    let relink = format!(
        "sfconnect link --jwt --alias ci --client-id {JWT_CLIENT_ID} --username {DEFAULT_USERNAME} --key-file KEY --login-url {}",
        sandbox.fake.url()
    );

    // The certificate was replaced in the app (rotated).
    register_jwt_app(&sandbox.fake, JWT_CLIENT_ID, "rsa2048-pkcs1.crt");
    let run = sandbox.run(&["token", "ci", "--fresh"]).expect(4);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.contains("ci: Salesforce refused the JWT bearer grant for ada@example.com (invalid_grant: invalid assertion)"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(&relink), "{}", run.stderr);
    let run = sandbox.run(&["tokens", "check", "ci"]).expect(4);
    assert!(run.stdout.contains("revoked"), "{}", run.stdout);
    assert_eq!(sandbox.connection("ci")["health"]["status"], "revoked");
    register_jwt_app(&sandbox.fake, JWT_CLIENT_ID, CERT);

    // A clock gone wrong: exit 4 with the offset, no re-link needed.
    sandbox.fake.knobs().headless.clock_skew_secs = 900;
    let run = sandbox.run(&["token", "ci", "--fresh"]).expect(4);
    assert!(
        run.stderr
            .contains("this computer's clock is 900 s behind Salesforce's"),
        "{}",
        run.stderr
    );
    sandbox.fake.knobs().headless.clock_skew_secs = 0;

    // The audience changed: the hint re-links with the other one.
    sandbox.fake.knobs().headless.jwt_audience = Some("https://login.salesforce.com".into());
    let run = sandbox
        .run(&["token", "ci", "--fresh"])
        .expect_error(4, &["audience is invalid"]);
    assert!(
        run.stderr
            .contains("--audience https://login.salesforce.com"),
        "{}",
        run.stderr
    );
    sandbox.fake.knobs().headless.jwt_audience = None;

    // And it works again; a cached token never needed Salesforce.
    sandbox.run(&["token", "ci", "--fresh"]).expect(0);
    sandbox.fake.knobs().fail_status = Some(503);
    sandbox.run(&["token", "ci"]).expect(0);
    sandbox.run(&["token", "ci", "--fresh"]).expect(5);
}

/// The exception `tokens approvals` explains: without pre-authorization, a
/// JWT user gets in on an earlier browser approval, and loses it with it.
#[test]
fn an_unapproved_user_relies_on_a_browser_approval() {
    let sandbox = Sandbox::new();
    register_jwt_app(&sandbox.fake, FAKE_CLIENT_ID, CERT);
    sandbox.fake.knobs().headless.jwt_apps[0].pre_authorized = false;
    let key = key_file(&sandbox, KEY, 0o600).display().to_string();
    let url = sandbox.fake.url();
    let jwt = |alias: &str| {
        sandbox.run(&[
            "link",
            "--jwt",
            "--login-url",
            &url,
            "--client-id",
            FAKE_CLIENT_ID,
            "--username",
            DEFAULT_USERNAME,
            "--key-file",
            &key,
            "--alias",
            alias,
        ])
    };
    jwt("ci").expect_error(4, &["sfconnect link --client-id 3MVG9fake"]);

    sandbox.link(&["--alias", "browser"]).expect(0);
    jwt("ci").expect(0);
    assert_eq!(
        sandbox.connections().len(),
        2,
        "the browser connection is not replaced"
    );

    sandbox.run(&["revoke", "browser"]).expect(0);
    sandbox
        .run(&["token", "ci", "--fresh"])
        .expect_error(4, &["user hasn't approved this consumer"]);
}

#[test]
fn a_key_in_a_variable_is_read_at_every_mint_and_stored_nowhere() {
    let (sandbox, _) = ready();
    let url = sandbox.fake.url();
    let pem = crate::support::headless::fixture_text(KEY);
    let with_key = |args: &[&str], key: Option<&str>| {
        let mut cmd = sandbox.command(args);
        if let Some(key) = key {
            cmd.env("SF_JWT_KEY", key);
        }
        run_command(cmd, None)
    };
    let run = with_key(
        &jwt_link(&url, &["--key-env", "SF_JWT_KEY", "--alias", "ci"]),
        Some(&pem),
    )
    .expect(0);
    let body = crate::support::headless::pem_body_lines(&pem);
    let entry = entry_of(&sandbox, "ci");
    assert_eq!(entry.credential, Credential::RsaKeyEnv("SF_JWT_KEY".into()));
    assert!(entry.access_token.is_some(), "the access token is cached");

    // A cached token needs no key; a new one does.
    with_key(&["token", "ci"], None).expect(0);
    let run2 = with_key(&["token", "ci", "--fresh"], None).expect(2);
    assert!(
        run2.stderr
            .contains("SF_JWT_KEY is not set: ci reads its private key (PEM) from it"),
        "{}",
        run2.stderr
    );
    // CI secret stores flatten newlines to `\n`.
    let flat = pem.trim().replace('\n', "\\n");
    with_key(&["token", "ci", "--fresh"], Some(&flat)).expect(0);

    // exec: the child gets the token, not the key variable.
    let script = r#"printf '%s|%s' "${SF_JWT_KEY:-unset}" "${SF_ACCESS_TOKEN:+token}"; tr '\0' ' ' < /proc/$$/cmdline >&2"#;
    let exec = with_key(
        &["exec", "ci", "--fresh", "--", "sh", "-c", script],
        Some(&pem),
    )
    .expect(0);
    assert_eq!(exec.stdout, "unset|token");

    // The key is in no file, output or argv.
    let mut seen = vec![run.stdout, run.stderr, run2.stdout, exec.stderr];
    for entry in walk(&sandbox.config_dir()) {
        seen.push(String::from_utf8_lossy(&std::fs::read(entry).unwrap()).into_owned());
    }
    for text in &seen {
        for line in &body {
            assert!(!text.contains(line.as_str()), "the key leaked: {text}");
        }
    }
}

#[test]
fn jwt_flags_need_jwt_and_fit_together() {
    let (sandbox, key) = ready();
    let url = sandbox.fake.url();
    for args in [
        vec!["link", "--username", "x", "--login-url", &url],
        vec!["link", "--key-file", &key, "--login-url", &url],
        vec!["link", "--jwt", "--device", "--login-url", &url],
        vec!["link", "--jwt", "--client-credentials"],
    ] {
        sandbox.run(&args).expect(2);
    }
    sandbox
        .run(&jwt_link(&url, &["--key-file", &key, "--key-env", "X"]))
        .expect_error(2, &["cannot be used with"]);
    sandbox
        .run(&[
            "link",
            "--jwt",
            "--login-url",
            &url,
            "--client-id",
            JWT_CLIENT_ID,
            "--key-file",
            &key,
        ])
        .expect_error(2, &["--jwt needs --username"]);
    sandbox
        .run(&[
            "link",
            "--jwt",
            "--login-url",
            &url,
            "--username",
            "u",
            "--key-file",
            &key,
        ])
        .expect_error(2, &["--jwt needs --client-id"]);
    assert_eq!(grants(&sandbox), 0);
}

/// The key as raw bytes in a real keyring (the kernel's, which needs no
/// D-Bus), read back at every mint, and moved between stores by `migrate`.
#[cfg(target_os = "linux")]
#[test]
fn a_stored_key_lives_in_the_kernel_keyring_and_migrates() {
    use std::process::Command;
    let (mut sandbox, key) = ready();
    sandbox.set_env("SFCONNECT_STORE", "keyutils");
    let session = format!("sfconnect-jwt-test-{}", std::process::id());
    let run = |args: &[&str]| {
        let template = sandbox.command(args);
        let mut cmd = Command::new("keyctl");
        cmd.args(["session", &session])
            .arg(template.get_program())
            .args(args)
            .env_clear();
        for (k, v) in template.get_envs() {
            if let Some(v) = v {
                cmd.env(k, v);
            }
        }
        run_command(cmd, None)
    };
    let url = sandbox.fake.url();
    run(&jwt_link(&url, &["--key-file", &key, "--alias", "ci"])).expect(0);
    assert_eq!(sandbox.connection("ci")["store"], "keyutils");
    assert!(!sandbox.config_dir().join("secrets.json").exists());
    run(&["token", "ci", "--fresh"]).expect(0);
    assert_eq!(
        grants(&sandbox),
        2,
        "the key was read back from the keyring"
    );

    run(&["migrate", "ci", "--to", "file"]).expect(0);
    let Credential::RsaKey(der) = entry_of(&sandbox, "ci").credential else {
        panic!("the key moved to the file store");
    };
    assert!(der.expose().len() > 1000);
    run(&["migrate", "ci", "--to", "keyutils"]).expect(0);
    run(&["token", "ci", "--fresh"]).expect(0);
    assert_eq!(grants(&sandbox), 3);
    run(&["revoke", "ci"]).expect(0);
    assert_eq!(linked(&sandbox), 0);
}
