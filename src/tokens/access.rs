//! Fresh access tokens for a linked connection: from the cache when young
//! enough, else by the refresh grant, safely under parallel callers.
//!
//! Salesforce does not say when an access token expires (its lifetime is the
//! org's session timeout, at least 15 minutes; docs/salesforce-oauth.md §4), so a
//! cached token is reused while younger than a maximum age. A refresh runs
//! under a cross-process lock per connection (`tokens::lock`); after
//! taking it we re-read the index entry and the store, because another
//! process may have refreshed (or rotated the refresh token), moved the
//! secret or revoked the connection while we waited, and reusing a rotated
//! refresh token makes Salesforce revoke the whole chain (RFC 9700 §4.14). A
//! new refresh token is stored before the new access token is used or
//! printed, and before the answer's URLs are judged: an answer refused for a
//! foreign instance URL still leaves the live refresh token in the store. A
//! refresh sends the client secret of this connection's app only
//! (`secrets::client_secret`).

use crate::app::Context;
use crate::config::Config;
use crate::error::{Error, Exit, Result};
use crate::index::connection::{Connection, Health, Kind};
use crate::index::status::Status;
use crate::index::validate;
use crate::output;
use crate::salesforce::errors::is_app_blocked;
use crate::salesforce::hosts::{PRODUCTION, SANDBOX};
use crate::salesforce::http::Http;
use crate::salesforce::oauth::{AppConfig, PLATFORM_CLI, Tokens};
use crate::secrets::client_secret::{self, ForRefresh};
use crate::secrets::credential::{self, Credential, Entry};
use crate::secrets::secret::Secret;
use crate::secrets::{SecretStore, StoreKind};
use crate::settings;
use crate::tokens::fast_cache::{self, FastCache};
use crate::tokens::lock;
use crate::vault::refresh::VaultRefresh;
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
    /// inherit them, only the access token. The client secret and the
    /// environment connection's were taken out at start already
    /// (`main`); removed again in case something set them since.
    pub fn private_env(&self) -> Vec<&str> {
        let mut names = vec![crate::salesforce::client_credentials::SECRET_ENV];
        names.extend(crate::secrets::environment_credentials::VARIABLES);
        names.extend(self.credential_env.as_deref());
        // For a connection in the vault, what reads its refresh token there.
        if self.connection.store == crate::secrets::StoreKind::Vault {
            names.extend(crate::vault::config::CREDENTIAL_VARIABLES);
        }
        names
    }
}

