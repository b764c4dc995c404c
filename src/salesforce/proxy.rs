//! Which proxy a Salesforce call goes through.
//!
//! The environment decides, read as curl reads it (and as reqwest would on
//! its own): `HTTPS_PROXY` for https, `HTTP_PROXY` for http, `ALL_PROXY` for
//! either when the specific one is not set, `NO_PROXY` for hosts reached
//! directly; the upper-case name first, then the lower-case one; and no
//! proxy at all under CGI (`REQUEST_METHOD` set), where a request header
//! could have set `HTTP_PROXY` ("httpoxy").
//!
//! One rule is ours: plain `http` to a loopback address never goes through
//! a proxy, whatever the environment says. That traffic is unencrypted and
//! meant for this machine; a proxy would carry it, tokens included, off it
//! (security checklist, "plain `http` only to loopback addresses ... and
//! never through a proxy"). So the http proxy's bypass list always holds
//! 127.0.0.0/8 and ::1, and `localhost` when it resolves to loopback
//! addresses only (`hosts::is_loopback_host`). https keeps the
//! environment's rules: TLS protects it through a proxy.

use super::hosts::is_loopback_host;
use crate::settings;
use reqwest::blocking::ClientBuilder;
use reqwest::{NoProxy, Proxy};

/// Sets the client's proxies from the environment, with the loopback rule.
pub fn configure(builder: ClientBuilder) -> ClientBuilder {
    let settings = Settings::read(settings::platform);
    let loopback = loopback_hosts(is_loopback_host("localhost"));
    // `no_proxy` drops reqwest's own reading of the environment; the
    // proxies below replace it.
    let mut builder = builder.no_proxy();
    if let Some(proxy) = settings
        .http
        .as_deref()
        .and_then(|url| Proxy::http(url).ok())
    {
        let bypass = join(&settings.no, &loopback);
        builder = builder.proxy(proxy.no_proxy(NoProxy::from_string(&bypass)));
    }
    if let Some(proxy) = settings
        .https
        .as_deref()
        .and_then(|url| Proxy::https(url).ok())
    {
        builder = builder.proxy(proxy.no_proxy(NoProxy::from_string(&settings.no)));
    }
    builder
}

/// The proxy a request to `url` goes through, by the same settings and
/// loopback rule as `configure`, without credentials: a failed connection
/// through a proxy names the proxy, not the host it was asked for.
pub fn proxy_for(url: &reqwest::Url) -> Option<String> {
    let settings = Settings::read(settings::platform);
    let (proxy, bypass) = match url.scheme() {
        "http" => {
            let loopback = loopback_hosts(is_loopback_host("localhost"));
            (settings.http?, join(&settings.no, &loopback))
        }
        "https" => (settings.https?, settings.no),
        _ => return None,
    };
    let uri: oauth2::http::Uri = url.as_str().parse().ok()?;
    let matcher = hyper_util::client::proxy::matcher::Matcher::builder()
        .all(proxy)
        .no(bypass)
        .build();
    let chosen = matcher.intercept(&uri)?;
    let authority = chosen.uri().authority()?;
    let host_port = authority
        .as_str()
        .rsplit_once('@')
        .map_or(authority.as_str(), |(_, hp)| hp);
    Some(format!(
        "{}://{host_port}",
        chosen.uri().scheme_str().unwrap_or("http")
    ))
}

/// The proxy settings the environment gives.
#[derive(Debug, Default, PartialEq, Eq)]
struct Settings {
    http: Option<String>,
    https: Option<String>,
    /// `NO_PROXY`: comma-separated hosts, domains and networks.
    no: String,
}

impl Settings {
    fn read(var: impl Fn(&str) -> Option<String>) -> Settings {
        if var("REQUEST_METHOD").is_some() {
            return Settings::default();
        }
        // The first of the two names that is set wins, even when empty.
        let first = |upper: &str, lower: &str| {
            var(upper)
                .or_else(|| var(lower))
                .filter(|v| !v.trim().is_empty())
        };
        let all = first("ALL_PROXY", "all_proxy");
        Settings {
            http: first("HTTP_PROXY", "http_proxy").or_else(|| all.clone()),
            https: first("HTTPS_PROXY", "https_proxy").or(all),
            no: first("NO_PROXY", "no_proxy").unwrap_or_default(),
        }
    }
}

/// The loopback addresses plain http reaches directly.
fn loopback_hosts(localhost_is_loopback: bool) -> String {
    let mut hosts = "127.0.0.0/8,::1".to_string();
    if localhost_is_loopback {
        hosts.push_str(",localhost");
    }
    hosts
}

fn join(list: &str, more: &str) -> String {
    if list.trim().is_empty() {
        more.to_string()
    } else {
        format!("{list},{more}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(vars: &[(&str, &str)]) -> Settings {
        Settings::read(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn reads_the_environment_as_curl_does() {
        let proxy = "http://proxy:3128";
        assert_eq!(
            read(&[("ALL_PROXY", proxy)]),
            Settings {
                http: Some(proxy.into()),
                https: Some(proxy.into()),
                no: String::new()
            }
        );
        let s = read(&[
            ("all_proxy", "http://all:1"),
            ("http_proxy", "http://plain:2"),
            ("NO_PROXY", "corp.example"),
        ]);
        assert_eq!(s.http.as_deref(), Some("http://plain:2"));
        assert_eq!(s.https.as_deref(), Some("http://all:1"));
        assert_eq!(s.no, "corp.example");
        // Upper case wins; an empty value means none.
        let s = read(&[("HTTPS_PROXY", ""), ("https_proxy", "http://x:1")]);
        assert_eq!(s.https, None);
        let s = read(&[
            ("HTTP_PROXY", "http://upper:1"),
            ("http_proxy", "http://lower:1"),
        ]);
        assert_eq!(s.http.as_deref(), Some("http://upper:1"));
        // httpoxy: no proxy under CGI.
        let s = read(&[("REQUEST_METHOD", "GET"), ("HTTP_PROXY", proxy)]);
        assert_eq!(s, Settings::default());
    }

    #[test]
    fn plain_http_bypasses_the_proxy_for_loopback_only() {
        assert_eq!(loopback_hosts(true), "127.0.0.0/8,::1,localhost");
        assert_eq!(loopback_hosts(false), "127.0.0.0/8,::1");
        assert_eq!(join("", "127.0.0.0/8"), "127.0.0.0/8");
        assert_eq!(
            join("corp.example", "127.0.0.0/8"),
            "corp.example,127.0.0.0/8"
        );
    }
}
