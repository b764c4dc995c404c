//! Where the vault is and how sfconnect proves who it is there.
//!
//! Read only when the vault store is used (`--store vault`, a connection
//! recorded in it, `SFCONNECT_STORE=vault` or `store = "vault"`): a
//! `VAULT_ADDR` exported for other tools makes no call by itself.
//!
//! Precedence, as the issue and the vault CLIs have it: `VAULT_ADDR` (else
//! `BAO_ADDR`); the token from `VAULT_TOKEN` (else `BAO_TOKEN`), else the
//! CLI's token file `~/.vault-token`, else an AppRole login with
//! `VAULT_ROLE_ID` + `VAULT_SECRET_ID`; `VAULT_NAMESPACE`, `VAULT_CACERT`;
//! the mount and the path prefix from `SFCONNECT_VAULT_MOUNT` /
//! `SFCONNECT_VAULT_PREFIX`, else the `vault-mount` / `vault-prefix`
//! settings, else `secret` and `sfconnect`.

use crate::config::Config;
use crate::error::{Error, Result};
use crate::salesforce::hosts::is_loopback_host;
use crate::secrets::secret::Secret;
use crate::settings;
use std::path::PathBuf;
use url::Url;

pub const DEFAULT_MOUNT: &str = "secret";

/// The variables that hold a vault credential: `exec`'s child does not
/// inherit them when its connection is in the vault.
pub const CREDENTIAL_VARIABLES: [&str; 4] = [
    settings::VAULT_TOKEN.env,
    settings::VAULT_TOKEN.fallbacks[0],
    settings::VAULT_SECRET_ID.env,
    settings::VAULT_SECRET_ID.fallbacks[0],
];
pub const DEFAULT_PREFIX: &str = "sfconnect";

/// How sfconnect authenticates to the vault.
#[derive(Debug, Clone)]
pub enum Auth {
    /// A token, and where it came from (named in errors, never the value).
    Token { token: Secret, source: String },
    /// An AppRole login (`auth/approle/login`) mints a token per process.
    AppRole { role_id: Secret, secret_id: Secret },
}

#[derive(Debug, Clone)]
pub struct VaultConfig {
    /// `https://host:port`, or plain http on a loopback address.
    pub addr: Url,
    pub auth: Auth,
    pub namespace: Option<String>,
    pub cacert: Option<PathBuf>,
    pub mount: String,
    pub prefix: String,
}

impl VaultConfig {
    /// The configuration from the environment, the token file and the
    /// config file; an error (exit 6) says which piece is missing.
    pub fn from_env(config: &Config) -> Result<VaultConfig> {
        let (name, addr) = settings::VAULT_ADDR.first_set().ok_or_else(|| {
            Error::secret_store("the vault store is used, but VAULT_ADDR is not set")
                .with_hint("export VAULT_ADDR=https://vault.example.com:8200 (or BAO_ADDR)")
        })?;
        let addr = parse_addr(name, addr.trim())?;
        let auth = auth()?;
        let namespace = settings::VAULT_NAMESPACE
            .first_set()
            .map(|(_, v)| v.trim().trim_matches('/').to_string());
        let cacert = settings::VAULT_CACERT
            .first_set()
            .map(|(_, v)| PathBuf::from(v));
        let mount = settings::VAULT_MOUNT
            .value()
            .or_else(|| config.get("vault-mount").map(String::from))
            .unwrap_or_else(|| DEFAULT_MOUNT.to_string());
        let prefix = settings::VAULT_PREFIX
            .value()
            .or_else(|| config.get("vault-prefix").map(String::from))
            .unwrap_or_else(|| DEFAULT_PREFIX.to_string());
        Ok(VaultConfig {
            addr,
            auth,
            namespace,
            cacert,
            mount: check_path("vault-mount", &mount)?,
            prefix: check_path("vault-prefix", &prefix)?,
        })
    }

    /// `host:port` of the vault, for messages.
    pub fn label(&self) -> String {
        label(&self.addr)
    }
}

pub fn label(addr: &Url) -> String {
    let host = addr.host_str().unwrap_or("?");
    match addr.port_or_known_default() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    }
}

