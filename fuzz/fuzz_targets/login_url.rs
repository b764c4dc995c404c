//! Login-URL normalization (`--login-url`, `--domain`, the `login-url`
//! setting) and the check on URLs Salesforce hands back: no panic, and
//! whatever is accepted is https, or http on a loopback address, with no
//! credentials, query or fragment, and normalizing it again changes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sfconnect::salesforce::hosts::{
    choose_login_url, is_loopback_host, my_domain, normalize_login_url, parse_server_url,
};

fn assert_safe(text: &str) {
    let url = url::Url::parse(text).unwrap_or_else(|e| panic!("{text:?} does not parse: {e}"));
    let host = url.host_str().unwrap_or_default();
    match url.scheme() {
        "https" => assert!(!host.is_empty(), "{text:?}: https without a host"),
        "http" => assert!(is_loopback_host(host), "{text:?}: plain http off loopback"),
        other => panic!("{text:?}: scheme {other}"),
    }
    assert!(
        url.username().is_empty() && url.password().is_none(),
        "{text:?}: credentials"
    );
    assert!(
        url.query().is_none() && url.fragment().is_none(),
        "{text:?}: query"
    );
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(login) = normalize_login_url(text) {
        assert_safe(&login.url);
        let again = normalize_login_url(&login.url).unwrap_or_else(|e| {
            panic!("{:?} was accepted, then refused: {}", login.url, e.message)
        });
        assert_eq!(again.url, login.url, "normalizing {text:?} twice differs");
    }
    for sandbox in [false, true] {
        if let Ok(url) = my_domain(text, sandbox) {
            assert_safe(&url);
            let suffix = if sandbox {
                ".sandbox.my.salesforce.com"
            } else {
                ".my.salesforce.com"
            };
            assert!(
                url.starts_with("https://") && url.ends_with(suffix),
                "{url}"
            );
        }
        if let Ok(login) = choose_login_url(None, Some(text), sandbox) {
            assert_safe(&login.url);
        }
    }
    if let Ok(url) = parse_server_url(text, "instance URL") {
        let host = url.host_str().unwrap_or_default();
        assert!(
            url.scheme() == "https" && !host.is_empty()
                || url.scheme() == "http" && is_loopback_host(host),
            "{text:?} accepted as a server URL"
        );
    }
});
