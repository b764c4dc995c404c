//! `sfconnect migrate ALIAS --to STORE`: move a connection's secret.
//!
//! Write to the new store, read it back and compare, record the new store in
//! the index, and only then delete the old copy: at every moment one store
//! the index names holds the secret.

use crate::app::Context;
use crate::cli::MigrateArgs;
use crate::error::{Error, Result};
use crate::output;
use crate::secrets::credential;
use crate::secrets::{self, StoreKind};

pub fn run(ctx: &Context, args: MigrateArgs) -> Result<()> {
    let to = StoreKind::parse(&args.to)?;
    let index = ctx.registry.load()?;
    let connection = index.resolve(Some(&args.alias))?.clone();
    if connection.store == to.name() {
        output::note(&format!(
            "{} is already in the {} store",
            connection.alias,
            to.name()
        ));
        return Ok(());
    }
    let from = ctx.store_of(&connection)?;
    let secret =
        credential::load(from.as_ref(), &connection.id, connection.kind)?.ok_or_else(|| {
            Error::relink(format!(
                "the secret of {} is missing from the {} store; nothing to move",
                connection.alias, connection.store
            ))
        })?;
    let target = secrets::open(to, &ctx.config_dir);
    credential::save(target.as_ref(), &connection.id, &secret)?;
    if credential::load(target.as_ref(), &connection.id, connection.kind)?.as_ref() != Some(&secret)
    {
        let _ = target.delete(&connection.id);
        return Err(Error::secret_store(format!(
            "the {} store did not return the secret just written; nothing was moved",
            to.name()
        )));
    }
    ctx.registry.update(|index| {
        match index.connections.iter_mut().find(|c| c.id == connection.id) {
            Some(c) => {
                c.store = to.name().to_string();
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
    ));
    Ok(())
}
