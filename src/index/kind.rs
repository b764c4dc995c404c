//! How a connection was linked, which decides how it gets a new access
//! token (design.md, "Connection kinds").
//!
//! Browser and device connections hold a refresh token, and each holds one
//! of the user's five approvals for the app (docs/salesforce-oauth.md §5). JWT
//! bearer and client-credentials connections hold an RSA key or a consumer
//! secret (or only the name of the environment variable that has it) and
//! get each access token with a new grant (docs/salesforce-oauth.md §11); Salesforce issues them no
//! refresh token, so they hold no approval. Commands never branch on the
//! kind: they ask the methods here, and `access::obtain` mints by it.
//!
//! An imported connection (`sfconnect import`, an SFDX auth URL) holds a
//! refresh token like a browser login, but not an approval of its own: it
//! shares the approval of the URL's source (the sf CLI, a CI secret), so
//! `link` never replaces it as "the same grant" (which would revoke the
//! source's token too), and revoking it ends the source's copies as well.
//!
//! Index files written before kinds were recorded have no `kind` field;
//! every connection then was a browser or device login, and both mint the
//! same way (the refresh grant), so they read as `browser`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// The authorization code flow in a browser (the default of `link`).
    #[default]
    Browser,
    /// Salesforce's device flow (`link --device`).
    Device,
    /// The JWT bearer flow (`link --jwt`, RFC 7523).
    Jwt,
    /// The client credentials flow (`link --client-credentials`).
    ClientCredentials,
    /// An SFDX auth URL brought in by `sfconnect import` (a refresh token
    /// whose approval the URL's source shares).
    Imported,
}

impl Kind {
    /// The name in `tokens list` and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Browser => "browser",
            Kind::Device => "device",
            Kind::Jwt => "jwt",
            Kind::ClientCredentials => "client-credentials",
            Kind::Imported => "imported",
        }
    }

    /// Whether the secret-store entry holds a refresh token (and so the
    /// connection holds one of the user's five approvals).
    pub fn uses_refresh_token(self) -> bool {
        matches!(self, Kind::Browser | Kind::Device | Kind::Imported)
    }

    /// Whether two connections of these kinds are the same grant when
    /// their user, org and app match, so that linking one replaces the
    /// other. A browser and a device login are (both are one approval); a
    /// headless connection never replaces a browser one, whose approval a
    /// JWT user who was not pre-authorized may rely on. An imported
    /// connection is of no family but its own: its approval is its source's,
    /// and replacing it would revoke the source's copies too (`import` has
    /// its own rule for duplicates, and never revokes).
    pub fn same_family(self, other: Kind) -> bool {
        self == other
            || (self.is_own_approval()
                && other.is_own_approval()
                && self.uses_refresh_token()
                && other.uses_refresh_token())
    }

    /// Whether the connection's refresh token came from a login on this
    /// machine (its own approval), rather than from another holder of the
    /// same approval (`imported`).
    fn is_own_approval(self) -> bool {
        self != Kind::Imported
    }

    /// What `tokens approvals` says instead of counting, for connections
    /// that hold no approval; `None` for those that hold one.
    pub fn approval_note(self) -> Option<&'static str> {
        match self {
            Kind::Browser | Kind::Device | Kind::Imported => None,
            Kind::Jwt => Some(
                "a JWT bearer connection holds no refresh token, so it uses none of the five approvals per user per app; the one exception: when the app does not pre-authorize the user (\"Admin approved users are pre-authorized\" with the user's profile or permission set), the JWT flow works only because the user once approved the app in a flow that issued a refresh token, and it stops working when that approval is revoked or pushed out by the limit",
            ),
            Kind::ClientCredentials => Some(
                "a client-credentials connection holds no refresh token and acts as the app's Run As user, so it uses none of the five approvals per user per app",
            ),
        }
    }

    /// What `revoke` says after deleting the connection: revoking its
    /// access token does not disable the credential it was minted with.
    pub fn after_revoke_note(self) -> Option<&'static str> {
        match self {
            Kind::Browser | Kind::Device => None,
            Kind::Imported => Some(
                "the connection was imported from an SFDX auth URL, whose approval it shared: every other copy of that URL (the sf CLI's own, a CI secret) was revoked with it",
            ),
            Kind::Jwt => Some(
                "the certificate in the External Client App is still valid, and so is every copy of the private key: to disable them, replace the certificate in Setup > External Client App Manager > the app > Edit Settings > OAuth Settings (\"Use digital signatures\"), or turn off \"Enable JWT Bearer Flow\"",
            ),
            Kind::ClientCredentials => Some(
                "the app's consumer secret is still valid: to disable it, rotate it in Setup > External Client App Manager > the app > Settings > OAuth Settings > Consumer Key and Secret, or turn off \"Enable Client Credentials Flow\"",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_json_values() {
        for kind in [
            Kind::Browser,
            Kind::Device,
            Kind::Jwt,
            Kind::ClientCredentials,
            Kind::Imported,
        ] {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.name()));
            assert_eq!(serde_json::from_str::<Kind>(&json).unwrap(), kind);
        }
    }

    /// Index files written before kinds were recorded read as browser.
    #[test]
    fn a_record_without_a_kind_is_a_browser_login() {
        let text = r#"{"version": 1, "connections": [{"alias": "old", "username": "u",
            "org_id": "00D", "user_id": "005", "instance_url": "https://a.my.salesforce.com",
            "login_url": "https://login.salesforce.com", "client_id": "PlatformCLI",
            "scopes": [], "created_at": "2026-01-01T00:00:00Z", "store": "file", "id": "x"}],
            "retired": [{"alias": "gone", "id": "y", "store": "file",
            "login_url": "https://login.salesforce.com", "retired_at": "2026-01-01T00:00:00Z"}]}"#;
        let index =
            crate::index::registry::parse(std::path::Path::new("index.json"), text).unwrap();
        assert_eq!(index.connections[0].kind, Kind::Browser);
        assert_eq!(index.connections[0].audience, None);
        assert_eq!(index.retired[0].kind, Kind::Browser);
        let written = serde_json::to_value(&index.connections[0]).unwrap();
        assert_eq!(written["kind"], "browser");
        assert!(written.get("audience").is_none());
    }

    #[test]
    fn families() {
        assert!(Kind::Browser.same_family(Kind::Device));
        assert!(Kind::Jwt.same_family(Kind::Jwt));
        assert!(!Kind::Jwt.same_family(Kind::Browser));
        assert!(!Kind::Jwt.same_family(Kind::ClientCredentials));
        assert!(Kind::Imported.same_family(Kind::Imported));
        assert!(!Kind::Imported.same_family(Kind::Browser));
        assert!(!Kind::Device.same_family(Kind::Imported));
        assert!(Kind::Imported.uses_refresh_token());
        assert!(Kind::Imported.approval_note().is_none());
        assert!(Kind::Browser.approval_note().is_none());
        assert!(Kind::Jwt.approval_note().unwrap().contains("exception"));
        assert!(
            Kind::ClientCredentials
                .after_revoke_note()
                .unwrap()
                .contains("consumer secret")
        );
    }
}