pub fn obtain(ctx: &Context, connection: &Connection, freshness: Freshness) -> Result<Access> {
    // Commands resolve connections through `Index::resolve`, which checks
    // them; checked again here, where every token is handed out.
    validate::connection(connection)?;
    let alias = &connection.alias;
    // A connection Salesforce last called revoked or blocked is asked again
    // rather than served from the cache: its cached access token most
    // likely died with it, and a script should learn that from us (exit 4),
    // not from the API refusing the token.
    let freshness = match recorded_dead(connection) {
        Some(status) => {
            output::debug(&format!(
                "{alias}: last recorded as {status}; refreshing instead of using the cache"
            ));
            Freshness {
                force: true,
                ..freshness
            }
        }
        None => freshness,
    };
    let mut fast = FastCache::open(connection, freshness)?;
    if let Some(access) = fast.as_mut().and_then(FastCache::take_hit) {
        debug_cache_hit(&access);
        note_use(ctx, connection);
        return Ok(access);
    }
    output::debug(&format!(
        "{alias}: reading its secret from the {} store",
        connection.store
    ));
    let store = ctx.store_of(connection);
    // Missing here may only mean that `migrate` moved it a moment ago: the
    // entry is read again under the lock before that is an error. With the
    // fast cache, a young token is read under the lock only, so that the
    // copy it gets is what the keychain holds.
    let seen = match &fast {
        Some(_) if !freshness.force => None,
        _ => credential::load(store.as_ref(), &connection.id, connection.kind)?,
    };
    if !freshness.force
        && let Some(access) = seen
            .as_ref()
            .and_then(|seen| young(connection, seen, freshness.max_age))
    {
        debug_cache_hit(&access);
        note_use(ctx, connection);
        return Ok(access);
    }
    output::debug(&format!(
        "{alias}: {}; taking its refresh lock",
        if freshness.force {
            "a fresh token was asked for"
        } else if fast.is_some() {
            "its secret is read under the lock, to copy its access token"
        } else {
            "no cached access token young enough"
        }
    ));
    let waiting = Instant::now();
    // The entry as it is now: another process may have moved its secret to
    // another store (`migrate`) while we waited.
    let (_lock, entry) = lock::lock(ctx, connection)?;
    let connection = &entry;
    output::debug(&format!(
        "{alias}: refresh lock taken after {} ms",
        waiting.elapsed().as_millis()
    ));
    let store = ctx.store_of(connection);
    let current = stored(store.as_ref(), connection)?;
    if let Some(access) = refreshed_meanwhile(connection, seen.as_ref(), &current, freshness) {
        fast_cache::remember(fast.as_ref(), connection, &access);
        note_use(ctx, connection);
        return Ok(access);
    }
    if connection.store != StoreKind::Vault {
        // A failed refresh drops the copy too: the token was asked to be
        // replaced, and a connection Salesforce now calls dead has none to
        // serve.
        let access = mint(ctx, store.as_ref(), connection, current)
            .inspect_err(|_| fast_cache::forget(fast.as_ref(), connection))?;
        fast_cache::remember(fast.as_ref(), connection, &access);
        return Ok(access);
    }
    // In the vault, other machines may refresh too: the lease they all see,
    // then the same re-read under it (`vault::refresh`).
    let mut vault = VaultRefresh::begin(ctx, connection)?;
    let current = stored(vault.store(), connection)?;
    if let Some(access) = refreshed_meanwhile(connection, seen.as_ref(), &current, freshness) {
        note_use(ctx, connection);
        return Ok(access);
    }
    vault.before_presenting()?;
    mint(ctx, vault.store(), connection, current)
        .map_err(|err| vault.explain(err, connection, &relink_command(connection)))
}

/// The cached access token another process (or machine) stored while we
/// waited for the lock or lease, when it is young enough; with `--fresh`,
/// only one issued since we first looked. When we had not looked before
/// the lock (no kernel-keyring copy: the keychain is read under it), a
/// young token is simply the cache.
fn refreshed_meanwhile(
    connection: &Connection,
    seen: Option<&Entry>,
    current: &Entry,
    freshness: Freshness,
) -> Option<Access> {
    let changed = seen.is_none_or(|seen| seen.access_issued_at_ms != current.access_issued_at_ms);
    let access =
        young(connection, current, freshness.max_age).filter(|_| changed || !freshness.force)?;
    if seen.is_some() {
        output::debug(&format!(
            "{}: another process refreshed it while we waited",
            connection.alias
        ));
    }
    debug_cache_hit(&access);
    Some(access)
}

/// `revoked` or `blocked` when that is the last verdict on record.
fn recorded_dead(connection: &Connection) -> Option<&str> {
    let status = connection.health.as_ref()?.status.as_str();
    matches!(status, "revoked" | "blocked").then_some(status)
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
    let issued_at = young_at(tokens.access_issued_at_ms?, max_age)?;
    Some(Access {
        connection: connection.clone(),
        token,
        issued_at,
        credential_env: tokens.credential.env_var().map(String::from),
    })
}

