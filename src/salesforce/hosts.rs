//! Salesforce login hosts and the one rule for every URL we talk to.
//!
//! Production logs in at login.salesforce.com, sandboxes at
//! test.salesforce.com, and My Domain or Experience Cloud sites at their own
//! hosts (docs/salesforce-oauth.md §1). Every Salesforce URL must be `https`; plain
//! `http` is allowed only on a loopback address, which exists for tests and
//! local development (security checklist, "TLS always"). That rule is also
//! the test seam: tests aim sfconnect at a fake server on 127.0.0.1 without
//! any hidden switch.
//!
//! URLs that Salesforce hands back (`instance_url`, `id`,
//! `sfdc_community_url`) are held to more than the scheme, because a bearer
//! token follows them: `https` on the login host or on one of Salesforce's
//! own domains, or, only when the login URL is itself a loopback address,
//! `http` or `https` on a loopback address (security checklist, "A bearer
//! token goes only to a host that belongs there"). `localhost` counts as
//! loopback only when it resolves to loopback addresses alone.
//!
//! `--login-url` is forgiving, because users paste what their browser shows:
//! a bare host gets `https://`; a Lightning, Visualforce or Setup host
//! becomes its My Domain login host; on Salesforce's own hosts
//! (`*.salesforce.com`, `*.force.com`) the path is dropped. Other hosts
//! (Experience Cloud sites, custom domains, loopback) keep their path, which
//! names the site (`https://acme.my.site.com/partners`), minus any `/s/...`
//! page. A query or fragment is always dropped. Every change is reported, so
//! the user sees which URL is used. `--domain NAME` is shorthand for a My
//! Domain.

use crate::error::{Error, Result};
use std::net::{IpAddr, ToSocketAddrs};
use url::Url;

pub const PRODUCTION: &str = "https://login.salesforce.com";
pub const SANDBOX: &str = "https://test.salesforce.com";

/// A login URL to use, and what was changed to get it from the input.
#[derive(Debug, PartialEq, Eq)]
pub struct LoginUrl {
    pub url: String,
    /// One short phrase per change ("added https://"); empty when the input
    /// was used as given.
    pub changes: Vec<String>,
}

/// The login URL for `link`: `--login-url`, `--domain` (with `--sandbox`
/// for a sandbox My Domain), else sandbox or production.
pub fn choose_login_url(
    login_url: Option<&str>,
    domain: Option<&str>,
    sandbox: bool,
) -> Result<LoginUrl> {
    let fixed = |url: &str| LoginUrl {
        url: url.to_string(),
        changes: Vec::new(),
    };
    match (login_url, domain, sandbox) {
        (Some(_), Some(_), _) => Err(Error::usage(
            "--login-url and --domain cannot be used together",
        )
        .with_hint("--domain NAME is short for --login-url https://NAME.my.salesforce.com; pass one of them")),
        (Some(_), None, true) => Err(Error::usage(
            "--sandbox and --login-url cannot be used together",
        )
        .with_hint("for a sandbox My Domain, pass --sandbox --domain NAME--SBX, or only --login-url https://NAME--SBX.sandbox.my.salesforce.com")),
        (Some(url), None, false) => normalize_login_url(url),
        (None, Some(name), sandbox) => my_domain(name, sandbox).map(|url| fixed(&url)),
        (None, None, true) => Ok(fixed(SANDBOX)),
        (None, None, false) => Ok(fixed(PRODUCTION)),
    }
}

