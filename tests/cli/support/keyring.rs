//! A kernel keyring that takes keys but will not give them back, as in many
//! containers, for testing what the keyutils store leaves behind.
//!
//! A process whose session keyring is only its user's default one
//! (`_uid_ses.UID`, what a process gets when nothing made it a session
//! keyring) can add a key there, but the keyutils store is then denied
//! reading, searching and linking it (the key is not "possessed",
//! keyrings(7)). `DeniedKeyring::deny_reads` puts a command in exactly that
//! situation, whatever the test runner's own keyrings are: in a user
//! namespace of this test alone when the kernel allows one (so its default
//! keyring is not the one every other process of this user shares), else
//! by joining the user's default keyring as its session keyring. The test
//! process can then list that keyring, which it owns, to see what was left.

use std::fs::File;
use std::io::Read;
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};

/// A keyring's or key's serial number.
pub type Serial = i32;

fn keyctl(operation: u32, a: libc::c_ulong, b: libc::c_ulong, c: libc::c_ulong) -> libc::c_long {
    // SAFETY: integer arguments, or a buffer we own and its length.
    unsafe { libc::syscall(libc::SYS_keyctl, operation, a, b, c, 0) }
}

/// Whether this kernel lets us use keyrings at all (a container's seccomp
/// profile may forbid keyctl).
pub fn available() -> bool {
    keyctl(
        libc::KEYCTL_GET_KEYRING_ID,
        libc::KEY_SPEC_USER_SESSION_KEYRING as libc::c_ulong,
        1,
        0,
    ) >= 0
}

/// Whether a process started from this thread would have a session keyring
/// of its own. Asked in a thread of its own: asking gives the asker the
/// user's default keyring as its session keyring when it has none.
fn runner_has_own_session_keyring() -> bool {
    std::thread::spawn(|| {
        let session = keyctl(
            libc::KEYCTL_GET_KEYRING_ID,
            libc::KEY_SPEC_SESSION_KEYRING as libc::c_ulong,
            0,
            0,
        );
        let user_session = keyctl(
            libc::KEYCTL_GET_KEYRING_ID,
            libc::KEY_SPEC_USER_SESSION_KEYRING as libc::c_ulong,
            1,
            0,
        );
        session != user_session
    })
    .join()
    .unwrap()
}

/// The user's default session keyring, as commands run with `deny_reads`
/// get it for their session keyring.
pub struct DeniedKeyring {
    /// Its serial, for listing what is left in it.
    pub serial: Serial,
    /// A process in a user namespace of its own, kept alive (it waits on
    /// its stdin) so the namespace and its keyrings outlive each command.
    holder: Option<Child>,
    /// `/proc/HOLDER/ns/user`, which commands enter.
    namespace: Option<File>,
}

impl DeniedKeyring {
    /// Sets one up. Where the test runner has no session keyring of its
    /// own and the kernel allows user namespaces, the keyring belongs to a
    /// namespace of this test alone; elsewhere it is the user's real default
    /// keyring, which other processes of the user share.
    pub fn new() -> DeniedKeyring {
        if !runner_has_own_session_keyring()
            && let Some((holder, serial)) = namespace_holder()
        {
            let namespace = File::open(format!("/proc/{}/ns/user", holder.id()))
                .expect("the holder's user namespace");
            return DeniedKeyring {
                serial,
                holder: Some(holder),
                namespace: Some(namespace),
            };
        }
        let serial = std::thread::spawn(|| {
            keyctl(
                libc::KEYCTL_GET_KEYRING_ID,
                libc::KEY_SPEC_USER_SESSION_KEYRING as libc::c_ulong,
                1,
                0,
            )
        })
        .join()
        .unwrap();
        assert!(serial > 0, "no default session keyring");
        DeniedKeyring {
            serial: serial as Serial,
            holder: None,
            namespace: None,
        }
    }

