//! Secrets no index entry refers to, and temp files left by dead writers.
//!
//! Writes put the secret before its index entry and remove the entry before
//! the secret, so a crash can leave only an orphaned secret (or a temp file
//! of an interrupted atomic write), never an entry without its secret.
//! `doctor` lists them; `doctor --clean` deletes the file store's own.

use super::Finding;
use crate::app::Context;
use crate::error::Result;
use crate::index::connection::Index;
use crate::report::OrphanReport;
use crate::secrets::{self, SecretStore, StoreKind};
use crate::tokens::lock;
use std::collections::BTreeSet;

/// The ids in `kind`'s store that the index refers to (as a connection's
/// secret or a retired one awaiting revocation).
pub(super) fn referenced(index: &Index, kind: StoreKind) -> BTreeSet<&str> {
    let connections = index.connections.iter().map(|c| (c.store, c.id.as_str()));
    let retired = index.retired.iter().map(|r| (r.store, r.id.as_str()));
    connections
        .chain(retired)
        .filter(|(store, _)| *store == kind)
        .map(|(_, id)| id)
        .collect()
}

/// Ids in the store that `index` does not refer to; `None` when the store
/// cannot list its entries.
pub(super) fn orphan_ids(
    index: &Index,
    kind: StoreKind,
    store: &dyn SecretStore,
) -> Result<Option<Vec<String>>> {
    let keep = referenced(index, kind);
    Ok(store.ids()?.map(|ids| {
        ids.into_iter()
            .filter(|id| !keep.contains(id.as_str()))
            .collect()
    }))
}

