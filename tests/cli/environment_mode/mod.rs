//! The environment mode (docs/environment-mode.md): a connection described
//! by environment variables alone, in a sandbox with no D-Bus, a read-only
//! HOME and a config dir that does not exist. Each kind against the fake
//! (an SFDX auth URL with the fake's refresh tokens; JWT bearer; client
//! credentials), the cache and rotation, the resolution rules, `doctor`,
//! and leaks.

mod auth_url;
mod cache;
mod choosing;
mod headless;
mod leaks;

use crate::support::fake_salesforce::DEFAULT_USERNAME;
use crate::support::fake_salesforce::FAKE_CLIENT_ID;
use crate::support::{Run, Sandbox, run_command};
use std::path::{Path, PathBuf};

/// A sandbox as a CI container is: no D-Bus session (the address points at
/// nothing) and so no keychain, HOME read-only, and no config dir (its path
/// does not exist).
/// Tests run as root in CI, where mode 0500 does not stop a write: what
/// proves nothing was written is `files_under` before and after.
pub fn sealed() -> Sandbox {
    let mut sandbox = Sandbox::new();
    sandbox.set_env(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/sfconnect-test-bus",
    );
    // The keychain, which cannot work without D-Bus: a command that opened
    // a secret store would fail here.
    sandbox.set_env("SFCONNECT_STORE", "keychain");
    let home = sandbox.root().join("home");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o500)).unwrap();
    }
    assert!(!sandbox.config_dir().exists());
    sandbox
}

/// Every file and directory under `dir` (itself excluded), sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.filter_map(|e| e.ok()) {
            let path = entry.path();
            found.push(path.clone());
            if path.is_dir() && !path.is_symlink() {
                found.extend(files_under(&path));
            }
        }
    }
    found.sort();
    found
}

/// An SFDX auth URL for a new approval of the default user at the fake, and
/// its refresh token.
pub fn auth_url(sandbox: &Sandbox) -> (String, String) {
    let refresh =
        sandbox
            .fake
            .grant_refresh_token(DEFAULT_USERNAME, FAKE_CLIENT_ID, "api refresh_token id");
    (
        format!(
            "force://{FAKE_CLIENT_ID}::{refresh}@{}",
            sandbox.fake.address()
        ),
        refresh,
    )
}

/// Runs sfconnect with `env` added to the sandbox's environment.
pub fn run(sandbox: &Sandbox, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = sandbox.command(args);
    for (key, value) in env {
        cmd.env(key, value);
    }
    run_command(cmd, None)
}

/// A private directory for SFCONNECT_ENV_CACHE, outside the sandbox's root
/// (whose tree must stay untouched).
pub fn cache_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    dir
}

/// A job's connection by SFDX auth URL (see `auth_url`) with its own
/// private cache directory (see `cache_dir`).
pub struct CachedAuthUrl {
    pub url: String,
    /// The refresh token inside `url`.
    pub refresh: String,
    pub cache: tempfile::TempDir,
    pub cache_path: String,
}

impl CachedAuthUrl {
    pub fn new(sandbox: &Sandbox) -> CachedAuthUrl {
        let (url, refresh) = auth_url(sandbox);
        let cache = cache_dir();
        let cache_path = cache.path().display().to_string();
        CachedAuthUrl {
            url,
            refresh,
            cache,
            cache_path,
        }
    }

    /// The variables such a job sets: `SFCONNECT_AUTH_URL` and
    /// `SFCONNECT_ENV_CACHE`.
    pub fn env(&self) -> [(&'static str, &str); 2] {
        [
            ("SFCONNECT_AUTH_URL", self.url.as_str()),
            ("SFCONNECT_ENV_CACHE", self.cache_path.as_str()),
        ]
    }
}

/// `exec`'s child: the names of the variables it inherited, one a line.
pub const PRINT_NAMES: &[&str] = &["--", "sh", "-c", "env | cut -d= -f1"];

/// `exec`'s child: what it was told about the connection.
pub const PRINT_CONNECTION: &[&str] = &[
    "--",
    "sh",
    "-c",
    "printf '%s|%s|%s|%s' \"$SF_ACCESS_TOKEN\" \"$SF_INSTANCE_URL\" \"$SF_USERNAME\" \"$SF_ORG_ID\"",
];

/// `args` then `tail`.
pub fn with<'a>(args: &[&'a str], tail: &[&'a str]) -> Vec<&'a str> {
    let mut all = args.to_vec();
    all.extend_from_slice(tail);
    all
}
