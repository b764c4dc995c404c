//! Salesforce login hosts and the one rule for every URL we talk to.
//!
//! Production logs in at login.salesforce.com, sandboxes at
//! test.salesforce.com, and My Domain or Experience Cloud sites at their own
//! hosts (salesforce-oauth.md §1). Every Salesforce URL must be `https`; plain
//! `http` is allowed only on a loopback address, which exists for tests and
//! local development (security checklist, "TLS always"). That rule is also
//! the test seam: tests aim sfconnect at a fake server on 127.0.0.1 without
//! any hidden switch.

use crate::error::{Error, Result};
use std::net::IpAddr;
use url::Url;

pub const PRODUCTION: &str = "https://login.salesforce.com";
pub const SANDBOX: &str = "https://test.salesforce.com";

/// The login URL for `link`: `--login-url`, else sandbox or production.
pub fn choose_login_url(login_url: Option<&str>, sandbox: bool) -> Result<String> {
    match (login_url, sandbox) {
        (Some(_), true) => Err(Error::usage(
            "--sandbox and --login-url cannot be used together",
        )
        .with_hint("for a sandbox My Domain, pass only --login-url https://NAME--SBX.sandbox.my.salesforce.com")),
        (Some(url), false) => parse_login_url(url),
        (None, true) => Ok(SANDBOX.to_string()),
        (None, false) => Ok(PRODUCTION.to_string()),
    }
}

/// Validates a login URL and returns it without a trailing slash. A path is
/// kept, since Experience Cloud sites log in under one
/// (`https://NAME.my.site.com/partners`).
pub fn parse_login_url(input: &str) -> Result<String> {
    let url = Url::parse(input.trim()).map_err(|e| {
        Error::usage(format!("malformed login URL {input:?}: {e}"))
            .with_hint("use a URL such as https://NAME.my.salesforce.com")
    })?;
    require_safe_scheme(&url, "login URL")?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::usage(
            "the login URL must not contain a user name or password",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::usage(format!(
            "the login URL {input:?} must not have a query or fragment"
        ))
        .with_hint("pass only the host, e.g. https://NAME.my.salesforce.com"));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

/// `https`, or `http` to a loopback address only.
pub fn require_safe_scheme(url: &Url, what: &str) -> Result<()> {
    let host = url.host_str().unwrap_or_default();
    match url.scheme() {
        "https" if !host.is_empty() => Ok(()),
        "http" if is_loopback_host(host) => Ok(()),
        "http" => Err(Error::usage(format!(
            "the {what} {url} uses plain http: only https is allowed, except on a loopback address (127.0.0.1, [::1], localhost)"
        ))),
        _ => Err(Error::usage(format!(
            "the {what} {url} is not an https URL"
        ))),
    }
}

/// `localhost`, 127.0.0.0/8 or `[::1]`.
pub fn is_loopback_host(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Checks a URL that Salesforce handed us (instance URL, identity URL) by the
/// same rule, so a tampered response cannot send a token over plain http.
pub fn parse_server_url(input: &str, what: &str) -> Result<Url> {
    let url = Url::parse(input).map_err(|_| {
        Error::network(format!("Salesforce returned a malformed {what}: {input:?}"))
    })?;
    require_safe_scheme(&url, what).map_err(|e| Error::network(e.message))?;
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Exit;

    #[test]
    fn default_hosts() {
        assert_eq!(choose_login_url(None, false).unwrap(), PRODUCTION);
        assert_eq!(choose_login_url(None, true).unwrap(), SANDBOX);
        let both = choose_login_url(Some("https://x.my.salesforce.com"), true).unwrap_err();
        assert_eq!(both.exit, Exit::Usage);
    }

    #[test]
    fn login_urls() {
        assert_eq!(
            parse_login_url("https://acme.my.salesforce.com/").unwrap(),
            "https://acme.my.salesforce.com"
        );
        assert_eq!(
            parse_login_url("https://acme.my.site.com/partners/").unwrap(),
            "https://acme.my.site.com/partners"
        );
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:9",
            "http://127.8.9.10",
        ] {
            assert!(parse_login_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://acme.my.salesforce.com",
            "http://10.0.0.1",
            "ftp://login.salesforce.com",
            "not a url",
            "login.salesforce.com",
            "https://u:p@login.salesforce.com",
            "https://login.salesforce.com/?x=1",
            "http://localhost.evil.com",
        ] {
            assert_eq!(parse_login_url(bad).unwrap_err().exit, Exit::Usage, "{bad}");
        }
    }

    #[test]
    fn server_urls_follow_the_same_rule() {
        assert!(parse_server_url("https://acme.my.salesforce.com", "instance URL").is_ok());
        let err = parse_server_url("http://evil.example", "instance URL").unwrap_err();
        assert_eq!(err.exit, Exit::Network);
    }
}
