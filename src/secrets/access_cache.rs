//! A copy of a keychain connection's young access token in the kernel's
//! per-user keyring, so that `token` on the default store costs a process
//! start and two system calls instead of a D-Bus connection and a Secret
//! Service session (bench/README.md, "The keychain hot path").
//!
//! Only the access token is copied, with its issue time, and only for a
//! connection whose store is the keychain; refresh tokens, keys and client
//! secrets stay where the user chose. The copy is a `user` key described
//! `sfconnect:access:<connection id>` (never the token) in the user keyring
//! (`@u`), with a kernel timeout that ends it when the token is
//! `HORIZON` old; it lives in kernel memory, is never swapped to disk, and
//! is gone at reboot.
//!
//! Who may read it (keyrings(7), "Permissions"): its possessor, and every
//! process of the same user (view, read, search), which is also who may ask
//! an unlocked Secret Service for the token (SECURITY.md). The user
//! permission is what lets a process that has no session keyring of its own
//! (cron, containers, shells not started by a login) find it. Any process
//! of the user may also remove it or link another key in its place, and a
//! possessor (a login session's processes, whose session keyring links the
//! user keyring) may rewrite it: no more than they may do to the keychain's
//! entry itself.
//!
//! The copy never outlives what the keychain vouches for: it is written
//! only under the connection's lock (`tokens::lock`), which every writer of
//! an existing connection's entry holds, from what the keychain holds at
//! that moment; and every write or delete of a keychain entry removes it,
//! before and after (`keyring.rs`). A connection last recorded revoked or
//! blocked is never served from it (`tokens::access`). Where the kernel
//! refuses the key system calls (other systems, containers whose seccomp
//! profile forbids them) nothing is cached and the keychain is read as
//! before; `-v` says so. `SFCONNECT_KERNEL_CACHE=off` turns it off.

use crate::error::{Error, Result};
use crate::secrets::StoreKind;
use crate::secrets::secret::Secret;
use crate::settings;
use std::time::Duration;

/// The longest a copy lives: the default `--max-age`. A caller allowing an
/// older token is served from the keychain once the copy has lapsed.
pub const HORIZON: Duration = Duration::from_secs(600);

/// An access token as the keychain held it when it was copied.
pub struct Cached {
    pub token: Secret,
    pub issued_at_ms: i64,
    /// The variable a JWT or client-credentials connection's credential is
    /// read from (`Access::credential_env`), if any.
    pub credential_env: Option<String>,
}

pub enum Lookup {
    Hit(Cached),
    Miss,
    /// The kernel keyring cannot be used here: read the keychain.
    Unavailable,
}

/// Whether the copy serves this store: the keychain only (the file and the
/// kernel keyring store are fast already), unless turned off.
pub fn serves(store: StoreKind) -> Result<bool> {
    Ok(store == StoreKind::Keychain && enabled()?)
}

fn enabled() -> Result<bool> {
    match settings::KERNEL_CACHE.value().as_deref().map(str::trim) {
        None | Some("on") => Ok(true),
        Some("off") => Ok(false),
        Some(other) => Err(Error::usage(format!(
            "SFCONNECT_KERNEL_CACHE is {other:?}: use on or off"
        ))),
    }
}

/// The key's description: the connection id, never anything secret.
fn description(id: &str) -> String {
    format!("sfconnect:access:{id}")
}

fn encode(cached: &Cached) -> String {
    format!(
        "1\n{}\n{}\n{}",
        cached.issued_at_ms,
        cached.credential_env.as_deref().unwrap_or(""),
        cached.token.expose()
    )
}

fn decode(payload: &str) -> Option<Cached> {
    let mut fields = payload.splitn(4, '\n');
    if fields.next()? != "1" {
        return None;
    }
    let issued_at_ms = fields.next()?.parse().ok()?;
    let credential_env = Some(fields.next()?)
        .filter(|name| !name.is_empty())
        .map(String::from);
    let token = fields.next().filter(|t| !t.is_empty())?;
    Some(Cached {
        token: Secret::new(token),
        issued_at_ms,
        credential_env,
    })
}

/// The copy for connection `id`, if one is there.
pub fn lookup(id: &str) -> Lookup {
    match kernel::read(&description(id)) {
        Ok(Some(payload)) => match decode(&payload) {
            Some(cached) => Lookup::Hit(cached),
            None => {
                forget(id);
                Lookup::Miss
            }
        },
        Ok(None) => Lookup::Miss,
        Err(e) => {
            crate::output::debug(&format!(
                "the kernel keyring cannot cache access tokens here ({e}); reading the keychain"
            ));
            Lookup::Unavailable
        }
    }
}