/// `--domain NAME`: `https://NAME.my.salesforce.com`, or with `--sandbox`
/// `https://NAME--SBX.sandbox.my.salesforce.com`.
pub fn my_domain(name: &str, sandbox: bool) -> Result<String> {
    let name = name.trim().to_ascii_lowercase();
    // Letters, digits and `-`, and a host the URL parser takes as it is
    // (found by fuzzing: `xn--...` passes the first test but is not valid
    // punycode, so the URL built from it would not parse).
    let valid = !name.is_empty()
        && name.len() <= 80
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-')
        && Url::parse(&format!("https://{name}.my.salesforce.com"))
            .is_ok_and(|u| u.host_str() == Some(&format!("{name}.my.salesforce.com")));
    if !valid {
        return Err(Error::usage(format!(
            "--domain {name:?} is not a My Domain name"
        ))
        .with_hint("pass only the name: acme for https://acme.my.salesforce.com; for any other URL use --login-url"));
    }
    if sandbox {
        if !name.contains("--") {
            return Err(Error::usage(format!(
                "--sandbox --domain {name} names no sandbox: a sandbox's My Domain is NAME--SANDBOX"
            ))
            .with_hint(format!(
                "for the sandbox uat of {name}, pass --sandbox --domain {name}--uat"
            )));
        }
        Ok(format!("https://{name}.sandbox.my.salesforce.com"))
    } else {
        if name.contains("--") {
            return Err(Error::usage(format!(
                "--domain {name} looks like a sandbox My Domain (NAME--SANDBOX)"
            ))
            .with_hint(format!("add --sandbox: --sandbox --domain {name}")));
        }
        Ok(format!("https://{name}.my.salesforce.com"))
    }
}

/// Validates a login URL and returns it normalized (see the module header),
/// without saying what changed.
pub fn parse_login_url(input: &str) -> Result<String> {
    normalize_login_url(input).map(|login| login.url)
}

