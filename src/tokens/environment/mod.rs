//! The environment connection: a connection described by environment
//! variables alone, for CI jobs and containers that have no `link`, no
//! keychain, no config dir and no writable home (docs/environment-mode.md).
//!
//! - `SFCONNECT_AUTH_URL`: an SFDX auth URL (docs/salesforce-oauth.md §12),
//!   unambiguous by itself;
//! - `SFCONNECT_ENV=jwt`: `SFCONNECT_JWT_KEY`, `SFCONNECT_CLIENT_ID`,
//!   `SFCONNECT_USERNAME` and the host;
//! - `SFCONNECT_ENV=client-credentials`: `SFCONNECT_CLIENT_ID`,
//!   `SFCONNECT_CLIENT_SECRET` and the host (a My Domain).
//!
//! A JWT or client-credentials connection is never guessed from
//! `SFCONNECT_CLIENT_ID` and `SFCONNECT_CLIENT_SECRET`, which people export
//! for `link`: only `SFCONNECT_ENV` says so. A missing or contradictory part
//! is exit 2 naming the variable, before any request.
//!
//! This module reads the description; `obtain` gets its tokens (writing
//! nothing, or only into `SFCONNECT_ENV_CACHE`, see `cache`).

mod cache;
mod obtain;

use crate::error::{Error, Result};
use crate::index::connection::{Connection, Kind};
use crate::keys::private_key::RsaKey;
use crate::salesforce::client_credentials;
use crate::salesforce::hosts::{SANDBOX, my_domain, normalize_login_url};
use crate::salesforce::jwt;
use crate::salesforce::sfdx_url::{self, AuthUrl};
use crate::secrets::client_secret;
use crate::secrets::environment_credentials;
use crate::secrets::secret::Secret;
use crate::settings::{self, Setting};
use crate::tokens::headless::key_from_pem;
use std::sync::Mutex;

/// The alias an environment connection goes by in messages and in
/// `token --format json`.
pub const ALIAS: &str = "environment";

/// How the environment connection gets its access tokens.
pub enum Grant {
    /// The refresh grant with the URL's refresh token.
    AuthUrl(AuthUrl),
    Jwt {
        key: Box<RsaKey>,
        client_id: String,
        username: String,
        audience: String,
    },
    ClientCredentials {
        client_id: String,
        secret: Secret,
    },
}

/// An environment connection, as the variables describe it.
pub struct EnvConnection {
    pub grant: Grant,
    /// Where the grant goes: the auth URL's host, or the host variables'.
    pub login_url: String,
    /// Each part and the variable it came from, for `doctor` (names, never
    /// values).
    pub parts: Vec<(&'static str, String)>,
    /// Auth URL only: the refresh token to present next. The URL's, until a
    /// refresh in this process rotates it.
    current_refresh: Mutex<Option<Secret>>,
}

impl EnvConnection {
    /// `auth-url`, `jwt` or `client-credentials`.
    pub fn kind_name(&self) -> &'static str {
        match self.grant {
            Grant::AuthUrl(_) => "auth-url",
            Grant::Jwt { .. } => "jwt",
            Grant::ClientCredentials { .. } => "client-credentials",
        }
    }

    /// The variable that makes this the environment connection.
    pub fn variable(&self) -> String {
        match self.grant {
            Grant::AuthUrl(_) => settings::AUTH_URL.env.to_string(),
            _ => format!("{}={}", settings::ENV.env, self.kind_name()),
        }
    }

    pub fn client_id(&self) -> &str {
        match &self.grant {
            Grant::AuthUrl(url) => &url.client_id,
            Grant::Jwt { client_id, .. } | Grant::ClientCredentials { client_id, .. } => client_id,
        }
    }