/// When a token issued at `issued_at_ms` was issued, if it is young enough
/// to be served.
pub(super) fn young_at(issued_at_ms: i64, max_age: Duration) -> Option<DateTime<Utc>> {
    let issued_at = DateTime::from_timestamp_millis(issued_at_ms)?;
    let age = Utc::now().signed_duration_since(issued_at);
    let max_age = chrono::Duration::from_std(max_age).ok()?;
    // `issued_at` is Salesforce's clock: a little in our future is skew, far
    // in it is nonsense and not trusted.
    let skew = chrono::Duration::minutes(5);
    (age > -skew && age < max_age).then_some(issued_at)
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
            refresh(ctx, store, connection, current, refresh_token)
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
    let mut tokens = match crate::tokens::headless::mint(&http, connection, &current.credential) {
        Ok(tokens) => tokens,
        Err(err) => {
            let status = status_of(&err);
            if status != Status::Unreachable && err.exit != Exit::Usage {
                record(
                    ctx,
                    connection,
                    None,
                    Some(Health::new(status, &err.message, Utc::now())),
                );
            }
            return Err(err);
        }
    };
    // The answer's URLs are judged before the token follows them.
    tokens.check_urls(&connection.login_url)?;
    output::debug(&format!("{}: minted a new access token", connection.alias));
    let credential_env = current.credential.env_var().map(String::from);
    let updated = Entry {
        access_token: Some(tokens.access_token.clone()),
        access_issued_at_ms: Some(tokens.issued_at_ms),
        ..current
    };
    credential::save(store, &connection.id, &updated)?;
    record(
        ctx,
        connection,
        Some(&tokens.instance_url),
        Some(Health::new(Status::Ok, "refreshed", Utc::now())),
    );
    Ok(fresh(connection, tokens, credential_env))
}

/// The access of a new token: the connection as the answer names its
/// instance now, issued when Salesforce says.
fn fresh(connection: &Connection, tokens: Tokens, credential_env: Option<String>) -> Access {
    let issued_at = DateTime::from_timestamp_millis(tokens.issued_at_ms).unwrap_or_else(Utc::now);
    let mut connection = connection.clone();
    connection.instance_url = tokens.instance_url;
    Access {
        connection,
        token: tokens.access_token,
        issued_at,
        credential_env,
    }
}

fn refresh(
    ctx: &Context,
    store: &dyn SecretStore,
    connection: &Connection,
    current: Entry,
    refresh_token: Secret,
) -> Result<Access> {
    let http = Http::new()?;
    let secret = client_secret::for_refresh(
        &connection.client_id,
        current.client_secret.as_ref(),
        configured_client_id(ctx).as_deref(),
    );
    let app = AppConfig {
        login_url: connection.login_url.clone(),
        client_id: connection.client_id.clone(),
        client_secret: secret.secret.clone(),
    };
    let mut tokens = match app.refresh(&http, &refresh_token) {
        Ok(tokens) => tokens,
        Err(err) => {
            return Err(failed(
                ctx,
                connection,
                explain_secret(connection, &secret, err),
            ));
        }
    };
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
    // Salesforce took the variable's secret: from now on it is this
    // connection's own.
    let ForRefresh { secret, adopt } = secret;
    let client_secret = if adopt {
        secret
    } else {
        current.client_secret.clone()
    };
    if let Err(refused) = tokens.check_urls(&connection.login_url) {
        // The answer is refused, but a rotated refresh token in it is now the
        // only live one: keep it, with the cached access token we had.
        if let Some(rotated_token) = tokens.refresh_token.take() {
            let kept = Entry {
                credential: Credential::RefreshToken(rotated_token),
                client_secret,
                ..current
            };
            save_rotated(store, connection, &kept)?;
            note_rotation(ctx, connection);
        }
        return Err(refused);
    }
    let updated = Entry {
        credential: Credential::RefreshToken(tokens.refresh_token.take().unwrap_or(refresh_token)),
        access_token: Some(tokens.access_token.clone()),
        access_issued_at_ms: Some(tokens.issued_at_ms),
        client_secret,
    };
    if rotated {
        save_rotated(store, connection, &updated)?;
        note_rotation(ctx, connection);
    } else {
        credential::save(store, &connection.id, &updated)?;
    }
    if adopt {
        output::note(&format!(
            "{}: kept the client secret from SFCONNECT_CLIENT_SECRET with this connection; it no longer needs the variable",
            connection.alias
        ));
    }
    let health = Health::new(Status::Ok, "refreshed", Utc::now());
    record(ctx, connection, Some(&tokens.instance_url), Some(health));
    Ok(fresh(connection, tokens, None))
}

