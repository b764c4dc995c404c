//! The refresh of a vault connection, safe across machines: what
//! `tokens::access` adds around its refresh when the secret lives in the
//! vault (docs/vault.md, "Rotation across machines").
//!
//! 1. Take the connection's lease (`vault::lease`); every machine sees it.
//! 2. Re-read the secret entry under it, through `LeasedStore`: another
//!    machine may have refreshed meanwhile, and then its cached access token
//!    is used (`tokens::access` decides, as it does after the local lock).
//! 3. Present the refresh token only while enough of the lease is left
//!    (`before_presenting`).
//! 4. Write the answer with check-and-set on the version re-read. A
//!    conflict is never the user's error: the entry is read again, what we
//!    hold (a rotated refresh token, a newer access token) is merged into
//!    that version, and the write is tried again.
//! 5. Release the lease (when `VaultRefresh` is dropped).
//!
//! A refusal of the refresh token right after taking over a lapsed lease is
//! most likely the one window no lock closes: the previous holder died
//! after Salesforce rotated the token and before its vault write.
//! `explain` says so (exit 4, with the fix).

use super::lease::{Lease, Terms, lease_path};
use crate::app::Context;
use crate::error::{Error, Exit, Result};
use crate::index::connection::Connection;
use crate::output;
use crate::secrets::secret::Secret;
use crate::secrets::vault::VaultStore;
use crate::secrets::{SecretStore, StoreKind, StoredTokens};
use std::cell::RefCell;
use std::time::Instant;

/// How many times a write is merged and tried again after a conflict
/// before giving up: each conflict means another writer won, and writers
/// other than a lease holder are rare (a link, a migrate, a re-import).
const MERGE_ATTEMPTS: usize = 5;

/// The window no lock closes, as the error and the docs name it.
pub const WINDOW: &str = "the one window no lock closes";

/// A refresh of one vault connection under its lease.
pub struct VaultRefresh {
    store: LeasedStore,
    lease: Lease,
}

impl VaultRefresh {
    /// Takes the lease of `connection` (waiting at most the lock timeout).
    pub fn begin(ctx: &Context, connection: &Connection) -> Result<VaultRefresh> {
        let store = VaultStore::new(&ctx.config_dir);
        let lease = take_lease(&store, connection)?;
        Ok(VaultRefresh {
            store: LeasedStore {
                inner: store,
                read: RefCell::new(None),
            },
            lease,
        })
    }

    /// The connection's secret as the vault has it under the lease; writes
    /// merge on conflict.
    pub fn store(&self) -> &dyn SecretStore {
        &self.store
    }

    /// Called right before the refresh token goes to Salesforce: renews the
    /// lease if less than the time a refresh needs is left, by the vault's
    /// clock.
    pub fn before_presenting(&mut self) -> Result<()> {
        let sent = self
            .store
            .read
            .borrow()
            .as_ref()
            .map_or_else(Instant::now, |read| read.sent);
        self.lease.ensure_presentable(sent)
    }

    /// A refused refresh token, explained when we took over a lapsed lease:
    /// its holder may have died between Salesforce's rotation and the vault
    /// write. (A JWT or client-credentials refusal is not that.)
    pub fn explain(&self, err: Error, connection: &Connection, relink: &str) -> Error {
        let refused = connection.kind.uses_refresh_token()
            && (err.exit == Exit::RelinkNeeded
                || err.salesforce_code.as_deref() == Some("invalid_grant"));
        match self.lease.took_over() {
            Some(previous) if refused => Error::relink(format!(
                "Salesforce refused the refresh token the vault holds: {previous} held the refresh lease and stopped without releasing it, most likely after Salesforce rotated the token and before the new one reached the vault ({WINDOW}); the rotated token is lost"
            ))
            .with_hint(format!(
                "link the connection again into the vault (`{relink} --store vault --force`), or import it again; see \"The one window no lock closes\" in docs/vault.md"
            )),
            _ => err,
        }
    }
}

/// The lease of a vault connection for a command that reads its secret to
/// move or revoke it (`migrate`, `revoke`): no machine refreshes, and so
/// rotates the token, between that read and the vault entry's destruction.
/// `None` for a connection in a store of this machine.
pub fn lease_for_change(ctx: &Context, connection: &Connection) -> Result<Option<Lease>> {
    if connection.store != StoreKind::Vault {
        return Ok(None);
    }
    take_lease(&VaultStore::new(&ctx.config_dir), connection).map(Some)
}

fn take_lease(store: &VaultStore, connection: &Connection) -> Result<Lease> {
    let (client, config) = store.session()?;
    Lease::take(
        client,
        &lease_path(&config.prefix, &connection.id),
        &format!("the vault lease of connection {}", connection.alias),
        Terms::for_timeout(crate::salesforce::http::call_timeout()),
        crate::index::file_lock::timeout()?,
    )
}

/// What was read under the lease: the value (the base a merge compares
/// with), its version, and when the read was sent (the vault's clock is
/// judged from its answer).
struct Read {
    id: String,
    value: Option<Secret>,
    version: u64,
    sent: Instant,
}

/// The vault store, seen from inside a lease: reads remember their
/// version, writes use check-and-set on it and merge on conflict.
struct LeasedStore {
    inner: VaultStore,
    read: RefCell<Option<Read>>,
}

impl LeasedStore {
    fn read_now(&self, id: &str) -> Result<Read> {
        let sent = Instant::now();
        let entry = self.inner.read_entry(id)?;
        Ok(match entry {
            Some((value, kv)) => Read {
                id: id.to_string(),
                value: Some(value),
                version: kv.version,
                sent,
            },
            None => Read {
                id: id.to_string(),
                value: None,
                version: 0,
                sent,
            },
        })
    }
}

