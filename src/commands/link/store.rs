//! Storing a fresh login, the same way for the browser and the device flow.
//!
//! Given the tokens of a completed login: check the URLs Salesforce named
//! (`Tokens::check_urls`) before the access token goes to any of them, look
//! up who logged in, store the secret (with the app's client secret, when
//! one was used), then the index entry; replace (and
//! revoke) an older connection of the same user, org and app; and if
//! anything fails, revoke the fresh refresh token so it does not hold one of
//! the user's five approvals (docs/salesforce-oauth.md §5).

use crate::app::Context;
use crate::cli::LinkArgs;
use crate::error::{Error, Result};
use crate::index::alias::Alias;
use crate::index::connection::{Connection, Index, Kind};
use crate::output;
use crate::report::ConnectionView;
use crate::salesforce::http::Http;
use crate::salesforce::identity;
use crate::salesforce::oauth::{AppConfig, Tokens};
use crate::salesforce::revoke::revoke;
use crate::secrets::secret::Secret;
use crate::secrets::{self, SecretStore, StoreKind, StoredTokens, save_tokens};
use crate::tokens::access::Access;
use crate::tokens::approvals;
use crate::tokens::lock;
use crate::tokens::retired;
use chrono::{DateTime, SubsecRound, Utc};

/// Identify, store, replace. Any failure revokes the fresh refresh token.
pub fn store_login(
    ctx: &Context,
    args: &LinkArgs,
    app: &AppConfig,
    requested_scopes: &[String],
    http: &Http,
    mut tokens: Tokens,
    (store_kind, store): (StoreKind, &dyn SecretStore),
) -> Result<Access> {
    let Some(refresh_token) = tokens.refresh_token.clone() else {
        return Err(Error::login(
            "Salesforce returned no refresh token, so the connection could not be kept; nothing was stored",
        )
        .with_hint("the app must allow the refresh_token (or offline_access) scope, and --scopes must include it"));
    };
    let stored = (|| {
        let scopes = if tokens.scopes.is_empty() {
            requested_scopes.to_vec()
        } else {
            tokens.scopes.clone()
        };
        let connection = identify(
            args,
            http,
            &mut tokens,
            Origin {
                kind: if args.device {
                    Kind::Device
                } else {
                    Kind::Browser
                },
                login_url: &app.login_url,
                client_id: &app.client_id,
                audience: None,
                scopes,
                store: store_kind,
            },
        )?;
        let secret = StoredTokens {
            refresh_token: refresh_token.clone(),
            access_token: Some(tokens.access_token.clone()),
            access_issued_at_ms: Some(tokens.issued_at_ms),
            client_secret: app.client_secret.clone(),
        };
        // Held until the entry is written: until then the secret looks
        // orphaned, and `doctor --clean` must not take it for one.
        let _new = lock::lock_id(ctx, &connection.id, &connection.alias)?;
        save_tokens(store, &connection.id, &secret)?;
        enter(ctx, args, &connection, store)
    })();
    match stored {
        Ok((connection, replaced)) => {
            for old in &replaced {
                retire(ctx, http, old, &connection);
            }
            let just_tried: Vec<&str> = replaced.iter().map(|c| c.id.as_str()).collect();
            retired::retry(ctx, http, &just_tried);
            Ok(Access {
                connection,
                token: tokens.access_token,
                issued_at: DateTime::from_timestamp_millis(tokens.issued_at_ms)
                    .unwrap_or_else(Utc::now),
                credential_env: None,
            })
        }
        Err(err) => Err(revoke_fresh(http, &app.login_url, &refresh_token, err)),
    }
}

/// What a link knows of its new connection before Salesforce says who
/// logged in: how it was linked, where, with which app, and where its secret
/// goes.
pub(super) struct Origin<'a> {
    pub kind: Kind,
    pub login_url: &'a str,
    pub client_id: &'a str,
    /// JWT only: the `aud` the assertion names.
    pub audience: Option<String>,
    pub scopes: Vec<String>,
    pub store: StoreKind,
}

