//! Which connection a command uses, and which rule chose it
//! (docs/environment-mode.md, "Which connection a command uses"):
//!
//! 1. an alias on the command line;
//! 2. the environment connection (`SFCONNECT_AUTH_URL`, `SFCONNECT_ENV`);
//! 3. `SFCONNECT_ALIAS`;
//! 4. the project file `.sfconnect.toml` (`index::project`);
//! 5. the only linked connection.
//!
//! (The index applies 1 and 3 to 5, `Index::choose`.) The environment
//! connection is decided here, before the config dir or the index is even
//! looked at: a CI job may have neither. `SFCONNECT_ALIAS` beside an
//! environment connection is a contradiction (exit 2), not a precedence to
//! remember.

use crate::app::Context;
use crate::error::{Error, Result};
use crate::index::choice::Rule;
use crate::index::connection::Connection;
use crate::output;
use crate::settings;
use crate::tokens::access::{self, Access, Freshness};
use crate::tokens::environment::{self, EnvConnection};

/// A connection to get tokens for.
pub enum Target {
    Linked {
        ctx: Context,
        connection: Box<Connection>,
    },
    Environment(Box<EnvConnection>),
}

/// Chooses by the rules of the module header.
pub fn resolve(alias: Option<&str>) -> Result<Target> {
    if alias.is_some() {
        return linked(alias);
    }
    if let Some(env) = environment()? {
        output::debug(&format!(
            "the environment connection ({}): {}",
            env.variable(),
            Rule::Environment
        ));
        return Ok(Target::Environment(Box::new(env)));
    }
    linked(None)
}

/// The environment connection when one is described, refusing it beside
/// `SFCONNECT_ALIAS` (exit 2).
pub fn environment() -> Result<Option<EnvConnection>> {
    let Some(env) = environment::describe()? else {
        return Ok(None);
    };
    if let Some(alias) = settings::ALIAS.value() {
        return Err(Error::usage(format!(
            "{}={alias} and an environment connection ({}) are both set: which one is meant?",
            settings::ALIAS.env,
            env.variable()
        ))
        .with_hint(format!(
            "unset one of them; an alias on the command line wins over both (sfconnect token {alias})"
        )));
    }
    Ok(Some(env))
}

fn linked(alias: Option<&str>) -> Result<Target> {
    let ctx = Context::open()?;
    let index = ctx.registry.load()?;
    // The local index first, then (when told to use the vault) the
    // records other machines share there; `-v` says which rule chose.
    let connection = Box::new(crate::vault::shared::resolve(&ctx, &index, alias)?);
    Ok(Target::Linked { ctx, connection })
}

impl Target {
    /// A usable access token for the connection.
    pub fn obtain(&self, freshness: Freshness) -> Result<Access> {
        match self {
            Target::Linked { ctx, connection } => access::obtain(ctx, connection, freshness),
            Target::Environment(env) => env.obtain(freshness),
        }
    }

    /// The instance URL when known before any request: a linked
    /// connection's; the environment connection learns its own from the
    /// grant.
    pub fn instance_url(&self) -> Option<&str> {
        match self {
            Target::Linked { connection, .. } => Some(&connection.instance_url),
            Target::Environment(_) => None,
        }
    }
}
