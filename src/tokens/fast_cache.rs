//! Where `access` meets the kernel keyring's copy of a keychain
//! connection's access token (`secrets::access_cache`, which says what is
//! kept, where, and why it never outlives the keychain's entry).
//!
//! `access::obtain` opens it before reading the keychain: a young copy is
//! served without any D-Bus call. Otherwise the keychain is read under the
//! connection's lock, and what it holds (or what a refresh just stored) is
//! copied, still under the lock.

use crate::error::Result;
use crate::index::connection::Connection;
use crate::output;
use crate::secrets::access_cache::{self, Cached, Lookup};
use crate::tokens::access::{Access, Freshness, young_at};

/// The copy of one connection, where it serves: a keychain connection,
/// the cache on, the kernel keyring usable.
pub struct FastCache {
    hit: Option<Access>,
}

impl FastCache {
    /// `None` where the copy does not serve; else what it holds that is
    /// young enough (nothing when a fresh token is asked for).
    pub fn open(connection: &Connection, freshness: Freshness) -> Result<Option<FastCache>> {
        if !access_cache::serves(connection.store)? {
            return Ok(None);
        }
        if freshness.force {
            return Ok(Some(FastCache { hit: None }));
        }
        let hit = match access_cache::lookup(&connection.id) {
            Lookup::Unavailable => return Ok(None),
            Lookup::Miss => None,
            Lookup::Hit(cached) => {
                young_at(cached.issued_at_ms, freshness.max_age).map(|issued_at| Access {
                    connection: connection.clone(),
                    token: cached.token,
                    issued_at,
                    credential_env: cached.credential_env,
                })
            }
        };
        output::debug(&format!(
            "{}: {} in the kernel keyring",
            connection.alias,
            if hit.is_some() {
                "found its access token"
            } else {
                "no access token young enough"
            }
        ));
        Ok(Some(FastCache { hit }))
    }

    pub fn take_hit(&mut self) -> Option<Access> {
        self.hit.take()
    }
}

/// Copies the token the keychain holds now (the caller holds the lock),
/// when the entry, as it is now, is still one the copy serves.
pub fn remember(fast: Option<&FastCache>, connection: &Connection, access: &Access) {
    if fast.is_none() || !access_cache::serves(connection.store).unwrap_or(false) {
        return;
    }
    access_cache::remember(
        &connection.id,
        &Cached {
            token: access.token.clone(),
            issued_at_ms: access.issued_at.timestamp_millis(),
            credential_env: access.credential_env.clone(),
        },
    );
}

/// Drops the copy, where it serves.
pub fn forget(fast: Option<&FastCache>, connection: &Connection) {
    if fast.is_some() {
        access_cache::forget(&connection.id);
    }
}
