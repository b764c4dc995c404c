//! The listener: busy ports and the port list, IPv6 loopback, the Host
//! check, Ctrl-C.

use crate::support::fake_salesforce::FAKE_CLIENT_ID;
use crate::support::leak_checks::assert_nothing_stored;
use crate::support::listener::{WaitingLink, callback_port, held_port, raw_get, waiting_link};
use crate::support::live::Live;
use crate::support::{Run, Sandbox, link_args};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};

/// `link` at the fake, listening on the first free port of `ports`.
fn link_on_ports(sandbox: &Sandbox, ports: &str) -> Run {
    let url = sandbox.fake.url();
    sandbox.run(&[
        "link",
        "--login-url",
        &url,
        "--client-id",
        FAKE_CLIENT_ID,
        "--port",
        ports,
        "--timeout",
        "20",
    ])
}

#[test]
fn busy_ports_name_the_port_the_holder_and_the_list() {
    let sandbox = Sandbox::new();
    let ((_a, first), (_b, second)) = (held_port(), held_port());
    let ports = format!("{first},{second}");
    let run = link_on_ports(&sandbox, &ports).expect(7);
    for port in [first, second] {
        run.says(&[&format!("port {port} is in use")]);
    }
    if cfg!(target_os = "linux") {
        // The holder is this test process.
        let pid = format!("(pid {})", std::process::id());
        assert_eq!(run.stderr.matches(&pid).count(), 2, "{}", run.stderr);
    }
    run.says(&[&format!("--port {ports},N"), "callback URL"]);
    assert_eq!(
        sandbox.fake.requests().len(),
        0,
        "failed before the browser"
    );
}

#[test]
fn the_next_port_of_the_list_is_used_when_the_first_is_busy() {
    let sandbox = Sandbox::new();
    let (_holder, busy) = held_port();
    // 0: a port the OS picks, so no other process can take it in between.
    let ports = format!("{busy},0");
    let run = link_on_ports(&sandbox, &ports).expect(0);
    run.says(&[&format!("port {busy} is in use")]);
    let free: u16 = run
        .stderr
        .split("listening on port ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|port| port.parse().ok())
        .unwrap_or_else(|| panic!("no next port named: {}", run.stderr));
    assert_ne!(free, busy);
    let authorize = sandbox
        .fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/services/oauth2/authorize")
        .unwrap();
    assert_eq!(
        authorize.query_param("redirect_uri"),
        Some(format!("http://localhost:{free}/OauthRedirect").as_str())
    );
    assert_eq!(sandbox.connections().len(), 1);
}

#[test]
fn a_callback_over_ipv6_loopback_links() {
    if TcpListener::bind((Ipv6Addr::LOCALHOST, 0)).is_err() {
        assert!(
            std::env::var("SFCONNECT_TEST_REQUIRE_IPV6").as_deref() != Ok("1"),
            "SFCONNECT_TEST_REQUIRE_IPV6=1 but this machine has no IPv6 loopback"
        );
        eprintln!("SKIPPED: no IPv6 loopback here");
        return;
    }
    let mut sandbox = Sandbox::new();
    let WaitingLink { live, port, target } = waiting_link(&mut sandbox, &[]);
    let addr = SocketAddr::from((Ipv6Addr::LOCALHOST, port));
    let (status, body) = raw_get(addr, &format!("[::1]:{port}"), &target);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Linked"), "{body}");
    live.finish().expect(0);
    assert_eq!(sandbox.connections().len(), 1);
}

#[test]
fn a_foreign_host_header_is_refused_and_the_login_waits_on() {
    let mut sandbox = Sandbox::new();
    let WaitingLink { live, port, target } = waiting_link(&mut sandbox, &[]);
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    // A page whose DNS name was rebound to 127.0.0.1 sends its own name,
    // even with the right code and state.
    for host in [
        "evil.example:".to_string() + &port.to_string(),
        "localhost:1".into(),
        String::new(),
    ] {
        let (status, body) = raw_get(addr, &host, &target);
        assert_eq!(status, 403, "Host {host:?}: {body}");
    }
    assert_eq!(sandbox.fake.token_requests("authorization_code"), 0);
    let (status, _) = raw_get(addr, &format!("127.0.0.1:{port}"), &target);
    assert_eq!(status, 200);
    live.finish().expect(0);
    assert_eq!(sandbox.fake.token_requests("authorization_code"), 1);
}

#[test]
fn a_browser_sending_a_foreign_host_never_ends_the_login() {
    let mut sandbox = Sandbox::new();
    sandbox.set_env("TEST_BROWSER_HOST", "attacker.example");
    let url = sandbox.fake.url();
    let mut live = Live::start(sandbox.command(&link_args(&url, &["--timeout", "60"])));
    // The browser is done (its callback refused), and the login goes on.
    let events = sandbox.browser_events();
    let callback = events
        .iter()
        .find(|e| e["event"] == "callback")
        .expect("callback event");
    assert_eq!(callback["status"], 403);
    assert!(!live.has_exited(), "the refused callback ended the login");
    live.interrupt();
    live.finish().expect_error(7, &["login cancelled"]);
    assert_eq!(sandbox.fake.token_requests("authorization_code"), 0);
    assert_nothing_stored(&sandbox);
}

#[test]
fn ctrl_c_cancels_with_7_and_leaves_nothing_behind() {
    let mut sandbox = Sandbox::new();
    sandbox.set_env("SFCONNECT_BROWSER", "true");
    let url = sandbox.fake.url();
    let live = Live::start(sandbox.command(&link_args(&url, &["--timeout", "60"])));
    let stderr = live.wait_for("Ctrl-C cancels");
    let port = callback_port(&stderr);
    live.interrupt();
    let run = live
        .finish()
        .expect_error(7, &["login cancelled (Ctrl-C); nothing was stored"]);
    assert!(run.stdout.is_empty());
    assert_nothing_stored(&sandbox);
    assert!(
        TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_ok(),
        "the listener is closed"
    );
    assert_eq!(sandbox.fake.token_requests("authorization_code"), 0);
}
