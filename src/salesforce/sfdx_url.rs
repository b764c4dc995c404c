//! The SFDX auth URL: the Salesforce CLI's portable connection
//! (docs/salesforce-oauth.md §12), read for `import` and
//! the environment mode's auth URL variable, written for `export`.
//!
//! `force://CLIENT_ID:CLIENT_SECRET:REFRESH_TOKEN@HOST` (the secret is
//! usually empty), or the old short form `force://REFRESH_TOKEN@HOST`. The
//! sf CLI reads HOST as `https://HOST`; sfconnect does too, except that a
//! loopback HOST means `http://` (https is required everywhere else, and
//! http is allowed only on loopback: the fake Salesforce in our tests).
//!
//! The URL is the refresh token itself, so nothing here puts it, or any
//! part of it but the client id and host, into an error message. Parsing
//! is strict where the sf CLI's regex is (its character classes), so that
//! what we export the sf CLI can read and what we refuse is refused before
//! any request is sent.

use crate::error::{Error, Result};
use crate::salesforce::hosts;
use crate::salesforce::oauth::PLATFORM_CLI;
use crate::secrets::secret::Secret;
use url::Url;

const SCHEME: &str = "force://";

/// The client id of auth URLs written by old versions of the sf CLI
/// (sfdx); still accepted.
pub const LEGACY_CLIENT_ID: &str = "SalesforceDevelopmentExperience";

/// A parsed SFDX auth URL.
#[derive(Debug, Clone)]
pub struct AuthUrl {
    pub client_id: String,
    /// Present only when the URL carries a non-empty secret.
    pub client_secret: Option<Secret>,
    pub refresh_token: Secret,
    /// `https://HOST` (or `http://HOST` for a loopback host), no trailing
    /// slash: where the refresh grant goes.
    pub login_url: String,
}

/// Reads what a user hands to `import` or the environment mode: the URL
/// itself, or the JSON of `sf org display --verbose --json` /
/// `sf org auth show-sfdx-auth-url --json` (`result.sfdxAuthUrl`), or an
/// object with `sfdxAuthUrl`. Surrounding whitespace (a trailing newline
/// from a file or `echo`) is ignored; whitespace inside is not.
pub fn read(input: &str) -> Result<AuthUrl> {
    let text = input.trim();
    if text.is_empty() {
        return Err(
            Error::usage("no SFDX auth URL was given (the input is empty)").with_hint(
                "pipe it in: `sf org auth show-sfdx-auth-url --json | sfconnect import`",
            ),
        );
    }
    if text.starts_with('{') {
        return parse(&from_json(text)?);
    }
    parse(text)
}

fn from_json(text: &str) -> Result<String> {
    // The serde error could quote the input, which holds the token: keep
    // only its position.
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        Error::usage(format!(
            "the input looks like JSON but cannot be read (line {}, column {})",
            e.line(),
            e.column()
        ))
    })?;
    let found = value
        .pointer("/result/sfdxAuthUrl")
        .or_else(|| value.get("sfdxAuthUrl"));
    match found.and_then(|v| v.as_str()) {
        Some(url) => Ok(url.to_string()),
        None => Err(Error::usage(
            "the JSON has no sfdxAuthUrl (looked for result.sfdxAuthUrl and sfdxAuthUrl)",
        )
        .with_hint(
            "since May 2026 `sf org display --verbose --json` hides it; use `sf org auth show-sfdx-auth-url --json`, or set SF_TEMP_SHOW_SECRETS=true",
        )),
    }
}

/// Parses one auth URL, strictly (see the module header).
pub fn parse(text: &str) -> Result<AuthUrl> {
    let hint = "an SFDX auth URL looks like force://CLIENT_ID:SECRET:REFRESH_TOKEN@HOST (the secret may be empty)";
    if text.chars().any(char::is_whitespace) {
        return Err(Error::usage("the SFDX auth URL has whitespace inside it").with_hint(hint));
    }
    let Some(rest) = text.strip_prefix(SCHEME) else {
        return Err(
            Error::usage("this is not an SFDX auth URL (it does not start with force://)")
                .with_hint(hint),
        );
    };
    // The host cannot hold '@'; the token's characters cannot either.
    let Some((credentials, host)) = rest.rsplit_once('@') else {
        return Err(Error::usage("the SFDX auth URL has no @HOST part").with_hint(hint));
    };
    let parts: Vec<&str> = credentials.split(':').collect();
    let (client_id, secret, refresh) = match parts.as_slice() {
        [refresh] => (PLATFORM_CLI, "", *refresh),
        [id, secret, refresh] => (*id, *secret, *refresh),
        _ => {
            return Err(Error::usage(format!(
                "the SFDX auth URL has {} colon-separated parts before @; expected 3 (or 1 in the short form)",
                parts.len()
            ))
            .with_hint(hint));
        }
    };
    if client_id.is_empty() || !is_token_text(client_id) {
        return Err(
            Error::usage("the SFDX auth URL's client id is missing or malformed").with_hint(hint),
        );
    }
    if !secret.is_empty() && !is_token_text(secret) {
        return Err(Error::usage("the SFDX auth URL's client secret is malformed").with_hint(hint));
    }
    if refresh.is_empty() || !is_token_text(refresh) {
        return Err(
            Error::usage("the SFDX auth URL's refresh token is missing or malformed")
                .with_hint(hint),
        );
    }
    let login_url = login_url_of(host)?;
    Ok(AuthUrl {
        client_id: client_id.to_string(),
        client_secret: (!secret.is_empty()).then(|| Secret::new(secret)),
        refresh_token: Secret::new(refresh),
        login_url,
    })
}

