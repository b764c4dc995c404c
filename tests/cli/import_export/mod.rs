//! `import` and `export`: the SFDX auth URL in and out
//! (docs/salesforce-oauth.md §12). Two sandboxes sharing one fake
//! Salesforce are two machines.

mod export;
mod import;
mod round_trip;
mod shared_approval;

use crate::support::fake_salesforce::{DEFAULT_USERNAME, FAKE_CLIENT_ID, FakeClient};
use crate::support::{Run, Sandbox};

/// `force://ID:SECRET:TOKEN@HOST` at the fake, for a token it issued.
fn auth_url(sandbox: &Sandbox, client_id: &str, secret: &str, token: &str) -> String {
    let host = sandbox.fake.url().trim_start_matches("http://").to_string();
    format!("force://{client_id}:{secret}:{token}@{host}")
}

/// An approval made at the fake out of band (as the sf CLI's login would
/// have made it) and its URL.
fn granted_url(sandbox: &Sandbox) -> (String, String) {
    let token =
        sandbox
            .fake
            .grant_refresh_token(DEFAULT_USERNAME, FAKE_CLIENT_ID, "api refresh_token");
    let url = auth_url(sandbox, FAKE_CLIENT_ID, "", &token);
    (token, url)
}

/// Registers another app at the fake (any loopback callback).
fn register_client(sandbox: &Sandbox, client_id: &str, secret: Option<&str>) {
    sandbox.fake.knobs().clients.push(FakeClient {
        client_id: client_id.into(),
        secret: secret.map(String::from),
        redirect_uris: vec![],
        any_loopback_port: true,
    });
}

/// `import` with `input` on stdin.
fn import(sandbox: &Sandbox, extra: &[&str], input: &str) -> Run {
    let mut args = vec!["import"];
    args.extend_from_slice(extra);
    sandbox.run_with_stdin(&args, input)
}

/// `export ALIAS --format sfdx-url` into a pipe.
fn export(sandbox: &Sandbox, alias: &str) -> Run {
    sandbox.run(&["export", alias, "--format", "sfdx-url"])
}

/// Whether `url` matches the sf CLI's own regex (docs/salesforce-oauth.md
/// §12), `^force://([a-zA-Z0-9._-]+={0,2}):([a-zA-Z0-9._-]*={0,2}):([a-zA-Z0-9._-]+={0,2})@([a-zA-Z0-9:._-]+)`,
/// matched by hand: no part's class holds `:`, `=` or `@`, so each part
/// is read greedily. The whole line must match (the CLI's pattern is
/// anchored at the start only, but nothing may follow what it reads).
fn sf_cli_regex_matches(url: &str) -> bool {
    fn class(b: u8) -> bool {
        b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')
    }
    /// `[class]{min,}={0,2}` at the start of `rest`, then `end`.
    fn part(rest: &[u8], min: usize, end: u8) -> Option<&[u8]> {
        let body = rest.iter().take_while(|b| class(**b)).count();
        let pad = rest[body..].iter().take_while(|b| **b == b'=').count();
        (body >= min && pad <= 2 && rest.get(body + pad) == Some(&end))
            .then(|| &rest[body + pad + 1..])
    }
    let Some(rest) = url.as_bytes().strip_prefix(b"force://".as_slice()) else {
        return false;
    };
    let Some(rest) = part(rest, 1, b':') else {
        return false;
    };
    let Some(rest) = part(rest, 0, b':') else {
        return false;
    };
    let Some(host) = part(rest, 1, b'@') else {
        return false;
    };
    !host.is_empty()
        && host
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'.' | b'_' | b'-'))
}

#[test]
fn the_regex_matcher_reads_like_the_sf_cli() {
    for good in [
        "force://PlatformCLI::5Aep861abc@acme.my.salesforce.com",
        "force://3MVG9x:SECRET:5Aep861abc==@127.0.0.1:4000",
        "force://a=:b==:c@h",
    ] {
        assert!(sf_cli_regex_matches(good), "{good}");
    }
    for bad in [
        "force://PlatformCLI:5Aep861abc@acme.my.salesforce.com",
        "force://:x:5Aep@h",
        "force://a::b@",
        "force://a::b===@h",
        "https://a::b@h",
        "force://a::b@h/path",
        "force://a::b c@h",
    ] {
        assert!(!sf_cli_regex_matches(bad), "{bad}");
    }
}
