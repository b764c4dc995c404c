//! Cross-process locks whose wait has an end, and who holds them.
//!
//! sfconnect serialises the writers of its files, and everyone who changes a
//! connection's secret, with exclusive locks on `NAME.lock` files (std
//! `File::lock`: `flock` on Unix, `LockFileEx` on Windows). The OS releases a
//! lock when its holder exits or dies, so a crash leaves none behind. A holder
//! that hangs (a keychain prompt nobody answers, a stopped process) must not
//! hang every script queued behind it: the wait ends after
//! `SFCONNECT_LOCK_TIMEOUT` seconds (default 30) with exit 5, and the error
//! names the holder's pid where the platform can tell: on Linux from
//! `/proc/locks`, elsewhere from the pid each holder writes into the file.

use crate::error::{Error, Exit, Result};
use crate::index::files::{ensure_private_dir, io_error, open_private};
use crate::output;
use crate::settings;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

pub const TIMEOUT_VAR: &str = settings::LOCK_TIMEOUT.env;
pub(crate) const DEFAULT_TIMEOUT_SECS: u64 = 30;

/// An exclusive lock held until dropped.
pub struct FileLock {
    file: File,
}

impl Drop for FileLock {
    /// Clears our pid, so a later reader never names a process that no
    /// longer holds the lock; closing the file then releases it.
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
    }
}

/// Takes the lock `dir/NAME.lock`, waiting at most the lock timeout for its
/// holder. `what` names the lock in messages ("the lock of connection prod").
pub fn lock(dir: &Path, name: &str, what: &str) -> Result<FileLock> {
    // A name from the index (a connection id) must not lead out of `dir`.
    if name.is_empty() || name.starts_with('.') || name.contains(['/', '\\']) {
        return Err(Error::unexpected(format!(
            "refusing the lock name {name:?}: it would not stay in {}",
            dir.display()
        )));
    }
    let timeout = timeout()?;
    ensure_private_dir(dir)?;
    let path = dir.join(format!("{name}.lock"));
    let file = open_private(
        &path,
        OpenOptions::new().create(true).truncate(false).write(true),
    )
    .map_err(|e| io_error("cannot open the lock file", &path, &e))?;
    let file = match file.try_lock() {
        Ok(()) => file,
        Err(TryLockError::Error(e)) => return Err(io_error("cannot lock", &path, &e)),
        Err(TryLockError::WouldBlock) => {
            output::debug(&format!(
                "waiting for {what}, which {} holds (at most {} s, {TIMEOUT_VAR})",
                holder(&path).as_deref().unwrap_or("another process"),
                timeout.as_secs()
            ));
            wait(file, &path, what, timeout)?
        }
    };
    // Who holds it, for whoever waits next (where /proc/locks cannot say).
    let _ = file.set_len(0);
    let _ = (&file).write_all(format!("{}\n", std::process::id()).as_bytes());
    Ok(FileLock { file })
}

/// Blocks in a helper thread, since a lock call has no timeout of its own.
/// When we give up, the thread keeps waiting; if it ever gets the lock, the
/// receiver is gone, the file is dropped and the lock released at once.
fn wait(file: File, path: &Path, what: &str, timeout: Duration) -> Result<File> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let locked = file.lock().map(|()| file);
        let _ = sender.send(locked);
    });
    match receiver.recv_timeout(timeout) {
        Ok(Ok(file)) => Ok(file),
        Ok(Err(e)) => Err(io_error("cannot lock", path, &e)),
        Err(_) => Err(Error::new(
            Exit::Network,
            format!(
                "gave up after {} s waiting for {what}, which {} holds",
                timeout.as_secs(),
                holder(path).as_deref().unwrap_or("another process")
            ),
        )
        .with_hint(format!(
            "another sfconnect is using it; let it finish or stop it, or wait longer with {TIMEOUT_VAR}=SECONDS"
        ))),
    }
}