/// Copies what the keychain holds now for connection `id`; the caller holds
/// the connection's lock. Best effort: a failure only means the next call
/// reads the keychain.
pub fn remember(id: &str, cached: &Cached) {
    let now_ms = chrono::Utc::now().timestamp_millis();
    let Some(timeout_secs) = lifetime_secs(cached.issued_at_ms, now_ms) else {
        forget(id);
        return;
    };
    match kernel::write(&description(id), encode(cached).as_bytes(), timeout_secs) {
        Ok(()) => crate::output::debug(&format!(
            "kept the access token in the kernel keyring for {timeout_secs} s"
        )),
        Err(e) => crate::output::debug(&format!(
            "could not keep the access token in the kernel keyring ({e}); the keychain is read next time"
        )),
    }
}

/// How long a copy of a token issued at `issued_at_ms` may live: until the
/// token is `HORIZON` old, whole seconds rounded down; never longer than
/// `HORIZON` (an issue time in our future is Salesforce's clock running
/// ahead); `None` when less than a second is left.
fn lifetime_secs(issued_at_ms: i64, now_ms: i64) -> Option<u32> {
    let horizon_ms = HORIZON.as_millis() as i64;
    let age_ms = now_ms.saturating_sub(issued_at_ms).max(0);
    let left_ms = horizon_ms.saturating_sub(age_ms);
    (left_ms >= 1000).then_some((left_ms / 1000) as u32)
}

/// Removes the copy for connection `id`, if any: its keychain entry is
/// about to change or has changed.
pub fn forget(id: &str) {
    if let Err(e) = kernel::remove(&description(id)) {
        crate::output::debug(&format!(
            "could not remove a copy from the kernel keyring ({e})"
        ));
    }
}

#[cfg(target_os = "linux")]
mod kernel {
    //! The four system calls, on the user keyring.

    use std::ffi::CString;
    use std::io;

    // keyrings(7), "Permissions": the possessor may do everything; other
    // processes of the same user may find and read the key, not change it.
    const POSSESSOR_ALL: u32 = 0x3f00_0000;
    const USER_VIEW: u32 = 0x0001_0000;
    const USER_READ: u32 = 0x0002_0000;
    const USER_SEARCH: u32 = 0x0008_0000;
    const PERMISSIONS: u32 = POSSESSOR_ALL | USER_VIEW | USER_READ | USER_SEARCH;

