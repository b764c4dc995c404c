//! `sfconnect api`: GET and POST, headers, the 401 refresh-and-retry,
//! non-2xx statuses, and the token staying on its instance.

use crate::support::Sandbox;
use serde_json::Value;

fn last_rest_request(sandbox: &Sandbox) -> crate::support::fake_salesforce::Recorded {
    sandbox
        .fake
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.path.starts_with("/services/data/"))
        .expect("a REST request")
}

#[test]
fn get_sends_the_bearer_token_and_prints_the_body() {
    let sandbox = Sandbox::linked("prod");
    let token = sandbox.access_token("prod");
    let run = sandbox
        .run(&[
            "api",
            "prod",
            "/services/data/v62.0/sobjects",
            "-H",
            "X-Trace: abc",
        ])
        .expect(0);
    let body: Value = run.json();
    assert_eq!(body["method"], "GET");
    assert_eq!(body["path"], "/services/data/v62.0/sobjects");
    let request = last_rest_request(&sandbox);
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {token}").as_str())
    );
    assert_eq!(request.header("x-trace"), Some("abc"));
    assert!(!run.stderr.contains(&token));
}

#[test]
fn post_patch_and_bodies_from_files_and_stdin() {
    let sandbox = Sandbox::linked("prod");
    let run = sandbox
        .run(&[
            "api",
            "prod",
            "/services/data/v62.0/sobjects/Account",
            "-d",
            r#"{"Name":"Acme"}"#,
        ])
        .expect(0);
    assert_eq!(run.json()["method"], "POST");
    assert_eq!(run.json()["body"], r#"{"Name":"Acme"}"#);
    assert_eq!(
        last_rest_request(&sandbox).header("content-type"),
        Some("application/json")
    );

    let file = sandbox.config_dir().join("account.json");
    std::fs::write(&file, r#"{"Name":"From file"}"#).unwrap();
    let at_file = format!("@{}", file.display());
    let run = sandbox
        .run(&[
            "api",
            "prod",
            "/services/data/v62.0/sobjects/Account/001",
            "-X",
            "PATCH",
            "-d",
            &at_file,
        ])
        .expect(0);
    assert_eq!(run.json()["method"], "PATCH");
    assert_eq!(run.json()["body"], r#"{"Name":"From file"}"#);

    let run = sandbox.run_with_stdin(
        &[
            "api",
            "prod",
            "/services/data/v62.0/sobjects/Account",
            "-d",
            "@-",
        ],
        r#"{"Name":"From stdin"}"#,
    );
    assert_eq!(run.expect(0).json()["body"], r#"{"Name":"From stdin"}"#);
}

#[test]
fn an_expired_session_is_refreshed_once_and_retried() {
    let sandbox = Sandbox::linked("prod");
    // The org's session timeout ends the cached token's session.
    sandbox.fake.expire_access_tokens();
    let run = sandbox
        .run(&["api", "prod", "/services/data/v62.0/limits"])
        .expect(0);
    assert_eq!(run.json()["method"], "GET");
    assert_eq!(sandbox.fake.token_requests("refresh_token"), 1);
    let rest = sandbox
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.path == "/services/data/v62.0/limits")
        .count();
    assert_eq!(rest, 2, "one 401, one retry");
}

#[test]
fn non_2xx_prints_the_body_and_exits_8() {
    let sandbox = Sandbox::linked("prod");
    let run = sandbox
        .run(&["api", "prod", "/services/data/v62.0/notfound"])
        .expect_error(8, &["HTTP 404"]);
    assert!(
        run.stdout.contains("NOT_FOUND"),
        "the body still goes to stdout: {}",
        run.stdout
    );

    sandbox.fake.knobs().fail_paths = vec![("/services/data/".into(), 503)];
    sandbox
        .run(&["api", "prod", "/services/data/v62.0/limits"])
        .expect_error(5, &["HTTP 503"]);
}

#[test]
fn the_token_goes_nowhere_but_the_instance() {
    let sandbox = Sandbox::linked("prod");
    let before = sandbox.fake.requests().len();
    for url in [
        "https://evil.example/services/data/",
        "http://127.0.0.2:1/x",
    ] {
        sandbox
            .run(&["api", "prod", url])
            .expect_error(2, &["not on this connection's instance"]);
    }
    let own = format!("{}/services/data/v62.0/limits", sandbox.fake.url());
    sandbox.run(&["api", "prod", &own]).expect(0);
    assert_eq!(sandbox.fake.requests().len(), before + 1);
    sandbox
        .run(&["api", "prod", "/x", "-H", "bad header"])
        .expect(2);
    sandbox
        .run(&["api", "prod", "/x", "-H", "Authorization: Bearer stolen"])
        .expect(2);
}

/// The usage line reads `[ALIAS] <PATH>`, in help and man, and both forms
/// still work.
#[test]
fn the_usage_line_names_an_optional_alias_and_a_path() {
    let sandbox = Sandbox::linked("prod");
    let help = sandbox.run(&["api", "--help"]).expect(0).stdout;
    let usage = help.lines().find(|l| l.starts_with("Usage:")).unwrap();
    assert!(usage.ends_with("[ALIAS] <PATH>"), "{usage}");
    let man = sandbox.run(&["man"]).expect(0).stdout;
    assert!(
        man.contains("[\\fIALIAS\\fR] <\\fIPATH\\fR>"),
        "the man page"
    );
    assert!(!man.contains("ALIAS] [PATH"), "the man page");
    sandbox
        .run(&["api", "prod", "/services/data/v62.0/limits"])
        .expect(0);
    sandbox
        .run(&["api", "/services/data/v62.0/limits"])
        .expect(0);
    sandbox.run(&["api"]).expect(2);
    sandbox.run(&["api", "prod", "/a", "/b"]).expect(2);
}
