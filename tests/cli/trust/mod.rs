//! Tokens go only where they belong: URLs from Salesforce's answers are
//! judged before a token follows them, index entries are checked when read,
//! the client secret is sent for its own app only, and plain http to
//! loopback never goes through a proxy. Shared helpers live here; the
//! scenarios are in `trust/`.

mod client_secret;
mod index_entries;
mod proxies;
mod server_urls;

use crate::support::Sandbox;
use crate::support::proxy::Proxy;
use serde_json::Value;

/// Every proxy variable, in both cases, aimed at `proxy`: whatever sfconnect
/// sends through any proxy, `proxy` records.
pub fn route_everything_through(sandbox: &mut Sandbox, proxy: &Proxy) {
    for name in ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"] {
        sandbox.set_env(name, &proxy.url);
        sandbox.set_env(&name.to_lowercase(), &proxy.url);
    }
}

/// Rewrites one field of a connection's index entry, as a person (or
/// anything running as the user) could.
pub fn edit_entry(sandbox: &Sandbox, alias: &str, field: &str, value: &str) {
    let path = sandbox.config_dir().join("index.json");
    let mut index: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let entry = index["connections"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|c| c["alias"] == alias)
        .unwrap_or_else(|| panic!("no connection {alias}"));
    entry[field] = Value::String(value.to_string());
    std::fs::write(&path, serde_json::to_string_pretty(&index).unwrap()).unwrap();
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
