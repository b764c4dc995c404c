//! The environment every command runs in: where the config dir is, the
//! index, and the secret store of each connection. Built once per command,
//! and not at all for one that runs on the environment connection, which
//! needs no config dir (`tokens::target`).

use crate::error::{Error, Result};
use crate::index::connection::Connection;
use crate::index::registry::Registry;
use crate::secrets::{self, SecretStore, StoreKind};
use std::path::PathBuf;

#[derive(Clone)]
pub struct Context {
    pub config_dir: PathBuf,
    pub registry: Registry,
}

impl Context {
    /// The context of a command that uses the config dir, said under `-v`.
    pub fn open() -> Result<Context> {
        let ctx = Context::from_env()?;
        let from = if crate::settings::CONFIG_DIR.os_value().is_some() {
            crate::settings::CONFIG_DIR.env
        } else {
            "the platform default"
        };
        crate::output::debug(&format!(
            "config dir {} (from {from}); index {}",
            ctx.config_dir.display(),
            ctx.registry.path().display()
        ));
        Ok(ctx)
    }

    pub fn from_env() -> Result<Context> {
        let config_dir = config_dir()?;
        let registry = Registry::new(&config_dir);
        Ok(Context {
            config_dir,
            registry,
        })
    }

    /// The store a connection was linked with, as its index entry records.
    pub fn store_of(&self, connection: &Connection) -> Box<dyn SecretStore> {
        self.store(connection.store)
    }

    pub fn store(&self, kind: StoreKind) -> Box<dyn SecretStore> {
        secrets::open(kind, &self.config_dir)
    }
}

/// `SFCONNECT_CONFIG_DIR`, else the platform config dir + `sfconnect`.
fn config_dir() -> Result<PathBuf> {
    if let Some(dir) = crate::settings::CONFIG_DIR.os_value() {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "sfconnect")
        .map(|dirs| dirs.config_dir().to_path_buf())
        .ok_or_else(|| {
            Error::unexpected("cannot find a home directory for sfconnect's configuration")
                .with_hint("set SFCONNECT_CONFIG_DIR to a directory sfconnect may use")
        })
}
