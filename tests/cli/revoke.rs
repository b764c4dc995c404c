//! `sfconnect revoke`: revoked at Salesforce, already dead, server down,
//! local only, unknown aliases, --all.

use crate::support::Sandbox;

/// Links `alias` and returns (connection id, refresh token).
fn linked(sandbox: &Sandbox, alias: &str) -> (String, String) {
    sandbox.link(&["--alias", alias, "--force"]).expect(0);
    (sandbox.id_of(alias), sandbox.refresh_token(alias))
}

#[test]
fn revoke_revokes_at_salesforce_then_forgets() {
    let sandbox = Sandbox::new();
    let (id, refresh) = linked(&sandbox, "prod");
    let run = sandbox.run(&["revoke", "prod"]).expect(0);
    assert_eq!(run.stdout, "revoked prod\n");
    assert!(!sandbox.fake.is_refresh_token_live(&refresh));
    let revoke = sandbox
        .fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/services/oauth2/revoke")
        .unwrap();
    assert_eq!(revoke.method, "POST");
    assert_eq!(revoke.form, vec![("token".to_string(), refresh.clone())]);
    assert!(sandbox.connections().is_empty());
    assert!(sandbox.stored_tokens(&id).is_none());
    assert!(!run.stderr.contains(&refresh));
}

#[test]
fn a_token_already_dead_is_forgotten() {
    let sandbox = Sandbox::new();
    let (id, refresh) = linked(&sandbox, "prod");
    // Revoked elsewhere (Salesforce's setup page, another tool).
    let answer = crate::support::http_client()
        .post(format!("{}/services/oauth2/revoke", sandbox.fake.url()))
        .form(&[("token", refresh.as_str())])
        .send()
        .unwrap();
    assert_eq!(answer.status(), 200);
    let run = sandbox.run(&["revoke", "prod"]).expect(0);
    assert!(run.stdout.contains("already invalid"), "{}", run.stdout);
    assert!(sandbox.connections().is_empty());
    assert!(sandbox.stored_tokens(&id).is_none());
}

#[test]
fn server_down_keeps_everything() {
    let sandbox = Sandbox::new();
    let (id, refresh) = linked(&sandbox, "prod");
    let index_before = std::fs::read(sandbox.config_dir().join("index.json")).unwrap();
    for status in [503, 500] {
        sandbox.fake.knobs().fail_paths = vec![("/services/oauth2/revoke".into(), status)];
        sandbox
            .run(&["revoke", "prod"])
            .expect_error(5, &[&format!("HTTP {status}"), "--local-only"]);
        assert_eq!(
            std::fs::read(sandbox.config_dir().join("index.json")).unwrap(),
            index_before
        );
        assert!(sandbox.stored_tokens(&id).is_some());
        assert!(sandbox.fake.is_refresh_token_live(&refresh));
    }
}

/// `RefusingPort` binds without listening through the Unix socket calls.
#[cfg(unix)]
#[test]
fn unreachable_server_keeps_everything() {
    let sandbox = Sandbox::new();
    let (id, _) = linked(&sandbox, "prod");
    // Point the connection at a port nobody listens on.
    let dead = crate::support::refusing::RefusingPort::bind();
    let dead_url = format!("http://127.0.0.1:{}", dead.port);
    let path = sandbox.config_dir().join("index.json");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace(&sandbox.fake.url(), &dead_url);
    std::fs::write(&path, &text).unwrap();
    sandbox
        .run(&["revoke", "prod"])
        .expect_error(5, &["cannot reach 127.0.0.1"]);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    assert!(sandbox.stored_tokens(&id).is_some());
}

#[test]
fn local_only_forgets_without_calling_salesforce() {
    let sandbox = Sandbox::new();
    let (id, refresh) = linked(&sandbox, "prod");
    let run = sandbox.run(&["revoke", "prod", "--local-only"]).expect(0);
    assert_eq!(run.stdout, "forgot prod locally\n");
    run.says(&["stays valid at Salesforce"]);
    assert_eq!(sandbox.fake.count("POST", "/services/oauth2/revoke"), 0);
    assert!(sandbox.fake.is_refresh_token_live(&refresh));
    assert!(sandbox.connections().is_empty());
    assert!(sandbox.stored_tokens(&id).is_none());
}

#[test]
fn unknown_alias_exits_3_and_changes_nothing() {
    let sandbox = Sandbox::new();
    let (id, refresh) = linked(&sandbox, "prod");
    sandbox
        .run(&["revoke", "prod", "nope"])
        .expect_error(3, &["nope", "prod"]);
    assert!(sandbox.fake.is_refresh_token_live(&refresh));
    assert_eq!(sandbox.connections().len(), 1);
    assert!(sandbox.stored_tokens(&id).is_some());
    assert_eq!(sandbox.fake.count("POST", "/services/oauth2/revoke"), 0);
}

#[test]
fn all_revokes_every_connection_and_reports_json() {
    let sandbox = Sandbox::new();
    let (_, first) = linked(&sandbox, "one");
    let run = sandbox.run(&["revoke", "--all", "--json"]).expect(0);
    let json = run.json();
    assert_eq!(json["version"], 1);
    assert_eq!(json["results"][0]["alias"], "one");
    assert_eq!(json["results"][0]["outcome"], "revoked");
    assert!(!sandbox.fake.is_refresh_token_live(&first));
    assert!(sandbox.connections().is_empty());
    let run = sandbox.run(&["revoke", "--all"]).expect(0);
    run.says(&["Nothing is linked"]);
}

/// `unsupported_token_type` means the token was already dead, whether
/// Salesforce says it form-encoded (as documented) or as JSON.
#[test]
fn an_unsupported_token_type_answer_is_already_invalid_in_either_body() {
    for as_json in [false, true] {
        let sandbox = Sandbox::new();
        let (_, refresh) = linked(&sandbox, "prod");
        assert!(sandbox.fake.revoke_refresh_token(&refresh));
        sandbox.fake.knobs().revoke_errors_as_json = as_json;
        let run = sandbox.run(&["revoke", "prod", "--json"]).expect(0);
        let result = &run.json()["results"][0];
        assert_eq!(
            result["outcome"], "already_invalid",
            "json {as_json}: {run:#?}"
        );
        assert!(
            result["detail"]
                .as_str()
                .unwrap()
                .contains("unsupported_token_type"),
            "{result}"
        );
        assert!(sandbox.connections().is_empty());
    }
}
