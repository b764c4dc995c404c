//! Every Salesforce call respects proxy settings, has timeouts, and says
//! which host failed and how.

use crate::support::Sandbox;
use crate::support::proxy::Proxy;

#[test]
fn calls_go_through_the_proxy_unless_no_proxy_says_otherwise() {
    let mut sandbox = Sandbox::linked("prod");
    let proxy = Proxy::start();
    sandbox.set_env("HTTP_PROXY", &proxy.url);
    sandbox.set_env("HTTPS_PROXY", &proxy.url);
    // Plain http to loopback never goes through a proxy (see trust/).
    sandbox.run(&["token", "prod", "--fresh"]).expect(0);
    assert!(proxy.seen().is_empty(), "the proxy saw: {:?}", proxy.seen());

    // An https name goes through HTTPS_PROXY as a CONNECT tunnel (the fake
    // speaks no TLS, so the handshake then fails: exit 5).
    let path = sandbox.config_dir().join("index.json");
    let original = std::fs::read_to_string(&path).unwrap();
    let port = sandbox.fake.url().rsplit(':').next().unwrap().to_string();
    let https = format!("https://localhost:{port}");
    std::fs::write(&path, original.replace(&sandbox.fake.url(), &https)).unwrap();
    sandbox.run(&["token", "prod", "--fresh"]).expect(5);
    let connect = format!("CONNECT localhost:{port} ");
    assert!(
        proxy.seen().iter().any(|line| line.starts_with(&connect)),
        "{:?}",
        proxy.seen()
    );

    sandbox.set_env("NO_PROXY", "localhost");
    let before = proxy.seen().len();
    sandbox.run(&["token", "prod", "--fresh"]).expect(5);
    assert_eq!(proxy.seen().len(), before, "NO_PROXY bypasses the proxy");
    std::fs::write(&path, original).unwrap();
}

/// `RefusingPort` binds without listening through the Unix socket calls.
#[cfg(unix)]
#[test]
fn failures_name_the_host_and_what_failed() {
    let mut sandbox = Sandbox::linked("prod");
    // Nobody listens: connect fails.
    let dead = crate::support::refusing::RefusingPort::bind();
    let dead_port = dead.port;
    let path = sandbox.config_dir().join("index.json");
    let original = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        original.replace(
            &sandbox.fake.url(),
            &format!("http://127.0.0.1:{dead_port}"),
        ),
    )
    .unwrap();
    sandbox.run(&["token", "prod", "--fresh"]).expect_error(
        5,
        &[&format!("cannot reach 127.0.0.1:{dead_port}"), "connect"],
    );
    std::fs::write(&path, &original).unwrap();

    // A server that does not answer until the command has ended: only its
    // own timeout can end it (else the harness's watchdog fails the test).
    sandbox.set_env("SFCONNECT_HTTP_TIMEOUT", "1");
    let gate = sandbox.fake.hold_refresh_answers();
    sandbox
        .run(&["token", "prod", "--fresh"])
        .expect_error(5, &["timed out"]);
    gate.wait_until_holding(1);
    gate.open();
    sandbox.fake.knobs().holds.clear();

    // TLS to a server that answers in plain HTTP at once.
    let plain = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let plain_url = format!("https://{}", plain.local_addr().unwrap());
    std::thread::spawn(move || {
        for mut stream in plain.incoming().flatten() {
            use std::io::Write;
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n");
        }
    });
    std::fs::write(&path, original.replace(&sandbox.fake.url(), &plain_url)).unwrap();
    let run = sandbox.run(&["token", "prod", "--fresh"]).expect(5);
    assert!(
        run.stderr.to_lowercase().contains("tls") || run.stderr.contains("SSL"),
        "{}",
        run.stderr
    );
}

/// A timeout names what set it: `tokens check --timeout`, not
/// SFCONNECT_HTTP_TIMEOUT; and one second is "1 second".
#[test]
fn a_timeout_blames_what_set_it() {
    let sandbox = Sandbox::linked("prod");
    sandbox.fake.knobs().delay = std::time::Duration::from_secs(3);
    let run = sandbox
        .run(&["tokens", "check", "--timeout", "1", "--json"])
        .expect(5);
    let detail = run.json()["results"][0]["detail"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        detail.contains("timed out after 1 second (--timeout)"),
        "{detail}"
    );
    assert!(!detail.contains("SFCONNECT_HTTP_TIMEOUT"), "{detail}");
    sandbox.fake.knobs().delay = std::time::Duration::ZERO;
}

/// SFCONNECT_HTTP_TIMEOUT that is not a number of seconds is refused like a
/// bad flag (2), not ignored.
#[test]
fn a_bad_http_timeout_is_a_usage_error() {
    let mut sandbox = Sandbox::linked("prod");
    for bad in ["abc", "0", "-1", "1.5", "99999999999999999999"] {
        sandbox.set_env("SFCONNECT_HTTP_TIMEOUT", bad);
        sandbox
            .run(&["token", "prod"])
            .expect_error(2, &["SFCONNECT_HTTP_TIMEOUT"]);
    }
    sandbox.set_env("SFCONNECT_HTTP_TIMEOUT", "5");
    sandbox.run(&["token", "prod"]).expect(0);
}

/// A proxy that is down is named as the proxy, not as Salesforce. Plain
/// http to loopback never uses a proxy, so the dead proxy sits on the way to
/// an https name (the index edited to `https://localhost:PORT`).
#[test]
fn a_dead_proxy_is_named() {
    let mut sandbox = Sandbox::linked("prod");
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_url = format!("http://127.0.0.1:{}", dead.local_addr().unwrap().port());
    drop(dead);
    sandbox.set_env("HTTP_PROXY", &dead_url);
    sandbox.set_env("HTTPS_PROXY", &dead_url);
    // Loopback http goes around it.
    sandbox.run(&["token", "prod", "--fresh"]).expect(0);

    let path = sandbox.config_dir().join("index.json");
    let original = std::fs::read_to_string(&path).unwrap();
    let port = sandbox.fake.url().rsplit(':').next().unwrap().to_string();
    let https = format!("https://localhost:{port}");
    std::fs::write(&path, original.replace(&sandbox.fake.url(), &https)).unwrap();
    sandbox
        .run(&["token", "prod", "--fresh"])
        .expect_error(5, &[&format!("cannot reach the proxy {dead_url}")]);
    // Credentials in the proxy URL are not repeated.
    let with_user = dead_url.replace("http://", "http://user:pw@");
    sandbox.set_env("HTTPS_PROXY", &with_user);
    let run = sandbox
        .run(&["token", "prod", "--fresh"])
        .expect_error(5, &["the proxy"]);
    assert!(!run.stderr.contains("pw"), "{}", run.stderr);
    // Bypassed by NO_PROXY, the host is reached directly: the failure is
    // then the fake's missing TLS, named as the host, not the proxy.
    sandbox.set_env("NO_PROXY", "localhost");
    let run = sandbox.run(&["token", "prod", "--fresh"]).expect(5);
    assert!(!run.stderr.contains("the proxy"), "{}", run.stderr);
    run.says(&["localhost"]);
    std::fs::write(&path, original).unwrap();
}