    /// Makes `cmd` run with this keyring as its session keyring.
    pub fn deny_reads(&self, cmd: &mut Command) {
        let serial = self.serial;
        let namespace = self.namespace.as_ref().map(|f| f.as_raw_fd());
        // SAFETY: the closure runs between fork and exec, so it only makes
        // system calls and touches the stack: no allocation, no locks.
        unsafe {
            cmd.pre_exec(move || {
                match namespace {
                    // Without a session keyring of its own, a process falls
                    // back to its user's default one by itself.
                    Some(fd) => {
                        if libc::setns(fd, libc::CLONE_NEWUSER) != 0 {
                            return Err(std::io::Error::last_os_error());
                        }
                    }
                    None => join_by_name(serial),
                }
                let session = keyctl(
                    libc::KEYCTL_GET_KEYRING_ID,
                    libc::KEY_SPEC_SESSION_KEYRING as libc::c_ulong,
                    0,
                    0,
                );
                if session != serial as libc::c_long {
                    return Err(std::io::Error::from_raw_os_error(libc::ENOKEY));
                }
                Ok(())
            });
        }
    }
}

impl Drop for DeniedKeyring {
    fn drop(&mut self) {
        if let Some(mut holder) = self.holder.take() {
            drop(holder.stdin.take());
            let _ = holder.wait();
        }
    }
}

/// A process in a new user namespace, and the serial of its user's default
/// session keyring there; `None` where the kernel refuses the namespace.
fn namespace_holder() -> Option<(Child, Serial)> {
    let (mut reader, writer) = std::io::pipe().ok()?;
    let fd = writer.as_raw_fd();
    let mut cmd = Command::new("cat");
    cmd.stdin(Stdio::piped()).stdout(Stdio::null());
    // SAFETY: system calls only, between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            let _ = &writer;
            if libc::unshare(libc::CLONE_NEWUSER) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            let ring = keyctl(
                libc::KEYCTL_GET_KEYRING_ID,
                libc::KEY_SPEC_USER_SESSION_KEYRING as libc::c_ulong,
                1,
                0,
            );
            if ring < 0 {
                return Err(std::io::Error::last_os_error());
            }
            let serial = (ring as Serial).to_ne_bytes();
            libc::write(fd, serial.as_ptr().cast(), serial.len());
            Ok(())
        });
    }
    let holder = cmd.spawn().ok()?;
    drop(cmd);
    let mut bytes = [0u8; 4];
    reader.read_exact(&mut bytes).ok()?;
    Some((holder, Serial::from_ne_bytes(bytes)))
}

/// Joins the keyring `serial` as the session keyring, by its name (the last
/// `;` field of its description, `_uid_ses.UID`). Stack only.
fn join_by_name(serial: Serial) {
    let mut description = [0u8; 256];
    let length = keyctl(
        libc::KEYCTL_DESCRIBE,
        serial as libc::c_ulong,
        description.as_mut_ptr() as libc::c_ulong,
        description.len() as libc::c_ulong,
    );
    if length <= 0 || length as usize > description.len() {
        return;
    }
    let name_at = description[..length as usize]
        .iter()
        .rposition(|&b| b == b';')
        .map_or(0, |at| at + 1);
    keyctl(
        libc::KEYCTL_JOIN_SESSION_KEYRING,
        description[name_at..].as_ptr() as libc::c_ulong,
        0,
        0,
    );
}

/// The descriptions of the `user` keys linked in `keyring` whose
/// description ends in `@sfconnect` (the keyutils store's entries), with
/// their serials.
pub fn sfconnect_keys(keyring: Serial) -> Vec<(Serial, String)> {
    let mut serials: Vec<Serial> = vec![0; 4096];
    let size = keyctl(
        libc::KEYCTL_READ,
        keyring as libc::c_ulong,
        serials.as_mut_ptr() as libc::c_ulong,
        (serials.len() * 4) as libc::c_ulong,
    );
    assert!(
        size >= 0,
        "cannot list keyring {keyring}: {}",
        std::io::Error::last_os_error()
    );
    assert!(size as usize <= serials.len() * 4, "keyring too large");
    serials.truncate(size as usize / 4);
    serials
        .into_iter()
        .filter_map(|key| {
            let mut buffer = [0u8; 512];
            let length = keyctl(
                libc::KEYCTL_DESCRIBE,
                key as libc::c_ulong,
                buffer.as_mut_ptr() as libc::c_ulong,
                buffer.len() as libc::c_ulong,
            );
            if length <= 0 {
                return None; // gone, or not ours to view
            }
            let text = String::from_utf8_lossy(&buffer[..(length as usize).min(buffer.len())])
                .trim_end_matches('\0')
                .to_string();
            let description = text.splitn(5, ';').nth(4)?.to_string();
            (text.starts_with("user;") && description.ends_with("@sfconnect"))
                .then_some((key, description))
        })
        .collect()
}