/// One store's orphans, found and (with `--clean`, for the file store)
/// deleted. Only the file store is this config dir's own: the keychain and
/// the kernel keyring are shared with every other config dir, whose entries
/// would look orphaned here, so they are reported and never deleted.
pub(super) fn orphans(
    ctx: &Context,
    index: &Index,
    kind: StoreKind,
    clean: bool,
) -> (Finding, Option<OrphanReport>) {
    let store = secrets::open(kind, &ctx.config_dir);
    let found = match orphan_ids(index, kind, store.as_ref()) {
        Ok(Some(ids)) => ids,
        Ok(None) => {
            let detail = format!(
                "{}: this store cannot list its entries, so orphaned secrets are not checked",
                kind.name()
            );
            return (
                Finding {
                    topic: "orphans",
                    ok: true,
                    detail,
                    blocks: None,
                },
                None,
            );
        }
        Err(e) => {
            let detail = format!("{}: cannot list the entries: {}", kind.name(), e.message);
            return (
                Finding {
                    topic: "orphans",
                    ok: false,
                    detail,
                    blocks: None,
                },
                None,
            );
        }
    };
    let own = kind == StoreKind::File;
    let mut removed = Vec::new();
    let mut failure = None;
    if clean && own && !found.is_empty() {
        match remove_orphans(ctx, kind, store.as_ref(), &found) {
            Ok(ids) => removed = ids,
            Err(e) => failure = Some(e.message),
        }
    }
    let left: Vec<&String> = found.iter().filter(|id| !removed.contains(id)).collect();
    let list = |ids: &[&String]| {
        ids.iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut parts = Vec::new();
    if !removed.is_empty() {
        let ids: Vec<&String> = removed.iter().collect();
        parts.push(format!(
            "removed {}: {} (deleted here only; a refresh token among them stays valid at Salesforce until it expires or is revoked in Setup)",
            count(removed.len(), "orphaned secret", "orphaned secrets"),
            list(&ids)
        ));
    }
    if !left.is_empty() {
        parts.push(if own {
            format!(
                "{} that no connection refers to: {}{}",
                count(left.len(), "secret", "secrets"),
                list(&left),
                if clean { "" } else { "; `sfconnect doctor --clean` deletes them" }
            )
        } else {
            format!(
                "{} under service {} that this index does not refer to: {} (they may belong to another config dir, so --clean leaves them{})",
                count(left.len(), "entry", "entries"),
                secrets::SERVICE,
                list(&left),
                if cfg!(target_os = "linux") && kind == StoreKind::Keychain {
                    "; remove one with `secret-tool clear service sfconnect username ID`"
                } else {
                    ""
                }
            )
        });
    }
    if let Some(why) = &failure {
        parts.push(format!("cleaning failed: {why}"));
    }
    if parts.is_empty() {
        parts.push("no orphaned secrets".to_string());
    }
    let report = OrphanReport {
        store: kind,
        ids: left.iter().map(|id| id.to_string()).collect(),
        removed,
    };
    let finding = Finding {
        topic: "orphans",
        ok: left.is_empty() && failure.is_none(),
        detail: format!("{}: {}", kind.name(), parts.join("; ")),
        blocks: None,
    };
    (finding, Some(report))
}

/// Deletes the orphans that are still orphans once we hold their
/// connection lock: `link` holds the new connection's lock from before it
/// stores the secret until its index entry is written, so a secret whose
/// entry is a moment away is never taken for an orphan.
fn remove_orphans(
    ctx: &Context,
    kind: StoreKind,
    store: &dyn SecretStore,
    found: &[String],
) -> Result<Vec<String>> {
    let mut removed = Vec::new();
    for id in found {
        // An id sfconnect did not make is no link's in progress.
        let _lock = secrets::is_connection_id(id)
            .then(|| lock::lock_id(ctx, id, id))
            .transpose()?;
        let index = ctx.registry.load()?;
        if orphan_ids(&index, kind, store)?.is_some_and(|ids| ids.contains(id)) {
            store.delete(id)?;
            removed.push(id.clone());
        }
    }
    Ok(removed)
}

/// Temp files (`.NAME.PID.NONCE.tmp`) of writers that died before their
/// rename: one of `secrets.json` holds secrets. A file whose writer still
/// runs is left alone; `--clean` deletes the rest.
pub(super) fn leftover_temp_files(ctx: &Context, clean: bool) -> (Option<Finding>, Vec<String>) {
    let Ok(entries) = std::fs::read_dir(&ctx.config_dir) else {
        return (None, Vec::new());
    };
    let mut stale: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|name| temp_file_writer(name).is_some_and(|pid| !process_runs(pid)))
        .collect();
    stale.sort();
    if stale.is_empty() {
        return (None, stale);
    }
    let mut removed = Vec::new();
    if clean {
        for name in &stale {
            if std::fs::remove_file(ctx.config_dir.join(name)).is_ok() {
                removed.push(name.clone());
            }
        }
    }
    let left: Vec<String> = stale.into_iter().filter(|n| !removed.contains(n)).collect();
    let mut parts = Vec::new();
    if !removed.is_empty() {
        parts.push(format!("removed {}", removed.join(", ")));
    }
    if !left.is_empty() {
        parts.push(format!(
            "{} left by a process that died while writing: {}{}",
            count(left.len(), "temp file", "temp files"),
            left.join(", "),
            if clean {
                ""
            } else {
                "; `sfconnect doctor --clean` deletes them"
            }
        ));
    }
    let finding = Finding {
        topic: "temp files",
        ok: left.is_empty(),
        detail: parts.join("; "),
        blocks: None,
    };
    (Some(finding), left)
}

/// The writer's pid in a temp file's name (see `files::write_atomic`).
pub(super) fn temp_file_writer(name: &str) -> Option<u32> {
    let inner = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let mut parts = inner.rsplitn(3, '.');
    let nonce = parts.next()?;
    let pid = parts.next()?;
    let target = parts.next()?;
    let ours = ["index.json", "secrets.json", "config.toml"].contains(&target);
    (ours && nonce.len() == 16 && nonce.chars().all(|c| c.is_ascii_hexdigit()))
        .then(|| pid.parse().ok())
        .flatten()
}

pub(super) fn process_runs(pid: u32) -> bool {
    #[cfg(unix)]
    {
        // Signal 0 checks existence; EPERM means it exists as another user's.
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        // SAFETY: kill with signal 0 sends nothing; it only checks the pid.
        let sent = unsafe { libc::kill(pid, 0) } == 0;
        sent || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

pub(super) fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
