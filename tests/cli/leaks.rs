//! Secrets never leak. Every command runs through its success and error
//! paths with `-v` (and `RUST_LOG`/`RUST_BACKTRACE` on, in case anything
//! logs) against the fake, whose codes and tokens all carry a canary, with
//! one app that has a client secret. No refresh token, access token,
//! authorization code, device code, client secret, consumer secret of a
//! client-credentials app or line of a JWT private key may appear in stdout
//! (except `token`'s own output and what `exec`'s child prints from its
//! environment), stderr, any file in the config dir but the secret store,
//! the browser's argv or the argv of `exec`'s child. And `Debug` of every
//! type holding a secret is redacted (or absent).

use crate::support::fake_salesforce::{
    ClientCredentialsApp, FAKE_CLIENT_ID, FakeClient, SECRET_CANARY,
};
use crate::support::headless::{
    CC_SECRET, JWT_CLIENT_ID, cc_link, fixture_text, jwt_link, key_file, pem_body_lines,
    register_cc_app, register_jwt_app,
};
use crate::support::{Run, Sandbox, link_args, run_command};
use std::path::Path;

const SECRET_CLIENT_ID: &str = "3MVG9leakTestClientWithASecret";
const CLIENT_SECRET: &str = "CLIENTSECRET-SFCANARY-7b1e0c";

/// Runs commands and keeps what they printed that must be clean.
struct Scan<'a> {
    sandbox: &'a Sandbox,
    /// (label, text) pairs to search for secrets.
    seen: Vec<(String, String)>,
    runs: usize,
}

