//! Fresh access tokens for a linked connection: from the cache when young
//! enough, else by the refresh grant, safely under parallel callers.
//!
//! Salesforce does not say when an access token expires (its lifetime is the
//! org's session timeout, at least 15 minutes; salesforce-oauth.md §4), so a
//! cached token is reused while younger than a maximum age. A refresh runs
//! under a cross-process lock per connection; after taking it we re-read the
//! store, because another process may have refreshed (or rotated the refresh
//! token) while we waited, and reusing a rotated refresh token makes
//! Salesforce revoke the whole chain (RFC 9700 §4.14). A new refresh token is
//! stored before the new access token is used or printed.

use crate::app::Context;
use crate::error::{Error, Exit, Result};
use crate::index::connection::{Connection, Health};
use crate::index::files;
use crate::output;
use crate::salesforce::errors::is_app_blocked;
use crate::salesforce::hosts::{PRODUCTION, SANDBOX, parse_server_url};
use crate::salesforce::http::Http;
use crate::salesforce::oauth::{AppConfig, PLATFORM_CLI};
use crate::secrets::SecretStore;
use crate::secrets::credential::{self, Credential, Entry};
use crate::secrets::secret::Secret;
use chrono::{DateTime, SubsecRound, Utc};
use std::time::{Duration, Instant};

/// How often a cache hit may rewrite `last_used_at`: often enough to be
/// useful, rarely enough that parallel scripts do not queue on the index.
const LAST_USED_GRANULARITY_SECS: i64 = 60;

#[derive(Debug, Clone, Copy)]
pub struct Freshness {
    /// Reuse a cached token younger than this.
    pub max_age: Duration,
    /// Refresh even when the cache is young (`--fresh`, or after a 401).
    pub force: bool,
}

impl Freshness {
    /// The default of `--max-age`: Salesforce's shortest session timeout is
    /// 15 minutes, so a 10-minute-old token still has time to be used.
    pub const CACHED: Freshness = Freshness {
        max_age: Duration::from_secs(600),
        force: false,
    };
}

impl From<&crate::cli::FreshnessArgs> for Freshness {
    fn from(args: &crate::cli::FreshnessArgs) -> Self {
        Freshness {
            max_age: args.max_age,
            force: args.fresh,
        }
    }
}

/// A usable access token and the connection it belongs to.
pub struct Access {
    pub connection: Connection,
    pub token: Secret,
    pub issued_at: DateTime<Utc>,
    /// The variable the connection's key or secret is read from at every
    /// mint (`--key-env`, `--secret-env`), if any.
    pub credential_env: Option<String>,
}

impl Access {
    /// Variables that hold a credential: child processes (`exec`) must not
    /// inherit them, only the access token.
    pub fn private_env(&self) -> Vec<&str> {
        let mut names = vec![crate::salesforce::client_credentials::SECRET_ENV];
        names.extend(self.credential_env.as_deref());
        names
    }
}

pub fn obtain(ctx: &Context, connection: &Connection, freshness: Freshness) -> Result<Access> {
    let alias = &connection.alias;
    output::debug(&format!(
        "{alias}: reading its secret from the {} store",
        connection.store
    ));
    let store = ctx.store_of(connection)?;
    let seen = stored(store.as_ref(), connection)?;
    if !freshness.force
        && let Some(access) = young(connection, &seen, freshness.max_age)
    {
        debug_cache_hit(&access);
        note_use(ctx, connection);
        return Ok(access);
    }
    output::debug(&format!(
        "{alias}: {}; taking its refresh lock",
        if freshness.force {
            "a fresh token was asked for"
        } else {
            "no cached access token young enough"
        }
    ));
    let waiting = Instant::now();
    let _lock = files::lock(&ctx.config_dir.join("locks"), &connection.id)?;
    output::debug(&format!(
        "{alias}: refresh lock taken after {} ms",
        waiting.elapsed().as_millis()
    ));
    let current = stored(store.as_ref(), connection)?;
    let refreshed_meanwhile = current.access_issued_at_ms != seen.access_issued_at_ms;
    if (refreshed_meanwhile || !freshness.force)
        && let Some(access) = young(connection, &current, freshness.max_age)
    {
        output::debug(&format!(
            "{alias}: another process refreshed it while we waited"
        ));
        debug_cache_hit(&access);
        note_use(ctx, connection);
        return Ok(access);
    }
    mint(ctx, store.as_ref(), connection, current)
}