    /// A connection record for what the commands print and pass on; it is
    /// never stored.
    fn record(&self, who: &obtain::Who, instance_url: &str) -> Connection {
        Connection {
            alias: crate::index::alias::Alias::new(ALIAS).expect("a valid alias"),
            username: who.username.clone(),
            org_id: who.org_id.clone(),
            user_id: who.user_id.clone(),
            instance_url: instance_url.to_string(),
            login_url: self.login_url.clone(),
            client_id: self.client_id().to_string(),
            kind: match self.grant {
                Grant::AuthUrl(_) => Kind::Browser,
                Grant::Jwt { .. } => Kind::Jwt,
                Grant::ClientCredentials { .. } => Kind::ClientCredentials,
            },
            audience: match &self.grant {
                Grant::Jwt { audience, .. } => Some(audience.clone()),
                _ => None,
            },
            scopes: Vec::new(),
            created_at: chrono::Utc::now(),
            last_used_at: None,
            last_refreshed_at: None,
            last_rotated_at: None,
            store: crate::secrets::StoreKind::File,
            id: ALIAS.to_string(),
            app_name: None,
            health: None,
        }
    }
}

/// The environment connection the variables describe, if any; exit 2 when
/// they describe one badly. Reads nothing but the environment.
pub fn describe() -> Result<Option<EnvConnection>> {
    let mode = settings::ENV
        .value()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty());
    let auth_url = environment_credentials::auth_url();
    match (mode.as_deref(), auth_url) {
        (Some(mode), Some(_)) => Err(Error::usage(format!(
            "{} and {}={mode} are both set: they describe two different environment connections",
            settings::AUTH_URL.env,
            settings::ENV.env
        ))
        .with_hint(format!(
            "unset one: {} alone is an SFDX auth URL connection",
            settings::AUTH_URL.env
        ))),
        (None, Some(url)) => {
            refuse_set(
                &[
                    &settings::JWT_KEY,
                    &settings::USERNAME,
                    &settings::LOGIN_URL,
                    &settings::DOMAIN,
                    &settings::SANDBOX,
                ],
                settings::AUTH_URL.env,
                "the auth URL names its own host and user",
            )?;
            auth_url_connection(&url).map(Some)
        }
        (None, None) => {
            if let Some(name) = first_set(&[
                &settings::JWT_KEY,
                &settings::USERNAME,
                &settings::LOGIN_URL,
                &settings::DOMAIN,
                &settings::SANDBOX,
            ]) {
                return Err(Error::usage(format!(
                    "{name} is set, but {} is not: no environment connection is described",
                    settings::ENV.env
                ))
                .with_hint(format!(
                    "set {env}=jwt or {env}=client-credentials (a connection is never guessed), or unset {name}",
                    env = settings::ENV.env
                )));
            }
            Ok(None)
        }
        (Some("jwt"), None) => jwt_connection().map(Some),
        (Some("client-credentials"), None) => client_credentials_connection().map(Some),
        // Not quoted back: an auth URL set here by mistake is a secret.
        (Some(_), None) => Err(Error::usage(format!(
            "{} is neither jwt nor client-credentials",
            settings::ENV.env
        ))
        .with_hint(format!(
            "for an SFDX auth URL set {} instead, and unset {}",
            settings::AUTH_URL.env,
            settings::ENV.env
        ))),
    }
}

fn auth_url_connection(url: &Secret) -> Result<EnvConnection> {
    let parsed = sfdx_url::read(url.expose())
        .map_err(|e| e.reworded(|message| format!("{}: {message}", settings::AUTH_URL.env)))?;
    let from = settings::AUTH_URL.env;
    let secret_from = if parsed.client_secret.is_some() {
        from.to_string()
    } else if client_secret::variable_is_set()
        && configured_client_id().as_deref() == Some(parsed.client_id.as_str())
    {
        format!(
            "{} (for client id {} from {})",
            client_secret::VARIABLE,
            parsed.client_id,
            settings::CLIENT_ID.env
        )
    } else {
        "none".to_string()
    };
    let parts = vec![
        ("refresh token", from.to_string()),
        ("client id", from.to_string()),
        ("client secret", secret_from),
        ("host", from.to_string()),
    ];
    Ok(EnvConnection {
        login_url: parsed.login_url.clone(),
        current_refresh: Mutex::new(Some(parsed.refresh_token.clone())),
        grant: Grant::AuthUrl(parsed),
        parts,
    })
}

