//! `SFCONNECT_ENV_CACHE=DIR`: the one place the environment mode writes.
//!
//! Without it every call of a job mints a new access token, and an auth
//! URL whose refresh token Salesforce rotates dies after the first call
//! (presenting it again revokes the whole chain, RFC 9700 §4.14). With it,
//! a job-private directory keeps, in one 0600 file per environment
//! connection, the access token, who it is, and a rotated refresh token,
//! for the rest of the job. Parallel calls of one job serialise on a lock
//! file beside it (`index::file_lock`, bounded by SFCONNECT_LOCK_TIMEOUT).
//!
//! The directory must be the user's own and writable by nobody else (as
//! ssh demands of `~/.ssh`): a planted file there could hand us a refresh
//! token of someone else's choosing. A missing directory is created, 0700,
//! when its parent exists. File names carry a SHA-256 of the connection's
//! identity, never a token.

use crate::error::{Error, Result};
use crate::index::file_lock::{self, FileLock};
use crate::index::files::{read_if_exists, write_atomic};
use crate::settings;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

const VERSION: u32 = 1;

/// What one environment connection keeps between the calls of a job.
#[derive(Serialize, Deserialize, Default, Clone)]
pub struct Saved {
    pub version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_at_ms: Option<i64>,
    #[serde(default)]
    pub instance_url: String,
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub org_id: String,
    #[serde(default)]
    pub user_id: String,
    /// The refresh token Salesforce rotated to, once it has: from then on
    /// the one to present, not the variable's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

/// The cache of one environment connection.
pub struct Cache {
    dir: PathBuf,
    /// `sfconnect-env-HASH`.
    name: String,
}

impl Cache {
    /// The cache `SFCONNECT_ENV_CACHE` names, for the connection whose
    /// identity is `identity`; `None` when the variable is unset. A
    /// directory that is not private is refused (exit 2).
    pub fn open(identity: &[&str]) -> Result<Option<Cache>> {
        let Some(dir) = settings::ENV_CACHE.os_value() else {
            return Ok(None);
        };
        let dir = PathBuf::from(dir);
        prepare(&dir)?;
        Ok(Some(Cache {
            dir,
            name: format!("sfconnect-env-{}", key(identity)),
        }))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self) -> PathBuf {
        self.dir.join(format!("{}.json", self.name))
    }

    /// The job's lock on this connection, held across read, grant and write.
    pub fn lock(&self) -> Result<FileLock> {
        file_lock::lock(
            &self.dir,
            &self.name,
            "the lock of the environment connection's cache",
        )
    }

    /// What was kept; nothing when the file is missing. A file that cannot
    /// be read as ours is an error: it may hold the only live refresh token.
    pub fn load(&self) -> Result<Saved> {
        let path = self.path();
        let Some(text) = read_if_exists(&path)? else {
            return Ok(Saved::default());
        };
        // serde's message could quote the file, which holds tokens.
        let saved: Saved = serde_json::from_str(&text).map_err(|e| {
            Error::unexpected(format!(
                "{} is not an sfconnect cache file (line {}, column {})",
                path.display(),
                e.line(),
                e.column()
            ))
            .with_hint(format!(
                "delete it if it is stale; {} should be a directory of this job alone",
                settings::ENV_CACHE.env
            ))
        })?;
        if saved.version != VERSION {
            return Err(Error::unexpected(format!(
                "{} has version {}, not {VERSION}",
                path.display(),
                saved.version
            )));
        }
        Ok(saved)
    }

