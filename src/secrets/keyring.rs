//! Secret stores of the OS, through the keyring project's stores: the
//! keychain (Secret Service over D-Bus on Linux, Keychain on macOS,
//! Credential Manager on Windows) and, on Linux, the kernel's keyutils
//! keyring, which needs no D-Bus but is lost at reboot.
//!
//! Entries are `service = "sfconnect"`, `user = <connection id>`. Every call
//! runs under a timeout (`SFCONNECT_KEYCHAIN_TIMEOUT`, default 10 s): a hung
//! D-Bus or a Keychain prompt nobody answers must not hang a script forever
//! (security checklist, "Timeouts on every keychain call"). When the store
//! cannot be reached we fail with exit 6, say why and what to do, and never
//! fall back to plaintext on our own (design.md, "What to avoid").

use super::{SERVICE, SecretStore};
use crate::error::{Error, Result};
use crate::output;
use crate::secrets::secret::{Secret, SecretBytes};
use crate::settings;
use keyring_core::{CredentialStore, Entry, Error as KeyringError};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock, mpsc};
use std::time::Duration;

pub(crate) const DEFAULT_TIMEOUT_SECS: u64 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Keychain,
    Keyutils,
}

pub struct KeyringStore {
    backend: Backend,
}

impl KeyringStore {
    pub fn new(backend: Backend) -> Self {
        KeyringStore { backend }
    }

    /// Runs `op` on an entry in a worker thread, giving up after the timeout.
    fn call<T: Send + 'static>(
        &self,
        what: &str,
        id: &str,
        op: impl FnOnce(&Entry) -> keyring_core::Result<T> + Send + 'static,
    ) -> Result<T> {
        let backend = self.backend;
        let id = id.to_string();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let result = platform_store(backend)
                .and_then(|store| Entry::new_in_store(&store, SERVICE, &id))
                .and_then(|entry| op(&entry));
            let _ = tx.send(result);
        });
        let timeout = timeout();
        match rx.recv_timeout(timeout) {
            Ok(result) => result.map_err(|e| failure(backend, &e)),
            Err(_) => Err(Error::secret_store(format!(
                "the {} did not answer within {} while {what}",
                name(backend),
                output::count(timeout.as_secs(), "second")
            ))
            .with_hint(match backend {
                Backend::Keychain => "the keychain may be locked and waiting for a prompt nobody answers, or D-Bus is hung; unlock it, raise SFCONNECT_KEYCHAIN_TIMEOUT, or use --store keyutils / --store file",
                Backend::Keyutils => "raise SFCONNECT_KEYCHAIN_TIMEOUT, or use --store file",
            })),
        }
    }
}

impl KeyringStore {
    /// Unlinks every key of entry `id` from the kernel keyrings, without
    /// searching or reading it (see `keyutils.rs`).
    #[cfg(target_os = "linux")]
    fn sweep(&self, id: &str) -> Result<()> {
        let id = id.to_string();
        std::thread::spawn(move || {
            let store = platform_store(Backend::Keyutils).map_err(std::io::Error::other)?;
            super::keyutils::sweep(&store, &id)
        })
        .join()
        .unwrap_or_else(|_| Err(std::io::Error::other("the keyring sweep panicked")))
        .map(|removed| {
            output::debug(&format!(
                "keyutils: unlinked {} of an entry that could not be read or deleted",
                output::count(removed as u64, "key")
            ));
        })
        .map_err(|e| {
            Error::secret_store(format!(
                "the kernel keyring (keyutils) kept a key sfconnect could not remove: {e}"
            ))
        })
    }

    #[cfg(not(target_os = "linux"))]
    fn sweep(&self, _id: &str) -> Result<()> {
        Ok(())
    }
}

fn timeout() -> Duration {
    let secs = settings::KEYCHAIN_TIMEOUT
        .value()
        .and_then(|v| v.parse().ok())
        .filter(|&s| s > 0)
        .unwrap_or(DEFAULT_TIMEOUT_SECS);
    Duration::from_secs(secs)
}