impl SecretStore for LeasedStore {
    fn get(&self, id: &str) -> Result<Option<Secret>> {
        let read = self.read_now(id)?;
        let value = read.value.clone();
        *self.read.borrow_mut() = Some(read);
        Ok(value)
    }

    fn set(&self, id: &str, value: &Secret) -> Result<()> {
        let (base, mut version) = match self.read.borrow().as_ref() {
            Some(read) if read.id == id => (read.value.clone(), read.version),
            _ => (None, self.read_now(id)?.version),
        };
        let mut ours = value.clone();
        for _ in 0..MERGE_ATTEMPTS {
            if let Ok(_written) = self.inner.write_entry(id, &ours, version)? {
                return Ok(());
            }
            // Someone else wrote meanwhile: merge what we hold into what
            // the vault has now, and try again on that version.
            let now = self.read_now(id)?;
            let Some(theirs) = &now.value else {
                return Err(Error::no_such_connection(
                    "the connection was revoked (its vault entry destroyed) while this refresh ran",
                )
                .with_hint("link it again if it is still needed"));
            };
            output::debug(&format!(
                "the vault entry changed meanwhile (now version {}): merging and writing again",
                now.version
            ));
            ours = merge(base.as_ref(), &ours, theirs);
            version = now.version;
            if ours.expose() == theirs.expose() {
                return Ok(());
            }
        }
        Err(Error::secret_store(format!(
            "the vault entry of this connection changed {MERGE_ATTEMPTS} times while this refresh wrote it"
        ))
        .with_hint("something else keeps writing it; run the command again"))
    }

    fn delete(&self, id: &str) -> Result<()> {
        self.inner.delete(id)
    }
}

/// What to write when the entry changed from `base` (what we read) to
/// `theirs` while we made `ours`: our rotated refresh token and our client
/// secret win over what we read (they are newer), theirs win otherwise; the
/// newer access token wins. Values that are not refresh-token JSON (JWT and
/// client-credentials entries) are theirs: we only lose a cached access
/// token, never their credential.
fn merge(base: Option<&Secret>, ours: &Secret, theirs: &Secret) -> Secret {
    let parse = |s: &Secret| serde_json::from_str::<StoredTokens>(s.expose()).ok();
    let (Some(mine), Some(other)) = (parse(ours), parse(theirs)) else {
        return theirs.clone();
    };
    let base = base.and_then(parse);
    let changed_by_us = |pick: fn(&StoredTokens) -> Option<&Secret>| match &base {
        Some(base) => pick(&mine) != pick(base),
        None => true,
    };
    let refresh_token = if changed_by_us(|t| Some(&t.refresh_token)) {
        mine.refresh_token.clone()
    } else {
        other.refresh_token.clone()
    };
    let client_secret = if changed_by_us(|t| t.client_secret.as_ref()) {
        mine.client_secret.clone()
    } else {
        other.client_secret.clone()
    };
    let (access_token, access_issued_at_ms) = if mine.access_issued_at_ms.unwrap_or(i64::MIN)
        >= other.access_issued_at_ms.unwrap_or(i64::MIN)
    {
        (mine.access_token.clone(), mine.access_issued_at_ms)
    } else {
        (other.access_token.clone(), other.access_issued_at_ms)
    };
    let merged = StoredTokens {
        refresh_token,
        access_token,
        access_issued_at_ms,
        client_secret,
    };
    serde_json::to_string(&merged)
        .map(Secret::new)
        .unwrap_or_else(|_| ours.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(refresh: &str, access: Option<(&str, i64)>, secret: Option<&str>) -> Secret {
        let value = StoredTokens {
            refresh_token: Secret::new(refresh),
            access_token: access.map(|(a, _)| Secret::new(a)),
            access_issued_at_ms: access.map(|(_, at)| at),
            client_secret: secret.map(Secret::new),
        };
        Secret::new(serde_json::to_string(&value).unwrap())
    }

    fn parsed(s: &Secret) -> StoredTokens {
        serde_json::from_str(s.expose()).unwrap()
    }

    #[test]
    fn our_rotated_refresh_token_and_newer_access_token_win() {
        let base = tokens("r1", Some(("a1", 1)), None);
        let ours = tokens("r2", Some(("a2", 3)), None);
        // Another writer changed only the access token, earlier than ours.
        let theirs = tokens("r1", Some(("a-other", 2)), Some("s"));
        let merged = parsed(&merge(Some(&base), &ours, &theirs));
        assert_eq!(merged.refresh_token.expose(), "r2");
        assert_eq!(merged.access_token.unwrap().expose(), "a2");
        assert_eq!(merged.access_issued_at_ms, Some(3));
        assert_eq!(merged.client_secret.unwrap().expose(), "s", "theirs kept");
    }

    #[test]
    fn without_rotation_their_refresh_token_and_newer_access_token_are_kept() {
        let base = tokens("r1", Some(("a1", 1)), None);
        let ours = tokens("r1", Some(("a2", 3)), None);
        let theirs = tokens("r9", Some(("a9", 5)), None);
        let merged = parsed(&merge(Some(&base), &ours, &theirs));
        assert_eq!(merged.refresh_token.expose(), "r9");
        assert_eq!(merged.access_token.unwrap().expose(), "a9");
    }

    #[test]
    fn entries_that_are_not_refresh_tokens_are_left_as_they_are() {
        let theirs = Secret::new("c2ZjAQ==");
        assert_eq!(
            merge(None, &Secret::new("c2ZjAA=="), &theirs).expose(),
            theirs.expose()
        );
    }
}
