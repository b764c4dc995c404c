//! `sfconnect revoke ALIAS...` / `--all`: revoke at Salesforce, then forget.
//!
//! Logout means revoke (docs/salesforce-oauth.md §6): local deletion alone leaves
//! a working token at Salesforce, so it happens only after Salesforce says
//! the token is revoked or already dead, or when the user asks for it
//! explicitly with `--local-only`. A JWT bearer or client-credentials
//! connection has no refresh token: its cached access token is revoked, its
//! key or secret deleted, and it says that the certificate or consumer
//! secret in the app stays valid. When Salesforce cannot be reached nothing
//! is changed. The index entry is removed before the secret, so a crash in
//! between leaves at worst an orphaned secret, never an entry without one.
//! An entry that fails its checks (`index::validate`) sends nothing
//! anywhere: only `--local-only` forgets it.
//! Each connection is revoked under its lock (`tokens::lock`), so a
//! refresh that rotates its token at the same moment is never outrun.

use crate::app::Context;
use crate::cli::RevokeArgs;
use crate::error::{Error, Result};
use crate::index::alias::Alias;
use crate::index::connection::Connection;
use crate::index::validate;
use crate::output;
use crate::report::{self, RevokeReport, RevokeResult};
use crate::salesforce::http::Http;
use crate::salesforce::revoke::{Revoked, revoke};
use crate::secrets::credential;
use crate::tokens::lock;

enum Outcome {
    Revoked,
    AlreadyInvalid(String),
    NoSecret,
    /// A headless connection with no cached access token.
    NothingToRevoke,
    LocalOnly,
}

impl Outcome {
    fn name(&self) -> &'static str {
        match self {
            Outcome::Revoked => "revoked",
            Outcome::AlreadyInvalid(_) => "already_invalid",
            Outcome::NoSecret => "no_secret",
            Outcome::NothingToRevoke => "nothing_to_revoke",
            Outcome::LocalOnly => "forgotten_locally",
        }
    }

    fn line(&self, alias: &str) -> String {
        match self {
            Outcome::Revoked => format!("revoked {alias}"),
            Outcome::AlreadyInvalid(why) => {
                format!("forgot {alias}: Salesforce says its token was already invalid ({why})")
            }
            Outcome::NoSecret => {
                format!("forgot {alias}: its secret was already gone from the store")
            }
            Outcome::NothingToRevoke => {
                format!("forgot {alias}: it held no access token to revoke at Salesforce")
            }
            Outcome::LocalOnly => format!("forgot {alias} locally"),
        }
    }
}

pub fn run(ctx: &Context, args: RevokeArgs) -> Result<()> {
    // Revoking a CI secret's token would break every job that holds it:
    // sfconnect never revokes the environment connection.
    if let Ok(Some(env)) = crate::tokens::environment::describe() {
        output::note(&format!(
            "note: the environment connection ({}) is not revoked: revoke only acts on linked connections; revoke its approval in Salesforce if you mean to",
            env.variable()
        ));
    }
    let index = ctx.registry.load()?;
    let mut aliases: Vec<String> = if args.all {
        index.aliases().into_iter().map(String::from).collect()
    } else {
        args.aliases.clone()
    };
    aliases.dedup();
    for alias in &aliases {
        Alias::new(alias.as_str())?;
    }
    // A local entry first; else, when told to use the vault, a connection
    // another machine linked there.
    let mut targets = Vec::new();
    let mut unknown = Vec::new();
    for alias in &aliases {
        match crate::vault::shared::find(ctx, &index, alias)? {
            Some(connection) => targets.push(connection),
            None => unknown.push(alias.as_str()),
        }
    }
    if !unknown.is_empty() {
        return Err(Error::no_such_connection(format!(
            "no connection named {}; nothing was revoked",
            unknown.join(", ")
        ))
        .with_hint(index.aliases_hint()));
    }
    if !args.local_only {
        for connection in &targets {
            validate::connection(connection)
                .map_err(|e| e.reworded(|message| format!("{message}; nothing was revoked")))?;
        }
    }
    if aliases.is_empty() {
        output::note("Nothing is linked; nothing to revoke.");
    }
    let http = if args.local_only {
        None
    } else {
        Some(Http::new()?)
    };
    let mut results = Vec::new();
    let mut first_error = None;
    for connection in &targets {
        let alias = &connection.alias.to_string();
        match revoke_one(ctx, http.as_ref(), connection) {
            Ok(outcome) => {
                if matches!(outcome, Outcome::LocalOnly) {
                    output::warn(&format!(
                        "{alias}: the refresh token was not revoked and stays valid at Salesforce until it expires or is revoked there"
                    ));
                }
                results.push(RevokeResult {
                    alias: alias.clone(),
                    outcome: outcome.name(),
                    detail: outcome.line(alias),
                });
                if !args.json {
                    output::print(&format!("{}\n", outcome.line(alias)))?;
                }
            }
            Err(err) => {
                results.push(RevokeResult {
                    alias: alias.clone(),
                    outcome: "failed",
                    detail: err.message.clone(),
                });
                let err = if err.exit == crate::error::Exit::Network {
                    err.with_hint(format!("nothing was changed for {alias}; try again later, or forget it here only with `sfconnect revoke {alias} --local-only`"))
                } else {
                    err
                };
                if first_error.is_none() {
                    first_error = Some(err);
                } else {
                    output::error(&format!("{alias}: {}", err.message));
                }
            }
        }
    }
    if args.json {
        output::print_json(&RevokeReport {
            version: report::VERSION,
            results,
        })?;
    }
    first_error.map_or(Ok(()), Err)
}

fn revoke_one(ctx: &Context, http: Option<&Http>, connection: &Connection) -> Result<Outcome> {
    // Under the connection's lock: a refresh running now finishes first, and
    // the token revoked is the one it stored, not the one it rotated away.
    let (_lock, entry) = lock::lock_if_named(ctx, connection)?;
    let connection = &entry;
    // In the vault: its lease too, so no other machine refreshes either.
    let _lease = match http {
        Some(_) => crate::vault::refresh::lease_for_change(ctx, connection)?,
        None => None,
    };
    let store = ctx.store_of(connection);
    let outcome = match http {
        None => Outcome::LocalOnly,
        Some(http) => match credential::load(store.as_ref(), &connection.id, connection.kind)? {
            None => Outcome::NoSecret,
            Some(entry) => match entry.revocable() {
                None => Outcome::NothingToRevoke,
                Some(token) => match revoke(http, &connection.login_url, token)? {
                    Revoked::Now => Outcome::Revoked,
                    Revoked::AlreadyInvalid(why) => Outcome::AlreadyInvalid(why),
                },
            },
        },
    };
    ctx.registry.update(|index| {
        index.connections.retain(|c| c.id != connection.id);
        Ok(())
    })?;
    store.delete(&connection.id)?;
    // Revoking an access token leaves what mints new ones valid.
    if let Some(note) = connection.kind.after_revoke_note() {
        output::tell(&format!("{}: {note}", connection.alias));
    }
    Ok(outcome)
}
