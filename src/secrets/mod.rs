//! Where secrets live: the `SecretStore` seam and what we keep in it.
//!
//! One entry per connection, keyed by the connection's stable id, holding the
//! refresh token, the cached access token with its issue time, and the app's
//! client secret when it needs one (`client_secret`), as one JSON value. Absence is a value (`Ok(None)`), never an error: "not found" and
//! "the keychain failed" must not be confused (cargo's credential protocol
//! makes the same distinction). The stores: the OS keychain (default), the
//! Linux kernel keyring (keyutils), a 0600 file (optionally encrypted) for
//! explicit opt-in and tests, and an in-memory one for unit tests.

pub mod access_cache;
pub mod client_secret;
pub mod credential;
pub mod environment_credentials;
pub mod exposed_file;
mod file;
pub(crate) mod keyring;
#[cfg(target_os = "linux")]
mod keyutils;
#[cfg(test)]
pub mod memory;
pub(crate) mod passphrase_cmd;
mod sealed;
pub mod secret;
pub mod vault;

use crate::error::{Error, Result};
use crate::secrets::secret::{Secret, SecretBytes};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The service name under which every entry is stored in the OS keychain.
pub const SERVICE: &str = "sfconnect";

pub trait SecretStore {
    fn get(&self, id: &str) -> Result<Option<Secret>>;
    fn set(&self, id: &str, value: &Secret) -> Result<()>;
    /// Raw bytes, for entries that hold an RSA key (`credential.rs`). The
    /// keychain stores them as they are: Windows' Credential Manager keeps
    /// at most 2,560 bytes, and a string would be stored as UTF-16, twice
    /// its size. Stores without a byte form (a file) keep base64 text.
    fn get_bytes(&self, id: &str) -> Result<Option<SecretBytes>> {
        let Some(text) = self.get(id)? else {
            return Ok(None);
        };
        B64.decode(text.expose())
            .map(|bytes| Some(SecretBytes::new(bytes)))
            .map_err(|_| {
                Error::secret_store(format!(
                    "the secret-store entry {SERVICE}/{id} is not in sfconnect's format"
                ))
            })
    }
    fn set_bytes(&self, id: &str, value: &SecretBytes) -> Result<()> {
        self.set(id, &Secret::new(B64.encode(value.expose())))
    }
    /// Deleting an entry that is already absent succeeds.
    fn delete(&self, id: &str) -> Result<()>;
    /// The id of every entry sfconnect has here (`doctor` compares them with
    /// the index to find orphans); `None` when the store cannot list them.
    fn ids(&self) -> Result<Option<Vec<String>>> {
        Ok(None)
    }
}

/// Where a connection's secret lives; the same words in the index, the
/// config file, `--store` and JSON output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StoreKind {
    Keychain,
    Keyutils,
    File,
    /// An OpenBao / HashiCorp Vault KV v2 engine several machines share
    /// (`secrets::vault`).
    Vault,
}

impl std::fmt::Display for StoreKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl StoreKind {
    /// The stores of this machine, which `doctor` probes; the vault is
    /// checked apart, and only when sfconnect is told to use it.
    pub const ON_THIS_MACHINE: [StoreKind; 3] =
        [StoreKind::Keychain, StoreKind::Keyutils, StoreKind::File];

    /// Every name `--store` takes (the vault included), for clap.
    pub const NAMES: [&'static str; 4] = ["keychain", "keyutils", "file", "vault"];

    pub fn name(self) -> &'static str {
        match self {
            StoreKind::Keychain => "keychain",
            StoreKind::Keyutils => "keyutils",
            StoreKind::File => "file",
            StoreKind::Vault => "vault",
        }
    }

    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "keychain" => Ok(StoreKind::Keychain),
            "keyutils" => Ok(StoreKind::Keyutils),
            "file" => Ok(StoreKind::File),
            "vault" => Ok(StoreKind::Vault),
            other => Err(Error::usage(format!(
                "unknown secret store {other:?}: use keychain, keyutils, file or vault"
            ))),
        }
    }

    /// True for stores several machines share (a team's vault): a copy of
    /// a connection taken out of such a store (`export`) can revoke or,
    /// with rotation, kill the chain the whole team uses. The others each
    /// live on one machine.
    pub fn is_shared(self) -> bool {
        match self {
            StoreKind::Keychain | StoreKind::Keyutils | StoreKind::File => false,
            StoreKind::Vault => true,
        }
    }

    /// What the user should know when choosing it.
    pub fn caveat(self) -> Option<&'static str> {
        match self {
            StoreKind::Keychain | StoreKind::Vault => None,
            StoreKind::Keyutils => Some(
                "the Linux kernel keyring keeps secrets in memory only: they are lost at reboot, and the connection must then be linked again",
            ),
            StoreKind::File if sealed::passphrase_configured() => None,
            StoreKind::File => Some(
                "the tokens are protected only by the file's permissions (0600); set SFCONNECT_STORE_PASSPHRASE_CMD to encrypt the file",
            ),
        }
    }
}

