//! An External Client App's consumer secret, and the one connection it
//! belongs to.
//!
//! Some apps require a client secret for the code or refresh grant
//! ("Require Secret for Web Server Flow" / "... for Refresh Token Flow",
//! docs/salesforce-oauth.md §3). The user gives it in `SFCONNECT_CLIENT_SECRET`,
//! never on the command line, where every local user could read it. A
//! secret belongs to one app, so it is sent only for the connection linked
//! with it: `link` keeps it with that connection's tokens in the secret
//! store (never in the index), and a refresh sends the stored one, never
//! the variable, to another connection's token endpoint.
//!
//! The variable is read once at start and removed from the process's
//! environment, so no child inherits it: not `exec`'s command, not the
//! browser, not a passphrase helper (security checklist, "Files and
//! processes").
//!
//! Connections linked before secrets were stored relied on the variable at
//! every refresh. They keep working: when the variable is set and the
//! configured client id (`SFCONNECT_CLIENT_ID`, else the config file's
//! `client-id`) is the connection's own, the variable is that connection's
//! secret, and a refresh that succeeds with it stores it. The same rule lets
//! a user hand over a rotated consumer secret.

use crate::secrets::secret::Secret;
use crate::settings;
use std::sync::OnceLock;

pub const VARIABLE: &str = settings::CLIENT_SECRET.env;

/// The variable's value as the process started with it.
static FROM_ENVIRONMENT: OnceLock<Option<Secret>> = OnceLock::new();

/// Reads `SFCONNECT_CLIENT_SECRET` and removes it from this process's
/// environment, so that no child process inherits it.
///
/// # Safety
///
/// No other thread may exist yet: changing the environment races with any
/// thread reading it. Call it first thing in `main`.
pub unsafe fn take_from_environment() {
    let _ = FROM_ENVIRONMENT.set(read());
    // SAFETY: the caller guarantees this process has a single thread.
    unsafe { settings::CLIENT_SECRET.remove() };
}

/// `SFCONNECT_CLIENT_SECRET`, when set and not empty: the secret of the app
/// being linked.
pub fn from_environment() -> Option<Secret> {
    FROM_ENVIRONMENT.get_or_init(read).clone()
}

/// The value of a variable a headless connection names (`--key-env`,
/// `--secret-env`). `SFCONNECT_CLIENT_SECRET` itself was taken out of the
/// environment at startup, so its value comes from where it was kept.
pub fn variable(name: &str) -> Option<Secret> {
    if name == VARIABLE {
        return from_environment();
    }
    crate::settings::named_by_user(name).map(Secret::new)
}

fn read() -> Option<Secret> {
    settings::CLIENT_SECRET.value().map(Secret::new)
}

/// The secret a refresh of one connection sends.
#[derive(Debug, PartialEq, Eq)]
pub struct ForRefresh {
    pub secret: Option<Secret>,
    /// The secret came from the variable and differs from the stored one:
    /// store it once the refresh succeeds.
    pub adopt: bool,
}

/// Which secret a connection of `client_id` refreshes with: the variable's
/// when the configured client id is its own (see the module header), else
/// the one stored with it, if any.
pub fn for_refresh(
    client_id: &str,
    stored: Option<&Secret>,
    configured_client_id: Option<&str>,
) -> ForRefresh {
    choose(from_environment(), client_id, stored, configured_client_id)
}

fn choose(
    variable: Option<Secret>,
    client_id: &str,
    stored: Option<&Secret>,
    configured_client_id: Option<&str>,
) -> ForRefresh {
    match variable {
        Some(secret) if configured_client_id.map(str::trim) == Some(client_id) => ForRefresh {
            adopt: stored != Some(&secret),
            secret: Some(secret),
        },
        _ => ForRefresh {
            secret: stored.cloned(),
            adopt: false,
        },
    }
}

/// Whether the variable is set (for a hint when it was not sent).
pub fn variable_is_set() -> bool {
    from_environment().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    const OURS: &str = "3MVG9ours";

    #[test]
    fn the_variable_goes_only_to_the_configured_app() {
        let variable = || Some(Secret::new("from-env"));
        let stored = Secret::new("stored");
        // Another app's connection: the variable is never sent.
        let other = choose(variable(), "PlatformCLI", None, Some(OURS));
        assert_eq!(other.secret, None);
        let other = choose(variable(), "3MVG9other", Some(&stored), Some(OURS));
        assert_eq!(other.secret, Some(stored.clone()));
        assert!(!other.adopt);
        // No client id configured: the variable belongs to nobody.
        assert_eq!(choose(variable(), OURS, None, None).secret, None);
        // Its own app: the variable, stored after a success when new.
        let own = choose(variable(), OURS, None, Some(OURS));
        assert_eq!((own.secret, own.adopt), (variable(), true));
        let own = choose(variable(), OURS, Some(&stored), Some(OURS));
        assert_eq!((own.secret, own.adopt), (variable(), true));
        let same = choose(variable(), OURS, variable().as_ref(), Some(OURS));
        assert!(!same.adopt);
        // Without the variable, the stored secret.
        let plain = choose(None, OURS, Some(&stored), Some(OURS));
        assert_eq!((plain.secret, plain.adopt), (Some(stored), false));
    }
}
