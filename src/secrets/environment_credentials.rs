//! The credentials of an environment connection (docs/environment-mode.md):
//! `SFCONNECT_AUTH_URL` (an SFDX auth URL, a refresh token in disguise) and
//! `SFCONNECT_JWT_KEY` (a PEM private key).
//!
//! Like `SFCONNECT_CLIENT_SECRET` (`client_secret`), both are read once at
//! start and removed from this process's environment, so that no child
//! inherits them: not `exec`'s command, not the browser, not a passphrase
//! helper (security checklist, "Files and processes").

use crate::secrets::secret::Secret;
use crate::settings::{self, Setting};
use std::sync::OnceLock;

/// The variables as the process started with them.
static AUTH_URL: OnceLock<Option<Secret>> = OnceLock::new();
static JWT_KEY: OnceLock<Option<Secret>> = OnceLock::new();

/// The names of the variables kept here: `exec` removes them from its
/// child's environment too, in case one was set again after the start.
pub const VARIABLES: [&str; 2] = [settings::AUTH_URL.env, settings::JWT_KEY.env];

/// Reads both variables and removes them from this process's environment.
///
/// # Safety
///
/// No other thread may exist yet: changing the environment races with any
/// thread reading it. Call it first thing in `main`.
pub unsafe fn take_from_environment() {
    let _ = AUTH_URL.set(read(&settings::AUTH_URL));
    let _ = JWT_KEY.set(read(&settings::JWT_KEY));
    // SAFETY: the caller guarantees this process has a single thread.
    unsafe {
        settings::AUTH_URL.remove();
        settings::JWT_KEY.remove();
    }
}

/// `SFCONNECT_AUTH_URL`, when set and not empty.
pub fn auth_url() -> Option<Secret> {
    AUTH_URL.get_or_init(|| read(&settings::AUTH_URL)).clone()
}

/// `SFCONNECT_JWT_KEY`, when set and not empty.
pub fn jwt_key() -> Option<Secret> {
    JWT_KEY.get_or_init(|| read(&settings::JWT_KEY)).clone()
}

/// A value of only white space counts as unset, as an empty one does.
fn read(setting: &Setting) -> Option<Secret> {
    setting
        .value()
        .filter(|v| !v.trim().is_empty())
        .map(Secret::new)
}