/// Validates a login URL, forgivingly, and says what it changed.
pub fn normalize_login_url(input: &str) -> Result<LoginUrl> {
    let trimmed = input.trim();
    let mut changes = Vec::new();
    let with_scheme = if trimmed.contains("://") || trimmed.is_empty() {
        trimmed.to_string()
    } else {
        changes.push("added https://".to_string());
        format!("https://{trimmed}")
    };
    let mut url = Url::parse(&with_scheme).map_err(|e| {
        Error::usage(format!("malformed login URL {input:?}: {e}"))
            .with_hint("use a URL such as https://NAME.my.salesforce.com")
    })?;
    require_safe_scheme(&url, "login URL")?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::usage(
            "the login URL must not contain a user name or password",
        ));
    }
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    if let Some(login_host) = my_domain_login_host(&host) {
        url.set_host(Some(&login_host))
            .map_err(|e| Error::usage(format!("malformed login URL {input:?}: {e}")))?;
        changes.push(format!("turned {host} into its My Domain login host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        url.set_query(None);
        url.set_fragment(None);
        changes.push("dropped the query".to_string());
    }
    let path = url.path().trim_end_matches('/').to_string();
    if !path.is_empty() {
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        if is_salesforce_host(&host) {
            url.set_path("");
            changes.push(format!("dropped the path {path}"));
        } else if let Some(at) = format!("{path}/").find("/s/") {
            // An Experience Builder page (`/partners/s/login`): keep the site.
            url.set_path(&path[..at]);
            changes.push(format!("dropped the page {}", &path[at..]));
        }
    }
    Ok(LoginUrl {
        url: url.as_str().trim_end_matches('/').to_string(),
        changes,
    })
}

/// Salesforce's own hosts, where a login URL has no path.
fn is_salesforce_host(host: &str) -> bool {
    [".salesforce.com", ".force.com", ".salesforce-setup.com"]
        .iter()
        .any(|suffix| host.ends_with(suffix))
}

/// The My Domain login host of a Lightning, Visualforce or Setup host:
/// `NAME[.PARTITION].lightning.force.com`,
/// `NAME[--PACKAGE][.PARTITION].vf.force.com` and
/// `NAME[.PARTITION].my.salesforce-setup.com` all log in at
/// `NAME[.PARTITION].my.salesforce.com` (PARTITION: `sandbox`, `develop`,
/// `scratch`, `patch`, ...). `None` for any other host.
fn my_domain_login_host(host: &str) -> Option<String> {
    let (name, rest) = host.split_once('.')?;
    let (partition, kind) = match rest.split_once('.') {
        Some((label, kind)) if matches!(kind, "lightning.force.com" | "vf.force.com") => {
            (Some(label), kind)
        }
        Some((label, kind)) if kind == "my.salesforce-setup.com" => (Some(label), kind),
        _ => (None, rest),
    };
    let name = match kind {
        "lightning.force.com" | "my.salesforce-setup.com" => name,
        // Visualforce hosts end the name with `--PACKAGE` (`--c` for the
        // org's own pages).
        "vf.force.com" => name.rsplit_once("--").map_or(name, |(name, _)| name),
        _ => return None,
    };
    let valid = |label: &str| {
        !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if !valid(name) || !partition.is_none_or(valid) {
        return None;
    }
    Some(match partition {
        Some(partition) => format!("{name}.{partition}.my.salesforce.com"),
        None => format!("{name}.my.salesforce.com"),
    })
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

/// 127.0.0.0/8, `[::1]`, or `localhost` when it resolves to loopback
/// addresses only (a hosts file or resolver could point it elsewhere, and
/// plain http there would cross the network in clear text).
pub fn is_loopback_host(host: &str) -> bool {
    is_loopback_with(host, resolve)
}

fn is_loopback_with(host: &str, resolve: impl Fn(&str) -> Vec<IpAddr>) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return ip.is_loopback();
    }
    if !bare.eq_ignore_ascii_case("localhost") {
        return false;
    }
    let addresses = resolve("localhost");
    !addresses.is_empty() && addresses.iter().all(IpAddr::is_loopback)
}

fn resolve(host: &str) -> Vec<IpAddr> {
    (host, 0)
        .to_socket_addrs()
        .map(|addresses| addresses.map(|a| a.ip()).collect())
        .unwrap_or_default()
}

/// Salesforce's own domains, where a URL from a token response may point
/// besides the login host. Org, instance and My Domain hosts
/// (`*.salesforce.com`, `*.force.com`, `*.cloudforce.com`: the allowlist of
/// Salesforce help article 000003652, as sfdx-core's `isSalesforceDomain`
/// cites it; `*.database.com` for Database.com orgs), Experience Cloud and
/// Sites hosts (`NAME.my.site.com`, `NAME.my.salesforce-sites.com`, per
/// "My Domain URL Formats"), Government Cloud (`*.salesforce.mil`) and
/// Salesforce on Alibaba Cloud (`*.sfcrmproducts.cn`, `*.force.com.cn`).
/// Only subdomains match: no org is served from a bare domain.
pub const SALESFORCE_DOMAINS: &[&str] = &[
    "salesforce.com",
    "force.com",
    "site.com",
    "salesforce-sites.com",
    "cloudforce.com",
    "database.com",
    "salesforce.mil",
    "sfcrmproducts.cn",
    "force.com.cn",
];

/// A host under one of `SALESFORCE_DOMAINS` (as the URL parser gives it:
/// lower case, punycode).
pub fn is_salesforce_domain(host: &str) -> bool {
    SALESFORCE_DOMAINS.iter().any(|domain| {
        host.strip_suffix(domain)
            .is_some_and(|rest| rest.len() > 1 && rest.ends_with('.'))
    })
}

/// Judges a URL from a token response (or read back from the index) against
/// the login URL it came from: `Ok` with the URL normalised (lower-case
/// scheme and host, default port dropped, no query, fragment or trailing
/// slash), or `Err` with a short reason such as "its host evil.example is
/// neither the login host nor a Salesforce domain".
pub fn check_server_url(login_url: &str, input: &str) -> Result<String, String> {
    let login = Url::parse(login_url).map_err(|_| "the login URL is malformed".to_string())?;
    let login_host = login.host_str().unwrap_or_default();
    let mut url = Url::parse(input.trim()).map_err(|e| format!("it is not a URL ({e})"))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err("it carries a user name or password".to_string());
    }
    let host = url.host_str().unwrap_or_default().to_string();
    if host.is_empty() {
        return Err("it has no host".to_string());
    }
    let loopback_login = is_loopback_host(login_host);
    let trusted_host = host.eq_ignore_ascii_case(login_host) || is_salesforce_domain(&host);
    match url.scheme() {
        "http" | "https" if loopback_login && is_loopback_host(&host) => {}
        "https" if trusted_host => {}
        "https" => {
            return Err(format!(
                "its host {host} is neither the login host nor a Salesforce domain"
            ));
        }
        "http" => {
            return Err(
                "it uses plain http, allowed only to a loopback address when the login URL is one too"
                    .to_string(),
            );
        }
        _ => return Err("it is not an https URL".to_string()),
    }
    url.set_query(None);
    url.set_fragment(None);
    Ok(url.as_str().trim_end_matches('/').to_string())
}

