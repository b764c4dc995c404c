//! Connection records in the vault, so that a second machine with no local
//! state can find and use a connection another one linked.
//!
//! Each connection in the vault has two entries under the prefix: its
//! record, `{prefix}/connections/{id}` (what `tokens list` shows; nothing
//! secret), and its secret with the access-token cache,
//! `{prefix}/secrets/{id}` (`secrets::vault`). Two entries, so that
//! bookkeeping (last use, health) never conflicts with the check-and-set
//! write of a secret.
//!
//! A machine looks in the vault only when told to use it
//! (`SFCONNECT_STORE=vault` or `store = "vault"`; a connection whose local
//! record names the vault is found locally). A local alias shadows a shared
//! one with the same name.

use super::client::VaultClient;
use super::config::VaultConfig;
use super::session;
use crate::app::Context;
use crate::config::Config;
use crate::error::{Error, Exit, Result};
use crate::index::connection::{Connection, Index};
use crate::output;
use crate::secrets::{StoreKind, is_connection_id};
use crate::settings;
use serde_json::Map;
use std::time::Duration;

/// How long `tokens list` waits for the vault before it shows the local
/// list alone.
pub const LIST_TIMEOUT: Duration = Duration::from_secs(5);

pub fn record_path(prefix: &str, id: &str) -> String {
    format!("{prefix}/connections/{id}")
}

pub fn secret_path(prefix: &str, id: &str) -> String {
    format!("{prefix}/secrets/{id}")
}

/// Where a vault connection's secret is, as `bao kv get` names it
/// (`secret/sfconnect/secrets/ID`); shown by `tokens list --json`.
pub fn display_path(config: &VaultConfig, id: &str) -> String {
    format!("{}/{}", config.mount, secret_path(&config.prefix, id))
}

/// Whether the user told sfconnect to use the vault: `SFCONNECT_STORE=vault`
/// or the `store` setting. A `VAULT_ADDR` alone is not.
pub fn told(ctx: &Context) -> bool {
    match settings::STORE.value() {
        Some(name) => name.trim() == StoreKind::Vault.name(),
        None => Config::load(&ctx.config_dir)
            .ok()
            .and_then(|c| c.get("store").map(|s| s == StoreKind::Vault.name()))
            .unwrap_or(false),
    }
}

/// Writes (or rewrites) a connection's record.
pub fn publish(client: &VaultClient, prefix: &str, connection: &Connection) -> Result<()> {
    session::ensure_kv2(client)?;
    let mut record = connection.clone();
    record.store = StoreKind::Vault;
    let value = serde_json::to_value(&record)
        .map_err(|e| Error::unexpected(format!("cannot encode a record: {e}")))?;
    let mut data = Map::new();
    data.insert("record".into(), value);
    // Bookkeeping, not a secret: the last writer wins.
    client
        .write(&record_path(prefix, &connection.id), &data, None)?
        .map_err(|_| Error::unexpected("a write without check-and-set conflicted"))?;
    Ok(())
}

/// A connection's record, if the vault has one.
pub fn fetch(client: &VaultClient, prefix: &str, id: &str) -> Result<Option<Connection>> {
    let Some(entry) = client.read(&record_path(prefix, id))? else {
        return Ok(None);
    };
    let record = entry
        .data
        .get("record")
        .cloned()
        .and_then(|v| serde_json::from_value::<Connection>(v).ok())
        .filter(|c| c.id == id)
        .ok_or_else(|| {
            Error::secret_store(format!(
                "the vault entry {} is not a connection record sfconnect wrote",
                client.data_path(&record_path(prefix, id))
            ))
        })?;
    Ok(Some(Connection {
        store: StoreKind::Vault,
        ..record
    }))
}

/// Every record under the prefix; one that cannot be read is skipped with
/// a warning, so one bad entry hides no other.
pub fn all(client: &VaultClient, prefix: &str) -> Result<Vec<Connection>> {
    let mut records = Vec::new();
    for key in client.list(&format!("{prefix}/connections"))? {
        if !is_connection_id(&key) {
            continue;
        }
        match fetch(client, prefix, &key) {
            Ok(Some(record)) => records.push(record),
            Ok(None) => {}
            Err(err)
                if err.exit == Exit::SecretStore
                    && err.message.contains("not a connection record") =>
            {
                output::warn(&err.message);
            }
            Err(err) => return Err(err),
        }
    }
    records.sort_by(|a, b| a.alias.cmp(&b.alias).then(b.created_at.cmp(&a.created_at)));
    Ok(records)
}

/// Destroys a connection's record (every version).
pub fn remove(client: &VaultClient, prefix: &str, id: &str) -> Result<()> {
    client.delete_all(&record_path(prefix, id))
}

/// The connection a command acts on: the local index first (as
/// `Index::resolve`), then, when the user told sfconnect to use the vault
/// and nothing local answers, the vault's records.
pub fn resolve(ctx: &Context, index: &Index, alias: Option<&str>) -> Result<Connection> {
    let local = index.resolve(alias);
    match local {
        Ok(found) => {
            if output::is_verbose() && told(ctx) {
                note_shadowing(ctx, index);
            }
            Ok(found.clone())
        }
        Err(err) if err.exit == Exit::NoSuchConnection && told(ctx) => {
            let (client, config) = session::client(&ctx.config_dir)?;
            let records = all(&client, &config.prefix)?;
            let wanted = alias.map(String::from).or_else(|| settings::ALIAS.value());
            let found = match (&wanted, records.as_slice()) {
                (Some(alias), _) => records.iter().find(|c| c.alias == alias.as_str()),
                (None, [only]) => Some(only),
                (None, _) => None,
            };
            let Some(found) = found else {
                let shared: Vec<&str> = records.iter().map(|c| c.alias.as_str()).collect();
                return Err(if shared.is_empty() {
                    err
                } else {
                    err.with_hint(format!(
                        "in the vault at {}: {}",
                        client.label(),
                        shared.join(", ")
                    ))
                });
            };
            output::debug(&format!(
                "{}: found in the vault at {} ({})",
                found.alias,
                client.label(),
                display_path(&config, &found.id)
            ));
            crate::index::validate::connection(found)?;
            Ok(found.clone())
        }
        Err(err) => Err(err),
    }
}

