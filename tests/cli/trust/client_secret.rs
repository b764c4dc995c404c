//! `SFCONNECT_CLIENT_SECRET` belongs to one app: it is kept with the
//! connection linked with it (in the secret store, never the index), sent
//! for that connection only, adopted by an older connection the first time
//! it refreshes with its own client id configured, and never inherited by a
//! child process.

use crate::support::fake_salesforce::{FAKE_CLIENT_ID, FakeClient, Recorded};
use crate::support::{Run, Sandbox, link_args};

const SECRET_CLIENT_ID: &str = "3MVG9trustTestClientWithASecret";
const SECRET: &str = "CLIENTSECRET-SFCANARY-trust-41d3";
const VARIABLE: &str = "SFCONNECT_CLIENT_SECRET";

/// A sandbox whose fake also knows an app that requires `SECRET`.
fn sandbox() -> Sandbox {
    let sandbox = Sandbox::new();
    sandbox.fake.knobs().clients.push(FakeClient {
        client_id: SECRET_CLIENT_ID.into(),
        secret: Some(SECRET.into()),
        redirect_uris: vec![],
        any_loopback_port: true,
    });
    sandbox
}

/// `link --alias ALIAS` with the app that requires a secret.
fn link_secret_app(sandbox: &Sandbox, alias: &str, env: &[(&str, &str)]) -> Run {
    let url = sandbox.fake.url();
    let mut args = link_args(&url, &["--alias", alias]);
    let at = args.iter().position(|a| *a == FAKE_CLIENT_ID).unwrap();
    args[at] = SECRET_CLIENT_ID;
    sandbox.run_env(&args, env)
}

/// The last refresh grant the fake received.
fn last_refresh(sandbox: &Sandbox) -> Recorded {
    sandbox
        .fake
        .requests()
        .into_iter()
        .rfind(|r| r.form_param("grant_type") == Some("refresh_token"))
        .expect("a refresh reached the fake")
}

/// Removes the stored client secret, as sfconnect stored tokens before it
/// kept one.
fn forget_stored_secret(sandbox: &Sandbox, alias: &str) {
    sandbox.edit_tokens(alias, |tokens| {
        tokens.as_object_mut().unwrap().remove("client_secret");
    });
}

#[test]
fn the_secret_is_kept_with_its_connection_and_sent_for_it_only() {
    let sandbox = sandbox();
    link_secret_app(&sandbox, "sec", &[(VARIABLE, SECRET)]).expect(0);
    assert_eq!(sandbox.tokens_of("sec")["client_secret"], SECRET);
    let index = std::fs::read_to_string(sandbox.config_dir().join("index.json")).unwrap();
    assert!(!index.contains(SECRET), "the secret is never in the index");
    sandbox.link(&["--alias", "prod"]).expect(0);
    assert!(sandbox.tokens_of("prod").get("client_secret").is_none());

    // The variable, still set in the shell (and its app's id with it), never
    // reaches prod's token endpoint.
    for configured in [None, Some(SECRET_CLIENT_ID)] {
        let mut env = vec![(VARIABLE, SECRET)];
        env.extend(configured.map(|id| ("SFCONNECT_CLIENT_ID", id)));
        sandbox
            .run_env(&["token", "prod", "--fresh"], &env)
            .expect(0);
        let refresh = last_refresh(&sandbox);
        assert_eq!(refresh.form_param("client_id"), Some(FAKE_CLIENT_ID));
        assert_eq!(refresh.form_param("client_secret"), None, "{refresh:?}");
    }
    // sec refreshes with its stored secret, the variable unset.
    sandbox.run_env(&["token", "sec", "--fresh"], &[]).expect(0);
    let refresh = last_refresh(&sandbox);
    assert_eq!(refresh.form_param("client_id"), Some(SECRET_CLIENT_ID));
    assert_eq!(refresh.form_param("client_secret"), Some(SECRET));
    // Both at once, as `tokens check` does.
    sandbox
        .run_env(&["tokens", "check"], &[(VARIABLE, SECRET)])
        .expect(0);
}

#[test]
fn a_connection_that_relied_on_the_variable_adopts_it_with_its_client_id_configured() {
    let sandbox = sandbox();
    link_secret_app(&sandbox, "sec", &[(VARIABLE, SECRET)]).expect(0);
    forget_stored_secret(&sandbox, "sec");

    // Without its client id configured, the variable belongs to nobody.
    let run = sandbox
        .run_env(&["token", "sec", "--fresh"], &[(VARIABLE, SECRET)])
        .expect(2);
    assert_eq!(last_refresh(&sandbox).form_param("client_secret"), None);
    run.says(&[&format!("SFCONNECT_CLIENT_ID={SECRET_CLIENT_ID}")]);
    assert!(!run.stderr.contains(SECRET) && !run.stdout.contains(SECRET));

    // With it (in the environment, or in the config file), the variable is
    // sent, and kept once the refresh succeeds.
    let run = sandbox
        .run_env(
            &["token", "sec", "--fresh"],
            &[
                (VARIABLE, SECRET),
                ("SFCONNECT_CLIENT_ID", SECRET_CLIENT_ID),
            ],
        )
        .expect(0);
    run.says(&["kept the client secret"]);
    assert_eq!(
        last_refresh(&sandbox).form_param("client_secret"),
        Some(SECRET)
    );
    assert_eq!(sandbox.tokens_of("sec")["client_secret"], SECRET);
    sandbox.run_env(&["token", "sec", "--fresh"], &[]).expect(0);

    forget_stored_secret(&sandbox, "sec");
    sandbox
        .run_env(&["config", "set", "client-id", SECRET_CLIENT_ID], &[])
        .expect(0);
    sandbox
        .run_env(&["token", "sec", "--fresh"], &[(VARIABLE, SECRET)])
        .expect(0);
    assert_eq!(sandbox.tokens_of("sec")["client_secret"], SECRET);
    let index = std::fs::read_to_string(sandbox.config_dir().join("index.json")).unwrap();
    assert!(!index.contains(SECRET), "the secret is never in the index");
}

#[test]
fn child_processes_do_not_inherit_the_secret() {
    let sandbox = sandbox();
    let out = tempfile::tempdir().unwrap();
    let browser_env = out.path().join("browser-env");
    // The test browser runs this just before it delivers the callback.
    let dump = format!("env > '{}'", browser_env.display());
    link_secret_app(
        &sandbox,
        "sec",
        &[(VARIABLE, SECRET), ("TEST_BROWSER_BEFORE_CALLBACK", &dump)],
    )
    .expect(0);
    let seen = std::fs::read_to_string(&browser_env).expect("the browser ran");
    assert!(seen.contains("TEST_BROWSER_LOG="), "{seen}");
    assert!(!seen.contains(VARIABLE) && !seen.contains(SECRET), "{seen}");

    let run = sandbox
        .run_env(
            &["exec", "sec", "--fresh", "--", "env"],
            &[
                (VARIABLE, SECRET),
                ("SFCONNECT_CLIENT_ID", SECRET_CLIENT_ID),
            ],
        )
        .expect(0);
    assert!(run.stdout.contains("SF_ACCESS_TOKEN="), "{run:#?}");
    assert!(
        !run.stdout.contains(VARIABLE) && !run.stdout.contains(SECRET),
        "{run:#?}"
    );
}