/// `SFCONNECT_LOCK_TIMEOUT`: whole seconds, 0 for not waiting at all.
pub(crate) fn timeout() -> Result<Duration> {
    match settings::LOCK_TIMEOUT.value() {
        None => Ok(Duration::from_secs(DEFAULT_TIMEOUT_SECS)),
        Some(value) if value.trim().is_empty() => Ok(Duration::from_secs(DEFAULT_TIMEOUT_SECS)),
        Some(value) => value
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|&secs| secs <= 24 * 60 * 60)
            .map(Duration::from_secs)
            .ok_or_else(|| {
                Error::usage(format!(
                    "{TIMEOUT_VAR} must be a whole number of seconds (at most a day), not {value:?}"
                ))
                .with_hint(format!("for example {TIMEOUT_VAR}=30 (the default)"))
            }),
    }
}

/// "pid N" of the lock's holder, when the platform can tell.
fn holder(path: &Path) -> Option<String> {
    holder_from_proc_locks(path)
        .or_else(|| holder_from_file(path))
        .map(|pid| format!("pid {pid}"))
}

/// Linux lists every lock in `/proc/locks`: "1: FLOCK ADVISORY WRITE PID
/// MAJOR:MINOR:INODE 0 EOF", waiters marked with `->`.
#[cfg(target_os = "linux")]
fn holder_from_proc_locks(path: &Path) -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).ok()?;
    let device = format!(
        "{:02x}:{:02x}:{}",
        libc::major(meta.dev()),
        libc::minor(meta.dev()),
        meta.ino()
    );
    let table = std::fs::read_to_string("/proc/locks").ok()?;
    table.lines().find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        match fields.as_slice() {
            [_, "FLOCK", _, "WRITE", pid, dev, ..] if *dev == device => pid.parse().ok(),
            _ => None,
        }
    })
}

#[cfg(not(target_os = "linux"))]
fn holder_from_proc_locks(_path: &Path) -> Option<u32> {
    None
}

fn holder_from_file(path: &Path) -> Option<u32> {
    let mut text = String::new();
    File::open(path)
        .ok()?
        .take(32)
        .read_to_string(&mut text)
        .ok()?;
    text.trim().parse().ok().filter(|&pid| pid != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_names_stay_in_their_directory() {
        let dir = tempfile::tempdir().unwrap();
        let locks = dir.path().join("locks");
        for bad in ["../escaped", "a/b", "..", "", "a\\b"] {
            assert!(lock(&locks, bad, "a test lock").is_err(), "{bad}");
        }
        assert!(!dir.path().join("escaped.lock").exists());
        drop(lock(&locks, "0123456789abcdef0123456789abcdef", "a test lock").unwrap());
    }

    #[test]
    fn a_held_lock_is_named_and_the_next_holder_gets_it_after_release() {
        let dir = tempfile::tempdir().unwrap();
        let held = lock(dir.path(), "x", "the lock x").unwrap();
        let path = dir.path().join("x.lock");
        assert_eq!(
            holder(&path).as_deref(),
            Some(format!("pid {}", std::process::id()).as_str())
        );
        // Another open file description of the same file does not get it.
        let other = File::options().write(true).open(&path).unwrap();
        assert!(matches!(other.try_lock(), Err(TryLockError::WouldBlock)));
        drop(held);
        assert_eq!(holder_from_file(&path), None, "the pid is cleared");
        other.try_lock().unwrap();
    }

    #[test]
    fn a_wait_that_times_out_releases_the_lock_it_gets_later() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("y.lock");
        let first = lock(dir.path(), "y", "the lock y").unwrap();
        let waiter = File::options().write(true).open(&path).unwrap();
        let err = wait(waiter, &path, "the lock y", Duration::ZERO).unwrap_err();
        assert_eq!(err.exit, Exit::Network);
        assert!(err.message.contains("the lock y"), "{}", err.message);
        drop(first);
        // The abandoned waiter may get the lock now, and must let it go.
        let again = File::options().write(true).open(&path).unwrap();
        again.lock().unwrap();
    }
}