/// Stores tokens holding a rotated refresh token; the old one died with the
/// rotation, so a failure here means the connection must be linked again.
fn save_rotated(store: &dyn SecretStore, connection: &Connection, entry: &Entry) -> Result<()> {
    credential::save(store, &connection.id, entry).inspect_err(|_| {
        output::warn(&format!(
            "Salesforce rotated the refresh token of {} but it could not be stored; the connection will need `{}`",
            connection.alias,
            relink_command(connection)
        ));
    })
}

/// Records that Salesforce rotated this connection's refresh token, so that
/// `export` can warn that the sf CLI, which does not keep rotated tokens,
/// would break the chain. Like `record`, never fatal.
fn note_rotation(ctx: &Context, connection: &Connection) {
    let now = Utc::now().trunc_subsecs(0);
    let result = ctx.registry.update(|index| {
        if let Some(c) = index.connections.iter_mut().find(|c| c.id == connection.id) {
            c.last_rotated_at = Some(now);
        }
        Ok(())
    });
    if let Err(err) = result {
        output::warn(&format!("could not update the index: {}", err.message));
    }
}

/// The client id the user configured (`SFCONNECT_CLIENT_ID`, else the config
/// file), which says whose secret `SFCONNECT_CLIENT_SECRET` is. Only looked
/// up when that variable is set.
fn configured_client_id(ctx: &Context) -> Option<String> {
    if !client_secret::variable_is_set() {
        return None;
    }
    settings::CLIENT_ID
        .value()
        .filter(|id| !id.trim().is_empty())
        .or_else(|| {
            Config::load(&ctx.config_dir)
                .ok()?
                .get("client-id")
                .map(String::from)
        })
}

/// A refusal of the app's credentials when no secret was sent: say how to
/// give this connection its secret.
fn explain_secret(connection: &Connection, sent: &ForRefresh, err: Error) -> Error {
    if sent.secret.is_some() || err.salesforce_code.as_deref() != Some("invalid_client") {
        return err;
    }
    err.with_hint(format!(
        "if the app requires a client secret, refresh once with SFCONNECT_CLIENT_SECRET set to it and SFCONNECT_CLIENT_ID={}: sfconnect sends the secret only for the app whose client id is configured, and then keeps it with {}",
        connection.client_id, connection.alias
    ))
}

/// Records what a failed refresh says about the connection, and completes
/// the error with the exact command that links it again.
fn failed(ctx: &Context, connection: &Connection, err: Error) -> Error {
    let status = status_of(&err);
    if status != Status::Unreachable {
        record(
            ctx,
            connection,
            None,
            Some(Health::new(status, &err.message, Utc::now())),
        );
    }
    if status == Status::Revoked {
        err.reworded(|message| format!("{}: {message}", connection.alias))
            .with_hint(format!(
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
pub fn status_of(err: &Error) -> Status {
    match (err.exit, err.salesforce_code.as_deref().unwrap_or("")) {
        (_, code) if is_app_blocked(code) => Status::Blocked,
        (_, "invalid_grant") | (Exit::RelinkNeeded, _) => Status::Revoked,
        (Exit::Network, "") => Status::Unreachable,
        _ => Status::Error,
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
    crate::vault::shared::note_facts(ctx, connection, refreshed, health.as_ref());
    let result = ctx.registry.update(|index| {
        if let Some(c) = index.connections.iter_mut().find(|c| c.id == connection.id) {
            if health.as_ref().is_none_or(|h| h.status == Status::Ok) {
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
        return crate::tokens::headless::relink_command(connection);
    }
    if connection.kind == Kind::Imported {
        // Its token came from elsewhere: a fresh URL from the same source.
        return format!(
            "sfconnect import --alias {} --force --file FILE_WITH_A_FRESH_SFDX_AUTH_URL",
            connection.alias
        );
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
