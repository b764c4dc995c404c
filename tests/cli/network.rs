//! Every Salesforce call respects proxy settings, has timeouts, and says
//! which host failed and how.

use crate::support::Sandbox;
use crate::support::proxy::Proxy;

fn linked() -> Sandbox {
    let sandbox = Sandbox::new();
    sandbox.link(&["--alias", "prod"]).expect(0);
    sandbox
}

#[test]
fn calls_go_through_the_proxy_unless_no_proxy_says_otherwise() {
    let mut sandbox = linked();
    let proxy = Proxy::start();
    sandbox.set_env("HTTP_PROXY", &proxy.url);
    sandbox.set_env("HTTPS_PROXY", &proxy.url);
    sandbox.run(&["token", "prod", "--fresh"]).expect(0);
    let host = sandbox.fake.url().trim_start_matches("http://").to_string();
    let seen = proxy.seen();
    assert!(
        seen.iter()
            .any(|line| line.contains(&host) && line.contains("/services/oauth2/token")),
        "the proxy saw: {seen:?}"
    );

    // An https login host goes through HTTPS_PROXY as a CONNECT tunnel (the
    // fake speaks no TLS, so the handshake then fails: exit 5).
    let path = sandbox.config_dir().join("index.json");
    let original = std::fs::read_to_string(&path).unwrap();
    let https = sandbox.fake.url().replace("http://", "https://");
    std::fs::write(&path, original.replace(&sandbox.fake.url(), &https)).unwrap();
    sandbox.run(&["token", "prod", "--fresh"]).expect(5);
    let connect = format!("CONNECT {host} ");
    assert!(
        proxy.seen().iter().any(|line| line.starts_with(&connect)),
        "{:?}",
        proxy.seen()
    );
    std::fs::write(&path, original).unwrap();

    sandbox.set_env("NO_PROXY", "127.0.0.1");
    let before = proxy.seen().len();
    sandbox.run(&["token", "prod", "--fresh"]).expect(0);
    assert_eq!(proxy.seen().len(), before, "NO_PROXY bypasses the proxy");
}

#[test]
fn failures_name_the_host_and_what_failed() {
    let mut sandbox = linked();
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
    let run = sandbox.run(&["token", "prod", "--fresh"]).expect(5);
    assert!(
        run.stderr
            .contains(&format!("cannot reach 127.0.0.1:{dead_port}")),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("connect"), "{}", run.stderr);
    std::fs::write(&path, &original).unwrap();

    // A server that does not answer until the command has ended: only its
    // own timeout can end it (else the harness's watchdog fails the test).
    sandbox.set_env("SFCONNECT_HTTP_TIMEOUT", "1");
    let gate = sandbox.fake.hold_refresh_answers();
    let run = sandbox.run(&["token", "prod", "--fresh"]).expect(5);
    assert!(run.stderr.contains("timed out"), "{}", run.stderr);
    gate.wait_until_holding(1);
    gate.open();
    sandbox.fake.knobs().hold = None;

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
