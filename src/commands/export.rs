//! `sfconnect export`: print a connection as an SFDX auth URL, for the sf
//! CLI (`sf org login sfdx-url --sfdx-url-stdin`) or a CI secret
//! (docs/salesforce-oauth.md §12).
//!
//! The URL is the refresh token, so every refusal comes before it is
//! printed, and each is exit 2 with its reason: a kind with no refresh
//! token (JWT bearer, client credentials), a store several machines share
//! (one copy outside it can revoke the team's chain) unless `--force`, a
//! terminal as stdout unless `--reveal` (the URL would stay in the
//! scrollback), all three before the secret is read; then a connection the
//! format cannot carry (`sfdx_url::format`: a site path, an IPv6 host). The secret is read under the connection's
//! lock: a refresh running at the same moment may be rotating it
//! (docs/salesforce-oauth.md §4), and the URL must hold the live token.
//!
//! Every export warns, on stderr, what a copy of a refresh token means.

use crate::app::Context;
use crate::cli::{ExportArgs, ExportFormat};
use crate::error::{Error, Result};
use crate::index::connection::{Connection, Kind};
use crate::output;
use crate::salesforce::sfdx_url;
use crate::secrets::credential::{self, Credential};
use crate::tokens::lock;
use std::io::IsTerminal;

pub fn run(ctx: &Context, args: ExportArgs) -> Result<()> {
    let ExportFormat::SfdxUrl = args.format;
    let index = ctx.registry.load()?;
    // A connection shared through a vault is found there from any machine.
    let connection = &crate::vault::shared::resolve(ctx, &index, args.alias.as_deref())?;
    let alias = &connection.alias;
    if !connection.kind.uses_refresh_token() {
        return Err(no_refresh_token(connection));
    }
    if connection.store.is_shared() && !args.force {
        return Err(Error::usage(format!(
            "{alias} is kept in the {} store, which several machines share: one copy of its URL outside it can revoke the chain the whole team uses",
            connection.store
        ))
        .with_hint("export it anyway with --force"));
    }
    // Before the secret is read: it would not be printed anyway.
    if std::io::stdout().is_terminal() && !args.reveal {
        return Err(Error::usage(format!(
            "not printing {alias}'s SFDX auth URL on a terminal, where it would stay in the scrollback"
        ))
        .with_hint(format!(
            "send it into a pipe or a file (`sfconnect export {alias} --format sfdx-url | gh secret set SFDX_AUTH_URL`), or pass --reveal"
        )));
    }
    let (_lock, connection) = lock::lock(ctx, connection)?;
    let store = ctx.store_of(&connection);
    let entry =
        credential::load(store.as_ref(), &connection.id, connection.kind)?.ok_or_else(|| {
            Error::relink(format!(
                "the secret of {alias} is missing from the {} store",
                connection.store
            ))
        })?;
    let Credential::RefreshToken(refresh_token) = &entry.credential else {
        return Err(no_refresh_token(&connection));
    };
    let url = sfdx_url::format(
        &connection.client_id,
        entry.client_secret.as_ref(),
        refresh_token,
        &connection.instance_url,
    )
    .map_err(|err| err.reworded(|why| format!("cannot export {alias}: {why}")))?;
    warn(&connection);
    output::print(&format!("{}\n", url.expose()))
}

/// JWT bearer and client credentials mint each token with a key or secret:
/// there is no refresh token to write.
fn no_refresh_token(connection: &Connection) -> Error {
    let (what, env) = match connection.kind {
        Kind::Jwt => (
            "a JWT bearer connection",
            "SFCONNECT_ENV=jwt with SFCONNECT_JWT_KEY, SFCONNECT_CLIENT_ID, SFCONNECT_USERNAME",
        ),
        _ => (
            "a client-credentials connection",
            "SFCONNECT_ENV=client-credentials with SFCONNECT_CLIENT_ID, SFCONNECT_CLIENT_SECRET",
        ),
    };
    Error::usage(format!(
        "{} is {what}: it has no refresh token, so there is no SFDX auth URL to export",
        connection.alias
    ))
    .with_hint(format!(
        "give CI the connection through the environment mode instead ({env} and the host, from CI secrets; docs/environment-mode.md)"
    ))
}

/// What every copy of a refresh token means, said on every export.
fn warn(connection: &Connection) {
    let alias = &connection.alias;
    output::warn(&format!(
        "the SFDX auth URL is a password: whoever has it acts as {} until it is revoked; keep it in a secret store (a CI secret), never in a repository, a log or a chat",
        connection.username
    ));
    output::warn(&format!(
        "every copy shares {alias}'s one approval: revoking any of them (or `sfconnect revoke {alias}`) ends them all"
    ));
    output::warn(&format!(
        "if the org rotates refresh tokens, whichever copy refreshes first makes every other copy dead, {alias} here included"
    ));
    output::warn(
        "for CI, a JWT bearer connection is the better tool: nothing shared, nothing to rotate (`sfconnect link --jwt`, see docs/servers-and-ci.md)",
    );
    if let Some(at) = connection.last_rotated_at {
        output::warn(&format!(
            "Salesforce rotates {alias}'s refresh token (last on {}): the sf CLI does not keep rotated tokens, so a copy handed to it kills the chain on its second refresh, {alias}'s too",
            crate::index::timestamp::format(&at)
        ));
    }
}
