//! `sfconnect import`: bring in a connection from an SFDX auth URL, the
//! Salesforce CLI's portable connection (docs/salesforce-oauth.md §12).
//!
//! The order matters. Everything that can be judged locally is judged
//! before any request: the input (`input`, then `sfdx_url::read`: a bad URL
//! is exit 2 and nothing is sent), the alias, the index, the secret store,
//! and whether this very token is already a connection here. Then the user
//! is warned: the URL's token is shared with its source, and with
//! refresh-token rotation on, the refresh that proves it makes every other
//! copy dead (docs/salesforce-oauth.md §4). One refresh at the URL's host
//! and the identity call (the answer's URLs judged first, as for `link`)
//! say who the connection is; then `keep` stores it, kind `imported`.
//!
//! Import never revokes: the token may be the very approval the source, or
//! a connection here, still uses. A token Salesforce refuses is exit 4 with
//! nothing stored. The one token it may revoke is the one Salesforce
//! rotated to during the check when the import then fails (a duplicate, a
//! foreign instance URL): nobody else holds it, and left alone it would be
//! a live token kept nowhere.

mod input;
mod keep;

use crate::app::Context;
use crate::cli::ImportArgs;
use crate::config::{self, Config};
use crate::error::{Error, Exit, Result};
use crate::index::alias::Alias;
use crate::index::connection::{Connection, Index, Kind};
use crate::output;
use crate::report::ConnectionView;
use crate::salesforce::http::Http;
use crate::salesforce::identity;
use crate::salesforce::oauth::{AppConfig, Tokens, host_of};
use crate::salesforce::revoke;
use crate::salesforce::sfdx_url::{self, AuthUrl};
use crate::secrets::credential::{self, Credential};
use crate::secrets::secret::Secret;
use crate::secrets::{self, SecretStore, StoreKind};
use chrono::{SubsecRound, Utc};

pub fn run(ctx: &Context, args: ImportArgs) -> Result<()> {
    let settings = Config::load(&ctx.config_dir)?;
    let index = ctx.registry.load()?;
    if let Some(alias) = &args.alias {
        Alias::new(alias.as_str())?;
    }
    let text = input::read(&args)?;
    let url = sfdx_url::read(text.expose())?;
    output::debug(&format!(
        "the SFDX auth URL names the app {} at {}",
        url.client_id, url.login_url
    ));
    let store_kind = config::chosen_store(&args.store, &settings)?;
    let store = secrets::open(store_kind, &ctx.config_dir);
    secrets::probe(store.as_ref())?;
    if !args.force
        && let Some(holder) = holding_this_token(ctx, &index, &url)
    {
        return Err(Error::usage(format!(
            "this SFDX auth URL is already the connection {holder} here (the same refresh token); nothing was sent"
        ))
        .with_hint(format!(
            "use {holder} as it is, or replace its record with `sfconnect import --force` (nothing is revoked)"
        )));
    }
    output::warn(&format!(
        "this URL's refresh token is shared with wherever the URL came from (the sf CLI, a CI secret, any copy): they all hold one approval; if the org rotates refresh tokens, the refresh that checks it now at {} makes every other copy of the URL dead, the sf CLI's own included",
        host_of(&url.login_url)
    ));
    let http = Http::new()?;
    let app = AppConfig {
        login_url: url.login_url.clone(),
        client_id: url.client_id.clone(),
        client_secret: url.client_secret.clone(),
    };
    let mut tokens = app.refresh(&http, &url.refresh_token).map_err(refused)?;
    let rotated = tokens.refresh_token.take();
    if rotated.is_some() {
        output::warn(
            "Salesforce rotated the refresh token: every other copy of this URL is now dead, the sf CLI's own included; sfconnect keeps the new token (log the sf CLI in again if it still needs this org)",
        );
    }
    // Past this point a failure stores nothing. With a rotation, the new
    // token would then be live and held by nobody, the URL's copies being
    // dead already: it is revoked, so that it neither stays usable nor keeps
    // one of the user's five approvals (docs/salesforce-oauth.md §5). That
    // revokes no copy anyone holds.
    let after_rotation = |err: Error| match &rotated {
        Some(new_token) => discard_rotated(&http, &url.login_url, new_token, err),
        None => err,
    };
    let connection =
        identify(&args, &http, &url, &mut tokens, store_kind).map_err(after_rotation)?;
    let connection = Connection {
        last_rotated_at: rotated.as_ref().map(|_| connection.created_at),
        ..connection
    };
    let entry = credential::Entry {
        credential: Credential::RefreshToken(rotated.clone().unwrap_or(url.refresh_token.clone())),
        access_token: Some(tokens.access_token.clone()),
        access_issued_at_ms: Some(tokens.issued_at_ms),
        client_secret: url.client_secret.clone(),
    };
    let connection =
        keep::store(ctx, &args, &connection, &entry, store.as_ref()).map_err(after_rotation)?;
    report(&args, &connection)
}

