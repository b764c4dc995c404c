//! Reaching sfconnect's loopback listener the way a browser (or an
//! attacker on the same machine) would: the authorize URL and callback
//! address it prints, raw requests with a chosen Host header, and ports a
//! test holds busy.

use super::live::{Live, PATIENCE};
use super::{Sandbox, link_args};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};

/// The authorize URL sfconnect printed (the first https?:// line that is one).
pub fn authorize_url(stderr: &str) -> String {
    stderr
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("http") && l.contains("/services/oauth2/authorize?"))
        .unwrap_or_else(|| panic!("no authorize URL in:\n{stderr}"))
        .to_string()
}

/// The listener's port, from the redirect_uri of the authorize URL.
pub fn callback_port(stderr: &str) -> u16 {
    let url = url::Url::parse(&authorize_url(stderr)).unwrap();
    let redirect = url
        .query_pairs()
        .find(|(k, _)| k == "redirect_uri")
        .expect("redirect_uri")
        .1
        .to_string();
    url::Url::parse(&redirect).unwrap().port().expect("port")
}

/// What a browser on another machine would end on: the fake's redirect
/// from the authorize URL, unfollowed.
pub fn callback_address(authorize: &str) -> String {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap();
    let response = client.get(authorize).send().expect("authorize at the fake");
    assert_eq!(response.status().as_u16(), 302, "the fake redirects");
    response.headers()["location"].to_str().unwrap().to_string()
}

/// A GET with exactly this Host header, over a raw connection; returns the
/// status and body.
pub fn raw_get(addr: SocketAddr, host: &str, target: &str) -> (u16, String) {
    let mut stream = TcpStream::connect_timeout(&addr, PATIENCE).expect("listener reachable");
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line).unwrap();
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
    let mut rest = String::new();
    let _ = reader.read_to_string(&mut rest);
    (status, rest)
}

/// The path and query of an address.
pub fn target_of(address: &str) -> String {
    let url = url::Url::parse(address).unwrap();
    format!("{}?{}", url.path(), url.query().unwrap_or_default())
}

/// A loopback port this test holds busy until the listener is dropped (no
/// other process can take it in between).
pub fn held_port() -> (TcpListener, u16) {
    let holder = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let port = holder.local_addr().unwrap().port();
    (holder, port)
}

/// The callback address the test browser was redirected to, unfollowed
/// (with `TEST_BROWSER_SKIP_CALLBACK` set): the genuine callback a test can
/// send when it chooses.
pub fn callback_from_browser_log(sandbox: &Sandbox) -> String {
    let events = sandbox.browser_events();
    events
        .iter()
        .find(|e| e["event"] == "authorize")
        .and_then(|e| e["location"].as_str())
        .unwrap_or_else(|| panic!("no authorize redirect: {events:?}"))
        .to_string()
}

/// A `link` waiting at its listener for the callback the test sends itself
/// (the test browser only records it: `TEST_BROWSER_SKIP_CALLBACK`).
pub struct WaitingLink {
    pub live: Live,
    pub port: u16,
    /// The genuine callback's path and query.
    pub target: String,
}

/// Starts `link` (with `extra` arguments) and waits until it listens.
pub fn waiting_link(sandbox: &mut Sandbox, extra: &[&str]) -> WaitingLink {
    sandbox.set_env("TEST_BROWSER_SKIP_CALLBACK", "1");
    let url = sandbox.fake.url();
    let live = Live::start(sandbox.command(&link_args(&url, extra)));
    let port = callback_port(&live.wait_for("Ctrl-C cancels"));
    let target = target_of(&callback_from_browser_log(sandbox));
    WaitingLink { live, port, target }
}
