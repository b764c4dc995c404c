//! Hostile input: abuse of the loopback listener while a real `link` waits
//! (oversized request lines and headers, hundreds of connections, silent
//! connections, other methods, repeated parameters, encoding tricks, a
//! foreign Host), after which the genuine callback still links; and
//! Salesforce answers that are malformed, cut short, huge or trickling,
//! which end with one clear error, exit 5, in bounded time, never quoting
//! the body.

use crate::support::fake_salesforce::hostile::{HOSTILE_MARKER, HostileFront, TokenAnswer};
use crate::support::listener::{WaitingLink, raw_get, waiting_link};
use crate::support::{Run, Sandbox, link_args};
use serde_json::Value;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::time::Duration;

/// Sends raw bytes and returns the status the listener answered (None when
/// it closed without one).
fn raw(addr: SocketAddr, bytes: &[u8]) -> Option<u16> {
    let mut stream = TcpStream::connect(addr).expect("listener reachable");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    // A listener may answer and close before reading everything we send.
    let _ = stream.write_all(bytes);
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    while !answer.windows(2).any(|w| w == b"\r\n") {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => answer.extend_from_slice(&buffer[..n]),
        }
    }
    let line = String::from_utf8_lossy(&answer);
    line.split_whitespace().nth(1).and_then(|s| s.parse().ok())
}

fn get(target: &str, host: &str) -> Vec<u8> {
    format!("GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").into_bytes()
}

/// A query parameter of a path and query, decoded.
fn param_of(target: &str, name: &str) -> String {
    let query = target.split_once('?').unwrap().1;
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| panic!("no {name} in {target}"))
}

/// The abusive requests, each carrying the real code and state where it
/// can, with the status the listener must refuse it with (None: closed
/// unanswered). `genuine` is the callback's path and query.
fn abusive_requests(
    genuine: &str,
    host: &str,
    port: u16,
    state: &str,
) -> Vec<(&'static str, Vec<u8>, Option<u16>)> {
    let enc = |v: &str| url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>();
    let (code_q, state_q) = (enc(&param_of(genuine, "code")), enc(state));
    // Every byte of the state percent-encoded, then the `%` encoded again:
    // it decodes once to `%73%2D...`, which is not the state.
    let double_encoded: String = state.bytes().map(|b| format!("%25{b:02X}")).collect();
    let padding = "A".repeat(16 * 1024);
    let long_line = get(
        &format!("/OauthRedirect?code={code_q}&state={state_q}&pad={padding}"),
        host,
    );
    let mut big_headers = format!("GET /favicon.ico HTTP/1.1\r\nHost: {host}\r\n");
    for i in 0..1600 {
        big_headers.push_str(&format!("X-Pad-{i}: {}\r\n", "b".repeat(56)));
    }
    big_headers.push_str("Connection: close\r\n\r\n");
    assert!(big_headers.len() > 100 * 1024);
    let with = |method: &str| {
        format!(
            "{method} {genuine} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
        .into_bytes()
    };
    vec![
        ("16 KiB request line", long_line, Some(414)),
        // The head is bounded at 16 KiB: more is refused unread.
        ("100 KiB of headers", big_headers.into_bytes(), Some(431)),
        ("POST", with("POST"), Some(405)),
        ("PUT", with("PUT"), Some(405)),
        ("OPTIONS", with("OPTIONS"), Some(405)),
        ("HEAD", with("HEAD"), Some(405)),
        (
            "two codes",
            get(
                &format!("/OauthRedirect?code={code_q}&code=x&state={state_q}"),
                host,
            ),
            Some(400),
        ),
        (
            "two states",
            get(
                &format!("/OauthRedirect?code={code_q}&state={state_q}&state={state_q}"),
                host,
            ),
            Some(400),
        ),
        (
            "%2F in the path",
            get(
                &format!("/%2FOauthRedirect?code={code_q}&state={state_q}"),
                host,
            ),
            Some(404),
        ),
        (
            "%00 in the path",
            get(
                &format!("/OauthRedirect%00?code={code_q}&state={state_q}"),
                host,
            ),
            Some(404),
        ),
        (
            "%00 after the state",
            get(
                &format!("/OauthRedirect?code={code_q}&state={state_q}%00"),
                host,
            ),
            Some(400),
        ),
        (
            "double-encoded state",
            get(
                &format!("/OauthRedirect?code={code_q}&state={}", double_encoded),
                host,
            ),
            Some(400),
        ),
        (
            "upper-case path",
            get(
                &format!("/OAUTHREDIRECT?code={code_q}&state={state_q}"),
                host,
            ),
            Some(404),
        ),
        (
            "encoded path",
            get(
                &format!("/%4FauthRedirect?code={code_q}&state={state_q}"),
                host,
            ),
            Some(404),
        ),
        (
            "wrong Host",
            get(genuine, &format!("evil.example:{port}")),
            Some(403),
        ),
        (
            "Host with another port",
            get(genuine, "localhost:1"),
            Some(403),
        ),
        (
            // A TLS hello: not ASCII, so the connection is closed unanswered.
            "TLS hello",
            b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n".to_vec(),
            None,
        ),
    ]
}

#[test]
fn listener_abuse_never_wins_and_the_genuine_callback_still_links() {
    let mut sandbox = Sandbox::new();
    let WaitingLink {
        live,
        port,
        target: genuine,
    } = waiting_link(&mut sandbox, &["--timeout", "40"]);
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let host = format!("localhost:{port}");
    let (code, state) = (param_of(&genuine, "code"), param_of(&genuine, "state"));

    // 200 connections at once, half silent, half sending half a request;
    // all stay open until the end.
    let mut held: Vec<TcpStream> = (0..200)
        .map(|i| {
            let mut stream = TcpStream::connect(addr).expect("connect");
            if i % 2 == 1 {
                let _ = stream.write_all(b"GET /OauthRedirect?code=");
            }
            stream
        })
        .collect();

    let cases = abusive_requests(&genuine, &host, port, &state);
    for (what, bytes, expected) in cases {
        assert_eq!(raw(addr, &bytes), expected, "{what}");
        assert_eq!(
            sandbox.fake.token_requests("authorization_code"),
            0,
            "{what} reached the token exchange"
        );
    }

    // The genuine callback, with every abusive connection still open.
    let (status, body) = raw_get(addr, &host, &genuine);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Linked"), "{body}");
    let run = live.finish().expect(0);
    assert_eq!(sandbox.fake.token_requests("authorization_code"), 1);
    assert_eq!(sandbox.connections().len(), 1);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(!run.stderr.contains(&code), "{}", run.stderr);
    for stream in &mut held {
        let _ = stream.write_all(b"\r\n");
    }
}

/// Links through the fake, then points the connection at `front`, so the
/// next refresh meets its answer.
fn linked_behind(sandbox: &Sandbox, front: &HostileFront) {
    sandbox.link(&["--alias", "prod"]).expect(0);
    let path = sandbox.config_dir().join("index.json");
    let mut index: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    index["connections"][0]["login_url"] = Value::String(front.url());
    std::fs::write(&path, serde_json::to_string_pretty(&index).unwrap()).unwrap();
}

#[track_caller]
fn assert_bounded_network_error(run: &Run, says: &str) {
    assert_eq!(run.code, 5, "{run:#?}");
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("sfconnect: error: "))
        .collect();
    assert_eq!(errors.len(), 1, "{run:#?}");
    assert!(errors[0].contains(says), "{run:#?}");
    assert!(errors[0].contains("127.0.0.1"), "names the host: {run:#?}");
    assert!(
        !run.stderr.contains(HOSTILE_MARKER) && !run.stdout.contains(HOSTILE_MARKER),
        "the body was quoted: {run:#?}"
    );
    assert!(run.stderr.len() < 2000, "{run:#?}");
}