/// `err`, after revoking the rotated token that nothing will store, and
/// saying what became of it.
fn discard_rotated(http: &Http, login_url: &str, new_token: &Secret, err: Error) -> Error {
    let fate = match revoke::revoke(http, login_url, new_token) {
        Ok(_) => "the new token Salesforce rotated to was revoked, so it holds no approval",
        Err(_) => {
            "the new token Salesforce rotated to could not be revoked and expires unused (it holds one of the user's five approvals until then)"
        }
    };
    err.reworded(|message| {
        format!(
            "{message}; Salesforce had already rotated the refresh token, so the URL is now dead, and {fate}: get a new URL from a fresh login"
        )
    })
}

/// The connection here whose stored refresh token is the URL's own, if
/// any: importing it again would hold the same token twice. Only
/// refresh-token connections of the same app are read; a store that cannot
/// be read is skipped (this check spares a request, it guards nothing).
fn holding_this_token(ctx: &Context, index: &Index, url: &AuthUrl) -> Option<String> {
    index
        .connections
        .iter()
        .filter(|c| c.kind.uses_refresh_token() && c.client_id == url.client_id)
        .find(|c| {
            let store: Box<dyn SecretStore> = ctx.store_of(c);
            matches!(
                credential::load(store.as_ref(), &c.id, c.kind),
                Ok(Some(credential::Entry {
                    credential: Credential::RefreshToken(token),
                    ..
                })) if token == url.refresh_token
            )
        })
        .map(|c| c.alias.to_string())
}

/// A refused refresh, worded for a URL rather than a stored connection:
/// nothing was stored, and the fix is a fresh URL.
fn refused(err: Error) -> Error {
    if err.salesforce_code.is_none() {
        // Not a refusal: the network, or an answer that is no token answer.
        return err;
    }
    let relink = err.exit == Exit::RelinkNeeded;
    let err = err.reworded(|message| {
        format!("Salesforce refused the SFDX auth URL: {message}; nothing was stored")
    });
    match err.salesforce_code.as_deref() {
        Some("invalid_client") => err.with_hint(
            "the URL's client id (and consumer secret, if it has one) must be those of an app this org accepts; the sf CLI writes PlatformCLI with an empty secret",
        ),
        _ if relink => err.with_hint(
            "get a fresh URL from a source that is still logged in (`sf org auth show-sfdx-auth-url --json`), or link with `sfconnect link`",
        ),
        _ => err,
    }
}

/// The record of the imported connection: the answer's URLs judged against
/// the URL's host before the access token follows them (as for `link`),
/// then the identity call. Nothing is stored yet.
fn identify(
    args: &ImportArgs,
    http: &Http,
    url: &AuthUrl,
    tokens: &mut Tokens,
    store: StoreKind,
) -> Result<Connection> {
    tokens.check_urls(&url.login_url)?;
    let who = identity::fetch(
        http,
        &url.login_url,
        &tokens.instance_url,
        &tokens.identity_url,
        &tokens.access_token,
    )?;
    let alias = Alias::new(args.alias.clone().unwrap_or_else(|| who.username.clone()))
        .map_err(|e| e.with_hint("choose a name with --alias"))?;
    let now = Utc::now().trunc_subsecs(0);
    Ok(Connection {
        alias,
        username: who.username,
        org_id: who.org_id,
        user_id: who.user_id,
        instance_url: tokens.instance_url.clone(),
        login_url: url.login_url.clone(),
        client_id: url.client_id.clone(),
        kind: Kind::Imported,
        audience: None,
        scopes: tokens.scopes.clone(),
        created_at: now,
        last_used_at: None,
        // The check was a refresh, unlike a link's code exchange.
        last_refreshed_at: Some(now),
        last_rotated_at: None,
        store,
        id: secrets::new_id(),
        app_name: None,
        health: None,
    })
}

/// The new connection on stdout; on stderr, what sharing its approval means.
fn report(args: &ImportArgs, connection: &Connection) -> Result<()> {
    // Said once, and not silenced by -q, now that a secret is in the store.
    if let Some(caveat) = connection.store.caveat() {
        output::warn(caveat);
    }
    if args.json {
        output::print_json(&ConnectionView::new(connection))?;
    } else {
        output::print(&format!(
            "imported {}: {} ({}) at {}\n",
            connection.alias, connection.username, connection.org_id, connection.instance_url
        ))?;
    }
    output::note(&format!(
        "{} shares its approval with the URL's source: `sfconnect revoke {}` would end the source's copies too",
        connection.alias, connection.alias
    ));
    Ok(())
}