/// The record of a new connection, for every kind of link: the URLs
/// Salesforce named are judged before the access token follows them
/// (`Tokens::check_urls`), then the identity URL says who the connection is.
/// Nothing is stored yet.
pub(super) fn identify(
    args: &LinkArgs,
    http: &Http,
    tokens: &mut Tokens,
    origin: Origin,
) -> Result<Connection> {
    tokens.check_urls(origin.login_url)?;
    let who = identity::fetch(
        http,
        origin.login_url,
        &tokens.instance_url,
        &tokens.identity_url,
        &tokens.access_token,
    )?;
    let alias = Alias::new(args.alias.clone().unwrap_or_else(|| who.username.clone()))
        .map_err(|e| e.with_hint("choose a name with --alias"))?;
    Ok(Connection {
        alias,
        username: who.username,
        org_id: who.org_id,
        user_id: who.user_id,
        instance_url: tokens.instance_url.clone(),
        login_url: origin.login_url.to_string(),
        client_id: origin.client_id.to_string(),
        kind: origin.kind,
        audience: origin.audience,
        scopes: origin.scopes,
        created_at: Utc::now().trunc_subsecs(0),
        last_used_at: None,
        // Set by the first refresh (or, for a headless kind, the first mint
        // after the link's): the link's own token is not one.
        last_refreshed_at: None,
        store: origin.store,
        id: secrets::new_id(),
        app_name: None,
        health: None,
    })
}

/// One approval per user, org and app: such connections are the same grant
/// (for headless kinds: one connection per user, org, app and kind).
pub(super) fn same_grant(a: &Connection, b: &Connection) -> bool {
    a.org_id == b.org_id
        && a.user_id == b.user_id
        && a.client_id == b.client_id
        && a.kind.same_family(b.kind)
}

fn alias_taken(alias: &str) -> Error {
    Error::usage(format!("the alias {alias} is already in use")).with_hint(format!(
        "choose another --alias, or replace it with `sfconnect link --alias {alias} --force`"
    ))
}

/// The connections the new one replaces: any with the same user, org and
/// app (one connection per user+org+app), and the alias's holder when
/// `--force` is given. Another connection holding the alias is an error.
pub(super) fn replaceable(index: &Index, new: &Connection, force: bool) -> Result<Vec<Connection>> {
    let mut replaced: Vec<Connection> = index
        .connections
        .iter()
        .filter(|c| same_grant(c, new))
        .cloned()
        .collect();
    if let Some(holder) = index.find(&new.alias)
        && !same_grant(holder, new)
    {
        if !force {
            return Err(alias_taken(&new.alias));
        }
        replaced.push(holder.clone());
    }
    Ok(replaced)
}

/// Revokes a replaced connection's token (or queues it for a retry) and
/// says so. Never fatal: the new connection already stands.
fn retire(ctx: &Context, http: &Http, old: &Connection, new: &Connection) {
    match retired::settle(ctx, http, &retired::record(old)) {
        Ok(()) => output::note(&format!(
            "replaced {} ({} at {}); its old refresh token was revoked at Salesforce",
            old.alias, old.username, old.instance_url
        )),
        Err(e) => output::warn(&format!(
            "{}, but could not revoke its old refresh token: {}; sfconnect keeps it and retries on the next link or `sfconnect tokens check`",
            replaced_what(old, new),
            e.message
        )),
    }
}

/// "replaced uat with prod", or, when the alias stays, "replaced the
/// earlier approval of prod" (never "replaced prod with prod").
fn replaced_what(old: &Connection, new: &Connection) -> String {
    if old.alias == new.alias {
        format!("replaced the earlier approval of {}", old.alias)
    } else {
        format!("replaced {} with {}", old.alias, new.alias)
    }
}

