//! Cleaning up after the kernel keyring (keyutils) when it fails half-way.
//!
//! Where a process has no session keyring of its own, only the user's
//! default one (`_uid_ses.UID`: many containers, shells not started by a
//! login), the keyutils store can add a key to that keyring but is then
//! denied reading, searching or linking it, because the key is not
//! "possessed" (keyrings(7), "Possession"). Deleting through the store
//! searches first, so it is denied too, and every failed write would leave
//! a secret behind. Unlinking a key needs only write permission on the
//! keyring (keyctl_unlink(3)), and listing and describing need only read and
//! view, which the user has on their own keyring. So we find the entry's
//! keys by description and unlink them; the kernel destroys a key when its
//! last link goes.

use super::SERVICE;
use keyring_core::{CredentialStore, Entry};
use linux_keyutils_keyring_store::Cred;
use std::io;
use std::sync::Arc;

type KeySerial = i32;

/// `keyctl(2)` with up to four arguments; a negative answer is `errno`.
fn keyctl(operation: u32, a: libc::c_ulong, b: libc::c_ulong, c: libc::c_ulong) -> io::Result<i64> {
    // SAFETY: keyctl takes plain integers here, or a pointer and length of
    // a buffer we own (`links`); the kernel writes at most that length.
    let answer = unsafe { libc::syscall(libc::SYS_keyctl, operation, a, b, c, 0) };
    if answer < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(answer)
    }
}

/// The serial behind a special keyring id, without creating one.
fn resolve(special: i32) -> io::Result<KeySerial> {
    keyctl(libc::KEYCTL_GET_KEYRING_ID, special as libc::c_ulong, 0, 0).map(|id| id as KeySerial)
}

/// True when this process's session keyring is only the user's default
/// one, where the keyutils store cannot read back what it writes.
pub fn lacks_own_session_keyring() -> bool {
    let session = resolve(libc::KEY_SPEC_SESSION_KEYRING);
    let user_session = resolve(libc::KEY_SPEC_USER_SESSION_KEYRING);
    matches!((session, user_session), (Ok(a), Ok(b)) if a == b)
}

/// The serials linked in a keyring (KEYCTL_READ needs read permission).
fn links(keyring: KeySerial) -> io::Result<Vec<KeySerial>> {
    let mut serials: Vec<KeySerial> = Vec::new();
    loop {
        let room = serials.capacity() * size_of::<KeySerial>();
        let needed = keyctl(
            libc::KEYCTL_READ,
            keyring as libc::c_ulong,
            serials.as_mut_ptr() as libc::c_ulong,
            room as libc::c_ulong,
        )? as usize;
        // The kernel copies what fits and answers the size of the whole
        // list; a list that grew meanwhile is read again.
        if needed <= room {
            // SAFETY: the kernel initialised `needed` bytes of our buffer.
            unsafe { serials.set_len(needed / size_of::<KeySerial>()) };
            return Ok(serials);
        }
        serials.reserve_exact(needed / size_of::<KeySerial>() + 8);
    }
}

/// `user;UID;GID;PERM;DESCRIPTION` of a key (view permission suffices).
fn describe(key: KeySerial) -> io::Result<String> {
    let mut buffer = vec![0u8; 4096];
    let length = keyctl(
        libc::KEYCTL_DESCRIBE,
        key as libc::c_ulong,
        buffer.as_mut_ptr() as libc::c_ulong,
        buffer.len() as libc::c_ulong,
    )? as usize;
    buffer.truncate(length.min(buffer.len()));
    Ok(String::from_utf8_lossy(&buffer)
        .trim_end_matches('\0')
        .to_string())
}

/// Unlinks every `user` key described `description` from `keyring`;
/// returns how many there were.
fn unlink_matching(keyring: KeySerial, description: &str) -> io::Result<usize> {
    let mut removed = 0;
    for key in links(keyring)? {
        let Ok(found) = describe(key) else { continue };
        let mut fields = found.splitn(5, ';');
        if fields.next() != Some("user") || fields.nth(3) != Some(description) {
            continue;
        }
        keyctl(
            libc::KEYCTL_UNLINK,
            key as libc::c_ulong,
            keyring as libc::c_ulong,
            0,
        )?;
        removed += 1;
    }
    Ok(removed)
}

/// Removes the entry `id` of the keyutils store from the keyrings the store
/// writes to (the session keyring and the user's persistent keyring),
/// without searching or reading it. Returns how many keys were unlinked.
/// Run it in a thread of its own, as every store call is.
pub fn sweep(store: &Arc<CredentialStore>, id: &str) -> io::Result<usize> {
    // First the keyring the store resolves for an entry: building the
    // entry (below) may give this thread a new session keyring, as it did
    // in the thread that wrote the key.
    let session = resolve(libc::KEY_SPEC_SESSION_KEYRING)?;
    let entry = Entry::new_in_store(store, SERVICE, id).map_err(io::Error::other)?;
    let cred = entry
        .as_any()
        .downcast_ref::<Cred>()
        .ok_or_else(|| io::Error::other("not an entry of the keyutils store"))?;
    let mut removed = unlink_matching(session, &cred.description)?;
    if cred.persistent.is_some() {
        // Linked into this thread's own keyring, which ends with the thread,
        // so the lookup changes no keyring the process keeps.
        let persistent = keyctl(
            libc::KEYCTL_GET_PERSISTENT,
            libc::c_ulong::MAX,
            libc::KEY_SPEC_THREAD_KEYRING as libc::c_ulong,
            0,
        )? as KeySerial;
        removed += unlink_matching(persistent, &cred.description)?;
    }
    Ok(removed)
}