/// The record of a vault connection this machine has no local entry for,
/// as the vault has it now (`tokens::lock` re-reads it after waiting).
pub fn current(ctx: &Context, id: &str) -> Result<Option<Connection>> {
    let (client, config) = session::client(&ctx.config_dir)?;
    fetch(&client, &config.prefix, id)
}

/// The shared connections a local alias hides: `(alias, vault path)`.
pub fn shadowed(
    index: &Index,
    records: &[Connection],
    config: &VaultConfig,
) -> Vec<(String, String)> {
    records
        .iter()
        .filter(|shared| {
            index
                .connections
                .iter()
                .any(|local| local.alias == shared.alias && local.id != shared.id)
        })
        .map(|shared| (shared.alias.to_string(), display_path(config, &shared.id)))
        .collect()
}

fn note_shadowing(ctx: &Context, index: &Index) {
    let Ok((client, config)) = session::client(&ctx.config_dir) else {
        return;
    };
    if let Ok(records) = all(&client, &config.prefix) {
        for (alias, path) in shadowed(index, &records, &config) {
            output::debug(&format!(
                "the local connection {alias} shadows the shared one with the same name in the vault ({path})"
            ));
        }
    }
}

/// The index with the vault's records merged in, for `tokens list`: a
/// shared connection that a local entry has already (same id) or whose
/// alias a local one holds is left out. On a vault failure: a warning and
/// the local list. Only when told to use the vault.
pub fn merge_for_listing(ctx: &Context, index: &mut Index) -> Option<VaultConfig> {
    if !told(ctx)
        && !index
            .connections
            .iter()
            .any(|c| c.store == StoreKind::Vault)
    {
        return None;
    }
    let fetched = session::config(&ctx.config_dir).and_then(|config| {
        let client = VaultClient::connect_with_timeout(&config, LIST_TIMEOUT)?;
        Ok((all(&client, &config.prefix)?, config))
    });
    match fetched {
        Ok((records, config)) => {
            for (alias, path) in shadowed(index, &records, &config) {
                output::debug(&format!(
                    "the local connection {alias} shadows the shared one with the same name in the vault ({path})"
                ));
            }
            let extra: Vec<Connection> = records
                .into_iter()
                .filter(|shared| {
                    !index
                        .connections
                        .iter()
                        .any(|local| local.id == shared.id || local.alias == shared.alias)
                })
                .collect();
            index.connections.extend(extra);
            Some(config)
        }
        Err(err) => {
            output::warn(&format!(
                "the vault's connections are not listed: {}",
                err.message
            ));
            session::config(&ctx.config_dir).ok()
        }
    }
}

/// The connection named `alias`: the local entry, else (when told to use
/// the vault) the vault's record; unchecked, as `Index::find`.
pub fn find(ctx: &Context, index: &Index, alias: &str) -> Result<Option<Connection>> {
    if let Some(local) = index.find(alias) {
        return Ok(Some(local.clone()));
    }
    if !told(ctx) {
        return Ok(None);
    }
    let (client, config) = session::client(&ctx.config_dir)?;
    Ok(all(&client, &config.prefix)?
        .into_iter()
        .find(|c| c.alias == alias))
}

/// Publishes the record of a connection whose secret is in the vault, with
/// the process's client.
pub fn share(ctx: &Context, connection: &Connection) -> Result<()> {
    let (client, config) = session::client(&ctx.config_dir)?;
    publish(&client, &config.prefix, connection)
}

/// Brings a vault connection's record up to date after a refresh or a
/// verdict (what `access::record` writes to the local index), so every
/// machine's `tokens list` shows it. Best effort: a failure is a `-v` line,
/// never the command's failure; a use alone (`last_used_at`) is not shared.
pub fn note_facts(
    ctx: &Context,
    connection: &Connection,
    refreshed: Option<&str>,
    health: Option<&crate::index::connection::Health>,
) {
    if connection.store != StoreKind::Vault || (refreshed.is_none() && health.is_none()) {
        return;
    }
    let now = chrono::SubsecRound::trunc_subsecs(chrono::Utc::now(), 0);
    let result = session::client(&ctx.config_dir).and_then(|(client, config)| {
        let Some(mut record) = fetch(&client, &config.prefix, &connection.id)? else {
            return Ok(());
        };
        if let Some(instance_url) = refreshed {
            record.last_refreshed_at = Some(now);
            record.last_used_at = Some(now);
            record.instance_url = instance_url.to_string();
        }
        if let Some(health) = health {
            record.health = Some(health.clone());
        }
        publish(&client, &config.prefix, &record)
    });
    if let Err(err) = result {
        output::debug(&format!(
            "{}: the vault's record was not updated: {}",
            connection.alias, err.message
        ));
    }
}