fn name(backend: Backend) -> &'static str {
    match backend {
        Backend::Keychain => "OS keychain",
        Backend::Keyutils => "kernel keyring (keyutils)",
    }
}

/// The platform's store, created once per process (connecting to D-Bus
/// takes tens of milliseconds).
fn platform_store(backend: Backend) -> keyring_core::Result<Arc<CredentialStore>> {
    static KEYCHAIN: OnceLock<Arc<CredentialStore>> = OnceLock::new();
    static KEYUTILS: OnceLock<Arc<CredentialStore>> = OnceLock::new();
    let cell = match backend {
        Backend::Keychain => &KEYCHAIN,
        Backend::Keyutils => &KEYUTILS,
    };
    if let Some(store) = cell.get() {
        return Ok(Arc::clone(store));
    }
    let store = match backend {
        Backend::Keychain => keychain_store()?,
        Backend::Keyutils => keyutils_store()?,
    };
    Ok(Arc::clone(cell.get_or_init(|| store)))
}

#[cfg(target_os = "linux")]
fn keychain_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(zbus_secret_service_keyring_store::Store::new()?)
}

#[cfg(target_os = "macos")]
fn keychain_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(apple_native_keyring_store::keychain::Store::new()?)
}

#[cfg(target_os = "windows")]
fn keychain_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(windows_native_keyring_store::Store::new()?)
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn keychain_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Err(KeyringError::NotSupportedByStore(
        "no OS keychain is supported on this platform".into(),
    ))
}

#[cfg(target_os = "linux")]
fn keyutils_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(linux_keyutils_keyring_store::Store::new()?)
}

#[cfg(not(target_os = "linux"))]
fn keyutils_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Err(KeyringError::NotSupportedByStore(
        "keyutils exists only on Linux".into(),
    ))
}

impl KeyringStore {
    /// Runs a write or delete of entry `id`, removing the kernel keyring's
    /// copy of its access token before and after (`access_cache`): before,
    /// so that a process killed half-way leaves no copy of what the
    /// keychain no longer holds; after, for a writer that does not hold the
    /// connection's lock (a new link, `doctor --clean`).
    fn changing<T>(&self, id: &str, change: impl FnOnce() -> Result<T>) -> Result<T> {
        if self.backend != Backend::Keychain {
            return change();
        }
        super::access_cache::forget(id);
        let result = change();
        super::access_cache::forget(id);
        result
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, id: &str) -> Result<Option<Secret>> {
        self.call("reading a secret", id, |entry| match entry.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(KeyringError::NoEntry) => Ok(None),
            Err(e) => Err(e),
        })
    }

    fn set(&self, id: &str, value: &Secret) -> Result<()> {
        let written = value.clone();
        let stored = self.changing(id, || {
            self.call("storing a secret", id, move |entry| {
                entry.set_password(written.expose())
            })
        });
        if stored.is_err() && self.backend == Backend::Keyutils {
            // The kernel may have taken the key before the call failed. A
            // copy of a secret that cannot be read back is only a leak; one
            // that can stays, since it may be the only copy.
            if !matches!(self.get(id), Ok(Some(_))) {
                let _ = self.sweep(id);
            }
        }
        stored
    }

    fn get_bytes(&self, id: &str) -> Result<Option<SecretBytes>> {
        self.call("reading a secret", id, |entry| match entry.get_secret() {
            Ok(bytes) => Ok(Some(SecretBytes::new(bytes))),
            Err(KeyringError::NoEntry) => Ok(None),
            Err(e) => Err(e),
        })
    }

    fn set_bytes(&self, id: &str, value: &SecretBytes) -> Result<()> {
        let value = value.clone();
        self.changing(id, || {
            self.call("storing a secret", id, move |entry| {
                entry.set_secret(value.expose())
            })
        })
    }

    fn delete(&self, id: &str) -> Result<()> {
        let deleted = self.changing(id, || {
            self.call("deleting a secret", id, |entry| {
                match entry.delete_credential() {
                    Ok(()) | Err(KeyringError::NoEntry) => Ok(()),
                    Err(e) => Err(e),
                }
            })
        });
        match deleted {
            // Deleting searches first; where searching is denied, unlink
            // the entry's keys by description instead.
            Err(e) if self.backend == Backend::Keyutils => self.sweep(id).map_err(|_| e),
            other => other,
        }
    }

    /// Searches for every entry of service `sfconnect`, where the store can
    /// search (the Secret Service can; the kernel keyring store cannot).
    fn ids(&self) -> Result<Option<Vec<String>>> {
        let backend = self.backend;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let spec = HashMap::from([("service", SERVICE)]);
            let result = platform_store(backend).and_then(|store| {
                match Entry::search_in_store(&store, &spec) {
                    Ok(entries) => Ok(Some(
                        entries
                            .iter()
                            .filter_map(|entry| entry.get_specifiers())
                            .filter(|(service, _)| service == SERVICE)
                            .map(|(_, id)| id)
                            .collect::<Vec<String>>(),
                    )),
                    Err(KeyringError::NotSupportedByStore(_)) => Ok(None),
                    Err(e) => Err(e),
                }
            });
            let _ = tx.send(result);
        });
        let timeout = timeout();
        match rx.recv_timeout(timeout) {
            Ok(result) => result.map_err(|e| unavailable(backend, describe(backend, &e))),
            Err(_) => Err(Error::secret_store(format!(
                "the {} did not answer within {} while listing its entries",
                name(backend),
                output::count(timeout.as_secs(), "second")
            ))),
        }
    }
}

