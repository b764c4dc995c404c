//! `sfconnect migrate ALIAS --to STORE`: move a connection's secret.
//!
//! Write to the new store, read it back and compare, record the new store in
//! the index, and only then delete the old copy: at every moment one store
//! the index names holds the secret. All of it under the connection's lock,
//! which a refresh holds too: a refresh token rotated meanwhile is moved,
//! never left behind in the old store.
//!
//! Into the vault, the connection's record is written there too (before the
//! index names the vault); out of it, deleting the old copy destroys the
//! vault's secret and record. A vault failure leaves the local copy as it
//! was.

use crate::app::Context;
use crate::cli::MigrateArgs;
use crate::error::{Error, Result};
use crate::index::connection::Connection;
use crate::output;
use crate::secrets::credential;
use crate::secrets::{self, StoreKind};
use crate::tokens::lock;

pub fn run(ctx: &Context, args: MigrateArgs) -> Result<()> {
    let to = StoreKind::parse(&args.to)?;
    let index = ctx.registry.load()?;
    let named = &crate::vault::shared::resolve(ctx, &index, Some(&args.alias))?;
    // Under the connection's lock, so no refresh stores a rotated refresh
    // token in the old store after we copied the one it replaces.
    let (_lock, connection) = lock::lock(ctx, named)?;
    // Out of the vault: its lease too, so no other machine does either.
    let _lease = crate::vault::refresh::lease_for_change(ctx, &connection)?;
    if connection.store == to {
        output::note(&format!(
            "{} is already in the {} store",
            connection.alias,
            to.name()
        ));
        return Ok(());
    }
    let from = ctx.store_of(&connection);
    let secret =
        credential::load(from.as_ref(), &connection.id, connection.kind)?.ok_or_else(|| {
            Error::relink(format!(
                "the secret of {} is missing from the {} store; nothing to move",
                connection.alias, connection.store
            ))
        })?;
    let target = secrets::open(to, &ctx.config_dir);
    // A failed write removes what it wrote; a copy that does not read back
    // is removed here. Either way the index still names the old store.
    let nothing_moved = |e: Error| e.reworded(|message| format!("{message}; nothing was moved"));
    credential::save(target.as_ref(), &connection.id, &secret).map_err(nothing_moved)?;
    let read = credential::load(target.as_ref(), &connection.id, connection.kind);
    if !matches!(&read, Ok(Some(copy)) if copy == &secret) {
        let _ = target.delete(&connection.id);
        read.map_err(nothing_moved)?;
        return Err(Error::secret_store(format!(
            "the {} store did not return the secret just written; nothing was moved",
            to.name()
        )));
    }
    // Into the vault: its record too, so other machines find it; a
    // failure removes the copy, and the local entry stays as it was.
    if to == StoreKind::Vault
        && let Err(err) = crate::vault::shared::share(ctx, &connection)
    {
        let _ = target.delete(&connection.id);
        return Err(nothing_moved(err));
    }
    ctx.registry.update(|index| {
        match index.connections.iter_mut().find(|c| c.id == connection.id) {
            Some(c) => {
                c.store = to;
                Ok(())
            }
            // A connection another machine put in the vault becomes this
            // machine's own.
            None if connection.store == StoreKind::Vault => {
                index.connections.push(Connection {
                    store: to,
                    ..connection.clone()
                });
                Ok(())
            }
            None => Err(Error::no_such_connection(format!(
                "{} was removed while it was being moved",
                connection.alias
            ))),
        }
    })?;
    if let Err(e) = from.delete(&connection.id) {
        output::warn(&format!(
            "moved {}, but the old copy in the {} store could not be deleted: {}",
            connection.alias, connection.store, e.message
        ));
    }
    if let Some(caveat) = to.caveat() {
        output::warn(caveat);
    }
    output::print(&format!(
        "moved {} from {} to {}\n",
        connection.alias,
        connection.store,
        to.name()
    ))
}