/// Writes the index entry of a new connection whose secret is stored:
/// linking again without --alias keeps the alias it had, and an older
/// connection of the same user, org and app is replaced (in the same write,
/// moved to `retired` to be revoked). When the entry cannot be written the
/// secret is deleted, so nothing is left without its entry.
pub(super) fn enter(
    ctx: &Context,
    args: &LinkArgs,
    connection: &Connection,
    store: &dyn SecretStore,
) -> Result<(Connection, Vec<Connection>)> {
    // A vault connection's record goes to the vault first, so that a record
    // there never lacks its local twin's secret; a failure deletes the
    // secret, as a failed index write does.
    let shared = connection.store == StoreKind::Vault;
    let mut published = None;
    if shared {
        let index = ctx.registry.load()?;
        let mut expected = connection.clone();
        if args.alias.is_none()
            && let Some(old) = index.connections.iter().find(|c| same_grant(c, connection))
        {
            expected.alias = old.alias.clone();
        }
        if let Err(err) = crate::vault::shared::share(ctx, &expected) {
            let _ = store.delete(&connection.id);
            return Err(err);
        }
        published = Some(expected.alias);
    }
    let updated = ctx.registry.update(|index| {
        let mut connection = connection.clone();
        if args.alias.is_none()
            && let Some(old) = index
                .connections
                .iter()
                .find(|c| same_grant(c, &connection))
        {
            connection.alias = old.alias.clone();
        }
        let replaced = replaceable(index, &connection, args.force)?;
        index
            .connections
            .retain(|c| !replaced.iter().any(|r| r.id == c.id));
        index.retired.extend(replaced.iter().map(retired::record));
        index.connections.push(connection.clone());
        Ok((connection, replaced))
    });
    match &updated {
        Err(_) => {
            let _ = store.delete(&connection.id);
        }
        // The alias changed while we wrote: the record follows.
        Ok((entered, _)) if shared && published.as_ref() != Some(&entered.alias) => {
            if let Err(err) = crate::vault::shared::share(ctx, entered) {
                output::warn(&format!(
                    "the vault's record of {} could not be updated: {}",
                    entered.alias, err.message
                ));
            }
        }
        Ok(_) => {}
    }
    updated
}

/// Prints the new connection and how many of the user's five approvals for
/// this app are in use (advice only: a refused query is one line).
pub fn report(ctx: &Context, args: &LinkArgs, access: &Access) -> Result<()> {
    let connection = &access.connection;
    // Said once per link, and not silenced by -q: the user chose a store
    // weaker than the keychain in some way. Only now, when a secret is in
    // it; a link that failed earlier stored nothing to warn about.
    if let Some(caveat) = connection.store.caveat() {
        output::warn(caveat);
    }
    if args.json {
        output::print_json(&ConnectionView::new(connection))?;
    } else {
        output::print(&format!(
            "linked {}: {} ({}) at {}\n",
            connection.alias, connection.username, connection.org_id, connection.instance_url
        ))?;
    }
    let budget = Http::new().and_then(|http| approvals::fetch(&http, access));
    match budget {
        Ok(budget) => {
            for line in budget.lines(&connection.alias) {
                match line.strip_prefix("warning: ") {
                    Some(warning) => output::warn(warning),
                    None => output::note(&line),
                }
            }
            approvals::remember_app_name(ctx, connection, &budget);
        }
        Err(err) => output::note(&format!("cannot count approvals: {}", err.message)),
    }
    Ok(())
}

/// After a failure past the exchange: revoke the fresh token (best effort)
/// and say so in the error.
fn revoke_fresh(http: &Http, login_url: &str, refresh_token: &Secret, err: Error) -> Error {
    let suffix = match revoke(http, login_url, refresh_token) {
        Ok(_) => {
            "; the new refresh token was revoked at Salesforce, so it does not use up one of your five approvals"
        }
        Err(_) => {
            "; the new refresh token could not be revoked at Salesforce: revoke it there (Settings > Connected Apps OAuth Usage)"
        }
    };
    err.reworded(|message| format!("{message}{suffix}"))
}
