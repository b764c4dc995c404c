//! The test browser (browser.py) against the fake and a stand-in listener.

use super::*;

#[test]
fn test_browser_runs_preflights_then_delivers_the_callback() {
    let fake = FakeSalesforce::start();
    let listener = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = listener.server_addr().to_ip().unwrap().port();
    let redirect_uri = format!("http://localhost:{port}/OauthRedirect");
    let served = std::thread::spawn(move || serve_callbacks(listener));
    let url = browser_authorize_url(&fake, FAKE_CLIENT_ID, &redirect_uri);
    let envs = [
        ("TEST_BROWSER_PREFLIGHT", "favicon,wrong_state,other_path"),
        ("TEST_BROWSER_HOST", "evil.example:80"),
    ];
    let events = run_browser(&url, &envs);
    let seen = served.join().unwrap();

    let names: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    let expected = [
        "launched",
        "authorize",
        "preflight",
        "preflight",
        "preflight",
        "callback",
        "done",
    ];
    assert_eq!(names, expected, "{events:?}");
    assert_eq!(events[0]["url"], url.as_str());
    assert_eq!(events[1]["status"], 302);
    let statuses: Vec<&Value> = events[2..5].iter().map(|e| &e["status"]).collect();
    assert_eq!(statuses, [404, 400, 404]);
    assert_eq!(events[5]["status"], 200);
    assert_eq!(events[5]["body"], "listener says hi");
    let paths: Vec<&str> = seen
        .iter()
        .map(|(p, _)| p.split('?').next().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "/favicon.ico",
            "/OauthRedirect",
            "/somewhere-else",
            "/OauthRedirect"
        ]
    );
    assert!(
        seen.iter().all(|(_, host)| host == "evil.example:80"),
        "{seen:?}"
    );
    let code = fake.issued_secrets().pop().unwrap();
    let delivered = url::Url::parse(&format!("http://localhost{}", seen[3].0)).unwrap();
    let delivered_code = delivered
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1;
    assert_eq!(delivered_code, code);
}

#[test]
fn test_browser_stops_at_an_error_page() {
    let fake = FakeSalesforce::start();
    let url = browser_authorize_url(&fake, "unknown-client", "http://localhost:9/OauthRedirect");
    let events = run_browser(&url, &[]);
    let names: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["launched", "authorize", "done"]);
    assert_eq!(events[1]["status"], 400);
    let body = events[1]["body"].as_str().unwrap();
    assert!(body.contains("error=invalid_client_id"), "{body}");
}