fn debug_cache_hit(access: &Access) {
    let age = Utc::now().signed_duration_since(access.issued_at);
    output::debug(&format!(
        "{}: using the cached access token, issued {} s ago",
        access.connection.alias,
        age.num_seconds().max(0)
    ));
}

fn stored(store: &dyn SecretStore, connection: &Connection) -> Result<Entry> {
    credential::load(store, &connection.id, connection.kind)?.ok_or_else(|| {
        Error::relink(format!(
            "the secret of {} is missing from the {} store",
            connection.alias, connection.store
        ))
        .with_hint(format!("link it again: {}", relink_command(connection)))
    })
}

fn young(connection: &Connection, tokens: &Entry, max_age: Duration) -> Option<Access> {
    let token = tokens.access_token.clone()?;
    let issued_at = DateTime::from_timestamp_millis(tokens.access_issued_at_ms?)?;
    let age = Utc::now().signed_duration_since(issued_at);
    let max_age = chrono::Duration::from_std(max_age).ok()?;
    // `issued_at` is Salesforce's clock: a little in our future is skew, far
    // in it is nonsense and not trusted.
    let skew = chrono::Duration::minutes(5);
    (age > -skew && age < max_age).then(|| Access {
        connection: connection.clone(),
        token,
        issued_at,
        credential_env: tokens.credential.env_var().map(String::from),
    })
}

/// A new access token, by the connection's kind: the refresh grant for a
/// refresh token, else the headless grant its credential is for.
fn mint(
    ctx: &Context,
    store: &dyn SecretStore,
    connection: &Connection,
    current: Entry,
) -> Result<Access> {
    match &current.credential {
        Credential::RefreshToken(refresh_token) => {
            let refresh_token = refresh_token.clone();
            refresh(ctx, store, connection, refresh_token)
        }
        _ => mint_headless(ctx, store, connection, current),
    }
}

/// JWT bearer or client credentials: a new grant, the access token cached
/// beside the credential (which does not change).
fn mint_headless(
    ctx: &Context,
    store: &dyn SecretStore,
    connection: &Connection,
    current: Entry,
) -> Result<Access> {
    let http = Http::new()?;
    let tokens = match crate::headless::mint(&http, connection, &current.credential) {
        Ok(tokens) => tokens,
        Err(err) => {
            let status = status_of(&err);
            if status != "unreachable" && err.exit != Exit::Usage {
                record(
                    ctx,
                    connection,
                    None,
                    Some(health(status, &err.message, Utc::now())),
                );
            }
            return Err(err);
        }
    };
    parse_server_url(&tokens.instance_url, "instance URL")?;
    output::debug(&format!("{}: minted a new access token", connection.alias));
    let credential_env = current.credential.env_var().map(String::from);
    let updated = Entry {
        access_token: Some(tokens.access_token.clone()),
        access_issued_at_ms: Some(tokens.issued_at_ms),
        ..current
    };
    credential::save(store, &connection.id, &updated)?;
    let issued_at = DateTime::from_timestamp_millis(tokens.issued_at_ms).unwrap_or_else(Utc::now);
    record(
        ctx,
        connection,
        Some(&tokens.instance_url),
        Some(health("ok", "refreshed", Utc::now())),
    );
    let mut connection = connection.clone();
    connection.instance_url = tokens.instance_url;
    Ok(Access {
        connection,
        token: tokens.access_token,
        issued_at,
        credential_env,
    })
}

