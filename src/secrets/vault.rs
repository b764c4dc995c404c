//! The vault store (`--store vault`): a connection's secret and its
//! access-token cache in one KV v2 entry, `{prefix}/secrets/{id}`, which
//! every machine using the same vault shares.
//!
//! Every write uses check-and-set on the version this process read (or,
//! when it read none, the version the vault has now; 0 for a new entry), so
//! a write never replaces a version another machine wrote meanwhile: that is
//! a `CasConflict`, reported as an error (exit 6) that overwrote nothing.
//! The local per-connection lock orders the processes of one machine; the
//! lease across machines wraps `read_entry` / `write_entry`.
//!
//! Deleting destroys the metadata, so every version goes (KV v2 keeps old
//! versions readable with `?version=N` after a plain delete), and the
//! connection's record (`vault::shared`) first: a crash in between leaves
//! at worst a secret without a record, never a record without its secret.

use super::SecretStore;
use super::secret::Secret;
use crate::error::{Error, Result};
use crate::vault::client::{CasConflict, KvEntry, VaultClient, Written};
use crate::vault::config::VaultConfig;
use crate::vault::{session, shared};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The field of the KV entry that holds the secret-store value.
const FIELD: &str = "entry";

pub struct VaultStore {
    config_dir: PathBuf,
    /// The version of each entry as this process last read or wrote it.
    versions: Mutex<HashMap<String, u64>>,
}

impl VaultStore {
    pub fn new(config_dir: &Path) -> VaultStore {
        VaultStore {
            config_dir: config_dir.to_path_buf(),
            versions: Mutex::new(HashMap::new()),
        }
    }

    /// The process's client and configuration (connecting on first use).
    pub fn session(&self) -> Result<(Arc<VaultClient>, Arc<VaultConfig>)> {
        session::client(&self.config_dir)
    }

    /// The entry of connection `id` as the vault has it: the value with its
    /// version and `created_time`, and the vault's clock. Remembers the
    /// version for the next `set`.
    pub fn read_entry(&self, id: &str) -> Result<Option<(Secret, KvEntry)>> {
        let (client, config) = self.session()?;
        let path = shared::secret_path(&config.prefix, id);
        let Some(entry) = client.read(&path)? else {
            self.versions().remove(id);
            return Ok(None);
        };
        let value = entry
            .data
            .get(FIELD)
            .and_then(Value::as_str)
            .map(Secret::new)
            .ok_or_else(|| {
                Error::secret_store(format!(
                    "the vault entry {} is not in sfconnect's format",
                    client.data_path(&path)
                ))
                .with_hint("re-link the connection with `sfconnect link --force --alias ALIAS`")
            })?;
        self.versions().insert(id.to_string(), entry.version);
        Ok(Some((value, entry)))
    }

    /// Writes `value` as the next version of connection `id`'s entry, only
    /// if the latest is `cas` (0: only if there is none).
    pub fn write_entry(
        &self,
        id: &str,
        value: &Secret,
        cas: u64,
    ) -> Result<std::result::Result<Written, CasConflict>> {
        let (client, config) = self.session()?;
        session::ensure_kv2(&client)?;
        let mut data = Map::new();
        data.insert(FIELD.into(), Value::String(value.expose().to_string()));
        let written = client.write(&shared::secret_path(&config.prefix, id), &data, Some(cas))?;
        if let Ok(written) = &written {
            self.versions().insert(id.to_string(), written.version);
        }
        Ok(written)
    }

    /// The version this process last saw of `id`'s entry.
    pub fn version_seen(&self, id: &str) -> Option<u64> {
        self.versions().get(id).copied()
    }

    fn versions(&self) -> std::sync::MutexGuard<'_, HashMap<String, u64>> {
        self.versions.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl SecretStore for VaultStore {
    fn get(&self, id: &str) -> Result<Option<Secret>> {
        Ok(self.read_entry(id)?.map(|(value, _)| value))
    }

    fn set(&self, id: &str, value: &Secret) -> Result<()> {
        let cas = match self.version_seen(id) {
            Some(version) => version,
            // Nothing read yet in this process: check-and-set on the version
            // the vault has now.
            None => self.read_entry(id)?.map_or(0, |(_, entry)| entry.version),
        };
        match self.write_entry(id, value, cas)? {
            Ok(_) => Ok(()),
            Err(CasConflict) => {
                let (client, _) = self.session()?;
                Err(Error::secret_store(format!(
                    "the vault at {} holds a newer version of this secret than the one read (version {cas}): another sfconnect wrote it meanwhile; nothing was overwritten",
                    client.label()
                ))
                .with_hint("run the command again: it reads the newer version"))
            }
        }
    }

    fn delete(&self, id: &str) -> Result<()> {
        let (client, config) = self.session()?;
        shared::remove(&client, &config.prefix, id)?;
        client.delete_all(&shared::secret_path(&config.prefix, id))?;
        // Its refresh lease goes with it (`vault::lease`); a holder still
        // refreshing finds the secret gone when it writes, and stores nothing.
        client.delete_all(&crate::vault::lease::lease_path(&config.prefix, id))?;
        self.versions().remove(id);
        Ok(())
    }

    // No `ids`: the vault is shared, and an entry this machine does not
    // know may well be another machine's connection, not an orphan.
}
