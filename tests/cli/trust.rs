//! Tokens go only where they belong: URLs from Salesforce's answers are
//! judged before a token follows them, and plain http to loopback never goes
//! through a proxy. Shared helpers live here; the scenarios are in `trust/`.

mod proxies;
mod server_urls;

use crate::support::Sandbox;
use crate::support::proxy::Proxy;

/// Every proxy variable, in both cases, aimed at `proxy`: whatever sfconnect
/// sends through any proxy, `proxy` records.
pub fn route_everything_through(sandbox: &mut Sandbox, proxy: &Proxy) {
    for name in ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"] {
        sandbox.set_env(name, &proxy.url);
        sandbox.set_env(&name.to_lowercase(), &proxy.url);
    }
}

/// The lines sfconnect printed as errors.
pub fn error_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.starts_with("sfconnect: error: "))
        .collect()
}

/// No control character (an escape sequence) in what reached the terminal.
#[track_caller]
pub fn assert_printable(text: &str) {
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "a control character reached the terminal: {text:?}"
    );
}