fn refresh(
    ctx: &Context,
    store: &dyn SecretStore,
    connection: &Connection,
    refresh_token: Secret,
) -> Result<Access> {
    let http = Http::new()?;
    let app = AppConfig {
        login_url: connection.login_url.clone(),
        client_id: connection.client_id.clone(),
        client_secret: std::env::var("SFCONNECT_CLIENT_SECRET")
            .ok()
            .filter(|s| !s.is_empty())
            .map(Secret::new),
    };
    let tokens = match app.refresh(&http, &refresh_token) {
        Ok(tokens) => tokens,
        Err(err) => return Err(failed(ctx, connection, err)),
    };
    parse_server_url(&tokens.instance_url, "instance URL")?;
    let rotated = tokens.refresh_token.is_some();
    output::debug(&format!(
        "{}: refreshed{}",
        connection.alias,
        if rotated {
            "; Salesforce rotated the refresh token, storing the new one first"
        } else {
            ""
        }
    ));
    let updated = Entry {
        credential: Credential::RefreshToken(tokens.refresh_token.unwrap_or(refresh_token)),
        access_token: Some(tokens.access_token.clone()),
        access_issued_at_ms: Some(tokens.issued_at_ms),
    };
    if let Err(err) = credential::save(store, &connection.id, &updated) {
        if rotated {
            // The old refresh token died with the rotation; the new one
            // exists only in this process now.
            output::warn(&format!(
                "Salesforce rotated the refresh token of {} but it could not be stored; the connection will need `{}`",
                connection.alias,
                relink_command(connection)
            ));
        }
        return Err(err);
    }
    let issued_at = DateTime::from_timestamp_millis(tokens.issued_at_ms).unwrap_or_else(Utc::now);
    let health = health("ok", "refreshed", Utc::now());
    record(ctx, connection, Some(&tokens.instance_url), Some(health));
    let mut connection = connection.clone();
    connection.instance_url = tokens.instance_url;
    Ok(Access {
        connection,
        token: tokens.access_token,
        issued_at,
        credential_env: None,
    })
}

/// Records what a failed refresh says about the connection, and completes
/// the error with the exact command that links it again.
fn failed(ctx: &Context, connection: &Connection, err: Error) -> Error {
    let status = status_of(&err);
    if status != "unreachable" {
        record(
            ctx,
            connection,
            None,
            Some(health(status, &err.message, Utc::now())),
        );
    }
    if status == "revoked" {
        let message = format!("{}: {}", connection.alias, err.message);
        Error { message, ..err }.with_hint(format!(
            "link it again with `{}`; see your approvals in Salesforce under Settings > Advanced User Details > OAuth Connected Apps",
            relink_command(connection)
        ))
    } else {
        err
    }
}

/// What an error from Salesforce says about a connection: `revoked`
/// (`invalid_grant`), `blocked` (the app is blocked or not approved for the
/// user), `unreachable` (network, DNS, 5xx) or `error` (anything else).
pub fn status_of(err: &Error) -> &'static str {
    match (err.exit, err.salesforce_code.as_deref().unwrap_or("")) {
        (_, code) if is_app_blocked(code) => "blocked",
        (_, "invalid_grant") | (Exit::RelinkNeeded, _) => "revoked",
        (Exit::Network, "") => "unreachable",
        _ => "error",
    }
}

pub fn health(status: &str, detail: &str, at: DateTime<Utc>) -> Health {
    Health {
        status: status.to_string(),
        detail: detail.to_string(),
        checked_at: at.trunc_subsecs(0),
    }
}

/// Updates `last_used_at` on a cache hit, at most once a minute.
fn note_use(ctx: &Context, connection: &Connection) {
    let recent = connection.last_used_at.is_some_and(|at| {
        Utc::now().signed_duration_since(at).num_seconds() < LAST_USED_GRANULARITY_SECS
    });
    if !recent {
        record(ctx, connection, None, None);
    }
}

/// Writes use, refresh and health facts to the index under its lock. A
/// failure here must not fail the command that already has its token.
pub fn record(
    ctx: &Context,
    connection: &Connection,
    refreshed: Option<&str>,
    health: Option<Health>,
) {
    let now = Utc::now().trunc_subsecs(0);
    let result = ctx.registry.update(|index| {
        if let Some(c) = index.connections.iter_mut().find(|c| c.id == connection.id) {
            if health.as_ref().is_none_or(|h| h.status == "ok") {
                c.last_used_at = Some(now);
            }
            if let Some(instance_url) = refreshed {
                c.last_refreshed_at = Some(now);
                c.instance_url = instance_url.to_string();
            }
            if health.is_some() {
                c.health = health;
            }
        }
        Ok(())
    });
    if let Err(err) = result {
        output::warn(&format!("could not update the index: {}", err.message));
    }
}

/// The command that links this connection again, same host and app.
pub fn relink_command(connection: &Connection) -> String {
    if !connection.kind.uses_refresh_token() {
        return crate::headless::relink_command(connection);
    }
    let mut command = format!("sfconnect link --alias {}", connection.alias);
    match connection.login_url.as_str() {
        PRODUCTION => {}
        SANDBOX => command.push_str(" --sandbox"),
        other => command.push_str(&format!(" --login-url {other}")),
    }
    if connection.client_id != PLATFORM_CLI {
        command.push_str(&format!(" --client-id {}", connection.client_id));
    }
    command
}
