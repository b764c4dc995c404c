//! One vault client per process, made the first time something needs the
//! vault, and dropped by `finish` when the command is done (which revokes a
//! token an AppRole login minted).
//!
//! Nothing connects before a connection in the vault, `--store vault`,
//! `SFCONNECT_STORE=vault` or `store = "vault"` asks for it: a `VAULT_ADDR`
//! exported for other tools makes no call by itself.

use super::client::VaultClient;
use super::config::VaultConfig;
use crate::config::Config;
use crate::error::Result;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

static SESSION: Mutex<Option<(Arc<VaultClient>, Arc<VaultConfig>)>> = Mutex::new(None);
/// Whether this process has seen the mount answer as KV v2.
static MOUNT_CHECKED: AtomicBool = AtomicBool::new(false);

/// The configuration of the vault (environment, token file, config file).
pub fn config(config_dir: &Path) -> Result<VaultConfig> {
    VaultConfig::from_env(&Config::load(config_dir)?)
}

/// The process's client and its configuration, connecting (and logging in
/// by AppRole) on first use.
pub fn client(config_dir: &Path) -> Result<(Arc<VaultClient>, Arc<VaultConfig>)> {
    let mut session = SESSION.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((client, config)) = session.as_ref() {
        return Ok((client.clone(), config.clone()));
    }
    let config = Arc::new(config(config_dir)?);
    let client = Arc::new(VaultClient::connect(&config)?);
    *session = Some((client.clone(), config.clone()));
    Ok((client, config))
}

/// Checks once per process, before the first write, that the mount is a KV
/// v2 engine: a KV v1 mount would store `data/...` as plain keys.
pub fn ensure_kv2(client: &VaultClient) -> Result<()> {
    if MOUNT_CHECKED.load(Ordering::Relaxed) {
        return Ok(());
    }
    client.ensure_kv2()?;
    MOUNT_CHECKED.store(true, Ordering::Relaxed);
    Ok(())
}

/// Drops the process's client: an AppRole token is revoked now.
pub fn finish() {
    let taken = SESSION.lock().unwrap_or_else(|e| e.into_inner()).take();
    drop(taken);
}
