//! The OS keychain: Secret Service over D-Bus on Linux, Keychain on macOS,
//! Credential Manager on Windows, through the keyring project's stores.
//!
//! Entries are `service = "sfconnect"`, `user = <connection id>`. When the
//! keychain cannot be reached we fail with exit 6 and say why and what to do;
//! we never fall back to plaintext on our own (design.md, "What to avoid").

use super::{SERVICE, SecretStore};
use crate::error::{Error, Result};
use crate::secret::Secret;
use keyring_core::{CredentialStore, Entry, Error as KeyringError};
use std::sync::{Arc, OnceLock};

const HINT: &str = "make the OS keychain available (on Linux: a D-Bus session with an unlocked Secret Service such as gnome-keyring), or opt in to a plain 0600 file with SFCONNECT_STORE=file";

pub struct KeychainStore {
    store: OnceLock<Result<Arc<CredentialStore>, String>>,
}

impl KeychainStore {
    pub fn new() -> Self {
        KeychainStore {
            store: OnceLock::new(),
        }
    }

    fn entry(&self, id: &str) -> Result<Entry> {
        let store = self
            .store
            .get_or_init(|| platform_store().map_err(|e| describe(&e)))
            .as_ref()
            .map_err(|why| unavailable(why.clone()))?;
        Entry::new_in_store(store, SERVICE, id).map_err(|e| unavailable(describe(&e)))
    }
}

#[cfg(target_os = "linux")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(zbus_secret_service_keyring_store::Store::new()?)
}

#[cfg(target_os = "macos")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(apple_native_keyring_store::keychain::Store::new()?)
}

#[cfg(target_os = "windows")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(windows_native_keyring_store::Store::new()?)
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Err(KeyringError::NotSupportedByStore(
        "no OS keychain is supported on this platform".into(),
    ))
}

impl SecretStore for KeychainStore {
    fn get(&self, id: &str) -> Result<Option<Secret>> {
        match self.entry(id)?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(KeyringError::NoEntry) => Ok(None),
            Err(e) => Err(unavailable(describe(&e))),
        }
    }

    fn set(&self, id: &str, value: &Secret) -> Result<()> {
        self.entry(id)?
            .set_password(value.expose())
            .map_err(|e| unavailable(describe(&e)))
    }

    fn delete(&self, id: &str) -> Result<()> {
        match self.entry(id)?.delete_credential() {
            Ok(()) | Err(KeyringError::NoEntry) => Ok(()),
            Err(e) => Err(unavailable(describe(&e))),
        }
    }
}

fn unavailable(cause: String) -> Error {
    Error::secret_store(format!("the OS keychain is unavailable: {cause}")).with_hint(HINT)
}

/// A one-line cause, built without the variants that carry secret bytes.
fn describe(err: &KeyringError) -> String {
    match err {
        KeyringError::NoStorageAccess(inner) => {
            let text = inner.to_string();
            if text.contains("prompt dismissed") {
                "the keyring is locked and no unlock prompt could be shown".into()
            } else if text.contains("result not returned") {
                "the Secret Service has no default collection (no login keyring yet)".into()
            } else {
                format!("access was refused or the keyring is locked ({text})")
            }
        }
        KeyringError::PlatformFailure(inner) => {
            let text = inner.to_string();
            if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() && cfg!(target_os = "linux") {
                format!("no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set ({text})")
            } else if text.contains("ServiceUnknown") || text.contains("org.freedesktop.secrets") {
                "no Secret Service provider (such as gnome-keyring or KeePassXC) runs on the D-Bus session bus".into()
            } else if text.contains("Failed to connect") {
                format!("cannot connect to the D-Bus session bus ({text})")
            } else {
                text
            }
        }
        KeyringError::BadEncoding(_) | KeyringError::BadDataFormat(..) => {
            "an entry holds data that is not sfconnect's".into()
        }
        KeyringError::Ambiguous(items) => {
            format!("{} entries match one connection", items.len())
        }
        KeyringError::NoEntry => "no such entry".into(),
        other => other.to_string(),
    }
}
