//! Storing an imported connection: the secret first (under the new
//! connection's lock, so `doctor --clean` does not take it for an orphan),
//! then the index entry, in one update that applies the duplicate rule.
//!
//! The rule: a connection of the same user, org and app that holds a
//! refresh token (linked or imported) is the same access; so is another
//! connection holding the alias. Either refuses the import (exit 2) unless
//! `--force`, which drops those records and deletes their secrets here,
//! and revokes nothing: the imported token may be the very approval they
//! hold (`link`'s replace-and-revoke would kill the import itself, and the
//! source's copies).

use crate::app::Context;
use crate::cli::ImportArgs;
use crate::error::{Error, Result};
use crate::index::connection::{Connection, Index};
use crate::output;
use crate::secrets::credential::{self, Entry};
use crate::secrets::{SecretStore, StoreKind};
use crate::tokens::lock;

/// Stores `entry` and the record, and returns the record as entered (an
/// alias kept from the record it replaces when none was given).
pub fn store(
    ctx: &Context,
    args: &ImportArgs,
    connection: &Connection,
    entry: &Entry,
    store: &dyn SecretStore,
) -> Result<Connection> {
    let _new = lock::lock_id(ctx, &connection.id, &connection.alias)?;
    credential::save(store, &connection.id, entry)?;
    // A vault connection's record goes to the vault too, as `link`'s does,
    // so that other machines find it; a failure deletes the secret (and
    // with it anything written there), as a failed index write does.
    let shared = connection.store == StoreKind::Vault;
    if shared && let Err(err) = crate::vault::shared::share(ctx, connection) {
        let _ = store.delete(&connection.id);
        return Err(err);
    }
    let connection_alias_before = &connection.alias;
    let entered = ctx.registry.update(|index| {
        let mut connection = connection.clone();
        if args.alias.is_none()
            && let Some(same) = index
                .connections
                .iter()
                .find(|c| same_access(c, &connection))
        {
            connection.alias = same.alias.clone();
        }
        let replaced = replaced(index, &connection, args.force)?;
        index
            .connections
            .retain(|c| !replaced.iter().any(|r| r.id == c.id));
        index.connections.push(connection.clone());
        Ok((connection, replaced))
    });
    let (connection, replaced) = match entered {
        Ok(entered) => entered,
        Err(err) => {
            let _ = store.delete(&connection.id);
            return Err(err);
        }
    };
    for old in &replaced {
        forget_secret(ctx, old);
    }
    // The alias was kept from the record it replaces: the shared record
    // follows.
    if shared
        && connection.alias != *connection_alias_before
        && let Err(err) = crate::vault::shared::share(ctx, &connection)
    {
        output::warn(&format!(
            "the vault's record of {} could not be updated: {}",
            connection.alias, err.message
        ));
    }
    Ok(connection)
}

/// Linked or imported, the same user, org and app: the same access.
fn same_access(a: &Connection, b: &Connection) -> bool {
    a.kind.uses_refresh_token()
        && b.kind.uses_refresh_token()
        && a.org_id == b.org_id
        && a.user_id == b.user_id
        && a.client_id == b.client_id
}

/// The records `--force` drops; without it, an error naming the first.
fn replaced(index: &Index, new: &Connection, force: bool) -> Result<Vec<Connection>> {
    let mut replaced: Vec<Connection> = index
        .connections
        .iter()
        .filter(|c| same_access(c, new))
        .cloned()
        .collect();
    if let Some(holder) = index.find(&new.alias)
        && !replaced.iter().any(|r| r.id == holder.id)
    {
        if !force {
            return Err(Error::usage(format!(
                "the alias {} is already in use",
                new.alias
            ))
            .with_hint(format!(
                "choose another --alias, or replace {} with `sfconnect import --alias {} --force` (nothing is revoked)",
                new.alias, new.alias
            )));
        }
        replaced.push(holder.clone());
    }
    if let (Some(same), false) = (replaced.first(), force) {
        return Err(Error::usage(format!(
            "{} ({}) with the app {} is already linked here as {}; nothing was stored",
            new.username, new.org_id, new.client_id, same.alias
        ))
        .with_hint(format!(
            "keep using {}, or replace its record with `sfconnect import --force` (nothing is revoked)",
            same.alias
        )));
    }
    Ok(replaced)
}

/// Deletes a dropped record's secret here, under its lock, and says what
/// was not done: its token was not revoked.
fn forget_secret(ctx: &Context, old: &Connection) {
    let deleted =
        lock::lock_id(ctx, &old.id, &old.alias).and_then(|_lock| ctx.store_of(old).delete(&old.id));
    match deleted {
        Ok(()) => output::note(&format!(
            "replaced {} ({} at {}) without revoking its token: if it was a separate approval, it still counts among the user's five until it expires or is revoked in Salesforce",
            old.alias, old.username, old.instance_url
        )),
        Err(err) => output::warn(&format!(
            "replaced {}, but could not delete its secret here: {}; `sfconnect doctor` lists it as an orphan",
            old.alias, err.message
        )),
    }
}