impl<'a> Scan<'a> {
    fn new(sandbox: &'a Sandbox) -> Scan<'a> {
        Scan {
            sandbox,
            seen: Vec::new(),
            runs: 0,
        }
    }

    /// Runs `args -v`, expects one of `codes`; stdout is scanned unless the
    /// command's job is to print a token.
    #[track_caller]
    fn run(&mut self, args: &[&str], codes: &[i32]) -> Run {
        self.run_with(args, codes, &[])
    }

    #[track_caller]
    fn run_with(&mut self, args: &[&str], codes: &[i32], env: &[(&str, &str)]) -> Run {
        self.run_fed(args, codes, env, None)
    }

    /// `run_with`, with `input` on stdin.
    #[track_caller]
    fn run_fed(
        &mut self,
        args: &[&str],
        codes: &[i32],
        env: &[(&str, &str)],
        input: Option<&str>,
    ) -> Run {
        let mut args = args.to_vec();
        args.push("-v");
        let mut cmd = self.sandbox.command(&args);
        cmd.env("RUST_LOG", "trace").env("RUST_BACKTRACE", "1");
        for (key, value) in env {
            cmd.env(key, value);
        }
        let run = run_command(cmd, input);
        assert!(codes.contains(&run.code), "{args:?}: {run:#?}");
        let label = args.join(" ");
        let prints_a_token = args[0] == "token" || args[0] == "exec" || args[0] == "export";
        if !prints_a_token {
            self.seen
                .push((format!("stdout of {label}"), run.stdout.clone()));
        }
        self.seen
            .push((format!("stderr of {label}"), run.stderr.clone()));
        self.runs += 1;
        run
    }

    fn link(&mut self, extra: &[&str], codes: &[i32]) -> Run {
        let url = self.sandbox.fake.url();
        self.run(&link_args(&url, extra), codes)
    }

    /// Every file sfconnect wrote in the config dir, but the secret store.
    fn files(&mut self, dir: &Path) {
        for entry in std::fs::read_dir(dir).unwrap().filter_map(|e| e.ok()) {
            let path = entry.path();
            if path.is_dir() {
                self.files(&path);
            } else if path.file_name().is_some_and(|n| n != "secrets.json") {
                let bytes = std::fs::read(&path).unwrap();
                let text = String::from_utf8_lossy(&bytes).into_owned();
                self.seen.push((path.display().to_string(), text));
            }
        }
    }

    /// Asserts that none of `secrets` is in anything seen.
    fn assert_clean(&self, secrets: &[String]) {
        for secret in secrets {
            for (label, text) in &self.seen {
                assert!(
                    !text.contains(secret.as_str()),
                    "a secret leaked in {label}:\n{text}"
                );
            }
        }
    }
}

/// `link` with the app that has a client secret.
fn secret_client_link<'a>(url: &'a str, alias: &'a str) -> Vec<&'a str> {
    let mut args = link_args(url, &["--alias", alias]);
    let at = args.iter().position(|a| *a == FAKE_CLIENT_ID).unwrap();
    args[at] = SECRET_CLIENT_ID;
    args
}

/// A sandbox for one leak scenario: the app with a client secret, Bob as a
/// second user, and `TEST_OUT` where an `exec` child writes what it saw.
fn scenario() -> (Sandbox, tempfile::TempDir) {
    let mut sandbox = Sandbox::new();
    sandbox.fake.knobs().clients.push(FakeClient {
        client_id: SECRET_CLIENT_ID.into(),
        secret: Some(CLIENT_SECRET.into()),
        redirect_uris: vec![],
        any_loopback_port: true,
    });
    sandbox.fake.add_user(crate::support::users::bob());
    let out = tempfile::tempdir().unwrap();
    sandbox.set_env("TEST_OUT", out.path().to_str().unwrap());
    (sandbox, out)
}

const WITH_SECRET: [(&str, &str); 1] = [("SFCONNECT_CLIENT_SECRET", CLIENT_SECRET)];

/// An `exec` child that writes its argv and the token it was given.
const EXEC_SCRIPT: &str = r#"tr '\0' ' ' < /proc/$$/cmdline > "$TEST_OUT/argv"; printf %s "$SF_ACCESS_TOKEN" > "$TEST_OUT/env""#;

/// Runs `exec` with `EXEC_SCRIPT` and keeps the child's argv to scan.
fn exec_and_keep_argv(scan: &mut Scan, out: &Path, alias: &str, env: &[(&str, &str)]) {
    scan.run_with(
        &["exec", alias, "--fresh", "--", "sh", "-c", EXEC_SCRIPT],
        &[0],
        env,
    );
    let argv = std::fs::read_to_string(out.join("argv")).unwrap();
    assert!(argv.contains("sh -c"), "{argv}");
    scan.seen
        .push((format!("argv of exec's child of {alias}"), argv));
}

/// The end of every scenario: the files sfconnect wrote and the browser's
/// argv join what was printed, and none of it holds a secret the fake
/// issued, the canary, or `extra` (the client secrets, a key's lines).
fn assert_nothing_leaked(mut scan: Scan, sandbox: &Sandbox, min_runs: usize, extra: &[String]) {
    scan.files(&sandbox.config_dir());
    if let Ok(log) = std::fs::read_to_string(sandbox.browser_log()) {
        for line in log.lines() {
            let event: serde_json::Value = serde_json::from_str(line).unwrap();
            if event["event"] == "launched" {
                scan.seen
                    .push(("browser argv".into(), event["argv"].to_string()));
            }
        }
    }
    let mut secrets = sandbox.fake.issued_secrets();
    assert!(!secrets.is_empty(), "the fake issued no secret to look for");
    secrets.extend(extra.iter().cloned());
    assert!(scan.runs >= min_runs, "{} runs", scan.runs);
    scan.assert_clean(&secrets);
    // The canary itself: anything carrying it is a secret of the fake.
    scan.assert_clean(&[SECRET_CANARY.to_string()]);
}

/// link: browser, JSON, the same user again (replaces and revokes), an app
/// with a client secret, the device flow; then its failures.
#[test]
fn link_leaks_nothing_on_any_path() {
    let (sandbox, _out) = scenario();
    let mut scan = Scan::new(&sandbox);
    scan.link(&["--alias", "prod"], &[0]);
    scan.link(&["--alias", "prod", "--json"], &[0]);
    let url = sandbox.fake.url();
    scan.run_with(&secret_client_link(&url, "sec"), &[0], &WITH_SECRET);
    sandbox.fake.set_current_user("bob@example.com");
    scan.run(
        &[
            "link",
            "--device",
            "--login-url",
            &url,
            "--client-id",
            FAKE_CLIENT_ID,
            "--alias",
            "bob",
            "--timeout",
            "20",
        ],
        &[0],
    );
    sandbox.fake.set_current_user("ada@example.com");
    sandbox.fake.knobs().deny_consent = true;
    scan.link(&["--alias", "denied", "--timeout", "5"], &[7]);
    sandbox.fake.knobs().deny_consent = false;
    sandbox.fake.knobs().token_error = Some((400, "invalid_grant".into(), "bad code".into()));
    scan.link(&["--alias", "refused", "--timeout", "5"], &[4, 5, 7]);
    sandbox.fake.knobs().token_error = None;
    sandbox.fake.knobs().userinfo_broken = true;
    sandbox.fake.knobs().fail_paths = vec![("/id/".into(), 500)];
    scan.link(&["--alias", "nobody", "--timeout", "5"], &[1, 5]);
    sandbox.fake.knobs().userinfo_broken = false;
    sandbox.fake.knobs().fail_paths = vec![];
    scan.run_with(
        &secret_client_link(&url, "wrong"),
        &[2],
        &[("SFCONNECT_CLIENT_SECRET", "not-the-secret-SFCANARY")],
    );
    scan.link(&["--alias", "-bad"], &[2]);
    let log = std::fs::read_to_string(sandbox.browser_log()).unwrap();
    assert!(log.matches("launched").count() >= 5, "{log}");
    assert!(
        sandbox
            .fake
            .issued_secrets()
            .iter()
            .any(|s| s.starts_with("M0dv")),
        "the device flow ran"
    );
    assert_nothing_leaked(scan, &sandbox, 9, &[CLIENT_SECRET.to_string()]);
}

/// token in every format, cached and fresh; exec (a clean argv, the token
/// in the environment); api; and their failures.
#[test]
fn token_exec_and_api_leak_nothing_on_any_path() {
    let (sandbox, out) = scenario();
    let mut scan = Scan::new(&sandbox);
    scan.link(&["--alias", "prod"], &[0]);
    let url = sandbox.fake.url();
    scan.run_with(&secret_client_link(&url, "sec"), &[0], &WITH_SECRET);
    for format in ["bare", "header", "json", "env"] {
        scan.run(&["token", "prod", "--format", format], &[0]);
    }
    scan.run(&["token", "prod", "--json", "--fresh"], &[0]);
    scan.run_with(&["token", "sec", "--fresh"], &[0], &WITH_SECRET);
    scan.run(&["token", "nope"], &[3]);
    scan.run(&["token"], &[2]);
    sandbox.fake.knobs().fail_status = Some(503);
    scan.run(&["token", "prod", "--fresh"], &[5]);
    sandbox.fake.knobs().fail_status = None;

    exec_and_keep_argv(&mut scan, out.path(), "prod", &[]);
    let child_env = std::fs::read_to_string(out.path().join("env")).unwrap();
    assert!(
        child_env.contains(SECRET_CANARY),
        "the child got its token: {child_env}"
    );
    scan.run(&["exec", "nope", "--", "true"], &[3]);
    scan.run(&["exec", "prod", "--", "/nonexistent/command"], &[127]);

    scan.run(
        &["api", "prod", "/services/data/v62.0/sobjects?q=SELECT+Id"],
        &[0],
    );
    scan.run(
        &[
            "api",
            "prod",
            "/services/data/v62.0/sobjects/Account",
            "-d",
            "{\"Name\":\"Acme\"}",
        ],
        &[0],
    );
    scan.run(&["api", "prod", "/services/data/v62.0/notfound"], &[8]);
    scan.run(
        &["api", "prod", "https://elsewhere.example/services/data"],
        &[2],
    );
    sandbox.fake.knobs().fail_status = Some(500);
    scan.run(&["api", "prod", "/services/data/v62.0/limits"], &[5]);
    sandbox.fake.knobs().fail_status = None;
    assert_nothing_leaked(scan, &sandbox, 18, &[CLIENT_SECRET.to_string()]);
}

/// tokens list, check, approvals; config, migrate, doctor, completions,
/// man; revoke in every outcome.
#[test]
fn tokens_settings_and_revoke_leak_nothing_on_any_path() {
    let (sandbox, _out) = scenario();
    let mut scan = Scan::new(&sandbox);
    scan.link(&["--alias", "prod"], &[0]);
    let url = sandbox.fake.url();
    scan.run_with(&secret_client_link(&url, "sec"), &[0], &WITH_SECRET);
    sandbox.fake.set_current_user("bob@example.com");
    scan.link(&["--alias", "bob"], &[0]);
    sandbox.fake.set_current_user("ada@example.com");

    scan.run(&["tokens", "list"], &[0]);
    scan.run(&["tokens", "list", "--json"], &[0]);
    scan.run_with(&["tokens", "check", "--json"], &[0, 4, 5], &WITH_SECRET);
    scan.run(&["tokens", "check", "prod"], &[0]);
    scan.run(&["tokens", "approvals", "prod"], &[0]);
    scan.run(&["tokens", "approvals", "prod", "--json"], &[0]);
    sandbox.fake.knobs().forbid_oauth_token_query = true;
    scan.run(&["tokens", "approvals", "prod"], &[0]);
    sandbox.fake.knobs().forbid_oauth_token_query = false;
    // A connection Salesforce has revoked: check, token and list say so.
    sandbox.fake.knobs().refresh_error = Some((
        400,
        "invalid_grant".into(),
        "expired access/refresh token".into(),
    ));
    scan.run(&["tokens", "check", "prod"], &[4]);
    scan.run(&["token", "prod", "--fresh"], &[4]);
    scan.run(&["tokens", "list", "--check"], &[4]);
    sandbox.fake.knobs().refresh_error = None;

    scan.run(&["config", "set", "client-id", "3MVG9fromConfig"], &[0]);
    scan.run(&["config", "get", "client-id"], &[0]);
    scan.run(&["config", "list"], &[0]);
    scan.run(&["config", "set", "timeout", "0"], &[2]);
    scan.run(&["config", "unset", "client-id"], &[0]);
    scan.run(&["migrate", "prod", "--to", "keyutils"], &[0, 6]);
    scan.run(&["migrate", "prod", "--to", "file"], &[0, 2, 6]);
    scan.run(&["migrate", "nope", "--to", "file"], &[3]);
    scan.run(&["doctor"], &[0, 6, 7]);
    scan.run(&["doctor", "--json"], &[0, 6, 7]);
    scan.run(&["doctor", "--clean"], &[0, 6, 7]);
    scan.run(&["completions", "bash"], &[0]);
    scan.run(&["man"], &[0]);

    sandbox.fake.knobs().fail_paths = vec![("/services/oauth2/revoke".into(), 503)];
    scan.run(&["revoke", "prod"], &[5]);
    sandbox.fake.knobs().fail_paths = vec![];
    scan.run(&["revoke", "nope"], &[3]);
    scan.run(&["revoke", "bob", "--local-only"], &[0]);
    scan.run_with(&["revoke", "sec"], &[0], &WITH_SECRET);
    scan.link(&["--alias", "again"], &[0]);

    scan.run(&["revoke", "--all", "--json"], &[0]);
    assert_nothing_leaked(scan, &sandbox, 30, &[CLIENT_SECRET.to_string()]);
}

/// Other apps for the variable-held credentials, or their connections
/// would replace the first two (one connection per user, org, app and kind).
fn register_second_apps(sandbox: &Sandbox) {
    register_jwt_app(&sandbox.fake, "3MVG9secondJwtApp", "rsa2048-pkcs8.crt");
    sandbox
        .fake
        .knobs()
        .headless
        .client_credentials_apps
        .push(ClientCredentialsApp {
            client_id: "3MVG9secondCcApp".into(),
            secret: CC_SECRET.into(),
            enabled: true,
            run_as: Some("bob@example.com".into()),
        });
}

/// The headless kinds: JWT bearer (a stored key, a key in a variable) and
/// client credentials (a stored secret, a secret in a variable), through
/// link, token, exec, api, check, approvals, revoke and their failures.
#[test]
fn headless_kinds_leak_nothing_on_any_path() {
    let (sandbox, out) = scenario();
    let mut scan = Scan::new(&sandbox);
    let url = sandbox.fake.url();
    register_jwt_app(&sandbox.fake, JWT_CLIENT_ID, "rsa2048-pkcs8.crt");
    register_cc_app(&sandbox.fake);
    let key = key_file(&sandbox, "rsa2048-pkcs8.pem", 0o600);
    let key = key.to_str().unwrap();
    let pem = fixture_text("rsa2048-pkcs8.pem");
    let with_key = [("SF_JWT_KEY", pem.as_str())];
    let with_cc = [("SFCONNECT_CLIENT_SECRET", CC_SECRET)];
    scan.run(
        &jwt_link(&url, &["--key-file", key, "--alias", "jwt"]),
        &[0],
    );
    register_second_apps(&sandbox);
    scan.run_with(
        &[
            "link",
            "--jwt",
            "--login-url",
            &url,
            "--client-id",
            "3MVG9secondJwtApp",
            "--username",
            "ada@example.com",
            "--key-env",
            "SF_JWT_KEY",
            "--alias",
            "jwtenv",
            "--json",
        ],
        &[0],
        &with_key,
    );
    scan.run_with(&cc_link(&url, &["--alias", "cc"]), &[0], &with_cc);
    scan.run_with(
        &[
            "link",
            "--client-credentials",
            "--login-url",
            &url,
            "--client-id",
            "3MVG9secondCcApp",
            "--secret-env",
            "CI_SECRET",
            "--alias",
            "ccenv",
        ],
        &[0],
        &[("CI_SECRET", CC_SECRET)],
    );
    let bad_key = key_file(&sandbox, "encrypted-pkcs8.pem", 0o644);
    scan.run(
        &jwt_link(&url, &["--key-file", bad_key.to_str().unwrap()]),
        &[2],
    );
    scan.run_with(
        &cc_link(&url, &[]),
        &[2],
        &[("SFCONNECT_CLIENT_SECRET", "wrong-SFCANARY")],
    );
    scan.run(
        &cc_link(
            &url,
            &[
                "--secret-stdin",
                "--login-url",
                "https://login.salesforce.com",
            ],
        ),
        &[2],
    );
    for alias in ["jwt", "jwtenv", "cc", "ccenv"] {
        let env: &[(&str, &str)] = match alias {
            "jwtenv" => &with_key,
            "ccenv" => &[("CI_SECRET", CC_SECRET)],
            _ => &[],
        };
        scan.run_with(&["token", alias, "--fresh"], &[0], env);
        exec_and_keep_argv(&mut scan, out.path(), alias, env);
        scan.run_with(&["api", alias, "/services/data/v62.0/limits"], &[0], env);
        scan.run_with(&["tokens", "check", alias, "--json"], &[0], env);
        scan.run(&["tokens", "approvals", alias, "--json"], &[0]);
    }
    scan.run(&["token", "jwtenv", "--fresh"], &[2]);
    register_jwt_app(&sandbox.fake, JWT_CLIENT_ID, "rsa2048-pkcs1.crt");
    scan.run(&["token", "jwt", "--fresh"], &[4]);
    scan.run(&["tokens", "list", "--json"], &[0]);
    scan.run(&["revoke", "jwt"], &[0]);
    scan.run_with(&["revoke", "cc"], &[0], &with_cc);
    let mut extra = vec![CC_SECRET.to_string()];
    extra.extend(pem_body_lines(&pem));
    assert_nothing_leaked(scan, &sandbox, 30, &extra);
}

/// True when `T: Debug` (autoref specialisation on an inherent const).
struct IsDebug<T: ?Sized>(std::marker::PhantomData<T>);
trait NotDebug {
    const DEBUG: bool = false;
}
impl<T: ?Sized> NotDebug for IsDebug<T> {}
impl<T: ?Sized + std::fmt::Debug> IsDebug<T> {
    const DEBUG: bool = true;
}

/// import (each source and shape, an app with a consumer secret in the
/// URL, rotation, every refusal) on a second machine, and export (its
/// warnings and refusals; its stdout is the URL, so it is not scanned),
/// then the imported connections in use and revoked.
#[test]
fn import_and_export_leak_nothing_on_any_path() {
    let (laptop, _out) = scenario();
    let mut scan = Scan::new(&laptop);
    scan.link(&["--alias", "prod"], &[0]);
    let url = scan
        .run(&["export", "prod", "--format", "sfdx-url"], &[0])
        .stdout;
    scan.run(&["export", "prod"], &[2]);
    scan.run(&["export", "nope", "--format", "sfdx-url"], &[3]);

    let ci = Sandbox::sharing(&laptop);
    let mut scan_ci = Scan::new(&ci);
    let url_file = ci.root().join("auth-url.json");
    std::fs::write(
        &url_file,
        format!(r#"{{"result":{{"sfdxAuthUrl":"{}"}}}}"#, url.trim()),
    )
    .unwrap();
    let url_file = url_file.to_str().unwrap();
    let fed = |scan: &mut Scan, args: &[&str], codes: &[i32], input: &str| {
        scan.run_fed(args, codes, &[], Some(input));
    };
    // Every refusal first, with the live token inside the bad input.
    let token = laptop.refresh_token("prod");
    assert!(url.contains(&format!("::{token}@")), "{url}");
    for bad in [
        url.replace("force://", "https://"),
        url.replace('@', " @"),
        url.replace(&format!("::{token}"), &format!(":{token}")),
        format!("{}/path", url.trim()),
        format!(r#"{{"result":{{"username":"{token}"}}}}"#),
    ] {
        fed(&mut scan_ci, &["import", "--alias", "ci"], &[2], &bad);
    }
    scan_ci.run(&["import", "--from-env", "NOT_SET"], &[2]);
    scan_ci.run(&["import", "--file", "/nonexistent"], &[2]);
    // Each source and shape.
    fed(&mut scan_ci, &["import", "--alias", "ci"], &[0], &url);
    scan_ci.run(&["import", "--alias", "ci2", "--file", url_file], &[2]);
    scan_ci.run(
        &[
            "import", "--alias", "ci", "--file", url_file, "--force", "--json",
        ],
        &[0],
    );
    scan_ci.run_with(
        &[
            "import",
            "--alias",
            "ci",
            "--from-env",
            "SFDX_AUTH_URL",
            "--force",
        ],
        &[0],
        &[("SFDX_AUTH_URL", url.trim())],
    );
    // An app whose consumer secret is in the URL.
    let secret_token =
        laptop
            .fake
            .grant_refresh_token("ada@example.com", SECRET_CLIENT_ID, "api refresh_token");
    let host = laptop.fake.url().trim_start_matches("http://").to_string();
    let with_secret = format!("force://{SECRET_CLIENT_ID}:{CLIENT_SECRET}:{secret_token}@{host}");
    fed(
        &mut scan_ci,
        &["import", "--alias", "sec"],
        &[0],
        &with_secret,
    );
    scan_ci.run(&["token", "sec", "--fresh"], &[0]);
    scan_ci.run(&["export", "sec", "--format", "sfdx-url"], &[0]);
    // A token Salesforce refuses.
    let dead =
        laptop
            .fake
            .grant_refresh_token("bob@example.com", FAKE_CLIENT_ID, "api refresh_token");
    assert!(laptop.fake.revoke_refresh_token(&dead));
    fed(
        &mut scan_ci,
        &["import", "--alias", "dead"],
        &[4],
        &format!("force://{FAKE_CLIENT_ID}::{dead}@{host}"),
    );
    // Rotation: announced, the new token kept, then exported with its warning.
    laptop.fake.knobs().rotate_refresh_tokens = true;
    let rotating =
        laptop
            .fake
            .grant_refresh_token("bob@example.com", FAKE_CLIENT_ID, "api refresh_token");
    fed(
        &mut scan_ci,
        &["import", "--alias", "bob"],
        &[0],
        &format!("force://{FAKE_CLIENT_ID}::{rotating}@{host}"),
    );
    scan_ci.run(&["export", "bob", "--format", "sfdx-url"], &[0]);
    scan_ci.run(&["token", "bob", "--fresh"], &[0]);
    laptop.fake.knobs().rotate_refresh_tokens = false;
    scan_ci.run(&["tokens", "list", "--json"], &[0]);
    scan_ci.run(&["tokens", "approvals", "ci"], &[0]);
    scan_ci.run(&["revoke", "bob"], &[0]);
    assert_nothing_leaked(scan, &laptop, 4, &[CLIENT_SECRET.to_string()]);
    assert_nothing_leaked(scan_ci, &ci, 20, &[CLIENT_SECRET.to_string()]);
}

#[test]
fn every_type_holding_a_secret_has_a_redacted_debug_or_none() {
    use sfconnect::login::callback::Verdict;
    use sfconnect::salesforce::oauth::Tokens;
    use sfconnect::secrets::StoredTokens;
    use sfconnect::secrets::credential::{Credential, Entry};
    use sfconnect::secrets::secret::{Secret, SecretBytes};

    let canary = "5Aep861SFCANARYdebug";
    let secret = || Secret::new(canary);
    let shown = [
        format!("{:?}", secret()),
        format!(
            "{:?}",
            StoredTokens {
                refresh_token: secret(),
                access_token: Some(secret()),
                access_issued_at_ms: Some(1),
                client_secret: Some(secret()),
            }
        ),
        format!(
            "{:#?}",
            Tokens {
                access_token: secret(),
                refresh_token: Some(secret()),
                instance_url: "https://acme.my.salesforce.com".into(),
                identity_url: "https://login.salesforce.com/id/00D/005".into(),
                community_urls: vec![],
                issued_at_ms: 1,
                scopes: vec!["api".into()],
            }
        ),
        format!("{:?}", Verdict::Code(secret())),
        format!(
            "{:?}",
            Entry {
                credential: Credential::RsaKey(SecretBytes::new(canary.as_bytes().to_vec())),
                access_token: Some(secret()),
                access_issued_at_ms: Some(1),
                client_secret: Some(secret()),
            }
        ),
        format!("{:?}", Credential::ClientSecret(secret())),
        format!(
            "{:?}",
            sfconnect::salesforce::sfdx_url::parse(&format!(
                "force://3MVG9:{canary}:{canary}@acme.my.salesforce.com"
            ))
            .unwrap()
        ),
    ];
    for text in &shown {
        assert!(!text.contains(canary), "{text}");
        assert!(text.contains("redacted"), "{text}");
    }
    // Types that hold a secret without a redacting Debug must have none.
    const { assert!(!IsDebug::<sfconnect::salesforce::oauth::PendingLogin>::DEBUG) };
    const { assert!(!IsDebug::<sfconnect::salesforce::oauth::AppConfig>::DEBUG) };
    const { assert!(!IsDebug::<sfconnect::salesforce::device::DeviceLogin>::DEBUG) };
    const { assert!(!IsDebug::<sfconnect::tokens::access::Access>::DEBUG) };
    const { assert!(!IsDebug::<sfconnect::keys::private_key::RsaKey>::DEBUG) };
    const { assert!(!IsDebug::<sfconnect::login::listener::Event>::DEBUG) };
    const { assert!(!IsDebug::<sfconnect::login::listener::Callback>::DEBUG) };
    // The check itself can tell.
    const { assert!(IsDebug::<Secret>::DEBUG) };
}

/// The vault store: the vault token (root's, carrying the canary) is never
/// printed, logged, written to the config dir, passed in argv, or inherited
/// by `exec`'s child; nor are the tokens the vault holds, on any path,
/// including a sealed vault and a refused AppRole login.
#[test]
fn the_vault_store_leaks_nothing_on_any_path() {
    let Some(vault) = crate::support::bao::start("the_vault_store_leaks_nothing_on_any_path")
    else {
        return;
    };
    let (mut sandbox, out) = scenario();
    vault.configure(&mut sandbox);
    let mut scan = Scan::new(&sandbox);
    scan.link(&["--alias", "prod", "--json"], &[0]);
    scan.run(&["token", "prod"], &[0]);
    scan.run(&["token", "prod", "--fresh", "--format", "json"], &[0]);
    scan.run(&["tokens", "list", "--json"], &[0]);
    scan.run(&["tokens", "check"], &[0]);
    scan.run(&["doctor", "--json"], &[0]);
    scan.run(&["api", "prod", "/services/data"], &[0]);
    let env_script =
        r#"tr '\0' ' ' < /proc/$$/cmdline > "$TEST_OUT/argv"; env > "$TEST_OUT/environ""#;
    scan.run(&["exec", "prod", "--", "sh", "-c", env_script], &[0]);
    let argv = std::fs::read_to_string(out.path().join("argv")).unwrap();
    scan.seen.push(("argv of exec's child".into(), argv));
    let environ = std::fs::read_to_string(out.path().join("environ")).unwrap();
    assert!(environ.contains("SF_ACCESS_TOKEN="), "{environ}");
    assert!(
        !environ.contains(crate::support::bao::ROOT_TOKEN),
        "exec's child inherited the vault token: {environ}"
    );
    scan.run_with(
        &["token", "prod", "--fresh"],
        &[6],
        &[("VAULT_TOKEN", "s.revoked-SFCANARY-0000")],
    );
    scan.run(&["migrate", "prod", "--to", "file"], &[0]);
    scan.run(&["migrate", "prod", "--to", "vault"], &[0]);
    scan.run_with(
        &["token", "prod", "--fresh"],
        &[6],
        &[
            ("VAULT_TOKEN", ""),
            ("VAULT_ROLE_ID", "role-SFCANARY"),
            ("VAULT_SECRET_ID", "secret-id-SFCANARY-1234"),
        ],
    );
    vault.seal();
    scan.run(&["token", "prod", "--fresh"], &[6]);
    scan.run(&["tokens", "list"], &[0]);
    scan.run(&["revoke", "prod"], &[6]);
    assert_nothing_leaked(
        scan,
        &sandbox,
        14,
        &[
            crate::support::bao::ROOT_TOKEN.to_string(),
            "secret-id-SFCANARY-1234".to_string(),
            "s.revoked-SFCANARY-0000".to_string(),
        ],
    );
}
