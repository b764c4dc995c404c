//! Watching cross-process locks from outside, as Linux shows them in
//! `/proc/locks`: a test waits until a command is blocked on a lock (the
//! event), instead of sleeping and hoping it got there.

use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::{Duration, Instant};

/// How long a test waits for a command to reach a lock before it fails.
const PATIENCE: Duration = Duration::from_secs(60);

/// Whether process `pid` is waiting for a lock on the file at `path`: a
/// `->` line of `/proc/locks` with its pid and the file's inode.
pub fn is_waiting_for(pid: u32, path: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    let inode = meta.ino().to_string();
    let pid = pid.to_string();
    std::fs::read_to_string("/proc/locks")
        .unwrap_or_default()
        .lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>())
        // "1: -> FLOCK  ADVISORY  WRITE 3900 fe:00:10010722 0 EOF"
        .any(|f| {
            f.get(1) == Some(&"->")
                && f.get(5) == Some(&pid.as_str())
                && f.get(6)
                    .and_then(|dev| dev.rsplit(':').next())
                    .is_some_and(|i| i == inode)
        })
}

/// Waits until process `pid` waits for a lock on `path` (true), or until
/// `exited` says it has ended (false). Fails the test after a minute.
#[track_caller]
pub fn wait_until_waiting_for(pid: u32, path: &Path, mut exited: impl FnMut() -> bool) -> bool {
    let started = Instant::now();
    loop {
        if is_waiting_for(pid, path) {
            return true;
        }
        if exited() {
            return false;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "pid {pid} neither waited for {} nor exited",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}