    /// Replaces the file atomically, mode 0600.
    pub fn save(&self, saved: &Saved) -> Result<()> {
        let saved = Saved {
            version: VERSION,
            ..saved.clone()
        };
        let text = serde_json::to_vec(&saved)
            .map_err(|e| Error::unexpected(format!("cannot encode the cache: {e}")))?;
        write_atomic(&self.path(), &text)
    }
}

/// SHA-256 of the identity's parts, NUL-separated, in hex (32 characters
/// are plenty to tell a job's connections apart).
fn key(identity: &[&str]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, identity.join("\0").as_bytes());
    digest.as_ref()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Creates the directory when missing (its parent must exist), then
/// refuses one that is not a directory, not ours, or writable by others.
fn prepare(dir: &Path) -> Result<()> {
    let var = settings::ENV_CACHE.env;
    if !dir.exists() {
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir).map_err(|e| {
            Error::usage(format!(
                "{var}: cannot create the directory {}: {e}",
                dir.display()
            ))
            .with_hint("point it at a directory of this job, such as $RUNNER_TEMP/sfconnect")
        })?;
    }
    let meta = std::fs::metadata(dir)
        .map_err(|e| Error::usage(format!("{var}: cannot read {}: {e}", dir.display())))?;
    if !meta.is_dir() {
        return Err(Error::usage(format!(
            "{var}: {} is not a directory",
            dir.display()
        )));
    }
    check_private(dir, &meta)
}

#[cfg(unix)]
fn check_private(dir: &Path, meta: &std::fs::Metadata) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    judge(dir, meta.uid(), meta.mode(), me)
}

/// The directory's owner must be `me`, and its mode must not let the group
/// or others write.
#[cfg(unix)]
fn judge(dir: &Path, owner: u32, mode: u32, me: u32) -> Result<()> {
    let var = settings::ENV_CACHE.env;
    if owner != me {
        return Err(Error::usage(format!(
            "{var}: {} belongs to another user (uid {}); refusing to keep tokens there",
            dir.display(),
            owner
        ))
        .with_hint("use a directory of your own, made for this job"));
    }
    let mode = mode & 0o777;
    if mode & 0o022 != 0 {
        return Err(Error::usage(format!(
            "{var}: {} is writable by {} (mode {mode:04o}); refusing to keep tokens there",
            dir.display(),
            if mode & 0o002 != 0 {
                "every user"
            } else {
                "its group"
            }
        ))
        .with_hint(format!("chmod 700 {}", dir.display())));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_dir: &Path, _meta: &std::fs::Metadata) -> Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_a_hash_never_the_token() {
        let token = "5Aep861SFCANARYrefresh";
        let name = key(&[
            "auth-url",
            "https://acme.my.salesforce.com",
            "PlatformCLI",
            token,
        ]);
        assert_eq!(name.len(), 32);
        assert!(name.chars().all(|c| c.is_ascii_hexdigit()));
        assert!(!name.contains("SFCANARY"));
        // Another identity, another file.
        assert_ne!(
            name,
            key(&[
                "auth-url",
                "https://acme.my.salesforce.com",
                "PlatformCLI",
                "x"
            ])
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_directory_writable_by_others_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join("cache");
        prepare(&cache).unwrap();
        let mode = std::fs::metadata(&cache).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
        std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(0o770)).unwrap();
        let err = prepare(&cache).unwrap_err();
        assert_eq!(err.exit, crate::error::Exit::Usage);
        assert!(err.message.contains("its group"), "{}", err.message);
        std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(0o707)).unwrap();
        assert!(prepare(&cache).unwrap_err().message.contains("every user"));
        // A missing parent is not created.
        assert!(prepare(&dir.path().join("no/such")).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_directory_of_another_user_is_refused() {
        let dir = Path::new("/job/cache");
        assert!(judge(dir, 1000, 0o40700, 1000).is_ok());
        assert!(judge(dir, 1000, 0o40755, 1000).is_ok());
        let err = judge(dir, 0, 0o40700, 1000).unwrap_err();
        assert_eq!(err.exit, crate::error::Exit::Usage);
        assert!(err.message.contains("another user"), "{}", err.message);
        // Sticky /tmp-like modes are writable by others all the same.
        assert!(judge(dir, 1000, 0o41777, 1000).is_err());
    }
}
