//! Safe file handling for everything sfconnect writes in its config dir.
//!
//! Every write goes to a temp file in the same directory, is fsynced, then
//! renamed over the target, so a reader (or a crash) sees the old file or the
//! new one, never half of one. Writers hold a cross-process lock
//! (`file_lock`) so two processes cannot lose each other's updates. The
//! directory is 0700 and files are 0600 (security checklist, "Files and
//! processes"); symlinks are never followed out of the directory.

pub use super::file_lock::{FileLock, lock};
use crate::error::{Error, Result};
use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};

/// Reading more than this from an index or store file means it is not ours.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Creates the config dir (and parents) with mode 0700 where it is missing.
pub fn ensure_private_dir(dir: &Path) -> Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .map_err(|e| io_error("cannot create the directory", dir, &e))
}

/// Reads a whole file, refusing symlinks and oversized files. `Ok(None)` when
/// it does not exist.
pub fn read_if_exists(path: &Path) -> Result<Option<String>> {
    match fs::symlink_metadata(path) {
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_error("cannot read", path, &e)),
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(Error::unexpected(format!(
                "{} is a symbolic link; sfconnect does not follow links out of its config directory",
                path.display()
            ))
            .with_hint("replace the link with the file itself"));
        }
        Ok(meta) if meta.len() > MAX_FILE_BYTES => {
            return Err(Error::unexpected(format!(
                "{} is {} bytes, too large to be an sfconnect file",
                path.display(),
                meta.len()
            )));
        }
        Ok(_) => {}
    }
    let mut text = String::new();
    File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_string(&mut text))
        .map_err(|e| io_error("cannot read", path, &e))?;
    Ok(Some(text))
}

/// Replaces `path` atomically with `contents`, mode 0600.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    ensure_private_dir(dir)?;
    if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(Error::unexpected(format!(
            "{} is a symbolic link; refusing to write through it",
            path.display()
        )));
    }
    let temp = temp_path(path);
    let result = (|| {
        let mut file = open_private(&temp, OpenOptions::new().write(true).create_new(true))?;
        file.write_all(contents)?;
        file.sync_all()?;
        fs::rename(&temp, path)?;
        // Make the rename itself durable.
        File::open(dir).and_then(|d| d.sync_all())
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&temp);
        return Err(io_error("cannot write", path, &e));
    }
    Ok(())
}

fn temp_path(path: &Path) -> PathBuf {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let nonce: u64 = rand_u64();
    path.with_file_name(format!(".{name}.{}.{nonce:016x}.tmp", std::process::id()))
}

fn rand_u64() -> u64 {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("the OS random number generator failed");
    u64::from_le_bytes(bytes)
}

pub(super) fn open_private(path: &Path, options: &mut OpenOptions) -> std::io::Result<File> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NOFOLLOW: never open through a symlink planted in our directory.
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    options.open(path)
}

pub fn io_error(what: &str, path: &Path, err: &std::io::Error) -> Error {
    Error::unexpected(format!("{what} {}: {err}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("index.json");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(read_if_exists(&path).unwrap().as_deref(), Some("two"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
            let dir_mode = fs::metadata(path.parent().unwrap())
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(dir_mode & 0o777, 0o700);
        }
        let leftovers: Vec<_> = fs::read_dir(path.parent().unwrap())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_neither_read_nor_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside.json");
        fs::write(&outside, "{}").unwrap();
        let link = dir.path().join("index.json");
        std::os::unix::fs::symlink(&outside, &link).unwrap();
        assert!(read_if_exists(&link).is_err());
        assert!(write_atomic(&link, b"x").is_err());
        assert_eq!(fs::read_to_string(&outside).unwrap(), "{}");
    }

    #[test]
    fn missing_file_reads_as_none() {
        let dir = tempfile::tempdir().unwrap();
        assert!(read_if_exists(&dir.path().join("nope")).unwrap().is_none());
    }
}