/// The error for a failed call: why the store cannot be used, and what to
/// do about it.
fn failure(backend: Backend, err: &KeyringError) -> Error {
    if backend == Backend::Keyutils
        && matches!(err, KeyringError::NoStorageAccess(_))
        && lacks_own_session_keyring()
    {
        return Error::secret_store(
            "the kernel keyring (keyutils) cannot keep secrets for this process: it has no session keyring of its own, only the user's default one, where the kernel lets sfconnect add a key but not read it back (as in many containers, and shells not started by a login)",
        )
        .with_hint(KEYUTILS_HOW);
    }
    unavailable(backend, describe(backend, err))
}

/// How to get a session keyring keyutils can work in.
const KEYUTILS_HOW: &str = "run sfconnect in a session keyring of its own: start a shell with `keyctl session -` (keyutils package) and run it there, or use a login session that creates one (PAM's pam_keyinit); otherwise choose --store file or the OS keychain";

/// Asked in a thread of its own, whose keyrings are the main thread's.
#[cfg(target_os = "linux")]
fn lacks_own_session_keyring() -> bool {
    std::thread::spawn(super::keyutils::lacks_own_session_keyring)
        .join()
        .unwrap_or(false)
}

#[cfg(not(target_os = "linux"))]
fn lacks_own_session_keyring() -> bool {
    false
}

fn unavailable(backend: Backend, cause: String) -> Error {
    let hint = match backend {
        Backend::Keychain => {
            "make the OS keychain available (on Linux: a D-Bus session with an unlocked Secret Service such as gnome-keyring), or choose another store: --store keyutils (Linux kernel keyring, lost at reboot) or --store file (a 0600 file)"
        }
        Backend::Keyutils => {
            "the kernel keyring needs Linux with keyutils enabled; otherwise use --store file"
        }
    };
    Error::secret_store(format!("the {} is unavailable: {cause}", name(backend))).with_hint(hint)
}

/// A one-line cause, built without the variants that carry secret bytes.
fn describe(backend: Backend, err: &KeyringError) -> String {
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
            let linux_keychain = backend == Backend::Keychain && cfg!(target_os = "linux");
            if linux_keychain && settings::platform("DBUS_SESSION_BUS_ADDRESS").is_none() {
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