#[test]
fn bad_token_answers_to_a_refresh_end_in_one_clear_bounded_error() {
    for (answer, says) in [
        (TokenAnswer::Malformed, "not a Salesforce token response"),
        (TokenAnswer::Truncated, "127.0.0.1"),
        (TokenAnswer::Huge, "larger than 4194304 bytes"),
        (
            TokenAnswer::Trickle,
            "did not arrive in full within 2 seconds (SFCONNECT_HTTP_TIMEOUT)",
        ),
    ] {
        let mut sandbox = Sandbox::new();
        sandbox.set_env("SFCONNECT_HTTP_TIMEOUT", "2");
        let front = HostileFront::start(&sandbox.fake.url(), answer);
        linked_behind(&sandbox, &front);
        // The trickle would take half a minute in full: the error saying the
        // deadline passed is what proves the wait was bounded.
        let run = sandbox.run(&["token", "prod", "--fresh", "-v"]);
        eprintln!("{answer:?}: {}", run.stderr.trim());
        assert_bounded_network_error(&run, says);
        assert_eq!(front.token_requests(), 1, "{answer:?}: asked once");
        // The stored refresh token is still the good one.
        sandbox.run(&["token", "prod"]).expect(0);
    }
}

#[test]
fn bad_answers_to_the_code_exchange_store_nothing() {
    for answer in [TokenAnswer::Malformed, TokenAnswer::Truncated] {
        let mut sandbox = Sandbox::new();
        sandbox.set_env("SFCONNECT_HTTP_TIMEOUT", "2");
        let front = HostileFront::start(&sandbox.fake.url(), answer);
        let url = front.url();
        let run = sandbox.run(&link_args(&url, &["--alias", "prod"]));
        assert_bounded_network_error(&run, "127.0.0.1");
        assert_eq!(
            front.token_requests(),
            1,
            "{answer:?}: the code is exchanged once"
        );
        crate::support::leak_checks::assert_nothing_stored(&sandbox);
    }
}
