//! The login host rules: `--domain`, and the forgiving `--login-url`.

use crate::support::Sandbox;
use crate::support::fake_salesforce::DEFAULT_USERNAME;
use crate::support::listener::authorize_url;
use std::sync::Arc;

/// Runs `link --no-browser` with `flags` (timing out after a second, since
/// Salesforce itself is out of reach) and returns the authorize URL and the
/// run's stderr.
fn authorize_for(sandbox: &Sandbox, flags: &[&str]) -> (String, String) {
    let mut args = vec!["link", "--no-browser", "--timeout", "1", "--port", "0"];
    args.extend_from_slice(flags);
    let run = sandbox.run(&args).expect(7);
    (authorize_url(&run.stderr), run.stderr)
}

#[test]
fn every_host_rule_lands_on_the_right_login_host() {
    let sandbox = Arc::new(Sandbox::new());
    let cases: Vec<(Vec<&'static str>, &'static str, Option<&'static str>)> = vec![
        (
            vec!["--domain", "acme"],
            "https://acme.my.salesforce.com",
            None,
        ),
        (
            vec!["--sandbox", "--domain", "acme--uat"],
            "https://acme--uat.sandbox.my.salesforce.com",
            None,
        ),
        (
            vec!["--login-url", "acme.my.salesforce.com"],
            "https://acme.my.salesforce.com",
            Some("added https://"),
        ),
        (
            vec![
                "--login-url",
                "https://acme.my.salesforce.com/lightning/page/home?x=1",
            ],
            "https://acme.my.salesforce.com",
            Some("dropped the path /lightning/page/home"),
        ),
        (
            vec![
                "--login-url",
                "https://acme.lightning.force.com/lightning/o/Account/list",
            ],
            "https://acme.my.salesforce.com",
            Some("turned acme.lightning.force.com into its My Domain login host"),
        ),
        (
            vec!["--login-url", "acme--uat.sandbox.lightning.force.com"],
            "https://acme--uat.sandbox.my.salesforce.com",
            Some("My Domain login host"),
        ),
        (
            vec!["--login-url", "https://acme--c.vf.force.com/apex/Home"],
            "https://acme.my.salesforce.com",
            Some("My Domain login host"),
        ),
        (
            vec![
                "--login-url",
                "https://acme.my.salesforce-setup.com/lightning/setup/SetupOneHome/home",
            ],
            "https://acme.my.salesforce.com",
            Some("My Domain login host"),
        ),
        (
            vec![
                "--login-url",
                "https://acme-dev-ed.develop.my.salesforce.com",
            ],
            "https://acme-dev-ed.develop.my.salesforce.com",
            None,
        ),
        (
            vec![
                "--login-url",
                "https://acme.my.site.com/partners/s/login/?startURL=%2F",
            ],
            "https://acme.my.site.com/partners",
            Some("dropped the page /s/login"),
        ),
    ];
    let handles: Vec<_> = cases
        .into_iter()
        .map(|(flags, host, change)| {
            let sandbox = Arc::clone(&sandbox);
            std::thread::spawn(move || {
                let (url, stderr) = authorize_for(&sandbox, &flags);
                let expected = format!("{host}/services/oauth2/authorize?");
                assert!(url.starts_with(&expected), "{flags:?}: {url}");
                match change {
                    Some(change) => assert!(
                        stderr.contains(&format!("using {host} as the login URL ("))
                            && stderr.contains(change),
                        "{flags:?}: {stderr}"
                    ),
                    None => assert!(!stderr.contains("as the login URL"), "{flags:?}: {stderr}"),
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().expect("a host case failed");
    }
}

#[test]
fn bad_domains_and_combinations_exit_2() {
    let sandbox = Sandbox::new();
    for (flags, needle) in [
        (vec!["--sandbox", "--domain", "acme"], "--domain acme--uat"),
        (vec!["--domain", "acme--uat"], "--sandbox"),
        (vec!["--domain", "acme.my.salesforce.com"], "--login-url"),
        (
            vec![
                "--domain",
                "acme",
                "--login-url",
                "https://x.my.salesforce.com",
            ],
            "cannot be used with",
        ),
        (
            vec!["--login-url", "http://acme.my.salesforce.com"],
            "plain http",
        ),
    ] {
        let mut args = vec!["link", "--no-browser", "--port", "0"];
        args.extend(flags.iter().copied());
        let run = sandbox.run(&args).expect(2);
        assert!(run.stderr.contains(needle), "{flags:?}: {}", run.stderr);
    }
    assert_eq!(sandbox.fake.requests().len(), 0);
}

#[test]
fn a_loopback_login_url_stays_http_and_loses_only_its_query() {
    let sandbox = Sandbox::new();
    let url = sandbox.fake.url();
    let messy = format!("{url}/?utm_source=mail");
    let run = sandbox
        .run(&[
            "link",
            "--login-url",
            &messy,
            "--client-id",
            crate::support::fake_salesforce::FAKE_CLIENT_ID,
            "--port",
            "0",
            "--timeout",
            "20",
        ])
        .expect(0);
    run.says(&[&format!("using {url} as the login URL (dropped the query)")]);
    assert_eq!(
        sandbox.connection(DEFAULT_USERNAME)["login_url"],
        url.as_str()
    );
}