/// The vault's address: https, or http on a loopback address only (the rule
/// of `salesforce::hosts` for Salesforce URLs: a token sent in clear text
/// must not leave the machine). A path is kept (a vault behind a reverse
/// proxy), a query or credentials are refused.
pub fn parse_addr(name: &str, text: &str) -> Result<Url> {
    // Quoted back only when it cannot hold a credential (userinfo or a
    // query, where a token or password could sit).
    let shown = if text.contains(['@', '?', '#']) {
        String::new()
    } else {
        format!(" {text:?}")
    };
    let bad = |why: &str| {
        Error::usage(format!("{name}{shown}: {why}")).with_hint(format!(
            "set {name} to the vault's URL, e.g. https://vault.example.com:8200"
        ))
    };
    let url = Url::parse(text).map_err(|_| bad("not a URL"))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("a URL with credentials in it is refused"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("a URL with a query or fragment is refused"));
    }
    let host = url.host_str().unwrap_or_default();
    match url.scheme() {
        "https" if !host.is_empty() => Ok(url),
        "http" if is_loopback_host(host) => Ok(url),
        "http" => Err(bad(
            "plain http is allowed only on a loopback address; use https",
        )),
        _ => Err(bad("expected an https URL")),
    }
}

/// The token (variable, then file), else AppRole.
fn auth() -> Result<Auth> {
    if let Some((name, token)) = settings::VAULT_TOKEN.first_set() {
        return Ok(Auth::Token {
            token: Secret::new(token.trim()),
            source: name.to_string(),
        });
    }
    if let Some(path) = token_file()
        && let Ok(text) = std::fs::read_to_string(&path)
        && !text.trim().is_empty()
    {
        return Ok(Auth::Token {
            token: Secret::new(text.trim()),
            source: path.display().to_string(),
        });
    }
    match (
        settings::VAULT_ROLE_ID.first_set(),
        settings::VAULT_SECRET_ID.first_set(),
    ) {
        (Some((_, role_id)), Some((_, secret_id))) => Ok(Auth::AppRole {
            role_id: Secret::new(role_id.trim()),
            secret_id: Secret::new(secret_id.trim()),
        }),
        (Some(_), None) => Err(Error::secret_store(
            "VAULT_ROLE_ID is set but VAULT_SECRET_ID is not: an AppRole login needs both",
        )
        .with_hint("set VAULT_SECRET_ID (a secret id of the role), or VAULT_TOKEN")),
        _ => Err(Error::secret_store(
            "no vault token: VAULT_TOKEN is not set, ~/.vault-token does not exist, and no AppRole is configured",
        )
        .with_hint(
            "log in with `bao login` (or `vault login`), set VAULT_TOKEN, or set VAULT_ROLE_ID and VAULT_SECRET_ID",
        )),
    }
}

/// `~/.vault-token`, the file `vault login` and `bao login` write.
fn token_file() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|dirs| dirs.home_dir().join(".vault-token"))
}

/// A mount or prefix: path segments of letters, digits, `-`, `_` and `.`,
/// never `.` or `..`, so a setting can never step outside where it points.
pub fn check_path(name: &str, value: &str) -> Result<String> {
    let trimmed = value.trim().trim_matches('/');
    let ok = !trimmed.is_empty()
        && trimmed.split('/').all(|segment| {
            !segment.is_empty()
                && segment != "."
                && segment != ".."
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        });
    if ok {
        Ok(trimmed.to_string())
    } else {
        Err(Error::usage(format!(
            "bad value {value:?} for {name}: expected a vault path (letters, digits, - _ . separated by /)"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Exit;

    #[test]
    fn addresses_need_https_except_on_loopback() {
        for ok in [
            "https://vault.example.com:8200",
            "http://127.0.0.1:8200",
            "http://[::1]:8200",
            "https://vault.example.com/proxy",
        ] {
            parse_addr("VAULT_ADDR", ok).unwrap_or_else(|e| panic!("{ok}: {}", e.message));
        }
        for bad in [
            "http://vault.example.com:8200",
            "http://10.0.0.1:8200",
            "ftp://vault.example.com",
            "vault.example.com:8200",
            "https://u:hunter2@vault.example.com",
            "https://vault.example.com/?token=hunter2",
            "",
        ] {
            let err = parse_addr("VAULT_ADDR", bad).unwrap_err();
            assert_eq!(err.exit, Exit::Usage, "{bad}");
            assert!(err.message.contains("VAULT_ADDR"), "{}", err.message);
            // A password or token in the address is not quoted back.
            assert!(!err.message.contains("hunter2"), "{}", err.message);
        }
        assert_eq!(
            label(&parse_addr("X", "https://vault.example.com").unwrap()),
            "vault.example.com:443"
        );
    }

    #[test]
    fn paths_cannot_step_outside() {
        assert_eq!(check_path("p", "/sfconnect/").unwrap(), "sfconnect");
        assert_eq!(
            check_path("p", "team-a/sf_connect.v2").unwrap(),
            "team-a/sf_connect.v2"
        );
        for bad in ["", "/", "a//b", "..", "a/../b", "a b", "a?b", "a%2f", "./a"] {
            assert_eq!(check_path("p", bad).unwrap_err().exit, Exit::Usage, "{bad}");
        }
    }
}