fn jwt_connection() -> Result<EnvConnection> {
    let pem = environment_credentials::jwt_key().ok_or_else(|| {
        missing(
            settings::JWT_KEY.env,
            "jwt",
            "the PEM private key whose certificate is in the app",
        )
    })?;
    let key = key_from_pem(&pem, settings::JWT_KEY.env)?;
    let client_id = required(&settings::CLIENT_ID, "jwt", "the app's consumer key")?;
    let username = required(
        &settings::USERNAME,
        "jwt",
        "the Salesforce username to act as",
    )?;
    let (login_url, host_from) = host("jwt")?;
    let audience = jwt::choose_audience(None, &login_url);
    let audience_from = if settings::AUDIENCE_URL.value().is_some() {
        settings::AUDIENCE_URL.env.to_string()
    } else {
        "the default for the host".to_string()
    };
    Ok(EnvConnection {
        grant: Grant::Jwt {
            key: Box::new(key),
            client_id,
            username,
            audience,
        },
        login_url,
        parts: vec![
            ("private key", settings::JWT_KEY.env.to_string()),
            ("client id", settings::CLIENT_ID.env.to_string()),
            ("username", settings::USERNAME.env.to_string()),
            ("host", host_from),
            ("audience", audience_from),
        ],
        current_refresh: Mutex::new(None),
    })
}

fn client_credentials_connection() -> Result<EnvConnection> {
    refuse_set(
        &[&settings::JWT_KEY, &settings::USERNAME],
        "SFCONNECT_ENV=client-credentials",
        "the client credentials flow runs as the app's Run As user, with its consumer secret",
    )?;
    let client_id = required(
        &settings::CLIENT_ID,
        "client-credentials",
        "the app's consumer key",
    )?;
    let secret = client_secret::from_environment()
        .filter(|s| !s.expose().trim().is_empty())
        .ok_or_else(|| {
            missing(
                client_secret::VARIABLE,
                "client-credentials",
                "the app's consumer secret",
            )
        })?;
    let (login_url, host_from) = host("client-credentials")?;
    client_credentials::require_my_domain(&login_url, &client_id).map_err(|e| {
        e.reworded(|message| format!("{host_from}: {message}"))
            .with_hint(format!(
            "set {} to the My Domain name (NAME as in https://NAME.my.salesforce.com), or {} to https://NAME.my.salesforce.com",
            settings::DOMAIN.env,
            settings::LOGIN_URL.env
        ))
    })?;
    Ok(EnvConnection {
        grant: Grant::ClientCredentials {
            client_id,
            secret: Secret::new(secret.expose().trim()),
        },
        login_url,
        parts: vec![
            ("client id", settings::CLIENT_ID.env.to_string()),
            ("client secret", client_secret::VARIABLE.to_string()),
            ("host", host_from),
        ],
        current_refresh: Mutex::new(None),
    })
}