/// The sf CLI's character class for each credential part:
/// `[a-zA-Z0-9._-]+={0,2}` (padding only at the end).
fn is_token_text(part: &str) -> bool {
    let body = part.trim_end_matches('=');
    part.len() - body.len() <= 2
        && !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// `HOST` or `HOST:PORT`, a hostname or IPv4 address, read as https (http
/// on loopback).
fn login_url_of(host: &str) -> Result<String> {
    let refuse = |why: &str| {
        Error::usage(format!("the SFDX auth URL's host {host:?} {why}")).with_hint(
            "the part after @ is a hostname such as acme.my.salesforce.com, with no scheme or path",
        )
    };
    if host.is_empty() {
        return Err(refuse("is empty"));
    }
    if !host
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':'))
    {
        return Err(refuse("is not a hostname"));
    }
    let (name, port) = match host.split_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (host, None),
    };
    let labels_ok = name
        .split('.')
        .all(|l| !l.is_empty() && l.len() <= 63 && !l.starts_with('-') && !l.ends_with('-'));
    if !labels_ok || name.len() > 253 {
        return Err(refuse("is not a hostname"));
    }
    if let Some(port) = port
        && !port.parse::<u16>().is_ok_and(|p| p > 0)
    {
        return Err(refuse("has a port that is not a number from 1 to 65535"));
    }
    let scheme = if hosts::is_loopback_host(name) {
        "http"
    } else {
        "https"
    };
    let url = format!("{scheme}://{}", host.to_ascii_lowercase());
    Url::parse(&url).map_err(|_| refuse("is not a hostname"))?;
    Ok(url)
}