/// Checks a URL that Salesforce handed us (`what`: "instance URL",
/// "identity URL", ...) by `check_server_url`, before any token goes to it;
/// the normalised URL, or an exit-5 error that quotes no control character.
pub fn parse_server_url(login_url: &str, input: &str, what: &str) -> Result<String> {
    check_server_url(login_url, input).map_err(|why| {
        Error::network(format!(
            "Salesforce answered with an {what} sfconnect does not send tokens to, {:?}: {why}; nothing was sent there",
            super::errors::clean(input)
        ))
        .with_hint("if this is a genuine Salesforce host, report it; a proxy or server that rewrites Salesforce's answers can cause this")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Exit;

    fn normalized(input: &str) -> String {
        parse_login_url(input).unwrap_or_else(|e| panic!("{input}: {}", e.message))
    }

    #[test]
    fn default_hosts() {
        assert_eq!(choose_login_url(None, None, false).unwrap().url, PRODUCTION);
        assert_eq!(choose_login_url(None, None, true).unwrap().url, SANDBOX);
        let both = choose_login_url(Some("https://x.my.salesforce.com"), None, true).unwrap_err();
        assert_eq!(both.exit, Exit::Usage);
        let both = choose_login_url(Some("https://x.my.salesforce.com"), Some("x"), false);
        assert_eq!(both.unwrap_err().exit, Exit::Usage);
    }

    #[test]
    fn domains() {
        let url = |name, sandbox| choose_login_url(None, Some(name), sandbox).map(|l| l.url);
        assert_eq!(
            url("Acme", false).unwrap(),
            "https://acme.my.salesforce.com"
        );
        assert_eq!(
            url("acme--uat", true).unwrap(),
            "https://acme--uat.sandbox.my.salesforce.com"
        );
        let no_sandbox = url("acme", true).unwrap_err();
        assert!(no_sandbox.hint.unwrap().contains("acme--uat"));
        assert!(
            url("acme--uat", false)
                .unwrap_err()
                .hint
                .unwrap()
                .contains("--sandbox")
        );
        for bad in ["", "acme.my.salesforce.com", "https://acme", "-acme", "a b"] {
            assert_eq!(url(bad, false).unwrap_err().exit, Exit::Usage, "{bad}");
        }
    }

    /// Found by the `login_url` fuzz target: a name of letters, digits and
    /// dashes that is not valid punycode made a URL that does not parse.
    #[test]
    fn domains_that_are_not_valid_hosts_are_refused() {
        for sandbox in [false, true] {
            let err = my_domain("XN--hwwwwwwN--hwwwwwwxwwwxwwwwwwwww", sandbox).unwrap_err();
            assert_eq!(err.exit, Exit::Usage);
        }
        // Valid punycode is a valid host (its `--` reads as a sandbox's).
        assert_eq!(
            my_domain("xn--caf-dma", true).unwrap(),
            "https://xn--caf-dma.sandbox.my.salesforce.com"
        );
    }

    #[test]
    fn login_urls_are_checked() {
        assert_eq!(
            normalized("https://acme.my.salesforce.com/"),
            "https://acme.my.salesforce.com"
        );
        assert_eq!(
            normalized("https://acme.my.site.com/partners/"),
            "https://acme.my.site.com/partners"
        );
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:9",
            "http://127.8.9.10",
        ] {
            assert_eq!(normalized(ok), ok);
        }
        for bad in [
            "http://acme.my.salesforce.com",
            "http://10.0.0.1",
            "ftp://login.salesforce.com",
            "not a url",
            "",
            "https://u:p@login.salesforce.com",
            "http://localhost.evil.com",
        ] {
            assert_eq!(parse_login_url(bad).unwrap_err().exit, Exit::Usage, "{bad}");
        }
    }

    #[test]
    fn login_urls_are_forgiving_and_say_so() {
        for (input, url, change) in [
            (
                "acme.my.salesforce.com",
                "https://acme.my.salesforce.com",
                "added https://",
            ),
            (
                "https://login.salesforce.com/?x=1",
                "https://login.salesforce.com",
                "dropped the query",
            ),
            (
                "https://acme.my.salesforce.com/lightning/page/home",
                "https://acme.my.salesforce.com",
                "dropped the path /lightning/page/home",
            ),
            (
                "https://acme.lightning.force.com/lightning/setup/SetupOneHome/home",
                "https://acme.my.salesforce.com",
                "turned acme.lightning.force.com into its My Domain login host",
            ),
            (
                "acme--uat.sandbox.lightning.force.com",
                "https://acme--uat.sandbox.my.salesforce.com",
                "My Domain login host",
            ),
            (
                "https://acme-dev-ed.develop.lightning.force.com/",
                "https://acme-dev-ed.develop.my.salesforce.com",
                "My Domain login host",
            ),
            (
                "https://acme--c.vf.force.com/apex/Page",
                "https://acme.my.salesforce.com",
                "My Domain login host",
            ),
            (
                "https://acme--uat--c.sandbox.vf.force.com/apex/Page",
                "https://acme--uat.sandbox.my.salesforce.com",
                "My Domain login host",
            ),
            (
                "https://acme.my.salesforce-setup.com/lightning/setup/Home",
                "https://acme.my.salesforce.com",
                "My Domain login host",
            ),
            (
                "acme--uat.sandbox.my.salesforce-setup.com",
                "https://acme--uat.sandbox.my.salesforce.com",
                "My Domain login host",
            ),
            (
                "https://acme.my.site.com/partners/s/login/?startURL=%2Fs%2F",
                "https://acme.my.site.com/partners",
                "dropped the page /s/login",
            ),
            (
                "http://127.0.0.1:9/base?x=1",
                "http://127.0.0.1:9/base",
                "dropped the query",
            ),
        ] {
            let login =
                normalize_login_url(input).unwrap_or_else(|e| panic!("{input}: {}", e.message));
            assert_eq!(login.url, url, "{input}");
            assert!(
                login.changes.iter().any(|c| c.contains(change)),
                "{input}: {:?}",
                login.changes
            );
        }
        let untouched = normalize_login_url("https://acme.scratch.my.salesforce.com").unwrap();
        assert!(untouched.changes.is_empty(), "{untouched:?}");
        assert_eq!(my_domain_login_host("login.salesforce.com"), None);
        assert_eq!(my_domain_login_host("evil.example"), None);
        assert_eq!(my_domain_login_host("a.b.c.lightning.force.com"), None);
    }

    #[test]
    fn server_urls_stay_on_the_login_host_or_salesforce() {
        let ok = |login: &str, input: &str| {
            check_server_url(login, input).unwrap_or_else(|why| panic!("{input}: {why}"))
        };
        let prod = "https://login.salesforce.com";
        assert_eq!(
            ok(prod, "https://Acme.My.Salesforce.com:443/"),
            "https://acme.my.salesforce.com"
        );
        assert_eq!(
            ok(prod, "https://login.salesforce.com/id/00D/005?x=1#y"),
            "https://login.salesforce.com/id/00D/005"
        );
        for good in [
            "https://acme.my.site.com/partners",
            "https://acme.my.salesforce-sites.com",
            "https://na1.cloudforce.com",
            "https://acme.lightning.force.com",
            "https://acme.my.salesforce.mil",
            "https://acme.my.sfcrmproducts.cn",
            "https://acme.my.force.com.cn",
            "https://acme.database.com",
        ] {
            ok(prod, good);
        }
        // A custom login host (Experience Cloud custom domain) is trusted
        // for itself, not for its neighbours.
        let custom = "https://login.acme.com/partners";
        ok(custom, "https://login.acme.com/partners");
        ok(custom, "https://acme.my.salesforce.com");
        assert!(check_server_url(custom, "https://www.acme.com").is_err());
        for bad in [
            "https://evil.example",
            "https://salesforce.com.evil.example",
            "https://evilsalesforce.com",
            "https://salesforce.com",
            "https://acme.my.salesforce.com.",
            "https://acme.my.salesforce.com@evil.example",
            "https://u:p@acme.my.salesforce.com",
            "http://acme.my.salesforce.com",
            "http://127.0.0.1:8080",
            "ftp://acme.my.salesforce.com",
            "acme.my.salesforce.com",
            "https://evil\u{1b}[31m.example",
            "",
        ] {
            assert!(check_server_url(prod, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn loopback_logins_allow_loopback_servers_only() {
        let local = "http://127.0.0.1:9";
        for good in [
            "http://127.0.0.1:4000",
            "HTTP://127.1:4000/",
            "https://[::1]:4000",
            "https://acme.my.salesforce.com",
        ] {
            assert!(check_server_url(local, good).is_ok(), "{good}");
        }
        assert_eq!(
            check_server_url(local, "HTTP://127.1:4000/").unwrap(),
            "http://127.0.0.1:4000"
        );
        for bad in [
            "http://10.0.0.1",
            "https://evil.example",
            "http://acme.my.salesforce.com",
        ] {
            assert!(check_server_url(local, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn refusals_are_network_errors_without_control_characters() {
        let err = parse_server_url(
            "https://login.salesforce.com",
            "https://evil.example/\u{1b}]0;owned\u{7}",
            "instance URL",
        )
        .unwrap_err();
        assert_eq!(err.exit, Exit::Network);
        assert!(err.message.contains("evil.example"), "{}", err.message);
        assert!(
            !err.message.chars().any(char::is_control),
            "{}",
            err.message
        );
    }

    #[test]
    fn localhost_is_loopback_only_when_it_resolves_there() {
        let to = |addresses: &'static [&'static str]| {
            move |_: &str| -> Vec<IpAddr> { addresses.iter().map(|a| a.parse().unwrap()).collect() }
        };
        assert!(is_loopback_with("localhost", to(&["127.0.0.1", "::1"])));
        assert!(is_loopback_with("LocalHost", to(&["127.0.0.1"])));
        assert!(!is_loopback_with(
            "localhost",
            to(&["127.0.0.1", "10.1.2.3"])
        ));
        assert!(!is_loopback_with("localhost", to(&[])));
        assert!(is_loopback_with("127.8.9.10", to(&[])));
        assert!(is_loopback_with("[::1]", to(&[])));
        assert!(!is_loopback_with(
            "localhost.evil.example",
            to(&["127.0.0.1"])
        ));
        assert!(!is_salesforce_domain("salesforce.com"));
        assert!(is_salesforce_domain("a.salesforce.com"));
    }
}
