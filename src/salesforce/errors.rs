//! Salesforce's error codes, turned into our errors with a clear message,
//! the right exit code and a hint (docs/salesforce-oauth.md §2, §3).
//!
//! Salesforce's `error_description` is shown, but only after `clean`: it is
//! text from the network and must not drive the terminal.

use crate::error::Error;

/// Where a token-endpoint error happened decides what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Exchanging an authorization code during `link`.
    Login,
    /// Refreshing an access token of a linked connection.
    Refresh,
}

/// The causes of a dead refresh token, in the order users meet them.
pub const INVALID_GRANT_CAUSES: &str = "revoked in Salesforce, expired after a password change or idle time, or pushed out by Salesforce's limit of five approvals per user per connected app (a sixth login anywhere revokes the oldest)";

pub fn token_endpoint_error(code: &str, description: &str, stage: Stage) -> Error {
    classify(code, description, stage).with_salesforce_code(code)
}

/// Codes meaning the app is blocked or not approved for this user: an admin
/// must act; logging in again does not help.
pub fn is_app_blocked(code: &str) -> bool {
    matches!(
        code,
        "invalid_app_access"
            | "app_not_found"
            | "OAUTH_APP_BLOCKED"
            | "app_blocked"
            | "OAUTH_EC_APP_NOT_FOUND"
            | "OAUTH_APP_ACCESS_DENIED"
    )
}

fn classify(code: &str, description: &str, stage: Stage) -> Error {
    let said = describe(code, description);
    match (code, stage) {
        ("invalid_grant", Stage::Refresh) => Error::relink(format!(
            "Salesforce no longer accepts this connection's refresh token ({said}); it was likely {INVALID_GRANT_CAUSES}"
        )),
        ("invalid_grant", Stage::Login) => Error::login(format!(
            "Salesforce refused the authorization code ({said})"
        ))
        .with_hint("run `sfconnect link` again; each login code can be used once and only for a few minutes"),
        ("invalid_client_id", _) => Error::usage(format!(
            "Salesforce does not know this client id ({said})"
        ))
        .with_hint("check --client-id / SFCONNECT_CLIENT_ID: it is the External Client App's consumer key, and the app must be available in this org"),
        ("invalid_client", _) => Error::usage(format!(
            "Salesforce refused the app's credentials ({said})"
        ))
        .with_hint("if the app requires a client secret, set SFCONNECT_CLIENT_SECRET to its consumer secret; otherwise turn off \"Require Secret\" in the app's OAuth settings"),
        (code, _) if is_app_blocked(code) => {
            Error::relink(format!("Salesforce blocks this app for this user ({said})"))
                .with_hint("ask a Salesforce admin to install and approve the External Client App for your profile")
        }
        (_, Stage::Login) => Error::login(format!("Salesforce refused the login ({said})")),
        (_, Stage::Refresh) => Error::network(format!("Salesforce refused the refresh ({said})")),
    }
}

/// The hint for `invalid_client` when a client secret was sent: that secret
/// is what Salesforce refused, so asking to set it would go in a circle.
pub fn refused_secret(err: Error) -> Error {
    if err.salesforce_code.as_deref() == Some("invalid_client") {
        err.with_hint("Salesforce refused the consumer secret in SFCONNECT_CLIENT_SECRET: check that it is this app's current secret (rotating it in Salesforce changes it), or remove it from the environment if the app does not require a secret")
    } else {
        err
    }
}

/// `code: description`, or just the code.
pub fn describe(code: &str, description: &str) -> String {
    let code = clean(code);
    let description = clean(description);
    if description.is_empty() {
        code
    } else {
        format!("{code}: {description}")
    }
}

/// Server text made safe for a terminal line: no control characters, at most
/// 300 characters.
pub fn clean(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(300)
        .collect();
    if text.chars().count() > 300 {
        out.push('…');
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Exit;

    #[test]
    fn invalid_grant_depends_on_the_stage() {
        let refresh = token_endpoint_error(
            "invalid_grant",
            "expired access/refresh token",
            Stage::Refresh,
        );
        assert_eq!(refresh.exit, Exit::RelinkNeeded);
        assert!(refresh.message.contains("five approvals"));
        assert!(refresh.message.contains("expired access/refresh token"));
        let login = token_endpoint_error("invalid_grant", "invalid code verifier", Stage::Login);
        assert_eq!(login.exit, Exit::LoginNotCompleted);
    }

    #[test]
    fn client_errors_point_at_the_setting() {
        let err =
            token_endpoint_error("invalid_client", "invalid client credentials", Stage::Login);
        assert!(err.hint.unwrap().contains("SFCONNECT_CLIENT_SECRET"));
        let err = token_endpoint_error(
            "invalid_client_id",
            "client identifier invalid",
            Stage::Login,
        );
        assert_eq!(err.exit, Exit::Usage);
    }

    #[test]
    fn a_refused_secret_is_not_told_to_be_set() {
        let err = token_endpoint_error(
            "invalid_client",
            "invalid client credentials",
            Stage::Refresh,
        );
        let hint = refused_secret(err).hint.unwrap();
        assert!(hint.contains("SFCONNECT_CLIENT_SECRET"), "{hint}");
        assert!(!hint.contains("set SFCONNECT_CLIENT_SECRET"), "{hint}");
        let other = token_endpoint_error("invalid_grant", "expired", Stage::Refresh);
        assert_eq!(refused_secret(other).hint, None);
    }

    #[test]
    fn server_text_cannot_drive_the_terminal() {
        assert_eq!(clean("a\u{1b}[31mred\nline"), "a [31mred line");
        assert_eq!(clean(&"x".repeat(400)).chars().count(), 301);
        assert_eq!(describe("access_denied", ""), "access_denied");
    }
}
