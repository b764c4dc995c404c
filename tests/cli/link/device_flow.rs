//! `link --device`: Salesforce's device flow against the fake.

use crate::support::fake_salesforce::{DEFAULT_USERNAME, FAKE_CLIENT_ID};
use crate::support::leak_checks::{assert_no_secret, assert_nothing_stored};
use crate::support::live::Live;
use crate::support::{Run, Sandbox};
use std::time::Duration;

fn device_args(url: &str) -> Vec<&str> {
    vec![
        "link",
        "--device",
        "--login-url",
        url,
        "--client-id",
        FAKE_CLIENT_ID,
        "--timeout",
        "30",
    ]
}

fn device_link(sandbox: &Sandbox) -> Run {
    let url = sandbox.fake.url();
    sandbox.run(&device_args(&url))
}

#[test]
fn approved_at_once_links_and_shows_only_the_user_code() {
    let sandbox = Sandbox::new();
    let run = device_link(&sandbox).expect(0);
    let url = sandbox.fake.url();
    run.says(&[&format!("{url}/setup/connect"), "enter the code:"]);
    assert!(
        run.stdout
            .starts_with(&format!("linked {DEFAULT_USERNAME}:")),
        "{}",
        run.stdout
    );
    assert_no_secret(&sandbox, &run.stderr, "stderr");
    assert_no_secret(&sandbox, &run.stdout, "stdout");
    let connection = sandbox.connection(DEFAULT_USERNAME);
    assert_eq!(connection["kind"], "device");
    assert_eq!(connection["login_url"], url.as_str());
    assert_eq!(connection["client_id"], FAKE_CLIENT_ID);
    let refresh = sandbox.refresh_token(DEFAULT_USERNAME);
    assert!(sandbox.fake.is_refresh_token_live(&refresh));
    assert_eq!(sandbox.fake.device_polls(), 1);
    let start = sandbox
        .fake
        .requests()
        .into_iter()
        .find(|r| r.form_param("response_type") == Some("device_code"))
        .expect("device code request");
    assert!(start.form_param("client_secret").is_none());
    assert!(start.form_param("scope").unwrap().contains("refresh_token"));
    assert!(
        !sandbox.browser_log().exists(),
        "the device flow opens no browser"
    );
}

#[test]
fn pending_polls_wait_at_the_interval_then_link() {
    let sandbox = Sandbox::new();
    sandbox.fake.knobs().device_approve_after_polls = 2;
    let started = std::time::Instant::now();
    device_link(&sandbox).expect(0);
    assert_eq!(sandbox.fake.device_polls(), 3);
    assert_eq!(sandbox.fake.device_slow_downs(), 0, "never polled too soon");
    assert!(
        started.elapsed() >= Duration::from_secs(3),
        "one poll per interval"
    );
    assert_eq!(sandbox.connections().len(), 1);
}

#[test]
fn slow_down_makes_the_polls_slower() {
    let sandbox = Sandbox::new();
    {
        let mut knobs = sandbox.fake.knobs();
        knobs.device_approve_after_polls = 1;
        // Salesforce announces 1 second but holds the polls to 3: the second
        // poll, a second after the first, is told to slow down, and only one
        // 5 seconds slower (RFC 8628 §3.5) is answered.
        knobs.device_enforced_interval_secs = Some(3);
    }
    let run = device_link(&sandbox).expect(0);
    assert_eq!(sandbox.fake.device_slow_downs(), 1, "{}", run.stderr);
    assert_eq!(
        sandbox.fake.device_polls(),
        3,
        "after slow_down, the next poll waits long enough"
    );
    assert_eq!(sandbox.connections().len(), 1);
}

#[test]
fn denied_exits_7_and_stores_nothing() {
    let sandbox = Sandbox::new();
    sandbox.fake.knobs().device_deny = true;
    device_link(&sandbox).expect_error(7, &["denied", "access_denied"]);
    assert_nothing_stored(&sandbox);
}

#[test]
fn an_expired_code_exits_7() {
    let sandbox = Sandbox::new();
    {
        let mut knobs = sandbox.fake.knobs();
        knobs.device_code_ttl = Duration::ZERO;
        knobs.device_approve_after_polls = 100;
    }
    device_link(&sandbox).expect_error(7, &["the device code expired", "link --device"]);
    assert_nothing_stored(&sandbox);
}

#[test]
fn our_own_timeout_ends_the_wait_with_7() {
    let sandbox = Sandbox::new();
    sandbox.fake.knobs().device_approve_after_polls = 100;
    let url = sandbox.fake.url();
    let mut args = device_args(&url);
    args.truncate(args.len() - 2);
    args.extend(["--timeout", "2"]);
    sandbox
        .run(&args)
        .expect_error(7, &["was not approved within"]);
    assert_nothing_stored(&sandbox);
}

#[test]
fn an_app_without_the_device_flow_is_explained() {
    let sandbox = Sandbox::new();
    sandbox.fake.knobs().device_flow_enabled = false;
    device_link(&sandbox).expect_error(
        7,
        &["not enabled for the device flow", "Enable for Device Flow"],
    );
    assert_eq!(sandbox.fake.device_polls(), 0);
}

#[test]
fn the_default_app_cannot_use_the_device_flow() {
    let sandbox = Sandbox::new();
    let url = sandbox.fake.url();
    sandbox
        .run(&["link", "--device", "--login-url", &url])
        .expect_error(2, &["PlatformCLI", "--client-id"]);
    assert_eq!(sandbox.fake.requests().len(), 0);
}

#[test]
fn ctrl_c_while_polling_exits_7() {
    let sandbox = Sandbox::new();
    sandbox.fake.knobs().device_approve_after_polls = 100;
    let url = sandbox.fake.url();
    let live = Live::start(sandbox.command(&device_args(&url)));
    live.wait_for("Ctrl-C cancels");
    live.interrupt();
    live.finish().expect_error(7, &["login cancelled (Ctrl-C)"]);
    assert_nothing_stored(&sandbox);
}