pub fn open(kind: StoreKind, config_dir: &Path) -> Box<dyn SecretStore> {
    match kind {
        StoreKind::Keychain => Box::new(keyring::KeyringStore::new(keyring::Backend::Keychain)),
        StoreKind::Keyutils => Box::new(keyring::KeyringStore::new(keyring::Backend::Keyutils)),
        StoreKind::File => Box::new(file::FileStore::new(config_dir)),
        StoreKind::Vault => Box::new(vault::VaultStore::new(config_dir)),
    }
}

/// What one connection keeps in the secret store.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredTokens {
    pub refresh_token: Secret,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<Secret>,
    /// When the cached access token was issued, in milliseconds since the
    /// epoch (Salesforce's `issued_at`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_issued_at_ms: Option<i64>,
    /// The app's consumer secret, for an app that requires one: sent only
    /// for this connection (`client_secret`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<Secret>,
}

pub fn load_tokens(store: &dyn SecretStore, id: &str) -> Result<Option<StoredTokens>> {
    let Some(secret) = store.get(id)? else {
        return Ok(None);
    };
    serde_json::from_str(secret.expose())
        .map(Some)
        .map_err(|_| {
            // The serde error could quote the value: keep it out of the message.
            Error::secret_store(format!(
                "the secret-store entry {SERVICE}/{id} is not in sfconnect's format"
            ))
            .with_hint("re-link the connection with `sfconnect link --force --alias ALIAS`")
        })
}

pub fn save_tokens(store: &dyn SecretStore, id: &str, tokens: &StoredTokens) -> Result<()> {
    let json = serde_json::to_string(tokens)
        .map_err(|e| Error::unexpected(format!("cannot encode tokens: {e}")))?;
    store.set(id, &Secret::new(json))
}

/// A real write, read and delete of a throwaway entry, so a login is never
/// wasted on a store that cannot keep its result.
pub fn probe(store: &dyn SecretStore) -> Result<()> {
    let id = format!("probe-{}", new_id());
    let value = Secret::new("sfconnect probe");
    // A failed write removes what it wrote (each store sees to that).
    store.set(&id, &value)?;
    let read = store.get(&id);
    // Deleted whatever the read said, so a probe never stays behind; a
    // failed read is the better explanation than a failed delete.
    let deleted = store.delete(&id);
    let read = read?;
    deleted?;
    match read {
        Some(v) if v == value => Ok(()),
        _ => Err(Error::secret_store(
            "the secret store did not return what was just written to it",
        )),
    }
}

/// A fresh random id for a connection's secret-store entry (128 bits, hex).
pub fn new_id() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the OS random number generator failed");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `id` has the shape `new_id` gives (32 lower-case hex digits). An
/// id names the secret-store entry and the lock file, so an index entry
/// with any other id is not used.
pub fn is_connection_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_probe_cleans_up() {
        let store = memory::MemoryStore::default();
        probe(&store).unwrap();
        assert!(store.is_empty());
        let tokens = StoredTokens {
            refresh_token: Secret::new("rt"),
            access_token: Some(Secret::new("at")),
            access_issued_at_ms: Some(42),
            client_secret: None,
        };
        save_tokens(&store, "id1", &tokens).unwrap();
        let back = load_tokens(&store, "id1").unwrap().unwrap();
        assert_eq!(back.refresh_token.expose(), "rt");
        assert_eq!(back.access_issued_at_ms, Some(42));
        assert!(load_tokens(&store, "other").unwrap().is_none());
    }

    #[test]
    fn foreign_entries_are_reported_without_their_value() {
        let store = memory::MemoryStore::default();
        store.set("id1", &Secret::new("canary-not-json")).unwrap();
        let err = load_tokens(&store, "id1").unwrap_err();
        assert_eq!(err.exit, crate::error::Exit::SecretStore);
        assert!(!err.message.contains("canary"), "{}", err.message);
    }

    #[test]
    fn ids_are_random_hex() {
        let (a, b) = (new_id(), new_id());
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
        assert!(is_connection_id(&a));
        for bad in [
            "",
            "../../../../tmp/x",
            "0123456789ABCDEF0123456789abcdef",
            "0123456789abcdef0123456789abcde",
            "0123456789abcdef0123456789abcdef0",
            "0123456789abcdef/123456789abcdef",
        ] {
            assert!(!is_connection_id(bad), "{bad}");
        }
    }

    #[test]
    fn store_names() {
        assert_eq!(StoreKind::parse("file").unwrap(), StoreKind::File);
        assert_eq!(StoreKind::parse("keychain").unwrap(), StoreKind::Keychain);
        assert_eq!(StoreKind::parse("keyutils").unwrap(), StoreKind::Keyutils);
        assert_eq!(StoreKind::parse("vault").unwrap(), StoreKind::Vault);
        assert!(StoreKind::parse("plaintext").is_err());
        for name in StoreKind::NAMES {
            assert_eq!(StoreKind::parse(name).unwrap().name(), name);
        }
        for name in StoreKind::NAMES {
            let kind = StoreKind::parse(name).unwrap();
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{name}\""));
            assert_eq!(serde_json::from_str::<StoreKind>(&json).unwrap(), kind);
            let local = StoreKind::ON_THIS_MACHINE.contains(&kind);
            assert_eq!(kind.is_shared(), !local, "{kind}");
        }
    }
}
