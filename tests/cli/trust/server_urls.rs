//! URLs in Salesforce's token answers (`instance_url`, `id`,
//! `sfdc_community_url`) are judged against the login URL before a bearer
//! token goes to any of them; a refused answer loses no rotated refresh
//! token; what is stored is the normalised URL, with nothing in it that
//! could drive a terminal.

use super::{assert_printable, error_lines, route_everything_through};
use crate::support::Sandbox;
use crate::support::fake_salesforce::{DEFAULT_USER_ID, FAKE_CLIENT_ID};
use crate::support::proxy::Proxy;

#[test]
fn a_login_whose_answer_names_a_foreign_url_sends_it_nothing() {
    for (field, url) in [
        ("instance_url", "https://evil.invalid"),
        (
            "instance_url",
            "https://acme.my.salesforce.com.evil.invalid",
        ),
        ("instance_url", "http://evil.invalid"),
        ("instance_url", "https://evil.invalid/\u{1b}]0;owned\u{7}"),
        ("id", "https://evil.invalid/id/00D/005"),
        ("sfdc_community_url", "https://evil.invalid/partners"),
    ] {
        let mut sandbox = Sandbox::new();
        let proxy = Proxy::start();
        route_everything_through(&mut sandbox, &proxy);
        {
            let mut knobs = sandbox.fake.knobs();
            match field {
                "instance_url" => knobs.instance_url = Some(url.into()),
                "id" => {
                    knobs.identity_url = Some(url.into());
                    // So that a client would fall back to the identity URL.
                    knobs.userinfo_broken = true;
                }
                _ => knobs.community_url = Some(url.into()),
            }
        }
        let run = sandbox.link(&["--alias", "prod"]);
        assert_eq!(run.code, 5, "{field} {url:?}: {run:#?}");
        let errors = error_lines(&run.stderr);
        assert_eq!(errors.len(), 1, "{run:#?}");
        assert!(
            errors[0].contains("evil.invalid") && errors[0].contains("nothing was sent there"),
            "{run:#?}"
        );
        assert_printable(&run.stderr);
        assert_printable(&run.stdout);
        let bearer_calls: Vec<_> = sandbox
            .fake
            .requests()
            .into_iter()
            .filter(|r| r.header("authorization").is_some())
            .map(|r| r.path)
            .collect();
        assert!(bearer_calls.is_empty(), "{field}: {bearer_calls:?}");
        assert!(proxy.seen().is_empty(), "{field}: {:?}", proxy.seen());
        crate::support::leak_checks::assert_nothing_stored(&sandbox);
        assert!(
            sandbox
                .fake
                .live_refresh_tokens(DEFAULT_USER_ID, FAKE_CLIENT_ID)
                .is_empty(),
            "{field}: the fresh refresh token is revoked, not left holding an approval"
        );
    }
}

#[test]
fn a_refused_refresh_answer_keeps_its_rotated_refresh_token() {
    for foreign in ["https://evil.invalid", "http://evil.invalid"] {
        let mut sandbox = Sandbox::linked("prod");
        let proxy = Proxy::start();
        route_everything_through(&mut sandbox, &proxy);
        let before = sandbox.tokens_of("prod");
        {
            let mut knobs = sandbox.fake.knobs();
            knobs.rotate_refresh_tokens = true;
            knobs.instance_url = Some(foreign.into());
        }
        let run = sandbox.run(&["token", "prod", "--fresh"]);
        assert_eq!(run.code, 5, "{foreign}: {run:#?}");
        assert_eq!(error_lines(&run.stderr).len(), 1, "{run:#?}");
        assert!(
            run.stdout.is_empty(),
            "a refused answer's token is not printed"
        );
        let kept = sandbox.tokens_of("prod");
        let rotated = kept["refresh_token"].as_str().unwrap();
        assert_ne!(kept["refresh_token"], before["refresh_token"], "{foreign}");
        assert!(sandbox.fake.is_refresh_token_live(rotated), "{foreign}");
        assert_eq!(
            kept["access_token"], before["access_token"],
            "the refused answer's access token is not cached"
        );
        assert_eq!(
            sandbox.connection("prod")["instance_url"],
            sandbox.fake.url().as_str()
        );
        sandbox.fake.knobs().instance_url = None;
        sandbox.run(&["token", "prod", "--fresh"]).expect(0);
        assert!(
            !sandbox.fake.rotated_token_reused(),
            "{foreign}: a rotated token was presented again"
        );
        assert!(proxy.seen().is_empty(), "{:?}", proxy.seen());
    }
}

#[test]
fn urls_are_stored_normalised_and_print_no_control_characters() {
    let sandbox = Sandbox::new();
    let url = sandbox.fake.url();
    let port = url.rsplit(':').next().unwrap();
    sandbox.fake.knobs().instance_url = Some(format!("HTTP://127.1:{port}/"));
    let run = sandbox.link(&["--alias", "prod"]).expect(0);
    assert_eq!(sandbox.connection("prod")["instance_url"], url.as_str());
    assert!(run.stdout.contains(&format!(" at {url}\n")), "{run:#?}");

    // A path holding an escape sequence is kept, percent-encoded.
    sandbox.fake.knobs().instance_url = Some(format!("{url}/\u{1b}[2J"));
    let run = sandbox
        .run(&["token", "prod", "--fresh", "--format", "env"])
        .expect(0);
    assert_eq!(
        sandbox.connection("prod")["instance_url"],
        format!("{url}/%1B[2J").as_str()
    );
    assert_printable(&run.stdout);
    assert_printable(&sandbox.run(&["tokens", "list"]).expect(0).stdout);
}