/// The login URL from `SFCONNECT_LOGIN_URL`, `SFCONNECT_DOMAIN` (with
/// `SFCONNECT_SANDBOX=1` for a sandbox My Domain) or `SFCONNECT_SANDBOX=1`
/// alone; one is required (no silent default to production), and two
/// that disagree are refused. Returns it with the variables it came from.
fn host(mode: &str) -> Result<(String, String)> {
    let login = settings::LOGIN_URL.value();
    let domain = settings::DOMAIN.value();
    let sandbox = sandbox()?;
    let (login_env, domain_env, sandbox_env) = (
        settings::LOGIN_URL.env,
        settings::DOMAIN.env,
        settings::SANDBOX.env,
    );
    match (login, domain, sandbox) {
        (Some(_), Some(_), _) => Err(Error::usage(format!(
            "{login_env} and {domain_env} are both set"
        ))
        .with_hint(format!(
            "{domain_env}=NAME is short for {login_env}=https://NAME.my.salesforce.com; set one of them"
        ))),
        (Some(_), None, true) => Err(Error::usage(format!(
            "{login_env} and {sandbox_env}=1 are both set"
        ))
        .with_hint(format!(
            "for a sandbox My Domain set {domain_env}=NAME--SANDBOX with {sandbox_env}=1, or only {login_env}"
        ))),
        (Some(url), None, false) => normalize_login_url(&url)
            .map(|login| (login.url, login_env.to_string()))
            .map_err(|e| e.reworded(|message| format!("{login_env}: {message}"))),
        (None, Some(name), sandbox) => my_domain(&name, sandbox)
            .map(|url| {
                let from = if sandbox {
                    format!("{domain_env} and {sandbox_env}")
                } else {
                    domain_env.to_string()
                };
                (url, from)
            })
            .map_err(|e| {
                Error::usage(format!("{domain_env}: {}", e.message)).with_hint(format!(
                    "set only the name: acme for https://acme.my.salesforce.com; with {sandbox_env}=1, NAME--SANDBOX (acme--uat)"
                ))
            }),
        (None, None, true) => Ok((SANDBOX.to_string(), sandbox_env.to_string())),
        (None, None, false) => Err(Error::usage(format!(
            "{}={mode} needs the host: set {login_env}, {domain_env} or {sandbox_env}=1",
            settings::ENV.env
        ))
        .with_hint(format!(
            "for example {domain_env}=acme for https://acme.my.salesforce.com, or {login_env}=https://login.salesforce.com"
        ))),
    }
}

/// `SFCONNECT_SANDBOX`: 1/true/yes or 0/false/no (unset: 0).
fn sandbox() -> Result<bool> {
    let Some(value) = settings::SANDBOX.value() else {
        return Ok(false);
    };
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" => Ok(true),
        "0" | "false" | "no" | "" => Ok(false),
        _ => Err(Error::usage(format!(
            "{}={value:?} is not 1 or 0",
            settings::SANDBOX.env
        ))),
    }
}

fn required(setting: &Setting, mode: &str, what: &str) -> Result<String> {
    setting
        .value()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| missing(setting.env, mode, what))
}

fn missing(variable: &str, mode: &str, what: &str) -> Error {
    Error::usage(format!(
        "{}={mode} needs {variable}: {what}",
        settings::ENV.env
    ))
    .with_hint("see docs/environment-mode.md for the variables of each kind")
}

/// The first of these variables that is set (a `SFCONNECT_SANDBOX` of 0
/// counts as unset).
fn first_set(candidates: &[&Setting]) -> Option<&'static str> {
    candidates.iter().find_map(|setting| {
        let value = if setting.env == settings::JWT_KEY.env {
            environment_credentials::jwt_key().map(|s| s.expose().to_string())
        } else {
            setting.value()
        };
        let set = match value {
            None => false,
            Some(v) if setting.env == settings::SANDBOX.env => {
                !matches!(v.trim(), "" | "0" | "false" | "no")
            }
            Some(v) => !v.trim().is_empty(),
        };
        set.then_some(setting.env)
    })
}

/// Exit 2 when one of `candidates` is set beside `with`, which makes it
/// contradictory or meaningless.
fn refuse_set(candidates: &[&Setting], with: &str, why: &str) -> Result<()> {
    match first_set(candidates) {
        Some(name) => Err(
            Error::usage(format!("{name} and {with} are both set: {why}"))
                .with_hint(format!("unset {name}")),
        ),
        None => Ok(()),
    }
}

/// `SFCONNECT_CLIENT_ID`, which says whose secret `SFCONNECT_CLIENT_SECRET`
/// is (`secrets::client_secret`). The config file is not read: this mode
/// reads no file.
fn configured_client_id() -> Option<String> {
    settings::CLIENT_ID
        .value()
        .map(|id| id.trim().to_string())
        .filter(|id| !id.is_empty())
}