    fn answer(value: libc::c_long) -> io::Result<libc::c_long> {
        if value < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(value)
        }
    }

    fn keyctl(
        op: u32,
        a: libc::c_ulong,
        b: libc::c_ulong,
        c: libc::c_ulong,
    ) -> io::Result<libc::c_long> {
        // SAFETY: integers, or pointers to NUL-terminated strings and buffers
        // we own together with their lengths.
        answer(unsafe { libc::syscall(libc::SYS_keyctl, op, a, b, c, 0) })
    }

    fn is_absent(e: &io::Error) -> bool {
        matches!(
            e.raw_os_error(),
            Some(libc::ENOKEY | libc::EKEYEXPIRED | libc::EKEYREVOKED)
        )
    }

    /// The serial of our key in the user keyring, if there is one.
    fn search(description: &str) -> io::Result<Option<libc::c_long>> {
        let kind = c"user";
        let description = CString::new(description).map_err(io::Error::other)?;
        match keyctl(
            libc::KEYCTL_SEARCH,
            libc::KEY_SPEC_USER_KEYRING as libc::c_ulong,
            kind.as_ptr() as libc::c_ulong,
            description.as_ptr() as libc::c_ulong,
        ) {
            Ok(serial) => Ok(Some(serial)),
            Err(e) if is_absent(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub fn read(description: &str) -> io::Result<Option<String>> {
        let Some(serial) = search(description)? else {
            return Ok(None);
        };
        let mut buffer = vec![0u8; 1024];
        loop {
            let length = match keyctl(
                libc::KEYCTL_READ,
                serial as libc::c_ulong,
                buffer.as_mut_ptr() as libc::c_ulong,
                buffer.len() as libc::c_ulong,
            ) {
                Ok(length) => length as usize,
                // Expired or removed between the search and the read.
                Err(e) if is_absent(&e) => return Ok(None),
                Err(e) => return Err(e),
            };
            if length <= buffer.len() {
                buffer.truncate(length);
                return Ok(String::from_utf8(buffer).ok());
            }
            buffer.resize(length, 0);
        }
    }

    /// Publishes a complete key: made in this thread's keyring (which this
    /// process possesses, so it may set the permissions and the timeout
    /// whatever its session keyring), then linked into the user keyring,
    /// where it replaces the previous key of that description in one step.
    pub fn write(description: &str, payload: &[u8], timeout_secs: u32) -> io::Result<()> {
        let kind = c"user";
        let description = CString::new(description).map_err(io::Error::other)?;
        // SAFETY: NUL-terminated strings and a buffer with its length.
        let serial = answer(unsafe {
            libc::syscall(
                libc::SYS_add_key,
                kind.as_ptr(),
                description.as_ptr(),
                payload.as_ptr(),
                payload.len(),
                libc::KEY_SPEC_THREAD_KEYRING,
            )
        })? as libc::c_ulong;
        let published = keyctl(
            libc::KEYCTL_SETPERM,
            serial,
            PERMISSIONS as libc::c_ulong,
            0,
        )
        .and_then(|_| {
            keyctl(
                libc::KEYCTL_SET_TIMEOUT,
                serial,
                timeout_secs as libc::c_ulong,
                0,
            )
        })
        .and_then(|_| {
            keyctl(
                libc::KEYCTL_LINK,
                serial,
                libc::KEY_SPEC_USER_KEYRING as libc::c_ulong,
                0,
            )
        });
        // Whatever happened, the thread keyring lets go of it: published,
        // the user keyring holds it; if not, the kernel destroys it now.
        let _ = keyctl(
            libc::KEYCTL_UNLINK,
            serial,
            libc::KEY_SPEC_THREAD_KEYRING as libc::c_ulong,
            0,
        );
        published.map(|_| ())
    }

    /// Invalidates our key, so that no keyring serves it any more.
    pub fn remove(description: &str) -> io::Result<()> {
        match search(description)? {
            None => Ok(()),
            Some(serial) => match keyctl(libc::KEYCTL_INVALIDATE, serial as libc::c_ulong, 0, 0) {
                Err(e) if !is_absent(&e) => Err(e),
                _ => Ok(()),
            },
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod kernel {
    //! No kernel keyring: nothing is cached, the keychain is read.

    use std::io;

    fn unsupported() -> io::Error {
        io::Error::new(io::ErrorKind::Unsupported, "only Linux has one")
    }

    pub fn read(_description: &str) -> io::Result<Option<String>> {
        Err(unsupported())
    }

    pub fn write(_description: &str, _payload: &[u8], _timeout_secs: u32) -> io::Result<()> {
        Err(unsupported())
    }

    pub fn remove(_description: &str) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_round_trips_and_rejects_other_shapes() {
        let cached = Cached {
            token: Secret::new("00D!AQ.token"),
            issued_at_ms: 1_700_000_000_123,
            credential_env: Some("SF_KEY".into()),
        };
        let back = decode(&encode(&cached)).unwrap();
        assert_eq!(back.token, cached.token);
        assert_eq!(back.issued_at_ms, cached.issued_at_ms);
        assert_eq!(back.credential_env.as_deref(), Some("SF_KEY"));
        let none = Cached {
            credential_env: None,
            ..cached
        };
        assert!(decode(&encode(&none)).unwrap().credential_env.is_none());
        for bad in ["", "2\n1\n\nt", "1\nx\n\nt", "1\n1\n\n", "1\n1"] {
            assert!(decode(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn a_copy_lives_until_the_token_is_ten_minutes_old() {
        let now = 1_800_000_000_000;
        assert_eq!(lifetime_secs(now, now), Some(600));
        assert_eq!(lifetime_secs(now - 1_500, now), Some(598));
        assert_eq!(lifetime_secs(now - 599_000, now), Some(1));
        assert_eq!(lifetime_secs(now - 599_001, now), None);
        assert_eq!(lifetime_secs(now - 3_600_000, now), None);
        assert_eq!(
            lifetime_secs(now + 120_000, now),
            Some(600),
            "skew never extends it"
        );
        assert_eq!(lifetime_secs(i64::MIN, now), None);
    }

    #[test]
    fn the_description_names_the_connection_only() {
        assert_eq!(
            description("0123456789abcdef0123456789abcdef"),
            "sfconnect:access:0123456789abcdef0123456789abcdef"
        );
    }
}