/// Why a connection cannot be written as an auth URL, or the URL. The host
/// is the instance's, as the sf CLI writes it.
pub fn format(
    client_id: &str,
    client_secret: Option<&Secret>,
    refresh_token: &Secret,
    instance_url: &str,
) -> Result<Secret> {
    let url = Url::parse(instance_url)
        .map_err(|_| Error::usage(format!("the instance URL {instance_url:?} is malformed")))?;
    if url.path() != "/" && !url.path().is_empty() {
        return Err(Error::usage(format!(
            "the instance URL {instance_url} has a path (an Experience Cloud site?), which an SFDX auth URL cannot carry"
        )));
    }
    let host = match url.host() {
        Some(url::Host::Domain(name)) => name.to_string(),
        Some(url::Host::Ipv4(ip)) => ip.to_string(),
        Some(url::Host::Ipv6(_)) => {
            return Err(Error::usage(format!(
                "the instance URL {instance_url} is an IPv6 literal, which an SFDX auth URL cannot carry"
            )));
        }
        None => {
            return Err(Error::usage(format!(
                "the instance URL {instance_url} has no host"
            )));
        }
    };
    let host = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    };
    // What we write must read back the same way, with the same scheme.
    let secret = client_secret.map(Secret::expose).unwrap_or("");
    let text = format!(
        "{SCHEME}{client_id}:{secret}:{}@{host}",
        refresh_token.expose()
    );
    let back = parse(&text).map_err(|_| {
        Error::usage(format!(
            "this connection cannot be written as an SFDX auth URL: its client id, secret or host ({host}) has characters the format does not allow"
        ))
    })?;
    if back.login_url != instance_url.trim_end_matches('/') {
        return Err(Error::usage(format!(
            "the instance URL {instance_url} would not read back as itself from an SFDX auth URL (which always means https://HOST)"
        )));
    }
    Ok(Secret::new(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    const RT: &str = "5Aep861abc.DEF_ghi-123==";

    #[test]
    fn long_form_with_empty_secret() {
        let url = parse(&format!("force://PlatformCLI::{RT}@acme.my.salesforce.com")).unwrap();
        assert_eq!(url.client_id, "PlatformCLI");
        assert!(url.client_secret.is_none());
        assert_eq!(url.refresh_token.expose(), RT);
        assert_eq!(url.login_url, "https://acme.my.salesforce.com");
    }

    #[test]
    fn long_form_with_secret_and_legacy_id() {
        let url = parse(&format!(
            "force://{LEGACY_CLIENT_ID}:S3cr3t:{RT}@ACME.my.salesforce.com"
        ))
        .unwrap();
        assert_eq!(url.client_id, LEGACY_CLIENT_ID);
        assert_eq!(url.client_secret.unwrap().expose(), "S3cr3t");
        assert_eq!(url.login_url, "https://acme.my.salesforce.com");
    }

    #[test]
    fn short_form_means_the_platform_cli_app() {
        let url = parse(&format!("force://{RT}@login.salesforce.com")).unwrap();
        assert_eq!(url.client_id, PLATFORM_CLI);
        assert_eq!(url.login_url, "https://login.salesforce.com");
    }

    #[test]
    fn loopback_hosts_are_http_with_their_port() {
        let url = parse(&format!("force://PlatformCLI::{RT}@127.0.0.1:8123")).unwrap();
        assert_eq!(url.login_url, "http://127.0.0.1:8123");
    }

    #[test]
    fn json_shapes_are_read() {
        let inner = format!("force://PlatformCLI::{RT}@acme.my.salesforce.com");
        for json in [
            format!(r#"{{"status":0,"result":{{"sfdxAuthUrl":"{inner}","username":"u"}}}}"#),
            format!(r#"{{"sfdxAuthUrl":"{inner}"}}"#),
        ] {
            assert_eq!(read(&json).unwrap().refresh_token.expose(), RT);
        }
        assert_eq!(
            read(&format!("  {inner}\n"))
                .unwrap()
                .refresh_token
                .expose(),
            RT
        );
    }

    #[test]
    fn bad_inputs_are_usage_errors_that_do_not_quote_the_token() {
        let cases = [
            String::new(),
            "{}".to_string(),
            r#"{"result":{"username":"u"}}"#.to_string(),
            "{not json 5Aep861SECRET".to_string(),
            format!("https://PlatformCLI::{RT}@acme.my.salesforce.com"),
            format!("force://PlatformCLI::{RT}"),
            format!("force://PlatformCLI:{RT}@acme.my.salesforce.com"),
            "force://PlatformCLI::@acme.my.salesforce.com".to_string(),
            format!("force://:x:{RT}@acme.my.salesforce.com"),
            format!("force://PlatformCLI::{RT} @acme.my.salesforce.com"),
            format!("force://PlatformCLI::{RT}\n@acme.my.salesforce.com"),
            format!("force://PlatformCLI::{RT}@"),
            format!("force://PlatformCLI::{RT}@acme.my.salesforce.com/path"),
            format!("force://PlatformCLI::{RT}@https://acme.my.salesforce.com"),
            format!("force://PlatformCLI::{RT}@acme..salesforce.com"),
            format!("force://PlatformCLI::{RT}@acme.my.salesforce.com:99999"),
            format!("force://PlatformCLI::{RT}@[::1]:8080"),
            "force://PlatformCLI::5Aep!bad@acme.my.salesforce.com".to_string(),
            format!("force://PlatformCLI::{RT}=@acme.my.salesforce.com"),
        ];
        for case in cases {
            let err = read(&case).unwrap_err();
            assert_eq!(err.exit, crate::error::Exit::Usage, "{case:?}");
            assert!(!err.message.contains("5Aep"), "{case:?}: {}", err.message);
        }
    }

    #[test]
    fn format_round_trips_and_matches_the_sf_cli_shape() {
        let rt = Secret::new(RT);
        let url = format("PlatformCLI", None, &rt, "https://acme.my.salesforce.com").unwrap();
        assert_eq!(
            url.expose(),
            format!("force://PlatformCLI::{RT}@acme.my.salesforce.com")
        );
        let back = parse(url.expose()).unwrap();
        assert_eq!(back.refresh_token.expose(), RT);
        let with_secret = format(
            "3MVG9x",
            Some(&Secret::new("ABC123")),
            &rt,
            "http://127.0.0.1:4000/",
        )
        .unwrap();
        assert_eq!(
            with_secret.expose(),
            format!("force://3MVG9x:ABC123:{RT}@127.0.0.1:4000")
        );
    }

    #[test]
    fn format_refuses_what_the_format_cannot_carry() {
        let rt = Secret::new(RT);
        for instance in [
            "https://acme.my.site.com/partners",
            "http://[::1]:4000",
            "http://acme.my.salesforce.com",
        ] {
            let err = format("PlatformCLI", None, &rt, instance).unwrap_err();
            assert_eq!(err.exit, crate::error::Exit::Usage, "{instance}");
            assert!(!err.message.contains("5Aep"), "{}", err.message);
        }
    }
}
