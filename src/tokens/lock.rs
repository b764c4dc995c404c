//! The per-connection lock: one process at a time reads a connection's
//! secret in order to write, move or delete it.
//!
//! With rotation on, each refresh makes the new refresh token the only live
//! one (docs/salesforce-oauth.md §4). Whoever read the old one and then writes,
//! moves or revokes it loses the new one; the next refresh presents a dead
//! token, and Salesforce revokes the whole chain (RFC 9700 §4.14). So a
//! refresh (`access`), `migrate`, `revoke`, the revocation of a replaced
//! connection (`retired`), a new connection until its index entry is written
//! (`link`) and `doctor --clean` all hold this lock around their read and
//! write. After taking it they re-read the index entry: while they waited,
//! another process may have moved the secret to another store, revoked the
//! connection or replaced it. Locks are taken in one order, this one before
//! the index's and the secret file's, so two processes never deadlock.

use crate::app::Context;
use crate::error::{Error, Result};
use crate::index::connection::Connection;
use crate::index::files::{self, FileLock};
use crate::secrets::{StoreKind, is_connection_id};

/// The lock of the connection (or retired entry) with this secret-store id.
pub fn lock_id(ctx: &Context, id: &str, alias: &str) -> Result<FileLock> {
    // Only an id `secrets::new_id` could have made names a lock file; an
    // index or secret store edited by hand may hold anything.
    if !is_connection_id(id) {
        return Err(Error::usage(format!(
            "connection {alias} has an id sfconnect did not make ({id:?}); the index was edited by hand"
        ))
        .with_hint(format!(
            "remove it with `sfconnect revoke {alias} --local-only` and link it again"
        )));
    }
    files::lock(
        &ctx.config_dir.join("locks"),
        id,
        &format!("the lock of connection {alias}"),
    )
}

/// Takes the connection's lock and returns its index entry as it is now.
pub fn lock(ctx: &Context, connection: &Connection) -> Result<(FileLock, Connection)> {
    let lock = lock_id(ctx, &connection.id, &connection.alias)?;
    let index = ctx.registry.load()?;
    let local = index
        .connections
        .iter()
        .find(|c| c.id == connection.id)
        .cloned();
    // A vault connection this machine has no entry for (another machine
    // linked it): its record in the vault, as it is now.
    let current = match local {
        None if connection.store == StoreKind::Vault => {
            crate::vault::shared::current(ctx, &connection.id)?
        }
        local => local,
    };
    let current = current.ok_or_else(|| {
        Error::no_such_connection(format!(
            "{} was revoked or linked again by another sfconnect while this one waited for it",
            connection.alias
        ))
        .with_hint("run the command again")
    })?;
    Ok((lock, current))
}

/// `lock`, except for an entry whose id names no lock file (edited by
/// hand): `revoke` must still remove it, and no refresh can race with it,
/// since a refresh needs the lock.
pub fn lock_if_named(
    ctx: &Context,
    connection: &Connection,
) -> Result<(Option<FileLock>, Connection)> {
    if is_connection_id(&connection.id) {
        let (lock, current) = lock(ctx, connection)?;
        Ok((Some(lock), current))
    } else {
        Ok((None, connection.clone()))
    }
}
