//! Index entries are checked when read, not only when written: an entry
//! whose login URL, instance URL or id was edited into something sfconnect
//! never writes is refused (exit 2, naming the field) by every command that
//! would act on it, before any request; the other entries keep working, and
//! `revoke --local-only` still forgets it.

use super::{edit_entry, route_everything_through};
use crate::support::Sandbox;
use crate::support::proxy::Proxy;
use serde_json::Value;

/// `good` (Ada) and `bad` (Bob), both linked through the fake.
fn two_linked() -> Sandbox {
    let sandbox = Sandbox::linked("good");
    sandbox.fake.add_user(crate::support::users::bob());
    sandbox.fake.set_current_user("bob@example.com");
    sandbox.link(&["--alias", "bad"]).expect(0);
    sandbox
}

/// Moves a secret to another id in the file store, so that an edited id
/// still finds one and nothing but the check stops a command.
fn move_secret(sandbox: &Sandbox, from: &str, to: &str) {
    let path = sandbox.config_dir().join("secrets.json");
    let mut file: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let secrets = file["secrets"].as_object_mut().unwrap();
    let entry = secrets.remove(from).expect("the secret exists");
    secrets.insert(to.to_string(), entry);
    std::fs::write(&path, file.to_string()).unwrap();
}

#[test]
fn an_edited_entry_is_refused_before_any_request_and_the_others_keep_working() {
    for (field, value) in [
        ("login_url", "http://login.evil.invalid"),
        ("instance_url", "https://evil.invalid"),
        ("id", "../escaped"),
    ] {
        let mut sandbox = two_linked();
        let tokens = sandbox.tokens_of("bad");
        let secrets: Vec<String> = ["refresh_token", "access_token"]
            .iter()
            .map(|k| tokens[*k].as_str().unwrap().to_string())
            .collect();
        if field == "id" {
            let id = sandbox.id_of("bad");
            move_secret(&sandbox, &id, value);
        }
        edit_entry(&sandbox, "bad", field, value);
        let proxy = Proxy::start();
        route_everything_through(&mut sandbox, &proxy);
        let refreshes = sandbox.fake.token_requests("refresh_token");
        let revokes = sandbox.fake.count("POST", "/services/oauth2/revoke");
        let earlier = sandbox.fake.requests().len();

        for args in [
            &["token", "bad", "--fresh"][..],
            &["api", "bad", "/services/data/v62.0/limits"],
            &["exec", "bad", "--", "true"],
            &["revoke", "bad"],
            &["tokens", "check", "bad"],
        ] {
            let run = sandbox.run(args);
            assert_eq!(run.code, 2, "{field}: {args:?}: {run:#?}");
            let errors = super::error_lines(&run.stderr);
            assert_eq!(errors.len(), 1, "{run:#?}");
            assert!(
                errors[0].contains("entry bad is refused")
                    && errors[0].contains(&format!("its {field} ")),
                "{field}: {args:?}: {run:#?}"
            );
            run.says(&["revoke bad --local-only"]);
        }
        // Checking everything checks the good one and reports the bad one.
        let run = sandbox.run(&["tokens", "check", "--json"]);
        assert_eq!(run.code, 2, "{run:#?}");
        let statuses: Vec<(String, String)> = run.json()["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["alias"].as_str().unwrap().into(),
                    r["status"].as_str().unwrap().into(),
                )
            })
            .collect();
        assert_eq!(
            statuses,
            [
                ("bad".into(), "invalid".into()),
                ("good".into(), "ok".into())
            ],
            "{run:#?}"
        );

        // Nothing was sent for the bad entry, directly or through a proxy.
        assert!(proxy.seen().is_empty(), "{field}: {:?}", proxy.seen());
        assert_eq!(
            sandbox.fake.token_requests("refresh_token"),
            refreshes + 1,
            "{field}: only the good entry was refreshed"
        );
        assert_eq!(
            sandbox.fake.count("POST", "/services/oauth2/revoke"),
            revokes
        );
        for request in &sandbox.fake.requests()[earlier..] {
            let seen = format!("{:?} {} {:?}", request.headers, request.body, request.query);
            for secret in &secrets {
                assert!(
                    !seen.contains(secret),
                    "{field}: a token of bad was sent: {request:?}"
                );
            }
        }
        assert!(
            !sandbox.config_dir().join("escaped.lock").exists(),
            "the id named a lock file outside the locks directory"
        );

        sandbox.run(&["token", "good", "--fresh"]).expect(0);
        sandbox.run(&["revoke", "bad", "--local-only"]).expect(0);
        let left: Vec<Value> = sandbox.connections();
        assert_eq!(left.len(), 1, "{left:?}");
        assert_eq!(left[0]["alias"], "good");
        assert!(proxy.seen().is_empty(), "{:?}", proxy.seen());
    }
}

#[test]
fn an_index_that_does_not_parse_is_still_an_error_that_keeps_the_file() {
    let sandbox = Sandbox::linked("prod");
    let path = sandbox.config_dir().join("index.json");
    std::fs::write(&path, "{").unwrap();
    sandbox
        .run(&["token", "prod", "--fresh"])
        .expect_error(1, &["index.json"]);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "{");
}
